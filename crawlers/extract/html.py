"""Main text out of press-room pages and HTML snippets, with paragraph structure kept.

Three paths, one renderer. A site configuration that knows its body container passes a CSS
selector and gets exactly that element (predictable, and a selector that stops matching is
visible to the spider). Without one, trafilatura picks the main content; its XML output is
rendered by the same renderer as the selector path, so both give the same layout: a blank line
between paragraphs, list items and table rows on their own lines, table cells joined by " | ".
When trafilatura finds nothing, the block holding the most non-link text is taken instead.

Every path first repairs HTML exported from Hancom HWP, which splits words and numbers into
separately styled runs (``<span>1,2</span><span>34억 원</span>``); extractors that put a space
or a newline between inline elements would otherwise turn amounts into two numbers.
"""

from __future__ import annotations

import html as html_lib
import itertools
import logging
import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from lxml import etree  # type: ignore[import-untyped,unused-ignore]
from lxml import html as lxml_html
from lxml.cssselect import LxmlHTMLTranslator  # type: ignore[import-untyped,unused-ignore]

from zonewatch.crawlers.extract.text import normalize_text
from zonewatch.errors import ConfigError, InputError

__all__ = ["extract_body", "html_to_text", "normalize_text", "repair_hwp_html", "select_text"]

log = logging.getLogger(__name__)

# lxml elements are untyped (no stubs are installed); this alias documents intent.
Element = Any

_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "meta",
        "link",
        "nav",
        "footer",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "canvas",
        "button",
        "select",
        "input",
        "textarea",
        "map",
        "audio",
        "video",
        "picture",
        "img",
        "graphic",
        "comments",
    }
)
_BLOCK = frozenset(
    {
        "html",
        "body",
        "p",
        "div",
        "section",
        "article",
        "main",
        "header",
        "aside",
        "address",
        "blockquote",
        "figure",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "menu",
        "center",
        "fieldset",
        "legend",
        "form",
        "details",
        "summary",
        "caption",
        "pre",
        "listing",
        "xmp",
    }
)
_LINE = frozenset({"li", "dt", "dd", "option"})
_PRE = frozenset({"pre", "listing", "xmp", "plaintext"})
_CELLS = frozenset({"td", "th"})
_CONTAINERS = frozenset({"div", "section", "article", "main", "td", "body", "form", "center"})
_NOT_INLINE = _BLOCK | _LINE | _SKIP | {"a", "table", "tr", "td", "th"}
_PARAGRAPHS = frozenset({"p", "pre", "blockquote", "li", "dd", "h1", "h2", "h3", "h4"})

# trafilatura's XML vocabulary, mapped onto the HTML tags the renderer knows.
_TRAFILATURA_TAGS = {
    "doc": "div",
    "main": "div",
    "head": "h2",
    "list": "ul",
    "item": "li",
    "row": "tr",
    "cell": "td",
    "lb": "br",
    "quote": "blockquote",
    "code": "pre",
    "hi": "span",
    "ref": "span",
    "del": "span",
}

# Inline runs whose boundaries HWP export puts inside numbers; span and font carry only style,
# so unwrapping them never changes what a browser shows.
_RUNS = ("span", "font", "b", "strong", "i", "u", "em")
_STYLE_ONLY = ("span", "font")
_NUMBER_END = re.compile(r"\d,?\Z")
_NUMBER_START = re.compile(r"\A,?\d")

_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>", re.I)
_LOOKS_LIKE_HTML = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*(?:\s[^>]*)?/?>|/[a-zA-Z][^>]*>|[!?])")
_DOCUMENT_TAG = re.compile(r"<(?:html|body|head)\b", re.I)
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:gnb|lnb|snb|nav|navi|menu|footer|header|breadcrumbs?|location|skip|sns|"
    r"share|quick|banner|copyright|pagination|paging|util|sitemap|family)(?:[-_\s\d]|$)",
    re.I,
)
_BOILERPLATE_MAX_CHARS = 500
_MIN_SCORED_CHARS = 25
_LAYOUT_CELL_CHARS = 400

# Rows kept of one table. A release's tables have tens of rows; a 19 MB statistics page has
# hundreds of thousands, and trafilatura copies the whole tree several times over (about 1 GB
# for such a page). Past this many rows a table keeps a visible note instead of the rest.
MAX_TABLE_ROWS = 2000

_ROW_SEPARATOR = " | "

