"""The parity diff against many seeded counterparts: how often it reports exactly what was planted, and how fast.

    python bench/parity_bench.py [--articles 300] [--seeds 20] [--per-kind 3] [--pattern "/p/{node}-{slug}.html"]

Crawls the demo site once, exports it, then for each seed builds a new-platform counterpart
(``migrator.demo.newsite``) with ``--per-kind`` faults of every kind, serves it and runs the diff
in-process. With ``--pattern`` the counterpart uses URLs the diff is not told, so every article is
paired by its redirects and its text alone. Prints one line per seed and the share of exact reports.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from migrator.crawl import run_crawl
from migrator.demo.newsite import NewSite
from migrator.demo.run import demo_config
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.diff import diff
from migrator.newplatform import NewPlatform
from migrator.store import Store


def crawled_records(articles: int, db: Path) -> list[dict[str, Any]]:
    """The demo site's records, as `migrator demo` crawls them."""
    with DemoServer(DemoSite(SiteSpec(articles=articles, slow_seconds=0.1))) as server:
        run_crawl(demo_config(server.url), str(db), command="crawl")
    store = Store(db, create=False)
    records = list(store.records())
    store.close()
    return records


def as_truth(report: dict[str, Any]) -> dict[str, Any]:
    return {"missing": {m["old_url"] for m in report["missing"]},
            "changed": {c["old_url"]: c["fields"] for c in report["changed"]},
            "broken_redirects": {b["old_url"]: b["suggested"] for b in report["broken_redirects"]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--per-kind", type=int, default=3)
    parser.add_argument("--pattern", default="/{year}/{month}/{slug}/", help="the counterpart's URL pattern")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        records = crawled_records(args.articles, Path(tmp) / "old.db")
    exact = 0
    for seed in range(1, args.seeds + 1):
        site = NewSite(records, NewPlatform(url_pattern=args.pattern), seed=seed, per_kind=args.per_kind, missing=3)
        with DemoServer(site) as server:
            started = time.perf_counter()
            report = diff(records, NewPlatform().with_base(server.url), old_base=server.url).as_dict()
            seconds = time.perf_counter() - started
            ok = as_truth(report) == site.truth(server.url)
        exact += ok
        print(f"seed {seed}: {'exact' if ok else 'WRONG'} {report['summary']} in {seconds:.1f} s", flush=True)
    print(f"{exact} of {args.seeds} reports exact ({len(records)} articles, pattern {args.pattern})")


if __name__ == "__main__":
    main()
