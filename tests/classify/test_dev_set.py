"""The classifier on the team's development set: the issue's thresholds, as a test.

Skipped where ``../shared`` is absent. The numbers are printed so a run shows the margin.
"""

from __future__ import annotations

from pathlib import Path

from zonewatch.classify.classifier import Classifier
from zonewatch.classify.evaluation import evaluate, read_catalogue, read_gold
from zonewatch.classify.predict import predict_document


def test_dev_set_meets_the_thresholds(shared_dir: Path) -> None:
    catalogue = read_catalogue(shared_dir / "reference" / "entities.tsv")
    classifier = Classifier.build()
    report = evaluate(
        read_gold(shared_dir / "eval" / "dev.jsonl"),
        lambda document: predict_document(classifier, document),
        catalogue,
        frozenset(catalogue),
    )
    print(report.as_json())
    assert report.documents >= 30
    assert report.entities.f1 >= 0.90, report.as_json()
    assert report.topics.f1 >= 0.80, report.as_json()
    assert report.facts.recall >= 0.85, report.as_json()
    assert report.facts.precision >= 0.80, report.as_json()
