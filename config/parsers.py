"""How a generic spider reads a source: the ``parser`` block of a ``sources.yaml`` entry.

Selectors are CSS (as Scrapy/parsel understand them). Regular expressions pull ids and URLs
out of ``href``/``onclick`` attributes such as ``javascript:article.view('171830')``.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Literal

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import LxmlHTMLTranslator
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from zonewatch.config.feed_defaults import TITLE_PREFIX

if TYPE_CHECKING:
    from parsel import Selector


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
    """Loads parsel only when a configured selector is checked: a feed read with the default
    parser never needs it."""
    from parsel import Selector

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


_ID_SOURCE = re.compile(r"^(row|link)@[A-Za-z_:][-A-Za-z0-9_:.]*$")
_TEMPLATE_GROUP = re.compile(r"\{(\d+)\}")


class BoardParser(_Strict):
    """A press-release board: list pages of rows, each leading to an article page.

    Every value the spider extracts comes from a selector named here; the only fallbacks are
    the ones a source names itself (``title_fallback``, ``body_fallback``), because a fallback
    that fills a broken selector with the site's name or an empty body hides a broken source.
    """

    list_url: str = Field(description="List page URL with {page}, e.g. '...?pageIndex={page}'.")
    first_page: int = 1
    max_pages: int = Field(default=3, ge=1, le=200)
    rows: str = Field(description="One element per item on the list page (scope it here).")
    pinned: str | None = Field(
        default=None,
        description="A row is pinned (repeated on every page) when this matches it or inside it.",
    )
    link: str | None = Field(
        default=None,
        description="Inside a row: the element whose href/onclick leads on (default: the row).",
    )
    id_from: tuple[str, ...] = Field(
        default=("link@href", "link@onclick"),
        description="Where the id is read, in order: 'row@ATTR' or 'link@ATTR'.",
    )
    id_pattern: str | None = Field(
        default=None, description="Regex over the id_from values; group 1 is the site's id."
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
    list_fields: str | None = Field(
        default=None,
        description="Inside a row: label elements whose next sibling element holds the value.",
    )
    list_date_label: str | None = None
    list_department_label: str | None = None
    title: str | None = None
    title_fallback: Literal["og:title", "list"] | None = Field(
        default=None,
        description="Where the title is read when the title selector finds none: the page's "
        "og:title, or the title its list row showed.",
    )
    title_strip: str | None = Field(default=None, description="Regex removed from titles.")
    site_names: tuple[str, ...] = Field(
        default=(), description="Names of the site a title must never be (besides the owner's)."
    )
    date: str | None = None
    date_meta: str | None = Field(default=None, description="<meta property> holding the date.")
    department: str | None = None
    subtitle: str | None = None
    fields: str | None = Field(
        default=None,
        description="Article label elements whose next sibling element holds the value.",
    )
    date_label: str | None = None
    department_label: str | None = None
    subtitle_label: str | None = None
    body: str | None = Field(default=None, description="Body container.")
    body_escaped: bool = Field(
        default=False,
        description="The body element (a textarea) holds HTML-escaped HTML: unescape, then read.",
    )
    body_required: bool = Field(
        default=True,
        description="A missing or empty body is an error; false for sources whose text is "
        "often only in attachments (then a missing body is a warning).",
    )
    body_fallback: Literal["main_text"] | None = Field(
        default=None, description="Read the page's main text when the body selector finds none."
    )
    attachments: str | None = None
    attachment_url_pattern: str | None = Field(
        default=None,
        description="Regex over the link's href and onclick; group 1 is the URL unless "
        "attachment_url_template builds it from the groups ({1}, {2}, ...).",
    )
    attachment_url_template: str | None = None
    attachment_skip: str = Field(default="미리보기|바로보기|viewer|preview")
    attachment_name: str | None = Field(
        default=None, description="Inside an attachment element: where its name is."
    )
    attachment_link: str | None = Field(
        default=None, description="Inside an attachment element: the download link."
    )
    attachments_fetch: bool = Field(
        default=True, description="False: record name and link only, never download."
    )
    attachments_unavailable: str | None = Field(
        default=None, description="Why attachments are not fetched (required with fetch off)."
    )
    hwp_html: bool = Field(default=False, description="Bodies are HWP exports: repair them.")

    @field_validator(
        "rows",
        "pinned",
        "link",
        "list_title",
        "list_date",
        "list_department",
        "list_summary",
        "list_fields",
        "title",
        "date",
        "department",
        "subtitle",
        "fields",
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

    @field_validator("attachment_skip", "title_strip")
    @classmethod
    def _plain_regex(cls, value: str | None) -> str | None:
        return _check_regex(value, groups=0, flags=re.IGNORECASE)

    @field_validator("id_from")
    @classmethod
    def _id_sources(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("name at least one place, e.g. 'link@href'")
        for entry in value:
            if not _ID_SOURCE.match(entry):
                raise ValueError(f"not 'row@ATTRIBUTE' or 'link@ATTRIBUTE': {entry!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> BoardParser:
        """Settings that only work together are checked together, at load."""
        if self.title is None and self.title_fallback is None:
            raise ValueError("give 'title' (a selector) or 'title_fallback'")
        if self.body is None and self.body_fallback is None and self.body_required:
            raise ValueError("give 'body' (a selector), 'body_fallback' or 'body_required: false'")
        if self.body_escaped and self.body is None:
            raise ValueError("'body_escaped' needs 'body'")
        for label in ("date_label", "department_label", "subtitle_label"):
            if getattr(self, label) is not None and self.fields is None:
                raise ValueError(f"'{label}' needs 'fields' (the label elements)")
        for label in ("list_date_label", "list_department_label"):
            if getattr(self, label) is not None and self.list_fields is None:
                raise ValueError(f"'{label}' needs 'list_fields' (the label elements)")
        if not self.attachments_fetch and not self.attachments_unavailable:
            raise ValueError("'attachments_fetch: false' needs 'attachments_unavailable' (why)")
        self._check_template()
        return self

    def _check_template(self) -> None:
        if self.attachment_url_template is None:
            return
        if self.attachment_url_pattern is None:
            raise ValueError("'attachment_url_template' needs 'attachment_url_pattern'")
        groups = re.compile(self.attachment_url_pattern).groups
        for number in _TEMPLATE_GROUP.findall(self.attachment_url_template):
            if not 1 <= int(number) <= groups:
                raise ValueError(
                    f"attachment_url_template: {{{number}}} is not a group of the pattern"
                )


class FeedParser(_Strict):
    """An RSS/Atom feed; article pages are fetched only when ``body`` is set."""

    body: str | None = Field(default=None, description="Body container on the linked page.")
    body_escaped: bool = Field(
        default=False, description="The body element holds HTML-escaped HTML (see BoardParser)."
    )
    id_param: str | None = Field(default=None, description="Query parameter of the link as id.")
    strip_title_prefix: str | None = Field(
        default=TITLE_PREFIX,
        description="Regex removed from titles (a bracketed tag such as '[보도자료] ').",
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
