"""Text of Hancom HWP 5 documents: an OLE compound file of deflated record streams.

Many Korean releases exist only as an HWP attachment, and there is no maintained Python
reader, so this implements the small part of the published format (HWP 5.0 revision 1.3) that
carries text: ``FileHeader`` flags, the ``BodyText/SectionN`` streams (raw deflate when the
document is compressed), the record headers, and HWPTAG_PARA_TEXT payloads in UTF-16LE with
their embedded control characters removed.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections.abc import Iterator
from typing import NamedTuple

import olefile

from zonewatch.crawlers.extract.errors import AttachmentError

__all__ = [
    "HWPTAG_PARA_TEXT",
    "HWP_SIGNATURE",
    "Record",
    "hwp_text",
    "iter_records",
    "para_text",
    "section_text",
]

HWP_SIGNATURE = b"HWP Document File"
HWPTAG_BEGIN = 0x10
HWPTAG_PARA_TEXT = HWPTAG_BEGIN + 51

_FLAG_COMPRESSED = 1 << 0
_FLAG_ENCRYPTED = 1 << 1
_FLAG_DISTRIBUTION = 1 << 2

_EXTENDED_SIZE = 0xFFF
_SECTION = re.compile(r"Section(\d+)\Z")

# Control characters below 32 that occupy one code unit; every other one is an inline or
# extended control occupying eight (the code, six units of parameters, the code again).
_ONE_UNIT = {
    0: "",
    10: "\n",  # line break inside a paragraph
    13: "",  # paragraph end
    24: "-",  # hyphen
    25: "",
    26: "",
    27: "",
    28: "",
    29: "",
    30: "\u00a0",  # non-breaking space
    31: " ",  # fixed-width space
}
_TAB = 9
_CONTROL_UNITS = 8


class Record(NamedTuple):
    """One HWP record: its tag id, nesting level and payload bytes."""

    tag: int
    level: int
    payload: bytes


def hwp_text(data: bytes, *, max_bytes: int, max_chars: int) -> tuple[str, bool]:
    """The text of an HWP 5 file and whether it was cut short by ``max_chars``.

    ``max_bytes`` caps the decompressed size of all sections together (a deflate bomb guard).
    Raises :class:`AttachmentError` with a one-line reason for anything unreadable.
    """
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError or its own defects on junk
        raise AttachmentError(f"not a valid OLE file: {_one_line(exc)}") from exc
    try:
        flags = _file_header_flags(ole)
        if flags & _FLAG_ENCRYPTED:
            raise AttachmentError("encrypted HWP")
        sections = _section_paths(ole)
        if flags & _FLAG_DISTRIBUTION or (not sections and ole.exists("ViewText")):
            raise AttachmentError("distribution-only HWP (its body text is encrypted)")
        if not sections:
            raise AttachmentError("HWP has no BodyText sections")
        texts: list[str] = []
        budget, length = max_bytes, 0
        for path in sections:
            raw = ole.openstream(path).read()
            stream = _inflate(raw, budget, path) if flags & _FLAG_COMPRESSED else raw
            budget -= len(stream)
            if budget < 0:
                raise AttachmentError(f"HWP expands beyond {max_bytes} bytes")
            text = section_text(stream)
            texts.append(text)
            length += len(text)
            if length > max_chars:
                return "\n\n".join(texts), True
        return "\n\n".join(texts), False
    finally:
        ole.close()


def section_text(stream: bytes) -> str:
    """Paragraph texts of one decompressed section stream, a blank line between paragraphs."""
    paragraphs = (para_text(r.payload) for r in iter_records(stream) if r.tag == HWPTAG_PARA_TEXT)
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def iter_records(stream: bytes) -> Iterator[Record]:
    """Records of a section (or DocInfo) stream; a truncated last record is dropped.

    Header dword: tag = bits 0-9, level = bits 10-19, size = bits 20-31; a size of 0xFFF means
    the real size follows in the next dword.
    """
    view = memoryview(stream)
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        (header,) = struct.unpack_from("<I", view, pos)
        pos += 4
        tag, level, size = header & 0x3FF, (header >> 10) & 0x3FF, header >> 20
        if size == _EXTENDED_SIZE:
            if pos + 4 > end:
                return
            (size,) = struct.unpack_from("<I", view, pos)
            pos += 4
        if pos + size > end:
            return
        yield Record(tag, level, bytes(view[pos : pos + size]))
        pos += size


def para_text(payload: bytes) -> str:
    """Text of an HWPTAG_PARA_TEXT payload (UTF-16LE) without the embedded controls."""
    count = len(payload) // 2
    units = struct.unpack_from(f"<{count}H", payload)
    kept: list[int] = []
    index = 0
    while index < count:
        unit = units[index]
        if unit >= 32:
            kept.append(unit)
            index += 1
        elif unit in _ONE_UNIT:
            kept.extend(ord(ch) for ch in _ONE_UNIT[unit])
            index += 1
        else:
            if unit == _TAB:
                kept.append(_TAB)
            index += _CONTROL_UNITS
    return struct.pack(f"<{len(kept)}H", *kept).decode("utf-16-le", errors="replace")


def _file_header_flags(ole: olefile.OleFileIO) -> int:
    if not ole.exists("FileHeader"):
        raise AttachmentError("not an HWP document (no FileHeader stream)")
    header = ole.openstream("FileHeader").read(256)
    if not header.startswith(HWP_SIGNATURE) or len(header) < 40:
        raise AttachmentError("not an HWP 5 document (bad FileHeader signature)")
    (flags,) = struct.unpack_from("<I", header, 36)
    return int(flags)


def _section_paths(ole: olefile.OleFileIO) -> list[str]:
    numbered: list[tuple[int, str]] = []
    for parts in ole.listdir(streams=True, storages=False):
        if len(parts) == 2 and parts[0] == "BodyText":
            match = _SECTION.match(parts[1])
            if match:
                numbered.append((int(match.group(1)), "/".join(parts)))
    return [path for _, path in sorted(numbered)]


def _inflate(raw: bytes, budget: int, path: str) -> bytes:
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(raw, max(budget, 0) + 1)
    except zlib.error as exc:
        raise AttachmentError(f"corrupt HWP stream {path}: {_one_line(exc)}") from exc
    if len(out) > budget:
        raise AttachmentError(f"HWP section {path} expands beyond the size limit")
    return out


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200] or type(exc).__name__
