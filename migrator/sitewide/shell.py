"""The site's shell: block texts (menus, login forms, counters) that stand on a large share of all its pages,
whatever their template; a record holding nothing else besides links is no article."""
from __future__ import annotations

import re
from itertools import chain, islice
from typing import TYPE_CHECKING

import lxml.html

from migrator.clean.repeated import norm
from migrator.extract.common import parse
from migrator.extract.region import leaf_block_texts, template_texts

if TYPE_CHECKING:
    from migrator.store import Store

#: Stored pages the shell is learned from (any kind: listings show the shell as well as articles do).
SHELL_PAGES = 300
#: ...and the fewest pages a shell is learned from at all.
SHELL_MIN_PAGES = 10
#: A body with fewer words than this outside the shell and outside links holds no article.
MIN_OWN_WORDS = 15

#: A word holds a letter: the dates and times of a list of "link — date" rows are no text of its own.
_WORD = re.compile(r"\w*[^\W\d_]\w*")


def shell_texts(store: Store, limit: int = SHELL_PAGES) -> set[str]:
    """Leaf block texts that stand on a large share of the site's stored pages, whatever their template.

    A site of fewer than :data:`SHELL_MIN_PAGES` pages shows no shell: on three pages, two articles that
    share their paragraphs would read as furniture and be lost.
    """
    docs = (doc for doc in (parse(page.text()) for page in islice(store.html_pages(), limit)) if doc is not None)
    first = list(islice(docs, SHELL_MIN_PAGES))  # the rest streamed: one page's tree at a time
    return template_texts(chain(first, docs)) if len(first) >= SHELL_MIN_PAGES else set()


def shell_only(body_html: str, shell: set[str]) -> bool:
    """Whether a body holds nothing but the site's shell and links (and a few words around them).

    Text outside any block counts too (a body written as text and ``<br>`` beside a list of links); numbers do not
    (the dates of a list of links and dates).

    >>> shell_only('<div><p>Меню сайта</p><p>01.02.2010 <a href="/n/1">Новость</a></p></div>', {"Меню сайта"})
    True
    >>> shell_only('<b>Прокуратурой района проведена проверка по обращению жильцов.</b><br><br>В ходе проверки '
    ...            'установлено, что дом признан аварийным.<ul><li><a href="/n/2">Другая новость</a></li></ul>', set())
    False
    >>> shell_only(''.join(f'<li><a href="/n/{d}">Новость {d}</a> 0{d}.09.2017 19:10 0{d}.09.2017 19:52</li>'
    ...                    for d in range(1, 10)), set())
    True
    """
    root = lxml.html.fragment_fromstring(body_html or "<div></div>", create_parent="div")
    words = _words(root.text_content()) - sum(_words(a.text_content()) for a in root.iter("a"))
    for block, text in leaf_block_texts(root).items():
        if text in shell:  # its words, less those already counted as links
            words -= _words(text) - sum(_words(a.text_content()) for a in block.iter("a"))
    return words < MIN_OWN_WORDS


def _words(text: str) -> int:
    return len(_WORD.findall(norm(text)))
