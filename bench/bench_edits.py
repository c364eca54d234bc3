"""Change detection on the project's own labelled edit set (:mod:`bench.edit_set`).

Every case's release is served by the replay server in corpus mode; the real crawler and the
in-process pipeline (classify, change records, alert matching) run over state 0, then over
state 1 where the edits hold. A record *alerts* when matching would deliver it: not minor and
not reviewed as noise. Per case:

- a noise case is a false alarm if its release got any alerting record in state 1;
- a real case is found if its release got one;
- a fact change is predicted if its release got an alerting ``fact_change`` record.

Skipped (no results) without ``shared/corpus``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import func, select

from bench.corpus import CORPUS
from bench.edit_set import EditCase, edit_set
from bench.harness import Result
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.config.sources import default_sources_path
from zonewatch.crawlers.service import crawl_now
from zonewatch.models import ChangeRecord, Document
from zonewatch.replay.clock import state_time
from zonewatch.replay.releases import ReleaseEdit
from zonewatch.replay.server import ReplayServer
from zonewatch.workers.inline import process_pending

SOURCE = "korea-kr-press"


@dataclass(frozen=True)
class Outcome:
    case: EditCase
    records: tuple[tuple[str, bool, str], ...]
    """(kind, minor, review status) of every record its release got in state 1."""

    @property
    def alerting(self) -> tuple[str, ...]:
        return tuple(
            kind for kind, minor, review in self.records if not minor and review != "noise"
        )

    @property
    def alarmed(self) -> bool:
        return bool(self.alerting)

    @property
    def fact_predicted(self) -> bool:
        return "fact_change" in self.alerting

    @property
    def correct(self) -> bool:
        return self.alarmed == (self.case.label == "real") and (
            self.fact_predicted == self.case.fact_change or self.case.label == "noise"
        )


@dataclass
class EditReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def _share(self, hits: int, total: int) -> float:
        return hits / total if total else 0.0

    @property
    def false_alarm_rate(self) -> float:
        noise = [o for o in self.outcomes if o.case.label == "noise"]
        return self._share(sum(o.alarmed for o in noise), len(noise))

    @property
    def real_recall(self) -> float:
        real = [o for o in self.outcomes if o.case.label == "real"]
        return self._share(sum(o.alarmed for o in real), len(real))

    @property
    def fact_recall(self) -> float:
        facts = [o for o in self.outcomes if o.case.fact_change]
        return self._share(sum(o.fact_predicted for o in facts), len(facts))

    @property
    def fact_precision(self) -> float:
        predicted = [o for o in self.outcomes if o.fact_predicted]
        return self._share(sum(o.case.fact_change for o in predicted), len(predicted))

    def by_type(self) -> dict[str, tuple[int, int]]:
        """Edit type → (failed cases, cases); a failure is a wrong alarm or fact verdict."""
        table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for outcome in self.outcomes:
            row = table[outcome.case.edit_type]
            row[0] += not outcome.correct
            row[1] += 1
        return {name: (row[0], row[1]) for name, row in table.items()}

    def lines(self) -> list[str]:
        """A readable table: the four figures, then every edit type with its failures."""
        out = [
            f"false alarms {self.false_alarm_rate:.3f}  real recall {self.real_recall:.3f}  "
            f"fact R {self.fact_recall:.3f}  fact P {self.fact_precision:.3f}  "
            f"({len(self.outcomes)} cases)"
        ]
        for name, (failed, total) in sorted(self.by_type().items()):
            kinds = sorted(
                {
                    k
                    for o in self.outcomes
                    if o.case.edit_type == name and not o.correct
                    for k in o.alerting
                }
            )
            out.append(f"  {name:<20} failed {failed}/{total}  {' '.join(kinds)}")
        return out


WAVE = 10
"""Releases per crawl: one list page. The crawler re-checks known releases only while they are
fresh and only as far down the list as it finds new rows, so a wave is one page of releases
published the evening before the first crawl."""


def _subset_corpus(source: Path, ids: set[str], target: Path) -> None:
    """A corpus file of only the chosen releases, re-dated to the eve of state 0 (edits happen
    in a release's first days, which is when the crawler looks again)."""
    eve = state_time(0) - dt.timedelta(hours=12)
    with (
        gzip.open(source, "rt", encoding="utf-8") as lines,
        gzip.open(target, "wt", encoding="utf-8") as out,
    ):
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            if str(row["id"]) in ids:
                row["published"] = (eve - dt.timedelta(minutes=len(ids))).isoformat()
                ids = ids - {str(row["id"])}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _sources_file(directory: Path, releases: int) -> Path:
    data = yaml.safe_load(default_sources_path().read_text(encoding="utf-8"))
    for entry in data["sources"]:
        if entry["id"] == SOURCE:
            entry["parser"]["max_pages"] = releases // 10 + 2
    path = directory / "sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _edits(cases: list[EditCase]) -> dict[str, Mapping[int, ReleaseEdit]]:
    edits: dict[str, Mapping[int, ReleaseEdit]] = {}
    for case in cases:
        edits[case.release_id] = (
            {1: case.after} if case.before is None else {0: case.before, 1: case.after}
        )
    return edits


def _run_state(app: App) -> int:
    """Crawl and run the pipeline; the id of the newest record before them."""
    with app.session() as session:
        newest = session.scalar(select(func.max(ChangeRecord.id))) or 0
    crawl_now(app, SOURCE)
    process_pending(app)
    return int(newest)


def _records_since(app: App, newest: int) -> dict[str, list[tuple[str, bool, str]]]:
    with app.session() as session:
        rows = session.execute(
            select(
                Document.external_id,
                ChangeRecord.kind,
                ChangeRecord.minor,
                ChangeRecord.review_status,
            )
            .join(Document, Document.id == ChangeRecord.document_id)
            .where(ChangeRecord.id > newest)
        ).all()
    found: dict[str, list[tuple[str, bool, str]]] = defaultdict(list)
    for external, kind, minor, review in rows:
        found[str(external)].append((kind, bool(minor), review))
    return found


def run_edit_set(cases: list[EditCase], corpus: Path = CORPUS) -> EditReport:
    """Crawl the cases' releases before and after their edits, a wave at a time."""
    report = EditReport()
    for start in range(0, len(cases), WAVE):
        report.outcomes += _run_wave(cases[start : start + WAVE], corpus)
    return report


def _run_wave(cases: list[EditCase], corpus: Path) -> list[Outcome]:
    """One list page of cases through a fresh zonewatch: crawl, pipeline, edit, again."""
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        subset = directory / "corpus" / "press-releases.jsonl.gz"
        subset.parent.mkdir()
        _subset_corpus(corpus, {case.release_id for case in cases}, subset)
        with ReplayServer(corpus=subset, edits=_edits(cases)) as server:
            app = configure(
                data_dir=directory / "data",
                replay_url=server.url,
                allowed_private_hosts="127.0.0.1",
                crawl_delay_scale=0,
                sources_file=_sources_file(directory, len(cases)),
            )
            try:
                initialize(app)
                _run_state(app)
                server.set_state(1)
                found = _records_since(app, _run_state(app))
            finally:
                app.dispose()
    return [Outcome(case, tuple(found.get(case.release_id, []))) for case in cases]


def edit_detection() -> list[Result]:
    if not CORPUS.exists():
        return []
    report = run_edit_set(edit_set())
    for line in report.lines():
        print(f"# {line}", flush=True)
    baseline = "target of issue #12"
    return [
        Result("edits_false_alarm_rate", report.false_alarm_rate, "share", baseline, 0.05),
        Result("edits_real_recall", report.real_recall, "share", baseline, 0.95),
        Result("edits_fact_change_recall", report.fact_recall, "share", baseline, 0.90),
        Result("edits_fact_change_precision", report.fact_precision, "share", baseline, 0.90),
    ]


BENCHMARKS = [edit_detection]