# How deep elements may nest. libxml2 stops at 256 levels by default (2048 with huge_tree) and
# drops everything deeper without an error, which silently emptied bodies; real pages nest a
# few dozen levels. The renderer recurses once per level, so the bound also keeps it well
# inside Python's recursion limit.
MAX_DEPTH = 512
_TOO_DEEP = "boolean(/*" + "/*" * MAX_DEPTH + ")"


def repair_hwp_html(html: str) -> str:
    """Join inline runs that HWP export split, so numbers and words come out whole.

    Two repairs, both inside one paragraph: a line break between two inline runs is dropped
    when it sits inside a number (``25</span>\\n<span>0개사`` → ``250개사``; HWP's writer wraps
    lines between runs, and a real space is written as a space or ``&nbsp;``), and style-only
    ``span``/``font`` wrappers are removed so that extractors cannot put a separator between
    runs that a browser shows glued. Whitespace that separates words and block boundaries are
    left alone. Returns HTML (a fragment in, a fragment out).
    """
    if not html.strip():
        return html
    root = _parse(html)
    _repair_tree(root)
    if _DOCUMENT_TAG.search(html):
        return str(lxml_html.tostring(root, encoding="unicode"))
    body = _body(root)
    inner = [html_lib.escape(body.text or "", quote=False)]
    inner.extend(str(lxml_html.tostring(child, encoding="unicode")) for child in body)
    return "".join(inner)


def extract_body(html: str, *, selector: str | None = None, base_url: str | None = None) -> str:
    """The main text of a page, paragraphs kept, normalised (see :func:`normalize_text`).

    With ``selector`` (CSS), the text of the matching element(s) in document order, or "" when
    nothing matches (use :func:`select_text` to tell "no match" from "empty"). Without it,
    trafilatura's main content, else the largest text block. ``base_url`` is passed to
    trafilatura, which uses it to resolve and filter the page.
    """
    if selector is not None:
        return select_text(html, selector, page=base_url) or ""
    if not html.strip():
        return ""
    root = _parse(html, base_url)
    _cap_tables(root)
    _repair_tree(root)
    body = _body(root)
    _strip_boilerplate(body)
    # trafilatura gets the tree itself: parsing a serialised copy again would cost memory and
    # cut the page at libxml2's default depth of 256 levels.
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    text = _trafilatura_text(root, base_url)
    if text:
        return text
    return normalize_text(_render(_largest_block(body)))


def drop_furniture(html: str, selectors: Sequence[str]) -> str:
    """``html`` without the elements an operator named as page furniture (a view counter, a
    "last updated" line): removed before anything is extracted, they never make a version.
    The page is returned as it came when nothing matched."""
    if not selectors:
        return html
    from parsel import Selector, SelectorList

    page = Selector(text=html)
    found = [element for css in selectors for element in page.css(css)]
    if not found:
        return html
    SelectorList(found).drop()
    return str(page.get())


def select_text(html: str, selector: str, *, page: str | None = None) -> str | None:
    """Text of the elements matching a CSS ``selector``; None when nothing matches.

    The selector is matched before the HWP repair (which unwraps ``span`` elements a selector
    may name). Nested matches are taken once, through their outermost match. An invalid
    selector is a configuration error and raises :class:`~zonewatch.errors.ConfigError`.
    """
    xpath = _selector_xpath(selector)
    if not html.strip():
        return None
    root = _parse(html, page)
    _cap_tables(root)
    matches = root.xpath(xpath)
    if not matches:
        return None
    chosen = set(matches)
    texts = []
    for element in matches:
        if any(ancestor in chosen for ancestor in element.iterancestors()):
            continue
        _repair_tree(element)
        texts.append(_render(element))
    return normalize_text("\n\n".join(texts))


def html_to_text(fragment: str) -> str:
    """Text of a small HTML snippet (a feed description, an API's DataContents), paragraphs kept.

    A snippet without any tag is treated as plain text: entities are decoded and its own line
    breaks are kept, because feeds often carry text with newlines rather than markup.
    """
    if not fragment or not fragment.strip():
        return ""
    if not _LOOKS_LIKE_HTML.search(fragment):
        return normalize_text(html_lib.unescape(fragment))
    root = _parse(fragment)
    _repair_tree(root)
    return normalize_text(_render(_body(root)))


# --- parsing and repair ---------------------------------------------------------------------


