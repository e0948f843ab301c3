"""`migrator load` into a real WordPress (tests/sites/wordpress.py: Debian's packages): records/s of a first load,
the diff against what it loaded, then what a no-change load costs (requests by method, writes, seconds).

    python bench/load_bench.py [--articles 300] [--archive 24] [--port 0]

Serves the demo site, crawls it, starts a WordPress under a temporary directory, runs `migrator load` as a user
would (its JSON summary gives the counts), `migrator diff` against WordPress with the old URLs asked at a real nginx
serving the loaded redirect map, then `load` again; one line each.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the test sites: tests/sites/
from tests.sites.wordpress import WordPress, missing_packages  # noqa: E402
from tests.test_cutover import running_nginx  # noqa: E402


def migrator(*args: str, env: dict[str, str] | None = None) -> float:
    """Run ``python -m migrator ARGS``; its wall seconds."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"migrator {args[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--archive", type=int, default=24)
    parser.add_argument("--port", type=int, default=0, help="WordPress's port (the demo site takes the next one)")
    args = parser.parse_args()
    missing = missing_packages()
    if missing:
        raise SystemExit("needs Debian's " + ", ".join(missing))
    root = Path(tempfile.mkdtemp(prefix="migrator-load-bench-"))
    db = root / "site.db"
    spec = SiteSpec(articles=args.articles, archive_items=args.archive, slow_seconds=0.1)
    with DemoServer(DemoSite(spec), port=args.port + 1 if args.port else 0) as site:
        crawl = migrator("crawl", site.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
        print(f"crawl: {crawl:.1f} s")
        with WordPress(root / "wordpress", port=args.port) as wp:
            env = {**os.environ, "WORDPRESS_APP_PASSWORD": wp.password}
            for name in ("first load", "no-change load"):
                out = root / f"{name.replace(' ', '-')}.json"
                seconds = migrator("load", "--db", str(db), "--wordpress", wp.url, "--user", wp.user, "--json",
                                   str(out), env=env)
                summary = json.loads(out.read_text(encoding="utf-8"))
                counts = " ".join(f"{kind}={dict(sorted(c.items()))}" for kind, c in sorted(summary["counts"].items()))
                print(f"{name}: {summary['records']} records in {seconds:.1f} s wall ({summary['seconds']:.1f} s in the "
                      f"loader), {summary['records'] / summary['seconds']:.1f} records/s; requests {summary['requests']}, "
                      f"writes {summary['writes']}; {counts}", flush=True)
                if name == "first load":
                    diff(db, wp.url, root)


def diff(db: Path, new: str, root: Path) -> None:
    """``migrator diff`` against WordPress, the old URLs asked at nginx serving the loaded redirect map."""
    map_file = root / "redirects.conf"
    migrator("redirects", "--db", str(db), "--loaded", "wordpress", "--format", "nginx", "-o", str(map_file))
    (root / "nginx").mkdir(exist_ok=True)
    report = root / "parity.json"
    with running_nginx(map_file, root / "nginx") as nginx:
        done = subprocess.run([sys.executable, "-m", "migrator", "diff", "--db", str(db), "--new", new, "--old-base",
                               nginx["url"], "--json", str(report)], capture_output=True, text=True)
    if not report.exists():
        raise SystemExit(f"migrator diff failed ({done.returncode}): {done.stderr[-2000:]}")
    summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
    print(f"diff (exit {done.returncode}, report {report}): {json.dumps(summary, ensure_ascii=False)}", flush=True)


if __name__ == "__main__":
    main()
