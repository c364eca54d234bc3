"""Entity linking: which entities of the zone model a release names, with spans as evidence.

All names of the catalogue go into one Aho-Corasick automaton, built once. A text is matched in a
folded form (lower case, without whitespace and middle dots) so that spacing variants and
``반월·시화`` / ``반월시화`` meet the same key; every match is mapped back to the original text,
where word boundaries are judged. Korean writes particles glued to the name, so a match may be
followed by a particle (``인천경제청은``) but not by any other Hangul, and short names must stand
alone on both sides (``부산`` is not in ``수산부산물``). Overlapping matches keep the longest
(``부산진해경제자유구역`` is the zone, not the city). Weak aliases (bare district names, shared
short forms) count only with support: a related entity named in the same release, or neighbours
of the same kind in an enumeration. A special zone also names its zone type.

A tokenizer (kiwipiepy) was tried for the word boundaries and left out: it takes seconds to load
and tokenizes under ten releases a second where this matcher links about a thousand, and the
particle rules already settle the cases it would (수산부산물, 경기 침체).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import accumulate, islice

import ahocorasick

from zonewatch.classify.evidence import Part, Span
from zonewatch.config.zones import EntityKind, EntitySpec, ZoneModel


def _words(text: str) -> tuple[str, ...]:
    """Word lists written as text: long lists of Korean words read better so."""
    return tuple(text.split())


RULE_SCORES: dict[str, float] = {
    "name": 0.95,
    "abbreviation": 0.9,
    "alias": 0.9,
    "former_name": 0.85,
    "place_qualifier": 0.7,
    "parent_in_name": 0.7,
    "weak_alias+context": 0.6,
    "instance->type": 0.75,
    "enumeration": 0.8,
}
"""How sure one piece of evidence makes a link; several pieces combine (noisy-or)."""
TITLE_BONUS = 0.05

PARTICLES = frozenset(
    _words(
        """
        은 는 이 가 을 를 의 에 에서 에게 께 께서 와 과 도 로 으로 만 까지 부터 보다 처럼 같이
        이나 나 이며 며 이고 이라 라 이다 다 인 이자 이란 란 이라는 라는 이라고 라고 이지만 지만
        에는 에서는 에서도 에서의 에서만 으로는 로는 으로도 로도 으로서 로서 으로써 로써 으로의
        로의 으로부터 로부터 에서부터 과의 와의 과는 와는 과도 와도 에도 에만 에의 엔 만의 만이 만을
        까지의 까지는 부터는 이었다 였다 입니다 이어서 마다 뿐 조차 마저 에게는 에게서 한테 이랑 랑
        등 등의 등이 등을 등에 등과 등도 등은 등에서 등으로 들 들이 들은 들의 들을 들과 들도 들에
        """
    )
)
"""Endings that may follow a name in the same word: case particles, copulas, 등 and plurals."""

SUFFIXES = frozenset(
    _words(
        """
        시 도 시청 도청 장 청장 시장 지사 도지사 장관 차관 실장 국장 과장 단장 위원장 이사장
        원장 부시장 부지사 의회 시의회 도의회 지역 권 권역 일대 일원 전역 소재 내 외 측 발 지구
        관계자 직원 공무원 주민 시민 도민 부총리 주관 주최 소관 산하 소속 본부 차원 중심 전체
        """
    )
)
"""Nouns glued to a name that keep it a mention of the name (``인천시청``, ``산업부장관``).
Not 청 or 형: ``서울청`` is a regional office, ``광주형 일자리`` a programme."""

ENDINGS = PARTICLES | SUFFIXES | frozenset(s + p for s in SUFFIXES for p in PARTICLES)

AMBIGUOUS_PLACES = frozenset({"경기"})
"""Bare place names that are also everyday words (경기 침체 is a recession, not Gyeonggi):
they need a place around them."""

PLACE_ENDINGS = frozenset(_words("지역 도내 남부 북부 권 권역 일대 전역 소재"))
"""Glued endings that make an ambiguous place word a place (``경기지역``)."""

PLACE_FOLLOWERS = _words(
    """
    남부 북부 수원 성남 고양 용인 부천 안산 안양 남양주 화성 평택 의정부 시흥 파주 김포 광명
    군포 하남 오산 이천 안성 의왕 양주 포천 여주 동두천 과천 구리 양평 가평 연천 판교 동탄
    """
)
"""Words that follow a province written as a place: its parts and cities (``경기 화성시``)."""

PLACE_TITLES = frozenset(
    _words("City Province Metropolitan Government Mayor Governor Island Area Region Office")
)
"""Capitalised words after an English place name that keep it the place (``Busan City``)."""

_DATELINE = re.compile(
    r"(?m)^[ \t]*[A-Z][A-Z .'-]{1,30},[ \t]+[A-Z][a-z]{2,4}\.?[ \t]+\d{1,2}[ \t]*"
    r"\([A-Za-z .&-]{2,30}\)[ \t]*(?:--|[-–—])"
    r"|[(\[][ \t]*[가-힣]{1,6}[ \t]*=[ \t]*[가-힣A-Za-z0-9 ]{1,12}[)\]]"
)
"""A dateline, which is not a mention (README): ``SEOUL, May 3 (Yonhap) --``, ``(세종=뉴스1)``,
``[부산=뉴시스]``."""
_SKIPPED = re.compile(r"[\s·ㆍ・‧･-]+")
_SKIPPED_KEPT = re.compile(rf"({_SKIPPED.pattern})")
"""Splits a text into its pieces and the skipped runs between them, in one pass."""
_LATIN_WORD = re.compile(r"[A-Za-z]+")
_DASHES = re.compile("[‐‑‒–—―−]")
_WHITESPACE = re.compile(r"\s+")
_HANGUL_RUN = re.compile(r"[가-힣]*")
_INLINE_GAP = re.compile(r"[ \t]*[,·ㆍ・‧･/、][ \t]*")
_INLINE_GAP_BEFORE = re.compile(r"[,·ㆍ・‧･/、][ \t]*$")
_LINE_GAP = re.compile(r"[ \t]*\n\s*")
_LINE_GAP_BEFORE = re.compile(r"\n\s*$")
_SHARED_MINISTRY = re.compile(r"[·ㆍ・‧･]([가-힣]{1,4})부([가-힣]*)")
_STEM_BEFORE = re.compile(r"(?<![가-힣])[가-힣]{1,4}$")
_LIST_DOTS = "·ㆍ・‧･"
_URL_JOINERS = "./@_"
_STEM_MAX = 4
_SHORT_SYLLABLES = 2
_GLUE_SYLLABLES = 2
_LATIN_PLURAL_MIN = 3
_SIBILANT_ENDS = frozenset("sxzh")
_LOOKBEHIND = 12
_SUPPORT_ROUNDS = 3
_REGIONAL_KINDS = frozenset({EntityKind.FEZ_DISTRICT, EntityKind.DISTRICT, EntityKind.CLUSTER})
_SIBLING_KINDS = frozenset({EntityKind.FEZ, EntityKind.FEZ_DISTRICT})

InnerName = tuple[str, int, str]
"""An entity named by the start of a longer name: its id, the length of that start in folded
characters, and the evidence rule."""


@dataclass(frozen=True)
class EntityHit:
    entity_id: str
    score: float
    evidence: tuple[Span, ...]


# ----------------------------------------------------------------------------------------------
# Folding: the form texts and names are matched in
# ----------------------------------------------------------------------------------------------


def _is_hangul(char: str) -> bool:
    return "가" <= char <= "힣"


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _lower(text: str) -> str:
    """Lower case of the same length, so that offsets survive; all dashes as ``-``."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return _DASHES.sub("-", lowered)


