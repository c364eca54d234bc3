"""Hostile sources against real processes: a crawl child and the command line.

A board and a feed served on loopback link to local files, /proc/self/environ, ftp://, data:
and s3:// URLs, and redirect into loopback, private, shared (100.64/10) and metadata
addresses. Nothing behind those links may be stored, and every refusal must be on record.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.testkit.hostile import StaticServer
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.crawlers.service import crawl_now
from zonewatch.models import CrawlRun, Document, DocumentVersion

ZONEWATCH = str(Path(sys.executable).with_name("zonewatch"))
SOURCES = """\
version: 1
sources:
  - id: hostile-board
    name: Hostile board
    owner: ifez
    language: en
    kind: board
    url: {base}/board
    politeness: {{delay_seconds: 0, retries: 0, timeout_seconds: 5}}
    parser:
      list_url: /board?page={{page}}
      max_pages: 1
      rows: ul.list li
      link: a
      id_param: id
      title: h1
      body: div.body
      attachments: ul.files li
      attachment_link: a
  - id: hostile-feed
    name: Hostile feed
    owner: ifez
    language: en
    kind: feed
    url: {base}/feed.xml
    politeness: {{delay_seconds: 0, retries: 0, timeout_seconds: 5}}
    parser:
      body: div.body
"""


@dataclass(frozen=True)
class Hostile:
    marker: str
    server: StaticServer
    internal: StaticServer
    local_html: Path


def _redirects(internal: StaticServer) -> dict[str, str]:
    return {
        "/to-loopback": f"{internal.url}/admin",
        "/to-metadata": "http://169.254.169.254/latest/meta-data/",
        "/to-shared": "http://100.100.100.200/latest/meta-data/",
        "/to-private": "http://10.255.255.1/",
        "/to-mapped": f"http://[::ffff:127.0.0.2]:{internal.port}/admin",
        "/to-file": "file:///etc/passwd",
    }


def _bad_links(local_html: Path, internal: StaticServer) -> list[str]:
    return [
        "file:///etc/passwd",
        local_html.as_uri(),
        "file:///proc/self/environ",
        "ftp://127.0.0.1/pub/secret.txt",
        "data:text/html,SECRET",
        "s3://bucket/secret.txt",
        *_redirects(internal),
    ]


def _article(marker_free_text: str, attachments: list[str]) -> bytes:
    files = "".join(
        f'<li><a href="{href}">file{n}.txt</a></li>' for n, href in enumerate(attachments)
    )
    return (
        f"<html><body><h1>Plan notice</h1><div class='body'><p>{marker_free_text}</p></div>"
        f"<ul class='files'>{files}</ul></body></html>"
    ).encode()


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hostile]:
    marker = f"SECRET-{uuid.uuid4().hex}"
    monkeypatch.setenv("HOSTILE_TEST_SECRET", marker)  # what /proc/self/environ would leak
    local_html = tmp_path / "local.html"
    local_html.write_text(
        f"<html><body><h1>{marker}</h1><div class='body'>{marker}</div></body></html>"
    )
    (tmp_path / "local.txt").write_text(marker)
    with StaticServer("127.0.0.2") as internal, StaticServer("127.0.0.1") as server:
        internal.route(
            "/admin",
            f"<html><body><h1>{marker}</h1><div class='body'>{marker}</div></body></html>".encode(),
        )
        for path, target in _redirects(internal).items():
            server.redirect(path, target)
        bad = _bad_links(local_html, internal)
        rows = ['<li><a href="/article?id=good">good</a></li>']
        rows += [
            f'<li><a href="{href}{"&" if "?" in href else "?"}id=bad{n}">bad {n}</a></li>'
            for n, href in enumerate(bad)
        ]
        server.route(
            "/board?page=1",
            f"<html><body><ul class='list'>{''.join(rows)}</ul></body></html>".encode(),
        )
        attachments = [*bad, (tmp_path / "local.txt").as_uri(), "/ok.txt"]
        server.route("/article?id=good", _article("A real notice.", attachments))
        server.route("/ok.txt", b"plain attachment text", "text/plain")
        entries = [
            f"{server.url}/article?id=good",
            *(href if ":" in href else server.url + href for href in bad),
        ]
        items = "".join(
            f"<item><title>entry {n}</title><link>{link}</link><guid>g{n}</guid></item>"
            for n, link in enumerate(entries)
        )
        server.route(
            "/feed.xml",
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}'
            "</channel></rss>".encode(),
            "application/rss+xml",
        )
        yield Hostile(marker, server, internal, local_html)


@pytest.fixture
def hostile_app(tmp_path: Path, hostile: Hostile) -> Iterator[App]:
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES.format(base=hostile.server.url), encoding="utf-8")
    app = configure(
        data_dir=tmp_path / "data",
        allowed_private_hosts="127.0.0.1",  # the hostile server itself, not 127.0.0.2
        crawl_delay_scale=0,
        sources_file=sources,
    )
    initialize(app)
    yield app
    app.dispose()


def stored_text(app: App) -> str:
    with app.session() as session:
        parts = [doc.url or "" for doc in session.scalars(select(Document))]
        for version in session.scalars(select(DocumentVersion)):
            parts += [version.title or "", version.text or ""]
            parts += [f"{a.url} {a.text or ''}" for a in version.attachments]
        return "\n".join(parts)


def run_stats(app: App, run_id: object) -> tuple[dict[str, object], list[dict[str, object]]]:
    with app.session() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        return dict(run.stats), list(run.errors)


@pytest.mark.slow
@pytest.mark.parametrize("source_id", ["hostile-board", "hostile-feed"])
def test_a_hostile_source_cannot_make_the_crawler_read_local_or_internal_data(
    hostile_app: App, hostile: Hostile, source_id: str
) -> None:
    record = crawl_now(hostile_app, source_id)
    stored = stored_text(hostile_app)
    assert hostile.marker not in stored
    assert "root:x:0:0" not in stored
    assert "A real notice." in stored or source_id == "hostile-feed"
    assert hostile.internal.hits == [], "nothing may reach the internal service"
    stats, errors = run_stats(hostile_app, record["run"])
    blocked = [error for error in errors if error["kind"] == "blocked"]
    assert len(blocked) >= 6, errors  # file, file, /proc, ftp, data, s3: dropped by the spider
    assert {str(error["url"]).split(":", 1)[0] for error in blocked} >= {
        "file",
        "ftp",
        "data",
        "s3",
    }
    assert int(stats.get("zonewatch/blocked_links", 0)) == len(blocked)  # type: ignore[call-overload]
    assert int(stats.get("zonewatch/blocked_requests", 0)) >= 4, stats  # type: ignore[call-overload]
    with hostile_app.session() as session:
        urls = [doc.url for doc in session.scalars(select(Document))]
    assert urls
    assert all(url.startswith("http://127.0.0.1:") for url in urls), urls


def test_a_board_attachment_keeps_only_http_links(hostile_app: App, hostile: Hostile) -> None:
    crawl_now(hostile_app, "hostile-board")
    with hostile_app.session() as session:
        [version] = session.scalars(select(DocumentVersion)).all()
        attachments = {a.url: a for a in version.attachments}
    assert all(url.startswith("http://127.0.0.1:") for url in attachments)
    assert attachments[f"{hostile.server.url}/ok.txt"].text == "plain attachment text"


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ZONEWATCH, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    "path", ["/to-loopback", "/to-metadata", "/to-shared", "/to-mapped", "/to-file"]
)
@pytest.mark.parametrize("command", ["parse-feed", "parse-page"])
def test_parse_commands_refuse_redirects_into_internal_addresses(
    tmp_path: Path, hostile: Hostile, command: str, path: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    env.update(
        ZONEWATCH_DATA_DIR=str(tmp_path / "data"), ZONEWATCH_ALLOWED_PRIVATE_HOSTS="127.0.0.1"
    )
    args = [
        command,
        *(["ifez-press"] if command == "parse-page" else []),
        hostile.server.url + path,
    ]
    result = cli(*args, env=env)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "refused" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert hostile.marker not in result.stdout + result.stderr
    assert hostile.internal.hits == []


def test_parse_commands_refuse_file_urls(tmp_path: Path, hostile: Hostile) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    env["ZONEWATCH_DATA_DIR"] = str(tmp_path / "data")
    result = cli("parse-page", "ifez-press", hostile.local_html.as_uri(), env=env)
    assert result.returncode == 2
    assert "refused: scheme 'file'" in result.stderr
    assert hostile.marker not in result.stdout
    assert hostile.marker not in result.stderr


def test_a_page_nested_too_deep_is_an_error_naming_it_and_the_crawl_goes_on(
    hostile_app: App, hostile: Hostile
) -> None:
    """lxml silently drops what lies past its depth limit: such a page must be refused by
    name, store nothing, and leave the other articles of the run untouched."""
    deep = "<div>" * 5000 + "deep text" + "</div>" * 5000
    hostile.server.route(
        "/article?id=deep",
        f"<html><body><h1>Deep</h1><div class='body'>{deep}</div></body></html>".encode(),
    )
    hostile.server.route(
        "/board?page=1",
        b"<html><body><ul class='list'><li><a href='/article?id=good'>good</a></li>"
        b"<li><a href='/article?id=deep'>deep</a></li></ul></body></html>",
    )
    record = crawl_now(hostile_app, "hostile-board")
    _, errors = run_stats(hostile_app, record["run"])
    [page_error] = [error for error in errors if error["kind"] == "page"]
    assert str(page_error["url"]).endswith("/article?id=deep")
    assert "nested deeper" in str(page_error["message"])
    with hostile_app.session() as session:
        urls = [doc.url for doc in session.scalars(select(Document))]
    assert [url.rsplit("=", 1)[1] for url in urls] == ["good"]
