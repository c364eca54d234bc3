"""One address per release: session ids and tracking parameters never reach the database.

JSP boards hand out links like ``view.do;jsessionid=1A2B…?nttId=518`` and PHP boards add
``sid=…`` or ``PHPSESSID=…``; the token changes with every visit, so a stored link that keeps
it is a different string on every crawl and dead once the session ends. Newsletters add
``utm_*``, ``fbclid`` and the like. None of these say which article a link points to.

Two functions, for two purposes:

- :func:`without_session_ids` removes session ids and nothing else, and returns the input
  unchanged (the same string) when it has none. Document identity that is read from a link
  goes through it, so the identity of every link without a session id stays what it was.
- :func:`canonical_url` is the form every stored address takes: no session ids, no tracking
  parameters, no fragment, scheme and host in lower case. Everything else (the path, the
  other parameters in their order and their exact encoding) is kept, because boards identify
  articles by parameters such as ``nttId``, ``bcIdx``, ``seq``, ``idx`` or ``mode``.

Both are pure string functions: nothing is fetched, and a relative link stays relative.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote_plus

SESSION_PARAMETERS = frozenset(
    {"jsessionid", "phpsessid", "sid", "sessionid", "session_id", "cfid", "cftoken"}
)
"""Names (compared in lower case) that carry a server session, in a path or a query."""

TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "_ga",
        "_gl",
        "mc_cid",
        "mc_eid",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
    }
)
"""Names (compared in lower case) that only say where a reader came from."""

TRACKING_PREFIXES = ("utm_",)

_SESSION_PATH_PARAMETER = re.compile(
    r";(?:" + "|".join(sorted(SESSION_PARAMETERS)) + r")=[^;/?#]*", re.IGNORECASE
)
_SCHEME_AND_AUTHORITY = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//[^/?#]*)?")


def without_session_ids(url: str) -> str:
    """``url`` without session ids in its path parameters or its query; the very same string
    when it has none (see the module docstring)."""
    return _filtered(url, _is_session)


def canonical_url(url: str) -> str:
    """The stored form of an address (see the module docstring)."""
    address = url.strip().partition("#")[0]
    address = _filtered(address, lambda name: _is_session(name) or _is_tracking(name))
    return _lower_scheme_and_host(address)


def _is_session(name: str) -> bool:
    return name in SESSION_PARAMETERS


def _is_tracking(name: str) -> bool:
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def _filtered(url: str, dropped: Callable[[str], bool]) -> str:
    """``url`` without the session path parameters and the query parameters ``dropped``
    names; untouched pieces keep their exact text."""
    rest, hash_mark, fragment = url.partition("#")
    path, _, query = rest.partition("?")
    clean_path = _SESSION_PATH_PARAMETER.sub("", path)
    pieces = query.split("&")
    kept = [piece for piece in pieces if not dropped(_name_of(piece))]
    if clean_path == path and len(kept) == len(pieces):
        return url
    clean_query = "&".join(kept)
    tail = f"{hash_mark}{fragment}"
    return f"{clean_path}?{clean_query}{tail}" if clean_query else f"{clean_path}{tail}"


def _name_of(piece: str) -> str:
    return unquote_plus(piece.partition("=")[0]).strip().lower()


def _lower_scheme_and_host(url: str) -> str:
    """Scheme and host are case-insensitive; the user name, the path and the query are not."""
    match = _SCHEME_AND_AUTHORITY.match(url)
    if match is None:
        return url
    scheme, authority = match.group(1).lower(), match.group(2) or ""
    userinfo, at, host = authority[2:].rpartition("@")
    lowered = f"//{userinfo}{at}{host.lower()}" if authority else ""
    return f"{scheme}:{lowered}{url[match.end() :]}"
