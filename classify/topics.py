"""Which event types (topics) a press release reports, by weighted cue words.

Rules, not a model: a subscriber who asks "why was this marked *designation*?" gets the words,
where they stood and the rule that counted them. The cues live in ``config/topic_rules.yaml``.

Scoring: each cue occurrence is worth its weight times a position factor (title > lead of the
body > rest of the body). Per rule the best occurrence counts fully and a few repeats count a
little (``repeat_bonus``), so one word said ten times cannot carry a topic alone. A topic is
reported when its sum reaches its threshold; ``score = raw / (raw + threshold)``, so 0.5 is the
threshold and the score stays in [0, 1].

All cues of a language go into one Aho-Corasick automaton; overlapping matches are resolved
leftmost-longest, so a longer phrase (신규 지정) or a shadow word (지정학) wins over the shorter
cue inside it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick

from zonewatch.classify.evidence import Evidence, Part, Span
from zonewatch.config.topic_rules import Scoring, TopicRules, has_hangul, load_topic_rules

_MAX_SPACES = 3
# Line breaks separate words like a space (replaced one for one, so offsets stay); quotation
# marks are dropped, since they wrap names inside phrases (「수출 전략」 발표, 간담회’를 개최).
_SPACES = "\n\t\r\f\v\xa0\u3000"
_QUOTES = re.compile(r"[「」『』｢｣《》〈〉‘’“”\"'`]")


@dataclass(frozen=True)
class TopicHit:
    topic: str
    score: float
    evidence: tuple[Evidence, ...]


class _Cue(NamedTuple):
    topic: str
    weight: float
    rule: str


class _Variant(NamedTuple):
    """One way a key is used: its word-edge checks and the cues it counts for (none: a shadow)."""

    word_start: bool
    latin_start: bool
    latin_end: bool
    stem: bool
    cues: tuple[_Cue, ...]


class _Pattern(NamedTuple):
    """An automaton key's value; ``plain`` holds the cues when no word edge needs checking."""

    length: int
    plain: tuple[_Cue, ...] | None
    variants: tuple[_Variant, ...]


# where a cue stands: (position factor, "title" or "body", start, end)
_Place = tuple[float, str, int, int]


class TopicClassifier:
    """Explainable keyword classifier; build it once (the automata), then call :meth:`classify`."""

    def __init__(self, rules: TopicRules) -> None:
        self.rules = rules
        self.scoring: Scoring = rules.scoring
        self.thresholds = {topic.id: topic.threshold for topic in rules.topics}
        self._automata = {lang: _build_automaton(rules, lang) for lang in sorted(rules.languages)}

    @classmethod
    def from_config(cls, path: Path | None = None) -> TopicClassifier:
        """Load the rules (default: the packaged ``topic_rules.yaml``) and compile them."""
        return cls(load_topic_rules(path))

    def classify(self, title: str, text: str, language: str = "ko") -> list[TopicHit]:
        """Topics whose score reaches 0.5 (the rule file's threshold), best first."""
        return self._hits(title, text, language, everything=False)

    def score_all(self, title: str, text: str, language: str = "ko") -> list[TopicHit]:
        """Every topic any cue spoke for, including those below threshold (for explaining)."""
        return self._hits(title, text, language, everything=True)

    def _hits(self, title: str, text: str, language: str, everything: bool) -> list[TopicHit]:
        title, text = title or "", text or ""
        lang = self._language(title, text, language)
        lead_chars, body_limit = self.scoring.chars(lang)
        body = text[:body_limit]
        raw: dict[str, float] = defaultdict(float)
        counted: dict[str, list[tuple[_Cue, _Place, float]]] = defaultdict(list)
        bonus, most = self.scoring.repeat_bonus, 1 + self.scoring.max_repeats
        for cue, places in self._places(self._automata[lang], title, body, lead_chars):
            # the best place counts fully, a few repeats a fraction
            if len(places) > 1:
                places.sort(key=itemgetter(0), reverse=True)
            for rank, place in enumerate(places[:most]):
                part = cue.weight * place[0] * (bonus if rank else 1.0)
                raw[cue.topic] += part
                counted[cue.topic].append((cue, place, part))
        texts = {"title": title, "body": body}
        hits = [
            self._hit(topic, raw[topic], counted[topic], texts)
            for topic in raw
            if everything or raw[topic] >= self.thresholds[topic]
        ]
        return sorted(hits, key=lambda hit: (-hit.score, hit.topic))

    def _language(self, title: str, text: str, language: str) -> str:
        """The rule language to use; an unknown code falls back on the script of the text."""
        code = (language or "").lower()[:2]
        if code in self._automata:
            return code
        guess = "ko" if has_hangul(f"{title} {text[:500]}") else "en"
        return guess if guess in self._automata else next(iter(self._automata))

    def _places(
        self, automaton: Any, title: str, body: str, lead_chars: int
    ) -> Iterator[tuple[_Cue, list[_Place]]]:
        """Each cue found, with where it stands (and the factor that gives it)."""
        scoring = self.scoring
        found: dict[str, tuple[_Cue, list[_Place]]] = {}
        for where, text in (("title", title), ("body", body)):
            for start, end, cues in _matches(automaton, text):
                if where == "title":
                    factor = scoring.title_factor
                elif start < lead_chars:
                    factor = scoring.lead_factor
                else:
                    factor = scoring.tail_factor
                for cue in cues:
                    found.setdefault(cue.rule, (cue, []))[1].append((factor, where, start, end))
        return iter(found.values())

    def _hit(
        self,
        topic: str,
        raw: float,
        counted: list[tuple[_Cue, _Place, float]],
        texts: dict[str, str],
    ) -> TopicHit:
        evidence = [_evidence(cue, place, texts, part) for cue, place, part in counted]
        evidence.sort(key=lambda span: (span.where != Part.TITLE, span.start))
        threshold = self.thresholds[topic]
        score = raw / (raw + threshold) if raw > 0 else 0.0
        return TopicHit(topic=topic, score=round(score, 4), evidence=tuple(evidence))


