"""What a board source's configuration reads from one list page or one article page.

Pure functions over a parsed page, shared by the board spider, ``zonewatch parse-page`` and
``zonewatch sources check``, so the three can never disagree about a page. Every selector that
the configuration requires and that finds nothing is a *problem* naming the source, the page
and the selector; a fatal problem means nothing may be stored from the page, because a value
filled in despite it (the site's name as a title, an empty body) would look plausible and be
wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, quote, urljoin, urlsplit

from parsel import Selector, SelectorList

from zonewatch.config.parsers import BoardParser, meta_selector
from zonewatch.config.sources import SourceSpec
from zonewatch.config.zones import load_zone_model
from zonewatch.crawlers.extract import extract_body, html_to_text, parse_published, select_text
from zonewatch.urls import without_session_ids

_SIZE_HINT = re.compile(r"\s*[\[(]\s*([\d.,]+)\s*(bytes|[KMG]B?)\s*[\])]\s*$", re.IGNORECASE)
_UNITS = {"bytes": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2}
_UNITS |= {"g": 1024**3, "gb": 1024**3}
_TEMPLATE_GROUP = re.compile(r"\{(\d+)\}")


@dataclass(frozen=True)
class Problem:
    """One thing the configuration expected and the page does not have."""

    message: str
    fatal: bool = True


@dataclass(frozen=True)
class Probe:
    """A configured selector and how many elements it matched on the page."""

    setting: str
    selector: str
    matches: int


@dataclass
class ListRow:
    external_id: str
    url: str
    title: str | None
    date: str | None
    published_at: dt.datetime | None
    department: str | None
    summary: str | None
    pinned: bool = False


@dataclass(frozen=True)
class AttachmentLink:
    name: str
    url: str
    size_hint: int | None = None


@dataclass
class ListPage:
    rows: list[ListRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(problem.fatal for problem in self.problems)


@dataclass
class ArticlePage:
    title: str = ""
    subtitle: str | None = None
    text: str = ""
    published_at: dt.datetime | None = None
    department: str | None = None
    attachments: list[AttachmentLink] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    probes: list[Probe] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(problem.fatal for problem in self.problems)


class _Reader:
    """Collects probes and problems while one page is read; messages name source and page."""

    def __init__(self, source: SourceSpec, url: str, where: str | None) -> None:
        self.source = source
        self.url = url
        self.where = where or url
        self.problems: list[Problem] = []
        self.probes: list[Probe] = []

    def select(
        self, scope: Selector | SelectorList[Selector], setting: str, css: str
    ) -> SelectorList[Selector]:
        found = scope.css(css)
        self.probes.append(Probe(setting, css, len(found)))
        return found

    def problem(self, text: str, *, fatal: bool = True) -> None:
        hint = "" if self.source.verified else " (markup unverified)"
        self.problems.append(Problem(f"{self.source.id}: {text} on {self.where}{hint}", fatal))

    def missing(self, setting: str, css: str, *, fatal: bool = True) -> None:
        self.problem(f"{setting} selector {css!r} matched nothing", fatal=fatal)


def text_of(selection: Selector | SelectorList[Selector]) -> str:
    """All text inside the selection, whitespace collapsed."""
    parts = selection.css("::text").getall() if selection else []
    return " ".join(" ".join(parts).split())


def split_size_hint(name: str) -> tuple[str, int | None]:
    """'보도자료.pdf [47.9 KB]' -> ('보도자료.pdf', 49049): sites append sizes to file names."""
    match = _SIZE_HINT.search(name)
    if not match:
        return name.strip(), None
    number = float(match.group(1).replace(",", ""))
    return name[: match.start()].strip(), int(number * _UNITS[match.group(2).lower()])


def _label(text: str) -> str:
    return " ".join(text.split()).rstrip(" :：")


def labelled_value(labels: SelectorList[Selector], label: str) -> str | None:
    """The text of the element right after the label element whose text is ``label``.

    Covers ``<em>LABEL</em><span>VALUE</span>``, ``<th>LABEL</th><td>VALUE</td>`` and
    ``<dt>LABEL</dt><dd>VALUE</dd>``: the value is found by its label, never by position,
    so a field added or dropped by the site does not shift every other field.
    """
    wanted = _label(label)
    for element in labels:
        if _label(text_of(element)) == wanted:
            return text_of(element.xpath("following-sibling::*[1]"))
    return None


def site_names_for(source: SourceSpec, zones_file: Path | None) -> frozenset[str]:
    """The names a title of this source must never be: its owner's names in the zone model."""
    entity = load_zone_model(zones_file).by_id().get(source.owner)
    if entity is None:
        return frozenset()
    return frozenset({entity.name.ko, entity.name.en, *entity.abbreviations})


