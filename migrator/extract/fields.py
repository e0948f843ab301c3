"""Fields learned by comparing pages of one template: where the title, date, author, terms and sources stand.

A site without a profile still prints every entry's fields in the same places. Over the pages of one
template (the grouping of :mod:`migrator.extract.region`):

- the **title** is the element whose text changes from page to page and that ``<title>`` repeats;
- the **date** is the date-shaped text at the same place on every page (changing from page to page), else
  the date ``<title>`` carries ("Заголовок - 4 Ноября 2010 - Новости - Сайт"), else a breadcrumb
  "2010 » Ноябрь » 4"; a time standing alone at a fixed place ("10:15" floated beside the title) completes
  a date printed without one;
- the **author**, **tags** and **sources** are values written after a label ("Добавил:", "Автор:",
  "Submitted by", "Категория:", "Рубрика:", "Теги:", "Источник(и):") at a fixed place, read without it;
- a forum topic writes no label: its **author** is the first post's poster, the name in the element that
  forum engines mark as the poster's (:data:`POSTER_CLASSES`), and its date the first post's date.

What is learned is a small dict of XPaths and labels (kept with the template in the ``templates`` table,
shown in the rulebook for review) and applied to every page of the template (:func:`apply_fields`).
Dates go through :mod:`migrator.extract.dates` (dateparser for what its patterns do not know).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any, Callable, Mapping, Sequence

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.repeated import norm
from migrator.extract.common import absolute, clean_author, unique
from migrator.extract.dates import find_date, parse_date, to_iso
from migrator.record import Article

#: A field must stand at its place on this share of the template's pages...
SUPPORT = 0.8
#: ...and (title, date) change from page to page: this share of those pages show distinct values.
VARIES = 0.6
#: Elements longer than this (characters) hold more than one field.
MAX_FIELD_CHARS = 300

AUTHOR_LABELS = ("Добавил:", "Автор:", "Автор материала:", "Опубликовал:", "Разместил:",
                 "Submitted by", "Posted by", "Author:")
TAG_LABELS = ("Категория:", "Рубрика:", "Рубрики:", "Раздел:", "Теги:", "Метки:", "Ключевые слова:", "Tags:",
              "Categories:", "Category:")
SOURCE_LABELS = ("Источник(и):", "Источники:", "Источник:", "Sources:", "Source:")
#: The class forum engines give the poster's name in each post, from their own post templates: uCoz
#: (``a.postUser`` in the post template 8/2), phpBB 3 prosilver (``a.username``, ``a.username-coloured``) and
#: subsilver2 (``b.postauthor``), vBulletin 3 (``a.bigusername``), SMF (``div.poster``). Compared as whole
#: class tokens, case-insensitively; a labelled author is preferred to it, and it is one only when it stands
#: in the same repeated post block as the learned date (a commenter's name under an article is no author).
POSTER_CLASSES = frozenset({"postuser", "username", "username-coloured", "bigusername", "poster", "postauthor"})
#: A poster's name is short: longer text in such an element is a post header, not a name.
MAX_POSTER_CHARS = 60

_SKIP = frozenset({"script", "style", "noscript", "head", "title", "meta", "link", "iframe", "select", "option"})
_TIME_ONLY = re.compile(r"(\d{1,2}):(\d{2})")
_CRUMB_DATE = re.compile(r"\b((?:19|20)\d{2})\s*[»/>|]\s*([^\W\d_]{3,}|\d{1,2})\s*[»/>|]\s*(\d{1,2})\b")
_VALUE_END = re.compile(r"\s*(?:\||\(|;|\n|\s[-–—]\s|$)")

XPathOf = Callable[[HtmlElement], str]


def _elements(doc: HtmlElement) -> list[HtmlElement]:
    """The body's elements that can hold a field, in document order (what a script, a style, a form's options...
    hold is skipped whole)."""
    bodies = doc.xpath("//body")
    root = bodies[0] if bodies else doc
    if any(a.tag in _SKIP for a in root.iterancestors()):
        return []
    inside = {d for skipped in root.iter(*_SKIP) for d in skipped.iterdescendants()}
    return [e for e in root.iter() if isinstance(e.tag, str) and e.tag not in _SKIP and e not in inside]


def own_text(element: HtmlElement) -> str:
    """The element's own text: its text and its children's tails, not what its child elements hold.

    >>> import lxml.html
    >>> own_text(lxml.html.fromstring('<div class="eTitle"><div style="float:right">10:15</div>Встреча клуба</div>'))
    'Встреча клуба'
    """
    parts = [element.text or ""] + [child.tail or "" for child in element]
    return norm("".join(parts))


def page_title(doc: HtmlElement) -> str:
    found = doc.xpath("//title")
    return norm(found[0].text_content()) if found else ""


def _best(counts: Mapping[str, int], values: Mapping[str, list[Any]], order: Mapping[str, int], pages: int,
          vary: bool = True) -> str | None:
    """The XPath standing on :data:`SUPPORT` of the pages (and changing value, when ``vary``), most
    pages first, then the earliest on the page."""
    fit = [xp for xp, n in counts.items() if n >= SUPPORT * pages
           and (not vary or len(set(map(str, values[xp]))) >= VARIES * n)]
    return min(fit, key=lambda xp: (-counts[xp], order[xp]), default=None)


class _Tally:
    """Per XPath: on how many pages it held the field, the values it held, where it first stood."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.values: defaultdict[str, list[Any]] = defaultdict(list)
        self.order: dict[str, int] = {}

    def take(self, xpath: str, value: Any, position: int) -> None:
        """A place's first value on a page (:class:`Observed` keeps only those)."""
        self.counts[xpath] += 1
        self.values[xpath].append(value)
        self.order[xpath] = min(self.order.get(xpath, position), position)

    def best(self, pages: int, vary: bool = True) -> str | None:
        return _best(self.counts, self.values, self.order, pages, vary)


