"""The replay server: every site on one local port, in one of the timeline's states.

Addressing (all three reach the same site):

1. path prefix — ``GET /www.motir.go.kr/kor/article/ATCL3f49a5a8c?pageIndex=1``;
2. Host header — ``GET /kor/article/ATCL3f49a5a8c?pageIndex=1`` with ``Host: www.motir.go.kr``
   (a Host naming a served site wins over a prefix);
3. proxy form — ``GET http://www.motir.go.kr/kor/…`` (so it also works as a plain-HTTP proxy).

Pages always carry real-site links and redirects (site paths or real absolute URLs), never
replay-prefixed ones: the crawler rewrites requests and maps responses back. An unknown
host gets a short 404 text. ``/_replay/…`` is the control API (:mod:`.control`).

Every 200 answer to GET/HEAD carries a strong ETag (SHA-256 of the body) and a
Last-Modified: the moment since which the same bytes have been served (found by rendering
earlier states, which sites allow because they are pure), or the content's own date when
unchanged since state 0. ``If-None-Match`` (preferred) or ``If-Modified-Since`` give 304.
Answers altered by a content fault carry no validators.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import socket
import struct
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from zonewatch.replay.clock import check_state, state_time
from zonewatch.replay.content import load_catalog
from zonewatch.replay.faults import (
    FaultKind,
    FaultRule,
    FaultTable,
    gzip_bomb,
    huge_body,
    make_rule,
)
from zonewatch.replay.messages import RESET, Request, Response, html_page, plain_text, redirect
from zonewatch.replay.pages import Ctx, Site
from zonewatch.replay.releases import CorpusReleases, ReleaseEdits
from zonewatch.replay.sites import build_sites, robots_txt

_CONTENT_FAULTS = frozenset(
    {
        FaultKind.TRUNCATE,
        FaultKind.MALFORMED_FEED,
        FaultKind.WRONG_CHARSET,
        FaultKind.EMPTY_LIST,
        FaultKind.REDESIGN,
    }
)
_NAMED = re.compile(r'\b(class|id)="([^"]*)"')
_ETAG_CACHE_SIZE = 20_000
_MAX_BODY = 1 << 20
DEFAULT_PORT = 8765
_CHARSET_DECLARATION = re.compile(r"(charset=[\"']?)[A-Za-z0-9_-]+", re.IGNORECASE)


class LoggedRequest(NamedTuple):
    method: str
    host: str
    path: str
    status: int


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:40] + '"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _error_page(status: int) -> Response:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    text = (
        f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
        f"<body><h1>{reason}</h1><p>서비스 점검 중이거나 일시적인 오류입니다.</p></body></html>"
    )
    return html_page(text, kind="error", status=status)


def _malformed(response: Response) -> Response:
    """A feed cut in the middle of an item, with an unescaped ampersand: not XML any more."""
    cut = response.body[: max(1, len(response.body) * 2 // 3)]
    return replace(response, body=cut + "<item><title>R&D 특구 <b>".encode())


def _redesigned(response: Response) -> Response:
    """The page with every class and id renamed, as after a site redesign."""
    if response.text is None or response.kind in ("feed", "api", "file", "robots"):
        return response
    text = _NAMED.sub(
        lambda m: f'{m.group(1)}="{" ".join(f"{n}_renewal" for n in m.group(2).split())}"',
        response.text,
    )
    declared = response.content_type.partition("charset=")[2].strip().lower() or "utf-8"
    codec = "cp949" if declared in ("euc-kr", "cp949", "ks_c_5601-1987") else declared
    return replace(response, body=text.encode(codec, "xmlcharrefreplace"), text=text)


def _wrong_charset(response: Response) -> Response:
    """The page in CP949 while the header and the meta tag say UTF-8."""
    if response.text is None:
        return response
    text = _CHARSET_DECLARATION.sub(r"\1utf-8", response.text)
    return replace(
        response,
        body=text.encode("cp949", "xmlcharrefreplace"),
        content_type="text/html; charset=UTF-8",
    )


class ReplayServer:
    """A local stand-in for the real press rooms (see the package docstring)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        corpus: Path | None = None,
        *,
        state: int = 0,
        strict: bool = True,
        edits: ReleaseEdits | None = None,
        latency: float = 0.0,
    ) -> None:
        """``strict=False`` lets non-browser clients in and MOTIR's downloads through;
        ``edits`` (corpus mode only) serve chosen releases edited from a given state on;
        ``latency`` (seconds) is slept before every site answer, as a real server's round
        trip, so that a crawler's AutoThrottle has a latency to adapt to."""
        if edits and corpus is None:
            raise ValueError("release edits apply to a corpus")
        if latency < 0:
            raise ValueError(f"latency must be 0 or more seconds, not {latency}")
        self.latency = latency
        self._releases = CorpusReleases(corpus, edits) if corpus is not None else None
        self.strict = strict
        self.sites: dict[str, Site] = build_sites(load_catalog(), self._releases, strict=strict)
        self.faults = FaultTable()
        self._state = check_state(state)
        self._delays = {name: site.crawl_delay for name, site in self.sites.items()}
        self._lock = threading.Lock()
        self._log: list[tuple[float, LoggedRequest]] = []
        self._etags: OrderedDict[tuple[str, str, int], str] = OrderedDict()
        self._bind = (host, port)
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> ReplayServer:
        """Listen and serve in a background thread; returns at once."""
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer(self._bind, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="replay-server",
            daemon=True,
        )
        self._thread.start()
        if self._releases is not None:
            self._releases.warm()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the replay server is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (the address to prefix site hosts with)."""
        host = self._bind[0]
        return f"http://{'127.0.0.1' if host in ('', '0.0.0.0') else host}:{self.port}"

    def site_url(self, host: str, path: str = "/") -> str:
        """The replay URL of ``path`` on ``host`` (path-prefix addressing)."""
        return f"{self.url}/{host}{path}"

    # -- controls ---------------------------------------------------------------------------

    @property
    def state(self) -> int:
        return self._state

    def set_state(self, state: int) -> None:
        self._state = check_state(state)

    def set_fault(self, host: str, fault: str, path_regex: str = ".*", **options: Any) -> FaultRule:
        """Add a fault rule for ``host`` (or ``"*"``); see :mod:`.faults` for kinds/options."""
        if host != "*" and host not in self.sites:
            raise ValueError(f"unknown site {host!r}")
        return self.faults.add(make_rule(host, fault, path_regex, **options))

    def clear_faults(self, host: str | None = None) -> None:
        self.faults.clear(host)

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        """Change (or with None remove) the ``Crawl-delay`` of ``host``'s robots.txt."""
        if host not in self.sites:
            raise ValueError(f"unknown site {host!r}")
        self._delays[host] = seconds

    def crawl_delay(self, host: str) -> float | None:
        return self._delays.get(host)

    @property
    def request_log(self) -> list[LoggedRequest]:
        """(method, host, path, status) of every site request so far; status 0 = reset."""
        with self._lock:
            return [entry for _, entry in self._log]

    @property
    def request_times(self) -> list[tuple[float, LoggedRequest]]:
        """The log with ``time.monotonic()`` stamps, for politeness assertions."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._log.append((time.monotonic(), entry))

    # -- answering --------------------------------------------------------------------------

    def respond(self, request: Request) -> Response:
        """The answer to one site request, faults included (``RESET`` means: reset)."""
        site = self.sites[request.host]
        state = self._state
        if self.latency:
            time.sleep(self.latency)
        if self.strict and site.browser_only and not request.from_browser:
            return RESET if site.browser_only == "reset" else _error_page(400)
        firings = {
            firing.kind: firing for firing in self.faults.firing(request.host, request.target)
        }
        if slow := firings.get(FaultKind.SLOW):
            time.sleep(float(slow.options["seconds"]))
        if FaultKind.RESET in firings:
            return RESET
        if status := firings.get(FaultKind.STATUS):
            error = _error_page(int(status.options["status"]))
            if status.options["retry_after"] is not None:
                retry = ("Retry-After", str(status.options["retry_after"]))
                error = replace(error, headers=(*error.headers, retry))
            return error
        if private := firings.get(FaultKind.REDIRECT_PRIVATE):
            return redirect(str(private.options["target"]))
        if huge := firings.get(FaultKind.HUGE):
            length, chunks = huge_body(float(huge.options["mb"]))
            chunked = bool(huge.options["chunked"])
            return Response(
                stream=chunks, declared_length=None if chunked else length, chunked=chunked
            )
        if bomb := firings.get(FaultKind.GZIP_BOMB):
            return Response(
                body=gzip_bomb(int(bomb.options["mb"])), headers=(("Content-Encoding", "gzip"),)
            )
        if quirks := firings.get(FaultKind.QUIRKS):
            quirk = site.quirk(request, quirks.number)
            if quirk is not None:
                return quirk
        if frozen := firings.get(FaultKind.FROZEN):
            state = min(state, int(frozen.options["state"]))
        ctx = Ctx(state, empty_list=FaultKind.EMPTY_LIST in firings)
        response = self._render(site, request, ctx)
        cacheable = request.method in ("GET", "HEAD") and response.kind != "robots"
        if response.status == 200 and cacheable and not _CONTENT_FAULTS & firings.keys():
            response = self._validate(site, request, response, state)
        if FaultKind.REDESIGN in firings:
            response = _redesigned(response)
        if FaultKind.WRONG_CHARSET in firings:
            response = _wrong_charset(response)
        if FaultKind.MALFORMED_FEED in firings and response.kind in ("feed", "api"):
            response = _malformed(response)
        if truncate := firings.get(FaultKind.TRUNCATE):
            keep = int(len(response.body) * float(truncate.options["keep"]))
            response = replace(
                response,
                body=response.body[:keep],
                declared_length=len(response.body),
                close=True,
            )
        return response

    def _render(self, site: Site, request: Request, ctx: Ctx) -> Response:
        if request.path == "/robots.txt":
            robots = robots_txt(site, self._delays.get(site.host))
            if robots is None:
                return plain_text("Not Found\n", status=404, kind="robots")
            return plain_text(robots, kind="robots")
        return site.handle(request, ctx)

    def _etag_at(self, site: Site, request: Request, state: int) -> str:
        """The ETag ``request`` would have had in ``state`` ("" if not a 200), cached."""
        key = (site.host, request.target, state)
        with self._lock:
            cached = self._etags.get(key)
            if cached is not None:
                self._etags.move_to_end(key)
                return cached
        response = self._render(site, request, Ctx(state))
        etag = strong_etag(response.body) if response.status == 200 else ""
        with self._lock:
            self._etags[key] = etag
            while len(self._etags) > _ETAG_CACHE_SIZE:
                self._etags.popitem(last=False)
        return etag

    def _validate(self, site: Site, request: Request, response: Response, state: int) -> Response:
        etag = strong_etag(response.body)
        since = state
        while since > 0 and self._etag_at(site, request, since - 1) == etag:
            since -= 1
        modified = response.modified or state_time(0)
        if since > 0:
            modified = max(modified, state_time(since))
        modified = modified.replace(microsecond=0)
        headers = (*response.headers, ("ETag", etag), ("Last-Modified", http_date(modified)))
        if self._not_modified(request, etag, modified):
            return Response(status=304, headers=headers, kind=response.kind)
        return replace(response, headers=headers)

    @staticmethod
    def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
        if request.if_none_match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in request.if_none_match.split(",")}
            return "*" in tags or etag in tags
        if request.if_modified_since:
            try:
                since = parsedate_to_datetime(request.if_modified_since)
            except (TypeError, ValueError):
                return False
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return modified <= since
        return False

    # -- addressing -------------------------------------------------------------------------

    def route(self, raw: str, host_header: str | None) -> tuple[str, str]:
        """(site host, site path) for a request line target; the host may be unknown."""
        if raw.startswith(("http://", "https://")):
            parts = urlsplit(raw)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            return (parts.hostname or "").lower(), target
        header = (host_header or "").strip().lower()
        header = header.rsplit(":", 1)[0] if not header.endswith("]") else header
        if header in self.sites:
            return header, raw
        segment, slash, rest = raw[1:].partition("/")
        name, question, query = segment.partition("?")
        if name.lower() in self.sites or "." in name:
            target = "/" + rest if slash else "/" + (f"?{query}" if question else "")
            return name.lower(), target
        return header, raw


class _HTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer that knows its replay and can drop idle keep-alive connections."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], replay: ReplayServer) -> None:
        self.replay = replay
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "Apache"
    timeout = 30
    _headers_buffer: list[bytes]

    def setup(self) -> None:
        """Without TCP_NODELAY a keep-alive answer that needs two segments waits for the
        client's delayed ACK (about 40 ms on Linux) before its second one leaves."""
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log is :attr:`ReplayServer.request_log`."""

    def do_GET(self) -> None:
        self._serve()

    def do_HEAD(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _read_body(self) -> bytes:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        return self.rfile.read(min(length, _MAX_BODY)) if length > 0 else b""

    def _serve(self) -> None:
        from zonewatch.replay.control import handle_control

        replay = self.server.replay
        body = self._read_body()
        if self.path == "/_replay" or self.path.startswith("/_replay/"):
            status, payload = handle_control(replay, self.command, self.path, body)
            self._send(plain_text(payload, status=status), json_body=True)
            return
        host, target = replay.route(self.path, self.headers.get("Host"))
        if host not in replay.sites:
            replay.record(LoggedRequest(self.command, host, target, 404))
            self._send(plain_text(f"unknown site: {host or '(none)'}\n", status=404))
            return
        request = Request.build(
            self.command,
            host,
            target,
            body,
            if_none_match=self.headers.get("If-None-Match"),
            if_modified_since=self.headers.get("If-Modified-Since"),
            user_agent=self.headers.get("User-Agent") or "",
        )
        try:
            response = replay.respond(request)
        except Exception:  # a bug in a site module: say so instead of dropping the connection
            traceback.print_exc()
            response = plain_text("replay server error\n", status=500, kind="error")
        replay.record(LoggedRequest(self.command, host, target, response.status))
        if response.status == 0:
            self._reset()
        else:
            self._send(response)

    def _reset(self) -> None:
        """Abort the connection: SO_LINGER 0 makes the close send a TCP RST."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def _send(self, response: Response, json_body: bool = False) -> None:
        self.send_response(response.status)
        if response.status != 304:
            content_type = "application/json" if json_body else response.content_type
            self.send_header("Content-Type", content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif response.status != 304:
            length = response.declared_length
            self.send_header(
                "Content-Length", str(len(response.body) if length is None else length)
            )
        if response.close:
            self.send_header("Connection", "close")
            self.close_connection = True
        head = self._take_headers()
        if self.command == "HEAD" or response.status in (204, 304):
            self.wfile.write(head)
            return
        try:
            if response.stream is None:
                self.wfile.write(head + response.body)
            elif response.chunked:
                self.wfile.write(head)
                for chunk in response.stream:
                    self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(head)
                for chunk in response.stream:
                    self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _take_headers(self) -> bytes:
        """The status line and headers, ended, as bytes to send with the body in one write
        (``end_headers`` would send them on their own)."""
        head = b"".join(self._headers_buffer) + b"\r\n"
        self._headers_buffer = []
        return head


def serve(
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    corpus: Path | None = None,
    state: int = 0,
    *,
    echo: Callable[[str], None] = print,
    stop: threading.Event | None = None,
    strict: bool = True,
    latency: float = 0.0,
) -> None:
    """Serve until Ctrl-C (or until ``stop`` is set); prints where every site is."""
    server = ReplayServer(host, port, corpus, state=state, strict=strict, latency=latency).start()
    try:
        echo(f"replay server on {server.url} in state {server.state} (Ctrl-C stops it)")
        for name in sorted(server.sites):
            echo(f"  {server.site_url(name)}")
        echo(f"  control: {server.url}/_replay/state")
        waiter = stop or threading.Event()
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        echo("stopping")
    finally:
        server.stop()
