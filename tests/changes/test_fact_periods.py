"""Cross-release fact changes compare only figures of the same period kind (cause 7 of #12)."""

from __future__ import annotations

from tests.testkit import factories
from zonewatch.app import App
from zonewatch.changes import fact_changes
from zonewatch.classify.services import classify_version
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import DocumentVersion, Source

ZONE = "인천경제자유구역"


def across(app: App, *texts: str) -> list[tuple[str, str]]:
    """Publish each text as its own release; the cross-release changes the last one raises."""
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        version_id = None
        for number, text in enumerate(texts, 1):
            run = factories.crawl_run(session, source)
            row = factories.fetched(
                session, run, f"9{number}", text=text, title=f"보도자료 {number}"
            )
            version_id = ingest_fetched_item(session, row.id).version_id
            assert version_id is not None
            classify_version(session, version_id, app.classifier)
        version = session.get(DocumentVersion, version_id)
        assert version is not None
        changes = fact_changes.across_documents(session, version)
        return [(change.old.raw, change.new.raw) for change in changes]


def test_comparable_figures_of_two_releases_give_a_fact_change(app: App) -> None:
    changes = across(
        app,
        f"{ZONE}의 상반기 외국인 투자 유치액은 19억 4천만 달러로 집계됐다.",
        f"{ZONE}의 상반기 외국인 투자 유치액은 21억 달러로 수정 집계됐다.",
    )
    assert changes == [("19억 4천만 달러", "21억 달러")]


def test_a_first_half_total_is_not_compared_with_a_second_quarter_figure(app: App) -> None:
    changes = across(
        app,
        f"{ZONE} exports: foreign investment reached USD 1.94 billion in the first half.",
        f"{ZONE}의 2분기 외국인 투자 유치액은 10억 2천만 달러로 11% 늘었다.",
    )
    assert changes == []


def test_a_figure_without_a_period_is_not_compared_with_one_that_has_it(app: App) -> None:
    changes = across(
        app,
        f"{ZONE}의 외국인 투자 유치액은 19억 4천만 달러다.",
        f"{ZONE}의 누적 외국인 투자 유치액은 50억 달러다.",
    )
    assert changes == []


def test_the_latest_comparable_figure_is_compared_not_the_latest_figure(app: App) -> None:
    changes = across(
        app,
        f"{ZONE}의 상반기 외국인 투자 유치액은 19억 4천만 달러로 집계됐다.",
        f"{ZONE}의 2분기 외국인 투자 유치액은 10억 2천만 달러로 집계됐다.",
        f"{ZONE}의 상반기 외국인 투자 유치액은 21억 달러로 수정 집계됐다.",
    )
    assert changes == [("19억 4천만 달러", "21억 달러")]


def test_two_different_halves_are_not_one_figure_changing(app: App) -> None:
    changes = across(
        app,
        f"{ZONE}의 상반기 외국인 투자 유치액은 19억 4천만 달러로 집계됐다.",
        f"{ZONE}의 하반기 외국인 투자 유치액은 21억 달러로 집계됐다.",
    )
    assert changes == []
