"""Jinja2 for the console: autoescape always on, undefined names are errors, KST times."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from zonewatch.timefmt import local_minutes
from zonewatch.web import i18n


def make_environment(tz: ZoneInfo) -> Environment:
    env = Environment(
        loader=PackageLoader("zonewatch.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["local"] = partial(_local, tz=tz)
    env.filters["local_iso"] = partial(_local_iso, tz=tz)
    env.filters["http_url"] = http_url
    env.filters["label"] = label
    return env


def _local(moment: dt.datetime | None, tz: ZoneInfo) -> str:
    return local_minutes(moment, tz)


def _local_iso(value: str | None, tz: ZoneInfo) -> str:
    """An ISO 8601 time from a service's JSON, shown like every other time."""
    return local_minutes(dt.datetime.fromisoformat(value), tz) if value else ""


@pass_context
def label(context: Context, value: object, vocabulary: str) -> str:
    """``{{ run.status | label("run_status") }}``: the word for a machine value in the page's
    language (``lang``), so templates never show raw keys."""
    return i18n.label(vocabulary, value, context["lang"])


def http_url(value: Any) -> str | None:
    """A link target only when it is http(s): a stored ``javascript:`` URL is never a link."""
    text = str(value or "")
    return text if text.lower().startswith(("http://", "https://")) else None
