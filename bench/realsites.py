"""Score a crawl of a saved real site against its truth sample (bench/realsites/*.toml, read by eye).

    python bench/realsites.py MIRROR_DIR TRUTH.toml [--host HOST] [--max-pages N] [--bare] [--json OUT]
    python bench/realsites.py TRUTH.toml [TRUTH.toml ...]   # the mirror each truth file names
    python bench/realsites.py --all [--json OUT]      # every truth file whose mirror is fetched, one table
    PYTHONPATH=$PWD .venv/bin/python bench/realsites.py --all   # from another worktree: measures that checkout

The mirror (a bare git dir, or ``owner+name`` under ../.mirror; default: the truth file's ``mirror`` key) is
served with ../shared/tools/serve_mirror.py and crawled with NO mapping: ``python -m migrator crawl URL --db TMP
--timezone ZONE`` (the truth's ``timezone``, else Europe/Moscow), run by this interpreter with its PYTHONPATH and
a temporary working directory, so the code measured is whichever checkout this interpreter imports. A site whose
links are absolute (ex-animo: ``http://mircsgo.ru/...``) is crawled at its own host through the local server as an
HTTP proxy: ``--host`` or the truth's ``host`` key names it, else the host most of the front page's links name is
taken when they outnumber its relative links. Then ``migrator export`` writes JSON Lines and each truth entry is
scored:

- found: a record whose URL or one of its aliases has the entry's path (percent-decoding, a trailing
  ``index.html`` and ``.html`` ignored);
- title: equal (whitespace collapsed);
- date: ``published_at`` read in the truth's zone equals ``published`` to the minute (to the day when the truth
  has a date only); an empty truth date wants no date (the page prints none); ``updated`` likewise where given;
- author: equal; empty in the truth wants none;
- tags: the record's tags as a set equal the truth's (an empty list wants none);
- comments: the number of comments equals;
- first / last: the truth's first and last sentence occur in ``body_text`` (whitespace collapsed; an empty one
  is not scored).

A field not found counts as wrong. Also printed: records by type, exported records whose URL matches the truth's
``listing_patterns`` (listings exported as articles) or ``duplicate_patterns`` / ``stub_paths``, tracebacks in
the crawl's stderr, elapsed seconds and peak RSS (the crawl and its children). ``--bare`` also crawls the site with
bench/bare_spider.py (links only) and prints the speed ratio ours / bare (pages per second).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
import tempfile
import urllib.request
from collections import Counter
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import quote, unquote, urlsplit
from zoneinfo import ZoneInfo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from common import MIRRORS, mirror_dir, mirror_server, run_measured_cpu  # noqa: E402

TRUTHS = HERE / "realsites"
FIELDS = ("found", "title", "date", "author", "tags", "comments", "first", "last")
_HREF = re.compile(r"""<a\s[^>]*href\s*=\s*["']?([^"' >]+)""", re.I)
_SPACE = re.compile(r"\s+")


def own_host(front_page: str, serves: Callable[[str], bool] = lambda path: True) -> str | None:
    """The host a saved site's front page links to absolutely, when such links outnumber its relative ones and
    the mirror holds the pages they name (``serves(path)`` on up to five of them: a blog whose front page links
    mostly to www.blogger.com is not a blogger.com mirror).

    >>> own_host('<a href="http://old.test/a">a</a><a href="http://old.test/b">b</a><a href="/c">c</a>')
    'old.test'
    >>> own_host('<a href="/a">a</a><a href="b.html">b</a><a href="http://other.test/">x</a>') is None
    True
    >>> own_host('<a href="http://cdn.test/a">a</a><a href="http://cdn.test/b">b</a><a href="/c">c</a>',
    ...          serves=lambda path: False) is None
    True
    """
    hosts: Counter[str] = Counter()
    paths: dict[str, list[str]] = {}
    relative = 0
    for href in _HREF.findall(front_page):
        if href.startswith(("http://", "https://")):
            parts = urlsplit(href)
            host = parts.netloc.lower()
            hosts[host] += 1
            paths.setdefault(host, []).append(target(href))
        elif not href.startswith(("#", "mailto:", "javascript:", "//")):
            relative += 1
    for host, count in hosts.most_common(3):
        if count <= relative:
            break
        sample = list(dict.fromkeys(paths[host]))[:5]
        if sum(serves(path) for path in sample) * 2 > len(sample):
            return host
    return None


def target(url: str) -> str:
    """A URL's path and query as one string, as the crawler wrote it."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def key(url_or_path: str) -> str:
    """What a record URL and a truth path are compared by: decoded, no host, no trailing index.html / .html.

    >>> key("http://mircsgo.ru/some-post/") == key("/some-post/index.html")
    True
    >>> key("/index.php__option%3Dcom_content.html") == key("http://h/index.php__option=com_content.html")
    True
    >>> key("/writeup/37.html") == key("/writeup/37")
    True
    """
    path = unquote(target(url_or_path), errors="surrogateescape")
    for tail in ("index.html", "index.htm", ".html", ".htm"):
        if path.endswith(tail):
            path = path[: -len(tail)]
            break
    return path.rstrip("/") or "/"


def forms(url: str) -> list[str]:
    """The spellings a URL pattern of a truth file may be written against: the crawler's, and the
    ``serve_mirror.py --list`` one (every byte but ``/`` percent-encoded)."""
    raw = target(url)
    return [raw, "/" + quote(unquote(raw, errors="surrogateescape").lstrip("/"), safe="/", errors="surrogateescape")]


def matches(patterns: list[re.Pattern[str]], url: str) -> bool:
    return any(p.search(f) for p in patterns for f in forms(url))


def flat(text: str | None) -> str:
    return _SPACE.sub(" ", (text or "").replace("\xa0", " ")).strip()


def local_time(value: str | None, zone: ZoneInfo) -> str:
    """A record's ISO date-time read in the site's zone, ``YYYY-MM-DDTHH:MM`` (a bare date stays a date)."""
    if not value:
        return ""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) <= 10:
        return when.date().isoformat()
    if when.tzinfo is not None:
        when = when.astimezone(zone)
    return when.strftime("%Y-%m-%dT%H:%M")


def same_time(want: str, got: str | None, zone: ZoneInfo) -> bool:
    """The truth's date (``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``) against a record's; empty wants none."""
    if not want:
        return not got
    mine = local_time(got, zone)
    return mine[: len(want)] == want if mine else False


def score_entry(entry: dict[str, Any], record: dict[str, Any] | None, zone: ZoneInfo
                ) -> dict[str, tuple[bool, str, str] | None]:
    """Per field: (right, what the truth says, what the record says), or None where the field is not scored."""
    result: dict[str, tuple[bool, str, str] | None] = {}
    rec = record or {}
    result["found"] = (record is not None, entry["path"], rec.get("url", ""))
    result["title"] = (flat(rec.get("title")) == flat(entry.get("title")), entry.get("title", ""),
                       rec.get("title") or "")
    want = entry.get("published", "")
    result["date"] = (same_time(want, rec.get("published_at"), zone), want, rec.get("published_at") or "")
    if entry.get("updated"):
        result["updated"] = (same_time(entry["updated"], rec.get("updated_at"), zone), entry["updated"],
                             rec.get("updated_at") or "")
    result["author"] = (flat(rec.get("author")) == flat(entry.get("author")), entry.get("author", ""),
                        rec.get("author") or "")
    if "tags" in entry:
        got = rec.get("tags") or []
        result["tags"] = (record is not None and {flat(t) for t in got} == {flat(t) for t in entry["tags"]},
                          "|".join(entry["tags"]), "|".join(got))
    else:
        result["tags"] = None
    if "comments" in entry:
        count = len(rec.get("comments") or [])
        result["comments"] = (record is not None and count == entry["comments"], str(entry["comments"]), str(count))
    else:
        result["comments"] = None
    body = flat(rec.get("body_text"))
    for side in ("first", "last"):
        sentence = flat(entry.get(side))
        if not sentence:
            result[side] = None
            continue
        if record is None:
            result[side] = (False, sentence, "")
        else:
            at = body.find(sentence)
            near = body[:80] if side == "first" else body[-80:]
            result[side] = (at >= 0, sentence, near if at < 0 else "")
    if record is None:  # not found: every scored field is wrong, even where the truth wants nothing
        result = {name: None if value is None else (False, value[1], value[2]) for name, value in result.items()}
    return result


@contextmanager
def chdir(path: Path) -> Iterator[None]:
    """Run the children from ``path`` (contextlib.chdir is 3.11+)."""
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@contextmanager
def served(mirror: Path, host: str | None) -> Iterator[tuple[str, dict[str, str]]]:
    """The mirror served; at its own host through the local server as an HTTP proxy when its links are absolute."""
    with mirror_server(mirror) as local:
        if host is None:
            front = urllib.request.urlopen(local + "/", timeout=30).read().decode("utf-8", "replace")
            host = own_host(front, lambda path: _answers(local + path))
        if host is None:
            yield local, {}
        else:
            print(f"{mirror}: crawled as http://{host}/ through {local} as its proxy", file=sys.stderr)
            yield f"http://{host}", {"http_proxy": local, "HTTP_PROXY": local, "no_proxy": "", "NO_PROXY": ""}


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status == 200
    except OSError:
        return False


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """The children's environment: ours (PYTHONPATH made absolute, since they run elsewhere) and ``extra``."""
    env = dict(extra)
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in os.environ["PYTHONPATH"].split(os.pathsep)
                                            if p)
    return env


