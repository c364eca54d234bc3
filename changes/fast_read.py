"""The simple pages of the change log read without SQLAlchemy, from compiled SQL.

``changes list`` of the newest records (under no filter, one source or one topic) and
``timeline`` of an entity named by its id are queries of a few milliseconds behind most of a
second of importing SQLAlchemy and the ORM. Here the same statements, compiled from
:mod:`zonewatch.changes.queries` into :mod:`zonewatch.changes.compiled_sql` by ``make sql``,
run on :mod:`sqlite3` or :mod:`psycopg`, and the rows become what the ORM's rows become
(:class:`ChangeView`, :class:`TimelineEvent`). A list takes this path by its shape alone; a
timeline also by its tree's size, read here (None sends it to the ORM). An error here is an
error, never a reason to try the other path.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from zonewatch.changes.compiled_sql import (
    MODEL_CHANGE_COLUMNS,
    PADDING,
    PARAMS,
    RECORD_COLUMNS,
    SQL,
    TIMELINE_COLUMNS,
    TREE_SIZES,
)
from zonewatch.changes.log_view import (
    ChangeView,
    ListRequest,
    Release,
    TimelineEvent,
    merged_timeline,
    model_event,
    record_event,
    sorted_links,
    unknown_source,
    unknown_topic,
)
from zonewatch.changes.reach import Link, Reach, reach_of
from zonewatch.config.database import (
    SQLITE_BUSY_TIMEOUT_MS,
    DatabaseLocation,
    DatabaseProblemError,
    PostgresServer,
    SqliteFile,
    describe_database_problem,
)
from zonewatch.packing import UNPACK_SQL, unpack_sql
from zonewatch.timefmt import aware

if TYPE_CHECKING:
    from collections.abc import Sequence

SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy stores a time in SQLite (what a comparison with a stored time needs)."""


class _Reader:
    """Runs compiled statements of one dialect on one open connection."""

    def __init__(self, dialect: str, execute: Callable[[str, dict[str, Any]], list[Any]]) -> None:
        self.dialect = dialect
        self._execute = execute

    def rows(self, name: str, values: Mapping[str, Any]) -> list[Any]:
        params = {
            bound: self._bound(values[own]) for bound, own in PARAMS[self.dialect][name].items()
        }
        return self._execute(SQL[self.dialect][name], params)

    def _bound(self, value: Any) -> Any:
        """A time as the ORM binds it: UTC, and on SQLite in the text form it stores."""
        if isinstance(value, dt.datetime) and self.dialect == "sqlite":
            return value.astimezone(dt.UTC).strftime(SQLITE_DATETIME)
        return value


@contextmanager
def _sqlite(location: SqliteFile) -> Iterator[_Reader]:
    """A read-only connection with what reading needs of the engine's set-up (its wait for a
    writer, ``zw_unpack``), in one read transaction (every statement of a page sees the same
    records)."""
    if not location.path.is_file():
        raise DatabaseProblemError(describe_database_problem("no such table: change_records"))
    uri = f"file:{quote(str(location.path.resolve()))}?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseProblemError(describe_database_problem(str(exc))) from None
    connection.isolation_level = None
    connection.create_function(UNPACK_SQL, 1, unpack_sql, deterministic=True)
    try:
        connection.execute("BEGIN")
        yield _Reader("sqlite", lambda sql, params: connection.execute(sql, params).fetchall())
    except sqlite3.Error as exc:
        raise DatabaseProblemError(describe_database_problem(str(exc))) from None
    finally:
        connection.close()


@contextmanager
def _postgresql(location: PostgresServer) -> Iterator[_Reader]:
    import psycopg

    try:
        with psycopg.connect(location.conninfo) as connection:
            yield _Reader(
                "postgresql", lambda sql, params: connection.execute(sql, params).fetchall()
            )
    except psycopg.Error as exc:
        raise DatabaseProblemError(describe_database_problem(str(exc))) from None


def _reader(location: DatabaseLocation) -> AbstractContextManager[_Reader]:
    return _sqlite(location) if isinstance(location, SqliteFile) else _postgresql(location)


def _datetime(value: Any) -> dt.datetime | None:
    """A stored time as the ORM's ``UTCDateTime`` gives it back: aware, in UTC."""
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return aware(moment).astimezone(dt.UTC)


