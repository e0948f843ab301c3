"""Field accuracy on the generated uCoz-era site, crawled with no mapping, per seed (one variant each).

For each seed: serve the site locally, ``migrator crawl`` it into a fresh SQLite file (a subprocess, as a
user runs it), export, and compare with the site's ground truth: entries found, records that are no entry,
pages withdrawn (with their reasons), types right, and the exact-match share of title, published_at (to the
minute, with the offset) and author over every entry and forum topic, and of tags (categories) over the news,
article and file entries; trafilatura's metadata on the same pages for comparison.

    .venv/bin/python bench/ucoz_fields.py --seeds 21 22 23 24 25
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test sites: tests/sites/
from migrator.demo.server import DemoServer
from migrator.extract.dates import parse_date
from migrator.store import Store
from tests.sites.ucoz import TIMEZONE, UcozSite, UcozSpec  # noqa: E402

FIELDS = ("title", "published_at", "author", "tags")


def migrator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, check=False)


def trafilatura_fields(site: UcozSite, path: str) -> dict[str, Any]:
    """What trafilatura's metadata says about one entry page."""
    html = site.respond("GET", path, {"Host": "orion.test"})[2].decode("cp1251")
    meta = trafilatura.extract_metadata(html)
    date = parse_date(meta.date, TIMEZONE) if meta and meta.date else None
    return {"title": meta.title if meta else None, "published_at": date, "author": meta.author if meta else None}


def measure(seed: int) -> dict[str, Any]:
    site = UcozSite(UcozSpec(seed=seed))
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site) as server:  # type: ignore[arg-type]
        db = str(Path(tmp) / "ucoz.db")
        crawl = migrator("crawl", server.url + "/", "--db", db, "--timezone", TIMEZONE)
        out = migrator("export", "--db", db, "--format", "jsonl")
        records = {r["url"]: r for r in map(json.loads, out.stdout.splitlines())}
        base = server.url
        truth = site.truth(base)
        withdrawn = Counter(row["reason"] for row in Store(db, create=False).withdrawals())
    entries = [t for t in truth if t["type"] != "forum"]
    result: dict[str, Any] = {
        "seed": seed, "variant": site.variant, "exit": crawl.returncode, "traceback": "Traceback" in crawl.stderr,
        "entries": len(entries), "topics": len(truth) - len(entries),
        "found": sum(1 for t in truth if t["url"] in records),
        "not_entries": len(set(records) - {t["url"] for t in truth}),
        "types": sum(1 for t in truth if (records.get(t["url"]) or {}).get("type") == t["type"]),
        "withdrawn": dict(withdrawn),
    }
    for key in FIELDS:
        over = entries if key == "tags" else truth  # a forum topic has no category
        result[key] = sum(1 for t in over if (records.get(t["url"]) or {}).get(key) == t[key]) / len(over)
    theirs = [trafilatura_fields(site, t["url"][len(base):]) for t in truth]
    for key in ("title", "published_at", "author"):
        result[f"trafilatura_{key}"] = sum(1 for t, m in zip(truth, theirs, strict=False) if m[key] == t[key]) / len(truth)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[21, 22, 23, 24, 25])
    args = parser.parse_args(argv)
    print("seed | variant | found/all | not entries | types | title | date | author | tags | trafilatura t/d/a"
          " | withdrawn")
    for seed in args.seeds:
        r = measure(seed)
        v = r["variant"]
        variant = (f"{v.layout},time:{v.time_place},details:{v.details},date{'' if v.date_shown else ' only in title'},"
                   f"{v.author_label},poster:{v.poster_place}")
        print(f"{seed} | {variant} | {r['found']}/{r['entries'] + r['topics']} | {r['not_entries']} | "
              f"{r['types']}/{r['entries'] + r['topics']} | {r['title']:.0%} | {r['published_at']:.0%} | "
              f"{r['author']:.0%} | {r['tags']:.0%} | {r['trafilatura_title']:.0%}/{r['trafilatura_published_at']:.0%}/"
              f"{r['trafilatura_author']:.0%} | {r['withdrawn']}" + (" | TRACEBACK" if r["traceback"] else "") +
              (f" | exit {r['exit']}" if r["exit"] else ""), flush=True)


if __name__ == "__main__":
    main()
