"""``zonewatch capture --replay``: the command saves the pages and says what it did."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.testkit.replay import replay_server  # noqa: F401 - a fixture
from zonewatch.cli.main import main
from zonewatch.replay.server import ReplayServer


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ZONEWATCH_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ZONEWATCH_CRAWL_DELAY_SCALE", "0")


def run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as caught:
        main(args)
    return int(caught.value.code or 0)


def test_capture_from_the_replay_server(
    replay_server: ReplayServer,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "fixtures" / "ifez"
    code = run(
        [
            "capture",
            "ifez-press",
            "--out",
            str(out),
            "--articles",
            "1",
            "--replay",
            replay_server.url,
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.strip() == f"ifez-press: saved 2 pages in {out}"
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["replay_url"] == replay_server.url
    names = sorted(path.name for path in out.iterdir())
    article = manifest["files"][1]["file"]
    stem = article.removesuffix(".html")
    assert names == sorted(
        ["list-1.html", "list-1.headers.json", article, f"{stem}.headers.json", "manifest.json"]
    )


def test_the_api_without_a_key_says_it_is_skipped(
    replay_server: ReplayServer,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run(["capture", "korea-kr-api", "--out", str(tmp_path), "--replay", replay_server.url])
    assert code == 0
    captured = capsys.readouterr()
    assert "korea-kr-api: skipped api: no API key: set ZONEWATCH_KOREA_API_KEY" in captured.err
    assert "saved 0 pages" in captured.out


def test_a_failed_page_is_named_and_the_exit_code_is_1(
    replay_server: ReplayServer,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    replay_server.set_fault("www.ifez.go.kr", "status", r"view\.do", status=404)
    code = run(["capture", "ifez-press", "--out", str(tmp_path), "--replay", replay_server.url])
    assert code == 1
    err = capsys.readouterr().err
    assert "ifez-press: failed https://www.ifez.go.kr/main/pst/view.do?" in err
    assert err.strip().splitlines()[0].endswith(": HTTP 404")
