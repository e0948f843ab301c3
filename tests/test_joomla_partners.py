"""A Joomla 1.5 site in culturall2's shape (no byline or date printed, breadcrumbs, blog views with one item, the
core contact and search pages), generated (:class:`tests.sites.platforms.JoomlaPartnersSite`) and crawled with no
mapping through a real local server."""
from __future__ import annotations

from typing import Callable

from tests.helpers import Crawled
from tests.sites.platforms import JoomlaPartnersSite
from tests.sites.server import serve


def test_joomla_without_byline_meta_author_breadcrumb_categories_and_no_component_pages(
        crawl: Callable[..., Crawled]) -> None:
    site = JoomlaPartnersSite()
    with serve("127.0.0.1", site.route) as server:
        crawled = crawl(server.url + "/")
        asked = set(server.paths)
    assert crawled.proc.returncode == 0, crawled.proc.stderr[-3000:]
    assert {site.CONTACT, site.SEARCH, site.SECTION, site.NEWS} <= asked  # fetched, then judged
    records = crawled.records()
    by_path = {}
    for r in records:
        for u in (r["url"], *r["aliases"]):
            by_path[u.removeprefix(server.url)] = r
    for e in site.entries:  # one record per article, both routes
        record = by_path[e.path]
        assert {u.removeprefix(server.url) for u in (record["url"], *record["aliases"])} == {e.path, *e.aliases}
        assert (record["title"], record["tags"]) == (e.title, e.tags)  # the breadcrumb's category links
        assert record["published_at"] is None
        assert record["body_text"].startswith(e.paragraphs[0]) and "Next >" not in record["body_text"]
    # the contact card, the search form and the one-item blogs are no articles
    assert len(records) == len(site.entries), sorted(r["url"] for r in records)
