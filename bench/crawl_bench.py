"""Full pipeline against a bare Scrapy crawl of the same local site, alternating, in one run.

    python bench/crawl_bench.py                 # demo size (300 articles) and a 5,000-article variant
    python bench/crawl_bench.py --articles 300 --rounds 3
    python bench/crawl_bench.py --site heavy --articles 5000 --rounds 1   # heavy generic pages (tests.sites.heavy)
    python bench/crawl_bench.py --mirror ex-animo+ex-animo.github.io --mirror BalalaikaCr3w+ctfcrew.org
    python bench/crawl_bench.py --mirror MetaReciclagem+MetaReciclagem.github.io --max-pages 3000 --rounds 1
    python bench/crawl_bench.py --mirror BalalaikaCr3w+ctfcrew.org --before ../base-checkout   # before/after

``--mirror`` (repeatable) serves a saved real site (a fetched bare git dir: a path, or a name under
../.mirror as ``owner+name``) with ../shared/tools/serve_mirror.py and crawls it both ways: the bare
spider (bench/bare_spider.py, same per-host concurrency, no extraction) and ``migrator crawl URL --db TMP
--timezone Europe/Moscow`` with no mapping. With mirrors only, no generated site runs unless ``--articles``
is given too. ``--max-pages`` caps both crawls (``migrator crawl --max-pages``; the bare spider stops
scheduling at as many distinct URLs).

A saved site whose links are absolute (``http://mircsgo.ru/...``: ex-animo) is crawled at its own host
through the local server as an HTTP proxy (``http_proxy``; serve_mirror.py answers absolute request lines
by their path): ``--mirror DIR=HOST`` names the host, else the host most of the front page's links name
is taken when they outnumber its relative links.

Prints, per site, pages and seconds of each, pages/s, their ratio (pipeline / bare: above 1 the pipeline
is faster), peak RSS (the process and its children) and CPU seconds (user + sys, children included);
a table of all sites at the end. Rates use the crawl time each process measured itself (interpreter
start-up excluded); wall time is printed beside it. Both crawls alternate over ``--rounds`` (the first
round starts with the pipeline, the next with the bare crawl...); medians are reported.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import sys
import tempfile
import urllib.request
from collections import Counter
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import demo_server, mirror_dir, mirror_server, run_measured_cpu  # noqa: E402

HERE = Path(__file__).resolve().parent


def full_pipeline(url: str, db: Path, max_pages: int | None = None, env: dict[str, str] | None = None,
                  code: Path | None = None) -> dict[str, float]:
    """``code``: the checkout whose migrator crawls (PYTHONPATH), else this interpreter's."""
    cmd = [sys.executable, "-m", "migrator", "crawl", url + "/", "--db", str(db), "--timezone", "Europe/Moscow"]
    if code is not None:
        env = {**(env or {}), "PYTHONPATH": str(code)}
    if max_pages is not None:
        cmd += ["--max-pages", str(max_pages)]
    proc, wall, peak, cpu = run_measured_cpu(cmd, env)
    if proc.returncode != 0:
        raise SystemExit(f"pipeline crawl failed:\n{proc.stderr[-3000:]}")
    stats = json.loads(sqlite3.connect(db).execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    return {"pages": stats["pages"], "seconds": stats["seconds"], "wall": wall, "rss": peak, "cpu": cpu,
            "articles": stats["articles"]}


def bare_crawl(url: str, max_pages: int | None = None, env: dict[str, str] | None = None) -> dict[str, float]:
    from migrator.mapping import load_config

    config = load_config(None, start_url=url + "/")
    deny = [*config.deny, *config.budgets]  # a bare crawler has no budgets: keep it out of the traps
    cmd = [sys.executable, str(HERE / "bare_spider.py"), url + "/", json.dumps(deny)]
    if max_pages is not None:
        cmd.append(str(max_pages))
    proc, wall, peak, cpu = run_measured_cpu(cmd, env)
    if proc.returncode != 0:
        raise SystemExit(f"bare crawl failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"pages": result["pages"], "seconds": result["seconds"], "wall": wall, "rss": peak, "cpu": cpu}


SITES = {"demo": ("migrator.demo.server", 7), "heavy": ("tests.sites.heavy", 5)}


def pair(server: Callable[[], AbstractContextManager[tuple[str, dict[str, str] | None]]], rounds: int,
         max_pages: int | None = None, before: Path | None = None) -> dict[str, object]:
    """Both crawls of the site ``server`` serves (its URL and the environment to reach it), alternated over
    ``rounds``; medians, the ratio, peak RSS, CPU time. ``before``: another checkout's pipeline too, in the
    same rounds (``before_*`` figures)."""
    full, bare, old = [], [], []
    with server() as (url, env), tempfile.TemporaryDirectory() as tmp:
        for i in range(rounds):
            order = [0, 1] + ([2] if before is not None else [])
            order = order[i % len(order):] + order[:i % len(order)]  # each crawl leads a round in turn
            for which in order:
                if which == 0:
                    full.append(full_pipeline(url, Path(tmp) / f"run{i}.db", max_pages, env))
                elif which == 1:
                    bare.append(bare_crawl(url, max_pages, env))
                else:
                    old.append(full_pipeline(url, Path(tmp) / f"before{i}.db", max_pages, env, before))
    rate = lambda runs: statistics.median(r["pages"] / r["seconds"] for r in runs)  # noqa: E731
    median = lambda runs, key: statistics.median(r[key] for r in runs)  # noqa: E731
    found: dict[str, object] = {}
    if old:
        found = {"before_pages_per_s": round(rate(old), 1), "before_ratio": round(rate(old) / rate(bare), 3),
                 "before_peak_rss_mb": round(max(r["rss"] for r in old) / 2**20, 1),
                 "before_s": round(median(old, "seconds"), 2), "before_cpu_s": round(median(old, "cpu"), 2),
                 "before_cpu_ms_per_page": round(1000 * median(old, "cpu") / max(old[-1]["pages"], 1), 1)}
    return {
        **found,
        "pipeline_pages": full[-1]["pages"], "bare_pages": bare[-1]["pages"],
        "pipeline_articles": full[-1]["articles"],
        "pipeline_pages_per_s": round(rate(full), 1), "bare_pages_per_s": round(rate(bare), 1),
        "ratio": round(rate(full) / rate(bare), 3),
        "pipeline_peak_rss_mb": round(max(r["rss"] for r in full) / 2**20, 1),
        "bare_peak_rss_mb": round(max(r["rss"] for r in bare) / 2**20, 1),
        "pipeline_s": round(median(full, "seconds"), 2), "bare_s": round(median(bare, "seconds"), 2),
        "pipeline_wall_s": round(median(full, "wall"), 2), "bare_wall_s": round(median(bare, "wall"), 2),
        "pipeline_cpu_s": round(median(full, "cpu"), 2), "bare_cpu_s": round(median(bare, "cpu"), 2),
        "pipeline_cpu_ms_per_page": round(1000 * median(full, "cpu") / max(full[-1]["pages"], 1), 1),
        "bare_cpu_ms_per_page": round(1000 * median(bare, "cpu") / max(bare[-1]["pages"], 1), 1),
    }


@contextmanager
def _direct(server: AbstractContextManager[str]) -> Iterator[tuple[str, None]]:
    with server as url:
        yield url, None


_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']?([^"' >]+)""", re.I)


def own_host(front_page: str) -> str | None:
    """The host a saved site's front page links to absolutely, when such links outnumber its relative ones.

    >>> own_host('<a href="http://old.test/a">a</a><a href="http://old.test/b">b</a><a href="/c">c</a>')
    'old.test'
    >>> own_host('<a href="/a">a</a><a href="b.html">b</a><a href="http://other.test/">x</a>') is None
    True
    """
    hosts: Counter[str] = Counter()
    relative = 0
    for href in _HREF.findall(front_page):
        if href.startswith(("http://", "https://")):
            hosts[urlsplit(href).netloc.lower()] += 1
        elif not href.startswith(("#", "mailto:", "javascript:", "//")):
            relative += 1
    top = hosts.most_common(1)
    return top[0][0] if top and top[0][1] > relative else None


@contextmanager
def _mirror(mirror: Path, host: str | None, port: int | None = None) -> Iterator[tuple[str, dict[str, str] | None]]:
    """The mirror served (on ``port``, else any free one); at its own host through the local server as an HTTP
    proxy when its links are absolute."""
    with mirror_server(mirror, port=port) as local:
        if host is None:
            host = own_host(urllib.request.urlopen(local + "/", timeout=30).read().decode("utf-8", "replace"))
        if host is None:
            yield local, None
        else:
            print(f"{mirror}: crawled as http://{host}/ through {local} as its proxy", file=sys.stderr)
            yield f"http://{host}", {"http_proxy": local, "HTTP_PROXY": local, "no_proxy": "", "NO_PROXY": ""}


def bench(articles: int, rounds: int, site: str = "demo", max_pages: int | None = None,
          before: Path | None = None) -> dict[str, object]:
    module, seed = SITES[site]
    found = pair(lambda: _direct(demo_server(articles, seed, module)), rounds, max_pages, before)
    return {"site": site, "articles": articles, "rounds": rounds, **found}


def bench_mirror(spec: str, rounds: int, max_pages: int | None = None, before: Path | None = None
                 ) -> dict[str, object]:
    """``spec``: a mirror (path or ``owner+name``), optionally ``=HOST``, the host its absolute links name."""
    name, _, host = spec.partition("=")
    mirror = mirror_dir(name)
    label = mirror.parent.name if mirror.name == "repo" else mirror.name
    found = pair(lambda: _mirror(mirror, host or None), rounds, max_pages, before)
    return {"site": label, "max_pages": max_pages, "rounds": rounds, **found}


def before_table(rows: list[dict[str, Any]]) -> str:
    """The runs with ``--before`` as a Markdown table: per site, the other checkout's pipeline against ours."""
    lines = ["| site | pages bare / ours | ratio before / after (wall) | CPU s bare / before / after "
             "| CPU ms per page before / after | peak RSS MB before / after |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['site']} | {r['bare_pages']} / {r['pipeline_pages']} | {r['before_ratio']} / "
                     f"**{r['ratio']}** | {r['bare_cpu_s']} / {r['before_cpu_s']} / {r['pipeline_cpu_s']} "
                     f"| {r['before_cpu_ms_per_page']} / {r['pipeline_cpu_ms_per_page']} "
                     f"| {r['before_peak_rss_mb']} / {r['pipeline_peak_rss_mb']} |")
    return "\n".join(lines)


