"""Text diff cost: ms per changed document, and ms for one ~200 KB text with scattered edits.

Edits are made as a re-publication makes them (deterministic, ``random.Random(7)``): a few numbers
changed, a sentence deleted, one inserted, a particle swapped. The baseline is plain
``difflib.SequenceMatcher`` over the whole token lists of the same pairs in the same run (the
token lists are made before its clock starts); ours also splits, tokenises, widens ops to word
edges and judges minor edits inside its time.
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
BASELINE_CAP = 30.0
"""Seconds difflib may take on the whole 200 KB pair before it is measured on a prefix."""
PREFIX_CHARS = 50_000

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[\uac00-\ud7a3]+|[A-Za-z]+|\s+|.", re.DOTALL)
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


def _difflib(token_pairs: list[tuple[list[str], list[str]]]) -> float:
    started = time.perf_counter()
    for old, new in token_pairs:
        difflib.SequenceMatcher(None, old, new).get_opcodes()
    return time.perf_counter() - started


def _tokenised(pairs: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    return [(_TOKEN.findall(old), _TOKEN.findall(new)) for old, new in pairs]


def diff_per_document() -> list[Result]:
    rng = random.Random(7)
    texts = _texts()
    pairs = _pairs(texts, rng)
    ours, diffs = min((_ours(pairs) for _ in range(3)), key=lambda run: run[0])
    baseline = min(_difflib(_tokenised(pairs)) for _ in range(3))
    coarse = sum(diff.coarse for diff in diffs)
    old, new = _big_pair(texts, rng)
    big_ours, big_diffs = min((_ours([(old, new)]) for _ in range(3)), key=lambda run: run[0])
    big_baseline, how = _big_baseline(old, new)
    return [
        Result(
            name="diff_ms_per_changed_document",
            value=ours * 1000 / len(pairs),
            unit="ms",
            baseline=f"difflib.SequenceMatcher on the same word lists ({len(pairs)} pairs; "
            f"ours coarse in {coarse})",
            baseline_value=baseline * 1000 / len(pairs),
        ),
        Result(
            name="diff_ms_worst_case_200kb",
            value=big_ours * 1000,
            unit="ms",
            baseline=f"difflib.SequenceMatcher on the same word lists, {how} "
            f"({len(old)} chars, {WORST_CASE_EDITS} edits; ours coarse: {big_diffs[0].coarse})",
            baseline_value=big_baseline * 1000,
        ),
    ]


def _big_baseline(old: str, new: str) -> tuple[float, str]:
    """difflib on the whole pair unless its 50 KB prefix says that would pass ``BASELINE_CAP``;
    then the prefix time scaled by the square of the size ratio (its worst case)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    share = PREFIX_CHARS / len(old)
    prefix = [(a[: int(len(a) * share)], b[: int(len(b) * share)])]
    on_prefix = _difflib(prefix)
    if on_prefix / share**2 <= BASELINE_CAP:
        return min(_difflib([(a, b)]) for _ in range(3)), "whole pair"
    scaled = on_prefix / share**2
    return scaled, f"{PREFIX_CHARS} char prefix scaled quadratically (whole pair > 30 s)"


BENCHMARKS = [diff_per_document]
