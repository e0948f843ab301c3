"""The built-in cleaners: small pure functions over an lxml element, each returning how many
nodes it removed. They find Drupal's boilerplate wherever it sits, inside the body included.

Every function takes the root of a body (an ``HtmlElement``), edits it in place and returns a
count; :data:`migrator.clean.CLEANERS` holds their order.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Iterable, NamedTuple, Sequence

from lxml import etree
from lxml.html import HtmlElement

from migrator.encoding import xml_safe

_SPACE = re.compile(r"\s+")

#: The blocks text rules judge when they hold no other block (``h1`` is a block, never judged).
_LEAF_TAGS = ("p", "li", "div", "blockquote", "h2", "h3", "h4", "h5", "h6", "td", "dd", "dt", "pre", "center")
_INNER_BLOCKS = frozenset(("p", "li", "div", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "td", "dd",
                           "dt", "pre", "table", "ul", "ol", "center"))


def norm(text: str) -> str:
    """Whitespace-folded text (``&nbsp;`` counts as a space).

    >>> norm(" Источник(и):\\xa0 ")
    'Источник(и):'
    """
    return " ".join(text.split())  # str.split() folds every Unicode space (\xa0 too), faster than a regex


def text_of(element: HtmlElement) -> str:
    """An element's folded text content (a childless element's is its own text: no XPath call)."""
    return norm(element.text or "") if not len(element) else norm(element.text_content())


def remove(element: HtmlElement) -> None:
    """Remove an element but keep its tail text (the words after it belong to the parent).

    The tail is made XML compatible on the way: libxml2's parser keeps control characters that lxml
    then refuses to assign (``<!-- c -->\\x0b`` once raised ValueError here and lost the article).

    >>> from lxml.html import fragment_fromstring as f
    >>> root = f('<div><p>a</p><span>x</span>b</div>')
    >>> remove(root[1]); root[0].tail
    'b'
    """
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = xml_safe((previous.tail or "") + tail)
        else:
            parent.text = xml_safe((parent.text or "") + tail)
    parent.remove(element)


def remove_all(elements: Iterable[HtmlElement]) -> int:
    """Remove each element (skipping those already gone with an ancestor); the count removed."""
    gone: set[HtmlElement] = set()
    for element in list(elements):
        if element.getparent() is None or any(a in gone for a in element.iterancestors()):
            continue
        remove(element)
        gone.add(element)
    return len(gone)


def leaf_blocks(root: HtmlElement) -> list[HtmlElement]:
    """Blocks that hold no other block: the unit text rules judge (``<p>``, ``<li>``, bare ``<div>``).

    One pass: each inner block marks its ancestors as holding one, stopping at the first marked.

    >>> from lxml.html import fragment_fromstring as f
    >>> [e.tag for e in leaf_blocks(f('<div><div><p>a</p></div><li>b<em>c</em></li></div>'))]
    ['p', 'li']
    """
    holding: set[HtmlElement] = set()
    for block in root.iter(*_INNER_BLOCKS):
        parent = block.getparent() if block is not root else None
        while parent is not None and parent not in holding:
            holding.add(parent)
            parent = parent.getparent() if parent is not root else None
    return [el for el in root.iter(*_LEAF_TAGS) if el is not root and el not in holding]


def _drop_leaves_matching(root: HtmlElement, test: "re.Pattern[str]") -> int:
    """Remove the leaf blocks whose text matches, and bare text runs that sit between blocks."""
    count = 0
    for block in leaf_blocks(root):
        if block.getparent() is not None and test.search(text_of(block)):
            remove(block)
            count += 1
    return count + _drop_text_runs(root, test)


def _drop_text_runs(root: HtmlElement, test: "re.Pattern[str]") -> int:
    """Text written straight into a container beside its blocks (``<td>Баннер<p>…</p></td>``)."""
    count = 0
    for element in root.iter(etree.Element):
        if element.tag not in _INNER_BLOCKS or not any(child.tag in _INNER_BLOCKS for child in element):
            continue
        if element.text and test.search(norm(element.text)):
            element.text = None
            count += 1
        for child in element:
            if child.tag in _INNER_BLOCKS and child.tail and test.search(norm(child.tail)):
                child.tail = None
                count += 1
    return count


class TextRule(NamedTuple):
    """A rule's text part: blocks whose whole folded text matches ``pattern`` go, counted under ``name``."""

    name: str
    pattern: "re.Pattern[str]"
    inline: bool = False  # also inline ``span``/``em``/``small`` elements whose text matches


