"""A zoo of Drupal 6 sites: crawl randomly drawn themes and markups with no mapping, check every field.

Each seed draws a theme (garland, minnelli, bluemarine, pushbutton, chameleon, marvin, zen) and the
site's markup (``layout.Markup``: where the source field stands and how it is labelled, CCK or
taxonomy terms, the "submitted" wording, user links, node ids, node type, modules) and includes short
briefs. The crawl runs in a subprocess as a user runs it, against a real local server.

``bench/zoo_fields.py --seeds 31 32 33`` measures other seeds the same way.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from migrator.demo.run import absolute_truth
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.parity.evaluate import compare
from tests.helpers import migrator

#: Seeds whose draws cover every theme and every source-field placement (bluemarine, marvin, chameleon,
#: pushbutton, zen, minnelli; CCK inline, list, paragraph, CCK).
SEEDS = (1, 3, 9, 12, 16, 20)
ARTICLES = 60
#: Labels and bylines that belong to fields, never to a body.
LABELS = ("Источник(и):", "Источник:", "Источники:", "Source:", "Sources:", "Рубрика:", "Рубрики:", "Теги:",
          "Tags:", "Опубликовано", "Submitted by", "Автор:", "пользователем")


def zoo_site(seed: int) -> DemoSite:
    return DemoSite(SiteSpec(seed=seed, articles=ARTICLES, theme="random", zoo=True, archive_items=4,
                             slow_seconds=0.1))


def crawl_and_score(seed: int, workdir: Path) -> dict[str, Any]:
    """Crawl one zoo site with no mapping; its records, truth and scores."""
    site = zoo_site(seed)
    db = workdir / f"zoo-{seed}.db"
    with DemoServer(site) as server:
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
        assert proc.returncode == 0, proc.stderr[-3000:]
        truth = absolute_truth(site, server.url)
    exported = migrator("export", "--db", str(db), "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    by_url = {r["url"]: r for r in records}
    nodes = [t for t in truth if t.get("kind") == "node"]
    typed = [t for t in nodes if t["type"]]
    return {
        "site": site, "records": records, "truth": truth, "quality": compare(records, truth),
        "labels": [(r["url"], label) for r in records for label in LABELS if label in r["body_text"]],
        "briefs": [t["url"] for t in nodes if t["brief"]],
        "briefs_found": [t["url"] for t in nodes if t["brief"] and t["url"] in by_url],
        "type_exact": sum(by_url.get(t["url"], {}).get("type") == t["type"] for t in typed) / len(typed) if typed else None,
    }


@pytest.fixture(scope="module", params=SEEDS)
def zoo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return crawl_and_score(request.param, tmp_path_factory.mktemp("zoo"))


def test_every_field_exact_for_98_percent(zoo: dict[str, Any]) -> None:
    quality = zoo["quality"]
    bad = {name: rate for name, rate in quality["exact"].items() if rate < 0.98}
    sample = [m for m in quality["mismatches"] if m["field"] in bad][:4]
    assert not bad, (zoo["site"].theme.name, zoo["site"].markup, sample)


def test_no_article_lost_briefs_included(zoo: dict[str, Any]) -> None:
    quality = zoo["quality"]
    missing = [m["url"] for m in quality["mismatches"] if m["field"] == "missing"]
    assert missing == [] and quality["duplicates"] == 0 and quality["not_in_truth"] == 0
    assert zoo["briefs_found"] == zoo["briefs"]


def test_no_field_label_left_in_a_body(zoo: dict[str, Any]) -> None:
    assert zoo["labels"] == []
    assert zoo["quality"]["boilerplate_records"] == 0, zoo["quality"]["boilerplate_sample"]
    assert zoo["quality"]["body_f1"] >= 0.97


def test_node_type_recorded(zoo: dict[str, Any]) -> None:
    """Where the theme prints the type (node or body class), the record carries it (every test seed's does)."""
    assert zoo["type_exact"] == 1.0


def test_seeds_draw_different_sites() -> None:
    """The zoo is a zoo: the tests' seeds cover every theme but garland, and four source placements."""
    sites = [zoo_site(seed) for seed in SEEDS]
    assert {s.theme.name for s in sites} >= {"bluemarine", "pushbutton", "chameleon", "marvin", "zen", "minnelli"}
    assert {s.markup.sources for s in sites} == {"cck", "cck-inline", "list", "paragraph"}
    assert all(any(t.get("brief") for t in s.truth()) for s in sites)
