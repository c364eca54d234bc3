"""What every site module shares: the page chrome, the noise, pagination and the base class.

Noise is what changes between states without being content. It lives only where the real
sites have it and only where the timeline says:

- list pages (``noisy=True``): the footer date ("오늘 날짜 YYYY-MM-DD" / "Today …"), the
  banner order (rotated by state), and a session token on navigation and pagination links
  (``;jsessionid=…`` or ``sid=…``, per site) — plus the view counters the list shows;
- article pages: none, except the view counter of items marked ``hot`` in the samples. So an
  unchanged article page is byte-identical across states and conditional GETs get 304.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Template
from typing import Literal
from urllib.parse import urlencode

from zonewatch.replay.clock import today
from zonewatch.replay.content import Attachment, Item, Page, digest
from zonewatch.replay.documents import CONTENT_TYPES
from zonewatch.replay.messages import (
    UTF8,
    Charset,
    Kind,
    Request,
    Response,
    download,
    html_page,
)

TokenStyle = Literal["jsessionid", "sid"]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Ctx:
    """What a page may depend on besides the request: the state and the list-markup fault."""

    state: int
    empty_list: bool = False

    @property
    def today(self) -> str:
        return today(self.state).isoformat()

    def token(self, host: str) -> str:
        """The session id a site hands out in this state (changes with every state)."""
        return digest("session", host, str(self.state))[:32].upper()

    def cls(self, name: str) -> str:
        """A list class name; renamed under the ``empty_list`` fault, like a site redesign."""
        return f"{name}_renewal" if self.empty_list else name


BANNERS_KO: tuple[tuple[str, str], ...] = (
    ("대한민국 정책브리핑", "https://www.korea.kr/"),
    ("경제자유구역 홍보센터", "https://www.fez.go.kr/"),
    ("국민신문고", "https://www.epeople.go.kr/"),
    ("정부24", "https://www.gov.kr/"),
    ("공공데이터포털", "https://www.data.go.kr/"),
)
BANNERS_EN: tuple[tuple[str, str], ...] = (
    ("Invest KOREA", "https://www.investkorea.org/"),
    ("KFEZ", "https://www.fez.go.kr/portal/en/"),
    ("Korea.net", "https://www.korea.net/"),
    ("Visit Korea", "https://english.visitkorea.or.kr/"),
)


@dataclass(frozen=True)
class Chrome:
    """The parts of a site's pages around the content."""

    name: str
    nav: tuple[tuple[str, str], ...]
    address: str
    lang: str = "ko"
    banners: tuple[tuple[str, str], ...] = BANNERS_KO
    today_label: str = "오늘 날짜"
    skip: str = "본문 바로가기"


@cache
def _template() -> Template:
    text = (resources.files("zonewatch.replay") / "templates" / "page.html").read_text("utf-8")
    return Template(text)


def with_token(href: str, token: str, style: TokenStyle) -> str:
    """``href`` with a session token, the way JSP (``;jsessionid``) or PHP-ish sites add it."""
    if style == "jsessionid":
        path, separator, query = href.partition("?")
        return f"{path};jsessionid={token}{separator}{query}"
    return f"{href}{'&' if '?' in href else '?'}sid={token}"


def paragraphs_html(paragraphs: tuple[str, ...]) -> str:
    return "\n".join(f"<p>{esc(text)}</p>" for text in paragraphs)


_NUMBER = re.compile(r"\d[\d,.]*\d")
_HWP_SPAN_STYLES = (
    "font-family:'함초롬바탕';letter-spacing:-0.2pt;font-size:11pt;",
    "font-family:'함초롬바탕';font-size:11pt;",
)


def split_numbers(text: str) -> list[str]:
    """Cut ``text`` inside every number of two or more characters, as HWP's HTML export does.

    ``1,234억 원`` becomes ``1,2`` + ``34억 원``; ``250개사`` becomes ``25`` + ``0개사``.
    """
    pieces: list[str] = []
    start = 0
    for match in _NUMBER.finditer(text):
        cut = match.start() + (len(match.group()) + 1) // 2
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return [piece for piece in pieces if piece]


def hwp_export_html(paragraphs: tuple[str, ...], style: str | None = "HStyle0") -> str:
    """Paragraphs the way an HWP document exported to HTML looks (numbers split across spans).

    ``style`` is the paragraph class the export writes (MOTIR's pages carry none).
    """
    out = []
    for text in paragraphs:
        spans = "".join(
            f'<span style="{_HWP_SPAN_STYLES[index % 2]}">{esc(piece)}</span>'
            for index, piece in enumerate(split_numbers(text))
        )
        out.append(f'<p class="{style}">{spans}</p>' if style else f"<p>{spans}</p>")
    return "\n".join(out)