def drop_text_matches(root: HtmlElement, text_rules: Sequence[TextRule]) -> Counter[str]:
    """Every text rule in one pass: each leaf block's text is folded once and tested against the rules
    in order; the first that matches removes it and counts it. Then bare text runs, then inline elements.

    Same result as running each rule's text part on its own, in order, at a fraction of the cost.

    >>> from lxml.html import fragment_fromstring as f
    >>> drop_text_matches(f('<div><p>Печать</p><p>Текст</p><p>Просмотров: 3</p></div>'),
    ...                   [TextRule("print", PRINT_TEXT), TextRule("counter", COUNTER_TEXT)])
    Counter({'print': 1, 'counter': 1})
    """
    removed: Counter[str] = Counter()
    if not text_rules:
        return removed
    patterns = [(rule.name, rule.pattern) for rule in text_rules]
    for block in leaf_blocks(root):
        if block.getparent() is None:
            continue
        name = _first_match(patterns, text_of(block))
        if name:
            remove(block)
            removed[name] += 1
    _drop_text_runs_fused(root, patterns, removed)
    inline = [(rule.name, rule.pattern) for rule in text_rules if rule.inline]
    if inline:
        for span in root.iter("span", "em", "small"):
            if span.getparent() is None:
                continue
            name = _first_match(inline, text_of(span))
            if name:
                removed[name] += remove_all([span])
    return removed


def _first_match(patterns: Sequence[tuple[str, "re.Pattern[str]"]], text: str) -> str | None:
    for name, pattern in patterns:
        if pattern.search(text):
            return name
    return None


def _drop_text_runs_fused(root: HtmlElement, patterns: Sequence[tuple[str, "re.Pattern[str]"]],
                          removed: Counter[str]) -> None:
    """:func:`_drop_text_runs` for several rules at once."""
    blank = _first_match(patterns, "")  # whitespace-only runs fold to "": judged once

    def judge(text: str) -> str | None:
        return _first_match(patterns, norm(text)) if text.strip() else blank

    for element in root.iter(etree.Element):
        if element.tag not in _INNER_BLOCKS or not any(child.tag in _INNER_BLOCKS for child in element):
            continue
        if element.text:
            name = judge(element.text)
            if name:
                element.text = None
                removed[name] += 1
        for child in element:
            if child.tag in _INNER_BLOCKS and child.tail:
                name = judge(child.tail)
                if name:
                    child.tail = None
                    removed[name] += 1


#: Every class attribute of a subtree, as strings that know their element (lxml "smart strings").
_CLASS_VALUES = etree.XPath("descendant::*/@class")


def _class_xpath(*classes: str) -> Callable[[HtmlElement], list[HtmlElement]]:
    """The descendants whose class list holds one of ``classes``, in document order (what XPath's
    ``contains(concat(' ', normalize-space(@class), ' '), ' c ')`` selects, tested in Python: libxml2's
    string functions took 100 ms per rule on a 7,000-element body, this takes a tenth of that).

    >>> from lxml.html import fragment_fromstring as f
    >>> [e.tag for e in _class_xpath("share")(f('<div><p class="x share">a</p><b class="shared">b</b></div>'))]
    ['p']
    """
    test = re.compile(r"(?:^|[ \t\r\n])(?:%s)(?=[ \t\r\n]|$)" % "|".join(re.escape(c) for c in classes))
    return lambda root: [value.getparent() for value in _CLASS_VALUES(root) if test.search(value)]


# -- 1. scripts, styles, forms ------------------------------------------------------------------

_SCRIPTS = ("script", "style", "noscript", "form", "iframe", "object", "embed", "input", "button", "select",
            "textarea", "link", "meta")


def scripts(root: HtmlElement) -> int:
    """Scripts, styles, noscript, forms and form controls, embedded frames.

    >>> from lxml.html import fragment_fromstring as f
    >>> scripts(f('<div><p>a</p><script>counter.hit(1)</script><noscript>x</noscript></div>'))
    2
    """
    return remove_all(el for el in root.iter(*_SCRIPTS) if el is not root)  # lxml's tag filter, in C


