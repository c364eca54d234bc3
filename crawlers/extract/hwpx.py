"""Text of HWPX documents (OWPML): a ZIP of XML sections, ``Contents/section0.xml`` onwards.

Paragraphs are ``hp:p`` elements whose text is in ``hp:t`` runs; tables nest further
paragraphs inside cells. Elements are matched by local name because the namespace URIs have
changed between Hancom versions (2011 and 2016 schemas are both in circulation).
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from zonewatch.crawlers.extract.errors import AttachmentError

__all__ = ["HWPX_MIMETYPE", "hwpx_text", "is_hwpx"]

HWPX_MIMETYPE = b"application/hwp+zip"

_SECTION = re.compile(r"Contents/section(\d+)\.xml\Z", re.I)
_CHUNK = 64 * 1024
_MAX_MEMBERS = 10_000
_ROW_SEPARATOR = " | "


def is_hwpx(archive: zipfile.ZipFile) -> bool:
    """Whether an open ZIP is an HWPX document: by its ``mimetype`` entry or its section names."""
    names = archive.namelist()
    if "mimetype" in names:
        info = archive.getinfo("mimetype")
        if info.file_size <= 64 and archive.read(info).strip().startswith(HWPX_MIMETYPE):
            return True
    return any(_SECTION.match(name) for name in names)


def hwpx_text(data: bytes, *, max_bytes: int, max_chars: int) -> tuple[str, bool]:
    """The text of an HWPX file and whether it was cut short by ``max_chars``.

    At most ``max_bytes`` are decompressed in total, counted while reading (the sizes in the
    ZIP directory can lie), so a ZIP bomb costs a bounded amount of memory and time.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise AttachmentError(f"not a valid ZIP file: {exc}") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > _MAX_MEMBERS:
            raise AttachmentError(f"ZIP has {len(infos)} entries (over {_MAX_MEMBERS})")
        sections = sorted(
            (int(match.group(1)), info)
            for info in infos
            if (match := _SECTION.match(info.filename))
        )
        if not sections:
            raise AttachmentError("HWPX has no Contents/section*.xml")
        if sum(info.file_size for _, info in sections) > max_bytes:
            raise AttachmentError(f"HWPX expands beyond {max_bytes} bytes (ZIP bomb?)")
        budget = max_bytes
        texts: list[str] = []
        length = 0
        for _, info in sections:
            if info.flag_bits & 0x1:
                raise AttachmentError("encrypted HWPX")
            xml = _read_capped(archive, info, budget, max_bytes)
            budget -= len(xml)
            text = section_xml_text(xml, info.filename)
            texts.append(text)
            length += len(text)
            if length > max_chars:
                return "\n\n".join(texts), True
        return "\n\n".join(texts), False


def section_xml_text(xml: bytes, name: str = "section") -> str:
    """Paragraphs of one section's XML, a blank line between them, table rows as lines."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
    )
    try:
        root = etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise AttachmentError(f"corrupt or encrypted {name}: {exc}") from exc
    blocks: list[str] = []
    _blocks(root, blocks)
    return "\n\n".join(block for block in blocks if block.strip())


def _read_capped(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, max_bytes: int
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            if size > budget:
                raise AttachmentError(f"HWPX expands beyond {max_bytes} bytes (ZIP bomb?)")
            chunks.append(chunk)
    return b"".join(chunks)


def _local(element: etree._Element) -> str:
    tag = element.tag
    return str(etree.QName(tag).localname) if isinstance(tag, str) else ""


def _blocks(element: etree._Element, out: list[str]) -> None:
    """Walk in document order: a paragraph's own runs form one block, tables their rows."""
    for child in element:
        name = _local(child)
        if name == "p":
            _paragraph(child, out)
        elif name == "tbl":
            out.append(_table(child))
        else:
            _blocks(child, out)


def _paragraph(paragraph: etree._Element, out: list[str]) -> None:
    parts: list[str] = []

    def flush() -> None:
        text = "".join(parts).strip()
        if text:
            out.append(text)
        parts.clear()

    def visit(element: etree._Element) -> None:
        for child in element:
            name = _local(child)
            if name == "t":
                parts.append(_run_text(child))
            elif name == "tbl":
                flush()
                out.append(_table(child))
            elif name == "p":  # a paragraph inside a text box or shape
                flush()
                _paragraph(child, out)
            else:
                visit(child)

    visit(paragraph)
    flush()


def _run_text(run: etree._Element) -> str:
    parts = [run.text or ""]
    for child in run:
        name = _local(child)
        if name == "tab":
            parts.append("\t")
        elif name in {"lineBreak", "linebreak"}:
            parts.append("\n")
        elif name in {"nbSpace", "fwSpace"}:
            parts.append(" ")
        elif name == "hyphen":
            parts.append("-")
        parts.append(child.tail or "")
    return "".join(parts)


def _table(table: etree._Element) -> str:
    lines: list[str] = []
    for row in _own(table, "tr"):
        cells = []
        for cell in _own(row, "tc"):
            blocks: list[str] = []
            _blocks(cell, blocks)
            cells.append(" ".join(" ".join(blocks).split()))
        if any(cells):
            lines.append(_ROW_SEPARATOR.join(cells).strip())
    return "\n".join(lines)


def _own(element: etree._Element, name: str) -> list[etree._Element]:
    """Descendants named ``name`` that belong to ``element``, not to a nested table."""
    found: list[etree._Element] = []
    for child in element:
        local = _local(child)
        if local == name:
            found.append(child)
        elif local != "tbl":
            found.extend(_own(child, name))
    return found
