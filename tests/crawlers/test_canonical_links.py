"""A JSP board hands out a new ``;jsessionid`` with every visit: stored links never keep it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.crawlers.conftest import crawl
from zonewatch.app import App
from zonewatch.models import Attachment, Document, FetchedItem, Snapshot
from zonewatch.replay.server import ReplayServer

SOURCE = "kfez-news-ko"
"""The replay's fez.go.kr links every article from its list with the visit's jsessionid."""


def stored_urls(app: App) -> dict[str, list[str]]:
    """Every stored link (an ingested item's payload is released, so the items' are gone)."""
    with app.session() as session:
        held = session.execute(select(FetchedItem.id, FetchedItem.payload)).tuples().all()
        assert held != []
        assert [payload for _, payload in held] == [None] * len(held)
        return {
            "documents": list(session.scalars(select(Document.url))),
            "snapshots": list(session.scalars(select(Snapshot.url))),
            "attachments": list(session.scalars(select(Attachment.url))),
        }


def document_urls(app: App) -> dict[str, str]:
    with app.session() as session:
        rows = session.execute(select(Document.external_id, Document.url)).tuples()
        return dict(rows.all())


@pytest.mark.slow
def test_two_visits_with_two_session_ids_store_one_clean_link_per_release(
    crawl_app: App, replay_server: ReplayServer
) -> None:
    crawl(crawl_app, SOURCE)
    first = document_urls(crawl_app)
    assert first
    replay_server.set_state(3)  # only noise: a new session token on every list link
    crawl(crawl_app, SOURCE)
    second = document_urls(crawl_app)
    assert {key: second[key] for key in first} == first
    for where, urls in stored_urls(crawl_app).items():
        assert urls, where
        assert not [url for url in urls if "jsessionid" in url.lower()], where
    assert all(url.endswith(f"?nttId={key}") for key, url in second.items())
