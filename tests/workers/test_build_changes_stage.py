"""The build-changes stage links a batch's new records to their versions' entities and topics
in one insert per table for the whole batch (it was two per version), and reads the batch's
documents and their announcements' other appearances in one query each (an appearance was
looked up per version)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.classify.test_batch import RELEASES, made_app, statements, store_versions, written
from tests.testkit import factories
from zonewatch.app import App
from zonewatch.changes.services import (
    load_batch,
    record_version_changes,
    version_record_ids,
    write_links,
)
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Mention,
    Source,
    VersionTopic,
)
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


def test_a_batch_reads_its_facts_and_its_documents_record_keys_once(app: App) -> None:
    """Facts were read once or twice per version and the new records' keys checked with a
    query per version; both are one query for the batch now."""
    ids = store_versions(app, RELEASES)
    drive(app, {StageName.CLASSIFY: ids}, stages={StageName.CLASSIFY})
    seen = statements(app.engine)
    done = drive(app, {StageName.BUILD_CHANGES: ids}, stages={StageName.BUILD_CHANGES})
    assert not done.errors
    fact_reads = [s for s in seen if s.startswith("SELECT facts.") and " JOIN " not in s]
    assert len(fact_reads) == 1
    assert not [s for s in seen if "change_records.dedupe_key IN" in s]
    assert sum(1 for s in seen if s.startswith("SELECT change_records.document_id")) == 1
    with app.session() as session:
        made = session.scalars(select(ChangeRecord.new_version_id)).all()
    assert sorted(v or 0 for v in made) == sorted(ids)


def test_a_batch_of_edits_reads_the_versions_before_them_and_their_facts_once(app: App) -> None:
    """An edit is compared with the version before it: that version and its facts were read
    with a query per edit (the batch read only its own versions' facts)."""
    firsts = store_versions(app, RELEASES)
    drive(app, {StageName.CLASSIFY: firsts}, stages={StageName.CLASSIFY})
    drive(app, {StageName.BUILD_CHANGES: firsts}, stages={StageName.BUILD_CHANGES})
    with app.session() as session:
        run = factories.crawl_run(session, session.get_one(Source, "ifez-press"))
        edits = []
        for index, (title, text) in enumerate(RELEASES):
            row = factories.fetched(session, run, str(index), title=title, text=f"{text} 2천억 원")
            row.external_id = str(index)  # the same documents, as a later crawl stages them
            session.flush()
            version_id = ingest_fetched_item(session, row.id).version_id
            assert version_id is not None
            edits.append(version_id)
    drive(app, {StageName.CLASSIFY: edits}, stages={StageName.CLASSIFY})
    seen = statements(app.engine)
    done = drive(app, {StageName.BUILD_CHANGES: edits}, stages={StageName.BUILD_CHANGES})
    assert not done.errors
    fact_reads = [s for s in seen if s.startswith("SELECT facts.") and " JOIN " not in s]
    assert len(fact_reads) == 1
    version_reads = [s for s in seen if "FROM document_versions" in s and "number <" in s]
    assert len(version_reads) == 1
    with app.session() as session:
        edited = session.scalars(
            select(ChangeRecord.old_version_id).where(ChangeRecord.new_version_id.in_(edits))
        ).all()
    assert set(edited) == set(firsts)


def test_a_version_rolled_back_in_its_batch_is_built_again_whole(app: App) -> None:
    """The keys a batch wrote are taken only while their records stand: a version whose
    savepoint was rolled back (the batch then runs id by id) writes its records again."""
    (version_id,) = store_versions(app, RELEASES[:1])
    drive(app, {StageName.CLASSIFY: [version_id]}, stages={StageName.CLASSIFY})
    with app.session() as session:
        batch = load_batch(session, [version_id])
        first: list[int] = []
        with suppress(RuntimeError), session.begin_nested():
            first = record_version_changes(session, version_id, batch)
            raise RuntimeError("a later version of the batch was bad")
        again = record_version_changes(session, version_id, batch)
        write_links(session, batch, [version_id])
        stored = session.scalars(version_record_ids(version_id)).all()
    assert first
    assert len(again) == len(first)
    assert stored == again


def test_two_versions_of_a_document_in_one_batch_record_a_figure_once(app: App) -> None:
    """A later version restating the figure an earlier version of the same batch already
    recorded against another release finds that record's key taken (it was written in the
    batch, not read with it) and records nothing twice."""
    (other,) = store_versions(app, RELEASES[:1])
    drive(app, {StageName.CLASSIFY: [other]}, stages={StageName.CLASSIFY})
    drive(app, {StageName.BUILD_CHANGES: [other]}, stages={StageName.BUILD_CHANGES})
    title = "인천경제청, 송도 투자유치 실적 발표"
    stated = "인천경제자유구역청은 송도국제도시에 4,000억 원 규모 투자를 유치했다."
    ids = [
        store_version(app, "later", title, stated),
        store_version(app, "later", title, stated + " 협약식은 오늘 송도에서 열렸다."),
    ]
    drive(app, {StageName.CLASSIFY: ids}, stages={StageName.CLASSIFY})
    done = drive(app, {StageName.BUILD_CHANGES: ids}, stages={StageName.BUILD_CHANGES})
    assert not done.errors
    with app.session() as session:
        across = session.scalars(
            select(ChangeRecord.new_version_id).where(ChangeRecord.kind == "fact_change")
        ).all()
    assert across == [ids[0]]


def store_version(app: App, external_id: str, title: str, text: str) -> int:
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        row = factories.fetched(
            session, factories.crawl_run(session, source), external_id, title=title, text=text
        )
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        return version_id
