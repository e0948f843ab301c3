"""Our extraction against trafilatura on the same pages: ms/page, in one run, alternating.

    python bench/extract_bench.py [--pages 300]

Pages: article pages of the generated demo site (our Drupal 6 profile) and the real pages of
../shared/data/aeb-dev (our generic extractor). Each extractor gets the same decoded text.
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

from migrator.demo.site import DemoSite, SiteSpec
from migrator.encoding import decode_html
from migrator.extract import extract
from migrator.mapping import load_config

AEB = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "aeb-dev" / "html"


def demo_pages(count: int) -> list[tuple[str, str]]:
    site = DemoSite(SiteSpec(articles=max(count, 50)))
    pages = []
    for item in site.truth()[:count]:
        status, headers, body = site.respond("GET", item["url"], {})
        content_type = dict(headers).get("Content-Type", "")
        if status == 200:
            pages.append(("http://demo.test" + item["url"], decode_html(body, content_type).text))
    return pages


def aeb_pages() -> list[tuple[str, str]]:
    if not AEB.is_dir():
        return []
    return [(f"http://aeb.test/{p.name}", decode_html(gzip.decompress(p.read_bytes())).text)
            for p in sorted(AEB.glob("*.html.gz"))]


def timed(func: Callable[[str, str], object], pages: list[tuple[str, str]]) -> float:
    started = time.perf_counter()
    for url, html in pages:
        func(url, html)
    return (time.perf_counter() - started) * 1000 / max(len(pages), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    config = load_config(None, start_url="http://demo.test/", timezone="Europe/Moscow")
    ours = lambda url, html: extract(url, html, config)  # noqa: E731
    theirs = lambda url, html: trafilatura.extract(html, url=url, with_metadata=True)  # noqa: E731
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}")
    for name, pages in (("demo (drupal6 profile)", demo_pages(args.pages)), ("aeb-dev (generic)", aeb_pages())):
        if not pages:
            continue
        ours_ms, theirs_ms = [], []
        for i in range(args.rounds):
            order = (ours, theirs) if i % 2 == 0 else (theirs, ours)
            for func in order:
                (ours_ms if func is ours else theirs_ms).append(timed(func, pages))
        o, t = statistics.median(ours_ms), statistics.median(theirs_ms)
        print(json.dumps({"pages": name, "count": len(pages), "migrator_ms_per_page": round(o, 2),
                          "trafilatura_ms_per_page": round(t, 2), "ratio": round(o / t, 3)}))


if __name__ == "__main__":
    main()
