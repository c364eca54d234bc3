"""Numeric facts (amounts, counts, shares, areas) stated in Korean and English press releases.

A fact is a number written with a unit that says what it measures: ``2조 5,000억 원``,
``34개 기업``, ``15,000 employees``, ``152만평``. A number without such a unit (a date, a year,
a phone number, a list marker) is never a fact, so every rule starts from a number and the unit
written right after it, then rejects the contexts where that pair is still not a fact
(``제3조``, ``4회차``, ``5인 이상 사업장``, ``1인당``).

Korean and English rules both run on any text, so mixed text (a Korean release quoting
``US$ 1.2 billion``) works either way. Pure: no database; regexes are compiled at import and
tried anchored at each number, which keeps a release to a fraction of a millisecond.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

UNITS: tuple[str, ...] = (
    "KRW",
    "USD",
    "EUR",
    "companies",
    "jobs",
    "people",
    "percent",
    "km2",
    "count",
)

PERIOD_KINDS: tuple[str, ...] = (
    "annual",
    "half",
    "quarter",
    "month",
    "cumulative",
    "target",
    "plan",
    "unknown",
)
"""A first-half total and a second-quarter figure are different facts, however alike their
metric and unit; comparing them reads a rise as a fall. Two figures compare only when their
period kinds agree."""


@dataclass(frozen=True)
class FoundFact:
    """One number with its unit, where it was written and which rule read it."""

    metric: str
    value: float
    unit: str
    raw: str
    start: int
    end: int
    rule: str
    period: str = "unknown"
    """What span of time the figure covers (see :data:`PERIOD_KINDS`)."""
    scope: str | None = None
    """Which one of them, when the text says: ``H1``, ``Q2``, ``M3``, ``until 2030``."""


class _Reading(NamedTuple):
    """A candidate fact before overlaps are settled (cheaper than a FoundFact)."""

    start: int
    end: int
    value: float
    unit: str
    rule: str


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


# --- numbers -----------------------------------------------------------------------------------

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM_TAIL = r"\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?"
"""What follows the first digit of a :data:`_NUM`."""


def _number_not_after(name: str, before: str) -> str:
    """A group ``name`` holding a :data:`_NUM` that does not follow a character of ``before``,
    written to start with a digit: a pattern that does is searched by the engine's fast scan
    for its first character, where a leading lookbehind makes it try every position."""
    return rf"(?P<{name}>\d(?<!{before}\d)(?:{_NUM_TAIL}))"


# A Korean number has at most three magnitude groups (조, 억, 만) of at most three parts
# (3천5백) each; the bounds also keep a long run like ``1만 1만 1만 ...`` linear.
_KO_PART = rf"(?:{_NUM})(?:[천백]\s?(?:{_NUM})){{0,2}}[천백]?"
_KO_GROUP = rf"{_KO_PART}여?\s?[조억만]"
_KO_NUMBER = rf"(?:{_KO_GROUP}\s?){{0,2}}{_KO_GROUP}(?:\s?{_KO_PART})?|{_KO_PART}"
_KO_BIG_NUMBER = rf"(?:{_KO_GROUP}\s?){{0,2}}{_KO_PART}\s?[조억](?:\s?{_KO_PART}여?\s?만)?"
_KO_PIECE = re.compile(rf"({_NUM})([천백]?)여?\s?([조억만]?)")
_KO_SCALE = {"조": 10**12, "억": 10**8, "만": 10**4}
_KO_MAGNITUDES = frozenset("조억만천백")
_KO_SMALL = {"천": 1000, "백": 100}

_EN_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_EN_SCALE |= {"k": 1e3, "m": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9, "tn": 1e12}
_EN_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_EN_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_EN_WORDS = {word: value for value, word in enumerate((*_EN_UNITS, *_EN_TEENS.split(" ")))}
_EN_TENS = {
    word: 10 * value
    for value, word in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), 2
    )
}
_EN_WORD_NUMBERS = (
    frozenset([*_EN_WORDS, *_EN_TENS, "dozen"])
    | {f"{tens}-{unit}" for tens in _EN_TENS for unit in _EN_UNITS[1:]}
) - {"zero", "one"}


def korean_number(raw: str) -> float:
    """Value of a number written with Korean magnitudes: ``2조 5,500억`` -> 2.55e12.

    Each ``조/억/만`` closes a group; ``천/백`` multiply the digits before them, so ``3천5백만``
    is 35,000,000, and a trailing group without a magnitude (``3만 5천``) adds as it is.
    """
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        pass
    total = 0.0
    group = 0.0
    for digits, small, big in _KO_PIECE.findall(raw):
        group += float(digits.replace(",", "")) * _KO_SMALL.get(small, 1)
        if big:
            total += group * _KO_SCALE[big]
            group = 0.0
    return total + group


def english_number(raw: str) -> float:
    """Value of ``1,200``, ``4.5``, ``seven``, ``twenty-five`` or ``a dozen``."""
    word = raw.lower().strip()
    if word[0].isdigit():
        return float(word.replace(",", ""))
    if word.endswith("dozen"):
        return 12.0
    tens, _, unit = word.partition("-")
    if tens in _EN_TENS:
        return float(_EN_TENS[tens] + _EN_WORDS.get(unit, 0))
    return float(_EN_WORDS[word])


# --- units -------------------------------------------------------------------------------------

_MONEY = ("KRW", "USD", "EUR")
_NEUTRAL_RULE = {"percent": "percent", "km2": "area"}
_COUNTED = frozenset({"companies", "jobs", "people", "count"})
_PYEONG_KM2 = 400 / 121 / 1e6
_AREA_FACTORS = (
    (re.compile(r"㎢|km|킬로미터|sq\.? ?km|square[ -]kilomet", re.I), 1.0),
    (re.compile(r"ha|㏊|헥타르|hectare", re.I), 0.01),
    (re.compile(r"acre", re.I), 0.0040468564224),
    (re.compile(r"평(?!방)"), _PYEONG_KM2),
)
_SQUARE_METRE_KM2 = 1e-6

_AREA_UNIT = (
    r"㎢|km²|km2|㎡|m²|m2(?!\d)|ha(?![A-Za-z])|㏊|헥타르|평방킬로미터|평방미터|제곱킬로미터"
    r"|제곱미터|평(?!가|균|화|택|창|양|생|소|일|등|의원|면|준|상|판|온|이|범|탄|야|수|행|안)"
)
_PERCENT_UNIT = r"%\s?p(?![A-Za-z])|%포인트|％|%|퍼센트(?:\s?포인트)?|프로(?![가-힣A-Za-z])"
_KO_CURRENCY = (
    r"원(?!칙|자|장|인|본|료|래|전|주|소|형|년|격|회|천|리|로|유|활|통)|달러|유로"
    r"|불(?!가|리|법|량|편|확|안|공|허|충|황|꽃|씨|길|빛|교|만|참)"
)
_KO_COUNTER = (
    r"개사|개국|개소|개교|세트|가구|필지"
    r"|개(?!월|년|정|발|최|선|편|시|방|통|막|관|업|혁|원|인|요|념|별|략|척|간|입|장|성|표)"
    r"|곳|건(?!설|축|물|강|의(?:를|가|안|서))|차례|회(?!차|째|계|사|원|장|의(?:를|가|장|록|실|에서))"
    r"|척|社|명(?!칭|시|단|확|령|소|품|예|절|문|당|함)|인"
)
_KO_COUNTERS = _words("개사 개국 개소 개교 개 곳 건 차례 회 척 社 명 인 세트 가구 필지")

# --- patterns tried at each number -------------------------------------------------------------

# One fast scan finds the numbers that could carry a unit: not glued to a word or another number
# (V4, 3.9, ’24), not numbered (제3조, No. 5, 2019-06), and followed by a unit-like character.
# Every other pattern is then matched anchored there, far cheaper than searching the text.
_UNIT_FIRST = "천백조억만여~∼〜～→⇒원달불유%％퍼프㎢㎡㏊" + "kmhm평헥제개곳건차회척社명인세가필"
_DIGIT_RUN = re.compile(
    r"\d(?<![0-9A-Za-z.,_'’‘`]\d)(?<!제\d)(?<!제 \d)(?<!\d[-/:]\d)(?<!No\.\d)(?<!No\. \d)"
    rf"[\d,.]*+(?=[ \t\n]?[{_UNIT_FIRST}]|\s[A-Za-z]|-[PpSs])"
)
# English number words start with one of these letters (two, three, ..., dozen).
_NUMBER_WORD = re.compile(r"[TtFfSsEeNnDd](?<![A-Za-z][TtFfSsEeNnDd])[a-z]+(?:-[a-z]+)?")
_KO_BIG_CHARS = frozenset("천백조억")
_EN_UNIT_FIRST = frozenset("%％kKmMhHsSpP㎢㎡-")

_KO_UNIT = (
    rf"(?P<num>{_KO_NUMBER})\s?(?:여\s?)?"
    rf"(?P<unit>{_KO_CURRENCY}|{_PERCENT_UNIT}|{_AREA_UNIT}|{_KO_COUNTER})"
)
_KO_RE = re.compile(_KO_UNIT)
# A range (``1~2조원``) or a change (``10%→30%`` written ``10→30%``) shares the unit at its end.
_KO_RANGE_RE = re.compile(rf"(?P<lo>{_KO_NUMBER})\s?[~∼〜～→⇒]\s?{_KO_UNIT}")
_KO_BARE_RE = re.compile(rf"(?P<num>{_KO_BIG_NUMBER})(?:\s?여)?")
_CURRENCY_SIGN_RE = re.compile(r"(?P<cur>US\s?\$|U\.S\.\s?\$|\$|USD|KRW|₩|W|EUR|€)\s?(?=\d)")
_EN_AMOUNT_RE = re.compile(
    rf"(?P<num>{_NUM})(?:\s?(?P<scale>thousand|million|billion|trillion|(?i:bn|mn|tn|[mbk]))\b)?"
)
_EN_SUFFIXED_RE = re.compile(
    rf"(?P<num>{_NUM})\s?(?P<scale>thousand|million|billion|trillion)?\s?"
    r"(?P<cur>(?:korean |south korean )?won|(?:us |u\.s\. |american )?dollars|usd|krw|euros?|eur)"
    r"(?![A-Za-z])",
    re.I,
)
_EN_TAIL = (
    r"(?![0-9A-Za-z])(?:\s(?P<scale>thousand|million|billion))?"
    rf"(?:[\s-]?(?P<unit>{_PERCENT_UNIT}|[Pp]ercent(?:age points?)?|per cent|{_AREA_UNIT}"
    r"|square[ -](?:kilomet(?:er|re)s?|met(?:er|re)s?)|sq\.? ?(?:km|m)|hectares?|acres?))?"
)
_EN_WORD_NUMBER = "|".join(sorted(_EN_WORD_NUMBERS, key=len, reverse=True))
_EN_RE = re.compile(rf"(?P<num>{_NUM}){_EN_TAIL}")
_EN_WORD_RE = re.compile(rf"(?P<num>{_EN_WORD_NUMBER}){_EN_TAIL}", re.I)

# --- context: what a counter counts ------------------------------------------------------------

_COMPANY_NOUN = re.compile(
    r"(?:기업|업체|회사|법인|사업자|스타트업|벤처|기업체|[건협제증보운상통항선고투회공납]\S?사"
    r"|계열사|자회사|해운사|유니콘|팹리스|社)(?:유치|입주)?$"
)
_JOB_NOUN = re.compile(
    r"일자리|채용|고용(?!노동|보험|센터|정보|부|률|율|허가|현황)|인력(?!난)|취업(?!준비|자)|신규\s?인원"
)
_ATTENDING = re.compile(r"참석|참가|참여|방문|모였")
# The subject of a clause that counts the employed (``고용인원은 연평균 8.6%(150,769명``).
_EMPLOYED_SUBJECT = re.compile(r"고용(?:인원|인력|자|규모)|종사자|근로자\s?수|일자리|신규\s?채용")
_CLAUSE_BREAK = re.compile(r"[!?\n·]|[,.](?!\d)")
_KO_PARTICLE = re.compile(
    r"(?:들)?(?:의|이|가|은|는|을|를|에|에서|과|와|도|로|으로|만|씩|까지|등|이다)$"
)
_VERBAL_NOUN = re.compile(
    r"(?:(?:선정|표창|지정|유치|증가|감소|참여|달성|확보|선발|모집|입주|투자|지원|추가|포함|이상|이하|미만"
    r"|내외|수준|규모|정도|가량|안팎|확대|신설|운영|중|등|모두|전체|가운데|이내|육박|돌파|감축|축소|기록"
    r"|발생|체결|참석|참가|방문|개최|출범|설립|선택|인증|조성|구축|배출|완료|승인|접수|신청|보급|창출)"
    r"(?:[하되했된한할해]\S*)?|(?:늘어|줄어|이르|이른|넘|달하|달해|달한|달했)\S*)$"
)
_KO_ATTACHED = re.compile(r"\*?(?:의)?[ \t]+|\*?의(?=[가-힣])")
_KO_TOKEN = re.compile(r"\([^()\n]{0,20}\)|[가-힣A-Za-z·]+|\S|\n")
_KO_WORD = re.compile(r"[가-힣A-Za-z·]+")
_KO_PAREN = re.compile(r"\([^()]*\)|（[^（）]*）")
_KO_BEFORE_NOISE = frozenset(
    [
        "총",
        "약",
        "모두",
        "전체",
        "중",
        "각",
        "최대",
        "최소",
        "수",
        "개수",
        "규모",
        "연평균",
        "누적",
        "등",
    ]
)
_BARE_AMOUNT_FOLLOW = re.compile(
    r"\s?(?:[가-힣]{0,2}(?:톤|kWh|배럴|리터|마리|그루|가구|세대|장|권|주|개|명|건|곳|대|회|번|편|부|병"
    r"|봉|점|표|통|년|시간|달러|유로|불|엔|위안|파운드|루피|인|평|필지|벌|쌍|알|잔|국|원|제|항|의\d)"
    r"|[A-Za-z㎡㎥㎢%$℃])"
)
_ARTICLE_AFTER = re.compile(r"\s?(?:\d|제\s?\d|항|의\s?\d|[:：])")
_LAW_BEFORE = re.compile(r"(?:법|령|규칙|조례|규정|협약)\s?$")
_ROUND_AFTER = re.compile(r"\s?(?:차|번째|회차|회째|위|등|호)")
_PERSONS_AFTER = re.compile(r"[\s,)\]·/]|$|으로|이\s|의\s|을|에게|씩|과|와|도\s")
_SIZE_CLASS_AFTER = re.compile(r"\s?(?:\d|이상|미만|이하|이내|초과|가구|사업장|당)")

_EN_COMPANY = _words(
    "companies firms businesses enterprises corporations startups start-ups smes ventures "
    "manufacturers conglomerates suppliers exporters investors tenants affiliates "
    "retailers chains malls franchises makers producers vendors developers subsidiaries"
)
_EN_JOBS = _words("jobs employees hires employment job-seekers")
_EN_PEOPLE = _words(
    "people persons participants researchers students residents visitors attendees "
    "experts officials delegates trainees scientists engineers workers citizens members "
    "individuals professionals specialists executives graduates applicants tourists "
    "passengers patients personnel children women men youths farmers fishermen "
    "delegations ceos leaders entrepreneurs founders staff"
)
_EN_NOT_COUNTED = _words(
    "years months weeks days hours minutes seconds times decades centuries tons tonnes "
    "kilograms kg meters metres kilometers kilometres miles won dollars euros yen points "
    "degrees percent pages gw mw kw kwh gwh twh rounds terms"
)
_EN_STOP = _words(
    "of in at for to by from with and or on per than as the a an that which who whom "
    "whose is are was were be been will would has have had said says each every over "
    "under into across including include includes located based this these those its "
    "their his her our your more less about around nearly almost since until between "
    "among through"
)
_EN_VERBS = _words("can could may must should take join signed met")
# Adverbs that may follow the counted noun: ``124 daycare centres now run``.
_EN_AFTER_HEAD = _words("now already also still currently nationwide together respectively each")
# Words inside a counted phrase that the stop list would otherwise end it at: ``500 AI and ICT
# SMEs``, ``1,045 more tenant firms``, ``150 domestic or foreign companies``.
_EN_PHRASE_JOINERS = _words("and or more new additional other")
# A number after its noun and a verb of amount: ``tenant companies numbered 7,124``,
# ``employment reached 210,023``, ``foreign-invested firms: 690``.
_EN_NOUN_BEFORE = re.compile(
    r"(?<![A-Za-z])(?P<noun>[A-Za-z][A-Za-z-]*)\s?(?:,\s)?(?:numbered|numbering|totall?ed|totall?ing"
    r"|reached|reaching|(?:rose|grew|increased|climbed|jumped|fell|dropped|declined) to|stood at"
    r"|came to|hit|:)\s?(?:about |around |some |nearly |almost |over |more than )?$",
    re.I,
)
_EN_AMOUNT_VERB = re.compile(
    # the lookahead lets the engine skip every position no alternative can start at
    r"(?=[nNtTrRsScChHgGiIjJfFdD:])"
    r"(?:numbered|numbering|totall?ed|totall?ing|reached|reaching|stood at|came to|hit"
    r"|(?:rose|grew|increased|climbed|jumped|fell|dropped|declined) to|:)"
    rf"\s?(?:about |around |some |nearly |almost |over |more than )?(?P<num>{_NUM})(?![\d.,]*\d)",
    re.I,
)
_LOW_NUMBER = _number_not_after("lo", r"[\d.,]")
# ``from 320,627 to 411,152 square meters``, ``between 10 and 20 percent``: the low end of an
# English range shares the unit written after the high end.
_EN_RANGE_LOW = re.compile(
    rf"{_LOW_NUMBER}\s?(?:to|and|-|–)\s?(?=(?:{_NUM})[\s-]?[%％A-Za-z㎢㎡])",
    re.I,
)
# ``17.45-18.64 percent``: the high end of a hyphenated range (the digit scan skips ``N-N``,
# which is mostly a date or a phone number, so only a unit written after it makes it a figure).
_EN_RANGE_HIGH = re.compile(rf"{_LOW_NUMBER}[-–](?P<hi>{_NUM})(?=[\s-]?[%％A-Za-z㎢㎡])")
# ``a 15-member panel``: the members of a body are people.
_EN_MEMBERS = re.compile(
    r"(?=[\dA-Za-z])"
    rf"(?<![\w.-])(?P<num>\d{{1,3}}|{'|'.join(sorted(_EN_WORD_NUMBERS, key=len, reverse=True))})"
    r"-member(?![A-Za-z-])",
    re.I,
)
# ``employs 1,104.``: a number of people employed with no noun after it is jobs.
_EN_EMPLOYS_BARE = re.compile(
    rf"(?<![A-Za-z])employ(?:s|ed|ing)?\s(?:about |around |some |over )?(?P<num>{_NUM})"
    r"(?=[.,;)]?(?:\s|$))",
    re.I,
)
# ``a funding ratio of 65 to 35``, ``국비:지방비 비율 70:30``: the two shares of a split.
_RATIO = re.compile(
    r"(?P<a>\d(?<![\d.,:]\d)\d?(?:\.\d+)?)\s?(?::|to|대)\s?(?P<b>\d{1,2}(?:\.\d+)?)(?!\d|[.,:]\d)"
)
_RATIO_WORDS = re.compile(r"ratio|split|비율|비중|분담|부담|매칭", re.I)
# A list that drops the noun after its first item: ``50 codes in Busan, 53 in Gwangju and 54
# in Ulsan``, ``8,590 companies (7,124 in 2021, 7,644 in 2022)``, ``4.2 km2, Sejong's 1.86``.
_EN_LIST_ITEM = re.compile(
    rf"(?<![\w.,$€₩£'’‘`#~+-])(?P<num>{_NUM})(?![\d.,]*\d)"
    r"(?=\s?(?:[,;)]|\.(?:\s|$)|$|\s(?:in|for|each|and|or|at|on)\b))"
)
_EN_LIST_GAP = re.compile(r"[,;(]|\band\b")
_EN_LIST_BREAK = re.compile(r"[.!?:](?:\s|$)|\n|\b(?:from|to|by|than|of|up|down)\s$|[$€₩]")
_EN_LIST_MAX_GAP = 70
_HANGUL = re.compile(r"[가-힣]")
_EN_LIST_UNITS = frozenset({"companies", "jobs", "people", "count", "km2"})
_EN_EMPLOYMENT = _words("employment workforce headcount hires hiring")
# ``employs 2,538 people``: people employed are jobs.
_EN_EMPLOYING = re.compile(
    r"(?<![A-Za-z])employ(?:s|ed|ing)?\s(?:about |around |some |over )?$", re.I
)
_EN_NUMBERED = re.compile(
    r"(?<![A-Za-z])(?:no\.?|article|art\.|section|chapter|phase|room|line|gate|route|level"
    r"|stage|round|vol\.?|version|table|figure|fig\.|page|pp\.|tier|grade|class|clause"
    r"|paragraph|item|annex|step|appendix|january|february|march|april|may|june|july|august"
    r"|september|october|november|december|jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?"
    r"|sep\.?|sept\.?|oct\.?|nov\.?|dec\.?|covid|top)\s*$",
    re.I,
)
_EN_TOKEN = re.compile(r"\([^()\n]{0,40}\)|[A-Za-z][A-Za-z'&\-]*|\S")
_YEAR_RE = re.compile(r"(?:19|20)\d\d")

# --- tables and labelled lines ----------------------------------------------------------------

_TABLE_UNIT_RE = re.compile(r"단위\s?[:：]\s?(?P<unit>[^)\]>,\n]{1,10})\s*[)\]>〉]")
_TABLE_CELL_RE = re.compile(rf"[+△▲▽-]?\s?(?P<num>{_NUM})\s?\*{{0,3}}")
_TABLE_END = "□ㅇ○◦▴▪•*※-<"
# A row label that declares its cells' unit on its own line: ``면 적(㎡)``, ``사업비(억원)``.
_ROW_UNIT_RE = re.compile(r"(?m)^[ \t]*(?P<label>[^\n()]{0,16})\((?P<unit>[^()\n\d]{1,6})\)[ \t]*$")
_LABEL_UNIT_RE = re.compile(r"\(([^()\n\d]{1,6})\)")
# A table with no unit line whose cells repeat figures of the paragraph before it (``총
# 1,812억원(국비 1,306억)`` above a table with 1,812 and 1,306) is in those figures' unit.
_ECHO_WINDOW = 800
_ECHO_SCALES = (1.0, 1e3, 1e4, 1e6, 1e8, 1e12)
_ECHO_MIN = 2
_LINE_RE = re.compile(r"[^\n]*")
_YEAR_LABEL_RE = re.compile(r"[’‘'`(]?\s?(?:19|20)?\d\d\s?(?:년|년도)?\)?")
_MIXED_LABEL_RE = re.compile(r"\d|%|비율|률|율")
_LABEL_COLON_RE = re.compile(r"\)\s?[:：]")
_LABELLED_VALUE_RE = re.compile(
    rf"(?<![\d.,’‘'`A-Za-z가-힣])(?<!\d[:/~-])(?:{_NUM})(?![\d.,]*\d)"
    r"(?!\s?[가-힣%％㎡㎢A-Za-z:/~])(?<!\(\d)(?<!\(1[012])"
)
_CAPTION_COMPANY = re.compile(r"기업|업체|회사|법인|개사|社")
_MAX_TABLE_CELLS = 40
# A row names its item in a few cells (place, field, host) before its one number.
_LABELS_PER_CELL = 4

# --- metric names ------------------------------------------------------------------------------

# Words that say what an amount is; the first one found near it names it.
_METRIC_RE = re.compile(
    r"(?P<exports>수출|export)|(?P<imports>수입(?!차)|import)|(?P<investment>투자|invest)"
    r"|(?P<budget>예산|국비|사업비|재정|budget)|(?P<fund>펀드|기금|fund)|(?P<subsidy>보조금|subsid)"
    r"|(?P<loan>대출|융자|loan)|(?P<sales>매출|sales|revenue)|(?P<tax>세액|감면|법인세|지방세|tax)"
    r"|(?P<support>지원|support)"
)
_PLAIN_METRIC = {"people": "people", "km2": "area", "count": "count"}
_TARGET_WORDS = re.compile(r"목표|유치|계획|예정|target|attract|aim|plan")
_CHANGE_WORDS = re.compile(r"증가|감소|늘|줄|growth|increase|decrease|rose|fell|up|down")


# --- periods -----------------------------------------------------------------------------------

# Each alternative names its period kind; a scope is read from the named groups. English half
# and quarter ordinals come first or second; Korean ones are digits (``2분기``, ``2/4분기``).
_ORDINAL = {"first": "1", "1st": "1", "second": "2", "2nd": "2", "third": "3", "3rd": "3"}
_ORDINAL |= {"fourth": "4", "4th": "4"}
_PERIOD_RE = re.compile(
    # the lookahead lets the engine skip every position no alternative can start at
    r"(?=[상하누연매해목계예추투1-9acfghpqstwy])(?:"
    r"(?P<half>(?P<ko_half>상|하)반기|\b(?P<en_half>first|second|1st|2nd) half\b|\bH(?P<h>[12])\b)"
    r"|(?P<quarter>(?P<q>[1-4])\s?(?:/\s?4\s?)?분기"
    r"|\b(?P<en_q>first|second|third|fourth|1st|2nd|3rd|4th) quarter\b|\bQ(?P<qq>[1-4])\b)"
    r"|(?P<month>(?<![\d.])(?P<m>1[0-2]|[1-9])\s?월(?!\s?\d{1,2}\s?일)(?![가-힣]))"
    r"|(?P<cumulative>누적|누계|\b(?:cumulative(?:ly)?|to date|so far)\b)"
    r"|(?P<annual>연간|연평균|매년|해마다"
    r"|\b(?:annual(?:ly)?|yearly|a year|per year|full[- ]year)\b)"
    r"|(?P<target>목표|\b(?:targets?|targeted|aims? to|aiming to|goals?)\b)"
    r"|(?P<plan>계획|예정|추진할|투입할|투자할|\b(?:plans? to|planned|planning to|will)\b))",
    re.I,
)
_UNTIL_RE = re.compile(
    r"(?=[12but])"
    r"(?:(?P<year>(?:19|20)\d\d)\s?년?\s?까지|(?:by|until|through) (?P<en>(?:19|20)\d\d))"
)
_SENTENCE_END = re.compile(r"[.!?。]\s|\n")
_PERIOD_BEFORE = 60
_PERIOD_AFTER = 40
# A target or a plan names what the figure is, whatever span it covers; then how long.
_PERIOD_PRIORITY = ("target", "plan", "cumulative", "half", "quarter", "month", "annual")
_SPAN_KINDS = _PERIOD_PRIORITY[2:]


def _sentence_window(text: str, start: int, end: int) -> tuple[int, int]:
    """The figure's own sentence, at most a few words either side of it."""
    left = max(0, start - _PERIOD_BEFORE)
    for stop in _SENTENCE_END.finditer(text, left, start):
        left = stop.end()
    right = min(len(text), end + _PERIOD_AFTER)
    after = _SENTENCE_END.search(text, end, right)
    return left, after.start() if after else right


