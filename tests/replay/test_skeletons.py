"""Each replay page has the structure of the real page's skeleton in ``shared/reference``.

The skeletons (``site-samples/*.skeleton.html``) keep the element, class and attribute
structure of the real 2026 pages with placeholder texts. A replay page matches one when it
contains every parent → child step of it: the same tags, classes, ids and attribute names
on the same nesting (texts and attribute values aside, and the chrome around them).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from lxml import html

from tests.testkit.replay import fetch
from zonewatch.replay.server import ReplayServer

Step = tuple[str, str]
ANY = "(any)"
"""The class of a skeleton element whose real class is unverified."""
VALUE_CLASSES = frozenset({"pdf", "hwp", "hwpx"})
"""Class tokens that name a file type: they vary with the row, not with the layout."""

PAGES: list[tuple[str, str, str, tuple[str, ...]]] = [
    (
        "motir-list",
        "www.motir.go.kr",
        "pageIndex=1",
        ("/kor/article/ATCL3f49a5a8c?pageIndex=1",),
    ),
    (
        "motir-detail",
        "www.motir.go.kr",
        "",
        ("/kor/article/ATCL3f49a5a8c/171830/view",),
    ),
    ("mss-list", "www.mss.go.kr", "", ("/site/smba/ex/bbs/List.do?cbIdx=86&pageIndex=1",)),
    ("mss-detail", "www.mss.go.kr", "", ("/site/smba/ex/bbs/View.do?cbIdx=86&bcIdx=1070012",)),
    (
        "kicox-list",
        "www.kicox.or.kr",
        "",
        ("/boardList/1103?pageIndex=1", "/boardDetail/1103?bbsSeq=49620"),
    ),
    (
        "korea-kr",
        "www.korea.kr",
        "",
        (
            "/briefing/pressReleaseList.do?pageIndex=1",
            "/briefing/pressReleaseView.do?newsId=156740301",
        ),
    ),
    (
        "daegu",
        "info.daegu.go.kr",
        "",
        (
            "/newshome/mtnmain.php?mtnkey=scatelist&mkey=26&bpage=1",
            "/newshome/mtnmain.php?mtnkey=articleview&mkey=scatelist&mkey2=26&aid=12340",
        ),
    ),
    (
        "incheon",
        "www.incheon.go.kr",
        "",
        ("/IC010205?curPage=1", "/IC010205/view?repSeq=DOM_0000000014462877"),
    ),
]


def signature(element: Any) -> str:
    """``tag#id.class.class[attr,attr]``: what must match, values of attributes aside."""
    classes = sorted(set(str(element.get("class") or "").split()) - VALUE_CLASSES)
    if any("verified" in token for token in classes):  # "(wrapper class not verified)"
        classes = [ANY]
    names = sorted(name.lower() for name in element.attrib if name not in ("class", "id"))
    ident = f"#{element.get('id')}" if element.get("id") else ""
    return f"{element.tag}{ident}{''.join('.' + c for c in classes)}[{','.join(names)}]"


def _loose(signature: str) -> str:
    """A signature without its classes, to compare with a skeleton's unknown class."""
    return re.sub(r"\.[^.#\[]+", "", signature)


def unmatched(skeleton: set[Step], served: set[Step]) -> list[Step]:
    """Skeleton steps the page lacks; an element of unknown class matches any class."""
    loose = {(_loose(parent), _loose(child)) for parent, child in served}
    return sorted(
        (parent, child)
        for parent, child in skeleton - served
        if not (ANY in parent + child and (_loose(parent), _loose(child)) in loose)
    )


def steps(text: str) -> set[Step]:
    """Every parent → child step of a page, outside ``html``/``head``/``body``."""
    root = html.document_fromstring(text)
    found = set()
    for element in root.iter():
        parent = element.getparent()
        if not isinstance(element.tag, str) or parent is None:
            continue
        if parent.tag in ("html", "head", "body"):
            continue
        found.add((signature(parent), signature(element)))
    return found


def og_title(text: str) -> str | None:
    metas = html.document_fromstring(text).cssselect('meta[property="og:title"]')
    return str(metas[0].get("content")) if metas else None


@pytest.fixture
def samples(shared_dir: Path) -> Path:
    folder = shared_dir / "reference" / "site-samples"
    if not folder.is_dir():
        pytest.skip("no site-samples in ../shared/reference")
    return folder


@pytest.mark.parametrize(("name", "host", "_", "paths"), PAGES, ids=[page[0] for page in PAGES])
def test_replay_pages_have_the_skeleton_structure(
    replay_server: ReplayServer,
    samples: Path,
    name: str,
    host: str,
    _: str,
    paths: tuple[str, ...],
) -> None:
    skeleton_file = samples / f"{name}.skeleton.html"
    if not skeleton_file.is_file():
        pytest.skip(f"{skeleton_file.name} is not present")
    skeleton = skeleton_file.read_text("utf-8")
    replay_server.set_state(2)  # recent rows (the "new" badge) and a two-file release
    pages = [fetch(replay_server, host, path).text() for path in paths]
    served = set().union(*(steps(page) for page in pages))
    missing = unmatched(steps(skeleton), served)
    assert not missing, f"{name}: steps of the skeleton missing from the replay: {missing}"
    expected = og_title(skeleton)
    if expected is not None:
        assert og_title(pages[-1]) == expected


def _xml_paths(element: ET.Element, prefix: str = "") -> set[str]:
    path = f"{prefix}/{element.tag}"
    return {path}.union(*(_xml_paths(child, path) for child in element))


def test_api_answer_has_the_skeleton_structure(replay_server: ReplayServer, samples: Path) -> None:
    skeleton_file = samples / "pressrelease-api.skeleton.xml"
    if not skeleton_file.is_file():
        pytest.skip(f"{skeleton_file.name} is not present")
    replay_server.set_state(2)
    answer = fetch(
        replay_server,
        "apis.data.go.kr",
        "/1371000/pressReleaseService/pressReleaseList?serviceKey=k"
        "&startDate=20260810&endDate=20260812",
    )
    skeleton = ET.fromstring(skeleton_file.read_bytes())
    served = ET.fromstring(answer.body)
    assert _xml_paths(skeleton) <= _xml_paths(served)
    assert served.findtext("header/resultMsg") == skeleton.findtext("header/resultMsg")
