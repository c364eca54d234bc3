"""Operator pages: health in words, run history, the check of stored pages, and the actions
crawl now, pause and resume, with their effects in the database and who may use them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.testkit import factories
from tests.web.conftest import sign_in, token_of
from zonewatch.app import App
from zonewatch.config.sources import load_configured_sources
from zonewatch.crawlers.snapshots import store_snapshot
from zonewatch.models import CrawlRun, Document, Snapshot, Source, WorkerHeartbeat
from zonewatch.models.base import utcnow
from zonewatch.models.services import source_entry
from zonewatch.workers.tasks import CRAWL_QUEUE

SITES = Path(__file__).resolve().parents[1] / "crawlers" / "fixtures" / "sites"
SOURCE = "motir-press"
STARTED = dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)  # 10:00 KST


@pytest.fixture
def source(app: App) -> str:
    spec = load_configured_sources(app.settings).by_id()[SOURCE]
    with app.session() as session:
        factories.source(session, SOURCE, url=spec.url, spec=source_entry(spec))
    return SOURCE


def _run(app: App, source_id: str, **fields: object) -> int:
    with app.session() as session:
        run = CrawlRun(
            source_id=source_id,
            status=fields.pop("status", "ok"),
            trigger="schedule",
            started_at=STARTED,
            finished_at=STARTED + dt.timedelta(seconds=42),
            **fields,
        )
        session.add(run)
        session.flush()
        return run.id


def _store_page(app: App, source_id: str, body: bytes, external_id: str) -> None:
    digest, path = store_snapshot(app.settings.data_dir, body)
    with app.session() as session:
        document = Document(
            source_id=source_id,
            external_id=external_id,
            url=f"https://www.motir.go.kr/{external_id}",
        )
        session.add(document)
        session.flush()
        session.add(
            Snapshot(
                document_id=document.id,
                url=document.url,
                http_status=200,
                content_type="text/html; charset=utf-8",
                sha256=digest,
                size=len(body),
                path=path,
            )
        )


def _set(app: App, source_id: str, **fields: object) -> None:
    with app.session() as session:
        row = session.get(Source, source_id)
        assert row is not None
        for name, value in fields.items():
            setattr(row, name, value)


def _source(app: App, source_id: str) -> Source:
    with app.session() as session:
        row = session.get(Source, source_id)
        assert row is not None
        session.expunge(row)
        return row


@pytest.fixture
def operator(client: TestClient) -> TestClient:
    sign_in(client, "operator")
    return client


def test_the_table_shows_health_in_words_with_reasons_and_last_run(
    app: App, operator: TestClient, source: str
) -> None:
    _run(app, source, items_found=17, error_count=2)
    _set(app, source, health="broken", health_reason="rows selector matches nothing")
    body = operator.get("/sources").text
    assert 'href="/sources/motir-press"' in body
    assert "고장" in body
    assert "rows selector matches nothing" in body
    assert "2026-03-02 10:00 KST" in body
    assert "every " in body, "the schedule is shown"
    row = body[body.index('href="/sources/motir-press"') :]
    assert "<td>17</td>" in row
    assert "<td>2</td>" in row
    _set(app, source, paused=True, pause_reason="사이트 개편 중", health="slow", health_reason=None)
    paused = operator.get("/sources").text
    assert "일시 중지" in paused
    assert "사이트 개편 중" in paused
    assert "느림" in paused


def test_the_english_page_says_the_health_in_english(
    app: App, client: TestClient, source: str
) -> None:
    with app.session() as session:
        from zonewatch.web.users import get_user

        get_user(session, "operator").language = "en"
    sign_in(client, "operator")
    _set(app, source, health="healthy")
    assert "healthy" in client.get("/sources").text


def test_the_source_page_lists_runs_with_their_one_line_reasons(
    app: App, operator: TestClient, source: str
) -> None:
    errors = [{"kind": "http", "message": "503 from\nthe site", "url": None}]
    run_id = _run(app, source, status="partial", items_found=3, error_count=1, errors=errors)
    body = operator.get(f"/sources/{source}").text
    assert f"<td>{run_id} " in body
    assert "42 s" in body
    assert "http: 503 from the site" in body
    assert "<td>일부 성공</td>" in body, "the run result in the reader's words"


def test_the_stored_pages_are_checked_against_the_configuration(
    app: App, operator: TestClient, source: str
) -> None:
    page = (SITES / "motir-detail.html").read_bytes()
    _store_page(app, source, page, "good")
    assert "설정에 맞음" in operator.get(f"/sources/{source}").text
    broken = page.decode().replace("detail-tit", "dtl-title").encode()
    _store_page(app, source, broken, "redesigned")
    body = operator.get(f"/sources/{source}").text
    assert "설정에 맞지 않음" in body
    assert body.index("설정에 맞지 않음") < body.index("설정에 맞음"), "newest first"
    assert "div.board-detail div.detail-tit span" in body


def test_a_source_without_stored_pages_says_so(operator: TestClient, source: str) -> None:
    assert "아직 저장되지 않았습니다" in operator.get(f"/sources/{source}").text


def test_crawl_now_queues_a_manual_run_and_says_no_worker_takes_it(
    app: App, operator: TestClient, source: str
) -> None:
    answer = operator.post(
        f"/sources/{source}/crawl",
        data={"csrf": token_of(operator, f"/sources/{source}")},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    with app.session() as session:
        [run] = session.scalars(select(CrawlRun).where(CrawlRun.source_id == source)).all()
        assert (run.status, run.trigger, run.started_at) == ("queued", "manual", None)
    assert answer.headers["location"] == f"/sources/{source}?queued={run.id}"
    page = operator.get(answer.headers["location"]).text
    assert "대기열에 들어갔습니다" in page
    assert "작업자가 없습니다" in page


def test_crawl_now_names_the_live_worker(app: App, operator: TestClient, source: str) -> None:
    with app.session() as session:
        session.add(
            WorkerHeartbeat(
                name="crawls@box", queues=[CRAWL_QUEUE], host="box", pid=1, beat_at=utcnow()
            )
        )
    answer = operator.post(
        f"/sources/{source}/crawl", data={"csrf": token_of(operator, f"/sources/{source}")}
    )
    assert "crawls@box" in answer.text
    assert "작업자가 없습니다" not in answer.text


def test_pause_with_a_reason_then_resume(app: App, operator: TestClient, source: str) -> None:
    token = token_of(operator, f"/sources/{source}")
    answer = operator.post(
        f"/sources/{source}/pause",
        data={"csrf": token, "reason": "  사이트\n개편 중  "},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    row = _source(app, source)
    assert (row.paused, row.pause_reason, row.paused_by) == (True, "사이트 개편 중", "operator")
    assert row.paused_at is not None
    page = operator.get(f"/sources/{source}").text
    assert "사이트 개편 중" in page
    assert f"/sources/{source}/resume" in page
    operator.post(f"/sources/{source}/resume", data={"csrf": token})
    row = _source(app, source)
    assert (row.paused, row.pause_reason, row.paused_by, row.paused_at) == (False, None, None, None)


def test_pause_without_a_reason_is_refused_with_one_line(
    app: App, operator: TestClient, source: str
) -> None:
    token = token_of(operator, f"/sources/{source}")
    answer = operator.post(f"/sources/{source}/pause", data={"csrf": token, "reason": " "})
    assert answer.status_code == 400
    assert "give a reason" in answer.text
    assert not _source(app, source).paused


def test_unknown_source_and_bad_queued_number(operator: TestClient, source: str) -> None:
    assert operator.get("/sources/nope").status_code == 404
    token = token_of(operator, f"/sources/{source}")
    assert operator.post("/sources/nope/crawl", data={"csrf": token}).status_code == 404
    assert operator.get(f"/sources/{source}?queued=x1").status_code == 400


@pytest.mark.parametrize("action", ["crawl", "pause", "resume"])
def test_an_analyst_reads_but_cannot_act(
    app: App, client: TestClient, source: str, action: str
) -> None:
    _set(app, source, paused=True, pause_reason="before")
    sign_in(client, "analyst")
    page = client.get(f"/sources/{source}")
    assert page.status_code == 200
    assert f"/sources/{source}/{action}" not in page.text, "no button the role cannot use"
    token = token_of(client, f"/sources/{source}")
    answer = client.post(f"/sources/{source}/{action}", data={"csrf": token, "reason": "x"})
    assert answer.status_code == 403
    row = _source(app, source)
    assert (row.paused, row.pause_reason) == (True, "before")
    with app.session() as session:
        assert session.scalars(select(CrawlRun)).first() is None


@pytest.mark.parametrize("action", ["crawl", "pause", "resume"])
def test_actions_without_the_csrf_token_change_nothing(
    app: App, operator: TestClient, source: str, action: str
) -> None:
    answer = operator.post(f"/sources/{source}/{action}", data={"reason": "x"})
    assert answer.status_code == 403
    assert not _source(app, source).paused
    with app.session() as session:
        assert session.scalars(select(CrawlRun)).first() is None


def test_a_watcher_sees_no_sources(client: TestClient, source: str) -> None:
    sign_in(client, "watcher")
    assert client.get("/sources").status_code == 403
    assert client.get(f"/sources/{source}").status_code == 403
    assert 'href="/sources"' not in client.get("/").text


def test_a_stored_configuration_that_does_not_validate_is_named_not_checked(
    app: App, operator: TestClient
) -> None:
    with app.session() as session:
        factories.source(session, "stale-board", spec={"id": "stale-board"})
    body = operator.get("/sources/stale-board").text
    assert "설정이 올바르지 않아" in body
    assert "invalid: " in body, "the schedule says it cannot be used"
