"""Classification throughput: documents/s on the press-release corpus, one process.

The baseline is the fastest bare entity finder a user would write, on the same documents in the
same run: one pass of a compiled Aho-Corasick automaton (pyahocorasick) over every name,
abbreviation and alias of every entity, collecting the aliases found. Ours does more (particles,
boundaries, ambiguity, topics, facts); the ratio says what that costs.
"""

from __future__ import annotations

import gzip
import itertools
import json
import time
from pathlib import Path

import ahocorasick

from bench.harness import Result
from zonewatch.classify.classifier import Classifier
from zonewatch.classify.reclassify import surface_forms
from zonewatch.config.zones import load_zone_model

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "press-releases.jsonl.gz"
DOCUMENTS = 1500


def _documents() -> list[tuple[str, str]]:
    if CORPUS.exists():
        with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
            rows = [json.loads(line) for line in itertools.islice(handle, DOCUMENTS)]
        return [(row.get("title") or "", row.get("text") or "") for row in rows]
    body = "인천경제자유구역청은 송도에 바이오 기업 12곳을 유치했다. 투자 규모는 3,000억 원이다. "
    return [(f"보도자료 {n}", body * 30) for n in range(DOCUMENTS)]


def _automaton(aliases: list[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for alias in aliases:
        automaton.add_word(alias, alias)
    automaton.make_automaton()
    return automaton


def classification_throughput() -> list[Result]:
    documents = _documents()
    model = load_zone_model()
    classifier = Classifier.build(model=model)
    aliases = sorted({form for entity in model.entities for form in surface_forms(entity)})

    started = time.perf_counter()
    for title, text in documents:
        classifier.classify(title, text)
    ours = time.perf_counter() - started

    automaton = _automaton(aliases)
    started = time.perf_counter()
    for title, text in documents:
        squashed = "".join(f"{title}\n{text}".split()).lower()
        {alias for _, alias in automaton.iter(squashed)}
    baseline = time.perf_counter() - started
    return [
        Result(
            name="classify_documents_per_second",
            value=len(documents) / ours,
            unit="docs/s",
            baseline=f"one Aho-Corasick pass over {len(aliases)} aliases (pyahocorasick)",
            baseline_value=len(documents) / baseline,
        )
    ]


BENCHMARKS = [classification_throughput]
