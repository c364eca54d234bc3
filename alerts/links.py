"""Links shown to subscribers: canonical http(s) addresses a reader can open.

Storage keeps links canonical (:mod:`zonewatch.urls`: no session ids, no tracking), but mail
renders whatever is stored, including rows written before that rule, so every link shown goes
through the same rule once more, and anything that is not an absolute http(s) address is no
link at all. Pure and idempotent.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from zonewatch.urls import canonical_url

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNQUOTED = re.compile(r"[ \"<>\\^`{|}]")


def clean_url(url: str | None) -> str | None:
    """``url`` in its canonical form, or None when it is not an absolute http(s) URL a reader
    can open (``javascript:``, relative, blank, malformed).

    Spaces, quotes and angle brackets are percent-encoded, so the result is one token in
    plain text and can never close an HTML attribute."""
    if not url:
        return None
    text = url.strip()
    if _CONTROL.search(text):
        return None
    text = _UNQUOTED.sub(lambda match: f"%{ord(match.group()):02X}", text)
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return canonical_url(text)
