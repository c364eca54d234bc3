"""Full-text search of the change log: a record matches a term when its title or summary,
or the title or text of a document version it points to (old or new), contains the term.

Several terms (separated by spaces) must all match, each anywhere. Matching is by substring,
without regard to ASCII case, so Korean words match inside longer ones (송도 in 송도동).

The same query answers on both databases through the indexes ``models.search`` names:

- SQLite: an FTS5 table with the trigram tokenizer finds terms of 3 characters or more.
  It stores only which rows hold each trigram (``detail=none``), so a term is asked as
  all of its trigrams and each candidate row is checked with LIKE. A trigram index cannot
  hold anything shorter, so a term of 1 or 2 characters (Korean place names such as 송도
  or 청라 are often two) is matched with LIKE on the same columns, record by record in the
  log's order (each record's own versions by id): a common term fills a page quickly, a
  rare one reads every record and version. A bigram index would lift that limit at the
  cost of a second, larger index kept by triggers; not done.
- PostgreSQL: ILIKE on the columns the pg_trgm GIN indexes cover, for every length (the
  index narrows terms of 3 or more; shorter ones are read in full, as on SQLite).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    Select,
    and_,
    column,
    or_,
    select,
    table,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

from zonewatch.errors import InputError
from zonewatch.models import ChangeRecord, DocumentVersion
from zonewatch.models.search import CHANGE_SEARCH, VERSION_SEARCH

TRIGRAM = 3
"""The shortest term the trigram indexes can find."""
MAX_TERMS = 8
MAX_TERM_LENGTH = 100
LIKE_ESCAPE = "\\"


def search_terms(text: str) -> tuple[str, ...]:
    """The terms of a search box's text; InputError when there are too many or one is too
    long to be a word (a pasted document is not a search)."""
    terms = tuple(dict.fromkeys(text.split()))
    if len(terms) > MAX_TERMS:
        raise InputError(f"a search has at most {MAX_TERMS} words, not {len(terms)}")
    for term in terms:
        if len(term) > MAX_TERM_LENGTH:
            raise InputError(f"a search word has at most {MAX_TERM_LENGTH} characters")
    return terms


def _like_pattern(term: str) -> str:
    escaped = term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts_phrase(term: str) -> str:
    """The term as one FTS5 string: a quoted phrase, so that operators in it are text."""
    return '"' + term.replace('"', '""') + '"'


def _fts_trigrams(term: str) -> str:
    """The term as an FTS5 query its index can answer: every trigram of it, all required.

    The indexes keep which rows hold a trigram, not where (``detail=none``, a third of the
    size), so they cannot answer a phrase: a row holding all the term's trigrams is only a
    candidate, and ``_fts_match`` checks it with LIKE.
    """
    trigrams = dict.fromkeys(term[i : i + TRIGRAM] for i in range(len(term) - TRIGRAM + 1))
    return " AND ".join(_fts_phrase(trigram) for trigram in trigrams)


def _points_to(versions: Select[tuple[int]]) -> ColumnElement[bool]:
    return or_(ChangeRecord.new_version_id.in_(versions), ChangeRecord.old_version_id.in_(versions))


def _fts_match(term: str) -> ColumnElement[bool]:
    query = _fts_trigrams(term)
    records = table(CHANGE_SEARCH, column("rowid", Integer), column(CHANGE_SEARCH))
    versions = table(VERSION_SEARCH, column("rowid", Integer), column(VERSION_SEARCH))
    return or_(
        _checked(
            ChangeRecord.id.in_(
                select(records.c.rowid).where(records.c[CHANGE_SEARCH].op("MATCH")(query))
            ),
            term,
            ChangeRecord.title,
            ChangeRecord.summary,
        ),
        _points_to(
            select(DocumentVersion.id).where(
                _checked(
                    DocumentVersion.id.in_(
                        select(versions.c.rowid).where(
                            versions.c[VERSION_SEARCH].op("MATCH")(query)
                        )
                    ),
                    term,
                    DocumentVersion.title,
                    DocumentVersion.text,
                )
            )
        ),
    )


def _checked(candidates: ColumnElement[bool], term: str, *columns: Any) -> ColumnElement[bool]:
    """The index's candidates for ``term``, checked against the columns with LIKE when the
    term is longer than one trigram (one trigram the index answers exactly, and reading the
    texts of a common one cost ten times the lookup)."""
    if len(term) == TRIGRAM:
        return candidates
    return and_(candidates, or_(*(_has(column, term, False) for column in columns)))


def _has(column: Any, term: str, case_blind: bool) -> ColumnElement[bool]:
    pattern = _like_pattern(term)
    if case_blind:
        return column.ilike(pattern, escape=LIKE_ESCAPE)  # type: ignore[no-any-return]
    return column.like(pattern, escape=LIKE_ESCAPE)  # type: ignore[no-any-return]


def _like(term: str, case_blind: bool) -> ColumnElement[bool]:
    """The versions as one set: PostgreSQL's trigram indexes find it without reading them."""

    def has(column: Any) -> ColumnElement[bool]:
        return _has(column, term, case_blind)

    return or_(
        has(ChangeRecord.title),
        has(ChangeRecord.summary),
        _points_to(
            select(DocumentVersion.id).where(
                or_(has(DocumentVersion.title), has(DocumentVersion.text))
            )
        ),
    )


def _like_each(term: str) -> ColumnElement[bool]:
    """SQLite's short terms, which no index holds: each record's own two versions are read
    (by their ids) as the log's index walks the records newest first, so a common term fills
    a page after a few hundred records instead of reading every version first. A rare one
    still reads them all: that is the limit of a term shorter than a trigram."""

    def version_has(version_id: Any) -> ColumnElement[bool]:
        return (
            select(DocumentVersion.id)
            .where(
                DocumentVersion.id == version_id,
                or_(
                    _has(DocumentVersion.title, term, False),
                    _has(DocumentVersion.text, term, False),
                ),
            )
            .exists()
        )

    return or_(
        _has(ChangeRecord.title, term, False),
        _has(ChangeRecord.summary, term, False),
        version_has(ChangeRecord.new_version_id),
        version_has(ChangeRecord.old_version_id),
    )


class Mentions(ColumnElement[bool]):
    """A condition on ``ChangeRecord``: the record mentions ``term`` (module docstring).

    One element that each database compiles its own way (always in parentheses: it is an
    OR inside the filters' AND), so that filters stay plain data built without a session
    (``ChangeFilter`` -> ``change_query``).
    """

    inherit_cache = False
    type = Boolean()

    def __init__(self, term: str) -> None:
        self.term = term


@compiles(Mentions)
def _mentions_elsewhere(element: Mentions, compiler: SQLCompiler, **kw: Any) -> str:
    return "(" + compiler.process(_like(element.term, case_blind=True), **kw) + ")"


@compiles(Mentions, "sqlite")
def _mentions_on_sqlite(element: Mentions, compiler: SQLCompiler, **kw: Any) -> str:
    """LIKE on SQLite ignores ASCII case already (as the trigram tokenizer does)."""
    if len(element.term) >= TRIGRAM:
        return "(" + compiler.process(_fts_match(element.term), **kw) + ")"
    return "(" + compiler.process(_like_each(element.term), **kw) + ")"


def search_conditions(text: str) -> list[ColumnElement[bool]]:
    """One condition per term of ``text`` (none for an empty search)."""
    return [Mentions(term) for term in search_terms(text)]
