"""Word-level diffs of two versions of a text, readable in Korean and English, bounded in cost.

Both texts are first cut into units (lines, and sentences inside long lines) and the units are
matched; only the changed unit pairs are diffed word by word. Token diffs are widened so that no
op boundary cuts a word: ``597억 원`` → ``650억 원`` reads ``597억`` → ``650억``, never ``597`` →
``650`` inside a word nor the whole sentence. When the changed regions are too large for a word
diff, or the time budget runs out, the unit-level result is returned and marked ``coarse``.

An edit is *minor* when, on normalised text (width, case, punctuation kinds), it only touches
spacing, punctuation or a case particle at a word end (``인천경제청은`` → ``인천경제청이``). Each
difference inside an op is judged on its own, so a particle fix next to a spacing fix stays
minor. A figure, a unit or currency mark, or a particle that changes what is said (``까지`` →
``부터``, ``만``, ``도``) is never minor.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

OPS = ("equal", "insert", "delete", "replace")
CONTEXT = 80
"""Equal runs longer than this are shortened to their ends when shown or stored."""
MATCH_WORK = 200_000
"""Rough cap on the pairs of equal elements one SequenceMatcher pass may visit: the most frequent
elements beyond it are made junk (they still extend matches, they no longer start them)."""
SIDE_BY_SIDE_WIDTH = 120
SLIDE_LIMIT = 64
"""How far (in tokens) an insertion or deletion may move to a better place; keeps it linear."""

_PARTICLE_LIST = """
    은 는 이 가 을 를 에 에서 으로 로 와 과 의 에게 께 께서 이며 며 이랑 랑
    에는 에서는 에서의 에의 으로는 로는 으로서 로서 으로써 로써 으로의 로의 과의 와의
    과는 와는 에게는
    들 들이 들은 들의 들을 들과 들에
