"""www.korea.net — English policy news: an RSS 2.0 feed and article pages; UTF-8.

URLs
  feed      /koreanet/rss/news/2   (other feed numbers: 404)
  article   /NewsFocus/policies/view?articleId=N

Feed items: ``title``, ``link`` (https://www.korea.net/NewsFocus/policies/view?articleId=N),
``guid`` (same), ``description`` (escaped HTML), ``pubDate`` in RFC 822 with ``+0900``.
ETag/Last-Modified and 304 like every page; the feed changes only with its items.

Article markup::

  <div class="view-head"><h1 class="view-title">TITLE</h1>
    <span class="date">August 05, 2026</span></div>
  <div class="view-content"><p>…</p></div>
"""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape

from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.messages import Request, Response, xml_document
from zonewatch.replay.pages import BANNERS_EN, Chrome, Ctx, Site, esc, paragraphs_html

FEED = "/koreanet/rss/news/2"
VIEW = "/NewsFocus/policies/view"


class KoreaNet(Site):
    host = "www.korea.net"
    entry_paths = (FEED,)
    chrome = Chrome(
        name="korea.net",
        nav=(("News Focus", "/NewsFocus/policies"), ("RSS", FEED)),
        address="Korean Culture and Information Service, Sejong, Republic of Korea",
        lang="en",
        banners=BANNERS_EN,
        today_label="Today",
        skip="Skip to content",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return f"{self.origin}{VIEW}?articleId={item.id}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path == FEED:
            return self.feed(ctx)
        if request.path == VIEW:
            return self.article(ctx, request.arg("articleId"))
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def feed(self, ctx: Ctx) -> Response:
        items = self.board.items(ctx.state)
        entries = "\n".join(
            f"<item><title>{escape(item.title)}</title>"
            f"<link>{escape(self.article_url(item))}</link>"
            f'<guid isPermaLink="true">{escape(self.article_url(item))}</guid>'
            f"<description>{escape(f'<p>{esc(item.summary)}</p>')}</description>"
            f"<pubDate>{format_datetime(item.when)}</pubDate></item>"
            for item in items
        )
        newest = max((item.modified for item in items), default=None)
        text = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>korea.net : Policies</title>
<link>{self.origin}/NewsFocus/policies</link>
<description>The official website of the Republic of Korea</description>
<language>en</language>
<lastBuildDate>{format_datetime(newest) if newest else ""}</lastBuildDate>
{entries}
</channel>
</rss>
"""
        return xml_document(text, kind="feed", modified=newest)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        content = f"""<div class="news-view">
<div class="view-head"><h1 class="view-title">{esc(item.title)}</h1>
<span class="date">{item.day.strftime("%B %d, %Y")}</span></div>
<div class="view-content">
{paragraphs_html(item.paragraphs)}
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)
