"""Generic extraction against trafilatura on real pages with truth: body F1 per set, and on
readability-dev title / author / date, in one run.

    python bench/generic_score.py [--per-page FILE]

Sets: ../shared/data/aeb-dev (body truth) and ../shared/data/readability-dev (body, title, byline,
date truth). Both extractors get the same decoded text. trafilatura runs as its README measures it
(``bare_extraction``, defaults). Matching: title exact after whitespace normalisation; author exact
after whitespace normalisation and a leading "By " dropped, over the pages with a byline; date the same
calendar day as the truth's, over the pages with a date. Each row also gives the extractor's CPU time per
page over a second pass of the set, once both are warm (``time_ratio``: ours over trafilatura's;
``bench/extract_bench.py`` times repeated, alternating rounds).
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import re
import time
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import trafilatura

from migrator.encoding import decode_html
from migrator.extract import extract
from migrator.mapping import load_config

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SETS = ("aeb-dev", "readability-dev")


def textscore() -> ModuleType:
    spec = importlib.util.spec_from_file_location("textscore", DATA.parent / "tools" / "textscore.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages(name: str) -> list[tuple[str, str, str]]:
    """(id, url, decoded html) of one set."""
    truth = json.loads((DATA / name / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for path in sorted((DATA / name / "html").glob("*.html.gz")):
        key = path.name[: -len(".html.gz")]
        url = truth.get(key, {}).get("url") or f"http://{name}.test/{key}.html"
        out.append((key, url, decode_html(gzip.decompress(path.read_bytes())).text))
    return out


def norm(text: Any) -> str:
    return " ".join(str(text or "").split())


def same_author(truth: str, got: str | None) -> bool:
    strip = lambda s: re.sub(r"^by\s+", "", norm(s), flags=re.I).casefold()  # noqa: E731
    return bool(got) and strip(truth) == strip(got)


def same_day(truth: str, got: str | None) -> bool:
    """The same calendar day, ours read in the truth's own UTC offset when both carry one."""
    if not got:
        return False
    try:
        want, have = datetime.fromisoformat(truth.replace("Z", "+00:00")), datetime.fromisoformat(got)
    except ValueError:
        return truth[:10] == got[:10]
    if want.tzinfo is not None and have.tzinfo is not None:
        have = have.astimezone(want.tzinfo)
    return want.date() == have.date()


def ours(url: str, html: str, config: Any) -> dict[str, Any]:
    article = extract(url, html, config).article
    if article is None:
        return {"articleBody": "", "title": None, "author": None, "date": None}
    return {"articleBody": article.body_text, "title": article.title, "author": article.author,
            "date": article.published_at}


def theirs(url: str, html: str) -> dict[str, Any]:
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return {"articleBody": "", "title": None, "author": None, "date": None}
    return {"articleBody": doc.text or "", "title": doc.title, "author": doc.author, "date": doc.date}


def fields(truth: dict[str, dict[str, Any]], output: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Title, author and date shares of readability-dev."""
    keys = sorted(truth)
    titled = [k for k in keys if truth[k].get("title")]
    bylined = [k for k in keys if truth[k].get("byline")]
    dated = [k for k in keys if truth[k].get("publishedTime")]
    return {
        "title_exact": round(sum(norm(truth[k]["title"]) == norm(output[k]["title"]) for k in titled) / len(titled), 3),
        "author_exact": round(sum(same_author(truth[k]["byline"], output[k]["author"]) for k in bylined)
                              / len(bylined), 3),
        "date_same_day": round(sum(same_day(truth[k]["publishedTime"], output[k]["date"]) for k in dated)
                               / len(dated), 3),
        "titled": len(titled), "bylined": len(bylined), "dated": len(dated),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-page", type=Path, help="write every page's fields and F1 of both here (JSON)")
    args = parser.parse_args()
    config = load_config(profile="generic")
    score = textscore()
    detail: dict[str, Any] = {}
    for name in SETS:
        truth = json.loads((DATA / name / "ground-truth.json").read_text(encoding="utf-8"))
        results, outputs, ms = {}, {}, {}
        items = pages(name)
        runs = {"migrator": lambda u, h: ours(u, h, config), "trafilatura": theirs}
        for label, run in runs.items():
            outputs[label] = {key: run(url, html) for key, url, html in items}
        for label in reversed(runs):  # timed on a second pass: both warm (trafilatura's lazy stoplists, caches)
            started = time.process_time()  # this process's CPU time: other jobs share the machine
            for _, url, html in items:
                runs[label](url, html)
            ms[label] = (time.process_time() - started) * 1000 / max(1, len(items))
        for label, output in outputs.items():
            metrics, per_page = score.score(truth, output)
            row = {"set": name, "extractor": label, "body_f1": metrics["f1"], "precision": metrics["precision"],
                   "recall": metrics["recall"], "ms_per_page": round(ms[label], 1)}
            if name == "readability-dev":
                row.update(fields(truth, output))
            print(json.dumps(row), flush=True)
            results[label] = {k: {**output[k], "f1": per_page[k]} for k in output}
        print(json.dumps({"set": name, "time_ratio": round(ms["migrator"] / ms["trafilatura"], 3)}), flush=True)
        detail[name] = results
    if args.per_page:
        args.per_page.write_text(json.dumps(detail, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
