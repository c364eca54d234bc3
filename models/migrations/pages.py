"""Rewriting a column of every row, a page of rows at a time, for data migrations.

The migrations that re-encode stored values (texts packed, evidence cut or coded) state how
each value changes; this is only the mechanism they share. Rows are read in keyset pages on the
primary key, so a large database is never read into memory at once, and only the rows whose
value changes are written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

PAGE = 2000


def rewrite_in_pages(
    table: str,
    key: tuple[str, ...],
    column: str,
    change: Callable[[Any], Any | None],
    stored_as: sa.types.TypeEngine[Any] | None = None,
) -> None:
    """Give every non-NULL ``column`` (of type ``stored_as``) of ``table`` (primary key ``key``)
    the value ``change`` returns for it; ``None`` leaves the row as it is."""
    rows = sa.table(table, *(sa.column(name) for name in key), sa.column(column, stored_as))
    keys = [rows.c[name] for name in key]
    value = rows.c[column]
    update = (
        rows.update()
        .where(*(rows.c[name] == sa.bindparam(f"k_{name}") for name in key))
        .values({column: sa.bindparam("rewritten")})
    )
    bind = op.get_bind()
    after: tuple[Any, ...] | None = None
    while True:
        page = sa.select(*keys, value).where(value.is_not(None)).order_by(*keys).limit(PAGE)
        if after is not None:
            page = page.where(sa.tuple_(*keys) > sa.tuple_(*after))
        found = bind.execute(page).all()
        if not found:
            return
        changed = []
        for row in found:
            rewritten = change(row[len(key)])
            if rewritten is not None:
                keyed = {f"k_{name}": row._mapping[name] for name in key}
                changed.append({**keyed, "rewritten": rewritten})
        if changed:
            bind.execute(update, changed)
        after = tuple(found[-1][: len(key)])
