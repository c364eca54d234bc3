"""Word diffs of invented Korean and English texts: readable ops, minor edits, bounded cost."""

from __future__ import annotations

import gzip
import itertools
import json
import re
from pathlib import Path

import pytest

from zonewatch.changes.diffing import (
    DiffOp,
    TextDiff,
    diff_text,
    normalise,
    render_plain,
    render_terminal,
)

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def changes(diff: TextDiff) -> list[DiffOp]:
    return [op for op in diff.ops if op.op != "equal"]


def assert_rebuilds(diff: TextDiff, old: str, new: str) -> None:
    assert "".join(op.old for op in diff.ops) == old
    assert "".join(op.new for op in diff.ops) == new


def assert_word_edges(diff: TextDiff) -> None:
    """No op starts or ends between two letters or digits, on either side."""
    for side in ("old", "new"):
        texts = [getattr(op, side) for op in diff.ops]
        text = "".join(texts)
        position = 0
        for piece in texts[:-1]:
            position += len(piece)
            if 0 < position < len(text):
                assert not (text[position - 1].isalnum() and text[position].isalnum()), (
                    side,
                    text[max(position - 10, 0) : position + 10],
                )


def display_width(line: str) -> int:
    return sum(2 if "\uac00" <= char <= "\ud7a3" else 1 for char in ANSI.sub("", line))


def test_a_number_change_reads_word_for_word() -> None:
    old, new = "사업비는 597억 원이다.", "사업비는 650억 원이다."
    diff = diff_text(old, new)
    assert changes(diff) == [DiffOp("replace", "597억", "650억")]
    assert not diff.minor
    assert (diff.words_deleted, diff.words_inserted) == (1, 1)
    assert_rebuilds(diff, old, new)


def test_english_edits_keep_decimals_and_thousands_whole() -> None:
    old = "The zone covers 4.5 hectares and 1,950 jobs."
    new = "The zone covers 5.5 hectares and 1,960 new jobs."
    diff = diff_text(old, new)
    assert changes(diff) == [
        DiffOp("replace", "4.5", "5.5"),
        DiffOp("replace", "1,950", "1,960 new"),
    ]
    assert not diff.minor
    assert_rebuilds(diff, old, new)


def test_op_boundaries_sit_on_word_edges() -> None:
    old = (
        "인천경제청은 지난 2024년 송도11공구에 들어선 바이오 기업 12곳을 유치했다. "
        "Area: 3,000 sq.m (est.)"
    )
    new = (
        "인천경제청이 지난 2025년 송도12공구에 들어선 바이오기업 13곳을 유치했다고. Area: 3,100 sqm"
    )
    diff = diff_text(old, new)
    assert_word_edges(diff)
    assert_rebuilds(diff, old, new)
    assert changes(diff) == [
        DiffOp("replace", "인천경제청은", "인천경제청이"),
        DiffOp("replace", "2024년 송도11공구에", "2025년 송도12공구에"),
        DiffOp("replace", "바이오 기업 12곳을 유치했다", "바이오기업 13곳을 유치했다고"),
        DiffOp("replace", "3,000 sq.m (est.)", "3,100 sqm"),
    ]


def test_changes_apart_by_one_space_read_as_one() -> None:
    diff = diff_text("A B C D", "X Y Z D")
    assert changes(diff) == [DiffOp("replace", "A B C", "X Y Z")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("인천경제청은 발표했다", "인천경제청이 발표했다"),
        ("서울에서 열린 회의", "서울에 열린 회의"),
        ("기업 유치를 추진한다", "기업 유치는 추진한다"),
        ("경제 자유구역", "경제자유구역"),
        ("경제자유구역 지정", "경제  자유 구역 지정"),
        ("발표했다.", "발표했다"),
        ("‘스마트시티’ 조성", "'스마트시티' 조성"),
        ("투자 규모는 1,950억 원", "투자 규모는 1950억 원"),
        ("경제 자유구역은 넓다", "경제자유구역이 넓다"),
        ("The plan was approved.", "The plan was approved!"),
    ],
)
def test_spacing_punctuation_and_particle_edits_are_minor(old: str, new: str) -> None:
    diff = diff_text(old, new)
    assert diff.changed
    assert diff.minor
    assert_rebuilds(diff, old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("597억 원", "650억 원"),
        ("3만 명", "3 명"),
        ("4.5 hectares", "45 hectares"),
        ("인천경제청은 12일 발표했다", "인천경제청이 13일 발표했다"),
        ("기업 12곳", "기업 12곳과 대학"),
        ("송도 지구", "청라 지구"),
        ("The plan was approved.", "The plan was rejected."),
        ("기업 유치를 추진한다", "기업 유치도 추진한다"),
    ],
)
def test_number_and_word_edits_are_not_minor(old: str, new: str) -> None:
    diff = diff_text(old, new)
    assert diff.changed
    assert not diff.minor


