"""Content regions learned by comparing pages of one template: what repeats is template, what varies is content.

A site without a profile still renders every article through a few templates. Pages are grouped by
their skeleton (the set of element descriptors: tag, id and class names without digits); within a
group, a block whose text stands on a large share of the pages is template, and each page's other
words (outside links) are its content. The content region is the deepest element holding most of a
page's content words (or its parent, when that adds a lead paragraph beside it), named by an XPath
anchored at the nearest stable id, whose steps use what repeats across the group (stable class names,
else the position among siblings); the deepest XPath that half the pages' own regions are or lie inside
(:func:`agreed`) is the template's region. Groups of fewer than :data:`MIN_PAGES` pages learn nothing: their pages keep the
single-page extractor.

Learned at crawl end over the stored raw pages (:func:`learn_templates`), kept in the database's
``templates`` table, and applied to each page a later run or ``migrator reclean`` extracts
(:meth:`Regions.region`).
"""
from __future__ import annotations

import functools
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from lxml import etree
from lxml.html import HtmlElement

from migrator import limits
from migrator.clean.repeated import BLOCK_TAGS, norm
from migrator.extract.comments import strip_comments
from migrator.extract.common import parse
from migrator.extract.dates import find_date
from migrator.extract.fields import Observer, check_fields, learn_fields, page_title, read_date, read_title, single
from migrator.extract.hatom import strip_feeds
from migrator.urls import section_of

logger = logging.getLogger(__name__)

#: A template needs this many pages before its region is trusted.
MIN_PAGES = 5
#: Two pages share a template when their skeletons overlap this much (Jaccard).
SAME_TEMPLATE = 0.7
#: A block whose text stands on this share of a template's pages is template, not content.
TEMPLATE_SHARE = 0.3
#: A descriptor on this share of a template's pages belongs to its skeleton...
STABLE_SHARE = 0.5
#: ...and an id or class name on this share names a template part in the region's XPath (``category-baking``
#: on half the posts names no part: a region must be found on every page of the template).
STABLE_NAME_SHARE = 0.9
#: The region must be the deepest majority holder on at least this share of the pages...
MIN_AGREEMENT = 0.5
#: ...where the deepest majority holder is the element holding more than this share of a page's content words.
MAJORITY = 0.5
#: A block of this many content words beside the region, in its parent, is a lead: the parent is the region...
LEAD_WORDS = 15
#: ...unless the parent adds more than this share of the region's content words (comments, other articles).
WIDEN_SHARE = 0.5
#: Pages per template that a region is learned from: enough to see what repeats (a block on
#: :data:`TEMPLATE_SHARE` of them stands on 30 pages), bounded on huge sites (on 1,500 heavy pages, 100 learn
#: the regions and field places 300 learn, in a third of the time).
SAMPLE = 100

_IGNORED = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link", "svg", "iframe"})
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"\w+")
_ROOTS = frozenset({"html", "body"})
_PLAIN_TAG = re.compile(r"[A-Za-z][\w.-]*")


def _tag(element: HtmlElement) -> str | None:
    return element.tag if isinstance(element.tag, str) else None


def _usable(name: str) -> bool:
    """A name that can stand for a template part: no digits (``post-123`` is one page's, not the template's)
    and no quotes (a utility class such as ``content-['']`` cannot go into an XPath string).

    >>> [_usable(n) for n in ("entry-content", "post-123", "after:content-['']")]
    [True, False, False]
    """
    return not _DIGIT.search(name) and "'" not in name and '"' not in name


def _names(element: HtmlElement) -> tuple[str | None, list[str]]:
    """An element's usable id and class names."""
    ident = element.get("id")
    classes = [c for c in (element.get("class") or "").split() if _usable(c)]
    return (ident if ident and _usable(ident) else None), classes


def descriptor(element: HtmlElement) -> str:
    """Tag, id and class names of one element: a skeleton's unit.

    >>> import lxml.html
    >>> descriptor(lxml.html.fromstring('<article id="post-7" class="post hentry post-7">x</article>'))
    'article.hentry.post'
    """
    return _descriptor(element.tag, element.get("id"), element.get("class"))


