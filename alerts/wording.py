"""Every fixed word a subscriber reads, in Korean and English, and nothing internal.

Kinds, metrics, significance, model-change actions and periods are stored as ids
(``target_companies``, ``lift``, ``H1``); a reader sees them only through these tables, so
that no id leaks into a subject or a label and a missing translation shows up here, in one
place, instead of as ``investment:`` in someone's inbox.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from zonewatch.changes.significance import THRESHOLDS
from zonewatch.timefmt import aware, local_minutes

LANGUAGES = ("ko", "en")
DEFAULT_TIMEZONE = "Asia/Seoul"

Pair = tuple[str, str]


class Level(StrEnum):
    """Significance as a reader understands it, one word per band of
    :mod:`zonewatch.changes.significance`: a designation-band change (a zone designated or
    lifted, a model change, a withdrawal) is *major*; the figure band (figures changed,
    corrections, substantive new releases) is *notable*; notices, events and edits without
    figures are *routine*; spacing and particle fixes are *minor*. A score between two bands
    (the bands leave gaps on purpose) reads as the lower one."""

    MAJOR = "major"
    NOTABLE = "notable"
    ROUTINE = "routine"
    MINOR = "minor"


_BAND_LEVELS = (
    (THRESHOLDS["designation"], Level.MAJOR),
    (THRESHOLDS["figure"], Level.NOTABLE),
    (THRESHOLDS["routine"], Level.ROUTINE),
)
LEVEL_WORDS: dict[Level, Pair] = {
    Level.MAJOR: ("중대", "major"),
    Level.NOTABLE: ("주목", "notable"),
    Level.ROUTINE: ("일반", "routine"),
    Level.MINOR: ("경미", "minor"),
}


class AttachmentAction(StrEnum):
    ADDED = "added"
    REPLACED = "replaced"
    REMOVED = "removed"


KIND_LABELS: dict[str, Pair] = {
    "new_document": ("새 보도자료", "New release"),
    "changed_document": ("수정", "Edited"),
    "removed_document": ("삭제", "Withdrawn"),
    "attachment_added": ("첨부 추가", "Attachment added"),
    "attachment_replaced": ("첨부 교체", "Attachment replaced"),
    "attachment_removed": ("첨부 삭제", "Attachment removed"),
    "correction": ("정정", "Correction"),
    "fact_change": ("수치 변경", "Figure changed"),
    "model_change": ("구역 변경", "Zone change"),
}
ATTACHMENT_LABELS: dict[AttachmentAction, Pair] = {
    AttachmentAction.ADDED: KIND_LABELS["attachment_added"],
    AttachmentAction.REPLACED: KIND_LABELS["attachment_replaced"],
    AttachmentAction.REMOVED: KIND_LABELS["attachment_removed"],
}

_WORDS: dict[str, Pair] = {
    "other": ("기타", "Other"),
    "body_edited": ("본문 수정", "Text edited"),
    "title_edited": ("제목 수정", "Title changed"),
    "words": ("단어", "words"),
    "more": ("외 {n}건", "and {n} more"),
    "no_text_change": ("본문 변화 없음", "No visible text change"),
    "withdrawn": (
        "발표 기관이 게시판에서 내린 보도자료입니다",
        "The publisher has taken this release down",
    ),
    "follow": ("구독 중: {name}", "you follow {name}"),
    "topic": ("주제: {name}", "topic: {name}"),
    "keyword": ("키워드: {name}", "keyword: {name}"),
    "source": ("출처: {name}", "source: {name}"),
    "kind": ("유형: {name}", "kind: {name}"),
    "language": ("언어: {name}", "language: {name}"),
    "at_least": ("중요도 '{name}' 이상", "significance {name} or higher"),
    "all": ("모든 변경", "all changes"),
    "released_on": ("발표 {when}", "Released {when}"),
    "release_unknown": ("발표일 미상", "Release date not stated"),
    "corrects": ("정정 대상: {title}", "Corrects: {title}"),
    "corrects_unknown": (
        "정정 대상 보도자료를 찾지 못했습니다",
        "The release this corrects could not be identified",
    ),
    "figures_suffix": ("수치 변경 {n}건", "+{n} figures"),
    "figure_suffix": ("수치 변경 {n}건", "+{n} figure"),
    "not_reviewed": ("보도 내용 기준, 검토 전", "as reported, not yet reviewed"),
    "effective": ("{date} 발효", "effective {date}"),
    "round": ("{n}차", "round {n}"),
}
_LANGUAGE_NAMES: dict[str, Pair] = {"ko": ("한국어", "Korean"), "en": ("영어", "English")}

_METRIC_LABELS: dict[str, Pair] = {
    "exports": ("수출", "exports"),
    "imports": ("수입", "imports"),
    "investment": ("투자", "investment"),
    "budget": ("예산·사업비", "budget"),
    "fund": ("펀드·기금", "fund"),
    "subsidy": ("보조금", "subsidy"),
    "loan": ("융자", "loans"),
    "sales": ("매출", "sales"),
    "tax": ("세제 감면", "tax relief"),
    "support": ("지원", "support"),
    "amount": ("금액", "amount"),
    "people": ("인원", "people"),
    "area": ("면적", "area"),
    "count": ("개수", "count"),
    "change": ("증감률", "change"),
    "share": ("비율", "share"),
    "companies": ("입주기업", "companies"),
    "jobs": ("일자리", "jobs"),
    "km2": ("면적", "area"),
    "percent": ("비율", "share"),
    "KRW": ("금액", "amount"),
    "USD": ("금액", "amount"),
    "EUR": ("금액", "amount"),
}
_PERIOD_WORDS: dict[str, Pair] = {
    "annual": ("연간", "annual"),
    "cumulative": ("누적", "cumulative"),
    "plan": ("계획", "planned"),
    "target": ("목표", "target"),
}
_SCOPE = re.compile(
    r"^(?:(?P<half>H[12])|Q(?P<quarter>[1-4])|M(?P<month>1[0-2]|[1-9])|until (?P<year>\d{4}))$"
)

# What a model change does to a zone or programme: proposals name lift, reduce, expand,
# rename, designate and reform; zones.yaml edits name create, retire, rename, lift,
# designate and update.
_ACTIONS: dict[str, Pair] = {
    "designate": ("지정", "designated"),
    "lift": ("지정 해제", "designation withdrawn"),
    "expand": ("구역 확대", "area expanded"),
    "reduce": ("구역 축소", "area reduced"),
    "rename": ("명칭 변경", "renamed"),
    "reform": ("제도 개편", "reformed"),
    "create": ("새 구역으로 등록", "added as a new zone"),
    "retire": ("구역 목록에서 삭제", "removed from the zone list"),
    "update": ("구역 정보 수정", "details updated"),
}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_BILINGUAL = re.compile(r"^(?P<ko>.*?\S)\s*\((?P<en>[^()]+)\)\s*$")


def pick(pair: Pair, language: str) -> str:
    return pair[1] if language == "en" else pair[0]


def language_code(language: str | None) -> str:
    """A language we write, else Korean (the sources' language)."""
    return language if language in LANGUAGES else "ko"


def word(key: str, language: str, **values: object) -> str:
    """A fixed phrase in ``language``, with ``{name}``-style values filled in."""
    return pick(_WORDS[key], language).format(**values)


def kind_label(kind: str, language: str) -> str:
    """The change kind as a reader says it. An unknown kind is a bug to fix here, not a
    word to show: it raises."""
    if kind not in KIND_LABELS:
        raise ValueError(f"no reader's label for change kind {kind!r} (add it to KIND_LABELS)")
    return pick(KIND_LABELS[kind], language)


def level_of(score: float) -> Level:
    """The band word of a significance score (see :class:`Level`)."""
    for threshold, level in _BAND_LEVELS:
        if score >= threshold:
            return level
    return Level.MINOR


def level_word(level: Level, language: str) -> str:
    return pick(LEVEL_WORDS[level], language)


def metric_label(metric: str, language: str) -> str:
    """``target_companies`` → "목표 입주기업": the fact extractor's ids are not for readers.
    A metric this table does not know shows with its underscores as spaces."""
    target = metric.startswith("target_")
    base = metric.removeprefix("target_")
    ko, en = _METRIC_LABELS.get(base, (base.replace("_", " "), base.replace("_", " ")))
    if target:
        return f"target {en}" if language == "en" else f"목표 {ko}"
    return en if language == "en" else ko


def period_words(period: str | None, scope: str | None, language: str) -> tuple[str, ...]:
    """What a figure's period adds to its label ("누적", "2029년까지"); nothing when unknown."""
    words = []
    if period in _PERIOD_WORDS:
        words.append(pick(_PERIOD_WORDS[period], language))
    match = _SCOPE.match(scope or "")
    if match and match.group("half"):
        words.append(
            pick(("상반기", "H1") if match.group("half") == "H1" else ("하반기", "H2"), language)
        )
    elif match and match.group("quarter"):
        quarter = match.group("quarter")
        words.append(f"Q{quarter}" if language == "en" else f"{quarter}분기")
    elif match and match.group("month"):
        month = int(match.group("month"))
        words.append(calendar.month_abbr[month] if language == "en" else f"{month}월")
    elif match and match.group("year"):
        year = match.group("year")
        words.append(f"by {year}" if language == "en" else f"{year}년까지")
    return tuple(words)


def action_phrase(action: str, language: str) -> str:
    """A model-change action as words; an unknown action is a bug to fix here: it raises."""
    if action not in _ACTIONS:
        raise ValueError(f"no reader's words for model-change action {action!r} (add to _ACTIONS)")
    return pick(_ACTIONS[action], language)


def effective_words(day: dt.date, language: str) -> str:
    return word("effective", language, date=day.isoformat())


def language_name(code: str, language: str) -> str:
    return pick(_LANGUAGE_NAMES[code], language) if code in _LANGUAGE_NAMES else code


def source_label(name: str, language: str) -> str:
    """A source named "산업통상부 보도자료 (MOTIR press releases)" in the reader's language:
    the Korean part for Korean readers, the English one in brackets for English readers.
    A name that is not written that way shows whole."""
    match = _BILINGUAL.match(name)
    if match is None or not _HANGUL.search(match["ko"]) or _HANGUL.search(match["en"]):
        return name
    return match["en"].strip() if language == "en" else match["ko"].strip()


def release_day(moment: dt.datetime | None, tz: ZoneInfo) -> str:
    """A release time to the minute, or only its day when the source gave no time (it
    then reads as local midnight); "" for no date."""
    if moment is None:
        return ""
    local = aware(moment).astimezone(tz)
    if (local.hour, local.minute) == (0, 0):
        return local.date().isoformat()
    return local_minutes(moment, tz)


def timezone_of(name: str | None) -> ZoneInfo:
    """The subscriber's timezone; subscriptions validate it, so an unknown name (a zone
    removed from tzdata since) reads as Korea's, where the sources are."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)
