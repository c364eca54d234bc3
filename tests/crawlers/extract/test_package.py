"""The extract package hands out its names on first use (so a feed reader loads no PDF
reader): every exported name must still resolve, to the function of its module."""

from __future__ import annotations

import importlib

import pytest

import zonewatch.crawlers.extract as extract


@pytest.mark.parametrize("name", sorted(set(extract.__all__) - {"EXTRACTOR_VERSION"}))
def test_every_exported_name_resolves_to_its_module_object(name: str) -> None:
    value = getattr(extract, name)
    home = importlib.import_module(f"zonewatch.crawlers.extract.{extract._HOMES[name]}")
    assert value is getattr(home, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = extract.no_such_thing
