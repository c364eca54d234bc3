"""Build test documents in memory: OLE compound files, HWP 5 files and records, HWPX, PDF.

olefile can only read and overwrite compound files, so ``build_ole`` writes a minimal version 3
file itself (512-byte sectors; every stream below 4096 bytes lives in the mini stream, as in
a real small HWP). Only what a reader needs is filled in.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE = 0xFFFFFFFF
END_OF_CHAIN = 0xFFFFFFFE
FAT_SECTOR = 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF

HWPTAG_PARA_HEADER = 0x10 + 50
HWPTAG_PARA_TEXT = 0x10 + 51


@dataclass
class _Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    data: bytes = b""
    children: list[int] = field(default_factory=list)
    start: int = END_OF_CHAIN
    left: int = NO_STREAM
    right: int = NO_STREAM
    child: int = NO_STREAM


def build_ole(streams: dict[str, bytes]) -> bytes:
    """A compound file holding ``streams`` ("FileHeader", "BodyText/Section0", ...)."""
    entries = [_Entry("Root Entry", 5)]
    storages: dict[str, int] = {}
    for path, data in streams.items():
        assert len(data) < MINI_CUTOFF, "build_ole only writes mini-stream streams"
        parent = 0
        *folders, name = path.split("/")
        for folder in folders:
            if folder not in storages:
                entries.append(_Entry(folder, 1))
                storages[folder] = len(entries) - 1
                entries[parent].children.append(storages[folder])
            parent = storages[folder]
        entries.append(_Entry(name, 2, data))
        entries[parent].children.append(len(entries) - 1)
    for entry in entries:  # siblings as a right-leaning chain; readers do not check balance
        if entry.children:
            entry.child = entry.children[0]
            for left, right in zip(entry.children, entry.children[1:], strict=False):
                entries[left].right = right

    mini_stream = bytearray()
    mini_fat: list[int] = []
    for entry in entries:
        if entry.kind != 2 or not entry.data:
            continue
        count = -(-len(entry.data) // MINI_SECTOR)
        entry.start = len(mini_fat)
        mini_fat.extend(range(entry.start + 1, entry.start + count))
        mini_fat.append(END_OF_CHAIN)
        mini_stream += entry.data.ljust(count * MINI_SECTOR, b"\0")

    dir_sectors = -(-len(entries) * 128 // SECTOR)
    mini_fat_sectors = -(-len(mini_fat) * 4 // SECTOR)
    mini_stream_sectors = -(-len(mini_stream) // SECTOR)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < (
        fat_sectors + dir_sectors + mini_fat_sectors + mini_stream_sectors
    ):
        fat_sectors += 1
    assert fat_sectors <= 109

    fat: list[int] = [FAT_SECTOR] * fat_sectors
    dir_start = len(fat)
    fat.extend(_chain(dir_start, dir_sectors))
    mini_fat_start = len(fat)
    fat.extend(_chain(mini_fat_start, mini_fat_sectors))
    mini_stream_start = len(fat)
    fat.extend(_chain(mini_stream_start, mini_stream_sectors))
    fat.extend([FREE] * (fat_sectors * SECTOR // 4 - len(fat)))
    entries[0].start = mini_stream_start if mini_stream else END_OF_CHAIN
    entries[0].data = bytes(len(mini_stream))  # only its length matters for the root

    header = bytearray(SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    first_mini_fat = mini_fat_start if mini_fat else END_OF_CHAIN
    counts = (0, fat_sectors, dir_start, 0, MINI_CUTOFF, first_mini_fat, mini_fat_sectors)
    struct.pack_into("<9I", header, 40, *counts, END_OF_CHAIN, 0)
    difat = list(range(fat_sectors)) + [FREE] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 76, *difat)

    empty = _direntry(_Entry("", 0))
    directory = b"".join(_direntry(entry) for entry in entries)
    directory += empty * (dir_sectors * SECTOR // 128 - len(entries))
    body = [
        struct.pack(f"<{len(fat)}I", *fat),
        directory,
        struct.pack(f"<{len(mini_fat)}I", *mini_fat).ljust(mini_fat_sectors * SECTOR, b"\xff"),
        bytes(mini_stream).ljust(mini_stream_sectors * SECTOR, b"\0"),
    ]
    return bytes(header) + b"".join(body)


def _chain(start: int, count: int) -> list[int]:
    return [*range(start + 1, start + count), END_OF_CHAIN] if count else []


def _direntry(entry: _Entry) -> bytes:
    raw = bytearray(128)
    name = entry.name.encode("utf-16-le")
    raw[0 : len(name)] = name
    struct.pack_into("<HBB", raw, 64, len(name) + 2 if entry.name else 0, entry.kind, 1)
    struct.pack_into("<III", raw, 68, entry.left, entry.right, entry.child)
    size = len(entry.data) if entry.kind in (2, 5) else 0
    start = entry.start if entry.kind in (2, 5) else 0
    struct.pack_into("<IQ", raw, 116, start, size)
    return bytes(raw)


# --- HWP 5 --------------------------------------------------------------------------------


def hwp_record(tag: int, payload: bytes, level: int = 0) -> bytes:
    """One record with its header (extended size dword when the payload is 4095+ bytes)."""
    if len(payload) >= 0xFFF:
        return struct.pack("<II", tag | (level << 10) | (0xFFF << 20), len(payload)) + payload
    return struct.pack("<I", tag | (level << 10) | (len(payload) << 20)) + payload


def para_text_payload(*pieces: str | tuple[int, str]) -> bytes:
    """UTF-16LE paragraph text; a ``(code, id)`` piece is an 8-unit control (4-char id)."""
    units: list[int] = []
    for piece in pieces:
        if isinstance(piece, tuple):
            code, ident = piece
            params = [*list(struct.unpack("<2H", ident.encode("ascii")[::-1])), 0, 0, 0, 0]
            units.extend([code, *params, code])
        else:
            encoded = piece.encode("utf-16-le")
            units.extend(struct.unpack(f"<{len(encoded) // 2}H", encoded))
    return struct.pack(f"<{len(units)}H", *units)


def hwp_section(*paragraphs: bytes) -> bytes:
    """A section stream: for each PARA_TEXT payload, a paragraph header and its text."""
    records = b""
    for payload in paragraphs:
        records += hwp_record(HWPTAG_PARA_HEADER, b"\0" * 22)
        records += hwp_record(HWPTAG_PARA_TEXT, payload, level=1)
    return records


def file_header(*, compressed: bool = True, encrypted: bool = False) -> bytes:
    flags = (1 if compressed else 0) | (2 if encrypted else 0)
    return (
        b"HWP Document File".ljust(32, b"\0") + struct.pack("<II", 0x05010100, flags) + b"\0" * 216
    )


def build_hwp(sections: list[bytes], *, compressed: bool = True, encrypted: bool = False) -> bytes:
    streams = {"FileHeader": file_header(compressed=compressed, encrypted=encrypted)}
    for number, section in enumerate(sections):
        if compressed:
            deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
            section = deflater.compress(section) + deflater.flush()
        streams[f"BodyText/Section{number}"] = section
    return build_ole(streams)


# --- HWPX and PDF -------------------------------------------------------------------------

HP = "http://www.hancom.co.kr/hwpml/2011/paragraph"


def hwpx_section(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><hs:sec xmlns:hs="http://www.hancom.co.kr/'
        f'hwpml/2011/section" xmlns:hp="{HP}">{body}</hs:sec>'
    ).encode()


def hwpx_paragraph(*runs: str) -> str:
    return "<hp:p>" + "".join(f"<hp:run><hp:t>{run}</hp:t></hp:run>" for run in runs) + "</hp:p>"


def build_hwpx(sections: list[bytes], *, mimetype: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype:
            archive.writestr("mimetype", "application/hwp+zip", zipfile.ZIP_STORED)
        archive.writestr("version.xml", "<version/>")
        for number, section in reversed(list(enumerate(sections))):  # order must not matter
            archive.writestr(f"Contents/section{number}.xml", section, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def build_pdf(pages: list[list[str]]) -> bytes:
    """A PDF using the Korean CID font that ships with reportlab (no font file needed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for lines in pages:
        pdf.setFont("HYSMyeongJo-Medium", 12)
        for number, line in enumerate(lines):
            pdf.drawString(72, 760 - 40 * number, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
