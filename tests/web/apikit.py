"""A small world for the feed and API tests: a source with a document, a zone with a
district, a topic, and change records about them (one with hostile text)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from zonewatch.app import App
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Document,
    DocumentVersion,
    Entity,
    EntityAlias,
    Source,
    Topic,
)
from zonewatch.web.tokens import issue_token

RELEASED = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)
DETECTED = dt.datetime(2026, 3, 2, 15, 5, tzinfo=dt.UTC)
HOSTILE = '<script>alert(1)</script> & ]]> "송도" \x0b\x1f끝'


@dataclass(frozen=True)
class World:
    zone_change: int
    district_change: int
    hostile_change: int
    other_change: int
    document: int


def token_for(app: App, username: str) -> str:
    with app.session() as session:
        return issue_token(session, username, f"{username} reader").token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def build_world(app: App) -> World:
    with app.session() as session:
        session.add_all(
            [
                Entity(id="ifez", kind="fez", name_ko="인천경제자유구역", name_en="Incheon FEZ"),
                Entity(
                    id="ifez.songdo",
                    kind="district",
                    parent_id="ifez",
                    name_ko="송도국제도시",
                    name_en="Songdo",
                ),
                Entity(
                    id="bjfez",
                    kind="fez",
                    name_ko="부산진해경제자유구역",
                    name_en="Busan-Jinhae FEZ",
                ),
                Topic(id="designation", name_ko="지정", name_en="Designation"),
                Source(
                    id="ifez-news",
                    name="IFEZ 보도자료",
                    kind="board",
                    url="https://www.ifez.go.kr/news",
                    language="ko",
                ),
            ]
        )
        session.flush()
        session.add(
            EntityAlias(entity_id="ifez", text="IFEZ", lang="en", alias_kind="abbreviation")
        )
        document = Document(
            source_id="ifez-news",
            external_id="1",
            url="https://www.ifez.go.kr/news/1",
            published_at=RELEASED,
        )
        session.add(document)
        session.flush()
        version = DocumentVersion(
            document_id=document.id,
            number=1,
            title="송도 지정",
            text="본문",
            content_hash="0" * 64,
            extractor_version="t",
        )
        session.add(version)
        session.flush()
        document.current_version_id = version.id

        def record(key: str, title: str, minutes: int, **fields: object) -> ChangeRecord:
            row = ChangeRecord(
                kind="new_document",
                dedupe_key=key,
                title=title,
                released_at=RELEASED - dt.timedelta(minutes=minutes),
                occurred_at=DETECTED,
                **fields,
            )
            session.add(row)
            session.flush()
            return row

        zone = record(
            "zone",
            "인천경제자유구역 변경",
            0,
            source_id="ifez-news",
            document_id=document.id,
            summary="구역 변경 요약",
        )
        district = record("district", "송도 지정", 1, source_id="ifez-news")
        hostile = record("hostile", HOSTILE, 2, summary=HOSTILE)
        other = record("other", "부산 소식", 3)
        session.add_all(
            [
                ChangeEntity(change_id=zone.id, entity_id="ifez"),
                ChangeEntity(change_id=district.id, entity_id="ifez.songdo"),
                ChangeEntity(change_id=hostile.id, entity_id="ifez.songdo"),
                ChangeEntity(change_id=other.id, entity_id="bjfez"),
                ChangeTopic(change_id=district.id, topic_id="designation"),
            ]
        )
        session.flush()
        return World(zone.id, district.id, hostile.id, other.id, document.id)
