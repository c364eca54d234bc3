"""Links shown to subscribers: canonical http(s) addresses without session ids or tracking.

Crawled URLs can carry the session a board handed the crawler (``;jsessionid=…``,
``PHPSESSID=…``) or campaign tags (``utm_source=…``): a reader who opens such a link joins a
stranger's session or reports a fake campaign. The storage side strips them too, but mail
renders from whatever is stored, including rows written before that, so every link shown
goes through :func:`clean_url` once more. Pure and idempotent.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

SESSION_PARAMETERS = frozenset(
    {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "aspsessionid", "cfid", "cftoken"}
)
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid"}
    | {"mc_eid", "_ga", "_gl"}
)
TRACKING_PREFIXES = ("utm_",)
# ``;jsessionid=ABC`` (Java servlets) and ``;phpsessid=…`` glued to a path segment.
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/;?#]*", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UNQUOTED = re.compile(r"[ \"<>\\^`{|}]")


def clean_url(url: str | None) -> str | None:
    """``url`` without session ids and tracking parameters, or None when it is not an
    absolute http(s) URL a reader can open (``javascript:``, relative, blank, malformed).

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
    path = _PATH_SESSION.sub("", parts.path)
    query = "&".join(pair for pair in parts.query.split("&") if pair and _kept(pair))
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, query, parts.fragment))


def _kept(pair: str) -> bool:
    name = unquote_plus(pair.split("=", 1)[0]).strip().lower()
    if name in SESSION_PARAMETERS or name in TRACKING_PARAMETERS:
        return False
    return not name.startswith(TRACKING_PREFIXES)
