"""The timeline: what changes, where, in each state (0 → 1 → 2 → 3).

The data lives in ``samples/*.yaml`` (``added``, ``withdrawn``, ``revisions``, attachment
``revisions``/``until``/``added``); :func:`expected_changes` derives the list below from it,
and ``tests/replay/test_timeline.py`` pins that list, so this table and the data agree.
URLs are the real article URLs (what a crawler stores after mapping replay URLs back).

State 0 — 2026-08-10 09:00 KST: 116 releases on 14 boards (list pages show 10 a page;
MOTIR 13, korea.kr 12, MSS 11, IFEZ 11 and Busan 11 items span two pages).

State 1 — 2026-08-11 09:00 KST:
  added   www.motir.go.kr 171842    경제자유구역위원회, 광주경제자유구역 AI 융복합지구 개발계획
                                    변경 승인
  added   www.mss.go.kr 1070031     울산·세종·전북 규제자유특구 3곳 실증특례 기간 2년 연장
                                    (also in the MSS RSS feed)
  added   www.korea.kr 156740150    강원경제자유구역 망상지구 개발계획 변경 승인 (also in the API)
  added   www.korea.kr 156740162    제2 에코델타시티 국가시범 스마트도시 지정 제안 (also in the API)
  added   www.fez.go.kr ko 1290     경제자유구역 2분기 외국인직접투자 동향
  added   www.ifez.go.kr 669412     영종국제도시 항공정비(MRO) 단지 2단계 입주기업 확정
  added   www.busan.go.kr 1679050   부산 차세대 해양모빌리티 글로벌 혁신특구 실증 선박 진수
  added   www.korea.net 270210      Gangwon FEZ revises Mangsang district plan …
  edited  www.ifez.go.kr 669391     송도 바이오 클러스터 2단계 조성 계획 발표: body only,
                                    597억 원 → 650억 원 and 목표 입주기업 250개사 → 300개사
                                    (title, date and the attached HWPX stay as they were)

State 2 — 2026-08-12 09:00 KST:
  withdrawn            www.mss.go.kr 1070018    부산 블록체인 규제자유특구 실증 성과 공유회:
                                                gone from list and feed; page and file 404
  attachment_replaced  www.mss.go.kr 1070012     글로벌 혁신특구 2차 후보 특구 3곳 선정: same
                                                PDF name and URL, new content (해외 실증 예산
                                                120억 → 150억 원; MOTIR's files cannot be
                                                downloaded by script, so the story is at MSS)
  attachment_renamed   www.korea.kr 156737804   국가첨단산업단지 추진현황_붙임.hwpx →
                                                …_붙임(수정).hwpx (new fileId; the API's
                                                FileName/FileUrl change too)
  added, correction    www.motir.go.kr 171850   "[정정] 「산업단지 대개조 2차 지역 선정 결과」
                                                (2026.8.5.) 보도자료 중 지원 규모 정정"
                                                (``corrects`` → 171830)
  added, designation   www.korea.kr 156740301   기회발전특구 3차 지정, 경남 사천·전남 여수·
                                                강원 원주 등 6곳 (also in the API)

State 3 — 2026-08-13 09:00 KST: noise only.

Noise in every state after 0: every list page (view counters, footer "오늘 날짜"/"Today",
session tokens on links, banner order) and the view counter on the article pages of the
``hot`` items (:func:`counter_pages`: MOTIR 171830 and 171836, KFEZ 1281, Busan 1678901).
Every other article page, every file and every feed is byte-identical across states unless
listed above, so its ETag holds and conditional requests get 304.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from zonewatch.replay.clock import STATES, check_state
from zonewatch.replay.content import Catalog, ItemSpec, load_catalog
from zonewatch.replay.pages import Site
from zonewatch.replay.sites import build_sites

API_URL = "https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList"
MSS_FEED_URL = "https://www.mss.go.kr/rss/smba/board/86.do"


class ChangeKind(StrEnum):
    ADDED = "added"
    EDITED = "edited"
    WITHDRAWN = "withdrawn"
    ATTACHMENT_REPLACED = "attachment_replaced"
    ATTACHMENT_RENAMED = "attachment_renamed"
    ATTACHMENT_ADDED = "attachment_added"
    ATTACHMENT_REMOVED = "attachment_removed"


@dataclass(frozen=True)
class Change:
    """One content change a crawler should notice when the server moves into ``state``."""

    state: int
    host: str
    board: str
    item_id: str
    kind: ChangeKind
    title: str
    url: str
    tags: tuple[str, ...] = ()
    detail: str = ""
    also_in: tuple[str, ...] = ()
    corrects: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "state": self.state,
            "host": self.host,
            "board": self.board,
            "item_id": self.item_id,
            "kind": self.kind.value,
            "title": self.title,
            "url": self.url,
            "tags": list(self.tags),
            "detail": self.detail,
            "also_in": list(self.also_in),
            "corrects": self.corrects,
        }


def _mirrors(host: str) -> tuple[str, ...]:
    if host == "www.korea.kr":
        return (API_URL,)
    if host == "www.mss.go.kr":
        return (MSS_FEED_URL,)
    return ()


def _item_changes(
    state: int, site: Site, catalog: Catalog, host: str, board: str, spec: ItemSpec
) -> list[Change]:
    shown = catalog.board(host, board).item(state if spec.visible(state) else state - 1, spec.id)
    if shown is None:
        return []
    url = site.article_url(shown)
    corrects = None
    if spec.corrects is not None:
        target = catalog.board(host, board).item(state, spec.corrects)
        corrects = site.article_url(target) if target is not None else None

    def change(kind: ChangeKind, detail: str = "") -> Change:
        return Change(
            state=state,
            host=host,
            board=board,
            item_id=spec.id,
            kind=kind,
            title=shown.title,
            url=url,
            tags=tuple(spec.tags),
            detail=detail,
            also_in=_mirrors(host),
            corrects=corrects,
        )

    changes = []
    if spec.added == state:
        changes.append(change(ChangeKind.ADDED))
    if spec.withdrawn == state:
        changes.append(change(ChangeKind.WITHDRAWN))
    if state in spec.revisions and spec.added < state:
        revision = spec.revisions[state]
        fields = [name for name in ("title", "body", "summary") if getattr(revision, name)]
        changes.append(change(ChangeKind.EDITED, revision.note or ", ".join(fields)))
    if spec.added < state and spec.visible(state):
        removed = [att.name for att in spec.attachments if att.until == state]
        added = [att.name for att in spec.attachments if att.added == state]
        for att in spec.attachments:
            if state in att.revisions:
                note = att.revisions[state].note
                changes.append(change(ChangeKind.ATTACHMENT_REPLACED, note or att.name))
        if removed and added and len(removed) == len(added):
            for old, new in zip(removed, added, strict=True):
                changes.append(change(ChangeKind.ATTACHMENT_RENAMED, f"{old} → {new}"))
        else:
            changes += [change(ChangeKind.ATTACHMENT_REMOVED, name) for name in removed]
            changes += [change(ChangeKind.ATTACHMENT_ADDED, name) for name in added]
    return changes


def expected_changes(state: int, catalog: Catalog | None = None) -> list[Change]:
    """The content changes that happen when the server moves from ``state - 1`` to ``state``."""
    check_state(state)
    if state == STATES[0]:
        return []
    catalog = catalog or load_catalog()
    sites = build_sites(catalog)
    changes: list[Change] = []
    for (host, board_name), board in sorted(catalog.boards.items()):
        for spec in board.spec.items:
            changes += _item_changes(state, sites[host], catalog, host, board_name, spec)
    return changes


def all_changes(catalog: Catalog | None = None) -> list[Change]:
    return [change for state in STATES for change in expected_changes(state, catalog)]


def counter_pages(state: int, catalog: Catalog | None = None) -> list[str]:
    """Article URLs whose bytes change in ``state`` only because a view counter moved."""
    check_state(state)
    if state == STATES[0]:
        return []
    catalog = catalog or load_catalog()
    sites = build_sites(catalog)
    urls = []
    for (host, _), board in sorted(catalog.boards.items()):
        for spec in board.spec.items:
            if spec.hot and spec.visible(state - 1) and spec.visible(state):
                item = board.item(state, spec.id)
                if item is not None:
                    urls.append(sites[host].article_url(item))
    return urls
