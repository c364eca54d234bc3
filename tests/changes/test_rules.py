"""The pure rules behind change records: corrections, proposal actions, significance."""

from __future__ import annotations

import pytest

from zonewatch.changes.corrections import is_correction
from zonewatch.changes.proposals import proposal_action
from zonewatch.changes.significance import MINOR_SCORE, significance, source_tier


@pytest.mark.parametrize(
    "title",
    [
        "[정정] 「산업단지 지원사업 선정 결과」 보도자료 중 지원 규모 정정",
        "(해명) 경제자유구역 지정 관련 기사에 대한 설명",
        "바로잡습니다: 투자 유치 금액",
        "Correction: FEZ investment figures",
        "경제자유구역 외국인투자 동향 정정보도",
    ],
)
def test_correction_notices_are_recognised(title: str) -> None:
    assert is_correction(title)


@pytest.mark.parametrize(
    "title", ["수정구 산업단지 입주 설명회", "규제자유특구 실증특례 연장", "Corrective maintenance"]
)
def test_ordinary_titles_are_not_corrections(title: str) -> None:
    assert not is_correction(title)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("기회발전특구 3차 지정, 6곳", "designate"),
        ("규제자유특구 지정 해제 결정", "lift"),
        ("경제자유구역 면적 축소 승인", "reduce"),
        ("광양만권 경제자유구역 확대 지정", "expand"),
        ("황해경제자유구역 명칭 변경", "rename"),
    ],
)
def test_designation_releases_propose_an_action(title: str, expected: str) -> None:
    assert proposal_action(title, "", {"designation"}, "zone_type") == expected


def test_no_proposal_without_the_designation_topic_or_for_plain_news() -> None:
    assert proposal_action("기회발전특구 3차 지정", "", {"governance"}, "zone_type") is None
    assert proposal_action("송도 바이오 행사 개최", "", {"designation"}, "fez_district") is None
    assert proposal_action("제도 개편 방안", "", {"reform"}, "programme") == "reform"


def test_significance_rises_with_what_matters_and_says_why() -> None:
    plain, _ = significance("changed_document", changed_share=0.05)
    weighty, signals = significance(
        "changed_document",
        changed_share=0.3,
        facts_touched=2,
        topics=["designation"],
        source_tier="ministry",
        entities=3,
    )
    assert 0 <= plain < weighty <= 1
    assert {"edit_size", "facts", "topics", "source", "zone_entities"} <= set(signals)
    assert significance("changed_document", minor=True)[0] == MINOR_SCORE
    assert significance("correction", correction=True)[0] > significance("new_document")[0]


def test_source_tiers() -> None:
    assert source_tier("motir-press") == "ministry"
    assert source_tier("ifez-press") == "fez"
    assert source_tier("busan-press") == "city"
    assert source_tier(None) is None