# -- 2. MS Word junk ------------------------------------------------------------------------------

_WORD_PREFIXES = ("o:", "w:", "v:", "st1:")  # Word's namespaced tags, as the HTML parser names them
_COMMENTS = etree.XPath("descendant::comment()")
_MSO_STYLE = re.compile(r"(?:^|;)\s*mso-[^;]*", re.I)


def ms_word(root: HtmlElement) -> int:
    """Word's ``<o:p>`` tags, conditional comments; strips ``Mso*`` classes and ``mso-`` styles.

    Only the removed tags and comments are counted; attribute clean-up is free.

    >>> from lxml.html import fragment_fromstring as f
    >>> el = f('<div><p class="MsoNormal" style="mso-bidi:x">a<o:p></o:p></p><!--[if gte mso 9]>x<![endif]--></div>')
    >>> ms_word(el), el[0].get('class'), el[0].get('style')
    (2, None, None)
    """
    word = []  # found in the same pass as the attributes (a walk of its own cost as much again)
    for element in root.iter(etree.Element):
        if element is not root and (element.tag.startswith(_WORD_PREFIXES) or element.tag == "xml"):
            word.append(element)
        cls = element.get("class")
        if cls and "mso" in cls.lower():
            kept = " ".join(c for c in cls.split() if not c.lower().startswith("mso"))
            _set(element, "class", kept)
        style = element.get("style")
        if style and "mso-" in style.lower():
            _set(element, "style", _MSO_STYLE.sub("", style).strip("; "))
    for element in word:
        element.drop_tag()  # keep any text Word wrapped in them
    return len(word) + remove_all(_COMMENTS(root))


def _set(element: HtmlElement, name: str, value: str) -> None:
    if value:
        element.set(name, value)
    else:
        del element.attrib[name]


# -- 3. "log in to post comments" ---------------------------------------------------------------

_LOGIN_CLASSES = _class_xpath("comment_forbidden", "comment_add", "comment-add")
LOGIN_TEXT = re.compile(
    r"^(?:Войдите на сайт|Зарегистрируйтесь)(?: или (?:зарегистрируйтесь|войдите на сайт))?,? "
    r"(?:для отправки|чтобы (?:отправлять|оставлять|оставить)) комментари\w*\.?$"
    r"|^(?:Login|Log in)(?: or register)? to post comments\.?$",
    re.I,
)


def login_to_comment(root: HtmlElement) -> int:
    """Drupal's "Войдите на сайт для отправки комментариев" / "Login or register to post comments".

    >>> from lxml.html import fragment_fromstring as f
    >>> login_to_comment(f('<div><p>Текст</p><p><a href="/user/login">Войдите на сайт</a> для отправки комментариев</p></div>'))
    1
    """
    return login_markup(root) + _drop_leaves_matching(root, LOGIN_TEXT)


def login_markup(root: HtmlElement) -> int:
    """:func:`login_to_comment` without its text part: the comment-link classes."""
    return remove_all(_LOGIN_CLASSES(root))


# -- 4. print / forward links -------------------------------------------------------------------

_PRINT_CLASSES = _class_xpath("print_html", "print-page", "print_mail", "print-mail", "print_pdf", "print-pdf",
                              "forward_links", "forward-page", "print-link", "book_printer")
_PRINT_HREF = re.compile(r"^/print/|/forward\?|^/forward|q=forward|q=print/")
PRINT_TEXT = re.compile(r"^(?:Версия для печати|Отправить другу|Распечатать|Печать|Printer-friendly version"
                        r"|Send to friend|Send to a friend|Email this page|PDF-версия)\.?$", re.I)


def print_forward(root: HtmlElement) -> int:
    """Print-version and send-to-a-friend links ("Версия для печати", "Отправить другу").

    >>> from lxml.html import fragment_fromstring as f
    >>> print_forward(f('<div><p>Текст</p><p><a href="/print/8">Версия для печати</a></p></div>'))
    1
    """
    return print_markup(root) + _drop_leaves_matching(root, PRINT_TEXT)


