"""What a crawl learns about a site as a whole, beside what each page says: the shell every page repeats.

The page templates, their content regions and field places live in :mod:`migrator.extract.region` and
:mod:`migrator.extract.fields`; the repeated blocks inside bodies in :mod:`migrator.clean.repeated`. This
module adds the site's shell (the menus, login forms and counters that stand on a large share of all its
pages, of every template) and the test that a record holds nothing else, so a date archive or an index
that the single-page extractor took whole is withdrawn rather than kept as an article.
"""
from __future__ import annotations

import re
from itertools import islice
from typing import TYPE_CHECKING

import lxml.html

from migrator.clean.repeated import norm
from migrator.extract.common import parse
from migrator.extract.region import leaf_block_texts, template_texts
from migrator.offline import page_text

if TYPE_CHECKING:
    from migrator.store import Store

#: Stored pages the shell is learned from (any kind: listings show the shell as well as articles do).
SHELL_PAGES = 300
#: A body with fewer words than this outside the shell and outside links holds no article.
MIN_OWN_WORDS = 15

_WORD = re.compile(r"\w+")


def shell_texts(store: Store, limit: int = SHELL_PAGES) -> set[str]:
    """Leaf block texts that stand on a large share of the site's stored pages, whatever their template."""
    docs = (parse(page_text(page)) for page in islice(store.html_pages(), limit))
    return template_texts([doc for doc in docs if doc is not None])


def shell_only(body_html: str, shell: set[str]) -> bool:
    """Whether a body holds nothing but the site's shell and links (and a few words around them).

    >>> shell_only('<div><p>Меню сайта</p><p>01.02.2010 <a href="/n/1">Новость</a></p></div>', {"Меню сайта"})
    True
    """
    root = lxml.html.fragment_fromstring(body_html or "<div></div>", create_parent="div")
    words = 0
    for block, text in leaf_block_texts(root).items():
        if text in shell:
            continue
        linked = sum(len(_WORD.findall(norm(a.text_content()))) for a in block.iter("a"))
        words += max(0, len(_WORD.findall(text)) - linked)
    return words < MIN_OWN_WORDS
