"""Attacks against real processes: `zonewatch web` on loopback, and mail through a real SMTP
server. Each test is an attack that worked before issue 16 was fixed."""

from __future__ import annotations

import datetime as dt
import email
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from email.policy import default as default_policy
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import quote

import pytest
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from tests.testkit import factories, smtp
from tests.testkit.keys import PLACEHOLDER_KEY, TEST_SECRET_KEY
from tests.testkit.servers import free_port
from tests.testkit.smtp import SmtpServer
from tests.testkit.workers import ZONEWATCH, zonewatch_env
from zonewatch.alerts.sender import send_due
from zonewatch.alerts.subscribers import SubscriberSpec, add_subscriber, remove_subscriber
from zonewatch.alerts.tokens import SALT, unsubscribe_token
from zonewatch.app import App, configure
from zonewatch.models import AlertDelivery, ChangeRecord, Subscriber, Subscription, migrate

smtp_server = smtp.smtp_server

ONE_CLICK = b"List-Unsubscribe=One-Click"
TIMEOUT = 1.0  # the server's socket timeout in these tests
MAX_CONNECTIONS = 16
STALLED = 50
BAD_LINK = "This unsubscribe link is not valid"


@dataclass
class Web:
    """A running `zonewatch web` process, the app over its database, and its stderr log."""

    app: App
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, str]:
        request = urllib.request.Request(f"{self.base}{path}", data=body, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def unsubscribe(self, token: str, method: str = "POST") -> tuple[int, str]:
        body = ONE_CLICK if method == "POST" else None
        return self.request(method, f"/unsubscribe?token={quote(token, safe='')}", body)

    def stderr(self) -> str:
        return self.log.read_text(errors="replace")

    def threads(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("Threads:"))[8:])


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Web]:
    """`zonewatch web` over a SQLite database (which reuses the ids of deleted rows)."""
    directory = tmp_path_factory.mktemp("web")
    database_url = f"sqlite:///{directory / 'zonewatch.sqlite'}"
    app = configure(data_dir=directory / "data", database_url=database_url)
    migrate.upgrade(app.engine)
    port = free_port()
    env = zonewatch_env(directory / "data", database_url=database_url)
    env.update(
        ZONEWATCH_WEB_TIMEOUT_SECONDS=str(TIMEOUT),
        ZONEWATCH_WEB_MAX_CONNECTIONS=str(MAX_CONNECTIONS),
    )
    log = directory / "web.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [ZONEWATCH, "web", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Web(app, process, port, log)
    try:
        _wait_healthy(server)
        yield server
    finally:
        process.terminate()
        process.wait(30)
        app.dispose()


def _wait_healthy(server: Web) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if server.request("GET", "/health") == (200, "ok\n"):
                return
        except OSError:
            pass
        assert server.process.poll() is None, server.stderr()
        assert time.monotonic() < deadline, "zonewatch web did not come up"
        time.sleep(0.2)


def subscriber(app: App, address: str) -> Subscriber:
    with app.session() as session:
        row = add_subscriber(session, SubscriberSpec(email=address))
        session.add(Subscription(subscriber_id=row.id))
        session.flush()
        session.expunge(row)
        return row


def status_of(app: App, subscriber_id: int) -> str | None:
    with app.session() as session:
        row = session.get(Subscriber, subscriber_id)
        return row.status if row is not None else None


