"""The diff as marked pieces for a web page: the same cuts as the terminal, no escapes."""

from __future__ import annotations

from zonewatch.changes.diffing import Mark, Piece, diff_text, inline_pieces, side_by_side_rows


def text_of(pieces: tuple[Piece, ...], keep: Mark | None) -> str:
    return "".join(piece.text for piece in pieces if piece.mark in (None, keep))


def test_inline_pieces_rebuild_both_texts() -> None:
    old, new = "목표 입주기업 250개사.\n고용 1만명.\n", "목표 입주기업 300개사.\n고용 1만명.\n"
    pieces = inline_pieces(diff_text(old, new))
    assert Piece("250개사.", Mark.DELETED) in pieces or Piece("250개사", Mark.DELETED) in pieces
    assert text_of(pieces, Mark.DELETED) == old
    assert text_of(pieces, Mark.INSERTED) == new
    assert all("\x1b" not in piece.text for piece in pieces)


def test_side_by_side_rows_keep_lines_together() -> None:
    old = "첫째 줄은 그대로.\n둘째 줄 250개사.\n셋째 줄.\n"
    new = "첫째 줄은 그대로.\n둘째 줄 300개사.\n셋째 줄.\n"
    rows = side_by_side_rows(diff_text(old, new))
    changed = [row for row in rows if any(piece.mark for piece in (*row.old, *row.new))]
    assert len(changed) == 1
    (row,) = changed
    assert "".join(piece.text for piece in row.old) == "둘째 줄 250개사.\n"
    assert "".join(piece.text for piece in row.new) == "둘째 줄 300개사.\n"
    assert {piece.mark for piece in row.old} == {None, Mark.DELETED}
    assert {piece.mark for piece in row.new} == {None, Mark.INSERTED}


def test_long_equal_runs_are_shortened_like_everywhere() -> None:
    filler = "변함없는 문장입니다. " * 40
    pieces = inline_pieces(diff_text(filler + "끝 250", filler + "끝 300"))
    assert "…" in text_of(pieces, None)
    assert len(text_of(pieces, Mark.DELETED)) < len(filler)
