"""End to end: crawl the demo site over real HTTP into a real SQLite file and compare with its truth.

The crawl runs in a subprocess (``migrator crawl``), as a user runs it; Scrapy's reactor can
only start once per process.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from migrator.demo.run import absolute_truth
from migrator.parity.evaluate import BOILERPLATE, compare
from migrator.record import EXPORT_KEYS
from tests.helpers import migrator

SHARED_TOOLS = Path(__file__).resolve().parents[1].parent / "shared" / "tools"



def export(db: Path) -> list[dict[str, Any]]:
    proc = migrator("export", "--db", str(db), "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.fixture(scope="module")
def crawled(demo_server: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One crawl of the demo site with no mapping, as the issue's acceptance runs it."""
    db = tmp_path_factory.mktemp("e2e") / "site.db"
    proc = migrator("crawl", demo_server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
    assert proc.returncode == 0, proc.stderr[-4000:]
    records = export(db)
    truth = absolute_truth(demo_server.site, demo_server.url)
    return {"db": db, "records": records, "truth": truth, "quality": compare(records, truth), "stderr": proc.stderr}


def test_every_article_found_once(crawled: dict[str, Any]) -> None:
    quality = crawled["quality"]
    missing = [m["url"] for m in quality["mismatches"] if m["field"] == "missing"]
    assert missing == []
    assert quality["duplicates"] == 0
    assert quality["not_in_truth"] == 0, quality["not_in_truth_sample"]


def test_body_link_only_and_archive_articles_found(crawled: dict[str, Any]) -> None:
    urls = {r["url"] for r in crawled["records"]}
    hidden = [t["url"] for t in crawled["truth"] if "body-link-only" in t.get("discovery", [])]
    archive = [t["url"] for t in crawled["truth"] if t.get("kind") == "archive"]
    assert hidden and archive
    assert set(hidden) <= urls
    assert set(archive) <= urls


def test_fields_exact_for_98_percent(crawled: dict[str, Any]) -> None:
    exact = crawled["quality"]["exact"]
    bad = {name: rate for name, rate in exact.items() if rate < 0.98}
    sample = [m for m in crawled["quality"]["mismatches"] if m["field"] in bad][:5]
    assert not bad, sample


def test_canonical_url_is_the_alias(crawled: dict[str, Any]) -> None:
    assert crawled["quality"]["canonical_url"] == 1.0
    assert not any("/node/" in r["url"] or "?q=" in r["url"] for r in crawled["records"])
    node_records = [r for r in crawled["records"] if r["source_id"].startswith("node/")]
    with_node_alias = [r for r in node_records if any(a.endswith("/" + r["source_id"]) for a in r["aliases"])]
    assert len(with_node_alias) > len(node_records) / 2


def test_no_boilerplate_and_body_f1(crawled: dict[str, Any]) -> None:
    quality = crawled["quality"]
    assert quality["boilerplate_records"] == 0, quality["boilerplate_sample"]
    assert quality["body_f1"] >= 0.97


def test_body_f1_agrees_with_shared_scorer(crawled: dict[str, Any], tmp_path: Path) -> None:
    """Our F1 is the project's metric: check it against ../shared/tools/textscore.py."""
    scorer = SHARED_TOOLS / "textscore.py"
    if not scorer.exists():
        pytest.skip("../shared/tools/textscore.py is not beside this checkout")
    by_url = {r["url"]: r for r in crawled["records"]}
    truth = {t["url"]: {"articleBody": t["body_text"]} for t in crawled["truth"]}
    output = {u: {"articleBody": by_url[u]["body_text"]} for u in truth if u in by_url}
    (tmp_path / "t.json").write_text(json.dumps(truth))
    (tmp_path / "o.json").write_text(json.dumps(output))
    proc = subprocess.run([sys.executable, str(scorer), str(tmp_path / "t.json"), str(tmp_path / "o.json")],
                          capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout)["f1"] == pytest.approx(crawled["quality"]["body_f1"], abs=1e-3)


def test_records_are_sanitized_with_exact_keys(crawled: dict[str, Any]) -> None:
    for record in crawled["records"]:
        assert tuple(record) == EXPORT_KEYS
        html = record["body_html"].lower()
        assert "<script" not in html and "<style" not in html and "javascript:" not in html
        assert " onclick=" not in html and " onerror=" not in html
        assert 'href="/' not in html and 'src="/' not in html  # links are absolute
        assert "\n\n" in record["body_text"] or len(record["body_text"]) < 400
        assert not any(p in record["body_text"] for p in BOILERPLATE)


def test_errors_are_recorded_with_reasons(crawled: dict[str, Any]) -> None:
    import sqlite3

    db = sqlite3.connect(crawled["db"])
    reasons = {row[0] for row in db.execute("SELECT reason FROM errors")}
    assert "http-404" in reasons
    assert "redirect-loop" in reasons
    run = db.execute("SELECT status, stats FROM runs ORDER BY id DESC").fetchone()
    assert run[0] == "finished"
    stats = json.loads(run[1])
    assert stats["skipped"].get("listing", 0) > 0
    assert "errors" in crawled["stderr"] and "pages fetched" in crawled["stderr"]


def test_legacy_encodings_and_evidence_stored(crawled: dict[str, Any]) -> None:
    import sqlite3

    db = sqlite3.connect(crawled["db"])
    rows = db.execute("SELECT encoding, encoding_source FROM pages WHERE url LIKE '%/archive/%' AND status = 200").fetchall()
    encodings = {r[0] for r in rows}
    sources = {r[1] for r in rows}
    assert "cp1251" in encodings and "koi8-r" in encodings
    assert {"http-header", "meta", "detected"} <= sources
    archive = [r for r in crawled["records"] if "/archive/" in r["url"]]
    assert archive and all("Ð" not in r["body_text"] and "Ã" not in r["title"] for r in archive)


def test_same_crawl_twice_leaves_the_same_rows(crawled: dict[str, Any], demo_server: Any) -> None:
    proc = migrator("crawl", demo_server.url + "/", "--db", str(crawled["db"]), "--timezone", "Europe/Moscow")
    assert proc.returncode == 0, proc.stderr[-3000:]
    again = export(crawled["db"])
    strip = lambda rs: [{k: v for k, v in r.items() if k != "fetched_at"} for r in rs]  # noqa: E731
    assert strip(again) == strip(crawled["records"])
