"""Requests and responses as plain values.

Sites are pure functions from a :class:`Request` and a state to a :class:`Response`; the
server alone deals with sockets, faults and conditional requests. That purity is what lets
the server re-render an older state to find out since when a page has been unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import parse_qsl, quote, unquote, urlsplit

Kind = Literal["page", "list", "article", "feed", "api", "file", "robots", "error", "reset"]


@dataclass(frozen=True)
class Charset:
    """How a site encodes its pages and what it claims about it (the two may disagree)."""

    codec: str
    content_type: str
    meta: str


UTF8 = Charset("utf-8", "text/html; charset=UTF-8", '<meta charset="utf-8">')
EUC_KR = Charset(
    "cp949",
    "text/html; charset=EUC-KR",
    '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">',
)


@dataclass(frozen=True)
class Request:
    """One request to one site, with the replay addressing already removed."""

    method: str
    host: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] = field(default_factory=dict)
    target: str = "/"
    if_none_match: str | None = None
    if_modified_since: str | None = None
    user_agent: str = ""

    @classmethod
    def build(
        cls,
        method: str,
        host: str,
        target: str,
        body: bytes = b"",
        if_none_match: str | None = None,
        if_modified_since: str | None = None,
        user_agent: str = "",
    ) -> Request:
        """Parse a site path; ``;jsessionid=…`` path parameters are dropped like a servlet would."""
        parts = urlsplit(target)
        path = unquote(parts.path.split(";", 1)[0]) or "/"
        form: dict[str, str] = {}
        if method == "POST" and body:
            form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        return cls(
            method=method,
            host=host,
            path=path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            form=form,
            target=target,
            if_none_match=if_none_match,
            if_modified_since=if_modified_since,
            user_agent=user_agent,
        )

    @property
    def from_browser(self) -> bool:
        """What KICOX's and korea.kr's firewalls check: a browser-like User-Agent."""
        return self.user_agent.startswith("Mozilla/5.0")

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name, default)

    def page_number(self, name: str) -> int:
        """A 1-based page parameter; missing or junk means page 1, as on the real boards."""
        try:
            return max(1, int(self.query.get(name, "1")))
        except ValueError:
            return 1


@dataclass(frozen=True)
class Response:
    """What to send. ``stream``, ``declared_length`` and ``close`` exist for the faults."""

    status: int = 200
    body: bytes = b""
    content_type: str = UTF8.content_type
    headers: tuple[tuple[str, str], ...] = ()
    kind: Kind = "page"
    modified: datetime | None = None
    text: str | None = None
    stream: Iterable[bytes] | None = None
    declared_length: int | None = None
    chunked: bool = False
    close: bool = False

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


RESET = Response(status=0, kind="reset")
"""Not a response: the connection is to be reset (RST) without one."""


def html_page(
    text: str,
    charset: Charset = UTF8,
    *,
    kind: Kind = "page",
    status: int = 200,
    modified: datetime | None = None,
) -> Response:
    return Response(
        status=status,
        body=text.encode(charset.codec, "xmlcharrefreplace"),
        content_type=charset.content_type,
        kind=kind,
        modified=modified,
        text=text,
    )


def xml_document(
    text: str,
    kind: Kind = "feed",
    content_type: str = "text/xml; charset=UTF-8",
    modified: datetime | None = None,
) -> Response:
    return Response(
        body=text.encode("utf-8"), content_type=content_type, kind=kind, modified=modified
    )


def plain_text(text: str, status: int = 200, kind: Kind = "page") -> Response:
    return Response(
        status=status,
        body=text.encode("utf-8"),
        content_type="text/plain; charset=UTF-8",
        kind=kind,
    )


def redirect(location: str, status: int = 302) -> Response:
    """A redirect; ``location`` is real-site style (a site path or a real absolute URL)."""
    return Response(
        status=status,
        body=b"",
        headers=(("Location", location),),
        kind="error",
    )


def method_not_allowed(allow: str) -> Response:
    return Response(
        status=405,
        body=b"Method Not Allowed\n",
        content_type="text/plain; charset=UTF-8",
        headers=(("Allow", allow),),
        kind="error",
    )


def download(data: bytes, filename: str, content_type: str, modified: datetime) -> Response:
    """A file download named the RFC 6266 way, so Korean names survive."""
    disposition = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(
        body=data,
        content_type=content_type,
        headers=(("Content-Disposition", disposition),),
        kind="file",
        modified=modified,
    )
