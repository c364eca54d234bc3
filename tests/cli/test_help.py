from __future__ import annotations

import click
from click.testing import CliRunner

from zonewatch.cli.main import cli


def _command_paths(command: click.Command, path: list[str]) -> list[list[str]]:
    paths = [path]
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            sub = command.get_command(context, name)
            assert sub is not None, [*path, name]
            paths.extend(_command_paths(sub, [*path, name]))
    return paths


def test_every_command_has_help() -> None:
    runner = CliRunner()
    paths = _command_paths(cli, [])
    assert ["entities", "show"] in paths
    assert ["init"] in paths
    for path in paths:
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
