"""The entity linker on invented sentences, against the packaged zone model."""

from __future__ import annotations

import pytest

from zonewatch.classify.entities import EntityHit, EntityLinker
from zonewatch.classify.evidence import Part
from zonewatch.config.zones import load_zone_model


@pytest.fixture(scope="module")
def linker() -> EntityLinker:
    return EntityLinker.from_model(load_zone_model())


def ids(linker: EntityLinker, text: str, title: str = "") -> set[str]:
    return {hit.entity_id for hit in linker.link(title, text)}


def hit(linker: EntityLinker, text: str, entity_id: str, title: str = "") -> EntityHit:
    found = {h.entity_id: h for h in linker.link(title, text)}
    assert entity_id in found, sorted(found)
    return found[entity_id]


def test_evidence_points_at_the_name_in_title_and_body(linker: EntityLinker) -> None:
    title = "인천경제청, 투자 설명회"
    body = "올해도 인천경제청은 해외 투자자를 만났다."
    found = hit(linker, body, "ifez", title=title)
    assert 0.0 <= found.score <= 1.0
    for evidence in found.evidence:
        part = title if evidence.where == Part.TITLE else body
        assert part[evidence.start : evidence.end] == evidence.text == "인천경제청"
        assert evidence.rule == "abbreviation"
    assert {e.where for e in found.evidence} == {Part.TITLE, Part.BODY}


def test_more_mentions_and_a_title_mention_score_higher(linker: EntityLinker) -> None:
    once = hit(linker, "기회발전특구 제도를 소개했다.", "odz")
    twice = hit(linker, "기회발전특구 제도를 소개했다.", "odz", title="기회발전특구 출범")
    assert once.score < twice.score <= 1.0


@pytest.mark.parametrize(
    ("text", "entity_id"),
    [
        ("인천경제청은 설명회를 열었다.", "ifez"),
        ("산업부가 발표한 계획에 따르면", "motie"),
        ("중기부와 함께 추진한다.", "mss"),
        ("경자청에서는 투자 유치를 맡는다; 경제자유구역 정책도 논의됐다.", "kfez"),
        ("새만금개발청장은 현장을 찾았다.", "saemangeum-agency"),
    ],
)
def test_particles_and_titles_glued_to_names(
    linker: EntityLinker, text: str, entity_id: str
) -> None:
    assert entity_id in ids(linker, text)


def test_spacing_variants_match_and_spans_keep_the_original(linker: EntityLinker) -> None:
    body = "정부는 경제 자유구역 제도를 손본다."
    found = hit(linker, body, "kfez")
    evidence = found.evidence[0]
    assert evidence.text == "경제 자유구역"
    assert body[evidence.start : evidence.end] == "경제 자유구역"
    assert "ifez" in ids(linker, "인천 경제 자유구역에 입주한 기업")


def test_line_breaks_inside_a_name_are_spacing_too(linker: EntityLinker) -> None:
    assert "odz" in ids(linker, "이번에 지정된 기회발전\n특구는 여덟 곳이다.")


@pytest.mark.parametrize(
    ("text", "entity_id"),
    [
        ("지식경제부는 새 전략을 내놓았다.", "motie"),
        ("산업통상자원부 장관이 참석했다.", "motie"),
        ("황해경제자유구역청이 사업자를 찾는다.", "ggfez"),
        ("동해안권경제자유구역의 옥계지구", "efez"),
        ("경제자유구역별 실적은 동해안권 1억불, 부산진해 2억불이다.", "efez"),
        ("중소기업청이 지원한다.", "mss"),
    ],
)
def test_former_names(linker: EntityLinker, text: str, entity_id: str) -> None:
    found = hit(linker, text, entity_id)
    assert found.evidence[0].rule in {"former_name", "weak_alias+context"}


def test_a_district_is_the_district_not_its_zone(linker: EntityLinker) -> None:
    assert ids(linker, "명지지구에 물류센터가 들어선다.") == {"bjfez-myeongji"}
    both = ids(linker, "부산진해경제자유구역 명지지구에 물류센터가 들어선다.")
    assert {"bjfez", "bjfez-myeongji"} <= both


def test_a_bare_district_name_needs_its_zone_or_region(linker: EntityLinker) -> None:
    assert "ifez-songdo" not in ids(linker, "송도에서 열린 행사에 많은 사람이 모였다.")
    assert "ifez-songdo" in ids(linker, "인천 송도에서 열린 행사에 많은 사람이 모였다.")
    assert "bjfez-myeongji" in ids(linker, "부산시는 명지에 연구소를 세운다.")


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("Officials of the Busan-Jinhae FEZ met investors.", "bjfez", "busan"),
        ("대구경북경제자유구역에 새 지구가 생긴다.", "dgfez", "daegu"),
        ("대구경북경제자유구역에 새 지구가 생긴다.", "dgfez", "gyeongbuk"),
        ("부산 블록체인 규제자유특구의 실증 결과", "rfz-busan-blockchain", "busan"),
        ("Incheon Free Economic Zone Authority said", "ifez", "incheon"),
    ],
)
def test_a_place_inside_a_longer_name_is_not_the_place(
    linker: EntityLinker, text: str, expected: str, absent: str
) -> None:
    found = ids(linker, text)
    assert expected in found
    assert absent not in found


