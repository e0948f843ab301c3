"""URL normalization, in one place (``migrator.urls.normalize``, with w3lib): what legacy sites write."""
from __future__ import annotations

import pytest

from migrator.urls import normalize, page_key

CP1251_QUERY = "?q=%CD%EE%E2%EE%F1%F2%E8"  # "Новости" in windows-1251, as old Russian search forms sent it
NOVOSTI = "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"


@pytest.mark.parametrize("url, want", [
    # a windows-1251 query keeps its bytes (not %EF%BF%BD, the replacement character)
    ("http://d.test/search.php" + CP1251_QUERY, "http://d.test/search.php" + CP1251_QUERY),
    ("http://d.test/search.php?q=%cd%ee&page=2", "http://d.test/search.php?q=%CD%EE&page=2"),
    # ... and its order: the redirect map matches the query as clients send it
    ("http://d.test/news.php?id=5&lang=ru", "http://d.test/news.php?id=5&lang=ru"),
    # one path, written raw, encoded, or with lower-case escapes
    ("http://d.test/новости", "http://d.test" + NOVOSTI),
    ("http://d.test" + NOVOSTI, "http://d.test" + NOVOSTI),
    ("http://d.test" + NOVOSTI.lower(), "http://d.test" + NOVOSTI),
    ("http://d.test/a%7Eb/./c/../d", "http://d.test/a~b/d"),
    # IPv6 hosts keep their brackets, with or without a port
    ("http://[::1]:8080/a", "http://[::1]:8080/a"),
    ("http://[::1]/a?x=1", "http://[::1]/a?x=1"),
    ("https://[2001:DB8::1]:443/", "https://[2001:db8::1]/"),
    # IDN hosts: punycode, lower case
    ("http://Пример.РФ/новости", "http://xn--e1afmkfd.xn--p1ai" + NOVOSTI),
    ("http://XN--E1AFMKFD.xn--P1AI/", "http://xn--e1afmkfd.xn--p1ai/"),
    ("http://Bücher.example/", "http://xn--bcher-kva.example/"),
    # what normalize always did
    ("HTTP://D.test:80/a?utm_source=rss&page=2#top", "http://d.test/a?page=2"),
    ("http://user:secret@d.test/a", "http://d.test/a"),
    ("http://d.test/?q=node/5", "http://d.test/?q=node/5"),
    ("http://d.test/a b?c=d e", "http://d.test/a%20b?c=d+e"),
])
def test_normalize(url: str, want: str) -> None:
    assert normalize(url, ["utm_*"]) == want


@pytest.mark.parametrize("a, b", [
    ("http://d.test/новости/", "http://d.test" + NOVOSTI),
    ("http://New.Test:80/2014/slug/#c", "http://new.test/2014/slug"),
    ("http://пример.рф/a", "http://xn--e1afmkfd.xn--p1ai/a/"),
])
def test_the_diff_keys_pages_by_the_same_rules(a: str, b: str) -> None:
    assert page_key(a) == page_key(b)