def _evidence(cue: _Cue, place: _Place, texts: dict[str, str], part: float) -> Span:
    _, where, start, end = place
    return Span(texts[where][start:end], start, end, Part(where), cue.rule, round(part, 4))


def _build_automaton(rules: TopicRules, lang: str) -> Any:
    """One automaton for a language: every cue term (in all its spellings) and every shadow."""
    cues: dict[str, list[_Cue]] = defaultdict(list)
    for topic in rules.topics:
        for group in topic.cues:
            if group.lang != lang:
                continue
            for term in group.terms:
                cue = _Cue(topic.id, group.weight, f"{topic.id}.{lang}.{term}")
                for form in _forms(term):
                    cues[form].append(cue)
    for word in rules.shadows.get(lang, ()):
        for form in _forms(word):
            cues.setdefault(form, [])
    variants: dict[str, list[_Variant]] = defaultdict(list)
    for form, form_cues in cues.items():
        key = form.removeprefix("^").removesuffix("*")
        variants[key].append(_variant(form, key, tuple(form_cues)))
    automaton = ahocorasick.Automaton()
    for key, key_variants in variants.items():
        only = key_variants[0]
        plain = only.cues if len(key_variants) == 1 and not any(only[:4]) else None
        automaton.add_word(key, _Pattern(len(key), plain, tuple(key_variants)))
    automaton.make_automaton()
    return automaton


def _variant(form: str, key: str, cues: tuple[_Cue, ...]) -> _Variant:
    stem = form.endswith("*")
    return _Variant(
        form.startswith("^"), _is_latin(key[0]), _is_latin(key[-1]) and not stem, stem, cues
    )


def _forms(term: str) -> set[str]:
    """Lower-cased forms a term is matched in: Korean spacing varies, so any space of a Korean
    phrase may be missing or doubled in the text (억 원 지원, 억원 지원, 억원지원, 억원  지원)."""
    lowered = term.lower()
    if not has_hangul(lowered):
        return {lowered}
    if lowered.count(" ") > _MAX_SPACES:
        return {lowered, lowered.replace(" ", "")}
    forms = [""]
    for index, part in enumerate(lowered.split(" ")):
        joins = ("",) if index == 0 else ("", " ", "  ")
        forms = [form + join + part for form in forms for join in joins]
    return set(forms)


def _matches(automaton: Any, text: str) -> list[tuple[int, int, tuple[_Cue, ...]]]:
    """Cue matches as (start, end, cues) in offsets of ``text``."""
    if not text:
        return []
    flat, dropped = _flatten(text)
    found: list[tuple[int, int, tuple[_Cue, ...]]] = []
    add = found.append
    for last, (length, plain, variants) in automaton.iter(flat):
        if plain is not None:
            add((last - length + 1, -last - 1, plain))
            continue
        start = last - length + 1
        for variant in variants:
            if _edges_ok(flat, start, last + 1, variant):
                end = _word_end(flat, last + 1) if variant.stem else last + 1
                add((start, -end, variant.cues))
    chosen = _leftmost_longest(found)
    if not dropped:
        return chosen
    # back to offsets in the text as given, before quotation marks were dropped
    return [
        (start + bisect_right(dropped, start), end + bisect_right(dropped, end - 1), cues)
        for start, end, cues in chosen
    ]


def _leftmost_longest(
    found: list[tuple[int, int, tuple[_Cue, ...]]],
) -> list[tuple[int, int, tuple[_Cue, ...]]]:
    """Non-overlapping cue matches, each the longest at the leftmost free position. A cue inside
    a shadow word is dropped (지정 in 지정학), one merely overlapping it is not (특구로 지정
    after 규제자유특구); matches of one span are merged (a term in several topics)."""
    found.sort(key=itemgetter(0, 1))
    chosen: list[tuple[int, int, tuple[_Cue, ...]]] = []
    shadow_end = -1
    for start, negative_end, cues in found:
        end = -negative_end
        if not cues:
            shadow_end = max(shadow_end, end)
        elif end <= shadow_end:
            continue
        elif not chosen or start >= chosen[-1][1]:
            chosen.append((start, end, cues))
        elif (start, end) == chosen[-1][:2]:
            chosen[-1] = (start, end, chosen[-1][2] + cues)
    return chosen


def _flatten(text: str) -> tuple[str, list[int]]:
    """The text as matched: lower-cased, line breaks as spaces, quotation marks dropped; and
    where the marks were dropped (as offsets in the flattened text), to map matches back."""
    flat = _lower(text)
    for space in _SPACES:
        if space in flat:
            flat = flat.replace(space, " ")
    parts = _QUOTES.split(flat)
    if len(parts) == 1:
        return flat, []
    return "".join(parts), list(accumulate(len(part) for part in parts[:-1]))


def _edges_ok(text: str, start: int, end: int, variant: _Variant) -> bool:
    """A cue beginning or ending in a Latin letter or digit must not be part of a longer word;
    a ``^`` cue must not continue a word of any script."""
    if start > 0 and (variant.word_start or variant.latin_start):
        before = text[start - 1]
        if before.isalnum() and (variant.word_start or _is_latin(before)):
            return False
    return not (variant.latin_end and end < len(text) and _is_latin(text[end]))


def _lower(text: str) -> str:
    """Lower-case without moving offsets (a few characters grow when lower-cased)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower()[0] for char in text)


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _word_end(text: str, end: int) -> int:
    while end < len(text) and _is_latin(text[end]):
        end += 1
    return end
