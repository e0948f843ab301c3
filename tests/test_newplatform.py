"""The [new_platform] mapping: validation, new URLs, rubrics; and the pure helpers of exports and links."""
from __future__ import annotations

from pathlib import Path

import pytest

from migrator.cutover.export import cdata, file_name, wp_dates
from migrator.cutover.links import node_ref
from migrator.cutover.newplatform import NewPlatform, load_new_platform, slug_for
from migrator.errors import MappingError

RECORD = {"url": "http://old.ru/news/2014/10/lazer-v-tomske", "source_id": "node/1885",
          "title": "Лазер на основе перовскитов", "published_at": "2014-11-01T13:26:00+03:00"}


@pytest.mark.parametrize("pattern, expected", [
    ("/{year}/{month}/{slug}/", "/2014/11/lazer-v-tomske/"),
    ("/{year}/{month}/{day}/{slug}.html", "/2014/11/01/lazer-v-tomske.html"),
    ("/n/{node}", "/n/1885"),
    ("/a/{source_id}/", "/a/node/1885/"),
])
def test_url_pattern_placeholders(pattern: str, expected: str) -> None:
    assert NewPlatform(url_pattern=pattern).path_for(RECORD) == expected


@pytest.mark.parametrize("url, slug", [
    ("http://old.ru/news/2014/10/lazer-v-tomske", "lazer-v-tomske"),
    ("http://old.ru/node/1885", "lazer-na-osnove-perovskitov"),
    ("http://old.ru/?q=node/1885", "lazer-na-osnove-perovskitov"),
    ("http://old.ru/archive/2001/item5.html", "item5"),
    ("http://old.ru/news/%D0%BB%D0%B0%D0%B7%D0%B5%D1%80", "lazer-na-osnove-perovskitov"),
])
def test_slug_from_alias_else_title(url: str, slug: str) -> None:
    assert slug_for({**RECORD, "url": url}) == slug


def test_base_url_and_rubrics(tmp_path: Path) -> None:
    mapping = tmp_path / "site.toml"
    mapping.write_text('[new_platform]\nbase_url = "https://new.ru/"\nurl_pattern = "/{slug}/"\n'
                       'rubrics = {"Нанотехнологии" = "nano"}\nrename = {title = "headline"}\n', encoding="utf-8")
    platform = load_new_platform(str(mapping))
    assert platform.url_for(RECORD) == "https://new.ru/lazer-v-tomske/"
    assert platform.with_base("https://other.ru").url_for(RECORD) == "https://other.ru/lazer-v-tomske/"
    assert platform.map_tags(["Нанотехнологии", "Физика", "Нанотехнологии"]) == ["nano", "Физика"]
    assert dict(platform.rename) == {"title": "headline"}


@pytest.mark.parametrize("body, key", [
    ('[new_platform]\nurl_pattern = "/{year}/{colour}/"', "new_platform.url_pattern"),
    ('[new_platform]\nurl_pattern = "no-slash/{slug}"', "new_platform.url_pattern"),
    ('[new_platform]\nurl_pattern = "/static/"', "new_platform.url_pattern"),
    ('[new_platform]\nrubrics = {"Физика" = 3}', "new_platform.rubrics.Физика"),
    ('[new_platform]\nrename = {colour = "x"}', "new_platform.rename.colour"),
    ('[new_platform]\nbase_url = "ftp://x"', "new_platform.base_url"),
    ('[new_platform]\nurl_patern = "/{slug}/"', "new_platform.url_patern"),
    ('new_platform = 3', "new_platform"),
    ('[new_platform\n', "(syntax)"),
])
def test_bad_new_platform_names_file_and_key(tmp_path: Path, body: str, key: str) -> None:
    mapping = tmp_path / "bad.toml"
    mapping.write_text(body, encoding="utf-8")
    with pytest.raises(MappingError) as info:
        load_new_platform(str(mapping))
    assert info.value.path == str(mapping) and info.value.key == key


def test_bad_new_url_is_a_mapping_error() -> None:
    with pytest.raises(MappingError, match="--new"):
        load_new_platform(None, "new.example.ru")


@pytest.mark.parametrize("url, ref", [
    ("http://old.ru/node/12", "node/12"), ("http://old.ru/node/12/", "node/12"),
    ("http://old.ru/?q=node/12", "node/12"), ("http://old.ru/index.php?q=node/12&x=1", "node/12"),
    ("http://old.ru/news/node-12", None), ("http://old.ru/node/12/edit", None),
])
def test_node_ref(url: str, ref: str | None) -> None:
    assert node_ref(url) == ref


def test_cdata_splits_its_terminator_and_drops_invalid_characters() -> None:
    from lxml import etree

    text = "a ]]> b \x00\x0b <c> & ]]]]>"
    xml = f"<x>{cdata(text)}</x>"
    assert etree.fromstring(xml).text == "a ]]> b  <c> & ]]]]>"


def test_wp_dates_local_and_gmt() -> None:
    assert wp_dates("2011-07-01T10:00:00+04:00") == ("2011-07-01 10:00:00", "2011-07-01 06:00:00")
    assert wp_dates(None) == ("0000-00-00 00:00:00", "0000-00-00 00:00:00")


@pytest.mark.parametrize("url, name", [
    ("http://old.ru/news/2014/10/lazer", "news_2014_10_lazer.md"),
    ("http://old.ru/", "index.md"),
    ("https://new.ru/2014/10/lazer/", "2014_10_lazer.md"),
])
def test_markdown_file_names(url: str, name: str) -> None:
    assert file_name(url) == name


def test_lossy_file_names_stay_apart() -> None:
    names = {file_name(u) for u in ("http://o.ru/a_b/c", "http://o.ru/a/b_c", "http://o.ru/a/b/c",
                                    "http://o.ru/?q=node/1", "http://o.ru/q/node/1", "http://o.ru/новости/1",
                                    "http://o.ru/" + "x" * 300)}
    assert len(names) == 7
    assert all(len(n) < 140 and "/" not in n and n.endswith(".md") for n in names)
