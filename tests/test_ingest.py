"""The one way into the store, without a crawl: generated pages (modeled on Drupal 6's Garland node pages and on a
plain blog) are extracted, handed to :class:`migrator.ingest.Ingest` as a fetched page, and what became of each
is read back from the store in ``tmp_path``: a new record, the same one updated or unchanged, one record for one
node under two URLs, and the pages that are withdrawn (gone, or nothing but the site's repeated text)."""
from __future__ import annotations

from pathlib import Path

from migrator.extract import extract
from migrator.ingest import Counts, Ingest, Outcome
from migrator.mapping import Config, load_config
from migrator.rulebook import Rulebook
from migrator.store import RawPage, Store

SITE = "http://old.test"
PHYSICS = "Физики измерили массу нейтрино точнее прежнего, сравнив распады трития в двух лабораториях. "
PROMO = ("Подпишитесь на нашу рассылку, чтобы первыми узнавать о новых заметках, конкурсах и встречах читателей "
         "блога в вашем городе и по всей стране.")
RULES = ("Правила блога: комментарии появляются после проверки, ссылки на сторонние сайты удаляются, а за грубость "
         "и рекламу автор комментария получает бан без предупреждения.")


def drupal_page(node: int, title: str, body: str) -> str:
    """A Drupal 6 node page as Garland prints it: the node's id in ``<div id="node-N">``, the submitted line."""
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<meta name="generator" content="Drupal 6 (http://drupal.org)"><title>{title} | Наука сегодня</title></head>
<body><div id="page"><div id="header"><a href="/" id="site-name">Наука сегодня</a></div><div id="main">
<h2 class="title">{title}</h2><div id="node-{node}" class="node">
<span class="submitted">Вт, 11/11/2014 - 10:00 — Иван Петров</span><div class="content">{body}</div>
</div></div></div></body></html>"""


def blog_page(title: str, *paragraphs: str) -> str:
    """A hand-made blog's post: no platform markup, one ``<article>``."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><header>Блог Ивана</header><main><article>"
            f"<h1>{title}</h1>{body}</article></main><footer>Все права защищены.</footer></body></html>")


class Run:
    """One run of the store: pages go in through its Ingest as a crawl's would."""

    def __init__(self, store: Store, config: Config) -> None:
        self.store, self.config, self.stats = store, config, Counts()
        self.id = store.begin_run("crawl", SITE + "/", {})
        self.ingest = Ingest(store, config, Rulebook.for_run(config, str(store.path)), self.id, self.stats,
                             frontier=False)

    def fetched(self, url: str, html: str, status: int = 200) -> Outcome:
        raw = RawPage(url=url, status=status, headers={"Content-Type": "text/html; charset=utf-8"},
                      body=html.encode(), fetched_at="2026-12-07T10:00:00+00:00", encoding="utf-8",
                      encoding_source="header", encoding_evidence="", request_url=url)
        result = extract(url, html, self.config) if status < 400 else None
        with self.store.batch():
            return self.ingest.page(raw, result)


def site_config() -> Config:
    return load_config(start_url=SITE + "/", timezone="Europe/Moscow")


def test_a_new_page_becomes_one_record(store: Store, tmp_path: Path) -> None:
    run = Run(store, site_config())
    assert run.fetched(f"{SITE}/news/neutrino", drupal_page(5, "Нейтрино", f"<p>{PHYSICS * 3}</p>")) \
        == Outcome("article", "new")
    [record] = list(store.records())
    assert (record["source_id"], record["url"], record["title"], record["author"], record["published_at"]) == (
        "node/5", f"{SITE}/news/neutrino", "Нейтрино", "Иван Петров", "2014-11-11T10:00:00+03:00")
    assert run.stats["migrator/articles/new"] == run.stats["migrator/articles"] == 1
    assert store.run_report(run.id)["new"] == [f"{SITE}/news/neutrino"]


