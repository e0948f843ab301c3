"""Blocks that repeat across many bodies of one site are boilerplate, whatever their markup.

A migration banner pasted inside every article, a "Читайте также" widget, a subscription blurb:
no class marks them, but their text stands in a large share of the bodies of one template.
Decided by document frequency over whole blocks (paragraphs, list items, headings), never by
cutting sentences, so text that merely recurs on a few pages stays.
"""
from __future__ import annotations

import re
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

import lxml.html
from lxml import etree

from migrator.clean.rules import norm
from migrator.clean.text import shingles, words
from migrator.encoding import xml_safe

BLOCK_TAGS = ("p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "dd", "dt", "pre", "div")
_BLOCK_XPATH = etree.XPath("|".join(f"descendant-or-self::{t}" for t in BLOCK_TAGS))

#: A block is boilerplate when it stands in at least this many bodies...
MIN_PAGES = 5
#: ...and in at least this share of the bodies compared.
MIN_SHARE = 0.3
#: Blocks shorter than this (characters) are too generic to judge ("Фото:", "***").
MIN_CHARS = 20


def _fragment(html: str) -> lxml.html.HtmlElement:
    """A body's tree; bodies stored by older runs may hold characters lxml refuses, so they are made safe."""
    return lxml.html.fragment_fromstring(xml_safe(html) or "<div></div>", create_parent="div")


def _leaf_blocks(root: lxml.html.HtmlElement) -> Iterable[lxml.html.HtmlElement]:
    """Blocks that hold no other block: the unit a repeat is judged on."""
    for element in _BLOCK_XPATH(root):
        if element is root:
            continue
        if not any(child.tag in BLOCK_TAGS for child in element.iterdescendants()):
            yield element


def block_texts(html: str) -> set[str]:
    """The distinct texts of a body's leaf blocks (each long enough to judge).

    >>> sorted(block_texts("<p>Первый абзац статьи здесь.</p><div><p>Подписывайтесь на наш канал!</p></div>"))
    ['Первый абзац статьи здесь.', 'Подписывайтесь на наш канал!']
    """
    texts = set()
    for block in _leaf_blocks(_fragment(html)):
        text = norm(block.text_content())
        if len(text) >= MIN_CHARS:
            texts.add(text)
    return texts


def learn(bodies: Iterable[str], min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> dict[str, int]:
    """Block texts that repeat across bodies, with the number of bodies each stands in.

    >>> bodies = [f"<p>Спасибо, ждём вас на N-N-N.ru</p><p>Статья номер {i} о науке.</p>" for i in range(6)]
    >>> learn(bodies)
    {'Спасибо, ждём вас на N-N-N.ru': 6}
    """
    counts: Counter[str] = Counter()
    total = 0
    for html in bodies:
        total += 1
        counts.update(block_texts(html))
    floor = max(min_pages, min_share * total)
    return {text: n for text, n in counts.most_common() if n >= floor}


def drop_blocks(html: str, texts: set[str] | Mapping[str, int]) -> tuple[str, int]:
    """Remove the leaf blocks whose text is one of ``texts``, then containers left empty.

    >>> drop_blocks("<div><p>Спасибо, ждём вас на N-N-N.ru</p></div><p>Текст статьи о науке.</p>",
    ...             {"Спасибо, ждём вас на N-N-N.ru"})
    ('<p>Текст статьи о науке.</p>', 1)
    """
    html, removed = drop_blocks_counted(html, texts)
    return html, sum(removed.values())


def drop_blocks_counted(html: str, texts: set[str] | Mapping[str, int]) -> tuple[str, Counter[str]]:
    """:func:`drop_blocks`, counting removals by block text (so each learned rule reports what it removed).

    >>> drop_blocks_counted("<p>Спасибо, ждём вас на N-N-N.ru</p><p>Текст.</p>", {"Спасибо, ждём вас на N-N-N.ru"})[1]
    Counter({'Спасибо, ждём вас на N-N-N.ru': 1})
    """
    removed: Counter[str] = Counter()
    if not texts:
        return html, removed
    root = _fragment(html)
    for block in list(_leaf_blocks(root)):
        text = norm(block.text_content())
        if text in texts:
            parent = block.getparent()
            block.drop_tree()
            removed[text] += 1
            while parent is not None and parent is not root and not norm(parent.text_content()) \
                    and not parent.xpath(".//img"):
                grand = parent.getparent()
                parent.drop_tree()
                parent = grand
    if not removed:
        return html, removed
    inner = (root.text or "") + "".join(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return inner, removed


#: Words a shingle holds.
_N = 4


def known_shingles(texts: Iterable[str]) -> set[tuple[str, ...]]:
    """The 4-word shingles of some texts (lower-cased ``\\w+`` tokens): what a residue is measured against."""
    out: set[tuple[str, ...]] = set()
    for text in texts:
        out.update(shingles(words(text)))
    return out


def residue(text: str, known: set[tuple[str, ...]]) -> list[str]:
    """The words of ``text`` not covered by a known shingle: what is left once repeated text,
    even re-wrapped in other markup, is taken away.

    >>> residue("Спасибо, ждём вас на N-N-N.ru. Архив 2003", known_shingles(["Спасибо, ждём вас на N-N-N.ru"]))
    ['архив', '2003']
    """
    tokens = words(text)
    covered = [False] * len(tokens)
    for i in range(len(tokens) - _N + 1):
        if tuple(tokens[i:i + _N]) in known:
            covered[i:i + _N] = [True] * _N
    return [w for w, c in zip(tokens, covered, strict=False) if not c]


#: A body holding the openings of at least this many other bodies...
MIN_SOURCES = 3
#: ...whose passages together cover at least this share of its shingles, is a listing of their excerpts.
MIN_COPIED = 0.5
#: A passage counts when it brings at least this many shingles not already covered...
MIN_PASSAGE = 5
#: ...and holds the first shingles of its source, all of them (an excerpt is an article's opening, word
#: for word; two articles opening alike on a few words do not make one an excerpt of the other).
OPENING = 8
#: A body holding this share of another's shingles is that page under another URL, not an excerpt of it.
SAME_PAGE = 0.9


def _ordered_shingles(text: str) -> list[tuple[str, ...]]:
    return shingles(words(text))


def _gram_ids(text: str) -> list[int]:
    """A body's shingles in order, each as its hash: 8 bytes a shingle kept instead of a tuple of four strings
    (a site's bodies are compared all at once; 64-bit hashes do not collide at any site's size)."""
    return [hash(gram) for gram in _ordered_shingles(text)]


def listings_of_excerpts(bodies: Mapping[str, str] | Iterable[tuple[str, str]],
                         titles: Mapping[str, str] | Callable[[str], str | None] | None = None,
                         text_of: Callable[[str], str | None] | None = None) -> list[str]:
    """Keys of the bodies made mostly of the openings of several other bodies: a listing page of excerpts
    (home, category, tag, author pages), not an article.

    Each body is covered greedily by the bodies whose opening it holds, a passage counting only for the shingles it
    adds, so a short article quoted the same way on many listings is never taken for one (it holds no
    other body's opening), while a listing of eight excerpts has eight sources. Where each excerpt comes with
    a details line (category, views, author, date: uCoz's ``eDetails``, a blog's meta line), the excerpts
    may cover less than half of the listing; it is one all the same when, its sources' ``titles`` counted as
    covered too, nothing else in it runs longer than a details line (:func:`_cards_only`).

    Each body's shingles are kept as a packed array of hashes, and only the bodies whose whole opening a body
    holds are compared with it (found through an index of their first shingle): memory and time grow with the
    site, not with its square. ``bodies`` may be streamed ``(key, text)`` rows; then ``text_of(key)`` gives a
    body's text again for the few that need the details-line test (a mapping of bodies is its own).

    >>> posts = {"rye": "Rye loaves need a long cold proof in the cellar overnight. Then the crust cracks.",
    ...          "jam": "Plum jam sets faster when the fruit is picked slightly under ripe. Then we jar it.",
    ...          "hay": "Hay meadows flower late in June along the northern river banks. Then cattle graze."}
    >>> home = " ".join(text.split(". ")[0] for text in posts.values())
    >>> listings_of_excerpts({**posts, "home": home, "tag": posts["rye"].split(". ")[0]})
    ['home']
    """
    if isinstance(bodies, Mapping):
        text_of = text_of or bodies.get
        rows: Iterable[tuple[str, str]] = bodies.items()
    else:
        rows = bodies
    title_of = titles.get if isinstance(titles, Mapping) else titles or (lambda key: None)
    corpus = _Corpus()
    for key, text in rows:  # streamed: only hashes kept
        corpus.add(key, text)
    found = []
    for key, packed in corpus.own.items():
        if not packed:
            continue
        grams = set(packed)
        sources = corpus.copied(key, grams)
        if sources is None:
            continue
        if len(sources[1]) >= MIN_COPIED * len(grams):
            found.append(key)
        elif text_of is not None and len((cards := corpus.teasers(sources, grams))[0]) >= MIN_SOURCES \
                and _cards_only(text_of(key) or "", cards, title_of):
            found.append(key)
    return found


def _opening(text: str) -> int:
    """How many first shingles of a body an excerpt of it must hold: :data:`OPENING`, or all of its first
    paragraph's when that is shorter (a listing quotes the first paragraph, here a line of nine words),
    though never fewer than a passage counts (:data:`MIN_PASSAGE`).

    >>> _opening("Сутки салон некоторый. Достоинство болото командование команда ныне отъезд.\\n\\nДалее текст.")
    6
    """
    first = len(_ordered_shingles(text.split("\n\n", 1)[0]))
    return min(OPENING, first) if first >= MIN_PASSAGE else OPENING


#: In a listing of cards, the text outside the excerpts and their titles is details lines: at most this
#: many words with letters in a row ("Категория: Наблюдения | Просмотров: 899 | Добавил: coolant | Дата: ...")...
MAX_CARD_GAP = 25
#: ...and before the first excerpt at most this many (a heading, the first card's upper details line):
#: an article's own text stands there, even a one-line brief's, before any block of related excerpts.
MAX_CARD_LEAD = 10
_LETTERED = re.compile(r"\w*[^\W\d_]\w*")


def _cards_only(text: str, sources: tuple[list[str], set[int]], title_of: Callable[[str], str | None]) -> bool:
    """Whether a body holding several excerpts is nothing but them, their sources' titles and short details lines.

    >>> cards = "Rye bread. Rye loaves need a long cold proof. Views: 12 | By: ann"
    >>> excerpt = (["rye"], set(_gram_ids("Rye loaves need a long cold proof")))
    >>> _cards_only(cards, excerpt, {"rye": "Rye bread"}.get)
    True
    >>> _cards_only("Our mill opened again this week after the long winter, and we bake. " + cards, excerpt,
    ...             lambda key: None)
    False
    """
    tokens = words(text)
    covered = [False] * len(tokens)
    for i in range(len(tokens) - _N + 1):
        if hash(tuple(tokens[i:i + _N])) in sources[1]:
            covered[i:i + _N] = [True] * _N
    for key in sources[0]:
        title = words(title_of(key) or "")
        for i in range(len(tokens) - len(title) + 1) if title else ():
            if tokens[i:i + len(title)] == title:
                covered[i:i + len(title)] = [True] * len(title)
    if True not in covered:
        return False
    runs, run = [], 0
    for word, done in zip(tokens, covered, strict=False):
        if done:
            runs.append(run)
            run = 0
        elif _LETTERED.fullmatch(word):
            run += 1
    runs.append(run)
    return runs[0] <= MAX_CARD_LEAD and max(runs) <= MAX_CARD_GAP


@dataclass
class _Corpus:
    """Bodies' shingle hashes (sorted, packed), their openings and an index of their first shingles."""

    own: dict[str, array[int]] = field(default_factory=dict)
    openings: dict[str, frozenset[int]] = field(default_factory=dict)
    by_first: dict[int, list[str]] = field(default_factory=dict)  # first shingle -> the bodies opening with it
    order: dict[str, int] = field(default_factory=dict)
    leads: dict[str, frozenset[int]] = field(default_factory=dict)  # what a listing card quotes of each body

    def add(self, key: str, text: str) -> None:
        ordered = _gram_ids(text)
        self.order[key] = len(self.order)
        self.own[key] = array("q", sorted(set(ordered)))
        if ordered:
            self.openings[key] = frozenset(ordered[:_opening(text)])
            first = len(_ordered_shingles(text.split("\n\n", 1)[0]))
            self.leads[key] = frozenset(ordered[:max(_opening(text), min(first, 2 * OPENING))])
            self.by_first.setdefault(ordered[0], []).append(key)

    def teasers(self, sources: tuple[list[str], set[int]], grams: set[int]) -> tuple[list[str], set[int]]:
        """The sources a body quotes as a listing card does: a teaser is an entry's first paragraph whole, or its
        first 2 × :data:`OPENING` shingles, not one formulaic opening sentence two articles share ("Работа
        выполнена при поддержке …")."""
        kept = [other for other in sources[0] if self.leads[other] <= grams]
        return kept, {gram for other in kept for gram in self.own[other] if gram in grams}

    def sources(self, key: str, grams: set[int]) -> dict[str, set[int]]:
        """The other bodies whose whole opening this body holds, each with the shingles the two share, in the
        bodies' order; another URL of the same page (a home page that is also the first page of the news
        list) is no source."""
        found = {other for gram in grams for other in self.by_first.get(gram, ())
                 if other != key and self.openings[other] <= grams}
        by_source = {}
        for other in sorted(found, key=self.order.__getitem__):
            shared = {gram for gram in self.own[other] if gram in grams}
            if not (len(shared) >= SAME_PAGE * len(grams) and len(shared) >= SAME_PAGE * len(self.own[other])):
                by_source[other] = shared
        return by_source

    def copied(self, key: str, grams: set[int]) -> tuple[list[str], set[int]] | None:
        """Greedy cover of one body by the other bodies whose openings it holds: the sources and the shingles
        they cover, when there are enough sources."""
        by_source = self.sources(key, grams)
        covered: set[int] = set()
        sources: list[str] = []
        while by_source:
            best = max(by_source, key=lambda o: len(by_source[o] - covered))
            gain = by_source.pop(best) - covered
            if len(gain) < MIN_PASSAGE:
                break
            covered |= gain
            sources.append(best)
        return (sources, covered) if len(sources) >= MIN_SOURCES else None
