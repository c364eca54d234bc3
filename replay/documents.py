"""Real attachment files generated on the fly: PDF, HWPX and HWP 5.

Each format carries the release text where an extractor would look for it:

- PDF: reportlab with the CID font ``HYSMyeongJo-Medium`` (Adobe-Korea1, so pdfminer maps
  the glyphs back to Korean text); ``invariant`` output, so the bytes and the ETag are stable.
- HWPX: a zip whose first entry is the stored ``mimetype`` (``application/hwp+zip``), with
  ``META-INF/container.xml``, ``Contents/content.hpf`` and ``Contents/section0.xml`` holding
  OWPML paragraphs ``<hp:p><hp:run><hp:t>…</hp:t></hp:run></hp:p>``.
- HWP 5: an OLE compound file (:mod:`zonewatch.replay.cfb`) with ``FileHeader`` (compressed
  flag set), ``DocInfo`` and ``BodyText/Section0``: raw-deflated records, one
  ``HWPTAG_PARA_HEADER`` (66) and one ``HWPTAG_PARA_TEXT`` (67, UTF-16LE) per paragraph.

Files are cached by content, because the same attachment is fetched again and again.
"""

from __future__ import annotations

import io
import struct
import threading
import zipfile
import zlib
from functools import lru_cache
from xml.sax.saxutils import escape

from zonewatch.replay.cfb import write_compound_file

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "hwpx": "application/hwp+zip",
    "hwp": "application/x-hwp",
}
PDF_FONT = "HYSMyeongJo-Medium"
_font_lock = threading.Lock()
_font_registered = False


@lru_cache(maxsize=512)
def render_document(kind: str, title: str, paragraphs: tuple[str, ...]) -> bytes:
    """The bytes of an attachment of ``kind`` ("pdf", "hwpx" or "hwp")."""
    if kind == "pdf":
        return pdf_document(title, paragraphs)
    if kind == "hwpx":
        return hwpx_document(title, paragraphs)
    if kind == "hwp":
        return hwp_document(title, paragraphs)
    raise ValueError(f"unknown document kind {kind!r}")


def _register_font() -> None:
    global _font_registered
    with _font_lock:
        if not _font_registered:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
            _font_registered = True