def test_identical_texts_make_no_change() -> None:
    text = "인천경제자유구역청은 송도에 바이오 기업을 유치했다.\n투자 규모는 3,000억 원이다.\n"
    diff = diff_text(text, text)
    assert not diff.changed
    assert not diff.minor
    assert diff.ops == (DiffOp("equal", text, text),)
    assert (diff.words_inserted, diff.words_deleted, diff.changed_share) == (0, 0, 0.0)
    assert diff.fragments() == []


def test_empty_old_is_all_insert_and_empty_new_all_delete() -> None:
    text = "새 보도자료: 새만금 산업단지 2공구 착공"
    inserted = diff_text("", text)
    assert inserted.ops == (DiffOp("insert", "", text),)
    assert inserted.words_inserted == 6
    assert inserted.changed_share == 1.0
    deleted = diff_text(text, "")
    assert deleted.ops == (DiffOp("delete", text, ""),)
    assert deleted.words_deleted == 6
    both = diff_text("", "")
    assert both.ops == ()
    assert not both.changed


def test_an_inserted_line_is_one_op_ending_with_its_line_break() -> None:
    old = "The budget covers 4.5 hectares of new land.\n지원 대상은 중소기업이다.\n"
    new = (
        "The budget covers 4.5 hectares of reclaimed land.\n"
        "새 문장이 추가되었다.\n"
        "지원 대상은 중소기업이다.\n"
    )
    diff = diff_text(old, new)
    assert changes(diff) == [
        DiffOp("replace", "new", "reclaimed"),
        DiffOp("insert", "", "새 문장이 추가되었다.\n"),
    ]


def test_an_inserted_sentence_inside_a_line_reads_as_a_sentence() -> None:
    old = "송도는 바이오 거점이다. 청라는 금융 거점이다."
    new = "송도는 바이오 거점이다. 영종은 관광 거점이다. 청라는 금융 거점이다."
    diff = diff_text(old, new)
    assert changes(diff) == [DiffOp("insert", "", "영종은 관광 거점이다. ")]


def test_a_deleted_paragraph_is_one_op() -> None:
    old = "첫 문단이다.\n\n지울 문단에는 숫자 7이 있다.\n\n마지막 문단이다.\n"
    new = "첫 문단이다.\n\n마지막 문단이다.\n"
    diff = diff_text(old, new)
    assert changes(diff) == [DiffOp("delete", "지울 문단에는 숫자 7이 있다.\n\n", "")]
    assert diff.words_deleted == 5


def test_json_round_trip_keeps_ops_flags_and_counts() -> None:
    old, new = "인천경제청은 597억 원을 투자한다.", "인천경제청이 650억 원을 투자한다."
    diff = diff_text(old, new)
    data = diff.to_json()
    stored = json.loads(json.dumps(data, ensure_ascii=False))
    restored = TextDiff.from_json(stored)
    assert restored.ops == diff.ops
    assert (restored.minor, restored.coarse) == (diff.minor, diff.coarse)
    assert (restored.words_inserted, restored.words_deleted) == (2, 2)
    assert restored.changed_share == pytest.approx(diff.changed_share, abs=1e-4)
    assert restored.to_json() == data


def test_json_shortens_long_equal_runs_to_their_ends() -> None:
    filler = "송도 국제도시 바이오 클러스터 조성 사업은 계획대로 진행되고 있다. " * 5
    old = f"{filler}올해 예산은 597억 원이다. {filler}"
    new = f"{filler}올해 예산은 650억 원이다. {filler}"
    data = diff_text(old, new).to_json()
    ops = data["ops"]
    assert isinstance(ops, list)
    assert ops[1] == ["replace", "597억", "650억"]
    assert ops[0][0] == "equal"
    assert ops[0][1].startswith("… ")
    assert ops[0][1].endswith("올해 예산은 ")
    assert ops[2][1].startswith(" 원이다.")
    assert ops[2][1].endswith(" …")
    assert len(json.dumps(data, ensure_ascii=False)) < len(old)


def test_from_json_rejects_malformed_data() -> None:
    with pytest.raises(ValueError, match="list of ops"):
        TextDiff.from_json({"ops": "nope"})
    with pytest.raises(ValueError, match="not a diff op"):
        TextDiff.from_json({"ops": [["move", "a"]]})
    with pytest.raises(ValueError, match="takes 2 texts"):
        TextDiff.from_json({"ops": [["replace", "a"]]})


