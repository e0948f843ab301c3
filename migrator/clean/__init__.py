"""Cleaning: one ordered list of named cleaners, run over an article body in place.

:data:`CLEANERS` is the only place the order lives. The mapping's own rules (``drop_selectors``,
``drop_patterns``, ``drop_texts``) run where :data:`MAPPING_RULES` stands, each under its own
name, so a report can say which rule removed what and how often.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Callable, NamedTuple, Optional, Union

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from migrator.clean import rules

if TYPE_CHECKING:
    from migrator.mapping import Config


class Cleaner(NamedTuple):
    """A rule name and the pure function applying it (element in, number of nodes removed out).

    A rule that drops blocks by their text also names its two parts, ``markup`` (selectors, links) and
    ``text`` (the block pattern): :func:`clean` runs every rule's markup part in order, then all the text
    parts in one pass over the blocks (:func:`rules.drop_text_matches`) before the final sweep.
    """

    name: str
    apply: Callable[[HtmlElement], int]
    markup: Optional[Callable[[HtmlElement], int]] = None
    text: Optional[rules.TextRule] = None
    #: Classes (``.x``) and ids (``#x``) the rule needs in the body to match anything: :func:`clean`
    #: skips it when one is missing, instead of walking the whole body for nothing.
    needs: frozenset[str] = frozenset()


#: Where the mapping's rules run inside :data:`CLEANERS`.
MAPPING_RULES = "mapping rules"

CLEANERS: list[Union[Cleaner, str]] = [
    Cleaner("scripts", rules.scripts),
    Cleaner("ms_word", rules.ms_word),
    Cleaner("login_to_comment", rules.login_to_comment, rules.login_markup,
            rules.TextRule("login_to_comment", rules.LOGIN_TEXT)),
    Cleaner("print_forward", rules.print_forward, rules.print_markup,
            rules.TextRule("print_forward", rules.PRINT_TEXT)),
    Cleaner("view_counter", rules.view_counter, rules.counter_markup,
            rules.TextRule("view_counter", rules.COUNTER_TEXT, inline=True)),
    Cleaner("share_widget", rules.share_widget),
    Cleaner("nav_links", rules.nav_links),
    Cleaner("source_field", rules.source_field, rules.source_markup,
            rules.TextRule("source_field", rules.SOURCE_LABEL)),
    Cleaner("empty_field", rules.empty_field),
    MAPPING_RULES,
    Cleaner("empty_blocks", rules.empty_blocks),
]


def drop_selector(selector: str) -> Cleaner:
    """A mapping's ``drop_selectors`` entry: remove every element it selects.

    >>> from lxml.html import fragment_fromstring as f
    >>> drop_selector(".banner").apply(f('<div><p class="banner">Реклама</p><p>Текст</p></div>'))
    1
    """
    select = CSSSelector(selector)
    simple = _SIMPLE_SELECTOR.match(selector.strip())
    needs = frozenset(_TOKEN.findall(simple.group(1))) if simple else frozenset()
    return Cleaner(f"drop_selector:{selector}", lambda root: rules.remove_all(select(root)), needs=needs)


#: A selector of one element by tag, classes and id only (``div.links``, ``.meta``, ``table#attachments``).
_SIMPLE_SELECTOR = re.compile(r"^(?:[a-zA-Z][\w-]*)?((?:[.#][a-zA-Z_][\w-]*)+)$")
_TOKEN = re.compile(r"[.#][\w-]+")
_CLASS_VALUES = etree.XPath("descendant-or-self::*/@class")
_ID_VALUES = etree.XPath("descendant-or-self::*/@id")
_XML_SPACE = re.compile(r"[ \t\r\n]+")


def markup_tokens(root: HtmlElement) -> set[str]:
    """Every class (``.x``) and id (``#x``) in ``root``, for :attr:`Cleaner.needs`.

    >>> from lxml.html import fragment_fromstring as f
    >>> sorted(markup_tokens(f('<div id="main"><p class=" a  b">x</p></div>')))
    ['#main', '.a', '.b']
    """
    tokens = {"." + t for value in _CLASS_VALUES(root) for t in _XML_SPACE.split(value) if t}
    tokens.update("#" + value for value in _ID_VALUES(root))
    return tokens


def drop_pattern(pattern: str) -> Cleaner:
    """A mapping's ``drop_patterns`` entry: remove the blocks whose folded text matches the regex.

    >>> from lxml.html import fragment_fromstring as f
    >>> drop_pattern("^Спасибо, ждём вас").apply(f('<div><p>Спасибо, ждём вас на N-N-N.ru</p><p>Текст</p></div>'))
    1
    """
    regex = re.compile(pattern)
    name = f"drop_pattern:{pattern}"
    return Cleaner(name, lambda root: rules._drop_leaves_matching(root, regex), _nothing, rules.TextRule(name, regex))


def drop_text(text: str) -> Cleaner:
    """A mapping's ``drop_texts`` entry: remove the blocks whose whole folded text is exactly this.

    >>> from lxml.html import fragment_fromstring as f
    >>> drop_text("Подробнее").apply(f('<div><p>Текст</p><p> Подробнее </p></div>'))
    1
    """
    regex = re.compile("^" + re.escape(rules.norm(text)) + "$")
    name = f"drop_text:{text}"
    return Cleaner(name, lambda root: rules._drop_leaves_matching(root, regex), _nothing, rules.TextRule(name, regex))


def _nothing(root: HtmlElement) -> int:
    """The markup part of a rule that has only a text part."""
    return 0


def mapping_cleaners(config: Config) -> list[Cleaner]:
    """The mapping's rules as cleaners: selectors, then patterns, then exact texts."""
    return ([drop_selector(s) for s in config.drop_selectors] + [drop_pattern(p) for p in config.drop_patterns]
            + [drop_text(t) for t in config.drop_texts])


_PIPELINES: dict[int, tuple[Config, list[Cleaner]]] = {}


def pipeline(config: Config | None) -> list[Cleaner]:
    """:data:`CLEANERS` with the mapping's rules spliced in; compiled once per Config."""
    cached = _PIPELINES.get(id(config))
    if cached is not None and cached[0] is config:
        return cached[1]
    steps: list[Cleaner] = []
    for step in CLEANERS:
        if step == MAPPING_RULES:
            steps.extend(mapping_cleaners(config) if config is not None else [])
        else:
            steps.append(step)  # type: ignore[arg-type]
    _PIPELINES[id(config)] = (config, steps)  # type: ignore[assignment]
    return steps


def clean(root: HtmlElement, config: Config | None = None) -> Counter[str]:
    """Run every cleaner over ``root`` in order; rule name -> nodes removed (only rules that fired).

    Rules with a text part run their markup part in place and their text part in one fused pass just
    before the last cleaner (the final sweep of emptied blocks), each removal counted under its rule.
    """
    removed: Counter[str] = Counter()
    steps = pipeline(config)
    text_rules = [c.text for c in steps if c.text is not None]
    present: set[str] | None = None  # taken once; cleaners only remove, so it can only hold too much
    for i, cleaner in enumerate(steps):
        if i == len(steps) - 1 and text_rules:
            removed.update(rules.drop_text_matches(root, text_rules))
        if cleaner.needs:
            present = markup_tokens(root) if present is None else present
            if not cleaner.needs <= present:
                continue
        count = (cleaner.markup or cleaner.apply)(root)
        if count:
            removed[cleaner.name] += count
    return +removed
