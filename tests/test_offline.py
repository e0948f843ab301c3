"""Offline work: `migrator extract` on saved pages, the learned rulebook, `migrator reclean` on stored pages.

Commands run as a user runs them (a subprocess); the crawl is the demo site served by a fixture, into
a real SQLite file, once per module.
"""
from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.record import EXPORT_KEYS
from migrator.rulebook import Rule, read_rules, write_rules
from migrator.store import Store
from tests.helpers import migrator, textscore

PAGES = Path(__file__).parent / "pages"
SHARED = Path(__file__).resolve().parents[2] / "shared"
AEB = SHARED / "data" / "aeb-dev"



def lines(proc: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines()]


# -- migrator extract -------------------------------------------------------------------------------


def test_extract_prints_one_record_per_page_with_file_and_record_keys(tmp_path: Path) -> None:
    gz = tmp_path / "article.html.gz"
    gz.write_bytes(gzip.compress((PAGES / "drupal6_article.html").read_bytes()))
    records = lines(migrator("extract", str(PAGES / "drupal6_article.html"), str(gz), str(PAGES / "drupal6_listing.html"),
                             "--url", "http://demo.test/node/8123", "--timezone", "Europe/Moscow"))
    assert [r["file"] for r in records] == [str(PAGES / "drupal6_article.html"), str(gz),
                                            str(PAGES / "drupal6_listing.html")]
    article, again, listing = records
    assert set(EXPORT_KEYS) <= set(article) and article["kind"] == "article"
    assert article["url"] == "http://demo.test/node/8123" and article["source_id"] == "node/8123"
    assert article["published_at"] and "+0" in article["published_at"]
    assert "Войдите на сайт" not in article["body_text"]
    assert {k: again[k] for k in EXPORT_KEYS} == {k: article[k] for k in EXPORT_KEYS}
    assert listing["kind"] == "listing" and set(EXPORT_KEYS) <= set(listing)


def test_extract_decodes_legacy_bytes_and_derives_a_file_url() -> None:
    (record,) = lines(migrator("extract", str(PAGES / "archive_cp1251.html")))
    assert record["encoding"] == "cp1251"
    assert record["url"] == (PAGES / "archive_cp1251.html").resolve().as_uri()
    assert record["source_id"].endswith("tests/pages/archive_cp1251")
    assert record["kind"] == "article" and any("а" <= ch <= "я" for ch in record["body_text"])


