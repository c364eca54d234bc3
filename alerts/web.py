"""The web endpoint behind unsubscribe links: RFC 8058 one-click unsubscribe, and a health check.

A mail client that honours ``List-Unsubscribe-Post`` POSTs ``List-Unsubscribe=One-Click`` to
the link and the subscriber is out, without a page. A person who opens the link gets a page
with a button instead: link scanners and previews GET every URL in a mail, so a GET never
unsubscribes anyone. The signed token is the only credential; there are no cookies or sessions.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, quote, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer
from wsgiref.simple_server import make_server as wsgi_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from sqlalchemy import update
from sqlalchemy.orm import Session

from zonewatch.alerts.tokens import BadToken, subscriber_from_token
from zonewatch.app import App
from zonewatch.models import AlertDelivery, Digest, Subscriber, Subscription

log = logging.getLogger(__name__)

MAX_BODY = 4096
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
    if subscriber.status == "unsubscribed":
        return False
    subscriber.status = "unsubscribed"
    session.execute(
        update(Subscription)
        .where(Subscription.subscriber_id == subscriber_id)
        .values(active=False)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(AlertDelivery)
        .where(
            AlertDelivery.subscriber_id == subscriber_id,
            AlertDelivery.status.in_(("pending", "queued")),
        )
        .values(status="cancelled", last_error="unsubscribed", next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Digest)
        .where(Digest.subscriber_id == subscriber_id, Digest.status == "pending")
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )
    return True


def make_app(app: App) -> WSGIApplication:
    """The WSGI application; paths are taken with or without the public URL's path prefix."""
    prefix = urlsplit(app.settings.public_url).path.rstrip("/")

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if prefix and path.startswith(prefix + "/"):
            path = path[len(prefix) :]
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if path == "/health":
            response = _health(method)
        elif path == "/unsubscribe":
            response = _unsubscribe_endpoint(app, environ, method)
        else:
            response = _page("404 Not Found", "찾을 수 없습니다", "Not found")
        return response(start_response, head=method == "HEAD")

    return application


def _health(method: str) -> Response:
    if method not in ("GET", "HEAD"):
        return _not_allowed("GET, HEAD")
    return Response("200 OK", "ok\n", "text/plain; charset=utf-8")


def _unsubscribe_endpoint(app: App, environ: WSGIEnvironment, method: str) -> Response:
    if method not in ("GET", "HEAD", "POST"):
        return _not_allowed("GET, HEAD, POST")
    form = _form(environ) if method == "POST" else {}
    query = parse_qs(environ.get("QUERY_STRING", ""))
    token = (query.get("token") or form.get("token") or [""])[0]
    try:
        subscriber_id = subscriber_from_token(app.settings.secret_key, token)
    except BadToken:
        return _page(
            "400 Bad Request",
            "유효하지 않은 구독 해지 링크입니다. 메일에 있는 링크 전체를 사용해 주세요.",
            "This unsubscribe link is not valid. Please use the whole link from the mail.",
        )
    try:
        if method == "POST":
            return _unsubscribe(app, subscriber_id)
        return _confirm(app, subscriber_id, token)
    except LookupError:
        return _page("404 Not Found", "구독자를 찾을 수 없습니다.", "There is no such subscriber.")


def _form(environ: WSGIEnvironment) -> dict[str, list[str]]:
    """The POST body, if it is a small form: RFC 8058 clients send
    ``List-Unsubscribe=One-Click``; the token itself is in the URL."""
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    return parse_qs(body.decode("utf-8", "replace"))


def _confirm(app: App, subscriber_id: int, token: str) -> Response:
    with app.session() as session:
        subscriber = session.get(Subscriber, subscriber_id)
        if subscriber is None:
            raise LookupError(subscriber_id)
        email, status = subscriber.email, subscriber.status
    if status == "unsubscribed":
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


def _unsubscribe(app: App, subscriber_id: int) -> Response:
    with app.session() as session:
        changed = unsubscribe(session, subscriber_id)
        subscriber = session.get(Subscriber, subscriber_id)
        assert subscriber is not None
        email = subscriber.email
    if changed:
        log.info("subscriber %s unsubscribed", subscriber_id)
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
    return f"<strong>{html.escape(email)}</strong>"


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


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    """Access lines go to logging, without the query string: it holds the token."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.info("%s %s %s", self.command, self.path.split("?", 1)[0], code)


def make_server(app: App, host: str = "127.0.0.1", port: int = 8080) -> WSGIServer:
    """A threaded stdlib server for the endpoint, bound but not yet serving (port 0: any)."""
    return wsgi_server(
        host, port, make_app(app), server_class=_ThreadingServer, handler_class=_QuietHandler
    )


def serve(app: App, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve until interrupted."""
    server = make_server(app, host, port)
    try:
        server.serve_forever()
    finally:
        server.server_close()
