"""Noise patterns: the *kind* of token an edit touched, so one verdict covers the next edit.

An analyst who marks "the contact phone changed" as noise means every later change of that
phone, not the one pair of numbers seen that day. Each changed piece of a diff is therefore
read in the text around it: when it lies inside a phone number, an e-mail address, a URL, a
session token, a date or a count, the edit is described by that kind (a ``NoisePattern``)
instead of its raw strings.

Dates and counts are noise only as page furniture ("등록일 2024.05.01", "조회수 1,234"); a
date or a number in the body of a release is news. Their patterns therefore carry the label
written just before them, and a date or count without a label gives no pattern at all (the
raw fragments are kept, as before).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zonewatch.changes.diffing import DiffOp, TextDiff
from zonewatch.enums import TokenKind

TOKEN_KINDS: tuple[tuple[TokenKind, re.Pattern[str]], ...] = (
    (TokenKind.URL, re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)),
    (TokenKind.EMAIL, re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    (
        TokenKind.SESSION,
        re.compile(
            r"(?:jsessionid|phpsessid|sessionid|session_id|sid|token|csrf[_-]?token)"
            r"\s*[=:]\s*[\w.-]+"
            r"|(?:세션\s*(?:ID|아이디|번호)|session\s*id)\s*[=:]?\s*[0-9A-Fa-f-]{8,}"
            r"|\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}\b",
            re.IGNORECASE,
        ),
    ),
    (
        TokenKind.PHONE,
        re.compile(
            r"(?<![\d-])(?:\+?82[-.\s]?)?\(?0\d{1,2}\)?[-.\s]?\d{3,4}[-.\s]\d{4}(?![\d-])"
            r"|(?<![\d-])1[5-9]\d{2}-\d{4}(?![\d-])"
        ),
    ),
    (
        TokenKind.DATE,
        re.compile(
            r"(?<!\d)\d{4}\s*[-./년]\s*\d{1,2}\s*[-./월]\s*\d{1,2}\s*(?:일|\.)?"
            r"(?:\s*\(?[월화수목금토일]\)?)?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
            r"|(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)"
        ),
    ),
    (
        TokenKind.COUNT,
        re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d.,])|(?<![\d.,])\d+(?![\d.,])"),
    ),
)
LABELLED_KINDS = frozenset({TokenKind.DATE, TokenKind.COUNT})
"""Kinds that are noise only next to the label of a piece of page furniture."""
VIEW_COUNT_LABELS = frozenset({"조회수", "조회", "추천수", "views", "view", "hits", "viewed"})
UPDATE_STAMP_LABELS = frozenset(
    {"최종수정일", "최종수정", "수정일", "수정일시", "오늘", "today", "updated", "modified"}
)
"""Labels of page furniture every press room has: a view counter and a "last changed" or
"today" stamp. Edits that touch only these (or a session token) are noise before any analyst
says so; the date a release was issued (등록일, 작성일) is not among them."""
_LABEL = re.compile(r"([^\W\d_]+)[\s:：|()\[\]/-]*$")
_LABEL_REACH = 24


@dataclass(frozen=True, order=True)
class NoisePattern:
    """A kind of token (phone, email, url, session, date, count) and, for dates and counts,
    the label before it; ``key`` is how a rule stores it."""

    kind: TokenKind
    context: str = ""

    @property
    def key(self) -> str:
        return f"<{self.kind}>" + (f" after {self.context}" if self.context else "")


@dataclass(frozen=True)
class ChangedPiece:
    """One changed op of a diff: its raw fragments and, when it lies in a known kind of
    token, the pattern that describes it."""

    fragments: tuple[str, ...]
    pattern: NoisePattern | None


def changed_pieces(diff: TextDiff) -> list[ChangedPiece]:
    """The changed ops of ``diff``, each with the token kind it touched (or None)."""
    return _pieces(diff.ops)


def _pieces(ops: Sequence[DiffOp]) -> list[ChangedPiece]:
    old_text = "".join(op.old for op in ops)
    new_text = "".join(op.new for op in ops)
    pieces: list[ChangedPiece] = []
    old_at = new_at = 0
    for op in ops:
        old_span = (old_at, old_at + len(op.old))
        new_span = (new_at, new_at + len(op.new))
        old_at, new_at = old_span[1], new_span[1]
        if op.op == "equal":
            continue
        found = {
            _pattern_around(text, span)
            for text, span, side in ((old_text, old_span, op.old), (new_text, new_span, op.new))
            if side.strip()
        }
        pattern = found.pop() if len(found) == 1 else None
        fragments = tuple(side.strip() for side in (op.old, op.new) if side.strip())
        pieces.append(ChangedPiece(fragments, pattern))
    return pieces


def _pattern_around(text: str, span: tuple[int, int]) -> NoisePattern | None:
    """The kind of the token that holds the whole changed span (after trimming spaces)."""
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    for kind, pattern in TOKEN_KINDS:
        for match in pattern.finditer(text, max(0, start - 80), min(len(text), end + 80)):
            if match.start() <= start and end <= match.end():
                return _with_label(kind, text, match.start())
    return None


def _with_label(kind: TokenKind, text: str, at: int) -> NoisePattern | None:
    if kind not in LABELLED_KINDS:
        return NoisePattern(kind)
    label = _LABEL.search(text[max(0, at - _LABEL_REACH) : at])
    return NoisePattern(kind, label.group(1)) if label else None


def patterns_of(diffs: Iterable[TextDiff]) -> list[NoisePattern] | None:
    """The patterns of an edit when *every* changed piece lies in a known kind of token."""
    pieces = [piece for diff in diffs for piece in changed_pieces(diff)]
    if not pieces or any(piece.pattern is None for piece in pieces):
        return None
    return sorted({piece.pattern for piece in pieces if piece.pattern is not None})


def only_noise(diffs: Iterable[TextDiff], patterns: set[NoisePattern], fragments: set[str]) -> bool:
    """True when every changed piece is a known pattern or only known raw fragments."""
    pieces = [piece for diff in diffs for piece in changed_pieces(diff)]
    covered = [piece.pattern in patterns for piece in pieces]
    rest = [
        fragment
        for piece, known in zip(pieces, covered, strict=True)
        if not known
        for fragment in piece.fragments
        if len(fragment) >= 2
    ]
    return (any(covered) or bool(rest)) and all(fragment in fragments for fragment in rest)


def is_furniture(pattern: NoisePattern) -> bool:
    """Whether ``pattern`` is page furniture by itself: a session token, a view counter, or a
    "last changed"/"today" stamp (see :data:`VIEW_COUNT_LABELS`, :data:`UPDATE_STAMP_LABELS`)."""
    label = pattern.context.lower()
    return (
        pattern.kind == TokenKind.SESSION
        or (pattern.kind == TokenKind.COUNT and label in VIEW_COUNT_LABELS)
        or (pattern.kind == TokenKind.DATE and label in UPDATE_STAMP_LABELS)
    )


def only_furniture(diffs: Iterable[TextDiff]) -> bool:
    """True when every changed piece of the edit is page furniture (:func:`is_furniture`)."""
    found = patterns_of(diffs)
    return found is not None and all(is_furniture(pattern) for pattern in found)
