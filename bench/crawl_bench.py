"""Full pipeline against a bare Scrapy crawl of the same local demo site, alternating, in one run.

    python bench/crawl_bench.py                 # demo size (300 articles) and a 5,000-article variant
    python bench/crawl_bench.py --articles 300 --rounds 3
    python bench/crawl_bench.py --site heavy --articles 5000 --rounds 1   # heavy generic pages (tests.sites.heavy)

Prints pages/s of each, their ratio (pipeline / bare) and peak RSS. Rates use the crawl time each
process measured itself (interpreter start-up excluded); wall time is printed beside it.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import demo_server, run_measured  # noqa: E402

HERE = Path(__file__).resolve().parent


def full_pipeline(url: str, db: Path) -> dict[str, float]:
    cmd = [sys.executable, "-m", "migrator", "crawl", url + "/", "--db", str(db), "--timezone", "Europe/Moscow"]
    proc, wall, peak = run_measured(cmd)
    if proc.returncode != 0:
        raise SystemExit(f"pipeline crawl failed:\n{proc.stderr[-3000:]}")
    stats = json.loads(sqlite3.connect(db).execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    return {"pages": stats["pages"], "seconds": stats["seconds"], "wall": wall, "rss": peak}


def bare_crawl(url: str) -> dict[str, float]:
    from migrator.mapping import load_config

    config = load_config(None, start_url=url + "/")
    deny = [*config.deny, *config.budgets]  # a bare crawler has no budgets: keep it out of the traps
    proc, wall, peak = run_measured([sys.executable, str(HERE / "bare_spider.py"), url + "/", json.dumps(deny)])
    if proc.returncode != 0:
        raise SystemExit(f"bare crawl failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"pages": result["pages"], "seconds": result["seconds"], "wall": wall, "rss": peak}


SITES = {"demo": ("migrator.demo.server", 7), "heavy": ("tests.sites.heavy", 5)}


def bench(articles: int, rounds: int, site: str = "demo") -> dict[str, object]:
    full, bare = [], []
    module, seed = SITES[site]
    with demo_server(articles, seed, module) as url, tempfile.TemporaryDirectory() as tmp:
        for i in range(rounds):
            order = (0, 1) if i % 2 == 0 else (1, 0)
            for which in order:
                if which == 0:
                    full.append(full_pipeline(url, Path(tmp) / f"run{i}.db"))
                else:
                    bare.append(bare_crawl(url))
    rate = lambda runs: statistics.median(r["pages"] / r["seconds"] for r in runs)  # noqa: E731
    return {
        "site": site, "articles": articles, "rounds": rounds,
        "pipeline_pages": full[-1]["pages"], "bare_pages": bare[-1]["pages"],
        "pipeline_pages_per_s": round(rate(full), 1), "bare_pages_per_s": round(rate(bare), 1),
        "ratio": round(rate(full) / rate(bare), 3),
        "pipeline_peak_rss_mb": round(max(r["rss"] for r in full) / 2**20, 1),
        "bare_peak_rss_mb": round(max(r["rss"] for r in bare) / 2**20, 1),
        "pipeline_wall_s": round(statistics.median(r["wall"] for r in full), 2),
        "bare_wall_s": round(statistics.median(r["wall"] for r in bare), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[300, 5000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--site", choices=sorted(SITES), default="demo")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    for articles in args.articles:
        print(json.dumps(bench(articles, args.rounds, args.site)))


if __name__ == "__main__":
    main()
