"""Legacy encodings are decoded right, and the evidence is kept."""
from __future__ import annotations

import pytest

from migrator.encoding import decode_html

TEXT = "<html><head>{meta}</head><body><p>Архив новостей науки и техники за 2003 год. Учёные создали новый материал.</p></body></html>"
META_1251 = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'


@pytest.mark.parametrize("codec, meta, header, want_encoding, want_source", [
    ("utf-8", "", "text/html; charset=utf-8", "utf-8", "http-header"),
    ("cp1251", "", "text/html; charset=windows-1251", "cp1251", "http-header"),
    ("cp1251", META_1251, "text/html", "cp1251", "meta"),
    ("cp1251", "", "text/html", "cp1251", "detected"),
    ("koi8-r", "", "text/html; charset=koi8-r", "koi8-r", "http-header"),
    ("koi8-r", "", None, "koi8-r", "detected"),
    ("cp1251", META_1251, "text/html; charset=utf-8", "cp1251", "meta"),  # the header lies
    ("cp1251", "", "text/html; charset=iso-8859-1", "cp1251", "detected"),  # latin-1 label on Cyrillic
])
def test_decode(codec: str, meta: str, header: str | None, want_encoding: str, want_source: str) -> None:
    html = TEXT.format(meta=meta)
    decoded = decode_html(html.encode(codec), header)
    assert decoded.text == html
    assert (decoded.encoding, decoded.source) == (want_encoding, want_source)


def test_evidence_names_every_source() -> None:
    decoded = decode_html(TEXT.format(meta=META_1251).encode("cp1251"), "text/html; charset=utf-8")
    assert decoded.evidence == {"bom": None, "http-header": "utf-8", "meta": "cp1251"}


def test_utf8_bom_wins() -> None:
    decoded = decode_html("\ufeff<p>Привет</p>".encode("utf-8"), "text/html; charset=windows-1251")
    assert decoded.source == "bom" and decoded.text == "<p>Привет</p>"