def fold(name: str) -> str:
    """The key a name is matched by: lower case, no whitespace, middle dots or dashes, so that
    ``Busan-Jinhae``, ``Busan Jinhae`` and ``Busan–Jinhae`` meet the same key."""
    return _SKIPPED.sub("", _lower(name))


def _spelling(text: str) -> str:
    """A name as written, up to case, dashes and the amount of whitespace."""
    return _WHITESPACE.sub(" ", _lower(text).replace("-", " ").strip())


class _Folded:
    """A text folded for matching, and the way back to offsets in the original."""

    def __init__(self, text: str) -> None:
        parts = _SKIPPED_KEPT.split(_lower(text))
        pieces = parts[0::2]
        self.folded = "".join(pieces)
        self.folded_starts: list[int] = [0, *accumulate(map(len, pieces[:-1]))]
        self.original_starts: list[int] = [0, *islice(accumulate(map(len, parts)), 1, None, 2)]

    def original(self, index: int) -> int:
        piece = bisect_right(self.folded_starts, index) - 1
        return self.original_starts[piece] + index - self.folded_starts[piece]


# ----------------------------------------------------------------------------------------------
# Patterns and matches
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    """One catalogue name as the matcher sees it."""

    entity_id: str
    rule: str
    weak: bool
    folded: str
    spellings: frozenset[str] = frozenset()
    """The catalogue's spellings: a match spelt otherwise (``경기 도약`` for 경기도) is held to
    stricter boundaries."""
    exact: str | None = None
    """Set when the text must spell the name in these letters (upper-case abbreviations)."""
    place: bool = False
    """A name of a province or city: glued into a longer word it names something else."""
    inner: tuple[InnerName, ...] = ()
    syllables: int = 0
    short_form: bool = False
    """An abbreviation, current or former: 산업부 in 산업부문 is another word."""


@dataclass(frozen=True)
class _Match:
    pattern: _Pattern
    where: str
    start: int
    end: int
    text: str
    rule: str

    @property
    def entity_id(self) -> str:
        return self.pattern.entity_id

    @property
    def length(self) -> int:
        return len(self.pattern.folded)


def _names(entity: EntitySpec) -> Iterator[tuple[str, str, bool]]:
    """Every name of an entity with the rule it matches by and whether it is weak."""
    yield entity.name.ko, "name", False
    yield entity.name.en, "name", False
    for name in entity.abbreviations:
        yield name, "abbreviation", False
    for name in entity.aliases:
        yield name, "alias", False
    for name in entity.weak_aliases:
        yield name, "weak_alias+context", True
    for former in entity.former_names:
        for former_name in (former.ko, former.en, *former.abbreviations):
            if former_name:
                yield former_name, "former_name", False


