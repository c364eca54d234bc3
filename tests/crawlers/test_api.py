"""The open press-release API's answers as the 2026 clients see them."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from zonewatch.crawlers.spiders.api import (
    API_ERRORS,
    EMPTY_WINDOW_CODES,
    api_error,
    attachment_pairs,
)


def xml(text: str) -> etree._Element:
    return etree.fromstring(text.encode("utf-8"))


def test_the_skeleton_answer_has_two_attachments(shared_dir: Path) -> None:
    path = shared_dir / "reference" / "site-samples" / "pressrelease-api.skeleton.xml"
    if not path.is_file():
        pytest.skip("the API skeleton is not present")
    root = etree.fromstring(path.read_bytes())
    assert api_error(root) is None
    item = root.find(".//NewsItem")
    assert [name for name, _ in attachment_pairs(item)] == ["NAME.hwpx", "NAME.pdf"]
    assert attachment_pairs(item)[1][1].endswith("fileId=198507299&tblKey=GMN")


def test_repeated_pairs_and_the_older_pipe_form() -> None:
    repeated = xml(
        "<NewsItem><FileName>a.hwpx</FileName><FileUrl>https://x/1</FileUrl>"
        "<FileName>b.pdf</FileName><FileUrl>https://x/2</FileUrl></NewsItem>"
    )
    piped = xml(
        "<NewsItem><FileName>a.hwpx|b.pdf</FileName><FileUrl>https://x/1|https://x/2</FileUrl>"
        "</NewsItem>"
    )
    expected = [("a.hwpx", "https://x/1"), ("b.pdf", "https://x/2")]
    assert attachment_pairs(repeated) == expected
    assert attachment_pairs(piped) == expected
    assert attachment_pairs(xml("<NewsItem/>")) == []


def test_unpaired_attachments_are_an_error_not_a_guess() -> None:
    node = xml(
        "<NewsItem><FileName>a</FileName><FileName>b</FileName><FileUrl>u</FileUrl></NewsItem>"
    )
    with pytest.raises(ValueError, match="2 FileName but 1 FileUrl"):
        attachment_pairs(node)


def header(code: str, message: str) -> etree._Element:
    return xml(
        f"<response><header><resultCode>{code}</resultCode><resultMsg>{message}</resultMsg>"
        "</header></response>"
    )


def test_result_code_3_is_an_empty_window() -> None:
    error = api_error(header("3", "NODATA_ERROR"))
    assert error is not None
    assert error[0] in EMPTY_WINDOW_CODES


@pytest.mark.parametrize("message", sorted(API_ERRORS))
def test_error_strings_are_errors(message: str) -> None:
    assert api_error(header("22", message)) == ("22", message)


def test_the_gateway_envelope_is_read() -> None:
    root = xml(
        "<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
        "<returnAuthMsg>SERVICE_KEY_IS_NOT_REGISTERED_ERROR</returnAuthMsg>"
        "<returnReasonCode>30</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>"
    )
    assert api_error(root) == ("30", "SERVICE_KEY_IS_NOT_REGISTERED_ERROR")
