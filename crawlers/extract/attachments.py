"""Text of attached files (PDF, HWPX, HWP, HTML, plain text) as a value, never an exception.

Attachments are where many releases keep their real content, and they arrive with unreliable
names and media types (PDFs served as application/octet-stream, HWPX files named .hwp, HTML
error pages in place of a file). So the bytes decide first and the name or media type only
when the bytes are not recognised. Every reader is bounded (decompressed bytes, pages, time,
characters) because the files come from the open internet, and every failure becomes a
one-line ``error`` that an operator can read next to the source.
"""

from __future__ import annotations

import io
import re
import time
import zipfile
from dataclasses import dataclass

import olefile
from pdfminer.converter import TextConverter
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from zonewatch.crawlers.extract.encoding import decode_html, decode_text
from zonewatch.crawlers.extract.errors import AttachmentError
from zonewatch.crawlers.extract.html import html_to_text
from zonewatch.crawlers.extract.hwp import HWP_SIGNATURE, hwp_text
from zonewatch.crawlers.extract.hwpx import hwpx_text, is_hwpx
from zonewatch.crawlers.extract.text import normalize_text

__all__ = [
    "KINDS",
    "MAX_UNCOMPRESSED_BYTES",
    "PDF_MAX_PAGES",
    "PDF_TIME_LIMIT_SECONDS",
    "AttachmentText",
    "extract_attachment_text",
    "sniff_kind",
]

KINDS = ("pdf", "hwpx", "hwp", "html", "text", "unknown")

# Limits, read at call time so that tests and workers can tune them.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
PDF_MAX_PAGES = 500
PDF_TIME_LIMIT_SECONDS = 60.0

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_HTML_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html|head|body)\b", re.I)
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{2,5})\s*(?:\[[^\]]*\]|\([^)]*\))?\s*\Z")
_BINARY_CONTROLS = re.compile("[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_TEXT_SAMPLE = 65536
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)

_BY_EXTENSION = {
    "pdf": "pdf",
    "hwpx": "hwpx",
    "hwp": "hwp",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "txt": "text",
    "text": "text",
    "csv": "text",
}
_BY_MEDIA_TYPE = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/hwp+zip": "hwpx",
    "application/vnd.hancom.hwpx": "hwpx",
    "application/haansofthwpx": "hwpx",
    "application/x-hwp": "hwp",
    "application/haansofthwp": "hwp",
    "application/vnd.hancom.hwp": "hwp",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/csv": "text",
}


@dataclass(frozen=True)
class AttachmentText:
    """What could be read from one attachment.

    ``text`` is normalised text, or None exactly when ``error`` says why nothing was read
    (including "no text found" for image-only PDFs). ``truncated`` means the text stops early
    (``max_chars``, the page cap or the time cap was reached); what there is can still be used.
    """

    text: str | None
    kind: str
    error: str | None = None
    truncated: bool = False


def extract_attachment_text(
    data: bytes,
    filename: str,
    media_type: str | None = None,
    *,
    max_chars: int = 500_000,
) -> AttachmentText:
    """Sniff the file type and extract its text, within bounded memory and time.

    ``filename`` may carry a listing's size suffix ("보도자료.pdf [47.9 KB]"). Never raises for
    bad input: corrupt, truncated, encrypted or unsupported files come back with ``error`` set.
    """
    kind, reason = sniff_kind(data, filename, media_type)
    if reason is not None:
        return AttachmentText(None, kind, reason)
    try:
        text, truncated = _read(kind, data, media_type, max_chars)
    except AttachmentError as exc:
        return AttachmentText(None, kind, str(exc))
    except Exception as exc:  # third-party parsers raise anything on hostile files
        return AttachmentText(None, kind, f"unreadable {kind}: {_one_line(exc)}")
    text = normalize_text(text)
    if not text:
        hint = " (scanned or image-only?)" if kind == "pdf" else ""
        return AttachmentText(None, kind, f"no text found{hint}", truncated)
    if len(text) > max_chars:
        text, truncated = text[:max_chars], True
    return AttachmentText(text, kind, None, truncated)


