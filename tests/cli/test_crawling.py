from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testkit.keys import TEST_SECRET_KEY
from tests.testkit.replay import fetch, replay_server  # noqa: F401 - a fixture
from tests.testkit.smtp import SmtpServer, smtp_server  # noqa: F401 - a fixture
from tests.testkit.workers import run_cli, start_worker, wait_until, zonewatch_env
from zonewatch.replay.server import ReplayServer

ZONEWATCH = str(Path(sys.executable).with_name("zonewatch"))


def run(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    base["ZONEWATCH_DATA_DIR"] = str(tmp_path / "data")
    base["ZONEWATCH_CRAWL_DELAY_SCALE"] = "0"
    return subprocess.run(
        [ZONEWATCH, *args],
        capture_output=True,
        text=True,
        env=base | (env or {}),
        cwd=tmp_path,
        timeout=300,
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
    result = run(tmp_path, "crawl", "daegu-press", "--replay", replay_server.url, "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["status"] == "ok"
    assert record["new"] >= 5
    assert f"daegu-press: ingesting {record['new']}/{record['new']}" in result.stderr
    assert record["requests"] > record["new"]
    assert record["started_at"].endswith("+09:00"), "JSON times are local ISO, to the second"
    assert "." not in record["started_at"]
    # the rest of the pipeline ran: every new version was classified and recorded
    assert record["classified"] == record["new"]
    assert record["change_records"] == {"new_document": record["new"]}
    assert record["health"] == "healthy"
    assert record["exit_status"] == 0
    listed = json.loads(run(tmp_path, "sources", "list", "--json").stdout)
    daegu = next(source for source in listed if source["id"] == "daegu-press")
    assert daegu["health"] == "healthy"
    unknown = run(tmp_path, "crawl", "atlantis")
    assert "unknown source 'atlantis'" in one_line_error(unknown)


@pytest.mark.slow
def test_a_crawl_that_failed_or_was_partial_exits_non_zero_and_operators_hear_of_it(
    tmp_path: Path,
    replay_server: ReplayServer,  # noqa: F811
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    operators = {
        "ZONEWATCH_OPERATOR_ALERTS": "ops@example.kr",
        "ZONEWATCH_SMTP_URL": smtp_server.url,
    }

    def crawl(*args: str) -> subprocess.CompletedProcess[str]:
        return run(
            tmp_path, "crawl", "daegu-press", "--replay", replay_server.url, *args, env=operators
        )

    def told() -> list[str]:
        return [str(mail.message["Subject"]) for mail in smtp_server.to("ops@example.kr")]

    assert run(tmp_path, "init").returncode == 0
    # One article keeps answering 500: the run keeps the other items and is partial.
    replay_server.set_fault("info.daegu.go.kr", "status", path_regex="aid=12344", status=500)
    partial = crawl()
    assert partial.returncode == 3, partial.stdout + partial.stderr
    assert "crawl run 1 partial" in partial.stdout
    assert "health: degraded" in partial.stdout
    assert "errors (1):" in partial.stdout
    assert told() == [], "a partial run is no news for operators"

    # The site is down: nothing is fetched, the run failed.
    replay_server.clear_faults()
    replay_server.set_fault("info.daegu.go.kr", "status", status=503)
    failed = crawl("--json")
    assert failed.returncode == 1, failed.stderr
    record = json.loads(failed.stdout)
    assert (record["status"], record["exit_status"]) == ("failed", 1)
    assert record["health"] in ("failing", "broken")
    assert "operators told: daegu-press is broken" in failed.stderr
    assert crawl().returncode == 1
    assert told() == ["zonewatch: daegu-press is broken (고장)"], "told once, not per run"

    replay_server.clear_faults()
    healthy = crawl()
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "health: healthy" in healthy.stdout
    assert told()[1:] == ["zonewatch: daegu-press is healthy again (정상 복구)"]


@pytest.mark.slow
def test_crawl_carries_a_release_through_to_subscribers_alerts(
    tmp_path: Path,
    replay_server: ReplayServer,  # noqa: F811
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    """An edit first seen by `zonewatch crawl` is classified, recorded, matched and mailed;
    without a signing key the alerts stay queued and the command says who sends them."""
    assert run(tmp_path, "init").returncode == 0
    for source_id in ("ifez-press", "mss-press"):  # what was published before anyone subscribed
        assert run(tmp_path, "crawl", source_id, "--replay", replay_server.url).returncode == 0
    assert run(tmp_path, "subscribers", "add", "songdo@example.kr").returncode == 0
    for filters in (("--entity", "ifez"), ("--source", "mss-press")):
        assert run(tmp_path, "subscriptions", "add", "songdo@example.kr", *filters).returncode == 0
    replay_server.set_state(2)  # an ifez edit with new figures; an mss file replaced, a withdrawal
    mail = {"ZONEWATCH_SMTP_URL": smtp_server.url}

    unsigned = run(tmp_path, "crawl", "mss-press", "--replay", replay_server.url, env=mail)
    assert unsigned.returncode == 0, unsigned.stderr
    assert "not sent here: ZONEWATCH_SECRET_KEY is not set" in unsigned.stdout
    assert "`zonewatch run`" in unsigned.stdout
    assert smtp_server.messages == []

    signed = run(
        tmp_path,
        "crawl",
        "ifez-press",
        "--replay",
        replay_server.url,
        "--json",
        env={**mail, "ZONEWATCH_SECRET_KEY": TEST_SECRET_KEY},
    )
    assert signed.returncode == 0, signed.stderr
    outcome = json.loads(signed.stdout)
    assert outcome["changed"] >= 1
    assert outcome["classified"] >= 1
    assert outcome["change_records"].get("changed_document", 0) >= 1
    assert outcome["alerts"]["immediate"] >= 1
    # everything due is sent: this crawl's alerts and those the unsigned one left queued
    assert outcome["alerts"]["sent"] > outcome["alerts"]["immediate"]
    assert outcome["alerts"]["left_to_workers"] is None
    received = smtp_server.to("songdo@example.kr")
    assert len(received) == outcome["alerts"]["sent"]
    assert any("송도 바이오" in str(mail.message["Subject"]) for mail in received)


def test_crawl_now_warns_when_no_worker_takes_crawls(tmp_path: Path) -> None:
    assert run(tmp_path, "init").returncode == 0
    result = run(tmp_path, "crawl", "daegu-press", "--now")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"queued crawl run \d+ of daegu-press\n", result.stdout)
    [warning] = result.stderr.strip().splitlines()
    assert warning.startswith("warning: no worker is taking the 'crawl' queue")
    assert "zonewatch worker" in warning


@pytest.mark.slow
def test_crawl_now_is_quiet_while_a_worker_takes_crawls_and_the_worker_tells_operators(
    tmp_path: Path,
    replay_server: ReplayServer,  # noqa: F811
    smtp_server: SmtpServer,  # noqa: F811
) -> None:
    env = zonewatch_env(tmp_path / "data", replay_url=replay_server.url)
    env |= {"ZONEWATCH_OPERATOR_ALERTS": "ops@example.kr", "ZONEWATCH_SMTP_URL": smtp_server.url}
    run_cli(env, "init")
    replay_server.set_fault("info.daegu.go.kr", "status", status=503)
    worker = start_worker(env, tmp_path / "logs", "crawls")
    try:
        worker.wait_ready()
        result = subprocess.run(
            [ZONEWATCH, "crawl", "daegu-press", "--now"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "queued crawl run" in result.stdout
        assert "warning" not in result.stderr, result.stderr
        # the crawl fails on the worker; the worker (not the crawl process) tells operators
        wait_until(
            lambda: smtp_server.to("ops@example.kr"),
            timeout=90,
            describe=worker.log_text,
            what="operators told by the worker",
        )
        [mail] = smtp_server.to("ops@example.kr")
        assert str(mail.message["Subject"]) == "zonewatch: daegu-press is broken (고장)"
    finally:
        worker.stop()
    # a stopped worker takes its heartbeat with it: the next queued crawl is warned about
    after = subprocess.run(
        [ZONEWATCH, "crawl", "daegu-press", "--now"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "warning: no worker is taking the 'crawl' queue" in after.stderr
