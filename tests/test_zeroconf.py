"""Zero-config extraction on a site the toolkit has no profile for.

The generated English WordPress-style blog (:mod:`tests.sites.blog`) is served over real HTTP and
crawled with no selectors, as a user runs it (a subprocess, a real SQLite file): every post found, no
template phrase in any record, body F1 at least trafilatura's on the same stored pages. Unit tests
check the content-region learning itself on the blog's pages, without a server. The blog prints
WordPress's marks, which the WordPress profile reads (``tests/test_extract_platforms.py``); here a
mapping's ``profile = "generic"`` makes it the site without a profile that the learning is for.
"""
from __future__ import annotations

import json
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import lxml.html
import pytest
import trafilatura

from migrator.demo.server import DemoServer
from migrator.encoding import decode_html
from migrator.extract.region import MIN_PAGES, Regions, learn_templates
from migrator.parity.evaluate import body_f1, compare
from migrator.rulebook import Rule, write_rules
from migrator.store import Store
from tests.helpers import migrator
from tests.sites.blog import TEMPLATE_PHRASES, TIMEZONE, BlogSite, BlogSpec


def generic(directory: Path) -> str:
    """A mapping that names no platform: the site-wide learning reads the blog."""
    mapping = directory / "generic.toml"
    mapping.write_text('profile = "generic"\n', encoding="utf-8")
    return str(mapping)