def crawl(url: str, tmp: Path, zone: str, max_pages: int | None, env: dict[str, str]) -> dict[str, Any]:
    db = tmp / "site.db"
    cmd = [sys.executable, "-m", "migrator", "crawl", url + "/", "--db", str(db), "--timezone", zone]
    if max_pages is not None:
        cmd += ["--max-pages", str(max_pages)]
    with chdir(tmp):
        proc, wall, peak, cpu = run_measured_cpu(cmd, child_env(env))
    out = {"returncode": proc.returncode, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2),
           "peak_rss_mb": round(peak / 2**20, 1), "tracebacks": proc.stderr.count("Traceback (most recent call last)"),
           "stderr_tail": proc.stderr[-1500:] if proc.returncode else "", "stats": {}, "records": []}
    if db.exists():
        row = sqlite3.connect(db).execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        out["stats"] = json.loads(row[0]) if row and row[0] else {}
        export = tmp / "site.jsonl"
        with chdir(tmp):
            done, _, _, _ = run_measured_cpu([sys.executable, "-m", "migrator", "export", "--db", str(db),
                                              "--format", "jsonl", "-o", str(export)], child_env({}))
        out["tracebacks"] += done.stderr.count("Traceback (most recent call last)")
        if done.returncode != 0:
            out["stderr_tail"] += "\nexport: " + done.stderr[-800:]
        elif export.exists():
            out["records"] = [json.loads(line) for line in export.read_text(encoding="utf-8").split("\n") if line.strip()]
    return out


