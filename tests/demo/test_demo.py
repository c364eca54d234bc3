"""`zonewatch demo` end to end, as `make demo` runs it on a fresh machine."""

from __future__ import annotations

import email
import email.policy
import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ZONEWATCH = str(Path(sys.executable).with_name("zonewatch"))


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_demo_runs_the_main_job_and_every_number_is_above_zero(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}
    data_dir = tmp_path / "demo"
    result = subprocess.run(
        [ZONEWATCH, "--data-dir", str(data_dir), "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    match = re.search(
        r"^summary: sources=(\d+) documents=(\d+) versions=(\d+) changes=(\d+) alerts=(\d+)$",
        result.stdout,
        re.M,
    )
    assert match, result.stdout[-3000:]
    summary = match.group(0)
    assert all(int(number) > 0 for number in match.groups()), summary
    assert "change records:" in result.stdout
    assert "changed_document" in result.stdout
    assert "correction" in result.stdout
    story = result.stdout.split("the story the demo staged:\n", 1)[1]
    assert re.search(r"^  edit: 송도 바이오 클러스터 2단계 조성 계획 발표\n", story, re.M)
    assert re.search(r"^      figures: .*597억 원 → 650억 원", story, re.M), story
    assert re.search(r"^  correction: \[정정\] .*\n      corrects: 산업단지 대개조", story, re.M)
    assert re.search(r"^  withdrawal: 부산 블록체인 규제자유특구", story, re.M)
    assert re.search(r"^  attachment replaced: .*\n      same name, new content", story, re.M)
    per_event = result.stdout.split("mails per subscriber and document event", 1)[1]
    assert re.search(r"^ +\d+  songdo\.watch@example\.kr$", per_event, re.M), per_event

    mails = sorted((data_dir / "mail").glob("*.eml"))
    assert mails, "no mail was received by the sink"
    subjects = []
    for path in mails:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        assert message["Message-ID"]
        assert message["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        subjects.append(str(message["Subject"]))
    assert any("digest" in s.lower() or "요약" in s for s in subjects), subjects

    console = result.stdout.split("the console on the demo's data: http://127.0.0.1:8080/\n", 1)
    assert len(console) == 2, "the demo ends with the console's URL and logins"
    logins = re.findall(r"^  sign in as (\S+) \((\w+)\), password (\S+)$", console[1], re.M)
    assert [(name, role) for name, role, _ in logins] == [
        ("demo-admin", "admin"),
        ("demo-analyst", "analyst"),
    ]
    assert f'ZONEWATCH_SECRET_KEY="$(cat {data_dir / "secret_key"})"' in console[1]
    _sign_in_to_the_demo_console(data_dir, logins[1][0], logins[1][2])


def _sign_in_to_the_demo_console(data_dir: Path, username: str, password: str) -> None:
    """What the printed command starts, signed in with the printed password: the change log
    lists the demo's records."""
    import httpx

    from tests.testkit.servers import free_port, port_open, wait_for

    port = free_port()
    key = (data_dir / "secret_key").read_text(encoding="ascii").strip()
    server = subprocess.Popen(
        [ZONEWATCH, "--data-dir", str(data_dir), "web", "--port", str(port)],
        env=demo_env() | {"ZONEWATCH_SECRET_KEY": key},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: port_open(port), "zonewatch web", timeout=30)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            login = client.get("/login").text
            token = re.search(r'name="csrf" value="([^"]+)"', login)
            assert token, login
            answer = client.post(
                "/login",
                data={"csrf": token.group(1), "username": username, "password": password},
            )
            assert answer.status_code == 303, answer.text
            log = client.get("/changes")
            assert log.status_code == 200
            assert log.text.count('href="/changes/') > 0, "the demo's change records are listed"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_demo_console_logins_get_new_passwords_each_run(tmp_path: Path) -> None:
    from tests.testkit.keys import TEST_SECRET_KEY
    from tests.testkit.passwords import CHEAP_HASHING
    from zonewatch.app import configure
    from zonewatch.demo.run import console_lines, console_logins
    from zonewatch.models import Role, migrate
    from zonewatch.web.users import authenticate

    app = configure(data_dir=tmp_path, secret_key=TEST_SECRET_KEY, **CHEAP_HASHING)
    try:
        migrate.upgrade(app.engine)
        first = console_logins(app)
        again = console_logins(app)  # a --keep run finds the accounts there
        assert [(login.username, login.role) for login in first] == [
            ("demo-admin", Role.ADMIN),
            ("demo-analyst", Role.ANALYST),
        ]
        with app.session() as session:
            for old, new in zip(first, again, strict=True):
                assert old.password != new.password
                cost = app.settings.password_hashing
                assert authenticate(session, old.username, old.password, cost=cost) is None
                user = authenticate(session, new.username, new.password, cost=cost)
                assert user is not None
                assert user.role == new.role.value
    finally:
        app.dispose()

    lines = console_lines(tmp_path, again)
    assert lines[0] == "the console on the demo's data: http://127.0.0.1:8080/"
    assert lines[1] == (
        f"  start it with `make console DATA={tmp_path}`, or: zonewatch --data-dir {tmp_path} web"
    ), "no key file: the key came from ZONEWATCH_SECRET_KEY, which the command inherits"
    assert f"  sign in as demo-admin (admin), password {again[0].password}" in lines
    (tmp_path / "secret_key").write_text("x")
    assert (
        f'ZONEWATCH_SECRET_KEY="$(cat {tmp_path / "secret_key"})" zonewatch'
        in (console_lines(tmp_path, again)[1])
    )


def test_each_demo_data_directory_gets_its_own_private_random_key(tmp_path: Path) -> None:
    from zonewatch.config.settings import weak_secret_key_reason
    from zonewatch.demo.run import demo_secret_key

    first = demo_secret_key(tmp_path / "one")
    assert weak_secret_key_reason(first) is None
    assert demo_secret_key(tmp_path / "one") == first, "--keep runs reuse the key"
    assert ((tmp_path / "one" / "secret_key").stat().st_mode & 0o777) == 0o600
    assert demo_secret_key(tmp_path / "two") != first

    (tmp_path / "two" / "secret_key").write_text("change-me-in-production\n")
    assert demo_secret_key(tmp_path / "two") != "change-me-in-production"


def demo_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ZONEWATCH_")}


def test_the_demo_refuses_a_directory_it_did_not_make(tmp_path: Path) -> None:
    precious = tmp_path / "production"
    precious.mkdir()
    (precious / "zonewatch.sqlite").write_bytes(b"years of data")
    for extra in ([], ["--keep"]):
        result = subprocess.run(
            [ZONEWATCH, "--data-dir", str(precious), "demo", *extra],
            capture_output=True,
            text=True,
            env=demo_env(),
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line == (
            f"error: {precious} is not empty and was not made by `zonewatch demo` (no "
            ".zonewatch-demo in it): the demo will not touch it; give a new or empty --data-dir"
        )
        assert (precious / "zonewatch.sqlite").read_bytes() == b"years of data"
        assert sorted(p.name for p in precious.iterdir()) == ["zonewatch.sqlite"]


def test_without_data_dir_the_demo_uses_data_demo_never_data(tmp_path: Path) -> None:
    """`./data` is the default production directory: the demo keeps to `./data/demo`."""
    (tmp_path / "data" / "demo").mkdir(parents=True)
    (tmp_path / "data" / "zonewatch.sqlite").write_bytes(b"production")
    (tmp_path / "data" / "demo" / "notes.txt").write_text("mine")
    env = demo_env() | {"ZONEWATCH_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        [ZONEWATCH, "demo"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 2
    assert f"error: {tmp_path / 'data' / 'demo'} is not empty and was not made" in result.stderr
    assert (tmp_path / "data" / "zonewatch.sqlite").read_bytes() == b"production"
    assert (tmp_path / "data" / "demo" / "notes.txt").read_text() == "mine"


def test_the_demo_empties_only_what_it_made(tmp_path: Path) -> None:
    from zonewatch.demo.directory import MARKER, NotADemoDirectoryError, prepare

    made = prepare(tmp_path / "new" / "demo", keep=False)
    assert (made / MARKER).is_file()
    (made / "mail").mkdir()
    (made / "mail" / "0001.eml").write_text("x")
    (made / "zonewatch.sqlite").write_text("x")
    assert prepare(made, keep=True) == made
    assert (made / "zonewatch.sqlite").exists(), "--keep keeps the previous run"
    assert prepare(made, keep=False) == made
    assert [p.name for p in made.iterdir()] == [MARKER]

    empty = tmp_path / "empty"
    empty.mkdir()
    assert (prepare(empty, keep=False) / MARKER).is_file(), "an empty directory is safe to take"
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADemoDirectoryError, match="is a file"):
        prepare(tmp_path / "file", keep=False)


def test_the_demo_runs_on_a_database_of_its_own(tmp_path: Path) -> None:
    result = subprocess.run(
        [ZONEWATCH, "--database-url", "sqlite:///elsewhere.sqlite", "demo"],
        capture_output=True,
        text=True,
        env=demo_env(),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: the demo uses a SQLite database of its own: drop --database-url"
    )
    assert not (tmp_path / "data").exists()


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its parent."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def read_until(process: subprocess.Popen[str], pattern: str, timeout: float) -> re.Match[str]:
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 1.0)
        if not ready:
            continue
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        match = re.search(pattern, line)
        if match:
            return match
    raise AssertionError(f"{pattern!r} not printed within {timeout:.0f} s:\n{''.join(seen)}")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "times", "status", "said"),
    [
        (
            signal.SIGTERM,
            1,
            128 + signal.SIGTERM,
            "demo stopped by SIGTERM; its workers are stopped",
        ),
        (signal.SIGINT, 1, 130, "aborted"),
        (signal.SIGINT, 3, 130, "aborted"),  # an impatient Ctrl-C does not cut the stop short
    ],
    ids=["SIGTERM", "SIGINT", "SIGINT-thrice"],
)
def test_a_stopped_demo_leaves_no_worker_running(
    tmp_path: Path, signum: int, times: int, status: int, said: str
) -> None:
    process = subprocess.Popen(
        [ZONEWATCH, "--data-dir", str(tmp_path / "demo"), "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=demo_env(),
    )
    try:
        ready = read_until(process, r"workers ready: crawl pid (\d+), default pid (\d+)", 120)
        workers = {int(ready.group(1)), int(ready.group(2))}
        everything = descendants(process.pid)
        assert workers <= everything
        assert len(everything) > len(workers), "the workers' pool processes run too"
        for _ in range(times):
            process.send_signal(signum)
            time.sleep(0.3)
        _, stderr = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == status, stderr
    assert stderr.strip().splitlines()[-1] == said
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in everything) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [pid for pid in everything if alive(pid)] == []


def test_the_demo_refuses_a_placeholder_key_before_touching_anything(tmp_path: Path) -> None:
    from tests.testkit.keys import PLACEHOLDER_KEY

    result = subprocess.run(
        [ZONEWATCH, "--data-dir", str(tmp_path / "demo"), "demo"],
        capture_output=True,
        text=True,
        env=demo_env() | {"ZONEWATCH_SECRET_KEY": PLACEHOLDER_KEY},
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: invalid setting ZONEWATCH_SECRET_KEY: the key is a published")
    assert not (tmp_path / "demo").exists()
