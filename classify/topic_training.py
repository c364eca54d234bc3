"""Training the topic model from labelled documents (scikit-learn, imported here only).

Reproducible: documents are sorted by id, folds and solvers are seeded, and the model is
written as rounded plain data, so the same labelled files give the same bytes.

Per topic: a logistic regression (one-vs-rest, classes balanced) over sub-linear, L2-normalised
character n-gram weights plus the rule classifier's scores; its decision threshold is the one
with the best F1 on out-of-fold probabilities of an inner cross-validation over the training
documents only (never the documents the model is later scored on).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from zonewatch.classify.classifier import Classifier
from zonewatch.classify.evaluation import (
    CV_SEED,
    GoldDocument,
    Learner,
    Predictor,
    cv_folds,
    document_language,
)
from zonewatch.classify.topic_model import (
    FeatureSpec,
    TopicModel,
    model_from_json,
    model_json,
    ngram_counts,
    ngram_values,
    rule_features,
)
from zonewatch.classify.topics import TopicClassifier, TopicHit

THRESHOLD_GRID = tuple(round(0.1 + 0.025 * step, 3) for step in range(33))  # 0.1 .. 0.9


@dataclass(frozen=True)
class TrainingOptions:
    spec: FeatureSpec = field(default_factory=FeatureSpec)
    c: float = 4.0
    """Inverse regularisation strength of each logistic regression."""
    min_df: int = 2
    """An n-gram must occur in this many training documents to be a feature."""
    max_ngrams: int = 8000
    """The most frequent n-grams kept (by document frequency), to keep the file small."""
    balanced: bool = True
    """Weigh the classes inversely to their frequency (rare topics are not drowned)."""
    inner_folds: int = 4
    combine: str = "union"
    """Chosen by 5-fold CV over train + dev: the union with the rules' own decisions recalls
    more at the same precision than the model alone (topics F1 0.770 vs 0.753, n-grams 2-4)."""
    seed: int = CV_SEED


@dataclass(frozen=True)
class _Example:
    counts: dict[str, float]
    rules: dict[str, float]
    topics: frozenset[str]


def _example(document: GoldDocument, rules: TopicClassifier, spec: FeatureSpec) -> _Example:
    language = document_language(document)
    hits: list[TopicHit] = rules.score_all(document.title, document.text, language)
    return _Example(
        counts=ngram_counts(document.title, document.text, language, spec),
        rules=rule_features(hits, language),
        topics=document.topics,
    )


def train_topic_model(
    documents: Sequence[GoldDocument],
    rules: TopicClassifier,
    topics: Sequence[str],
    options: TrainingOptions | None = None,
) -> TopicModel:
    """A topic model trained on ``documents`` (and on nothing else)."""
    options = options or TrainingOptions()
    ordered = sorted(documents, key=lambda document: document.id)
    examples = [_example(document, rules, options.spec) for document in ordered]
    topics = tuple(topics)
    features = _feature_names(examples, topics, options)
    matrix = _matrix(examples, features)
    labels = np.array(
        [[topic in example.topics for topic in topics] for example in examples], dtype=np.int8
    )
    thresholds = _inner_thresholds(ordered, matrix, labels, options)
    weights, intercepts = _fit(matrix, labels, options)
    meta = {
        "documents": len(ordered),
        "c": options.c,
        "min_df": options.min_df,
        "inner_folds": options.inner_folds,
        "seed": options.seed,
    }
    data = model_json(
        options.spec, topics, features, weights, intercepts, thresholds, options.combine, meta
    )
    return model_from_json(data)


def _feature_names(
    examples: Sequence[_Example], topics: Sequence[str], options: TrainingOptions
) -> tuple[str, ...]:
    rule_names = ["lang:en"]
    for topic in topics:
        rule_names += [f"rule:{topic}", f"rule_hit:{topic}"]
    frequency: Counter[str] = Counter()
    for example in examples:
        frequency.update(example.counts.keys())
    common = sorted(
        (gram for gram, df in frequency.items() if df >= options.min_df),
        key=lambda gram: (-frequency[gram], gram),
    )[: options.max_ngrams]
    return (*rule_names, *sorted(common))


def _matrix(examples: Sequence[_Example], features: Sequence[str]) -> npt.NDArray[np.float64]:
    index = {name: i for i, name in enumerate(features)}
    matrix = np.zeros((len(examples), len(features)), dtype=np.float64)
    for row, example in enumerate(examples):
        for column, value in ngram_values(example.counts, index).items():
            matrix[row, column] = value
        for name, value in example.rules.items():
            if name in index:
                matrix[row, index[name]] = value
    return matrix


def _fit(
    matrix: npt.NDArray[np.float64], labels: npt.NDArray[np.int8], options: TrainingOptions
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Weights (features x topics) and intercepts; a topic without both classes in the
    training documents gets no weights and a constant answer."""
    from sklearn.linear_model import LogisticRegression

    weights = np.zeros((matrix.shape[1], labels.shape[1]), dtype=np.float64)
    intercepts = np.zeros(labels.shape[1], dtype=np.float64)
    for column in range(labels.shape[1]):
        target = labels[:, column]
        if target.min() == target.max():
            intercepts[column] = 8.0 if target.max() else -8.0
            continue
        model = LogisticRegression(
            C=options.c,
            class_weight="balanced" if options.balanced else None,
            solver="liblinear",
            max_iter=1000,
            random_state=options.seed,
        )
        model.fit(matrix, target)
        weights[:, column] = model.coef_[0]
        intercepts[column] = model.intercept_[0]
    return weights, intercepts


