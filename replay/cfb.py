"""A minimal writer of OLE compound files (CFB version 3), enough for HWP 5 documents.

The standard library cannot write OLE files and olefile only reads them, so this builds the
format directly: 512-byte sectors, one FAT (no DIFAT sectors, so files stay under ~7 MB),
a mini stream for streams under 4096 bytes, and a directory whose sibling trees are balanced
binary trees (all black, which every reader we know accepts).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT = 0xFFFFFFFF
ENDOFCHAIN = 0xFFFFFFFE
FATSECT = 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
_HEADER_FAT_SLOTS = 109


@dataclass
class _Entry:
    name: str
    data: bytes | None = None
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0

    @property
    def is_storage(self) -> bool:
        return self.data is None


def _order(entry: _Entry) -> tuple[int, str]:
    """The CFB comparison: shorter names first, then by upper-cased name."""
    return (len(entry.name), entry.name.upper())


def _sectors(length: int, unit: int) -> int:
    return -(-length // unit)


def _balanced(siblings: list[_Entry]) -> int:
    """Link sorted siblings into a balanced tree; return the id of its root."""
    if not siblings:
        return NOSTREAM
    middle = len(siblings) // 2
    root = siblings[middle]
    root.left = _balanced(siblings[:middle])
    root.right = _balanced(siblings[middle + 1 :])
    return root.sid


def _tree(streams: Mapping[str, bytes]) -> list[_Entry]:
    root = _Entry("Root Entry")
    for path, data in streams.items():
        *storages, name = path.split("/")
        node = root
        for part in storages:
            node = node.children.setdefault(part, _Entry(part))
        node.children[name] = _Entry(name, data=data)
    entries = [root]
    pending = [root]
    while pending:
        node = pending.pop(0)
        ordered = sorted(node.children.values(), key=_order)
        for child in ordered:
            child.sid = len(entries)
            entries.append(child)
            pending.append(child)
        node.child = _balanced(ordered)
    return entries


def _directory_entry(entry: _Entry, object_type: int) -> bytes:
    name = entry.name.encode("utf-16-le")
    if len(name) > 62:
        raise ValueError(f"OLE entry name too long: {entry.name!r}")
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        name,
        len(name) + 2,
        object_type,
        1,
        entry.left,
        entry.right,
        entry.child,
        b"",
        0,
        0,
        0,
        entry.start,
        entry.size,
    )


def write_compound_file(streams: Mapping[str, bytes]) -> bytes:
    """An OLE file holding ``streams``, keyed by paths such as ``"BodyText/Section0"``."""
    entries = _tree(streams)
    files = [entry for entry in entries if not entry.is_storage]
    small = [entry for entry in files if len(entry.data or b"") < MINI_CUTOFF]
    large = [entry for entry in files if len(entry.data or b"") >= MINI_CUTOFF]

    mini_stream = bytearray()
    mini_fat: list[int] = []
    for entry in small:
        data = entry.data or b""
        count = _sectors(len(data), MINI_SECTOR)
        entry.start, entry.size = (len(mini_fat) if count else ENDOFCHAIN), len(data)
        mini_fat.extend(range(len(mini_fat) + 1, len(mini_fat) + count))
        if count:
            mini_fat.append(ENDOFCHAIN)
        mini_stream += data.ljust(count * MINI_SECTOR, b"\0")

    directory_sectors = _sectors(len(entries) * 128, SECTOR)
    mini_fat_sectors = _sectors(len(mini_fat) * 4, SECTOR)
    mini_stream_sectors = _sectors(len(mini_stream), SECTOR)
    large_sectors = [_sectors(len(entry.data or b""), SECTOR) for entry in large]
    payload = directory_sectors + mini_fat_sectors + mini_stream_sectors + sum(large_sectors)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + payload:
        fat_sectors += 1
    if fat_sectors > _HEADER_FAT_SLOTS:
        raise ValueError("document too large for a compound file without DIFAT sectors")

    fat: list[int] = [FATSECT] * fat_sectors
    runs: list[bytes] = []

    def allocate(data: bytes, count: int) -> int:
        if count == 0:
            return ENDOFCHAIN
        first = len(fat)
        fat.extend(range(first + 1, first + count))
        fat.append(ENDOFCHAIN)
        runs.append(data.ljust(count * SECTOR, b"\0"))
        return first

    directory_start = len(fat)
    fat.extend(range(directory_start + 1, directory_start + directory_sectors))
    fat.append(ENDOFCHAIN)
    mini_fat_data = b"".join(struct.pack("<I", value) for value in mini_fat)
    mini_fat_start = allocate(mini_fat_data, mini_fat_sectors)
    root = entries[0]
    root.start = allocate(bytes(mini_stream), mini_stream_sectors)
    root.size = len(mini_stream)
    for entry, count in zip(large, large_sectors, strict=True):
        entry.start, entry.size = allocate(entry.data or b"", count), len(entry.data or b"")

    directory = b"".join(
        _directory_entry(entry, 5 if index == 0 else 1 if entry.is_storage else 2)
        for index, entry in enumerate(entries)
    )
    unused = struct.pack(
        "<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"", 0, 0, 0, 0, 0
    )
    directory += unused * (directory_sectors * 4 - len(entries))

    fat.extend([FREESECT] * (fat_sectors * (SECTOR // 4) - len(fat)))
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        _SIGNATURE,
        b"",
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"",
        0,
        fat_sectors,
        directory_start,
        0,
        MINI_CUTOFF,
        mini_fat_start,
        mini_fat_sectors,
        ENDOFCHAIN,
        0,
    )
    header_fat = list(range(fat_sectors)) + [FREESECT] * (_HEADER_FAT_SLOTS - fat_sectors)
    header += struct.pack(f"<{_HEADER_FAT_SLOTS}I", *header_fat)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    # Sectors in file order: FAT, directory, then the runs in allocation order.
    return header + fat_bytes + directory + b"".join(runs)
