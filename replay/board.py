"""One board-site implementation; every ``site_*.py`` is a short :class:`Description` of it.

The real press rooms differ in URLs, markup, where the article id hides (an ``onclick`` on
the row, a ``javascript:`` link, a path segment), how fields are laid out and how files are
linked, but they all do the same things: a paged list, article pages, attachments, maybe a
feed. So the behaviour (routing, paging, pinned rows, conditional-friendly rendering, the
timeline's items) lives here once, and a site only says *what* its pages look like:

- :class:`Route` — a URL pattern such as ``/kor/article/ATCL3f49a5a8c/{id}/view`` or
  ``/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx={id}``; it both builds and matches URLs, so a
  site's routes and links can never disagree;
- :class:`Markup` — ``string.Template`` texts for the list page, a row, a pinned row, an
  article, a field pair, a file link, the ``<head>`` extras; the ``$names`` they may use are
  listed on :meth:`BoardSite.item_values`, :meth:`BoardSite.row_values` and
  :meth:`BoardSite.article_values`;
- :class:`Files` — the download (and preview) route of an attachment and the values that
  fill it (three 32-hex segments, a UUID, a ``fileId`` …).

Changing an unverified detail (a download URL form, a class name) is a one-line edit of the
site's description, never of this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import format_datetime
from functools import cached_property
from string import Template
from typing import Literal, Protocol
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

from zonewatch.replay.content import Attachment, Board, Item, Page
from zonewatch.replay.messages import (
    UTF8,
    Charset,
    Request,
    Response,
    method_not_allowed,
    redirect,
    xml_document,
)
from zonewatch.replay.pages import Chrome, Ctx, Site, TokenStyle, esc, paragraphs_html

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
Robots = Literal["allow", "missing", "deny-all"]
BrowserOnly = Literal["400", "reset"]


@dataclass(frozen=True)
class Route:
    """A URL pattern with ``{name}`` placeholders in path segments or query values.

    Fixed query parameters must be present with that value; extra parameters are ignored
    (session tokens, ``curPage`` on article links). For POST routes the form counts as query.
    """

    template: str

    @cached_property
    def path(self) -> str:
        return self.template.partition("?")[0]

    @cached_property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        query = self.template.partition("?")[2]
        return tuple(
            (key, value) for key, _, value in (p.partition("=") for p in query.split("&") if p)
        )

    @cached_property
    def regex(self) -> re.Pattern[str]:
        pattern = re.escape(self.path).replace(r"\{", "{").replace(r"\}", "}")
        return re.compile(_PLACEHOLDER.sub(r"(?P<\1>[^/]+)", pattern))

    def href(self, values: Mapping[str, str]) -> str:
        """The URL (unescaped for HTML): placeholders filled, query values percent-encoded."""
        path = _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.path)
        query = "&".join(
            f"{key}={quote(_PLACEHOLDER.sub(lambda m: values[m.group(1)], value), safe='')}"
            for key, value in self.pairs
        )
        return f"{path}?{query}" if query else path

    def match(self, request: Request) -> dict[str, str] | None:
        """The placeholder values if ``request`` is on this route, else None."""
        found = self.regex.fullmatch(request.path)
        if found is None:
            return None
        captured = dict(found.groupdict())
        args = {**request.query, **request.form}
        for key, value in self.pairs:
            name = _PLACEHOLDER.fullmatch(value)
            if name is not None:
                captured[name.group(1)] = args.get(key, "")
            elif args.get(key) != value:
                return None
        return captured


DT_DD = "<dt>$label</dt><dd>$value</dd>"
"""A field as a ``dt``/``dd`` pair (Busan, Daegu, Incheon)."""
LI_LINK = '<li><a href="$href">$name</a></li>'
"""A file as a plain link in a list item (the default)."""


@dataclass(frozen=True)
class Markup:
    """The site's own HTML, as templates (see the module docstring for the names)."""

    list_page: str
    row: str
    article: str
    pinned_row: str = ""
    field: str = DT_DD
    file: str = LI_LINK
    list_file: str = ""
    head: str = ""
    list_head: str = ""
    badge: str = ""
    prev: str = ""


