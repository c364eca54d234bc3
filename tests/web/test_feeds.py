"""Atom feeds: valid Atom 1.0 (RFC 4287) by feedparser and by our own structural checks,
private (token or session, a reader's role), an entity's feed covers its districts."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree
from starlette.testclient import TestClient

from tests.web.apikit import HOSTILE, World, build_world, token_for
from tests.web.conftest import sign_in
from zonewatch.app import App

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


@pytest.fixture
def world(app: App) -> World:
    return build_world(app)


@pytest.fixture
def token(app: App) -> str:
    return token_for(app, "analyst")


def _one(parent: etree._Element, name: str) -> etree._Element:
    found = parent.findall(ATOM + name)
    assert len(found) == 1, f"exactly one atom:{name} in {parent.tag}"
    return found[0]


def _at_most_one(parent: etree._Element, name: str) -> None:
    assert len(parent.findall(ATOM + name)) <= 1, f"at most one atom:{name}"


def _check_date(element: etree._Element) -> None:
    assert element.text is not None
    assert RFC3339.match(element.text), element.text
    dt.datetime.fromisoformat(element.text)


def _check_links(parent: etree._Element) -> None:
    pairs = set()
    for link in parent.findall(ATOM + "link"):
        assert URI.match(link.get("href", "")), "every link has an absolute href"
        pair = (link.get("rel", "alternate"), link.get("type"), link.get("hreflang"))
        if pair[0] == "alternate":
            assert pair not in pairs, "one alternate link per type and language"
            pairs.add(pair)


def check_atom(body: bytes) -> etree._Element:
    """The RFC 4287 rules a feed of ours must meet (section 4.1): the root, required and
    unique elements, ids that are URIs, RFC 3339 dates, an author for every entry, links."""
    root = etree.fromstring(body)
    assert root.tag == ATOM + "feed"
    for name in ("id", "title", "updated"):
        _one(root, name)
    for name in ("generator", "icon", "logo", "rights", "subtitle"):
        _at_most_one(root, name)
    assert URI.match(_one(root, "id").text or "")
    _check_date(_one(root, "updated"))
    feed_authors = root.findall(ATOM + "author")
    for author in feed_authors:
        _one(author, "name")
    self_links = [link for link in root.findall(ATOM + "link") if link.get("rel") == "self"]
    assert len(self_links) == 1, "a feed should name itself (RFC 4287 4.1.1)"
    _check_links(root)
    ids = set()
    for entry in root.findall(ATOM + "entry"):
        for name in ("id", "title", "updated"):
            _one(entry, name)
        for name in ("published", "summary", "content", "rights", "source"):
            _at_most_one(entry, name)
        entry_id = _one(entry, "id").text or ""
        assert URI.match(entry_id)
        assert entry_id not in ids, "entry ids are unique"
        ids.add(entry_id)
        _check_date(_one(entry, "updated"))
        for published in entry.findall(ATOM + "published"):
            _check_date(published)
        assert feed_authors or entry.findall(ATOM + "author"), "every entry has an author"
        has_alternate = any(
            link.get("rel", "alternate") == "alternate" for link in entry.findall(ATOM + "link")
        )
        assert has_alternate or entry.findall(ATOM + "content"), "an alternate link or content"
        _check_links(entry)
        for category in entry.findall(ATOM + "category"):
            assert category.get("term"), "a category has a term"
    return root


def _entry_titles(body: bytes) -> list[str]:
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return [entry.title for entry in parsed.entries]


def test_the_change_log_feed_is_valid_atom(client: TestClient, world: World, token: str) -> None:
    answer = client.get(f"/feeds/changes.atom?token={token}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    root = check_atom(answer.content)
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo
    assert len(parsed.entries) == 4
    first = parsed.entries[0]
    assert first.title == "인천경제자유구역 변경"
    assert first.id == f"tag:console.example.org,2026:zonewatch/change/{world.zone_change}"
    assert first.link == f"http://console.example.org/changes/{world.zone_change}"
    assert "https://www.ifez.go.kr/news/1" in [link.href for link in first.links]
    assert first.summary == "구역 변경 요약"
    assert first.published.startswith("2026-03-02T01:30:00")
    assert first.updated.startswith("2026-03-02T15:05:00")
    assert [tag.term for tag in first.tags] == ["ifez"]
    assert token not in answer.text, "the feed's own links never carry the token"
    [self_link] = [link for link in root.findall(ATOM + "link") if link.get("rel") == "self"]
    assert urlsplit(self_link.get("href")).path == "/feeds/changes.atom"


def test_an_entry_without_a_release_date_has_no_published(
    app: App, client: TestClient, token: str
) -> None:
    from zonewatch.models import ChangeRecord

    with app.session() as session:
        session.add(ChangeRecord(kind="model_change", dedupe_key="m", title="모델 변경"))
    body = client.get(f"/feeds/changes.atom?token={token}").content
    root = check_atom(body)
    [entry] = root.findall(ATOM + "entry")
    assert entry.findall(ATOM + "published") == []


def test_ids_are_stable_while_titles_change(
    app: App, client: TestClient, world: World, token: str
) -> None:
    from zonewatch.models import ChangeRecord

    before = feedparser.parse(client.get(f"/feeds/changes.atom?token={token}").content)
    with app.session() as session:
        record = session.get(ChangeRecord, world.zone_change)
        assert record is not None
        record.title = "고친 제목"
    after = feedparser.parse(client.get(f"/feeds/changes.atom?token={token}").content)
    assert [e.id for e in before.entries] == [e.id for e in after.entries]
    assert after.entries[0].title == "고친 제목"


def test_an_entity_feed_includes_its_districts(
    client: TestClient, world: World, token: str
) -> None:
    body = client.get(f"/feeds/entities/ifez.atom?token={token}").content
    check_atom(body)
    titles = _entry_titles(body)
    assert "인천경제자유구역 변경" in titles
    assert "송도 지정" in titles, "a district's change is in its zone's feed"
    assert "부산 소식" not in titles
    district = _entry_titles(client.get(f"/feeds/entities/ifez.songdo.atom?token={token}").content)
    assert "인천경제자유구역 변경" not in district
    assert "송도 지정" in district


def test_topic_and_source_feeds(client: TestClient, world: World, token: str) -> None:
    topic = client.get(f"/feeds/topics/designation.atom?token={token}").content
    check_atom(topic)
    assert _entry_titles(topic) == ["송도 지정"]
    source = client.get(f"/feeds/sources/ifez-news.atom?token={token}").content
    check_atom(source)
    assert _entry_titles(source) == ["인천경제자유구역 변경", "송도 지정"]


def test_a_filtered_feed_takes_the_change_log_s_parameters(
    client: TestClient, world: World, token: str
) -> None:
    body = client.get(f"/feeds/changes.atom?entity=bjfez&token={token}").content
    check_atom(body)
    assert _entry_titles(body) == ["부산 소식"]
    root = etree.fromstring(body)
    alternate = [
        link.get("href") for link in root.findall(ATOM + "link") if link.get("rel") == "alternate"
    ]
    assert alternate == ["http://console.example.org/changes?entity=bjfez"]


def test_hostile_and_korean_text_is_escaped(client: TestClient, world: World, token: str) -> None:
    answer = client.get(f"/feeds/entities/ifez.songdo.atom?token={token}")
    check_atom(answer.content)
    assert b"<script>" not in answer.content
    parsed = feedparser.parse(answer.content)
    hostile = [e for e in parsed.entries if e.id.endswith(f"/change/{world.hostile_change}")]
    assert hostile[0].title == HOSTILE.replace("\x0b", "").replace("\x1f", "")
    assert "송도" in answer.content.decode("utf-8")


def test_feeds_are_private(app: App, client: TestClient, world: World) -> None:
    assert client.get("/feeds/changes.atom").status_code == 401
    assert client.get("/feeds/changes.atom?token=zw_nope").status_code == 401
    watcher = token_for(app, "watcher")
    refused = client.get(f"/feeds/changes.atom?token={watcher}")
    assert refused.status_code == 403
    assert "인천" not in refused.text
    for role in ("admin", "operator"):
        assert client.get(f"/feeds/changes.atom?token={token_for(app, role)}").status_code == 200


def test_a_signed_in_reader_opens_a_feed_without_a_token(client: TestClient, world: World) -> None:
    sign_in(client, "operator")
    assert client.get("/feeds/topics/designation.atom").status_code == 200
    client.cookies.clear()
    sign_in(client, "watcher")
    assert client.get("/feeds/topics/designation.atom").status_code == 403


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/feeds/entities/nowhere.atom", 404),
        ("/feeds/topics/nowhere.atom", 404),
        ("/feeds/sources/nowhere.atom", 404),
        ("/feeds/changes.atom?since=yesterday", 400),
        ("/feeds/changes.atom?kind=bogus", 400),
    ],
)
def test_bad_input_is_a_one_line_error(
    client: TestClient, world: World, token: str, path: str, status: int
) -> None:
    sep = "&" if "?" in path else "?"
    answer = client.get(f"{path}{sep}token={token}")
    assert answer.status_code == status
    assert len(answer.text.strip().splitlines()) == 1


def test_an_empty_feed_is_still_valid(client: TestClient, token: str) -> None:
    body = client.get(f"/feeds/changes.atom?token={token}").content
    root = check_atom(body)
    assert root.findall(ATOM + "entry") == []
    assert not feedparser.parse(body).bozo


def test_the_path_s_filter_wins_over_the_query_s(
    client: TestClient, world: World, token: str
) -> None:
    body = client.get(f"/feeds/entities/ifez.atom?entity=bjfez&token={token}").content
    assert "부산 소식" not in _entry_titles(body)
    root = etree.fromstring(body)
    links = {link.get("rel"): link.get("href") for link in root.findall(ATOM + "link")}
    assert links["alternate"] == "http://console.example.org/changes?entity=ifez"
    assert links["self"] == "http://console.example.org/feeds/entities/ifez.atom"
