"""Argon2id at its cheapest for the tests, through the settings.

The console hashes with the library's recommended parameters (64 MiB, three passes), which
is the point in production and costs about a second per hash on a busy two-core CI machine;
the web tests add a user of every role and sign in for nearly every test. The tests check
what the console does with hashes, not Argon2's cost, so the apps and commands they start
get the same algorithm with its smallest parameters: in-process apps through
``configure(**CHEAP_HASHING)``, subprocesses through :data:`CHEAP_HASHING_ENV`.
"""

from __future__ import annotations

from zonewatch.config.settings import variable

CHEAP_HASHING: dict[str, object] = {
    "password_hash_time_cost": 1,
    "password_hash_memory_kib": 8,
    "password_hash_parallelism": 1,
}
CHEAP_HASHING_ENV = {variable(name): str(value) for name, value in CHEAP_HASHING.items()}
