"""Where a login may send the browser next: only a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

DEFAULT_NEXT = "/"


def safe_next(value: str | None, default: str = DEFAULT_NEXT) -> str:
    """``value`` when it is a same-site relative path (``/changes?kind=x``), else ``default``.

    Refused: absolute URLs, scheme-relative ``//evil`` and ``/\\evil`` (browsers read a
    backslash as a slash), any scheme (``javascript:``), control characters and whitespace
    that browsers strip before they parse."""
    if not value or len(value) > 2000:
        return default
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in value):
        return default
    if not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


def current_path(request: Request) -> str:
    """This request's path and query as a same-site link (without the public URL's prefix),
    for a form that brings the browser back here."""
    here = request.url.path.removeprefix(str(request.scope.get("root_path", "")))
    return here + ("?" + request.url.query if request.url.query else "")
