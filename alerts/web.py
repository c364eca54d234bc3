"""The web endpoint behind unsubscribe links: RFC 8058 one-click unsubscribe, and a health check.

A mail client that honours ``List-Unsubscribe-Post`` POSTs ``List-Unsubscribe=One-Click`` to
the link and the subscriber is out, without a page. A person who opens the link gets a page
with a button instead: link scanners and previews GET every URL in a mail, so a GET never
unsubscribes anyone. The signed token is the only credential; there are no cookies or sessions.
"""

from __future__ import annotations

import contextlib
import html
import logging
import socket
import sys
import threading
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from sqlalchemy import update
from sqlalchemy.orm import Session

from zonewatch.alerts.subscribers import cancel_queued, mask_email
from zonewatch.alerts.tokens import BadToken, TokenClaim, read_token, token_matches
from zonewatch.app import App
from zonewatch.models import Subscriber, Subscription
from zonewatch.models.enums import SubscriberStatus

log = logging.getLogger(__name__)

MAX_BODY = 4096
METHODS = ("GET", "HEAD", "POST")
_HEADERS = [
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),  # the token is in the URL
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),  # nobody may frame the button and trick a click
    (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    ),
]
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;"
    "line-height:1.5;color:#222}button{font-size:1rem;padding:.5rem 1.2rem;cursor:pointer}"
    "p.en{color:#555}"
)


class Response:
    """Status, a page, and the headers every answer carries."""

    def __init__(self, status: str, body: str, content_type: str = "text/html; charset=utf-8"):
        self.status = status
        self.body = body.encode("utf-8")
        self.headers = [("Content-Type", content_type), *_HEADERS]

    def __call__(self, start_response: StartResponse, head: bool = False) -> Iterable[bytes]:
        start_response(self.status, [*self.headers, ("Content-Length", str(len(self.body)))])
        return [] if head else [self.body]


