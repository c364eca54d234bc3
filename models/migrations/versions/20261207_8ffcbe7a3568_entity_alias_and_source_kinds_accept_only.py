"""entity, alias and source kinds accept only their enum values

``entities.kind``, ``entity_aliases.alias_kind`` and ``sources.kind`` get named CHECK
constraints listing the values of ``EntityKind``, ``AliasKind`` and ``SourceKind`` (copied
here: a migration states the schema of its day). As in 9f17020e71da, PostgreSQL adds each
constraint in place and SQLite gets it written into the table's stored CREATE statement,
after checking every row passes: a batch rebuild of ``sources`` or ``entities`` would run
their children's ON DELETE actions.

Revision ID: 8ffcbe7a3568
Revises: 82697b121b7b
Create Date: 2026-12-07 03:25:00.000000

"""

from collections.abc import Sequence

from zonewatch.models.migrations.checks import (
    Constraints,
    add_check_constraints,
    drop_check_constraints,
)

# revision identifiers, used by Alembic.
revision: str = "8ffcbe7a3568"
down_revision: str | Sequence[str] | None = "82697b121b7b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENTITY_KINDS = (
    "authority",
    "zone_system",
    "fez",
    "fez_district",
    "industrial_complex",
    "zone_type",
    "special_zone",
    "programme",
    "body",
    "cluster",
    "district",
)

CONSTRAINTS: Constraints = {
    "sources": (("kind", "kind", ("board", "feed", "api")),),
    "entities": (("kind", "kind", ENTITY_KINDS),),
    "entity_aliases": (
        ("alias_kind", "alias_kind", ("name", "abbreviation", "alias", "weak", "former")),
    ),
}


def upgrade() -> None:
    """Add the constraints, table by table."""
    add_check_constraints(CONSTRAINTS)


def downgrade() -> None:
    """Drop them again."""
    drop_check_constraints(CONSTRAINTS)
