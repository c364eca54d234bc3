"""The console's change log over 100,000 change records: server time per page, p50 and p95.

A scratch SQLite database gets 100,000 records (on 25,000 documents of two versions each,
so that search has text to read) through the migrations and their search triggers. The page
is requested through the ASGI app (Starlette's TestClient, signed in as an analyst) with
filters, with a search of a 3+ letter word (the FTS5 trigram index) and of a two-letter
Korean word (the LIKE fallback); each against the same listing query run in plain SQL with
:mod:`sqlite3` in the same run. The ratio is what the console adds (rendering, session,
the visit bookkeeping, its other queries) on top of the query itself.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

from sqlalchemy import insert
from sqlalchemy.dialects import sqlite
from starlette.testclient import TestClient

from bench.harness import Result
from zonewatch.app import App, configure
from zonewatch.changes.queries import ChangeFilter, change_query
from zonewatch.models import ChangeRecord, Document, DocumentVersion, Role, Source, migrate
from zonewatch.web.app import make_web_app
from zonewatch.web.changes import PAGE_SIZE
from zonewatch.web.ratelimit import LoginLimiter
from zonewatch.web.users import add_user

T = TypeVar("T")
RECORDS = 100_000
DOCUMENTS = 25_000
REQUESTS = 25
SECRET = "bench-secret-key-bench-secret-key-0123456789"
PASSWORD = "bench password that is long enough"
_KOREAN = "송도 청라 영종 국제도시 경제자유구역 매립 계획 변경 고시 지정 해제 산업단지 투자 유치"
_MORE = "기업 입주 개발 사업 공고 보도자료 인천 부산 광양만 새만금"
_ENGLISH = "plan zone investment notice designation reclamation cluster port"
WORDS = tuple(word for line in (_KOREAN, _MORE, _ENGLISH) for word in line.split(" "))
RARE = "바이오클러스터"
"""In one document of a hundred: a selective search."""
KINDS = ("new_document", "changed_document", "correction", "fact_change")
STATUSES = ("new", "reviewed", "noise", "important")


@dataclass(frozen=True)
class Case:
    name: str
    params: dict[str, str]
    filters: ChangeFilter


CASES = (
    Case("unfiltered", {}, ChangeFilter()),
    Case(
        "filters",
        {"kind": "changed_document", "status": "new", "min_significance": "0.5"},
        ChangeFilter(kinds=("changed_document",), statuses=("new",), min_significance=0.5),
    ),
    Case("search", {"q": RARE}, ChangeFilter(text=RARE)),
    Case("short_search", {"q": "새만"}, ChangeFilter(text="새만")),
)


def _text(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(60)]
    if n % 100 == 0:
        words.insert(30, RARE)
    return " ".join(words)


def _chunks(rows: Sequence[T], size: int = 5000) -> Iterator[Sequence[T]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _fill(app: App) -> None:
    rng = random.Random(15)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    with app.session() as session:
        session.add(Source(id="bench", name="Bench", kind="board", url="https://x", language="ko"))
        session.flush()
        documents: list[dict[str, object]] = [
            {
                "id": n + 1,
                "source_id": "bench",
                "external_id": str(n),
                "url": f"https://x.go.kr/view/{n}",
                "published_at": start + dt.timedelta(hours=n),
            }
            for n in range(DOCUMENTS)
        ]
        for chunk in _chunks(documents):
            session.execute(insert(Document), chunk)
        versions: list[dict[str, object]] = [
            {
                "id": 2 * n + number,
                "document_id": n + 1,
                "number": number,
                "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)} 공고 {n}",
                "text": _text(rng, n) if number == 2 else _text(rng, n + 1),
                "content_hash": f"{n}-{number}",
                "extractor_version": "1",
            }
            for n in range(DOCUMENTS)
            for number in (1, 2)
        ]
        for chunk in _chunks(versions):
            session.execute(insert(DocumentVersion), chunk)
        records: list[dict[str, object]] = [_record(rng, n, start) for n in range(RECORDS)]
        for chunk in _chunks(records):
            session.execute(insert(ChangeRecord), chunk)
        add_user(session, "analyst", PASSWORD, Role.ANALYST, cost=app.settings.password_hashing)


def _record(rng: random.Random, n: int, start: dt.datetime) -> dict[str, object]:
    """One record; a fifth have no release date of their own and sit at their document's
    (bulk inserts skip the ORM's placing, so the row carries its place itself)."""
    released = start + dt.timedelta(minutes=7 * n) if n % 5 else None
    occurred = start + dt.timedelta(minutes=7 * n + 3)
    document = n % DOCUMENTS
    return {
        "kind": KINDS[n % len(KINDS)],
        "dedupe_key": f"bench-{n}",
        "document_id": document + 1,
        "source_id": "bench",
        "old_version_id": 2 * document + 1,
        "new_version_id": 2 * document + 2,
        "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)} {n}",
        "summary": f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
        "significance": rng.random(),
        "review_status": STATUSES[n // len(KINDS) % len(STATUSES)],
        "released_at": released,
        "occurred_at": occurred,
        "placed_at": released or start + dt.timedelta(hours=document),
    }


def _percentiles(function: Callable[[], object]) -> tuple[float, float]:
    """p50 and p95 of ``REQUESTS`` runs, in milliseconds (after one warm-up run)."""
    function()
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(times, n=20)
    return statistics.median(times), cuts[18]


def _plain_sql(case: Case) -> str:
    """The page's listing query (one page and the look-ahead row) as SQL text."""
    query = change_query(replace(case.filters, limit=PAGE_SIZE + 1))
    return str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def _plain(raw: sqlite3.Connection, sql: str) -> Callable[[], object]:
    def run() -> object:
        return raw.execute(sql).fetchall()

    return run


def _page(client: TestClient, case: Case) -> Callable[[], object]:
    path = "/changes" + (f"?{urlencode(case.params)}" if case.params else "")

    def load() -> object:
        answer = client.get(path)
        assert answer.status_code == 200, answer.text[:500]
        return answer

    return load


def change_log_page() -> list[Result]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.sqlite"
        app = configure(
            data_dir=Path(tmp) / "data",
            database_url=f"sqlite:///{database}",
            secret_key=SECRET,
            public_url="http://console.example.org",
        )
        migrate.upgrade(app.engine)
        _fill(app)
        client = TestClient(
            make_web_app(app, LoginLimiter()), base_url="http://console.example.org"
        )
        login = client.get("/login").text
        token = login.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        signed = client.post(
            "/login",
            data={"csrf": token, "username": "analyst", "password": PASSWORD, "next": "/"},
            follow_redirects=False,
        )
        assert signed.status_code == 303, signed.text[:500]
        raw = sqlite3.connect(database)
        for case in CASES:
            sql = _plain_sql(case)
            page_p50, page_p95 = _percentiles(_page(client, case))
            sql_p50, sql_p95 = _percentiles(_plain(raw, sql))
            baseline = f"the same listing query in plain SQL (sqlite3), {RECORDS} records"
            results += [
                Result(f"change_log_{case.name}_p50", page_p50, "ms", baseline, sql_p50),
                Result(f"change_log_{case.name}_p95", page_p95, "ms", baseline, sql_p95),
            ]
        raw.close()
        client.close()
        app.dispose()
    return results


BENCHMARKS = [change_log_page]