@dataclass(frozen=True)
class Files:
    """How attachments are linked: ``values`` fill ``download`` (and ``viewer``) per file."""

    download: Route
    values: Callable[[Item, Attachment], dict[str, str]]
    viewer: Route | None = None
    fails_to: str | None = None
    """Every download answers 302 to this path (MOTIR in 2026), unless the option is off."""


@dataclass(frozen=True)
class Feed:
    """An RSS 2.0 feed of the board's newest items."""

    path: str
    title: str
    link: str
    description: str
    language: str
    pub_date: Callable[[Item], str]
    limit: int = 20
    guid: bool = False


class Source(Protocol):
    """Where a board site's items come from (a sample board, or korea.kr's releases)."""

    def page(self, state: int, number: int, size: int, request: Request) -> Page: ...

    def item(self, state: int, item_id: str) -> Item | None: ...

    def pairs(self, state: int) -> Iterable[tuple[Item, Attachment]]: ...


@dataclass(frozen=True)
class BoardSource:
    """A sample board; ``keep`` filters the list from request arguments (a search form)."""

    board: Board
    keep: Callable[[Request], Callable[[Item], bool] | None] | None = None

    def page(self, state: int, number: int, size: int, request: Request) -> Page:
        return self.board.page(state, number, size, self.keep(request) if self.keep else None)

    def item(self, state: int, item_id: str) -> Item | None:
        return self.board.item(state, item_id)

    def pairs(self, state: int) -> Iterable[tuple[Item, Attachment]]:
        return self.board.attachments(state)


def body_paragraphs(item: Item) -> str:
    return paragraphs_html(item.paragraphs)


def body_lines(item: Item) -> str:
    """Text with ``<br />`` between lines and no ``<p>`` (Incheon, MSS's escaped body)."""
    return "<br />\n".join(esc(text) for text in item.paragraphs)


POINTER = "<p>본 보도자료는 첨부파일을 참고하시기 바랍니다.</p>"


@dataclass(frozen=True)
class Description:
    """Everything that makes one real site different from the others."""

    host: str
    chrome: Chrome
    markup: Markup
    list_route: Route | None
    article_route: Route | None
    source_board: str | None = "main"
    files: Files | None = None
    feed: Feed | None = None
    charset: Charset = UTF8
    scheme: str = "https"
    token_style: TokenStyle = "sid"
    robots: Robots = "allow"
    robots_disallow: tuple[str, ...] = ()
    crawl_delay: float | None = None
    page_size: int = 10
    page_param: str = "page"
    pinned: int = 0
    date_format: str = "%Y-%m-%d"
    fields: tuple[tuple[str, str], ...] = ()
    body: Callable[[Item], str] = body_paragraphs
    pointer: str = POINTER
    og_title: str | None = None
    heading: str = "보도자료"
    article_method: str = "GET"
    browser_only: BrowserOnly | None = None
    new_days: int = 3
    size_param: str | None = None
    constants: Mapping[str, str] = field(default_factory=dict)
    quirk: Callable[[Request, int], Response | None] | None = None
    extra_entry_paths: tuple[str, ...] = ()
    error_paths: tuple[str, ...] = ()


