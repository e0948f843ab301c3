"""When a record is no article after all: what is left of its body besides the site's repeated text is too little,
or mostly links. Used as pages arrive (a body whose learned blocks were removed) and by the site-wide sweeps."""
from __future__ import annotations

import lxml.html

from migrator.clean.repeated import residue

#: A body with fewer words than this, once the site's repeated blocks are gone, held no article.
MIN_ARTICLE_WORDS = 15
#: ...and neither did one whose remaining text is mostly link text (an index of links).
MAX_LINK_SHARE = 0.6
#: Extraction profiles of a platform: a record one of them read is a full node, never a heuristic's withdrawal.
PLATFORM_PROFILES = frozenset({"drupal6", "drupal7", "wordpress", "joomla", "blogger"})


def read_by_platform(profile: str | None) -> bool:
    """Whether a platform profile (not the generic extractor) read the record: one article however short.

    >>> read_by_platform("drupal6"), read_by_platform("generic")
    (True, False)
    """
    return profile in PLATFORM_PROFILES


def not_an_article(body_html: str, body_text: str, known: set[tuple[str, ...]] | frozenset[tuple[str, ...]] = frozenset()) -> bool:
    """What is left of a body besides the site's repeated text is too little, or mostly links.

    >>> not_an_article('<a href="/a">Материалы 2000 года</a>', "Материалы 2000 года")
    True
    """
    words = len(residue(body_text, set(known) if isinstance(known, frozenset) else known))
    if words < MIN_ARTICLE_WORDS:
        return True
    linked = sum(len(a.text_content().split()) for a in lxml.html.fragment_fromstring(
        body_html, create_parent="div").iter("a"))
    return linked / words >= MAX_LINK_SHARE