"""
PARTICLES = frozenset(_PARTICLE_LIST.split())
"""Endings that may change at a word end without changing what the sentence says: case and
topic markers. Particles that limit, extend, compare or choose (까지, 부터, 만, 도, 뿐, 보다,
이나, 마다 …) say something, so they are left out and an edit to them is never minor."""
_ENDINGS = PARTICLES | {""}
_LONGEST_ENDING = max(len(particle) for particle in PARTICLES)
MINOR_REGION_LIMIT = 4_000
"""Characters of one changed word region past which it is not judged minor: a region that
large is a rewrite, and aligning it character by character would cost too much."""

INTERPUNCTS = "\u00b7\u0387\u119e\u2022\u2027\u2219\u22c5\u30fb\u318d\uff65"
"""Middle dots that separate listed words: ``·``, ``ㆍ`` (a Hangul letter that HWP documents
use as one), ``•``, ``‧``, ``・`` and their relatives. All read as ``·``."""
_PUNCTUATION_CLASSES = {
    **dict.fromkeys(INTERPUNCTS, "·"),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u0060", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63", "-"),
    **dict.fromkeys("\u223c\u301c", "~"),
}
_PUNCTUATION_TABLE = str.maketrans(_PUNCTUATION_CLASSES)
_SPACES = re.compile(r"\s+")
_MARKS = frozenset("%‰‱℃℉°<>≤≥≦≧±")
"""Symbols that carry meaning next to a figure (a share, a unit, a bound); currency signs too."""
_FIGURE = re.compile(r"(?:(?<![\w.])[-+±△▲▽▼])?\d+(?:\.\d+)*")

_TOKEN = re.compile(
    r"(?:(?<![\w.])[-+±\u2212\u2013△▲▽▼])?\d+(?:[.,]\d+)*"
    r"|[\uac00-\ud7a3\u1100-\u119d\u119f-\u11ff\u3131-\u318c\u318e]+"
    r"|[A-Za-z\u00c0-\u024f]+"
    r"|\s+"
    r"|.",
    re.DOTALL,
)
_WORD = re.compile(r"(?:\d+(?:[.,]\d+)*|[^\W\d_]+)+")
_WORDISH = re.compile(r"\w+")
_NUMBER_JOINT = re.compile(r"\d[.,](?=\d)")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d)")
_UNIT_END = re.compile(r"[\n.!?。](?:(?<=\n)[\r\n]*|[ \t\u3000]+)")
_PIECE = re.compile(r"\r?\n|[^\S\n]+|[^\s]+")
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

_RED = "\x1b[31m"
_GREEN = "\x1b[32m"
_RESET = "\x1b[0m"

Opcode = tuple[str, int, int, int, int]
Segment = tuple[str, str | None]
"""A piece of rendered text and its style: ``"delete"``, ``"insert"`` or None."""


@dataclass(frozen=True)
class DiffOp:
    """One run of the diff; its ends never fall inside a word."""

    op: str
    old: str
    new: str


@dataclass(frozen=True)
class TextDiff:
    """The diff and what the change log needs to judge it: ``minor`` is False when nothing
    changed; ``changed_share`` is changed words over the words of both texts, so a full
    rewrite is 1 and an added sentence to a long text is close to 0."""

    ops: tuple[DiffOp, ...]
    minor: bool
    coarse: bool
    words_inserted: int
    words_deleted: int
    changed_share: float

    @property
    def changed(self) -> bool:
        return any(op.op != "equal" for op in self.ops)

    def to_json(self) -> dict[str, object]:
        """Compact enough to store with every change record: long equal runs keep only the
        context next to the changes."""
        return {
            "ops": [_op_json(op) for op in _compact(self.ops)],
            "minor": self.minor,
            "coarse": self.coarse,
            "words_inserted": self.words_inserted,
            "words_deleted": self.words_deleted,
            "changed_share": round(self.changed_share, 4),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> TextDiff:
        ops = data.get("ops")
        if not isinstance(ops, list):
            raise ValueError("a stored diff needs a list of ops")
        return cls(
            ops=tuple(_op_from_json(item) for item in ops),
            minor=bool(data.get("minor", False)),
            coarse=bool(data.get("coarse", False)),
            words_inserted=_int(data.get("words_inserted", 0)),
            words_deleted=_int(data.get("words_deleted", 0)),
            changed_share=_float(data.get("changed_share", 0.0)),
        )

    def fragments(self) -> list[str]:
        """The changed pieces of text, each once: what an analyst can mark as noise."""
        pieces = (side.strip() for op in self.ops if op.op != "equal" for side in (op.old, op.new))
        return list(dict.fromkeys(piece for piece in pieces if piece))


def diff_text(
    old: str, new: str, *, word_limit: int = 20_000, time_budget: float = 0.5
) -> TextDiff:
    """The word diff of ``old`` and ``new``, or their unit-level diff (``coarse``) when the
    changed regions hold more than ``word_limit`` tokens or ``time_budget`` seconds ran out."""
    deadline = time.perf_counter() + time_budget
    old_units, new_units = _units(old), _units(new)
    unit_codes, complete = _opcodes(old_units, new_units, deadline=deadline)
    blocks = [_block(code, old_units, new_units) for code in unit_codes]
    regions = _regions(blocks, word_limit) if complete else None
    if regions is None:
        return _finish(blocks, coarse=True)
    ops: list[DiffOp] = []
    for block, tokens in zip(blocks, regions, strict=True):
        if tokens is None:
            ops.append(block)
            continue
        word_ops = _word_diff(*tokens, deadline) if time.perf_counter() <= deadline else None
        if word_ops is None:
            return _finish(blocks, coarse=True)
        ops.extend(word_ops)
    return _finish(ops, coarse=False)


def render_plain(diff: TextDiff) -> str:
    """Inline ``[-old-]{+new+}`` markup with long equal runs shortened, for logs and e-mail."""
    return "".join(_marked(op) for op in _compact(diff.ops))


def render_terminal(diff: TextDiff, width: int, color: bool = True) -> str:
    """Inline red/green on narrow terminals; two wrapped columns, old | new, from
    ``SIDE_BY_SIDE_WIDTH`` columns on. Without colour the changes carry ``[-..-]{+..+}``."""
    ops = _compact(diff.ops)
    if width >= SIDE_BY_SIDE_WIDTH:
        return _side_by_side(ops, width, color)
    segments = [segment for op in ops for segment in _inline_segments(op, color)]
    return "\n".join(_paint(line, color) for line in _wrap(segments, max(width, 20)))


class Mark(StrEnum):
    """How a piece of a rendered diff reads: removed or added (plain text has none)."""

    DELETED = "delete"
    INSERTED = "insert"


@dataclass(frozen=True)
class Piece:
    """Text for a page to show, escaped by the page; ``mark`` says whether it is ``<del>`` or
    ``<ins>`` text (shown with a sign as well as a colour)."""

    text: str
    mark: Mark | None


@dataclass(frozen=True)
class RowPair:
    """One row of a side-by-side diff: the old and the new line(s), aligned."""

    old: tuple[Piece, ...]
    new: tuple[Piece, ...]


def _pieces(segments: Sequence[Segment]) -> tuple[Piece, ...]:
    return tuple(Piece(text, Mark(style) if style else None) for text, style in segments if text)


def inline_pieces(diff: TextDiff) -> tuple[Piece, ...]:
    """The diff as one run of text with removals before additions, long equal runs shortened:
    what a narrow screen shows. The same cuts as :func:`render_terminal`, without escapes."""
    return _pieces([segment for op in _compact(diff.ops) for segment in _inline_segments(op, True)])


def side_by_side_rows(diff: TextDiff) -> tuple[RowPair, ...]:
    """The diff as old | new rows cut where both sides start a line, so that the two columns
    of a wide screen stay aligned."""
    return tuple(
        RowPair(_pieces(old), _pieces(new)) for old, new in _line_pairs(_compact(diff.ops), True)
    )


# Units and tokens


def _units(text: str) -> list[str]:
    """Lines, and sentences inside a line: small enough that one edit changes few of them, and
    each ends on whitespace, so unit edges are word edges."""
    units: list[str] = []
    start = 0
    for match in _UNIT_END.finditer(text):
        units.append(text[start : match.end()])
        start = match.end()
    if start < len(text):
        units.append(text[start:])
    return units


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _bounded_tokens(text: str, limit: int) -> list[str] | None:
    """The tokens of ``text``, or None as soon as there are more than ``limit``: a huge region
    is not tokenised only to be given up."""
    if len(text) <= limit:
        return _TOKEN.findall(text)
    tokens = [match.group() for match in itertools.islice(_TOKEN.finditer(text), limit + 1)]
    return None if len(tokens) > limit else tokens


def _edge(tokens: Sequence[str], index: int) -> bool:
    """A cut before ``tokens[index]`` does not split a word (letters or digits on both sides)."""
    if index in (0, len(tokens)):
        return True
    return not (_word_char(tokens[index - 1][0]) and _word_char(tokens[index][0]))


def _word_char(char: str) -> bool:
    """Letters and digits, but not ``ㆍ``: Unicode calls it a letter, writers use it as ``·``."""
    return char.isalnum() and char not in INTERPUNCTS


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _word_count(text: str) -> int:
    """``len(_words(text))`` up to underscores, in a third of the time: it runs on whole texts."""
    return len(_WORDISH.findall(text)) - len(_NUMBER_JOINT.findall(text))


# Matching


def _opcodes(
    a: Sequence[str],
    b: Sequence[str],
    skip: Callable[[str], bool] | None = None,
    deadline: float = math.inf,
) -> tuple[list[Opcode], bool]:
    """Opcodes as SequenceMatcher gives them, found patience-style: common heads and tails,
    then elements found once on each side as anchors, SequenceMatcher only in the gaps left
    (alone, it rescans the rest of the text for every change). Past ``deadline`` those gaps
    stay unmatched and the result says it is incomplete."""
    found, complete = _matching_blocks(a, b, skip, deadline)
    blocks = sorted(found)
    codes: list[Opcode] = []
    i = j = 0
    for block_i, block_j, size in [*blocks, (len(a), len(b), 0)]:
        if i < block_i or j < block_j:
            codes.append((_tag(i, block_i, j, block_j), i, block_i, j, block_j))
        if size and codes and codes[-1][0] == "equal":
            codes[-1] = ("equal", codes[-1][1], block_i + size, codes[-1][3], block_j + size)
        elif size:
            codes.append(("equal", block_i, block_i + size, block_j, block_j + size))
        i, j = block_i + size, block_j + size
    return codes, complete


Region = tuple[int, int, int, int]
"""``a[a_lo:a_hi]`` against ``b[b_lo:b_hi]``."""
Block = tuple[int, int, int]
"""``a[i:i + size] == b[j:j + size]``."""


def _matching_blocks(
    a: Sequence[str], b: Sequence[str], skip: Callable[[str], bool] | None, deadline: float
) -> tuple[list[Block], bool]:
    found: list[Block] = []
    complete = True
    pending: list[Region] = [(0, len(a), 0, len(b))]
    while pending:
        a_lo, a_hi, b_lo, b_hi = _trim(a, b, pending.pop(), found)
        if a_lo == a_hi or b_lo == b_hi:
            continue
        anchors = _anchors(a[a_lo:a_hi], b[b_lo:b_hi], skip)
        if anchors:
            pending.extend(_split(anchors, (a_lo, a_hi, b_lo, b_hi), found))
        elif time.perf_counter() > deadline:
            complete = False
        else:
            blocks = _matcher_blocks(a[a_lo:a_hi], b[b_lo:b_hi], skip)
            found.extend((a_lo + i, b_lo + j, size) for i, j, size in blocks)
    return found, complete


def _trim(a: Sequence[str], b: Sequence[str], region: Region, found: list[Block]) -> Region:
    """The region without its common head and tail, which go to ``found``."""
    a_lo, a_hi, b_lo, b_hi = region
    head = 0
    while a_lo + head < a_hi and b_lo + head < b_hi and a[a_lo + head] == b[b_lo + head]:
        head += 1
    if head:
        found.append((a_lo, b_lo, head))
    a_lo, b_lo = a_lo + head, b_lo + head
    tail = 0
    while a_lo < a_hi - tail and b_lo < b_hi - tail and a[a_hi - 1 - tail] == b[b_hi - 1 - tail]:
        tail += 1
    if tail:
        found.append((a_hi - tail, b_hi - tail, tail))
    return a_lo, a_hi - tail, b_lo, b_hi - tail


def _split(anchors: list[tuple[int, int]], region: Region, found: list[Block]) -> list[Region]:
    """The anchors (relative to ``region``) go to ``found``; the gaps around them remain."""
    a_lo, a_hi, b_lo, b_hi = region
    gaps: list[Region] = []
    start_i, start_j = a_lo, b_lo
    for i, j in anchors:
        gaps.append((start_i, a_lo + i, start_j, b_lo + j))
        found.append((a_lo + i, b_lo + j, 1))
        start_i, start_j = a_lo + i + 1, b_lo + j + 1
    gaps.append((start_i, a_hi, start_j, b_hi))
    return gaps


def _anchors(
    a: Sequence[str], b: Sequence[str], skip: Callable[[str], bool] | None
) -> list[tuple[int, int]]:
    """Pairs of positions of the elements found exactly once in each, the longest run of them
    in the same order on both sides."""
    in_a, in_b = Counter(a), Counter(b)
    where_b = {
        item: j
        for j, item in enumerate(b)
        if in_b[item] == 1 and in_a[item] == 1 and not (skip is not None and skip(item))
    }
    pairs = [(i, where_b[item]) for i, item in enumerate(a) if item in where_b]
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of ``pairs`` (sorted by their first item) whose second items
    increase, by patience sorting."""
    tops: list[int] = []
    top_index: list[int] = []
    back: list[int] = []
    for index, (_, j) in enumerate(pairs):
        pile = bisect.bisect_left(tops, j)
        back.append(top_index[pile - 1] if pile else -1)
        if pile == len(tops):
            tops.append(j)
            top_index.append(index)
        else:
            tops[pile] = j
            top_index[pile] = index
    chain: list[tuple[int, int]] = []
    index = top_index[-1] if top_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    return chain[::-1]


