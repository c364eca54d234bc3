"""The benchmark tools themselves: the synthetic history, the baselines and the runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench.__main__ import main, selected
from bench.bench_diff import line_then_word
from bench.bench_matching import make_rules
from bench.synthetic import grow, subscribe
from bench.workers import busy_seconds
from zonewatch.app import configure
from zonewatch.bootstrap import initialize
from zonewatch.changes.queries import ChangeFilter, ChangePosition, list_changes, timeline
from zonewatch.models import ChangeRecord
from zonewatch.models.alerts import Subscriber, Subscription


def test_grown_history_pages_like_the_pipeline_s(fresh_database_url: str, tmp_path: Path) -> None:
    app = configure(data_dir=tmp_path / "data", database_url=fresh_database_url)
    initialize(app)
    first = grow(app, 1_200)
    second = grow(app, 300)
    assert (first.records, first.documents, second.documents) == (1_200, 300, 75)
    with app.session() as session:
        assert session.scalar(select(func.count()).select_from(ChangeRecord)) == 1_500
        page = list_changes(session, ChangeFilter(limit=50))
        after = list_changes(session, ChangeFilter(limit=50, after=ChangePosition.of(page[-1])))
        assert len(page) == len(after) == 50
        assert not {c.record.id for c in page} & {c.record.id for c in after}
        entity = page[0].record.entities[0].entity_id
        assert timeline(session, entity, limit=10)
    app.dispose()


def test_subscriptions_are_stored_per_subscriber(fresh_database_url: str, tmp_path: Path) -> None:
    app = configure(data_dir=tmp_path / "data", database_url=fresh_database_url)
    initialize(app)
    rules = make_rules(600, subscribers=200)
    stored = subscribe(app, rules)
    with app.session() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == 600
        assert session.scalar(select(func.count()).select_from(Subscriber)) == stored
    assert stored == len({rule.subscriber_id for rule in rules})
    app.dispose()


def test_line_then_word_finds_the_changed_words_only() -> None:
    old = "첫 줄은 그대로다.\n투자 규모는 3,000억 원이다.\n끝 줄.\n"
    new = "첫 줄은 그대로다.\n투자 규모는 3,500억 원이다.\n끝 줄.\n"
    assert line_then_word(old, new) == [("replace", 2, 3, 2, 3)]
    assert line_then_word(old, old) == []


def test_busy_seconds_pairs_starts_and_ends_by_task(tmp_path: Path) -> None:
    marks = tmp_path / "marks.log"
    marks.write_text(
        "start 10.0 zonewatch.ingest_item a\nstart 10.5 zonewatch.match_event b\n"
        "end 11.0 zonewatch.ingest_item a\nend 13.5 zonewatch.match_event b\n"
        "start 14.0 zonewatch.ingest_item c\n",
        encoding="utf-8",
    )
    assert busy_seconds(marks) == {"zonewatch.ingest_item": 1.0, "zonewatch.match_event": 3.0}


def test_an_unknown_benchmark_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="no benchmark named nope"):
        selected(["nope"], scale=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["nope"])
    assert exit_info.value.code == 2
    assert "no benchmark named nope" in capsys.readouterr().err


def test_the_million_is_left_out_unless_asked_for() -> None:
    everyday = {benchmark.__name__ for benchmark in selected([], scale=False)}
    large = {benchmark.__name__ for benchmark in selected([], scale=True)}
    assert "change_history" in everyday
    assert "change_history_million" not in everyday
    assert large == {"change_history_million"}
