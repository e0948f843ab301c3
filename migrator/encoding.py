"""Decode legacy page bytes the way a careful browser would, and keep the evidence.

Order: byte-order mark, HTTP ``Content-Type`` charset, ``<meta>`` charset, then detection.
A declaration that does not decode the bytes cleanly loses to detection (old servers lie).
"""
from __future__ import annotations

import codecs
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


@dataclass
class Decoded:
    """Text of a page with the encoding chosen, where the choice came from, and what each source said."""

    text: str
    encoding: str
    source: str  # "bom" | "http-header" | "meta" | "detected" | "utf-8" | "fallback"
    evidence: dict[str, str | None] = field(default_factory=dict)


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
    for source in ("http-header", "meta"):
        enc = evidence[source]
        if enc:
            text = _strict(body, enc)
            if text is not None and not _looks_mislabelled(text, enc):
                return Decoded(text, enc, source, evidence)
    enc = detect(body)
    evidence["detected"] = enc
    if enc:
        text = _strict(body, enc)
        if text is not None:
            return Decoded(text, enc, "detected", evidence)
    return Decoded(body.decode("utf-8", "replace"), "utf-8", "fallback", evidence)


def _looks_mislabelled(text: str, encoding: str) -> bool:
    """A latin-1 family label on Cyrillic bytes decodes without error but yields mojibake."""
    if encoding not in ("cp1252", "latin_1", "iso8859_1"):
        return False
    sample = text[:4000]
    high = sum(1 for ch in sample if "\u00c0" <= ch <= "\u00ff")
    return high > 20 and high > len(sample) // 20
