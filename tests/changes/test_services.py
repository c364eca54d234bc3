"""Records for edits of one document: minor particle edits, number edits with fact changes."""

from __future__ import annotations

from tests.testkit import factories
from zonewatch.app import App
from zonewatch.changes.services import record_version_changes
from zonewatch.changes.significance import MINOR_SCORE
from zonewatch.classify.services import classify_version
from zonewatch.ingest.services import ingest_fetched_item
from zonewatch.models import ChangeRecord, Source
from zonewatch.models.enums import ChangeKind

TITLE = "인천경제청, 송도 바이오 클러스터 조성 계획 발표"


def version(app: App, text: str) -> list[ChangeRecord]:
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        row = factories.fetched(session, factories.crawl_run(session, source), "77", text=text)
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        classify_version(session, version_id, app.classifier)
        ids = record_version_changes(session, version_id)
        records = [r for r in session.query(ChangeRecord) if r.id in ids]
        session.expunge_all()
        return records


def test_a_particle_only_edit_is_recorded_as_minor(app: App) -> None:
    version(app, "인천경제청은 송도에 바이오 기업 250개사를 유치한다고 밝혔다.")
    (record,) = version(app, "인천경제청이 송도에 바이오 기업 250개사를 유치한다고 밝혔다.")
    assert record.kind == "changed_document"
    assert record.minor
    assert record.significance == MINOR_SCORE


def test_an_interpunct_particle_and_spacing_edit_is_recorded_as_minor(app: App) -> None:
    """The HWP interpunct, a particle fix and a spacing fix side by side are each minor."""
    version(app, "인천경제청은 산업·물류 기업이 들어설수 있도록 송도에 부지를 마련한다고 밝혔다.")
    (record,) = version(
        app, "인천경제청은 산업ㆍ물류 기업은 들어설 수 있도록 송도에 부지를 마련한다고 밝혔다."
    )
    assert record.kind == "changed_document"
    assert record.minor
    assert record.significance == MINOR_SCORE


def test_an_until_to_from_edit_is_not_minor(app: App) -> None:
    version(app, "인천경제청은 송도 입주 기업 신청을 이달 30일까지 받는다고 밝혔다.")
    records = version(app, "인천경제청은 송도 입주 기업 신청을 이달 30일부터 받는다고 밝혔다.")
    kinds = {r.kind: r for r in records}
    assert not kinds[ChangeKind.CHANGED_DOCUMENT].minor
    assert kinds[ChangeKind.CHANGED_DOCUMENT].significance > MINOR_SCORE


def test_a_number_edit_is_not_minor_and_gives_a_fact_change(app: App) -> None:
    version(app, "인천경제청은 송도에 바이오 기업 250개사를 유치한다고 밝혔다.")
    records = version(app, "인천경제청은 송도에 바이오 기업 300개사를 유치한다고 밝혔다.")
    kinds = {r.kind: r for r in records}
    assert not kinds[ChangeKind.CHANGED_DOCUMENT].minor
    fact = kinds[ChangeKind.FACT_CHANGE].diff["facts"][0]
    assert (fact["old"], fact["new"], fact["unit"]) == (250, 300, "companies")


def other_release(app: App, external_id: str, text: str) -> list[ChangeRecord]:
    with app.session() as session:
        source = session.get(Source, "ifez-press")
        assert source is not None
        row = factories.fetched(
            session, factories.crawl_run(session, source), external_id, text=text
        )
        version_id = ingest_fetched_item(session, row.id).version_id
        assert version_id is not None
        classify_version(session, version_id, app.classifier)
        ids = record_version_changes(session, version_id)
        records = [r for r in session.query(ChangeRecord) if r.id in ids]
        session.expunge_all()
        return records


BUDGET = "인천경제청은 송도 바이오 클러스터 사업비 {}억 원을 확정했다고 밝혔다."


def test_a_cross_release_fact_change_is_not_raised_again_by_a_punctuation_fix(app: App) -> None:
    other_release(app, "1", BUDGET.format(597))
    first = other_release(app, "2", BUDGET.format(650))
    assert [r.kind for r in first if r.kind == "fact_change"] == ["fact_change"]
    fixed = other_release(app, "2", BUDGET.format(650).replace("확정했다고", "확정 했다고"))
    assert [r for r in fixed if r.kind == "fact_change"] == []
    assert [r for r in fixed if not r.minor and r.review_status != "noise"] == []


def test_a_derived_record_first_seen_on_a_minor_edit_is_minor(app: App) -> None:
    """The other release appeared between two versions: the fact change it makes visible is
    found on a spacing fix, and inherits it."""
    other_release(app, "2", BUDGET.format(650))
    other_release(app, "1", BUDGET.format(597))
    fixed = other_release(app, "2", BUDGET.format(650).replace("확정했다고", "확정 했다고"))
    facts = [r for r in fixed if r.kind == "fact_change"]
    assert facts
    assert all(r.minor for r in facts)


def test_a_figure_changed_back_and_again_is_recorded_each_time(app: App) -> None:
    """Content keys make a repeat idempotent, not a real edit that happens to repeat."""
    texts = [f"인천경제청은 송도에 바이오 기업 {n}개사를 유치한다고 밝혔다." for n in (250, 300)]
    version(app, texts[0])
    moves = []
    for text in (texts[1], texts[0], texts[1]):
        (fact,) = [r for r in version(app, text) if r.kind == "fact_change"]
        moves.append((fact.diff["facts"][0]["old"], fact.diff["facts"][0]["new"]))
    assert moves == [(250, 300), (300, 250), (250, 300)]


def test_a_phone_noise_verdict_covers_the_next_phone_number(app: App) -> None:
    from zonewatch.changes.queries import review_change

    lead = "인천경제청은 송도에 바이오 기업 250개사를 유치한다고 밝혔다.\n문의: 032-453-"
    version(app, lead + "7000")
    (first,) = version(app, lead + "7155")
    assert not first.minor
    with app.session() as session:
        review_change(session, first.id, "noise", None, "kim")
    (second,) = version(app, lead + "7299")
    assert second.minor
    assert second.review_status == "noise"
    news = version(app, lead.replace("250", "300") + "7300")
    assert news
    assert not any(record.minor for record in news), "a figure edit is news"


def test_an_edit_of_page_furniture_alone_alerts_nobody(app: App) -> None:
    lead = "인천경제청은 송도에 바이오 기업 250개사를 유치한다고 밝혔다.\n조회수 "
    version(app, lead + "1,204")
    (record,) = version(app, lead + "1,377")
    assert record.minor
    assert record.review_status == "noise"
    news = [r for r in version(app, lead.replace("250", "300") + "1,400") if not r.minor]
    assert {r.kind for r in news} >= {"fact_change"}, "a figure next to the counter is news"
