"""Scheduled sync: the second (no-change) run's time as a share of the first full crawl's.

    python bench/sync_bench.py [--articles 300] [--fresh-share 0.05]

Every run is a ``migrator`` subprocess against one demo site served from another process. The
demo's one slow article (2 s) is in both runs; a sync sends it a conditional request too. A third
run, on a copy of the first crawl's database, is the same no-change sync with the revisit policy on:
``revisit_fresh_days`` set so the newest ``--fresh-share`` of the articles are fresh, expiry 30 days.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import demo_server  # noqa: E402

from migrator.demo.site import DemoSite, SiteSpec  # noqa: E402


def timed(*args: str) -> float:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--fresh-share", type=float, default=0.05)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, demo_server(args.articles) as url:
        db, policy_db, mapping = Path(tmp) / "bench.db", Path(tmp) / "policy.db", Path(tmp) / "policy.toml"
        first = timed("crawl", url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
        shutil.copy(db, policy_db)
        fresh_days = fresh_days_for(args.articles, args.fresh_share)
        mapping.write_text(f"[crawl]\nrevisit_fresh_days = {fresh_days}\nrevisit_expire_days = 30\n")
        third = timed("sync", url + "/", "--db", str(policy_db), "--timezone", "Europe/Moscow", "--mapping", str(mapping))
        with sqlite3.connect(policy_db) as conn:
            policy = json.loads(conn.execute("SELECT stats FROM runs WHERE id = 2").fetchone()[0])
        second = timed("sync", url + "/", "--db", str(db), "--timezone", "Europe/Moscow",
                       "--report", str(Path(tmp) / "report.json"))
        report = json.loads((Path(tmp) / "report.json").read_text())
        with sqlite3.connect(db) as conn:
            runs = {row[0]: json.loads(row[1]) for row in conn.execute("SELECT id, stats FROM runs")}
    crawl_s, sync_s = runs[1]["seconds"], runs[2]["seconds"]
    print(f"demo site, {args.articles} articles")
    print(f"first crawl: {first:.1f}s wall ({crawl_s:.1f}s crawling, {runs[1]['pages']} pages)")
    print(f"no-change sync: {second:.1f}s wall ({sync_s:.1f}s crawling, {runs[2]['pages']} pages); "
          f"changes: {len(report['new'])} new, {len(report['updated'])} updated, {len(report['gone'])} gone, "
          f"{report['unchanged']} unchanged")
    print(f"sync / crawl time: {second / first:.0%} wall, {sync_s / crawl_s:.0%} crawling")
    print(f"no-change sync, revisit policy (fresh {fresh_days} days, {args.fresh_share:.0%} of articles): "
          f"{third:.1f}s wall ({policy['seconds']:.1f}s crawling, {policy['pages']} pages, "
          f"{policy['outcomes'].get('not-due', 0)} articles not due); {third / first:.0%} of the crawl's wall time")


def fresh_days_for(articles: int, share: float) -> int:
    """Days since the publication of the article at the newest ``share`` of the demo site, plus one."""
    site = DemoSite(SiteSpec(articles=articles))
    newest = site.published(site.n - max(1, round(site.n * share)))
    return (datetime.now(timezone.utc) - newest).days + 1


if __name__ == "__main__":
    main()
