"""The topic classifier on invented releases, and the checks of its rule file."""

from __future__ import annotations

from pathlib import Path

import pytest

from zonewatch.classify.evidence import Part, Span
from zonewatch.classify.topics import TopicClassifier, TopicHit
from zonewatch.config.topic_rules import load_topic_rules
from zonewatch.config.topics import load_topics
from zonewatch.errors import ConfigError


@pytest.fixture(scope="module")
def classifier() -> TopicClassifier:
    return TopicClassifier.from_config()


def topics(hits: list[TopicHit]) -> set[str]:
    return {hit.topic for hit in hits}


KOREAN = [
    (
        "designation",
        "정부, 남해안 바이오 특구 신규 지정",
        "산업부는 남해안 일대 3.2㎢를 바이오 특구로 지정했다고 밝혔다. 지정 면적은 당초 "
        "신청보다 줄었다.",
    ),
    (
        "plan",
        "첨단산업 클러스터 육성 종합계획 발표",
        "정부는 2030년까지 클러스터 10곳을 키우는 종합계획을 발표했다. 이번 로드맵은 "
        "지역별 추진전략을 담았다.",
    ),
    (
        "incentive",
        "산업단지 입주기업 임대료 감면 및 보조금 확대",
        "시는 입주기업에 임대료 감면과 설비 보조금을 지원한다. 정책자금 융자도 늘린다.",
    ),
    (
        "reform",
        "경제자유구역법 시행령 개정안 국무회의 의결",
        "개정안은 외국인투자기업의 입주 절차 간소화와 규제 완화를 담았다.",
    ),
    (
        "investment",
        "글로벌 배터리 기업, 스마트 산단에 5천억 원 투자",
        "이 기업은 신규 생산 공장을 짓기로 하고 투자 협약을 맺었다. 일자리 창출도 기대된다.",
    ),
    (
        "governance",
        "제3차 혁신도시 발전위원회 개최",
        "차관 주재로 위원회를 개최하고 관계부처와 협력 방안을 논의했다.",
    ),
    (
        "performance",
        "자유무역지역 수출 실적 역대 최대",
        "입주기업 수출은 전년 대비 12% 증가해 역대 최대를 기록했다.",
    ),
]

ENGLISH = [
    (
        "designation",
        "Ministry designates two new free economic zones",
        "The newly designated zones cover 11 square kilometers in the south.",
    ),
    (
        "plan",
        "Government unveils basic plan for science parks",
        "The master plan sets out a roadmap and a strategy for the next ten years.",
    ),
    (
        "incentive",
        "Tax breaks and subsidies for tenant firms",
        "Companies in the park will receive tax incentives and low-interest loans.",
    ),
    (
        "reform",
        "Cabinet passes amendment to the special zones act",
        "The revised law eases regulations and streamlines approval procedures.",
    ),
    (
        "investment",
        "Chipmaker to invest 2 billion dollars in new plant",
        "The company signed an investment agreement and will create 900 new jobs.",
    ),
    (
        "governance",
        "Vice minister chairs meeting of zone authorities",
        "The committee held talks on cooperation between the authorities.",
    ),
    (
        "performance",
        "Exports from the zone hit record high",
        "Statistics show exports increased by 14 percent year-on-year.",
    ),
]


@pytest.mark.parametrize(("topic", "title", "text"), KOREAN, ids=[row[0] for row in KOREAN])
def test_korean_release_gets_its_topic(
    classifier: TopicClassifier, topic: str, title: str, text: str
) -> None:
    assert topic in topics(classifier.classify(title, text, "ko"))


@pytest.mark.parametrize(("topic", "title", "text"), ENGLISH, ids=[row[0] for row in ENGLISH])
def test_english_release_gets_its_topic(
    classifier: TopicClassifier, topic: str, title: str, text: str
) -> None:
    assert topic in topics(classifier.classify(title, text, "en"))


def spans(hit: TopicHit) -> list[Span]:
    """A rule hit's evidence: spans of the release only (the model adds other kinds)."""
    assert all(isinstance(evidence, Span) for evidence in hit.evidence)
    return [evidence for evidence in hit.evidence if isinstance(evidence, Span)]


def test_a_release_reporting_several_events_gets_several_topics(
    classifier: TopicClassifier,
) -> None:
    title = "규제자유특구위원회, 특구 2곳 추가 지정…입주기업 세제 지원 확대"
    text = (
        "중소벤처기업부는 장관 주재로 위원회를 개최하고 2곳을 규제자유특구로 지정했다. "
        "특구 입주기업에는 법인세 감면 등 세제 혜택과 실증 특례가 주어진다."
    )
    assert {"designation", "incentive", "governance"} <= topics(classifier.classify(title, text))


@pytest.mark.parametrize(
    ("title", "text", "language"),
    [
        (
            "주말 날씨, 전국 맑고 포근",
            "토요일은 전국이 대체로 맑겠으며 낮 기온은 20도 안팎이다.",
            "ko",
        ),
        ("Sunny weekend ahead", "Clear skies are forecast, with highs of 25 degrees.", "en"),
        ("", "", "ko"),
    ],
)
def test_off_topic_text_yields_nothing(
    classifier: TopicClassifier, title: str, text: str, language: str
) -> None:
    assert classifier.classify(title, text, language) == []


