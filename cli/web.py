"""``zonewatch web``: the console and the endpoint behind unsubscribe links."""

from __future__ import annotations

import click

from zonewatch.cli.context import CliContext, pass_cli


@click.command("web")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@pass_cli
def web(cli_ctx: CliContext, host: str, port: int) -> None:
    """Serve the web console, one-click unsubscribe (RFC 8058) and /health.

    Put it behind the address in ZONEWATCH_PUBLIC_URL, which the links in every mail use.
    Add console accounts with `zonewatch users add`.
    """
    from zonewatch.web.server import make_server

    cli_ctx.require_secret_key()
    server = make_server(cli_ctx.app, host, port)
    click.echo(
        f"serving the console and unsubscribe links on http://{host}:{server.server_port}/",
        err=True,
    )
    try:
        server.serve_forever()
    finally:
        server.server_close()
