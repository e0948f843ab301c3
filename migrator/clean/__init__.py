"""Cleaning: one ordered list of named cleaners, run over an article body in place.

:data:`CLEANERS` is the only place the order lives. The mapping's own rules (``drop_selectors``,
``drop_patterns``, ``drop_texts``) run where :data:`MAPPING_RULES` stands, each under its own
name, so a report can say which rule removed what and how often.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Callable, NamedTuple, Union

from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from migrator.clean import rules

if TYPE_CHECKING:
    from migrator.mapping import Config


class Cleaner(NamedTuple):
    """A rule name and the pure function applying it (element in, number of nodes removed out)."""

    name: str
    apply: Callable[[HtmlElement], int]


#: Where the mapping's rules run inside :data:`CLEANERS`.
MAPPING_RULES = "mapping rules"

CLEANERS: list[Union[Cleaner, str]] = [
    Cleaner("scripts", rules.scripts),
    Cleaner("ms_word", rules.ms_word),
    Cleaner("login_to_comment", rules.login_to_comment),
    Cleaner("print_forward", rules.print_forward),
    Cleaner("view_counter", rules.view_counter),
    Cleaner("share_widget", rules.share_widget),
    Cleaner("nav_links", rules.nav_links),
    Cleaner("source_field", rules.source_field),
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
    return Cleaner(f"drop_selector:{selector}", lambda root: rules.remove_all(select(root)))


def drop_pattern(pattern: str) -> Cleaner:
    """A mapping's ``drop_patterns`` entry: remove the blocks whose folded text matches the regex.

    >>> from lxml.html import fragment_fromstring as f
    >>> drop_pattern("^Спасибо, ждём вас").apply(f('<div><p>Спасибо, ждём вас на N-N-N.ru</p><p>Текст</p></div>'))
    1
    """
    regex = re.compile(pattern)
    return Cleaner(f"drop_pattern:{pattern}", lambda root: rules._drop_leaves_matching(root, regex))


def drop_text(text: str) -> Cleaner:
    """A mapping's ``drop_texts`` entry: remove the blocks whose whole folded text is exactly this.

    >>> from lxml.html import fragment_fromstring as f
    >>> drop_text("Подробнее").apply(f('<div><p>Текст</p><p> Подробнее </p></div>'))
    1
    """
    regex = re.compile("^" + re.escape(rules.norm(text)) + "$")
    return Cleaner(f"drop_text:{text}", lambda root: rules._drop_leaves_matching(root, regex))


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
    """Run every cleaner over ``root`` in order; rule name -> nodes removed (only rules that fired)."""
    removed: Counter[str] = Counter()
    for cleaner in pipeline(config):
        count = cleaner.apply(root)
        if count:
            removed[cleaner.name] += count
    return removed
