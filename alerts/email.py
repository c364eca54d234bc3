"""Alert and digest mails: multipart plain text + HTML, rendered from Jinja2 templates.

Every text that reaches a header goes through :func:`safe_header_text`, since titles come
from scraped press releases and must never be able to add headers. Bodies come from
autoescaped templates, so a title is always text, never markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy as email_policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy, Policy
from email.utils import format_datetime, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from zonewatch.alerts.content import (
    AlertItem,
    Correction,
    Edit,
    FactLine,
    FigureChange,
    Link,
    digest_summary,
    group_for_digest,
    language_of,
    release_line,
    subject,
)
from zonewatch.alerts.links import clean_url
from zonewatch.alerts.wording import (
    ATTACHMENT_LABELS,
    LANGUAGES,
    AttachmentAction,
    Level,
    kind_label,
    level_word,
    pick,
    release_day,
    timezone_of,
)
from zonewatch.models import Subscriber
from zonewatch.models.enums import DigestPeriod
from zonewatch.timefmt import aware, local_minutes

HEADER_LIMIT = 200
DISPLAY_NAME_LIMIT = 64
SUBJECT_PREFIX = "[zonewatch]"

# Written-out line breaks that a sloppy consumer (or a later decode step) could turn into
# real ones: URL encoding, backslash escapes and HTML character references.
_ESCAPED_BREAKS = re.compile(r"%0[ad]|\\[rn]|&#(?:0*1[03]|x0*[ad]);?", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_DIFF_MARKUP = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}", re.DOTALL)
# RFC 5322 specials and quoting characters: a display name keeps none of them, because
# CPython folds a long quoted name without its quotes and a client then reads the rest as
# more recipients ("x, attacker@evil.example").
_NAME_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."\'`]')
_URL_UNSAFE = re.compile(r"[^!#-;=?-\[\]-~]")  # printable ASCII except space, " < > \

_TEXT: dict[str, tuple[str, str]] = {
    "why": ("알림 이유", "Why you got this"),
    "open_source": ("원문 보기", "Open the release"),
    "released": ("발표", "Released"),
    "detected": ("zonewatch 감지", "zonewatch noticed it"),
    "topics": ("주제", "Topics"),
    "changes": ("수정된 부분", "What was edited"),
    "facts": ("보도자료 속 수치", "Figures in the release"),
    "more_facts": ("외 {n}건", "and {n} more"),
    "figure_changes": ("바뀐 수치", "Figures changed"),
    "was": ("이전 발표", "Before"),
    "now": ("이번 발표", "Now"),
    "attachments": ("첨부 파일", "Attachments"),
    "corrects": ("정정 대상", "Corrects"),
    "corrected_figures": ("정정된 수치", "Corrected figures"),
    "original_unknown": (
        "정정 대상 보도자료를 찾지 못했습니다.",
        "The release this corrects could not be identified.",
    ),
    "model_changes": ("구역 변경", "Zone changes"),
    "reported_in": ("근거 보도자료", "Reported in"),
    "significance": ("중요도", "Significance"),
    "summary": ("요약", "Summary"),
    "by_zone": ("구역·사업별", "By zone or programme"),
    "by_topic": ("주제별", "By topic"),
    "by_kind": ("유형별", "By kind"),
    "unsubscribe": ("구독 해지", "Unsubscribe"),
    "preferences": (
        "구독 설정 (주제·발송 방식·언어·일시 중지)",
        "Preferences (topics, delivery, language, pause)",
    ),
    "footer": (
        "zonewatch 경제자유구역 정책 알림을 구독하셨기 때문에 이 메일을 받으셨습니다.",
        "You receive this because you subscribed to zonewatch economic-zone policy alerts.",
    ),
    "legend": ("[-삭제-] {+추가+}", "[-removed-] {+added+}"),
    "count": ("{n}건", "{n} changes"),
    "count_one": ("{n}건", "{n} change"),
    "alert": ("변경 알림", "Change alert"),
}
_PERIODS: dict[str, tuple[str, str]] = {
    "daily": ("일일 요약", "Daily digest"),
    "weekly": ("주간 요약", "Weekly digest"),
}
_COLOURS = {"correction": "#c0392b", "model_change": "#6f42c1", "default": "#1f5fa8"}
_BACKGROUNDS = {"correction": "#fdf3f2", "model_change": "#f6f2fd", "default": "#ffffff"}
_LEVEL_COLOURS = {
    Level.MAJOR: "#b42318",
    Level.NOTABLE: "#b54708",
    Level.ROUTINE: "#4b5563",
    Level.MINOR: "#9ca3af",
}
_ATTACHMENT_MARKS = {
    AttachmentAction.ADDED: "+",
    AttachmentAction.REPLACED: "~",
    AttachmentAction.REMOVED: "−",
}


@dataclass(frozen=True)
class EditView:
    headline: str
    excerpt: str
    segments: tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class AttachmentView:
    mark: str
    label: str
    name: str
    url: str | None


@dataclass(frozen=True)
class CorrectionView:
    original: Link | None
    released: str
    figures: tuple[FigureChange, ...]


@dataclass(frozen=True)
class ItemView:
    """An item as the templates show it: every text final, every time local, every link
    clean (and only http(s)), so templates decide layout and nothing else."""

    kind_label: str
    accent: str
    background: str
    is_correction: bool
    is_model_change: bool
    title: str
    url: str | None
    document_title: str | None
    release_line: str
    detected: str
    level: str
    level_colour: str
    zones: tuple[str, ...]
    topics: tuple[str, ...]
    headline: str
    lede: str
    facts: tuple[FactLine, ...]
    more_facts: int
    edits: tuple[EditView, ...]
    figure_changes: tuple[FigureChange, ...]
    attachments: tuple[AttachmentView, ...]
    correction: CorrectionView | None
    model_changes: tuple[str, ...]
    why: str


class _VerbatimHeader(UnstructuredHeader, BaseHeader):
    """A header written exactly as set: the default folding turns a long unsubscribe URL into
    RFC 2047 encoded words, which mail clients do not read as a URL (RFC 2369, 8058)."""

    def fold(self, *, policy: Policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def _policy() -> EmailPolicy[EmailMessage]:
    registry = HeaderRegistry()
    registry.map_to_type("list-unsubscribe", _VerbatimHeader)
    return email_policy.SMTP.clone(header_factory=registry)


POLICY = _policy()

_env = Environment(
    loader=PackageLoader("zonewatch.alerts", "templates"),
    autoescape=select_autoescape(["html", "xml"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def safe_header_text(value: str, limit: int = HEADER_LIMIT) -> str:
    """One harmless line of header text, whatever a scraped title contains.

    Control, format and line-separator characters become spaces, written-out line breaks
    are dropped (repeatedly, so "%0%0dd" cannot reassemble one) and ``=?`` is broken up so
    that the mail library never decodes an encoded word back into a CR/LF."""
    text = "".join(" " if _breaks(ch) else ch for ch in value)
    while True:
        cleaned = _ESCAPED_BREAKS.sub(" ", text)
        if cleaned == text:
            break
        text = cleaned
    text = _SPACES.sub(" ", text.replace("=?", "= ?")).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def safe_display_name(value: str) -> str:
    """A display name that can only ever be one name: compatibility-normalised (full-width
    ``＠`` becomes ``@`` before it is dropped), without address syntax, one short line."""
    text = unicodedata.normalize("NFKC", value)
    text = safe_header_text(_NAME_SPECIALS.sub(" ", text), limit=DISPLAY_NAME_LIMIT)
    return _SPACES.sub(" ", text).strip(" -")


def _breaks(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn") or ch.isspace()


def alert_message(
    item: AlertItem,
    subscriber: Subscriber,
    *,
    message_id: str,
    unsubscribe_url: str,
    preferences_url: str,
    mail_from: str,
) -> EmailMessage:
    """An immediate alert: what changed, where, why it was sent, the diff, the source link."""
    language = language_of(subscriber)
    context = {
        **_common(language, unsubscribe_url, preferences_url),
        "subject": safe_header_text(f"{SUBJECT_PREFIX} {subject(item)}"),
        "item": _view(item, language, _timezone(subscriber)),
    }
    message = _envelope(context["subject"], subscriber, message_id, unsubscribe_url, mail_from)
    _attach_bodies(message, "alert", context)
    return message


def digest_message(
    items: Sequence[AlertItem],
    subscriber: Subscriber,
    *,
    period: str,
    period_start: datetime,
    period_end: datetime,
    message_id: str,
    unsubscribe_url: str,
    preferences_url: str,
    mail_from: str,
) -> EmailMessage:
    """A digest: counts first, then sections by zone or programme, most significant first."""
    language = language_of(subscriber)
    tz = _timezone(subscriber)
    name = _period_name(period, language)
    dates = _period_dates(period, period_start, period_end, tz)
    count = _count(len(items), language)
    summary = digest_summary(items, language)
    context = {
        **_common(language, unsubscribe_url, preferences_url),
        "subject": safe_header_text(f"{SUBJECT_PREFIX} {name} {dates} · {count}"),
        "period_name": name,
        "period_dates": dates,
        "count": count,
        "summary": {
            "zones": list(summary["zones"].items()),
            "topics": list(summary["topics"].items()),
            "kinds": [(kind_label(k, language), n) for k, n in summary["kinds"].items()],
        },
        "groups": [
            (group, [_view(item, language, tz) for item in members])
            for group, members in group_for_digest(items, language)
        ],
    }
    message = _envelope(context["subject"], subscriber, message_id, unsubscribe_url, mail_from)
    _attach_bodies(message, "digest", context)
    return message


def _common(language: str, unsubscribe_url: str, preferences_url: str) -> dict[str, Any]:
    index = LANGUAGES.index(language)
    return {
        "lang": language,
        "t": {key: pair[index] for key, pair in _TEXT.items()},
        "unsubscribe_url": _checked_url(unsubscribe_url),
        "preferences_url": _checked_url(preferences_url, "preferences"),
    }


def _envelope(
    subject: str, subscriber: Subscriber, message_id: str, unsubscribe_url: str, mail_from: str
) -> EmailMessage:
    sender = _address(mail_from)
    message = EmailMessage(policy=POLICY)
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = Address(
        display_name=safe_display_name(subscriber.name or ""), addr_spec=subscriber.email
    )
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = safe_header_text(message_id, limit=900)
    message["List-Id"] = f"zonewatch alerts <alerts.{sender.domain or 'zonewatch.invalid'}>"
    message["List-Unsubscribe"] = f"<{_checked_url(unsubscribe_url)}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    return message


def _address(mail_from: str) -> Address:
    name, addr = parseaddr(mail_from)
    if "@" not in addr:
        raise ValueError(f"mail_from is not an address: {mail_from!r}")
    return Address(display_name=safe_display_name(name), addr_spec=addr)


def _checked_url(url: str, what: str = "unsubscribe") -> str:
    """The unsubscribe URL goes into a header verbatim, and both footer links into the
    text part as one token, so each must be a plain http(s) URL."""
    if not url.startswith(("https://", "http://")) or _URL_UNSAFE.search(url) or len(url) > 900:
        raise ValueError(f"not a usable {what} URL: {url!r}")
    return url


def _attach_bodies(message: EmailMessage, name: str, context: Mapping[str, Any]) -> None:
    text = _env.get_template(f"{name}.txt").render(context)
    html = _env.get_template(f"{name}.html").render(context)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")


def _view(item: AlertItem, language: str, tz: ZoneInfo) -> ItemView:
    """What the templates show of an item, in ``language`` and local time."""
    label = kind_label(item.kind, language)
    style = "correction" if item.is_correction else "default"
    style = "model_change" if item.is_model_change else style
    return ItemView(
        kind_label=label,
        accent=_COLOURS[style],
        background=_BACKGROUNDS[style],
        is_correction=item.is_correction,
        is_model_change=item.is_model_change,
        title=item.title,
        url=clean_url(item.url),
        document_title=item.document_title,
        release_line=release_line(item),
        detected=local_minutes(item.detected_at, tz),
        level=level_word(item.level, language),
        level_colour=_LEVEL_COLOURS[item.level],
        zones=tuple(name for _, name in item.zones),
        topics=item.topics,
        headline="" if item.headline == label else item.headline,
        lede=item.lede,
        facts=item.facts,
        more_facts=item.more_facts,
        edits=tuple(_edit_view(edit, item.headline) for edit in item.edits),
        figure_changes=tuple(_clean_figure(figure) for figure in item.figure_changes),
        attachments=tuple(
            AttachmentView(
                _ATTACHMENT_MARKS[change.action],
                pick(ATTACHMENT_LABELS[change.action], language),
                change.name,
                clean_url(change.url),
            )
            for change in item.attachments
        ),
        correction=_correction_view(item.correction, tz),
        model_changes=item.model_changes,
        why=item.why,
    )


def _edit_view(edit: Edit, headline: str) -> EditView:
    """An edit, its gist left out when the item's headline already says it."""
    shown = "" if edit.headline == headline else edit.headline
    return EditView(shown, edit.diff_excerpt, tuple(diff_segments(edit.diff_excerpt)))


