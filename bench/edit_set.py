"""The project's own labelled edit set: known edits applied to real corpus releases.

Nothing of the corpus is stored here: each edit type is a function from a release's text to
its edited text (or ``None`` when the release offers nothing to edit that way), and the cases
are chosen from ``shared/corpus/press-releases.jsonl.gz`` at run time with a fixed seed, so
the same corpus always gives the same cases. A case is one release crawled in state 0
(``before``, usually the corpus as it is) and in state 1 (``after``), through the replay
server's :class:`ReleaseEdit` overlay; one case per release, so one crawl per state serves all.

Labels are by construction, never from the system under test: ``noise`` edits change nothing
a reader would act on; ``real`` edits do; ``fact_change`` says whether a figure that the fact
rules read (an amount, a count, an area, a share) changed. Dates are not facts there.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bench.corpus import CORPUS, releases
from zonewatch.replay.releases import ReleaseEdit
from zonewatch.workers.backfill import Release

SEED = 12

Label = Literal["noise", "real"]
Operation = Callable[[str, random.Random], str | None]


@dataclass(frozen=True)
class EditType:
    name: str
    label: Label
    fact_change: bool
    edit: Callable[[Release, random.Random], tuple[ReleaseEdit | None, ReleaseEdit] | None]
    """(state-0 edit or None, state-1 edit), or None when the release does not fit."""


@dataclass(frozen=True)
class EditCase:
    release_id: str
    edit_type: str
    label: Label
    fact_change: bool
    before: ReleaseEdit | None
    after: ReleaseEdit


# --- text operations --------------------------------------------------------------------------


def _sub_one(
    pattern: str, text: str, rng: random.Random, change: Callable[[re.Match[str]], str]
) -> str | None:
    """``text`` with one match of ``pattern`` (chosen by ``rng``) replaced; None if none or
    the replacement changes nothing."""
    matches = list(re.finditer(pattern, text))
    rng.shuffle(matches)
    for match in matches:
        new = change(match)
        if new != match.group(0):
            return text[: match.start()] + new + text[match.end() :]
    return None


def _constant(replacement: str) -> Callable[[re.Match[str]], str]:
    return lambda match: replacement


def _has_batchim(syllable: str) -> bool:
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code % 28 != 0


def spacing(text: str, rng: random.Random) -> str | None:
    """Join a bound noun to the word before it (``할 수`` → ``할수``), a common spacing slip."""
    return _sub_one(r"(?<=[가-힣]) (?=(수|것|등|때|데) )", text, rng, lambda m: "")


def particle_spelling(text: str, rng: random.Random) -> str | None:
    """Subject particle to topic particle (``기업이`` → ``기업은``): same facts, other nuance."""

    def change(match: re.Match[str]) -> str:
        stem = match.group(1)
        return stem + ("은" if _has_batchim(stem[-1]) else "는")

    return _sub_one(r"(?<=\s)([가-힣]{2,}[업장청부원단사])이(?= )", text, rng, change)


def interpunct(text: str, rng: random.Random) -> str | None:
    """Every middle dot in another code point: ``·`` (U+00B7) ↔ ``ㆍ`` (U+318D) or ``․``."""
    for old, new in (("·", "ㆍ"), ("ㆍ", "·"), ("․", "·"), ("∙", "ㆍ")):
        if old in text:
            return text.replace(old, new)
    return None


_FULL = str.maketrans("()%,:", "（）％，：")


def full_width(text: str, rng: random.Random) -> str | None:
    """ASCII brackets, percent signs, commas and colons in their full-width forms."""
    new = text.translate(_FULL)
    return new if new != text else None


def quote_style(text: str, rng: random.Random) -> str | None:
    """Curly quotes straightened, or straight ones curled."""
    if any(mark in text for mark in "“”‘’"):
        return text.translate(str.maketrans("“”‘’", "\"\"''"))
    new = re.sub(r'"([^"\n]{1,80})"', r"“\1”", text)
    new = re.sub(r"'([^'\n]{1,80})'", r"‘\1’", new)
    return new if new != text else None


def number_format(text: str, rng: random.Random) -> str | None:
    """A unit spaced differently from its number (``100억 원`` ↔ ``100억원``)."""
    if re.search(r"\d억 원", text):
        return _sub_one(r"(?<=\d)억 원", text, rng, lambda m: "억원")
    return _sub_one(r"(?<=\d)억원", text, rng, lambda m: "억 원")


def bullet_style(text: str, rng: random.Random) -> str | None:
    """List markers of another shape (``○`` → ``◦``, ``□`` → ``■``), as re-saved HWP gives."""
    for old, new in (("○", "◦"), ("□", "■"), ("◇", "◆"), ("ㅇ ", "◦ ")):
        if old in text:
            return text.replace(old, new)
    return None


def _change_number(match: re.Match[str], group: int = 1) -> str:
    """The number of ``group`` raised by about a fifth (at least one), its format kept."""
    raw = match.group(group)
    whole, dot, fraction = raw.partition(".")
    value = int(whole.replace(",", ""))
    new = value + max(1, value // 5)
    digits = f"{new:,}" if "," in whole else str(new)
    start, end = match.start(group) - match.start(0), match.end(group) - match.start(0)
    text = match.group(0)
    return text[:start] + digits + dot + fraction + text[end:]


_NUMBER = r"(?<![\d,.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"


def figure(unit: str) -> Operation:
    def operation(text: str, rng: random.Random) -> str | None:
        return _sub_one(_NUMBER + unit, text, rng, _change_number)

    return operation


def figure_date(text: str, rng: random.Random) -> str | None:
    """A day moved (``3월 15일`` → ``3월 18일``)."""

    def change(match: re.Match[str]) -> str:
        day = int(match.group(2))
        return f"{match.group(1)}월 {day % 25 + 3}일"

    return _sub_one(r"(?<!\d)(\d{1,2})월 (\d{1,2})일", text, rng, change)


_MEANING = (("까지", "부터"), ("이상", "미만"), ("이하", "초과"), ("부터", "까지"))


def meaning_particle(text: str, rng: random.Random) -> str | None:
    """A bound turned round after a number or date (``30일까지`` → ``30일부터``)."""
    pairs = list(_MEANING)
    rng.shuffle(pairs)
    for old, new in pairs:
        edited = _sub_one(rf"(?<=[\d일월년명개원])\s?{old}", text, rng, _constant(new))
        if edited is not None:
            return edited
    return None


def negation(text: str, rng: random.Random) -> str | None:
    """A statement negated: ``할 수 있다`` → ``할 수 없다``, ``한다.`` → ``하지 않는다.``"""
    edited = _sub_one(r"수 있(?=[다으을는])", text, rng, lambda m: "수 없")
    return edited or _sub_one(r"(?<=[가-힣])한다\.", text, rng, lambda m: "하지 않는다.")


ADDED = "아울러 관계기관은 다음 달부터 합동 점검단을 꾸려 현장 점검에 나설 계획이다."


def sentence_added(text: str, rng: random.Random) -> str | None:
    """A new sentence (with no figure) after a paragraph."""
    blocks = text.split("\n\n")
    if len(blocks) < 2:
        return None
    at = rng.randrange(1, len(blocks))
    return "\n\n".join([*blocks[:at], ADDED, *blocks[at:]])


def sentence_removed(text: str, rng: random.Random) -> str | None:
    """A whole sentence without figures taken out of the middle of the release."""
    return _sub_one(r"(?<=다\. )[^0-9\n.]{25,200}?다\. ", text, rng, lambda m: "")


_NAMES = (
    ("부산", "광주"),
    ("인천", "대구"),
    ("경기", "강원"),
    ("산업통상자원부", "중소벤처기업부"),
    ("국토교통부", "행정안전부"),
    ("서울", "대전"),
    ("전남", "경북"),
)


def entity_changed(text: str, rng: random.Random) -> str | None:
    """One place or ministry named as another."""
    for old, new in _NAMES:
        if old in text:
            return _sub_one(re.escape(old), text, rng, _constant(new))
    return None


# --- edit types -------------------------------------------------------------------------------


def on_text(
    operation: Operation,
) -> Callable[[Release, random.Random], tuple[None, ReleaseEdit] | None]:
    def edit(release: Release, rng: random.Random) -> tuple[None, ReleaseEdit] | None:
        new = operation(release.text, rng)
        return None if new is None else (None, ReleaseEdit(text=new))

    return edit


def furniture(
    line: Callable[[random.Random, int], str],
) -> Callable[[Release, random.Random], tuple[ReleaseEdit, ReleaseEdit] | None]:
    """Page furniture caught with the body: a line that differs between two crawls."""

    def edit(release: Release, rng: random.Random) -> tuple[ReleaseEdit, ReleaseEdit]:
        seed = rng.randrange(10_000)
        return (
            ReleaseEdit(text=f"{release.text}\n\n{line(rng, seed)}"),
            ReleaseEdit(text=f"{release.text}\n\n{line(rng, seed + 1)}"),
        )

    return edit


def resave(release: Release, rng: random.Random) -> tuple[None, ReleaseEdit] | None:
    return None if release.attachment_count == 0 else (None, ReleaseEdit(attachment_saves=1))


def attachment_replaced(release: Release, rng: random.Random) -> tuple[None, ReleaseEdit] | None:
    if release.attachment_count == 0:
        return None
    new = sentence_added(release.text, rng) or f"{release.text}\n\n{ADDED}"
    return None, ReleaseEdit(attachment_text=new)


def withdrawal(release: Release, rng: random.Random) -> tuple[None, ReleaseEdit]:
    return None, ReleaseEdit(withdrawn=True)


EDIT_TYPES: tuple[EditType, ...] = (
    EditType("spacing", "noise", False, on_text(spacing)),
    EditType("particle_spelling", "noise", False, on_text(particle_spelling)),
    EditType("interpunct", "noise", False, on_text(interpunct)),
    EditType("full_width", "noise", False, on_text(full_width)),
    EditType("quote_style", "noise", False, on_text(quote_style)),
    EditType("number_format", "noise", False, on_text(number_format)),
    EditType("bullet_style", "noise", False, on_text(bullet_style)),
    EditType("view_counter", "noise", False, furniture(lambda r, n: f"조회수 {1000 + n * 7:,}")),
    EditType(
        "footer_date",
        "noise",
        False,
        furniture(lambda r, n: f"최종수정일 2026-{n % 12 + 1:02d}-{n % 28 + 1:02d}"),
    ),
    EditType(
        "session_token",
        "noise",
        False,
        furniture(lambda r, n: f"세션 ID {random.Random(n).getrandbits(64):016X}"),
    ),
    EditType("attachment_resaved", "noise", False, resave),
    EditType("figure_amount", "real", True, on_text(figure(r"\s?(?:억|조|만)\s?원"))),
    EditType("figure_count", "real", True, on_text(figure(r"(?:개사|개|명|곳|건)(?![가-힣]*당)"))),
    EditType("figure_area", "real", True, on_text(figure(r"\s?(?:㎡|㎢|만㎡|만 ㎡|ha|만평)"))),
    EditType("figure_share", "real", True, on_text(figure(r"\s?%"))),
    EditType("figure_date", "real", False, on_text(figure_date)),
    EditType("meaning_particle", "real", False, on_text(meaning_particle)),
    EditType("negation", "real", False, on_text(negation)),
    EditType("sentence_added", "real", False, on_text(sentence_added)),
    EditType("sentence_removed", "real", False, on_text(sentence_removed)),
    EditType("entity_changed", "real", False, on_text(entity_changed)),
    EditType("attachment_replaced", "real", False, attachment_replaced),
    EditType("withdrawal", "real", False, withdrawal),
)
BY_NAME = {edit_type.name: edit_type for edit_type in EDIT_TYPES}


def read_releases(path: Path = CORPUS) -> list[Release]:
    """Korean releases long enough to edit (a page or more of text), read as the backfill
    reads them."""
    return [
        release
        for release in releases(path=path)
        if release.language == "ko" and 600 <= len(release.text) <= 20_000
    ]


def build_cases(releases: list[Release], per_type: int = 7, seed: int = SEED) -> list[EditCase]:
    """``per_type`` cases of every edit type, one release each, chosen with ``seed``.

    Types that need attachments go first, so the few releases with files serve them.
    """
    rng = random.Random(seed)
    pool = sorted(releases, key=lambda release: release.external_id)
    rng.shuffle(pool)
    used: set[str] = set()
    cases: list[EditCase] = []
    ordered = sorted(EDIT_TYPES, key=lambda kind: kind.edit not in (resave, attachment_replaced))
    for kind in ordered:
        found = 0
        for release in pool:
            if found == per_type:
                break
            if release.external_id in used:
                continue
            made = kind.edit(release, random.Random(f"{seed}:{kind.name}:{release.external_id}"))
            if made is None:
                continue
            used.add(release.external_id)
            found += 1
            cases.append(
                EditCase(
                    release.external_id, kind.name, kind.label, kind.fact_change, made[0], made[1]
                )
            )
    return cases


def edit_set(path: Path = CORPUS, per_type: int = 7, seed: int = SEED) -> list[EditCase]:
    return build_cases(read_releases(path), per_type, seed)