def table(rows: list[dict[str, Any]]) -> str:
    """The runs as a Markdown table: per site, bare against ours."""
    lines = ["| site | pages bare / ours | bare s | ours s | bare pages/s | ours pages/s | ratio ours/bare "
             "| CPU s bare / ours | peak RSS MB bare / ours |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['site']} | {r['bare_pages']} / {r['pipeline_pages']} | {r['bare_s']} | {r['pipeline_s']} "
                     f"| {r['bare_pages_per_s']} | {r['pipeline_pages_per_s']} | **{r['ratio']}** "
                     f"| {r['bare_cpu_s']} / {r['pipeline_cpu_s']} | {r['bare_peak_rss_mb']} / {r['pipeline_peak_rss_mb']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, nargs="+", default=None,
                        help="generated sites of these sizes (default 300 5000, none when --mirror is given)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--site", choices=sorted(SITES), default="demo")
    parser.add_argument("--mirror", action="append", default=[], metavar="DIR[=HOST]",
                        help="a saved real site: bare git dir, or owner+name under ../.mirror (repeatable); "
                             "=HOST: crawl it at that host through the local server as a proxy")
    parser.add_argument("--max-pages", type=int, default=None, help="cap both crawls (scheduling stops at N)")
    parser.add_argument("--before", type=Path, default=None, metavar="CHECKOUT",
                        help="another checkout's pipeline too (run with PYTHONPATH=CHECKOUT), alternated in the "
                             "same rounds: the before and after of a change in one run")
    args = parser.parse_args()
    articles = args.articles if args.articles is not None else ([] if args.mirror else [300, 5000])
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, load {os.getloadavg()[0]:.2f}")
    rows = []
    for count in articles:
        rows.append(bench(count, args.rounds, args.site, args.max_pages, args.before))
        print(json.dumps(rows[-1]), flush=True)
    for name in args.mirror:
        rows.append(bench_mirror(name, args.rounds, args.max_pages, args.before))
        print(json.dumps(rows[-1]), flush=True)
    if len(rows) > 1 or args.mirror:
        print(table(rows))
        if args.before is not None:
            print(before_table(rows))


if __name__ == "__main__":
    main()