def _short_forms(entity: EntitySpec) -> set[str]:
    """The folded abbreviations of an entity, current and former."""
    names = [*entity.abbreviations, *(n for f in entity.former_names for n in f.abbreviations)]
    return {fold(name) for name in names}


def _is_exact_abbreviation(name: str) -> bool:
    """Upper-case Latin abbreviations (RISE, ME) must match in upper case: lower-cased they are
    English words."""
    letters = [char for char in name if char.isalpha()]
    return bool(letters) and all(char.isascii() and char.isupper() for char in letters)


def _is_place(entity: EntitySpec) -> bool:
    """Provinces and metropolitan cities: authorities known by a bare place name."""
    return (
        entity.kind is EntityKind.AUTHORITY and entity.parent is None and bool(entity.weak_aliases)
    )


def _ancestors(entity_id: str, entities: dict[str, EntitySpec]) -> Iterator[str]:
    current = entities[entity_id].parent
    while current is not None:
        yield current
        current = entities[current].parent


class _Catalogue:
    """The zone model as the linker needs it: patterns by key, and who is related to whom."""

    def __init__(self, model: ZoneModel) -> None:
        self.entities = model.by_id()
        self.places = frozenset(eid for eid, e in self.entities.items() if _is_place(e))
        self.ministries = frozenset(
            eid
            for eid, e in self.entities.items()
            if e.kind is EntityKind.AUTHORITY and eid not in self.places
        )
        self.place_words = {
            fold(name): eid
            for eid in self.places
            for name, _, _ in _names(self.entities[eid])
            if not name.isascii()
        }
        children: dict[str, set[str]] = {}
        for entity in model.entities:
            if entity.parent:
                children.setdefault(entity.parent, set()).add(entity.id)
        self.zone_type = {eid: self._zone_type(eid) for eid in self.entities}
        self.related = {eid: self._related(eid, children) for eid in self.entities}
        self.by_key = self._patterns(model)

    def kind(self, entity_id: str) -> EntityKind:
        return self.entities[entity_id].kind

    def ministry(self, name: str) -> _Pattern | None:
        for pattern in self.by_key.get(fold(name), ()):
            if not pattern.weak and pattern.entity_id in self.ministries:
                return pattern
        return None

    def _patterns(self, model: ZoneModel) -> dict[str, tuple[_Pattern, ...]]:
        """One pattern per entity, key and strength; its spellings are all the names that fold
        to the key, its rule the first kind of name that does."""
        spellings: dict[tuple[str, str, bool], set[str]] = {}
        first: dict[tuple[str, str, bool], tuple[str, str]] = {}
        for entity in model.entities:
            for name, rule, weak in _names(entity):
                key = (entity.id, fold(name), weak)
                if key[1]:
                    spellings.setdefault(key, set()).add(_spelling(name))
                    first.setdefault(key, (name, rule))
        by_key: dict[str, list[_Pattern]] = {}
        for key, spelt in spellings.items():
            entity_id, folded, weak = key
            name, rule = first[key]
            pattern = _Pattern(
                entity_id,
                rule,
                weak,
                folded,
                frozenset(spelt),
                _SKIPPED.sub("", name) if _is_exact_abbreviation(name) else None,
                entity_id in self.places,
                self._inner(self.entities[entity_id], folded, spelt),
                sum(1 for char in folded if _is_hangul(char)),
                folded in _short_forms(self.entities[entity_id]),
            )
            by_key.setdefault(folded, []).append(pattern)
        return {key: tuple(patterns) for key, patterns in by_key.items()}

    def _inner(
        self, entity: EntitySpec, key: str, spellings: Iterable[str]
    ) -> tuple[InnerName, ...]:
        """What the start of a name names besides the entity: ``인천 남동국가산단`` names
        Incheon (the complex's own name has no place in it) while ``부산 블록체인 규제자유특구``
        and ``인천광역시 경제자유구역청`` are one name each; ``새만금 산업단지`` and ``송도
        바이오클러스터`` name the area they are part of. A place counts only where the text
        puts a space after it (``인천남동`` is a complex's short name)."""
        if entity.id in self.places:
            return ()
        found: dict[str, InnerName] = {}
        qualifier = self._place_qualifier(entity, key)
        if qualifier:
            found[qualifier[0]] = qualifier
        for spelling in spellings:
            for ancestor in _ancestors(entity.id, self.entities):
                length = self._prefix(ancestor, spelling)
                if length and ancestor not in self.places:
                    found[ancestor] = (ancestor, length, "parent_in_name")
        return tuple(found.values())

    def _place_qualifier(self, entity: EntitySpec, key: str) -> InnerName | None:
        """The longest place name ``key`` starts with, unless the entity's own name starts
        with that place too."""
        own = fold(entity.name.ko)
        starts = [word for word in self.place_words if key.startswith(word) and word != key]
        if not starts:
            return None
        word = max(starts, key=len)
        place = self.place_words[word]
        if self._starts_with_place(own, place):
            return None
        return place, len(word), "place_qualifier"

    def _starts_with_place(self, name: str, place: str) -> bool:
        return any(
            name.startswith(word) for word, owner in self.place_words.items() if owner == place
        )

    def _prefix(self, entity_id: str, spelling: str) -> int:
        """The folded length of the longest name of ``entity_id`` that ``spelling`` starts
        with as a word of its own, or 0."""
        folded = fold(spelling)
        best = 0
        for name, _, _ in _names(self.entities[entity_id]):
            key = fold(name)
            if not best < len(key) < len(folded) or not folded.startswith(key):
                continue
            if _is_latin(key[-1]) and not re.match(rf"{re.escape(_spelling(name))}[\s-]", spelling):
                continue
            best = len(key)
        return best

    def _zone_type(self, entity_id: str) -> str | None:
        for ancestor in [entity_id, *_ancestors(entity_id, self.entities)]:
            if self.entities[ancestor].kind is EntityKind.ZONE_TYPE:
                return ancestor
        return None

    def _related(self, entity_id: str, children: dict[str, set[str]]) -> frozenset[str]:
        """The entities whose naming makes a weak alias of ``entity_id`` credible: itself, its
        ancestors and descendants, the sibling zones and districts of a FEZ, and the region of
        a district or cluster (송도 with 인천, not 광양만권 with 전남)."""
        entity = self.entities[entity_id]
        related = {entity_id, *_ancestors(entity_id, self.entities)}
        stack = [entity_id]
        while stack:
            for child in children.get(stack.pop(), ()):
                related.add(child)
                stack.append(child)
        if entity.kind in _SIBLING_KINDS and entity.parent:
            related.update(children.get(entity.parent, ()))
        if entity.kind in _REGIONAL_KINDS and entity.region:
            related.add(entity.region)
        return frozenset(related)


