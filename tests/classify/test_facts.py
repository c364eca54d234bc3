"""Numeric facts from invented Korean and English press-release sentences.

Each test pins one way numbers are written in government releases: what must be read, how it
is normalised, and what must be left alone (dates, phone numbers, articles, rounds).
"""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from zonewatch.classify.facts import (
    UNITS,
    FoundFact,
    distinct_figures,
    extract_facts,
    korean_number,
)


def pairs(text: str, language: str = "ko") -> list[tuple[float, str]]:
    """(value, unit) of every fact, rounded so float noise doesn't hide a right answer."""
    return [(round(fact.value, 6), fact.unit) for fact in extract_facts(text, language)]


def only(text: str, language: str = "ko") -> FoundFact:
    facts = extract_facts(text, language)
    assert len(facts) == 1, facts
    return facts[0]


# --- interface ---------------------------------------------------------------------------------


def test_units_are_the_evaluation_units() -> None:
    assert UNITS == ("KRW", "USD", "EUR", "companies", "jobs", "people", "percent", "km2", "count")


def test_a_fact_is_frozen_and_its_span_is_its_raw_text() -> None:
    text = "올해 스마트공장 120개를 새로 보급하고 예산 597억 원을 투입한다."
    facts = extract_facts(text)
    assert [fact.raw for fact in facts] == ["120개", "597억 원"]
    for fact in facts:
        assert text[fact.start : fact.end] == fact.raw
        assert fact.unit in UNITS
        assert fact.rule
    with pytest.raises(dataclasses.FrozenInstanceError):
        facts[0].value = 1.0  # type: ignore[misc]


def test_no_span_is_reported_twice_and_facts_come_in_reading_order() -> None:
    facts = extract_facts("총 1~2조원, 5~10%, 3천5백만 원, 10억 명")
    spans = [(fact.start, fact.end) for fact in facts]
    assert spans == sorted(set(spans))
    for left, right in itertools.pairwise(facts):
        assert left.end <= right.start


def test_the_language_is_only_a_hint() -> None:
    text = "수출 120억 달러, exports of $12 billion"
    assert pairs(text, "ko") == pairs(text, "en") == [(12e9, "USD"), (12e9, "USD")]


# --- Korean money ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("7억", 7e8),
        ("2조 5,000억", 2.5e12),
        ("1조2,300억", 1.23e12),
        ("4.5조", 4.5e12),
        ("1,950억", 1.95e11),
        ("3천만", 3e7),
        ("6백억", 6e10),
        ("3천5백만", 3.5e7),
        ("2억 4천여만", 2.4e8),
        ("12,345", 12345),
    ],
)
def test_korean_magnitudes_combine(written: str, value: float) -> None:
    assert korean_number(written) == pytest.approx(value)


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("지역 기업에 7억 원을 지원한다.", 7e8),
        ("총 2조 5,000억 원 규모의 펀드를 만든다.", 2.5e12),
        ("정책금융 4.5조원을 공급한다.", 4.5e12),
        ("참가비는 1인 5만 원이다.", 5e4),
        ("시설 개선에 3천만원씩 지원", 3e7),
        ("약 200여억원의 투자", 2e10),
    ],
)
def test_korean_won_amounts(sentence: str, value: float) -> None:
    fact = only(sentence)
    assert fact.value == pytest.approx(value)
    assert (fact.unit, fact.rule) == ("KRW", "korean-money")


def test_an_amount_in_eok_without_won_is_still_won() -> None:
    fact = only("신규 투자 1,950억을 유치하였다.")
    assert (fact.value, fact.unit) == (1.95e11, "KRW")
    assert fact.metric == "investment"


def test_a_bare_eok_followed_by_another_unit_is_not_won() -> None:
    assert pairs("연간 1억 톤을 처리하는 항만") == []
    assert pairs("수출 20억 엔 규모") == []


def test_dollars_and_euros_written_in_korean() -> None:
    assert pairs("수출 496억 달러, 수입 522.3억달러") == [(49.6e9, "USD"), (52.23e9, "USD")]
    assert pairs("누적 투자액 100억불을 넘었다") == [(1e10, "USD")]
    assert pairs("US$ 3억 규모의 계약") == [(3e8, "USD")]
    assert pairs("EU 기금 300만 유로") == [(3e6, "EUR")]


