"""Decode legacy page bytes the way a careful browser would, and keep the evidence.

Order: byte-order mark, a UTF-8 page with windows-1251/1252 passages pasted in (mended), HTTP
``Content-Type`` charset, ``<meta>`` charset, then detection. A declaration that does not decode the
bytes cleanly loses to detection (old servers lie). Whatever is chosen, the text that leaves is XML
compatible (:func:`xml_safe`), so no control character or lone surrogate can stop a later step.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

#: Tried before statistical detection: a strict UTF-8 decode almost never succeeds by chance.
_CYRILLIC_CANDIDATES = ("cp1251", "koi8_r", "utf_8")

#: What lxml refuses ("All strings must be XML compatible") or silently cuts a document at: C0 controls
#: other than tab, newline and carriage return, the noncharacters U+FFFE/U+FFFF, and lone surrogates.
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: Vertical tab and form feed separate words the way spaces do (HTML counts form feed as whitespace).
_AS_SPACE = frozenset("\x0b\x0c")


def xml_safe(text: str) -> str:
    """``text`` without the characters lxml cannot hold; vertical tab and form feed become spaces.

    >>> xml_safe("a<!-- c -->\\x0bb\\x00c\\ud800d\\ufffe")
    'a<!-- c --> bcd'
    """
    if _XML_UNSAFE.search(text) is None:
        return text
    return _XML_UNSAFE.sub(lambda m: " " if m.group() in _AS_SPACE else "", text)


@dataclass
class Decoded:
    """Text of a page with the encoding chosen, where the choice came from, and what each source said."""

    text: str
    encoding: str
    source: str  # "bom" | "mixed" | "http-header" | "meta" | "detected" | "utf-8" | "fallback"
    evidence: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.text = xml_safe(self.text)


def _normalize(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name)
    if not resolved:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def detect(body: bytes) -> str | None:
    """Best statistical guess of ``body``'s encoding, or None.

    >>> detect("Новости науки и техники за 2003 год".encode("cp1251"))
    'cp1251'
    """
    if _strict(body, "utf-8") is not None:
        return "utf-8"
    best = from_bytes(body[:65536], cp_isolation=list(_CYRILLIC_CANDIDATES) + ["cp1252", "latin_1", "iso8859_5"]).best()
    return _normalize(best.encoding) if best else None


# -- UTF-8 pages with single-byte passages pasted in --------------------------------------------------

#: Bytes that are not UTF-8, as ``surrogateescape`` leaves them (U+DC80..U+DCFF), one run at a time.
_ESCAPED = re.compile("[\udc80-\udcff]+")
#: Words holding such bytes, with the ASCII letters around them: what the embedded encoding is judged on.
_ESCAPED_WORDS = re.compile("[A-Za-z\udc80-\udcff]*[\udc80-\udcff][A-Za-z\udc80-\udcff]*")
#: Runs of three or more non-ASCII characters that decode as real UTF-8: words of a UTF-8 text. A
#: windows-1251 page read as UTF-8 yields valid pairs by chance ("С»" of «ТАСС» is one), but alone, between
#: bytes that are not UTF-8.
_UTF8_WORDS = re.compile("[^\x00-\x7f\udc80-\udcff]{3,}")
#: A page is UTF-8 with pasted passages when at least this many characters stand in such runs.
MIN_MIXED_CHARS = 10


def mend_mixed(body: bytes) -> tuple[str, str] | None:
    """(text, embedded encoding) of a UTF-8 page holding windows-1251 or windows-1252 passages, else None.

    Every byte run that is not UTF-8 is decoded in the embedded encoding, chosen by detection over the
    words those runs stand in. This is what bs4's ``UnicodeDammit.detwingle`` does, which supports
    windows-1252 only (it raises NotImplementedError for windows-1251, the Russian sites' case).

    >>> mend_mixed("Новости науки: ".encode() + "Архив новостей за 2003 год".encode("cp1251"))
    ('Новости науки: Архив новостей за 2003 год', 'cp1251')
    """
    text = body.decode("utf-8", "surrogateescape")
    sample = text[:1 << 20]
    if _ESCAPED.search(sample) is None or sum(map(len, _UTF8_WORDS.findall(sample))) < MIN_MIXED_CHARS:
        return None
    words = " ".join(_ESCAPED_WORDS.findall(sample)).encode("utf-8", "surrogateescape")
    best = from_bytes(words[:65536], cp_isolation=["cp1251", "cp1252"]).best()
    embedded = _normalize(best.encoding if best else None) or "cp1252"

    def decoded(match: re.Match[str]) -> str:
        return match.group().encode("utf-8", "surrogateescape").decode(embedded, "replace")

    return _ESCAPED.sub(decoded, text), embedded


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML page; never raises, never returns mojibake when a declaration is wrong.

    >>> decode_html("<p>Привет</p>".encode("cp1251"), "text/html; charset=windows-1251").encoding
    'cp1251'
    """
    bom_name, _ = read_bom(body)
    evidence = {
        "bom": _normalize(bom_name),
        "http-header": _normalize(http_content_type_encoding(content_type or "")),
        "meta": _normalize(html_body_declared_encoding(body[:4096])),
    }
    if bom_name:
        enc = evidence["bom"] or "utf-8"
        return Decoded(body.decode(enc, "replace").lstrip("\ufeff"), enc, "bom", evidence)
    if _strict(body, "utf-8") is None:
        mixed = mend_mixed(body)
        if mixed is not None:
            evidence["embedded"] = mixed[1]
            return Decoded(mixed[0], "utf-8", "mixed", evidence)
    for source in ("http-header", "meta"):
        declared = evidence[source]
        if declared:
            text = _strict(body, declared)
            if text is not None and not _looks_mislabelled(text, declared):
                return Decoded(text, declared, source, evidence)
    detected = detect(body)
    evidence["detected"] = detected
    if detected:
        text = _strict(body, detected)
        if text is not None:
            return Decoded(text, detected, "detected", evidence)
    return Decoded(body.decode("utf-8", "replace"), "utf-8", "fallback", evidence)


def _looks_mislabelled(text: str, encoding: str) -> bool:
    """A latin-1 family label on Cyrillic bytes decodes without error but yields mojibake."""
    if encoding not in ("cp1252", "latin_1", "iso8859_1"):
        return False
    sample = text[:4000]
    high = sum(1 for ch in sample if "\u00c0" <= ch <= "\u00ff")
    return high > 20 and high > len(sample) // 20