@functools.lru_cache(maxsize=1 << 12)
def _descriptor(tag: str, ident: str | None, names: str | None) -> str:
    """:func:`descriptor` of an element by its tag, id and class attributes (a site's pages repeat a few
    hundred of them thousands of times: each is worked out once; the cache stays under a megabyte)."""
    classes = [c for c in (names or "").split() if _usable(c)]
    ident = ident if ident and _usable(ident) else None
    return tag + (f"#{ident}" if ident else "") + "".join(f".{c}" for c in sorted(set(classes)))


def skeleton(doc: HtmlElement) -> frozenset[str]:
    """The distinct descriptors of a page's elements: what a template renders, whatever the article."""
    return frozenset(descriptor(e) for e in doc.iter(etree.Element) if e.tag not in _IGNORED)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Overlap of two skeletons.

    >>> jaccard(frozenset("abc"), frozenset("abd"))
    0.5
    """
    return len(a & b) / len(a | b) if a or b else 1.0


# -- learning ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Template:
    """One learned template: its stable skeleton, its content region, where its fields stand and the evidence."""

    skeleton: frozenset[str]
    xpath: str
    pages: int       # pages the template was learned from
    agreeing: int    # pages whose own content region is this XPath or lies inside it
    #: Where its fields stand (:func:`migrator.extract.fields.learn_fields`), per URL section of its pages
    #: ("news", "publ": one skeleton may serve several modules that keep dates elsewhere), "*" for all of them.
    fields: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def fields_for(self, url: str) -> Mapping[str, Any]:
        """The field places learned for this page's section of the site, else for the whole template."""
        return self.fields.get(section_of(url)) or self.fields.get("*") or {}

    def identifies_article(self, url: str, doc: HtmlElement | None = None) -> bool:
        """Its pages are entries: each shows a title of its own and a date where the template keeps them
        (given the page, both must read on it, and ``<title>`` repeat the title, as on the pages it was learned
        from: a listing of the same markup shows its first entry's title there, under a title of its own)."""
        found = self.fields_for(url)
        if "title" not in found or "date" not in found:
            return False
        if doc is None:
            return True
        if not single(doc, found["title"]["xpath"]):
            return False  # the title's place repeats on this page: a list of entries, not one (dates may: posts)
        title = read_title(doc, found["title"])
        return title is not None and title in page_title(doc) and read_date(doc, found["date"]) is not None

    @cached_property
    def select(self) -> etree.XPath:
        return etree.XPath(self.xpath)


def template_groups(shapes: Iterable[frozenset[str] | None]) -> list[list[int]]:
    """The indexes of pages grouped by template, first seen first: a page joins the group whose first page's
    skeleton it resembles most (Jaccard at least :data:`SAME_TEMPLATE`), else starts a new group; a None
    shape (a page that did not parse) joins none.

    A site's pages repeat a few skeletons over and over, so the group a skeleton joined is remembered until
    a new group starts (which could be a better match): most pages cost one lookup, not a comparison with
    every group.

    >>> template_groups([frozenset("abc"), frozenset("xyz"), None, frozenset("abc")])
    [[0, 3], [1]]
    """
    firsts: list[frozenset[str]] = []
    groups: list[list[int]] = []
    joined: dict[frozenset[str], int] = {}  # skeleton -> its group, while no group has started since
    for index, shape in enumerate(shapes):
        if shape is None:
            continue
        best = joined.get(shape)
        if best is None:
            best = max(range(len(firsts)), key=lambda g: jaccard(firsts[g], shape), default=None)
            if best is None or jaccard(firsts[best], shape) < SAME_TEMPLATE:
                firsts.append(shape)
                groups.append([])
                joined.clear()
                best = len(groups) - 1
            joined[shape] = best
        groups[best].append(index)
    return groups


def leaf_block_texts(doc: HtmlElement) -> dict[HtmlElement, str]:
    """Each leaf block (a block holding no other block) with its folded text."""
    found = {}
    for element in doc.iter(*BLOCK_TAGS):
        if next(element.iterdescendants(*BLOCK_TAGS), None) is None:
            found[element] = norm(element.text_content())
    return found