def test_fragments_are_the_changed_pieces_stripped_and_once_each() -> None:
    old = "예산 597억 원, 인원 12명, 기간 3년"
    new = "예산 650억 원, 인원 13명, 기간 3년 \n문의: 담당자"
    diff = diff_text(old, new)
    assert diff.fragments() == ["597억", "650억", "12명", "13명", "문의: 담당자"]


def test_render_plain_marks_changes_and_shortens_context() -> None:
    assert render_plain(diff_text("사업비는 597억 원이다.", "사업비는 650억 원이다.")) == (
        "사업비는 [-597억-]{+650억+} 원이다."
    )
    filler = "The Incheon Free Economic Zone keeps growing every single year. " * 4
    plain = render_plain(diff_text(filler + "It has 12 firms.", filler + "It has 13 firms."))
    assert plain.startswith("… ")
    assert plain.endswith("It has [-12-]{+13+} firms.")
    assert len(plain) < len(filler)


def test_render_plain_keeps_a_new_line_break_outside_the_markup() -> None:
    diff = diff_text("A.\nC.\n", "A.\nB is new.\nC.\n")
    assert render_plain(diff) == "A.\n{+B is new.+}\nC.\n"


LONG_OLD = (
    "인천경제자유구역청은 송도 바이오 클러스터에 597억 원을 투자한다고 12일 발표했다.\n\n"
    "The budget covers 4.5 hectares of new land near the harbour.\n"
    "지원 대상은 중소기업이다.\n"
)
LONG_NEW = (
    "인천경제자유구역청이 송도 바이오 클러스터에 650억 원을 투자한다고 13일 발표했다.\n\n"
    "The budget covers 5.5 hectares of reclaimed land near the harbour.\n"
    "새 문장이 추가되었다.\n"
    "지원 대상은 중소기업이다.\n"
)


def test_render_terminal_narrow_colours_inline_and_wraps() -> None:
    diff = diff_text(LONG_OLD, LONG_NEW)
    rendered = render_terminal(diff, 50)
    assert "\x1b[31m597억\x1b[0m\x1b[32m650억\x1b[0m" in rendered
    assert "\x1b[32m새 문장이 추가되었다.\x1b[0m" in rendered
    assert " │ " not in rendered
    assert all(display_width(line) <= 50 for line in rendered.splitlines())
    inline = "".join(op.old if op.op == "equal" else op.old + op.new for op in diff.ops)
    assert "".join(ANSI.sub("", rendered).split()) == "".join(inline.split())


def test_render_terminal_narrow_without_colour_uses_markup() -> None:
    rendered = render_terminal(diff_text(LONG_OLD, LONG_NEW), 80, color=False)
    assert "\x1b" not in rendered
    assert "[-597억-]{+650억+}" in rendered
    assert "{+새 문장이 추가되었다.+}" in rendered
    assert all(display_width(line) <= 80 for line in rendered.splitlines())


