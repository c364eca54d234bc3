"""Scoring the classifier against a gold set (the format of the team's evaluation sets).

Each gold line: ``{"id", "title", "text", "lang", "labels": {"entities", "topics", "facts"}}``.
Entities and topics are scored micro-averaged; topics only on documents about the zone model
(the gold names an entity of a zone-like kind); facts by (value, unit) within 0.5 %.
Everything here is pure, so that the numbers can be checked by hand and by tests.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zonewatch.errors import InputError

TOPIC_SCORED_KINDS = frozenset(
    {
        "zone_system",
        "fez",
        "fez_district",
        "industrial_complex",
        "zone_type",
        "special_zone",
        "programme",
        "cluster",
        "district",
        "body",
    }
)
TOPIC_SCORED_IDS = frozenset({"kicox", "fez-planning-office"})
FACT_TOLERANCE = 0.005


@dataclass(frozen=True)
class GoldDocument:
    id: str
    title: str
    text: str
    language: str | None
    entities: frozenset[str]
    topics: frozenset[str]
    facts: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class Prediction:
    id: str
    entities: frozenset[str]
    topics: frozenset[str]
    facts: tuple[dict[str, Any], ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "entities": sorted(self.entities),
            "topics": sorted(self.topics),
            "facts": list(self.facts),
        }


@dataclass
class Tally:
    """True positives, false positives and false negatives of one label family."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tp_gold: int = 0
    """Gold labels found; differs from ``tp`` (predictions right) only for facts, where one
    prediction may match two near-equal gold values."""

    def add(self, tp: int, fp: int, fn: int, tp_gold: int | None = None) -> None:
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + fp, self.fn + fn
        self.tp_gold += tp if tp_gold is None else tp_gold

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        found = self.tp_gold
        return found / (found + self.fn) if found + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def summary(self, with_f1: bool = True) -> dict[str, float]:
        result = {"precision": round(self.precision, 4), "recall": round(self.recall, 4)}
        if with_f1:
            result["f1"] = round(self.f1, 4)
        return result


@dataclass
class DocumentErrors:
    id: str
    missed: dict[str, list[str]] = field(default_factory=dict)
    false: dict[str, list[str]] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return any(self.missed.values()) or any(self.false.values())


@dataclass
class Report:
    documents: int = 0
    entities: Tally = field(default_factory=Tally)
    topics: Tally = field(default_factory=Tally)
    facts: Tally = field(default_factory=Tally)
    errors: list[DocumentErrors] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "entities": self.entities.summary(),
            "topics": self.topics.summary(),
            "facts": self.facts.summary(with_f1=False),
        }


def read_gold(path: Path) -> Iterator[GoldDocument]:
    """Gold documents of a JSON Lines file; a bad line names its number."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read gold file {path}: {error.strerror}") from error
    with handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield _gold_document(path, number, line)


def _gold_document(path: Path, number: int, line: str) -> GoldDocument:
    try:
        data = json.loads(line)
        labels = data["labels"]
        return GoldDocument(
            id=str(data["id"]),
            title=str(data.get("title") or ""),
            text=str(data.get("text") or ""),
            language=data.get("lang"),
            entities=frozenset(labels.get("entities", [])),
            topics=frozenset(labels.get("topics", [])),
            facts=tuple((float(f["value"]), str(f["unit"])) for f in labels.get("facts", [])),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise InputError(f"{path}:{number}: not a gold document ({error!r})") from error


def read_catalogue(path: Path) -> dict[str, str]:
    """Entity id -> kind from a catalogue TSV (``id``, ``kind``, ... with a header line)."""
    kinds: dict[str, str] = {}
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read catalogue {path}: {error.strerror}") from error
    with handle:
        for number, line in enumerate(handle):
            parts = line.rstrip("\n").split("\t")
            if number == 0 or len(parts) < 2 or not parts[0]:
                continue
            kinds[parts[0]] = parts[1]
    return kinds


def topics_scored(gold: GoldDocument, kinds: dict[str, str]) -> bool:
    return any(
        kinds.get(entity) in TOPIC_SCORED_KINDS or entity in TOPIC_SCORED_IDS
        for entity in gold.entities
    )


def facts_match(value: float, unit: str, gold: Iterable[tuple[float, str]]) -> bool:
    return any(
        unit == gold_unit and abs(value - gold_value) <= FACT_TOLERANCE * abs(gold_value)
        for gold_value, gold_unit in gold
    )


def score(
    pairs: Iterable[tuple[GoldDocument, Prediction]],
    kinds: dict[str, str],
    scored_ids: frozenset[str] | None = None,
) -> Report:
    """Score predictions; ``scored_ids`` limits entity scoring to a catalogue (None: all)."""
    report = Report()
    for gold, prediction in pairs:
        report.documents += 1
        errors = DocumentErrors(gold.id)
        predicted = prediction.entities
        if scored_ids is not None:
            predicted = predicted & scored_ids
        _score_set(report.entities, errors, "entities", gold.entities, predicted)
        if topics_scored(gold, kinds):
            _score_set(report.topics, errors, "topics", gold.topics, prediction.topics)
        _score_facts(report.facts, errors, gold, prediction)
        if errors.any:
            report.errors.append(errors)
    return report


def _score_set(
    tally: Tally, errors: DocumentErrors, name: str, gold: frozenset[str], predicted: frozenset[str]
) -> None:
    tally.add(len(gold & predicted), len(predicted - gold), len(gold - predicted))
    errors.missed[name] = sorted(gold - predicted)
    errors.false[name] = sorted(predicted - gold)


def _score_facts(
    tally: Tally, errors: DocumentErrors, gold: GoldDocument, prediction: Prediction
) -> None:
    """Facts are lists, as the README scores them: each extracted fact is matched to at most
    one gold fact, so a figure extracted twice counts once right and once wrong, and two gold
    facts that share a value need two extracted entries."""
    gold_pairs = sorted(gold.facts)
    predicted_pairs = sorted((float(f["value"]), str(f["unit"])) for f in prediction.facts)
    unmatched = list(gold_pairs)
    false: list[tuple[float, str]] = []
    for value, unit in predicted_pairs:
        match = next(
            (i for i, pair in enumerate(unmatched) if facts_match(value, unit, [pair])), None
        )
        if match is None:
            false.append((value, unit))
        else:
            unmatched.pop(match)
    found = len(predicted_pairs) - len(false)
    tally.add(found, len(false), len(unmatched))
    errors.missed["facts"] = [_fact_label(v, u) for v, u in unmatched]
    errors.false["facts"] = [_fact_label(v, u) for v, u in false]


def _fact_label(value: float, unit: str) -> str:
    return f"{value:g} {unit}"


def evaluate(
    documents: Iterable[GoldDocument],
    predict: Callable[[GoldDocument], Prediction],
    kinds: dict[str, str],
    scored_ids: frozenset[str] | None = None,
    on_prediction: Callable[[Prediction], None] | None = None,
) -> Report:
    def pairs() -> Iterator[tuple[GoldDocument, Prediction]]:
        for document in documents:
            prediction = predict(document)
            if on_prediction is not None:
                on_prediction(prediction)
            yield document, prediction

    return score(pairs(), kinds, scored_ids)


# --- cross-validation ------------------------------------------------------------------------

CV_SEED = 14
"""Fixed, so that two runs of ``eval --cv`` split the documents alike and print the same."""

Predictor = Callable[[GoldDocument], Prediction]
Learner = Callable[[Sequence[GoldDocument]], Predictor]
"""Trains the learnt parts on some documents and returns a predictor; rule parts stay fixed."""


def document_language(document: GoldDocument) -> str:
    """``en`` or ``ko``: the gold's language code, or the script of the text when it has none."""
    code = (document.language or "").lower()[:2]
    if code in {"en", "ko"}:
        return code
    sample = f"{document.title} {document.text[:500]}"
    return "ko" if any("\uac00" <= char <= "\ud7a3" for char in sample) else "en"