# ----------------------------------------------------------------------------------------------
# Word boundaries
# ----------------------------------------------------------------------------------------------


def _fits(pattern: _Pattern, text: str, start: int, end: int) -> bool:
    """Whether a match of ``pattern`` at ``text[start:end]`` is a word of its own.

    Korean names of three syllables or more may be glued into compounds (``경제자유구역법``,
    ``충북혁신도시``, ``새만금사업``); shorter ones, abbreviations, place names, weak aliases and
    names spelt with other spacing than the catalogue's may only carry a particle or one of a
    few suffixes (``인천시청``), and a two-syllable name may not be split by a space."""
    found = text[start:end]
    if pattern.exact is not None and _SKIPPED.sub("", found) != pattern.exact:
        return False
    respaced = _spelling(found) not in pattern.spellings
    if respaced and (pattern.weak or pattern.syllables <= _SHORT_SYLLABLES):
        return False
    strict = respaced or pattern.weak or pattern.place or pattern.short_form
    return _fits_left(pattern, text, start, strict) and _fits_right(pattern, text, end, strict)


def _fits_left(pattern: _Pattern, text: str, start: int, strict: bool) -> bool:
    before = text[start - 1] if start else " "
    first = pattern.folded[0]
    if _is_latin(first):
        return not _is_latin(before) and not _joined(text, start - 1, -1, pattern)
    if _is_hangul(first) and _is_hangul(before):
        return not strict and pattern.syllables > _GLUE_SYLLABLES
    return True


def _fits_right(pattern: _Pattern, text: str, end: int, strict: bool) -> bool:
    after = text[end] if end < len(text) else " "
    last = pattern.folded[-1]
    if _is_latin(last):
        if pattern.weak and after == " " and _starts_a_name(text, end + 1):
            return False
        if len(pattern.folded) >= _LATIN_PLURAL_MIN:
            end += _plural_ending(text, end, last)
            after = text[end] if end < len(text) else " "
        return not _is_latin(after) and not _joined(text, end, 1, pattern)
    if _is_hangul(last) and _is_hangul(after):
        if _ending(text, end) in ENDINGS:
            return True
        return not strict and pattern.syllables > _GLUE_SYLLABLES
    return True


def _plural_ending(text: str, end: int, last: str) -> int:
    """The length of an English plural ending at ``end``: ``zones`` (s), ``complexes`` (es
    after a sibilant); 0 when there is none. Possessives (``zone's``) need no help: the
    apostrophe is a boundary already."""
    ending = text[end : end + 2].lower()
    if last in _SIBILANT_ENDS and ending == "es":
        return 2
    return 1 if ending[:1] == "s" else 0


def _ending(text: str, end: int) -> str:
    """The Hangul glued after ``end``: a particle, a suffix or the rest of a longer word."""
    rest = _HANGUL_RUN.match(text, end)
    return rest.group() if rest else ""


def _starts_a_name(text: str, start: int) -> bool:
    """Whether a capitalised word at ``start`` goes on the name before it: ``Seoul National
    University`` is not Seoul, while ``Busan City`` and ``Seoul Mayor`` are."""
    word = _LATIN_WORD.match(text, start)
    return word is not None and word.group()[0].isupper() and word.group() not in PLACE_TITLES


def _joined(text: str, index: int, step: int, pattern: _Pattern) -> bool:
    """Whether the Latin word next to ``index`` goes on past a joiner: a web or mail address
    (``www.busan.go.kr``) is not a mention, nor an abbreviation in a code (``ME-CAR``)."""
    if not 0 <= index + step < len(text):
        return False
    joiner, beyond = text[index], text[index + step]
    if joiner in _URL_JOINERS:
        return _is_latin(beyond)
    code = pattern.exact is not None
    return code and joiner == "-" and _is_latin(beyond) and (step < 0 or beyond.isupper())