class Observed:
    """What one page shows where fields may stand (:meth:`Observer.observe`): each candidate place's first value on the
    page, in document order, whether ``<title>`` holds a date, and the places a date stood at."""

    def __init__(self, titled: bool) -> None:
        self.titled = titled
        self.adds: list[tuple[str, str, Any, int]] = []  # (tally, XPath key, value, position), a key's first on the page
        self.seen: dict[str, set[str]] = {k: set() for k in _TALLIES}

    def add(self, tally: str, key: str, value: Any, position: int) -> None:
        if key not in self.seen[tally]:
            self.seen[tally].add(key)
            self.adds.append((tally, key, value, position))


_TALLIES = ("title", "date", "clock", "crumb", "poster", "author", "tags", "sources")


class Observer:
    """Reads the candidate places of pages (:meth:`observe`); a text's date is found once, however many pages
    (and elements) repeat it: a template's texts stand on every page."""

    def __init__(self, xpath_of: XPathOf) -> None:
        self.xpath_of = xpath_of
        self.dates: dict[str, tuple[int, int, int, int, int] | None] = {}
        self.crumbs: dict[str, str | None] = {}

    def date(self, text: str) -> tuple[int, int, int, int, int] | None:
        if text not in self.dates:
            self.dates[text] = find_date(text)
        return self.dates[text]

    def crumb(self, text: str) -> str | None:
        if text not in self.crumbs:
            match = _CRUMB_DATE.search(text)
            self.crumbs[text] = match.group(0) if match else None
        return self.crumbs[text]

    def observe(self, doc: HtmlElement) -> Observed:
        head = page_title(doc)
        page = Observed(bool(self.date(head)))
        texts: dict[HtmlElement, str] = {}
        paths: dict[HtmlElement, str] = {}

        def text_of(element: HtmlElement) -> str:
            if element not in texts:
                texts[element] = norm(element.text_content())
            return texts[element]

        def path_of(element: HtmlElement) -> str:
            if element not in paths:
                paths[element] = self.xpath_of(element)
            return paths[element]

        for position, element in enumerate(_elements(doc)):
            text = text_of(element)
            if not text or len(text) > MAX_FIELD_CHARS:
                continue
            own = own_text(element)
            for mode, value in (("own", own), ("all", text)):  # the title
                if len(value) >= 3 and value in head and value != head and not self.date(value):
                    page.add("title", f"{mode}\t{path_of(element)}", value, position)
                    break
            # the deepest element holding a date (a child holding the same date is deeper), a lone time, a breadcrumb
            children = [c for c in element if isinstance(c.tag, str)]
            fields = self.date(text)
            if fields and not any(self.date(text_of(c)) == fields for c in children):
                page.add("date", path_of(element), fields[:3], position)
            elif _TIME_ONLY.fullmatch(text):
                page.add("clock", path_of(element), text, position)
            crumb = self.crumb(text)
            if crumb and not any(self.crumb(text_of(c)) for c in children):
                page.add("crumb", path_of(element), crumb, position)
            if not page.seen["poster"] and len(text) <= MAX_POSTER_CHARS and _is_poster(element):
                page.add("poster", path_of(element), text, position)  # the first post's
            for name, labels in (("author", AUTHOR_LABELS), ("tags", TAG_LABELS), ("sources", SOURCE_LABELS)):
                label = next((label for label in labels if label in own), None)  # the label it writes itself
                if label:
                    page.add(name, f"{label}\t{path_of(element)}", label, position)
        return page


