"""Our extraction against trafilatura on the same pages: ms/page, in one run, alternating.

    python bench/extract_bench.py [--pages 300] [--rounds 3]

Pages: article pages of the generated demo site (our Drupal 6 profile), the real pages of
../shared/data/aeb-dev and ../shared/data/readability-dev, and generated heavy news pages
(:mod:`tests.sites.heavy`: 75-80 KB, inline scripts and styles) through the generic extractor.
Each extractor gets the same decoded text; trafilatura runs with its defaults plus metadata, as
the issue measured it. Times are CPU ms per page of this process (median of the rounds), the wall-clock
figures beside them; the last line says whether every set is at most half trafilatura's CPU time.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test sites: tests/sites/
from migrator.demo.site import DemoSite, SiteSpec
from migrator.encoding import decode_html
from migrator.extract import extract
from migrator.mapping import load_config
from tests.sites.heavy import HeavySite, HeavySpec  # noqa: E402

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def demo_pages(count: int) -> list[tuple[str, str]]:
    site = DemoSite(SiteSpec(articles=max(count, 50)))
    pages = []
    for item in site.truth()[:count]:
        status, headers, body = site.respond("GET", item["url"], {})
        content_type = dict(headers).get("Content-Type", "")
        if status == 200:
            pages.append(("http://demo.test" + item["url"], decode_html(body, content_type).text))
    return pages


def saved_pages(name: str) -> list[tuple[str, str]]:
    """A shared data set's pages, each with its own URL where the truth gives one."""
    folder = DATA / name
    if not (folder / "html").is_dir():
        return []
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for path in sorted((folder / "html").glob("*.html.gz")):
        key = path.name[: -len(".html.gz")]
        url = truth.get(key, {}).get("url") or f"http://{name}.test/{key}.html"
        pages.append((url, decode_html(gzip.decompress(path.read_bytes())).text))
    return pages


def heavy_pages(count: int) -> list[tuple[str, str]]:
    site = HeavySite(HeavySpec(articles=count))
    return [("http://heavy.test" + item["url"], site.page(item["url"]) or "") for item in site.truth("")]


def timed(func: Callable[[str, str], object], pages: list[tuple[str, str]]) -> tuple[float, float]:
    """(CPU ms, wall ms) per page. CPU time is this process's own: on a machine other jobs share, wall
    time also counts the turns the scheduler gave them, which fall on either extractor's rounds."""
    cpu, wall = time.process_time(), time.perf_counter()
    for url, html in pages:
        func(url, html)
    count = max(len(pages), 1)
    return (time.process_time() - cpu) * 1000 / count, (time.perf_counter() - wall) * 1000 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    config = load_config(None, start_url="http://demo.test/", timezone="Europe/Moscow")
    sets = [("demo (drupal6 profile)", demo_pages(args.pages)), ("aeb-dev (generic)", saved_pages("aeb-dev")),
            ("readability-dev (generic)", saved_pages("readability-dev")),
            ("heavy (generic, >=50 KB)", heavy_pages(min(args.pages, 200)))]
    ours = lambda url, html: extract(url, html, config)  # noqa: E731
    theirs = lambda url, html: trafilatura.extract(html, url=url, with_metadata=True)  # noqa: E731
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    ratios = {}
    for name, pages in sets:
        if not pages:
            continue
        ours_ms, theirs_ms = [], []
        for i in range(args.rounds):
            order = (ours, theirs) if i % 2 == 0 else (theirs, ours)
            for func in order:
                (ours_ms if func is ours else theirs_ms).append(timed(func, pages))
        o, t = (statistics.median(m[0] for m in ours_ms), statistics.median(m[0] for m in theirs_ms))
        ow, tw = (statistics.median(m[1] for m in ours_ms), statistics.median(m[1] for m in theirs_ms))
        ratios[name] = o / t
        kb = statistics.median(len(html) for _, html in pages) / 1024
        print(json.dumps({"pages": name, "count": len(pages), "median_kb": round(kb, 1),
                          "migrator_ms_per_page": round(o, 2), "trafilatura_ms_per_page": round(t, 2),
                          "ratio": round(o / t, 3), "wall_ms_per_page": [round(ow, 2), round(tw, 2)],
                          "wall_ratio": round(ow / tw, 3)}), flush=True)
    print(json.dumps({"all_at_most_half": all(r <= 0.5 for r in ratios.values()),
                      "worst": max(ratios, key=ratios.__getitem__) if ratios else None}))


if __name__ == "__main__":
    main()
