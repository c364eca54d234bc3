"""``zonewatch subscribers`` and ``zonewatch subscriptions``: who gets alerts about what."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from zonewatch.alerts.matching import DELIVERY_MODES
from zonewatch.alerts.subscribers import (
    DEFAULT_TIMEZONE,
    EXPORT_FORMATS,
    LANGUAGES,
    DeliveryChange,
    ResumeFrom,
    SubscriberSpec,
    SubscriptionSpec,
    add_subscriber,
    add_subscription,
    change_delivery,
    export_text,
    find_subscriber,
    import_file,
    list_subscribers,
    list_subscriptions,
    pause,
    remove_subscriber,
    remove_subscription,
    resume,
    revoke_links,
    set_language,
    subscriber_details,
)
from zonewatch.alerts.tokens import preferences_url
from zonewatch.changes.queries import CHANGE_KINDS
from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.params import ROW_ID
from zonewatch.cli.render import Column, Listing, OutputFormat, format_option, render
from zonewatch.errors import InputError, NotFoundError
from zonewatch.models import Subscription
from zonewatch.models.names import resolve_entity_id


@click.group()
def subscribers() -> None:
    """People who get alerts: add, list, show, remove, import and export them."""


@subscribers.command("add")
@click.argument("email")
@click.option("--name", help="How mails address them.")
@click.option("--language", type=click.Choice(LANGUAGES), default="ko", show_default=True)
@click.option("--timezone", default=DEFAULT_TIMEZONE, show_default=True, help="For digest hours.")
@pass_cli
def add_subscriber_command(
    cli_ctx: CliContext, email: str, name: str | None, language: str, timezone: str
) -> None:
    """Add a subscriber; then give them subscriptions with `zonewatch subscriptions add`."""
    spec = SubscriberSpec(email=email, name=name, language=language, timezone=timezone)
    with cli_ctx.app.session() as session:
        subscriber = add_subscriber(session, spec)
        click.echo(f"subscriber {subscriber.id} added: {subscriber.email}")


@subscribers.command("list")
@format_option()
@pass_cli
def list_subscribers_command(cli_ctx: CliContext, output: OutputFormat) -> None:
    """List subscribers with their number of subscriptions."""
    with cli_ctx.app.session() as session:
        rows = list_subscribers(session)
    render(cli_ctx, output, rows, SUBSCRIBER_LISTING)


SUBSCRIBER_LISTING: Listing[dict[str, Any]] = Listing(
    columns=(
        Column("id", lambda row: str(row["id"])),
        Column("email", lambda row: row["email"]),
        Column("name", lambda row: row["name"] or ""),
        Column("lang", lambda row: row["language"]),
        Column("timezone", lambda row: row["timezone"]),
        Column("status", lambda row: row["status"]),
        Column("subscriptions", lambda row: str(row["subscriptions"])),
    ),
    record=lambda row: row,
    noun="subscribers",
)


@subscribers.command("show")
@click.argument("subscriber")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_cli
def show_subscriber_command(cli_ctx: CliContext, subscriber: str, as_json: bool) -> None:
    """Show one subscriber (EMAIL or ID): their subscriptions and deliveries."""
    with cli_ctx.app.session() as session:
        details = subscriber_details(session, subscriber)
    if as_json:
        print_json(details)
        return
    out = cli_ctx.console.print
    name = f" ({escape(details['name'])})" if details["name"] else ""
    out(f"[bold]{escape(details['email'])}[/bold]{name} #{details['id']}")
    out(f"  language: {details['language']}   timezone: {details['timezone']}")
    out(f"  status:   {details['status']}   hard failures: {details['hard_failures']}")
    deliveries = details["deliveries"]
    by_status = ", ".join(f"{n} {status}" for status, n in sorted(deliveries["by_status"].items()))
    out(f"  deliveries: {deliveries['total']}" + (f" ({by_status})" if by_status else ""))
    out(f"[bold]subscriptions ({len(details['subscriptions'])})[/bold]")
    for row in details["subscriptions"]:
        state = "" if row["active"] else " [yellow](inactive)[/yellow]"
        sent = f"{row['deliveries']} deliveries"
        out(f"  #{row['id']:<5} {escape(row['description'])}{state}  — {sent}")


@subscribers.command("remove")
@click.argument("subscriber")
@pass_cli
def remove_subscriber_command(cli_ctx: CliContext, subscriber: str) -> None:
    """Delete a subscriber (EMAIL or ID) with their subscriptions and pending deliveries."""
    with cli_ctx.app.session() as session:
        removed = remove_subscriber(session, subscriber)
        click.echo(f"subscriber {removed.id} removed: {removed.email}")


@subscribers.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_cli
def import_command(cli_ctx: CliContext, file: Path) -> None:
    """Import subscribers and subscriptions from FILE (.yaml/.yml or .csv).

    Every row is checked first; one bad row (named by its line) imports nothing. Subscribers
    are matched by email and subscriptions by all their settings, so a repeat changes nothing.
    """
    with cli_ctx.app.session() as session:
        report = import_file(session, file, cli_ctx.settings.allowed_private_hosts)
    click.echo(
        f"subscribers: {report.subscribers_added} added, {report.subscribers_updated} updated; "
        f"subscriptions: {report.subscriptions_added} added, "
        f"{report.subscriptions_updated} updated, {report.unchanged} unchanged"
    )


@subscribers.command("export")
@click.option("--format", "file_format", type=click.Choice(EXPORT_FORMATS), help="Default: yaml.")
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write here (the format follows its extension); default: standard output.",
)
@pass_cli
def export_command(cli_ctx: CliContext, file_format: str | None, output: Path | None) -> None:
    """Export every subscriber and subscription, in a file `subscribers import` reads back."""
    if file_format is None:
        file_format = "csv" if output is not None and output.suffix.lower() == ".csv" else "yaml"
    with cli_ctx.app.session() as session:
        text = export_text(session, file_format)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"exported to {output}")


@subscribers.command("pause")
@click.argument("subscriber")
@pass_cli
def pause_command(cli_ctx: CliContext, subscriber: str) -> None:
    """Stop all mail to SUBSCRIBER (EMAIL or ID) and drop what is queued; subscriptions stay."""
    with cli_ctx.app.session() as session:
        person = find_subscriber(session, subscriber)
        if pause(session, person):
            click.echo(f"subscriber {person.id} paused: {person.email}")
        else:
            click.echo(f"subscriber {person.id} gets no mail already ({person.status})")


@subscribers.command("resume")
@click.argument("subscriber")
@pass_cli
def resume_command(cli_ctx: CliContext, subscriber: str) -> None:
    """Mail SUBSCRIBER again after a pause, a bounce suspension or an unsubscribe (which had
    switched every subscription off: they are switched on again)."""
    with cli_ctx.app.session() as session:
        person = find_subscriber(session, subscriber)
        before = resume(session, person)
        if before is ResumeFrom.NOTHING:
            click.echo(f"subscriber {person.id} is active already")
        else:
            click.echo(f"subscriber {person.id} active again (was {before.value}): {person.email}")


@subscribers.command("set")
@click.argument("subscriber")
@click.option("--language", type=click.Choice(LANGUAGES), required=True, help="Of their mails.")
@pass_cli
def set_command(cli_ctx: CliContext, subscriber: str, language: str) -> None:
    """Change the language SUBSCRIBER (EMAIL or ID) gets mail in."""
    with cli_ctx.app.session() as session:
        person = find_subscriber(session, subscriber)
        set_language(session, person, language)
        click.echo(f"subscriber {person.id} gets mail in {language}")


@subscribers.command("link")
@click.argument("subscriber")
@pass_cli
def link_command(cli_ctx: CliContext, subscriber: str) -> None:
    """Print SUBSCRIBER's preferences link, the one every mail carries (for a reader who
    lost their mails). Anyone holding it can change their subscriptions: send it only to them."""
    settings = cli_ctx.settings
    with cli_ctx.app.session() as session:
        person = find_subscriber(session, subscriber)
        click.echo(
            preferences_url(
                settings.public_url,
                settings.signing_key,
                person.id,
                person.token_key,
                person.links_epoch,
            )
        )


@subscribers.command("revoke-links")
@click.argument("subscriber")
@pass_cli
def revoke_links_command(cli_ctx: CliContext, subscriber: str) -> None:
    """End every preferences link sent to SUBSCRIBER so far (say, a forwarded mail); their
    next mails carry a new one. Unsubscribe links keep working."""
    with cli_ctx.app.session() as session:
        person = find_subscriber(session, subscriber)
        revoke_links(session, person)
        click.echo(f"subscriber {person.id}: earlier preferences links no longer work")


@click.group()
def subscriptions() -> None:
    """What subscribers get: filters, delivery mode and hour, channel."""


@subscriptions.command("add")
@click.argument("subscriber")
@click.option(
    "--entity",
    help="A zone, district, zone type ... by id or any name (its children included).",
)
@click.option("--topic", help="A topic id (designation, plan, incentive, ...).")
@click.option("--source", help="A source id (see `zonewatch sources list`).")
@click.option("--keyword", help="Text the title or body must contain.")
@click.option("--language", type=click.Choice(LANGUAGES), help="The documents' language.")
@click.option("--kind", type=click.Choice(CHANGE_KINDS), help="Only this kind of change.")
@click.option("--min-significance", type=float, default=0.0, show_default=True, help="0 to 1.")
@click.option(
    "--delivery", type=click.Choice(DELIVERY_MODES), default="immediate", show_default=True
)
@click.option("--hour", type=int, default=8, show_default=True, help="0-23, subscriber's time.")
@click.option("--channel", default="email", show_default=True, help="'email' or an Apprise URL.")
@pass_cli
def add_subscription_command(cli_ctx: CliContext, /, subscriber: str, **options: Any) -> None:
    """Subscribe SUBSCRIBER (EMAIL or ID) to changes; every filter given must match."""
    with cli_ctx.app.session() as session:
        if options["entity"] is not None:
            options["entity"] = resolve_entity_id(session, options["entity"])
        spec = SubscriptionSpec(**options)
        subscription = add_subscription(
            session, subscriber, spec, cli_ctx.settings.allowed_private_hosts
        )
        added = SubscriptionSpec.of(subscription).describe()
        click.echo(f"subscription {subscription.id} added for {subscription.subscriber.email}")
        click.echo(f"  {added}")


@subscriptions.command("list")
@click.option("--subscriber", help="Only this subscriber's (EMAIL or ID).")
@format_option()
@pass_cli
def list_subscriptions_command(
    cli_ctx: CliContext, subscriber: str | None, output: OutputFormat
) -> None:
    """List subscriptions."""
    with cli_ctx.app.session() as session:
        rows = list_subscriptions(session, subscriber)
    render(cli_ctx, output, rows, SUBSCRIPTION_LISTING)


SUBSCRIPTION_LISTING: Listing[dict[str, Any]] = Listing(
    columns=(
        Column("id", lambda row: str(row["id"])),
        Column("subscriber", lambda row: row["subscriber"]),
        Column("active", lambda row: "yes" if row["active"] else "no"),
        Column("subscription", lambda row: row["description"], wrap=True),
    ),
    record=lambda row: row,
    noun="subscriptions",
)


@subscriptions.command("remove")
@click.argument("subscription_id", type=ROW_ID)
@pass_cli
def remove_subscription_command(cli_ctx: CliContext, subscription_id: int) -> None:
    """Delete one subscription by its ID."""
    with cli_ctx.app.session() as session:
        removed = remove_subscription(session, subscription_id)
        click.echo(f"subscription {removed.id} removed")


@subscriptions.command("set")
@click.argument("subscription_id", type=ROW_ID)
@click.option("--delivery", type=click.Choice(DELIVERY_MODES))
@click.option("--hour", type=int, help="0-23, subscriber's time, for digests.")
@click.option("--active/--inactive", default=None, help="Switch it on or off.")
@pass_cli
def set_subscription_command(
    cli_ctx: CliContext,
    subscription_id: int,
    delivery: str | None,
    hour: int | None,
    active: bool | None,
) -> None:
    """Change how subscription ID is delivered, or switch it on or off."""
    if delivery is None and hour is None and active is None:
        raise InputError("give --delivery, --hour, --active or --inactive")
    with cli_ctx.app.session() as session:
        subscription = session.get(Subscription, subscription_id)
        if subscription is None:
            raise NotFoundError(f"unknown subscription {subscription_id}")
        change_delivery(session, subscription, DeliveryChange(delivery, hour, active))
        click.echo(
            f"subscription {subscription.id}: {SubscriptionSpec.of(subscription).describe()}"
        )
