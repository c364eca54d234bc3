"""www.korea.net — English policy news: an RSS 2.0 feed and article pages; UTF-8.

After ``sources.md`` (2nd edition): the feed ``/koreanet/rss/news/2``; item links
``/NewsFocus/{Section}/view?articleId=N`` with several sections (the sample's ``category``,
else ``policies``; any section answers for an id, as on the site).

Feed items: ``title``, ``link``, ``guid`` (same), ``description`` (escaped HTML), ``pubDate``
in RFC 822 with ``+0900``. Article markup (**unverified**): ``div.view-head h1.view-title``,
``span.date`` ("August 05, 2026"), ``div.view-content``.
"""

from __future__ import annotations

from email.utils import format_datetime

from zonewatch.replay.board import BoardSite, BoardSource, Description, Feed, Markup, Route
from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.pages import BANNERS_EN, Chrome

ARTICLE = """<div class="news-view">
<div class="view-head"><h1 class="view-title">$title</h1>
<span class="date">$date</span></div>
<div class="view-content">
$body
</div>
</div>"""

DESCRIPTION = Description(
    host="www.korea.net",
    chrome=Chrome(
        name="korea.net",
        nav=(("News Focus", "/NewsFocus/policies"), ("RSS", "/koreanet/rss/news/2")),
        address="Korean Culture and Information Service, Sejong, Republic of Korea",
        lang="en",
        banners=BANNERS_EN,
        today_label="Today",
        skip="Skip to content",
    ),
    markup=Markup(list_page="", row="", article=ARTICLE),
    list_route=None,
    article_route=Route("/NewsFocus/{section}/view?articleId={id}"),
    feed=Feed(
        path="/koreanet/rss/news/2",
        title="korea.net : Policies",
        link="/NewsFocus/policies",
        description="The official website of the Republic of Korea",
        language="en",
        pub_date=lambda item: format_datetime(item.when),
        limit=50,
        guid=True,
    ),
    date_format="%B %d, %Y",
)


class KoreaNet(BoardSite):
    """Article URLs name a section, which the description's route fills from the item."""

    def route_values(self, item: Item) -> dict[str, str]:
        return {**super().route_values(item), "section": item.category or "policies"}


def build(catalog: Catalog) -> BoardSite:
    return KoreaNet(DESCRIPTION, BoardSource(catalog.board(DESCRIPTION.host)))
