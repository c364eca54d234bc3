from __future__ import annotations

from sqlalchemy import inspect, text

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


def test_existing_subscribers_get_distinct_random_token_keys(fresh_database_url: str) -> None:
    """Tokens must name the row's own key: every existing row gets one, none shared."""
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "59e0ce5433d5")
        with engine.begin() as connection:
            for n in range(3):
                connection.execute(
                    text(
                        "INSERT INTO subscribers (email, language, timezone, status,"
                        " hard_failures, created_at, updated_at) VALUES (:email, 'ko',"
                        " 'Asia/Seoul', 'active', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"email": f"s{n}@example.org"},
                )
        upgrade(engine)
        with engine.connect() as connection:
            keys = connection.execute(text("SELECT token_key FROM subscribers")).scalars().all()
        assert len(keys) == 3
        assert len(set(keys)) == 3
        assert all(key and len(key) >= 32 for key in keys)
    finally:
        engine.dispose()
