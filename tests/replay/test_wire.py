"""How answers leave the server: one segment per answer on keep-alive, and a chosen latency."""

from __future__ import annotations

import socket
import time

import pytest

from tests.testkit.replay import BROWSER
from zonewatch.replay import ReplayServer
from zonewatch.replay.runner import main

ROBOTS = "/www.motir.go.kr/robots.txt"


def _request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {BROWSER}\r\n\r\n".encode()


def test_keep_alive_answers_arrive_whole_in_one_read(replay_server: ReplayServer) -> None:
    """Headers and body written apart arrive apart (and, without TCP_NODELAY, the body waits
    for a delayed ACK): the first read of each answer must already hold all of it."""
    with socket.create_connection(("127.0.0.1", replay_server.port), timeout=5) as client:
        assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        for _ in range(5):
            client.sendall(_request(ROBOTS))
            first = client.recv(1 << 16)
            head, _, body = first.partition(b"\r\n\r\n")
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            assert head.startswith(b"HTTP/1.1 200")
            assert length > 0
            assert len(body) == length


def test_head_and_not_modified_answers_carry_no_body(replay_server: ReplayServer) -> None:
    with socket.create_connection(("127.0.0.1", replay_server.port), timeout=5) as client:
        client.sendall(_request(ROBOTS).replace(b"GET ", b"HEAD ", 1))
        answer = client.recv(1 << 16)
        assert answer.startswith(b"HTTP/1.1 200")
        assert answer.endswith(b"\r\n\r\n")
        client.sendall(_request(ROBOTS))
        assert client.recv(1 << 16).startswith(b"HTTP/1.1 200")


def test_latency_delays_site_answers() -> None:
    with (
        ReplayServer(latency=0.2) as server,
        socket.create_connection(("127.0.0.1", server.port), timeout=5) as client,
    ):
        started = time.monotonic()
        client.sendall(_request(ROBOTS))
        assert client.recv(1 << 16).startswith(b"HTTP/1.1 200")
        assert time.monotonic() - started >= 0.2


def test_negative_latency_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="latency"):
        ReplayServer(latency=-0.01)
    with pytest.raises(SystemExit) as exit_info:
        main(["--latency-ms", "-5"])
    assert exit_info.value.code == 2
    assert "--latency-ms" in capsys.readouterr().err
