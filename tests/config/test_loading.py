"""Shared YAML loading: what every configuration file and import refuses before validation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from zonewatch.config.loading import read_yaml
from zonewatch.config.sources import load_sources
from zonewatch.config.topic_rules import load_topic_rules
from zonewatch.config.zones import load_zone_model
from zonewatch.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "some.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("version: 1\nname: a\nname: b\n", 3, "'name'"),
        ("entries:\n  - id: a\n    kind: x\n    id: b\n", 4, "'id'"),
        ("flow: {a: 1, b: 2, a: 3}\n", 1, "'a'"),
        ("1: one\n01: again\n", 2, "1"),
    ],
)
def test_a_duplicate_key_is_refused_with_file_line_and_key(
    tmp_path: Path, text: str, line: int, key: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        read_yaml(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: line {line}: duplicate key {key}")
    assert "\n" not in message


def test_merge_keys_may_still_be_overridden(tmp_path: Path) -> None:
    text = "base: &base {a: 1, b: 2}\nchild:\n  <<: *base\n  b: 3\n"
    assert read_yaml(write(tmp_path, text))["child"] == {"a": 1, "b": 3}


def test_the_same_key_in_two_mappings_is_fine(tmp_path: Path) -> None:
    text = "items:\n  - {id: a}\n  - {id: b}\n"
    assert read_yaml(write(tmp_path, text)) == {"items": [{"id": "a"}, {"id": "b"}]}


@pytest.mark.parametrize(
    ("load", "text", "line", "key"),
    [
        (
            load_zone_model,
            "version: 1\nentities:\n  - id: kfez\n    kind: zone_system\n    kind: fez\n",
            5,
            "kind",
        ),
        (
            lambda path: load_topic_rules(path, known_topics={"plan"}),
            "version: 1\ntopics:\n  - id: plan\n    threshold: 2\n    threshold: 3\n",
            5,
            "threshold",
        ),
        (load_sources, "version: 1\nsources: []\nversion: 1\n", 3, "version"),
    ],
    ids=["zones", "topic_rules", "sources"],
)
def test_each_configuration_file_refuses_duplicate_keys(
    tmp_path: Path, load: Callable[[Path], object], text: str, line: int, key: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=rf"^{path}: line {line}: duplicate key '{key}'"):
        load(path)


def test_a_path_that_cannot_be_read_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=rf"^{tmp_path}: cannot be read \(Is a directory\)$"):
        read_yaml(tmp_path)