def test_the_next_run_updates_the_record_or_finds_it_unchanged(store: Store, tmp_path: Path) -> None:
    url = f"{SITE}/news/neutrino"
    Run(store, site_config()).fetched(url, drupal_page(5, "Нейтрино", f"<p>{PHYSICS * 3}</p>"))
    assert Run(store, site_config()).fetched(url, drupal_page(5, "Нейтрино", f"<p>{PHYSICS * 3}</p>")) \
        == Outcome("article", "unchanged")
    edited = Run(store, site_config())
    assert edited.fetched(url, drupal_page(5, "Нейтрино", f"<p>{PHYSICS * 3}</p><p>Дополнено в среду.</p>")) \
        == Outcome("article", "updated")
    [record] = list(store.records())
    assert record["body_text"].endswith("Дополнено в среду.")
    assert store.run_report(edited.id)["updated"] == [url]


def test_one_node_under_two_urls_is_one_record(store: Store, tmp_path: Path) -> None:
    run = Run(store, site_config())
    page = drupal_page(5, "Нейтрино", f"<p>{PHYSICS * 3}</p>")
    assert run.fetched(f"{SITE}/news/neutrino", page) == Outcome("article", "new")
    assert run.fetched(f"{SITE}/node/5", page) == Outcome("article", "merged")
    [record] = list(store.records())
    assert record["source_id"] == "node/5" and f"{SITE}/node/5" in [record["url"], *record["aliases"]]
    assert run.stats["migrator/articles"] == 1 and run.stats["migrator/articles/merged"] == 1


def test_a_page_of_only_the_sites_repeated_text_is_withdrawn_and_listed(store: Store, tmp_path: Path) -> None:
    run = Run(store, site_config())
    run.ingest.learned({PROMO: 40, RULES: 40})  # what the site-wide learning found on forty pages
    url = f"{SITE}/blog/announce"
    assert run.fetched(url, blog_page("Анонс", PROMO, '<a href="/blog/1">Читать далее</a>', RULES)) \
        == Outcome("skip", "listing")
    assert run.fetched(f"{SITE}/blog/spring", blog_page("Весна", PROMO, PHYSICS * 2)) == Outcome("article", "new")
    assert [r["url"] for r in store.records()] == [f"{SITE}/blog/spring"]
    assert "Подпишитесь" not in next(store.records())["body_text"]  # the block went from the kept record
    assert [(w["url"], w["reason"]) for w in store.withdrawals(run.id)] == [(url, "repeated blocks only (at load)")]
    assert run.stats["migrator/skipped/listing"] == 1


def test_a_known_article_that_is_gone_is_withdrawn_with_its_evidence(store: Store, tmp_path: Path) -> None:
    url = f"{SITE}/news/neutrino"
    Run(store, site_config()).fetched(url, drupal_page(5, "Нейтрино", f"<p>{PHYSICS * 3}</p>"))
    later = Run(store, site_config())
    assert later.fetched(url, "<h1>Not Found</h1>", status=404) == Outcome("skip", "gone")
    assert list(store.records()) == [] and store.article_count("gone") == 1
    assert later.stats["migrator/articles/gone"] == 1 and later.stats["migrator/skipped/gone"] == 1
    assert later.fetched(f"{SITE}/never-was", "<h1>Not Found</h1>", status=404) == Outcome("error", "http-404")
    assert [e["url"] for e in store.errors(later.id)] == [f"{SITE}/never-was"]


def test_a_type_the_mapping_excludes_is_skipped_with_its_reason(store: Store, tmp_path: Path) -> None:
    mapping = tmp_path / "site.toml"
    mapping.write_text(f'start_urls = ["{SITE}/"]\ntimezone = "Europe/Moscow"\n\n[crawl]\nexclude_types = ["news"]\n')
    excluding = load_config(str(mapping))
    run = Run(store, excluding)
    outcome = run.fetched(f"{SITE}/news/neutrino", drupal_page(5, "Нейтрино", f"<p>{PHYSICS * 3}</p>"))
    assert outcome.dropped and outcome.kind == "skip" and outcome.reason.startswith("type-")
    assert list(store.records()) == []