def _inner_thresholds(
    documents: Sequence[GoldDocument],
    matrix: npt.NDArray[np.float64],
    labels: npt.NDArray[np.int8],
    options: TrainingOptions,
) -> npt.NDArray[np.float64]:
    """Per topic, the probability threshold with the best F1 on out-of-fold predictions of an
    inner cross-validation over the training documents (0.5 when too few documents)."""
    folds = min(options.inner_folds, len(documents))
    if folds < 2:
        return np.full(labels.shape[1], 0.5)
    scores = np.zeros(labels.shape, dtype=np.float64)
    for fold in cv_folds(documents, folds, options.seed + 1):
        held = np.zeros(len(documents), dtype=bool)
        held[fold] = True
        weights, intercepts = _fit(matrix[~held], labels[~held], options)
        scores[held] = 1.0 / (1.0 + np.exp(-(matrix[held] @ weights + intercepts)))
    return np.array(
        [_best_threshold(scores[:, column], labels[:, column]) for column in range(labels.shape[1])]
    )


def _best_threshold(scores: npt.NDArray[np.float64], truth: npt.NDArray[np.int8]) -> float:
    """The grid threshold with the best F1; among equals the one nearest 0.5."""
    best = (-1.0, 0.0, 0.5)
    positives = int(truth.sum())
    for threshold in THRESHOLD_GRID:
        predicted = scores >= threshold
        tp = int((predicted & (truth == 1)).sum())
        found = int(predicted.sum())
        f1 = 2 * tp / (found + positives) if found + positives else 0.0
        key = (round(f1, 6), -abs(threshold - 0.5), threshold)
        best = max(best, key)
    return best[2]


def topic_learner(
    classifier: Classifier,
    topics: Sequence[str],
    options: TrainingOptions | None = None,
) -> Learner:
    """A cross-validation learner: trains the topic model on the given documents and predicts
    with the whole classifier (fixed rules for entities and facts, the new topic model)."""
    from zonewatch.classify.predict import predict_document

    def learn(training: Sequence[GoldDocument]) -> Predictor:
        model = train_topic_model(training, classifier.topic_classifier, topics, options)
        trained = classifier.with_topic_model(model)
        return lambda document: predict_document(trained, document)

    return learn
