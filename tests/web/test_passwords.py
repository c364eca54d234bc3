"""Console passwords are hashed at the cost the settings give, and a login moves a hash made
at another cost to the current one."""

from __future__ import annotations

import subprocess
import sys

from argon2 import extract_parameters

from tests.testkit.passwords import CHEAP_HASHING
from zonewatch.app import App
from zonewatch.config.settings import PasswordHashing, Settings
from zonewatch.web.passwords import hash_password, needs_rehash, verify_password
from zonewatch.web.users import add_user, authenticate, get_user

CHEAP = Settings(**CHEAP_HASHING).password_hashing  # type: ignore[arg-type]
OTHER = PasswordHashing(time_cost=2, memory_cost=16, parallelism=2)
PASSWORD = "correct horse battery staple"


def test_a_hash_carries_the_configured_cost() -> None:
    made = extract_parameters(hash_password(PASSWORD, OTHER))
    assert (made.time_cost, made.memory_cost, made.parallelism) == (2, 16, 2)
    assert verify_password(hash_password(PASSWORD, OTHER), PASSWORD, CHEAP)
    assert needs_rehash(hash_password(PASSWORD, OTHER), CHEAP)
    assert not needs_rehash(hash_password(PASSWORD, CHEAP), CHEAP)


def test_unknown_users_and_wrong_or_huge_passwords_are_refused() -> None:
    stored = hash_password(PASSWORD, CHEAP)
    assert not verify_password(None, PASSWORD, CHEAP)
    assert not verify_password(stored, "wrong horse battery staple", CHEAP)
    assert not verify_password(stored, "x" * 2000, CHEAP)
    assert not verify_password("not a hash", PASSWORD, CHEAP)


def test_a_login_rehashes_at_the_configured_cost(app: App) -> None:
    with app.session() as session:
        add_user(session, "kim", PASSWORD, "analyst", cost=OTHER)
    with app.session() as session:
        assert authenticate(session, "kim", PASSWORD, cost=app.settings.password_hashing)
    with app.session() as session:
        stored = extract_parameters(get_user(session, "kim").password_hash)
        assert (stored.time_cost, stored.memory_cost, stored.parallelism) == (1, 8, 1)


def test_importing_the_module_hashes_nothing() -> None:
    """Building the hasher and its dummy hash at import cost every importer a full Argon2
    hash (64 MiB) before the first login."""
    script = (
        "import zonewatch.web.passwords as p\n"
        "print(p._hasher.cache_info().currsize, p._dummy_hash.cache_info().currsize)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["0", "0"]