def test_a_range_gives_both_ends_with_the_shared_magnitude() -> None:
    assert pairs("사업비 1~2조원") == [(1e12, "KRW"), (2e12, "KRW")]
    assert pairs("금리를 5~10%로") == [(5.0, "percent"), (10.0, "percent")]


# --- Korean counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "입주기업 34개 기업이 참여했다.",
        "반도체 협력사 12개사가 서명했다.",
        "이 중 중소기업은 250개(60.1%)이다.",
        "40여개의 해외(외국) 기업이 방한한다.",
        "11개* 대형건설사의 현장을 점검했다.",
        "올해 20여 곳의 기업을 유치했다.",
    ],
)
def test_counted_companies(sentence: str) -> None:
    assert extract_facts(sentence)[0].unit == "companies"


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("새로운 일자리 1만 개를 만든다.", 1e4),
        ("지역에서 신규 채용 150명을 계획하고 있다.", 150),
        ("공장 완공 후 30명을 추가로 채용할 예정이다.", 30),
        ("전문 인력 2,000명을 양성한다.", 2000),
    ],
)
def test_hiring_is_jobs(sentence: str, value: float) -> None:
    assert pairs(sentence) == [(value, "jobs")]


def test_people_stay_people_when_they_attend() -> None:
    assert pairs("교육생 84명과 관계자 100여명이 참석했다.") == [(84, "people"), (100, "people")]
    assert pairs("취업준비생 등 13명이 참석하였다.") == [(13, "people")]
    assert pairs("위원회는 위원 20인으로 구성한다.") == [(20, "people")]


@pytest.mark.parametrize(
    "sentence",
    [
        "5개 분야를 지원한다.",
        "전국 3곳에 센터를 연다.",
        "위반 사항 12건을 적발했다.",
        "7개국 대표가 왔다.",
        "모두 2차례 회의를 열었다.",
        "예비 선박 3척을 투입한다.",
        "4개 지역에 위치한 6개 기관",
        "중견기업 5개 분야 과제",
    ],
)
def test_other_things_are_counts(sentence: str) -> None:
    assert {unit for _, unit in pairs(sentence)} == {"count"}


def test_a_single_thing_is_not_a_fact() -> None:
    assert pairs("근로자 1명이 다쳤고 각 1건씩 발생했다.") == []


# --- areas and shares --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "km2"),
    [
        ("부지 0.62㎢를 공급한다.", 0.62),
        ("부지 62만㎡를 공급한다.", 0.62),
        ("입지 총 152만평을 지정", 152e4 * 400 / 121 / 1e6),
        ("농지 1,000ha를 조성", 10.0),
        ("재배면적 8만㏊ 감축", 800.0),
        ("간척지 3,000헥타르", 30.0),
        ("공장 부지 3만3천㎡", 0.033),
        ("면적 2.5 km² 규모", 2.5),
    ],
)
def test_areas_in_square_kilometres(sentence: str, km2: float) -> None:
    fact = only(sentence)
    assert fact.value == pytest.approx(km2)
    assert fact.unit == "km2"


def test_shares_and_points_are_percent() -> None:
    assert pairs("점유율 10%, 3.5%p 상승, 20 퍼센트") == [
        (10.0, "percent"),
        (3.5, "percent"),
        (20.0, "percent"),
    ]
    assert pairs("수출 496억 달러(△14.2%)")[1] == (14.2, "percent")


def test_a_table_with_one_declared_unit() -> None:
    text = "< 인증 기업 현황 >\n(단위: 개)\n\n연도\n\n’19\n\n’20\n\n계\n\n120\n\n1,350*\n\n□ 설명"
    assert pairs(text) == [(120, "companies"), (1350, "companies")]


def test_a_label_declaring_its_unit_gives_the_bare_numbers_after_it() -> None:
    text = "* 수출 증감률(OECD, %) : (’23.1월)△4.2 → (2월)7.5 → (3월)△1.9\n다음 줄 5"
    assert pairs(text) == [(4.2, "percent"), (7.5, "percent"), (1.9, "percent")]
    assert pairs("* 매출액(억원) : (’22년) 35 → (’23년) 90") == [(35e8, "KRW"), (90e8, "KRW")]
    assert pairs("* 입주기업수(개) : (’22) 120 → (’23) 150") == [
        (120, "companies"),
        (150, "companies"),
    ]