def period_of(text: str, start: int, end: int) -> tuple[str, str | None]:
    """Period kind and scope of the figure at ``text[start:end]`` from the words of its sentence.

    Of several period words the one nearest the figure speaks for it (``상반기 19억 달러, 이 중
    2분기 10억 달러``); a target or plan word anywhere in the sentence makes the kind target or
    plan and the span word, if any, stays as the scope. ``YYYY년까지`` / ``by YYYY`` gives the
    scope ``until YYYY`` and, alone, the kind ``plan``.
    """
    left, right = _sentence_window(text, start, end)
    nearest: dict[str, tuple[int, re.Match[str]]] = {}
    for match in _PERIOD_RE.finditer(text, left, right):
        if match.start() < end and match.end() > start:
            continue  # a word inside the figure (``3월`` of a table cell) is not about it
        kind = _kind_of(match)
        distance = start - match.end() if match.end() <= start else match.start() - end
        if kind not in nearest or distance < nearest[kind][0]:
            nearest[kind] = (distance, match)
    until = _UNTIL_RE.search(text, left, right)
    until_scope = f"until {until.group('year') or until.group('en')}" if until else None
    spans = [(nearest[name][0], name) for name in _SPAN_KINDS if name in nearest]
    span = min(spans)[1] if spans else None
    scope = _scope(nearest[span][1]) if span is not None else None
    for kind in ("target", "plan"):
        if kind in nearest:
            return kind, scope or until_scope
    if span is not None:
        return span, scope or until_scope
    return ("plan", until_scope) if until_scope else ("unknown", None)


