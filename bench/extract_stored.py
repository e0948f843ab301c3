"""Extraction CPU per page over a crawl database's stored pages, in one process, and a hash of every result: run it
with two checkouts' code, alternated, to time a speed change of the extraction and see its results unchanged.

    PYTHONPATH=BASE .venv/bin/python bench/extract_stored.py c.db     # before
    PYTHONPATH=$PWD .venv/bin/python bench/extract_stored.py c.db     # after: same hash, fewer ms/page
    .venv/bin/python bench/extract_stored.py c.db --pages 20          # the first 20 pages (under valgrind)

Prints ``DB PAGES ms/page MS HASH``: ``time.process_time`` of the extraction of every stored page (by URL order,
with no learned regions, the site's first page extracted once before to warm imports and stoplists) and the first
12 hex digits of a SHA-1 over each result's fields.
"""
from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("db", type=Path)
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages")
    args = parser.parse_args()
    from migrator.extract import extract
    from migrator.mapping import load_config
    from migrator.store import Store

    store = Store(str(args.db))
    urls = [url for (url,) in sqlite3.connect(args.db).execute("SELECT url FROM pages ORDER BY url")]
    pages = [(url, page.text()) for url in urls for page in [store.page(url)] if page is not None and page.text()]
    pages = pages[:args.pages] if args.pages else pages
    if not pages:
        sys.exit(f"{args.db}: no stored page")
    config = load_config(None, start_url=pages[0][0])
    extract(pages[0][0], pages[0][1], config, None)  # imports and trafilatura's stoplists, outside the timing
    digest = hashlib.sha1()
    started = time.process_time()
    for url, html in pages:
        result = extract(url, html, config, None)
        digest.update(repr(sorted((k, repr(v)) for k, v in vars(result).items())).encode())
    ms = (time.process_time() - started) / len(pages) * 1000
    print(args.db.name, len(pages), "ms/page", round(ms, 2), digest.hexdigest()[:12])


if __name__ == "__main__":
    main()
