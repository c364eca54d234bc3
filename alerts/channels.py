"""Alerts over Apprise URLs (``slack://``, ``tgram://``, ``json://`` ...): channels besides mail.

A failed notification is either temporary (the service is down, slow, or rate-limiting: try
again later) or permanent (the URL is not one Apprise knows, or the service refused the
request itself: trying again would only fail again), so the outbox can retry the one and
stop at the other.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from zonewatch.alerts.content import (
    AlertItem,
    Correction,
    FigureChange,
    release_line,
    subject,
)
from zonewatch.alerts.links import clean_url
from zonewatch.alerts.wording import (
    ATTACHMENT_LABELS,
    kind_label,
    pick,
    word,
)
from zonewatch.crawlers.safety import UnsafeURLError, UrlGuard

_HTTP_STATUS = re.compile(r"error=(\d{3})")
_RETRYABLE_4XX = frozenset({408, 425, 429})
ERROR_LIMIT = 1000


class DeliveryError(Exception):
    """A delivery that did not happen; ``temporary`` says whether trying later can help."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


class ChannelError(DeliveryError):
    """An Apprise notification that failed."""


class BlockedConnectionError(ConnectionRefusedError):
    """A notification tried to connect to an address the URL policy refuses."""


# Apprise plugins that talk to an SMTP server named in the URL, not over HTTP: mail is
# mail's business (the operator's SMTP settings and relay), not the HTTP URL policy's.
_MAIL_PLUGINS = frozenset({"NotifyEmail"})
_CONNECT_LOCK = threading.Lock()


def channel_target_host(url: str) -> str | None:
    """The host an Apprise URL makes zonewatch connect to, or None for services at a fixed
    public address (slack://, tgram:// ...) and for mail.

    Raises :class:`ChannelError` for a URL Apprise does not support.
    """
    import apprise  # takes a moment to import: only processes that notify pay for it

    plugin: Any = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if plugin is None or isinstance(plugin, bool):
        raise ChannelError("not a notification URL Apprise supports", temporary=False)
    if type(plugin).__name__ in _MAIL_PLUGINS:
        return None
    templates = getattr(plugin, "templates", ())
    if not any("{host}" in template for template in templates):
        return None
    return urlsplit(url).hostname or None


def check_channel(url: str, allowed_hosts: Iterable[str]) -> None:
    """Raise :class:`ChannelError` (permanent) when the URL policy refuses the channel's
    target host: loopback, private, shared or metadata addresses, unless allowed."""
    host = channel_target_host(url)
    if host is None:
        return
    try:
        UrlGuard(allowed_hosts=allowed_hosts).allowed_addresses(host)
    except UnsafeURLError as exc:
        raise ChannelError(f"refused: {exc}", temporary=False) from exc


@contextmanager
def pinned_connections(guard: UrlGuard) -> Iterator[None]:
    """Every urllib3 connection (Apprise posts with requests) made meanwhile goes to an
    address the guard checked, so a name that answers differently after :func:`check_channel`
    (DNS rebinding) cannot redirect the post. One notification at a time holds the patch."""
    import urllib3.util.connection as connection

    original = connection.create_connection

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        host, port = address
        try:
            checked = guard.allowed_addresses(host.strip("[]"))
        except UnsafeURLError as exc:
            raise BlockedConnectionError(f"blocked: {exc}") from exc
        problem: OSError = OSError(f"no address for {host}")
        for ip in checked:
            try:
                return original((str(ip), port), *args, **kwargs)
            except OSError as exc:
                problem = exc
        raise problem

    with _CONNECT_LOCK:
        connection.create_connection = create_connection
        try:
            yield
        finally:
            connection.create_connection = original


def send_apprise(url: str, title: str, body: str, allowed_hosts: Iterable[str] = ()) -> None:
    """Notify one Apprise URL; raises :class:`ChannelError` when it was not delivered.

    The URL policy is checked again here (the subscription may predate it, or the name may
    now resolve elsewhere) and holds for the connections the notification makes.
    """
    import apprise

    allowed = tuple(allowed_hosts)
    check_channel(url, allowed)
    notifier = apprise.Apprise(asset=apprise.AppriseAsset(storage_mode="memory"))
    if not notifier.add(url):
        raise ChannelError("not a notification URL Apprise supports", temporary=False)
    with (
        pinned_connections(UrlGuard(allowed_hosts=allowed)),
        notifier.notify(body=body, title=title) as result,
    ):
        if result:
            return
        timed_out = result.status == apprise.AppriseResultStatus.TIMEOUT
        logs = [entry.message for service in result for entry in service.logs()]
    message = "; ".join(logs) or f"notification failed ({result.status.name.lower()})"
    raise ChannelError(message[:ERROR_LIMIT], temporary=timed_out or _temporary(message))


def _temporary(message: str) -> bool:
    """An HTTP 4xx (save timeouts and rate limits) is the request's fault: permanent. Every
    other failure, including connection errors that carry no status, may pass."""
    statuses = [int(code) for code in _HTTP_STATUS.findall(message)]
    return not any(400 <= code < 500 and code not in _RETRYABLE_4XX for code in statuses)


def channel_text(item: AlertItem) -> tuple[str, str]:
    """Title and body of a short chat notification: what the mail says on its first screen
    (when and by whom it was released, what happened, the lede, what a correction
    corrects, the figures that moved) and the link, in plain lines a chat app can show."""
    language = item.language
    gist = "" if item.headline == kind_label(item.kind, language) else item.headline
    lines = [release_line(item), gist]
    lines.append(item.lede)
    if item.correction is not None:
        lines.extend(_correction_lines(item.correction, language))
    lines.extend(item.model_changes)
    lines.extend(edit.diff_excerpt for edit in item.edits[:1])
    lines.extend(_figure_line(figure) for figure in item.figure_changes)
    lines.extend(
        f"{pick(ATTACHMENT_LABELS[change.action], language)}: {change.name}"
        for change in item.attachments
    )
    url = clean_url(item.url)
    if url:
        lines.append(url)
    lines.append(f"({item.why})")
    title = " · ".join(part for part in (subject(item), _zone(item)) if part)
    return title, "\n".join(line for line in lines if line)


def _zone(item: AlertItem) -> str:
    return item.zones[0][1] if item.zones else ""


def _correction_lines(correction: Correction, language: str) -> list[str]:
    if correction.original is None:
        return [word("corrects_unknown", language)]
    lines = [word("corrects", language, title=correction.original.text)]
    lines.extend(_figure_line(figure) for figure in correction.figures)
    original = clean_url(correction.original.url)
    if original:
        lines.append(original)
    return lines


def _figure_line(figure: FigureChange) -> str:
    return f"{figure.label}: {figure.old} → {figure.new}"