def _kind_of(match: re.Match[str]) -> str:
    for kind in _PERIOD_PRIORITY:
        if match.group(kind):
            return kind
    return "unknown"


def _scope(match: re.Match[str]) -> str | None:
    """``H1``/``H2``, ``Q1``..``Q4``, ``M1``..``M12``; None for kinds without instances."""
    if match.group("half"):
        half = match.group("ko_half") or match.group("en_half") or match.group("h")
        return "H1" if half.lower() in ("상", "first", "1st", "1") else "H2"
    if match.group("quarter"):
        en = match.group("en_q")
        return f"Q{_ORDINAL[en.lower()] if en else match.group('q') or match.group('qq')}"
    if match.group("month"):
        return f"M{match.group('m')}"
    return None


# --- helpers -----------------------------------------------------------------------------------


@functools.cache
def _unit_of_symbol(symbol: str) -> tuple[str, float]:
    """Unit and normalising factor for a currency, percent or area symbol as written."""
    key = symbol.lower().replace(" ", "").replace(".", "")
    if "$" in key or "dollar" in key or key in ("usd", "달러", "불"):
        return "USD", 1.0
    if key.endswith("won") or key in ("원", "krw", "₩", "w"):
        return "KRW", 1.0
    if key.startswith("eur") or key in ("€", "유로"):
        return "EUR", 1.0
    if key[0] in "%％" or key.startswith(("퍼센트", "프로", "percent")):
        return "percent", 1.0
    for pattern, factor in _AREA_FACTORS:
        if pattern.search(symbol):
            return "km2", factor
    return "km2", _SQUARE_METRE_KM2


