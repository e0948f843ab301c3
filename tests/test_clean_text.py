"""body_text and body_html: paragraphs, lines, whitespace; sanitizing and absolute links."""
from __future__ import annotations

import lxml.html
import pytest

from migrator.clean.sanitize import body_html, sanitize
from migrator.clean.text import html_to_text


@pytest.mark.parametrize("html, text", [
    ("<p>Один</p><p>Два</p>", "Один\n\nДва"),
    ("<p>  Много   \n пробелов\xa0здесь </p>", "Много пробелов здесь"),
    ("<p>строка<br>строка два<br/></p>", "строка\nстрока два"),
    ("<ul><li>раз</li><li> два </li></ul><p>после</p>", "раз\nдва\n\nпосле"),
    ("Текст без блоков <b>жирный</b> и <i>курсив</i>", "Текст без блоков жирный и курсив"),
    ("<div><p>вложенный</p></div><p></p><p>&nbsp;</p><p>абзац</p>", "вложенный\n\nабзац"),
    ("<h3>Заголовок</h3>текст<script>x()</script>", "Заголовок\n\nтекст"),
    ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "a b\nc d"),
    ("", ""),
])
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize("html, expected", [
    ('<p onclick="x()" class="MsoNormal" style="mso-x:1">a</p>', "<p>a</p>"),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ("<script>alert(1)</script><style>p{}</style><p>a</p>", "<p>a</p>"),
    ('<img src="http://a.test/i.jpg" alt="i" width="10" onerror="x()">', '<img src="http://a.test/i.jpg" alt="i">'),
    ("<font face=Arial><span>текст</span></font>", "текст"),
    ("<h2>Подзаголовок</h2><blockquote>цитата</blockquote>", "<h2>Подзаголовок</h2><blockquote>цитата</blockquote>"),
    ("<table><tr><td colspan=2>a</td></tr></table>", '<table><tbody><tr><td colspan="2">a</td></tr></tbody></table>'),
    ("<figure><img src='http://a/i.png'><figcaption>c</figcaption></figure>",
     '<figure><img src="http://a/i.png"><figcaption>c</figcaption></figure>'),
])
def test_sanitize(html: str, expected: str) -> None:
    assert sanitize(html) == expected


def test_body_html_resolves_links_against_the_page() -> None:
    root = lxml.html.fragment_fromstring(
        '<p><a href="../other">a</a> <img src="/files/i.jpg"> <a href="#top">top</a></p>', create_parent="div")
    html = body_html(root, "http://demo.test/news/2014/x")
    assert 'href="http://demo.test/news/other"' in html and 'src="http://demo.test/files/i.jpg"' in html