def sniff_kind(
    data: bytes, filename: str = "", media_type: str | None = None
) -> tuple[str, str | None]:
    """The file kind from its bytes, else its name, else its media type; and an error if the
    bytes are recognisably something unsupported (a Word file, HWP 3, an unknown ZIP)."""
    if not data:
        return "unknown", "empty file"
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf", None
    if data.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if is_hwpx(archive):
                    return "hwpx", None
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
            return _by_name(filename, media_type) or "unknown", None
        return "unknown", "unsupported ZIP-based document (not HWPX)"
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data, _by_name(filename, media_type))
    if data.startswith(HWP_SIGNATURE):
        return "hwp", "HWP 3.x documents are not supported"
    if _HTML_START.match(head):
        return "html", None
    named = _by_name(filename, media_type)
    if named is not None:
        return named, None
    if _looks_like_text(data[:_TEXT_SAMPLE]):
        return "text", None
    return "unknown", "unrecognised file type"


def _looks_like_text(sample: bytes) -> bool:
    """No NUL bytes, and the sample decodes with almost no loss and few control characters."""
    if b"\x00" in sample:
        return False
    text = decode_text(sample).text
    noise = text.count("\ufffd") + len(_BINARY_CONTROLS.findall(text))
    return noise <= max(2, len(text) // 1000)


def _sniff_ole(data: bytes, named: str | None) -> tuple[str, str | None]:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError and its own defect errors
        return named if named == "hwp" else "unknown", f"corrupt OLE file: {_one_line(exc)}"
    try:
        if ole.exists("FileHeader"):
            return "hwp", None
        return "unknown", "unsupported OLE document (not HWP)"
    finally:
        ole.close()


def _by_name(filename: str, media_type: str | None) -> str | None:
    match = _EXTENSION.search(filename or "")
    if match and match.group(1).lower() in _BY_EXTENSION:
        return _BY_EXTENSION[match.group(1).lower()]
    if media_type:
        return _BY_MEDIA_TYPE.get(media_type.split(";")[0].strip().lower())
    return None


def _read(kind: str, data: bytes, media_type: str | None, max_chars: int) -> tuple[str, bool]:
    if kind == "pdf":
        return _pdf_text(data, max_chars)
    if kind == "hwpx":
        return hwpx_text(data, max_bytes=MAX_UNCOMPRESSED_BYTES, max_chars=max_chars)
    if kind == "hwp":
        return hwp_text(data, max_bytes=MAX_UNCOMPRESSED_BYTES, max_chars=max_chars)
    charset = _charset(media_type)
    if kind == "html":
        return html_to_text(decode_html(data, charset).text), False
    if kind == "text":
        return decode_text(data, charset).text, False
    raise AttachmentError("unrecognised file type")


def _pdf_text(data: bytes, max_chars: int) -> tuple[str, bool]:
    """pdfminer, page by page, stopping at the page, time and character caps."""
    output = io.StringIO()
    manager = PDFResourceManager(caching=True)
    device = TextConverter(manager, output, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    deadline = time.monotonic() + PDF_TIME_LIMIT_SECONDS
    truncated = False
    try:
        for number, page in enumerate(PDFPage.get_pages(io.BytesIO(data))):
            if number >= PDF_MAX_PAGES or time.monotonic() > deadline or output.tell() > max_chars:
                truncated = True
                break
            interpreter.process_page(page)
    except PDFPasswordIncorrect as exc:
        raise AttachmentError("encrypted PDF (password required)") from exc
    finally:
        device.close()
    return output.getvalue(), truncated


def _charset(media_type: str | None) -> str | None:
    match = _CHARSET.search(media_type or "")
    return match.group(1) if match else None


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
