from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testkit.replay import fetch, replay_server  # noqa: F401 - a fixture
from zonewatch.replay.server import ReplayServer

ZONEWATCH = str(Path(sys.executable).with_name("zonewatch"))


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    env["ZONEWATCH_DATA_DIR"] = str(tmp_path / "data")
    env["ZONEWATCH_CRAWL_DELAY_SCALE"] = "0"
    return subprocess.run(
        [ZONEWATCH, *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def save(tmp_path: Path, name: str, body: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(body)
    return str(path)


def test_parse_feed_prints_entries(tmp_path: Path, replay_server: ReplayServer) -> None:  # noqa: F811
    feed = fetch(replay_server, "www.mss.go.kr", "/rss/smba/board/86.do").body
    result = run(tmp_path, "parse-feed", save(tmp_path, "86.xml", feed))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["entries"]) >= 5
    entry = data["entries"][0]
    assert entry["title"]
    assert entry["published_at"].endswith("+09:00")
    assert entry["url"].startswith("https://www.mss.go.kr/")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty input"),
        (b"\x00\x01\x02\xff\xfe binary junk \x00" * 20, "not a feed"),
        (b"<html><body><p>just a page</p></body></html>", "not a feed"),
        (b"<rss><channel><item><title>cut off", "not a feed"),
    ],
)
def test_parse_feed_bad_input(tmp_path: Path, content: bytes, message: str) -> None:
    result = run(tmp_path, "parse-feed", save(tmp_path, "bad.xml", content))
    assert message in one_line_error(result)


def test_parse_page_reads_an_euc_kr_article(tmp_path: Path, replay_server: ReplayServer) -> None:  # noqa: F811
    page = fetch(replay_server, "www.ifez.go.kr", "/main/pst/view.do?pst_id=noti03&pst_sn=669391")
    assert page.body.decode("cp949")  # served in the site's legacy encoding
    result = run(tmp_path, "parse-page", "ifez-press", save(tmp_path, "a.html", page.body))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == "article"
    assert data["encoding"] == "cp949"
    assert data["title"] == "송도 바이오 클러스터 2단계 조성 계획 발표"
    assert "597억" in data["text"]  # numbers split across HWP spans are whole again
    assert data["published_at"].startswith("2026-07-28")
    assert data["attachments"]


def test_parse_page_reads_a_list(tmp_path: Path, replay_server: ReplayServer) -> None:  # noqa: F811
    page = fetch(replay_server, "www.motir.go.kr", "/kor/article/ATCL3f49a5a8c?pageIndex=1")
    result = run(tmp_path, "parse-page", "motir-press", save(tmp_path, "l.html", page.body))
    data = json.loads(result.stdout)
    assert data["kind"] == "list"
    assert data["rows"] == 10


@pytest.mark.parametrize(
    ("args", "content", "message"),
    [
        (["ifez-press"], b"", "empty input"),
        (["ifez-press"], b"%PDF-1.7\x00\x00binary", "binary data"),
        (["atlantis"], b"<html></html>", "unknown source 'atlantis'"),
        (["mss-rss"], b"<html></html>", "not a board"),
    ],
)
def test_parse_page_bad_input(
    tmp_path: Path, args: list[str], content: bytes, message: str
) -> None:
    result = run(tmp_path, "parse-page", *args, save(tmp_path, "p.html", content))
    assert message in one_line_error(result)


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    assert "no such file" in one_line_error(run(tmp_path, "parse-feed", "nowhere.xml"))


@pytest.mark.slow
def test_crawl_command_prints_the_run_record(tmp_path: Path, replay_server: ReplayServer) -> None:  # noqa: F811
    assert run(tmp_path, "init").returncode == 0
    result = run(tmp_path, "crawl", "daegu-press", "--replay", replay_server.url)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["status"] == "ok"
    assert record["new"] >= 5
    assert f"daegu-press: ingesting {record['new']}/{record['new']}" in result.stderr
    assert record["requests"] > record["new"]
    listed = json.loads(run(tmp_path, "sources", "list", "--json").stdout)
    daegu = next(source for source in listed if source["id"] == "daegu-press")
    assert daegu["health"] == "healthy"
    unknown = run(tmp_path, "crawl", "atlantis")
    assert "unknown source 'atlantis'" in one_line_error(unknown)
