"""Text diff cost: ms per changed document, and ms for one ~200 KB text with scattered edits.

Edits are made as a re-publication makes them (deterministic, ``random.Random(7)``): a few numbers
changed, a sentence deleted, one inserted, a particle swapped. The baseline is what a user
would write with the standard library, on the same pairs in the same run: ``difflib`` on lines,
then on the words of the changed lines (splitting inside its time, as ours does). Ours also
tokenises finer, widens ops to word edges and judges minor edits.
"""

from __future__ import annotations

import difflib
import gzip
import itertools
import json
import random
import re
import time
from pathlib import Path

from bench.harness import Result
from zonewatch.changes.diffing import TextDiff, diff_text

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "press-releases.jsonl.gz"
DOCUMENTS = 300
WORST_CASE_CHARS = 200_000
WORST_CASE_EDITS = 50
_NUMBER = re.compile(r"\d+(?:,\d{3})*")
_SENTENCE = re.compile(r"[^\n.]*[.\n]")
_PARTICLE = re.compile(r"(?<=[\uac00-\ud7a3])(은|는|이|가|을|를)(?=\s)")
_SWAP = {"은": "는", "는": "은", "이": "가", "가": "이", "을": "를", "를": "을"}


def _texts() -> list[str]:
    if CORPUS.exists():
        with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
            rows = (json.loads(line) for line in handle)
            texts = (row.get("text") or "" for row in rows)
            return list(itertools.islice((text for text in texts if len(text) > 200), DOCUMENTS))
    sentences = [
        f"인천경제자유구역청은 송도에 바이오 기업 {n}곳을 유치했다. "
        f"투자 규모는 {n * 150:,}억 원이다.\n"
        for n in range(1, 40)
    ]
    return ["".join(sentences[n % 7 :] + sentences[: n % 7]) for n in range(DOCUMENTS)]


def _change_numbers(text: str, donor: str, rng: random.Random, count: int = 3) -> str:
    del donor
    numbers = list(_NUMBER.finditer(text))
    picked = sorted(rng.sample(numbers, min(len(numbers), count)), key=lambda m: -m.start())
    for match in picked:
        changed = str(int(match.group().replace(",", "")) + rng.randint(1, 90))
        text = text[: match.start()] + changed + text[match.end() :]
    return text


def _delete_sentence(text: str, donor: str, rng: random.Random) -> str:
    del donor
    sentences = list(_SENTENCE.finditer(text))
    if len(sentences) < 3:
        return text
    gone = rng.choice(sentences[1:])
    return text[: gone.start()] + text[gone.end() :]


def _insert_sentence(text: str, donor: str, rng: random.Random) -> str:
    extra = [match.group() for match in _SENTENCE.finditer(donor) if len(match.group()) > 20]
    spots = list(_SENTENCE.finditer(text))
    if not extra or not spots:
        return text
    at = rng.choice(spots).end()
    return text[:at] + " " + rng.choice(extra).strip() + text[at:]


def _swap_particle(text: str, donor: str, rng: random.Random) -> str:
    del donor
    particles = list(_PARTICLE.finditer(text))
    if not particles:
        return text
    match = rng.choice(particles)
    return text[: match.start()] + _SWAP[match.group()] + text[match.end() :]


EDITS = (_change_numbers, _delete_sentence, _insert_sentence, _swap_particle)


def _edit(text: str, donor: str, rng: random.Random) -> str:
    """A few numbers changed, a sentence deleted, a donor sentence inserted, a particle swapped."""
    for edit in EDITS:
        text = edit(text, donor, rng)
    return text


def _pairs(texts: list[str], rng: random.Random) -> list[tuple[str, str]]:
    return [(text, _edit(text, texts[index - 1], rng)) for index, text in enumerate(texts)]


def _big_pair(texts: list[str], rng: random.Random) -> tuple[str, str]:
    """~200 KB of corpus text cut into ``WORST_CASE_EDITS`` pieces, one random edit in each."""
    old = ""
    for text in itertools.cycle(texts):
        old += text + "\n\n"
        if len(old) >= WORST_CASE_CHARS:
            break
    old = old[:WORST_CASE_CHARS]
    step = -(-len(old) // WORST_CASE_EDITS)
    pieces = [old[start : start + step] for start in range(0, len(old), step)]
    new = [rng.choice(EDITS)(piece, rng.choice(texts), rng) for piece in pieces]
    return old, "".join(new)


def _ours(pairs: list[tuple[str, str]]) -> tuple[float, list[TextDiff]]:
    started = time.perf_counter()
    diffs = [diff_text(old, new) for old, new in pairs]
    return time.perf_counter() - started, diffs


def line_then_word(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """What a user would write with the standard library: ``SequenceMatcher`` on lines, then
    on the words of each replaced block of lines; the word opcodes of every changed block."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    lines = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    words: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in lines.get_opcodes():
        if tag == "equal":
            continue
        before = "".join(old_lines[i1:i2]).split()
        after = "".join(new_lines[j1:j2]).split()
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        words.extend(op for op in matcher.get_opcodes() if op[0] != "equal")
    return words


def _difflib(pairs: list[tuple[str, str]]) -> float:
    started = time.perf_counter()
    for old, new in pairs:
        line_then_word(old, new)
    return time.perf_counter() - started


def diff_per_document() -> list[Result]:
    rng = random.Random(7)
    texts = _texts()
    pairs = _pairs(texts, rng)
    ours, diffs = min((_ours(pairs) for _ in range(3)), key=lambda run: run[0])
    baseline = min(_difflib(pairs) for _ in range(3))
    coarse = sum(diff.coarse for diff in diffs)
    old, new = _big_pair(texts, rng)
    big_ours, big_diffs = min((_ours([(old, new)]) for _ in range(3)), key=lambda run: run[0])
    big_baseline = min(_difflib([(old, new)]) for _ in range(3))
    return [
        Result(
            name="diff_ms_per_changed_document",
            value=ours * 1000 / len(pairs),
            unit="ms",
            baseline=f"difflib line-then-word on the same pairs ({len(pairs)} pairs; "
            f"ours coarse in {coarse})",
            baseline_value=baseline * 1000 / len(pairs),
        ),
        Result(
            name="diff_ms_worst_case_200kb",
            value=big_ours * 1000,
            unit="ms",
            baseline=f"difflib line-then-word on the same pair "
            f"({len(old)} chars, {WORST_CASE_EDITS} edits; ours coarse: {big_diffs[0].coarse})",
            baseline_value=big_baseline * 1000,
        ),
    ]


BENCHMARKS = [diff_per_document]