# ----------------------------------------------------------------------------------------------
# Support for weak aliases
# ----------------------------------------------------------------------------------------------


class _Neighbours:
    """Matches of one release by position, to find the items next to one in a list."""

    def __init__(self, matches: Iterable[_Match], texts: dict[str, str]) -> None:
        self.texts = texts
        self.by_end: dict[tuple[str, int], list[_Match]] = {}
        self.by_start: dict[tuple[str, int], list[_Match]] = {}
        for match in matches:
            self.by_end.setdefault((match.where, match.end), []).append(match)
            self.by_start.setdefault((match.where, match.start), []).append(match)

    def inline(self, match: _Match) -> list[_Match]:
        """Neighbours across ``,``, ``·`` or ``/``: ``반월시화, 경남창원, 인천남동``."""
        return self._across(match, _INLINE_GAP, _INLINE_GAP_BEFORE)

    def by_line(self, match: _Match) -> list[_Match]:
        """Neighbours on the lines before and after: the cells of a table."""
        return self._across(match, _LINE_GAP, _LINE_GAP_BEFORE)

    def _across(
        self, match: _Match, after: re.Pattern[str], before: re.Pattern[str]
    ) -> list[_Match]:
        text = self.texts[match.where]
        found: list[_Match] = []
        gap = after.match(text, match.end)
        if gap:
            found.extend(self.by_start.get((match.where, gap.end()), ()))
        gap = before.search(text, max(0, match.start - _LOOKBEHIND), match.start)
        if gap:
            found.extend(self.by_end.get((match.where, gap.start()), ()))
        return [n for n in found if n.entity_id != match.entity_id]


class _Support:
    """Decides which weak matches of one release count."""

    def __init__(self, catalogue: _Catalogue, texts: dict[str, str]) -> None:
        self.catalogue = catalogue
        self.texts = texts

    def supported(self, weak: list[_Match], strong: list[_Match]) -> list[_Match]:
        """Places stand on their own unless they are everyday words or items of a list of
        complexes; anything else needs a related entity named in the release, or, for a
        complex, complexes beside it in a list. Support found for one weak match may carry
        another (``송도, 청라``), so this runs a few rounds."""
        neighbours = _Neighbours([*strong, *weak], self.texts)
        places = [m for m in weak if m.pattern.place and self._is_place_here(m, neighbours)]
        accepted = list(places)
        named = {m.entity_id for m in [*strong, *places]}
        listed = {id(m) for m in strong}
        rest = [m for m in weak if not m.pattern.place]
        for _ in range(_SUPPORT_ROUNDS):
            found = [
                m
                for m in rest
                if self.catalogue.related[m.entity_id] & named
                or self._listed_with_complexes(m, neighbours, listed)
            ]
            if not found:
                break
            accepted.extend(found)
            taken = {id(m) for m in found}
            rest = [m for m in rest if id(m) not in taken]
            named.update(m.entity_id for m in found)
            listed.update(id(m) for m in found)
        return accepted

    def _is_place_here(self, match: _Match, neighbours: _Neighbours) -> bool:
        inline = neighbours.inline(match)
        lines = neighbours.by_line(match)
        if self._complexes(inline, strong=True) or len(self._complexes(lines, strong=True)) > 1:
            return False
        if match.pattern.folded not in AMBIGUOUS_PLACES:
            return True
        if any(n.pattern.place for n in [*inline, *lines]):
            return True
        return _placed(self.texts[match.where], match.end)

    def _listed_with_complexes(
        self, match: _Match, neighbours: _Neighbours, listed: set[int]
    ) -> bool:
        """A complex's short name (경북구미, 광양) counts in a list of complexes."""
        if self.catalogue.kind(match.entity_id) is not EntityKind.INDUSTRIAL_COMPLEX:
            return False
        around = [*neighbours.inline(match), *neighbours.by_line(match)]
        return any(id(n) in listed for n in self._complexes(around))

    def _complexes(self, matches: list[_Match], strong: bool = False) -> list[_Match]:
        kind = EntityKind.INDUSTRIAL_COMPLEX
        return [
            m
            for m in matches
            if self.catalogue.kind(m.entity_id) is kind and not (strong and m.pattern.weak)
        ]


def _placed(text: str, end: int) -> bool:
    """Whether what follows an ambiguous place word makes it the place: a place ending
    (``경기지역``) or a part or city of the province (``경기 남부``, ``경기 화성시``)."""
    ending = _ending(text, end)
    if ending:
        return ending in PLACE_ENDINGS
    return text[end : end + 8].lstrip(" \t(").startswith(PLACE_FOLLOWERS)


# ----------------------------------------------------------------------------------------------
# Enumerations: bare region names listed under a zone type name the zones of those regions
# ----------------------------------------------------------------------------------------------

