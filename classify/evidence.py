"""What a finding rests on: typed while the classifier works, JSON once stored.

Entity links and topic cues point at spans of the release; the topic model adds the n-grams
that weighed most and the decision itself. ``stored`` gives the JSON that ``mentions`` and
``version_topics`` have always held (readers of stored rows see no change).
"""

from __future__ import annotations

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