def learn_fields(docs: Sequence[HtmlElement], xpath_of: XPathOf,
                 observed: Sequence[Observed] | None = None) -> dict[str, Any]:
    """Where the fields of one template's pages stand: ``{"title": {...}, "date": {...}, "author": {...}, ...}``
    (a field left out was not found on enough pages). ``observed``: the pages' observations (one per page, by an
    :class:`Observer` with the same ``xpath_of``), when a caller learns from several subsets of the same pages."""
    if observed is None:
        observer = Observer(xpath_of)
        observed = [observer.observe(doc) for doc in docs]
    tallies = {name: _Tally() for name in _TALLIES}
    for page in observed:
        for tally, key, value, position in page.adds:
            tallies[tally].take(key, value, position)
    title, date, clock, crumb, poster = (tallies[k] for k in ("title", "date", "clock", "crumb", "poster"))
    labelled = {name: tallies[name] for name in ("author", "tags", "sources")}
    in_title = sum(page.titled for page in observed)
    dated = [(page.seen["date"], page.titled) for page in observed]  # per page: its date places, <title> one
    found = _choose(len(docs), title, date, clock, crumb, labelled, in_title)
    if "date" not in found and (either := _title_else_element(len(docs), date, dated)):
        found["date"] = either
        if clock.best(len(docs)):
            found["date"]["time"] = clock.best(len(docs))
    chosen = poster.best(len(docs), vary=False)
    if chosen and "author" not in found and _in_one_post(docs, chosen, found.get("date", {}).get("xpath")):
        found["author"] = {"xpath": chosen, "text": "all", "pages": poster.counts[chosen]}
    return found


def _in_one_post(docs: Sequence[HtmlElement], poster: str, date: str | None) -> bool:
    """Whether the poster's place and the date's lie in one block that repeats on the pages (a forum post:
    ``table.postTable`` holds both the name and the "Дата: …" line), as the places' common XPath steps show.

    >>> import lxml.html
    >>> post = '<table class="p"><tr><td><a class="postUser">ann</a></td><td>01.02.2010</td></tr></table>'
    >>> doc = lxml.html.document_fromstring(f"<div>{post}{post}</div>")
    >>> name, date = "/html/body/div/table/tr/td[1]/a", "/html/body/div/table/tr/td[2]"
    >>> _in_one_post([doc], name, date), _in_one_post([doc], name, "/html/body/div"), _in_one_post([doc], name, None)
    (True, False, False)
    """
    if not date:
        return False
    steps = []
    for mine, theirs in zip(poster.split("/"), date.split("/"), strict=False):
        if mine != theirs:
            break
        steps.append(mine)
    prefix = "/".join(steps)
    if not prefix.strip("/"):
        return False
    return sum(len(_all(doc, prefix)) >= 2 for doc in docs) >= SUPPORT * len(docs)


def _title_else_element(pages: int, date: _Tally, dated: list[tuple[set[str], bool]]) -> dict[str, Any] | None:
    """A template serving several sections that keep their dates apart (uCoz news print it only in
    ``<title>``, the catalogue in its details line: saved pages with no URL to tell the sections by): the date
    in ``<title>``, else at the place most of the other pages show one, when together they cover the pages."""
    untitled = Counter(xp for places, titled in dated if not titled for xp in places
                       if len(set(map(str, date.values[xp]))) >= VARIES * date.counts[xp])
    if not untitled:
        return None
    xpath, count = min(untitled.items(), key=lambda item: (-item[1], date.order[item[0]]))
    titled = sum(titled for _, titled in dated)
    if not titled or titled + count < SUPPORT * pages:
        return None
    return {"from": "title", "else": xpath, "pages": titled + count}


