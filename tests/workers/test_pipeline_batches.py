"""How a stage's batch meets a failure (``workers.pipeline.whole_or_each`` and ``isolated``):
bad input fails its id alone and the rest is stored; any other database error (a lost
connection, a key another worker took first) fails the batch, so that the message is retried
whole, and no id is recorded as failed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm import Session

from zonewatch.workers.pipeline import Advance, whole_or_each

REFUSED = DataError("INSERT INTO facts", {}, Exception("numeric field overflow"))
LOST = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def failing_on(
    bad: int, first: Exception, alone: Exception | None = None
) -> Callable[..., list[int]]:
    """A step that raises ``first`` for a batch holding ``bad``, and ``alone`` (or ``first``)
    when it runs for ``bad`` on its own."""

    def step(_session: Session, ids: list[int]) -> list[int]:
        if bad in ids:
            raise (alone or first) if ids == [bad] else first
        return ids

    return step


def test_bad_input_fails_its_id_alone(db_session: Session) -> None:
    advance = Advance()

    assert whole_or_each(db_session, [1, 2, 3], advance, failing_on(2, REFUSED)) == [[1], [3]]
    assert list(advance.errors) == [2]
    assert "numeric field overflow" in advance.errors[2]


def test_another_database_error_fails_the_batch(db_session: Session) -> None:
    advance = Advance()

    with pytest.raises(OperationalError):
        whole_or_each(db_session, [1, 2, 3], advance, failing_on(2, LOST))
    assert advance.errors == {}


def test_another_database_error_met_id_by_id_fails_the_batch_too(db_session: Session) -> None:
    advance = Advance()

    with pytest.raises(OperationalError):
        whole_or_each(db_session, [1, 2, 3], advance, failing_on(2, REFUSED, alone=LOST))
    assert advance.errors == {}