_REGION_GAP = re.compile(
    r"(?:[ \t]*\([^()\n]{0,40}\))?"
    r"(?:(?:과|와)[ \t]+|[ \t]*(?:[,·ㆍ・‧･/、․&]|및|and|or)[ \t]*(?:and[ \t]+)?)"
)
"""What may stand between two items of a list: an optional parenthesis on the item before
(``황해(경기 시흥)``, ``Incheon (53.2 percent)``), then a separator."""
_HEAD_LEAD = re.compile(
    r"(?:[ \t]*\([^()\n]{0,40}\))?[ \t]*(?:\d+[ \t]*(?:곳|개소|개)[ \t]*)?(?:의[ \t]*)?"
)
"""What may stand between a list and the zone type after it: ``3곳``, ``(44.9%)``, ``의``."""
_GENERIC_HEAD = r"zones?\b"
"""The English word a list of zones ends with (``the Ulsan and Gwangju zones``): taken only
in a release that names the family and no other zone type."""
_BEFORE_WINDOW = 80
_NAME_GAP = r"[\s\-‐‑–—·]"
"""What may stand between the words of a name: dashes and spaces are interchangeable."""
_NAME_GAP_START = re.compile(rf"^{_NAME_GAP}+")
"""Separators a name may begin with, which its pattern leaves out (see ``_name_regex``)."""


def _name_regex(name: str, plural: bool = False) -> str:
    """A region or head name as a pattern: dashes and spaces interchangeable, Latin names
    as whole words (a Latin head also in the plural)."""
    parts = [re.escape(part) for part in re.split(f"{_NAME_GAP}+", name) if part]
    body = f"{_NAME_GAP}*".join(parts)
    if _is_latin(name[0]):
        body = rf"(?<![A-Za-z]){body}"
    if _is_latin(name[-1]):
        body = rf"{body}{'(?:e?s)?' if plural else ''}(?![A-Za-z])"
    return body


def _first_chars(names: list[str]) -> str:
    """A lookahead of the characters the names start with: the engine then skips, at C speed,
    every position where no alternative can start (most of a text)."""
    chars = {case for name in names for case in (name[0].lower(), name[0].upper())}
    return "(?=[" + "".join(re.escape(char) for char in sorted(chars)) + "])"


@dataclass(frozen=True)
class _Family:
    """A parent (the FEZ system) whose children each own some bare region names."""

    parent: str
    members: frozenset[str]
    by_region: dict[str, str]
    """Folded region name -> the child it stands for."""
    unique: frozenset[str]
    """Folded region names that are no city's or province's name (부산진해, Gwangyang Bay): one
    of them in a list makes the whole list a list of zones where the family is named."""
    regions: re.Pattern[str]
    head_after: re.Pattern[str]
    head_before: re.Pattern[str]
    named_head: re.Pattern[str]


def _families(catalogue: _Catalogue) -> list[_Family]:
    """One family per parent whose children carry ``region_names`` in the zone model."""
    entities = catalogue.entities
    owners: dict[str, set[str]] = {}
    for eid, entity in entities.items():
        for name, _, _ in _names(entity):
            owners.setdefault(fold(name), set()).add(eid)
    grouped: dict[str, dict[str, str]] = {}
    for entity in entities.values():
        if entity.parent and entity.region_names:
            for name in entity.region_names:
                grouped.setdefault(entity.parent, {})[name] = entity.id
    families = []
    for parent, by_name in grouped.items():
        regions = sorted(by_name, key=len, reverse=True)
        heads = sorted({name for name, _, _ in _names(entities[parent])}, key=len, reverse=True)
        head = "|".join(_name_regex(name, plural=True) for name in heads)
        members = {parent, *(eid for eid in entities if parent in _ancestors(eid, entities))}
        families.append(
            _Family(
                parent=parent,
                members=frozenset(members),
                by_region={fold(name): eid for name, eid in by_name.items()},
                unique=frozenset(
                    fold(name) for name in by_name if owners.get(fold(name), set()) <= members
                ),
                regions=re.compile(
                    _first_chars(regions)
                    + "(?:"
                    + "|".join(f"(?:{_name_regex(n)})" for n in regions)
                    + ")"
                ),
                head_after=re.compile(
                    rf"{_HEAD_LEAD.pattern}(?:the\s+)?(?:{head}|{_GENERIC_HEAD})", re.I
                ),
                head_before=re.compile(
                    _first_chars([_NAME_GAP_START.sub("", name) for name in [*heads, "zones"]])
                    + rf"(?:(?:{head}|{_GENERIC_HEAD})\s+(?:in|at|of|for|including|such\s+as"
                    rf"|like)\s+(?:the\s+)?"
                    rf"|(?:{head})[^\n.。]{{0,40}}?\d+[ \t]*(?:곳|개소|개)?[ \t]*[(:])$",
                    re.I,
                ),
                named_head=re.compile(head, re.I),
            )
        )
    return families


