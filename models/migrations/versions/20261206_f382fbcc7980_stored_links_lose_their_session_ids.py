"""stored links lose their session ids

Crawls stored article and file links as the site gave them, and JSP boards give a new
``;jsessionid=…`` with every visit (PHP ones ``sid=`` or ``PHPSESSID=``). New links are stored
canonical (zonewatch.urls); this cleans the session ids out of the links already
stored, with a frozen copy of the rule, so that this migration does the same thing whatever
the module later becomes. Tracking parameters and fragments are left to the next crawl.

Revision ID: f382fbcc7980
Revises: 527b2fd1752f
Create Date: 2026-12-06 17:48:05.606102

"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "f382fbcc7980"
down_revision: str | Sequence[str] | None = "527b2fd1752f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("documents", "snapshots", "attachments")
_SESSION_NAMES = ("jsessionid", "phpsessid", "sid", "sessionid", "session_id", "cfid", "cftoken")
_PATH_PARAMETER = re.compile(r";(?:" + "|".join(_SESSION_NAMES) + r")=[^;/?#]*", re.IGNORECASE)
_LIKELY = ("%sess%", "%sid%", "%cfid%", "%cftoken%")
"""Every session name contains one of these: only such rows are read."""


def _without_session_ids(url: str) -> str:
    rest, hash_mark, fragment = url.partition("#")
    path, _, query = rest.partition("?")
    clean_path = _PATH_PARAMETER.sub("", path)
    pieces = query.split("&")
    kept = [
        piece for piece in pieces if piece.partition("=")[0].strip().lower() not in _SESSION_NAMES
    ]
    if clean_path == path and len(kept) == len(pieces):
        return url
    clean_query = "&".join(kept)
    tail = f"{hash_mark}{fragment}"
    return f"{clean_path}?{clean_query}{tail}" if clean_query else f"{clean_path}{tail}"


def upgrade() -> None:
    """Rewrite each stored link that carries a session id."""
    connection = op.get_bind()
    for name in TABLES:
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("url", sa.String))
        likely = sa.or_(*(sa.func.lower(table.c.url).like(pattern) for pattern in _LIKELY))
        rows = connection.execute(sa.select(table.c.id, table.c.url).where(likely)).all()
        for row_id, url in rows:
            clean = _without_session_ids(url)
            if clean != url:
                connection.execute(table.update().where(table.c.id == row_id).values(url=clean))


def downgrade() -> None:
    """Nothing to undo: the session ids were dead links."""