def _guess_metric(text: str, start: int, end: int, unit: str) -> str:
    """A generic metric from the words around the number; analysts read the raw text anyway."""
    if unit in _PLAIN_METRIC:
        return _PLAIN_METRIC[unit]
    around = (text[max(0, start - 30) : start] + " " + text[end : end + 15]).lower()
    if unit in _MONEY:
        named = _METRIC_RE.search(around)
        return (named.lastgroup or "amount") if named else "amount"
    if unit == "percent":
        return "change" if _CHANGE_WORDS.search(around) else "share"
    return f"target_{unit}" if _TARGET_WORDS.search(around) else unit


def _add(
    out: list[_Reading], text: str, start: int, end: int, value: float, unit: str, rule: str
) -> None:
    """Keep a reading unless it cannot be a fact: nothing, a single thing, or a rate (``1인당``).

    The value keeps 12 significant digits, dropping float noise (522.3억 is 52,230,000,000).
    """
    if value <= 0 or (value == 1 and unit in _COUNTED) or text.startswith("당", end):
        return
    if not value.is_integer():
        value = float(f"{value:.12g}")
    out.append(_Reading(start, end, value, unit, rule))


def _strip_particle(word: str) -> str:
    return _KO_PARTICLE.sub("", word) or word


def _is_company(word: str) -> bool:
    return any(_COMPANY_NOUN.search(_strip_particle(part)) for part in word.split("·") if part)