class _Enumerations:
    """Finds lists of bare region names that name zones: ``인천·부산진해·광양 3곳``,
    ``6곳(인천, 부산·진해, 광양만권)``, ``the zones in Incheon, Busan-Jinhae and Gwangyang``.

    A list counts when the zone type's name follows it, or precedes it (``FEZs in``, ``경제자유
    구역 … 6곳(``), or when one of its items is a name only a zone has (부산진해) in a release
    that names the family. Each item then names its zone, and the city it spells is not
    taken from that spot: the README counts the city only where it is named on its own."""

    def __init__(self, catalogue: _Catalogue) -> None:
        self.catalogue = catalogue
        self.families = _families(catalogue)
        self.zone_types = frozenset(
            eid for eid, e in catalogue.entities.items() if e.kind is EntityKind.ZONE_TYPE
        )

    def find(self, texts: dict[str, str], matches: list[_Match]) -> list[_Match]:
        named = {m.entity_id for m in matches if not m.pattern.weak}
        found: list[_Match] = []
        for family in self.families:
            context = bool(named & family.members)
            generic = context and not (named & self.zone_types - {family.parent})
            for where, text in texts.items():
                zones = {
                    m.start
                    for m in matches
                    if m.where == where and m.entity_id in family.members and not m.pattern.weak
                }
                for group in self._groups(family, text):
                    if self._is_zone_list(family, text, group, context, generic) or _ends_in(
                        family, text, group, zones
                    ):
                        found.extend(self._items(family, where, group))
        return found

    def _groups(self, family: _Family, text: str) -> Iterator[list[re.Match[str]]]:
        """Runs of region names joined by list separators."""
        group: list[re.Match[str]] = []
        for token in family.regions.finditer(text):
            if not self._stands_alone(text, token):
                continue
            if group and not _REGION_GAP.fullmatch(text, group[-1].end(), token.start()):
                yield group
                group = []
            group.append(token)
        if group:
            yield group

    @staticmethod
    def _stands_alone(text: str, token: re.Match[str]) -> bool:
        """A Korean region name carries at most a particle (``인천과``, not ``인천시``)."""
        start, end = token.span()
        if _is_hangul(text[start]) and start and _is_hangul(text[start - 1]):
            return False
        ending = _ending(text, end) if _is_hangul(text[end - 1]) else ""
        return not ending or ending in PARTICLES

    def _is_zone_list(
        self,
        family: _Family,
        text: str,
        group: list[re.Match[str]],
        context: bool,
        generic: bool,
    ) -> bool:
        after = family.head_after.match(text, group[-1].end())
        if after and (generic or family.named_head.search(after.group())):
            return True
        before = family.head_before.search(
            text, max(0, group[0].start() - _BEFORE_WINDOW), group[0].start()
        )
        if before and (generic or family.named_head.search(before.group())):
            return True
        keys = [fold(token.group()) for token in group]
        return context and len(group) > 1 and any(key in family.unique for key in keys)

    @staticmethod
    def _items(family: _Family, where: str, group: list[re.Match[str]]) -> Iterator[_Match]:
        for token in group:
            key = fold(token.group())
            entity_id = family.by_region[key]
            pattern = _Pattern(entity_id, "enumeration", False, key)
            yield _Match(pattern, where, token.start(), token.end(), token.group(), "enumeration")


def _ends_in(family: _Family, text: str, group: list[re.Match[str]], zones: set[int]) -> bool:
    """Whether the list goes on with a zone's full name made of a region name and the type:
    ``광주, 충북, 경기경제자유구역`` (not ``to Busan, BJFEZ is``)."""
    gap = _REGION_GAP.match(text, group[-1].end())
    return gap is not None and gap.end() in zones and bool(family.regions.match(text, gap.end()))


_COMPLEX_ITEM = r"[A-Z][A-Za-z-]*(?:[ \t]+(?:[A-Z][A-Za-z-]*|high-tech|life|science)){0,2}"
_COMPLEX_LIST = re.compile(
    rf"({_COMPLEX_ITEM}(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|,[ \t]+and[ \t]+){_COMPLEX_ITEM})*)"
    r"[ \t]+(?:national[ \t]+)?(?:industrial[ \t]+)?complex(?:es)?\b"
)
"""English complexes sharing one head: ``the Gumi, Changwon and Namdong national industrial
complexes``, ``the Seongseo complex``."""
_COMPLEX_SPLIT = re.compile(r"[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+")
_COMPLEX_SUFFIXES = (" national industrial complex", " industrial complex")


def _listed_complexes(catalogue: _Catalogue, text: str, where: str) -> Iterator[_Match]:
    """Each item of a list under a shared complex head, as the complex whose full name it
    makes with the head; items that make no catalogue name give nothing."""
    for listed in _COMPLEX_LIST.finditer(text):
        position = listed.start(1)
        for item in _COMPLEX_SPLIT.split(listed.group(1)):
            start = text.index(item, position)
            position = start + len(item)
            for suffix in _COMPLEX_SUFFIXES:
                patterns = catalogue.by_key.get(fold(item + suffix), ())
                strong = [p for p in patterns if not p.weak]
                if strong and catalogue.kind(strong[0].entity_id) is EntityKind.INDUSTRIAL_COMPLEX:
                    pattern = _Pattern(strong[0].entity_id, "enumeration", False, fold(item))
                    yield _Match(pattern, where, start, position, item, "enumeration")
                    break


def _outside(match: _Match, listed: list[_Match]) -> bool:
    """Whether ``match`` is no other entity's reading of a listed region name."""
    return not any(
        item.where == match.where
        and item.start <= match.start
        and match.end <= item.end
        and item.entity_id != match.entity_id
        for item in listed
    )


# ----------------------------------------------------------------------------------------------
# The linker
# ----------------------------------------------------------------------------------------------