def _matcher_blocks(
    a: Sequence[str], b: Sequence[str], skip: Callable[[str], bool] | None
) -> list[Block]:
    junk = _junk(a, b, skip)
    isjunk = junk.__contains__ if junk else None
    matcher = SequenceMatcher(isjunk, a, b, autojunk=False)
    return [(i, j, size) for i, j, size in matcher.get_matching_blocks() if size]


def _junk(a: Sequence[str], b: Sequence[str], skip: Callable[[str], bool] | None) -> frozenset[str]:
    """``skip`` elements, and the most crowded ones while a pass could visit more than
    ``MATCH_WORK`` pairs of equal elements (the cost SequenceMatcher goes quadratic with)."""
    junk = {item for item in set(b) if skip is not None and skip(item)}
    if len(a) * len(b) <= MATCH_WORK:
        return frozenset(junk)
    in_b = Counter(b)
    in_a = Counter(item for item in a if item in in_b and item not in junk)
    work = sorted(((count * in_b[item], item) for item, count in in_a.items()), reverse=True)
    total = sum(pairs for pairs, _ in work)
    for pairs, item in work:
        if total <= MATCH_WORK:
            break
        junk.add(item)
        total -= pairs
    return frozenset(junk)


def _block(code: Opcode, old_units: list[str], new_units: list[str]) -> DiffOp:
    tag, i1, i2, j1, j2 = code
    return DiffOp(tag, "".join(old_units[i1:i2]), "".join(new_units[j1:j2]))


