"""How cost grows with site size: peak RSS and pages/s of full crawls of generated sites, and loader rows/s.

    python bench/scale_bench.py                          # sites of about 5,000, 20,000 and 100,000 pages
    python bench/scale_bench.py --articles 5000 20000

The demo generator serves about 3.45 pages per article (aliases, /node/N, print pages, listings,
taxonomy, calendar), so the defaults of 1,450, 5,800 and 29,000 articles make sites of about
5k, 20k and 100k pages; every line reports the pages actually crawled.

Each crawl is ``migrator crawl`` in its own process (its extraction workers counted in the peak RSS)
against the demo server in another process. The loader figure re-saves the crawled articles into a
fresh database through ``Store.save_article``, a page's worth of rows per transaction.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import demo_server, run_measured  # noqa: E402


def crawl(articles: int, tmp: Path) -> tuple[dict[str, float], Path]:
    db = tmp / f"site-{articles}.db"
    with demo_server(articles) as url:
        cmd = [sys.executable, "-m", "migrator", "crawl", url + "/", "--db", str(db), "--timezone", "Europe/Moscow"]
        proc, wall, peak = run_measured(cmd)
    if proc.returncode != 0:
        raise SystemExit(f"crawl of {articles} articles failed:\n{proc.stderr[-3000:]}")
    stats = json.loads(sqlite3.connect(db).execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    return {"articles": articles, "pages": stats["pages"], "records": stats["articles"],
            "pages_per_s": round(stats["pages"] / stats["seconds"], 1), "wall_s": round(wall, 1),
            "peak_rss_mb": round(peak / 2**20, 1)}, db


def loader_rows_per_s(source: Path, tmp: Path, limit: int = 5000) -> float:
    """Articles (with comments and aliases) upserted per second into a fresh database."""
    from migrator.record import Article
    from migrator.store import Store

    src = Store(source)
    articles = []
    for record in src.records():
        fields = {k: record[k] for k in ("url", "aliases", "source_id", "title", "published_at", "updated_at",
                                         "author", "tags", "sources", "images", "body_html", "body_text")}
        articles.append(Article(**fields, comments=[], fetched_at=record["fetched_at"]))
        if len(articles) >= limit:
            break
    src.close()
    dest = Store(tmp / "loader.db")
    started = time.perf_counter()
    for article in articles:
        with dest.batch():
            dest.save_article(article, 1)
    seconds = time.perf_counter() - started
    dest.close()
    return round(len(articles) / seconds, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=[1450, 5800, 29000])
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        first = None
        for articles in args.articles:
            result, db = crawl(articles, tmp)
            if first is None:
                first = db
                result["loader_rows_per_s"] = loader_rows_per_s(db, tmp)
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
