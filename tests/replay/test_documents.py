"""Attachments are real PDF, HWPX and HWP files whose text an extractor can read."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from urllib.parse import quote

import olefile
import pytest
from pdfminer.high_level import extract_text

from tests.testkit.replay import fetch
from zonewatch.replay.cfb import write_compound_file
from zonewatch.replay.server import ReplayServer


def _motir_file(server: ReplayServer, item_id: str) -> tuple[str, str]:
    page = fetch(server, "www.motir.go.kr", f"/kor/article/ATCL3f49a5a8c/{item_id}/view").text()
    match = re.search(r"location\.href='(/attach/down/[^']+)'\">([^<]+?) \[", page)
    assert match is not None
    return match.group(1), match.group(2)


def hwp_paragraphs(data: bytes) -> list[str]:
    """The PARA_TEXT records of an HWP 5 file's first section (what an extractor reads)."""
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    header = ole.openstream("FileHeader").read()
    assert header.startswith(b"HWP Document File")
    assert header[36] & 1
    section = zlib.decompress(ole.openstream("BodyText/Section0").read(), -15)
    texts, position = [], 0
    while position < len(section):
        (word,) = struct.unpack_from("<I", section, position)
        position += 4
        tag, size = word & 0x3FF, word >> 20
        if size == 0xFFF:
            (size,) = struct.unpack_from("<I", section, position)
            position += 4
        if tag == 67:
            texts.append(section[position : position + size].decode("utf-16-le").rstrip("\r"))
        position += size
    return texts


@pytest.fixture
def lenient_server() -> Iterator[ReplayServer]:
    """MOTIR's downloads fail on the real site (and in the default replay): let them through."""
    with ReplayServer(strict=False) as server:
        yield server


def test_motir_downloads_fail_like_the_real_site(replay_server: ReplayServer) -> None:
    href, _ = _motir_file(replay_server, "171830")
    response = fetch(replay_server, "www.motir.go.kr", href)
    assert (response.status, response.header("Location")) == (302, "/error/500")


def test_pdf_has_extractable_korean_text(lenient_server: ReplayServer) -> None:
    replay_server = lenient_server
    href, name = _motir_file(replay_server, "171830")
    response = fetch(replay_server, "www.motir.go.kr", href)
    assert response.status == 200
    assert response.header("Content-Type") == "application/pdf"
    assert response.header("Content-Disposition") == (
        f"attachment; filename*=UTF-8''{quote(name, safe='')}"
    )
    assert response.body.startswith(b"%PDF")
    text = extract_text(io.BytesIO(response.body))
    assert "산업단지 대개조 2차 지역 선정 결과" in text
    assert "국비 1,800억 원을 포함해" in text


def test_busan_pdf_carries_the_whole_release(replay_server: ReplayServer) -> None:
    path = "/comm/getFile?srvcId=BBSTY3&upperNo=1678930&fileTy=ATTACH&fileNo=1"
    pdf = fetch(replay_server, "www.busan.go.kr", path)
    text = extract_text(io.BytesIO(pdf.body))
    page = fetch(replay_server, "www.busan.go.kr", "/nbtnewsBU/1678930").text()
    assert "2조 2천억 원" in text
    assert "2조 2천억 원" not in page


def test_hwpx_is_an_owpml_package(replay_server: ReplayServer) -> None:
    view = fetch(replay_server, "www.ifez.go.kr", "/main/pst/view.do?pst_id=noti03&pst_sn=669391")
    href = re.search(r'href="(/other/attach/process\.file\.do[^"]+)"', view.text("cp949"))
    assert href is not None
    response = fetch(replay_server, "www.ifez.go.kr", href.group(1).replace("&amp;", "&"))
    assert response.header("Content-Type") == "application/hwp+zip"
    archive = zipfile.ZipFile(io.BytesIO(response.body))
    first = archive.infolist()[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"application/hwp+zip"
    assert {"META-INF/container.xml", "Contents/content.hpf", "Contents/section0.xml"} <= set(
        archive.namelist()
    )
    section = archive.read("Contents/section0.xml").decode()
    texts = re.findall(r"<hp:p [^>]*><hp:run [^>]*><hp:t>([^<]*)</hp:t></hp:run></hp:p>", section)
    assert texts[0] == "송도 바이오 클러스터 2단계 조성 계획 발표"
    assert any("597억 원" in text for text in texts)


def test_hwp_is_an_ole_file_with_para_text_records(lenient_server: ReplayServer) -> None:
    replay_server = lenient_server
    href, name = _motir_file(replay_server, "171839")
    assert name.endswith(".hwp")
    response = fetch(replay_server, "www.motir.go.kr", href)
    assert response.header("Content-Type") == "application/x-hwp"
    paragraphs = hwp_paragraphs(response.body)
    assert paragraphs[0] == "2026년 7월 산업단지 동향"
    assert "지정 면적은 1,432㎢이다" in paragraphs[1]


def test_compound_file_with_large_and_small_streams() -> None:
    big, small = bytes(range(256)) * 40, b"tiny"
    data = write_compound_file({"A/B/big": big, "small": small, "A/other": b"x" * 5000})
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_INCORRECT)
    assert ole.openstream("A/B/big").read() == big
    assert ole.openstream("small").read() == small
    assert ole.openstream("A/other").read() == b"x" * 5000


def test_withdrawn_and_unknown_files_are_404(replay_server: ReplayServer) -> None:
    assert fetch(replay_server, "www.motir.go.kr", f"/attach/down/{'0' * 32}/0/0").status == 404
    assert (
        fetch(replay_server, "www.korea.kr", "/common/download.do?fileId=1&tblKey=GMN").status
        == 404
    )
