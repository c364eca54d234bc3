"""The control API under ``/_replay/``, so that another process (the demo) can drive a server.

=======  ==========================  ==================================================
GET      /_replay/state              ``{"state": 0, "states": [0, 1, 2, 3], "today": …}``
POST     /_replay/state/{n}          move to state n (400 for an unknown state)
GET      /_replay/faults             ``{"faults": [{host, fault, path_regex, …}, …]}``
POST     /_replay/faults             JSON ``{"host", "fault", "path_regex"?, options…}``
                                     (options flat or under ``"options"``), or a list
DELETE   /_replay/faults[?host=H]    remove every rule (or those of one host)
POST     /_replay/crawl-delay        JSON ``{"host": H, "seconds": 5}`` (null removes it)
GET      /_replay/log                ``{"requests": [[method, host, path, status], …]}``
DELETE   /_replay/log                forget the log
GET      /_replay/sites              every host with its entry URLs (replay-prefixed)
GET      /_replay/timeline[/{n}]     the expected changes (all states, or state n)
=======  ==========================  ==================================================
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from zonewatch.replay.clock import STATES, state_time, today
from zonewatch.replay.timeline import all_changes, expected_changes

if TYPE_CHECKING:
    from zonewatch.replay.server import ReplayServer


class _BadRequestError(Exception):
    pass


def _json(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError as exc:
        raise _BadRequestError(f"not JSON: {exc}") from None


def _state(server: ReplayServer) -> dict[str, Any]:
    return {
        "state": server.state,
        "states": list(STATES),
        "today": today(server.state).isoformat(),
        "now": state_time(server.state).isoformat(),
    }


def _add_faults(server: ReplayServer, payload: Any) -> None:
    rules = payload if isinstance(payload, list) else [payload]
    for rule in rules:
        if not isinstance(rule, dict) or "host" not in rule or "fault" not in rule:
            raise _BadRequestError('each fault needs "host" and "fault"')
        rest = {k: v for k, v in rule.items() if k not in ("host", "fault", "path_regex")}
        options = {**rest.pop("options", {}), **rest}
        server.set_fault(rule["host"], rule["fault"], rule.get("path_regex", ".*"), **options)


def _route(
    server: ReplayServer, method: str, parts: list[str], query: dict[str, str], body: bytes
) -> tuple[int, Any]:
    match method, parts:
        case "GET", ["state"]:
            return 200, _state(server)
        case (("POST" | "PUT"), ["state", number]):
            try:
                server.set_state(int(number))
            except ValueError as exc:
                raise _BadRequestError(str(exc)) from None
            return 200, _state(server)
        case "GET", ["faults"]:
            return 200, {"faults": [rule.to_json() for rule in server.faults.rules()]}
        case "POST", ["faults"]:
            _add_faults(server, _json(body))
            return 201, {"faults": [rule.to_json() for rule in server.faults.rules()]}
        case "DELETE", ["faults"]:
            server.clear_faults(query.get("host"))
            return 200, {"faults": [rule.to_json() for rule in server.faults.rules()]}
        case "POST", ["crawl-delay"]:
            payload = _json(body)
            if not isinstance(payload, dict) or "host" not in payload:
                raise _BadRequestError('give {"host": …, "seconds": …}')
            seconds = payload.get("seconds")
            server.set_crawl_delay(payload["host"], None if seconds is None else float(seconds))
            return 200, {"host": payload["host"], "seconds": seconds}
        case "GET", ["log"]:
            return 200, {"requests": [list(entry) for entry in server.request_log]}
        case "DELETE", ["log"]:
            server.clear_log()
            return 200, {"requests": []}
        case "GET", ["sites"]:
            sites = {
                host: [server.site_url(host, path) for path in site.entry_paths]
                for host, site in sorted(server.sites.items())
            }
            return 200, {"sites": sites}
        case "GET", ["timeline"]:
            return 200, {"changes": [change.to_json() for change in all_changes()]}
        case "GET", ["timeline", number]:
            try:
                changes = expected_changes(int(number))
            except ValueError as exc:
                raise _BadRequestError(str(exc)) from None
            return 200, {"changes": [change.to_json() for change in changes]}
    return 404, {"error": f"no control endpoint {method} /_replay/{'/'.join(parts)}"}


def handle_control(server: ReplayServer, method: str, target: str, body: bytes) -> tuple[int, str]:
    """(status, JSON text) for one control request."""
    parts = urlsplit(target)
    segments = [segment for segment in parts.path.split("/") if segment][1:]
    query = dict(parse_qsl(parts.query))
    try:
        status, payload = _route(server, method, segments, query, body)
    except (_BadRequestError, ValueError, TypeError) as exc:
        status, payload = 400, {"error": str(exc)}
    return status, json.dumps(payload, ensure_ascii=False) + "\n"