def print_markup(root: HtmlElement) -> int:
    """:func:`print_forward` without its text part: print/forward classes and links."""
    count = remove_all(_PRINT_CLASSES(root))
    for link in _links_to(root, _PRINT_HREF):
        if link.getparent() is not None and PRINT_TEXT.search(text_of(link)):
            count += remove_all([_smallest_holder(link)])
    return count


def _links_to(root: HtmlElement, href: "re.Pattern[str]") -> list[HtmlElement]:
    """The links under ``root`` whose ``href`` matches (one regex per link instead of an XPath predicate
    of several ``contains()``, which cost 16 ms on a page of 3,000 links)."""
    return [a for a in root.iter("a") if a is not root and href.search(a.get("href") or "")]


def _smallest_holder(element: HtmlElement) -> HtmlElement:
    """The element itself, or its block parent when the element is all the block holds."""
    parent = element.getparent()
    while parent is not None and parent.tag in ("p", "li", "span", "div", "strong", "b") \
            and text_of(parent) == text_of(element) and parent.getparent() is not None:
        element, parent = parent, parent.getparent()
    return element


# -- 5. view counters ---------------------------------------------------------------------------

_COUNTER_CLASSES = _class_xpath("statistics_counter", "statistics-counter", "node-views", "views-count")
COUNTER_TEXT = re.compile(r"^(?:\d[\d\s]*\s+просмотр(?:а|ов)?|Просмотр(?:ов|ы)?:?\s*\d[\d\s]*"
                          r"|\d[\d,\s]*\s+(?:reads|views)|(?:Reads|Views):?\s*\d[\d,]*)\.?$", re.I)


def view_counter(root: HtmlElement) -> int:
    """View counters: ``li.statistics_counter``, "1234 просмотра", "Просмотров: 12".

    >>> from lxml.html import fragment_fromstring as f
    >>> view_counter(f('<div><p>Текст</p><p>Просмотров: 1 234</p><span>5 просмотров</span></div>'))
    2
    """
    count = counter_markup(root)
    count += _drop_leaves_matching(root, COUNTER_TEXT)
    for span in root.iter("span", "em", "small"):
        if span.getparent() is not None and COUNTER_TEXT.search(text_of(span)):
            count += remove_all([span])
    return count


def counter_markup(root: HtmlElement) -> int:
    """:func:`view_counter` without its text part: the counter classes."""
    return remove_all(_COUNTER_CLASSES(root))


# -- 6. share widgets ---------------------------------------------------------------------------

_SHARE_CLASSES = _class_xpath("service-links", "service_links", "share", "sharethis", "addthis_toolbox",
                              "yashare-auto-init", "ya-share2", "social-share", "pluso")
_SHARE_HREF = re.compile("|".join(re.escape(part) for part in (
    "share.php", "/share?", "sharer", "addthis.com", "connect.mail.ru/share", "twitter.com/share",
    "twitter.com/intent", "plus.google.com/share", "odnoklassniki.ru/dk?st.cmd=addShare")))


def share_widget(root: HtmlElement) -> int:
    """Share widgets (``.service-links``, AddThis, Яндекс.Поделиться) and bare share links.

    >>> from lxml.html import fragment_fromstring as f
    >>> share_widget(f('<div><p>Т</p><p><a href="http://vkontakte.ru/share.php?url=x">ВКонтакте</a></p></div>'))
    1
    """
    count = remove_all(_SHARE_CLASSES(root))
    return count + remove_all(_smallest_holder(a) for a in _links_to(root, _SHARE_HREF))


# -- 7. back / home navigation links ----------------------------------------------------------

NAV_TEXT = re.compile(r"^(?:<<|«|←|<)?\s*(?:Назад(?: к списку| к новостям| в архив)?|Вернуться(?: назад| к списку| на главную)?"
                      r"|На главную|К списку новостей|Back(?: to (?:list|top))?|Home)\s*(?:>>|»)?$", re.I)


def nav_links(root: HtmlElement) -> int:
    """Legacy pages' "<< Назад к списку" / "На главную" links left at the end of the text.

    >>> from lxml.html import fragment_fromstring as f
    >>> nav_links(f('<div><p>Текст.<br><a href="./">&lt;&lt; Назад к списку</a></p></div>'))
    1
    """
    return remove_all(_smallest_holder(a) for a in root.iter("a") if NAV_TEXT.match(text_of(a)))


# -- 8. source field and its label ------------------------------------------------------------

