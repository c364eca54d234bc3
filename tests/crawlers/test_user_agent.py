"""The User-Agent reaches every request of a real crawl, with a source's own one winning.

KICOX answers HTTP 400 and korea.kr resets the connection unless the client looks like a
browser: what the settings say must be what the sites see, on robots.txt, lists, articles
and attachments alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testkit.hostile import StaticServer
from zonewatch import __version__
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.cli.main import main
from zonewatch.config.settings import DEFAULT_USER_AGENT, Settings
from zonewatch.crawlers.service import crawl_now

OWN_AGENT = "Mozilla/5.0 (compatible; board-only/2.0; +https://example.org/bot)"
DEPLOYMENT_AGENT = "Mozilla/5.0 (compatible; zonewatch-test/1.0; +https://example.org/ops)"
SOURCES = """\
version: 1
sources:
  - id: own-agent
    name: A board with its own User-Agent
    owner: ifez
    language: en
    kind: board
    url: {base}/board
    user_agent: "{own}"
    politeness: {{delay_seconds: 0, retries: 0, timeout_seconds: 5}}
    parser: &parser
      list_url: /board?page={{page}}
      max_pages: 1
      rows: ul.list li
      link: a
      id_param: id
      title: h1
      body: div.body
      attachments: ul.files li
      attachment_link: a
  - id: plain-agent
    name: A board with the deployment's User-Agent
    owner: ifez
    language: en
    kind: board
    url: {base}/board
    politeness: {{delay_seconds: 0, retries: 0, timeout_seconds: 5}}
    parser: *parser
"""
ARTICLE = (
    b"<html><body><h1>Notice</h1><div class='body'><p>A notice about the zone.</p></div>"
    b"<ul class='files'><li><a href='/file.txt'>file.txt</a></li></ul></body></html>"
)


@pytest.fixture
def board() -> Iterator[StaticServer]:
    with StaticServer("127.0.0.1") as server:
        server.route("/board?page=1", b"<ul class='list'><li><a href='/a?id=1'>one</a></li></ul>")
        server.route("/a?id=1", ARTICLE)
        server.route("/file.txt", b"attachment text", "text/plain")
        yield server


@pytest.fixture
def board_app(tmp_path: Path, board: StaticServer) -> Iterator[App]:
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES.format(base=board.url, own=OWN_AGENT), encoding="utf-8")
    app = configure(
        data_dir=tmp_path / "data",
        allowed_private_hosts="127.0.0.1",
        crawl_delay_scale=0,
        sources_file=sources,
        user_agent=DEPLOYMENT_AGENT,
    )
    initialize(app)
    yield app
    app.dispose()


def test_the_default_looks_like_a_browser_and_names_zonewatch() -> None:
    assert DEFAULT_USER_AGENT.startswith("Mozilla/5.0 (compatible; zonewatch/")
    assert f"zonewatch/{__version__}; +https://" in DEFAULT_USER_AGENT
    assert Settings().user_agent == DEFAULT_USER_AGENT


@pytest.mark.parametrize(("source_id", "agent"), [("own-agent", OWN_AGENT), ("plain-agent", None)])
def test_every_request_of_a_crawl_carries_the_sources_user_agent(
    board_app: App, board: StaticServer, source_id: str, agent: str | None
) -> None:
    crawl_now(board_app, source_id)
    assert {"/robots.txt", "/board?page=1", "/a?id=1", "/file.txt"} <= set(board.hits)
    sent = {headers.get("User-Agent") for headers in board.headers}
    assert sent == {agent or DEPLOYMENT_AGENT}


def test_parse_page_fetches_with_the_sources_user_agent(
    board: StaticServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCES.format(base=board.url, own=OWN_AGENT), encoding="utf-8")
    monkeypatch.setenv("ZONEWATCH_SOURCES_FILE", str(sources))
    monkeypatch.setenv("ZONEWATCH_ALLOWED_PRIVATE_HOSTS", "127.0.0.1")
    monkeypatch.setenv("ZONEWATCH_USER_AGENT", DEPLOYMENT_AGENT)
    for source_id in ("own-agent", "plain-agent"):
        with pytest.raises(SystemExit) as caught:
            main(
                [
                    "--data-dir",
                    str(tmp_path / "data"),
                    "parse-page",
                    source_id,
                    f"{board.url}/a?id=1",
                ]
            )
        assert caught.value.code == 0
    assert [headers.get("User-Agent") for headers in board.headers] == [OWN_AGENT, DEPLOYMENT_AGENT]
