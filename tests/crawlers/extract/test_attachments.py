from __future__ import annotations

import io
import zipfile

import pytest

from tests.crawlers.extract.builders import (
    build_hwp,
    build_hwpx,
    build_ole,
    build_pdf,
    file_header,
    hwp_section,
    hwpx_paragraph,
    hwpx_section,
    para_text_payload,
)
from zonewatch.crawlers.extract import attachments, extract_attachment_text
from zonewatch.crawlers.extract.attachments import sniff_kind

KOREAN_LINES = ["인천경제자유구역 투자 1,234억 원", "똠방각하 햏 뷁 Korea FEZ"]


@pytest.fixture(scope="module")
def korean_pdf() -> bytes:
    return build_pdf([KOREAN_LINES, ["둘째 쪽 본문"]])


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_with_korean_cid_font(korean_pdf: bytes) -> None:
    result = extract_attachment_text(korean_pdf, "2026-578_보도자료(산업통상부).pdf [47.9 KB]")
    assert (result.kind, result.error, result.truncated) == ("pdf", None, False)
    assert result.text is not None
    for line in [*KOREAN_LINES, "둘째 쪽 본문"]:
        assert line in result.text


def test_pdf_is_sniffed_whatever_its_name(korean_pdf: bytes) -> None:
    result = extract_attachment_text(korean_pdf, "download.do", "application/octet-stream")
    assert result.kind == "pdf"
    assert result.text
    assert KOREAN_LINES[0] in result.text


def test_pdf_page_cap(korean_pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "PDF_MAX_PAGES", 1)
    result = extract_attachment_text(korean_pdf, "a.pdf")
    assert result.truncated
    assert result.text
    assert "둘째 쪽" not in result.text
    assert KOREAN_LINES[0] in result.text


def test_max_chars_truncates(korean_pdf: bytes) -> None:
    result = extract_attachment_text(korean_pdf, "a.pdf", max_chars=10)
    assert result.truncated
    assert result.text == "인천경제자유구역 투"


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.95])
def test_truncated_pdf_is_an_error(korean_pdf: bytes, cut: float) -> None:
    result = extract_attachment_text(korean_pdf[: int(len(korean_pdf) * cut)], "a.pdf")
    assert result.kind == "pdf"
    assert (result.text is None) == (result.error is not None)
    if result.error is not None:
        assert "\n" not in result.error


def test_corrupt_pdf_is_an_error() -> None:
    result = extract_attachment_text(b"%PDF-1.7\n" + b"\x00garbage" * 100, "a.pdf")
    assert result.kind == "pdf"
    assert result.text is None
    assert result.error
    assert "\n" not in result.error


def test_pdf_without_text_is_reported() -> None:
    result = extract_attachment_text(build_pdf([[]]), "scan.pdf")
    assert result.text is None
    assert result.error == "no text found (scanned or image-only?)"


# --- HWPX -----------------------------------------------------------------------------------


def test_hwpx_sections_in_order_with_paragraphs() -> None:
    section0 = hwpx_section(
        hwpx_paragraph("경제자유구역 ", "지정") + hwpx_paragraph("투자 1,2", "34억 원")
    )
    section1 = hwpx_section(hwpx_paragraph("둘째 구역"))
    result = extract_attachment_text(build_hwpx([section0, section1]), "보도자료.hwpx")
    assert (result.kind, result.error) == ("hwpx", None)
    assert result.text == "경제자유구역 지정\n\n투자 1,234억 원\n\n둘째 구역"


def test_hwpx_tables_and_other_namespaces() -> None:
    table = (
        "<hp:p><hp:run><hp:t>표 앞</hp:t><hp:tbl><hp:tr>"
        "<hp:tc><hp:subList><hp:p><hp:run><hp:t>구분</hp:t></hp:run></hp:p></hp:subList></hp:tc>"
        "<hp:tc><hp:subList><hp:p><hp:run><hp:t>금액</hp:t></hp:run></hp:p></hp:subList></hp:tc>"
        "</hp:tr><hp:tr>"
        "<hp:tc><hp:subList><hp:p><hp:run><hp:t>국비</hp:t></hp:run></hp:p></hp:subList></hp:tc>"
        "<hp:tc><hp:subList><hp:p><hp:run><hp:t>100억<hp:tab/>원</hp:t></hp:run></hp:p>"
        "</hp:subList></hp:tc></hp:tr></hp:tbl></hp:run></hp:p>"
    )
    section = hwpx_section(table).replace(b"hwpml/2011/paragraph", b"hwpml/2016/paragraph")
    result = extract_attachment_text(build_hwpx([section], mimetype=False), "x.bin")
    assert result.kind == "hwpx"
    assert result.text == "표 앞\n\n구분 | 금액\n국비 | 100억 원"


def test_hwpx_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    big = hwpx_section(hwpx_paragraph("가" * 200_000))
    data = build_hwpx([big])
    assert len(data) < 20_000  # highly compressible: small on the wire, large inflated
    monkeypatch.setattr(attachments, "MAX_UNCOMPRESSED_BYTES", 100_000)
    result = extract_attachment_text(data, "bomb.hwpx")
    assert result.kind == "hwpx"
    assert result.text is None
    assert result.error is not None
    assert "ZIP bomb" in result.error


