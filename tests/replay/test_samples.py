"""The sample data: valid, within each site's encoding, and shaped like HWP exports where needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from zonewatch.errors import ConfigError
from zonewatch.replay.content import load_board, load_catalog
from zonewatch.replay.pages import split_numbers


def test_every_board_loads_with_enough_items() -> None:
    catalog = load_catalog()
    assert len(catalog.boards) == 14
    sizes = {key: len(board.items(0)) for key, board in catalog.boards.items()}
    assert all(6 <= size <= 13 for size in sizes.values()), sizes
    assert sum(size > 10 for size in sizes.values()) >= 4  # several lists span two pages


def test_ifez_text_is_not_strict_euc_kr() -> None:
    """Served as CP949 bytes labelled EUC-KR: IFEZ's (똠) do not decode as strict EUC-KR."""
    catalog = load_catalog()

    def served(host: str) -> bytes:
        items = catalog.board(host).items(3)
        return " ".join(text for item in items for text in (item.title, *item.paragraphs)).encode(
            "cp949"
        )

    served("www.bjfez.go.kr").decode("euc_kr")
    with pytest.raises(UnicodeDecodeError):
        served("www.ifez.go.kr").decode("euc_kr")


def test_numbers_are_split_like_hwp_exports() -> None:
    assert split_numbers("1,234억 원") == ["1,2", "34억 원"]
    assert split_numbers("목표 250개사") == ["목표 25", "0개사"]
    assert "".join(split_numbers("2030년까지 597억 원, 0.8㎢")) == "2030년까지 597억 원, 0.8㎢"


def test_a_bad_sample_file_is_named_in_the_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "host: www.example.kr\nitems:\n  - id: '1'\n    date: '2026-08-01'\n"
        "    title: t\n    body: b\n    colour: red\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"bad\.yaml: field 'items\.0\.colour': unknown field"):
        load_board(bad)
    bad.write_text(
        "host: h\nitems:\n  - {id: '1', date: '2026-08-01', title: t, body: b, corrects: '9'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="corrects unknown item 9"):
        load_board(bad)