def test_render_terminal_wide_puts_old_and_new_side_by_side() -> None:
    width = 140
    rendered = render_terminal(diff_text(LONG_OLD, LONG_NEW), width)
    rows = rendered.splitlines()
    assert all(" │" in row for row in rows)
    bars = {display_width(row.split(" │")[0]) for row in rows}
    assert bars == {(width - 3) // 2}
    first = rows[0].split(" │ ")
    assert "\x1b[31m597억\x1b[0m" in first[0]
    assert "\x1b[32m650억\x1b[0m" in first[1]
    added = next(row for row in rows if "새 문장" in row)
    assert ANSI.sub("", added.split(" │")[0]).strip() == ""


def test_render_terminal_wide_without_colour() -> None:
    rendered = render_terminal(diff_text(LONG_OLD, LONG_NEW), 130, color=False)
    assert "\x1b" not in rendered
    rows = [row.split(" │") for row in rendered.splitlines()]
    left = "\n".join(row[0] for row in rows)
    right = "\n".join(row[1] for row in rows)
    assert "[-597억-]" in left
    assert "{+650억+}" in right
    assert "{+새 문장이 추가되었다.+}" in right
    assert "{+" not in left
    assert "[-" not in right


def _long_text(lines: int) -> list[str]:
    return [
        f"제{n}차 회의에서 인천경제청은 송도 {n % 11}공구 부지 {n * 7:,}㎡에 {n * 3}억 원을 "
        f"투자하기로 했다. Phase {n} covers {n * 1.5:.1f} hectares.\n"
        for n in range(1, lines + 1)
    ]


def test_a_200kb_text_with_scattered_edits_diffs_word_by_word() -> None:
    lines = _long_text(2000)
    old = "".join(lines)
    assert len(old.encode()) > 200_000
    edited = list(lines)
    touched = range(17, 2000, 40)
    for n in touched:
        edited[n] = edited[n].replace(f"{(n + 1) * 3}억", f"{(n + 1) * 3 + 1}억")
    new = "".join(edited)
    diff = diff_text(old, new)
    assert not diff.coarse
    assert_rebuilds(diff, old, new)
    assert changes(diff) == [
        DiffOp("replace", f"{(n + 1) * 3}억", f"{(n + 1) * 3 + 1}억") for n in touched
    ]
    assert diff.words_inserted == diff.words_deleted == len(touched)
    assert 0 < diff.changed_share < 0.01


def test_huge_changed_regions_fall_back_to_lines() -> None:
    lines = _long_text(2000)
    edited = [
        line.replace("회의에서", "회의에") if n % 10 == 0 else line for n, line in enumerate(lines)
    ]
    old, new = "".join(lines), "".join(edited)
    diff = diff_text(old, new, word_limit=500)
    assert diff.coarse
    assert_rebuilds(diff, old, new)
    assert all(op.old.startswith("제") and op.old.endswith("했다. ") for op in changes(diff))
    assert len(changes(diff)) == 200
    assert diff.minor
    assert not diff_text(old, new).coarse


def test_an_exhausted_time_budget_falls_back_to_lines() -> None:
    old, new = "".join(_long_text(50)), "".join(_long_text(50)).replace("7억", "8억")
    diff = diff_text(old, new, time_budget=0.0)
    assert diff.coarse
    assert not diff.minor
    assert_rebuilds(diff, old, new)


def test_many_repeated_lines_stay_correct() -> None:
    old = "ㅇ 해당 없음\n" * 3000 + "끝.\n"
    new = ("ㅇ 해당 없음\n" * 1000 + "ㅇ 해당 있음\n") * 3 + "끝.\n"
    diff = diff_text(old, new)
    assert_rebuilds(diff, old, new)
    assert diff.changed


def test_a_long_unbroken_text_past_the_limit_is_one_coarse_replace() -> None:
    old = " ".join(f"word{n}" for n in range(3000))
    new = old.replace("word1500 ", "word1500 extra ")
    diff = diff_text(old, new, word_limit=1000)
    assert diff.coarse
    assert changes(diff) == [DiffOp("replace", old, new)]
    assert diff_text(old, new).ops[1] == DiffOp("insert", "", "extra ")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("중앙·지방 협력", "중앙ㆍ지방 협력"),
        ("산업ㆍ물류 거점", "산업•물류 거점"),
        ("연구‧개발 지원", "연구・개발 지원"),
        ("연구·개발 지원", "연구, 개발 지원"),
        ("１２개 기업", "12개 기업"),
        ("ＡＩ 기업 유치", "AI 기업 유치"),
        ("“스마트시티” 조성", '"스마트시티" 조성'),
        ("2024–2026년 사업", "2024-2026년 사업"),
        ("Smart City plan", "smart city plan"),
        ("투자 규모는 30％", "투자 규모는 30%"),
        ("The “free zone” opens", 'The "free zone" opens'),
        ("a state‐of‐the‐art  cluster", "a state-of-the-art cluster"),
        ("Ｚｏｎｅ ｏｆｆｉｃｅ", "Zone office"),
        ("Firms may e-mail the office.", "Firms may email the office."),
        ("Seoul · Busan route", "Seoul • Busan route"),
    ],
)
def test_unicode_punctuation_width_and_case_variants_are_minor(old: str, new: str) -> None:
    """HWP documents write ``ㆍ`` (a Hangul letter) where web pages write ``·``; full-width
    forms, curly quotes and dash kinds are the same text to a reader."""
    diff = diff_text(old, new)
    assert diff.changed
    assert diff.minor
    assert_rebuilds(diff, old, new)


def test_normalise_writes_each_punctuation_kind_one_way() -> None:
    text = "산업ㆍ물류•연구‧개발・ＡＩ  “Zone”–‘1’"
    assert normalise(text) == "산업·물류·연구·개발·ai \"zone\"-'1'"