def _parse(html: str, page: str | None = None) -> Element:
    """An lxml HTML document for any string (fragment or page).

    Odd markup gives an empty document; markup nested deeper than :data:`MAX_DEPTH` raises
    :class:`InputError` naming ``page``, since a parse would silently lose what lies deeper.
    """
    cleaned = _BAD_XML_CHARS.sub("", _XML_DECLARATION.sub("", html, count=1))
    try:
        root = lxml_html.document_fromstring(cleaned, parser=lxml_html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        return lxml_html.document_fromstring("<html><body></body></html>")
    _check_depth(root, page)
    return root


def _check_depth(root: Element, page: str | None) -> None:
    """Refuse a tree deeper than :data:`MAX_DEPTH` (an XPath probe: linear, and in C)."""
    if root.xpath(_TOO_DEEP):
        raise InputError(
            f"{page or 'page'}: HTML nested deeper than {MAX_DEPTH} elements; "
            "not extracted, as its deeper text would be lost"
        )


def _body(root: Element) -> Element:
    body = root.find("body")
    return root if body is None else body


def _tag(element: Element) -> str:
    """Lower-case local name, or "" for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return str(etree.QName(tag).localname).lower() if "}" in tag else tag.lower()


def _run_text(element: Element) -> str:
    return "".join(element.itertext())


def _repair_tree(root: Element) -> None:
    for run in list(root.iter(*_RUNS)):
        tail = run.tail
        if not tail or tail.strip() or ("\n" not in tail and "\r" not in tail):
            continue
        following = run.getnext()
        if following is None or _tag(following) not in _RUNS:
            continue
        left, right = _run_text(run), _run_text(following)
        if (
            _NUMBER_END.search(left)
            and _NUMBER_START.search(right)
            and not (left.endswith(",") and right.startswith(","))
        ):
            run.tail = None
    for run in list(root.iter(*_STYLE_ONLY)):
        if run is not root and run.getparent() is not None:
            run.drop_tag()


# --- trafilatura and the fallback -----------------------------------------------------------


def _trafilatura_text(root: Element, base_url: str | None) -> str:
    """Imports trafilatura on first use: it costs more to load than a feed costs to read, and
    reading feeds or HTML snippets (``html_to_text``) never needs it."""
    import trafilatura

    try:
        xml = trafilatura.extract(
            root,
            url=base_url,
            output_format="xml",
            favor_recall=True,
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
            with_metadata=False,
        )
    except Exception:  # a third-party parser on hostile markup: fall back, never fail
        log.debug("trafilatura failed", exc_info=True)
        return ""
    if not xml:
        return ""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)
    tree = etree.fromstring(xml.encode("utf-8"), parser=parser)
    if tree is None:
        return ""
    _check_depth(tree, base_url)
    for element in tree.iter():
        if isinstance(element.tag, str):
            element.tag = _TRAFILATURA_TAGS.get(element.tag, element.tag)
    return normalize_text(_render(tree))


def _strip_boilerplate(body: Element) -> None:
    """Remove scripts, navigation, footers and small blocks named like site chrome.

    trafilatura prunes these itself on its main path, but not on the baseline path it takes
    for very short pages (a release whose text is one line and an attachment), where menus and
    footers would otherwise become the body.
    """
    # Only the few elements to drop are listed: a list of every element of a large page would
    # hold a Python proxy per element.
    doomed = [
        element
        for element in body.iter()
        if element is not body
        and (_tag(element) in _SKIP or _is_boilerplate(element, _tag(element)))
    ]
    for element in doomed:  # document order: an ancestor goes first, its subtree with it
        element.drop_tree()


def _cap_tables(root: Element) -> None:
    """Cut every table to :data:`MAX_TABLE_ROWS` rows, saying in a last row how many were cut.

    The note is text of the body, so a diff shows it and nobody mistakes the cut table for the
    whole one.
    """
    for table in list(root.iter("table")):
        rows = _rows(table)
        kept = list(itertools.islice(rows, MAX_TABLE_ROWS))
        cut = 0
        for row in list(rows):
            row.getparent().remove(row)
            cut += 1
        if cut:
            note = etree.SubElement(kept[-1].getparent(), "tr")
            etree.SubElement(note, "td").text = f"[{cut} more rows of this table not extracted]"


def _largest_block(body: Element) -> Element:
    """The element holding the most non-link paragraph text (a small readability heuristic)."""
    scores: dict[Element, float] = {}
    for element in body.iter():
        tag = _tag(element)
        if tag not in _CONTAINERS and tag not in _PARAGRAPHS:
            continue
        length = _own_text_length(element)
        if length < _MIN_SCORED_CHARS:
            continue
        target = element if tag in _CONTAINERS else element.getparent()
        if target is None:
            continue
        scores[target] = scores.get(target, 0.0) + length
        parent = target.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + length / 2
    if not scores:
        return body
    return max(scores, key=lambda element: scores[element])


def _is_boilerplate(element: Element, tag: str) -> bool:
    marker = f"{element.get('id', '')} {element.get('class', '')}"
    if tag not in {"header", "aside"} and not _BOILERPLATE.search(marker):
        return False
    return len(_run_text(element).strip()) < _BOILERPLATE_MAX_CHARS


def _own_text_length(element: Element) -> int:
    """Characters of text directly in ``element`` and its inline children, links excluded."""
    length = len((element.text or "").strip())
    for child in element:
        tag = _tag(child)
        if tag and tag not in _NOT_INLINE:
            length += len(_run_text(child).strip())
        length += len((child.tail or "").strip())
    return length


# --- rendering ------------------------------------------------------------------------------


class _TextBuilder:
    """Accumulates text with HTML whitespace rules and owed line breaks between blocks."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pending = 0
        self._line_start = True

    def add(self, text: str | None, *, pre: bool = False) -> None:
        if not text:
            return
        if not pre:
            text = _HTML_SPACE.sub(" ", text)
            if self._line_start:
                text = text.lstrip(" ")
            if not text:
                return
        if self._pending:
            if self._parts:
                self._parts.append("\n" * self._pending)
            self._pending = 0
        self._parts.append(text)
        self._line_start = text.endswith("\n")

    def line_break(self) -> None:
        """A ``<br>``: ends the line; a second one in a row leaves a blank line."""
        self._pending = min(self._pending + 1, 2)
        self._line_start = True

    def brk(self, lines: int) -> None:
        self._pending = max(self._pending, lines)
        self._line_start = True

    def value(self) -> str:
        return "".join(self._parts)


def _render(root: Element) -> str:
    out = _TextBuilder()
    _walk(root, out, pre=False)
    return out.value()


def _walk(element: Element, out: _TextBuilder, *, pre: bool) -> None:
    tag = _tag(element)
    if not tag or tag in _SKIP:
        return
    if tag == "br":
        if pre:
            out.add("\n", pre=True)
        else:
            out.line_break()
        return
    if tag == "hr":
        out.brk(2)
        return
    if tag == "table":
        _table(element, out)
        return
    pre = pre or tag in _PRE
    breaks = 2 if tag in _BLOCK else 1 if tag in _LINE or tag == "tr" else 0
    if breaks:
        out.brk(breaks)
    out.add(element.text, pre=pre)
    for child in element:
        _walk(child, out, pre=pre)
        out.add(child.tail, pre=pre)
    if breaks:
        out.brk(breaks)


def _table(table: Element, out: _TextBuilder) -> None:
    """Data rows as one line of cells; rows that only lay out prose keep their paragraphs."""
    out.brk(2)
    for caption in table.iterchildren("caption"):
        out.add(_cell_text(caption).replace("\n", " "))
        out.brk(1)
    for row in _rows(table):
        texts = [_cell_text(cell) for cell in row if _tag(cell) in _CELLS]
        filled = [text for text in texts if text]
        if not filled:
            continue
        if len(filled) == 1 or any(_is_prose(text) for text in filled):
            for text in filled:
                out.brk(2)
                out.add(text, pre=True)
                out.brk(2)
            continue
        out.brk(1)
        out.add(_ROW_SEPARATOR.join(" ".join(text.split()) for text in texts).strip(), pre=True)
        out.brk(1)
    out.brk(2)


def _rows(table: Element) -> Iterator[Element]:
    for row in table.iter("tr"):
        if next(row.iterancestors("table"), None) is table:
            yield row


def _cell_text(cell: Element) -> str:
    out = _TextBuilder()
    out.add(cell.text)
    for child in cell:
        _walk(child, out, pre=False)
        out.add(child.tail)
    return normalize_text(out.value())


def _is_prose(text: str) -> bool:
    return text.count("\n\n") >= 2 or len(text) > _LAYOUT_CELL_CHARS


@lru_cache(maxsize=256)
def _selector_xpath(selector: str) -> str:
    """The XPath for a CSS selector (cached as text: compiled lxml XPath objects are not
    thread-safe, and the spiders' process may use threads)."""
    try:
        return str(LxmlHTMLTranslator().css_to_xpath(selector))
    except Exception as exc:  # cssselect raises several error classes, all meaning "invalid"
        raise ConfigError(f"invalid CSS selector {selector!r}: {exc}") from exc