def raw_exchange(port: int, data: bytes, wait: float = 5.0) -> bytes:
    """Send bytes as they are, then read the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


# --- tokens ----------------------------------------------------------------------------------


def test_the_server_refuses_to_start_with_the_placeholder_key(tmp_path: Path) -> None:
    env = zonewatch_env(tmp_path / "data")
    env["ZONEWATCH_SECRET_KEY"] = PLACEHOLDER_KEY
    result = subprocess.run(
        [ZONEWATCH, "web", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "ZONEWATCH_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_tokens_forged_with_the_placeholder_key_unsubscribe_nobody_and_reveal_nothing(
    web: Web,
) -> None:
    victims = [subscriber(web.app, f"victim{n}@example.org") for n in range(3)]
    answers = set()
    for subscriber_id in range(1, max(v.id for v in victims) + 5):
        for forged in (
            URLSafeSerializer(PLACEHOLDER_KEY, salt="zonewatch.unsubscribe.v1").dumps(
                {"s": subscriber_id}
            ),
            unsubscribe_token(PLACEHOLDER_KEY, subscriber_id, "guess"),
        ):
            for method in ("GET", "POST"):
                answers.add(web.unsubscribe(str(forged), method))
    answers.add(web.unsubscribe("garbage"))

    assert len(answers) == 1, "every forged token gets the same answer, known id or not"
    [(status, body)] = answers
    assert status == 400
    assert BAD_LINK in body
    assert "@" not in body.split("</style>", 1)[1]
    assert all(status_of(web.app, v.id) == "active" for v in victims)


def test_an_old_link_cannot_unsubscribe_the_next_subscriber_with_the_same_id(web: Web) -> None:
    leaving = subscriber(web.app, "leaving@example.org")
    old_token = unsubscribe_token(TEST_SECRET_KEY, leaving.id, leaving.token_key)
    with web.app.session() as session:
        remove_subscriber(session, str(leaving.id))
    newcomer = subscriber(web.app, "newcomer@example.org")
    assert newcomer.id == leaving.id, "SQLite reused the id (the premise of the attack)"

    for method in ("GET", "POST"):
        status, body = web.unsubscribe(old_token, method)
        assert status == 400
        assert BAD_LINK in body
    assert status_of(web.app, newcomer.id) == "active"

    fresh = unsubscribe_token(TEST_SECRET_KEY, newcomer.id, newcomer.token_key)
    status, body = web.unsubscribe(fresh, "GET")
    assert status == 200
    assert "n***@e***.org" in body
    assert "newcomer@example.org" not in body


@pytest.mark.parametrize("huge", [2**31, 2**63 - 1, 2**63, 2**64 + 5, 10**40, -(2**63)])
def test_well_signed_huge_ids_get_the_bad_link_answer_not_a_500(web: Web, huge: int) -> None:
    token = URLSafeTimedSerializer(TEST_SECRET_KEY, salt=SALT).dumps({"s": huge, "k": "x"})
    for method in ("GET", "POST"):
        assert web.unsubscribe(str(token), method) == web.unsubscribe("garbage", method)
    assert "Traceback" not in web.stderr()


# --- HTTP parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        b"GET\r\n\r\n",
        b"\x00\xff garbage\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /\r\n\r\n",
        b"GET / HTTP/1.1 extra\r\n\r\n",
        b"GET /unsubscribe HTTP/1.x\r\n\r\n",
    ],
)
def test_a_malformed_request_line_gets_an_answer_and_no_traceback(web: Web, line: bytes) -> None:
    before = web.stderr().count("Traceback")

    answer = raw_exchange(web.port, line)

    assert answer.split(b" ", 2)[1] in (b"400", b"505"), answer[:80]
    assert web.stderr().count("Traceback") == before
    assert web.request("GET", "/health") == (200, "ok\n")


@pytest.mark.parametrize("method", [b"post", b"Post", b"get", b"DELETE", b"PUT"])
def test_only_get_head_and_post_in_capitals_are_served(web: Web, method: bytes) -> None:
    victim = subscriber(web.app, f"case-{method.hex()}@example.org")
    token = quote(unsubscribe_token(TEST_SECRET_KEY, victim.id, victim.token_key), safe="")
    request = (
        method + b" /unsubscribe?token=" + token.encode() + b" HTTP/1.1\r\nHost: x\r\n"
        b"Content-Length: 26\r\nConnection: close\r\n\r\n" + ONE_CLICK
    )

    answer = raw_exchange(web.port, request)

    assert answer.split(b" ", 2)[1] in (b"405", b"501"), answer[:80]
    assert status_of(web.app, victim.id) == "active"


def test_stalled_connections_are_capped_and_dropped_and_the_server_keeps_answering(
    web: Web,
) -> None:
    """Before: one thread per connection and no timeout, so stalled POSTs pinned threads for
    ever. Now: at most MAX_CONNECTIONS handler threads, idle ones dropped after TIMEOUT."""
    baseline = web.threads()
    with ExitStack() as stack:
        stalled = []
        for _ in range(STALLED):
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", web.port), 5))
            sock.sendall(b"POST /unsubscribe?token=x HTTP/1.1\r\nContent-Length: 100\r\n")
            stalled.append(sock)
        time.sleep(0.3)
        assert web.threads() <= baseline + MAX_CONNECTIONS

        status, _ = web.request("GET", "/health")  # answered at once, even if only "busy"
        assert status in (200, 503)

        deadline = time.monotonic() + TIMEOUT + 10
        for sock in stalled:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = sock.recv(1024)
            except ConnectionResetError:
                data = b""
            assert data == b"" or data.startswith(b"HTTP/1.1 503"), data[:80]

    assert web.request("GET", "/health") == (200, "ok\n")
    assert "Traceback" not in web.stderr()


# --- mail ------------------------------------------------------------------------------------

HOSTILE_NAME = "A very long display name that goes on and on " * 2 + '"attacker@evil.example, x"'


def test_a_hostile_display_name_reaches_exactly_one_recipient_over_smtp(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    """smtplib takes the envelope from To:, so before the fix the attacker got the mail too."""
    app = configure(
        data_dir=tmp_path / "data",
        smtp_url=smtp_server.url,
        broker_url="memory://",
        public_url="https://zonewatch.example.org",
        secret_key=TEST_SECRET_KEY,
    )
    try:
        migrate.upgrade(app.engine)
        with app.session() as session:
            factories.source(session)
            victim = Subscriber(email="victim@example.org", name=HOSTILE_NAME)
            change = ChangeRecord(
                kind="new_document",
                dedupe_key="hostile",
                source_id="test-board",
                title="송도",
                occurred_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
            )
            session.add_all([victim, change])
            session.flush()
            change.event_key = f"change:{change.id}"
            session.add(
                AlertDelivery(
                    subscriber_id=victim.id,
                    change_id=change.id,
                    event_key=change.event_key,
                    channel="email",
                    delivery="immediate",
                )
            )

        send_due(app)
    finally:
        app.dispose()

    [received] = smtp_server.messages
    assert received.rcpt_tos == ("victim@example.org",)
    parsed = email.message_from_bytes(received.data, policy=default_policy)
    assert [address for _, address in getaddresses([str(parsed["To"])])] == ["victim@example.org"]
    head = received.data.split(b"\r\n\r\n", 1)[0].decode("ascii").replace("\r\n ", " ")
    [to_line] = [line for line in head.split("\r\n") if line.startswith("To:")]
    assert [address for _, address in getaddresses([to_line[3:]])] == ["victim@example.org"]
