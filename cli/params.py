"""Option and argument types whose bounds are those of the database and the real world.

Click's ``int`` accepts any Python integer and ``float`` accepts ``nan`` and ``inf``; both then
fail deep inside SQLite or PostgreSQL (integers past 64 bits) or compare as nothing at all
(NaN), instead of a usage error naming the option.
"""

from __future__ import annotations

import math
from typing import Any

import click

INT64_MAX = 2**63 - 1

ROW_ID = click.IntRange(1, INT64_MAX)
"""A database id: every table's key is a positive 64-bit integer at most."""

LIMIT = click.IntRange(1, INT64_MAX)
"""A number of rows to show; SQL LIMIT takes a 64-bit integer."""

PORT = click.IntRange(0, 65535)


class FiniteFloat(click.ParamType[float]):
    """A float within ``[low, high]``; NaN and infinities are refused by name."""

    name = "number"

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number) or not self.low <= number <= self.high:
            self.fail(f"{value!r} is not a number from {self.low:g} to {self.high:g}", param, ctx)
        return number


SIGNIFICANCE = FiniteFloat(0.0, 1.0)
