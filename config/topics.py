"""The event types (topics) as data: schema and loader of ``topics.yaml``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from zonewatch.config.loading import parse_entries, read_yaml
from zonewatch.config.zones import Names


class TopicSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: Names
    description: str


def load_topics(path: Path | None = None) -> tuple[TopicSpec, ...]:
    path = path or Path(str(resources.files("zonewatch.config") / "topics.yaml"))
    return tuple(parse_entries(path, read_yaml(path), "topics", TopicSpec))
