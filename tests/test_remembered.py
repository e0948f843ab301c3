"""A database remembers what it is: the first crawl's target, mapping and time zone are what later commands use."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest

from tests.helpers import migrator
from tests.sites.server import RouteServer, free_port, serve

TEXT = " ".join(["Учёные из Томска описали новый способ резки стекла лазером, без трещин и сколов."] * 12)
SLUGS = ("lazer-v-tomske", "most-cherez-tom", "novyj-korpus")


def _page(title: str, day: int) -> str:
    """A news page that prints its date and time without an offset, as most old CMS themes do."""
    return (f"<!doctype html><html lang=ru><head><meta charset=utf-8><title>{title}</title></head><body>"
            f"<article><h1>{title}</h1><div class=date>{day:02d}.10.2014 13:28</div>"
            f"<p>{TEXT}</p><p>{title}. {TEXT}</p></article></body></html>")


def route(path: str) -> tuple[int, dict[str, str], bytes]:
    pages = {f"/news/{slug}": _page(f"Новость {slug}", 10 + i) for i, slug in enumerate(SLUGS)}
    pages["/"] = ('<!doctype html><html><head><meta charset=utf-8><title>Сайт</title></head><body>'
                  + "".join(f'<a href="/news/{slug}">{slug}</a> ' for slug in SLUGS) + "</body></html>")
    html = pages.get(path)
    if html is None:
        return 404, {}, b"<html><body>no</body></html>"
    return 200, {}, html.encode()


@pytest.fixture(scope="module")
def server() -> Iterator[RouteServer]:
    with serve("127.0.0.1", route) as running:
        yield running


def _sync(db: Path, *args: str) -> tuple[int, str, dict[str, list[str]]]:
    report = db.with_name("report.json")
    report.unlink(missing_ok=True)
    proc = migrator("sync", *args, "--db", str(db), "--report", str(report))
    got = json.loads(report.read_text()) if report.exists() else {}
    return proc.returncode, proc.stderr, got


def _dates(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = [r[0] for r in conn.execute("SELECT published_at FROM articles ORDER BY url")]
    conn.close()
    return rows


def test_sync_reads_the_site_as_the_first_crawl_did(server: RouteServer, tmp_path: Path) -> None:
    """A sync without --timezone or --mapping dates nothing anew (it re-dated every record to UTC)."""
    db = tmp_path / "site.db"
    proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Asia/Novosibirsk")
    assert proc.returncode == 0, proc.stderr[-2000:]
    first = _dates(db)
    assert first and all(d.endswith("+07:00") for d in first), first

    code, stderr, report = _sync(db, server.url + "/")
    assert code == 0, stderr[-2000:]
    assert report["updated"] == [] and report["unchanged"] == len(SLUGS), report
    assert _dates(db) == first
    code, stderr, report = _sync(db)  # no target: the remembered one
    assert code == 0, stderr[-2000:]
    assert report["updated"] == [] and report["unchanged"] == len(SLUGS), report


def test_a_sync_of_another_site_is_refused_unless_forced(server: RouteServer, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    assert migrator("crawl", server.url + "/", "--db", str(db)).returncode == 0
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT count(*) FROM runs").fetchone()[0]
    conn.close()
    other = f"http://127.0.0.1:{free_port()}/"
    for command in ("sync", "crawl"):
        proc = migrator(command, other, "--db", str(db))
        assert proc.returncode == 2, proc.stderr[-2000:]
        assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
        assert f"holds {server.url.split('//')[1]}" in proc.stderr and "--force" in proc.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == runs  # nothing written
    conn.close()
    forced = migrator("sync", other, "--db", str(db), "--force", "--max-pages", "1")
    assert forced.returncode == 1 and "holds" not in forced.stderr, forced.stderr[-2000:]  # crawled: nobody there


def test_the_remembered_mapping_is_used_and_a_changed_one_is_said(server: RouteServer, tmp_path: Path) -> None:
    db, mapping = tmp_path / "site.db", tmp_path / "site.toml"
    mapping.write_text('timezone = "Asia/Tokyo"\n\n[new_platform]\nbase_url = "https://new.example.ru"\n'
                       'url_pattern = "/{year}/{slug}/"\n', encoding="utf-8")
    proc = migrator("crawl", server.url + "/", "--db", str(db), "--mapping", str(mapping))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert all(d.endswith("+09:00") for d in _dates(db))
    code, stderr, report = _sync(db)
    assert code == 0 and report["updated"] == [], (stderr[-2000:], report)
    redirects = migrator("redirects", "--db", str(db), "--format", "csv")  # the mapping's [new_platform]
    assert redirects.returncode == 0, redirects.stderr
    assert "https://new.example.ru/2014/lazer-v-tomske/" in redirects.stdout

    mapping.write_text(mapping.read_text(encoding="utf-8").replace("Tokyo", "Kolkata"), encoding="utf-8")
    reclean = migrator("reclean", "--db", str(db), "--dry-run")
    assert reclean.returncode == 0, reclean.stderr
    assert f"{mapping} changed since this database recorded it" in reclean.stderr
    code, stderr, report = _sync(db)
    assert code == 0 and "changed since" in stderr, stderr
    assert sorted(report["updated"]) == sorted(f"{server.url}/news/{slug}" for slug in SLUGS)
    assert all(d.endswith("+05:30") for d in _dates(db))
    code, stderr, report = _sync(db)  # the new text is remembered now
    assert code == 0 and "changed since" not in stderr and report["updated"] == [], (stderr, report)

    mapping.unlink()
    code, stderr, _ = _sync(db)
    assert code == 2 and "the mapping this database was crawled with is gone" in stderr, stderr


def test_a_file_crawled_before_the_site_table_gets_it_from_its_first_run(tmp_path: Path) -> None:
    from migrator.store import Store

    db = tmp_path / "old.db"
    store = Store(db)
    store.begin_run("crawl", "http://old.example.ru/", {"timezone": "Europe/Moscow", "mapping": None})
    store.begin_run("sync", "http://old.example.ru/", {"timezone": "UTC"})
    store.close()
    with sqlite3.connect(db) as conn:  # as the releases before the table left the file
        conn.execute("DROP TABLE site")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'site'")
    conn.close()
    store = Store(db)
    site = store.site()
    store.close()
    assert site is not None
    assert (site["target"], site["host"], site["timezone"], site["first_run"]) == \
        ("http://old.example.ru/", "old.example.ru", "Europe/Moscow", 1)
    assert site["options"]["timezone"] == "Europe/Moscow"
