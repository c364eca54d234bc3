"""What a finding rests on: typed while the classifier works, JSON once stored.

Entity links and topic cues point at spans of the release; the topic model adds the n-grams
that weighed most and the decision itself. ``stored`` gives the JSON that ``mentions`` and
``version_topics`` have always held, and ``shown`` the part of it worth storing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Part(StrEnum):
    """Where in the release a span is."""

    TITLE = "title"
    BODY = "body"


@dataclass(frozen=True)
class Span:
    """Text of the release that names an entity or cues a topic (``weight``: a topic cue's
    share of the score; entity links have none)."""

    text: str
    start: int
    end: int
    where: Part
    rule: str
    weight: float | None = None

    def stored(self) -> dict[str, object]:
        data: dict[str, object] = {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "where": self.where.value,
            "rule": self.rule,
        }
        if self.weight is not None:
            data["weight"] = self.weight
        return data


@dataclass(frozen=True)
class ModelFeature:
    """An n-gram (or rule feature) that added much to the topic model's score."""

    text: str
    rule: str
    feature: str
    weight: float

    def stored(self) -> dict[str, object]:
        return {
            "text": self.text,
            "where": "model",
            "rule": self.rule,
            "feature": self.feature,
            "weight": self.weight,
        }


@dataclass(frozen=True)
class ModelDecision:
    """The topic model's verdict: its probability against the topic's threshold, and
    whether the model or the rules carried the topic."""

    rule: str
    probability: float
    threshold: float
    decided_by: str

    def stored(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "where": "model",
            "probability": self.probability,
            "threshold": self.threshold,
            "decided_by": self.decided_by,
        }


Evidence = Span | ModelFeature | ModelDecision


SHOWN_WORDS = 5
"""Distinct words a reader shows for one link (``changes show``, the change page, the API)."""
SHOWN_SPANS = 3
"""Leading spans a model-change proposal copies from a mention as its own evidence."""


def shown(evidence: Sequence[Evidence]) -> list[Evidence]:
    """The part of a finding's evidence that is stored: what readers show, in order.

    A release repeats its words (one topic row held about 14 spans, a third of the
    database), while every reader shows at most the first few distinct words, and a proposal
    copies the first spans. Kept: the leading spans, the first occurrence of each of the first
    ``SHOWN_WORDS`` distinct words, and the model's decision. Readers see the same words.
    """
    kept: list[Evidence] = []
    words: set[str] = set()
    for position, item in enumerate(evidence):
        word = None if isinstance(item, ModelDecision) else item.text
        first = bool(word) and word not in words and len(words) < SHOWN_WORDS
        if position < SHOWN_SPANS or first or word is None:
            kept.append(item)
        if word and len(words) < SHOWN_WORDS:
            words.add(word)
    return kept
