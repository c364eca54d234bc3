"""Scoring is what the thresholds are judged by: checked here on hand-made cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zonewatch.classify.evaluation import (
    GoldDocument,
    Prediction,
    Tally,
    read_catalogue,
    read_gold,
    score,
)
from zonewatch.errors import InputError

KINDS = {"ifez": "fez", "motie": "authority", "busan": "authority"}


def gold(
    doc_id: str,
    entities: set[str],
    topics: set[str] = frozenset(),  # type: ignore[assignment]
    facts: tuple[tuple[float, str], ...] = (),
) -> GoldDocument:
    return GoldDocument(doc_id, "t", "x", "ko", frozenset(entities), frozenset(topics), facts)


def predicted(
    doc_id: str,
    entities: set[str],
    topics: set[str] = frozenset(),  # type: ignore[assignment]
    facts: tuple[tuple[float, str], ...] = (),
) -> Prediction:
    return Prediction(
        doc_id,
        frozenset(entities),
        frozenset(topics),
        tuple({"value": v, "unit": u, "entity": None, "metric": "m"} for v, u in facts),
    )


def test_entities_are_micro_averaged_over_documents() -> None:
    report = score(
        [
            (gold("a", {"ifez", "motie"}), predicted("a", {"ifez"})),
            (gold("b", {"busan"}), predicted("b", {"busan", "motie"})),
        ],
        KINDS,
    )
    assert (report.entities.tp, report.entities.fp, report.entities.fn) == (2, 1, 1)
    assert report.entities.precision == pytest.approx(2 / 3)
    assert report.entities.f1 == pytest.approx(2 / 3)
    assert [e.id for e in report.errors] == ["a", "b"]
    assert report.errors[0].missed["entities"] == ["motie"]


def test_ids_outside_the_catalogue_are_neither_right_nor_wrong() -> None:
    report = score(
        [(gold("a", {"ifez"}), predicted("a", {"ifez", "our-own-zone"}))],
        KINDS,
        scored_ids=frozenset(KINDS),
    )
    assert report.entities.precision == 1.0


def test_topics_count_only_on_documents_about_the_zone_model() -> None:
    report = score(
        [
            (gold("zone", {"ifez"}, {"plan"}), predicted("zone", {"ifez"}, {"plan", "reform"})),
            (gold("other", {"motie"}, {"plan"}), predicted("other", {"motie"}, set())),
        ],
        KINDS,
    )
    assert (report.topics.tp, report.topics.fp, report.topics.fn) == (1, 1, 0)


def test_facts_match_on_value_and_unit_within_half_a_percent() -> None:
    report = score(
        [
            (
                gold("a", set(), facts=((65_000_000_000, "KRW"), (300, "companies"), (12, "jobs"))),
                predicted("a", set(), facts=((65_200_000_000, "KRW"), (300, "people"))),
            )
        ],
        KINDS,
    )
    assert report.facts.precision == 0.5
    assert report.facts.recall == pytest.approx(1 / 3)


def test_facts_are_lists_one_extracted_entry_per_gold_entry() -> None:
    """The README scores lists: a figure extracted twice is once right and once wrong, and
    two gold facts with one value need two extracted entries."""
    twice = score(
        [
            (
                gold("a", set(), facts=((300, "companies"),)),
                predicted("a", set(), facts=((300, "companies"),) * 2),
            )
        ],
        KINDS,
    )
    assert (twice.facts.tp, twice.facts.fp, twice.facts.fn) == (1, 1, 0)
    once = score(
        [
            (
                gold("a", set(), facts=((56, "count"),) * 2),
                predicted("a", set(), facts=((56, "count"),)),
            )
        ],
        KINDS,
    )
    assert (once.facts.tp, once.facts.fp, once.facts.fn) == (1, 0, 1)
    assert once.errors[0].missed["facts"] == ["56 count"]


def test_empty_families_do_not_divide_by_zero() -> None:
    assert Tally().precision == Tally().recall == 1.0


def test_a_bad_gold_line_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    good = {"id": "1", "title": "t", "text": "x", "labels": {"entities": []}}
    path.write_text(json.dumps(good) + "\n\n" + '{"id": "2"}\n', encoding="utf-8")
    documents = read_gold(path)
    assert next(documents).id == "1"
    with pytest.raises(InputError, match=r"gold.jsonl:3: not a gold document"):
        next(documents)


def test_the_catalogue_gives_kinds_by_id(tmp_path: Path) -> None:
    path = tmp_path / "entities.tsv"
    path.write_text("id\tkind\tname\nifez\tfez\tIFEZ\n\nmss\tauthority\tMSS\n", encoding="utf-8")
    assert read_catalogue(path) == {"ifez": "fez", "mss": "authority"}
