"""Grow a database with synthetic history, fast: documents, versions, change records, entity
links and subscriptions written by bulk inserts (executemany) in chunks, without the pipeline.

Benchmarks about what grows (the change log, the timeline, matching, the pipeline on a used
database) need a database that has been in use for years; running the pipeline to get there
would take longer than the benchmark. The rows are shaped like the pipeline's (a release
date on four records in five, one to three entities each, dedupe keys) so that the same
queries and indexes are exercised. ``python -m bench.synthetic DATABASE_URL RECORDS`` grows an
existing (initialised) database from the command line.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from zonewatch.alerts.matching import Rule
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.models import ChangeRecord, Document, DocumentVersion, Entity, Source
from zonewatch.models.alerts import Subscriber, Subscription
from zonewatch.models.changes import ChangeEntity

SOURCE_ID = "bench-synthetic"
RECORDS_PER_DOCUMENT = 4
CHUNK = 10_000
START = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
KINDS = ("new_document", "changed_document", "correction", "fact_change")
STATUSES = ("new", "reviewed", "noise", "important")
WORDS = [
    "송도",
    "청라",
    "영종",
    "국제도시",
    "경제자유구역",
    "매립",
    "계획",
    "변경",
    "고시",
    "지정",
    "해제",
    "산업단지",
    "투자",
    "유치",
    "기업",
    "입주",
    "개발",
    "사업",
    "공고",
    "보도자료",
    "인천",
    "부산",
    "광양만",
    "새만금",
    "plan",
    "zone",
    "investment",
    "notice",
]


@dataclass(frozen=True)
class Grown:
    documents: int
    records: int
    seconds: float


def _chunks(rows: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _next_id(connection: Connection, column: Any) -> int:
    return int(connection.scalar(select(func.coalesce(func.max(column), 0))) or 0) + 1


def _ensure_source(connection: Connection) -> None:
    if connection.scalar(select(Source.id).where(Source.id == SOURCE_ID)) is None:
        connection.execute(
            insert(Source),
            [
                {
                    "id": SOURCE_ID,
                    "name": "Synthetic history",
                    "kind": "board",
                    "url": "https://synthetic.example.go.kr/",
                    "language": "ko",
                }
            ],
        )


def _entity_pool(connection: Connection) -> list[str]:
    """Leaves more often than the top of the tree, as the classifier tags them."""
    rows = connection.execute(select(Entity.id, Entity.parent_id)).all()
    if not rows:
        raise RuntimeError("no entities: initialise the database before growing it")
    parents = {parent for _, parent in rows if parent}
    return [entity for entity, _ in rows for _ in range(1 if entity in parents else 3)]


def grow(app: App, records: int, *, seed: int = 17) -> Grown:
    """Add ``records`` change records (and a document and version for every
    ``RECORDS_PER_DOCUMENT`` of them) after whatever the database holds."""
    started = time.perf_counter()
    rng = random.Random(seed)
    documents = -(-records // RECORDS_PER_DOCUMENT)
    with app.engine.begin() as connection:
        _ensure_source(connection)
        entities = _entity_pool(connection)
        first_document = _next_id(connection, Document.id)
        first_version = _next_id(connection, DocumentVersion.id)
        first_record = _next_id(connection, ChangeRecord.id)
        for start in range(0, documents, CHUNK):
            numbers = range(start, min(documents, start + CHUNK))
            connection.execute(insert(Document), [_document(first_document + n) for n in numbers])
            connection.execute(
                insert(DocumentVersion),
                [_version(first_version + n, first_document + n, rng) for n in numbers],
            )
        for start in range(0, records, CHUNK):
            numbers = range(start, min(records, start + CHUNK))
            rows = [
                _record(first_record + n, first_document, first_version, n, rng) for n in numbers
            ]
            connection.execute(insert(ChangeRecord), rows)
            links = [
                {"change_id": row["id"], "entity_id": entity, "placed_at": row["placed_at"]}
                for row in rows
                for entity in set(rng.sample(entities, rng.randint(1, 3)))
            ]
            connection.execute(insert(ChangeEntity), links)
    return Grown(documents, records, time.perf_counter() - started)


def _document(document_id: int) -> dict[str, object]:
    return {
        "id": document_id,
        "source_id": SOURCE_ID,
        "external_id": f"synthetic-{document_id}",
        "url": f"https://synthetic.example.go.kr/view/{document_id}",
        "published_at": START + dt.timedelta(minutes=20 * document_id),
    }


def _version(version_id: int, document_id: int, rng: random.Random) -> dict[str, object]:
    return {
        "id": version_id,
        "document_id": document_id,
        "number": 1,
        "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)} 공고 {document_id}",
        "text": " ".join(rng.choice(WORDS) for _ in range(24)),
        "content_hash": f"synthetic-{version_id}",
        "extractor_version": "1",
    }


def _record(
    record_id: int, first_document: int, first_version: int, n: int, rng: random.Random
) -> dict[str, object]:
    """A fifth have no release date of their own and sit at their document's (bulk inserts
    skip the ORM's placing, so the row carries its place itself)."""
    document = n // RECORDS_PER_DOCUMENT
    occurred = START + dt.timedelta(minutes=5 * n + 3)
    released = START + dt.timedelta(minutes=5 * n) if n % 5 else None
    return {
        "id": record_id,
        "kind": KINDS[n % len(KINDS)],
        "dedupe_key": f"synthetic-{record_id}",
        "document_id": first_document + document,
        "source_id": SOURCE_ID,
        "new_version_id": first_version + document,
        "title": f"{rng.choice(WORDS)} {rng.choice(WORDS)} {record_id}",
        "summary": f"{rng.choice(WORDS)} {rng.choice(WORDS)}",
        "significance": round(rng.random(), 3),
        "review_status": STATUSES[n // len(KINDS) % len(STATUSES)],
        "released_at": released,
        "occurred_at": occurred,
        "created_at": occurred,
        "placed_at": released or START + dt.timedelta(minutes=20 * (first_document + document)),
    }


def subscribe(app: App, rules: Sequence[Rule]) -> int:
    """Store ``rules`` (see :func:`bench.bench_matching.make_rules`) as subscribers and their
    subscriptions; returns the number of subscribers."""
    subscriber_ids = sorted({rule.subscriber_id for rule in rules})
    with app.engine.begin() as connection:
        first = _next_id(connection, Subscriber.id)
        ids = {number: first + position for position, number in enumerate(subscriber_ids)}
        subscribers = [
            {"id": ids[number], "email": f"bench-{ids[number]}@example.org"}
            for number in subscriber_ids
        ]
        for chunk in _chunks(subscribers):
            connection.execute(insert(Subscriber), chunk)
        rows = [_subscription(rule, ids[rule.subscriber_id]) for rule in rules]
        for chunk in _chunks(rows):
            connection.execute(insert(Subscription), chunk)
    return len(subscriber_ids)


def _subscription(rule: Rule, subscriber_id: int) -> dict[str, object]:
    return {
        "subscriber_id": subscriber_id,
        "entity_id": rule.entity_id,
        "topic_id": rule.topic_id,
        "source_id": rule.source_id,
        "keyword": rule.keyword,
        "language": rule.language,
        "change_kind": rule.change_kind,
        "min_significance": rule.min_significance,
        "delivery": rule.delivery,
        "channel": rule.channel,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit():
        print("usage: python -m bench.synthetic DATABASE_URL RECORDS", file=sys.stderr)
        return 2
    app = configure(database_url=argv[0])
    initialize(app)
    grown = grow(app, int(argv[1]))
    app.dispose()
    print(f"{grown.records:,} records on {grown.documents:,} documents in {grown.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
