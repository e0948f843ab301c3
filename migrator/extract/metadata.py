"""Author and tags of a page without a profile: what the page declares about itself.

In order of trust: JSON-LD (``author``, ``keywords``), meta tags (``author``, ``article:author``,
``article:tag``, ``news_keywords``), microdata (``itemprop="author"``, ``itemprop="keywords"``), then
what is written on the page under a label ("Автор: …", "Теги: …"). ``<meta name="keywords">`` is
left out on purpose: it holds search-engine bait, not the site's rubrics.
"""
from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.rules import norm
from migrator.extract import dle
from migrator.extract.common import clean_author, unique

_META_AUTHOR = etree.XPath("//meta[@name='author' or @property='article:author' or @name='article:author'"
                           " or @name='byl']/@content")
#: Through the itemprop attributes (``//*[@itemprop='author']`` tests every element: twice the cost).
_MICRO_AUTHOR = etree.XPath("//@itemprop[. = 'author']/parent::*")
_META_TAGS = etree.XPath("//meta[@property='article:tag' or @name='news_keywords']/@content")
_MICRO_TAGS = etree.XPath("//@itemprop[. = 'keywords']/parent::*")
#: Short elements whose text starts with a label: "Автор: Иван Петров", "Теги: физика, космос".
#: Found from the text nodes that start with the label (one linear pass), not by normalizing every
#: element's whole text (quadratic in the page's depth).
_LABEL_TEXT = etree.XPath("//body//text()[contains(., ':')][not(parent::script or parent::style)]")  # labels end with ':'
_LABEL_TAGS = frozenset(("p", "div", "span", "li", "td", "dd", "small", "em", "i", "b", "strong"))
_LABEL_MAX = 300
_AUTHOR_LABELS = ("Автор:", "Авторы:", "Автор материала:", "Автор статьи:", "Добавил:", "Опубликовал:", "Разместил:",
                  "Author:", "Posted by:", "Written by:")
#: Bylines printed without a colon: "by Name" (WordPress themes' ``byline``, Drupal's "Submitted by"), "Posted
#: by Name on …", "Автор Name"; and "Nov. 20, 2014 · Name" (a date, a middle dot or bar, the name).
_BYLINE_TEXT = etree.XPath("//body//text()[starts-with(normalize-space(.), 'by') or starts-with(normalize-space(.), 'By')"
                           " or starts-with(normalize-space(.), 'Posted by ') or starts-with(normalize-space(.), 'Submitted by ')"
                           " or starts-with(normalize-space(.), 'Written by ') or contains(., '·')]"
                           "[not(parent::script or parent::style)]")
_BYLINE = re.compile(r"^(?:Posted by|Submitted by|Written by|[Bb]y)\s+(?P<name>.+?)(?:\s+(?:on|at|in)\s+.*|\s*[,|·•»(].*)?$")
_DOT_BYLINE = re.compile(r"^(?P<date>[^·•]{6,40}?)\s*[·•]\s*(?P<name>[^·•|,]{2,60})$")
_BYLINE_MAX = 120
_TAG_LABELS = ("Теги:", "Метки:", "Рубрики:", "Рубрика:", "Ключевые слова:", "Tags:")
_AUTHOR_END = re.compile(r"\s*(?:[,|;(]|\d{1,2}[./ ]|$)")
_BY = re.compile(r"^(?:by|автор)\s+", re.I)


def _labelled(doc: HtmlElement, labels: tuple[str, ...]) -> list[tuple[str, HtmlElement]]:
    """(label, element) for each element (of the tags above, under 300 characters) whose text starts with
    one of ``labels``: labels in the order given, elements outermost first, in page order."""
    texts = [t for t in _LABEL_TEXT(doc) if t.lstrip().startswith(labels)]
    found: list[tuple[str, HtmlElement]] = []
    for label in labels:
        for text in texts:
            element = _label_owner(text, label) if text.lstrip().startswith(label) else None
            if element is not None and (label, element) not in found:
                found.append((label, element))
    return found


