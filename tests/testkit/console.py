"""Browser test kit for the console: the real server, demo-like data, and Chromium via Selenium.

What a browser test gets (fixtures in ``tests/web/browser/conftest.py``, one per session, so
the whole folder starts one server and one browser):

``console_server`` (:class:`LiveConsole`)
    ``zonewatch web``'s own server (:func:`zonewatch.web.server.make_server`: the hardened
    stdlib server with the console behind it) in a thread, on a free loopback port, over a
    migrated SQLite database that :func:`seed_console` filled like the demo: the zone model
    and sources from ``config/``, one user per role (named after the role, password
    :data:`PASSWORD`), and change records with diffs, entities, topics and a correction.
    ``console_server.app`` is the :class:`~zonewatch.app.App` for adding rows a test needs;
    ``console_server.seeded.changes`` maps each seeded title to its record id.
``browser`` (:class:`ConsoleBrowser`)
    Headless Debian ``chromium`` driven by Debian's ``chromium-driver``
    (``/usr/bin/chromedriver``, named explicitly so Selenium Manager never downloads
    anything). Every test starts signed out on a blank page (the fixture clears cookies).

A new page's browser flow, then, is a few lines::

    pytestmark = pytest.mark.browser

    def test_an_operator_pauses_a_source(browser: ConsoleBrowser) -> None:
        browser.sign_in(Role.OPERATOR)
        browser.open("/sources")
        browser.submit(browser.find("form.pause button"))
        assert "paused" in browser.find("main").text
        browser.screenshot("sources", DESKTOP)

:meth:`ConsoleBrowser.submit` clicks and waits for the next page to load (use it for every
click that navigates); :meth:`ConsoleBrowser.screenshot` saves ``NAME-WIDTH.png`` under
``build/test-artifacts/console/`` (whole page, :data:`DESKTOP` or :data:`MOBILE` wide, the
latter emulating a phone), which ``make screenshots`` copies into ``docs/screenshots/``.

Chromium, its driver and a Korean font are Debian packages, installed when missing like the
test database servers (:func:`tests.testkit.servers.ensure_debian_package`); where they
cannot be, the browser tests skip, or fail where servers are required (CI=true).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy.orm import Session

from tests.testkit.browser import ensure_chromium
from tests.testkit.keys import TEST_SECRET_KEY
from tests.testkit.passwords import CHEAP_HASHING
from tests.testkit.servers import ServerUnavailableError, ensure_debian_package
from zonewatch.alerts.content import load_item
from zonewatch.alerts.email import alert_message
from zonewatch.alerts.subscribers import (
    SubscriberSpec,
    SubscriptionSpec,
    add_subscriber,
    add_subscription,
)
from zonewatch.alerts.tokens import preferences_link, unsubscribe_url
from zonewatch.app import App, configure
from zonewatch.bootstrap import initialize
from zonewatch.changes.diffing import diff_text
from zonewatch.crawlers.snapshots import store_snapshot
from zonewatch.models import (
    ChangeEntity,
    ChangeRecord,
    ChangeTopic,
    Document,
    DocumentVersion,
    EntityChange,
    Role,
    Snapshot,
    Subscriber,
)
from zonewatch.web.server import make_server
from zonewatch.web.users import add_user

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "test-artifacts" / "console"
CHROMEDRIVER = Path("/usr/bin/chromedriver")
DESKTOP = 1280
MOBILE = 390
WIDTHS = (DESKTOP, MOBILE)
PASSWORD = "correct horse battery staple"
WAIT = 15.0
PAGE_MARKER = "zonewatchPageLeftBehind"
KST = dt.timezone(dt.timedelta(hours=9))
CHROMIUM_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--mute-audio",
    "--hide-scrollbars",
    "--font-render-hinting=none",
    "--lang=ko-KR",
    f"--window-size={DESKTOP},900",
)


@dataclass(frozen=True)
class SeedChange:
    """One change record the kit adds: what the log and the change page will show."""

    title: str
    kind: str
    source_id: str
    entities: tuple[str, ...]
    topics: tuple[str, ...]
    released: dt.datetime
    significance: float
    baseline: bool = False
    review_status: str = "new"
    before: tuple[str, str] | None = None
    """The previous title and text of a changed document: the record gets real word diffs."""
    after: str | None = None
    summary: str | None = None
    corrects: str | None = None
    """The title of the record a correction corrects."""


SEED_CHANGES = (
    SeedChange(
        "광양만권 경제자유구역 투자유치 설명회 개최",
        "new_document",
        "gfez-news",
        ("gfez",),
        ("investment",),
        dt.datetime(2026, 2, 20, 9, 0, tzinfo=KST),
        0.35,
        baseline=True,
    ),
    SeedChange(
        "산업단지 대개조 지원 대상 3곳 선정",
        "new_document",
        "motir-press",
        ("kicox",),
        ("designation",),
        dt.datetime(2026, 2, 26, 11, 0, tzinfo=KST),
        0.64,
        review_status="reviewed",
    ),
    SeedChange(
        "부산진해경제자유구역 신규 투자 유치 설명회 개최",
        "new_document",
        "bjfez-press",
        ("bjfez",),
        ("investment",),
        dt.datetime(2026, 2, 28, 14, 0, tzinfo=KST),
        0.52,
    ),
    SeedChange(
        "인천경제청, 송도 바이오 클러스터 2단계 조성 계획 발표",
        "new_document",
        "ifez-press",
        ("ifez",),
        ("plan", "investment"),
        dt.datetime(2026, 3, 2, 10, 30, tzinfo=KST),
        0.72,
    ),
    SeedChange(
        "인천경제청, 송도 바이오 클러스터 2단계 조성 계획 발표 (수정)",
        "changed_document",
        "ifez-press",
        ("ifez",),
        ("plan", "investment"),
        dt.datetime(2026, 3, 3, 9, 15, tzinfo=KST),
        0.81,
        review_status="important",
        before=(
            "인천경제청, 송도 바이오 클러스터 2단계 조성 계획 발표",
            "송도 바이오 클러스터 2단계에는 사업비 597억 원을 들여 입주기업 250개사를 유치한다.",
        ),
        after="송도 바이오 클러스터 2단계에는 사업비 650억 원을 들여 입주기업 300개사를 유치한다.",
        summary="사업비 597억 원 → 650억 원, 입주기업 250개사 → 300개사",
    ),
    SeedChange(
        "[정정] 산업단지 대개조 지원 대상 3곳 선정",
        "correction",
        "motir-press",
        ("kicox",),
        ("designation",),
        dt.datetime(2026, 3, 4, 16, 0, tzinfo=KST),
        0.77,
        corrects="산업단지 대개조 지원 대상 3곳 선정",
    ),
)


STORED_CHANGE = "인천경제청, 송도 바이오 클러스터 2단계 조성 계획 발표 (수정)"
"""The seeded change whose document has two stored versions (with raw pages) behind it."""
PROPOSED_ENTITIES = ("odz-busan", "odz-daegu")
"""Each has a pending lifting proposal: one for a flow to decide, one that stays pending."""
PROPOSED_EFFECTIVE = dt.date(2026, 5, 1)
SUBSCRIBER_EMAIL = "kim@example.org"
FETCHED = dt.datetime(2026, 3, 3, 0, 30, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Seeded:
    """What :func:`seed_console` added: change ids by title, the stored versions of
    :data:`STORED_CHANGE` (old, new), the pending proposal, the subscriber, and the users'
    password."""

    changes: dict[str, int]
    versions: tuple[int, int]
    proposals: tuple[int, ...]
    subscriber: int
    password: str = PASSWORD


def seed_console(app: App) -> Seeded:
    """Demo-like data: ``zonewatch init`` (zone model, topics, sources from ``config/``), a
    user per role, :data:`SEED_CHANGES` with their entities and topics, stored versions
    behind :data:`STORED_CHANGE`, a pending model proposal and a subscriber with a
    subscription (the watcher's preferences page)."""
    initialize(app)
    ids = _seed_changes(app)
    versions = _seed_versions(app, ids[STORED_CHANGE])
    with app.session() as session:
        proposals = tuple(_seed_proposal(session, entity) for entity in PROPOSED_ENTITIES)
        subscriber = add_subscriber(session, SubscriberSpec(email=SUBSCRIBER_EMAIL))
        add_subscription(session, SUBSCRIBER_EMAIL, SubscriptionSpec(entity="ifez"))
        add_subscription(session, SUBSCRIBER_EMAIL, SubscriptionSpec(topic="plan"))
        return Seeded(ids, versions, proposals, subscriber.id)


def _seed_proposal(session: Session, entity_id: str) -> int:
    """A lifting proposal as a release makes one (see ``changes/proposals.py``)."""
    before = {"id": entity_id, "kind": "special_zone", "valid_to": None}
    proposal = EntityChange(
        entity_id=entity_id,
        action="lift",
        status="proposed",
        origin="document",
        before=before,
        after={**before, "valid_to": PROPOSED_EFFECTIVE.isoformat()},
        effective_on=PROPOSED_EFFECTIVE,
        evidence=[
            {"title": f"{entity_id} 기회발전특구 지정 해제 고시"},
            {"text": "기회발전특구", "rule": "name"},
        ],
    )
    session.add(proposal)
    session.flush()
    return proposal.id


def _seed_versions(app: App, change_id: int) -> tuple[int, int]:
    """The document of ``change_id`` with its two versions and their raw pages, as ingest
    stores them, so that the change page links its versions and stored pages."""
    seed = next(seed for seed in SEED_CHANGES if seed.title == STORED_CHANGE)
    assert seed.before is not None
    assert seed.after is not None
    old_title, old_text = seed.before
    with app.session() as session:
        document = Document(
            source_id=seed.source_id,
            external_id="console-kit-songdo",
            url="https://www.ifez.go.kr/ivt/news/songdo-bio-2",
        )
        session.add(document)
        session.flush()
        numbered = ((1, old_title, old_text), (2, seed.title, seed.after))
        versions = [
            _stored_version(app, session, document, number, title, text)
            for number, title, text in numbered
        ]
        record = session.get(ChangeRecord, change_id)
        assert record is not None
        record.document_id = document.id
        record.old_version_id, record.new_version_id = versions
        return versions[0], versions[1]


def _stored_version(
    app: App, session: Session, document: Document, number: int, title: str, text: str
) -> int:
    html = f"<html><body><h1>{title}</h1><p>{text}</p></body></html>".encode()
    digest, relative = store_snapshot(app.settings.data_dir, html)
    snapshot = Snapshot(
        document_id=document.id,
        url=document.url,
        http_status=200,
        content_type="text/html; charset=utf-8",
        encoding="utf-8",
        sha256=digest,
        size=len(html),
        path=relative,
        fetched_at=FETCHED + dt.timedelta(days=number - 2),
    )
    session.add(snapshot)
    session.flush()
    version = DocumentVersion(
        document_id=document.id,
        number=number,
        snapshot_id=snapshot.id,
        title=title,
        text=text,
        content_hash=f"console-kit-songdo-{number}",
        extractor_version="1",
    )
    session.add(version)
    session.flush()
    return version.id


def _seed_changes(app: App) -> dict[str, int]:
    ids: dict[str, int] = {}
    with app.session() as session:
        for role in Role:
            add_user(session, role.value, PASSWORD, role, cost=app.settings.password_hashing)
        for number, seed in enumerate(SEED_CHANGES):
            diff: dict[str, object] = {}
            if seed.before is not None and seed.after is not None:
                old_title, old_text = seed.before
                diff = {
                    "title": diff_text(old_title, seed.title).to_json(),
                    "body": diff_text(old_text, seed.after).to_json(),
                }
            record = ChangeRecord(
                kind=seed.kind,
                dedupe_key=f"console-kit-{number}",
                source_id=seed.source_id,
                title=seed.title,
                summary=seed.summary,
                significance=seed.significance,
                diff=diff,
                baseline=seed.baseline,
                released_at=seed.released.astimezone(dt.UTC),
                occurred_at=(seed.released + dt.timedelta(hours=2)).astimezone(dt.UTC),
                review_status=seed.review_status,
                reviewed_by="analyst" if seed.review_status != "new" else None,
                related_change_id=ids[seed.corrects] if seed.corrects else None,
            )
            record.entities = [ChangeEntity(entity_id=entity) for entity in seed.entities]
            record.topics = [ChangeTopic(topic_id=topic) for topic in seed.topics]
            session.add(record)
            session.flush()
            ids[seed.title] = record.id
    return ids


@dataclass
class LiveConsole:
    """The console served over HTTP on loopback, as ``zonewatch web`` serves it."""

    url: str
    app: App
    seeded: Seeded


@contextmanager
def live_console(data_dir: Path) -> Iterator[LiveConsole]:
    """Seed a fresh SQLite database in ``data_dir`` and serve it from a thread; stopped and
    disposed on exit. SQLite only: the pages' queries run on PostgreSQL in ``tests/web``."""
    app = configure(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'zonewatch.sqlite'}",
        secret_key=TEST_SECRET_KEY,
        public_url="http://127.0.0.1",
        **CHEAP_HASHING,
    )
    try:
        seeded = seed_console(app)
        server = make_server(app, "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, name="console", daemon=True)
        thread.start()
        try:
            yield LiveConsole(f"http://127.0.0.1:{server.server_port}", app, seeded)
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
    finally:
        app.dispose()


PREFERENCES_LINK = re.compile(r"https?://[^\s\"'<>]+/preferences/[^\s\"'<>]+")


def mailed_preferences_link(console: LiveConsole) -> str:
    """The preferences link as the subscriber reads it in an alert about a seeded change."""
    settings = console.app.settings
    with console.app.session() as session:
        person = session.get(Subscriber, console.seeded.subscriber)
        assert person is not None
        item = load_item(
            session, console.seeded.changes[STORED_CHANGE], person, person.subscriptions[0]
        )
        mail = alert_message(
            item,
            person,
            message_id="<browser-test@zonewatch>",
            unsubscribe_url=unsubscribe_url(
                settings.public_url, settings.signing_key, person.id, person.token_key
            ),
            preferences_url=preferences_link(settings, person),
            mail_from=settings.mail_from,
        )
    body = mail.get_body(("plain",))
    assert body is not None
    links: set[str] = set(PREFERENCES_LINK.findall(str(body.get_content())))
    assert len(links) == 1, links
    return links.pop().removeprefix(settings.public_url)


def ensure_chromedriver() -> tuple[str, str]:
    """Chromium (with a Korean font) and the matching Debian chromedriver, installed when
    missing; ServerUnavailableError when that is impossible here."""
    executable = ensure_chromium()
    ensure_debian_package("chromium-driver", CHROMEDRIVER.exists)
    if not os.access(CHROMEDRIVER, os.X_OK):
        raise ServerUnavailableError(f"{CHROMEDRIVER} is not executable")
    return executable, str(CHROMEDRIVER)


@contextmanager
def chrome(executable: str, driver: str) -> Iterator[webdriver.Chrome]:
    """A headless Chromium with a throwaway profile. The service's explicit path and the
    explicit binary keep Selenium Manager from resolving (or downloading) either."""
    options = webdriver.ChromeOptions()
    options.binary_location = executable
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    options.add_experimental_option("prefs", {"intl.accept_languages": "ko-KR,ko"})
    log = ROOT / "build" / "chromedriver.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    service = Service(executable_path=driver, log_output=str(log))
    opened = webdriver.Chrome(options=options, service=service)
    try:
        opened.set_page_load_timeout(WAIT)
        yield opened
    finally:
        opened.quit()


@dataclass
class ConsoleBrowser:
    """A browser pointed at one live console, with the steps every flow needs."""

    driver: webdriver.Chrome
    base_url: str
    artifacts: Path = field(default=ARTIFACTS)

    def reset(self) -> None:
        """Signed out, on a blank page: what every test starts from."""
        self.open("/static/console.css")  # cookies are deleted for the page's site only
        self.driver.delete_all_cookies()
        self.driver.get("about:blank")

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    @property
    def path(self) -> str:
        """The current page's path and query, without the server's address."""
        return str(self.driver.current_url).removeprefix(self.base_url)

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def submit(self, element: WebElement) -> None:
        """Click ``element`` (a button or link) and wait until the next page has loaded."""
        self.mark_page()
        element.click()
        self.wait_for_new_page()

    def mark_page(self) -> None:
        """Mark the current page, so that :meth:`wait_for_new_page` knows it was left.

        A marker in the page's window, not a stale element: Chromium's driver sometimes
        answers a check on an element of a page being left with an error of its own."""
        self.driver.execute_script(f"window.{PAGE_MARKER} = true")

    def wait_for_new_page(self) -> None:
        """Wait until the page marked by :meth:`mark_page` is gone and the next one loaded;
        while the browser is between the two, the driver's errors mean "not yet"."""
        script = f"return document.readyState === 'complete' && !('{PAGE_MARKER}' in window)"
        WebDriverWait(self.driver, WAIT, ignored_exceptions=(WebDriverException,)).until(
            lambda driver: driver.execute_script(script) is True
        )

    def sign_in(self, role: Role | str, password: str = PASSWORD) -> None:
        """Sign in through the login form as the user named after ``role``."""
        username = role.value if isinstance(role, Role) else role
        self.open("/login")
        self.find("#username").send_keys(username)
        self.find("#password").send_keys(password)
        self.submit(self.find("main form button[type=submit]"))

    def sign_out(self) -> None:
        self.submit(self.find("header form button[type=submit]"))

    @property
    def signed_in_as(self) -> str | None:
        """The header's "signed in as" line, or None on a page for visitors."""
        found = self.find_all("header .muted")
        return str(found[0].text) if found else None

    @contextmanager
    def emulated(self, width: int) -> Iterator[None]:
        """The current page laid out ``width`` CSS pixels wide (as a phone below 600 px):
        headless windows cannot be narrower than 500 px."""
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        try:
            yield
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def wider_than(self, width: int) -> list[str]:
        """The elements of the page that reach beyond ``width`` CSS pixels (a phone would
        scroll sideways), as ``tag#id.class``; what a box of its own scrolls (``.scroll``, a
        wide table) counts only if that box does not fit. Checked against the width given, as
        a phone's browser widens its layout to fit (and shrinks the page) when something
        overflows."""
        script = """
            const limit = arguments[0];
            return [...document.body.querySelectorAll('*')]
              .filter(e => e.getBoundingClientRect().right > limit + 1)
              .filter(e => { const box = e.parentElement && e.parentElement.closest('.scroll');
                             return !box || box.getBoundingClientRect().right > limit + 1; })
              .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                   + (e.className && typeof e.className === 'string'
                      ? '.' + e.className.trim().split(/\\s+/).join('.') : ''));
        """
        return list(self.driver.execute_script(script, width))

    def screenshot(self, name: str, width: int) -> Path:
        """The whole current page ``width`` CSS pixels wide as ``NAME-WIDTH.png`` in the
        artifacts folder. The width is emulated (headless windows are at least 500 px wide),
        as a phone when below 600 px."""
        with self.emulated(width):
            self.driver.execute_script("return document.fonts.ready.then(() => true)")
            shot = self.driver.execute_cdp_cmd(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}
            )
        self.artifacts.mkdir(parents=True, exist_ok=True)
        path = self.artifacts / f"{name}-{width}.png"
        path.write_bytes(base64.b64decode(shot["data"]))
        return path
