"""www.fez.go.kr — KFEZ PR Center (경제자유구역 홍보센터) news, Korean and English; UTF-8.

The real markup is not recorded publicly; this is what an eGovFrame board of this kind
looks like, and the spiders keep its selectors configurable.

URLs ({lang} is ``ko`` or ``en``)
  list      /portal/{lang}/bbs/news/list.do?page=N
  article   /portal/{lang}/bbs/news/view.do?nttId=N
  file      /portal/cmm/fms/FileDown.do?atchFileId=FILE_{15 digits}&fileSn=K

List markup (``ul.news-list li a``); article links carry ``;jsessionid=`` (noise, changes
every state; drop it to get the identity URL)::

  <ul class="news-list">
  <li><a href="/portal/ko/bbs/news/view.do;jsessionid=TOKEN?nttId=1281">
    <strong class="tit">TITLE</strong><span class="date">2026.08.04</span></a></li>

Article markup (English: ``Registered`` / ``Views`` instead of 등록일 / 조회수)::

  <div class="bbs-view"><h4 class="tit">TITLE</h4>
    <dl class="info"><dt>등록일</dt><dd>2026-08-04</dd><dt>조회수</dt><dd>N</dd></dl>
    <div class="cont"><p>…</p></div>
    <ul class="attach"><li>
      <a href="/portal/cmm/fms/FileDown.do?atchFileId=FILE_…&amp;fileSn=0">NAME.pdf</a>
    </li></ul></div>
"""

from __future__ import annotations

import re
from typing import ClassVar

from zonewatch.replay.content import Catalog, Item, digest, number_from
from zonewatch.replay.messages import Request, Response
from zonewatch.replay.pages import BANNERS_EN, Chrome, Ctx, Site, esc, paragraphs_html

FILE = "/portal/cmm/fms/FileDown.do"
_ROUTE = re.compile(r"/portal/(ko|en)/bbs/news/(list|view)\.do")


def atch_file_id(host: str, board: str, item_id: str) -> str:
    return f"FILE_{number_from(digest(host, board, item_id), 15)}"


class Fez(Site):
    host = "www.fez.go.kr"
    entry_paths = ("/portal/ko/bbs/news/list.do?page=1", "/portal/en/bbs/news/list.do?page=1")
    chrome = Chrome(
        name="경제자유구역 홍보센터",
        nav=(
            ("뉴스", "/portal/ko/bbs/news/list.do"),
            ("경제자유구역 소개", "/portal/ko/contents/intro.do"),
            ("English", "/portal/en/bbs/news/list.do"),
        ),
        address="(30118) 세종특별자치시 한누리대로 402 산업통상부 경제자유구역기획단",
    )
    chrome_en: ClassVar[Chrome] = Chrome(
        name="KFEZ PR Center",
        nav=(
            ("News", "/portal/en/bbs/news/list.do"),
            ("About KFEZ", "/portal/en/contents/intro.do"),
            ("한국어", "/portal/ko/bbs/news/list.do"),
        ),
        address="402 Hannuri-daero, Sejong 30118, Republic of Korea",
        lang="en",
        banners=BANNERS_EN,
        today_label="Today",
        skip="Skip to content",
    )

    def __init__(self, catalog: Catalog) -> None:
        self.boards = {lang: catalog.board(self.host, lang) for lang in ("ko", "en")}

    def article_url(self, item: Item) -> str:
        return f"{self.origin}/portal/{item.board}/bbs/news/view.do?nttId={item.id}"

    def handle(self, request: Request, ctx: Ctx) -> Response:
        if match := _ROUTE.fullmatch(request.path):
            lang, action = match.groups()
            if action == "list":
                return self.list_page(request, ctx, lang)
            return self.article(ctx, lang, request.arg("nttId"))
        if request.path == FILE:
            wanted = (request.arg("atchFileId"), request.arg("fileSn", "0"))
            for board in self.boards.values():
                found = board.find_attachment(
                    ctx.state,
                    lambda item, att: (
                        (atch_file_id(self.host, item.board, item.id), str(att.sn)) == wanted
                    ),
                )
                if found is not None:
                    return self.file(*found)
            return self.not_found(ctx)
        if request.path == "/":
            return self.home(ctx)
        return self.not_found(ctx)

    def list_page(self, request: Request, ctx: Ctx, lang: str) -> Response:
        board = self.boards[lang]
        page = board.page(ctx.state, request.page_number("page"), self.page_size)
        base = f"/portal/{lang}/bbs/news"
        rows = "\n".join(
            f'<li><a href="{esc(self.link(f"{base}/view.do?nttId={item.id}", ctx))}">'
            f'<strong class="tit">{esc(item.title)}</strong>'
            f'<span class="date">{item.day.strftime("%Y.%m.%d")}</span></a></li>'
            for item in (() if ctx.empty_list else page.items)
        )
        heading = "News" if lang == "en" else "뉴스"
        content = f"""<div class="sub-cont">
<h3 class="sub-tit">{heading}</h3>
<ul class="{ctx.cls("news-list")}">
{rows}
</ul>
{self.pagination(ctx, f"{base}/list.do", {}, "page", page)}
</div>"""
        return self.render(
            ctx, heading, content, kind="list", noisy=True, chrome=self.chrome_for(lang)
        )

    def article(self, ctx: Ctx, lang: str, item_id: str) -> Response:
        item = self.boards[lang].item(ctx.state, item_id)
        if item is None:
            return self.not_found(ctx)
        registered, views = ("Registered", "Views") if lang == "en" else ("등록일", "조회수")
        file_id = atch_file_id(self.host, lang, item.id)
        files = "\n".join(
            f'<li><a href="{FILE}?atchFileId={file_id}&amp;fileSn={att.sn}">'
            f"{esc(att.name)}</a></li>"
            for att in item.attachments
        )
        content = f"""<div class="sub-cont">
<div class="bbs-view">
<h4 class="tit">{esc(item.title)}</h4>
<dl class="info"><dt>{registered}</dt><dd>{item.day.isoformat()}</dd>
<dt>{views}</dt><dd>{item.page_views}</dd></dl>
<div class="cont">
{paragraphs_html(item.paragraphs)}
</div>
<ul class="attach">
{files}
</ul>
</div>
</div>"""
        return self.render(
            ctx, item.title, content, kind="article", modified=item, chrome=self.chrome_for(lang)
        )

    def chrome_for(self, lang: str) -> Chrome:
        return self.chrome_en if lang == "en" else self.chrome
