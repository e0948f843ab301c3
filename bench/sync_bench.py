"""Scheduled sync: the second (no-change) run's time as a share of the first full crawl's.

    python bench/sync_bench.py [--articles 300]

Both runs are ``migrator`` subprocesses against one demo site served from another process. The
demo's one slow article (2 s) is in both runs; a sync sends it a conditional request too.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import demo_server  # noqa: E402


def timed(*args: str) -> float:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, demo_server(args.articles) as url:
        db = Path(tmp) / "bench.db"
        first = timed("crawl", url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
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


if __name__ == "__main__":
    main()