def template_texts(docs: Iterable[HtmlElement]) -> set[str]:
    """Block texts that stand on :data:`TEMPLATE_SHARE` of the pages (and on more than one); the pages may be
    streamed (only the counts are kept)."""
    counts: Counter[str] = Counter()
    pages = 0
    for doc in docs:
        pages += 1
        counts.update({t for t in leaf_block_texts(doc).values() if t})
    floor = max(2, TEMPLATE_SHARE * pages)
    return {text for text, n in counts.items() if n >= floor}


def content_words(doc: HtmlElement, template: set[str]) -> Counter[HtmlElement]:
    """Per element, the words beneath it that are content: outside links, scripts and template blocks.

    One walk down the tree, leaving out whole what a link, a script or a template block holds, then the counts
    summed up from the leaves (an element's own words are its text and its children's tails)."""
    skip = {e for e, text in leaf_block_texts(doc).items() if text in template}

    def left_out(element: HtmlElement) -> bool:
        return element in skip or element.tag in _IGNORED or element.tag == "a"

    if not _tag(doc) or left_out(doc) or any(left_out(a) for a in doc.iterancestors()):
        return Counter()
    elements: list[HtmlElement] = []
    parents: list[int] = []
    words: list[int] = []
    stack = [(doc, -1)]
    while stack:
        element, parent = stack.pop()
        index = len(elements)
        elements.append(element)
        parents.append(parent)
        words.append(len(_WORD.findall(element.text or "")) + sum(len(_WORD.findall(c.tail or "")) for c in element))
        stack.extend((c, index) for c in element if _tag(c) and not left_out(c))
    for index in range(len(elements) - 1, 0, -1):  # children stand after their parent: each adds to it
        words[parents[index]] += words[index]
    weights: Counter[HtmlElement] = Counter({e: n for e, n in zip(elements, words, strict=True) if n})
    if words[0]:
        for ancestor in doc.iterancestors():
            weights[ancestor] += words[0]
    return weights


def majority_holder(doc: HtmlElement, weights: Counter[HtmlElement]) -> HtmlElement | None:
    """The deepest element holding more than :data:`MAJORITY` of the page's content words (not html/body)."""
    root = doc.getroottree().getroot()
    total = weights.get(root, 0)
    if not total:
        return None
    holders = [e for e, n in weights.items() if n > MAJORITY * total and e.tag not in _ROOTS]
    return max(holders, key=lambda e: sum(1 for _ in e.iterancestors()), default=None)


def widened(holder: HtmlElement, weights: Counter[HtmlElement]) -> HtmlElement:
    """The holder's parent instead, when beside the holder the parent holds a paragraph of content of its own
    (a lead or standfirst set above the body) and not much else (comments would be much else).

    >>> import lxml.html
    >>> doc = lxml.html.fromstring('<html><body><div><p>' + 'lead ' * 20 + '</p><div>' + 'body ' * 60 + '</div></div></body></html>')
    >>> body = doc.find(".//div/div")
    >>> widened(body, content_words(doc, set())).tag, widened(body, content_words(doc, set())) is body.getparent()
    ('div', True)
    """
    parent = holder.getparent()
    if parent is None or parent.tag in _ROOTS or weights[parent] - weights[holder] > WIDEN_SHARE * weights[holder]:
        return holder
    for child in parent:
        if child is holder or not _tag(child):
            continue
        for block in child.iter(*BLOCK_TAGS):
            leaf = not any(_tag(d) in BLOCK_TAGS for d in block.iterdescendants())
            if leaf and weights[block] >= LEAD_WORDS:
                return parent
    return holder


