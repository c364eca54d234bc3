"""Tell the operators when a source turns broken or slow, and when it is healthy again.

A source's health is set when its run is finalised, in whichever process does that; the
notice goes out later, from a process that is not crawling (``zonewatch crawl`` once its crawl
is over, every worker's watch thread), and only for what has been committed. Each change is
told once: a notice is claimed by a compare-and-set of ``Source.notified_health`` from what
operators were last told to what they are about to be told, so two workers sweeping at the
same moment cannot both send it, and a run that repeats the state tells nobody anything new.

A notice that reached no target because every target failed for now (SMTP down, a webhook
timing out) is handed back and tried again on the next sweep; one that reached some target, or
failed for good (an address refused, a URL Apprise does not know), is not sent again. Either
way the failure is logged and never touches the crawl.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from zonewatch.app import App
from zonewatch.config.settings import Settings, operator_mail_address
from zonewatch.crawlers.health import SourceHealth
from zonewatch.models import CrawlRun, Source
from zonewatch.timefmt import local_minutes

log = logging.getLogger(__name__)


class OperatorState(StrEnum):
    """What operators are told a source is: the health states worth a message."""

    HEALTHY = "healthy"
    SLOW = "slow"
    BROKEN = "broken"


STATE_WORDS: dict[OperatorState, tuple[str, str]] = {
    OperatorState.HEALTHY: ("healthy again", "정상 복구"),
    OperatorState.SLOW: ("slow", "느려짐"),
    OperatorState.BROKEN: ("broken", "고장"),
}


def operator_state(health: str) -> OperatorState | None:
    """The state a health means to operators; None for one that changes nothing they were
    told (a partial run, a skipped one, a source never crawled)."""
    if health == SourceHealth.HEALTHY:
        return OperatorState.HEALTHY
    if health == SourceHealth.SLOW:
        return OperatorState.SLOW
    if health in (SourceHealth.BROKEN, SourceHealth.FAILING):
        return OperatorState.BROKEN
    return None


@dataclass(frozen=True)
class Notice:
    """One change of one source, as told to the operators."""

    source_id: str
    name: str
    state: OperatorState
    health: str
    reason: str | None
    previous: OperatorState | None
    last_run: str

    @property
    def title(self) -> str:
        english, korean = STATE_WORDS[self.state]
        return f"zonewatch: {self.source_id} is {english} ({korean})"

    @property
    def body(self) -> str:
        english, korean = STATE_WORDS[self.state]
        lines = [
            f"{self.name} ({self.source_id})",
            f"is {english} / {korean}" + (f": {self.reason}" if self.reason else ""),
        ]
        if self.health != self.state.value and self.state is not OperatorState.HEALTHY:
            lines.append(f"health: {self.health}")
        if self.previous is not None:
            lines.append(f"before / 이전: {self.previous.value}")
        lines.append(f"last run / 최근 실행: {self.last_run}")
        lines.append("zonewatch sources status")
        return "\n".join(lines)


@dataclass
class NotifyReport:
    sent: list[Notice] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    """One line per target that did not take a notice."""


Send = Callable[[Settings, str, Notice], None]


def notify_health_changes(app: App, send: Send | None = None) -> NotifyReport:
    """Tell ZONEWATCH_OPERATOR_ALERTS of every source whose state differs from what they
    were last told; nothing at all when no target is set (they are told once one is)."""
    settings = app.settings
    report = NotifyReport()
    if not settings.operator_alerts:
        return report
    send = send or send_notice
    with app.session() as session:
        pending = _pending(session, settings)
    for notice in pending:
        if not _move(app, notice.source_id, notice.previous, notice.state):
            continue  # another process took it, or the state moved on meanwhile
        if notice.previous is None and notice.state is OperatorState.HEALTHY:
            continue  # the first state seen is healthy: nothing went wrong to tell of
        _deliver(app, settings, notice, send, report)
    return report


def _pending(session: Session, settings: Settings) -> list[Notice]:
    notices = []
    for source in session.scalars(
        select(Source).where(Source.enabled.is_(True)).order_by(Source.id)
    ):
        state = operator_state(source.health)
        previous = OperatorState(source.notified_health) if source.notified_health else None
        if state is None or state is previous:
            continue
        last = session.scalars(
            select(CrawlRun)
            .where(CrawlRun.source_id == source.id, CrawlRun.finished_at.is_not(None))
            .order_by(CrawlRun.id.desc())
            .limit(1)
        ).first()
        last_run = (
            f"{local_minutes(last.finished_at, settings.tz)}, run {last.id} ({last.status})"
            if last is not None
            else "-"
        )
        notices.append(
            Notice(
                source_id=source.id,
                name=source.name,
                state=state,
                health=source.health,
                reason=source.health_reason,
                previous=previous,
                last_run=last_run,
            )
        )
    return notices


def _move(
    app: App, source_id: str, told: OperatorState | None, telling: OperatorState | None
) -> bool:
    """Move ``notified_health`` from ``told`` to ``telling``; False when it was not ``told``
    any more (another sweep claimed this change first)."""
    condition = (
        Source.notified_health.is_(None) if told is None else Source.notified_health == told.value
    )
    with app.session() as session:
        result = session.execute(
            update(Source)
            .where(Source.id == source_id, condition)
            .values(notified_health=telling.value if telling is not None else None)
        )
        return bool(cast(CursorResult[Any], result).rowcount)


def _deliver(
    app: App, settings: Settings, notice: Notice, send: Send, report: NotifyReport
) -> None:
    from zonewatch.alerts.channels import DeliveryError

    failures: list[tuple[str, DeliveryError]] = []
    for target in settings.operator_alerts:
        try:
            send(settings, target, notice)
        except DeliveryError as error:
            failures.append((target, error))
            log.warning(
                "operators not told that %s is %s through %s: %s",
                notice.source_id,
                notice.state.value,
                _shown(target),
                error,
            )
            report.failed.append(f"{_shown(target)}: {error}")
    nobody_told = len(failures) == len(settings.operator_alerts)
    if nobody_told and all(error.temporary for _, error in failures):
        _move(app, notice.source_id, notice.state, notice.previous)  # the next sweep tries again
        return
    if not nobody_told:
        report.sent.append(notice)


def send_notice(settings: Settings, target: str, notice: Notice) -> None:
    """Send one notice to one target: mail through ZONEWATCH_SMTP_URL, anything else through
    Apprise (under the same URL policy as subscribers' channels)."""
    from zonewatch.alerts.channels import send_apprise
    from zonewatch.alerts.email import safe_header_text
    from zonewatch.alerts.sender import send_email

    address = operator_mail_address(target)
    if address is None:
        send_apprise(target, notice.title, notice.body, settings.allowed_private_hosts)
        return
    message = EmailMessage()
    message["Subject"] = safe_header_text(notice.title)
    message["From"] = settings.mail_from
    message["To"] = address
    message.set_content(notice.body)
    send_email(settings, message)


def _shown(target: str) -> str:
    """A target for a log line: an Apprise URL may carry a token, so only its scheme."""
    if operator_mail_address(target) is not None:
        return target
    return target.split("://", 1)[0] + "://…"
