from __future__ import annotations

import codecs

import pytest

from zonewatch.crawlers.extract import decode_html, decode_text
from zonewatch.crawlers.extract.encoding import normalize_charset

# 똠, 햏 and 뷁 exist only in CP949 (Unified Hangul Code), not in EUC-KR proper.
CP949_ONLY = "똠방각하 햏자 뷁어"
KOREAN = f"<p>인천경제자유구역청은 {CP949_ONLY} 투자 1,234억 원을 유치했다.</p>"


def page(charset_meta: str, body: str = KOREAN) -> str:
    return f"<html><head>{charset_meta}<title>보도자료</title></head><body>{body}</body></html>"


def test_cp949_only_characters_decode_through_an_euc_kr_meta() -> None:
    raw = page('<meta charset="euc-kr">').encode("cp949")
    decoded = decode_html(raw)
    assert CP949_ONLY in decoded.text
    assert "\ufffd" not in decoded.text
    assert (decoded.encoding, decoded.confident) == ("cp949", True)


@pytest.mark.parametrize(
    "label", ["EUC-KR", "ks_c_5601-1987", "KS_C_5601-1987", "x-windows-949", "ks_c_5601", "euc_kr"]
)
def test_every_korean_label_means_cp949(label: str) -> None:
    assert normalize_charset(label) == "cp949"
    decoded = decode_html(page("").encode("cp949"), header_charset=label)
    assert CP949_ONLY in decoded.text
    assert decoded.confident


def test_http_equiv_declaration_is_read() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=ks_c_5601-1987">'
    decoded = decode_html(page(meta).encode("cp949"))
    assert decoded.encoding == "cp949"
    assert CP949_ONLY in decoded.text


def test_header_may_be_a_whole_content_type_value() -> None:
    decoded = decode_html(page("").encode("cp949"), "text/html; charset=EUC-KR")
    assert decoded.encoding == "cp949"


def test_header_saying_latin1_is_overridden_by_cp949_bytes() -> None:
    raw = page("").encode("cp949")
    decoded = decode_html(raw, header_charset="ISO-8859-1")
    assert CP949_ONLY in decoded.text
    assert (decoded.encoding, decoded.confident) == ("cp949", True)


def test_meta_saying_utf8_is_overridden_by_cp949_bytes() -> None:
    decoded = decode_html(page('<meta charset="utf-8">').encode("cp949"))
    assert decoded.encoding == "cp949"
    assert CP949_ONLY in decoded.text


def test_page_declaring_euc_kr_but_sending_utf8_is_read_as_utf8() -> None:
    decoded = decode_html(page('<meta charset="euc-kr">').encode("utf-8"))
    assert decoded.encoding == "utf-8"
    assert CP949_ONLY in decoded.text


def test_real_latin1_is_not_mistaken_for_cp949() -> None:
    raw = "<html><body><p>Café déjà vu — naïve façade</p></body></html>".encode("cp1252")
    decoded = decode_html(raw, header_charset="iso-8859-1")
    assert "Café déjà vu — naïve façade" in decoded.text
    assert decoded.confident


def test_utf8_bom_wins_over_declarations() -> None:
    raw = codecs.BOM_UTF8 + page('<meta charset="euc-kr">').encode("utf-8")
    decoded = decode_html(raw, header_charset="iso-8859-1")
    assert decoded.text.startswith("<html>")
    assert CP949_ONLY in decoded.text
    assert decoded.encoding == "utf-8"
    assert decoded.confident


def test_utf16_bom() -> None:
    decoded = decode_html(codecs.BOM_UTF16_LE + page("").encode("utf-16-le"))
    assert CP949_ONLY in decoded.text
    assert decoded.encoding == "utf-16-le"


def test_undeclared_bytes_are_detected() -> None:
    assert decode_html(page("").encode("utf-8")).encoding == "utf-8"
    assert decode_html(page("").encode("cp949")).encoding == "cp949"
    assert decode_html(b"<p>plain ascii</p>") == decode_html(b"<p>plain ascii</p>", None)
    assert decode_html(b"<p>plain ascii</p>").confident


def test_broken_bytes_are_decoded_but_not_confident() -> None:
    raw = b"<html><body>" + bytes(range(0x80, 0x100)) * 4 + b"</body></html>"
    decoded = decode_html(raw, header_charset="utf-8")
    assert decoded.text.startswith("<html><body>")
    assert not decoded.confident


def test_mostly_korean_with_one_corrupt_byte_keeps_the_korean() -> None:
    raw = page('<meta charset="euc-kr">').encode("cp949")
    corrupt = raw.replace("투자".encode("cp949"), b"\xff\xff")
    decoded = decode_html(corrupt)
    assert CP949_ONLY in decoded.text
    assert decoded.encoding == "cp949"
    assert not decoded.confident


def test_unknown_charset_labels_are_ignored() -> None:
    decoded = decode_html(page("").encode("cp949"), header_charset="x-no-such-charset")
    assert decoded.encoding == "cp949"
    assert decoded.confident


def test_decode_text_reads_the_xml_declaration() -> None:
    feed = f'<?xml version="1.0" encoding="euc-kr"?><rss><title>{CP949_ONLY}</title></rss>'
    decoded = decode_text(feed.encode("cp949"))
    assert decoded.encoding == "cp949"
    assert CP949_ONLY in decoded.text


def test_empty_body() -> None:
    assert decode_html(b"") == decode_html(b"", None)
    assert decode_html(b"").text == ""
