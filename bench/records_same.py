"""The records a crawl makes, saved to compare the records before and after a speed change.

    python bench/records_same.py --out before --demo --mirror BalalaikaCr3w+ctfcrew.org --mirror ...
    (change the code)
    python bench/records_same.py --out after  --demo --mirror BalalaikaCr3w+ctfcrew.org --mirror ...
    diff -r before after && echo same
    python bench/records_same.py --out after --compare before before2   # the records the befores agree on

For each site, ``migrator crawl`` (``migrator demo`` for the demo, db migrator-demo.db in a temporary folder)
writes a fresh database, and ``migrator export --format jsonl`` its records: ``OUT/<site>.jsonl``, lines
sorted, ``fetched_at`` left out and the local server's address written ``http://local`` (what changes between
two runs of the same code). Beside it,
``OUT/<site>.counts`` holds the run's counts (pages, articles, skipped by reason, withdrawals by reason). The
mirrors are served on fixed ports (``--port``, then the next ones, in the order given), so that the URLs in
the records are the same from one run to the next. Run it with the checkout's interpreter (``.venv/bin/python``):
the crawl runs as ``sys.executable -m migrator``, so PYTHONPATH decides which code crawls.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import mirror_dir  # noqa: E402
from crawl_bench import _mirror  # noqa: E402

#: The local server's address in URLs (the demo's port is any free one): the same from one run to the next.
_LOCAL = re.compile(r"http://127\.0\.0\.1:\d+")


def _counts(value: Any) -> Any:
    """A run's stats without what varies between two runs of the same code: seconds (floats), times, rates."""
    if isinstance(value, dict):
        return {k: _counts(v) for k, v in sorted(value.items())
                if not isinstance(v, float) and not any(w in k for w in ("second", "time", "elapsed", "_at"))}
    return value


def export(db: Path, out: Path, name: str, hashes: bool = True) -> int:
    """The database's records as sorted JSON lines without ``fetched_at``, and its run's counts; returns the
    number of records. ``hashes`` false: without ``content_hash`` either (it covers the URL, whose port is
    any free one for the demo; the other fields cover the content)."""
    jsonl = db.with_suffix(".jsonl")
    subprocess.run([sys.executable, "-m", "migrator", "export", "--db", str(db), "-o", str(jsonl)], check=True,
                   capture_output=True)
    lines = []
    for line in jsonl.read_text(encoding="utf-8").split("\n"):
        if line:
            record = json.loads(line)
            record.pop("fetched_at", None)
            if not hashes:
                record.pop("content_hash", None)
            lines.append(_LOCAL.sub("http://local", json.dumps(record, ensure_ascii=False, sort_keys=True)))
    lines.sort()
    (out / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = sqlite3.connect(db)
    stats = json.loads(con.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    keep = _counts(stats)
    withdrawals = con.execute("SELECT reason, count(*) FROM withdrawals GROUP BY reason ORDER BY reason").fetchall()
    (out / f"{name}.counts").write_text(json.dumps({"stats": keep, "withdrawals": withdrawals}, indent=1,
                                                   ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return len(lines)


def crawl_mirror(spec: str, port: int, out: Path) -> None:
    name, _, host = spec.partition("=")
    mirror = mirror_dir(name)
    label = mirror.parent.name if mirror.name == "repo" else mirror.name
    with _mirror(mirror, host or None, port) as (url, env), tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "crawl.db"
        cmd = [sys.executable, "-m", "migrator", "crawl", url + "/", "--db", str(db), "--timezone", "Europe/Moscow"]
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              env={**os.environ, **env} if env else None)
        if proc.returncode != 0:
            raise SystemExit(f"crawl of {label} failed:\n{proc.stderr[-3000:]}")
        print(f"{label}: {export(db, out, label)} records", flush=True)


def crawl_demo(port: int, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "migrator-demo.db"
        proc = subprocess.run([sys.executable, "-m", "migrator", "demo", "--db", str(db)], capture_output=True,
                              text=True, cwd=tmp)
        if proc.returncode != 0:
            raise SystemExit(f"migrator demo failed:\n{proc.stderr[-3000:]}")
        print(f"demo: {export(db, out, 'demo', hashes=False)} records", flush=True)


def compare(after: Path, befores: list[Path]) -> int:
    """Per site, the records of ``after`` that differ from those of the ``befores`` (one folder or several of the
    same code): with several, a record the befores do not agree on either is left out, counted apart (on a
    site whose pages have several URLs, which one is fetched first decides the base of its relative links, and
    the crawl's concurrency decides that). Returns how many records differ."""
    def records(path: Path) -> dict[str, str]:
        return {json.loads(line)["source_id"]: line for line in path.read_text(encoding="utf-8").split("\n") if line}

    differing = 0
    for path in sorted(after.glob("*.jsonl")):
        mine = records(path)
        theirs = [records(b / path.name) for b in befores if (b / path.name).exists()]
        if not theirs:
            continue
        unstable = {k for k in set().union(*theirs, mine) if len({t.get(k) for t in theirs}) > 1}
        wrong = sorted(k for k in set(mine) | set(theirs[0]) if k not in unstable and mine.get(k) != theirs[0].get(k))
        counts_same = all((b / path.with_suffix(".counts").name).read_text() == path.with_suffix(".counts").read_text()
                          for b in befores if (b / path.with_suffix(".counts").name).exists())
        print(f"{path.stem}: {len(mine)} records, {len(wrong)} differ" + (f" ({', '.join(wrong[:5])})" if wrong else "")
              + (f", {len(unstable)} differ between the befores too" if unstable else "")
              + ("" if counts_same else ", counts differ"))
        differing += len(wrong) + (not counts_same)
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", type=Path, nargs="+", metavar="BEFORE",
                        help="compare --out (already written) with these folders instead of crawling")
    parser.add_argument("--out", type=Path, required=True, help="folder for <site>.jsonl and <site>.counts")
    parser.add_argument("--demo", action="store_true", help="the bundled demo too (migrator demo)")
    parser.add_argument("--mirror", action="append", default=[], metavar="DIR[=HOST]")
    parser.add_argument("--port", type=int, default=18850, help="the first mirror's port (the next: +1...)")
    args = parser.parse_args()
    if args.compare:
        raise SystemExit(1 if compare(args.out, args.compare) else 0)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.demo:
        crawl_demo(args.port, args.out)
    for i, spec in enumerate(args.mirror):
        crawl_mirror(spec, args.port + i, args.out)


if __name__ == "__main__":
    main()