def _is_poster(element: HtmlElement) -> bool:
    """Whether a forum engine's template marks this element as a post's poster name.

    >>> import lxml.html
    >>> _is_poster(lxml.html.fromstring('<a class="postUser" href="javascript://">coolant</a>'))
    True
    """
    return any(c.lower() in POSTER_CLASSES for c in (element.get("class") or "").split())


def _choose(pages: int, title: _Tally, date: _Tally, clock: _Tally, crumb: _Tally,
            labelled: dict[str, _Tally], in_title: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    best = title.best(pages)
    if best:
        mode, xpath = best.split("\t", 1)
        found["title"] = {"xpath": xpath, "text": mode, "pages": title.counts[best]}
    date_xpath = date.best(pages)
    if date_xpath:
        found["date"] = {"from": "element", "xpath": date_xpath, "pages": date.counts[date_xpath]}
    elif in_title >= SUPPORT * pages:
        found["date"] = {"from": "title", "pages": in_title}
    elif crumb_xpath := crumb.best(pages):
        found["date"] = {"from": "breadcrumb", "xpath": crumb_xpath, "pages": crumb.counts[crumb_xpath]}
    time_xpath = clock.best(pages)
    if "date" in found and time_xpath:
        found["date"]["time"] = time_xpath
    for name, tally in labelled.items():
        chosen = tally.best(pages, vary=False)
        if chosen:
            label, xpath = chosen.split("\t", 1)
            found[name] = {"label": label, "xpath": xpath, "pages": tally.counts[chosen]}
    return found


# -- checking what was learned against independent evidence ---------------------------------------

_TITLE_SEPARATORS = re.compile(r"\s+[-–—|:»/]+\s+|\s*::\s*")
_OG_TITLE = etree.XPath("//meta[@property='og:title']/@content")
_OG_SITE = etree.XPath("//meta[@property='og:site_name']/@content")


def site_names(docs: Sequence[HtmlElement]) -> list[str]:
    """What the pages' ``<title>`` s share (the site's name, a section's), and ``og:site_name``: never a title.

    >>> import lxml.html
    >>> docs = [lxml.html.document_fromstring(f"<title>Post {n} - Orion</title><p>x</p>") for n in range(5)]
    >>> site_names(docs)
    ['Orion']
    """
    counts: Counter[str] = Counter()
    for doc in docs:
        counts.update({part for part in _TITLE_SEPARATORS.split(page_title(doc)) if part}
                      | {norm(str(v)) for v in _OG_SITE(doc) if norm(str(v))})
    return sorted(text for text, n in counts.items() if n >= max(2, 0.5 * len(docs)))


def confirmed(doc: HtmlElement, title: str | None, site: Sequence[str] = ()) -> bool:
    """Whether the page's ``<title>`` or ``og:title`` confirms a title, which is not the site's name."""
    if not title or title in site:
        return False
    return title in page_title(doc) or any(title in norm(str(v)) for v in _OG_TITLE(doc))


def _common_ancestor(a: HtmlElement, b: HtmlElement) -> HtmlElement | None:
    mine = {id(e): e for e in (a, *a.iterancestors())}
    return next((e for e in (b, *b.iterancestors()) if id(e) in mine), None)


def check_fields(docs: Sequence[HtmlElement], region: str, found: dict[str, Any]) -> dict[str, Any]:
    """Learned places kept only where independent evidence agrees on the pages they were learned from; a
    place that breaks it is dropped (its pages fall back to the single-page extractor) and named under
    ``"dropped"`` with the reason:

    - the title is a text ``<title>`` or ``og:title`` confirms, not the site's name (:func:`site_names`);
    - the date is the entry's own date line: inside the element holding both the title and the content
      region (the entry), not in the page's header, a sidebar or a menu.
    """
    dropped: dict[str, str] = {}
    pages = len(docs)
    if "title" in found:
        rule = found["title"]
        site = site_names(docs)
        good = sum(confirmed(doc, read_title(doc, rule), site) for doc in docs)
        if good < SUPPORT * pages:
            dropped["title"] = f"{rule['xpath']}: <title>/og:title confirm it on {good} of {pages} pages"
            del found["title"]
        elif site:
            rule["site"] = site
    date = found.get("date")
    if date and date.get("from") == "element" and "title" in found:
        outside = 0
        for doc in docs:
            title, content, place = (_first(doc, found["title"]["xpath"]), _first(doc, region),
                                     _first(doc, date["xpath"]))
            if title is None or content is None or place is None:
                continue
            entry = _common_ancestor(title, content)
            if entry is not None and entry.tag not in ("html", "body") and entry not in (place, *place.iterancestors()):
                outside += 1
        if outside > (1 - SUPPORT) * pages:
            dropped["date"] = f"{date['xpath']}: outside the entry (its title and content) on {outside} of {pages} pages"
            del found["date"]
    if dropped:
        found["dropped"] = dropped
    return found


# -- applying -------------------------------------------------------------------------------------

def _all(doc: HtmlElement, xpath: str) -> list[HtmlElement]:
    """The elements at a learned place, in document order."""
    try:
        return [e for e in doc.xpath(xpath) if isinstance(e, HtmlElement)]
    except etree.XPathError:  # a learned rule never breaks extraction
        return []


def _first(doc: HtmlElement, xpath: str) -> HtmlElement | None:
    found = _all(doc, xpath)
    return found[0] if found else None


def single(doc: HtmlElement, xpath: str) -> bool:
    """Whether exactly one element of the page stands at this place."""
    try:
        return len(doc.xpath(xpath)) == 1
    except etree.XPathError:
        return False


def _after_label(element: HtmlElement, label: str) -> str:
    """The text after ``label`` in the element, up to the next separator ("|", "(", ";", a dash)."""
    text = norm(element.text_content())
    at = text.find(label)
    if at < 0:
        return ""
    rest = text[at + len(label):].lstrip(" :")
    return _VALUE_END.split(rest, 1)[0].strip()


def read_title(doc: HtmlElement, rule: Mapping[str, Any]) -> str | None:
    element = _first(doc, rule["xpath"])
    if element is None:
        return None
    return (own_text(element) if rule.get("text") == "own" else norm(element.text_content())) or None


def read_date(doc: HtmlElement, rule: Mapping[str, Any]) -> tuple[tuple[int, int, int, int, int], str] | None:
    """(Y, m, d, H, M) and the raw text they came from, as the learned rule says."""
    if rule["from"] == "title":
        raw = page_title(doc)
        fields = find_date(raw)
        if fields is None and rule.get("else"):  # a page of the section that prints its date in the page
            raw, fields = _date_at(doc, rule["else"], find_date)
    else:
        raw, fields = _date_at(doc, rule["xpath"], find_date if rule["from"] == "element" else _crumb_fields)
    if fields is None:
        return None
    clock = _first(doc, rule["time"]) if rule.get("time") else None
    match = _TIME_ONLY.fullmatch(norm(clock.text_content())) if clock is not None else None
    if match and fields[3:] == (0, 0):
        fields = (*fields[:3], int(match.group(1)), int(match.group(2)))
        raw = f"{raw} {match.group(0)}"
    return fields, raw


def _date_at(doc: HtmlElement, xpath: str, read: Callable[[str], tuple[int, int, int, int, int] | None]
             ) -> tuple[str, tuple[int, int, int, int, int] | None]:
    """The first element at the place that holds a date, and the date: in a forum topic the place may also
    answer the name cell beside each post's date cell (both ``td.postTdTop``), and the first post's is the topic's."""
    for element in _all(doc, xpath):
        raw = norm(element.text_content())
        if (fields := read(raw)) is not None:
            return raw, fields
    return "", None


def _stamp(doc: HtmlElement, rule: Mapping[str, Any], timezone: str) -> str | None:
    """The machine-readable moment a learned date element carries (``<time datetime>``), in the site's zone."""
    element = _first(doc, rule["xpath"]) if rule.get("xpath") else None
    if element is None:
        return None
    stamps = element.xpath("descendant-or-self::*[@datetime]/@datetime")
    return parse_date(str(stamps[0]), timezone, fallback=False) if stamps else None


def _crumb_fields(text: str) -> tuple[int, int, int, int, int] | None:
    """A breadcrumb "2010 » Ноябрь » 4" as a date; month names in any case and form go through dateparser.

    >>> _crumb_fields("Главная » 2010 » Ноябрь » 4 » Встреча")
    (2010, 11, 4, 0, 0)
    """
    match = _CRUMB_DATE.search(text)
    if not match:
        return None
    year, month, day = match.groups()
    iso = parse_date(f"{year}-{int(month):02d}-{int(day):02d}" if month.isdigit() else f"{day} {month} {year}", "UTC")
    return (int(iso[:4]), int(iso[5:7]), int(iso[8:10]), 0, 0) if iso else None


def read_labelled(doc: HtmlElement, rule: Mapping[str, Any], url: str) -> tuple[str, list[str], list[str]]:
    """(value text, link texts, link URLs) written after the rule's label."""
    element = _first(doc, rule["xpath"])
    if element is None:
        return "", [], []
    value = _after_label(element, rule["label"])
    links = [a for a in element.iter("a") if norm(a.text_content()) and norm(a.text_content()) in value]
    hrefs = [absolute(url, a.get("href")) for a in links]
    return value, [norm(a.text_content()) for a in links], [h for h in hrefs if h]


def _read_author(doc: HtmlElement, rule: Mapping[str, Any], url: str) -> str:
    """The name after the learned label (its link's text where it links one), else the poster's element's text."""
    if "label" not in rule:
        return read_title(doc, rule) or ""
    value, names, _ = read_labelled(doc, rule, url)
    return names[0] if names else value


def apply_fields(doc: HtmlElement, article: Article, fields: Mapping[str, Any], timezone: str) -> list[str]:
    """Set the article's fields from where the template keeps them; returns the names set."""
    done: list[str] = []
    if "title" in fields and (title := read_title(doc, fields["title"])) and (
            confirmed(doc, title, fields["title"].get("site", ()))):  # else the page's own title stands
        article.title, done = title, [*done, "title"]
    if "date" in fields and (found := read_date(doc, fields["date"])):
        iso = _stamp(doc, fields["date"], timezone) or to_iso(found[0], timezone)
        # the page's own metadata (JSON-LD, <time datetime>) may say the same day to the minute: it stays
        same_day = article.published_at is not None and iso is not None and article.published_at[:10] == iso[:10]
        if iso and not (same_day and found[0][3:] == (0, 0)):
            article.published_at, article.published_raw, done = iso, found[1], [*done, "date"]
    if "author" in fields:
        article.author = clean_author(_read_author(doc, fields["author"], article.url))  # None for guests
        done.append("author")
    if "tags" in fields:
        value, names, _ = read_labelled(doc, fields["tags"], article.url)
        terms = names or [norm(t) for t in value.split(",") if norm(t)]
        if terms:
            article.tags, done = unique(terms), [*done, "tags"]
    if "sources" in fields:
        _, _, urls = read_labelled(doc, fields["sources"], article.url)
        sources = [u for u in urls if u and u.startswith(("http://", "https://"))]
        if sources:
            article.sources, done = unique(sources), [*done, "sources"]
    return done


def describe(fields: Mapping[str, Any]) -> dict[str, str]:
    """One reviewable line per learned field, for the rulebook.

    >>> describe({"date": {"from": "title", "pages": 9, "time": "//td[1]/div"}})
    {'date': 'date in <title>, time at //td[1]/div (9 pages)'}
    """
    lines = {}
    for name, rule in fields.items():
        if name == "dropped":
            lines[name] = "; ".join(f"{field} {reason}" for field, reason in sorted(rule.items()))
        elif name == "date":
            where = {"element": f"date at {rule.get('xpath')}",
                     "title": "date in <title>" + (f", else at {rule['else']}" if rule.get("else") else ""),
                     "breadcrumb": f"breadcrumb year » month » day at {rule.get('xpath')}"}[rule["from"]]
            time = f", time at {rule['time']}" if rule.get("time") else ""
            lines[name] = f"{where}{time} ({rule['pages']} pages)"
        elif "label" in rule:
            lines[name] = f"after {rule['label']!r} at {rule['xpath']} ({rule['pages']} pages)"
        else:
            lines[name] = f"{rule.get('text', 'all')} text of {rule['xpath']} ({rule['pages']} pages)"
    return lines