def _ko_phrase_after(text: str, end: int) -> list[str]:
    """Words of the noun phrase right after a counter (``11개* 대형건설사의`` -> [대형건설사]).

    Empty when a particle closes the number (``14개를``): then nothing after it is counted.
    """
    attached = _KO_ATTACHED.match(text, end)
    if attached is None:
        return []
    words: list[str] = []
    for token in _KO_TOKEN.finditer(text, attached.end(), min(len(text), end + 40)):
        word = token.group()
        if word.startswith("("):
            continue
        if word == "\n" or not (word[0].isalpha() or word[0] == "·"):
            break
        bare = _strip_particle(word)
        # ``증가`` would lose ``가`` as a particle; the word as written is tried too.
        if _VERBAL_NOUN.match(bare) or _VERBAL_NOUN.match(word) or len(words) == 3:
            break
        words.append(bare)
        if bare != word:
            break
    return words


def _ko_word_before(text: str, start: int) -> str:
    """The word just before a number, without parentheses or particles (``중소기업은 3,317개``)."""
    left = text[max(0, start - 30) : start]
    if "(" in left:
        left = _KO_PAREN.sub("", left)
    words = _KO_WORD.findall(re.split(r"[\d.!?\n]", left)[-1])
    while words and _strip_particle(words[-1]) in _KO_BEFORE_NOISE:
        words.pop()
    return _strip_particle(words[-1]) if words else ""


def _ko_counted_unit(text: str, start: int, end: int, counter: str) -> str:
    """What ``N개`` / ``N곳`` / ``N명`` counts: companies, jobs, people or plain things.

    The noun after the counter decides (``34개 기업``); with none, the noun before it does
    (``중소기업은 3,317개``), then the label of its line. People become jobs when hiring words
    sit next to them.
    """
    if counter in ("개사", "社"):
        return "companies"
    if counter in ("명", "인"):
        return _ko_persons_unit(text, start, end)
    if counter not in ("개", "곳", "개소"):
        return "count"
    phrase = _ko_phrase_after(text, end)
    noun = phrase[-1] if phrase else _ko_word_before(text, start)
    if noun and _is_company(noun):
        return "companies"
    if "일자리" in noun:
        return "jobs"
    if not phrase and _CAPTION_COMPANY.search(_line_label(text, start)):
        return "companies"
    return "count"


def _ko_persons_unit(text: str, start: int, end: int) -> str:
    """``N명`` is jobs when hiring or employment words frame it, people otherwise.

    A hiring word right next to the number decides (``일자리 5.2만명``, ``150명 채용``); so does
    an employment subject earlier in the same clause (``고용인원은 ... 210,023명``). Attending
    words after the number keep it people (``직원 30명 참석``).
    """
    right = re.split(r"\d", text[end : end + 8])[0]
    if _ATTENDING.search(right):
        return "people"
    left = re.split(r"\d", text[max(0, start - 12) : start])[-1]
    if _JOB_NOUN.search(left + " " + right):
        return "jobs"
    clause = _CLAUSE_BREAK.split(text[max(0, start - 40) : start])[-1]
    if _EMPLOYED_SUBJECT.search(clause):
        return "jobs"
    return "people"


def _line_start(text: str, position: int) -> int | None:
    """Start of the line holding ``position``, or None when it starts over 80 characters back."""
    floor = max(0, position - 80)
    newline = text.rfind("\n", floor, position)
    if newline < 0 and floor > 0:
        return None
    return newline + 1


def _line_label(text: str, start: int) -> str:
    """The label of a ``label: values`` line holding the number (``참여 기업 수: 178개``)."""
    line_start = _line_start(text, start)
    if line_start is None:
        return ""
    line = text[line_start:start]
    label, colon, _ = line.replace("：", ":").partition(":")
    if not colon or len(label) > 20 or label.count("(") != label.count(")"):
        return ""
    return label


# --- rules -------------------------------------------------------------------------------------


def _korean_at(out: list[_Reading], text: str, start: int) -> bool:
    """Korean number + unit: ``7억 원``, ``34개 기업``, ``1만평``, ``5%p``, ``1~2조원``.

    True when the number was read here, so no shorter reading of it needs trying.
    """
    match = _KO_RE.match(text, start) or _KO_RANGE_RE.match(text, start)
    if match is None:
        return False
    symbol, end = match.group("unit"), match.end()
    if symbol in ("회", "차례", "건") and _ROUND_AFTER.match(text, end):
        return False
    if symbol == "불" and not _KO_MAGNITUDES.intersection(match.group("num")):
        return False
    if symbol == "인" and (
        not _PERSONS_AFTER.match(text, end) or _SIZE_CLASS_AFTER.match(text, end)
    ):
        return False
    if symbol in _KO_COUNTERS:
        unit, factor = _ko_counted_unit(text, match.start("num"), end, symbol), 1.0
        rule = "korean-count"
    else:
        unit, factor = _unit_of_symbol(symbol)
        rule = "korean-money" if unit in _MONEY else _NEUTRAL_RULE[unit]
    high = match.group("num")
    _add(out, text, match.start("num"), end, korean_number(high) * factor, unit, rule)
    if match.re is _KO_RANGE_RE:
        low = match.group("lo")
        value = korean_number(low)
        magnitude = re.search(r"[조억만]", high)
        if magnitude and not re.search(r"[조억만]", low):
            value *= _KO_SCALE[magnitude.group()]
        _add(out, text, match.start("lo"), match.end("lo"), value * factor, unit, rule + "-range")
    return True


