"""info.daegu.go.kr — 대구광역시 news room (보도자료, mkey 26); served as EUC-KR over http.

URLs (relative links, as the site writes them: ``./mtnmain.php?…`` under ``/newshome/``)
  list      /newshome/mtnmain.php?mtnkey=scatelist&mkey=26&page=N
  article   /newshome/mtnmain.php?mtnkey=articleview&mkey=scatelist&mkey2=26&aid=N

List markup (``ul.news_list li a``); the list has **no dates**, only in the article::

  <ul class="news_list">
  <li><a href="./mtnmain.php?mtnkey=articleview&amp;mkey=scatelist&amp;mkey2=26&amp;aid=12345">
    TITLE</a></li>

Article markup::

  <div class="article_head"><h2>TITLE</h2>
    <span class="article_date">입력 2026-08-04 10:11</span></div>
  <div class="article_view_content"><p>…</p></div>

The text stays within EUC-KR (KS X 1001), unlike IFEZ. No attachments.
"""

from __future__ import annotations

from zonewatch.replay.content import Catalog, Item
from zonewatch.replay.messages import EUC_KR, Request, Response
from zonewatch.replay.pages import Chrome, Ctx, Site, esc, paragraphs_html

SCRIPT = "/newshome/mtnmain.php"
CATEGORY = "26"


class Daegu(Site):
    host = "info.daegu.go.kr"
    scheme = "http"
    charset = EUC_KR
    token_style = "sid"
    entry_paths = (f"{SCRIPT}?mtnkey=scatelist&mkey={CATEGORY}&page=1",)
    chrome = Chrome(
        name="대구시 뉴스룸",
        nav=(
            ("보도자료", f"{SCRIPT}?mtnkey=scatelist&mkey={CATEGORY}"),
            ("시정뉴스", f"{SCRIPT}?mtnkey=scatelist&mkey=1"),
        ),
        address="(41911) 대구광역시 중구 공평로 88 대구광역시청",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.board = catalog.board(self.host)

    def article_url(self, item: Item) -> str:
        return (
            f"{self.origin}{SCRIPT}?mtnkey=articleview&mkey=scatelist&mkey2={CATEGORY}"
            f"&aid={item.id}"
        )

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if request.path == SCRIPT:
            action = request.arg("mtnkey")
            if action == "scatelist" and request.arg("mkey") == CATEGORY:
                return self.list_page(request, ctx)
            if action == "articleview" and request.arg("mkey2") == CATEGORY:
                return self.article(ctx, request.arg("aid"))
        if request.path in ("/", "/newshome/"):
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx) -> Response:
        page = self.board.page(ctx.state, request.page_number("page"), self.page_size)
        rows = "\n".join(
            f'<li><a href="./mtnmain.php?mtnkey=articleview&amp;mkey=scatelist&amp;'
            f'mkey2={CATEGORY}&amp;aid={item.id}">{esc(item.title)}</a></li>'
            for item in (() if ctx.empty_list else page.items)
        )
        params = {"mtnkey": "scatelist", "mkey": CATEGORY}
        content = f"""<div id="news_wrap">
<h3 class="cate_title">보도자료</h3>
<ul class="{ctx.cls("news_list")}">
{rows}
</ul>
{self.pagination(ctx, SCRIPT, params, "page", page)}
</div>"""
        return self.render(ctx, "보도자료", content, kind="list", noisy=True)

    def article(self, ctx: Ctx, item_id: str) -> Response:
        item = self.board.item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        content = f"""<div id="news_wrap">
<div class="article_head"><h2>{esc(item.title)}</h2>
<span class="article_date">입력 {item.when.strftime("%Y-%m-%d %H:%M")}</span></div>
<div class="article_view_content">
{paragraphs_html(item.paragraphs)}
</div>
</div>"""
        return self.render(ctx, item.title, content, kind="article", modified=item)
