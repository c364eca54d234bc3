"""Replay tests use the shared ``replay_server`` fixture (a started server in state 0)."""

from tests.testkit.replay import replay_server  # noqa: F401  (a pytest fixture)
