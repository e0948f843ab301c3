"""Where a whole crawl's CPU goes, by stage: a py-spy profile of the crawl and its extraction workers, tallied.

    py-spy record --subprocesses -r 100 -f raw -o crawl.raw -- .venv/bin/python -m migrator crawl URL --db X.db
    python bench/profile_stages.py crawl.raw [more.raw ...]

py-spy samples only threads that run (not idle ones), so the samples of a stage are its CPU share. Each stack
is given the first stage whose marker one of its frames carries (the markers are tried in the order below);
the crawl process and the worker processes are told apart by the process line py-spy writes first.
"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

#: (stage, frame markers): the first stage one of whose markers a stack's frames carry.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("start-up (imports)", ("_find_and_load",)),
    ("crawl end: content regions (learning)", ("learn_regions",)),
    ("crawl end: content regions (re-extraction)", ("apply_regions", "_extract_chunk")),
    ("crawl end: repeated blocks", ("remove_repeated_blocks",)),
    ("crawl end: listings", ("withdraw_listings",)),
    ("crawl end: shell pages", ("withdraw_shell_pages",)),
    ("crawl end: short entries", ("rescue_entries",)),
    ("crawl end: other", ("sitewide/",)),
    ("extraction (worker and inline)", ("migrator/extract/__init__.py",)),
    ("pickling / process pool", ("_ForkingPickler", "connection.py", "queues.py", "futures/process.py")),
    ("storage (ingest, store, SQLite)", ("migrator/ingest/", "migrator/store/", "spiders/writer.py")),
    ("link extraction (spider)", ("_follow_links", "spiders/frontier.py")),
    ("decoding", ("decode_html", "migrator/encoding.py")),
    ("fetch and Scrapy (reactor, downloader, scheduler)", ("scrapy/", "twisted/", "asyncio/")),
]

_LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")
#: Leaf frames of a thread that waits (py-spy's idle test misses some on a loaded machine): not counted.
_IDLE = ("Condition.wait (threading", "Selector.select (selectors", "Event.wait (threading", "_wait_for_tstate_lock")


def tally(paths: list[Path]) -> tuple[Counter[str], Counter[str]]:
    """Samples per stage, and per process kind (crawl / worker)."""
    stages: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for path in paths:
        for line in path.read_text(errors="replace").splitlines():
            m = _LINE.match(line)
            if not m:
                continue
            stack, count = m["stack"], int(m["count"])
            frames = stack.split(";")
            if frames[-1].startswith(_IDLE):
                continue
            if len(frames) < 3:  # the process line alone: native code py-spy could not place
                stages["native (no Python frame)"] += count
                continue
            kinds["worker" if frames[1].startswith("process ") else "crawl"] += count
            for name, markers in STAGES:
                if any(marker in stack for marker in markers):
                    stages[name] += count
                    break
            else:
                stages["other"] += count
    return stages, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("raw", nargs="+", type=Path, help="py-spy record -f raw output files")
    parser.add_argument("--rate", type=float, default=100.0, help="py-spy's samples per second (-r)")
    args = parser.parse_args()
    stages, kinds = tally(args.raw)
    total = sum(stages.values()) or 1
    print("| stage | CPU s | share |")
    print("|---|---|---|")
    for name, count in stages.most_common():
        print(f"| {name} | {count / args.rate:.2f} | {100 * count / total:.0f}% |")
    print(f"| **all** | {total / args.rate:.2f} | |")
    print("processes: " + ", ".join(f"{k} {v / args.rate:.2f} s" for k, v in kinds.items()))


if __name__ == "__main__":
    main()
