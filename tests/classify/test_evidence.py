"""What is stored of a finding's evidence: every word a reader shows, none of the repeats."""

from __future__ import annotations

from zonewatch.classify.evidence import (
    SHOWN_SPANS,
    SHOWN_WORDS,
    Evidence,
    ModelDecision,
    ModelFeature,
    Part,
    Span,
    shown,
)


def span(text: str, start: int) -> Span:
    return Span(text, start, start + len(text), Part.BODY, "rule", 1.0)


def words(evidence: list[Evidence]) -> list[str]:
    """The words a reader shows: distinct, in order, the first few (changes show)."""
    texts = [item.text for item in evidence if not isinstance(item, ModelDecision) and item.text]
    return list(dict.fromkeys(texts))[:SHOWN_WORDS]


REPEATED: list[Evidence] = [
    span("계획", 0),
    span("계획", 10),
    span("전략", 20),
    span("계획", 30),
    span("전략", 40),
    span("목표", 50),
    span("계획", 60),
    span("로드맵", 70),
    span("기본계획", 80),
    span("종합계획", 90),
    span("혁신전략", 100),
    ModelFeature("rule:plan", "model.plan.feature", "rule:plan", 3.5),
    ModelDecision("model.plan", 0.98, 0.5, "model"),
]


def test_readers_see_the_same_words_and_leading_spans() -> None:
    kept = shown(REPEATED)
    assert words(kept) == words(REPEATED) == ["계획", "전략", "목표", "로드맵", "기본계획"]
    assert kept[:SHOWN_SPANS] == REPEATED[:SHOWN_SPANS], "a proposal copies the first spans"


def test_repeats_and_words_past_the_shown_ones_are_dropped_but_the_decision_stays() -> None:
    kept = shown(REPEATED)
    assert [item.start for item in kept if isinstance(item, Span)] == [0, 10, 20, 50, 70, 80]
    assert kept[-1] == REPEATED[-1]
    assert not any(isinstance(item, ModelFeature) for item in kept)


def test_short_evidence_is_kept_whole() -> None:
    few: list[Evidence] = [span("송도", 0), span("송도", 5), ModelFeature("바이오", "r", "f", 1.0)]
    assert shown(few) == few