def test_a_place_put_before_a_name_is_the_place(linker: EntityLinker) -> None:
    found = ids(linker, "인천 남동국가산단 입주기업 간담회")
    assert {"ic-namdong", "incheon"} <= found


def test_gumi_the_city_is_not_the_gumi_complex(linker: EntityLinker) -> None:
    assert "ic-gumi" not in ids(linker, "경북 구미에 공장을 짓는다. 구미시는 환영했다.")
    assert "ic-gumi" not in ids(linker, "공장은 경북구미에 있다.")
    assert "ic-gumi" in ids(linker, "구미국가산업단지 입주기업 간담회")


def test_a_complex_short_name_counts_in_a_list_of_complexes(linker: EntityLinker) -> None:
    found = ids(linker, "* 대상: 반월시화, 경남창원, 인천남동, 광양")
    assert {"ic-banwol-sihwa", "ic-changwon", "ic-namdong", "ic-gwangyang"} <= found
    assert "gyeongnam" not in found
    assert "ic-gwangyang" not in ids(linker, "광양, 여수, 순천 등 3개 시에 걸친 사업")


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("수산부산물 재활용 사업을 늘린다.", "busan"),
        ("부산과학기술대학교 학생들이 참여했다.", "busan"),
        ("글로벌 경기 침체로 수출이 줄었다.", "gyeonggi"),
        ("경기가 회복되면서 소비가 늘었다.", "gyeonggi"),
        ("디지털 대전환 시대를 맞아", "daejeon"),
        ("제조업 등 주력산업부터 지원한다.", "motie"),
        ("전 산업부문에 걸쳐 개선한다.", "motie"),
        ("정부세종청사에서 회의를 열었다.", "sejong"),
        ("A rise in exports was reported.", "rise"),
        ("The SAMIFEZA brand is unrelated.", "ifez"),
        ("Seoul National University Hospital joined.", "seoul"),
        ("누리집(www.busan.go.kr)을 참고", "busan"),
    ],
)
def test_lookalike_words_are_not_mentions(linker: EntityLinker, text: str, absent: str) -> None:
    assert absent not in ids(linker, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("서울·경기 지역에 비가 내렸다.", "gyeonggi"),
        ("경기 화성시에 연구소를 세운다.", "gyeonggi"),
        ("대전에서 행사가 열렸다.", "daejeon"),
        ("부산, 울산, 경남 지역 기업", "busan"),
        ("The fair toured Busan, Ulsan and Gwangju.", "gwangju"),
    ],
)
def test_places_standing_on_their_own(linker: EntityLinker, text: str, expected: str) -> None:
    assert expected in ids(linker, text)


def test_an_instance_links_to_its_zone_type(linker: EntityLinker) -> None:
    found = hit(linker, "부산 블록체인 규제자유특구에서 실증을 한다.", "rfz")
    assert found.evidence[0].rule == "instance->type"
    assert {"ucz-busan-centum2", "ucz"} <= ids(linker, "부산 센텀2지구 도심융합특구 조성")


def test_zone_types_from_their_names(linker: EntityLinker) -> None:
    text = "기회발전특구와 규제자유특구, 글로벌혁신특구를 잇는다."
    assert {"odz", "rfz", "giz"} <= ids(linker, text)
    english = "Opportunity Development Zones and regulation-free special zones"
    assert {"odz", "rfz"} <= ids(linker, english)


def test_generic_words_alone_give_nothing(linker: EntityLinker) -> None:
    assert ids(linker, "산업단지와 클러스터, 특구를 둘러봤다.") == set()
    assert ids(linker, "Industrial complexes and clusters grow.") == set()


def test_english_names_ignore_case_and_need_word_boundaries(linker: EntityLinker) -> None:
    text = "The ministry of trade, industry and energy backs free economic zones and IFEZ."
    assert {"motie", "kfez", "ifez"} <= ids(linker, text)
    assert "ifez" in ids(linker, "IFEZ's new office")
    assert "kfez" in ids(linker, "two FEZs were merged")


def test_ministries_sharing_one_suffix(linker: EntityLinker) -> None:
    found = ids(linker, "관계부처(국토·해수·중기부)가 참석했다.")
    assert {"molit", "mof", "mss"} <= found