def _bare_money_at(out: list[_Reading], text: str, start: int) -> None:
    """``1,950억`` with no currency after it is won, unless another unit follows (``1억 톤``)
    or it is an article of a law (``관세법 100조``)."""
    match = _KO_BARE_RE.match(text, start)
    if match is None:
        return
    end = match.end()
    if _BARE_AMOUNT_FOLLOW.match(text, end) or _ARTICLE_AFTER.match(text, end):
        return
    before = text[max(0, start - 6) : start]
    if before.rstrip().endswith("인") or _LAW_BEFORE.search(before):
        return
    _add(out, text, start, end, korean_number(match.group("num")), "KRW", "korean-money-bare")


def _prefixed_money(out: list[_Reading], text: str, sign: re.Match[str]) -> None:
    """``$1.2 billion``, ``US$ 100억``, ``KRW 3.9 trillion``, ``€5m``: a currency sign first."""
    if sign.start() and text[sign.start() - 1].isascii() and text[sign.start() - 1].isalnum():
        return
    unit, _ = _unit_of_symbol(sign.group("cur"))
    start = sign.end()
    korean = _KO_BARE_RE.match(text, start)
    if korean is not None:
        value, end, rule = korean_number(korean.group("num")), korean.end(), "korean-money-prefixed"
    else:
        amount = _EN_AMOUNT_RE.match(text, start)
        if amount is None or (sign.group("cur") == "W" and not amount.group("scale")):
            return
        value, end, rule = _english_amount(amount), amount.end(), "english-money"
    _add(out, text, sign.start(), end, value, unit, rule)


def _suffixed_money_at(out: list[_Reading], text: str, start: int) -> None:
    """``3.9 trillion won``, ``12 million dollars``, ``500 euros``."""
    match = _EN_SUFFIXED_RE.match(text, start)
    if match is not None:
        unit, _ = _unit_of_symbol(match.group("cur"))
        _add(out, text, start, match.end(), _english_amount(match), unit, "english-money")


def _english_amount(match: re.Match[str]) -> float:
    scale = (match.group("scale") or "").lower()
    return float(match.group("num").replace(",", "")) * _EN_SCALE.get(scale, 1.0)


def _english_at(
    out: list[_Reading], text: str, start: int, pattern: re.Pattern[str], *, joined: bool = False
) -> None:
    """English numbers: ``10 percent``, ``500 hectares``, ``seven authorities``, ``50 experts``.

    ``joined``: the number is the top of a hyphenated range, so the hyphen before it is fine.
    """
    match = pattern.match(text, start)
    if match is None or (start and text[start - 1] in "$€₩-" and not joined):
        return
    if _EN_NUMBERED.search(text, max(0, start - 14), start):
        return
    raw_number = match.group("num")
    value = english_number(raw_number) * _EN_SCALE.get((match.group("scale") or "").lower(), 1.0)
    symbol = match.group("unit")
    if symbol:
        unit, factor = _unit_of_symbol(symbol)
        rule = _NEUTRAL_RULE[unit]
        _add(out, text, start, match.end(), value * factor, unit, rule)
        return
    if _YEAR_RE.fullmatch(raw_number) or not text[match.end() : match.end() + 1].isspace():
        return
    head = _english_head(text, match.end())
    if head is not None:
        unit = head[0]
        if unit == "people" and _EN_EMPLOYING.search(text, max(0, start - 30), start):
            unit = "jobs"
        _add(out, text, start, head[1], value, unit, "english-count")
        return


def _english_range_at(out: list[_Reading], text: str, low: re.Match[str]) -> None:
    """The low end of ``from 12 to 15 percent``, in the unit of the high end."""
    high = _EN_RE.match(text, low.end())
    raw = low.group("lo")
    if high is None or not high.group("unit") or high.group("scale") or _YEAR_RE.fullmatch(raw):
        return
    unit, factor = _unit_of_symbol(high.group("unit"))
    value = float(raw.replace(",", "")) * factor
    _add(out, text, low.start("lo"), low.end("lo"), value, unit, _NEUTRAL_RULE[unit] + "-range")


def _noun_before_at(out: list[_Reading], text: str, amount: re.Match[str]) -> None:
    """``tenant companies numbered 7,124``: the count of the noun before the verb.

    The reading spans the digits only, so a longer reading of the same number (``7,124
    people``, ``12 percent``) wins over it.
    """
    raw = amount.group("num")
    if _YEAR_RE.fullmatch(raw) or "." in raw:
        return
    unit = _english_noun_before(text, amount.start("num"))
    if unit is not None:
        value = float(raw.replace(",", ""))
        _add(out, text, amount.start("num"), amount.end("num"), value, unit, "english-count-before")


def _english_noun_before(text: str, start: int) -> str | None:
    """The unit of a number that follows its noun and a verb of amount, or None.

    Only nouns that name what is counted qualify (``companies numbered``, ``employment
    reached``); ``output reached 5`` or ``the index hit 90`` stay out.
    """
    before = _EN_NOUN_BEFORE.search(text, max(0, start - 40), start)
    if before is None:
        return None
    noun = before.group("noun").lower()
    if noun in _EN_EMPLOYMENT or noun in _EN_JOBS:
        return "jobs"
    for nouns, unit in ((_EN_COMPANY, "companies"), (_EN_PEOPLE, "people")):
        if noun in nouns:
            return unit
    return None


def _english_head(text: str, end: int) -> tuple[str, int] | None:
    """The noun a number counts (``250 tenant companies``), skipping up to five modifiers."""
    tokens = list(_EN_TOKEN.finditer(text, end, min(len(text), end + 90)))
    words = 0
    for index, token in enumerate(tokens):
        word = token.group()
        if word.startswith("(") and len(word) > 1:
            continue
        lowered = word.lower().rstrip("'")
        if lowered in _EN_PHRASE_JOINERS and words < 5 and _joins_phrase(tokens, index):
            continue
        if not word[0].isascii() or not word[0].isalpha() or lowered in _EN_STOP or words >= 6:
            return None
        words += 1
        if lowered in _EN_NOT_COUNTED:
            return None
        for nouns, unit in ((_EN_COMPANY, "companies"), (_EN_JOBS, "jobs"), (_EN_PEOPLE, "people")):
            if lowered in nouns:
                return unit, token.end()
        if _is_plural(word.rstrip("'")) and _ends_phrase(tokens, index):
            return "count", token.end()
    return None


def _joins_phrase(tokens: list[re.Match[str]], index: int) -> bool:
    """``and``/``more`` stays inside a counted phrase when a plain word, not a number or a
    function word, follows it (``5 AI and ICT firms``; not ``5 firms and 30 jobs``)."""
    if index + 1 >= len(tokens):
        return False
    following = tokens[index + 1].group()
    return following[0].isalpha() and following.lower() not in _EN_STOP


def _is_plural(word: str) -> bool:
    """``sites``, ``MOUs``; not ``campus``, ``analysis``, ``business``."""
    if len(word) < 3 or not word.endswith("s"):
        return False
    if word[:-1].isupper():
        return True
    return len(word) > 3 and not word.lower().endswith(("ss", "us", "is", "'s"))


