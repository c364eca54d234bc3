"""Machine values (change kinds, review statuses, run results, source and entity kinds, model
actions and decisions, roles) are shown as words in the reader's language: a Korean page
shows none of the raw English keys, while forms and links keep the machine values."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from tests.testkit import factories
from tests.web.conftest import sign_in
from tests.web.test_proposals import add_proposal
from zonewatch.app import App
from zonewatch.changes.decisions import PROPOSAL_STATUSES
from zonewatch.changes.queries import CHANGE_KINDS, REVIEW_STATUSES
from zonewatch.config.sources import SourceKind, load_configured_sources
from zonewatch.config.zones import EntityKind
from zonewatch.crawlers.status import FINISHED
from zonewatch.entry_diff import PAST_TENSE
from zonewatch.models import ChangeEntity, ChangeRecord, CrawlRun, Role
from zonewatch.models.enums import CrawlRunStatus, ModelAction
from zonewatch.models.services import source_entry
from zonewatch.web.i18n import LABELS, Vocabulary, label

SOURCE = "motir-press"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
RAW_GROUPS = (
    Vocabulary.CHANGE_KIND,
    Vocabulary.REVIEW_STATUS,
    Vocabulary.SOURCE_KIND,
    Vocabulary.RUN_STATUS,
    Vocabulary.MODEL_ACTION,
    Vocabulary.MODEL_STATUS,
    Vocabulary.ENTITY_KIND,
)
"""Roles are left out of the page scan: the test users are named after them."""


class ReadableWords(HTMLParser):
    """The words a reader sees, leaving out what is English on purpose: elements marked
    ``lang="en"`` (crawl log reasons), ``code``, and URLs and ids (``class="ident"``)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.words: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        found = dict(attrs)
        skip = (
            tag in ("code", "pre", "script", "style")
            or found.get("lang") == "en"
            or "ident" in (found.get("class") or "").split()
        )
        self.stack.append(skip or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.words.update(re.findall(r"[A-Za-z_]+", data))


def readable_words(html: str) -> set[str]:
    parser = ReadableWords()
    parser.feed(html)
    return parser.words


@pytest.fixture
def seeded(app: App) -> dict[str, int]:
    """A record of every kind and status on one entity, a pending proposal, a source with a
    run of every finished result."""
    proposal = add_proposal(app)
    spec = load_configured_sources(app.settings).by_id()[SOURCE]
    with app.session() as session:
        factories.source(
            session, SOURCE, name="산업통상부 보도자료", url=spec.url, spec=source_entry(spec)
        )
        for status in FINISHED:
            session.add(CrawlRun(source_id=SOURCE, status=status, trigger="manual"))
        ids = []
        for n, kind in enumerate(CHANGE_KINDS):
            record = ChangeRecord(
                kind=kind,
                dedupe_key=f"label-{n}",
                title=f"부산 기회발전특구 변경 {n}",
                review_status=REVIEW_STATUSES[n % len(REVIEW_STATUSES)],
                source_id=SOURCE,
            )
            session.add(record)
            session.flush()
            session.add(ChangeEntity(change_id=record.id, entity_id="odz-busan"))
            ids.append(record.id)
    return {"proposal": proposal, "change": ids[0]}


def test_every_value_the_services_know_has_words_in_both_languages() -> None:
    expected = {
        Vocabulary.CHANGE_KIND: {*CHANGE_KINDS, *(f"model_{action}" for action in ModelAction)},
        Vocabulary.REVIEW_STATUS: set(REVIEW_STATUSES),
        Vocabulary.SOURCE_KIND: {kind.value for kind in SourceKind},
        Vocabulary.RUN_STATUS: {status.value for status in CrawlRunStatus},
        Vocabulary.MODEL_STATUS: set(PROPOSAL_STATUSES),
        Vocabulary.MODEL_ACTION: {action.value for action in ModelAction},
        Vocabulary.ENTITY_KIND: {kind.value for kind in EntityKind},
        Vocabulary.ROLE: {role.value for role in Role},
    }
    for vocabulary, values in expected.items():
        assert values <= LABELS[vocabulary].keys(), vocabulary
        for value in values:
            assert label(vocabulary, value, "en"), (vocabulary, value)
            assert label(vocabulary, value, "ko") != value, (vocabulary, value)


def test_every_model_action_reads_in_the_past_tense() -> None:
    """A reform of a programme (a proposal's action) once had no past tense and no label, so
    its proposal page raised instead of showing it."""
    assert set(PAST_TENSE) == set(ModelAction)


def test_an_unknown_value_is_an_error_not_a_raw_word() -> None:
    with pytest.raises(KeyError, match="no change_kind label for 'brand_new_kind'"):
        label(Vocabulary.CHANGE_KIND, "brand_new_kind", "ko")


def test_korean_pages_show_no_raw_english_keys(
    app: App, client: TestClient, seeded: dict[str, int]
) -> None:
    sign_in(client, "admin")
    raw = {value for group in RAW_GROUPS for value in LABELS[group]} - {"api"}
    pages = (
        "/changes",
        f"/changes/{seeded['change']}",
        "/sources",
        f"/sources/{SOURCE}",
        "/proposals?status=all",
        "/entities",
        "/entities/odz-busan",
        "/admin/users",
    )
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert readable_words(answer.text) & raw == set(), path


def test_the_change_log_keeps_machine_values_in_the_form(
    client: TestClient, seeded: dict[str, int]
) -> None:
    sign_in(client, "analyst")
    body = client.get("/changes?status=noise").text
    assert '<option value="noise" selected>잡음</option>' in body
    assert '<option value="new_document">새 보도자료</option>' in body
    assert 'data-label="검토 상태">잡음</td>' in body


def test_an_english_reader_gets_english_words(
    app: App, client: TestClient, seeded: dict[str, int]
) -> None:
    sign_in(client, "analyst")
    token_page = client.get("/account").text
    token = re.search(r'name="csrf" value="([^"]+)"', token_page)
    assert token is not None
    client.post("/account/language", data={"csrf": token.group(1), "language": "en"})
    body = client.get("/proposals?status=all").text
    assert "· Lift</h2>" in body
    assert "<dd>pending</dd>" in body


class FormControls(HTMLParser):
    """Every visible form control, the ``for`` of every label, and inline styles/scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.labelled: set[str] = set()
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "style" in found or tag in ("script", "style"):
            self.inline.append(tag)
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        hidden = found.get("type") in ("hidden", "submit", "button")
        if tag in ("input", "select", "textarea") and not hidden:
            self.controls.append(found)


def test_every_form_control_has_a_label_and_nothing_is_inline(
    client: TestClient, seeded: dict[str, int]
) -> None:
    sign_in(client, "admin")
    for path in (
        "/changes",
        f"/changes/{seeded['change']}",
        f"/sources/{SOURCE}",
        "/proposals",
        "/entities",
        "/admin/users",
        "/account",
        "/tokens",
    ):
        parser = FormControls()
        parser.feed(client.get(path).text)
        assert parser.controls, path
        for control in parser.controls:
            assert control.get("id") in parser.labelled or control.get("aria-label"), (
                path,
                control,
            )
        assert parser.inline == [], path