class BoardSite(Site):
    """A site made from a :class:`Description` and a :class:`Source` of items."""

    def __init__(self, description: Description, source: Source | None, *, strict: bool = True):
        self.d = description
        self.source = source
        self.strict = strict
        self.host = description.host
        self.chrome = description.chrome
        self.charset = description.charset
        self.scheme = description.scheme
        self.token_style = description.token_style
        self.robots = description.robots
        self.robots_disallow = description.robots_disallow
        self.crawl_delay = description.crawl_delay
        self.page_size = description.page_size
        self.browser_only = description.browser_only
        first = (
            [description.list_route.href({description.page_param: "1", "board": "main"})]
            if description.list_route is not None
            else []
        )
        feed = [description.feed.path] if description.feed is not None else []
        self.entry_paths = (*first, *description.extra_entry_paths, *feed)

    # -- routing ----------------------------------------------------------------------------

    def handle(self, request: Request, ctx: Ctx) -> Response:
        d = self.d
        if d.files is not None and (found := d.files.download.match(request)) is not None:
            return self.download(ctx, found)
        viewer = d.files.viewer if d.files is not None else None
        if viewer is not None and (found := viewer.match(request)) is not None:
            pair = self.find_attachment(ctx.state, found, viewer)
            return self.not_found(ctx) if pair is None else self.viewer(ctx, pair[1])
        if d.feed is not None and request.path == d.feed.path:
            return self.rss(ctx)
        if request.path in d.error_paths:
            content = (
                '<div class="error"><h2>시스템 오류</h2><p>잠시 후 다시 시도해 주십시오.</p></div>'
            )
            return self.render(ctx, "오류", content, kind="error")
        if d.article_route is not None and (found := d.article_route.match(request)) is not None:
            if request.method != d.article_method and request.method != "HEAD":
                return method_not_allowed(d.article_method)
            return self.article(ctx, found)
        if d.list_route is not None and (found := d.list_route.match(request)) is not None:
            return self.list_page(request, ctx, found)
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def source_for(self, captured: Mapping[str, str]) -> Source | None:
        """The item source of a route (sites with several boards override this)."""
        return self.source

    def chrome_for(self, captured: Mapping[str, str]) -> Chrome:
        return self.chrome

    def route_values(self, item: Item) -> dict[str, str]:
        return {"id": item.id, "board": item.board, "date": item.day.isoformat()}

    def article_href(self, item: Item) -> str:
        if self.d.article_route is None:
            raise NotImplementedError(f"{self.host} has no article pages")
        return self.d.article_route.href(self.route_values(item))

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{self.article_href(item)}"

    def quirk(self, request: Request, count: int) -> Response | None:
        return self.d.quirk(request, count) if self.d.quirk is not None else None

    # -- attachments ------------------------------------------------------------------------

    def file_values(self, item: Item, attachment: Attachment) -> dict[str, str]:
        files = self.d.files
        if files is None:
            return {}
        values = {**self.route_values(item), **files.values(item, attachment)}
        values["href"] = files.download.href(values)
        values["viewer"] = files.viewer.href(values) if files.viewer is not None else ""
        return values

    def find_attachment(
        self, state: int, captured: Mapping[str, str], route: Route
    ) -> tuple[Item, Attachment] | None:
        """The attachment whose own values fill ``route`` the way the request did."""
        source = self.source_for(captured)
        if source is None or self.d.files is None:
            return None
        for item, attachment in source.pairs(state):
            values = {**self.route_values(item), **self.d.files.values(item, attachment)}
            if all(values.get(name) == value for name, value in captured.items()):
                return item, attachment
        return None

    def download(self, ctx: Ctx, captured: Mapping[str, str]) -> Response:
        assert self.d.files is not None
        pair = self.find_attachment(ctx.state, captured, self.d.files.download)
        if pair is None:
            return self.not_found(ctx)
        if self.d.files.fails_to is not None and self.strict:
            return redirect(self.d.files.fails_to)
        return self.file(*pair)

    # -- values for the templates -----------------------------------------------------------

    def item_values(self, item: Item, ctx: Ctx) -> dict[str, str]:
        """``$id $title $dept $writer $phone $agency $category $subtitle $summary $date
        $iso $dotted $href $href_token`` (escaped)."""
        href = self.article_href(item) if self.d.article_route is not None else ""
        return {
            **self.d.constants,
            "id": esc(item.id),
            "title": esc(item.title),
            "dept": esc(item.dept),
            "writer": esc(item.writer),
            "phone": esc(item.phone),
            "agency": esc(item.agency),
            "category": esc(item.category),
            "subtitle": esc(item.subtitle),
            "summary": esc(item.summary),
            "date": item.when.strftime(self.d.date_format),
            "iso": item.day.isoformat(),
            "dotted": item.day.strftime("%Y.%m.%d"),
            "href": esc(href),
            "href_token": esc(self.link(href, ctx)),
        }

    def files_html(self, item: Item, template: str) -> str:
        if not template:
            return ""
        rendered = []
        for attachment in item.attachments:
            values = {key: esc(value) for key, value in self.file_values(item, attachment).items()}
            size = len(attachment.data)
            values |= {
                "name": esc(attachment.name),
                "ext": attachment.name.rsplit(".", 1)[-1].lower(),
                "size": f"{size / 1024:.1f} KB" if size < 1 << 20 else f"{size / (1 << 20):.1f} MB",
                "size2": f"{size / 1024:,.2f} KB",
                "js_name": esc(attachment.name.replace("'", "\\'")),
                "kind_alt": "PDF 파일" if attachment.kind == "pdf" else "아래아한글 파일",
            }
            rendered.append(Template(template).substitute(values))
        return "\n".join(rendered)

    def row_values(
        self, item: Item, ctx: Ctx, number: int, extra: Mapping[str, str]
    ) -> dict[str, str]:
        """Item values plus ``$n`` (the running number), ``$views``, ``$badge``, ``$list_files``."""
        recent = (
            ctx.today
            >= item.day.isoformat()
            >= ((item.day.fromisoformat(ctx.today) - timedelta(days=self.d.new_days)).isoformat())
        )
        return {
            **self.item_values(item, ctx),
            **extra,
            "n": str(number),
            "views": str(item.list_views),
            "badge": self.d.markup.badge if recent else "",
            "list_files": self.files_html(item, self.d.markup.list_file),
        }

    def article_values(self, item: Item, ctx: Ctx, source: Source) -> dict[str, str]:
        """Item values plus ``$views $fields $body $body_escaped $files $prev $og $url
        $published``."""
        values = self.item_values(item, ctx)
        values["views"] = str(item.page_views)
        values["fields"] = "".join(
            Template(self.d.markup.field).substitute(label=label, value=values[key])
            for label, key in self.d.fields
        )
        body = self.article_body(item)
        older = self.older(item, ctx.state, source)
        return {
            **values,
            "body": body,
            "body_escaped": esc(body).replace("&#x27;", "'"),
            "files": self.files_html(item, self.d.markup.file),
            "prev": ""
            if older is None or not self.d.markup.prev
            else Template(self.d.markup.prev).substitute(self.item_values(older, ctx)),
            "og": esc(self.d.og_title or item.title),
            "url": esc(self.article_url(item)),
            "published": item.when.isoformat(),
        }

    def article_body(self, item: Item) -> str:
        return self.d.pointer if item.body_in_attachment else self.d.body(item)

    def older(self, item: Item, state: int, source: Source) -> Item | None:
        """The next older item ("이전글"): new items never change it, so pages stay stable."""
        if not self.d.markup.prev or not isinstance(source, BoardSource):
            return None
        items = source.board.items(state)
        index = items.index(item) if item in items else -1
        return items[index + 1] if 0 <= index < len(items) - 1 else None

    def list_values(
        self, request: Request, ctx: Ctx, captured: Mapping[str, str]
    ) -> dict[str, str]:
        """Values every row and the list page may use besides the item's (none by default)."""
        return {}

    # -- pages ------------------------------------------------------------------------------

    def list_page(self, request: Request, ctx: Ctx, captured: Mapping[str, str]) -> Response:
        source = self.source_for(captured)
        route = self.d.list_route
        if source is None or route is None:
            return self.not_found(ctx)
        number = _page_number(captured.get(self.d.page_param, "1"))
        page = source.page(ctx.state, number, self.list_size(request), request)
        extra = {
            "heading": esc(self.d.heading),
            **self.list_values(request, ctx, captured),
            "page": str(number),
        }
        markup = self.d.markup
        pinned = [] if ctx.empty_list or not self.d.pinned else self.pinned_items(ctx.state, source)
        pinned_html = "\n".join(
            Template(markup.pinned_row).substitute(self.row_values(item, ctx, 0, extra))
            for item in pinned
        )
        rows = "\n".join(
            Template(markup.row).substitute(
                self.row_values(item, ctx, page.row_number(index), extra)
            )
            for index, item in enumerate(() if ctx.empty_list else page.items)
        )
        content = Template(markup.list_page).substitute(
            extra,
            rows=rows,
            pinned=pinned_html,
            total=str(0 if ctx.empty_list else page.total),
            pager=self.pager(ctx, route, captured, page),
            **_classes(ctx),
        )
        return self.render(
            ctx,
            extra["heading"],
            content,
            kind="list",
            noisy=True,
            head=markup.list_head,
            chrome=self.chrome_for(captured),
        )

    def list_size(self, request: Request) -> int:
        """The page size, or the one a ``size_param`` asks for (1-100), like MOTIR's rowPageC."""
        if self.d.size_param is None:
            return self.page_size
        try:
            return min(100, max(1, int(request.arg(self.d.size_param, str(self.page_size)))))
        except ValueError:
            return self.page_size

    def pinned_items(self, state: int, source: Source) -> list[Item]:
        if not isinstance(source, BoardSource):
            return []
        return [item for item in source.board.items(state) if item.pinned][: self.d.pinned]

    def pager(self, ctx: Ctx, route: Route, captured: Mapping[str, str], page: Page) -> str:
        """Page links built from the list route itself (so they always parse back)."""

        def href(number: int) -> str:
            values = {**captured, self.d.page_param: str(number)}
            return esc(self.link(route.href(values), ctx))

        first_shown = max(1, page.number - 4)
        parts = [f'<a class="first" href="{href(1)}">처음</a>']
        for number in range(first_shown, min(page.last, first_shown + 9) + 1):
            current = number == page.number
            parts.append(
                f"<strong>{number}</strong>"
                if current
                else f'<a href="{href(number)}">{number}</a>'
            )
        parts.append(f'<a class="next" href="{href(min(page.last, page.number + 1))}">다음</a>')
        parts.append(f'<a class="last" href="{href(page.last)}">끝</a>')
        return f'<div class="paging">{"".join(parts)}</div>'

    def article(self, ctx: Ctx, captured: Mapping[str, str]) -> Response:
        source = self.source_for(captured)
        item = source.item(ctx.state, captured.get("id", "")) if source is not None else None
        if item is None or source is None:
            return self.not_found(ctx)
        values = self.article_values(item, ctx, source)
        content = Template(self.d.markup.article).substitute(values)
        head = Template(self.d.markup.head).substitute(values)
        return self.render(
            ctx,
            item.title,
            content,
            kind="article",
            head=head,
            modified=item,
            chrome=self.chrome_for(captured),
        )

    def rss(self, ctx: Ctx) -> Response:
        feed = self.d.feed
        if feed is None or self.source is None:
            return self.not_found(ctx)
        items = tuple(
            self.source.page(ctx.state, 1, feed.limit, Request("GET", self.host, "/")).items
        )
        entries = "\n".join(
            f"<item><title>{xml_escape(item.title)}</title>"
            f"<link>{xml_escape(self.article_url(item))}</link>"
            + (
                f'<guid isPermaLink="true">{xml_escape(self.article_url(item))}</guid>'
                if feed.guid
                else ""
            )
            + f"<description>{xml_escape(f'<p>{esc(item.summary)}</p>')}</description>"
            f"<pubDate>{feed.pub_date(item)}</pubDate></item>"
            for item in items
        )
        newest = max((item.modified for item in items), default=None)
        text = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>{xml_escape(feed.title)}</title>
<link>{xml_escape(self.origin + feed.link)}</link>
<description>{xml_escape(feed.description)}</description>
<language>{feed.language}</language>
<lastBuildDate>{format_datetime(newest) if newest else ""}</lastBuildDate>
{entries}
</channel>
</rss>
"""
        return xml_document(text, kind="feed", modified=newest)


def _page_number(text: str) -> int:
    """A 1-based page parameter; missing or junk means page 1, as on the real boards."""
    try:
        return max(1, int(text or "1"))
    except ValueError:
        return 1


def _classes(ctx: Ctx) -> dict[str, str]:
    """``$renewal``: the suffix list classes get under the ``empty_list`` fault."""
    return {"renewal": "_renewal" if ctx.empty_list else ""}
