"""What every command shares: a lazily configured app, and output helpers."""

from __future__ import annotations

import datetime as dt
import json
from functools import cached_property
from typing import TYPE_CHECKING, Any

import click

from zonewatch.timefmt import iso_local

if TYPE_CHECKING:
    from rich.console import Console

    from zonewatch.app import App
    from zonewatch.config.settings import Settings


class CliContext:
    """Holds overrides from global options and builds the app, settings and consoles on first
    use, so that a command pays only for the parts it touches."""

    def __init__(self, overrides: dict[str, Any]) -> None:
        self.overrides = overrides
        self._app: App | None = None

    @cached_property
    def console(self) -> Console:
        from rich.console import Console

        return Console(highlight=False, soft_wrap=True)

    @cached_property
    def errors(self) -> Console:
        from rich.console import Console

        return Console(stderr=True, highlight=False, soft_wrap=True)

    @property
    def settings(self) -> Settings:
        """Settings alone, for commands that need no database."""
        if self._app is not None:
            return self._app.settings
        from zonewatch.config.settings import load_settings

        return load_settings(**self.overrides)

    def require_secret_key(self) -> None:
        """Refuse to go on without a usable ZONEWATCH_SECRET_KEY.

        Called first by every command that makes or checks unsubscribe tokens (mail sending,
        digest previews, the web endpoint, workers), so a missing key stops the command at
        once with the fix, instead of failing each delivery later or using a public default.
        """
        _ = self.settings.signing_key

    def override(self, **values: Any) -> None:
        """Change settings before the app is built (options such as --replay)."""
        if self._app is not None:
            raise RuntimeError("settings overridden after the app was built")
        self.overrides.update(values)

    @property
    def app(self) -> App:
        if self._app is None:
            from zonewatch.app import configure

            self._app = configure(**self.overrides)
        return self._app

    def close(self) -> None:
        if self._app is not None:
            self._app.dispose()
            self._app = None


pass_cli = click.make_pass_decorator(CliContext)


def print_json(data: Any) -> None:
    """JSON for programs: a datetime anywhere in ``data`` is ISO 8601 in KST with its offset,
    never the database's naive UTC with microseconds."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_value))


def _json_value(value: object) -> str:
    if isinstance(value, dt.datetime):
        return iso_local(value) or ""
    return str(value)