def _clean_link(link: Link | None) -> Link | None:
    return Link(link.text, clean_url(link.url)) if link is not None else None


def _clean_figure(figure: FigureChange) -> FigureChange:
    return FigureChange(
        figure.label, figure.old, figure.new, _clean_link(figure.was), _clean_link(figure.now)
    )


def _correction_view(correction: Correction | None, tz: ZoneInfo) -> CorrectionView | None:
    if correction is None:
        return None
    return CorrectionView(
        original=_clean_link(correction.original),
        released=release_day(correction.original_released_at, tz),
        figures=tuple(_clean_figure(figure) for figure in correction.figures),
    )


def diff_segments(excerpt: str) -> list[tuple[str, str | None]]:
    """``[-old-]{+new+}`` markup as (text, "del"|"ins"|None) runs, for colouring in HTML."""
    segments: list[tuple[str, str | None]] = []
    position = 0
    for match in _DIFF_MARKUP.finditer(excerpt):
        if match.start() > position:
            segments.append((excerpt[position : match.start()], None))
        deleted, inserted = match.group(1), match.group(2)
        segments.append((deleted, "del") if deleted is not None else (inserted, "ins"))
        position = match.end()
    if position < len(excerpt):
        segments.append((excerpt[position:], None))
    return segments


def _timezone(subscriber: Subscriber) -> ZoneInfo:
    return timezone_of(subscriber.timezone)


def _period_name(period: str, language: str) -> str:
    ko, en = _PERIODS.get(period, ("요약", "Digest"))
    return en if language == "en" else ko


def _period_dates(period: str, start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """A daily digest is named by the day it arrives; longer ones by their first and last day."""
    last = (aware(end) - timedelta(seconds=1)).astimezone(tz).date()
    first = aware(start).astimezone(tz).date()
    if period == DigestPeriod.DAILY or first >= last:
        return aware(end).astimezone(tz).date().isoformat()
    return f"{first.isoformat()}–{last.isoformat()}"


def _count(n: int, language: str) -> str:
    key = "count_one" if n == 1 else "count"
    return _TEXT[key][LANGUAGES.index(language)].format(n=n)
