"""The speed-up of a distributed crawl from 1 to 2 workers, beside a single-process crawl, in one run.

    python bench/workers_bench.py                      # 2,000 articles, 2 rounds
    python bench/workers_bench.py --articles 5000 --rounds 3

Each configuration crawls the same demo site (served from its own process) into a fresh database:
``migrator crawl`` alone, then ``migrator crawl --redis URL --workers 1`` and ``--workers 2`` against a
throwaway ``redis-server`` on a free loopback port. Rounds alternate the configurations so that a
machine's drift hits them alike; the best round of each is reported, with the peak RSS of the crawl
and all its children (workers, extraction processes; Redis and the site not counted).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import demo_server, free_port, run_measured  # noqa: E402


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """A redis-server on a free loopback port, persisting nothing."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server)")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def crawl(site: str, db: Path, redis_url: str | None, workers: int) -> dict[str, float]:
    cmd = [sys.executable, "-m", "migrator", "crawl", site + "/", "--db", str(db), "--timezone", "Europe/Moscow"]
    if redis_url:
        cmd += ["--redis", redis_url, "--workers", str(workers)]
    proc, wall, peak = run_measured(cmd)
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({' '.join(cmd[3:])}):\n{proc.stderr[-3000:]}")
    with sqlite3.connect(db) as conn:
        pages = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
        records = conn.execute("SELECT count(*) FROM articles WHERE state = 'live'").fetchone()[0]
    return {"pages": pages, "records": records, "wall_s": round(wall, 2), "pages_per_s": round(pages / wall, 1),
            "peak_rss_mb": round(peak / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; demo site of {args.articles} articles")
    configs = {"single process": 0, "redis, 1 worker": 1, "redis, 2 workers": 2}
    best: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp_dir, demo_server(args.articles) as site:
        tmp = Path(tmp_dir)
        with redis_server(tmp) as redis_url:
            for round_ in range(args.rounds):
                for name, workers in configs.items():
                    db = tmp / f"{round_}-{workers}.db"
                    result = crawl(site, db, redis_url if workers else None, workers)
                    print(json.dumps({"config": name, "round": round_ + 1, **result}), flush=True)
                    if name not in best or result["wall_s"] < best[name]["wall_s"]:
                        best[name] = result
                    db.unlink()
    one, two = best["redis, 1 worker"], best["redis, 2 workers"]
    print(json.dumps({"speedup_1_to_2_workers": round(two["pages_per_s"] / one["pages_per_s"], 2),
                      "redis_1_worker_vs_single_process": round(one["pages_per_s"] / best["single process"]["pages_per_s"], 2),
                      **{f"{name} pages/s": result["pages_per_s"] for name, result in best.items()},
                      **{f"{name} peak MB": result["peak_rss_mb"] for name, result in best.items()}}))


if __name__ == "__main__":
    main()