# -- list pages ----------------------------------------------------------------------------


def read_list(source: SourceSpec, page: Selector, url: str, where: str | None = None) -> ListPage:
    """The rows of a list page, each with its id and article URL, as configured.

    ``url`` resolves relative links; ``where`` names the page in messages (default: url).
    """
    parser = source.board_parser()
    reader = _Reader(source, url, where)
    rows = reader.select(page, "rows", parser.rows)
    result = ListPage()
    if not rows:
        reader.missing("rows", parser.rows)
    for number, row in enumerate(rows, start=1):
        listed = _read_row(parser, reader, row, number, url)
        if listed is not None:
            result.rows.append(listed)
    result.problems, result.probes = reader.problems, _merged(reader.probes)
    return result


def _read_row(
    parser: BoardParser, reader: _Reader, row: Selector, number: int, url: str
) -> ListRow | None:
    link = row.css(parser.link) if parser.link else SelectorList([row])
    if parser.link:
        reader.probes.append(Probe("link", parser.link, len(link)))
    if not link:
        reader.problem(f"row {number}: link selector {parser.link!r} matched nothing")
        return None
    external_id = row_id(parser, row, link[0], url)
    if external_id is None:
        how = f"id_pattern {parser.id_pattern!r}" if parser.id_pattern else "the id"
        reader.problem(f"row {number}: {how} found no id in {', '.join(parser.id_from)}")
        return None
    href = link[0].attrib.get("href", "")
    if parser.article_url:
        article = urljoin(reader.source.url, parser.article_url.format(id=external_id))
    elif not href or href.startswith(("#", "javascript:")):
        reader.problem(f"row {number}: link {href!r} is no article URL and no article_url is set")
        return None
    else:
        article = urljoin(url, href)
    date = _row_value(parser, reader, row, "list_date", parser.list_date, parser.list_date_label)
    published = parse_published(date) if date else None
    if (parser.list_date or parser.list_date_label) and published is None:
        reader.problem(f"row {number}: no date in {date!r}", fatal=False)
    return ListRow(
        external_id=external_id,
        url=article,
        title=text_of(row.css(parser.list_title)) if parser.list_title else text_of(link),
        date=date,
        published_at=published,
        department=_row_value(
            parser,
            reader,
            row,
            "list_department",
            parser.list_department,
            parser.list_department_label,
        ),
        summary=text_of(row.css(parser.list_summary)) if parser.list_summary else None,
        pinned=bool(parser.pinned and row.css(parser.pinned)),
    )


def _row_value(
    parser: BoardParser,
    reader: _Reader,
    row: Selector,
    setting: str,
    css: str | None,
    label: str | None,
) -> str | None:
    if css:
        return text_of(reader.select(row, setting, css)) or None
    if label and parser.list_fields:
        return labelled_value(reader.select(row, "list_fields", parser.list_fields), label)
    return None


def row_id(parser: BoardParser, row: Selector, link: Selector, page_url: str) -> str | None:
    """The site's id of a row, from the first ``id_from`` value that yields one."""
    for place in parser.id_from:
        owner, attribute = place.split("@", 1)
        value = (row if owner == "row" else link).attrib.get(attribute, "")
        if not value:
            continue
        found = _id_in(parser, value, attribute, page_url)
        if found:
            return found
    return None


