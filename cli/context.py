"""What every command shares: a lazily configured app, and output helpers."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console

from zonewatch.app import App, configure


class CliContext:
    """Holds overrides from global options and builds the app on first use."""

    def __init__(self, overrides: dict[str, Any]) -> None:
        self.overrides = overrides
        self._app: App | None = None
        self.console = Console(highlight=False, soft_wrap=True)
        self.errors = Console(stderr=True, highlight=False, soft_wrap=True)

    @property
    def app(self) -> App:
        if self._app is None:
            self._app = configure(**self.overrides)
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.dispose()
            self._app = None


pass_cli = click.make_pass_decorator(CliContext)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
