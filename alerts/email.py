"""Alert and digest mails: multipart plain text + HTML, rendered from Jinja2 templates.

Every text that reaches a header goes through :func:`safe_header_text`, since titles come
from scraped press releases and must never be able to add headers. Bodies come from
autoescaped templates, so a title is always text, never markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email import policy as email_policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import EmailPolicy, Policy
from email.utils import format_datetime, parseaddr
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from zonewatch.alerts.content import (
    LANGUAGES,
    AlertItem,
    digest_summary,
    group_for_digest,
    kind_label,
    language_of,
)
from zonewatch.models import Subscriber

HEADER_LIMIT = 200
DISPLAY_NAME_LIMIT = 64
SUBJECT_PREFIX = "[zonewatch]"
DEFAULT_TIMEZONE = "Asia/Seoul"

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
    "open_source": ("원문 보기", "Open the source page"),
    "source": ("출처", "Source"),
    "topics": ("주제", "Topics"),
    "changes": ("변경 내용", "What changed"),
    "facts": ("수치", "Figures"),
    "significance": ("중요도", "Significance"),
    "summary": ("요약", "Summary"),
    "by_zone": ("구역·사업별", "By zone or programme"),
    "by_topic": ("주제별", "By topic"),
    "by_kind": ("유형별", "By kind"),
    "unsubscribe": ("구독 해지", "Unsubscribe"),
    "footer": (
        "zonewatch 경제자유구역 정책 알림을 구독하셨기 때문에 이 메일을 받으셨습니다.",
        "You receive this because you subscribed to zonewatch economic-zone policy alerts.",
    ),
    "correction": ("정정", "Correction"),
    "model_change": ("모델 변경", "Model change"),
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
    mail_from: str,
) -> EmailMessage:
    """An immediate alert: what changed, where, why it was sent, the diff, the source link."""
    language = language_of(subscriber)
    zone = item.zones[0][1] if item.zones else ""
    subject = " · ".join(
        part for part in (kind_label(item.kind, language), zone, item.title) if part
    )
    context = {
        **_common(language, unsubscribe_url),
        "subject": safe_header_text(f"{SUBJECT_PREFIX} {subject}"),
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
        **_common(language, unsubscribe_url),
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


def _common(language: str, unsubscribe_url: str) -> dict[str, Any]:
    index = LANGUAGES.index(language)
    return {
        "lang": language,
        "t": {key: pair[index] for key, pair in _TEXT.items()},
        "unsubscribe_url": _checked_url(unsubscribe_url),
        "colours": _COLOURS,
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


def _checked_url(url: str) -> str:
    """The unsubscribe URL goes into a header verbatim, so it must be a plain http(s) URL."""
    if not url.startswith(("https://", "http://")) or _URL_UNSAFE.search(url) or len(url) > 900:
        raise ValueError(f"not a usable unsubscribe URL: {url!r}")
    return url


def _attach_bodies(message: EmailMessage, name: str, context: Mapping[str, Any]) -> None:
    text = _env.get_template(f"{name}.txt").render(context)
    html = _env.get_template(f"{name}.html").render(context)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")


def _view(item: AlertItem, language: str, tz: ZoneInfo) -> dict[str, Any]:
    """What the templates show of an item; only http(s) source links become links."""
    url = item.url if item.url and item.url.startswith(("https://", "http://")) else None
    return {
        "kind": item.kind,
        "kind_label": kind_label(item.kind, language),
        "title": item.title,
        "url": url,
        "source_name": item.source_name or "",
        "when": _local(item.occurred_at, tz),
        "significance": f"{item.significance:.2f}",
        "zones": [name for _, name in item.zones],
        "topics": list(item.topics),
        "headline": item.headline,
        "diff_excerpt": item.diff_excerpt,
        "diff_segments": diff_segments(item.diff_excerpt),
        "fact_lines": list(item.fact_lines),
        "why": item.why,
        "is_correction": item.is_correction,
        "is_model_change": item.is_model_change,
        "accent": _accent(item),
    }


def _accent(item: AlertItem) -> str:
    if item.is_correction:
        return _COLOURS["correction"]
    if item.is_model_change:
        return _COLOURS["model_change"]
    return _COLOURS["default"]


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
    try:
        return ZoneInfo(subscriber.timezone or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _local(moment: datetime, tz: ZoneInfo) -> str:
    local = _aware(moment).astimezone(tz)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or ''}".strip()


def _period_name(period: str, language: str) -> str:
    ko, en = _PERIODS.get(period, ("요약", "Digest"))
    return en if language == "en" else ko


def _period_dates(period: str, start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """A daily digest is named by the day it arrives; longer ones by their first and last day."""
    last = (_aware(end) - timedelta(seconds=1)).astimezone(tz).date()
    first = _aware(start).astimezone(tz).date()
    if period == "daily" or first >= last:
        return _aware(end).astimezone(tz).date().isoformat()
    return f"{first.isoformat()}–{last.isoformat()}"


def _count(n: int, language: str) -> str:
    key = "count_one" if n == 1 else "count"
    return _TEXT[key][LANGUAGES.index(language)].format(n=n)
