"""Canonical plain text: the form that content hashes and change detection compare.

Two fetches of an unchanged page must give byte-identical text, so everything a reader cannot
see is removed or unified here: Unicode normalisation form, the many kinds of space (NBSP and
the ideographic space are common in Korean documents), zero-width characters, line endings,
indentation and runs of blank lines.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_text"]

# Invisible characters inserted by editors and HWP export; removed before NFC so that the
# characters around them can compose (e.g. Hangul jamo split by a zero-width space).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"))
_LINE_BREAKS = re.compile("\r\n?|[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """NFC, one kind of space, no invisible characters, no indentation or trailing spaces,
    paragraphs separated by exactly one blank line, no leading or trailing blank lines.

    Deterministic and idempotent: ``normalize_text(normalize_text(t)) == normalize_text(t)``.
    """
    text = text.translate(_INVISIBLE)
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")
