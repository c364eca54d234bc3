"""Addressing, robots.txt, the request log, the control API and the foreground runner."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.robotparser
from typing import Any

import pytest

from tests.testkit.replay import BROWSER, fetch
from zonewatch.replay import ReplayServer, serve
from zonewatch.replay.server import LoggedRequest

MOTIR_LIST = "/kor/article/ATCL3f49a5a8c?pageIndex=1"


def test_host_header_and_proxy_form_reach_the_same_site(replay_server: ReplayServer) -> None:
    prefixed = fetch(replay_server, "www.motir.go.kr", MOTIR_LIST)
    by_host = fetch(replay_server, "www.motir.go.kr", MOTIR_LIST, via_host_header=True)
    assert prefixed.status == by_host.status == 200
    assert prefixed.body == by_host.body
    connection = http.client.HTTPConnection("127.0.0.1", replay_server.port, timeout=5)
    connection.request("GET", f"https://www.motir.go.kr{MOTIR_LIST}")
    assert connection.getresponse().read() == prefixed.body
    connection.close()
    with_port = fetch(replay_server, "www.motir.go.kr:443", MOTIR_LIST, via_host_header=True)
    assert with_port.status == 200


def test_unknown_host_is_a_short_404(replay_server: ReplayServer) -> None:
    for response in (
        fetch(replay_server, "www.example.com", "/"),
        fetch(replay_server, "www.example.com", "/", via_host_header=True),
        fetch(replay_server, "127.0.0.1", "/kor/article/ATCL3f49a5a8c", via_host_header=True),
    ):
        assert response.status == 404
        assert response.header("Content-Type") == "text/plain; charset=UTF-8"
        assert response.text().startswith("unknown site")


def test_site_root_without_trailing_slash(replay_server: ReplayServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", replay_server.port, timeout=5)
    connection.request("GET", "/www.korea.kr", headers={"User-Agent": BROWSER})
    assert connection.getresponse().status == 200
    connection.close()


def test_robots(replay_server: ReplayServer) -> None:
    def parsed(host: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(fetch(replay_server, host, "/robots.txt").text().splitlines())
        return parser

    motir = parsed("www.motir.go.kr")
    assert not motir.can_fetch("zonewatch", "https://www.motir.go.kr/kor/member/login")
    assert motir.can_fetch("zonewatch", "https://www.motir.go.kr" + MOTIR_LIST)
    assert str(parsed("www.bjfez.go.kr").crawl_delay("zonewatch")) == "5"
    replay_server.set_crawl_delay("www.bjfez.go.kr", 1.5)
    assert "Crawl-delay: 1.5" in fetch(replay_server, "www.bjfez.go.kr", "/robots.txt").text()
    replay_server.set_crawl_delay("www.bjfez.go.kr", None)
    assert parsed("www.bjfez.go.kr").crawl_delay("zonewatch") is None
    kicox = parsed("www.kicox.or.kr")
    assert kicox.can_fetch("zonewatch", "https://www.kicox.or.kr/anything")
    gsfez = parsed("www.gsfez.go.kr")
    assert not gsfez.can_fetch("zonewatch", "https://www.gsfez.go.kr/board/notice")
    assert fetch(replay_server, "www.dgfez.go.kr", "/robots.txt").status == 404


def test_request_log(replay_server: ReplayServer) -> None:
    fetch(replay_server, "www.motir.go.kr", MOTIR_LIST)
    fetch(replay_server, "www.dgfez.go.kr", "/page.php?mnu_uid=319&mode=view")
    fetch(replay_server, "www.nowhere.kr", "/x")
    assert replay_server.request_log == [
        LoggedRequest("GET", "www.motir.go.kr", MOTIR_LIST, 200),
        LoggedRequest("GET", "www.dgfez.go.kr", "/page.php?mnu_uid=319&mode=view", 405),
        LoggedRequest("GET", "www.nowhere.kr", "/x", 404),
    ]
    times = [stamp for stamp, _ in replay_server.request_times]
    assert times == sorted(times)
    replay_server.clear_log()
    assert replay_server.request_log == []


def test_state_is_validated(replay_server: ReplayServer) -> None:
    with pytest.raises(ValueError, match="no state 7"):
        replay_server.set_state(7)
    assert replay_server.state == 0


def _control(server: ReplayServer, method: str, path: str, payload: Any = None) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    body = None if payload is None else json.dumps(payload).encode()
    connection.request(method, f"/_replay/{path}", body=body)
    response = connection.getresponse()
    result = response.status, json.loads(response.read())
    connection.close()
    return result


def test_control_api(replay_server: ReplayServer) -> None:
    assert _control(replay_server, "GET", "state") == (
        200,
        {
            "state": 0,
            "states": [0, 1, 2, 3],
            "today": "2026-08-10",
            "now": "2026-08-10T09:00:00+09:00",
        },
    )
    assert _control(replay_server, "POST", "state/2")[1]["state"] == 2
    assert replay_server.state == 2
    assert _control(replay_server, "POST", "state/9")[0] == 400

    rule = {"host": "www.kicox.or.kr", "fault": "status", "path_regex": "boardList", "status": 500}
    status, body = _control(replay_server, "POST", "faults", rule)
    assert status == 201
    assert body["faults"][0]["options"]["status"] == 500
    assert fetch(replay_server, "www.kicox.or.kr", "/boardList/1103").status == 500
    nested = {"host": "www.gfez.go.kr", "fault": "slow", "options": {"seconds": 0.01}}
    assert _control(replay_server, "POST", "faults", [nested])[0] == 201
    assert len(_control(replay_server, "GET", "faults")[1]["faults"]) == 2
    assert _control(replay_server, "DELETE", "faults?host=www.kicox.or.kr")[1]["faults"][0][
        "host"
    ] == ("www.gfez.go.kr")
    assert _control(replay_server, "DELETE", "faults") == (200, {"faults": []})
    assert fetch(replay_server, "www.kicox.or.kr", "/boardList/1103").status == 200
    assert (
        _control(replay_server, "POST", "faults", {"host": "www.kicox.or.kr", "fault": "nope"})[0]
        == 400
    )
    assert _control(replay_server, "POST", "faults", {"fault": "reset"})[0] == 400

    assert (
        _control(replay_server, "POST", "crawl-delay", {"host": "www.bjfez.go.kr", "seconds": 2})[0]
        == 200
    )
    assert replay_server.crawl_delay("www.bjfez.go.kr") == 2.0

    log = _control(replay_server, "GET", "log")[1]["requests"]
    assert log[0] == ["GET", "www.kicox.or.kr", "/boardList/1103", 500]
    assert _control(replay_server, "DELETE", "log") == (200, {"requests": []})

    sites = _control(replay_server, "GET", "sites")[1]["sites"]
    assert len(sites) == 15  # 14 press rooms and GSFEZ, whose robots.txt refuses all
    assert sites["www.korea.net"] == [f"{replay_server.url}/www.korea.net/koreanet/rss/news/2"]
    changes = _control(replay_server, "GET", "timeline/2")[1]["changes"]
    assert {change["kind"] for change in changes} >= {"withdrawn", "attachment_replaced"}
    assert len(_control(replay_server, "GET", "timeline")[1]["changes"]) == 14
    assert _control(replay_server, "GET", "nothing")[0] == 404


def test_serve_runs_in_the_foreground_until_stopped() -> None:
    stop = threading.Event()
    lines: list[str] = []
    runner = threading.Thread(
        target=serve, kwargs={"port": 0, "echo": lines.append, "stop": stop}, daemon=True
    )
    runner.start()
    for _ in range(100):
        if lines:
            break
        stop.wait(0.02)
    stop.set()
    runner.join(timeout=5)
    assert not runner.is_alive()
    assert lines[0].startswith("replay server on http://127.0.0.1:")
    assert any(line.strip().endswith("/www.motir.go.kr/") for line in lines)


def test_stop_frees_the_port_even_with_idle_keep_alive_connections() -> None:
    server = ReplayServer().start()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("GET", f"/www.motir.go.kr{MOTIR_LIST}")
    connection.getresponse().read()  # the connection stays open (HTTP/1.1 keep-alive)
    server.stop()
    connection.close()
    with pytest.raises(RuntimeError):
        _ = server.port
