"""``python -m zonewatch.replay``: the replay server in the foreground, without the CLI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zonewatch.errors import ZonewatchError
from zonewatch.replay.clock import STATES
from zonewatch.replay.server import DEFAULT_PORT, serve


def main(argv: list[str] | None = None) -> int:
    """``python -m zonewatch.replay [--host H] [--port P] [--corpus FILE] [--state N]
    [--lenient] [--latency-ms MS]``."""
    parser = argparse.ArgumentParser(
        prog="python -m zonewatch.replay", description="Serve local copies of the press rooms."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--corpus", type=Path, help="a press-releases.jsonl.gz for korea.kr")
    parser.add_argument("--state", type=int, default=0, choices=STATES)
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="let non-browser User-Agents into KICOX and korea.kr, and MOTIR files through",
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="sleep this long before every site answer, like a real server's round trip",
    )
    args = parser.parse_args(argv)
    if args.latency_ms < 0:
        parser.error("--latency-ms must be 0 or more")
    try:
        serve(
            args.host,
            args.port,
            args.corpus,
            args.state,
            strict=not args.lenient,
            latency=args.latency_ms / 1000,
        )
    except (OSError, ZonewatchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
