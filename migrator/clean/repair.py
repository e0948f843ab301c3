"""Text stored in the wrong encoding, repaired: what a legacy site's database or a saved page mangled.

Two kinds are met on real sites:

- UTF-8 bytes read as windows-1252/Latin-1 ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚" for "привет", "Ã©" for "é"): ftfy fixes these,
  and only where the evidence is strong (it leaves real accented text alone);
- windows-1251 bytes read as Latin-1, which ftfy does not consider: a Russian comment stored by an old forum
  or guestbook as ``&#202;&#224;&#235;&#227;&#238;&#237;`` shows as "Êàëãîí" (Калгон). Every Cyrillic letter
  of windows-1251 (А–я at 0xC0–0xFF, Ё/ё at 0xA8/0xB8) lands on À–ÿ, ¨, ¸: a word made only of those
  characters, with no ASCII letter in it, is no word of a Latin-script language ("à", "où", "été" all hold
  ASCII or are short), so such words of three letters and more are decoded back, and only in a text where
  they are words (two of them, or one long one).
"""
from __future__ import annotations

import re

import ftfy
from lxml import etree
from lxml.html import HtmlElement

#: A word of windows-1251 Cyrillic read as Latin-1: three letters or more of À–ÿ, ¨, ¸ only.
_CP1251_WORD = re.compile(r"(?<![\w])[\u00c0-\u00ff\u00a8\u00b8]{3,}(?![\w])")
#: ...of which a text needs this many (or one of :data:`LONG_WORD` letters) before any is decoded.
MIN_WORDS = 2
LONG_WORD = 6


def repair_cp1251(text: str) -> tuple[str, int]:
    """Windows-1251 words read as Latin-1 decoded back; returns the text and how many words changed.

    >>> repair_cp1251("Êàëãîí ïðèâåò, Ivan")
    ('Калгон привет, Ivan', 2)
    >>> repair_cp1251("Déjà vu à Noël, Müller"), repair_cp1251("ÀÉÎ")
    (('Déjà vu à Noël, Müller', 0), ('ÀÉÎ', 0))
    """
    found = _CP1251_WORD.findall(text)
    if len(found) < MIN_WORDS and not any(len(w) >= LONG_WORD for w in found):
        return text, 0
    count = 0

    def decode(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return match.group(0).encode("latin-1").decode("cp1251")

    return _CP1251_WORD.sub(decode, text), count


def repair(text: str) -> tuple[str, bool]:
    """A text with both kinds of mojibake repaired; and whether anything changed.

    >>> repair("Ð¿Ñ€Ð¸Ð²ÐµÑ‚ Ð¼Ð¸Ñ€")
    ('привет мир', True)
    >>> repair("Café au lait")
    ('Café au lait', False)
    """
    if not text or text.isascii():
        return text, False
    fixed = ftfy.fix_encoding(text) if _MAYBE_UTF8.search(text) else text
    fixed, _ = repair_cp1251(fixed)
    return fixed, fixed != text


#: ftfy runs only where UTF-8-as-Latin-1 is possible (a lead byte's character, Ã Â Ð Ñ …): it is slow on
#: long texts, and most pages have nothing for it to do.
_MAYBE_UTF8 = re.compile(r"[\u00c2-\u00f4][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]")


#: Cloudflare's e-mail address obfuscation: an address in a page served through Cloudflare is written as
#: ``<a class="__cf_email__" href="/cdn-cgi/l/email-protection" data-cfemail="HEX">[email&#160;protected]</a>``
#: (or a link ``href="/cdn-cgi/l/email-protection#HEX"`` around the address's own text) and a script decodes it in
#: the browser; a saved copy keeps only the placeholder. HEX is the address's bytes XOR-ed with its first byte.
_CF_EMAIL = etree.XPath("//*[@data-cfemail] | //a[contains(@href, '/cdn-cgi/l/email-protection#')]")
_CF_HEX = re.compile(r"^(?:[0-9a-fA-F]{2}){2,}$")


def cloudflare_address(hex_text: str) -> str | None:
    """The address Cloudflare's ``data-cfemail`` value encodes, or None when it is no such value.

    >>> cloudflare_address("a7c9ccd5d2d4d3c2d19e94e7c0cac6cecb89c4c8ca")
    'nkrustev93@gmail.com'
    >>> cloudflare_address("zz"), cloudflare_address("")
    (None, None)
    """
    if not _CF_HEX.match(hex_text or ""):
        return None
    data = bytes.fromhex(hex_text)
    try:
        return bytes(b ^ data[0] for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None


def cloudflare_emails(doc: HtmlElement) -> int:
    """Cloudflare-protected addresses in the tree written back as the visitor saw them; returns how many.

    A ``data-cfemail`` element becomes the address's text, a link to ``/cdn-cgi/l/email-protection#HEX`` a
    ``mailto:`` link; the decoding script beside it (``script[data-cfhash]``) goes with the rest of the scripts.
    """
    count = 0
    for element in _CF_EMAIL(doc):
        encoded = element.get("data-cfemail")
        if encoded is not None:
            address = cloudflare_address(encoded)
            if address is None:
                continue
            tail = element.tail
            for child in list(element):
                element.remove(child)
            element.attrib.clear()
            element.tag, element.text, element.tail = "span", address, tail
            count += 1
            continue
        address = cloudflare_address(element.get("href", "").rpartition("#")[2])
        if address is not None:
            element.set("href", f"mailto:{address}")
            count += 1
    return count
