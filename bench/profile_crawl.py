"""CPU seconds of one whole crawl, by stage: ``migrator crawl`` under cProfile with a CPU-time clock, extraction
inline (no worker processes, so one profile holds every stage; the pickling a worker costs is left out).

    python bench/profile_crawl.py URL --db X.db [--timezone Europe/Moscow] [--max-pages N] [--out X.prof]

Prints per stage the cumulative CPU seconds of the functions that are that stage (cProfile's ``ct``; the
profiler's own overhead inflates Python-heavy stages more than C ones). ``fetch and Scrapy`` is what is left.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: (stage, (file suffix, function name)...): the stage's CPU is the sum of those functions' cumulative time.
STAGES: list[tuple[str, tuple[tuple[str, str], ...]]] = [
    ("link extraction (spider)", (("spiders/site.py", "_follow_links"),)),
    ("decoding", (("migrator/encoding.py", "decode_html"),)),
    ("extraction (as pages load)", (("migrator/extract/pool.py", "extract"),)),
    ("storage (ingest, store, SQLite)", (("migrator/ingest/ingest.py", "take"),)),
    ("crawl end (all)", (("migrator/sitewide/model.py", "finish"),)),
    ("  listings", (("migrator/sitewide/model.py", "withdraw_listings"),)),
    ("  content regions", (("migrator/sitewide/model.py", "learn_content_regions"),)),
    ("    learning", (("migrator/sitewide/regions.py", "learn_regions"),)),
    ("    re-extraction", (("migrator/sitewide/regions.py", "apply_regions"),)),
    ("  repeated blocks", (("migrator/sitewide/model.py", "remove_repeated_blocks"),)),
    ("  shell pages", (("migrator/sitewide/model.py", "withdraw_shell_pages"),)),
    ("  short entries", (("migrator/sitewide/model.py", "rescue_entries"),)),
    ("run summary", (("migrator/crawl/run.py", "_finish"),)),
]


def cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    """The cumulative seconds of the function(s) named ``name`` in a file ending in ``suffix``, counted once
    (recursive calls and the timed() wrapper of the crawl-end steps do not add up twice)."""
    total = 0.0
    for (path, _line, func), (_cc, _nc, _tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if path.endswith(suffix) and func == name:
            # calls from itself (recursion) are inside its outer calls' time already
            total += ct - sum(c[3] for caller, c in callers.items() if caller[2] == name and caller[0] == path)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--db", required=True)
    parser.add_argument("--timezone", default="Europe/Moscow")
    parser.add_argument("--max-pages", type=int)
    parser.add_argument("--out", help="keep the profile (pstats file)")
    args = parser.parse_args()
    import spiders.settings

    spiders.settings.MIGRATOR_EXTRACT_WORKERS = 0  # type: ignore[assignment]  # inline: one profile, every stage
    from migrator import interrupt
    from migrator.cli import cli

    argv = ["crawl", args.url, "--db", args.db, "--timezone", args.timezone]
    if args.max_pages:
        argv += ["--max-pages", str(args.max_pages)]
    interrupt.install()
    profile = cProfile.Profile(time.process_time)
    started = time.process_time()
    profile.enable()
    try:
        cli.main(argv, prog_name="migrator", standalone_mode=False)
    finally:
        profile.disable()
    total = time.process_time() - started
    if args.out:
        profile.dump_stats(args.out)
    stats = pstats.Stats(profile)
    print("| stage | CPU s | share |\n|---|---|---|")
    known = 0.0
    for stage, funcs in STAGES:
        seconds = sum(cumulative(stats, suffix, name) for suffix, name in funcs)
        if not stage.startswith(" "):
            known += seconds
        print(f"| {stage} | {seconds:.2f} | {100 * seconds / total:.0f}% |")
    print(f"| fetch and Scrapy, start-up (the rest) | {total - known:.2f} | {100 * (total - known) / total:.0f}% |")
    print(f"| **all (CPU of the crawl process, profiled)** | {total:.2f} | |")


if __name__ == "__main__":
    main()
