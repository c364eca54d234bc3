"""Turn fetched bytes into text without trusting what the page says about itself.

Korean government sites still serve CP949 (declared as EUC-KR, KS_C_5601-1987 and a dozen other
names), and some declare ISO-8859-1 or UTF-8 in the HTTP header while the bytes are CP949.
Decoding with the declared codec alone either fails or silently produces mojibake, which then
poisons content hashes and every later stage. So a declaration is a hint that the bytes must
confirm, and the fallbacks are ordered by what these sites actually serve.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

__all__ = ["Decoded", "decode_html", "decode_text", "normalize_charset"]


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the Python codec that produced it, and whether the bytes confirmed it.

    ``confident`` is False only when no codec decoded the bytes strictly: the text then holds
    U+FFFD replacement characters and should not be trusted for change detection.
    """

    text: str
    encoding: str
    confident: bool


# Every label Korean sites use for Korean. CP949 (Unified Hangul Code) is a superset of
# EUC-KR: real "EUC-KR" pages contain characters such as 똠 that only CP949 defines.
_KOREAN_LABELS = frozenset(
    {
        "euc-kr",
        "euckr",
        "cseuckr",
        "ks-c-5601-1987",
        "ks-c-5601",
        "ksc5601",
        "ksc-5601",
        "ks-c5601",
        "korean",
        "iso-ir-149",
        "cp949",
        "ms949",
        "windows-949",
        "x-windows-949",
        "uhc",
        "x-uhc",
        "949",
    }
)

# Labels that browsers (WHATWG) decode as windows-1252. They are what a misconfigured server
# sends by default, so they are the declarations most often wrong about Korean pages.
_WESTERN_LABELS = frozenset(
    {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "windows-1252"}
)
_WEAK_CODECS = frozenset({"cp1252", "ascii", "latin-1", "iso8859-1"})

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_SNIFF_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HANGUL = re.compile(r"[\uac00-\ud7a3]")

# A lossy decode is still preferred to a statistical guess when this few characters are lost.
_MAX_LOSS_RATIO = 0.05
_MAX_CHAOS = 0.1


def normalize_charset(label: str | None) -> str | None:
    """The Python codec for a charset label (or a whole Content-Type value), or None.

    Korean labels all become ``cp949`` and Latin-1/ASCII labels become ``cp1252``, as browsers
    do; labels Python does not know are ignored rather than raising.
    """
    if not label:
        return None
    match = _CHARSET_PARAM.search(label)
    name = (match.group(1) if match else label).strip().strip("\"'").lower().replace("_", "-")
    if not name:
        return None
    if name in _KOREAN_LABELS:
        return "cp949"
    if name in _WESTERN_LABELS:
        return "cp1252"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    if codec == "euc_kr":  # aliases Python maps to EUC-KR proper, e.g. "ks_c_5601"
        return "cp949"
    return codec


def decode_html(body: bytes, header_charset: str | None = None) -> Decoded:
    """Decode an HTML page: BOM, then the header and ``<meta>`` charset, checked against the bytes.

    ``header_charset`` may be the bare charset or the whole Content-Type header value.
    """
    head = body[:_SNIFF_BYTES]
    declared = [header_charset]
    declared.extend(m.group(1).decode("ascii") for m in _META_CHARSET.finditer(head))
    xml = _XML_ENCODING.match(head)
    if xml:
        declared.append(xml.group(1).decode("ascii"))
    return _decode(body, declared)


def decode_text(body: bytes, header_charset: str | None = None) -> Decoded:
    """Decode a feed, an XML API answer or plain text: BOM, header, XML declaration, bytes."""
    declared = [header_charset]
    xml = _XML_ENCODING.match(body[:_SNIFF_BYTES])
    if xml:
        declared.append(xml.group(1).decode("ascii"))
    return _decode(body, declared)


def _decode(body: bytes, labels: list[str | None]) -> Decoded:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return _lossy(body[len(bom) :], codec)

    declared = next((c for c in map(normalize_charset, labels) if c is not None), None)
    if body.isascii():
        return Decoded(body.decode("ascii"), declared or "utf-8", True)

    if declared is not None:
        # Valid multi-byte UTF-8 is almost never an accident, whatever the page claims.
        if declared != "utf-8" and (text := _strict(body, "utf-8")) is not None:
            return Decoded(text, "utf-8", True)
        if (
            declared in _WEAK_CODECS
            and (text := _strict(body, "cp949")) is not None
            and _mostly_hangul(text)
        ):
            return Decoded(text, "cp949", True)
        if (text := _strict(body, declared)) is not None:
            return Decoded(text, declared, True)

    for codec in ("utf-8", "cp949"):
        if (text := _strict(body, codec)) is not None:
            return Decoded(text, codec, True)

    # Nearly-valid Korean or UTF-8 (a truncated or corrupted byte or two): keep it, flagged.
    candidates = [c for c in (declared, "utf-8", "cp949") if c is not None]
    best = min((_lossy(body, c) for c in dict.fromkeys(candidates)), key=_loss)
    if _loss(best) <= _MAX_LOSS_RATIO:
        return best

    guess = charset_normalizer.from_bytes(body).best()
    if guess is not None and guess.encoding and guess.chaos <= _MAX_CHAOS:
        codec = normalize_charset(guess.encoding) or guess.encoding
        if (text := _strict(body, codec)) is not None:
            return Decoded(text, codec, True)
    return best


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _lossy(body: bytes, codec: str) -> Decoded:
    text = _strict(body, codec)
    if text is not None:
        return Decoded(text, codec, True)
    return Decoded(body.decode(codec, errors="replace"), codec, False)


def _loss(decoded: Decoded) -> float:
    """Share of non-ASCII characters lost to U+FFFD (0.0 for a strict decode)."""
    if decoded.confident:
        return 0.0
    non_ascii = sum(1 for ch in decoded.text if ord(ch) > 127)
    return decoded.text.count("\ufffd") / max(non_ascii, 1)


def _mostly_hangul(text: str) -> bool:
    """Whether the non-ASCII part of ``text`` is mainly Hangul: the sign of real CP949 text.

    Western text decoded as CP949 gives hanja and symbols (or fails), not Hangul syllables.
    """
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return non_ascii > 0 and len(_HANGUL.findall(text)) >= 0.5 * non_ascii
