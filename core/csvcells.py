"""CSV that spreadsheets open as data: every CSV zonewatch writes goes through this module.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (also tab and
carriage return, and in some locales their full-width forms) as a formula, and such cells
reach our exports from scraped titles and from what subscribers typed. A text cell that
starts with one of them, or with the apostrophe itself, is written with one leading
apostrophe, which spreadsheets show as "text" and do not display.

:func:`restore_cell` undoes exactly that on import, so an exported file reads back to the
same values. The one ambiguity is a hand-written cell starting with ``'`` and then one of
those characters: it is read as an escaped cell (``'=x`` imports as ``=x``).
Numbers are written as numbers: ``-1`` is a value, not a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
ESCAPE = "'"


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise_cell(value: Any) -> Any:
    """The cell as it should be written: text that could start a formula gets a ``'``."""
    if isinstance(value, str) and value and (value[0] in FORMULA_STARTS or value[0] == ESCAPE):
        return ESCAPE + value
    return value


def restore_cell(value: str) -> str:
    """A cell as read back: the apostrophe :func:`neutralise_cell` added is removed."""
    if len(value) > 1 and value[0] == ESCAPE and (value[1] in FORMULA_STARTS or value[1] == ESCAPE):
        return value[1:]
    return value


class SafeWriter:
    """``csv.writer`` whose rows are neutralised cell by cell."""

    def __init__(self, out: _Writable, **options: Any) -> None:
        self._writer = csv.writer(out, lineterminator="\n", **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise_cell(value) for value in row])


class SafeDictWriter:
    """``csv.DictWriter`` whose rows are neutralised cell by cell (the header is ours)."""

    def __init__(self, out: _Writable, fieldnames: Sequence[str], **options: Any) -> None:
        self._writer = csv.DictWriter(out, fieldnames, lineterminator="\n", **options)

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow({key: neutralise_cell(value) for key, value in row.items()})