def _class_test(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _node_test(tag: str) -> str:
    """A tag as an XPath node test; a prefixed one (Word's ``o:p``) by its name, since no namespace is bound.

    >>> _node_test("div"), _node_test("o:p")
    ('div', "*[name()='o:p']")
    """
    return tag if _PLAIN_TAG.fullmatch(tag) else f"*[name()='{tag}']"


def _step(element: HtmlElement, stable: set[str]) -> str:
    """One XPath step: the stable id, else the stable class names, else the position among same-tag siblings."""
    ident, classes = _names(element)
    test = _node_test(element.tag)
    if ident and f"#{ident}" in stable:
        return f"{test}[@id='{ident}']"
    kept = sorted(c for c in set(classes) if f".{c}" in stable)
    if kept:
        return test + "".join(f"[{_class_test(c)}]" for c in kept)
    parent = element.getparent()
    if parent is None:
        return test
    position = [s for s in parent if s.tag == element.tag].index(element) + 1
    return f"{test}[{position}]"


def xpath_of(element: HtmlElement, stable: set[str]) -> str:
    """An XPath to ``element`` that other pages of the template answer too, anchored at the nearest
    ancestor with a stable id (else at the root).

    >>> import lxml.html
    >>> doc = lxml.html.fromstring('<html><body><div id="main"><p>a</p><div class="text t-9">b</div></div></body></html>')
    >>> xpath_of(doc.find(".//div/div"), {"#main", ".text"})
    "//div[@id='main']/div[contains(concat(' ', normalize-space(@class), ' '), ' text ')]"
    """
    chain: list[str] = []
    for node in (element, *element.iterancestors()):
        step = _step(node, stable)
        chain.append(step)
        if "[@id=" in step:
            return "//" + "/".join(reversed(chain))
    return "/" + "/".join(reversed(chain))


def stable_names(docs: Sequence[HtmlElement]) -> set[str]:
    """``#id`` and ``.class`` names standing on :data:`STABLE_NAME_SHARE` of the pages: the template's own."""
    counts: Counter[str] = Counter()
    for doc in docs:
        names = set()
        for element in doc.iter():
            if _tag(element):
                ident, classes = _names(element)
                names.update([f"#{ident}"] if ident else [])
                names.update(f".{c}" for c in classes)
        counts.update(names)
    return {name for name, n in counts.items() if n >= STABLE_NAME_SHARE * len(docs)}


def learn_template(docs: Sequence[HtmlElement], sections: Sequence[str] | None = None) -> Template | None:
    """The content region of one template's pages, when enough of them agree on it."""
    if len(docs) < MIN_PAGES:
        return None
    template, stable = template_texts(docs), stable_names(docs)
    votes: Counter[str] = Counter()
    for doc in docs:
        weights = content_words(doc, template)
        holder = majority_holder(doc, weights)
        if holder is not None:
            votes[xpath_of(widened(holder, weights), stable)] += 1
    if not votes:
        return None
    xpath, agreeing = agreed(votes, max(MIN_PAGES, MIN_AGREEMENT * len(docs)))
    if not xpath:
        return None
    lists = sum(_dated_blocks(region) for doc in docs for region in _first_match(doc, xpath))
    if lists >= MIN_AGREEMENT * len(docs):
        logger.warning("region %s dropped: a list of dated blocks (comments or posts) on %d of %d pages; "
                       "its pages keep the single-page extractor", xpath, lists, len(docs))
        return None
    shapes = Counter(d for doc in docs for d in skeleton(doc))
    common = frozenset(d for d, n in shapes.items() if n >= STABLE_SHARE * len(docs))
    return Template(common, xpath, len(docs), agreeing, section_fields(docs, sections, stable, xpath))


def agreed(votes: Counter[str], floor: float) -> tuple[str, int]:
    """The deepest XPath that at least ``floor`` pages' own regions are or lie inside, with their number ("", 0:
    none). A page whose text sits in wrappers its editor made (``div[1]``, ``div[1]/div[1]``, a table) names a
    region of its own, but the element holding them all holds its content too: hand-made pages agree there.
    The most voted XPath wins as before wherever it has the floor itself (no deeper one can then).

    >>> agreed(Counter({"//div[@id='c']": 47, "//div[@id='c']/div[1]/div[1]": 23, "//div[@id='c']/div[1]": 9,
    ...                 "//div[@id='c']/table[1]/tbody[1]": 4, "/html/body/div[3]": 17}), 50)
    ("//div[@id='c']", 83)
    >>> agreed(Counter({"//div[@id='c']/div[1]": 60, "//div[@id='c']/div[2]": 40}), 50)
    ("//div[@id='c']/div[1]", 60)
    >>> agreed(Counter({"/html/body/div[1]": 30, "/html/body/div[2]": 30}), 50)
    ('', 0)
    """
    inside: Counter[str] = Counter()
    for xpath, n in votes.items():
        steps = _steps(xpath)
        for depth in range(1, len(steps) + 1):
            prefix = "/".join(steps[:depth])
            if _node_name(steps[depth - 1]) not in _ROOTS:
                inside[prefix] += n
    held = [(len(_steps(x)), n, x) for x, n in inside.items() if n >= floor]
    if not held:
        return "", 0
    _, n, xpath = max(held)
    return xpath, n


def _steps(xpath: str) -> list[str]:
    """An XPath cut at the slashes between its steps (not inside a predicate or a string); an anchor's ``//``
    stays on its first step.

    >>> _steps("//div[@id='a/b']/p[contains(@class, 'x')]")
    ["//div[@id='a/b']", "p[contains(@class, 'x')]"]
    """
    steps, start, depth, quote = [], 0, 0, ""
    lead = len(xpath) - len(xpath.lstrip("/"))
    for i, char in enumerate(xpath):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "/" and depth == 0 and i >= lead:
            steps.append(xpath[start:i])
            start = i + 1
    steps.append(xpath[start:])
    return steps


def _node_name(step: str) -> str:
    """A step's tag: ``//div[@id='c']`` -> ``div``."""
    return step.lstrip("/").split("[", 1)[0]


#: A region whose words stand mostly in this many sibling blocks of one kind, each opening with a date, is a
#: list of comments (or posts, or a listing's entries), not an entry's text.
DATED_BLOCKS = 3


def _first_match(doc: HtmlElement, xpath: str) -> list[HtmlElement]:
    try:
        found = [e for e in doc.xpath(xpath) if isinstance(e, HtmlElement)]
    except etree.XPathError:
        return []
    return found[:1]


def _dated_blocks(region: HtmlElement) -> bool:
    """Whether most of the region's text stands in repeated blocks of one descriptor that each carry a date
    near their start (who wrote when, then what): comments read as the content.

    >>> import lxml.html
    >>> note = '<div class="c"><b>ann</b> 12.05.2012 10:30<p>' + 'nice ' * 20 + '</p></div>'
    >>> _dated_blocks(lxml.html.fragment_fromstring('<div><p>short</p>' + note * 4 + '</div>'))
    True
    >>> _dated_blocks(lxml.html.fragment_fromstring('<div><p>' + 'text ' * 300 + '</p>' + note * 4 + '</div>'))
    False
    """
    for parent in (region, *region.iterdescendants()):
        if not isinstance(parent.tag, str):
            continue
        kinds = Counter(descriptor(c) for c in parent if isinstance(c.tag, str))
        kind, count = kinds.most_common(1)[0] if kinds else ("", 0)
        if count < DATED_BLOCKS:
            continue
        blocks = [c for c in parent if isinstance(c.tag, str) and descriptor(c) == kind]
        dated = [b for b in blocks if find_date(norm(b.text_content())[:120])]
        if len(dated) < DATED_BLOCKS or len(dated) < 0.8 * len(blocks):
            continue
        words = sum(len(_WORD.findall(b.text_content())) for b in dated)
        if words > 0.5 * len(_WORD.findall(region.text_content())):
            return True
    return False


#: A URL section of a template needs this many pages to learn its own field places.
SECTION_PAGES = 3


def section_fields(docs: Sequence[HtmlElement], sections: Sequence[str] | None, stable: set[str],
                   region: str = "/html/body") -> dict[str, Any]:
    """Field places over all of a template's pages ("*") and over each URL section's pages of it, each
    checked against the pages' own evidence (:func:`migrator.extract.fields.check_fields`)."""
    xpath = lambda e: xpath_of(e, stable)  # noqa: E731
    observer = Observer(xpath)
    observed = [observer.observe(doc) for doc in docs]  # each page read once, for all and for its section
    found = {"*": check_fields(docs, region, learn_fields(docs, xpath, observed))}
    names = Counter(sections or ())
    if len(names) > 1:
        for name, count in names.items():
            if count >= SECTION_PAGES:
                chosen = [(d, o) for d, o, s in zip(docs, observed, sections or (), strict=False) if s == name]
                found[name] = check_fields([d for d, _ in chosen], region,
                                           learn_fields([d for d, _ in chosen], xpath, [o for _, o in chosen]))
    return found


def learn_templates(pages: Iterable[str], accept: Callable[[list[str]], bool] | None = None,
                    urls: Sequence[str] | None = None, load: Callable[[int], str] | None = None,
                    skeletons: Iterable[frozenset[str] | None] | None = None,
                    learned: dict[tuple[str, ...], Template | None] | None = None) -> list[Template]:
    """Every template with a trusted content region among some pages' HTML.

    Two passes keep memory bounded: skeletons first (each tree dropped at once), then each template's
    first :data:`SAMPLE` pages parsed again to find its region, one template at a time. With ``load`` (a
    page's index to its HTML, read again: from the database at crawl end) ``pages`` is only streamed and no
    page is held between the passes; without it the pages are kept. ``accept``, given a template's sample
    pages, may turn the template down (pages not known to be articles: a listing template has a region
    too, but no article in it). ``urls`` (one per page) let each site section learn its fields. ``skeletons``
    (one per page, with ``load``) stand for the pages' own: the crawl end keeps them between its rounds.
    ``learned`` (with ``urls``, without ``accept``) keeps each template learned by the URLs of its sample: a
    round of the crawl end whose group of pages draws the same sample as an earlier round's (the stored pages
    do not change in between) takes that template again instead of parsing and learning its pages again.
    """
    if load is None:
        htmls = list(pages)
        pages, load = htmls, htmls.__getitem__
    if urls is None or accept is not None:
        learned = None
    found = []
    for members in template_groups(skeletons if skeletons is not None else (page_skeleton(h) for h in pages)):
        key = tuple(urls[i] for i in members[:SAMPLE]) if learned is not None and urls is not None else None
        if key is not None and learned is not None and key in learned:
            template = learned[key]
        else:
            sample = [load(i) for i in members[:SAMPLE]]
            if len(sample) < MIN_PAGES or (accept is not None and not accept(sample)):
                continue
            docs = Sample(sample)
            names = [section_of(urls[i]) if urls else "*" for i in members[:SAMPLE]]
            template = learn_template(docs, [names[i] for i in docs.kept])
            chars = sum(map(len, sample))
            del docs, sample
            limits.release(chars)  # the sample's trees, freed: handed back before the next step needs the room
            if key is not None and learned is not None:
                learned[key] = template
        if template is not None:
            found.append(template)
    return found


#: Characters of a template's sample held parsed while its region is learned; the pages beyond are parsed again
#: on each pass over them. A tree takes about 15 bytes per character of markup: 100 vBulletin thread pages of
#: 120 KB held 180 MB at once, more than the rest of the crawl process.
HELD_CHARS = 3_000_000


class Sample(Sequence[HtmlElement]):
    """A template's sample pages as trees, for :func:`learn_template`: those that parse (``kept``: their indexes
    among the pages), the first of them held parsed up to :data:`HELD_CHARS` characters of markup, the rest
    parsed again each time one is read (the learning reads trees, never keeps one between its passes)."""

    def __init__(self, htmls: Sequence[str], held_chars: int = HELD_CHARS) -> None:
        self.kept: list[int] = []
        self.held: list[HtmlElement] = []
        self.htmls: list[str] = []  # of the pages kept beyond the held ones
        budget = held_chars
        for i, html in enumerate(htmls):
            doc = parse_page(html)
            if doc is None:
                continue
            self.kept.append(i)
            if not self.htmls and len(html) <= budget:
                budget -= len(html)
                self.held.append(doc)
            else:
                self.htmls.append(html)

    def __len__(self) -> int:
        return len(self.held) + len(self.htmls)

    def __getitem__(self, index: int) -> HtmlElement:  # type: ignore[override]  # no slices: none are taken
        if index < 0:
            index += len(self)
        if index < len(self.held):
            return self.held[index]
        doc = parse_page(self.htmls[index - len(self.held)])
        assert doc is not None  # it parsed once: the same markup parses again
        return doc

    def __iter__(self) -> Iterator[HtmlElement]:
        return (self[i] for i in range(len(self)))


def page_skeleton(html: str) -> frozenset[str] | None:
    """A page's skeleton, its tree dropped at once; None for a page that does not parse (no template's)."""
    doc = parse_page(html)
    return skeleton(doc) if doc is not None else None


def parse_page(html: str) -> HtmlElement | None:
    """A page parsed as the generic extractor sees it: without its comment blocks (which it reads as comments)
    and its hAtom feeds (other entries' rows), so the places learned here are the places it applies them at."""
    doc = parse(html)
    return strip_feeds(strip_comments(doc)) if doc is not None else None


# -- applying ---------------------------------------------------------------------------------------

class Regions:
    """The learned templates of a site; ``region(doc)`` is a page's content element, or None to fall back."""

    def __init__(self, templates: Sequence[Template] = ()) -> None:
        self.templates = list(templates)
        #: When a list: every skeleton :meth:`template_of` is asked about is appended (the crawl end records what
        #: the regions decided for each page it extracts again, see :mod:`migrator.sitewide.regions`).
        self.asked: list[frozenset[str]] | None = None

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]]) -> Regions:
        """The templates a database keeps (:meth:`migrator.store.Store.template_rows`)."""
        return cls([Template(frozenset(r["skeleton"]), r["xpath"], r["pages"], r["agreeing"], r.get("fields") or {})
                    for r in rows])

    def rows(self) -> list[dict[str, Any]]:
        """The templates as rows for :meth:`migrator.store.Store.save_templates`."""
        return [{"xpath": t.xpath, "skeleton": t.skeleton, "pages": t.pages, "agreeing": t.agreeing,
                 "fields": dict(t.fields)} for t in self.templates]

    def shapes(self) -> set[tuple[str, frozenset[str], str]]:
        """What decides extraction (XPath, skeleton and field places of each template), without the evidence."""
        return {(t.xpath, t.skeleton, json.dumps(_places(t.fields), sort_keys=True)) for t in self.templates}

    def __bool__(self) -> bool:
        return bool(self.templates)

    def __getstate__(self) -> list[tuple[frozenset[str], str, int, int, dict[str, Any]]]:
        """Plain values: compiled XPaths do not pickle (the extraction pool sends regions to its workers)."""
        return [(t.skeleton, t.xpath, t.pages, t.agreeing, dict(t.fields)) for t in self.templates]

    def __setstate__(self, state: list[tuple[frozenset[str], str, int, int, dict[str, Any]]]) -> None:
        self.templates = [Template(*row) for row in state]
        self.asked = None

    def template_of(self, doc: HtmlElement) -> Template | None:
        """The learned template whose skeleton this page matches best, if it matches well enough."""
        if not self.templates:
            return None
        shape = skeleton(doc)
        if self.asked is not None:
            self.asked.append(shape)
        return self.template_of_skeleton(shape)

    def template_of_skeleton(self, shape: frozenset[str]) -> Template | None:
        """:meth:`template_of` for a page's skeleton."""
        if not self.templates:
            return None
        best = max(self.templates, key=lambda t: jaccard(t.skeleton, shape))
        return best if jaccard(best.skeleton, shape) >= SAME_TEMPLATE else None

    def region(self, doc: HtmlElement) -> HtmlElement | None:
        """The page's content region: its template's XPath, the match with the most text if several."""
        return self.match(doc)[1]

    def match(self, doc: HtmlElement) -> tuple[Template | None, HtmlElement | None]:
        """The page's learned template and its content region in it (None, None: the page falls back)."""
        template = self.template_of(doc)
        if template is None:
            return None, None
        try:
            found = [e for e in template.select(doc) if isinstance(e, HtmlElement)]
        except etree.XPathError:  # a learned region never breaks extraction: the page falls back
            return None, None
        region = max(found, key=lambda e: len(norm(e.text_content())), default=None)
        return (template, region) if region is not None else (None, None)


def _places(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Where the fields stand, without the page counts (which change with every page added)."""
    return {section: {name: {k: v for k, v in rule.items() if k != "pages"} for name, rule in found.items()}
            for section, found in fields.items()}
