from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.testkit.replay import replay_server  # noqa: F401 - a fixture
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.crawlers.service import crawl_now
from zonewatch.models import Document, DocumentVersion
from zonewatch.replay.server import ReplayServer


def make_app(data_dir: Path, server: ReplayServer, database_url: str | None = None) -> App:
    overrides: dict[str, Any] = {
        "data_dir": data_dir,
        "replay_url": server.url,
        "allowed_private_hosts": "127.0.0.1",
        "crawl_delay_scale": 0,
    }
    if database_url:
        overrides["database_url"] = database_url
    app = configure(**overrides)
    initialize(app)
    return app


@pytest.fixture
def crawl_app(initialized_data_dir: Path, replay_server: ReplayServer) -> Iterator[App]:  # noqa: F811
    """A fresh embedded zonewatch crawling the replay server (state 0, no faults)."""
    replay_server.set_crawl_delay("www.bjfez.go.kr", 0.5)
    app = make_app(initialized_data_dir, replay_server)
    yield app
    app.dispose()


def crawl(app: App, source_id: str) -> dict[str, Any]:
    return crawl_now(app, source_id)


def current_versions(app: App, source_id: str) -> dict[str, DocumentVersion]:
    with app.session() as session:
        rows = session.execute(
            select(Document.external_id, DocumentVersion)
            .join(DocumentVersion, DocumentVersion.id == Document.current_version_id)
            .where(Document.source_id == source_id)
        ).all()
        for _, version in rows:
            _ = version.attachments  # load while the session is open
        return {row[0]: row[1] for row in rows}


def version_count(app: App, source_id: str) -> int:
    with app.session() as session:
        return len(
            session.scalars(
                select(DocumentVersion.id)
                .join(Document, Document.id == DocumentVersion.document_id)
                .where(Document.source_id == source_id)
            ).all()
        )
