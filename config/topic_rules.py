"""The topic classifier's keyword rules as data: schema and loader of ``topic_rules.yaml``.

The rules are configuration rather than code so that a reviewer can read, and change, why a
release was given a topic without touching Python. Every mistake names the file and the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zonewatch.config.loading import parse_entries, read_yaml, validation_message
from zonewatch.config.topics import load_topics
from zonewatch.errors import ConfigError

LANG_PATTERN = r"^[a-z]{2}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Scoring(_Strict):
    """How a cue's weight is scaled by where it occurs and how often."""

    title_factor: float = Field(default=3.0, gt=0, le=10)
    lead_chars: int = Field(default=700, ge=0)
    lead_factor: float = Field(default=1.0, gt=0, le=10)
    tail_factor: float = Field(default=0.45, gt=0, le=10)
    body_limit: int = Field(default=6000, gt=0)
    repeat_bonus: float = Field(default=0.25, ge=0, le=1)
    max_repeats: int = Field(default=3, ge=0, le=50)
    char_scale: dict[str, float] = Field(default_factory=dict)

    @field_validator("char_scale")
    @classmethod
    def _check_scale(cls, scale: dict[str, float]) -> dict[str, float]:
        for lang, factor in scale.items():
            if not re.fullmatch(LANG_PATTERN, lang) or not 0 < factor <= 10:
                raise ValueError(f"{lang}: needs a two-letter language and a factor in (0, 10]")
        return scale

    def chars(self, lang: str) -> tuple[int, int]:
        """Lead length and body limit for a language: Korean packs more into a character."""
        scale = self.char_scale.get(lang, 1.0)
        return round(self.lead_chars * scale), round(self.body_limit * scale)


class CueGroup(_Strict):
    """Terms of one language sharing one weight (negative weights count against the topic).

    A term matches as a substring, so Korean particles may follow it; at a Latin letter or digit
    it must start and end a word, unless it ends in ``*`` (a stem: ``designat*``). A leading ``^``
    makes it start a word (^성과 is not in 조성과).
    """

    lang: str = Field(pattern=LANG_PATTERN)
    weight: float = Field(ge=-5, le=5)
    terms: tuple[str, ...] = Field(min_length=1)

    @field_validator("weight")
    @classmethod
    def _not_zero(cls, value: float) -> float:
        if value == 0:
            raise ValueError("weight must not be 0 (use 'shadows' to neutralise a word)")
        return value

    @field_validator("terms")
    @classmethod
    def _check_terms(cls, terms: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_term(term) for term in terms)


class TopicRule(_Strict):
    """The cues of one topic and the score a release needs to be given that topic."""

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    threshold: float = Field(gt=0, le=100)
    cues: tuple[CueGroup, ...] = Field(min_length=1)


def check_term(term: str) -> str:
    """A term as written, spaces normalised; ``^`` may only lead and ``*`` only end it."""
    cleaned = " ".join(term.split())
    if not cleaned.lstrip("^").rstrip("*").strip():
        raise ValueError(f"term {term!r} is empty")
    if "*" in cleaned[:-1]:
        raise ValueError(f"term {term!r}: '*' is allowed only at the end")
    if "^" in cleaned[1:]:
        raise ValueError(f"term {term!r}: '^' is allowed only at the start")
    return cleaned


def has_hangul(text: str) -> bool:
    """Korean text gets Korean matching (spacing variants) and is told from English by this."""
    return any("\uac00" <= char <= "\ud7a3" for char in text)


def spacing_free(term: str) -> str:
    """The form two terms collide on: Korean spacing varies (업무 협약 = 업무협약), so drop it."""
    lowered = term.lower().lstrip("^")
    return lowered.replace(" ", "") if has_hangul(lowered) else lowered


@dataclass(frozen=True)
class TopicRules:
    path: Path
    scoring: Scoring
    shadows: dict[str, tuple[str, ...]]
    topics: tuple[TopicRule, ...]

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(group.lang for topic in self.topics for group in topic.cues)


def default_topic_rules_path() -> Path:
    return Path(str(resources.files("zonewatch.config") / "topic_rules.yaml"))


def load_topic_rules(path: Path | None = None, known_topics: set[str] | None = None) -> TopicRules:
    """Load and check ``topic_rules.yaml``; topic ids are checked against ``topics.yaml``."""
    path = path or default_topic_rules_path()
    data = read_yaml(path)
    if not isinstance(data, dict) or data.get("version") != 1:
        raise ConfigError(f"{path}: 'version' must be 1")
    scoring = _parse_scoring(path, data.get("scoring") or {})
    shadows = _parse_shadows(path, data.get("shadows") or {})
    topics = parse_entries(path, data, "topics", TopicRule)
    known = known_topics if known_topics is not None else {t.id for t in load_topics()}
    for index, topic in enumerate(topics):
        label = f"{path}: entry {index + 1} (id {topic.id!r})"
        if topic.id not in known:
            raise ConfigError(f"{label}: field 'id': unknown topic (not in topics.yaml)")
        _check_unique_terms(label, topic, shadows)
    return TopicRules(path=path, scoring=scoring, shadows=shadows, topics=tuple(topics))


def _parse_scoring(path: Path, raw: Any) -> Scoring:
    try:
        return Scoring.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: scoring: {validation_message(exc)}") from exc


def _parse_shadows(path: Path, raw: Any) -> dict[str, tuple[str, ...]]:
    """Shadows are words that contain a cue but mean something else (지정학 holds 지정)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: shadows: expected a mapping of language to a list of words")
    shadows: dict[str, tuple[str, ...]] = {}
    for lang, words in raw.items():
        if not isinstance(lang, str) or len(lang) != 2 or not lang.isalpha():
            raise ConfigError(f"{path}: shadows: {lang!r} is not a two-letter language code")
        if not isinstance(words, list) or not all(isinstance(word, str) for word in words):
            raise ConfigError(f"{path}: shadows: {lang}: expected a list of words")
        try:
            shadows[lang] = tuple(check_term(word) for word in words)
        except ValueError as exc:
            raise ConfigError(f"{path}: shadows: {lang}: {exc}") from exc
    return shadows


def _check_unique_terms(label: str, topic: TopicRule, shadows: dict[str, tuple[str, ...]]) -> None:
    """A term twice in one topic would count twice; as a shadow it would never count."""
    shadowed = {(lang, spacing_free(word)) for lang, words in shadows.items() for word in words}
    seen: set[tuple[str, str]] = set()
    for number, group in enumerate(topic.cues):
        for term in group.terms:
            key = (group.lang, spacing_free(term))
            if key in seen:
                raise ConfigError(f"{label}: field 'cues.{number}': term {term!r} repeated")
            if key in shadowed:
                raise ConfigError(f"{label}: field 'cues.{number}': term {term!r} is a shadow")
            seen.add(key)
