"""``body_text``: paragraphs separated by one blank line, lines inside them kept, spaces folded."""
from __future__ import annotations

import re
from typing import Sequence

import lxml.html
from lxml.html import HtmlElement

_PARAGRAPH_TAGS = frozenset((
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "dl", "table",
    "figure", "figcaption", "section", "article", "header", "footer", "center", "address", "hr", "form",
    "caption", "main", "aside", "nav",
))
_LINE_TAGS = frozenset(("li", "tr", "dt", "dd", "br"))
_CELL_TAGS = frozenset(("td", "th"))
_SKIP_TAGS = frozenset(("script", "style", "noscript", "template"))
_SPACE = re.compile(r"[ \t\r\f\v\xa0\u200b\n]+")
PARA, LINE = "\x00P", "\x00L"


def _walk(element: HtmlElement, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIP_TAGS or not tag:
        if element.tail:
            out.append(element.tail)
        return
    mark = PARA if tag in _PARAGRAPH_TAGS else LINE if tag in _LINE_TAGS else " " if tag in _CELL_TAGS else ""
    out.append(mark)
    if element.text:
        out.append(element.text)
    for child in element:
        _walk(child, out)
    out.append(mark)
    if element.tail:
        out.append(element.tail)


def element_to_text(root: HtmlElement) -> str:
    """The text of an element tree, paragraph by paragraph."""
    out: list[str] = [root.text or ""]
    for child in root:
        _walk(child, out)
    paragraphs = []
    for chunk in "".join(out).split(PARA):
        lines = (_SPACE.sub(" ", line).strip() for line in chunk.split(LINE))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def html_to_text(html: str) -> str:
    """HTML -> plain text: blank line between paragraphs, ``<br>`` and list items one per line.

    >>> html_to_text("<p>Первый  абзац,<br>вторая строка.</p><ul><li>раз</li><li>два</li></ul><p>Конец</p>")
    'Первый абзац,\\nвторая строка.\\n\\nраз\\nдва\\n\\nКонец'
    """
    if not html or not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return element_to_text(root)


_WORD = re.compile(r"\w+")


def words(text: str, *, lower: bool = True) -> list[str]:
    """The ``\\w+`` tokens of a text: what shingles, residues and the body F1 are made of.

    >>> words("Учёные, ТГУ: 2 раза!")
    ['учёные', 'тгу', '2', 'раза']
    """
    return _WORD.findall(text.lower() if lower else text)


def shingles(tokens: Sequence[str], n: int = 4, *, short: bool = False) -> list[tuple[str, ...]]:
    """The ``n``-word windows of some tokens, in order; ``short``: a text of fewer words is one window (the body
    F1 still counts it), else it has none.

    >>> shingles(["a", "b", "c", "d", "e"]), shingles(["a", "b"]), shingles(["a", "b"], short=True)
    ([('a', 'b', 'c', 'd'), ('b', 'c', 'd', 'e')], [], [('a', 'b')])
    """
    if short and 0 < len(tokens) < n:
        return [tuple(tokens)]
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
