"""The learnt topic classifier: one-vs-rest logistic regression over character n-grams and the
rule cues, scored from plain data (``config/topic_model.json``) with numpy.

Why learnt: keyword rules fitted to a few releases miss the many other ways a text reports an
event (held-out topic recall was 0.40-0.47). Why still explainable: every predicted topic keeps
the rule cues that spoke for it and the n-grams that added most to its score.

The file is written by ``zonewatch train`` (see :mod:`zonewatch.classify.topic_training`, which
needs scikit-learn); reading and scoring it needs only numpy, so start-up stays fast.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import operator
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import ahocorasick
import numpy as np
import numpy.typing as npt

from zonewatch.classify.evidence import Evidence, ModelDecision, ModelFeature
from zonewatch.classify.topics import TopicHit
from zonewatch.errors import ConfigError

K = TypeVar("K")

MODEL_FORMAT = 1
TOP_FEATURES = 5
COMBINE_MODES = ("model", "union")
"""``model``: the model decides (the rule scores are among its features); ``union``: a topic
is also given when its rules alone reach their threshold."""

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d")
_WORD = re.compile(r"\w+")
_SECOND = operator.itemgetter(1)


@dataclass(frozen=True)
class FeatureSpec:
    """How a text becomes features; stored in the model so training and scoring agree."""

    ngram_min: int = 3
    ngram_max: int = 5
    title_weight: float = 6.0
    body_chars: int = 1000
    """Korean characters of the body read; English reads ``en_scale`` times as many."""
    en_scale: float = 2.0
    words: int = 0
    """Also count word n-grams up to this length (``w:`` features; 0: none)."""

    def as_json(self) -> dict[str, Any]:
        return {
            "ngram_min": self.ngram_min,
            "ngram_max": self.ngram_max,
            "title_weight": self.title_weight,
            "body_chars": self.body_chars,
            "en_scale": self.en_scale,
            "words": self.words,
        }


def normalise(text: str) -> str:
    """Lower case, one space for any run of white space, every digit as 0 (a number's value
    says nothing of the topic; its shape and unit do)."""
    return _DIGITS.sub("0", _SPACE.sub(" ", text.lower())).strip()


def feature_texts(title: str, text: str, language: str, spec: FeatureSpec) -> tuple[str, str]:
    """The lead of the body and the title, normalised: the texts n-grams are counted in."""
    limit = round(spec.body_chars * (spec.en_scale if language == "en" else 1.0))
    return normalise((text or "")[: limit * 2])[:limit], normalise(title or "")


def ngram_counts(title: str, text: str, language: str, spec: FeatureSpec) -> dict[str, float]:
    """Weighted counts of the character n-grams of title and lead of the body."""
    body, head = feature_texts(title, text, language, spec)
    return _with_title(_grams(body, spec), _grams(head, spec), spec.title_weight)


def _with_title(body: Mapping[K, float], head: Mapping[K, float], weight: float) -> dict[K, float]:
    """The body's counts plus the title's, weighted (n-grams or their indexes alike)."""
    counts = dict(body)
    for key, count in head.items():
        counts[key] = counts.get(key, 0.0) + weight * count
    return counts


def _unit_log_weights(counts: Mapping[int, float]) -> dict[int, float]:
    """Sub-linear term weights, L2-normalised (long texts do not win)."""
    values = {index: 1.0 + math.log(count) for index, count in counts.items()}
    norm = math.sqrt(sum(v * v for v in values.values()))
    return {index: value / norm for index, value in values.items()} if norm else {}


def _grams(text: str, spec: FeatureSpec) -> Counter[str]:
    """Counts of the text's n-grams, in the order first seen for each n (the vector's order,
    which its float sums follow). Training and word n-gram models count this way; a model of
    character n-grams alone scores with automata over its vocabulary (:func:`_known_values`)."""
    counts: Counter[str] = Counter()
    for n in range(spec.ngram_min, spec.ngram_max + 1):
        stops = range(n, len(text) + 1)
        counts.update(map(text.__getitem__, map(slice, range(len(stops)), stops)))
    if spec.words:
        words = _WORD.findall(text)
        for n in range(1, spec.words + 1):
            counts.update("w:" + " ".join(words[i : i + n]) for i in range(len(words) - n + 1))
    return counts


def rule_features(rule_hits: Sequence[TopicHit], language: str) -> dict[str, float]:
    """The rule classifier's view as features: each topic's squashed score (0.5 = its rule
    threshold), whether the rules alone would give it, and the language."""
    features = {"lang:en": 1.0 if language == "en" else 0.0}
    for hit in rule_hits:
        features[f"rule:{hit.topic}"] = hit.score
        features[f"rule_hit:{hit.topic}"] = 1.0 if hit.score >= 0.5 else 0.0
    return features


def ngram_values(counts: Mapping[str, float], vocabulary: dict[str, int]) -> dict[int, float]:
    """Sub-linear term weights of the known n-grams, L2-normalised (long texts do not win)."""
    known = filter(vocabulary.__contains__, counts)
    return _unit_log_weights({vocabulary[gram]: counts[gram] for gram in known})


@dataclass(frozen=True, eq=False)
class TopicModel:
    """Weights of one logistic regression per topic, over named features."""

    spec: FeatureSpec
    topics: tuple[str, ...]
    features: tuple[str, ...]
    """Rule features first (``rule:…``, ``rule_hit:…``, ``lang:en``), then the n-grams."""
    weights: npt.NDArray[np.float64]
    """Shape (features, topics)."""
    intercepts: npt.NDArray[np.float64]
    thresholds: npt.NDArray[np.float64]
    combine: str
    digest: str
    meta: dict[str, Any]

    _index: dict[str, int] = field(init=False, repr=False)

    _known_grams: tuple[Any, ...] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {name: i for i, name in enumerate(self.features)})
        object.__setattr__(self, "_known_grams", _gram_automata(self.features, self.spec))

    def vectorise(
        self, title: str, text: str, language: str, rule_hits: Sequence[TopicHit]
    ) -> dict[int, float]:
        """Sparse feature vector (index -> value) of one text."""
        if self._known_grams is None:
            counts = ngram_counts(title, text, language, self.spec)
            vector = ngram_values(counts, self._index)
        else:
            vector = _known_values(self._known_grams, title, text, language, self.spec)
        for name, value in rule_features(rule_hits, language).items():
            index = self._index.get(name)
            if index is not None and value:
                vector[index] = value
        return vector

    def probabilities(self, vector: dict[int, float]) -> npt.NDArray[np.float64]:
        if not vector:
            margins = self.intercepts
        else:
            indexes = np.fromiter(vector.keys(), dtype=np.int64, count=len(vector))
            values = np.fromiter(vector.values(), dtype=np.float64, count=len(vector))
            margins = values @ self.weights[indexes] + self.intercepts
        result: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-margins))
        return result

    def classify(
        self, title: str, text: str, language: str, rule_hits: Sequence[TopicHit]
    ) -> list[TopicHit]:
        """Topics the model gives (and, in ``union`` mode, those the rules alone give), best
        first; each keeps its rule cues and its top n-grams as evidence."""
        vector = self.vectorise(title, text, language, rule_hits)
        probabilities = self.probabilities(vector)
        by_topic = {hit.topic: hit for hit in rule_hits}
        hits = []
        for column, topic in enumerate(self.topics):
            probability = float(probabilities[column])
            rule = by_topic.get(topic)
            by_model = probability >= self.thresholds[column]
            by_rule = self.combine == "union" and rule is not None and rule.score >= 0.5
            if not (by_model or by_rule):
                continue
            evidence: list[Evidence] = [*(rule.evidence if rule is not None else ())]
            evidence.extend(self._top_features(vector, column, topic))
            evidence.append(
                ModelDecision(
                    rule=f"model.{topic}",
                    probability=round(probability, 4),
                    threshold=round(float(self.thresholds[column]), 4),
                    decided_by="model" if by_model else "rules",
                )
            )
            score = probability if by_model else max(probability, rule.score if rule else 0.0)
            hits.append(TopicHit(topic=topic, score=round(score, 4), evidence=tuple(evidence)))
        return sorted(hits, key=lambda hit: (-hit.score, hit.topic))

    def _top_features(
        self, vector: dict[int, float], column: int, topic: str
    ) -> list[ModelFeature]:
        """The n-grams (and rule features) that added most to the topic's score. The column's
        weights are taken in one numpy gather rather than one scalar read per feature."""
        indexes = list(vector)
        weights = self.weights[np.array(indexes, dtype=np.int64), column].tolist()
        parts = heapq.nlargest(
            TOP_FEATURES, zip(map(operator.mul, vector.values(), weights), indexes, strict=True)
        )
        return [
            ModelFeature(
                text=self.features[index].strip(),
                rule=f"model.{topic}.feature",
                feature=self.features[index],
                weight=round(part, 4),
            )
            for part, index in parts
            if part > 0
        ]

    def as_json(self) -> dict[str, Any]:
        return model_json(
            self.spec,
            self.topics,
            self.features,
            self.weights,
            self.intercepts,
            self.thresholds,
            self.combine,
            self.meta,
        )


def _gram_automata(features: Sequence[str], spec: FeatureSpec) -> tuple[Any, ...] | None:
    """The model's character n-grams in Aho-Corasick automata, one per length, each key with
    its feature index; None when the spec counts word n-grams or the model has no n-grams.

    Of the ~2,300 distinct n-grams of a text only ~300 are features: finding those in a few C
    passes costs a fraction of cutting and hashing every n-gram (the model's largest cost).
    One automaton per length reports its n-grams in the order :func:`ngram_counts` meets
    them, so nothing needs sorting."""
    if spec.words:
        return None
    automata = []
    for length in range(spec.ngram_min, spec.ngram_max + 1):
        grams = [(name, index) for index, name in enumerate(features) if len(name) == length]
        if grams:
            automaton = ahocorasick.Automaton()
            for name, index in grams:
                automaton.add_word(name, index)
            automaton.make_automaton()
            automata.append(automaton)
    return tuple(automata) or None


def _known_counts(automata: tuple[Any, ...], text: str) -> Counter[int]:
    """Occurrences of each known n-gram of ``text`` by feature index, ordered as
    :func:`ngram_counts` first meets them (shorter n first, then by position), so that the
    vector's float sums add in the same order and give the same bits."""
    counts: Counter[int] = Counter()
    if text:
        for automaton in automata:
            counts.update(map(_SECOND, automaton.iter(text)))
    return counts


def _known_values(
    automata: tuple[Any, ...], title: str, text: str, language: str, spec: FeatureSpec
) -> dict[int, float]:
    """What ``ngram_values(ngram_counts(...), index)`` gives, found with the automaton."""
    body, head = feature_texts(title, text, language, spec)
    counts = _with_title(
        _known_counts(automata, body), _known_counts(automata, head), spec.title_weight
    )
    return _unit_log_weights(counts)


def model_json(
    spec: FeatureSpec,
    topics: Sequence[str],
    features: Sequence[str],
    weights: npt.NDArray[np.float64],
    intercepts: npt.NDArray[np.float64],
    thresholds: npt.NDArray[np.float64],
    combine: str,
    meta: dict[str, Any],
) -> dict[str, Any]:
    """The model as plain data: per feature its weight for each topic (rounded, so the file
    is small and the same training gives the same bytes)."""
    return {
        "format": MODEL_FORMAT,
        "combine": combine,
        "spec": spec.as_json(),
        "topics": list(topics),
        "intercepts": [round(float(v), 5) for v in intercepts],
        "thresholds": [round(float(v), 4) for v in thresholds],
        "meta": meta,
        "weights": {
            name: [round(float(v), 5) for v in weights[i]] for i, name in enumerate(features)
        },
    }


def dump_model(data: dict[str, Any]) -> bytes:
    """Canonical bytes of a model: keys in the order written, one feature per line."""
    head = {key: value for key, value in data.items() if key != "weights"}
    lines = [json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1] + ', "weights": {']
    rows = [
        f"{json.dumps(name, ensure_ascii=False)}: {json.dumps(row)}"
        for name, row in data["weights"].items()
    ]
    lines.append(",\n".join(rows))
    lines.append("}}\n")
    return "\n".join(lines).encode("utf-8")


