"""URL identity and the frontier's scope, budget and trap rules."""
from __future__ import annotations

import re

import pytest

from migrator.urls import derived_source_id, node_id, normalize, url_rank
from spiders.frontier import BARREN_STREAK, Frontier, shape

ALIAS_RULES = (re.compile(r"^/node/(\d+)/?$"), re.compile(r"[?&]q=node/(\d+)"), re.compile(r"^/print/(\d+)"))


@pytest.mark.parametrize("url, want", [
    ("http://D.test:80/a?utm_source=rss&utm_medium=x", "http://d.test/a"),
    ("http://d.test/a?page=2&from=sidebar#c1", "http://d.test/a?page=2"),
    ("https://d.test:443", "https://d.test/"),
    ("http://d.test:8080/node/5", "http://d.test:8080/node/5"),
])
def test_normalize(url: str, want: str) -> None:
    assert normalize(url, ["utm_*", "from"]) == want


@pytest.mark.parametrize("url, want", [
    ("http://d.test/node/8123", "node/8123"),
    ("http://d.test/?q=node/8123", "node/8123"),
    ("http://d.test/print/8123", "node/8123"),
    ("http://d.test/news/2014/11/slug", None),
])
def test_node_id(url: str, want: str | None) -> None:
    assert node_id(url, ALIAS_RULES) == want


def test_derived_source_id_drops_extension_keeps_query() -> None:
    assert derived_source_id("http://d.test/archive/2003/item17.html") == "archive/2003/item17"
    assert derived_source_id("http://d.test/show.php?id=4") == "show?id=4"


def test_alias_beats_node_path_and_query_noise() -> None:
    urls = ["http://d.test/node/5", "http://d.test/news/a-b?x=1", "http://d.test/news/a-b", "http://d.test/?q=node/5"]
    assert min(urls, key=lambda u: url_rank(u, ALIAS_RULES)) == "http://d.test/news/a-b"


@pytest.mark.parametrize("sep, q", [("&", "?"), ("__", "__"), ("&", "@")])  # as served, and as savers wrote it
def test_joomla15_route_beats_the_10_route_of_the_same_article(sep: str, q: str) -> None:
    old = f"http://j.test/index.php{q}option=com_content{sep}task=view{sep}id=106{sep}Itemid=35.html"
    new = f"http://j.test/index.php{q}option=com_content{sep}view=article{sep}id=106{sep}catid=19{sep}Itemid=53.html"
    assert min([old, new], key=lambda u: url_rank(u, ())) == new
    assert min([new, old], key=lambda u: url_rank(u, ())) == new


def _frontier(**kw: object) -> Frontier:
    return Frontier(allowed_hosts=("d.test",), alias_rules=ALIAS_RULES, strip_query=("utm_*",), **kw)


@pytest.mark.parametrize("url, reason", [
    ("http://other.test/a", "offsite"),
    ("http://d.test/files/a.pdf", "asset"),
    ("ftp://d.test/a", "scheme"),
    ("http://d.test/" + "/".join(["a", "b"] * 5), "trap"),
])
def test_frontier_rejects_with_reason(url: str, reason: str) -> None:
    frontier = _frontier()
    assert frontier.admit(url) is None
    assert frontier.skipped[reason] == 1


def test_frontier_dedupes_after_normalizing() -> None:
    frontier = _frontier()
    assert frontier.admit("http://d.test/a?utm_source=x") == "http://d.test/a"
    assert frontier.admit("http://d.test/a") is None
    assert frontier.admitted == 1


def test_denied_alias_is_recorded_not_fetched() -> None:
    frontier = _frontier(deny=(re.compile(r"^/print/"),))
    assert frontier.admit("http://d.test/print/77") is None
    assert frontier.denied_aliases == [("http://d.test/print/77", "node/77")]


def test_budget_caps_a_pattern() -> None:
    frontier = _frontier(budgets=((re.compile(r"^/calendar/"), 3),))
    got = [frontier.admit(f"http://d.test/calendar/2020-{m:02d}") for m in range(1, 8)]
    assert sum(1 for g in got if g) == 3
    assert frontier.skipped["budget"] == 4


def test_max_pages_stops_scheduling_but_not_seeds() -> None:
    frontier = _frontier(max_pages=2)
    assert [bool(frontier.admit(f"http://d.test/p{i}")) for i in range(4)] == [True, True, False, False]
    assert frontier.admit("http://d.test/sitemap.xml", force=True)


TEMPLATE = ["http://d.test/", "http://d.test/news/latest-1", "http://d.test/news/latest-2"]


def test_barren_shape_is_closed_as_a_trap() -> None:
    """A calendar whose pages lead only to more calendar pages and the site template is cut."""
    frontier = _frontier()
    url = "http://d.test/calendar/3000-01"
    fetched = 0
    for month in range(1, 500):
        nxt = f"http://d.test/calendar/{3000 + month // 12}-{month % 12 + 1:02d}"
        admitted = frontier.admit_all([nxt, *TEMPLATE], url)
        if not any("calendar" in a for a in admitted):
            break
        fetched += 1
        url = nxt
    assert fetched <= 20 + BARREN_STREAK + 1
    assert frontier.skipped["trap"] >= 1


def test_listing_of_already_known_articles_stays_open() -> None:
    """A pager whose articles all came from the sitemap first still leads somewhere: not a trap."""
    frontier = _frontier()
    for i in range(100):
        frontier.admit(f"http://d.test/news/article-{i}")  # the sitemap listed them all
    for page in range(1, 60):
        links = [f"http://d.test/news?page={page + 1}", *TEMPLATE,
                 *(f"http://d.test/news/article-{(page * 3 + k) % 100}" for k in range(3))]
        frontier.admit_all(links, f"http://d.test/news?page={page}")
    assert shape("http://d.test/news?page=3") not in frontier._closed
    assert frontier.skipped["trap"] == 0
