"""The committed topic model scores a text exactly as its n-gram counts say, however found."""

from __future__ import annotations

from dataclasses import replace

import pytest

from zonewatch.classify.topic_model import (
    TopicModel,
    load_topic_model,
    ngram_counts,
    ngram_values,
)

TEXTS = [
    (
        "ko",
        "송도 바이오 클러스터 투자 유치",
        "인천경제청은 송도에 바이오 기업 12곳을 유치했다. " * 40,
    ),
    ("ko", "투자 투자 투자", "투자 협약을 맺었다. 투자 규모는 3,000억 원이다.\n\n투자"),
    (
        "en",
        "Busan designates a new FEZ",
        "The ministry designated 3.2 km2 as a special zone. " * 50,
    ),
    ("ko", "", "본문만 있는 보도자료"),
    ("en", "Title only", ""),
    ("ko", "", ""),
]


@pytest.fixture(scope="module")
def model() -> TopicModel:
    found = load_topic_model()
    assert found is not None
    return found


@pytest.mark.parametrize(("language", "title", "text"), TEXTS)
def test_the_vector_is_the_counted_n_grams_in_the_same_order(
    model: TopicModel, language: str, title: str, text: str
) -> None:
    """Same keys in the same order and the same floats: the order decides the sums' bits."""
    counted = ngram_values(ngram_counts(title, text, language, model.spec), model._index)
    vector = model.vectorise(title, text, language, [])
    language_feature = model._index["lang:en"]
    assert [item for item in vector.items() if item[0] != language_feature] == list(counted.items())
    if title or text:
        assert counted


def test_a_model_counting_word_n_grams_counts_them_as_well(model: TopicModel) -> None:
    spec = replace(model.spec, words=1)
    words = replace(model, spec=spec, features=(*model.features, "w:투자"))
    title, text = "투자 협약", "투자 협약을 맺었다."
    counted = ngram_values(ngram_counts(title, text, "ko", spec), words._index)
    assert words._index["w:투자"] in counted
    assert list(words.vectorise(title, text, "ko", []).items()) == list(counted.items())


def test_the_top_features_are_the_largest_contributions(model: TopicModel) -> None:
    title, text = TEXTS[0][1:]
    vector = model.vectorise(title, text, "ko", [])
    for column, topic in enumerate(model.topics):
        expected = sorted(
            (
                (value * float(model.weights[index, column]), index)
                for index, value in vector.items()
            ),
            reverse=True,
        )[:5]
        features = model._top_features(vector, column, topic)
        assert [feature.feature for feature in features] == [
            model.features[index] for part, index in expected if part > 0
        ]
