"""Where www.korea.kr and its open API get their releases: the samples or a real corpus.

Both the briefing portal and the open API (apis.data.go.kr) publish the same releases, so
they share one :class:`ReleaseSource`. In corpus mode that source is a file in the format of
``shared/corpus/press-releases.jsonl.gz`` (fields id, title, subtitle, ministry, published,
url, text, attachment_count, lang). It is read once, on first use (or in the background
from :meth:`CorpusReleases.warm`), into a compact index: metadata plus zlib-compressed text,
so thousands of releases cost a few megabytes and one request decompresses only its page.
The corpus never changes with the state (only the list pages' noise does), unless edits are
given: a :class:`ReleaseEdit` overlay per release and state, so that measurements can crawl
a real release before and after a known edit (``bench/bench_edits.py``).
"""

from __future__ import annotations

import bisect
import gzip
import json
import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from zonewatch.errors import InputError
from zonewatch.replay.clock import KST
from zonewatch.replay.content import Attachment, Board, Item, Page, number_from

CORPUS_FILE = "press-releases.jsonl.gz"


class ReleaseSource(Protocol):
    def page(
        self, state: int, start: date | None, end: date | None, number: int, size: int
    ) -> Page: ...

    def get(self, state: int, news_id: str) -> Item | None: ...

    def attachment(self, state: int, file_id: int) -> tuple[Item, Attachment] | None: ...

    def file_id(self, attachment: Attachment) -> int: ...