def _label_owner(text: Any, label: str) -> HtmlElement | None:
    """The outermost short element around a text node that starts with ``label`` whose text starts with it too."""
    owner = text.getparent()
    if owner is not None and text.is_tail:
        owner = owner.getparent()
    best = None
    while owner is not None and owner.tag != "body":
        content = norm(owner.text_content())
        if len(content) >= _LABEL_MAX or not content.startswith(label):
            break
        if owner.tag in _LABEL_TAGS:
            best = owner
        owner = owner.getparent()
    return best


def _name(value: Any) -> str | None:
    """A person's name out of a JSON-LD/microdata value (string, object with ``name``, or a list)."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    if value is None:
        return None
    if isinstance(value, HtmlElement):
        named = value.xpath(".//*[@itemprop='name']")
        value = (named[0] if named else value).text_content()
    return clean_author(_BY.sub("", norm(str(value))))


def visible_author(doc: HtmlElement) -> str | None:
    """The name after an "Автор:" label written on the page, up to a comma, a bar or a date.

    >>> from lxml.html import fromstring
    >>> visible_author(fromstring("<html><body><p>Автор: Иван Петров, 25 ноября 2014</p></body></html>"))
    'Иван Петров'
    """
    for label, element in _labelled(doc, _AUTHOR_LABELS):
        rest = norm(element.text_content())[len(label):]
        named = _name_after_label(element, label)
        name = clean_author(named if named is not None else _AUTHOR_END.split(rest, 1)[0])
        if name and len(name) <= 80:
            return name
    return None


#: A person named with initials, as bibliographies and papers print authors (GOST 7.0.5, APA): "Грешнов Е.В.",
#: "Е.В. Яблонских", "А.П.Овчинников", "Юдина Н. А."; several joined by commas or "и"/"and".
_INITIALS_NAME = (r"(?:[A-ZА-ЯЁ]\.\s?){1,2}\s?[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?"
                  r"|[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?\s(?:[A-ZА-ЯЁ]\.\s?){1,2}")
_INITIALS_AUTHORS = re.compile(rf"^(?:{_INITIALS_NAME})(?:\s*(?:,|\bи\b|\band\b)\s*(?:{_INITIALS_NAME}))*$")


def opening_author(body: HtmlElement) -> str | None:
    """The author a paper or a press clipping prints as its text's first line: a bold line that names people
    with initials ("<b>Грешнов Е.В.</b><br><i>affiliation</i>"), nothing else in that line.

    >>> from lxml.html import fragment_fromstring as f
    >>> opening_author(f("<div><b>Грешнов Е.В.</b><br><i>Сибирский университет</i><br>В статье…</div>"))
    'Грешнов Е.В.'
    >>> opening_author(f("<div><p><b>Юдина Н. А.</b></p><p>Успех любой организации…</p></div>"))
    'Юдина Н. А.'
    >>> opening_author(f("<div><p><b>Важно.</b> Первое предложение.</p></div>")) is None
    True
    """
    for text in body.xpath(".//text()[normalize-space()][not(ancestor::script or ancestor::style)]"):
        owner = text.getparent()
        if text.is_tail or owner is None:
            return None  # the text opens with loose words, not a bold line
        bold = owner if owner.tag in ("b", "strong") else next(owner.iterancestors("b", "strong"), None)
        if bold is None:
            return None
        line = norm(bold.text_content())
        if norm(bold.tail or ""):
            return None  # the bold words run on into a sentence
        return line if len(line) <= 80 and _INITIALS_AUTHORS.match(line) else None
    return None


def is_byline(line: str) -> bool:
    """Whether a short line of text is a byline ("Автор: Иван", "by Ann Lee"): the author's field, not body text.

    >>> is_byline("Автор: Иван Петров"), is_byline("by Ann Lee"), is_byline("Автор этой заметки благодарит всех")
    (True, True, False)
    """
    line = norm(line)
    if len(line) > 80:
        return False
    if line.startswith(_AUTHOR_LABELS):
        return True
    match = _BYLINE.match(line)
    return match is not None and len(match.group("name").split()) <= 4


def printed_byline(doc: HtmlElement) -> str | None:
    """The name a byline prints without a colon: "by Name", "Posted by Name on …", "Nov. 20, 2014 · Name"
    (the element holding it short: a byline, not a sentence of the text).

    >>> from lxml.html import fromstring
    >>> printed_byline(fromstring('<html><body><p class="meta">by <a rel="author">Ann Lee</a> on May 2</p></body></html>'))
    'Ann Lee'
    >>> printed_byline(fromstring("<html><body><div>Nov. 20, 2014 · Tom Day</div></body></html>"))
    'Tom Day'
    >>> printed_byline(fromstring("<html><body><p>Made by hand in a small town, all of it.</p></body></html>"))
    """
    from migrator.extract.dates import find_date

    for text in _BYLINE_TEXT(doc):
        owner = text.getparent()
        if owner is not None and text.is_tail:
            owner = owner.getparent()
        if owner is None:
            continue
        line = norm(owner.text_content())
        if len(line) > _BYLINE_MAX:
            continue
        match = _BYLINE.match(line)
        name = _person(match.group("name")) if match else None
        if name:
            return name
        dotted = _DOT_BYLINE.match(line)
        if dotted and find_date(dotted.group("date")):
            name = _person(dotted.group("name"))
            if name:
                return name
    return None


#: A month's English name or abbreviation ("March", "Sept."), which ends a name only before a number ("Nathan Willis
#: March 25"): "Jane", "Mary", "June Carter" are names.
_MONTH_WORD = re.compile(r"^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                         r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?,?$", re.I)


def _person(text: str) -> str | None:
    """A person's name out of a byline's tail: two to four capitalized words (a date after them cut off);
    "by Taboola" (an ad widget's credit) and 'by clicking "Submit"' are none.

    >>> _person("Nathan Willis March 25"), _person("Taboola"), _person('clicking "Submit'), _person("Анна Ли")
    ('Nathan Willis', None, None, 'Анна Ли')
    >>> _person("Jane Doe"), _person("Mary Marsh Sept. 4, 2011"), _person("June Carter 2011")
    ('Jane Doe', 'Mary Marsh', 'June Carter')
    """
    words = []
    split = norm(text).split()
    for at, word in enumerate(split):
        if word[:1].isdigit() or (_MONTH_WORD.match(word) and split[at + 1:at + 2] and split[at + 1][:1].isdigit()):
            break
        words.append(word)
    if not 2 <= len(words) <= 4 or not all(w[:1].isupper() and w.replace("-", "").replace(".", "").replace("'", "").isalpha()
                                           for w in words):
        return None
    return clean_author(" ".join(words))


_NAME_TAGS = ("a", "i", "b", "em", "strong", "span", "font", "u")


def _name_after_label(element: HtmlElement, label: str) -> str | None:
    """The name in the element set right after the label ("Автор: <i>Имя</i><br>Текст…"): its text, whatever
    follows it.

    >>> from lxml.html import fromstring
    >>> _name_after_label(fromstring("<p>Автор: <i>Иван Петров</i><br>Текст заметки.</p>"), "Автор:")
    'Иван Петров'
    """
    for node in element.iter():
        if norm(node.text or "").endswith(label) or norm(node.tail or "").endswith(label):
            after = (node[0] if len(node) else None) if norm(node.text or "").endswith(label) else node.getnext()
            if after is not None and after.tag in _NAME_TAGS:
                name = norm(after.text_content())
                return name if 0 < len(name) <= 60 else None
            return None
    return None


#: DLE's ``{author}`` tag: a link to the author's profile, ``…/user/NAME/`` (``?subaction=userinfo&user=NAME``
#: without friendly URLs), ``onclick="ShowProfile('NAME', …)"``.
_DLE_PROFILE = re.compile(r"(?:/|^)user/([^/?#]+)/(?:index\.html)?$|subaction=userinfo&(?:amp;)?user=([^&#]+)")


def dle_author(doc: HtmlElement) -> str | None:
    """The author DataLife Engine's ``{author}`` tag prints: the first profile link whose text is its user.

    >>> from lxml.html import fromstring
    >>> dle_author(fromstring('<html><head><meta name="generator" content="DataLife Engine (http://dle-news.ru)">'
    ...     '</head><body><li><a href="user/xasanov/index.html">xasanov</a></li></body></html>'))
    'xasanov'
    """
    from urllib.parse import unquote_plus

    if not dle.detect(doc):
        return None
    for link in doc.iter("a"):
        match = _DLE_PROFILE.search(link.get("href") or "")
        name = norm(link.text_content())
        if match and name and unquote_plus(match.group(1) or match.group(2) or "") == name:
            return clean_author(name)
    return None


def dle_category(doc: HtmlElement, url: str) -> str | None:
    """The category DataLife Engine prints for a full story (its ``{category}`` tag): the breadcrumb's step
    before the story (DLE's speedbar, since 14 also as a JSON-LD ``BreadcrumbList``: site > parent category >
    category > story); None when the trail names none.

    >>> from lxml.html import fromstring
    >>> dle_category(fromstring('<html><head><meta name="generator" content="DataLife Engine (http://dle-news.ru)">'
    ...     '</head><body><div id="dle-speedbar" class="breadcrumbs"><a href="https://s.test/">Home</a> » <a '
    ...     'href="https://s.test/3d/">3D</a> » <a href="https://s.test/3d/students/">Students</a> » A story</div>'
    ...     '</body></html>'), "https://s.test/13-a-story.html")
    'Students'
    """
    from urllib.parse import unquote, urlsplit

    from migrator.extract.breadcrumbs import trail

    if not dle.detect(doc):
        return None
    crumbs = trail(doc, url)
    own = unquote(urlsplit(url).path)
    steps = [c for c in crumbs if c.href and unquote(urlsplit(c.href).path) not in ("", "/", own)]
    return steps[-1].name if steps and len(crumbs) >= 3 else None


def author_of(doc: HtmlElement, ld: dict[str, Any]) -> str | None:
    """JSON-LD, a byline printed under a label ("Автор: X", "Добавил: X", DLE's profile link: what readers see
    beats ``<meta name="author">``, often the site's owner), meta tags and microdata, then an unlabelled byline
    ("by X", "date · X"); None when none says (or a guest)."""
    for value in [ld.get("author")]:
        name = _name(value)
        if name and not name.startswith(("http://", "https://")):
            return name
    printed = dle_author(doc) or visible_author(doc)
    if printed:
        return printed
    for value in [*(_META_AUTHOR(doc)[:1]), *(_MICRO_AUTHOR(doc)[:1])]:
        name = _name(value)
        if name and not name.startswith(("http://", "https://")):
            return name
    return printed_byline(doc)


def _split_terms(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for v in value for t in _split_terms(v)]
    if isinstance(value, HtmlElement):
        value = value.get("content") or value.text_content()
    return [norm(t) for t in re.split(r"[,;]", str(value or "")) if norm(t)]


def visible_tags(doc: HtmlElement) -> list[str]:
    """The terms under a "Теги:" label: its links' texts, else the comma-separated text after it.

    >>> from lxml.html import fromstring
    >>> visible_tags(fromstring('<html><body><div>Теги: <a href="/t/1">физика</a>, <a href="/t/2">космос</a></div></body></html>'))
    ['физика', 'космос']
    """
    for label, element in _labelled(doc, _TAG_LABELS):
        links = [norm(a.text_content()) for a in element.iter("a")]
        terms = [t for t in links if t] or _split_terms(norm(element.text_content())[len(label):])
        if terms:
            return unique(terms)
    return []


def tags_of(doc: HtmlElement, ld: dict[str, Any]) -> list[str]:
    """JSON-LD ``keywords``, ``article:tag`` / ``news_keywords`` metas, microdata, then a visible "Теги:" label."""
    for terms in (_split_terms(ld.get("keywords")), _split_terms(_META_TAGS(doc)), _split_terms(_MICRO_TAGS(doc))):
        if terms:
            return unique(terms)
    return visible_tags(doc)
