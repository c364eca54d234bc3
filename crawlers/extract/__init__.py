"""Extraction: pure functions from fetched bytes to clean text, dates and attachment text.

No network and no database: spiders, feed readers and the replay server hand bytes in and get
values out, so every rule here is testable offline and deterministic. ``EXTRACTOR_VERSION`` is
stored with each extracted version; bump it whenever the output for the same input changes,
so that re-extraction can be told apart from a real change at the source.

The names below load their module on first use: importing one submodule (the feed reader
needs dates and encodings) must not load the PDF and HWP readers with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zonewatch.crawlers.extract.attachments import AttachmentText, extract_attachment_text
    from zonewatch.crawlers.extract.dates import KST, parse_published
    from zonewatch.crawlers.extract.encoding import Decoded, decode_html, decode_text
    from zonewatch.crawlers.extract.html import (
        drop_furniture,
        extract_body,
        html_to_text,
        repair_hwp_html,
        select_text,
    )
    from zonewatch.crawlers.extract.language import detect_language
    from zonewatch.crawlers.extract.text import normalize_text

EXTRACTOR_VERSION = "2"

_HOMES = {
    "AttachmentText": "attachments",
    "extract_attachment_text": "attachments",
    "KST": "dates",
    "parse_published": "dates",
    "Decoded": "encoding",
    "decode_html": "encoding",
    "decode_text": "encoding",
    "drop_furniture": "html",
    "extract_body": "html",
    "html_to_text": "html",
    "repair_hwp_html": "html",
    "select_text": "html",
    "detect_language": "language",
    "normalize_text": "text",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)


__all__ = [
    "EXTRACTOR_VERSION",
    "KST",
    "AttachmentText",
    "Decoded",
    "decode_html",
    "decode_text",
    "detect_language",
    "drop_furniture",
    "extract_attachment_text",
    "extract_body",
    "html_to_text",
    "normalize_text",
    "parse_published",
    "repair_hwp_html",
    "select_text",
]
