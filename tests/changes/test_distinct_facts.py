"""A figure a release states twice (title and lead, next to two zones) is one fact: an edit of
it is one fact change, and so is its change against another release."""

from __future__ import annotations

from tests.testkit import factories
from zonewatch.app import App
from zonewatch.changes.services import record_version_changes
from zonewatch.classify.services import classify_version
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import ChangeRecord, Source

BIO_TITLE = "송도 바이오 클러스터 2단계에 597억 원 투입"
BIO_TEXT = (
    "인천경제자유구역청은 송도 바이오 클러스터 2단계 조성에 597억 원을 투입한다고 밝혔다. "
    "청라국제도시에도 597억 원이 투입된다. 목표 입주기업 250개사를 내다본다."
)
INVESTMENT = (
    "인천경제자유구역청은 송도국제도시에 바이오 기업 투자 {0}억 원을 유치했다고 밝혔다. "
    "송도 바이오 클러스터에 투자 {0}억 원이 들어온다."
)


def fact_changes(app: App, external_id: str, title: str, text: str) -> list[ChangeRecord]:
    """Ingest, classify and record one version of a release; its fact changes."""
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        row = factories.fetched(
            session, factories.crawl_run(session, source), external_id, title=title, text=text
        )
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        classify_version(session, version_id, app.classifier)
        ids = record_version_changes(session, version_id)
        found = [r for r in session.query(ChangeRecord) if r.id in ids and r.kind == "fact_change"]
        session.expunge_all()
        return found


def test_a_figure_stated_three_times_is_one_fact_change_when_edited(app: App) -> None:
    """597억 원 in the title and twice in the body (next to two zones) moves to 650억 원:
    one fact changed, one record, not one per mention."""
    fact_changes(app, "1", BIO_TITLE, BIO_TEXT)
    facts = fact_changes(app, "1", BIO_TITLE.replace("597", "650"), BIO_TEXT.replace("597", "650"))
    assert [fact.summary for fact in facts] == ["597억 원 → 650억 원"]
    assert facts[0].diff["facts"][0]["entity"] is not None, "the one tied to a zone is kept"


def test_a_figure_edited_in_one_place_only_is_still_a_change(app: App) -> None:
    """The title keeps 597억 원, the lead says 650억 원 now: the figure did move."""
    fact_changes(app, "1", BIO_TITLE, BIO_TEXT)
    facts = fact_changes(app, "1", BIO_TITLE, BIO_TEXT.replace("조성에 597억", "조성에 650억"))
    assert [fact.summary for fact in facts] == ["597억 원 → 650억 원"]


def test_a_new_release_stating_a_figure_twice_is_one_change_against_another(app: App) -> None:
    """Two sentences tie the same investment to two zones, and an earlier release said less
    for both: one fact change, not two that read the same."""
    fact_changes(app, "1", "인천경제청, 송도 바이오 투자 협약", INVESTMENT.format("1,500"))
    facts = fact_changes(
        app, "2", "인천경제청, 송도 바이오 투자 유치 확정", INVESTMENT.format("2,000")
    )
    assert [fact.summary for fact in facts] == ["1,500억 원 → 2,000억 원"]