def cv_folds(documents: Sequence[GoldDocument], k: int, seed: int = CV_SEED) -> list[list[int]]:
    """Indexes of ``documents`` in ``k`` disjoint folds, stratified by language.

    Deterministic: documents are ordered by id within a language, shuffled by a seeded
    generator and dealt round-robin; the deal continues across languages so that fold sizes
    differ by at most one.
    """
    if k < 2:
        raise InputError(f"cross-validation needs at least 2 folds, not {k}")
    if k > len(documents):
        raise InputError(f"{k} folds need at least {k} documents, not {len(documents)}")
    by_language: dict[str, list[int]] = {}
    for index, document in enumerate(documents):
        by_language.setdefault(document_language(document), []).append(index)
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    dealt = 0
    for language in sorted(by_language):
        indexes = sorted(by_language[language], key=lambda i: (documents[i].id, i))
        rng.shuffle(indexes)
        for index in indexes:
            folds[dealt % k].append(index)
            dealt += 1
    return [sorted(fold) for fold in folds]


@dataclass
class CvReport:
    """Pooled out-of-fold scores: for all documents and per language."""

    folds: int
    reports: dict[str, Report]

    def as_json(self) -> dict[str, Any]:
        return {
            "folds": self.folds,
            "note": CV_NOTE,
            **{name: report.as_json() for name, report in self.reports.items()},
        }


CV_NOTE = "rule parts are fixed; only learnt parts (the topic model) are trained per fold"


def cross_validate(
    documents: Sequence[GoldDocument],
    k: int,
    learn: Learner,
    kinds: dict[str, str],
    scored_ids: frozenset[str] | None = None,
    seed: int = CV_SEED,
    train_only: Sequence[GoldDocument] = (),
) -> CvReport:
    """K-fold cross-validation: each fold is predicted by a learner trained on the others only,
    and the predictions of all folds are pooled and scored (ALL, then per language).

    ``train_only`` documents join the training side of every fold and are never scored, so
    that extra labelled data (the project's own) can help the learnt parts while the figures
    stay comparable: they are always over ``documents`` alone, split the same way.
    """
    shared = {document.id for document in documents} & {document.id for document in train_only}
    if shared:
        raise InputError(f"training-only documents are also scored: {', '.join(sorted(shared))}")
    predictions: dict[int, Prediction] = {}
    for fold in cv_folds(documents, k, seed):
        held_out = set(fold)
        training = [doc for i, doc in enumerate(documents) if i not in held_out]
        predict = learn([*training, *train_only])
        for index in fold:
            predictions[index] = predict(documents[index])
    pairs = [(documents[i], predictions[i]) for i in range(len(documents))]
    reports = {"all": score(pairs, kinds, scored_ids)}
    for language in ("en", "ko"):
        reports[language] = score(
            [pair for pair in pairs if document_language(pair[0]) == language], kinds, scored_ids
        )
    return CvReport(folds=k, reports=reports)
