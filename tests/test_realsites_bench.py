"""The real-site scorer (bench/realsites.py): how a truth entry is matched to a record and each field judged."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def realsites():
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("realsites", BENCH / "realsites.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ENTRY = {"path": "/blog/%D0%BF%D0%BE%D1%81%D1%82/index.html", "title": "Пост  о\u00a0Сербии", "published": "2014-03-05T17:59",
         "author": "", "tags": ["b", "a"], "comments": 2, "first": "Первое  предложение.", "last": "Конец."}


def record(**fields):
    base = {"url": "http://old.test/blog/пост/", "aliases": [], "title": "Пост о Сербии",
            "published_at": "2014-03-05T13:59:00+00:00", "author": None, "tags": ["a", "b"],
            "comments": [{}, {}], "body_text": "Первое предложение. Середина.\n\nКонец."}
    return {**base, **fields}


def test_a_record_is_found_by_its_decoded_path_or_an_alias(realsites):
    assert realsites.key(ENTRY["path"]) == realsites.key("http://old.test/blog/пост/")
    assert realsites.key("/writeup/37.html") == realsites.key("http://127.0.0.1:8000/writeup/37")
    assert realsites.key("/a/index.html") != realsites.key("/b/index.html")


def test_every_field_right_when_the_record_says_what_the_page_prints(realsites):
    fields = realsites.score_entry(ENTRY, record(), ZoneInfo("Europe/Moscow"))  # 13:59Z is 17:59 in Moscow (2014)
    assert {name: value[0] for name, value in fields.items() if value is not None} == {
        "found": True, "title": True, "date": True, "author": True, "tags": True, "comments": True,
        "first": True, "last": True}


def test_each_wrong_field_is_wrong_on_its_own(realsites):
    fields = realsites.score_entry(ENTRY, record(published_at="2014-03-05T17:59:00+00:00", author="admin",
                                                 tags=["a"], comments=[], body_text="Другое. Конец."),
                                   ZoneInfo("Europe/Moscow"))
    wrong = {name for name, value in fields.items() if value is not None and not value[0]}
    assert wrong == {"date", "author", "tags", "comments", "first"}


def test_a_date_only_truth_is_judged_to_the_day_and_an_empty_one_wants_none(realsites):
    zone = ZoneInfo("UTC")
    assert realsites.same_time("2010-03-18", "2010-03-18T20:46:00+00:00", zone)
    assert not realsites.same_time("2010-03-18", "2012-05-15T20:46:00+00:00", zone)
    assert realsites.same_time("", None, zone)
    assert not realsites.same_time("", "2018-03-01T00:00:00+00:00", zone)  # a crawl-time date where the page has none


def test_an_entry_not_found_is_wrong_in_every_field_but_unscored_ones(realsites):
    fields = realsites.score_entry({**ENTRY, "first": ""}, None, ZoneInfo("UTC"))
    assert fields["first"] is None
    assert not any(value[0] for value in fields.values() if value is not None)


def test_listing_patterns_match_the_crawlers_spelling_and_the_servers(realsites):
    patterns = [re.compile(r"view%3D(category|section)"), re.compile(r"^/node(\?|%3F)page(=|%3D)\d+")]
    assert realsites.matches(patterns, "http://h/index.php__option=com_content__view=category__id=3.html")
    assert realsites.matches(patterns, "http://h/node?page=2")
    assert not realsites.matches(patterns, "http://h/index.php__option=com_content__view=article__id=3.html")


def test_a_front_page_host_is_taken_only_when_the_mirror_serves_its_pages(realsites):
    page = '<a href="https://www.blogger.com/a">x</a><a href="https://www.blogger.com/b">y</a><a href="2010/x.html">z</a>'
    assert realsites.own_host(page, serves=lambda path: False) is None
    assert realsites.own_host(page, serves=lambda path: True) == "www.blogger.com"


@pytest.mark.parametrize("truth", sorted((BENCH / "realsites").glob("*.toml")), ids=lambda p: p.stem)
def test_every_truth_file_names_its_mirror_and_zone_and_holds_fifteen_entries(truth):
    data = tomllib.loads(truth.read_text(encoding="utf-8"))
    assert data["mirror"] and ZoneInfo(data["timezone"])
    entries = data["entry"]
    assert len(entries) == 15
    assert len({e["path"] for e in entries}) == len(entries)
    for pattern in (*data.get("listing_patterns", []), *data.get("duplicate_patterns", [])):
        re.compile(pattern)
    listing = [re.compile(p) for p in data.get("listing_patterns", [])]
    assert not any(p.search(e["path"]) for p in listing for e in entries), "a sampled entry matches a listing pattern"