def test_a_label_with_two_units_gives_nothing() -> None:
    assert pairs("* 수출(억불, %) : (1월)25.2(△18.7)") == []


def test_the_label_of_a_line_says_what_is_counted() -> None:
    text = "- 참여 기업 수: (’22) 180개 → (’23) 240개"
    assert pairs(text) == [(180, "companies"), (240, "companies")]


def test_a_change_written_with_an_arrow_shares_the_unit() -> None:
    assert pairs("지원 비율 확대(10→30%)") == [(10.0, "percent"), (30.0, "percent")]


def test_a_table_mixing_units_gives_no_cells() -> None:
    text = "(단위: 억원, %)\n\n구분\n\n예산\n\n120\n\n증감률\n\n4.5\n"
    assert pairs(text) == []


@pytest.mark.timeout(10)
@pytest.mark.parametrize("run", ["1만 ", "3천 ", "1~", "):", "기업 수: 3개 "])
def test_long_runs_of_number_pieces_stay_fast(run: str) -> None:
    """Bounded patterns: a flattened table of thousands of pieces must not backtrack for ever."""
    extract_facts(run * 5000)


# --- what is not a fact ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "2023년 4월 12일(수) 오후 3시에 개최",
        "’25년 상반기, ‘24.6월 준공",
        "공고일 2019-06-12, 7.25(목)",
        "문의: 산업통상자원부 044-202-1234",
        "법 제3조에 따라, 관세법 100조: 수입신고",
        "제5회 위원회, 3차 회의, 4회차 점검",
        "V4 국가, 5G 통신, 3D 프린팅, K-뷰티, 2030 전략",
        "1. 추진 배경 ① 개요 2) 세부",
        "5인 이상 사업장에 적용",
        "3년간 지원하고 10년 만에 재개",
        "성능 3.5GW, 유량 107.2만㎥/일",
    ],
)
def test_dates_numbering_and_names_are_not_facts(sentence: str) -> None:
    assert pairs(sentence) == []


def test_a_rate_per_person_is_not_a_count_of_people() -> None:
    assert pairs("1인당 10만원을 지급") == [(1e5, "KRW")]
    assert pairs("시설 4㎡당 1명") == []


# --- English -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "value", "unit"),
    [
        ("It will invest 3.9 trillion won by 2025.", 3.9e12, "KRW"),
        ("Investment reached $1.2 billion last year.", 1.2e9, "USD"),
        ("A grant of 12 million dollars was approved.", 12e6, "USD"),
        ("The ministry set aside KRW 500 billion.", 5e11, "KRW"),
        ("The fund holds US$3 billion.", 3e9, "USD"),
        ("The EU pledged €300 million.", 3e8, "EUR"),
        ("The fund is worth $12bn.", 12e9, "USD"),
        ("Exports rose 5.2 percent on a year earlier.", 5.2, "percent"),
        ("The share rose 2.5 percentage points.", 2.5, "percent"),
    ],
)
def test_english_amounts(sentence: str, value: float, unit: str) -> None:
    fact = only(sentence, "en")
    assert fact.value == pytest.approx(value)
    assert fact.unit == unit


def test_english_counts_skip_modifiers_to_the_counted_noun() -> None:
    text = (
        "The cluster targets 250 tenant companies and a total of 15,000 employees, will send "
        "50 young researchers abroad, and brings together seven regional authorities."
    )
    assert pairs(text, "en") == [
        (250, "companies"),
        (15000, "jobs"),
        (50, "people"),
        (7, "count"),
    ]


def test_english_counts_before_a_verb() -> None:
    text = "Over 200 participants from 30 countries attended, and 4 MOUs were signed."
    assert pairs(text, "en") == [(200, "people"), (30, "count"), (4, "count")]


def test_english_scale_words_and_number_words() -> None:
    assert pairs("About 1.5 million people visited.", "en") == [(1.5e6, "people")]
    assert pairs("Twenty-five startups applied.", "en") == [(25, "companies")]