def size_label(size: int) -> str:
    """'47.9 KB' / '1.2 MB', as the boards print next to file names."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{size / 1024:.1f} KB"


class Site:
    """One real site: its host, chrome and routes. Subclasses implement :meth:`handle`.

    Board sites are :class:`zonewatch.replay.board.BoardSite` descriptions; only the open
    API is a direct subclass.
    """

    host: str
    chrome: Chrome
    charset: Charset = UTF8
    scheme: str = "https"
    token_style: TokenStyle = "jsessionid"
    robots: Literal["allow", "missing", "deny-all"] = "allow"
    robots_disallow: tuple[str, ...] = ()
    crawl_delay: float | None = None
    entry_paths: tuple[str, ...] = ()
    page_size: int = 10
    browser_only: Literal["400", "reset"] | None = None
    """Refuse clients whose User-Agent does not start with ``Mozilla/5.0``: an HTTP 400
    (KICOX's WAF) or a dropped connection (korea.kr's firewall)."""

    def handle(self, request: Request, ctx: Ctx) -> Response:
        raise NotImplementedError

    def quirk(self, request: Request, count: int) -> Response | None:
        """A site's own misbehaviour under the ``quirks`` fault (none by default)."""
        return None

    def article_url(self, item: Item) -> str:
        """The real absolute URL of an article, for the timeline and for feeds."""
        raise NotImplementedError

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"

    def link(self, href: str, ctx: Ctx) -> str:
        """``href`` carrying this state's session token (list pages only)."""
        return with_token(href, ctx.token(self.host), self.token_style)

    def render(
        self,
        ctx: Ctx,
        title: str,
        content: str,
        *,
        kind: Kind = "page",
        noisy: bool = False,
        head: str = "",
        modified: Item | Attachment | None = None,
        status: int = 200,
        chrome: Chrome | None = None,
    ) -> Response:
        """A full page in the site's chrome and charset; ``noisy`` pages carry the noise."""
        chrome = chrome or self.chrome
        token = ctx.token(self.host)
        nav = "\n".join(
            f'<li><a href="{esc(with_token(href, token, self.token_style) if noisy else href)}">'
            f"{esc(label)}</a></li>"
            for label, href in chrome.nav
        )
        banners = list(chrome.banners)
        if noisy:
            shift = ctx.state % len(banners)
            banners = banners[shift:] + banners[:shift]
        banner_html = "\n".join(
            f'<li><a href="{esc(href)}" target="_blank" title="새창">{esc(label)}</a></li>'
            for label, href in banners
        )
        today_html = f'<p class="today">{chrome.today_label} {ctx.today}</p>' if noisy else ""
        text = _template().substitute(
            lang=chrome.lang,
            meta=self.charset.meta,
            title=esc(f"{title} | {chrome.name}" if title != chrome.name else title),
            head=head,
            skip=esc(chrome.skip),
            home="/",
            site_name=esc(chrome.name),
            nav=nav,
            banners=banner_html,
            content=content,
            address=esc(chrome.address),
            today=today_html,
            copyright=f"Copyright &copy; {esc(chrome.name)}. All rights reserved.",
        )
        return html_page(
            text,
            self.charset,
            kind=kind,
            status=status,
            modified=modified.modified if modified is not None else None,
        )

    def not_found(self, ctx: Ctx) -> Response:
        content = (
            '<div class="error-page"><h2>요청하신 페이지를 찾을 수 없습니다.</h2>'
            "<p>주소가 잘못되었거나 삭제된 게시물입니다.</p></div>"
        )
        return self.render(ctx, "404 Not Found", content, kind="error", status=404)

    def home(self, ctx: Ctx) -> Response:
        """The front page: just the chrome and links to the boards."""
        links = "\n".join(
            f'<li><a href="{esc(self.link(href, ctx))}">{esc(label)}</a></li>'
            for label, href in self.chrome.nav
        )
        content = f'<div class="main-board"><ul class="quick">{links}</ul></div>'
        return self.render(ctx, self.chrome.name, content, noisy=True)

    def pagination(self, ctx: Ctx, base: str, params: dict[str, str], name: str, page: Page) -> str:
        """Page links as on the boards: first, numbers around the current page, next, last."""

        def href(number: int) -> str:
            query = urlencode({**params, name: str(number)})
            return esc(self.link(f"{base}?{query}", ctx))

        first_shown = max(1, page.number - 4)
        numbers = range(first_shown, min(page.last, first_shown + 9) + 1)
        parts = [f'<a class="first" href="{href(1)}">처음</a>']
        for number in numbers:
            if number == page.number:
                parts.append(f"<strong>{number}</strong>")
            else:
                parts.append(f'<a href="{href(number)}">{number}</a>')
        parts.append(f'<a class="next" href="{href(min(page.last, page.number + 1))}">다음</a>')
        parts.append(f'<a class="last" href="{href(page.last)}">끝</a>')
        return f'<div class="paging">{"".join(parts)}</div>'

    def file(self, item: Item, attachment: Attachment) -> Response:
        """The attachment itself (generated, cached)."""
        return download(
            attachment.data,
            attachment.name,
            CONTENT_TYPES[attachment.kind],
            attachment.modified,
        )

    def viewer(self, ctx: Ctx, attachment: Attachment) -> Response:
        """The HTML preview ("미리보기", "바로보기") some boards offer next to a file."""
        content = (
            f'<div class="doc-viewer"><h2>{esc(attachment.name)}</h2>'
            f"{paragraphs_html((attachment.title, *attachment.paragraphs))}</div>"
        )
        return self.render(ctx, attachment.name, content, modified=attachment)
