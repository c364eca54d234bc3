"""Atom feeds of the change log: ``/feeds/changes.atom?<the change log's filters>`` and one per
entity (with its districts), topic and source. A feed is the newest page of that change log.

Feeds are private: a feed reader sends ``?token=<personal token>``, a signed-in browser its
session; the user's role must be one that reads the change log.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote, urlencode

from starlette.responses import Response

from zonewatch.changes.feeds import FeedInfo, atom_feed, labels_for
from zonewatch.changes.queries import ChangeFilter, list_changes
from zonewatch.errors import NotFoundError
from zonewatch.models import Source, Topic
from zonewatch.models.queries import get_entity
from zonewatch.web import i18n
from zonewatch.web.changes import READERS, parse_filters
from zonewatch.web.tokens import Call, Credential, text_error, token_access

FEED_SIZE = 50
MEDIA_TYPE = "application/atom+xml; charset=utf-8"


def _query(call: Call, path_filter: dict[str, str], *, with_path: bool = False) -> str:
    """The request's filters without the token (a feed's links must not carry it), the page
    (a feed is always the newest page) and what the path sets (it wins)."""
    dropped = {"token", "page", *path_filter}
    kept = [
        (key, value)
        for key, value in call.request.query_params.multi_items()
        if key not in dropped and value
    ]
    if with_path:
        kept += list(path_filter.items())
    return urlencode(kept)


def _render(
    call: Call, filters: ChangeFilter, key: str, title: str, path: str, **path_filter: str
) -> Response:
    settings = call.app.settings
    base = settings.public_url.rstrip("/")
    changes = list_changes(call.db, replace(filters, limit=FEED_SIZE, offset=0))
    assert call.caller is not None, "feeds are never public"
    query = _query(call, path_filter)
    log_query = _query(call, path_filter, with_path=True)
    info = FeedInfo(
        key=key,
        title=title,
        self_url=f"{base}{path}" + (f"?{query}" if query else ""),
        alternate_url=f"{base}/changes" + (f"?{log_query}" if log_query else ""),
    )
    labels = labels_for(call.db, changes, call.caller.language)
    body = atom_feed(info, changes, settings.public_url, labels)
    return Response(body, media_type=MEDIA_TYPE)


def _filters(call: Call) -> ChangeFilter:
    filters, _ = parse_filters(call.request.query_params, call.app.settings.tz)
    return filters


def _feed_key(kind: str, value: str, call: Call) -> str:
    query = _query(call, {kind: value})
    return f"{kind}/{value}" + (f"?{query}" if query else "")


def _title(call: Call, key: str, name: str | None = None) -> str:
    assert call.caller is not None
    title = i18n.text(key, call.caller.language)
    return f"{title}: {name}" if name else title


feed_guard = token_access(Credential.FEED, *READERS, errors=text_error)


@feed_guard
def changes_feed(call: Call) -> Response:
    """``/feeds/changes.atom``: any change log view (the same query parameters)."""
    return _render(
        call,
        _filters(call),
        _feed_key("changes", "all", call),
        _title(call, "feed_changes"),
        "/feeds/changes.atom",
    )


@feed_guard
def entity_feed(call: Call) -> Response:
    """``/feeds/entities/{id}.atom``: changes about the entity or anything below it."""
    entity = get_entity(call.db, call.request.path_params["entity_id"])
    assert call.caller is not None
    name = entity.name_en if call.caller.language == "en" else entity.name_ko
    filters = replace(_filters(call), entity_id=entity.id)
    return _render(
        call,
        filters,
        _feed_key("entity", entity.id, call),
        _title(call, "feed_entity", name),
        f"/feeds/entities/{quote(entity.id, safe='')}.atom",
        entity=entity.id,
    )


@feed_guard
def topic_feed(call: Call) -> Response:
    """``/feeds/topics/{id}.atom``."""
    topic_id = call.request.path_params["topic_id"]
    topic = call.db.get(Topic, topic_id)
    if topic is None:
        raise NotFoundError(f"unknown topic {topic_id!r}")
    assert call.caller is not None
    name = topic.name_en if call.caller.language == "en" else topic.name_ko
    return _render(
        call,
        replace(_filters(call), topic_id=topic.id),
        _feed_key("topic", topic.id, call),
        _title(call, "feed_topic", name),
        f"/feeds/topics/{quote(topic.id, safe='')}.atom",
        topic=topic.id,
    )


@feed_guard
def source_feed(call: Call) -> Response:
    """``/feeds/sources/{id}.atom``."""
    source_id = call.request.path_params["source_id"]
    source = call.db.get(Source, source_id)
    if source is None:
        raise NotFoundError(f"unknown source {source_id!r}")
    return _render(
        call,
        replace(_filters(call), source_id=source.id),
        _feed_key("source", source.id, call),
        _title(call, "feed_source", source.name),
        f"/feeds/sources/{quote(source.id, safe='')}.atom",
        source=source.id,
    )
