"""Author and tags of pages without a profile: JSON-LD, meta tags, microdata, visible Russian labels."""
from __future__ import annotations

import pytest
from lxml.html import fromstring

from migrator.extract import extract
from migrator.extract.generic import _json_ld
from migrator.extract.metadata import author_of, tags_of
from migrator.mapping import load_config

LD = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Заголовок",'
      ' "author": {"@type": "Person", "name": "Мария Иванова"}, "keywords": "физика, космос"}</script>')


def page(head: str = "", body: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize("html, author, tags", [
    (page(LD), "Мария Иванова", ["физика", "космос"]),
    (page('<meta name="author" content="Пётр Сидоров"><meta property="article:tag" content="химия">'
          '<meta property="article:tag" content="биология">'), "Пётр Сидоров", ["химия", "биология"]),
    (page(body='<div itemscope><span itemprop="author" itemscope><span itemprop="name">Анна Ким</span></span>'
               '<meta itemprop="keywords" content="геология, палеонтология"></div>'), "Анна Ким",
     ["геология", "палеонтология"]),
    (page(body='<p class="byline">Автор: Иван Петров, 25 ноября 2014, 10:15</p>'
               '<div>Теги: <a href="/t/1">физика</a>, <a href="/t/2">наноматериалы</a></div>'),
     "Иван Петров", ["физика", "наноматериалы"]),
    (page(body="<p>Автор: Гость</p><p>Рубрики: медицина; генетика</p>"), None, ["медицина", "генетика"]),
    (page('<meta name="keywords" content="купить, дёшево">', "<p>Просто текст.</p>"), None, []),
])
def test_author_and_tags_from_what_the_page_declares(html: str, author: str | None, tags: list[str]) -> None:
    doc = fromstring(html)
    ld = _json_ld(doc)
    assert (author_of(doc, ld), tags_of(doc, ld)) == (author, tags)


def test_generic_article_carries_author_and_tags() -> None:
    text = " ".join(["Учёные описали новый способ получения тонких плёнок для солнечных батарей."] * 12)
    html = page('<title>Новые плёнки</title>', '<h1>Новые плёнки</h1><p class="byline">Автор: Иван Петров</p>'
                f'<article><p>{text}</p><p>{text}</p></article>'
                '<div class="tags">Метки: <a href="/t/1">энергетика</a> <a href="/t/2">материалы</a></div>')
    result = extract("http://foreign.test/2014/films.html", html, load_config(profile="generic"))
    assert result.kind == "article" and result.article is not None
    assert (result.article.author, result.article.tags) == ("Иван Петров", ["энергетика", "материалы"])