def bare(url: str, tmp: Path, max_pages: int | None, env: dict[str, str]) -> dict[str, Any]:
    """The links-only Scrapy crawl of the same site, with the generic profile's deny rules and budgets denied."""
    from migrator.mapping import load_config

    config = load_config(None, start_url=url + "/")
    cmd = [sys.executable, str(HERE / "bare_spider.py"), url + "/", json.dumps([*config.deny, *config.budgets])]
    if max_pages is not None:
        cmd.append(str(max_pages))
    with chdir(tmp):
        proc, wall, peak, _ = run_measured_cpu(cmd, child_env(env))
    if proc.returncode != 0:
        return {"error": proc.stderr[-800:]}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {"pages": result["pages"], "seconds": result["seconds"], "wall_s": round(wall, 2),
            "peak_rss_mb": round(peak / 2**20, 1)}


def run_site(truth_path: Path, mirror_arg: str | None = None, host: str | None = None,
             max_pages: int | None = None, with_bare: bool = False) -> dict[str, Any]:
    truth = tomllib.loads(truth_path.read_text(encoding="utf-8"))
    site = truth.get("site", truth_path.stem)
    mirror = mirror_dir(mirror_arg or truth["mirror"])
    zone_name = truth.get("timezone") or "Europe/Moscow"
    zone = ZoneInfo(zone_name)
    host = host or truth.get("host") or None
    listing = [re.compile(p) for p in truth.get("listing_patterns", [])]
    duplicate = [re.compile(p) for p in truth.get("duplicate_patterns", [])]
    stubs = {key(p) for p in truth.get("stub_paths", [])}
    with tempfile.TemporaryDirectory(prefix=f"realsites-{site}-") as tmpdir, served(mirror, host) as (url, env):
        tmp = Path(tmpdir)
        got = crawl(url, tmp, zone_name, max_pages, env)
        speed = bare(url, tmp, max_pages, env) if with_bare else None
    records = got.pop("records")
    by_key: dict[str, dict[str, Any]] = {}
    for record in records:
        for u in [record["url"], *(record.get("aliases") or [])]:
            by_key.setdefault(key(u), record)
    entries = []
    for entry in truth.get("entry", []):
        record = by_key.get(key(entry["path"]))
        entries.append({"path": entry["path"], "fields": score_entry(entry, record, zone)})
    totals = tally(entries)
    listed = [r["url"] for r in records if matches(listing, r["url"])]
    duplicates = [r["url"] for r in records if matches(duplicate, r["url"]) or key(r["url"]) in stubs]
    stats = got["stats"]
    result = {
        "site": site, "platform": truth.get("platform", ""), "mirror": str(mirror), "url": url, "zone": zone_name,
        "max_pages": max_pages, "entries": len(entries), "totals": totals,
        "records": len(records), "types": dict(Counter(r.get("type") or "" for r in records).most_common()),
        "listing_records": len(listed), "listing_examples": listed[:5],
        "duplicate_records": len(duplicates), "duplicate_examples": duplicates[:5],
        "pages": stats.get("pages"), "skipped": stats.get("skipped", {}), "errors": stats.get("errors"),
        "errors_by_reason": stats.get("errors_by_reason", {}),
        "crawl_s": stats.get("seconds"), **{k: v for k, v in got.items() if k != "stats"},
        "detail": entries,
    }
    if speed is not None:
        result["bare"] = speed
        if "pages" in speed and stats.get("seconds") and speed["seconds"]:
            ours = stats["pages"] / stats["seconds"]
            theirs = speed["pages"] / speed["seconds"]
            result["ratio"] = round(ours / theirs, 3) if theirs else None
    return result


