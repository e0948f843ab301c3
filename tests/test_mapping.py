"""The mapping format: layers merge in order, and a bad file fails with its path and key."""
from __future__ import annotations

import dataclasses
import re
from importlib.resources import files
from pathlib import Path

import pytest

from migrator.errors import MappingError
from migrator.mapping import Config, load_config, read_layer


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bare_start_url_gets_defaults_and_the_drupal_profile() -> None:
    config = load_config(start_url="http://old.example.ru/news")
    assert config.start_urls == ("http://old.example.ru/news",)
    assert config.allowed_hosts == ("old.example.ru",)
    assert config.timezone == "UTC" and config.profile == "auto"
    assert any("forward" in rule for rule in config.deny)
    assert config.selectors["comments"] == "#comments div.comment"
    assert config.layers == ("mappings/drupal6.toml",)


def test_generic_profile_skips_the_drupal_layer() -> None:
    config = load_config(start_url="http://a.test/", profile="generic")
    assert config.deny == () and config.selectors == {}


def test_packaged_profiles_are_valid() -> None:
    for name in ("drupal6.toml", "demo.toml"):
        read_layer(name, (files("mappings") / name).read_text(encoding="utf-8"))


def test_demo_mapping_extends_drupal6() -> None:
    config = load_config(str(files("mappings") / "demo.toml"), start_url="http://127.0.0.1:8000/")
    assert config.profile == "drupal6" and config.timezone == "Europe/Moscow"
    assert config.layers[0] == "mappings/drupal6.toml"
    assert any(p.startswith("^Друзья") for p in config.drop_patterns)
    assert ".meta" in config.drop_selectors  # the profile's rules stay underneath
    assert config.source and config.source.endswith("demo.toml")


def test_site_layer_appends_lists_merges_tables_replaces_scalars(tmp_path: Path) -> None:
    path = write(tmp_path, """
name = "nnn"
timezone = "Europe/Moscow"
start_urls = ["http://old.test/"]
allowed_hosts = ["cdn.old.test"]
[urls]
deny = ['^/private/']
[urls.budgets]
'^/calendar' = 5
[selectors]
title = "h1.headline"
[crawl]
max_pages = 100
download_delay = 0.5
""")
    config = load_config(path)
    assert config.name == "nnn" and config.max_pages == 100 and config.download_delay == 0.5
    assert config.deny[-1] == "^/private/" and "^/forward" in config.deny
    assert config.budgets["^/calendar"] == 5 and "[?&]q=calendar" in config.budgets
    assert config.selectors["title"] == "h1.headline" and config.selectors["body"] == "div.content"
    assert config.site_selectors == {"title": "h1.headline"}
    assert config.allowed_hosts == ("cdn.old.test", "old.test")


def test_command_line_layer_wins(tmp_path: Path) -> None:
    path = write(tmp_path, 'timezone = "Europe/Moscow"\nstart_urls = ["http://old.test/"]\n')
    config = load_config(path, start_url="http://127.0.0.1:8080/", timezone="Asia/Tomsk")
    assert config.start_urls == ("http://127.0.0.1:8080/",) and config.timezone == "Asia/Tomsk"
    assert "127.0.0.1" in config.allowed_hosts
    smaller = config.with_overrides(max_pages=10, timezone=None)
    assert smaller.max_pages == 10 and smaller.timezone == "Asia/Tomsk"
    assert config.max_pages is None  # frozen: the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.timezone = "UTC"  # type: ignore[misc]


def test_with_overrides_validates() -> None:
    with pytest.raises(MappingError, match="--timezone"):
        Config().with_overrides(timezone="Mars/Olympus")


@pytest.mark.parametrize("text, key, expected", [
    ("colour = 1\n", "colour", "a known key"),
    ("timezone = 42\n", "timezone", "IANA time zone"),
    ('timezone = "Mars/Olympus"\n', "timezone", "Mars/Olympus"),
    ('profile = "typo3"\n', "profile", "'drupal6'"),
    ("[urls]\ndeny = ['^/(unclosed']\n", "urls.deny[0]", "regular expression"),
    ("[urls]\ndeny = '^/x'\n", "urls.deny", "list of regular expressions"),
    ("[urls]\nbogus = 1\n", "urls.bogus", "a known key"),
    ("[urls.budgets]\n'^/cal' = 'many'\n", "urls.budgets", "non-negative integer"),
    ("[urls.budgets]\n'^/(cal' = 3\n", "urls.budgets", "regular expression"),
    ("[crawl]\nmax_pages = -1\n", "crawl.max_pages", "non-negative integer"),
    ("[crawl]\nconcurrency = true\n", "crawl.concurrency", "positive integer"),
    ("[selectors]\ntitle = 'h1[['\n", "selectors.title", "CSS selector"),
    ("[selectors]\nheadline = 'h1'\n", "selectors.headline", "one of title"),
    ("[clean]\ndrop_selectors = ['div>>']\n", "clean.drop_selectors[0]", "CSS selector"),
    ("[clean]\ndrop_patterns = ['(?P<x']\n", "clean.drop_patterns[0]", "regular expression"),
    ("start_urls = ['old.test']\n", "start_urls[0]", "http(s) URL"),
    ("crawl = 3\n", "crawl", "a table"),
    ("timezone = \n", "(syntax)", "valid TOML"),
])
def test_bad_mapping_names_file_key_and_expectation(tmp_path: Path, text: str, key: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(MappingError) as info:
        load_config(path)
    assert info.value.path == path and info.value.key.startswith(key)
    message = str(info.value)
    assert message.startswith(f"{path}: {info.value.key}: expected ") and expected in message


def test_missing_file_and_bad_flags() -> None:
    with pytest.raises(MappingError, match=re.escape("nowhere.toml: (file)")):
        load_config("nowhere.toml")
    with pytest.raises(MappingError, match="--timezone"):
        load_config(start_url="http://a.test/", timezone="Nowhere/City")
    with pytest.raises(MappingError, match="TARGET"):
        load_config(start_url="old-site")


def test_new_platform_table_is_left_to_its_own_module(tmp_path: Path) -> None:
    """One site file holds both the crawl mapping and the new platform's mapping."""
    site = tmp_path / "site.toml"
    site.write_text('timezone = "Europe/Moscow"\n\n[new_platform]\nurl_pattern = "/{year}/{slug}/"\n',
                    encoding="utf-8")
    config = load_config(str(site), start_url="http://old.test/")
    assert config.timezone == "Europe/Moscow"
