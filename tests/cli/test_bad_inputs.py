"""Every command that takes a file or a number answers bad input with one clear line, exit 2.

Before, some of these crashed deep inside the csv module, SQLite or PostgreSQL, or the file
system, and the command line reported "error: unexpected ..." with exit 1.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from zonewatch.cli.main import main

TOO_BIG = str(2**63)
HUGE = "99999999999999999999999"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An initialised SQLite data directory and the odd files the cases name."""
    root = tmp_path_factory.mktemp("bad-inputs")
    for command in (["init"], ["subscribers", "add", "kim@example.org"]):
        with pytest.raises(SystemExit) as caught:
            main(["--data-dir", str(root / "data"), *command])
        assert caught.value.code == 0
    (root / "plain.csv").write_text("email\n", encoding="utf-8")
    (root / "folder.csv").mkdir()
    big_cell = "x" * (131_072 + 1)
    (root / "big.csv").write_text(f"email,name\nkim@example.org,{big_cell}\n", encoding="utf-8")
    (root / "gold.jsonl").write_text("", encoding="utf-8")
    return root


CASES: list[tuple[Callable[[Path], list[str]], str]] = [
    (lambda d: ["subscribers", "import", str(d / "big.csv")], "line 2: field larger than field"),
    (lambda d: ["subscribers", "import", str(d / "plain.csv" / "x.csv")], "Not a directory"),
    (lambda d: ["subscribers", "import", str(d / "folder.csv")], "is a directory"),
    (lambda d: ["subscribers", "export", "--output", str(d / "plain.csv" / "o.yaml")], "Not a"),
    (lambda d: ["changes", "list", "--limit", HUGE], "--limit"),
    (lambda d: ["changes", "list", "--min-significance", "nan"], "--min-significance"),
    (lambda d: ["changes", "list", "--min-significance", "1e999"], "--min-significance"),
    (lambda d: ["changes", "show", TOO_BIG], "CHANGE_ID"),
    (lambda d: ["changes", "show", "1", "--width", HUGE], "--width"),
    (lambda d: ["changes", "review", TOO_BIG, "--status", "reviewed"], "CHANGE_ID"),
    (lambda d: ["timeline", "ifez", "--limit", HUGE], "--limit"),
    (lambda d: ["model", "accept", TOO_BIG], "PROPOSAL_ID"),
    (lambda d: ["model", "reject", TOO_BIG], "PROPOSAL_ID"),
    (lambda d: ["subscriptions", "remove", TOO_BIG], "SUBSCRIPTION_ID"),
    (lambda d: ["subscriptions", "add", "kim@example.org", "--hour", "1" + "0" * 400], "hour"),
    (lambda d: ["replay", "--port", HUGE], "--port"),
    (lambda d: ["dead-letters", "--limit", HUGE], "--limit"),
    (lambda d: ["eval", "--gold", str(d / "plain.csv" / "g.jsonl")], "Not a directory"),
    (
        lambda d: ["eval", "--gold", str(d / "gold.jsonl"), "--predictions", str(d / "no" / "p")],
        "No such file or directory",
    ),
    (lambda d: ["capture", "nope", "--out", str(d / "cap")], "unknown source 'nope'"),
    (
        lambda d: ["capture", "ifez-press", "--out", str(d / "plain.csv" / "cap")],
        "Not a directory",
    ),
    (
        lambda d: ["capture", "ifez-press", "--out", str(d / "cap"), "--articles", "-1"],
        "--articles must be from 0 to 100",
    ),
]


@pytest.mark.parametrize(("args", "message"), CASES)
def test_bad_input_is_one_clear_line_and_exit_2(
    workdir: Path,
    capsys: pytest.CaptureFixture[str],
    args: Callable[[Path], list[str]],
    message: str,
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", str(workdir / "data"), *args(workdir)])
    stderr = capsys.readouterr().err
    assert caught.value.code == 2, stderr
    assert "unexpected" not in stderr
    assert message in stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith(("error: ", "Error: ")), stderr
    if stderr.startswith("error: "):
        assert "\n" not in stderr.strip(), stderr


def test_dead_letters_on_redis_say_only_the_embedded_broker_keeps_them(
    workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONEWATCH_BROKER_URL", "redis://127.0.0.1:1/0")
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", str(workdir / "data"), "dead-letters"])
    stderr = capsys.readouterr().err
    assert caught.value.code == 2, stderr
    assert stderr == "error: only the embedded broker (sqla+...) keeps dead letters\n"
