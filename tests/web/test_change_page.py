"""The change page (diff, facts, evidence, related records, entity links) and the version page
with its stored raw page, which must never run as markup of the console."""

from __future__ import annotations

import datetime as dt

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import sign_in
from tests.web.stored import stored_release
from zonewatch.app import App
from zonewatch.models import ChangeEntity, ChangeRecord, Entity, Mention

RELEASED = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # 10:30 KST
SCRIPT_PAGE = (
    b"<html><head><script>document.title='pwned'</script></head>"
    b"<body onload=\"alert('x')\"><p>\xec\x86\xa1\xeb\x8f\x84</p></body></html>"
)


@pytest.fixture
def analyst(client: TestClient) -> TestClient:
    sign_in(client, "analyst")
    return client


def test_the_diff_inline_and_side_by_side_with_word_marks(app: App, analyst: TestClient) -> None:
    release = stored_release(app, released_at=RELEASED)
    inline = analyst.get(f"/changes/{release.change_id}").text
    assert "2026-03-02 10:30 KST" in inline
    assert '<del><span class="sr">삭제: </span>250개사</del>' in inline
    assert '<ins><span class="sr">추가: </span>300개사</ins>' in inline
    assert "입주기업 목표는 " in inline
    side = analyst.get(f"/changes/{release.change_id}?diff=side").text
    assert side.count('class="sbs-row"') == 1
    old_cell = side.split('class="diff old"')[1].split("</div>")[0]
    new_cell = side.split('class="diff new"')[1].split("</div>")[0]
    assert "250개사" in old_cell
    assert "300개사" not in old_cell
    assert "300개사" in new_cell
    assert "250개사" not in new_cell
    answer = analyst.get(f"/changes/{release.change_id}?diff=sideways")
    assert answer.status_code == 400
    assert "sideways" in answer.text


def test_script_in_a_diff_is_escaped(app: App, analyst: TestClient) -> None:
    release = stored_release(app, old_text="안내", new_text="안내 <script>alert(1)</script>")
    body = analyst.get(f"/changes/{release.change_id}").text
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_facts_and_files_before_and_after_with_their_versions(
    app: App, analyst: TestClient
) -> None:
    release = stored_release(app)
    with app.session() as session:
        record = session.get(ChangeRecord, release.change_id)
        assert record is not None
        source = {"version_id": release.old_version_id, "version": 1, "source": "board-a"}
        record.diff = {
            **record.diff,
            "facts": [
                {
                    "metric": "companies",
                    "entity": "ifez-songdo",
                    "unit": "개사",
                    "old": 250,
                    "new": 300,
                    "old_raw": "250개사",
                    "new_raw": None,
                    "old_source": source,
                    "new_source": {**source, "version_id": release.new_version_id, "version": 2},
                }
            ],
            "attachments": {"added": [{"name": "계획.hwp", "url": "https://x.go.kr/a.hwp"}]},
        }
    body = analyst.get(f"/changes/{release.change_id}").text
    files = body.split('id="files-heading"')[1].split("</section>")[0]
    assert (
        '<span class="badge">추가</span> <ins>계획.hwp &lt;https://x.go.kr/a.hwp&gt;</ins>' in files
    )
    facts = body.split('id="facts-heading"')[1]
    assert "companies" in facts
    assert "250개사</del>" in facts
    assert "300 개사</ins>" in facts, "value and unit when the raw words are missing"
    assert f'href="/versions/{release.old_version_id}">v1</a>' in facts
    assert f'href="/versions/{release.new_version_id}">v2</a>' in facts
    assert 'href="/entities/ifez-songdo"' in facts


def test_evidence_links_entities_with_the_words_that_linked_them(
    app: App, analyst: TestClient
) -> None:
    release = stored_release(app)
    with app.session() as session:
        session.add(
            Entity(id="ifez-songdo", kind="fez_district", name_ko="송도국제도시", name_en="Songdo")
        )
        session.flush()
        session.add(ChangeEntity(change_id=release.change_id, entity_id="ifez-songdo"))
        session.add(
            Mention(
                version_id=release.new_version_id,
                entity_id="ifez-songdo",
                score=0.9,
                evidence=[{"text": "송도"}, {"text": "송도국제도시"}],
            )
        )
    body = analyst.get(f"/changes/{release.change_id}").text
    evidence = body.split('id="evidence-heading"')[1]
    assert '<a href="/entities/ifez-songdo">송도국제도시</a>' in evidence
    assert "<q>송도</q>, <q>송도국제도시</q>" in evidence


