"""A saved uCoz news site (tests/sites/ucoznews.py), crawled with no mapping: each entry's title, day and time,
"Добавил" and text come from uCoz's entry block (eTitle, the date bar, eDetails, eMessage), not from the site's
name, the visitor's clock or the comment list below it; an entry that is an image alone is still a record, a
sentence opening with a date keeps its date, and the date archive is no record."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest

from tests.helpers import migrator
from tests.sites import ucoznews
from tests.sites.server import RouteServer, serve

ZONE = "Asia/Krasnoyarsk"


@pytest.fixture(scope="module")
def server() -> Iterator[RouteServer]:
    with serve("127.0.0.1", ucoznews.route) as running:
        yield running


@pytest.fixture(scope="module")
def records(server: RouteServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    db = tmp_path_factory.mktemp("ucoznews") / "news.db"
    proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", ZONE)
    assert proc.returncode == 0, proc.stderr[-3000:]
    proc = migrator("export", "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {r["url"][len(server.url):]: r for r in map(json.loads, proc.stdout.splitlines())}


def test_every_entry_is_one_record_and_the_archive_none(records: dict[str, dict]) -> None:
    assert set(records) == set(ucoznews.ENTRIES)


@pytest.mark.parametrize("path", sorted(ucoznews.ENTRIES))
def test_fields_come_from_the_entry_block(records: dict[str, dict], path: str) -> None:
    title, clock, author, _, comments = ucoznews.ENTRIES[path]
    record = records[path]
    year, month, day, _ = (int(p) for p in path.rsplit("/", 1)[1].split(".")[0].split("-"))
    when = datetime.fromisoformat(record["published_at"]).astimezone(ZoneInfo(ZONE))
    assert (record["title"], when.strftime("%Y-%m-%d %H:%M"), record["author"], len(record["comments"])) == \
        (title, f"{year}-{month:02d}-{day:02d} {clock}", author, comments)


def test_a_sentence_opening_with_a_date_keeps_it(records: dict[str, dict]) -> None:
    text = records["/news/nedelja_protiv_nasilija/2015-09-03-335.html"]["body_text"]
    assert text.startswith("3 сентября 2015 года в рамках недели против насилия центр провел"), text[:120]
    assert "Спасибо за интересный рассказ" not in text  # the comments are comments, not its text
