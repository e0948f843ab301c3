"""Field accuracy on Drupal 6 zoo sites, crawled with no mapping, per seed (one drawn theme and markup each).

For each seed: serve ``SiteSpec(zoo=True, theme="random")`` locally, ``migrator crawl`` it into a fresh SQLite
file (a subprocess, as a user runs it), export, and compare with the site's ground truth
(:func:`migrator.parity.evaluate.compare`): articles found, duplicates, records that are no article, the exact-match
share of every field, body F1, field labels left in any body, briefs kept, and the withdrawals with their
reasons (``migrator status`` lists the same).

    .venv/bin/python bench/zoo_fields.py --seeds 31 32 33 34 35 36
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

from migrator.demo.run import absolute_truth
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.parity.evaluate import FIELDS, compare
from migrator.store import Store

#: Labels and bylines that belong to fields, never to a body.
LABELS = ("Источник(и):", "Источник:", "Источники:", "Source:", "Sources:", "Рубрика:", "Рубрики:", "Теги:",
          "Tags:", "Опубликовано", "Submitted by", "Автор:", "Добавил:", "пользователем")


def migrator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, check=False)


def measure(seed: int, articles: int) -> dict[str, Any]:
    site = DemoSite(SiteSpec(seed=seed, articles=articles, theme="random", zoo=True, archive_items=4,
                             slow_seconds=0.1))
    with tempfile.TemporaryDirectory() as tmp, DemoServer(site) as server:
        db = str(Path(tmp) / "zoo.db")
        crawl = migrator("crawl", server.url + "/", "--db", db, "--timezone", "Europe/Moscow")
        out = migrator("export", "--db", db, "--format", "jsonl")
        truth = absolute_truth(site, server.url)
        withdrawn = Counter(row["reason"] for row in Store(db, create=False).withdrawals())
    records = [json.loads(line) for line in out.stdout.splitlines()]
    by_url = {r["url"]: r for r in records}
    briefs = [t["url"] for t in truth if t.get("brief")]
    return {"site": site, "exit": crawl.returncode, "traceback": "Traceback" in crawl.stderr,
            "quality": compare(records, truth), "briefs": len(briefs), "briefs_kept": sum(u in by_url for u in briefs),
            "labels": sum(1 for r in records for label in LABELS if label in (r["body_text"] or "")),
            "withdrawn": dict(withdrawn)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[31, 32, 33, 34, 35, 36])
    parser.add_argument("--articles", type=int, default=60)
    args = parser.parse_args(argv)
    print("seed | theme, sources, terms, byline | found/all | dup | extra | briefs | "
          + " | ".join(FIELDS) + " | body F1 | labels | withdrawn")
    for seed in args.seeds:
        r = measure(seed, args.articles)
        q, markup = r["quality"], r["site"].markup
        exact = " | ".join(f"{q['exact'][name]:.1%}" for name in FIELDS)
        print(f"{seed} | {r['site'].theme.name}, {markup.sources}, {markup.terms}, {markup.byline} | "
              f"{q['found']}/{q['truth']} | {q['duplicates']} | {q['not_in_truth']} | {r['briefs_kept']}/{r['briefs']} | "
              f"{exact} | {q['body_f1']:.3f} | {r['labels']} | {r['withdrawn'] or 0}"
              + (" | TRACEBACK" if r["traceback"] else "") + (f" | exit {r['exit']}" if r["exit"] else ""), flush=True)


if __name__ == "__main__":
    main()
