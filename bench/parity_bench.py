"""The parity diff against many seeded counterparts: how often it reports exactly what was planted, and how fast.

    python bench/parity_bench.py [--articles 300] [--seeds 20] [--per-kind 3] [--pattern "/p/{node}-{slug}.html"]
                                 [--when given|before|after]

Crawls the demo site once, exports it, then for each seed builds a new-platform counterpart
(``migrator.demo.newsite``) with ``--per-kind`` faults of every kind, serves it and runs the diff
in-process. With ``--pattern`` the counterpart uses URLs the diff is not told, so every article is
paired by its redirects and its text alone. ``--when`` is where the old URLs answer: ``given`` tells the
diff (``old_base`` = the counterpart); ``before`` cut-over, the old site is served again where it was
crawled and the diff is told nothing; ``after``, the counterpart is served there too (DNS moved), its
redirects pointing at its own host, and the diff is told nothing. Prints one line per seed and the share
of exact reports.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from migrator.crawl import run_crawl
from migrator.cutover.newplatform import NewPlatform
from migrator.demo.newsite import NewSite
from migrator.demo.run import demo_config
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.parity.diff import diff
from migrator.store import Store


def crawled_records(articles: int, db: Path) -> tuple[list[dict[str, Any]], int]:
    """The demo site's records, as `migrator demo` crawls them, and the port it was served on."""
    with DemoServer(DemoSite(SiteSpec(articles=articles, slow_seconds=0.1))) as server:
        run_crawl(demo_config(server.url), str(db), command="crawl")
        port = int(server.url.rsplit(":", 1)[1])
    store = Store(db, create=False)
    records = list(store.records())
    store.close()
    return records, port


def run_diff(records: list[dict[str, Any]], site: NewSite, when: str, old_port: int, articles: int) -> tuple[Any, str]:
    """The diff's report and the counterpart's URL, with the old URLs answering as ``when`` says."""
    with DemoServer(site) as server:
        platform = NewPlatform().with_base(server.url)
        if when == "given":
            return diff(records, platform, old_base=server.url).as_dict(), server.url
        if when == "before":
            old_site: Any = DemoSite(SiteSpec(articles=articles, slow_seconds=0.1))
        else:
            site.public_base, old_site = server.url, site
        with DemoServer(old_site, port=old_port):
            return diff(records, platform).as_dict(), server.url


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
    parser.add_argument("--when", default="given", choices=["given", "before", "after"],
                        help="where the old URLs answer (see above)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        records, old_port = crawled_records(args.articles, Path(tmp) / "old.db")
    exact = 0
    for seed in range(1, args.seeds + 1):
        site = NewSite(records, NewPlatform(url_pattern=args.pattern), seed=seed, per_kind=args.per_kind, missing=3)
        started = time.perf_counter()
        report, base = run_diff(records, site, args.when, old_port, args.articles)
        seconds = time.perf_counter() - started
        ok = as_truth(report) == site.truth(base)
        exact += ok
        print(f"seed {seed}: {'exact' if ok else 'WRONG'} {report['summary']} in {seconds:.1f} s", flush=True)
    print(f"{exact} of {args.seeds} reports exact ({len(records)} articles, pattern {args.pattern}, "
          f"old URLs: {args.when})")


if __name__ == "__main__":
    main()
