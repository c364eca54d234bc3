from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from zonewatch.config.loading import read_yaml
from zonewatch.config.settings import Settings
from zonewatch.config.sources import default_sources_path, load_sources, parse_duration
from zonewatch.config.zones import load_zone_model
from zonewatch.errors import ConfigError

VALID = """\
version: 1
sources:
  - id: ifez-press
    name: IFEZ press
    owner: ifez
    language: ko
    kind: board
    url: https://www.ifez.go.kr/main/pst/list.do?pst_id=noti03
    schedule: {every: 3h, jitter: 10m}
    parser:
      list_url: /main/pst/list.do?pst_id=noti03&page={page}
      rows: "#real_contents table tbody tr"
      link: td.subject a
      id_param: pst_sn
      title: h3.title
      body: div.view-content
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_sources_are_valid_and_owned_by_known_entities() -> None:
    known = set(load_zone_model().by_id())
    sources = load_sources(known_entities=known).by_id()
    assert {"motir-press", "mss-rss", "ifez-press", "busan-press"} <= set(sources)


def test_schedule_helpers(tmp_path: Path) -> None:
    source = load_sources(write(tmp_path, VALID), known_entities={"ifez"}).sources[0]
    assert source.schedule.interval == timedelta(hours=3)
    assert source.schedule.jitter_delta == timedelta(minutes=10)
    assert source.politeness.concurrency == 1
    assert parse_duration("90s") == timedelta(seconds=90)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (("owner: ifez", "owner: nobody"), "field 'owner': unknown entity 'nobody'"),
        (("kind: board", "kind: telepathy"), "field 'kind'"),
        (("url: https", "url: file"), "field 'url'"),
        (("every: 3h", "every: often"), "field 'schedule.every'"),
        (("every: 3h", "cron: '*/5 * * *'"), "field 'schedule.cron'"),
        (("language: ko", "language: ko\n    colour: red"), "field 'colour': unknown field"),
        (
            ("    schedule:", "    politeness: {concurrency: 9}\n    schedule:"),
            "field 'politeness.concurrency'",
        ),
        (("      rows: ", "      rowz: "), "field 'parser': rows: Field required"),
        (("id_param: pst_sn", "id_pattern: 'no group'"), "field 'parser': id_pattern: .*group"),
        (("id_param: pst_sn", "colour: red"), "field 'parser': colour: unknown field"),
        (
            ("list_url: /main", "list_url: file:///etc/passwd?x=/main"),
            "field 'parser': list_url: must be an http\\(s\\) URL",
        ),
        (
            ("id_param: pst_sn", "id_param: pst_sn\n      article_url: ftp://x/{id}"),
            "field 'parser': article_url: must be an http\\(s\\) URL",
        ),
        (("url: https://www.ifez.go.kr", "url: file://www.ifez.go.kr"), "field 'url'"),
        (("language: ko", "language: ko\n    user_agent: ''"), "field 'user_agent': must not be"),
        (
            ("language: ko", 'language: ko\n    user_agent: "bot\\r\\nX-Evil: 1"'),
            "field 'user_agent': must be printable ASCII",
        ),
    ],
)
def test_mistakes_are_named(tmp_path: Path, edit: tuple[str, str], expected: str) -> None:
    text = VALID.replace(*edit)
    assert text != VALID
    with pytest.raises(ConfigError, match=r"entry 1 \(id 'ifez-press'\): " + expected):
        load_sources(write(tmp_path, text), known_entities={"ifez"})


def test_board_without_parser_is_rejected(tmp_path: Path) -> None:
    text = VALID.split("    parser:")[0]
    with pytest.raises(ConfigError, match="needs a 'parser' block"):
        load_sources(write(tmp_path, text), known_entities={"ifez"})


def test_a_duplicate_key_names_file_line_and_key(tmp_path: Path) -> None:
    text = VALID.replace("    kind: board\n", "    kind: board\n    language: en\n")
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=rf"^{path}: line 8: duplicate key 'language'"):
        load_sources(path, known_entities={"ifez"})


FEED = """\
version: 1
sources:
  - id: mss-rss
    name: MSS feed
    owner: mss
    language: ko
    kind: feed
    url: https://www.mss.go.kr/rss.xml
    parser:
      body: div.view_cont