def model_from_json(data: dict[str, Any], digest: str = "") -> TopicModel:
    """A model from its plain data; a malformed file is a configuration error."""
    try:
        if data["format"] != MODEL_FORMAT:
            raise ValueError(f"format {data['format']!r}, expected {MODEL_FORMAT}")
        topics = tuple(str(topic) for topic in data["topics"])
        rows: dict[str, list[float]] = data["weights"]
        features = tuple(rows)
        weights = np.array([rows[name] for name in features], dtype=np.float64).reshape(
            len(features), len(topics)
        )
        combine = str(data.get("combine", "model"))
        if combine not in COMBINE_MODES:
            raise ValueError(f"combine {combine!r}, expected one of {COMBINE_MODES}")
        return TopicModel(
            spec=FeatureSpec(**data["spec"]),
            topics=topics,
            features=features,
            weights=weights,
            intercepts=np.array(data["intercepts"], dtype=np.float64),
            thresholds=np.array(data["thresholds"], dtype=np.float64),
            combine=combine,
            digest=digest,
            meta=dict(data.get("meta") or {}),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ConfigError(f"topic model: not a valid model file ({error})") from error


def default_model_path() -> Path:
    return Path(str(resources.files("zonewatch.config") / "topic_model.json"))


def model_digest(path: Path | None = None) -> str | None:
    """Short SHA-256 of the model file's bytes, or None when there is no file."""
    path = path or default_model_path()
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except FileNotFoundError:
        return None


def load_topic_model(path: Path | None = None) -> TopicModel | None:
    """The committed model (default ``config/topic_model.json``), or None when absent."""
    path = path or default_model_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise ConfigError(f"{path}: not JSON ({error})") from error
    return model_from_json(data, hashlib.sha256(raw).hexdigest()[:12])
