"""Commands load on demand, so that each invocation imports only the module it runs."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True)
class LazyCommand:
    """Where a command lives and the line ``--help`` lists it with.

    The summary is here, not read from the command, because reading it means importing the
    command's module: that import (the database layer, Scrapy, Celery) is what made every
    ``--help`` cost most of a second.
    """

    module: str
    attribute: str
    summary: str

    def load(self) -> click.Command:
        command = getattr(importlib.import_module(f"zonewatch.cli.{self.module}"), self.attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"zonewatch.cli.{self.module}.{self.attribute} is not a command")
        return command


class LazyGroup(click.Group):
    """A group whose subcommands are imported the first time they are resolved."""

    def __init__(
        self, name: str | None = None, lazy: Mapping[str, LazyCommand] | None = None, **attrs: Any
    ) -> None:
        super().__init__(name, **attrs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            self.add_command(self.lazy[cmd_name].load(), cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List every command from its summary, importing none of them (the same lines whether
        or not a command was loaded)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            ref = self.lazy.get(name)
            if ref is not None:
                listed = click.Command(name, help=ref.summary)
            else:
                listed = self.commands[name]
                if listed.hidden:
                    continue
            rows.append((name, listed.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