def test_hwpx_with_lying_sizes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytearray(build_hwpx([hwpx_section(hwpx_paragraph("가" * 200_000))]))
    # Declare 10 bytes in the central directory entry (the name's last occurrence; the
    # uncompressed size sits 22 bytes into the 46-byte header that precedes the name).
    header = bytes(data).rfind(b"Contents/section0.xml") - 46
    assert data[header : header + 4] == b"PK\x01\x02"
    data[header + 24 : header + 28] = (10).to_bytes(4, "little")
    monkeypatch.setattr(attachments, "MAX_UNCOMPRESSED_BYTES", 100_000)
    result = extract_attachment_text(bytes(data), "bomb.hwpx")
    assert result.kind == "hwpx"
    assert result.text is None
    assert result.error


def test_corrupt_hwpx_section() -> None:
    result = extract_attachment_text(build_hwpx([b"<hs:sec><hp:p>unclosed"]), "a.hwpx")
    assert result.kind == "hwpx"
    assert result.text is None
    assert result.error is not None
    assert "section0.xml" in result.error


def test_truncated_zip_named_hwpx() -> None:
    data = build_hwpx([hwpx_section(hwpx_paragraph("본문"))])
    result = extract_attachment_text(data[: len(data) // 2], "a.hwpx")
    assert result.kind == "hwpx"
    assert result.text is None
    assert result.error


def test_other_zip_documents_are_unsupported() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    result = extract_attachment_text(buffer.getvalue(), "a.docx")
    assert (result.kind, result.text) == ("unknown", None)
    assert result.error == "unsupported ZIP-based document (not HWPX)"


# --- HWP (wired end to end; the record parser is tested in test_hwp.py) ---------------------


def test_hwp_file_end_to_end() -> None:
    section = hwp_section(
        para_text_payload("경제자유구역", (9, "    "), "지정", (11, "tbl "), "\r"),
        para_text_payload("투자 1,234억 원\r"),
    )
    data = build_hwp([section, hwp_section(para_text_payload("끝\r"))])
    result = extract_attachment_text(data, "보도자료.hwp")
    assert (result.kind, result.error) == ("hwp", None)
    assert result.text == "경제자유구역 지정\n\n투자 1,234억 원\n\n끝"


def test_uncompressed_hwp() -> None:
    data = build_hwp([hwp_section(para_text_payload("비압축 본문\r"))], compressed=False)
    assert extract_attachment_text(data, "a.hwp").text == "비압축 본문"


def test_encrypted_hwp() -> None:
    data = build_hwp([hwp_section(para_text_payload("비밀\r"))], encrypted=True)
    result = extract_attachment_text(data, "a.hwp")
    assert (result.kind, result.text, result.error) == ("hwp", None, "encrypted HWP")


def test_hwp_deflate_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = build_hwp([hwp_section(para_text_payload("가" * 1000 + "\r"))])
    monkeypatch.setattr(attachments, "MAX_UNCOMPRESSED_BYTES", 500)
    result = extract_attachment_text(data, "a.hwp")
    assert result.text is None
    assert result.error is not None
    assert "limit" in result.error


def test_corrupt_hwp_stream() -> None:
    data = build_ole({"FileHeader": file_header(), "BodyText/Section0": b"\xff" * 64})
    result = extract_attachment_text(data, "a.hwp")
    assert result.kind == "hwp"
    assert result.text is None
    assert result.error is not None
    assert result.error.startswith("corrupt HWP stream BodyText")


def test_truncated_ole_file() -> None:
    data = build_hwp([hwp_section(para_text_payload("본문\r"))])
    result = extract_attachment_text(data[:700], "a.hwp")
    assert result.kind == "hwp"
    assert result.text is None
    assert result.error is not None
    assert "\n" not in result.error


def test_hwp3_is_reported() -> None:
    result = extract_attachment_text(b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05", "a.hwp")
    assert result.kind == "hwp"
    assert result.error == "HWP 3.x documents are not supported"


# --- other kinds ----------------------------------------------------------------------------


def test_html_error_page_instead_of_a_file() -> None:
    body = "<!DOCTYPE html><html><body><h1>500 오류</h1><p>잠시 후 다시</p></body></html>"
    result = extract_attachment_text(body.encode("cp949"), "보도자료.pdf", "application/pdf")
    assert (result.kind, result.text) == ("html", "500 오류\n\n잠시 후 다시")


def test_plain_text_in_cp949() -> None:
    result = extract_attachment_text("첫 줄\r\n둘째 줄 똠".encode("cp949"), "readme.txt")
    assert (result.kind, result.text) == ("text", "첫 줄\n둘째 줄 똠")


def test_media_type_decides_when_the_name_does_not() -> None:
    data = "<p>본문</p>".encode("cp949")
    result = extract_attachment_text(data, "download.do", "text/html; charset=euc-kr")
    assert (result.kind, result.text) == ("html", "본문")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", "empty file"),
        (bytes(range(256)) * 4, "unrecognised file type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, None),
    ],
)
def test_unusable_files_never_raise(data: bytes, error: str | None) -> None:
    result = extract_attachment_text(data, "file.bin")
    assert result.text is None
    assert result.error
    if error is not None:
        assert result.error == error


def test_sniffing_prefers_bytes_over_names() -> None:
    hwpx = build_hwpx([hwpx_section(hwpx_paragraph("x"))])
    assert sniff_kind(hwpx, "wrongly_named.hwp") == ("hwpx", None)
    assert sniff_kind(b"%PDF-1.4 ...", "a.hwp")[0] == "pdf"
    assert sniff_kind(b"plain", "a.hwpx [10 KB]")[0] == "hwpx"
    assert sniff_kind(b"plain", "noext", "application/x-hwp")[0] == "hwp"