def export(db: Path) -> list[dict[str, Any]]:
    proc = migrator("export", "--db", str(db), "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads(line) for line in proc.stdout.splitlines()]


# -- the content region, learned from the blog's pages (no server) ------------------------------------

SITE = BlogSite(BlogSpec(posts=48))  # six pages of home listing


def page(path: str) -> str:
    status, _, body = SITE.respond("GET", path, {"Host": "blog.test"})
    assert status == 200
    return body.decode("utf-8")


def test_region_is_the_element_whose_text_varies_across_the_template() -> None:
    posts = SITE.posts
    templates = learn_templates(page(p.path) for p in posts[:8])
    assert len(templates) == 1 and templates[0].pages == 8
    assert templates[0].xpath.endswith("' entry-content ')]")  # not the article (title, meta, tags) nor <main>
    unseen = posts[10]
    region = Regions(templates).region(lxml.html.document_fromstring(page(unseen.path)))
    assert region is not None
    text = region.text_content()
    assert unseen.body_text.split("\n\n")[0] in text
    assert "Recent Posts" not in text and "Leave a Reply" not in text and unseen.title not in text


def test_listings_are_another_template_and_few_pages_learn_nothing() -> None:
    posts = [page(p.path) for p in SITE.posts[:6]]
    listings = [page("/")] + [page(f"/page/{n}/") for n in range(2, 7)]
    templates = learn_templates(posts + listings)
    assert sorted(t.pages for t in templates) == [6, 6] and len({t.xpath for t in templates}) == 2
    assert learn_templates(posts[:MIN_PAGES - 1]) == []  # too few pages: the single-page extractor stays


def test_regions_survive_pickling_for_the_extraction_workers() -> None:
    import pickle

    regions = Regions(learn_templates(page(p.path) for p in SITE.posts[:6]))
    again = pickle.loads(pickle.dumps(regions))
    doc = lxml.html.document_fromstring(page(SITE.posts[7].path))
    assert again.region(doc) is not None and again.templates[0].xpath == regions.templates[0].xpath


def test_extract_compares_saved_pages_of_one_site_like_a_crawl(tmp_path: Path) -> None:
    """`migrator extract` over saved posts and home pages of the hashed build: the posts are cut to their
    template's region and lose the newsletter blurb, the home pages stay listings."""
    site = BlogSite(BlogSpec(posts=30, theme="hashed"))
    posts = {}
    for i, post in enumerate(site.posts):
        path = tmp_path / f"post{i:02d}.html"
        path.write_bytes(site.respond("GET", post.path, {"Host": "blog.test"})[2])
        posts[str(path)] = post
    homes = [tmp_path / f"home{n}.html" for n in range(1, 5)]
    for n, path in enumerate(homes, 1):
        path.write_bytes(site.respond("GET", f"/page/{n}/" if n > 1 else "/", {"Host": "blog.test"})[2])
    proc = migrator("extract", *posts, *map(str, homes))
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = {r["file"]: r for r in map(json.loads, proc.stdout.splitlines())}
    ours = body_f1([(post.body_text, records[path]["body_text"] or "") for path, post in posts.items()])
    theirs = body_f1([(post.body_text, trafilatura.extract(Path(path).read_text(encoding="utf-8")) or "")
                      for path, post in posts.items()])
    assert ours >= 0.99 and ours >= theirs, (ours, theirs)
    assert not [path for path in posts for phrase in TEMPLATE_PHRASES if phrase in (records[path]["body_text"] or "")]
    assert [records[str(path)]["kind"] for path in homes] == ["listing"] * 4


# -- the blog crawled with no mapping -------------------------------------------------------------------


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The 80-post blog crawled once with no mapping; the server stays up for a second run."""
    site = BlogSite(BlogSpec())
    with DemoServer(site) as server:  # type: ignore[arg-type]  # any object with respond() and delay()
        db = tmp_path_factory.mktemp("blog") / "blog.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", TIMEZONE,
                        "--mapping", generic(db.parent))
        assert proc.returncode == 0, proc.stderr[-4000:]
        records = export(db)
        truth = site.truth(server.url)
        yield {"db": db, "server": server, "records": records, "truth": truth, "mapping": generic(db.parent),
               "quality": compare(records, truth), "stderr": proc.stderr}


def test_every_post_found_once_and_nothing_else(blog: dict[str, Any]) -> None:
    quality = blog["quality"]
    assert quality["found"] == quality["truth"] == 80, quality["mismatches"][:5]
    assert quality["duplicates"] == 0
    assert quality["not_in_truth"] == 0, quality["not_in_truth_sample"]  # listings, pagination, newsletter page


def test_no_record_holds_a_template_phrase(blog: dict[str, Any]) -> None:
    left = [(r["url"], phrase) for r in blog["records"] for phrase in TEMPLATE_PHRASES
            if phrase in (r["body_text"] or "")]
    assert left == []


def test_fields_from_visible_text_and_meta_tags(blog: dict[str, Any]) -> None:
    exact = blog["quality"]["exact"]
    assert exact["author"] >= 0.95 and exact["published_at"] >= 0.95 and exact["title"] >= 0.95, exact


def trafilatura_f1(db: Path, truth: list[dict[str, Any]], **options: Any) -> float:
    """trafilatura on the very bytes the crawl stored, scored like our records."""
    store = Store(db, create=False)
    pairs = []
    for item in truth:
        html = decode_html(store.page_body(item["url"]) or b"").text
        pairs.append((item["body_text"], trafilatura.extract(html, url=item["url"], **options) or ""))
    return body_f1(pairs)


def test_body_f1_at_least_trafilaturas_on_the_same_pages(blog: dict[str, Any]) -> None:
    ours = blog["quality"]["body_f1"]
    theirs = trafilatura_f1(blog["db"], blog["truth"])
    precise = trafilatura_f1(blog["db"], blog["truth"], include_comments=False, favor_precision=True)
    print(f"blog body F1: ours {ours:.4f}, trafilatura {theirs:.4f} (defaults), {precise:.4f} (precision, no comments)")
    assert ours >= max(theirs, precise), (ours, theirs, precise)
    assert ours >= 0.99


def test_the_template_and_its_region_are_kept_in_the_database(blog: dict[str, Any]) -> None:
    rows = Store(blog["db"], create=False).template_rows()
    posts = [row for row in rows if row["xpath"].endswith("' entry-content ')]")]
    assert len(posts) == 1 and posts[0]["pages"] >= 75 and posts[0]["agreeing"] >= 0.5 * posts[0]["pages"]


def test_a_later_run_extracts_in_the_stored_regions(blog: dict[str, Any], tmp_path: Path) -> None:
    """A sync fetches every post again and extracts it in the learned region as it loads: nothing changes."""
    report = tmp_path / "changes.json"
    proc = migrator("sync", blog["server"].url + "/", "--db", str(blog["db"]), "--timezone", TIMEZONE,
                    "--report", str(report), "--mapping", blog["mapping"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(report.read_text(encoding="utf-8")) == {"new": [], "updated": [], "gone": [], "unchanged": 80}


def test_reclean_extracts_in_the_stored_regions(blog: dict[str, Any], tmp_path: Path) -> None:
    """reclean re-extracts in the stored regions: as they are, nothing changes; widened to the whole
    <article>, the post's category and tag line join the bodies (proof that reclean reads the table)."""
    db = tmp_path / "blog.db"
    for suffix in ("", "-wal", "-shm"):  # the database with its write-ahead log
        if Path(str(blog["db"]) + suffix).exists():
            shutil.copy(str(blog["db"]) + suffix, str(db) + suffix)
    proc = migrator("reclean", "--db", str(db), "--dry-run", "--mapping", blog["mapping"])
    assert proc.returncode == 0 and ", 0 would change, 80 unchanged" in proc.stderr, proc.stderr[-3000:]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE templates SET xpath = \"//main[@id='primary']/article\" "
                     "WHERE xpath LIKE '%entry-content%'")
    proc = migrator("reclean", "--db", str(db), "--dry-run", "--mapping", blog["mapping"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    changed = int(re.search(r"(\d+) would change", proc.stderr).group(1))  # type: ignore[union-attr]
    assert changed >= 40 and "+Posted in" in proc.stdout


@pytest.mark.parametrize("theme", ["hashed", "magazine"])
def test_other_builds_of_the_blog_beat_trafilatura_too(theme: str, tmp_path: Path) -> None:
    """hashed: every class hashed, no ids, only divs, so the region is found by position alone;
    magazine: each post's first paragraph sits in the header, beside the body, so the region widens to it."""
    site = BlogSite(BlogSpec(theme=theme))
    with DemoServer(site) as server:  # type: ignore[arg-type]
        base = server.url
        proc = migrator("crawl", base + "/", "--db", str(tmp_path / "blog.db"), "--timezone", TIMEZONE,
                        "--mapping", generic(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    records, truth = export(tmp_path / "blog.db"), site.truth(base)
    quality = compare(records, truth)
    assert quality["found"] == 80 and quality["not_in_truth"] == 0, quality["not_in_truth_sample"]
    assert not [r["url"] for r in records for phrase in TEMPLATE_PHRASES if phrase in (r["body_text"] or "")]
    (template,) = Store(tmp_path / "blog.db", create=False).template_rows()
    if theme == "hashed":
        assert "@id" not in template["xpath"] and "class" not in template["xpath"]  # positions only
    else:
        assert template["xpath"].endswith("' type-post ')]")  # the whole post, not just .entry-content
    theirs = trafilatura_f1(tmp_path / "blog.db", truth)
    precise = trafilatura_f1(tmp_path / "blog.db", truth, include_comments=False, favor_precision=True)
    print(f"{theme} blog body F1: ours {quality['body_f1']:.4f}, trafilatura {theirs:.4f} (defaults), "
          f"{precise:.4f} (precision, no comments)")
    assert quality["body_f1"] >= max(theirs, precise) and quality["body_f1"] >= 0.98


# -- learning off: the accepted rules still withdraw template-only pages ------------------------------

NOTICE = ("Dear readers, after twenty years this site has moved to a new platform. The old pages stay online for "
          "a while, but new stories appear only at the new address. Please update your bookmarks and feeds, and "
          "thank you for reading us all these years. See you soon at the new address, same name, same people.")


class NoticeSite:
    """Six stories carrying the site's notice as a paragraph, and a page holding only the notice, re-wrapped
    into two paragraphs (so no block of it equals the accepted rule's text)."""

    def __init__(self) -> None:
        from faker import Faker

        fake = Faker("en_US")
        fake.seed_instance(3)
        self.stories = {f"/story/{i}": [fake.paragraph(nb_sentences=6) for _ in range(3)] for i in range(1, 7)}

    def delay(self, path: str) -> float:
        return 0.0

    def respond(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        links = "".join(f'<a href="{p}">Story {p[-1]}</a> ' for p in self.stories) + '<a href="/notice">Notice</a>'
        if path == "/":
            main = "<h1>Latest</h1>" + links
        elif path == "/notice":
            half = NOTICE.index(" Please")
            main = f"<h1>Notice</h1><p>{NOTICE[:half]}</p><p>{NOTICE[half + 1:]}</p>"
        elif path in self.stories:
            main = f"<h1>Story {path[-1]}</h1>" + "".join(f"<p>{t}</p>" for t in self.stories[path]) + f"<p>{NOTICE}</p>"
        else:
            return 404, [("Content-Type", "text/html")], b"<html><body>Not found</body></html>"
        html = f'<html><head><title>{path}</title></head><body><div id="menu">{links}</div><div id="main">{main}</div></body></html>'
        return 200, [("Content-Type", "text/html; charset=utf-8")], html.encode("utf-8")


def test_learning_off_still_withdraws_pages_holding_only_accepted_rule_text(tmp_path: Path) -> None:
    mapping = tmp_path / "site.toml"
    mapping.write_text('profile = "generic"\n[clean]\nlearn = false\n', encoding="utf-8")
    write_rules(tmp_path / "site.rules.toml", [Rule("text", NOTICE, status="accepted")])
    with DemoServer(NoticeSite()) as server:  # type: ignore[arg-type]
        base = server.url
        proc = migrator("crawl", base + "/", "--db", str(tmp_path / "site.db"), "--mapping", str(mapping))
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = {r["url"].removeprefix(base): r for r in export(tmp_path / "site.db")}
    assert sorted(records) == [f"/story/{i}" for i in range(1, 7)]  # the notice page is withdrawn
    assert all("Dear readers" not in r["body_text"] for r in records.values())