def test_evidence_points_at_the_words_that_counted(classifier: TopicClassifier) -> None:
    title = "‘바이오 특구’ 신규 지정"
    text = "위원회는\n바이오 특구를 신규  지정했다. 지정학적 위험과는 무관하다."
    [hit] = [hit for hit in classifier.classify(title, text) if hit.topic == "designation"]
    assert 0.5 <= hit.score <= 1.0
    for evidence in spans(hit):
        source = title if evidence.where == Part.TITLE else text
        assert source[evidence.start : evidence.end] == evidence.text
        assert evidence.rule.startswith("designation.ko.")
    found = {(e.where.value, e.text) for e in spans(hit)}
    assert ("title", "신규 지정") in found
    assert ("body", "신규  지정") in found
    assert not any(e.text.startswith("지정학") for e in spans(hit))


def test_particles_spacing_and_quotes_do_not_hide_a_phrase(classifier: TopicClassifier) -> None:
    for text in ["업무협약을 체결했다", "업무 협약을 체결했다", "‘업무 협약’을 체결했다"]:
        [hit] = [h for h in classifier.score_all("", text) if h.topic == "governance"]
        assert "governance.ko.업무 협약" in {e.rule for e in hit.evidence}


def test_shadows_and_word_edges_keep_lookalikes_out(classifier: TopicClassifier) -> None:
    assert classifier.score_all("", "중심의 조성과 지정학") == []
    assert classifier.score_all("", "A 2 billion won deal", "en") == []
    hit = classifier.score_all("", "규제자유특구로 지정했다")
    assert [(h.topic, [e.text for e in spans(h)]) for h in hit] == [
        ("designation", ["특구로 지정"])
    ]


def test_title_outweighs_body_and_lead_outweighs_tail(classifier: TopicClassifier) -> None:
    def score(title: str, text: str) -> float:
        found = {h.topic: h.score for h in classifier.score_all(title, text)}
        return found["plan"]

    filler = "가" * 2000
    in_title = score("종합계획 발표", "")
    in_lead = score("", "종합계획 발표")
    in_tail = score("", f"{filler} 종합계획 발표")
    assert in_title > in_lead > in_tail > 0


def test_a_denial_counts_against_the_topic(classifier: TopicClassifier) -> None:
    title = "경제자유구역 추가 지정 보도 관련"
    plain = {h.topic: h.score for h in classifier.score_all(title, "추가 지정을 검토 중이다.")}
    denied = {h.topic: h.score for h in classifier.score_all(title, "추가 지정은 결정된 바 없다.")}
    assert denied["designation"] < plain["designation"]


def test_scores_are_ordered_and_classify_keeps_those_over_threshold(
    classifier: TopicClassifier,
) -> None:
    title, text = KOREAN[1][1], KOREAN[1][2] + KOREAN[4][2]
    every = classifier.score_all(title, text)
    assert [h.score for h in every] == sorted((h.score for h in every), reverse=True)
    assert all(0.0 <= h.score <= 1.0 for h in every)
    assert classifier.classify(title, text) == [h for h in every if h.score >= 0.5]


def test_unknown_language_falls_back_on_the_script(classifier: TopicClassifier) -> None:
    title, text = KOREAN[0][1], KOREAN[0][2]
    assert classifier.classify(title, text, "xx") == classifier.classify(title, text, "ko")


def test_packaged_rules_cover_every_topic_in_both_languages() -> None:
    rules = load_topic_rules()
    assert {rule.id for rule in rules.topics} == {topic.id for topic in load_topics()}
    for rule in rules.topics:
        assert {group.lang for group in rule.cues} == {"ko", "en"}, rule.id


RULES = """\
version: 1
scoring: {title_factor: 2.0}
shadows: {ko: [지정학]}
topics:
  - id: designation
    threshold: 2.0
    cues:
      - {lang: ko, weight: 1.5, terms: [지정]}
  - id: plan
    threshold: 2.0
    cues:
      - {lang: ko, weight: 2.0, terms: [계획]}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "topic_rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_custom_rule_file_is_used(tmp_path: Path) -> None:
    custom = TopicClassifier.from_config(write(tmp_path, RULES))
    [hit] = custom.classify("특구 지정", "")
    assert (hit.topic, hit.score) == ("designation", 0.6)
    [first, *_] = spans(hit)
    assert (first.rule, first.weight) == ("designation.ko.지정", 3.0)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("weight: 1.5", "weight: 0"), r"entry 1 \(id 'designation'\): field 'cues.0.weight'"),
        (("id: plan", "id: planning"), r"entry 2 \(id 'planning'\): field 'id': unknown topic"),
        (("id: plan", "id: designation"), r"entry 2 \(id 'designation'\): field 'id': duplicate"),
        (("terms: [지정]", "terms: [지정, 지 정]"), r"entry 1 .*term '지 정' repeated"),
        (("terms: [지정]", "terms: [지정학]"), r"entry 1 .*term '지정학' is a shadow"),
        (("terms: [계획]", "terms: ['계*획']"), r"entry 2 .*'\*' is allowed only at the end"),
        (("{lang: ko, weight: 2.0", "{lang: korean, weight: 2.0"), r"entry 2 .*'cues.0.lang'"),
        (("version: 1", "version: 2"), r"'version' must be 1"),
        (("title_factor: 2.0", "title_factor: -1"), r"scoring: field 'title_factor'"),
        (("topics:", "topics: ["), r"line \d+"),
    ],
)
def test_a_broken_rule_file_names_the_file_and_the_entry(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    path = write(tmp_path, RULES.replace(*edit, 1))
    with pytest.raises(ConfigError, match=message) as raised:
        TopicClassifier.from_config(path)
    assert str(path) in str(raised.value)
