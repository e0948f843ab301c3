"""An entry is a record however short, a listing never is: a hand-made portal whose one news entry is a picture
alone (:mod:`tests.sites.handmade`), crawled with no mapping through a real local server. The learned template of
its news (title and dateline places) shows the picture's page as an entry, so the crawl end takes it back; the
section index, in the same skeleton, shows a list of other entries' headlines and stays a listing."""
from __future__ import annotations

from typing import Any, Callable

from tests.sites.handmade import HandmadePortal


def test_image_only_news_entry_is_a_record_and_the_section_index_is_not(crawl_site: Callable[..., Any]) -> None:
    site = HandmadePortal()
    crawled, records, base = crawl_site(site.route)
    assert sorted(records) == sorted(e.path for e in site.entries)  # no front page, no /allnews/
    picture = site.entries[3]
    record = records[picture.path]
    assert record["title"] == picture.title and record["published_at"] == "2016-11-14"
    assert [i.removeprefix(base) for i in record["images"]] == picture.images
    others = [e.title for e in site.entries if e is not picture]
    assert not any(title in record["body_text"] for title in others)  # no other entry's headline in its body
