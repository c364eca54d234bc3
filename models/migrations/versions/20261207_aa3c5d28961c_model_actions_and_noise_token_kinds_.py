"""model actions and noise token kinds accept only their enum values

``entity_changes.action`` and ``noise_rules.kind`` get named CHECK constraints listing the
values of ``ModelAction`` and ``TokenKind`` (copied here: a migration states the schema of its
day), through the mechanism of 8ffcbe7a3568: refuse rows holding other values before changing
anything, add the constraint in place on PostgreSQL, write it into the stored CREATE statement
on SQLite (a batch rebuild of either table is not needed for a constraint).

Revision ID: aa3c5d28961c
Revises: 034ee75f6022
Create Date: 2026-12-07 06:09:19.114774

"""

from collections.abc import Sequence

from zonewatch.models.migrations.checks import (
    Constraints,
    add_check_constraints,
    drop_check_constraints,
)

# revision identifiers, used by Alembic.
revision: str = "aa3c5d28961c"
down_revision: str | Sequence[str] | None = "034ee75f6022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MODEL_ACTIONS = (
    "create",
    "retire",
    "rename",
    "lift",
    "designate",
    "expand",
    "reduce",
    "reform",
    "update",
)

CONSTRAINTS: Constraints = {
    "entity_changes": (("action", "action", MODEL_ACTIONS),),
    "noise_rules": (("kind", "kind", ("url", "email", "session", "phone", "date", "count")),),
}


def upgrade() -> None:
    """Add the constraints, table by table."""
    add_check_constraints(CONSTRAINTS)


def downgrade() -> None:
    """Drop them again."""
    drop_check_constraints(CONSTRAINTS)