SOURCE_LABEL = re.compile(r"^(?:Источник(?:\(и\)|и)?|Sources?)\s*:?$", re.I)
_FIELDS = _class_xpath("field")
_LABELS = _class_xpath("field-label", "field-label-inline", "field-label-inline-first")


def source_field(root: HtmlElement) -> int:
    """The "Источник(и):" field (its links go to ``sources``) and any bare source label.

    >>> from lxml.html import fragment_fromstring as f
    >>> source_field(f('<div><p>Текст</p><p>Источник(и):&nbsp;</p></div>'))
    1
    """
    return source_markup(root) + _drop_leaves_matching(root, SOURCE_LABEL)


def source_markup(root: HtmlElement) -> int:
    """:func:`source_field` without its text part: the source field with its label."""
    count = 0
    for fld in _FIELDS(root):
        if fld.getparent() is None:
            continue
        labels = _LABELS(fld)
        if "field-field-source" in (fld.get("class") or "") or (labels and SOURCE_LABEL.search(text_of(labels[0]))):
            count += remove_all([fld])
    return count


# -- 9. fields left empty -----------------------------------------------------------------------

_ITEMS = _class_xpath("field-items", "field-item")


def empty_field(root: HtmlElement) -> int:
    """CCK fields whose items hold no text and no image: only their label would survive.

    >>> from lxml.html import fragment_fromstring as f
    >>> empty_field(f('<div><div class="field"><div class="field-label">Автор фото:</div>'
    ...               '<div class="field-items"><div class="field-item"> </div></div></div></div>'))
    1
    """
    count = 0
    for fld in _FIELDS(root):
        items = _ITEMS(fld)
        if fld.getparent() is None or not items:
            continue
        if not any(text_of(i) or i.find(".//img") is not None for i in items):
            count += remove_all([fld])
    return count


# -- 10. empty paragraphs ------------------------------------------------------------------------

_EMPTY_CANDIDATES = ("p", "div", "span", "li", "ul", "ol", "blockquote", "h2", "h3", "h4", "h5", "h6", "strong",
                     "b", "em", "i", "font", "center", "table", "tr", "td", "tbody")


def empty_blocks(root: HtmlElement) -> int:
    """Paragraphs and containers with no text and no image (``<p>&nbsp;</p>``, emptied wrappers).

    Removing an empty element changes no other element's text or images, so every candidate is judged
    on the tree as it is, in one pass that marks the holders of each text and image (not by folding
    every candidate's whole text, which is quadratic in the depth).

    An inline element that held a space (``обладатели<span> </span><a>…``, as editors paste it) leaves the space
    behind: the words on either side stay apart.

    >>> from lxml.html import fragment_fromstring as f, tostring
    >>> empty_blocks(f('<div><p>&nbsp;</p><div><p> </p></div><p>Текст</p><p><img src="a.jpg"></p></div>'))
    3
    >>> root = f('<p>two<span> </span><a href="/x">words</a></p>'); empty_blocks(root), tostring(root, encoding="unicode")
    (1, '<p>two <a href="/x">words</a></p>')
    """
    full = _holders_of_content(root)
    empty = [el for el in root.iter(*_EMPTY_CANDIDATES) if el is not root and el not in full]
    for element in reversed(empty):  # innermost first
        if element.tag in _INLINE and re.search(r"\s", element.text_content()) and not (element.tail or "")[:1].isspace():
            element.tail = " " + (element.tail or "")
        remove(element)
    return len(empty)


_INLINE = frozenset(("span", "strong", "b", "em", "i", "font"))


def _holders_of_content(root: HtmlElement) -> set[HtmlElement]:
    """The elements of ``root`` holding text (as ``text_content()`` has it, spaces folded) or an image or rule."""
    full: set[HtmlElement] = set()

    def mark(element: HtmlElement | None) -> None:
        while element is not None and element not in full:
            full.add(element)
            element = element.getparent() if element is not root else None

    for node in root.iter():
        if node is not root and node.tail and node.tail.split():
            mark(node.getparent())
        if not isinstance(node.tag, str):  # a comment's or instruction's own text is no content
            continue
        if node.text and node.text.split():
            mark(node)
        elif node.tag in ("img", "hr") and node is not root:
            mark(node.getparent())
    return full