def _ends_phrase(tokens: list[re.Match[str]], index: int) -> bool:
    """A plural noun heads the phrase when punctuation or a function word follows it."""
    if index + 1 >= len(tokens):
        return True
    following = tokens[index + 1].group()
    if not following[0].isalpha() or following[0] == "(":
        return True
    lowered = following.lower()
    return (
        lowered in _EN_STOP
        or lowered.endswith(("ed", "ing"))
        or lowered in _EN_VERBS
        or lowered in _EN_AFTER_HEAD
    )


def _table_rule(out: list[_Reading], text: str) -> None:
    """Cells of a table whose one unit is declared above it (``(단위: 개)``), one cell a line.

    Only plain tables: with ``(단위: 억원, %)``, or a row label carrying its own unit or number
    (``비율(%)``, ``2년``), nothing says which cell is which, so such a table gives nothing.
    """
    for declaration in _TABLE_UNIT_RE.finditer(text):
        caption = text[max(0, declaration.start() - 60) : declaration.end()]
        found = _table_unit(declaration.group("unit"), caption)
        if found is not None:
            out.extend(_table_cells(text, declaration.end(), *found))


def _row_unit_rule(out: list[_Reading], text: str) -> None:
    """Cells after a row label that names their unit (``면 적(㎡)`` then ``411,152``).

    The label must stand on its own line with number-only lines after it; its cells end at
    the next such label (``매출(억원)`` then ``고용(명)``), and a label between them that names
    another unit in brackets makes the row unreadable.
    """
    rows = list(_ROW_UNIT_RE.finditer(text))
    for index, row in enumerate(rows):
        found = _unit_of(row.group("unit"))
        if found is None:
            continue
        unit, scale = _refined(found[0], row.group("label")), found[1]
        limit = rows[index + 1].start() if index + 1 < len(rows) else len(text)
        cells = _table_cells(text[:limit], row.end(), unit, scale)
        if cells and _one_unit(text, row.end(), cells[-1].end, row.group("unit")):
            out.extend(cell._replace(rule="korean-row-unit") for cell in cells)


def _one_unit(text: str, start: int, end: int, declared: str) -> bool:
    """No label between ``start`` and ``end`` names a unit other than ``declared``."""
    return all(
        other.strip() == declared.strip() or _unit_of(other) is None
        for other in _LABEL_UNIT_RE.findall(text, start, end)
    )


def _echo_table_rule(out: list[_Reading], text: str) -> None:
    """Tables with no unit line that repeat figures of the paragraph above (see _ECHO_WINDOW).

    The repeated figures are the evidence, so the table's labels may carry numbers of their
    own (``1단계(A)``, ``'18``); the unit and scale are those that explain most cells.
    """
    prose = [reading for reading in out if reading.rule.startswith("korean-money")]
    if not prose:
        return
    for start in _table_starts(text):
        probe = _table_cells(text, start, "KRW", 1.0, strict=False)
        if len(probe) < _ECHO_MIN:
            continue
        cells = {reading.value for reading in probe}
        before = [r for r in prose if start - _ECHO_WINDOW <= r.start < start]
        best: tuple[int, float] = (0, 1.0)
        for scale in _ECHO_SCALES:
            echoed = {r.value / scale for r in before} & cells
            if len(echoed) > best[0]:
                best = (len(echoed), scale)
        if best[0] >= _ECHO_MIN:
            out.extend(r._replace(value=r.value * best[1], rule="korean-table-echo") for r in probe)


def _table_starts(text: str) -> list[int]:
    """Ends of prose lines followed by short label lines and then a number-only line."""
    starts: list[int] = []
    candidate: int | None = None
    for line in _LINE_RE.finditer(text):
        cell = line.group().strip()
        if not cell:
            continue
        if len(cell) > 24:
            candidate = line.end()
        elif candidate is not None and _TABLE_CELL_RE.fullmatch(cell):
            starts.append(candidate)
            candidate = None
    return starts


def _table_unit(declared: str, caption: str) -> tuple[str, float] | None:
    """Unit and scale of a table from its declared unit and caption (``기업 현황``)."""
    found = _unit_of(declared)
    return (_refined(found[0], caption), found[1]) if found else None


def _refined(unit: str, caption: str) -> str:
    """A count of companies or people hired, when the caption or label says so."""
    if unit == "count" and _CAPTION_COMPANY.search(caption):
        return "companies"
    if unit == "people" and _JOB_NOUN.search(caption):
        return "jobs"
    return unit


def _table_cells(
    text: str, start: int, unit: str, scale: float, *, strict: bool = True
) -> list[_Reading]:
    """Number-only lines up to the first prose line; nothing if labels far outnumber numbers.

    A row may name its item in several cells (place, field, host) before its one number, so
    up to :data:`_LABELS_PER_CELL` labels a number still make a table. Row numbers
    (``1``, ``2``, ``3`` counting up) are not figures.
    """
    cells: list[_Reading] = []
    labels = 0
    row = 0
    for line in _LINE_RE.finditer(text, start, start + 3000):
        cell = line.group().strip()
        if not cell:
            continue
        number = _TABLE_CELL_RE.fullmatch(cell)
        if number is None:
            if len(cell) > 24 or cell[0] in _TABLE_END:
                break
            if _YEAR_LABEL_RE.fullmatch(cell):
                continue
            if strict and _MIXED_LABEL_RE.search(cell):
                return []
            labels += 1
            continue
        digits = number.group("num")
        if digits in (str(row), str(row + 1)):
            row = int(digits)
            continue
        if not _YEAR_RE.fullmatch(digits):
            begin = line.start() + line.group().index(digits)
            value = float(digits.replace(",", "")) * scale
            _add(cells, text, begin, begin + len(digits), value, unit, "korean-table")
    if len(cells) > _MAX_TABLE_CELLS or labels > _LABELS_PER_CELL * len(cells):
        return []
    return cells


def _label_rule(out: list[_Reading], text: str) -> None:
    """Bare numbers after a label that declares their unit: ``수출 증감률(%) : △3.6 → 5.9``.

    Only labels with one unit among their parenthesised words (``(WTO, %)``, not ``(억불, %)``),
    and only numbers with nothing written after them (``(1위)`` and ``’22.10월`` stay out).
    """
    colons = list(_LABEL_COLON_RE.finditer(text))
    for index, colon in enumerate(colons):
        line_start = _line_start(text, colon.start())
        if line_start is None:
            continue
        head = text[line_start : colon.start()]
        opening = head.rfind("(")
        if opening < 1 or opening > 40:
            continue
        units = [found for part in head[opening + 1 :].split(",") if (found := _unit_of(part))]
        if len(units) != 1:
            continue
        unit, scale = _refined(units[0][0], head[:opening]), units[0][1]
        line_end = text.find("\n", colon.end())
        line_end = len(text) if line_end == -1 else line_end
        if index + 1 < len(colons):
            line_end = min(line_end, colons[index + 1].start())
        for number in _LABELLED_VALUE_RE.finditer(text, colon.end(), line_end):
            value = float(number.group().replace(",", "")) * scale
            _add(out, text, number.start(), number.end(), value, unit, "korean-label")


@functools.cache
def _unit_of(declared: str) -> tuple[str, float] | None:
    """Unit and scale of a unit written alone (``억원``, ``%``, ``개``), read by the Korean rule."""
    declared = declared.strip()
    if not declared or any(character.isdigit() for character in declared):
        return None
    probe: list[_Reading] = []
    _korean_at(probe, "2" + declared, 0)
    if len(probe) != 1 or probe[0].end != len(declared) + 1:
        return None
    return probe[0].unit, probe[0].value / 2


