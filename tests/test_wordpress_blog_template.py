"""A WooThemes blog crawled with no mapping through a real local server (:mod:`tests.sites.woothemes`, modeled on
the HTTrack copy of a real Hustle site): the blog is a static page whose template loops over the posts, and it and
its page 2 are listings, never a record; every post is one, the one-line and video-only posts too, with the
printed date, the ``rel="author"`` name and the category and tags; a static page with text stays a page."""
from __future__ import annotations

from typing import Any, Callable

from tests.sites.woothemes import HustleBlog


def test_a_page_looping_over_the_posts_is_a_listing_and_every_post_a_record(crawl_site: Callable[..., Any]) -> None:
    site = HustleBlog()
    crawled, records, base = crawl_site(site.route)
    assert sorted(records) == sorted(site.entries)  # no /blog/, /blog/page/2/, /2018/03/ or front page
    for post in site.posts:
        record = records[post.path]
        assert record["title"] == post.title
        assert record["published_at"][:10] == post.published
        assert record["author"] == "admin"
        assert record["tags"] == [post.category[1], *(name for _, name in post.tags)]
        assert record["body_text"] == "\n\n".join(post.paragraphs)
    assert records["/sample-page/"]["type"] == "page"
