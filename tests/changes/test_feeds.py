"""The Atom builder's pieces: text XML 1.0 can carry, tag: ids, RFC 3339 dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from lxml import etree

from zonewatch.changes.feeds import rfc3339, tag_uri, xml_text


def test_characters_xml_forbids_are_dropped_and_the_rest_kept() -> None:
    text = "송도\x00\x08\x0b\x1f\ud800\ufffe <&> \t\n끝 😀"
    cleaned = xml_text(text)
    assert cleaned == "송도 <&> \t\n끝 😀"
    element = etree.Element("title")
    element.text = cleaned
    assert etree.fromstring(etree.tostring(element)).text == cleaned


def test_tag_uris_use_the_console_s_host_and_a_fixed_date() -> None:
    assert tag_uri("https://zw.example.org/console/", "change/7") == (
        "tag:zw.example.org,2026:zonewatch/change/7"
    )


def test_dates_are_rfc_3339_in_utc() -> None:
    kst = dt.datetime(2026, 3, 2, 10, 30, 15, 999, tzinfo=ZoneInfo("Asia/Seoul"))
    assert rfc3339(kst) == "2026-03-02T01:30:15+00:00"