def test_a_hangul_interpunct_is_split_from_the_words_it_joins() -> None:
    diff = diff_text("중앙ㆍ지방 협력", "중앙·지방 협력")
    assert changes(diff) == [DiffOp("replace", "ㆍ", "·")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("기업이 들어설수 있다", "기업은 들어설 수 있다"),
        ("인천경제청은 송도에서 발표했다", "인천경제청이 송도에 발표했다"),
        ("경제 자유구역은 서울로 이전한다", "경제자유구역이 서울으로 이전한다"),
        ("중앙ㆍ지방 정부가 협력한다", "중앙·지방정부는 협력한다"),
    ],
)
def test_adjacent_minor_edits_are_judged_one_by_one(old: str, new: str) -> None:
    """A particle fix next to a spacing fix is one op on screen; each part is minor alone."""
    diff = diff_text(old, new)
    assert diff.changed
    assert diff.minor


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("30일까지 신청", "30일부터 신청"),
        ("30일까지 신청", "30일 신청"),
        ("기업에 지원", "기업에만 지원"),
        ("기업이 지원", "기업도 지원"),
        ("중소기업은 지원한다", "중소기업만 지원한다"),
        ("중소기업까지 지원", "중소기업까지만 지원"),
        ("서울과 부산", "서울이나 부산"),
        ("100억 원 이상", "100억 원 이하"),
        ("100억 원 이상", "100억 원 초과"),
        ("100억 원 미만", "100억 원 이내"),
        ("100억 원", "100억 원 이상"),
        ("지정된다", "지정되지 않는다"),
        ("지정할 수 있다", "지정할 수 없다"),
        ("허가 대상", "불허가 대상"),
        ("지정 지역", "미지정 지역"),
        ("이 사업은 지원", "사업은 지원"),
        ("기업이 들어설수 있다", "기업도 들어설 수 있다"),
        ("30%", "30"),
        ("USD 30", "KRW 30"),
        ("$30", "₩30"),
        ("증감률 -3.2%", "증감률 3.2%"),
        ("규모 1,950억", "규모 1.950억"),
        ("１２개 기업", "13개 기업"),
        ("Applications open until May.", "Applications open from May."),
        ("Applications open before May.", "Applications open after May."),
        ("The zone is approved.", "The zone is not approved."),
        ("No firms qualify.", "Firms qualify."),
        ("Only firms qualify.", "Firms qualify."),
        ("over 30 firms", "under 30 firms"),
        ("at least 30 firms", "at most 30 firms"),
    ],
)
def test_meaning_bearing_particles_words_and_figures_are_never_minor(old: str, new: str) -> None:
    """Until/from, only, also, or, comparisons, negations and any figure change what a
    sentence says, however short the edit."""
    diff = diff_text(old, new)
    assert diff.changed
    assert not diff.minor


CORPUS_TEXTS = 120
_CASE_PARTICLE = re.compile(r"(?<=[\uac00-\ud7a3])(은|는|이|가|을|를)(?=\s)")
_SWAP = {"은": "는", "는": "은", "이": "가", "가": "이", "을": "를", "를": "을"}


@pytest.fixture(scope="module")
def corpus_texts(shared_dir: Path) -> list[str]:
    path = shared_dir / "corpus" / "press-releases.jsonl.gz"
    if not path.exists():
        pytest.skip("no press-release corpus in ../shared")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        texts = (json.loads(line).get("text") or "" for line in handle)
        return list(itertools.islice((text for text in texts if len(text) > 200), CORPUS_TEXTS))


def test_real_releases_keep_interpunct_swaps_minor(corpus_texts: list[str]) -> None:
    swapped = [(text, text.replace("·", "\u318d")) for text in corpus_texts if "·" in text] + [
        (text, text.replace("\u318d", "·")) for text in corpus_texts if "\u318d" in text
    ]
    assert swapped
    assert all(diff_text(old, new).minor for old, new in swapped)


def test_real_releases_keep_a_particle_swap_beside_a_spacing_fix_minor(
    corpus_texts: list[str],
) -> None:
    edited = []
    for text in corpus_texts:
        found = list(_CASE_PARTICLE.finditer(text))
        if not found:
            continue
        match = found[len(found) // 2]
        new = text[: match.start()] + _SWAP[match.group()] + text[match.end() :]
        space = new.find(" ", match.end() + 1)
        edited.append((text, new[:space] + new[space + 1 :] if space > 0 else new))
    assert edited
    assert all(diff_text(old, new).minor for old, new in edited)


def test_real_releases_until_to_from_is_never_minor(corpus_texts: list[str]) -> None:
    edited = [
        (text, text[: match.start()] + "부터" + text[match.end() :])
        for text in corpus_texts
        if (match := re.search(r"(?<=[\uac00-\ud7a3])까지(?=\s)", text)) is not None
    ]
    assert edited
    assert not any(diff_text(old, new).minor for old, new in edited)