def _id_in(parser: BoardParser, value: str, attribute: str, page_url: str) -> str | None:
    if parser.id_pattern:
        match = re.search(parser.id_pattern, value)
        return match.group(1) if match else None
    if attribute != "href" or value.startswith(("#", "javascript:")):
        return None
    if parser.id_param:
        values = parse_qs(urlsplit(urljoin(page_url, value)).query).get(parser.id_param)
        return values[0] if values else None
    # A path id must not carry the visit's session (`/news/518;jsessionid=…`).
    return urlsplit(without_session_ids(value)).path.rstrip("/").rsplit("/", 1)[-1] or None


def _merged(probes: list[Probe]) -> list[Probe]:
    """One probe per setting, its matches summed over the rows."""
    totals: dict[tuple[str, str], int] = {}
    for probe in probes:
        key = (probe.setting, probe.selector)
        totals[key] = totals.get(key, 0) + probe.matches
    return [Probe(setting, css, count) for (setting, css), count in totals.items()]


# -- article pages -------------------------------------------------------------------------


def read_article(
    source: SourceSpec,
    page: Selector,
    html: str,
    url: str,
    site_names: frozenset[str] = frozenset(),
    listed: ListRow | None = None,
    where: str | None = None,
) -> ArticlePage:
    """Title, date, department, subtitle, body and attachment links of an article page."""
    parser = source.board_parser()
    reader = _Reader(source, url, where)
    labels = reader.select(page, "fields", parser.fields) if parser.fields else None
    article = ArticlePage(
        title=_title(parser, reader, page, site_names, listed),
        text=_body(parser, reader, page, html),
        published_at=_date(parser, reader, page, labels, listed),
    )
    article.department = _field(
        reader, page, labels, "department", parser.department, parser.department_label
    ) or (listed.department if listed else None)
    article.subtitle = _field(
        reader, page, labels, "subtitle", parser.subtitle, parser.subtitle_label
    ) or (listed.summary if listed else None)
    article.attachments = attachment_links(parser, page, url, reader)
    article.problems, article.probes = reader.problems, reader.probes
    return article


def _title(
    parser: BoardParser,
    reader: _Reader,
    page: Selector,
    site_names: frozenset[str],
    listed: ListRow | None,
) -> str:
    title = text_of(reader.select(page, "title", parser.title)) if parser.title else ""
    if not title and parser.title_fallback == "og:title":
        title = " ".join(page.css(meta_selector("og:title")).get("").split())
    if not title and parser.title_fallback == "list" and listed is not None:
        title = listed.title or ""
    if parser.title_strip:
        title = re.sub(parser.title_strip, "", title, flags=re.IGNORECASE).strip()
    if not title:
        reader.missing("title", parser.title or f"title_fallback {parser.title_fallback}")
        return ""
    names = set(site_names) | set(parser.site_names)
    names.update(page.css(meta_selector("og:site_name")).getall())
    if _label(title) in {_label(name) for name in names if name.strip()}:
        where = parser.title or parser.title_fallback
        reader.problem(f"title {title!r} is the site's own name, not an article's (from {where!r})")
    return title


def body_text(page: Selector, html: str, css: str, *, escaped: bool, url: str) -> str | None:
    """The text of the body element(s), None when ``css`` matches nothing.

    With ``escaped`` the element (MSS: a hidden textarea that an iframe renders in browsers)
    holds HTML as escaped text: its text is that HTML, read as HTML.
    """
    if escaped:
        found = page.css(css)
        return html_to_text("\n".join(found.css("::text").getall())) if found else None
    return select_text(html, css, page=url)


def _body(parser: BoardParser, reader: _Reader, page: Selector, html: str) -> str:
    text: str | None = None
    if parser.body:
        text = body_text(page, html, parser.body, escaped=parser.body_escaped, url=reader.url)
        reader.probes.append(Probe("body", parser.body, 0 if text is None else 1))
    if text is None and parser.body_fallback == "main_text":
        text = extract_body(html, base_url=reader.url)
    elif text is None:
        if parser.body:
            reader.missing("body", parser.body, fatal=parser.body_required)
        return ""
    if not text.strip() and parser.body_required:
        reader.problem(f"body {parser.body or parser.body_fallback!r} is empty")
    return text


