"""The production topology only names commands the CLI really has."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from zonewatch.cli.main import cli

ROOT = Path(__file__).resolve().parents[1]


def test_every_service_command_exists_in_the_cli() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "worker", "beat", "web"} <= set(services)
    checked = 0
    for name, service in services.items():
        command = service.get("command")
        if not command or command[0] != "zonewatch":
            continue
        context = click.Context(cli)
        args = command[1:]
        current: click.Command = cli
        while isinstance(current, click.Group) and args and not args[0].startswith("-"):
            found = current.get_command(context, args[0])
            assert found is not None, f"service {name}: no command {args[0]!r}"
            current, args = found, args[1:]
        current.make_context(name, list(args), parent=context)  # options must parse
        checked += 1
    assert checked >= 3


def test_beat_runs_once_and_services_have_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "--appendonly" in services["redis"]["command"]
    for name in ("postgres", "redis"):
        assert "healthcheck" in services[name], name


def test_the_secret_key_has_no_default_and_must_be_set() -> None:
    """``${VAR:?message}`` makes ``docker compose up`` stop with the message when it is unset;
    ``${VAR:-default}`` would start every service with a published key."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    environment = compose["x-zonewatch"]["environment"]
    assert (
        environment["ZONEWATCH_SECRET_KEY"] == "${ZONEWATCH_SECRET_KEY:?set ZONEWATCH_SECRET_KEY}"
    )
    assert "change-me" not in (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
