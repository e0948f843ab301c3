"""One table per cleaner: markup in, nodes removed and text left out; plus the order and the counts."""
from __future__ import annotations

import lxml.html
import pytest

from migrator.clean import CLEANERS, MAPPING_RULES, clean, drop_pattern, drop_selector, drop_text, rules
from migrator.clean.text import element_to_text
from migrator.mapping import Config


def run(rule, html: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    count = rule(root)
    return count, " ".join(element_to_text(root).split())


CASES = {
    "scripts": (rules.scripts, [
        ("<p>Текст</p><script>counter.hit(1)</script>", 1, "Текст"),
        ("<p>Текст<style>p{}</style></p><noscript>включите JS</noscript>", 2, "Текст"),
        ('<form action="/x"><input name="q"></form><p>Текст</p>', 1, "Текст"),
        ("<p>Текст</p>", 0, "Текст"),
    ]),
    "ms_word": (rules.ms_word, [
        ('<p class="MsoNormal">Текст<o:p></o:p></p>', 1, "Текст"),
        ("<!--[if gte mso 9]><xml>junk</xml><![endif]--><p>Текст</p>", 1, "Текст"),
        ('<p><st1:metricconverter productid="5 см">5 см</st1:metricconverter> образца</p>', 1, "5 см образца"),
        ('<p style="mso-line-height:1">Текст</p>', 0, "Текст"),
    ]),
    "login_to_comment": (rules.login_to_comment, [
        ('<p><a href="/user/login">Войдите на сайт</a> для отправки комментариев</p><p>Текст</p>', 1, "Текст"),
        ('<ul><li class="comment_forbidden"><span>Войдите</span></li></ul><p>Текст</p>', 1, "Текст"),
        ("<p>Текст</p><p>Login or register to post comments</p>", 1, "Текст"),
        ("<p>Зарегистрируйтесь или войдите на сайт, чтобы оставлять комментарии</p>", 1, ""),
        ("<p>Войдите на сайт для отправки комментариев, сказал он, и ушёл.</p>", 0,
         "Войдите на сайт для отправки комментариев, сказал он, и ушёл."),
    ]),
    "print_forward": (rules.print_forward, [
        ('<p>Текст</p><li class="print_html"><a href="/print/1">Версия для печати</a></li>', 1, "Текст"),
        ('<p>Текст</p><p><a href="/forward?path=node/1">Отправить другу</a></p>', 1, "Текст"),
        ('<p>Текст <a class="print-page" href="/print/1">печать</a></p>', 1, "Текст"),
        ("<p>Текст</p><p>Версия для печати</p>", 1, "Текст"),
        ("<p>Версия для печати осталась в архиве редакции.</p>", 0, "Версия для печати осталась в архиве редакции."),
    ]),
    "view_counter": (rules.view_counter, [
        ('<p>Текст</p><li class="statistics_counter"><span>1234 просмотра</span></li>', 1, "Текст"),
        ("<p>Текст</p><p>Просмотров: 1 024</p>", 1, "Текст"),
        ("<p>Текст <span>5 просмотров</span></p>", 1, "Текст"),
        ("<p>Текст</p><div>1 просмотр</div>", 1, "Текст"),
        ("<p>Видео набрало 5 просмотров за час.</p>", 0, "Видео набрало 5 просмотров за час."),
    ]),
    "share_widget": (rules.share_widget, [
        ('<p>Текст</p><div class="service-links"><a href="http://x">ВКонтакте</a></div>', 1, "Текст"),
        ('<p>Текст</p><p><a href="http://vkontakte.ru/share.php?url=x">ВКонтакте</a></p>', 1, "Текст"),
        ('<p>Текст</p><a href="https://twitter.com/share?url=x">Twitter</a>', 1, "Текст"),
        ('<p>Текст <a href="http://vk.com/science">группа</a></p>', 0, "Текст группа"),
    ]),
    "nav_links": (rules.nav_links, [
        ('<p>Текст.<br><a href="./">&lt;&lt; Назад к списку</a></p>', 1, "Текст."),
        ('<p>Текст.</p><p><a href="/">На главную</a></p>', 1, "Текст."),
        ('<p>Текст <a href="/x">назад в прошлое</a></p>', 0, "Текст назад в прошлое"),
    ]),
    "source_field": (rules.source_field, [
        ('<p>Текст</p><div class="field field-field-source"><div class="field-label">Источник(и):&nbsp;</div>'
         '<div class="field-items"><div class="field-item"><a href="http://a">a</a></div></div></div>', 1, "Текст"),
        ("<p>Текст</p><p>Источник(и):</p>", 1, "Текст"),
        ('<p>Текст</p><div class="field"><div class="field-label">Источник:</div>'
         '<div class="field-items"><div class="field-item">ТАСС</div></div></div>', 1, "Текст"),
        ("<p>Источник: ТАСС</p>", 0, "Источник: ТАСС"),
    ]),
    "empty_field": (rules.empty_field, [
        ('<p>Текст</p><div class="field"><div class="field-label">Автор фото:</div>'
         '<div class="field-items"><div class="field-item">&nbsp;</div></div></div>', 1, "Текст"),
        ('<div class="field"><div class="field-items"><div class="field-item"><img src="a.jpg"></div></div></div>',
         0, ""),
        ('<div class="field"><div class="field-label">Место:</div><div class="field-items">'
         '<div class="field-item">Томск</div></div></div>', 0, "Место: Томск"),
    ]),
    "empty_blocks": (rules.empty_blocks, [
        ("<p>&nbsp;</p><p>Текст</p>", 1, "Текст"),
        ("<div><p> </p><span></span></div><p>Текст</p>", 3, "Текст"),
        ('<p><img src="a.jpg"></p><p>Текст</p>', 0, "Текст"),
        ("<p>Текст<br></p>", 0, "Текст"),
    ]),
}
TABLE = [(name, rule, html, count, text) for name, (rule, rows) in CASES.items() for html, count, text in rows]


@pytest.mark.parametrize("name, rule, html, count, text", TABLE, ids=[f"{r[0]}-{i}" for i, r in enumerate(TABLE)])
def test_cleaner(name: str, rule, html: str, count: int, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(rule, html) == (count, text)


MAPPING_TABLE = [
    (drop_selector(".banner"), '<div class="banner"><p>Реклама</p></div><p>Текст</p>', 1, "Текст"),
    (drop_pattern(r"^Спасибо, ждём вас на \S+$"), "<p>Спасибо, ждём вас на N-N-N.ru</p><p>Текст</p>", 1, "Текст"),
    (drop_pattern("^Друзья"), "<div>Друзья, с момента основания проекта<br>прошло 20 лет</div><p>Текст</p>", 1,
     "Текст"),
    (drop_text("Подробнее"), "<p>Текст</p><p> Подробнее </p><p>Подробнее о проекте</p>", 1,
     "Текст Подробнее о проекте"),
]


@pytest.mark.parametrize("cleaner, html, count, text", MAPPING_TABLE, ids=[c[0].name for c in MAPPING_TABLE])
def test_mapping_rule(cleaner, html: str, count: int, text: str) -> None:  # type: ignore[no-untyped-def]
    assert run(cleaner.apply, html) == (count, text)


def test_order_lives_in_one_list_with_mapping_rules_before_the_final_sweep() -> None:
    names = [c if c == MAPPING_RULES else c.name for c in CLEANERS]
    assert names[0] == "scripts" and names[-1] == "empty_blocks"
    assert names.index(MAPPING_RULES) == len(names) - 2
    assert set(CASES) == {n for n in names if n != MAPPING_RULES}  # every cleaner has a table


def test_clean_counts_every_rule_that_fired() -> None:
    config = Config(drop_texts=("Реклама",))
    root = lxml.html.fragment_fromstring(
        "<p>Текст</p><p>Реклама</p><script>x</script><p>Просмотров: 3</p><p>&nbsp;</p>", create_parent="div")
    removed = clean(root, config)
    assert removed == {"scripts": 1, "view_counter": 1, "drop_text:Реклама": 1, "empty_blocks": 1}
    assert rules.text_of(root) == "Текст"


def test_boilerplate_inside_the_body_is_removed_wherever_it_sits() -> None:
    html = ("<div><p>Текст статьи.</p><div><p>Источник(и):</p>"
            "<ul><li><a href='/user/login'>Войдите на сайт</a> для отправки комментариев</li>"
            "<li class='print_html'><a href='/print/1'>Версия для печати</a></li></ul></div></div>")
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    clean(root, None)
    assert rules.text_of(root) == "Текст статьи."
    assert "<ul" not in lxml.html.tostring(root, encoding="unicode")


# -- the one-pass rules give what their plain definitions give ------------------------------------

from pathlib import Path  # noqa: E402

from lxml import etree  # noqa: E402

PAGES = sorted((Path(__file__).parent / "pages").glob("*.html"))
#: Nesting, class lists split by tabs and newlines, &nbsp;-only blocks, images and rules in otherwise empty blocks.
TRICKY = ('<div class="a\tshare\nb"><div><p>&nbsp;<span> </span></p><div><ul><li><b></b></li></ul></div>'
          '<p><img src="x.png"></p><td><hr></td><center>т<!-- c --></center><p><!-- only a comment --></p>'
          '<em class="share-x">x</em><span class="x  print-link">Печать</span></div>т</div>')


def _trees() -> list[lxml.html.HtmlElement]:
    pages = [lxml.html.fromstring(p.read_bytes()).find("body") for p in PAGES]
    return [p for p in pages if p is not None] + [lxml.html.fragment_fromstring(TRICKY, create_parent="div")]


def _naive_leaves(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    found = etree.XPath("descendant::*[" + " or ".join(f"self::{t}" for t in rules._LEAF_TAGS) + "]")(root)
    return [el for el in found if not any(c.tag in rules._INNER_BLOCKS for c in el.iterdescendants())]


def _naive_empty(root: lxml.html.HtmlElement) -> int:
    count = 0
    for el in reversed(etree.XPath("descendant::*[" + " or ".join(f"self::{t}" for t in rules._EMPTY_CANDIDATES)
                                   + "]")(root)):
        if el.getparent() is not None and not rules.text_of(el) and el.find(".//img") is None \
                and el.find(".//hr") is None:
            rules.remove(el)
            count += 1
    return count


@pytest.mark.parametrize("index", range(len(PAGES) + 1))
def test_one_pass_rules_agree_with_their_definitions(index: int) -> None:
    root = _trees()[index]
    assert rules.leaf_blocks(root) == _naive_leaves(root)
    for classes in (("share",), ("print-link", "b"), ("x",)):
        xpath = etree.XPath("descendant::*[" + " or ".join(
            f"contains(concat(' ', normalize-space(@class), ' '), ' {c} ')" for c in classes) + "]")
        assert rules._class_xpath(*classes)(root) == xpath(root)
    other = _trees()[index]
    assert rules.empty_blocks(root) == _naive_empty(other)
    assert lxml.html.tostring(root) == lxml.html.tostring(other)


def test_a_drop_selector_whose_class_is_absent_is_skipped_with_the_same_counts() -> None:
    selectors = (".meta", "div.links", "table#attachments", "div > p.note", ".absent")
    html = ('<div><p class="meta">Опубликовано</p><div class="links"><a href="/a">a</a></div><div><p class="note">'
            'Примечание</p></div><table id="attachments"><tr><td>файл</td></tr></table><p>Текст</p></div>')
    removed = clean(lxml.html.fragment_fromstring(html, create_parent="div"), Config(drop_selectors=selectors))
    one_by_one = {}
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for selector in selectors:
        count = drop_selector(selector).apply(root)
        if count:
            one_by_one[f"drop_selector:{selector}"] = count
    assert {k: v for k, v in removed.items() if k.startswith("drop_selector")} == one_by_one
    assert len(one_by_one) == 4 and drop_selector(".absent").needs == {".absent"}
    assert drop_selector("div > p.note").needs == frozenset()  # not simple: always run


def test_formulaic_opening_sentences_shared_with_other_articles_make_no_listing() -> None:
    """A news article made of stock sentences ("Работа выполнена при поддержке …", each followed by its own words)
    holds the openings of three other articles: a listing of cards quotes each entry's first paragraph whole
    (uCoz's eMessage, a blog's teaser), so the article stays an article; the real listing is still found."""
    from migrator.clean.repeated import listings_of_excerpts

    formula = ["Работа выполнена при поддержке Российского научного фонда общий объём финансирования составил {} "
               "млн рублей", "Результаты исследования опубликованы в журнале Nature а их обсуждение продолжится на "
               "конференции в {}", "Открытие может изменить представления о происхождении жизни на Земле уверены "
               "специалисты в {}"]
    others = {f"a{i}": f"{formula[i].format(100 + i)}. Своё продолжение номер {i} о приборе и его создателях, "
                       f"о том как шли испытания в лаборатории зимой.\n\nВторой абзац статьи {i}." for i in range(3)}
    story = " ".join(f"{formula[i].format(200 + i)}. Свои слова {i} о другом опыте." for i in range(3))
    home = " ".join(text.split("\n\n")[0] for text in others.values())
    assert listings_of_excerpts({**others, "story": story}) == []
    assert listings_of_excerpts({**others, "story": story, "home": home}) == ["home"]