def unsubscribe(session: Session, subscriber_id: int) -> bool:
    """Stop all mail to the subscriber: status, subscriptions, and what is queued but unsent.

    Returns False when they were unsubscribed already, so a second click changes nothing."""
    subscriber = session.get(Subscriber, subscriber_id, with_for_update=True)
    if subscriber is None:
        raise LookupError(subscriber_id)
    if subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return False
    subscriber.status = SubscriberStatus.UNSUBSCRIBED
    session.execute(
        update(Subscription)
        .where(Subscription.subscriber_id == subscriber_id)
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    cancel_queued(session, subscriber_id, "unsubscribed")
    return True


def make_app(app: App) -> WSGIApplication:
    """The WSGI application; paths are taken with or without the public URL's path prefix.

    The secret key is read here, once, so that a server without one never starts."""
    prefix = urlsplit(app.settings.public_url).path.rstrip("/")
    secret_key = app.settings.signing_key

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if prefix and path.startswith(prefix + "/"):
            path = path[len(prefix) :]
        method = environ.get("REQUEST_METHOD", "")  # case-sensitive (RFC 9110 section 9.1)
        if path == "/health":
            response = _health(method)
        elif path == "/unsubscribe":
            response = _unsubscribe_endpoint(app, secret_key, environ, method)
        else:
            response = _page("404 Not Found", "찾을 수 없습니다", "Not found")
        return response(start_response, head=method == "HEAD")

    return application


def _health(method: str) -> Response:
    if method not in ("GET", "HEAD"):
        return _not_allowed("GET, HEAD")
    return Response("200 OK", "ok\n", "text/plain; charset=utf-8")


def _unsubscribe_endpoint(
    app: App, secret_key: str, environ: WSGIEnvironment, method: str
) -> Response:
    if method not in METHODS:
        return _not_allowed(", ".join(METHODS))
    try:
        form = _form(environ) if method == "POST" else {}
    except TimeoutError:
        return _page("408 Request Timeout", "요청 시간이 초과되었습니다.", "Request timed out.")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    token = (query.get("token") or form.get("token") or [""])[0]
    try:
        claim = read_token(secret_key, token, app.settings.unsubscribe_max_age_days)
        if method == "POST":
            return _unsubscribe(app, claim)
        return _confirm(app, claim, token)
    except (BadToken, LookupError):
        return _invalid_link()


def _invalid_link() -> Response:
    """The one answer for forged, expired, malformed and unknown-subscriber tokens alike: a
    different answer for "no such subscriber" would tell a forger which ids exist."""
    return _page(
        "400 Bad Request",
        "유효하지 않은 구독 해지 링크입니다. 메일에 있는 링크 전체를 사용해 주세요.",
        "This unsubscribe link is not valid. Please use the whole link from the mail.",
    )


def _form(environ: WSGIEnvironment) -> dict[str, list[str]]:
    """The POST body, if it is a small form: RFC 8058 clients send
    ``List-Unsubscribe=One-Click``; the token itself is in the URL. At most ``MAX_BODY`` bytes
    are read, and a client that stops sending meets the socket timeout (TimeoutError)."""
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    return parse_qs(body.decode("utf-8", "replace"))


def _subscriber(session: Session, claim: TokenClaim, *, lock: bool = False) -> Subscriber:
    """The row the token was made for; LookupError when it is gone or the id was reused."""
    subscriber = session.get(Subscriber, claim.subscriber_id, with_for_update=lock)
    if subscriber is None or not token_matches(claim, subscriber.token_key):
        raise LookupError(claim.subscriber_id)
    return subscriber


def _confirm(app: App, claim: TokenClaim, token: str) -> Response:
    with app.session() as session:
        subscriber = _subscriber(session, claim)
        email, status = subscriber.email, subscriber.status
    if status == SubscriberStatus.UNSUBSCRIBED:
        return _done(email, already=True)
    action = f"unsubscribe?token={quote(token, safe='')}"
    form = (
        f'<form method="post" action="{html.escape(action)}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        "<button type=submit>구독 해지 · Unsubscribe</button></form>"
    )
    return _page(
        "200 OK",
        f"{_address(email)} 주소로 보내는 zonewatch 알림을 모두 중단하시겠습니까?",
        f"Stop all zonewatch alerts and digests to {_address(email)}?",
        extra=form,
        escape=False,
    )


def _unsubscribe(app: App, claim: TokenClaim) -> Response:
    with app.session() as session:
        subscriber = _subscriber(session, claim, lock=True)
        changed = unsubscribe(session, subscriber.id)
        email = subscriber.email
    if changed:
        log.info("subscriber %s unsubscribed", claim.subscriber_id)
    return _done(email, already=not changed)


def _done(email: str, *, already: bool) -> Response:
    if already:
        ko, en = "이미 구독이 해지된 주소입니다", "is already unsubscribed"
    else:
        ko, en = "구독이 해지되었습니다", "has been unsubscribed"
    return _page(
        "200 OK",
        f"{_address(email)}: {ko}. 더 이상 메일을 보내지 않습니다.",
        f"{_address(email)} {en}. You will get no more mail from zonewatch.",
        escape=False,
    )


def _address(email: str) -> str:
    return f"<strong>{html.escape(mask_email(email))}</strong>"


def _not_allowed(allowed: str) -> Response:
    response = _page("405 Method Not Allowed", "허용되지 않는 요청입니다.", "Method not allowed.")
    response.headers.append(("Allow", allowed))
    return response


def _page(status: str, korean: str, english: str, extra: str = "", escape: bool = True) -> Response:
    """A small bilingual page; texts are escaped unless the caller escaped their parts."""
    if escape:
        korean, english = html.escape(korean), html.escape(english)
    body = (
        '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>zonewatch</title><style>{_STYLE}</style></head><body>"
        f'<h1>zonewatch</h1><p>{korean}</p><p class="en" lang="en">{english}</p>{extra}'
        "</body></html>\n"
    )
    return Response(status, body)


BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 5\r\n"
    b"Connection: close\r\n\r\n"
)
MAX_REQUEST_LINE = 65536