def _readings(text: str) -> list[_Reading]:
    """Every reading of every rule, overlapping ones included (the longest wins later)."""
    out: list[_Reading] = []
    _table_rule(out, text)
    _row_unit_rule(out, text)
    _label_rule(out, text)
    for run in _DIGIT_RUN.finditer(text):
        start = run.start()
        after = text[run.end() : run.end() + 2]
        first = after[:1]
        if _korean_at(out, text, start):
            continue
        if _KO_BIG_CHARS.intersection(after):
            _bare_money_at(out, text, start)
        elif first.isspace() and after[1:].isascii() and after[1:].isalpha():
            _suffixed_money_at(out, text, start)
            _english_at(out, text, start, _EN_RE)
        elif first in _EN_UNIT_FIRST:
            _english_at(out, text, start, _EN_RE)
    for low in _EN_RANGE_LOW.finditer(text):
        _english_range_at(out, text, low)
    for amount in _EN_AMOUNT_VERB.finditer(text):
        _noun_before_at(out, text, amount)
    for sign in _CURRENCY_SIGN_RE.finditer(text):
        _prefixed_money(out, text, sign)
    for word in _NUMBER_WORD.finditer(text):
        if word.group().lower() in _EN_WORD_NUMBERS:
            _english_at(out, text, word.start(), _EN_WORD_RE)
    _echo_table_rule(out, text)
    english = _mostly_english(text)
    if english:
        _english_extras(out, text)
    _ratio_rule(out, text)
    if english:
        _english_list_rule(out, text)
    return out


def _mostly_english(text: str) -> bool:
    """Whether Latin letters outnumber Hangul: the English-only rules (bare ``employs N``,
    ``N-member``, list items without a noun) then run; in a Korean release they find nothing
    and cost a scan of the whole text. Hangul is counted only as far as the Latin count: a
    Korean release has a thousand syllables and a few dozen Latin letters."""
    latin = len(_LATIN_LETTERS.findall(text))
    return latin > sum(1 for _ in itertools.islice(_HANGUL_SYLLABLES.finditer(text), latin))


_LATIN_LETTERS = re.compile(r"[A-Za-z]")
_HANGUL_SYLLABLES = re.compile("[\uac00-\ud7a3]")


def _english_extras(out: list[_Reading], text: str) -> None:
    """Hyphenated range tops, ``N-member`` bodies and ``employs N`` without a noun."""
    for high in _EN_RANGE_HIGH.finditer(text):
        if not _YEAR_RE.fullmatch(high.group("lo")):
            _english_at(out, text, high.start("hi"), _EN_RE, joined=True)
    for body in _EN_MEMBERS.finditer(text):
        value = english_number(body.group("num"))
        _add(out, text, body.start(), body.end(), value, "people", "english-members")
    for employs in _EN_EMPLOYS_BARE.finditer(text):
        raw = employs.group("num")
        if not _YEAR_RE.fullmatch(raw):
            value = float(raw.replace(",", ""))
            _add(
                out,
                text,
                employs.start("num"),
                employs.end("num"),
                value,
                "jobs",
                "english-employs",
            )


def _ratio_rule(out: list[_Reading], text: str) -> None:
    """The two sides of a split that adds up to 100 are shares: ``비율 70:30``, ``65 to 35``.

    Only when a ratio word precedes it in the same line; ``14:00`` or ``3 to 5`` never sum so.
    """
    for ratio in _RATIO.finditer(text):
        first, second = float(ratio.group("a")), float(ratio.group("b"))
        if abs(first + second - 100) > 1e-9:
            continue
        before = text[max(0, ratio.start() - 60) : ratio.start()].rsplit("\n", 1)[-1]
        if not _RATIO_WORDS.search(before):
            continue
        _add(out, text, ratio.start("a"), ratio.end("a"), first, "percent", "ratio")
        _add(out, text, ratio.start("b"), ratio.end("b"), second, "percent", "ratio")


def _english_list_rule(out: list[_Reading], text: str) -> None:
    """Bare numbers that continue a list whose first item named the unit (see _EN_LIST_ITEM).

    The nearest earlier figure decides, when it is a count or an area, sits in the same
    sentence within a few words, and a comma, bracket or ``and`` separates them; a number
    after ``from``/``to``/``by`` is the other end of a change, not a list item.
    """
    if not out:
        return
    anchors = sorted((reading.end, reading) for reading in out)
    ends = [end for end, _ in anchors]
    taken = {(reading.start, reading.end) for reading in out}
    previous: _Reading | None = None
    for item in _EN_LIST_ITEM.finditer(text):
        raw = item.group("num")
        start, end = item.start("num"), item.end("num")
        if _YEAR_RE.fullmatch(raw) or any(s <= start < e for s, e in taken):
            continue
        index = bisect.bisect_right(ends, start) - 1
        anchor = anchors[index][1] if index >= 0 else None
        if previous is not None and (anchor is None or previous.end > anchor.end):
            anchor = previous
        while anchor is not None and anchor.unit == "percent" and index > 0:
            index -= 1  # ``8,590 firms, up 4 percent (7,124 in 2021)``: a change between
            anchor = anchors[index][1]
        if anchor is None or anchor.unit not in _EN_LIST_UNITS:
            continue
        gap = text[anchor.end : start]
        if len(gap) > _EN_LIST_MAX_GAP or not gap.isascii() or _EN_LIST_BREAK.search(gap):
            continue
        if not _EN_LIST_GAP.search(gap) or _HANGUL.search(text, max(0, start - 30), end + 30):
            continue
        if _EN_NUMBERED.search(text, max(0, start - 14), start):
            continue
        value = float(raw.replace(",", ""))
        if anchor.unit != "km2" and not value.is_integer():
            continue
        reading = _Reading(start, end, value, anchor.unit, "english-list")
        _add(out, text, start, end, value, anchor.unit, "english-list")
        previous = reading


def extract_facts(text: str, language: str = "ko") -> list[FoundFact]:
    """Every number the text states with a unit, normalised, in reading order.

    ``language`` is a hint only: both the Korean and the English rules run, and where two
    readings overlap the longer one wins (``10억 명`` is people, not 1e9 won).
    """
    del language
    readings = sorted(
        _readings(text), key=lambda reading: (reading.start - reading.end, reading.start)
    )
    occupied = bytearray(len(text) + 1)
    kept: list[_Reading] = []
    for reading in readings:
        if occupied.find(1, reading.start, reading.end) == -1:
            occupied[reading.start : reading.end] = b"\x01" * (reading.end - reading.start)
            kept.append(reading)
    kept.sort()
    return [
        FoundFact(
            metric=_guess_metric(text, reading.start, reading.end, reading.unit),
            value=reading.value,
            unit=reading.unit,
            raw=text[reading.start : reading.end],
            start=reading.start,
            end=reading.end,
            rule=reading.rule,
            period=period,
            scope=scope,
        )
        for reading in kept
        for period, scope in [period_of(text, reading.start, reading.end)]
    ]


_Stated = TypeVar("_Stated")


def distinct_figures(
    facts: Iterable[_Stated], figure: Callable[[_Stated], tuple[float, str]]
) -> list[_Stated]:
    """The first statement of each figure: one (value, unit) a document states twice is one fact.

    Releases repeat their headline figures (title, lead, summary box, body); labels list a
    figure once, so a repeat would count as a wrong second fact. Two different facts that share
    a value are rarer than repeats of one fact, so the first statement stands for all.
    """
    seen: set[tuple[float, str]] = set()
    kept: list[_Stated] = []
    for fact in facts:
        key = figure(fact)
        if key not in seen:
            seen.add(key)
            kept.append(fact)
    return kept
