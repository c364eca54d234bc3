from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from zonewatch.config.sources import load_sources, parse_duration
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
