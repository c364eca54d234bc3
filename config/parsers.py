"""How a generic spider reads a source: the ``parser`` block of a ``sources.yaml`` entry.

Selectors are CSS (as Scrapy/parsel understand them). Regular expressions pull ids and URLs
out of ``href``/``onclick`` attributes such as ``javascript:article.view('171830')``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            compiled = re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        if compiled.groups < 1:
            raise ValueError("the regular expression needs one capturing group")
    return value


class BoardParser(_Strict):
    """A press-release board: list pages of rows, each leading to an article page."""

    list_url: str = Field(description="List page URL with {page}, e.g. '...?pageIndex={page}'.")
    first_page: int = 1
    max_pages: int = Field(default=3, ge=1, le=200)
    rows: str = Field(description="One element per item on the list page.")
    link: str | None = Field(
        default=None,
        description="Inside a row: the element whose href/onclick leads on (default: the row).",
    )
    id_pattern: str | None = Field(
        default=None, description="Regex over href and onclick; group 1 is the site's id."
    )
    id_param: str | None = Field(default=None, description="Query parameter holding the id.")
    article_url: str | None = Field(
        default=None, description="Template with {id}; default: the link's href."
    )
    article_method: Literal["GET", "POST"] = "GET"
    article_form: dict[str, str] = Field(
        default_factory=dict, description="POST fields; values may use {id}."
    )
    list_title: str | None = None
    list_date: str | None = None
    list_department: str | None = None
    list_summary: str | None = None
    title: str | None = None
    date: str | None = None
    date_meta: str | None = Field(default=None, description="<meta property> holding the date.")
    department: str | None = None
    subtitle: str | None = None
    body: str | None = Field(default=None, description="Body container; default: main content.")
    attachments: str | None = None
    attachment_url_pattern: str | None = None
    attachment_skip: str = Field(default="미리보기|바로보기|viewer|preview")
    attachment_name: str | None = Field(
        default=None, description="Inside an attachment element: where its name is."
    )
    attachment_link: str | None = Field(
        default=None, description="Inside an attachment element: the download link."
    )
    hwp_html: bool = Field(default=False, description="Bodies are HWP exports: repair them.")

    @field_validator("id_pattern", "attachment_url_pattern")
    @classmethod
    def _regexes(cls, value: str | None) -> str | None:
        return _check_regex(value)


class FeedParser(_Strict):
    """An RSS/Atom feed; article pages are fetched only when ``body`` is set."""

    body: str | None = Field(default=None, description="Body container on the linked page.")
    id_param: str | None = Field(default=None, description="Query parameter of the link as id.")
    strip_title_prefix: str | None = Field(
        default=r"^\[[^\]]{1,20}\]\s*", description="Regex removed from titles ('[부처] ')."
    )


class ApiParser(_Strict):
    """The korea.kr open press-release API."""

    window_days: int = Field(default=3, ge=1, le=3)
    lookback_days: int = Field(default=6, ge=1, le=60)
    rows_per_page: int = Field(default=100, ge=1, le=1000)
    key_setting: str = "korea_api_key"


PARSERS: dict[str, type[_Strict]] = {"board": BoardParser, "feed": FeedParser, "api": ApiParser}
