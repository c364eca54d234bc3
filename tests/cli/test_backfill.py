"""``zonewatch backfill``: history loaded as baseline, alerting nobody, idempotent."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from sqlalchemy import text

from tests.cli.conftest import Run
from zonewatch.models.db import make_engine

RELEASES = [
    {
        "id": "900001",
        "title": "인천경제자유구역 송도 바이오 클러스터 투자 유치 확대",
        "ministry": "산업통상자원부",
        "published": "2021-03-02T09:00:00+09:00",
        "url": "https://www.korea.kr/briefing/pressReleaseView.do?newsId=900001",
        "subtitle": "",
        "text": "산업통상자원부는 인천경제자유구역 송도국제도시에 바이오 기업 투자를 늘린다.",
        "lang": "ko",
    },
    {
        "id": "900002",
        "title": "새만금 산업단지 입주 기업 세제 지원",
        "ministry": "국토교통부",
        "published": "2021-04-10T10:00:00+09:00",
        "url": "https://www.korea.kr/briefing/pressReleaseView.do?newsId=900002",
        "text": "새만금개발청은 새만금 국가산업단지 입주 기업의 법인세 감면을 연장한다.",
        "lang": "ko",
    },
    {
        "id": "900003",
        "title": "지역 특화 발전특구 추가 지정",
        "ministry": "중소벤처기업부",
        "published": "2021-05-20",
        "url": "https://www.korea.kr/briefing/pressReleaseView.do?newsId=900003",
        "text": "중소벤처기업부는 규제자유특구와 지역특화발전특구를 새로 지정했다.",
    },
]


def _corpus(path: Path, lines: list[str]) -> Path:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def _counts(database_url: str) -> dict[str, int]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return {
                table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
                for table in (
                    "documents",
                    "document_versions",
                    "change_records",
                    "alert_deliveries",
                    "fetched_items",
                )
            }
    finally:
        engine.dispose()


def _baseline_flags(database_url: str) -> set[bool]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT baseline FROM change_records"))
            return {bool(row[0]) for row in rows}
    finally:
        engine.dispose()


def test_backfill_stores_baseline_without_alerts_and_twice_adds_nothing(
    zonewatch: Run, tmp_path: Path, fresh_database_url: str
) -> None:
    zonewatch("init")
    zonewatch("subscribers", "add", "kim@example.org")
    zonewatch("subscriptions", "add", "1", "--keyword", "송도", "--channel", "json://localhost/x")
    corpus = _corpus(tmp_path / "releases.jsonl.gz", [json.dumps(r) for r in RELEASES])

    first = zonewatch("backfill", "--corpus", str(corpus), "--batch-size", "2")
    assert "3 stored, 0 already present, 0 bad" in first.stdout
    assert "backfill:" in first.stderr  # progress goes to stderr, the summary to stdout
    after_first = _counts(fresh_database_url)
    assert after_first["documents"] == 3
    assert after_first["document_versions"] == 3
    assert after_first["change_records"] >= 3
    assert after_first["alert_deliveries"] == 0
    assert _baseline_flags(fresh_database_url) == {True}
    listed = json.loads(zonewatch("changes", "list", "--format", "json").stdout)
    assert {change["document_id"] for change in listed if change.get("document_id")}

    second = zonewatch("backfill", "--corpus", str(corpus))
    assert "0 stored, 3 already present" in second.stdout
    assert _counts(fresh_database_url) == after_first


def test_bad_lines_are_reported_one_line_each_and_the_rest_is_loaded(
    zonewatch: Run, tmp_path: Path, fresh_database_url: str
) -> None:
    zonewatch("init")
    lines = [
        json.dumps(RELEASES[0]),
        "{not json",
        json.dumps({**RELEASES[1], "id": ""}),
        json.dumps(["a", "list"]),
        json.dumps({**RELEASES[2], "published": "last spring"}),
        "",
        json.dumps(RELEASES[1]),
    ]
    corpus = _corpus(tmp_path / "mixed.jsonl", lines)

    result = zonewatch("backfill", "--corpus", str(corpus), check=False)

    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith(str(corpus))]
    assert [line.split(":")[1] for line in errors] == ["2", "3", "4", "5"]
    assert "id is missing" in errors[1]
    assert "Traceback" not in result.stderr
    assert "2 stored, 0 already present, 4 bad" in result.stdout
    assert _counts(fresh_database_url)["documents"] == 2


def test_an_empty_data_directory_is_initialised_first(zonewatch: Run, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "one.jsonl", [json.dumps(RELEASES[0])])
    result = zonewatch("backfill", "--corpus", str(corpus))
    assert "initialising" in result.stderr
    assert "1 stored" in result.stdout


def test_an_unknown_source_is_one_line_and_exit_2(zonewatch: Run, tmp_path: Path) -> None:
    zonewatch("init")
    corpus = _corpus(tmp_path / "one.jsonl", [json.dumps(RELEASES[0])])
    result = zonewatch("backfill", "--corpus", str(corpus), "--source", "nowhere", check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: unknown source 'nowhere'")
