"""Readers of one setting's value: text from the environment or a typed value from code.

Each reader returns the typed value or raises :class:`SettingValueError` with what the value
must be. They are plain functions rather than a validation library because every command
validates its settings at start-up: importing pydantic and pydantic-settings for it cost
about a third of a query command's whole run.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
Reader = Callable[[object], T]
"""Turns a raw value (a string from the environment, or a typed value) into the setting's."""

SECRET_MASK = "**********"


class SettingValueError(ValueError):
    """A value a setting refuses. The message says what it must be and never repeats a
    secret (URLs carry passwords, so only numbers are quoted back)."""


@dataclass(frozen=True)
class Secret:
    """A value that must not appear in reprs, logs or error messages."""

    _value: str = field(repr=False)

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{SECRET_MASK}')"

    def __str__(self) -> str:
        return SECRET_MASK


def text(value: object) -> str:
    if isinstance(value, str):
        return value
    raise SettingValueError("must be text")


def path(value: object) -> Path:
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise SettingValueError("must be a path")


def secret(value: object) -> Secret:
    if isinstance(value, Secret):
        return value
    if isinstance(value, str):
        return Secret(value)
    raise SettingValueError("must be text")


def optional(read: Reader[T]) -> Reader[T | None]:
    """``read``, except that None (not set) stays None."""

    def read_optional(value: object) -> T | None:
        return None if value is None else read(value)

    return read_optional


def integer(*, ge: int | None = None, le: int | None = None) -> Reader[int]:
    def read_integer(value: object) -> int:
        number = _integer(value)
        _check_bounds(number, ge=ge, gt=None, le=le)
        return number

    return read_integer


def number(
    *, ge: float | None = None, gt: float | None = None, le: float | None = None
) -> Reader[float]:
    def read_number(value: object) -> float:
        result = _number(value)
        _check_bounds(result, ge=ge, gt=gt, le=le)
        return result

    return read_number


def words(separator: str) -> Reader[tuple[str, ...]]:
    """A tuple of strings: a string is split at the ``separator`` pattern (empty parts
    dropped), a tuple or list is taken as it is."""
    pattern = re.compile(separator)

    def read_words(value: object) -> tuple[str, ...]:
        if isinstance(value, str):
            return tuple(part.strip() for part in pattern.split(value) if part.strip())
        if isinstance(value, tuple | list) and all(isinstance(part, str) for part in value):
            return tuple(value)
        raise SettingValueError("must be a list of text")

    return read_words


def _integer(value: object) -> int:
    if isinstance(value, bool):
        raise SettingValueError("must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
        raise SettingValueError(f"must be a whole number, not {value.strip()!r}")
    raise SettingValueError("must be a whole number")


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise SettingValueError("must be a number")
    result: float | None = None
    if isinstance(value, int | float):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            raise SettingValueError(f"must be a number, not {value.strip()!r}") from None
    if result is None or not math.isfinite(result):
        raise SettingValueError("must be a finite number")
    return result


def _check_bounds(value: float, *, ge: float | None, gt: float | None, le: float | None) -> None:
    if ge is not None and value < ge:
        raise SettingValueError(f"must be at least {ge:g}, not {value:g}")
    if gt is not None and value <= gt:
        raise SettingValueError(f"must be greater than {gt:g}, not {value:g}")
    if le is not None and value > le:
        raise SettingValueError(f"must be at most {le:g}, not {value:g}")
