"""``migrator demo``: serve the bundled demo site, migrate it, score the result against its truth."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator.crawl import CrawlSummary, run_crawl
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.evaluate import compare
from migrator.mapping import load_config
from migrator.store import Store

DEMO_MAPPING = "demo.toml"


@dataclass
class DemoReport:
    summary: CrawlSummary
    quality: dict[str, Any]
    sample: dict[str, Any]


def absolute_truth(site: DemoSite, base: str) -> list[dict[str, Any]]:
    """The site's ground truth with absolute URLs, as the records carry them."""
    truth = []
    for item in site.truth():
        item = dict(item)
        item["url"] = base + item["url"]
        item["aliases"] = [base + a for a in item.get("aliases", [])]
        item["images"] = [base + i if i.startswith("/") else i for i in item.get("images", [])]
        truth.append(item)
    return truth


def demo_config(base_url: str) -> Any:
    from importlib.resources import files

    mapping = files("mappings") / DEMO_MAPPING
    return load_config(str(mapping), start_url=base_url + "/")


def run_demo(db: str, *, articles: int = 300, seed: int = 7, theme: str = "garland") -> DemoReport:
    """A fresh demo database: crawl the demo site with its mapping, then score it."""
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    site = DemoSite(SiteSpec(seed=seed, articles=articles, theme=theme))
    with DemoServer(site) as server:
        summary = run_crawl(demo_config(server.url), db, command="demo")
        truth = absolute_truth(site, server.url)
    store = Store(db, create=False)
    records = list(store.records())
    store.close()
    sample = dict(records[0]) if records else {}
    if sample:
        sample["body_html"] = sample["body_html"][:300] + "…"
        sample["body_text"] = sample["body_text"][:300] + "…"
    return DemoReport(summary, compare(records, truth), sample)


def serve_forever(*, articles: int, seed: int, theme: str, port: int = 8000) -> None:
    site = DemoSite(SiteSpec(seed=seed, articles=articles, theme=theme))
    with DemoServer(site, port=port) as server:
        print(f"serving the demo site on {server.url}/ (Ctrl-C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
