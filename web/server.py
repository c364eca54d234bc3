"""``zonewatch web``: the console and the unsubscribe endpoint on one hardened server.

The stdlib server of :mod:`zonewatch.alerts.web` stays in front (strict request lines, only
``GET``/``HEAD``/``POST`` in capitals, socket timeouts, a cap on connections with a 503 past
it): ``/health`` and ``/unsubscribe`` are answered by its WSGI app exactly as before, and
every other path goes to the console (Starlette, through a2wsgi's ASGI-to-WSGI bridge).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIServer
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from a2wsgi import ASGIMiddleware

from zonewatch.alerts import web as endpoint
from zonewatch.app import App
from zonewatch.web.app import make_web_app

ENDPOINT_PATHS = ("/health", "/unsubscribe")


def make_app(app: App) -> WSGIApplication:
    """One WSGI application: the old endpoint's paths to it, the rest to the console, with
    the public URL's path prefix taken off (and kept as SCRIPT_NAME for the console's links)."""
    prefix = urlsplit(app.settings.public_url).path.rstrip("/")
    unsubscribe = endpoint.make_app(app)
    console = ASGIMiddleware(make_web_app(app))  # type: ignore[arg-type]

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :] or "/"
        if path in ENDPOINT_PATHS or path.startswith("/unsubscribe/"):
            return unsubscribe(environ, start_response)
        environ = {**environ, "SCRIPT_NAME": prefix, "PATH_INFO": path}
        return console(environ, start_response)  # type: ignore[arg-type]

    return application


def make_server(app: App, host: str = "127.0.0.1", port: int = 8080) -> WSGIServer:
    """The hardened server of the unsubscribe endpoint, serving both (port 0: any)."""
    server = endpoint.make_server(app, host, port)
    server.set_app(make_app(app))
    return server