def _within(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


class SampleReleases:
    """The korea.kr sample board (``samples/korea-kr.yaml``)."""

    def __init__(self, board: Board) -> None:
        self.board = board

    def page(
        self, state: int, start: date | None, end: date | None, number: int, size: int
    ) -> Page:
        return self.board.page(state, number, size, lambda item: _within(start, end, item.day))

    def get(self, state: int, news_id: str) -> Item | None:
        return self.board.item(state, news_id)

    def attachment(self, state: int, file_id: int) -> tuple[Item, Attachment] | None:
        return self.board.find_attachment(state, lambda _, att: self.file_id(att) == file_id)

    def file_id(self, attachment: Attachment) -> int:
        return number_from(attachment.key, 9)


@dataclass(frozen=True, slots=True)
class _Entry:
    id: str
    title: str
    subtitle: str
    ministry: str
    published: datetime
    attachment_count: int
    text: bytes


@dataclass(frozen=True, slots=True)
class ReleaseEdit:
    """A corpus release as it stands from one state on; ``None`` keeps the corpus's value.

    ``attachment_text`` replaces the files' text in place (same names, same links);
    ``attachment_saves`` re-saves them (new bytes, same text); ``withdrawn`` takes the
    release off the list and its page and files answer 404.
    """

    text: str | None = None
    title: str | None = None
    attachment_text: str | None = None
    attachment_saves: int = 0
    withdrawn: bool = False


ReleaseEdits = Mapping[str, Mapping[int, ReleaseEdit]]
"""Release id → {first state → the edit that holds from that state until the next one}."""


def corpus_path(corpus: Path) -> Path:
    """Accept the corpus file itself or the folder holding it."""
    return corpus / CORPUS_FILE if corpus.is_dir() else corpus


def _paragraphs(text: str) -> tuple[str, ...]:
    """Blank lines separate paragraphs; single newlines inside one are soft wraps."""
    blocks = (" ".join(block.split()) for block in text.split("\n\n"))
    return tuple(block for block in blocks if block)


class CorpusReleases:
    """Real releases from a corpus file, newest first, served through the korea.kr shapes."""

    def __init__(self, path: Path, edits: ReleaseEdits | None = None) -> None:
        self.path = corpus_path(path)
        self.edits: ReleaseEdits = edits or {}
        if not self.path.is_file():
            raise InputError(f"corpus file not found: {self.path}")
        self._lock = threading.Lock()
        self._entries: list[_Entry] | None = None
        self._keys: list[int] = []
        self._by_id: dict[str, int] = {}

    def warm(self) -> None:
        """Build the index now, in a background thread, so the first request is quick."""
        threading.Thread(target=self._index, name="replay-corpus-index", daemon=True).start()

    def _index(self) -> list[_Entry]:
        with self._lock:
            if self._entries is not None:
                return self._entries
            entries = []
            with gzip.open(self.path, "rt", encoding="utf-8") as lines:
                for line in lines:
                    if not line.strip():
                        continue
                    row = json.loads(line)
                    published = datetime.fromisoformat(row["published"])
                    if published.tzinfo is None:
                        published = published.replace(tzinfo=KST)
                    entries.append(
                        _Entry(
                            id=str(row["id"]),
                            title=row.get("title") or "",
                            subtitle=row.get("subtitle") or "",
                            ministry=row.get("ministry") or "",
                            published=published,
                            attachment_count=int(row.get("attachment_count") or 0),
                            text=zlib.compress((row.get("text") or "").encode("utf-8"), 1),
                        )
                    )
            entries.sort(key=lambda entry: (entry.published, entry.id), reverse=True)
            self._keys = [-entry.published.astimezone(KST).date().toordinal() for entry in entries]
            self._by_id = {entry.id: index for index, entry in enumerate(entries)}
            self._entries = entries
            return entries

    def _edit(self, state: int, release_id: str) -> ReleaseEdit | None:
        """The edit in force in ``state`` (the latest one given for that state or before)."""
        edits = self.edits.get(release_id, {})
        starts = [start for start in edits if start <= state]
        return edits[max(starts)] if starts else None

    def _visible(self, state: int, entry: _Entry) -> bool:
        edit = self._edit(state, entry.id)
        return edit is None or not edit.withdrawn

    def _item(self, entry: _Entry, state: int) -> Item:
        edit = self._edit(state, entry.id) or ReleaseEdit()
        text = zlib.decompress(entry.text).decode("utf-8") if edit.text is None else edit.text
        paragraphs = _paragraphs(text)
        files = paragraphs if edit.attachment_text is None else _paragraphs(edit.attachment_text)
        when = entry.published.astimezone(KST)
        # Names and titles stay those of the corpus: an edit never renames or relinks a file.
        attachments = tuple(
            Attachment(
                key=f"{entry.id}:{number}",
                sn=number,
                name=f"{entry.title[:60]}{f'_붙임{number}' if number > 1 else ''}.hwpx",
                title=entry.title,
                paragraphs=files,
                modified=when,
                saves=edit.attachment_saves,
            )
            for number in range(1, min(entry.attachment_count, 9) + 1)
        )
        summary = entry.subtitle.splitlines()[0] if entry.subtitle.strip() else ""
        entry = entry if edit.title is None else replace(entry, title=edit.title)
        if not summary and paragraphs:
            summary = paragraphs[0][:88] + ("…" if len(paragraphs[0]) > 88 else "")
        return Item(
            host="www.korea.kr",
            board="main",
            id=entry.id,
            title=entry.title,
            when=when,
            paragraphs=paragraphs,
            summary=summary,
            dept="",
            writer="",
            phone="",
            category="",
            agency=entry.ministry,
            minister_code="",
            grouping_code="",
            subtitle=entry.subtitle,
            body_in_attachment=False,
            list_views=0,
            page_views=0,
            attachments=attachments,
            tags=(),
            corrects=None,
            modified=when,
        )

    def page(
        self, state: int, start: date | None, end: date | None, number: int, size: int
    ) -> Page:
        entries = self._index()
        low = 0 if end is None else bisect.bisect_left(self._keys, -end.toordinal())
        high = (
            len(entries) if start is None else bisect.bisect_right(self._keys, -start.toordinal())
        )
        high = max(low, high)
        window: list[_Entry] = entries[low:high]
        if any(self._edit(state, release_id) for release_id in self.edits):
            window = [entry for entry in window if self._visible(state, entry)]
        first = (number - 1) * size
        chosen = window[first : first + size]
        return Page(
            items=tuple(self._item(entry, state) for entry in chosen),
            total=len(window),
            number=number,
            size=size,
        )

    def get(self, state: int, news_id: str) -> Item | None:
        entries = self._index()
        index = self._by_id.get(news_id)
        if index is None or not self._visible(state, entries[index]):
            return None
        return self._item(entries[index], state)

    def attachment(self, state: int, file_id: int) -> tuple[Item, Attachment] | None:
        item = self.get(state, str(file_id // 10))
        number = file_id % 10
        if item is None or not 1 <= number <= len(item.attachments):
            return None
        return item, item.attachments[number - 1]

    def file_id(self, attachment: Attachment) -> int:
        """``newsId`` followed by the attachment's number (1-9): reversible, no lookup table."""
        news_id, number = attachment.key.split(":")
        return int(news_id) * 10 + int(number)