def test_english_areas() -> None:
    text = "The zone covers 12.3 square kilometers, and farms of 2,000 hectares."
    assert pairs(text, "en") == [(12.3, "km2"), (20.0, "km2")]


@pytest.mark.parametrize(
    "sentence",
    [
        "On Wednesday, June 12, 2019, the 4th meeting was held.",
        "Under Article 12 of the Act, the second phase starts.",
        "Call +82-44-203-5000 before 10 a.m.",
        "The plan runs for 3 years and 6 months.",
        "It uses 5G networks and COVID-19 tests under the 2030 Agenda.",
    ],
)
def test_english_non_facts(sentence: str) -> None:
    assert pairs(sentence, "en") == []


def test_mixed_text_reads_both_languages() -> None:
    text = "산업부는 3.9 trillion won 규모로 34개 기업을 지원한다."
    assert pairs(text) == [(3.9e12, "KRW"), (34, "companies")]


# --- period and scope --------------------------------------------------------------------------

PERIOD_KINDS = ("annual", "half", "quarter", "month", "cumulative", "target", "plan", "unknown")


@pytest.mark.parametrize(
    ("sentence", "period", "scope"),
    [
        ("올해 상반기 수출은 19억 4천만 달러를 기록했다.", "half", "H1"),
        ("하반기 투자액은 597억 원으로 늘었다.", "half", "H2"),
        ("2분기 수출은 10억 2천만 달러로 11% 증가했다.", "quarter", "Q2"),
        ("1/4분기 매출 300억 원", "quarter", "Q1"),
        ("3월 수출은 500억 달러였다.", "month", "M3"),
        ("연간 예산 1조 2천억 원이 편성됐다.", "annual", None),
        ("누적 투자액은 2조 5,000억 원에 이른다.", "cumulative", None),
        ("2024년까지 누적 투자 2조 원을 달성했다.", "cumulative", "until 2024"),
        ("목표 입주기업 250개사를 유치한다.", "target", None),
        ("2030년까지 5조 원을 투자할 계획이다.", "plan", "until 2030"),
        ("투자 규모는 597억 원이다.", "unknown", None),
        ("Exports reached USD 1.94 billion in the first half.", "half", "H1"),
        ("Exports in the second quarter were $1.02 billion.", "quarter", "Q2"),
        ("Cumulative investment reached $3 billion.", "cumulative", None),
        ("The city aims to attract 300 companies by 2030.", "target", "until 2030"),
        ("The annual budget is 12 billion won.", "annual", None),
    ],
)
def test_a_fact_carries_its_period_and_scope(sentence: str, period: str, scope: str | None) -> None:
    fact = extract_facts(sentence)[-1]
    assert fact.period in PERIOD_KINDS
    assert (fact.period, fact.scope) == (period, scope)


def test_a_date_is_not_a_month_period() -> None:
    assert only("3월 2일 발표에 따르면 투자액은 597억 원이다.").period == "unknown"


def test_the_period_comes_from_the_figures_own_sentence() -> None:
    facts = extract_facts("상반기 수출은 100억 달러였다. 투자 예산은 597억 원이다.")
    assert [fact.period for fact in facts] == ["half", "unknown"]


def test_the_nearest_period_word_wins() -> None:
    facts = extract_facts("상반기 수출은 19억 달러, 이 가운데 2분기 수출은 10억 달러였다.")
    assert [(fact.period, fact.scope) for fact in facts] == [("half", "H1"), ("quarter", "Q2")]


def test_english_period_words_are_whole_words() -> None:
    assert only("The goodwill fund holds USD 3 billion.").period == "unknown"


# --- one figure, one fact ----------------------------------------------------------------------


def test_a_figure_stated_twice_is_one_fact() -> None:
    text = "투자 3조 원을 유치했다. 이번에 유치한 3조 원은 역대 최대이며, 기업 40개사가 입주한다."
    facts = distinct_figures(extract_facts(text), lambda fact: (fact.value, fact.unit))
    assert [(fact.value, fact.unit) for fact in facts] == [(3e12, "KRW"), (40, "companies")]
    assert facts[0].raw == "3조 원"  # the first statement stands for the figure