def test_extract_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    proc = migrator("extract", str(tmp_path / "nope.html"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.skipif(not (AEB / "ground-truth.json").exists(), reason="shared/data/aeb-dev not present")
def test_extract_on_aeb_dev_scores_pinned_f1() -> None:
    """`migrator extract` over the real pages, no flags, scored by shared/tools/textscore.py (0.9708 today)."""
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    files = sorted(str(p) for p in (AEB / "html").glob("*.html.gz"))
    output = {Path(r["file"]).name[: -len(".html.gz")]: {"articleBody": r["body_text"] or ""}
              for r in lines(migrator("extract", *files))}
    assert len(output) == len(files)
    scores, _ = textscore().score(truth, output)
    assert scores["f1"] >= 0.96, scores


# -- one crawl of the demo site, then the rulebook and re-cleaning ----------------------------------

BANNER = "Друзья, с момента основания проекта"


@pytest.fixture(scope="module")
def crawled_db(demo_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site crawled once with no mapping (learning on, as by default)."""
    db = tmp_path_factory.mktemp("offline") / "site.db"
    proc = migrator("crawl", demo_server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db


@pytest.fixture()
def db(crawled_db: Path, tmp_path: Path) -> Path:
    """A private copy of the crawled database (tests below change it)."""
    copy = tmp_path / "site.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(str(crawled_db) + suffix)
        if source.exists():
            shutil.copy(source, str(copy) + suffix)
    return copy


def export(db: Path) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in lines(migrator("export", "--db", str(db), "--format", "jsonl"))}


def test_learn_writes_a_reviewable_rulebook_beside_the_db(db: Path) -> None:
    proc = migrator("learn", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    path = db.with_name("site.rules.toml")
    assert str(path) in proc.stderr
    rules = read_rules(path)
    banner = [r for r in rules if r.value.startswith(BANNER)]
    assert len(banner) == 1 and banner[0].kind == "text" and banner[0].status == "proposed"
    assert banner[0].pages >= 5 and banner[0].share >= 0.3 and banner[0].sample_url.startswith("http://")
    assert banner[0].removed and banner[0].removed > 0  # from the crawl's stats: migrator/removed/learned:<id>
    assert all(r.pages >= 5 for r in rules)

    # people review: their statuses survive the next `learn`
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub('^status = "proposed"', 'status = "rejected"', text, count=1, flags=re.M),
                    encoding="utf-8")
    first = read_rules(path)[0]
    assert migrator("learn", "--db", str(db), "--rules", str(path)).returncode == 0
    again = {r.id: r for r in read_rules(path)}
    assert again[first.id].status == "rejected" and len(again) == len(rules)


def test_learn_target_crawls_first_then_writes_the_rulebook(tmp_path: Path) -> None:
    """`migrator learn URL --db PATH`: one step from a site to rules to review."""
    db = tmp_path / "small.db"
    with DemoServer(DemoSite(SiteSpec(articles=30, archive_items=4, slow_seconds=0.2))) as server:
        proc = migrator("learn", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "finished" in proc.stderr and str(db.with_name("small.rules.toml")) in proc.stderr
    rules = read_rules(db.with_name("small.rules.toml"))
    assert [r.status for r in rules if r.value.startswith(BANNER)] == ["proposed"]


def test_crawl_counts_removals_per_learned_rule(crawled_db: Path) -> None:
    store = Store(crawled_db, create=False)
    removed = store.last_run()["stats"]["removed"]  # type: ignore[index]
    learned = {name: n for name, n in removed.items() if name.startswith("learned:")}
    assert learned and all(n > 0 for n in learned.values())
    assert removed.get("source_field", 0) > 0  # built-in rules are counted beside them


def test_reclean_with_no_rule_change_changes_nothing(db: Path) -> None:
    before = export(db)
    proc = migrator("reclean", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert f"{len(before)} articles re-extracted" in proc.stderr and ", 0 changed," in proc.stderr
    assert proc.stdout.strip() == ""
    assert export(db) == before


def _phrase(records: dict[str, dict[str, Any]]) -> str:
    """Four words of one paragraph that stand in a few bodies, not all (no tuning: the first such)."""
    bodies = [r["body_text"] for r in records.values()]
    for body in bodies:
        for paragraph in body.split("\n\n"):
            words = paragraph.split()
            for i in range(0, max(0, len(words) - 4), 3):
                phrase = " ".join(words[i:i + 4])
                hits = sum(phrase in b for b in bodies)
                if 2 <= hits <= len(bodies) // 10:
                    return phrase
    raise AssertionError("no phrase repeats in a few bodies")


def test_reclean_after_a_new_rule_changes_exactly_the_records_containing_it(db: Path) -> None:
    before = export(db)
    phrase = _phrase(before)
    holding = {url for url, r in before.items() if phrase in r["body_text"]}
    rules = db.with_name("site.rules.toml")
    write_rules(rules, [Rule("pattern", re.escape(phrase), status="accepted")])

    dry = migrator("reclean", "--db", str(db), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"{len(holding)} would change" in dry.stderr and "nothing written" in dry.stderr
    assert dry.stdout.count("(re-cleaned)") == min(3, len(holding))
    assert any(line.startswith("-") and phrase in line for line in dry.stdout.splitlines())
    assert export(db) == before

    proc = migrator("reclean", "--db", str(db), "--samples", "0")
    assert proc.returncode == 0, proc.stderr
    assert f", {len(holding)} changed," in proc.stderr
    after = export(db)
    assert set(after) == set(before)
    changed = {url for url in before if after[url]["content_hash"] != before[url]["content_hash"]}
    assert changed == holding
    assert not any(phrase in after[url]["body_text"] for url in holding)
    assert all(after[url] == before[url] for url in set(before) - holding)
    assert migrator("reclean", "--db", str(db)).stderr.count(", 0 changed,") == 1  # idempotent


def test_a_rejected_learned_rule_is_not_applied(db: Path) -> None:
    before = export(db)
    assert not any(BANNER in r["body_text"] for r in before.values())
    assert migrator("learn", "--db", str(db)).returncode == 0
    path = db.with_name("site.rules.toml")
    rules = read_rules(path)
    for rule in rules:
        if rule.value.startswith(BANNER):
            rule.status = "rejected"
    write_rules(path, rules)
    proc = migrator("reclean", "--db", str(db), "--dry-run", "--samples", "1")
    assert proc.returncode == 0, proc.stderr
    assert f"+{BANNER}" in proc.stdout  # the banner would come back: nobody may remove it now


def test_bad_rulebook_is_one_clear_line(db: Path) -> None:
    path = db.with_name("site.rules.toml")
    path.write_text('[[rule]]\ntext = "x"\nstatus = "maybe"\n', encoding="utf-8")
    proc = migrator("reclean", "--db", str(db))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "rule[0].status" in proc.stderr and "site.rules.toml" in proc.stderr


def test_crawl_with_learning_off_applies_only_accepted_rules(demo_server: Any, tmp_path: Path) -> None:
    from migrator.demo.text import BANNER_LINES

    first, other = BANNER_LINES[0], BANNER_LINES[3]
    mapping = tmp_path / "site.toml"
    mapping.write_text("[clean]\nlearn = false\n", encoding="utf-8")
    write_rules(tmp_path / "site.rules.toml", [Rule("text", first, status="accepted")])  # beside the mapping
    db = tmp_path / "site.db"
    proc = migrator("crawl", demo_server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow",
                    "--mapping", str(mapping))
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = [r for r in export(db).values() if r["source_id"].startswith("node/")]  # the Drupal articles
    paragraphs = [p for r in records for p in r["body_text"].split("\n\n")]
    assert first not in paragraphs                      # the accepted rule applied
    assert sum(other in r["body_text"] for r in records) >= 250  # nothing learned was applied
    removed = Store(db, create=False).last_run()["stats"]["removed"]  # type: ignore[index]
    assert removed[Rule("text", first).name] >= 250


def test_crawl_with_a_bad_rulebook_fails_before_fetching(demo_server: Any, tmp_path: Path) -> None:
    (tmp_path / "site.rules.toml").write_text('[[rule]]\npattern = "("\nstatus = "accepted"\n', encoding="utf-8")
    proc = migrator("crawl", demo_server.url + "/", "--db", str(tmp_path / "site.db"))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "site.rules.toml: rule[0].pattern: expected a valid pattern" in proc.stderr
