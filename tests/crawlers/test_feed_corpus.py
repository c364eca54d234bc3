"""A peer's 2,100-feed robustness corpus: every file gives entries or one clear error."""

from __future__ import annotations

from pathlib import Path

from zonewatch.crawlers.inspect import parse_feed
from zonewatch.errors import InputError


def test_every_feed_parses_or_fails_cleanly(shared_dir: Path) -> None:
    files = sorted((shared_dir / "corpus" / "feedparser-tests" / "tests").rglob("*"))
    files = [path for path in files if path.is_file() and path.suffix in (".xml", ".rdf", ".json")]
    assert len(files) > 1000
    parsed = refused = 0
    messages: list[str] = []
    for path in files:
        try:
            result = parse_feed(path.read_bytes(), None, path.as_uri())
        except InputError as exc:
            messages.append(str(exc))
            refused += 1
            continue
        assert result["entries"], path
        for entry in result["entries"]:
            assert isinstance(entry["text"], str)
        parsed += 1
    assert parsed + refused == len(files)
    assert not [message for message in messages if "\n" in message]
    assert parsed > 50  # most files test one channel-level feature and have no usable entry
    assert refused > 0