class _BoundedServer(ThreadingMixIn, WSGIServer):
    """One thread per connection, but never more than ``max_connections`` at once.

    A plain ThreadingMixIn starts a thread for every connection, and each stalled client pins
    one (300 idle POSTs pinned 300 threads). Connections over the cap get an immediate 503
    and are closed without a thread; the handler's socket timeout frees the slots of the
    stalled ones."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[WSGIRequestHandler],
        *,
        max_connections: int,
    ) -> None:
        self._slots = threading.BoundedSemaphore(max_connections)
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: socket.socket) -> None:
        with contextlib.suppress(OSError):
            request.settimeout(1.0)
            request.sendall(BUSY)
        self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One log line instead of socketserver's traceback on stderr."""
        error = sys.exc_info()[1]
        log.warning(
            "request from %s failed: %s: %s", client_address[0], type(error).__name__, error
        )


class _QuietHandler(WSGIRequestHandler):
    """Strict HTTP/1.x parsing, a socket timeout, and access lines in logging without the
    query string (it holds the token)."""

    timeout = 10.0  # replaced per server by the setting
    default_request_version = "HTTP/1.0"  # error answers get a status line

    def handle(self) -> None:
        try:
            self._handle_request()
        except (TimeoutError, ConnectionError):
            self.close_connection = True  # the client stalled or went away: nobody to answer

    def _handle_request(self) -> None:
        self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
        if not self.raw_requestline:
            return
        if len(self.raw_requestline) > MAX_REQUEST_LINE:
            self.requestline, self.request_version, self.command = "", "HTTP/1.0", ""
            self.send_error(414)
            return
        if len(self.raw_requestline.split()) != 3:  # HTTP/0.9 or garbage: not ours to guess
            self.requestline, self.request_version, self.command = "", "HTTP/1.0", ""
            self.send_error(400, "Bad request syntax")
            return
        if not self.parse_request():  # http.server has answered 400 (or 505)
            return
        if self.command not in METHODS:  # methods are case-sensitive: "post" is not POST
            self.send_error(501, "Unsupported method")
            return
        handler = ServerHandler(
            self.rfile,
            self.wfile,  # type: ignore[arg-type] # a BufferedIOBase, as wsgiref's own handle()
            self.get_stderr(),
            self.get_environ(),
            multithread=False,
        )
        handler.request_handler = self  # type: ignore[attr-defined] # wsgiref's back-pointer
        handler.run(self.server.get_app())  # type: ignore[attr-defined]

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = getattr(self, "path", "")  # unset when the request line did not parse
        log.info("%s %s %s", getattr(self, "command", ""), loggable_path(path), code)

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s: %s", self.address_string(), format % args)


def loggable_path(path: str) -> str:
    """The path as the access log keeps it: without the query string (the unsubscribe token)
    and without a preferences link's token, which opens that subscriber's page."""
    path = path.split("?", 1)[0]
    head, marker, _ = path.partition("/preferences/")
    return f"{head}{marker}…" if marker else path


def make_server(app: App, host: str = "127.0.0.1", port: int = 8080) -> WSGIServer:
    """A threaded stdlib server for the endpoint, bound but not yet serving (port 0: any).

    Refuses (ConfigError) before binding when no usable secret key is set."""
    settings = app.settings
    application = make_app(app)
    handler = type("_Handler", (_QuietHandler,), {"timeout": settings.web_timeout_seconds})
    server = _BoundedServer((host, port), handler, max_connections=settings.web_max_connections)
    server.set_app(application)
    return server


def serve(app: App, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve until interrupted."""
    server = make_server(app, host, port)
    try:
        server.serve_forever()
    finally:
        server.server_close()
