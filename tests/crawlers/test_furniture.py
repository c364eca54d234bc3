"""Page furniture named in a source's ``ignore.selectors`` is gone before anything is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from scrapy.http import HtmlResponse

from zonewatch.config.sources import SourceSpec
from zonewatch.crawlers.spiders.board import BoardSpider

PAGE = (
    "<html><body><h3 class='title'>송도 바이오 클러스터</h3>"
    "<div class='view-content'><p>목표 입주기업 250개사.</p></div>"
    "<div class='hit'>조회수 1,204</div></body></html>"
)


def spider(tmp_path: Path, ignore: dict[str, list[str]] | None) -> BoardSpider:
    spec = SourceSpec.model_validate(
        {
            "id": "ifez-press",
            "name": "IFEZ",
            "owner": "ifez",
            "language": "ko",
            "kind": "board",
            "url": "https://www.ifez.go.kr/list",
            "parser": {
                "list_url": "/list?page={page}",
                "rows": "tr",
                "link": "a",
                "id_param": "id",
                "title": "h3.title",
                "body": "div.view-content",
            },
            **({"ignore": ignore} if ignore else {}),
        }
    )
    return BoardSpider(spec, {}, tmp_path, dt.datetime(2026, 5, 1, tzinfo=dt.UTC))


def test_decode_drops_the_furniture_a_source_names(tmp_path: Path) -> None:
    response = HtmlResponse(
        "https://www.ifez.go.kr/view/1", body=PAGE.encode(), headers={"Content-Type": "text/html"}
    )
    html, _, page = spider(tmp_path, {"selectors": ["div.hit"]}).decode(response)
    assert "조회수" not in html
    assert page.css("div.hit") == []
    assert page.css("div.view-content p::text").get() == "목표 입주기업 250개사."
    plain, _, _ = spider(tmp_path, None).decode(response)
    assert "조회수" in plain