"""


@pytest.mark.parametrize(
    ("edit", "field", "reason"),
    [
        (('rows: "#real_contents table tbody tr"', "rows: 'table tr['"), "rows", "Expected"),
        (("link: td.subject a", "link: 'td.subject a:shiny'"), "link", "pseudo-class :shiny"),
        (("title: h3.title", "title: 'h3::colour'"), "title", "::colour"),
        (("body: div.view-content", "body: 'div::text'"), "body", "Pseudo-elements"),
        (("link: td.subject a", "link: td a\n      attachments: ''"), "attachments", "Expected"),
        (("link: td.subject a", "link: td a\n      date_meta: 'a\"b'"), "date_meta", "Expected"),
        (("id_param: pst_sn", "id_pattern: 'id=(\\d+'"), "id_pattern", "missing )"),
        (("link: td.subject a", "link: td a\n      attachment_skip: '[x'"), "attachment_skip", ""),
        (
            ("link: td.subject a", "link: td a\n      attachment_url_pattern: '(?P<'"),
            "attachment_url_pattern",
            "",
        ),
    ],
)
def test_bad_selectors_and_regexes_are_refused_at_load(
    tmp_path: Path, edit: tuple[str, str], field: str, reason: str
) -> None:
    text = VALID.replace(*edit)
    assert text != VALID
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_sources(path, known_entities={"ifez"})
    message = str(caught.value)
    assert message.startswith(f"{path}: entry 1 (id 'ifez-press'): field 'parser': {field}: not a")
    assert reason in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (("div.view_cont", "'div.view_cont >'"), "body"),
        (("      body:", "      strip_title_prefix: '(['\n      body:"), "strip_title_prefix"),
    ],
)
def test_a_feed_parser_checks_its_selector_and_regex(
    tmp_path: Path, edit: tuple[str, str], field: str
) -> None:
    path = write(tmp_path, FEED.replace(*edit))
    with pytest.raises(ConfigError, match=rf"\(id 'mss-rss'\): field 'parser': {field}: not a"):
        load_sources(path, known_entities={"mss"})


def test_selectors_the_spiders_use_are_accepted(tmp_path: Path) -> None:
    text = VALID.replace(
        "title: h3.title",
        "title: 'h3.title::text'\n      date: 'td:nth-child(3)'\n"
        "      attachments: 'ul.files li:has(a)'\n      date_meta: article:published_time",
    )
    assert load_sources(write(tmp_path, text), known_entities={"ifez"}).sources


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("date_label: 등록일", "'date_label' needs 'fields'"),
        ("list_date_label: 제공일자", "'list_date_label' needs 'list_fields'"),
        ("attachments_fetch: false", "needs 'attachments_unavailable'"),
        ("attachment_url_template: /f?{1}", "needs 'attachment_url_pattern'"),
        (
            "attachment_url_pattern: \"f\\\\('([^']*)'\"\n"
            "      attachment_url_template: /f?a={1}&b={2}",
            "\\{2\\} is not a group",
        ),
        ("id_from: [row]", "not 'row@ATTRIBUTE'"),
        ("body_escaped: true\n      body_fallback: main_text", "'body_escaped' needs 'body'"),
        ("title_fallback: site", "title_fallback"),
    ],
)
def test_settings_that_only_work_together(tmp_path: Path, extra: str, expected: str) -> None:
    text = VALID.replace("      body: div.view-content\n", "") if "body_escaped" in extra else VALID
    text = text.replace("      title: h3.title\n", f"      title: h3.title\n      {extra}\n")
    with pytest.raises(ConfigError, match=expected):
        load_sources(write(tmp_path, text), known_entities={"ifez"})


def test_every_board_says_whether_its_markup_is_verified() -> None:
    raw = read_yaml(default_sources_path())
    assert all("verified" in entry for entry in raw["sources"])
    sources = load_sources().by_id()
    assert sources["motir-press"].verified
    assert not sources["dgfez-press"].verified
    assert sources["kicox-news"].board_parser().list_url.startswith("/boardList/1103")
    assert "bpage={page}" in sources["daegu-press"].board_parser().list_url
    assert sources["daegu-press"].url.startswith("https://")


def test_a_source_may_set_its_own_user_agent(tmp_path: Path) -> None:
    text = VALID.replace("language: ko", 'language: ko\n    user_agent: "Mozilla/5.0 (own)"')
    [source] = load_sources(write(tmp_path, text), known_entities={"ifez"}).sources
    assert source.user_agent == "Mozilla/5.0 (own)"
    settings = Settings(user_agent="Mozilla/5.0 (deployment)")
    assert settings.user_agent_for(source) == "Mozilla/5.0 (own)"
    [plain] = load_sources(write(tmp_path, VALID), known_entities={"ifez"}).sources
    assert settings.user_agent_for(plain) == settings.user_agent_for(None) == settings.user_agent


def test_a_source_may_name_its_page_furniture(tmp_path: Path) -> None:
    text = VALID + (
        "    ignore:\n"
        "      patterns: ['조회수\\s*:?\\s*[\\d,]+']\n"
        "      selectors: [div.hit-count, 'p.updated']\n"
    )
    (source,) = load_sources(write(tmp_path, text)).sources
    assert source.ignore is not None
    assert source.ignore.selectors == ("div.hit-count", "p.updated")
    assert source.ignore.compiled()[0].sub("", "조회수 : 1,234 끝") == " 끝"


@pytest.mark.parametrize(
    ("block", "field", "message"),
    [
        ("patterns: ['조회수 (']", "ignore.patterns", "item 1: not a regular expression"),
        ("patterns: ['x', '\\s*']", "ignore.patterns", "item 2: .* matches empty text"),
        ("selectors: ['div[']", "ignore.selectors", "item 1: not a CSS selector"),
        ("pattern: ['x']", "ignore.pattern", "unknown field"),
    ],
)
def test_bad_ignore_rules_name_file_source_and_field(
    tmp_path: Path, block: str, field: str, message: str
) -> None:
    path = write(tmp_path, VALID + f"    ignore:\n      {block}\n")
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    said = str(caught.value)
    assert "\n" not in said
    assert said.startswith(f"{path}: entry 1 (id 'ifez-press'): field '{field}")
    assert re.search(message, said), said