def _regions(
    blocks: list[DiffOp], word_limit: int
) -> list[tuple[list[str], list[str]] | None] | None:
    """The token lists of the replaced units (the only ones that need a word diff), or None
    when they hold more than ``word_limit`` tokens."""
    regions: list[tuple[list[str], list[str]] | None] = []
    total = 0
    for block in blocks:
        if block.op != "replace":
            regions.append(None)
            continue
        a = _bounded_tokens(block.old, word_limit - total)
        b = _bounded_tokens(block.new, word_limit - total - len(a or ()))
        if a is None or b is None:
            return None
        total += len(a) + len(b)
        regions.append((a, b))
    return regions


def _word_diff(a: list[str], b: list[str], deadline: float) -> list[DiffOp] | None:
    """The word-level ops of one replaced region, or None when time ran out."""
    codes, complete = _opcodes(a, b, skip=str.isspace, deadline=deadline)
    if not complete:
        return None
    codes = _join_spaced(_slide(_snap(codes, a, b), a, b), a)
    return [
        DiffOp(
            _tag(i1, i2, j1, j2) if tag != "equal" else tag, "".join(a[i1:i2]), "".join(b[j1:j2])
        )
        for tag, i1, i2, j1, j2 in codes
    ]


def _tag(i1: int, i2: int, j1: int, j2: int) -> str:
    if i1 == i2:
        return "insert"
    return "delete" if j1 == j2 else "replace"


