"""Scheduled sync: the second (no-change) run's time as a share of the first full crawl's.

    python bench/sync_bench.py [--articles 300] [--fresh-share 0.05] [--chrome-only]

Every run is a ``migrator`` subprocess against one demo site served from another process. The
demo's one slow article (2 s) is in both runs; a sync sends it a conditional request too. A third
run, on a copy of the first crawl's database, is the same no-change sync with the revisit policy on:
``revisit_fresh_days`` set so the newest ``--fresh-share`` of the articles are fresh, expiry 30 days.

Then a site whose ETags hash the page bytes while its "Популярное" block lists the newest articles
(``SiteSpec(chrome_etags=True)``, served in this process): a crawl, a sync after 5 edits, 2 new articles
(one a one-paragraph brief) and 1 removal, and a sync after 3 more new articles. For each sync: what it
reported against the truth, and the share of unchanged articles that cost no full body (answered 304 or
not asked), counted on the server.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import demo_server  # noqa: E402

from migrator.demo.server import DemoServer  # noqa: E402
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
    parser.add_argument("--chrome-only", action="store_true", help="only the chrome-ETag site's syncs")
    args = parser.parse_args()
    if not args.chrome_only:
        no_change(args)
    chrome_etags(args.articles)


def no_change(args: argparse.Namespace) -> None:
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


def no_full_body(site: DemoSite, hits: dict[tuple[str, int], int], unchanged: set[int]) -> tuple[int, float]:
    """(articles of ``unchanged`` sent in full under any URL, share that cost no full body)."""
    paths = {p: i for i in unchanged for p in (site.alias(i), f"/node/{site.nid(i)}")}
    full = len({paths[p] for (p, status) in hits if p in paths and status == 200})
    return full, 1 - full / max(len(unchanged), 1)


def chrome_etags(articles: int) -> None:
    """Syncs of a site whose ETags follow the page chrome: exact reports, and how many full bodies they cost."""
    spec = SiteSpec(articles=articles, slow_seconds=0.2, chrome_etags=True)
    first = DemoSite(spec)
    special = {*first.specials.transient, first.specials.slow, first.specials.loop_linker, *first.specials.dead_linkers}
    calm = [i for i in range(2, first.n - 2) if i not in special and not any(first.hidden(j) for j in (i - 1, i, i + 1))]
    chosen = calm[:: max(1, len(calm) // 6)][:6]
    edited, removed = tuple(first.nid(i) for i in chosen[:5]), first.nid(chosen[5])
    with tempfile.TemporaryDirectory() as tmp:
        db, report = Path(tmp) / "chrome.db", Path(tmp) / "report.json"
        with DemoServer(first) as server:
            base, port = server.url, int(server.url.rsplit(":", 1)[1])
            crawl = timed("crawl", base + "/", "--db", str(db), "--timezone", "Europe/Moscow")
        print(f"chrome-ETag site, {articles} articles: crawl {crawl:.1f}s")
        later = SiteSpec(**{**spec.__dict__, "edited": edited, "added": 2, "briefs": 1, "removed": (removed,),
                            "version": 1})
        again = SiteSpec(**{**later.__dict__, "added": 5, "version": 2})
        for name, version in (("sync after 5 edits, 2 new (1 brief), 1 removed", later), ("next sync, 3 new", again)):
            site = DemoSite(version)
            with DemoServer(site, port=port) as server:
                seconds = timed("sync", base + "/", "--db", str(db), "--timezone", "Europe/Moscow",
                                "--report", str(report))
                hits = dict(server.hits)
            got = json.loads(report.read_text())
            unchanged = {i for i in range(site.n) if site.reachable(i) and site.nid(i) not in {*edited, removed}}
            full, share = no_full_body(site, hits, unchanged)
            print(f"{name}: {seconds:.1f}s; reported {len(got['new'])} new, {len(got['updated'])} updated, "
                  f"{len(got['gone'])} gone, {got['unchanged']} unchanged; {full} of {len(unchanged)} unchanged "
                  f"articles sent in full: {share:.1%} cost no full body")
        with sqlite3.connect(db) as conn:
            for host, choice, reason, evidence in conn.execute("SELECT host, choice, reason, evidence FROM site_validators"):
                print(f"validators for {host}: {choice} ({reason}); evidence {evidence}")


def fresh_days_for(articles: int, share: float) -> int:
    """Days since the publication of the article at the newest ``share`` of the demo site, plus one."""
    site = DemoSite(SiteSpec(articles=articles))
    newest = site.published(site.n - max(1, round(site.n * share)))
    return (datetime.now(timezone.utc) - newest).days + 1


if __name__ == "__main__":
    main()
