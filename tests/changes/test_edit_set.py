"""The labelled edit set (bench/edit_set.py) through the real crawler and pipeline: noise
edits alert nobody, real edits alert (issue #12's targets). Skipped without ../shared/corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.bench_edits import run_edit_set
from bench.edit_set import EDIT_TYPES, edit_set

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_edit_set_is_labelled_and_varied(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus" / "press-releases.jsonl.gz"
    if not corpus.is_file():
        pytest.skip("the shared corpus is not present")
    cases = edit_set(corpus)
    assert len(cases) >= 150
    assert len({case.release_id for case in cases}) >= 40
    assert {case.edit_type for case in cases} == {kind.name for kind in EDIT_TYPES}
    noise = sum(case.label == "noise" for case in cases)
    assert 0.4 <= noise / len(cases) <= 0.6
    assert edit_set(corpus) == cases  # seeded: the same corpus gives the same cases


def test_noise_alerts_nobody_and_real_edits_do(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus" / "press-releases.jsonl.gz"
    if not corpus.is_file():
        pytest.skip("the shared corpus is not present")
    cases = edit_set(corpus, per_type=3)  # every type, 69 cases: about 90 s
    report = run_edit_set(cases, corpus)
    print("\n".join(report.lines()))
    assert report.false_alarm_rate < 0.05, report.lines()
    assert report.real_recall >= 0.95, report.lines()
    assert report.fact_recall >= 0.90, report.lines()
    assert report.fact_precision >= 0.90, report.lines()
