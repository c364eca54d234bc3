"""Classification stored with the versions: findings with evidence, idempotent, and reclassify
after the zone model learns a new name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from tests.testkit import factories
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.classify.reclassify import reclassify_versions
from zonewatch.classify.services import classify_version
from zonewatch.config.zones import default_zones_path
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import Fact, Mention, Source, VersionTopic

INVENTED_NAME = "새얼바이오특구"


@pytest.fixture
def app(tmp_path: Path, initialized_data_dir: Path) -> Iterator[App]:
    zones = tmp_path / "zones.yaml"
    zones.write_text(default_zones_path().read_text(encoding="utf-8"), encoding="utf-8")
    built = configure(data_dir=initialized_data_dir, zones_file=zones)
    initialize(built)
    yield built
    built.dispose()


def store_version(app: App, **fields: Any) -> int:
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        run = factories.crawl_run(session, source)
        row = factories.fetched(session, run, **fields)
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        return version_id


def test_a_version_gets_entities_topics_and_facts_with_evidence(app: App) -> None:
    version_id = store_version(
        app,
        title="인천경제청, 송도 바이오 클러스터 투자유치 협약 체결",
        text="인천경제자유구역청은 송도국제도시에 3,000억 원 규모 투자를 유치했다. "
        "입주기업 250개사를 목표로 한다.",
    )
    with app.session() as session:
        outcome = classify_version(session, version_id, app.classifier)
        assert outcome is not None
        assert outcome.classified
        assert outcome.changed
        mentions = {m.entity_id: m for m in session.scalars(select(Mention))}
        assert "ifez" in mentions
        evidence = mentions["ifez"].evidence[0]
        assert {"start", "end", "rule"} <= set(evidence)
        topics = set(session.scalars(select(VersionTopic.topic_id)))
        assert "investment" in topics
        facts = {(float(f.value), f.unit) for f in session.scalars(select(Fact))}
        assert (300_000_000_000.0, "KRW") in facts
        assert (250.0, "companies") in facts

    with app.session() as session:
        again = classify_version(session, version_id, app.classifier)
        assert again is not None
        assert not again.classified
        forced = classify_version(session, version_id, app.classifier, force=True)
        assert forced is not None
        assert forced.classified
        assert not forced.changed


def add_alias(app: App, entity_id: str, alias: str) -> None:
    path = app.settings.zones_file
    assert path is not None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data["entities"] if e["id"] == entity_id)
    entry["aliases"] = [*entry.get("aliases", []), alias]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_reclassify_links_old_versions_to_a_name_the_model_learnt_later(app: App) -> None:
    named = store_version(app, title=f"{INVENTED_NAME} 입주 설명회 개최", text="설명회가 열렸다.")
    other = store_version(app, title="수출입 동향", text="반도체 수출이 늘었다.")
    with app.session() as session:
        for version_id in (named, other):
            classify_version(session, version_id, app.classifier)

    add_alias(app, "ifez", INVENTED_NAME)
    del app.__dict__["classifier"]  # a new process would build it from the edited file

    summary = reclassify_versions(app, entity_id="ifez")
    assert summary["gained"] == [named]
    assert summary["examined"] == 1
    assert reclassify_versions(app, entity_id="ifez")["changed"] == 0

    everything = reclassify_versions(app)
    assert everything["examined"] == 2
    assert everything["changed"] == 0


def set_region_names(app: App, entity_id: str, names: list[str]) -> None:
    path = app.settings.zones_file
    assert path is not None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in data["entities"] if e["id"] == entity_id)
    entry["region_names"] = names
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_reclassify_finds_versions_that_list_a_region_name_the_model_learnt_later(
    app: App,
) -> None:
    """A region name names a zone in a list (``인천·부산진해·광양 3곳``) without any of its other
    names: reclassifying the zone after adding one must examine the versions that list it."""
    set_region_names(app, "gfez", ["광양만권", "광양만"])
    app.__dict__.pop("classifier", None)
    listed = store_version(
        app,
        title="경제자유구역 20년",
        text="경제자유구역은 당초 인천·부산진해·광양 3곳으로 출발했다.",
    )
    with app.session() as session:
        classify_version(session, listed, app.classifier)
        linked = set(session.scalars(select(Mention.entity_id)))
    assert {"ifez", "bjfez"} <= linked
    assert "gfez" not in linked

    set_region_names(app, "gfez", ["광양만권", "광양만", "광양"])
    del app.__dict__["classifier"]
    summary = reclassify_versions(app, entity_id="gfez")
    assert summary["gained"] == [listed]


def test_reclassify_names_an_unknown_entity(app: App) -> None:
    with pytest.raises(LookupError, match="unknown entity 'atlantis'"):
        reclassify_versions(app, entity_id="atlantis")


def test_a_name_said_many_times_stores_the_words_readers_show_once(app: App) -> None:
    title = "인천경제청, 송도 투자유치"
    text = " ".join(["인천경제자유구역청은 송도국제도시에 투자를 유치했다."] * 12)
    version_id = store_version(app, title=title, text=text)
    with app.session() as session:
        classify_version(session, version_id, app.classifier)
        stored = {m.entity_id: m.evidence for m in session.scalars(select(Mention))}
    found = app.classifier.classify(title, text, "ko").entities
    full = next(hit.evidence for hit in found if hit.entity_id == "ifez")
    assert len(full) == 13, "the title's name and the body's twelve"
    assert [item["text"] for item in stored["ifez"]] == [
        "인천경제청",
        "인천경제자유구역청",
        "인천경제자유구역청",
    ]
