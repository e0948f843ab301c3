"""Field places and content words learned from one reading of each page give what learning each set of pages on
its own gives (:mod:`migrator.extract.fields`, :mod:`migrator.extract.region`): the whole template and each URL
section of it, on generated pages of two sections that keep their dates in different places."""
from __future__ import annotations

import re
from collections import Counter

import lxml.html
import pytest
from lxml.html import HtmlElement

from migrator.extract.fields import Observer, learn_fields
from migrator.extract.region import _IGNORED as IGNORED
from migrator.extract.region import content_words, leaf_block_texts, section_fields, stable_names


def entry(i: int, section: str) -> str:
    """A uCoz-like entry page: news print the date in the details line, articles only in ``<title>``; a script
    and a form's options carry dates and labels that are no field."""
    details = f"<div class='eDetails'>Добавил: <a href='/u/{i % 3}'>user{i % 3}</a> | 0{i % 9 + 1}.0{i % 7 + 1}.2011</div>"
    head = f"Запись {i} - 1{i % 9} Марта 2012 - Сайт" if section == "publ" else f"Запись {i} - Сайт"
    return (f"<html><head><title>{head}</title></head><body><div id='menu'><p>Главная</p><p>Форум</p></div>"
            f"<script>var d = '01.01.2010'; // Автор: robot</script>"
            f"<select><option>Категория: все</option><option>02.02.2010</option></select>"
            f"<div id='content'><div class='eTitle'>Запись {i}</div>"
            + (details if section == "news" else "<div class='eDetails'>Рубрика: Общее</div>")
            + f"<div class='eMessage'><p>Текст записи номер {i}, " + "слово " * (20 + i) + "</p>"
            f"<p>Второй абзац <a href='/x'>ссылка</a> и ещё слова {i}.</p></div></div></body></html>")


@pytest.fixture
def pages() -> tuple[list[HtmlElement], list[str]]:
    sections = ["news" if i % 2 else "publ" for i in range(12)]
    return [lxml.html.document_fromstring(entry(i, s)) for i, s in enumerate(sections)], sections


def test_each_section_learns_from_the_one_reading_what_it_learns_alone(pages: tuple[list[HtmlElement], list[str]]
                                                                       ) -> None:
    docs, sections = pages
    stable = stable_names(docs)
    found = section_fields(docs, sections, stable, "//div[@id='content']")
    alone = {name: section_fields([d for d, s in zip(docs, sections, strict=True) if s == name], None, stable,
                                  "//div[@id='content']")["*"] for name in ("news", "publ")}
    assert found["news"] == alone["news"] and found["publ"] == alone["publ"]
    assert found["news"]["date"]["from"] == "element" and found["news"]["author"]["label"] == "Добавил:"
    assert found["publ"]["date"]["from"] == "title"


def test_what_a_script_or_a_forms_options_hold_is_no_candidate(pages: tuple[list[HtmlElement], list[str]]) -> None:
    docs, _ = pages
    observer = Observer(lambda e: e.getroottree().getpath(e))
    places = {key for doc in docs for _, key, _, _ in observer.observe(doc).adds}
    assert places and not any("script" in key or "option" in key or "select" in key for key in places)
    observed = [observer.observe(doc) for doc in docs]
    assert learn_fields(docs, observer.xpath_of, observed) == learn_fields(docs, observer.xpath_of)


def slow_content_words(doc: HtmlElement, template: set[str]) -> Counter[HtmlElement]:
    """Content words as defined: each counted element's own words added to it and to every ancestor."""
    skip = {e for e, text in leaf_block_texts(doc).items() if text in template}
    left_out = lambda e: e in skip or e.tag in IGNORED or e.tag == "a"  # noqa: E731
    weights: Counter[HtmlElement] = Counter()
    for element in doc.iter(lxml.etree.Element):
        if left_out(element) or any(left_out(a) for a in element.iterancestors()):
            continue
        own = len(re.findall(r"\w+", element.text or "")) + sum(len(re.findall(r"\w+", c.tail or "")) for c in element)
        for holder in (element, *element.iterancestors()):
            weights[holder] += own
    return +weights


def test_content_words_summed_up_from_the_leaves_are_each_elements_words(
        pages: tuple[list[HtmlElement], list[str]]) -> None:
    docs, _ = pages
    template = {"Главная", "Форум"}
    for doc in docs:
        assert content_words(doc, template) == slow_content_words(doc, template)
