"""Crawl throughput on the replay server, and the cost of re-crawling an unchanged site.

The pipeline crawl (our spider in its own process: robots, politeness machinery, decoding,
extraction, attachments, staging, ingest) is compared with a bare Scrapy spider fetching the
same URLs on the same server in the same run. The server answers like a real one: each
answer in one write with TCP_NODELAY (no artificial stalls) after ``LATENCY`` seconds, so that
AutoThrottle has a real latency to adapt to (the crawl runs at delay scale 0, as against any
local server). With ../shared/corpus present, korea.kr pages serve the 3,786 real releases;
otherwise the replay samples are used.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bench.harness import Result
from zonewatch.app import configure
from zonewatch.bootstrap import initialize
from zonewatch.config.sources import default_sources_path
from zonewatch.crawlers.service import crawl_now
from zonewatch.replay.server import ReplayServer

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "press-releases.jsonl.gz"
SOURCE = "korea-kr-press"
LIST_PAGES = 15
LATENCY = 0.03
"""Seconds per answer: a government web server's usual round trip seen from Korea."""


def _sources_file(directory: Path) -> Path:
    data = yaml.safe_load(default_sources_path().read_text(encoding="utf-8"))
    for entry in data["sources"]:
        if entry["id"] == SOURCE:
            entry["parser"]["max_pages"] = LIST_PAGES
    path = directory / "sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def crawl_throughput() -> list[Result]:
    corpus = CORPUS if CORPUS.exists() else None
    with (
        tempfile.TemporaryDirectory() as tmp,
        ReplayServer(corpus=corpus, latency=LATENCY) as server,
    ):
        directory = Path(tmp)
        app = configure(
            data_dir=directory / "data",
            replay_url=server.url,
            allowed_private_hosts="127.0.0.1",
            crawl_delay_scale=0,
            sources_file=_sources_file(directory),
        )
        initialize(app)
        server.clear_log()
        started = time.perf_counter()
        first = crawl_now(app, SOURCE)
        elapsed = time.perf_counter() - started
        fetched = [entry for entry in server.request_log if entry.status == 200]
        urls = [f"{server.url}/{entry.host}{entry.path}" for entry in fetched]
        server.clear_log()
        second = crawl_now(app, SOURCE)
        app.dispose()
        url_file = directory / "urls.json"
        url_file.write_text(json.dumps(urls), encoding="utf-8")
        bare = json.loads(
            subprocess.run(
                [sys.executable, "-m", "bench.bare_spider", str(url_file)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    label = "corpus" if corpus else "samples"
    return [
        Result(
            name=f"crawl_pages_per_second[{label}]",
            value=len(urls) / elapsed,
            unit="pages/s",
            baseline=f"bare Scrapy spider fetching the same pages "
            f"({LATENCY * 1000:.0f} ms latency), no politeness or processing",
            baseline_value=bare["pages"] / bare["seconds"],
        ),
        Result(
            name="recrawl_requests_unchanged_site",
            value=float(second["requests"]),  # type: ignore[arg-type]
            unit="requests",
            baseline="requests of the first full crawl",
            baseline_value=float(first["requests"]),  # type: ignore[arg-type]
        ),
    ]


BENCHMARKS = [crawl_throughput]
