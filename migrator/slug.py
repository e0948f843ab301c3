"""Transliterated URL slugs, Drupal pathauto style (Russian to Latin)."""
from __future__ import annotations

import re

_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "iu", "ia"]))
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, limit: int = 60) -> str:
    """Pathauto-style transliterated slug.

    >>> slugify("Физики МФТИ создали лазер")
    'fiziki-mfti-sozdali-lazer'
    """
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower())
    slug = _NON_SLUG.sub("-", latin).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0]
    return slug