def pdf_document(title: str, paragraphs: tuple[str, ...]) -> bytes:
    """A4 pages: the title, then the paragraphs wrapped to the page width."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen import canvas

    _register_font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle(title)
    width, height = A4
    margin, size, leading = 56.0, 10.5, 16.0
    y = height - margin

    def line(text: str, font_size: float) -> None:
        nonlocal y
        if y < margin:
            pdf.showPage()
            y = height - margin
        pdf.setFont(PDF_FONT, font_size)
        pdf.drawString(margin, y, text)
        y -= leading if font_size <= size else leading * 1.6

    for piece in simpleSplit(title, PDF_FONT, 15, width - 2 * margin):
        line(piece, 15)
    for paragraph in paragraphs:
        for piece in simpleSplit(paragraph, PDF_FONT, size, width - 2 * margin) or [""]:
            line(piece, size)
        y -= leading / 2
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


_HWPX_STAMP = (2026, 1, 1, 0, 0, 0)
_CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
    '<ocf:container xmlns:ocf="urn:oasis:names:tc:opendocument:xmlns:container" '
    'xmlns:hpf="http://www.hancom.co.kr/schema/2011/hpf"><ocf:rootfiles>'
    '<ocf:rootfile full-path="Contents/content.hpf" media-type="application/hwpml-package+xml"/>'
    "</ocf:rootfiles></ocf:container>"
)
_VERSION = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
    '<hv:HCFVersion xmlns:hv="http://www.hancom.co.kr/hwpml/2011/version" '
    'tagetApplication="WORDPROCESSOR" major="5" minor="1" micro="1" buildNumber="0" os="1" '
    'xmlVersion="1.5" application="Hancom Office Hangul" appVersion="12, 0, 0, 0"/>'
)
_HEADER = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
    '<hh:head xmlns:hh="http://www.hancom.co.kr/hwpml/2011/head" version="1.5" secCnt="1">'
    '<hh:beginNum page="1" footnote="1" endnote="1" pic="1" tbl="1" equation="1"/></hh:head>'
)


def _content_hpf(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
        '<opf:package xmlns:opf="http://www.idpf.org/2007/opf/" version="" unique-identifier="" '
        'id=""><opf:metadata>'
        f"<opf:title>{escape(title)}</opf:title><opf:language>ko</opf:language>"
        "</opf:metadata><opf:manifest>"
        '<opf:item id="header" href="Contents/header.xml" media-type="application/xml"/>'
        '<opf:item id="section0" href="Contents/section0.xml" media-type="application/xml"/>'
        "</opf:manifest><opf:spine>"
        '<opf:itemref idref="header" linear="yes"/><opf:itemref idref="section0" linear="yes"/>'
        "</opf:spine></opf:package>"
    )


def _section_xml(title: str, paragraphs: tuple[str, ...]) -> str:
    body = "".join(
        f'<hp:p id="{index}" paraPrIDRef="0" styleIDRef="0" pageBreak="0" columnBreak="0" '
        f'merged="0"><hp:run charPrIDRef="0"><hp:t>{escape(text)}</hp:t></hp:run></hp:p>'
        for index, text in enumerate((title, *paragraphs))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>'
        '<hs:sec xmlns:hs="http://www.hancom.co.kr/hwpml/2011/section" '
        'xmlns:hp="http://www.hancom.co.kr/hwpml/2011/paragraph">'
        f"{body}</hs:sec>"
    )


def hwpx_document(title: str, paragraphs: tuple[str, ...]) -> bytes:
    """An HWPX (OWPML) package; ``mimetype`` first and stored, as readers require."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        members = [
            ("mimetype", "application/hwp+zip", zipfile.ZIP_STORED),
            ("version.xml", _VERSION, zipfile.ZIP_DEFLATED),
            ("Contents/header.xml", _HEADER, zipfile.ZIP_DEFLATED),
            ("Contents/section0.xml", _section_xml(title, paragraphs), zipfile.ZIP_DEFLATED),
            ("Preview/PrvText.txt", "\r\n".join((title, *paragraphs)), zipfile.ZIP_DEFLATED),
            ("META-INF/container.xml", _CONTAINER, zipfile.ZIP_DEFLATED),
            ("Contents/content.hpf", _content_hpf(title), zipfile.ZIP_DEFLATED),
        ]
        for name, text, method in members:
            info = zipfile.ZipInfo(name, date_time=_HWPX_STAMP)
            info.compress_type = method
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def resaved(kind: str, data: bytes, saves: int) -> bytes:
    """``data`` saved again ``saves`` times: other bytes, the same text (as an editor does).

    HWPX and PDF readers ignore a zip comment and a trailing PDF comment, so only the hash
    changes; an HWP 5 file has no such free room, so it cannot be re-saved here.
    """
    if saves == 0:
        return data
    if kind == "hwpx":
        buffer = io.BytesIO(data)
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.comment = f"saved {saves}".encode("ascii")
        return buffer.getvalue()
    if kind == "pdf":
        return data + f"%saved {saves}\n".encode("ascii")
    raise ValueError(f"a {kind} file cannot be re-saved with the same text")


HWPTAG_DOCUMENT_PROPERTIES = 16
HWPTAG_PARA_HEADER = 66
HWPTAG_PARA_TEXT = 67
HWPTAG_PARA_CHAR_SHAPE = 68


def hwp_record(tag: int, level: int, data: bytes) -> bytes:
    """One HWP record: a 32-bit header (tag, level, size) and, for big records, a size word."""
    if len(data) < 0xFFF:
        return struct.pack("<I", tag | (level << 10) | (len(data) << 20)) + data
    return struct.pack("<II", tag | (level << 10) | (0xFFF << 20), len(data)) + data


def _deflate_raw(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def hwp_document(title: str, paragraphs: tuple[str, ...]) -> bytes:
    """A small HWP 5.0.3.0 file, compressed, with one section of plain paragraphs."""
    file_header = (
        b"HWP Document File".ljust(32, b"\0")
        + struct.pack("<III", 0x05000300, 0x1, 0)
        + b"\0" * (256 - 44)
    )
    doc_info = hwp_record(
        HWPTAG_DOCUMENT_PROPERTIES, 0, struct.pack("<7H3I", 1, 1, 1, 1, 1, 1, 1, 0, 0, 0)
    )
    section = bytearray()
    for text in (title, *paragraphs):
        encoded = (text + "\r").encode("utf-16-le")
        characters = len(encoded) // 2
        header = struct.pack("<IIHBBHHHI", characters, 0, 0, 0, 0, 1, 0, 1, 0)
        section += hwp_record(HWPTAG_PARA_HEADER, 0, header)
        section += hwp_record(HWPTAG_PARA_TEXT, 1, encoded)
        section += hwp_record(HWPTAG_PARA_CHAR_SHAPE, 1, struct.pack("<II", 0, 0))
    preview = "\r\n".join((title, *paragraphs)).encode("utf-16-le")
    return write_compound_file(
        {
            "FileHeader": file_header,
            "DocInfo": _deflate_raw(doc_info),
            "BodyText/Section0": _deflate_raw(bytes(section)),
            "PrvText": preview,
        }
    )
