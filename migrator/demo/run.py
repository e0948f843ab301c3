"""``migrator demo``: serve the bundled demo site, migrate it, score the result against its truth, then
export it, serve its new-platform counterpart (with planted differences) and diff the two."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from migrator.crawl import CrawlSummary, run_crawl
from migrator.cutover.export import export_store
from migrator.cutover.newplatform import NewPlatform
from migrator.demo.newsite import NewSite
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.mapping import load_config
from migrator.parity.diff import diff
from migrator.parity.evaluate import compare
from migrator.parity.report import render
from migrator.store import Store

DEMO_MAPPING = "demo.toml"


@dataclass
class DemoReport:
    summary: CrawlSummary
    quality: dict[str, Any]
    sample: dict[str, Any]
    export: str = ""
    #: the diff against the counterpart: its summary, whether it found exactly what was planted, the HTML report
    parity: dict[str, Any] = field(default_factory=dict)
    parity_html: str = ""


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


def run_demo(db: str, *, articles: int = 300, seed: int = 7, theme: str = "garland", zoo: bool = False) -> DemoReport:
    """A fresh demo database: crawl the demo site with its mapping, then score it (``zoo``: the site's
    markup drawn from ``seed``, as tests/test_drupal_zoo.py draws it)."""
    for suffix in ("", "-wal", "-shm"):
        Path(db + suffix).unlink(missing_ok=True)
    site = DemoSite(SiteSpec(seed=seed, articles=articles, theme=theme, zoo=zoo))
    with DemoServer(site) as server:
        summary = run_crawl(demo_config(server.url), db, command="demo")
        truth = absolute_truth(site, server.url)
    store = Store(db, create=False)
    records = list(store.records())
    export = str(Path(db).with_suffix(".jsonl"))
    with open(export, "w", encoding="utf-8") as out:  # links between articles rewritten to new (root-relative) URLs
        export_store(store, "jsonl", out, platform=NewPlatform(), rewrite_links=True)
    store.close()
    sample = dict(records[0]) if records else {}
    if sample:
        sample["body_html"] = sample["body_html"][:300] + "…"
        sample["body_text"] = sample["body_text"][:300] + "…"
    report = DemoReport(summary, compare(records, truth), sample, export)
    if records:
        report.parity, report.parity_html = parity(export, str(Path(db).with_name(Path(db).stem + "-parity.html")))
    return report


def parity(export: str, html_path: str, seed: int = 1) -> tuple[dict[str, Any], str]:
    """Serve the counterpart built from the export, diff the export against it, write the HTML report.

    Returns the report's summary, with ``as_planted``: whether it names exactly the planted differences.
    """
    with open(export, encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    site = NewSite(records, seed=seed)
    with DemoServer(site) as server:
        found = diff(records, NewPlatform().with_base(server.url), old_base=server.url).as_dict()
        truth = site.truth(server.url)
    Path(html_path).write_text(render(found, "Parity: the demo site vs its new-platform counterpart"),
                               encoding="utf-8")
    got = {"missing": {m["old_url"] for m in found["missing"]},
           "changed": {c["old_url"]: c["fields"] for c in found["changed"]},
           "broken_redirects": {b["old_url"]: b["suggested"] for b in found["broken_redirects"]}}
    return {**found["summary"], "as_planted": got == truth}, str(Path(html_path).resolve())


def serve_forever(*, articles: int, seed: int, theme: str, zoo: bool = False, port: int = 8000) -> None:
    site = DemoSite(SiteSpec(seed=seed, articles=articles, theme=theme, zoo=zoo))
    with DemoServer(site, port=port) as server:
        print(f"serving the demo site on {server.url}/ (Ctrl-C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
