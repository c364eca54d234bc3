"""Watched sources, their crawl runs and the scheduler lease."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zonewatch.models.base import Base, Timestamped, utcnow
from zonewatch.models.enums import (
    CrawlRunStatus,
    RunTrigger,
    SourceHealth,
    SourceKind,
    stored,
)


class Source(Timestamped, Base):
    """A press room, feed or API we watch, as loaded from sources.yaml plus operator state."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(stored(SourceKind, "kind"))
    url: Mapped[str] = mapped_column(String(2000))
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(8))
    spec: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(default=True)
    paused: Mapped[bool] = mapped_column(default=False)
    pause_reason: Mapped[str | None] = mapped_column(
        String(500), doc="Why an operator paused the source, shown to the other operators."
    )
    paused_by: Mapped[str | None] = mapped_column(String(64))
    paused_at: Mapped[dt.datetime | None]
    next_run_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    health: Mapped[SourceHealth] = mapped_column(
        stored(SourceHealth, "health"), default=SourceHealth.UNKNOWN
    )
    health_reason: Mapped[str | None]
    notified_health: Mapped[SourceHealth | None] = mapped_column(
        stored(SourceHealth, "notified_health"),
        doc="The health operators were last told of (healthy, slow or broken): they hear of "
        "each change once, however many runs repeat it.",
    )

    runs: Mapped[list[CrawlRun]] = relationship(
        back_populates="source", order_by="CrawlRun.id", passive_deletes=True
    )


class CrawlRun(Base):
    """One crawl of one source: what it fetched, found and failed on."""

    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_source_started", "source_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    trigger: Mapped[RunTrigger] = mapped_column(
        stored(RunTrigger, "trigger"), default=RunTrigger.SCHEDULE
    )
    status: Mapped[CrawlRunStatus] = mapped_column(
        stored(CrawlRunStatus, "status"), default=CrawlRunStatus.QUEUED
    )
    queued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    requests: Mapped[int] = mapped_column(default=0)
    bytes_received: Mapped[int] = mapped_column(default=0)
    not_modified: Mapped[int] = mapped_column(default=0)
    items_found: Mapped[int] = mapped_column(default=0)
    items_new: Mapped[int] = mapped_column(default=0)
    items_changed: Mapped[int] = mapped_column(default=0)
    items_unchanged: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[Any]] = mapped_column(default=list)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(
        doc="Last sign of life of the crawl process; a running run whose heartbeat is stale "
        "has lost its process (killed with its parent, OOM) and is finalised as abandoned."
    )
    child_pid: Mapped[int | None] = mapped_column(doc="The crawl process, for operators.")
    child_host: Mapped[str | None] = mapped_column(
        String(255), doc="The machine the crawl process ran on (a pid means nothing elsewhere)."
    )

    source: Mapped[Source] = relationship(back_populates="runs")

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class WorkerHeartbeat(Base):
    """A running worker and the queues it consumes, renewed while it lives.

    The embedded broker cannot broadcast, so Celery's ``inspect`` cannot see its workers;
    a row here is how ``zonewatch crawl --now`` knows whether anyone will take the crawl.
    """

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    queues: Mapped[list[Any]] = mapped_column(default=list)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    beat_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class SchedulerLease(Base):
    """A named lease; the beat that holds it is the only one dispatching crawls."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime]