class EntityLinker:
    """Finds the entities of the zone model in a release; build once, link many."""

    def __init__(self, catalogue: _Catalogue) -> None:
        self.catalogue = catalogue
        self.automaton = ahocorasick.Automaton()
        for key, patterns in catalogue.by_key.items():
            self.automaton.add_word(key, patterns)
        self.automaton.make_automaton()
        self.enumerations = _Enumerations(catalogue)

    @classmethod
    def from_model(cls, model: ZoneModel) -> EntityLinker:
        return cls(_Catalogue(model))

    def link(self, title: str, text: str, language: str = "ko") -> list[EntityHit]:
        """The entities ``title`` and ``text`` name, surest first.

        ``language`` does not change the matching: Korean releases quote English names and the
        reverse, so every name is looked for in every text."""
        texts = {"title": _without_datelines(title), "body": _without_datelines(text)}
        matches = [m for where, part in texts.items() for m in self._matches(part, where)]
        listed = self.enumerations.find(texts, matches)
        listed += [
            m
            for where, part in texts.items()
            for m in _listed_complexes(self.catalogue, part, where)
        ]
        if listed:
            matches = [*(m for m in matches if _outside(m, listed)), *listed]
        strong = _longest([m for m in matches if not m.pattern.weak])
        weak = [m for m in matches if m.pattern.weak]
        supported = _Support(self.catalogue, texts).supported(weak, strong)
        kept = _longest([*strong, *supported])
        return self._hits([*kept, *self._inner_matches(kept, texts)])

    def _matches(self, text: str, where: str) -> Iterator[_Match]:
        if not text:
            return
        folded = _Folded(text)
        for last, patterns in self.automaton.iter(folded.folded):
            start = folded.original(last - len(patterns[0].folded) + 1)
            end = folded.original(last) + 1
            for pattern in patterns:
                if _fits(pattern, text, start, end):
                    yield _Match(pattern, where, start, end, text[start:end], pattern.rule)
        yield from self._shared_ministry(text, where)

    def _shared_ministry(self, text: str, where: str) -> Iterator[_Match]:
        """Ministries listed with one shared 부: ``국토·해수·중기부`` names three of them."""
        for tail in _SHARED_MINISTRY.finditer(text):
            if tail.group(2) and tail.group(2) not in ENDINGS:
                continue
            position = tail.start()
            while position > 0 and text[position] in _LIST_DOTS:
                stem = _STEM_BEFORE.search(text, max(0, position - _STEM_MAX - 1), position)
                if stem is None:
                    break
                pattern = self.catalogue.ministry(stem.group() + "부")
                if pattern is not None:
                    start, end = stem.span()
                    yield _Match(pattern, where, start, end, stem.group(), "abbreviation")
                position = stem.start() - 1

    def _inner_matches(self, kept: list[_Match], texts: dict[str, str]) -> Iterator[_Match]:
        """The places and areas named at the start of the kept matches (see ``_inner``)."""
        for match in kept:
            if not match.pattern.inner:
                continue
            text = texts[match.where]
            folded = _Folded(match.text)
            for entity_id, length, rule in match.pattern.inner:
                end = match.start + folded.original(length - 1) + 1
                if rule == "place_qualifier" and not text[end : end + 1].isspace():
                    continue
                pattern = _Pattern(entity_id, rule, False, "")
                yield _Match(pattern, match.where, match.start, end, text[match.start : end], rule)

    def _hits(self, matches: list[_Match]) -> list[EntityHit]:
        evidence: dict[str, list[Span]] = {}
        for match in sorted(matches, key=lambda m: (m.where != "title", m.start)):
            evidence.setdefault(match.entity_id, []).append(
                Span(match.text, match.start, match.end, Part(match.where), match.rule)
            )
        for entity_id, items in list(evidence.items()):
            zone_type = self.catalogue.zone_type[entity_id]
            if zone_type is not None and zone_type != entity_id:
                derived = [replace(item, rule="instance->type") for item in items]
                evidence.setdefault(zone_type, []).extend(derived)
        hits = [EntityHit(eid, _score(items), tuple(items)) for eid, items in evidence.items()]
        return sorted(hits, key=lambda hit: -hit.score)


def _without_datelines(text: str) -> str:
    """The text with its datelines blanked out, offsets kept."""
    return _DATELINE.sub(lambda found: " " * len(found.group()), text)


def _longest(matches: list[_Match]) -> list[_Match]:
    """Drop every match that overlaps a longer one in the same part of the release; matches
    of the very same span (a name two entities share) are all kept."""
    covered: dict[tuple[str, int], tuple[int, int]] = {}
    kept: list[_Match] = []
    for match in sorted(matches, key=lambda m: (-m.length, m.pattern.weak, m.where, m.start)):
        span = (match.start, match.end)
        positions = [(match.where, i) for i in range(match.start, match.end)]
        if any(covered.get(position, span) != span for position in positions):
            continue
        covered.update(dict.fromkeys(positions, span))
        kept.append(match)
    return kept


def _score(evidence: list[Span]) -> float:
    """Noisy-or of the evidence: several independent mentions make a link surer."""
    missing = 1.0
    for item in evidence:
        missing *= 1.0 - RULE_SCORES.get(item.rule, 0.5)
    score = 1.0 - missing
    if any(item.where == Part.TITLE for item in evidence):
        score += TITLE_BONUS
    return round(min(1.0, score), 4)