def tally(entries: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Per field: [right, scored]; an entry not found is wrong in every field it scores."""
    totals = {}
    for field in (*FIELDS, "updated"):
        scored = [(e["fields"]["found"][0] and s[0]) for e in entries if (s := e["fields"].get(field)) is not None]
        totals[field] = [sum(scored), len(scored)]
    return totals


def table(results: list[dict[str, Any]]) -> str:
    """One row per site: each field right / scored, then what else the crawl wrote and what it cost."""
    head = ["site", *FIELDS, "records", "by type", "listings as articles", "dups", "tracebacks", "pages",
            "crawl s", "CPU s", "peak RSS MB"]
    if any("bare" in r for r in results):
        head += ["bare pages/s", "ratio ours/bare"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        types = ", ".join(f"{t or '-'} {n}" for t, n in list(r["types"].items())[:4])
        if len(r["types"]) > 4:
            types += ", …"
        cells = [r["site"], *(f"{r['totals'][f][0]}/{r['totals'][f][1]}" for f in FIELDS), str(r["records"]),
                 types, str(r["listing_records"]), str(r["duplicate_records"]), str(r["tracebacks"]),
                 str(r["pages"]), str(r["crawl_s"]), str(r.get("cpu_s", "-")), str(r["peak_rss_mb"])]
        if "bare" in r or any("bare" in x for x in results):
            b = r.get("bare") or {}
            rate = round(b["pages"] / b["seconds"], 1) if b.get("seconds") else "-"
            cells += [str(rate), str(r.get("ratio", "-"))]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def misses(result: dict[str, Any], width: int = 70) -> str:
    """The wrong fields, one line each: the entry, the field, what the truth says, what the record says."""
    cut = lambda s: (s if len(s) <= width else s[: width - 1] + "…").replace("\n", " ")  # noqa: E731
    lines = []
    for entry in result["detail"]:
        fields = entry["fields"]
        if not fields["found"][0]:
            lines.append(f"  {entry['path']}: not found")
            continue
        for name, value in fields.items():
            if value is not None and not value[0]:
                lines.append(f"  {entry['path']}: {name}: want {cut(value[1])!r} got {cut(value[2])!r}")
    return "\n".join(lines)


def report(result: dict[str, Any]) -> None:
    print(f"== {result['site']} ({result['platform']}): {result['url']} zone {result['zone']}, "
          f"{result['records']} records from {result['pages']} pages in {result['crawl_s']} s "
          f"(wall {result['wall_s']} s, CPU {result['cpu_s']} s, peak RSS {result['peak_rss_mb']} MB), "
          f"errors {result['errors']}, tracebacks {result['tracebacks']}, exit {result['returncode']}")
    print("   scored: " + ", ".join(f"{f} {a}/{n}" for f, (a, n) in result["totals"].items() if n))
    types = list(result["types"].items())
    shown = ", ".join(f"{t or '-'} {n}" for t, n in types[:8]) + (f", … {len(types) - 8} more types" if len(types) > 8 else "")
    print(f"   by type: {shown}")
    print(f"   skipped: {result['skipped']}; errors: {result.get('errors_by_reason', {})}")
    print(f"   listings exported as articles: {result['listing_records']} {result['listing_examples']}")
    print(f"   duplicates / stubs exported: {result['duplicate_records']} {result['duplicate_examples']}")
    if "bare" in result:
        print(f"   bare crawl: {result['bare']}; ratio ours/bare (pages/s): {result.get('ratio')}")
    if result["stderr_tail"]:
        print("   stderr: " + result["stderr_tail"].replace("\n", "\n   "))
    wrong = misses(result)
    if wrong:
        print(wrong)
    sys.stdout.flush()


def all_truths() -> list[Path]:
    """Every truth file whose mirror is fetched (the others are named on stderr)."""
    found = []
    for path in sorted(TRUTHS.glob("*.toml")):
        name = tomllib.loads(path.read_text(encoding="utf-8")).get("mirror", "")
        if name and ((MIRRORS / name / "repo").is_dir() or (MIRRORS / name).is_dir()):
            found.append(path)
        else:
            print(f"{path.name}: mirror {name!r} not fetched, skipped", file=sys.stderr)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("args", nargs="*", metavar="[MIRROR_DIR] TRUTH.toml | TRUTH.toml ...")
    parser.add_argument("--all", action="store_true", help="every truth file in bench/realsites whose mirror exists")
    parser.add_argument("--host", help="crawl at this host through the local server as a proxy (absolute links)")
    parser.add_argument("--max-pages", type=int, default=None, help="cap the crawl (migrator crawl --max-pages)")
    parser.add_argument("--bare", action="store_true", help="also crawl with bench/bare_spider.py; print the ratio")
    parser.add_argument("--json", type=Path, help="write the results (per entry too) to this file")
    parser.add_argument("--table", type=Path, nargs="+", metavar="JSON",
                        help="crawl nothing: print one table of results saved with --json (scores re-tallied)")
    args = parser.parse_args()
    if args.table:
        saved = [r for path in args.table for r in json.loads(path.read_text(encoding="utf-8"))]
        for r in saved:
            r["totals"] = tally(r["detail"])
        print(table(sorted(saved, key=lambda r: r["site"])))
        return
    if args.all:
        jobs = [(path, None) for path in all_truths()]
    elif args.args and all(a.endswith(".toml") for a in args.args):
        jobs = [(Path(a).resolve(), None) for a in args.args]
    elif len(args.args) == 2:
        jobs = [(Path(args.args[1]).resolve(), args.args[0])]
    else:
        parser.error("give TRUTH.toml, MIRROR_DIR TRUTH.toml, or --all")
    json_out = args.json.resolve() if args.json else None
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}, load {os.getloadavg()[0]:.2f}; "
          f"migrator from {_migrator_home()}")
    results = []
    for path, mirror in jobs:
        results.append(run_site(path, mirror, args.host if not args.all else None, args.max_pages, args.bare))
        report(results[-1])
    print(table(results))
    if json_out:
        json_out.write_text(json.dumps(results, ensure_ascii=False, indent=1))


def _migrator_home() -> str:
    """Which checkout the children will import (they run with our interpreter and PYTHONPATH)."""
    import migrator

    return str(Path(migrator.__file__).resolve().parent.parent)


if __name__ == "__main__":
    main()