def test_related_records_name_how_they_relate(app: App, analyst: TestClient) -> None:
    release = stored_release(app, event_key="version:1")
    with app.session() as session:
        fact = ChangeRecord(
            kind="fact_change", dedupe_key="fact", title="입주기업 250 → 300", event_key="version:1"
        )
        correction = ChangeRecord(
            kind="correction",
            dedupe_key="fix",
            title="[정정] 송도 바이오 클러스터",
            related_change_id=release.change_id,
        )
        session.add_all([fact, correction])
        session.flush()
        fact_id, correction_id = fact.id, correction.id
    body = analyst.get(f"/changes/{release.change_id}").text
    related = body.split('id="related-heading"')[1]
    assert f'href="/changes/{fact_id}">입주기업 250 → 300</a>' in related
    assert "같은 게시의 다른 기록" in related
    assert f'href="/changes/{correction_id}">[정정] 송도 바이오 클러스터</a>' in related
    assert "이 기록의 정정·재게시" in related
    back = analyst.get(f"/changes/{correction_id}").text.split('id="related-heading"')[1]
    assert f'href="/changes/{release.change_id}"' in back
    assert "정정·재게시 대상" in back


def test_versions_are_linked_and_show_text_and_escaped_source(
    app: App, analyst: TestClient
) -> None:
    release = stored_release(app, html=SCRIPT_PAGE)
    body = analyst.get(f"/changes/{release.change_id}").text
    assert f'href="/versions/{release.old_version_id}">v1</a>' in body
    assert f'href="/versions/{release.new_version_id}">v2</a>' in body
    page = analyst.get(f"/versions/{release.new_version_id}")
    assert page.status_code == 200
    assert "입주기업 목표는 300개사 입니다." in page.text
    assert "<script>document.title" not in page.text
    assert "onload=\"alert('x')\"" not in page.text
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in page.text
    assert "송도" in page.text, "decoded in the declared encoding"
    assert "script-src" not in page.headers["content-security-policy"], "no script allowed"


def test_the_snapshot_download_is_inert_plain_text(app: App, analyst: TestClient) -> None:
    release = stored_release(app, html=SCRIPT_PAGE)
    answer = analyst.get(f"/versions/{release.new_version_id}/snapshot")
    assert answer.status_code == 200
    assert answer.content == SCRIPT_PAGE, "byte for byte"
    assert answer.headers["content-type"].startswith("text/plain")
    assert answer.headers["content-security-policy"].startswith("sandbox")
    assert answer.headers["content-disposition"].startswith("attachment;")
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_version_without_a_stored_page_or_with_a_lost_file(app: App, analyst: TestClient) -> None:
    bare = stored_release(app, html=None, dedupe_key="bare")
    page = analyst.get(f"/versions/{bare.new_version_id}")
    assert page.status_code == 200
    assert "원본 페이지를 저장하지 않았습니다" in page.text
    assert analyst.get(f"/versions/{bare.new_version_id}/snapshot").status_code == 404
    lost = stored_release(app, html=b"<p>soon gone</p>", dedupe_key="lost")
    for path in (app.settings.data_dir / "snapshots").rglob("*.gz"):
        path.unlink()
    answer = analyst.get(f"/versions/{lost.new_version_id}/snapshot")
    assert answer.status_code == 404
    assert "missing from the data directory" in answer.text
    assert analyst.get("/versions/999999").status_code == 404


def test_operators_read_the_page_without_the_review_form(app: App, client: TestClient) -> None:
    release = stored_release(app)
    sign_in(client, "operator")
    body = client.get(f"/changes/{release.change_id}").text
    assert "250개사" in body
    assert "/review" not in body
