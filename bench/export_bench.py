"""Exports keep memory flat: peak RSS of ``migrator export`` at 10k and 100k synthetic records.

    python bench/export_bench.py [--sizes 10000 100000] [--formats jsonl csv markdown wxr]

Each record is a realistic article (3 KB body with internal links, 3 comments, 2 tags, 2 aliases).
Every export runs in its own process (``--new`` given, so links are rewritten and new URLs computed);
the peak RSS is the child's ``ru_maxrss``. Flat means the 100k peak is within a few MB of the 10k peak.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from migrator.store import Store

WORDS = "учёные физики создали лазер новый материал испытают в томске открытие работа выполнена".split()


def build(db: Path, count: int, seed: int = 7) -> None:
    """A store with ``count`` live articles, written with plain SQL for speed."""
    rng = random.Random(seed)
    store = Store(db)
    conn = store.db.conn
    base = "http://old.example.ru"
    with store.batch():
        for i in range(count):
            nid = 1000 + i
            slug = "-".join(rng.choice(WORDS) for _ in range(5)) + f"-{i}"
            url = f"{base}/news/{2005 + i % 10}/{1 + i % 12:02d}/{slug}"
            link = f"{base}/node/{1000 + rng.randrange(count)}"
            body = "".join(f"<p>{' '.join(rng.choice(WORDS) for _ in range(60))}</p>" for _ in range(5))
            body += f'<p><a href="{link}">ранее</a> <a href="{base}/?q=node/{nid}">здесь</a></p>'
            comments = [{"author": "kvant", "published_at": "2014-10-21T09:06:00+04:00", "body_text": "Интересно."}] * 3
            conn.execute(
                "INSERT INTO articles (source_id, url, title, published_at, tags, sources, images, body_html, "
                "body_text, comments, comment_count, content_hash, fetched_at, state) "
                "VALUES (?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, 3, 'x', '2026-01-01T00:00:00+00:00', 'live')",
                [f"node/{nid}", url, slug.replace("-", " "), f"{2005 + i % 10}-{1 + i % 12:02d}-10T12:00:00+03:00",
                 json.dumps(["Физика", rng.choice(["Медицина", "Нанотехнологии"])], ensure_ascii=False),
                 json.dumps([f"{base}/sites/default/files/images/{nid}.jpg"]), body, body,
                 json.dumps(comments, ensure_ascii=False)])
            conn.executemany("INSERT INTO aliases (url, source_id, how, first_run) VALUES (?, ?, 'seen', 1)",
                             [(f"{base}/node/{nid}", f"node/{nid}"), (f"{base}/?q=node/{nid}", f"node/{nid}")])
    store.close()


def measure(db: Path, fmt: str, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one export in a child process."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "migrator", "export", "--db", str(db), "--format", fmt,
                    "--new", "https://new.example.ru", "-o", str(out)], check=True, capture_output=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far: run the sizes in increasing order
    return time.perf_counter() - start, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["jsonl", "csv", "wxr", "markdown"])
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="export-bench-"))
    try:
        print(f"{'format':<10}{'records':>10}{'seconds':>10}{'rec/s':>10}{'peak MB':>10}")
        for fmt in args.formats:
            for size in sorted(args.sizes):
                db = work / f"{size}.db"
                if not db.exists():
                    build(db, size)
                out = work / f"out-{fmt}-{size}"
                # a fresh interpreter per measurement, so one format's peak does not mask the next
                code = (f"import sys; sys.argv=['x']; from bench.export_bench import measure; from pathlib import Path; "
                        f"s, mb = measure(Path({str(db)!r}), {fmt!r}, Path({str(out)!r})); print(s, mb)")
                result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                        cwd=Path(__file__).resolve().parents[1])
                seconds, peak = map(float, result.stdout.split())
                print(f"{fmt:<10}{size:>10}{seconds:>10.1f}{size / seconds:>10.0f}{peak:>10.1f}", flush=True)
                shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
