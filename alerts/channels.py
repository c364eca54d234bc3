"""Alerts over Apprise URLs (``slack://``, ``tgram://``, ``json://`` ...): channels besides mail.

A failed notification is either temporary (the service is down, slow, or rate-limiting: try
again later) or permanent (the URL is not one Apprise knows, or the service refused the
request itself: trying again would only fail again), so the outbox can retry the one and
stop at the other.
"""

from __future__ import annotations

import re

from zonewatch.alerts.content import AlertItem, kind_label

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


def send_apprise(url: str, title: str, body: str) -> None:
    """Notify one Apprise URL; raises :class:`ChannelError` when it was not delivered."""
    import apprise  # takes a moment to import: only processes that notify pay for it

    notifier = apprise.Apprise(asset=apprise.AppriseAsset(storage_mode="memory"))
    if not notifier.add(url):
        raise ChannelError("not a notification URL Apprise supports", temporary=False)
    with notifier.notify(body=body, title=title) as result:
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
    """Title and body of a short chat notification: the gist of the alert mail, and its link."""
    language = item.language
    zone = item.zones[0][1] if item.zones else ""
    title = " · ".join(part for part in (kind_label(item.kind, language), zone, item.title) if part)
    lines = [item.headline]
    if item.diff_excerpt:
        lines.append(item.diff_excerpt)
    lines.extend(item.fact_lines)
    if item.url:
        lines.append(item.url)
    lines.append(f"({item.why})")
    return title, "\n".join(line for line in lines if line)
