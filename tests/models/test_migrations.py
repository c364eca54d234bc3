from __future__ import annotations

from sqlalchemy import inspect

from zonewatch.models import Base
from zonewatch.models.db import make_engine
from zonewatch.models.migrate import check, current_revision, head_revision, upgrade


def test_migrations_create_the_model_schema_and_agree_with_it(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        check(engine)  # raises when models and migrations disagree (alembic check)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        engine.dispose()


def test_upgrade_twice_is_a_no_op(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine)
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
