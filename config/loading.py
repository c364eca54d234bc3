"""Shared loading of YAML configuration files into validated models.

Errors name the file, the entry and the field, so that a person can fix the file without
reading a traceback; nothing is returned half-loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from zonewatch.errors import ConfigError

ModelT = TypeVar("ModelT", bound=BaseModel)


_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class UniqueKeyLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """Safe loader (libyaml when present) that refuses a mapping giving one key twice.

    YAML itself keeps the last value without a word, so a pasted block that repeats ``id`` or
    ``rows`` would silently replace what the line above says. Merge keys (``<<``) may still be
    overridden: that is what they are for.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            _check_unique_keys(self, node)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _check_unique_keys(loader: yaml.constructor.BaseConstructor, node: yaml.MappingNode) -> None:
    """Raise a marked YAML error at the second occurrence of a key of ``node``."""
    first_nodes: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG:
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            first = first_nodes.setdefault(key, key_node)
        except TypeError:
            continue  # an unhashable key: the constructor itself refuses it with its own error
        if first is not key_node:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first given on line {first.start_mark.line + 1})",
                key_node.start_mark,
            )


class _PlainLoader(UniqueKeyLoader):
    """The configuration loader: duplicate keys refused, and dates left as text, so the schema
    validates them with the entry named."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax errors into a one-line :class:`ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        return yaml.load(text, Loader=_PlainLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}" if mark is not None else "?"
        raise ConfigError(f"{path}: {where}: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc


def entry_label(entry: object, index: int) -> str:
    """How an entry is named in messages: by its id when it has one, else by position."""
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        return f"entry {index + 1} (id {entry['id']!r})"
    return f"entry {index + 1}"


def validation_message(exc: ValidationError) -> str:
    """The first problem of a pydantic error as 'field x.y: message'."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "?"
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown field"
    return f"field {field!r}: {message}"


def parse_entries(path: Path, data: Any, key: str, model: type[ModelT]) -> list[ModelT]:
    """Validate ``data[key]``, a list of mappings, into ``model`` instances with unique ids."""
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping with a {key!r} list at the top")
    entries = data.get(key)
    if not isinstance(entries, Sequence) or isinstance(entries, str):
        raise ConfigError(f"{path}: {key!r} must be a list")
    parsed: list[ModelT] = []
    seen_ids: set[object] = set()
    for index, entry in enumerate(entries):
        label = entry_label(entry, index)
        try:
            item = model.model_validate(entry)
        except ValidationError as exc:
            raise ConfigError(f"{path}: {label}: {validation_message(exc)}") from exc
        item_id = getattr(item, "id", None)
        if item_id is not None and item_id in seen_ids:
            raise ConfigError(f"{path}: {label}: field 'id': duplicate id")
        seen_ids.add(item_id)
        parsed.append(item)
    return parsed