@cache
def _converters(dialect: str) -> dict[str, Callable[[Any], Any]]:
    on_sqlite = dialect == "sqlite"
    return {
        "plain": lambda value: value,
        "datetime": _datetime,
        "bool": bool if on_sqlite else (lambda value: value),
        "json": (lambda value: None if value is None else json.loads(value))
        if on_sqlite
        else (lambda value: value),
        "packed": unpack_sql if on_sqlite else (lambda value: value),
        "date": (lambda value: None if value is None else dt.date.fromisoformat(value))
        if on_sqlite
        else (lambda value: value),
    }


def _named(
    row: Sequence[Any], columns: tuple[tuple[str, str], ...], dialect: str
) -> dict[str, Any]:
    """A row as the ORM gives it back, by column name."""
    convert = _converters(dialect)
    return {name: convert[kind](value) for (name, kind), value in zip(columns, row, strict=True)}


def _check_known(reader: _Reader, request: ListRequest) -> None:
    """Name a misspelt id rather than answer with an empty list (as the ORM path does)."""
    values = request.values()
    if request.source_id is not None and not reader.rows("source_exists", values):
        raise unknown_source(request.source_id)
    if request.topic_id is not None and not reader.rows("topic_exists", values):
        raise unknown_topic(request.topic_id)


def list_page(location: DatabaseLocation, request: ListRequest) -> list[ChangeView]:
    """The page ``request`` asks for, newest release first, as ``list_changes`` reads it."""
    with _reader(location) as reader:
        _check_known(reader, request)
        values = request.values()
        shape = request.shape.value
        rows = reader.rows(f"{shape}.records", values)
        records = [_named(row, RECORD_COLUMNS, reader.dialect) for row in rows]
        entities = sorted_links(reader.rows(f"{shape}.entities", values))
        topics = sorted_links(reader.rows(f"{shape}.topics", values))
    return [
        ChangeView.of(
            record,
            record["document_url"],
            Release.of(record["released_at"], record["document_published_at"]),
            entities.get(record["id"], ()),
            topics.get(record["id"], ()),
        )
        for record in records
    ]


def _tree_size(ids: tuple[str, ...]) -> int | None:
    """The compiled size a tree is read with, None when it is larger than any."""
    return next((size for size in TREE_SIZES if size >= len(ids)), None)


def _padded(ids: tuple[str, ...], size: int) -> dict[str, str]:
    return {f"entity_{n}": entity_id for n, entity_id in enumerate(ids)} | {
        f"entity_{n}": PADDING for n in range(len(ids), size)
    }


def timeline_events(
    location: DatabaseLocation, entity_id: str, limit: int
) -> list[TimelineEvent] | None:
    """``zonewatch timeline ENTITY`` of an entity given by its id, as
    :func:`zonewatch.changes.queries.timeline` reads it; None when the shape is not one this
    reads: ``entity_id`` is no entity's id (it may be a name, which only the ORM path
    resolves) or its tree is larger than the largest compiled one."""
    with _reader(location) as reader:
        ids = tuple(sorted(row[0] for row in reader.rows("tree", {"root": entity_id})))
        size = _tree_size(ids)
        if not ids or size is None:
            return None
        prefix = f"timeline.{size}"
        padded = _padded(ids, size)

        def newest_of(chunk: tuple[str, ...], count: int) -> list[Link]:
            values = _padded(chunk, size) | {"count": count, "offset": 0}
            rows = reader.rows(f"{prefix}.links", values)
            return [(change_id, _placed(placed)) for change_id, placed in rows]

        reach: Reach = reach_of(newest_of, ids, limit)
        within = "all" if reach.oldest is None else "reach"
        values = padded | {"limit": limit, "offset": 0, "oldest": reach.oldest}
        rows = reader.rows(f"{prefix}.records.{within}", values)
        links = reader.rows(f"{prefix}.entities.{within}", values)
        models = reader.rows(f"{prefix}.models", values)
        dialect = reader.dialect
    entities = sorted_links((change_id, linked) for change_id, linked in links)
    records = [record_event(_named(row, TIMELINE_COLUMNS, dialect), entities) for row in rows]
    model_changes = [model_event(_named(row, MODEL_CHANGE_COLUMNS, dialect)) for row in models]
    return merged_timeline(records, model_changes, limit)


def _placed(value: Any) -> dt.datetime:
    placed = _datetime(value)
    if placed is None:
        raise ValueError("a link without a place in the log")
    return placed