def test_empty_text_gives_nothing(linker: EntityLinker) -> None:
    assert linker.link("", "") == []


@pytest.mark.parametrize(
    ("text", "entity_id"),
    [
        ("Officials from the Busan Jinhae FEZ met investors.", "bjfez"),
        ("Officials from the Busan–Jinhae Free Economic Zone met investors.", "bjfez"),
        ("The Gwangyang Bay Area FEZ hosted a forum.", "gfez"),
        ("A district was added to the Yellow Sea Free Economic Zone.", "ggfez"),
        ("The North Chungcheong FEZ drew a chip maker.", "cbfez"),
        ("The East Coast FEZ was renamed.", "efez"),
        ("The industry ministry said on Monday.", "motie"),
        ("The land ministry will build roads.", "molit"),
        ("The finance minister chaired the meeting.", "moef"),
        ("The SMEs ministry picked two sites.", "mss"),
        ("The science ministry funds the lab.", "msit"),
        ("Two national high-tech industrial complexes were approved.", "nhic"),
        ("Seven specialized complexes for advanced strategic industries were named.", "ssc"),
        ("New opportunity development zones offer tax breaks.", "odz"),
    ],
)
def test_english_variants_plurals_and_common_forms(
    linker: EntityLinker, text: str, entity_id: str
) -> None:
    assert entity_id in ids(linker, text)


def test_latin_abbreviations_need_their_own_word(linker: EntityLinker) -> None:
    found = ids(linker, "DGFEZ and BJFEZ signed an agreement.")
    assert {"dgfez", "bjfez"} <= found
    assert "gfez" not in found


@pytest.mark.parametrize(
    ("text", "zones", "cities"),
    [
        (
            "경제자유구역은 당초 인천·부산진해·광양 3곳으로 출발했다.",
            {"ifez", "bjfez", "gfez"},
            {"incheon"},
        ),
        (
            "정부는 경제자유구역 4곳(인천, 부산·진해, 울산, 광주)을 점검했다.",
            {"ifez", "bjfez", "ufez", "gjfez"},
            {"incheon", "busan", "ulsan", "gwangju"},
        ),
        ("울산과 광주 경제자유구역이 새로 지정됐다.", {"ufez", "gjfez"}, {"ulsan", "gwangju"}),
        (
            "Korea opened free economic zones in Incheon, Busan-Jinhae and Gwangyang first.",
            {"ifez", "bjfez", "gfez"},
            {"incheon", "busan"},
        ),
        ("The Ulsan and Gwangju FEZs drew new tenants.", {"ufez", "gjfez"}, {"ulsan", "gwangju"}),
        (
            "Free economic zones grew: Incheon (40 percent) and Busan-Jinhae (30 percent) lead.",
            {"ifez", "bjfez"},
            {"incheon"},
        ),
    ],
)
def test_listed_regions_under_a_zone_type_name_the_zones(
    linker: EntityLinker, text: str, zones: set[str], cities: set[str]
) -> None:
    found = ids(linker, text)
    assert zones <= found
    assert not cities & found


@pytest.mark.parametrize(
    "text",
    [
        "5개 지자체(울산, 광주, 인천)가 경제자유구역 지정을 신청했다.",
        "경제자유구역 회의가 열렸고, 시장은 울산과 광주를 방문했다.",
        "Mayors of Ulsan and Gwangju met investors.",
    ],
)
def test_cities_outside_a_zone_list_stay_cities(linker: EntityLinker, text: str) -> None:
    found = ids(linker, text)
    assert {"ulsan", "gwangju"} <= found
    assert not {"ufez", "gjfez"} & found


@pytest.mark.parametrize(
    "text",
    [
        "SEOUL, May 3 (Yonhap) -- The ministry picked two sites.",
        "(세종=뉴스1) 정부가 두 곳을 선정했다.",
        "[부산=뉴시스] 정부가 두 곳을 선정했다.",
    ],
)
def test_a_dateline_is_not_a_mention(linker: EntityLinker, text: str) -> None:
    assert not {"seoul", "sejong", "busan"} & ids(linker, text)


def test_a_city_named_after_its_dateline_still_counts(linker: EntityLinker) -> None:
    assert "seoul" in ids(linker, "SEOUL, May 3 (Yonhap) -- Seoul will host the fair.")


def test_complexes_sharing_one_english_head(linker: EntityLinker) -> None:
    found = ids(
        linker, "Awards went to the Gumi, Changwon and Namdong national industrial complexes."
    )
    assert {"ic-gumi", "ic-changwon", "ic-namdong"} <= found
    assert "ic-yeosu" in ids(linker, "Work began at the Yeosu complex.")
    assert not {
        e for e in ids(linker, "The Samsung and Hanwha complexes grew.") if e.startswith("ic-")
    }