def _date(
    parser: BoardParser,
    reader: _Reader,
    page: Selector,
    labels: SelectorList[Selector] | None,
    listed: ListRow | None,
) -> dt.datetime | None:
    """The article's own date when one is configured (its absence is an error), else the
    date its list row gave."""
    candidates: list[str | None] = []
    if parser.date_meta:
        candidates.append(page.css(meta_selector(parser.date_meta)).get())
    if parser.date:
        candidates.append(text_of(reader.select(page, "date", parser.date)))
    if parser.date_label and labels is not None:
        candidates.append(labelled_value(labels, parser.date_label))
    if not (parser.date_meta or parser.date or parser.date_label):
        return listed.published_at if listed else None
    for candidate in candidates:
        parsed = parse_published(candidate) if candidate else None
        if parsed is not None:
            return parsed
    configured = parser.date or parser.date_meta or f"label {parser.date_label!r}"
    reader.problem(f"date {configured!r} found no date (found {candidates!r})")
    return None


def _field(
    reader: _Reader,
    page: Selector,
    labels: SelectorList[Selector] | None,
    setting: str,
    css: str | None,
    label: str | None,
) -> str | None:
    """An optional field: when its element or label is absent, a warning (the item is still
    kept); when present but empty, just empty (many releases have no subtitle)."""
    found: str | None = None
    if css:
        matches = reader.select(page, setting, css)
        found = text_of(matches) if matches else None
    elif label and labels is not None:
        found = labelled_value(labels, label)
    if found is None and (css or label):
        reader.problem(f"{setting} {css or 'label ' + repr(label)} found nothing", fatal=False)
    return found or None


# -- attachments ---------------------------------------------------------------------------


def attachment_links(
    parser: BoardParser, page: Selector, page_url: str, reader: _Reader | None = None
) -> list[AttachmentLink]:
    """Name and absolute URL of every attachment, previews left out, one per URL.

    An attachment whose URL cannot be built is a (non-fatal) problem when it is to be
    fetched; when the source's attachments are not fetched, the page's URL stands for it.
    """
    if not parser.attachments:
        return []
    elements = page.css(parser.attachments)
    if reader is not None:
        reader.probes.append(Probe("attachments", parser.attachments, len(elements)))
    skip = re.compile(parser.attachment_skip, re.IGNORECASE)
    links: dict[str, AttachmentLink] = {}
    for element in elements:
        link = element.css(parser.attachment_link) if parser.attachment_link else element
        if not link:
            continue
        href = link.attrib.get("href", "")
        script = f"{href} {link.attrib.get('onclick', '')}".strip()
        raw_name = text_of(element.css(parser.attachment_name) if parser.attachment_name else link)
        if not raw_name or skip.search(raw_name) or skip.search(script):
            continue
        name, size = split_size_hint(raw_name)
        url = attachment_url(parser, href, script)
        if url is None and not parser.attachments_fetch:
            url = page_url
        if url is None:
            if reader is not None:
                reader.problem(f"attachment {name!r}: no download URL in {script!r}", fatal=False)
            continue
        absolute = urljoin(page_url, url)
        links.setdefault(absolute, AttachmentLink(name, absolute, size))
    return list(links.values())


def attachment_url(parser: BoardParser, href: str, script: str) -> str | None:
    """The download URL of one link: its href, or built from a javascript call."""
    if parser.attachment_url_pattern:
        match = re.search(parser.attachment_url_pattern, script)
        if match is None:
            return None
        if parser.attachment_url_template is None:
            return match.group(1) or None
        groups = match.groups()
        return _TEMPLATE_GROUP.sub(
            lambda ref: quote(groups[int(ref.group(1)) - 1] or "", safe=""),
            parser.attachment_url_template,
        )
    if not href or href.startswith(("#", "javascript:")):
        return None
    return href
