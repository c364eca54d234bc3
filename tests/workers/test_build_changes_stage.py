"""The build-changes stage links a batch's new records to their versions' entities and topics
in one insert per table for the whole batch (it was two per version), and reads the batch's
documents and their announcements' other appearances in one query each (an appearance was
looked up per version)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.classify.test_batch import RELEASES, made_app, statements, store_versions, written
from zonewatch.app import App
from zonewatch.models import ChangeEntity, ChangeRecord, ChangeTopic, Mention, VersionTopic
from zonewatch.workers.inline import drive
from zonewatch.workers.pipeline import StageName


@pytest.fixture
def app(tmp_path: Path, migrated_database_url: str) -> Iterator[App]:
    built = made_app(tmp_path, migrated_database_url)
    yield built
    built.dispose()


def test_a_batch_links_its_records_in_one_insert_per_table(app: App) -> None:
    ids = store_versions(app, RELEASES)
    drive(app, {StageName.CLASSIFY: ids}, stages={StageName.CLASSIFY})
    seen = statements(app.engine)
    done = drive(app, {StageName.BUILD_CHANGES: ids}, stages={StageName.BUILD_CHANGES})
    assert not done.errors
    assert written(seen, "INSERT INTO", "change_entities") == 1
    assert written(seen, "INSERT INTO", "change_topics") == 1
    assert sum(1 for text in seen if text.startswith("SELECT documents.")) == 2
    with app.session() as session:
        records = list(
            session.execute(select(ChangeRecord.id, ChangeRecord.new_version_id)).tuples()
        )
        mentions = set(session.execute(select(Mention.version_id, Mention.entity_id)).tuples())
        topics = set(
            session.execute(select(VersionTopic.version_id, VersionTopic.topic_id)).tuples()
        )
        version_of: dict[int, int | None] = dict(records)
        linked_entities = {
            (version_of[change_id], entity_id)
            for change_id, entity_id in session.execute(
                select(ChangeEntity.change_id, ChangeEntity.entity_id)
            )
        }
        linked_topics = {
            (version_of[change_id], topic_id)
            for change_id, topic_id in session.execute(
                select(ChangeTopic.change_id, ChangeTopic.topic_id)
            )
        }
    assert sorted(version or 0 for _, version in records) == sorted(ids)
    assert mentions
    assert topics
    assert linked_entities == mentions
    assert linked_topics == topics