def test_the_same_number_in_two_units_is_two_facts() -> None:
    facts = distinct_figures(
        extract_facts("위원 13명과 13개 부처가 참여한다."), lambda fact: (fact.value, fact.unit)
    )
    assert [(fact.value, fact.unit) for fact in facts] == [(13, "people"), (13, "count")]


# --- what a count of persons counts ------------------------------------------------------------


def test_the_employed_counted_in_a_clause_are_jobs() -> None:
    assert pairs("고용인원은 연평균 5.5%(12,345명→15,678명) 늘었다.") == [
        (5.5, "percent"),
        (12345, "jobs"),
        (15678, "jobs"),
    ]
    assert pairs("종사자는 3,210명으로 집계됐다.") == [(3210, "jobs")]


def test_persons_attending_stay_people_next_to_a_hiring_word() -> None:
    assert pairs("채용박람회에 구직자 300명이 참석했다.") == [(300, "people")]
    assert pairs("위원회는 위원 25명으로 구성된다.") == [(25, "people")]


def test_the_number_of_things_reads_the_noun_before_its_count_word() -> None:
    assert pairs("입주사업체 수는 4,321개로 늘었다.") == [(4321, "companies")]
    assert pairs("외투기업 수는 321개다.") == [(321, "companies")]


def test_a_table_row_may_name_its_item_in_several_cells() -> None:
    rows = ["가 지역", "바이오", "가 대학", "2.35", "나 지역", "에너지", "나 연구원", "0.75"]
    text = "< 지정 현황 >\n\n(단위 : ㎢)\n\n" + "\n\n".join(rows) + "\n\n□ 이번 지정으로 ..."
    assert pairs(text) == [(2.35, "km2"), (0.75, "km2")]


def test_row_numbers_of_a_table_are_not_figures() -> None:
    text = "< 협약 개요(단위: 억원) >\n\n1\n\n가 회사\n\n1,200\n\n2\n\n나 회사\n\n350\n\n□ 한편 ..."
    assert pairs(text) == [(1.2e11, "KRW"), (3.5e10, "KRW")]


# --- English: the noun before, employment, hyphenated areas ------------------------------------


def test_an_english_count_may_follow_its_noun_and_a_verb_of_amount() -> None:
    assert pairs("Member firms numbered 1,234 last year.", "en") == [(1234, "companies")]
    assert pairs("Employment rose to 45,678, up sharply.", "en") == [(45678, "jobs")]
    assert pairs("Foreign-invested companies: 321 in total.", "en") == [(321, "companies")]
    assert pairs("Output reached 5,000 last year.", "en") == []
    assert pairs("The total reached 2024 records.", "en") == []


def test_people_a_company_employs_are_jobs() -> None:
    assert pairs("The plant employs 1,234 people.", "en") == [(1234, "jobs")]
    assert pairs("The forum drew 1,234 people.", "en") == [(1234, "people")]


def test_a_hyphenated_english_area_is_read() -> None:
    assert pairs("under a 12-square-kilometer ceiling", "en") == [(12, "km2")]


