"""The Hugo path on the demo site: export speed, ``hugo`` build time, and the diff against the built site.

    python bench/hugo_bench.py [--articles 300] [--rounds 3]

Crawls the demo site once, downloads its media, then per round exports it as a Hugo site (``--media``, links
rewritten) and builds it with ``hugo``; prints each round's wall and CPU seconds and records/s, and the pages
and aliases Hugo wrote (the export's peak memory: ``bench/export_bench.py --formats hugo``). Last, serves ``public/`` with nginx and runs ``migrator diff`` against it.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test sites: tests/sites/
from tests.sites.hugo import missing, serve_public  # noqa: E402
from tests.sites.server import free_port  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(*args: str) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, CPU seconds, the process) of one command; CPU time holds up on a shared machine."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(list(args), capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args[:4])}...: exit {done.returncode}: {done.stderr[-2000:]}")
    return time.perf_counter() - start, _cpu() - cpu, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    hugo = shutil.which("hugo")
    if hugo is None or missing():
        raise SystemExit(missing())
    work = Path(tempfile.mkdtemp(prefix="hugo-bench-"))
    me = [sys.executable, "-m", "migrator"]
    try:
        with DemoServer(DemoSite(SiteSpec(articles=args.articles, slow_seconds=0.2))) as old:
            db = work / "site.db"
            run(*me, "crawl", old.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
            run(*me, "media", "--db", str(db), "--download", str(work / "media"))
            records = len(run(*me, "export", "--db", str(db))[2].stdout.splitlines())
            port = free_port()
            new = f"http://127.0.0.1:{port}"
            print(f"hugo {subprocess.run([hugo, 'version'], capture_output=True, text=True).stdout.strip()}")
            print(f"{'round':<6}{'records':>8}{'export s':>10}{'CPU s':>7}{'rec/s':>7}{'hugo s':>8}{'CPU s':>7}")
            for n in range(1, args.rounds + 1):
                site = work / f"site-{n}"
                seconds, cpu, _ = run(*me, "export", "--db", str(db), "--format", "hugo", "--new", new,
                                      "--media", str(work / "media"), "-o", str(site))
                built_s, built_cpu, built = run(hugo, "--source", str(site), "--destination", str(site / "public"))
                print(f"{n:<6}{records:>8}{seconds:>10.2f}{cpu:>7.2f}{records / seconds:>7.0f}{built_s:>8.2f}"
                      f"{built_cpu:>7.2f}")
            counts = dict(re.findall(r"^\s*(Pages|Aliases|Static files)\s*\|\s*(\d+)", built.stdout, re.MULTILINE))
            warnings = [line for line in (built.stdout + built.stderr).splitlines() if re.search(r"WARN|ERROR", line)]
            print(f"hugo wrote: {counts}; warnings or errors: {len(warnings)}")
            redirect_map = work / "redirects.conf"
            run(*me, "redirects", "--db", str(db), "--new", new, "-o", str(redirect_map))
            with serve_public(site / "public", port, work / "nginx", redirect_map) as served:
                diff_s, _, _ = run(*me, "diff", "--db", str(db), "--new", served.url, "--json", str(work / "p.json"))
            summary = json.loads((work / "p.json").read_text(encoding="utf-8"))["summary"]
            print(f"diff against the built site: {diff_s:.1f} s, {summary}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
