"""Significance separates the kinds of change: minor < routine < figure < designation.

One record of each kind is scored with the signals it would really carry, and then with every
signal pushed to its extreme: the strongest routine notice must still score below the weakest
figure change, so a subscription threshold picks whole kinds of change.
"""

from __future__ import annotations

import itertools

import pytest

from tests.testkit import factories
from zonewatch.app import App
from zonewatch.changes.services import record_version_changes
from zonewatch.changes.significance import BANDS, MINOR_SCORE, THRESHOLDS, band_of, significance
from zonewatch.classify.services import classify_version
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import ChangeRecord, Source

TIERS = (None, "news", "city", "fez", "agency", "ministry")
TOPIC_SETS = ((), ("governance",), ("investment", "incentive"), ("designation", "plan", "reform"))


def kinds_of_change() -> dict[str, float]:
    """One record of each kind, with the signals the pipeline gives it."""
    return {
        # a spacing fix on a ministry's designation release
        "minor edit": significance(
            "changed_document",
            minor=True,
            changed_share=0.01,
            topics=["designation"],
            source_tier="ministry",
            entities=2,
        )[0],
        # a festival notice from a ministry, naming a zone
        "routine notice": significance(
            "new_document", topics=["governance"], source_tier="ministry", entities=1
        )[0],
        # a 2,000억 investment from a city
        "investment release": significance(
            "new_document", topics=["investment"], source_tier="city", entities=1
        )[0],
        # 250 → 300 companies
        "figure change": significance(
            "fact_change", facts_touched=1, topics=["investment"], source_tier="fez", entities=1
        )[0],
        # 기회발전특구 3차 지정
        "designation": significance(
            "new_document",
            topics=["designation"],
            event="designate",
            source_tier="ministry",
            entities=3,
        )[0],
        # 규제자유특구 지정 해제
        "withdrawal": significance(
            "new_document", topics=["designation"], event="lift", source_tier="city", entities=1
        )[0],
        "release withdrawn": significance("removed_document", source_tier="news")[0],
    }


def test_each_kind_of_change_lands_in_its_band_in_order() -> None:
    scores = kinds_of_change()
    assert scores["minor edit"] == MINOR_SCORE < 0.15
    assert 0.2 <= scores["routine notice"] <= 0.35
    assert 0.5 <= scores["investment release"] <= 0.7
    assert 0.5 <= scores["figure change"] <= 0.7
    for kind in ("designation", "withdrawal", "release withdrawn"):
        assert scores[kind] >= 0.8, kind
    ordered = ["minor edit", "routine notice", "figure change", "designation"]
    gaps = [scores[b] - scores[a] for a, b in itertools.pairwise(ordered)]
    assert all(gap >= 0.15 for gap in gaps), dict(zip(ordered[1:], gaps, strict=True))
    assert scores["withdrawal"] > scores["designation"] - 0.1


def _extremes(kind: str, **fixed: object) -> tuple[float, float]:
    """The lowest and highest score a kind can reach over every combination of signals."""
    scores = [
        significance(
            kind,
            changed_share=share,
            facts_touched=facts,
            topics=topics,
            source_tier=tier,
            entities=entities,
            **fixed,  # type: ignore[arg-type]
        )[0]
        for share, facts, topics, tier, entities in itertools.product(
            (0.0, 0.2, 1.0), (0, 1, 5), TOPIC_SETS, TIERS, (0, 4)
        )
    ]
    return min(scores), max(scores)


@pytest.mark.parametrize(
    ("kind", "fixed", "band"),
    [
        ("changed_document", {"minor": True}, "minor"),
        ("attachment_added", {}, "routine"),
        ("fact_change", {}, "figure"),
        ("correction", {"correction": True}, "figure"),
        ("model_change", {}, "designation"),
        ("removed_document", {}, "designation"),
        ("new_document", {"event": "lift"}, "designation"),
    ],
)
def test_no_signal_pushes_a_change_out_of_its_band(
    kind: str, fixed: dict[str, object], band: str
) -> None:
    low, high = _extremes(kind, **fixed)
    assert BANDS[band][0] <= low <= high <= BANDS[band][1]


def test_a_notice_without_figures_never_reaches_the_figure_band() -> None:
    strongest_notice = significance(
        "changed_document",
        changed_share=1.0,
        topics=["governance", "performance"],
        source_tier="ministry",
        entities=5,
    )[0]
    weakest_figure = significance("fact_change", facts_touched=1)[0]
    assert strongest_notice <= 0.35 < 0.5 <= weakest_figure


def test_applications_and_plans_are_not_designations() -> None:
    assert band_of("new_document", topics=["designation"], event=None) == "figure"
    assert band_of("new_document", topics=["designation"], event="designate") == "designation"


def test_thresholds_select_whole_bands() -> None:
    assert THRESHOLDS == {"minor": 0.05, "routine": 0.2, "figure": 0.5, "designation": 0.8}
    for (_, (_, high)), (_, (low, _)) in itertools.pairwise(BANDS.items()):
        assert low - high >= 0.1


def records(app: App, external_id: str, title: str, text: str) -> dict[str, float]:
    """The kinds and scores of the records one crawled version gives, through ingest,
    the classifier and the change builder."""
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        run = factories.crawl_run(session, source)
        row = factories.fetched(session, run, external_id, title=title, text=text)
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        classify_version(session, version_id, app.classifier)
        ids = record_version_changes(session, version_id)
        rows = session.query(ChangeRecord).filter(ChangeRecord.id.in_(ids))
        return {row.kind: row.significance for row in rows}


FESTIVAL = (
    "인천경제청, 송도 달빛축제 개최 안내",
    "인천경제청은 10월 5일 송도 센트럴파크에서 달빛축제를 연다고 밝혔다.",
)
INVESTMENT = (
    "인천경제청, 송도에 바이오 기업 2,000억 원 투자 유치",
    "인천경제청은 송도국제도시에 바이오 기업이 2,000억 원을 투자해 공장을 짓는다고 밝혔다.",
)
DESIGNATION = (
    "송도 바이오 특화단지 지정",
    "산업통상부는 인천 송도를 바이오 특화단지로 지정했다고 밝혔다.",
)
LIFTING = (
    "영종 경제자유구역 일부 지정 해제",
    "인천경제청은 영종 경제자유구역 일부 지구의 지정을 해제한다고 밝혔다.",
)


def test_records_built_by_the_pipeline_land_in_separate_bands(app: App) -> None:
    festival = records(app, "1", *FESTIVAL)["new_document"]
    investment = records(app, "2", *INVESTMENT)["new_document"]
    designation = records(app, "3", *DESIGNATION)["new_document"]
    lifting = records(app, "4", *LIFTING)["new_document"]
    spacing = records(app, "1", FESTIVAL[0], FESTIVAL[1].replace("연다고", "연다고 "))
    figure = records(app, "2", INVESTMENT[0], INVESTMENT[1].replace("2,000억", "2,500억"))
    assert spacing == {"changed_document": MINOR_SCORE}
    assert 0.2 <= festival <= 0.35
    assert 0.5 <= investment <= 0.7
    assert 0.5 <= figure["fact_change"] <= 0.7
    assert designation >= 0.8
    assert lifting >= 0.8
    assert investment - festival >= 0.15, "a festival and an investment are clearly apart"
    assert designation - figure["fact_change"] >= 0.1
