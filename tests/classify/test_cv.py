"""Cross-validation and the learnt topic model: honest folds, reproducible training, a model
that loads at start-up and explains itself, and the cross-validated figures as thresholds."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from zonewatch.classify.classifier import CLASSIFIER_VERSION, Classifier
from zonewatch.classify.evaluation import (
    GoldDocument,
    Prediction,
    Predictor,
    cross_validate,
    cv_folds,
    read_catalogue,
    read_gold,
)
from zonewatch.classify.evidence import ModelDecision, ModelFeature
from zonewatch.classify.topic_model import (
    default_model_path,
    dump_model,
    load_topic_model,
    model_digest,
)
from zonewatch.classify.topic_training import TrainingOptions, topic_learner, train_topic_model
from zonewatch.classify.topics import TopicClassifier
from zonewatch.cli.classify import own_labels_dir
from zonewatch.cli.main import main
from zonewatch.config.topics import load_topics
from zonewatch.config.zones import load_zone_model
from zonewatch.errors import InputError

TOPICS = [topic.id for topic in load_topics()]

KO_TEXTS = {
    "investment": "기업 {n}곳이 공장을 짓고 투자 협약을 맺어 일자리가 늘어난다.",
    "governance": "위원회 회의를 열어 안건을 심의하고 기관 간 협약을 체결했다.",
}
EN_TEXTS = {
    "investment": "Company {n} signed an MOU to build a factory and invest in the zone.",
    "governance": "The commission held a meeting to review the agenda with the agencies.",
}


def synthetic(count: int = 24) -> list[GoldDocument]:
    """Half Korean, half English; each reports one of two topics in its own words."""
    documents = []
    for n in range(count):
        topic = ("investment", "governance")[n % 2]
        language = "ko" if n % 4 < 2 else "en"
        texts = KO_TEXTS if language == "ko" else EN_TEXTS
        documents.append(
            GoldDocument(
                id=f"doc-{n:02d}",
                title=f"{topic} {n}",
                text=texts[topic].format(n=n),
                language=language,
                entities=frozenset({"ifez"}),
                topics=frozenset({topic}),
                facts=(),
            )
        )
    return documents


def test_folds_are_disjoint_cover_everything_and_do_not_change() -> None:
    documents = synthetic(23)
    folds = cv_folds(documents, 5)
    flat = [index for fold in folds for index in fold]
    assert sorted(flat) == list(range(23))
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
    assert folds == cv_folds(list(documents), 5)
    assert folds != cv_folds(documents, 5, seed=99)


def test_folds_are_stratified_by_language() -> None:
    documents = synthetic(40)
    for fold in cv_folds(documents, 4):
        languages = [documents[index].language for index in fold]
        assert languages.count("en") == languages.count("ko") == 5


def test_folds_need_two_and_enough_documents() -> None:
    with pytest.raises(InputError):
        cv_folds(synthetic(4), 1)
    with pytest.raises(InputError):
        cv_folds(synthetic(4), 5)


def test_a_learnt_part_never_sees_the_fold_it_is_scored_on() -> None:
    documents = synthetic(20)
    rounds: list[tuple[set[str], set[str]]] = []

    def learn(training: Sequence[GoldDocument]) -> Predictor:
        seen = {document.id for document in training}
        scored: set[str] = set()
        rounds.append((seen, scored))

        def predict(document: GoldDocument) -> Prediction:
            scored.add(document.id)
            return Prediction(document.id, document.entities, document.topics, ())

        return predict

    result = cross_validate(documents, 4, learn, {"ifez": "fez"})
    assert len(rounds) == 4
    for seen, scored in rounds:
        assert seen.isdisjoint(scored)
        assert len(seen) + len(scored) == 20
    assert set().union(*(scored for _, scored in rounds)) == {d.id for d in documents}
    assert result.reports["all"].documents == 20
    assert result.reports["en"].documents == result.reports["ko"].documents == 10
    assert result.reports["all"].topics.f1 == 1.0


def test_training_only_documents_train_every_fold_and_are_never_scored() -> None:
    documents = synthetic(20)
    extra = [
        GoldDocument(f"own-{n}", "t", "x", "en", frozenset({"ifez"}), frozenset(), ())
        for n in range(3)
    ]
    seen_rounds: list[set[str]] = []
    scored: set[str] = set()

    def learn(training: Sequence[GoldDocument]) -> Predictor:
        seen_rounds.append({document.id for document in training})

        def predict(document: GoldDocument) -> Prediction:
            scored.add(document.id)
            return Prediction(document.id, document.entities, document.topics, ())

        return predict

    result = cross_validate(documents, 4, learn, {"ifez": "fez"}, train_only=extra)
    extra_ids = {document.id for document in extra}
    assert all(extra_ids <= seen for seen in seen_rounds)
    assert scored.isdisjoint(extra_ids)
    assert scored == {document.id for document in documents}
    assert result.reports["all"].documents == 20
    plain = cross_validate(documents, 4, learn, {"ifez": "fez"})
    assert plain.as_json() == result.as_json()


def test_a_document_cannot_be_both_scored_and_training_only() -> None:
    documents = synthetic(8)
    with pytest.raises(InputError):
        cross_validate(
            documents,
            2,
            lambda _: lambda d: Prediction(d.id, d.entities, d.topics, ()),
            {"ifez": "fez"},
            train_only=documents[:1],
        )


@pytest.fixture(scope="module")
def rules() -> TopicClassifier:
    return TopicClassifier.from_config()


def test_training_is_reproducible_to_the_byte(rules: TopicClassifier) -> None:
    documents = synthetic()
    options = TrainingOptions(inner_folds=3)
    first = dump_model(train_topic_model(documents, rules, TOPICS, options).as_json())
    second = dump_model(
        train_topic_model(list(reversed(documents)), rules, TOPICS, options).as_json()
    )
    assert first == second
    assert json.loads(first)["topics"] == TOPICS


def test_a_trained_model_learns_and_explains(rules: TopicClassifier) -> None:
    model = train_topic_model(synthetic(), rules, TOPICS, TrainingOptions(inner_folds=3))
    title, text = "공장 투자", "기업 99곳이 공장을 짓고 투자 협약을 맺어 일자리가 늘어난다."
    hits = model.classify(title, text, "ko", rules.score_all(title, text, "ko"))
    assert [hit.topic for hit in hits] == ["investment"]
    evidence = hits[0].evidence
    assert any(record.rule.startswith("investment.ko.") for record in evidence)
    features = [record for record in evidence if isinstance(record, ModelFeature)]
    assert features
    assert all(record.weight > 0 for record in features)
    decision = evidence[-1]
    assert isinstance(decision, ModelDecision)
    assert decision.decided_by == "model"


def test_the_committed_model_loads_at_start_up() -> None:
    classifier = Classifier.build()
    assert classifier.topic_model is not None
    assert classifier.topic_model.topics == tuple(TOPICS)
    assert CLASSIFIER_VERSION.endswith(str(model_digest()))
    result = classifier.classify(
        "인천경제자유구역, 바이오 기업 투자 유치 업무협약 체결",
        "인천경제자유구역청은 송도에 바이오 공장을 짓는 기업과 투자 유치 업무협약을 맺었다.",
        "ko",
    )
    assert "investment" in result.topic_ids
    hit = next(hit for hit in result.topics if hit.topic == "investment")
    assert any(isinstance(record, ModelDecision) for record in hit.evidence)
    assert any(isinstance(record, ModelFeature) and record.text for record in hit.evidence)


def test_without_a_model_the_rules_decide(tmp_path: Path) -> None:
    classifier = Classifier.build(topic_model_file=tmp_path / "none.json")
    assert classifier.topic_model is None
    assert load_topic_model(tmp_path / "none.json") is None


def test_train_command_writes_the_same_bytes_twice(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    lines = [
        json.dumps(
            {
                "id": d.id,
                "lang": d.language,
                "title": d.title,
                "text": d.text,
                "labels": {"entities": sorted(d.entities), "topics": sorted(d.topics)},
            }
        )
        for d in synthetic()
    ]
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = [tmp_path / "a.json", tmp_path / "b.json"]
    for output in outputs:
        with pytest.raises(SystemExit) as exit_info:
            main(["train", "--gold", str(gold), "--output", str(output), "--cv", "0"])
        assert exit_info.value.code == 0
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    assert outputs[0].read_bytes() != default_model_path().read_bytes()


def test_train_command_with_training_only_documents_is_reproducible(tmp_path: Path) -> None:
    documents = synthetic(28)
    gold, extra = tmp_path / "gold.jsonl", tmp_path / "extra.jsonl"
    for path, part in ((gold, documents[:20]), (extra, documents[20:])):
        lines = [
            json.dumps(
                {
                    "id": d.id,
                    "lang": d.language,
                    "title": d.title,
                    "text": d.text,
                    "labels": {"entities": sorted(d.entities), "topics": sorted(d.topics)},
                }
            )
            for d in part
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    outputs = [tmp_path / "a.json", tmp_path / "b.json", tmp_path / "plain.json"]
    for output in outputs:
        more = ["--train-only", str(extra)] if output.stem != "plain" else []
        with pytest.raises(SystemExit) as exit_info:
            main(["train", "--gold", str(gold), "--output", str(output), "--cv", "2", *more])
        assert exit_info.value.code == 0
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    assert json.loads(outputs[0].read_bytes())["meta"]["documents"] == 28
    assert json.loads(outputs[2].read_bytes())["meta"]["documents"] == 20


# Cross-validated (5 folds, train + dev) figures measured on this branch, minus a margin of
# about 0.02. The integrator raises them after merging the entity and fact work. Topics: the
# shipped recipe adds labels/own-en.jsonl to the training side (CV topics F1 ALL 0.786,
# EN 0.780, KO 0.790), floors 0.015 below.
CV_THRESHOLDS = {
    "all": {"entities": 0.94, "topics": 0.77, "facts_p": 0.96, "facts_r": 0.90},
    "en": {"entities": 0.93, "topics": 0.765, "facts_p": 0.97, "facts_r": 0.88},
    "ko": {"entities": 0.94, "topics": 0.775, "facts_p": 0.95, "facts_r": 0.91},
}


@pytest.mark.slow
def test_cross_validated_figures_meet_the_thresholds(shared_dir: Path) -> None:
    catalogue = read_catalogue(shared_dir / "reference" / "entities.tsv")
    kinds = {entity.id: str(entity.kind) for entity in load_zone_model().entities}
    kinds.update(catalogue)
    documents = [
        document
        for name in ("train.jsonl", "dev.jsonl")
        for document in read_gold(shared_dir / "eval" / name)
    ]
    own = sorted(own_labels_dir().glob("*.jsonl"))
    extra = [document for path in own for document in read_gold(path)]
    classifier = Classifier.build()
    result = cross_validate(
        documents,
        5,
        topic_learner(classifier, TOPICS),
        kinds,
        frozenset(catalogue),
        train_only=extra,
    )
    figures = result.as_json()
    print(json.dumps(figures, indent=1))
    for name, floor in CV_THRESHOLDS.items():
        report = result.reports[name]
        assert report.entities.f1 >= floor["entities"], (name, figures[name])
        assert report.topics.f1 >= floor["topics"], (name, figures[name])
        assert report.facts.precision >= floor["facts_p"], (name, figures[name])
        assert report.facts.recall >= floor["facts_r"], (name, figures[name])
