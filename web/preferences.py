"""A subscriber's own preferences page, opened by the signed link in every mail.

No account and no password: the link's token is the credential, checked on every request
(GET and POST), and it only ever names one subscriber, whose subscriptions are the only ones
the page reads or changes. CSRF applies as on every form. The page speaks the language the
subscriber reads their mail in. Everything it changes goes through
:mod:`zonewatch.alerts.subscribers`, as ``zonewatch subscribers`` and ``subscriptions`` do.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from starlette.responses import Response

from zonewatch.alerts.matching import DELIVERY_MODES
from zonewatch.alerts.subscribers import (
    LANGUAGES,
    DeliveryChange,
    SubscriptionSpec,
    add_own_subscription,
    change_delivery,
    own_subscription,
    parse_subscription,
    pause,
    preferences,
    remove_own_subscription,
    resume,
    set_language,
    subscriber_for_link,
)
from zonewatch.alerts.tokens import BadToken
from zonewatch.alerts.wording import kind_label
from zonewatch.changes.queries import CHANGE_KINDS
from zonewatch.errors import InputError
from zonewatch.models import Subscriber
from zonewatch.web.permissions import Page, public


class Action(StrEnum):
    """What a form on the page asks for (its ``action`` field)."""

    LANGUAGE = "language"
    PAUSE = "pause"
    RESUME = "resume"
    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"


def _action(value: str | None) -> Action:
    try:
        return Action(value or "")
    except ValueError:
        known = ", ".join(action.value for action in Action)
        raise InputError(f"unknown action {value!r} (one of {known})") from None


def _subscription_id(form: dict[str, str]) -> int:
    value = form.get("subscription", "").strip()
    if not value.isdigit() or len(value) > 10:
        raise InputError(f"subscription must be a subscription's number, not {value!r}")
    return int(value)


def _subscriber(page: Page, token: str) -> Subscriber | None:
    settings = page.console.app.settings
    try:
        return subscriber_for_link(
            page.db, settings.signing_key, token, settings.preferences_max_age_days
        )
    except BadToken:
        return None


def _bad_link(page: Page) -> Response:
    """One answer for forged, expired, revoked and unknown links alike."""
    return page.console.error(page.request, page.viewer, 403, "prefs_bad_link", page.web_session)


@public()
def preferences_page(page: Page) -> Response:
    """The page; ``?saved=ACTION`` (after a change) says what was just done."""
    token = page.request.path_params["token"]
    subscriber = _subscriber(page, token)
    if subscriber is None:
        return _bad_link(page)
    saved = page.request.query_params.get("saved")
    return _render(page, subscriber, token, _action(saved) if saved is not None else None)


@public()
def change_preferences(page: Page) -> Response:
    """Apply one form of the page, then show the page again (a reload repeats nothing)."""
    token = page.request.path_params["token"]
    subscriber = _subscriber(page, token)
    if subscriber is None:
        return _bad_link(page)
    action = _action(page.form.get("action"))
    _apply(page, subscriber, action)
    return page.redirect(f"/preferences/{token}?saved={action.value}")


def _apply(page: Page, subscriber: Subscriber, action: Action) -> None:
    form, db = page.form, page.db
    if action is Action.LANGUAGE:
        set_language(db, subscriber, form.get("language", ""))
    elif action is Action.PAUSE:
        pause(db, subscriber)
    elif action is Action.RESUME:
        resume(db, subscriber)
    elif action is Action.REMOVE:
        remove_own_subscription(db, subscriber, _subscription_id(form))
    elif action is Action.CHANGE:
        subscription = own_subscription(subscriber, _subscription_id(form))
        change = DeliveryChange(
            delivery=form.get("delivery", ""),
            hour=form.get("hour", ""),
            active=form.get("active") == "on",
        )
        change_delivery(db, subscription, change)
    else:
        add_own_subscription(db, subscriber, _spec(form))


def _spec(form: dict[str, str]) -> SubscriptionSpec:
    """The new subscription as typed; the service checks and normalises every field."""
    names = ("entity", "topic", "source", "keyword", "kind", "min_significance", "delivery", "hour")
    fields = {name: form.get(name, "") for name in names}
    return parse_subscription(fields | {"language": form.get("content_language", "")})


def _render(page: Page, subscriber: Subscriber, token: str, saved: Action | None) -> Response:
    """In the subscriber's mail language: they chose it, whatever their browser says."""
    data = preferences(page.db, subscriber)
    viewer = replace(page.viewer, language=data.language)
    return page.console.render(
        page.request,
        viewer,
        page.web_session,
        "preferences.html",
        prefs=data,
        path=f"/preferences/{token}",
        saved=saved.value if saved is not None else None,
        languages=LANGUAGES,
        deliveries=DELIVERY_MODES,
        kinds=[(kind, kind_label(kind, data.language)) for kind in CHANGE_KINDS],
    )
