"""Atom 1.0 (RFC 4287) feeds of the change log: per entity, topic, source or any filter.

An entry is one change record. Its id is a ``tag:`` URI made of the console's host and the
record's id, so a feed reader keeps its read marks while titles and summaries change.
``updated`` is when we detected the change; ``published`` is the publisher's release date
when one is known (and left out when not, rather than filled with another date).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from zonewatch.changes.queries import LoggedChange
from zonewatch.models import Entity, Topic
from zonewatch.models.base import utcnow
from zonewatch.timefmt import aware

ATOM = "http://www.w3.org/2005/Atom"
TAG_DATE = "2026"
"""The date part of every tag: URI (RFC 4151). It must never change, or every id would."""
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class FeedInfo:
    """What a feed is about: ``key`` names it in its id (``entity/ifez``), ``self_url`` is the
    feed's own address (without any token), ``alternate_url`` the console page it mirrors."""

    key: str
    title: str
    self_url: str
    alternate_url: str


@dataclass(frozen=True)
class Labels:
    """Names of the entities and topics the entries mention, for categories' labels."""

    entities: dict[str, str]
    topics: dict[str, str]


def xml_text(value: str) -> str:
    """Text as XML 1.0 can carry it: characters it forbids (NUL, most control characters,
    lone surrogates) are dropped; markup characters are escaped by the serializer."""
    return _NOT_XML.sub("", value)


def tag_uri(public_url: str, path: str) -> str:
    host = urlsplit(public_url).hostname or "localhost"
    return f"tag:{host},{TAG_DATE}:zonewatch/{path}"


def rfc3339(moment: dt.datetime) -> str:
    return aware(moment).astimezone(dt.UTC).replace(microsecond=0).isoformat()


def labels_for(session: Session, changes: Sequence[LoggedChange], language: str) -> Labels:
    entity_ids = {link.entity_id for c in changes for link in c.record.entities}
    topic_ids = {link.topic_id for c in changes for link in c.record.topics}
    english = language == "en"
    entities = {
        entity.id: entity.name_en if english else entity.name_ko
        for entity in session.scalars(select(Entity).where(Entity.id.in_(entity_ids)))
    }
    topics = {
        topic.id: topic.name_en if english else topic.name_ko
        for topic in session.scalars(select(Topic).where(Topic.id.in_(topic_ids)))
    }
    return Labels(entities, topics)


def _sub(parent: etree._Element, name: str, text: str | None = None, **attrs: str) -> None:
    element = etree.SubElement(
        parent, f"{{{ATOM}}}{name}", {k: xml_text(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = xml_text(text)


def _entry(feed: etree._Element, change: LoggedChange, public_url: str, labels: Labels) -> None:
    record = change.record
    entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
    base = public_url.rstrip("/")
    _sub(entry, "id", tag_uri(public_url, f"change/{record.id}"))
    _sub(entry, "title", record.title or record.kind, type="text")
    _sub(entry, "updated", rfc3339(change.detected_at))
    if change.release.at is not None:
        _sub(entry, "published", rfc3339(change.release.at))
    _sub(entry, "link", rel="alternate", type="text/html", href=f"{base}/changes/{record.id}")
    if change.url is not None and urlsplit(change.url).scheme in ("http", "https"):
        _sub(entry, "link", rel="related", href=change.url)
    _sub(entry, "summary", record.summary or record.title or record.kind, type="text")
    for topic_id in sorted(link.topic_id for link in record.topics):
        _sub(
            entry,
            "category",
            term=topic_id,
            scheme=f"{base}/topics",
            label=labels.topics.get(topic_id, topic_id),
        )
    for entity_id in sorted(link.entity_id for link in record.entities):
        _sub(
            entry,
            "category",
            term=entity_id,
            scheme=f"{base}/entities",
            label=labels.entities.get(entity_id, entity_id),
        )


def atom_feed(
    info: FeedInfo, changes: Sequence[LoggedChange], public_url: str, labels: Labels
) -> bytes:
    """The feed as UTF-8 XML. Its ``updated`` is the newest entry's; an empty feed's is now
    (RFC 4287 requires the element, and nothing in it has changed since)."""
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    _sub(feed, "id", tag_uri(public_url, f"feed/{info.key}"))
    _sub(feed, "title", info.title, type="text")
    newest = max((change.detected_at for change in changes), default=None)
    _sub(feed, "updated", rfc3339(newest or utcnow()))
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    _sub(author, "name", "zonewatch")
    _sub(feed, "link", rel="self", type="application/atom+xml", href=info.self_url)
    _sub(feed, "link", rel="alternate", type="text/html", href=info.alternate_url)
    _sub(feed, "generator", "zonewatch")
    for change in changes:
        _entry(feed, change, public_url, labels)
    body: bytes = etree.tostring(feed, xml_declaration=True, encoding="utf-8")
    return body