def test_the_low_end_of_an_english_range_shares_the_unit() -> None:
    assert pairs("Land use grows from 1,000 to 2,500 square meters.", "en") == [
        (0.001, "km2"),
        (0.0025, "km2"),
    ]
    assert pairs("between 10 and 20 percent", "en") == [(10, "percent"), (20, "percent")]
    assert pairs("from 2019 to 20 percent", "en") == [(20, "percent")]
    assert pairs("from version 1.10 to 20 percent", "en") == [(1.1, "percent"), (20, "percent")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The park hosts 300 bio and ICT startups.", [(300.0, "companies")]),
        ("The plan adds 40 more tenant firms.", [(40.0, "companies")]),
        ("It ranks the four zones' results.", [(4.0, "count")]),
        ("Some 12 childcare centres now operate there.", [(12.0, "count")]),
        ("Eleven business leaders joined the talks.", [(11.0, "people")]),
        ("Sales run through 6 retail chains.", [(6.0, "companies")]),
        ("It has 50 firms and 30 jobs.", [(50.0, "companies"), (30.0, "jobs")]),
    ],
)
def test_english_counted_phrases_with_joiners_possessives_and_adverbs(
    sentence: str, expected: list[tuple[float, str]]
) -> None:
    assert pairs(sentence, "en") == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Tenants rose to 900 firms, up 3 percent (800 in 2020, 850 in 2021).",
            [(900.0, "companies"), (3.0, "percent"), (800.0, "companies"), (850.0, "companies")],
        ),
        (
            "The north got 40 codes for chemicals, the south 35 for cars and the west 20.",
            [(40.0, "count"), (35.0, "count"), (20.0, "count")],
        ),
        (
            "It covers 3.1 square kilometers, the second site's 1.2 and the third's 0.8.",
            [(3.1, "km2"), (1.2, "km2"), (0.8, "km2")],
        ),
        (
            "Output rose 5 percent from 1,200, and exports 4 percent.",
            [(5.0, "percent"), (4.0, "percent")],
        ),
        ("It hired 30 workers. In 2022, the plant opened.", [(30.0, "people")]),
    ],
)
def test_an_english_list_item_without_its_noun_takes_the_first_items_unit(
    sentence: str, expected: list[tuple[float, str]]
) -> None:
    assert pairs(sentence, "en") == expected


def test_a_list_item_in_korean_text_is_not_read_as_english() -> None:
    assert pairs("확진자 17명(+3), 방문자 10, 가족 등 7") == [(17.0, "people")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The cost-sharing ratio is 60 to 40.", [(60.0, "percent"), (40.0, "percent")]),
        ("국비:지방비 비율 70:30 적용", [(70.0, "percent"), (30.0, "percent")]),
        ("The meeting ran from 14:00 to 16:00.", []),
        ("The ratio rose from 3 to 5.", []),
        ("비율 1.70:30 적용", []),
        ("비율 3,70:30 적용", []),
        ("The split is 170:30.", []),
    ],
)
def test_a_split_that_adds_up_to_a_hundred_is_two_shares(
    sentence: str, expected: list[tuple[float, str]]
) -> None:
    assert pairs(sentence, "en") == expected


def test_hyphenated_range_tops_member_counts_and_bare_employment() -> None:
    assert pairs("Duties of 10.5-12.25 percent apply.", "en") == [
        (10.5, "percent"),
        (12.25, "percent"),
    ]
    assert pairs("A nine-member board and a 12-member panel met.", "en") == [
        (9.0, "people"),
        (12.0, "people"),
    ]
    assert pairs("The plant employs 1,250.", "en") == [(1250.0, "jobs")]
    assert pairs("The 2019-2021 plan.", "en") == []


def test_a_counter_before_a_change_word_keeps_the_noun_before_it() -> None:
    assert pairs("입주기업 1,200개 증가") == [(1200.0, "companies")]
    assert pairs("팹리스 기업 등 최대 40개를 유치") == [(40.0, "companies")]


def test_a_row_label_names_the_unit_of_the_cells_below_it() -> None:
    text = "주요 내용은 다음 표와 같이 정리되어 있습니다\n구 분\n면 적(㎡)\n12,000\n15,000\n□ 끝\n"
    assert pairs(text) == [(0.012, "km2"), (0.015, "km2")]


def test_each_row_label_governs_the_cells_up_to_the_next_one() -> None:
    text = "주요 내용은 다음 표와 같이 정리되어 있습니다\n매출(억원)\n120\n고용(명)\n30\n□ 끝\n"
    assert pairs(text) == [(1.2e10, "KRW"), (30.0, "jobs")]


def test_a_table_without_a_unit_line_takes_the_unit_of_the_figures_it_repeats() -> None:
    text = (
        "올해 총 900억원(국비 600억, 지방비 300억)을 두 사업에 투입할 예정이다\n"
        "구 분\n1단계\n2단계\n국비\n250\n350\n600\n지방비\n100\n200\n300\n□ 끝\n"
    )
    table = [fact for fact in extract_facts(text) if fact.rule == "korean-table-echo"]
    assert [fact.value for fact in table] == [2.5e10, 3.5e10, 6e10, 1e10, 2e10, 3e10]
