"""How a generic spider reads a source: the ``parser`` block of a ``sources.yaml`` entry.

Selectors are CSS (as Scrapy/parsel understand them). Regular expressions pull ids and URLs
out of ``href``/``onclick`` attributes such as ``javascript:article.view('171830')``.
"""

from __future__ import annotations

import functools
import re
from typing import Literal

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import LxmlHTMLTranslator
from parsel import Selector
from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _check_regex(value: str | None, *, groups: int = 1, flags: int = 0) -> str | None:
    """Compile a pattern as the spider will, so a typo fails at load and not mid-crawl."""
    if value is not None:
        try:
            compiled = re.compile(value, flags)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {_one_line(exc)}") from exc
        if compiled.groups < groups:
            raise ValueError("the regular expression needs one capturing group")
    return value


@functools.cache
def _empty_page() -> Selector:
    return Selector(text="<html><body></body></html>")


def check_css(value: str | None) -> str | None:
    """A selector as parsel runs it in the spiders (``::text`` and ``::attr()`` allowed).

    It is run once on an empty page: that translates it to XPath and evaluates the XPath, the
    two steps that would otherwise fail on the first page of every crawl.
    """
    if value is not None:
        try:
            _empty_page().css(value)
        except (SelectorError, ValueError) as exc:
            raise ValueError(f"not a valid CSS selector: {_one_line(exc)}") from exc
    return value


def check_body_css(value: str | None) -> str | None:
    """A body container selector: the extractor matches it with lxml's translator, which knows
    no pseudo-elements, so ``div::text`` is refused here rather than on every article."""
    if value is not None:
        try:
            etree.XPath(LxmlHTMLTranslator().css_to_xpath(value))
        except (SelectorError, etree.XPathError) as exc:
            raise ValueError(f"not a valid CSS selector for a body: {_one_line(exc)}") from exc
    return value


def meta_selector(meta_property: str) -> str:
    """The selector that reads a ``<meta property=...>`` value, as the board spider uses it."""
    return f'meta[property="{meta_property}"]::attr(content)'


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

    @field_validator(
        "rows",
        "link",
        "list_title",
        "list_date",
        "list_department",
        "list_summary",
        "title",
        "date",
        "department",
        "subtitle",
        "attachments",
        "attachment_name",
        "attachment_link",
    )
    @classmethod
    def _selectors(cls, value: str | None) -> str | None:
        return check_css(value)

    @field_validator("body")
    @classmethod
    def _body_selector(cls, value: str | None) -> str | None:
        return check_body_css(value)

    @field_validator("date_meta")
    @classmethod
    def _meta_property(cls, value: str | None) -> str | None:
        if value is not None:
            check_css(meta_selector(value))
        return value

    @field_validator("id_pattern", "attachment_url_pattern")
    @classmethod
    def _regexes(cls, value: str | None) -> str | None:
        return _check_regex(value)

    @field_validator("attachment_skip")
    @classmethod
    def _skip_regex(cls, value: str) -> str:
        _check_regex(value, groups=0, flags=re.IGNORECASE)
        return value


class FeedParser(_Strict):
    """An RSS/Atom feed; article pages are fetched only when ``body`` is set."""

    body: str | None = Field(default=None, description="Body container on the linked page.")
    id_param: str | None = Field(default=None, description="Query parameter of the link as id.")
    strip_title_prefix: str | None = Field(
        default=r"^\[[^\]]{1,20}\]\s*", description="Regex removed from titles ('[부처] ')."
    )

    @field_validator("body")
    @classmethod
    def _body_selector(cls, value: str | None) -> str | None:
        return check_body_css(value)

    @field_validator("strip_title_prefix")
    @classmethod
    def _prefix_regex(cls, value: str | None) -> str | None:
        return _check_regex(value, groups=0)


class ApiParser(_Strict):
    """The korea.kr open press-release API."""

    window_days: int = Field(default=3, ge=1, le=3)
    lookback_days: int = Field(default=6, ge=1, le=60)
    rows_per_page: int = Field(default=100, ge=1, le=1000)
    key_setting: str = "korea_api_key"


PARSERS: dict[str, type[_Strict]] = {"board": BoardParser, "feed": FeedParser, "api": ApiParser}