@dataclass
class _Span:
    kind: str
    i1: int
    i2: int
    j1: int
    j2: int


def _snap(codes: list[Opcode], a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Widen every change into the equal runs around it until both of its ends sit on word
    edges in both texts, merging changes that meet."""
    out: list[_Span] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal":
            if out and out[-1].kind == "change":
                step = 0
                while i1 + step < i2 and not (_edge(a, i1 + step) and _edge(b, j1 + step)):
                    step += 1
                out[-1].i2 += step
                out[-1].j2 += step
                i1, j1 = i1 + step, j1 + step
            if i1 < i2:
                out.append(_Span("equal", i1, i2, j1, j2))
            continue
        if out and out[-1].kind == "equal":
            before = out[-1]
            step = 0
            while i1 - step > before.i1 and not (_edge(a, i1 - step) and _edge(b, j1 - step)):
                step += 1
            before.i2 -= step
            before.j2 -= step
            i1, j1 = i1 - step, j1 - step
            if before.i1 == before.i2:
                out.pop()
        if out and out[-1].kind == "change":
            out[-1].i2, out[-1].j2 = i2, j2
        else:
            out.append(_Span("change", i1, i2, j1, j2))
    return [(span.kind, span.i1, span.i2, span.j1, span.j2) for span in out]


def _slide(codes: list[Opcode], a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """Move each pure insertion or deletion, among the places it could equally sit, to where
    a reader would put it: ``A{+. X+}. B`` → ``A. {+X. +}B``, and a new line ends on ``\\n``."""
    spans = [_Span(*code) for code in codes]
    for index, span in enumerate(spans):
        if span.kind == "equal" or (span.i1 != span.i2 and span.j1 != span.j2):
            continue
        before = spans[index - 1] if index > 0 else None
        after = spans[index + 1] if index + 1 < len(spans) else None
        left = _length(before) - (index > 1)
        right = _length(after) - (index + 2 < len(spans))
        shift = _best_shift(span, a, b, left, right)
        if shift:
            span.i1, span.i2, span.j1, span.j2 = (
                span.i1 + shift,
                span.i2 + shift,
                span.j1 + shift,
                span.j2 + shift,
            )
            if before is not None:
                before.i2, before.j2 = before.i2 + shift, before.j2 + shift
            if after is not None:
                after.i1, after.j1 = after.i1 + shift, after.j1 + shift
    return [
        (span.kind, span.i1, span.i2, span.j1, span.j2)
        for span in spans
        if span.i1 < span.i2 or span.j1 < span.j2
    ]


def _length(span: _Span | None) -> int:
    return span.i2 - span.i1 if span is not None and span.kind == "equal" else 0


def _best_shift(span: _Span, a: Sequence[str], b: Sequence[str], left: int, right: int) -> int:
    """The best scoring shift, by at most ``left`` tokens back or ``right`` forward."""
    inserted = span.i1 == span.i2
    run, other = (b, a) if inserted else (a, b)
    start, end = (span.j1, span.j2) if inserted else (span.i1, span.i2)
    at = span.i1 if inserted else span.j1
    best, best_score = 0, _placement(run, start, end)
    candidates: list[int] = []
    step = 0
    while step < min(right, SLIDE_LIMIT) and run[start + step] == run[end + step]:
        step += 1
        candidates.append(step)
    step = 0
    while step < min(left, SLIDE_LIMIT) and run[start - 1 - step] == run[end - 1 - step]:
        step += 1
        candidates.append(-step)
    for shift in candidates:
        score = _placement(run, start + shift, end + shift)
        legal = _edge(run, start + shift) and _edge(run, end + shift) and _edge(other, at + shift)
        if legal and score > best_score:
            best, best_score = shift, score
    return best


def _placement(run: Sequence[str], start: int, end: int) -> int:
    """How naturally ``run[start:end]`` reads as one inserted or deleted piece: ending a line
    best, then starting one, starting after a space and ending with one."""
    first, last = run[start], run[end - 1]
    before = run[start - 1] if start > 0 else "\n"
    return (
        4 * ("\n" in last)
        + 2 * ("\n" in before)
        + (before.isspace() and not first.isspace())
        + (last.isspace() and not before.isspace())
    )


def _join_spaced(codes: list[Opcode], a: Sequence[str]) -> list[Opcode]:
    """Two changes apart by a single space read better as one: ``[-A B-]{+X Y+}``."""
    out: list[Opcode] = []
    for code in codes:
        if (
            len(out) >= 2
            and code[0] != "equal"
            and out[-2][0] != "equal"
            and out[-1][2] - out[-1][1] == 1
            and a[out[-1][1]].isspace()
            and "\n" not in a[out[-1][1]]
        ):
            out.pop()
            first = out.pop()
            code = ("change", first[1], code[2], first[3], code[4])
        out.append(code)
    return out


# Summary


def _finish(ops: Sequence[DiffOp], *, coarse: bool) -> TextDiff:
    """Ops end on word edges, so counting words op by op counts each word once."""
    merged = _merge_equal(ops)
    changes = [op for op in merged if op.op != "equal"]
    inserted = sum(_word_count(op.new) for op in changes)
    deleted = sum(_word_count(op.old) for op in changes)
    kept = sum(_word_count(op.old) for op in merged if op.op == "equal")
    total = 2 * kept + inserted + deleted
    return TextDiff(
        ops=tuple(merged),
        minor=bool(changes) and all(_is_minor(op) for op in changes),
        coarse=coarse,
        words_inserted=inserted,
        words_deleted=deleted,
        changed_share=min(1.0, (inserted + deleted) / total) if total else 0.0,
    )


def _merge_equal(ops: Sequence[DiffOp]) -> list[DiffOp]:
    merged: list[DiffOp] = []
    for op in ops:
        if not op.old and not op.new:
            continue
        if merged and op.op == "equal" and merged[-1].op == "equal":
            text = merged[-1].old + op.old
            merged[-1] = DiffOp("equal", text, text)
        else:
            merged.append(op)
    return merged


def normalise(text: str) -> str:
    """``text`` as a reader compares it: compatibility forms folded (full-width letters and
    digits, ``･``), each kind of punctuation written one way (middle dots, quotes, dashes,
    tildes), spacing runs made one space, case folded."""
    folded = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION_TABLE)
    return _SPACES.sub(" ", folded).casefold()


def _is_minor(op: DiffOp) -> bool:
    """Spacing, punctuation, width, thousands separators or case particles, each difference
    judged alone; never a figure, a unit or currency mark, or a word that says something."""
    old, new = _THOUSANDS.sub("", normalise(op.old)), _THOUSANDS.sub("", normalise(op.new))
    if _figures(old) != _figures(new) or _marks(old) != _marks(new):
        return False
    old_words, new_words = _words(old), _words(new)
    codes, _ = _opcodes(old_words, new_words)
    return all(
        _particles_only(old_words[i1:i2], new_words[j1:j2])
        for tag, i1, i2, j1, j2 in codes
        if tag != "equal"
    )


def _figures(text: str) -> list[str]:
    """The numbers of normalised ``text``, with their sign (``-3.2%``, ``△3.2%``)."""
    return _FIGURE.findall(text)


def _marks(text: str) -> list[str]:
    return [char for char in text if char in _MARKS or unicodedata.category(char) == "Sc"]


def _particles_only(old_words: Sequence[str], new_words: Sequence[str]) -> bool:
    """The words of both sides, spaces aside, differ only by case particles at word ends.
    They are aligned letter by letter, so ``기업이 들어설수`` → ``기업은 들어설 수`` is a
    particle swap and a spacing fix, not one rewrite."""
    old, new = "".join(old_words), "".join(new_words)
    if len(old) + len(new) > MINOR_REGION_LIMIT:
        return False
    old_bounds, new_bounds = _bounds(old_words), _bounds(new_words)
    codes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            continue
        room_left = _equal_size(codes, index - 1)
        room_right = _equal_size(codes, index + 1)
        shifts = itertools.product(
            range(min(room_left, _LONGEST_ENDING) + 1), range(min(room_right, _LONGEST_ENDING) + 1)
        )
        if not any(
            _ending_swap(old, (i1 - back, i2 + ahead), old_bounds)
            and _ending_swap(new, (j1 - back, j2 + ahead), new_bounds)
            for back, ahead in shifts
        ):
            return False
    return True


Bounds = tuple[frozenset[int], frozenset[int]]
"""Where words start and where they end in the joined words."""


def _bounds(words: Sequence[str]) -> Bounds:
    ends = list(itertools.accumulate(len(word) for word in words))
    return frozenset([0, *ends[:-1]]), frozenset(ends)


def _equal_size(codes: Sequence[Opcode], index: int) -> int:
    if 0 <= index < len(codes) and codes[index][0] == "equal":
        return codes[index][2] - codes[index][1]
    return 0


def _ending_swap(joined: str, span: tuple[int, int], bounds: Bounds) -> bool:
    """``joined[start:end]`` is a case particle (or nothing) that ends a word and hangs on a
    Hangul stem of the same word, not a word of its own (``이 사업`` is not ``사업이``)."""
    start, end = span
    starts, ends = bounds
    if joined[start:end] not in _ENDINGS or end not in ends or start == 0:
        return False
    if _HANGUL.match(joined[start - 1]) is None:
        return False
    return start == end or start not in starts


# Storage


def _compact(ops: Sequence[DiffOp]) -> list[DiffOp]:
    """Equal runs longer than ``CONTEXT`` shortened to the ends that touch a change."""
    out: list[DiffOp] = []
    last = len(ops) - 1
    for index, op in enumerate(ops):
        if op.op != "equal" or len(op.old) <= CONTEXT:
            out.append(op)
            continue
        only = last == 0
        text = _shorten(op.old, head=index > 0 or only, tail=index < last or only)
        out.append(DiffOp("equal", text, text))
    return out


def _shorten(text: str, *, head: bool, tail: bool) -> str:
    half = CONTEXT // 2
    start = text[:half]
    cut = max(start.rfind(" "), start.rfind("\n"))
    if cut > half // 2:
        start = start[: cut + 1]
    end = text[-half:]
    cut = min((i for i in (end.find(" "), end.find("\n")) if i >= 0), default=-1)
    if 0 <= cut < half // 2:
        end = end[cut + 1 :]
    parts = [start.rstrip()] if head else []
    parts.append("…")
    if tail:
        parts.append(end.lstrip())
    return " ".join(parts)


def _op_json(op: DiffOp) -> list[str]:
    if op.op == "equal":
        return [op.op, op.old]
    if op.op == "insert":
        return [op.op, op.new]
    if op.op == "delete":
        return [op.op, op.old]
    return [op.op, op.old, op.new]


def _op_from_json(item: object) -> DiffOp:
    if not isinstance(item, list) or not item or item[0] not in OPS:
        raise ValueError(f"not a diff op: {item!r}")
    texts = [str(text) for text in item[1:]]
    kind = str(item[0])
    expected = 2 if kind == "replace" else 1
    if len(texts) != expected:
        raise ValueError(f"a {kind} op takes {expected} texts: {item!r}")
    if kind == "equal":
        return DiffOp(kind, texts[0], texts[0])
    if kind == "insert":
        return DiffOp(kind, "", texts[0])
    if kind == "delete":
        return DiffOp(kind, texts[0], "")
    return DiffOp(kind, texts[0], texts[1])


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"not a count: {value!r}")
    return int(value)


def _float(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"not a share: {value!r}")
    return float(value)


# Rendering


def _marked(op: DiffOp) -> str:
    return "".join(text for text, _ in _inline_segments(op, color=False))


def _inline_segments(op: DiffOp, color: bool) -> list[Segment]:
    if op.op == "equal":
        return [(op.old, None)]
    line_end = _shared_line_end(op)
    segments = [
        _styled(text[: len(text) - len(line_end)], style, color)
        for text, style in ((op.old, "delete"), (op.new, "insert"))
        if text
    ]
    return [*segments, (line_end, None)] if line_end else segments


def _sides(op: DiffOp, color: bool) -> tuple[list[Segment], list[Segment]]:
    if op.op == "equal":
        return [(op.old, None)], [(op.new, None)]
    line_end = _shared_line_end(op)
    tail: list[Segment] = [(line_end, None)] if line_end else []
    old = [_styled(op.old[: len(op.old) - len(line_end)], "delete", color), *tail]
    new = [_styled(op.new[: len(op.new) - len(line_end)], "insert", color), *tail]
    return (old if op.old else []), (new if op.new else [])


def _shared_line_end(op: DiffOp) -> str:
    """The line end every changed side of ``op`` finishes with, kept out of the markup so that
    ``{+new line+}`` is followed by its own line break; empty when a side is only that."""
    sides = [text for text in (op.old, op.new) if text]
    ends = [text[len(text.rstrip()) :] for text in sides]
    common = ends[0] if ends else ""
    for end in ends[1:]:
        while not end.endswith(common):
            common = common[1:]
    if "\n" not in common or any(len(text) == len(common) for text in sides):
        return ""
    return common


def _styled(text: str, style: str, color: bool) -> Segment:
    if color:
        return text, style
    return (f"[-{text}-]" if style == "delete" else f"{{+{text}+}}"), None


def _side_by_side(ops: Sequence[DiffOp], width: int, color: bool) -> str:
    """Rows of old | new, one row group per line pair, so both columns stay aligned."""
    column = (width - 3) // 2
    rows: list[str] = []
    for left, right in _line_pairs(ops, color):
        left_lines, right_lines = _wrap(left, column), _wrap(right, column)
        for index in range(max(len(left_lines), len(right_lines), 1)):
            old_line = left_lines[index] if index < len(left_lines) else []
            new_line = right_lines[index] if index < len(right_lines) else []
            padding = " " * (column - sum(_width(text) for text, _ in old_line))
            rows.append(f"{_paint(old_line, color)}{padding} │ {_paint(new_line, color)}".rstrip())
    return "\n".join(rows)


def _line_pairs(ops: Sequence[DiffOp], color: bool) -> list[tuple[list[Segment], list[Segment]]]:
    """Old and new segments cut wherever both sides are at the start of a line."""
    pairs: list[tuple[list[Segment], list[Segment]]] = []
    left: list[Segment] = []
    right: list[Segment] = []
    for op in _by_line(ops):
        old, new = _sides(op, color)
        left.extend(old)
        right.extend(new)
        if _at_line_start(left) and _at_line_start(right):
            pairs.append((left, right))
            left, right = [], []
    if left or right:
        pairs.append((left, right))
    return pairs


def _by_line(ops: Sequence[DiffOp]) -> list[DiffOp]:
    """Equal runs cut after each line break, so that rows can end there."""
    out: list[DiffOp] = []
    for op in ops:
        if op.op == "equal":
            out.extend(DiffOp("equal", line, line) for line in _LINE.findall(op.old))
        else:
            out.append(op)
    return out


def _at_line_start(segments: list[Segment]) -> bool:
    return not segments or segments[-1][0].endswith("\n")


def _wrap(segments: Sequence[Segment], width: int) -> list[list[Segment]]:
    """Lines of at most ``width`` display columns (Hangul takes two), broken at spaces where
    possible, inside a word only when it is wider than a line, and at every ``\\n``."""
    layout = _Layout(width)
    for unit in _wrap_units(segments):
        text = unit[0][0]
        if text.endswith("\n"):
            layout.end_line(wrapped=False)
        elif text.isspace():
            layout.space(text, unit[0][1])
        else:
            layout.word(unit)
    return layout.finish()


def _wrap_units(segments: Sequence[Segment]) -> list[list[Segment]]:
    """Line breaks, space runs, and words; a word may span segments (``[-597억-]{+650억+}``)."""
    units: list[list[Segment]] = []
    for text, style in segments:
        for piece in _PIECE.findall(text):
            if units and not piece.isspace() and not units[-1][-1][0].isspace():
                units[-1].append((piece, style))
            else:
                units.append([(piece, style)])
    return units


class _Layout:
    """Greedy filling of lines by display width."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[list[Segment]] = []
        self.line: list[Segment] = []
        self.used = 0
        self.wrapped = False

    def end_line(self, *, wrapped: bool) -> None:
        if wrapped and self.line and self.line[-1][1] is None:
            self.line[-1] = (self.line[-1][0].rstrip(" \t"), None)
        self.lines.append(self.line)
        self.line, self.used, self.wrapped = [], 0, wrapped

    def space(self, text: str, style: str | None) -> None:
        """Spaces that would overflow end the line; a wrapped line does not start with them."""
        size = _width(text)
        if self.used + size > self.width:
            self.end_line(wrapped=True)
        elif self.used or not self.wrapped:
            self._put(text, style, size)

    def word(self, pieces: list[Segment]) -> None:
        size = sum(_width(text) for text, _ in pieces)
        if self.used and self.used + size > self.width:
            self.end_line(wrapped=True)
        for text, style in pieces:
            while text:
                chunk = _fit(text, self.width - self.used) or (text[0] if not self.used else "")
                if not chunk:
                    self.end_line(wrapped=True)
                    continue
                self._put(chunk, style, _width(chunk))
                text = text[len(chunk) :]

    def finish(self) -> list[list[Segment]]:
        if self.line:
            self.lines.append(self.line)
        return self.lines

    def _put(self, text: str, style: str | None, size: int) -> None:
        if self.line and self.line[-1][1] == style:
            self.line[-1] = (self.line[-1][0] + text, style)
        else:
            self.line.append((text, style))
        self.used += size


def _fit(text: str, room: int) -> str:
    """The longest head of ``text`` that fits in ``room`` columns."""
    used = 0
    for index, char in enumerate(text):
        used += _char_width(char)
        if used > room:
            return text[:index]
    return text


def _paint(line: Sequence[Segment], color: bool) -> str:
    codes = {"delete": _RED, "insert": _GREEN}
    return "".join(
        f"{codes[style]}{text}{_RESET}" if color and style else text for text, style in line
    )


def _width(text: str) -> int:
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
