"""``zonewatch users``: accounts of the web console and their roles."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

import click

from zonewatch.cli.context import CliContext, pass_cli
from zonewatch.cli.render import Column, Listing, OutputFormat, format_option, render
from zonewatch.errors import InputError
from zonewatch.models import Role
from zonewatch.web.users import LANGUAGES, UserRow, add_user, list_users, remove_user, set_role

if TYPE_CHECKING:
    from zonewatch.web.tokens import TokenRow

ROLES = [role.value for role in Role]


def _password(from_stdin: bool) -> str:
    """From stdin (one line, for scripts) or typed twice at a hidden prompt; never an
    argument, which other users of the machine could read in the process list."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("no password on stdin")
        return password
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group()
def users() -> None:
    """Console accounts: add, list, set-role, remove. Roles: admin, operator, analyst, watcher."""


@users.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--language", type=click.Choice(LANGUAGES), default="ko", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@pass_cli
def add_command(
    cli_ctx: CliContext, username: str, role: str, language: str, password_stdin: bool
) -> None:
    """Add a user who signs in to the console with USERNAME and a password (≥ 12 characters)."""
    password = _password(password_stdin)
    app = cli_ctx.app
    with app.session() as session:
        user = add_user(
            session, username, password, role, language, cost=app.settings.password_hashing
        )
        click.echo(f"user {user.username} added ({user.role})")


@users.command("list")
@format_option()
@pass_cli
def list_command(cli_ctx: CliContext, output: OutputFormat) -> None:
    """List users with their role, language and last sign-in (local time)."""
    with cli_ctx.app.session() as session:
        rows = list_users(session)
    render(cli_ctx, output, rows, USER_LISTING)


USER_LISTING: Listing[UserRow] = Listing(
    columns=(
        Column("id", lambda row: str(row.id)),
        Column("username", lambda row: row.username),
        Column("role", lambda row: row.role.value),
        Column("lang", lambda row: row.language),
        Column("last sign-in", lambda row: row.last_login_at or ""),
    ),
    record=lambda row: {
        "id": row.id,
        "username": row.username,
        "role": row.role.value,
        "language": row.language,
        "last_login_at": row.last_login_at,
    },
    noun="users",
)


@users.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@pass_cli
def set_role_command(cli_ctx: CliContext, username: str, role: str) -> None:
    """Give USERNAME another ROLE; their open sessions end."""
    with cli_ctx.app.session() as session:
        user = set_role(session, username, role)
        click.echo(f"user {user.username} is now {user.role}")


@users.command("remove")
@click.argument("username")
@pass_cli
def remove_command(cli_ctx: CliContext, username: str) -> None:
    """Remove USERNAME; their open sessions end at once."""
    with cli_ctx.app.session() as session:
        remove_user(session, username)
    click.echo(f"user {username.strip().lower()} removed")


@users.command("token")
@click.argument("username")
@click.option("--name", required=True, help="What will use the token (a feed reader, a script).")
@pass_cli
def token_command(cli_ctx: CliContext, username: str, name: str) -> None:
    """Make a personal token for USERNAME's feeds and API calls; it is printed once (only its
    hash is kept), alone on stdout so that scripts can capture it."""
    from zonewatch.web.tokens import issue_token

    with cli_ctx.app.session() as session:
        issued = issue_token(session, username, name)
    click.echo(f"token {issued.id} ({issued.name}) for {username.strip().lower()}:", err=True)
    click.echo(issued.token)


@users.command("tokens")
@click.argument("username")
@format_option()
@pass_cli
def tokens_command(cli_ctx: CliContext, username: str, output: OutputFormat) -> None:
    """List USERNAME's tokens: name, first characters, made, last used (local time)."""
    from zonewatch.web.tokens import list_tokens

    with cli_ctx.app.session() as session:
        rows = list_tokens(session, username, cli_ctx.settings.tz)
    render(cli_ctx, output, rows, TOKEN_LISTING)


TOKEN_LISTING: Listing[TokenRow] = Listing(
    columns=(
        Column("id", lambda row: str(row.id)),
        Column("name", lambda row: row.name),
        Column("starts with", lambda row: row.prefix),
        Column("made", lambda row: row.created_at),
        Column("last used", lambda row: row.last_used_at or ""),
    ),
    record=asdict,
)


@users.command("revoke-token")
@click.argument("username")
@click.argument("token_id", type=int)
@pass_cli
def revoke_token_command(cli_ctx: CliContext, username: str, token_id: int) -> None:
    """Revoke one of USERNAME's tokens (its id from `zonewatch users tokens`)."""
    from zonewatch.web.tokens import revoke_token

    with cli_ctx.app.session() as session:
        revoke_token(session, username, token_id)
    click.echo(f"token {token_id} revoked")
