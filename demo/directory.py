"""The demo's data directory: one it made itself, and the only kind it will ever empty.

``zonewatch demo`` starts from a fresh directory, which means deleting what a previous demo
left. Without care that is ``rm -rf`` of whatever the operator pointed it at (the default data
directory, a production one); so the demo marks each directory it creates with
:data:`MARKER`, empties only directories carrying it, and refuses any other that is not empty.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from zonewatch.errors import ZonewatchError

MARKER = ".zonewatch-demo"
DEFAULT_DEMO_DIR = Path("data") / "demo"
MARKER_TEXT = (
    "This directory was made by `zonewatch demo`, which deletes its contents on the next run.\n"
    "이 디렉터리는 `zonewatch demo`가 만들었으며, 다음 실행 때 내용을 지웁니다.\n"
)


class NotADemoDirectoryError(ZonewatchError):
    """The directory holds something the demo did not make."""

    exit_code = 2


def prepare(directory: Path, keep: bool) -> Path:
    """Make ``directory`` a fresh (or, with ``keep``, the previous) demo directory.

    New or empty: it is created and marked. Marked: emptied unless ``keep``. Anything else is
    refused, ``keep`` or not: the demo would add its subscribers to someone's data.
    """
    directory = directory.expanduser().resolve()
    if directory.exists() and not directory.is_dir():
        raise NotADemoDirectoryError(f"{directory} is a file, not a directory")
    if directory.exists() and any(directory.iterdir()):
        if not (directory / MARKER).is_file():
            raise NotADemoDirectoryError(
                f"{directory} is not empty and was not made by `zonewatch demo` (no {MARKER} "
                "in it): the demo will not touch it; give a new or empty --data-dir"
            )
        if keep:
            return directory
        _empty(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    return directory


def _empty(directory: Path) -> None:
    """Remove what is inside, the marker last, so that a failure half-way leaves a directory
    that is still recognisably the demo's."""
    for child in directory.iterdir():
        if child.name == MARKER:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
