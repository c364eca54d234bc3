"""End-to-end processing of stored items: ingest -> classify -> diff -> match, in items/s.

Measured in-process with one transaction per stage and item (as the tasks run them), against
the bare extraction step (HTML to text) on the same items in the same run: the pipeline's own
overhead should stay small.
"""

from __future__ import annotations

import gzip
import html
import itertools
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import Result
from zonewatch.alerts.events import events_to_match
from zonewatch.alerts.services import match_event
from zonewatch.app import configure
from zonewatch.bootstrap import initialize
from zonewatch.changes.services import record_version_changes
from zonewatch.classify.services import classify_version
from zonewatch.crawlers.extract import html_to_text
from zonewatch.crawlers.items import FetchedItem
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import CrawlRun
from zonewatch.models import FetchedItem as FetchedRow
from zonewatch.models.enums import ItemOutcome

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "press-releases.jsonl.gz"
ITEMS = 300


def _releases() -> list[dict[str, Any]]:
    if CORPUS.exists():
        with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
            return [json.loads(line) for line in itertools.islice(handle, ITEMS)]
    return [
        {"id": str(n), "title": f"산업단지 클러스터 사업 {n}차 선정", "text": "본문 문단.\n\n" * 40}
        for n in range(ITEMS)
    ]


def _as_html(release: dict[str, Any]) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in release["text"].split("\n") if p)
    return f"<html><body><h1>{html.escape(release['title'])}</h1>{paragraphs}</body></html>"


def pipeline_throughput() -> list[Result]:
    releases = _releases()
    pages = [_as_html(release) for release in releases]
    started = time.perf_counter()
    texts = [html_to_text(page) for page in pages]
    extraction = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        app = configure(data_dir=Path(tmp))
        initialize(app)
        with app.session() as session:
            run = CrawlRun(source_id="korea-kr-press", status="running")
            session.add(run)
            session.flush()
            rows = []
            for release, text in zip(releases, texts, strict=True):
                item = FetchedItem(
                    source_id="korea-kr-press",
                    external_id=str(release["id"]),
                    url=f"https://www.korea.kr/briefing/pressReleaseView.do?newsId={release['id']}",
                    outcome=ItemOutcome.FETCHED,
                    title=release["title"],
                    text=text,
                    extractor_version="1",
                )
                row = FetchedRow(
                    run_id=run.id,
                    source_id=item.source_id,
                    external_id=item.external_id,
                    outcome=ItemOutcome.FETCHED,
                    payload=item.payload(),
                )
                session.add(row)
                rows.append(row)
            session.flush()
            row_ids = [row.id for row in rows]
        classifier = app.classifier  # built once per worker process, not per item
        started = time.perf_counter()
        for row_id in row_ids:
            with app.session() as session:
                version_id = ingest_fetched_item(session, row_id).version_id
            assert version_id is not None
            with app.session() as session:
                classify_version(session, version_id, classifier)
            with app.session() as session:
                change_ids = record_version_changes(session, version_id)
                event_keys = events_to_match(session, change_ids)
            for event_key in event_keys:
                with app.session() as session:
                    match_event(session, event_key)
        pipeline = time.perf_counter() - started
        app.dispose()
    count = len(releases)
    return [
        Result(
            name="pipeline_items_per_second",
            value=count / pipeline,
            unit="items/s",
            baseline="html_to_text alone on the same items",
            baseline_value=count / extraction,
        )
    ]


BENCHMARKS = [pipeline_throughput]
