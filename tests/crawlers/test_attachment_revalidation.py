"""Attachments are revalidated on their own: a file replaced in place behind an article page
that answers 304 is still noticed, and an unchanged file costs a 304 (cause 6 of #12)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.crawlers.conftest import crawl, current_versions
from zonewatch.app import App
from zonewatch.models import ChangeRecord, Document
from zonewatch.replay.server import ReplayServer
from zonewatch.workers.inline import process_pending

MSS = "www.mss.go.kr"
ARTICLE = r"View\.do\?cbIdx=86&bcIdx=1070012$"
PDF = "후보 특구별 계획 요약.pdf"


def records_of_1070012(app: App) -> list[str]:
    """Crawl MSS, run the pipeline; the kinds of the records made for 1070012 ever since."""
    crawl(app, "mss-press")
    process_pending(app)
    with app.session() as session:
        return sorted(
            session.scalars(
                select(ChangeRecord.kind)
                .join(Document, Document.id == ChangeRecord.document_id)
                .where(Document.external_id == "1070012")
            )
        )


def file_answers(server: ReplayServer) -> list[int]:
    return [
        entry.status
        for entry in server.request_log
        if "Download.do" in entry.path and "bcIdx=1070012" in entry.path
    ]


@pytest.mark.slow
def test_a_file_replaced_behind_an_unchanged_page_is_noticed(
    crawl_app: App, replay_server: ReplayServer
) -> None:
    # The article page stays byte-identical in every state (a CMS that swaps the file in place
    # without touching the page), so the page itself answers 304 from state 1 on.
    replay_server.set_fault(MSS, "frozen", path_regex=ARTICLE, state=0)
    first = records_of_1070012(crawl_app)
    assert current_versions(crawl_app, "mss-press")["1070012"].number == 1

    replay_server.set_state(1)  # the file is unchanged: asked for conditionally, 304
    replay_server.clear_log()
    assert records_of_1070012(crawl_app) == first
    assert current_versions(crawl_app, "mss-press")["1070012"].number == 1
    answers = file_answers(replay_server)
    assert answers, "the files of a page that answered 304 were not revalidated"
    assert set(answers) == {304}, answers

    replay_server.set_state(2)  # same name and URL, new content; the page still answers 304
    assert records_of_1070012(crawl_app) == sorted([*first, "attachment_replaced"])
    replaced = current_versions(crawl_app, "mss-press")["1070012"]
    assert replaced.number == 2
    (pdf,) = [a for a in replaced.attachments if a.name == PDF]
    assert "150억 원" in (pdf.text or "")

    replay_server.set_state(3)  # nothing more: no further version, no further record
    assert records_of_1070012(crawl_app) == sorted([*first, "attachment_replaced"])
    assert current_versions(crawl_app, "mss-press")["1070012"].number == 2
