"""Transliterated URL slugs, Drupal pathauto style: every letter survives.

Cyrillic goes through a per-language table (Russian by default; Ukrainian when the text has і, ї,
є or ґ, Belarusian when it has ў, each as its national romanization writes it), Latin letters with
diacritics lose them by Unicode decomposition (NFKD), and the few Latin letters that do not
decompose (ß, æ, ø, ł, đ, þ…) have their usual spelling. Letters of scripts with no table (Greek,
CJK, Arabic…) are kept as they are: a Unicode slug, as WordPress makes, rather than a lost word.
"""
from __future__ import annotations

import re
import unicodedata

_RUSSIAN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r",
                     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia"], strict=False))
#: Ukrainian national romanization (Cabinet of Ministers resolution 55, 2010), within a word.
_UKRAINIAN = {**_RUSSIAN, "г": "h", "ґ": "g", "е": "e", "є": "ie", "и": "y", "і": "i", "ї": "i", "й": "i",
              "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": ""}
#: ...and at the start of a word, where є ї й ю я are written with y.
_UKRAINIAN_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
#: Belarusian (the 2007 national romanization, in ASCII: ў as w, as BGN/PCGN write it).
_BELARUSIAN = {**_RUSSIAN, "г": "h", "е": "ie", "ё": "io", "і": "i", "й": "j", "ў": "w", "ы": "y", "э": "e",
               "ю": "iu", "я": "ia", "'": "", "’": ""}
#: Latin letters Unicode does not decompose into a base letter and a mark.
_LATIN = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
          "ħ": "h", "ŧ": "t", "ŋ": "ng", "ĸ": "k", "ſ": "s"}
_NON_SLUG = re.compile(r"[\W_]+")
_WORD_START = re.compile(r"(?<![\w'’ʼ])([єїйюя])")


def _table(text: str) -> dict[str, str]:
    """The Cyrillic table the text's own letters call for."""
    if "ў" in text:  # before і, which Belarusian shares with Ukrainian
        return _BELARUSIAN
    if any(ch in text for ch in "іїєґ"):
        return _UKRAINIAN
    return _RUSSIAN


def transliterate(text: str) -> str:
    """Lower-case Latin spelling of ``text``; letters of scripts without a table are kept.

    >>> transliterate("Київ і Львів"), transliterate("Мінск і Брэст ў"), transliterate("Ærøskøbing, Łódź, Straße")
    ('kyiv i lviv', 'minsk i brest w', 'aeroskobing, lodz, strasse')
    """
    text = text.lower()
    table = _table(text)
    if table is _UKRAINIAN:
        text = _WORD_START.sub(lambda m: _UKRAINIAN_INITIAL[m.group(1)], text)
    spelled = "".join(table.get(ch, _LATIN.get(ch, ch)) for ch in text)
    decomposed = unicodedata.normalize("NFKD", spelled)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()  # NFKD: "№" is "No"


def slugify(text: str, limit: int = 60) -> str:
    """Pathauto-style transliterated slug.

    >>> slugify("Физики МФТИ создали лазер"), slugify("Київ і Львів"), slugify("Café à São Paulo")
    ('fiziki-mfti-sozdali-lazer', 'kyiv-i-lviv', 'cafe-a-sao-paulo')
    """
    slug = _NON_SLUG.sub("-", transliterate(text)).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug
