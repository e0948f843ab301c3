"""Extraction without fetching: saved page files (``migrator extract``), the raw pages a crawl
kept in the database (``migrator reclean``), and the content regions learned from those pages at
crawl end (:func:`learn_regions`, :func:`apply_regions`).

Both decode bytes the way the crawler does (:func:`migrator.encoding.decode_html`), run the same
:func:`migrator.extract.extract`, and derive ``source_id`` as the crawler does, so what they print
or write is what a crawl would have produced from the same bytes.
"""
from __future__ import annotations

import difflib
import logging
import re
import tempfile
from collections import Counter, deque
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from migrator.clean.text import html_to_text
from migrator.encoding import Decoded, decode_html, xml_safe
from migrator.errors import PageError
from migrator.extract import PageResult, extract
from migrator.extract.common import parse
from migrator.extract_pool import ExtractionPool
from migrator.extract.region import MIN_PAGES, Regions, leaf_block_texts, learn_templates
from migrator.limits import read_page_file
from migrator.record import EXPORT_KEYS, Article
from migrator.store import RawPage, Store, StoredArticle, StoredPage, utcnow
from migrator.urls import derived_source_id, node_id, type_at

if TYPE_CHECKING:
    from migrator.mapping import Config
    from migrator.rulebook import Rulebook

logger = logging.getLogger(__name__)


def read_page(path: Path) -> Decoded:
    """A saved page's text, gunzipped when the file is gzip (whatever its name), within the size cap.

    Raises :class:`~migrator.errors.PageError` for an unreadable file, broken gzip data or a page over
    :data:`migrator.limits.MAX_PAGE_BYTES`.
    """
    return decode_html(read_page_file(path))


def source_id_of(result: PageResult, url: str, config: Config) -> str:
    """The crawler's choice: the id the page reveals, else the one its URL names, else one derived from it.

    >>> from migrator.mapping import Config
    >>> source_id_of(PageResult("other", "generic", None, None, None), "file:///tmp/a/page.html", Config())
    'tmp/a/page'
    """
    rules = tuple(re.compile(p) for p in config.alias_rules)
    return result.source_id or node_id(url, rules) or derived_source_id(url)


def page_record(path: Path, config: Config, url: str | None = None, regions: Regions | None = None,
                decoded: Decoded | PageError | None = None) -> dict[str, Any]:
    """One saved page as a JSON-ready record: ``file``, ``kind``, ``warnings`` and the record keys of design.md.

    A page that is no article still gets a record (empty fields, its main text in ``body_text``
    when one was found) so that every file can be scored and debugged; a page that cannot be read gets
    one with ``kind`` "error" and the reason in ``error``. ``decoded``: the page already read.
    """
    return _page_result(path, config, url, regions, decoded)[0]


def _page_result(path: Path, config: Config, url: str | None = None, regions: Regions | None = None,
                 decoded: Decoded | PageError | None = None) -> tuple[dict[str, Any], PageResult | None]:
    """:func:`page_record` and the extraction result it came from (None for an unreadable file)."""
    url = url or path.resolve().as_uri()
    decoded = decoded or _read_or_error(path)
    if isinstance(decoded, PageError):
        return {"file": str(path), **_empty_record(url, config, None), "kind": "error", "profile": None,
                "reason": "unreadable", "error": str(decoded), "warnings": []}, None
    result = extract(url, decoded.text, config, regions)
    if result.article is not None:
        result.article.source_id = source_id_of(result, url, config)
        record = result.article.to_record()
    else:
        record = _empty_record(url, config, result)
    return {"file": str(path), **record, "kind": result.kind, "profile": result.profile,
            "reason": result.reason, "encoding": decoded.encoding, "warnings": result.warnings}, result


def _empty_record(url: str, config: Config, result: PageResult | None) -> dict[str, Any]:
    record: dict[str, Any] = {key: None for key in EXPORT_KEYS}
    record.update(url=url, aliases=[], tags=[], sources=[], images=[], comments=[],
                  source_id=source_id_of(result or PageResult("other", "generic", None, None, None), url, config),
                  body_text=result.text if result else "")
    return record


def extract_files(paths: Iterable[Path], config: Config, url: str | None = None) -> Iterator[dict[str, Any]]:
    """:func:`page_record` of each file, in order, with what a crawl learns at its end over the pages of each
    site among them (:func:`site_groups`): :class:`~migrator.site_model.SiteModel` runs over them as over a
    crawl's (in a temporary database), so they are extracted in the content regions and field places of their
    templates, without the blocks that repeat across them, listings and shell pages withdrawn (``kind``
    "listing", the reason in ``reason``), short entries kept. Pages of unrelated sites (a benchmark's) learn
    nothing from each other and get what each gets alone. A file that cannot be read costs only its own record.
    """
    pages = [(path, _read_or_error(path)) for path in paths]
    done = [_page_result(path, config, url, None, decoded) for path, decoded in pages]
    records = [record for record, _ in done]
    readable = [i for i, (_, decoded) in enumerate(pages) if isinstance(decoded, Decoded)]
    for group in site_groups([parse(pages[i][1].text) for i in readable]):  # type: ignore[union-attr]
        if len(group) >= MIN_PAGES:
            members = [readable[i] for i in group]
            learned = learn_site([(pages[i][1], done[i]) for i in members], config, url)  # type: ignore[misc]
            for i, record in zip(members, learned):
                records[i] = record
    yield from records


#: Two saved pages are of one site when they share this many block texts (its menus, login form, footer)...
SITE_SHELL_TEXTS = 3
#: ...of at most this many characters (an article's paragraphs shared by two pages are no shell).
SHELL_TEXT_CHARS = 200


def site_groups(docs: list[Any]) -> list[list[int]]:
    """Indexes of saved pages grouped by site: a page joins the first group whose first page shares
    :data:`SITE_SHELL_TEXTS` short block texts with it (a wire credit on pages of ten sites is one text).

    >>> import lxml.html
    >>> page = lambda n, site: lxml.html.fromstring(f"<div><p>Меню {site}</p><p>Вход {site}</p><p>Чат {site}</p><p>Статья {n}</p></div>")
    >>> site_groups([page(1, "a"), page(2, "b"), page(3, "a"), None])
    [[0, 2], [1], [3]]
    """
    groups: list[tuple[set[str], list[int]]] = []
    for index, doc in enumerate(docs):
        texts = {t for t in leaf_block_texts(doc).values() if len(t) <= SHELL_TEXT_CHARS} if doc is not None else set()
        group = next((g for g in groups if len(g[0] & texts) >= SITE_SHELL_TEXTS), None)
        if group is None:
            groups.append((texts, [index]))
        else:
            group[1].append(index)
    return [members for _, members in groups]


def learn_site(pages: list[tuple[Decoded, tuple[dict[str, Any], PageResult | None]]], config: Config,
               url: str | None = None) -> list[dict[str, Any]]:
    """The records of one site's saved pages once the crawl-end learning ran over them: each page and article
    is stored in a temporary database as the crawler stores them, :meth:`SiteModel.finish` runs, and the
    records are read back (a withdrawn one as a "listing" with the reason)."""
    from migrator.rulebook import Rulebook

    with tempfile.TemporaryDirectory(prefix="migrator-extract-") as tmp:
        db = str(Path(tmp) / "site.db")
        store = Store(db)
        try:
            run_id = store.begin_run("extract", "saved pages", {"pages": len(pages)})
            with store.batch():
                ids = [_store_page(store, run_id, decoded, record, result, config, f"{url}#{n}" if url else None)
                       for n, (decoded, (record, result)) in enumerate(pages)]
            site_learning(store, config, Rulebook.for_run(config, db), run_id)
            withdrawn = {row["source_id"]: row["reason"] for row in store.withdrawals(run_id)}
            learned = [_learned_record(store, record, sid, withdrawn) for (_, (record, _)), sid in zip(pages, ids)]
        finally:
            store.close()
    if url:  # each page was stored under a URL of its own: they all print the one (and its id) they were given
        for record, (_, (given, _)) in zip(learned, pages):
            record.update(url=url, source_id=given["source_id"])
    return learned


def _store_page(store: Store, run_id: int, decoded: Decoded, record: dict[str, Any], result: PageResult | None,
                config: Config, url: str | None) -> str:
    """One saved page and its article (if it is one) stored as the crawler stores them; returns the source id."""
    url = url or record["url"]
    source_id = record["source_id"] if result is None or result.article is None else source_id_of(result, url, config)
    raw = RawPage(url=url, status=200, headers={}, body=decoded.text.encode("utf-8"), fetched_at=utcnow(),
                  encoding="utf-8", encoding_source=decoded.source, encoding_evidence=decoded.evidence,
                  kind=result.kind if result else "other", source_id=result.source_id if result else None,
                  request_url=url)
    store.save_page(raw, run_id)
    if result is not None and result.article is not None:
        article = result.article
        article.source_id, article.url, article.fetched_at = source_id, url, raw.fetched_at
        store.save_article(article, run_id)
    return source_id


def _learned_record(store: Store, record: dict[str, Any], source_id: str, withdrawn: dict[str, str]) -> dict[str, Any]:
    """A page's record as the site's learning left it: rewritten, withdrawn or kept (short entries: rescued)."""
    live = store.record(source_id)
    if live is not None:
        return {**record, **live, "kind": "article", "profile": store.profile_of(source_id), "reason": ""}
    if source_id in withdrawn:
        return {**record, "kind": "listing", "reason": f"listing: {withdrawn[source_id]}"}
    return record


class Counts(Counter):  # type: ignore[type-arg]
    """Scrapy's stats collector as much as :class:`~migrator.site_model.SiteModel` uses of it, for runs
    without Scrapy."""

    def inc_value(self, key: str, count: int = 1) -> None:
        self[key] += count

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value


def _read_or_error(path: Path) -> Decoded | PageError:
    """The page read, or why it could not be: one bad file must not end the batch."""
    try:
        return read_page(path)
    except PageError as exc:
        return exc


# -- re-cleaning the stored pages -------------------------------------------------------------------

@dataclass
class RecleanReport:
    """What a re-cleaning pass did (or, dry, would do) to the stored records."""

    articles: int = 0
    changed: list[str] = field(default_factory=list)        # canonical URLs whose content changed
    not_articles: list[str] = field(default_factory=list)   # pages that no longer extract as an article
    diffs: list[str] = field(default_factory=list)          # unified diffs of body_text, a sample
    removed: Counter[str] = field(default_factory=Counter)  # rule name -> blocks removed
    withdrawn: list[str] = field(default_factory=list)      # URLs the site learning withdrew (not in a dry run)
    learned: Counter[str] = field(default_factory=Counter)  # what the site learning counted
    run_id: int | None = None
    dry_run: bool = False

    @property
    def unchanged(self) -> int:
        return self.articles - len(self.changed) - len(self.not_articles)

    def line(self) -> str:
        what = "would change" if self.dry_run else "changed"
        tail = (" (dry run: nothing written, the site's learning not run)" if self.dry_run else
                f"; site learning: {len(self.withdrawn)} withdrawn (see migrator status) (run {self.run_id})")
        return (f"reclean: {self.articles} articles re-extracted from stored pages, {len(self.changed)} {what}, "
                f"{self.unchanged} unchanged, {len(self.not_articles)} no longer articles (left as they were){tail}")


def page_text(page: StoredPage) -> str:
    """A stored page's text, decoded with the encoding the crawl chose (detected again if it fails)."""
    if page.encoding:
        try:
            return xml_safe(page.body.decode(page.encoding))
        except (UnicodeDecodeError, LookupError):
            pass
    return decode_html(page.body, page.header("content-type")).text


def body_diff(url: str, before: str, after: str) -> str:
    """A unified diff of two body texts, one line per paragraph.

    >>> print(body_diff("http://a.test/1", "Текст.\\n\\nБаннер.", "Текст."), end="")
    --- http://a.test/1 (stored)
    +++ http://a.test/1 (re-cleaned)
    @@ -1,3 +1 @@
     Текст.
    -
    -Баннер.
    """
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), f"{url} (stored)", f"{url} (re-cleaned)",
                                 lineterm="")
    return "\n".join(lines) + "\n"


def reclean(store: Store, config: Config, rulebook: Rulebook, *, dry_run: bool = False,
            samples: int = 3) -> RecleanReport:
    """Re-run extraction and cleaning over every live article's stored raw page, without fetching.

    Records whose content hash changes are updated in one transaction (a ``reclean`` run in the
    ledger, an "updated" change each); URLs, aliases and run history stay. A page that no longer
    extracts as an article is reported and its record left alone.
    """
    report = RecleanReport(dry_run=dry_run)
    texts = rulebook.texts(store.boilerplate())
    regions = Regions.from_rows(store.template_rows())
    updates: list[tuple[str, Article]] = []
    for row, page in store.stored_pages():
        report.articles += 1
        article = _reextract(row, page, config, rulebook, texts, report.removed, regions)
        if article is None:
            report.not_articles.append(row.url)
        elif article.to_record()["content_hash"] != row.content_hash:
            report.changed.append(row.url)
            if len(report.diffs) < samples:
                report.diffs.append(body_diff(row.url, row.body_text, article.body_text))
            updates.append((row.source_id, article))
    if not dry_run:
        report.run_id = store.begin_run("reclean", str(store.path), {"rules": len(rulebook.rules),
                                                                      "mapping": config.source})
        with store.batch():
            for source_id, article in updates:
                store.update_content(source_id, article, report.run_id)
        report.learned = site_learning(store, config, rulebook, report.run_id)
        report.withdrawn = [row["url"] for row in store.withdrawals(report.run_id)]
        store.finish_run(report.run_id, "finished", {"articles": report.articles, "pages": report.articles,
                                                     "changed": len(report.changed), "removed": dict(report.removed),
                                                     "withdrawn": len(report.withdrawn)})
    return report


def site_learning(store: Store, config: Config, rulebook: Rulebook, run_id: int) -> Counts:
    """The crawl's end over the re-cleaned records (:meth:`migrator.site_model.SiteModel.finish`): templates,
    fields and repeated blocks learned again, listings and shell pages withdrawn (records of earlier runs too,
    each with its reason), short entries kept. Returns what it counted."""
    from migrator.site_model import SiteModel  # it builds on this module's steps

    counts = Counts()
    SiteModel(store, config, rulebook, run_id, counts, older=True).finish()
    return counts


def _reextract(row: StoredArticle, page: StoredPage, config: Config, rulebook: Rulebook,
               texts: dict[str, int], removed: Counter[str], regions: Regions | None = None,
               result: PageResult | None = None) -> Article | None:
    """The crawler's steps for one stored page: extract (in the learned content regions; ``result``: already
    extracted so), then the rulebook and the learned blocks."""
    result = result or extract(page.url, page_text(page), config, regions)
    if result.kind != "article" or result.article is None:
        return None
    removed.update(result.removed)
    article = result.article
    article.source_id, article.url, article.fetched_at = row.source_id, row.url, row.fetched_at
    article.type = type_at(article.type, page.url, row.url)
    article.body_html, by_rule = rulebook.apply(article.body_html, texts)
    if by_rule:
        article.body_text = html_to_text(article.body_html)
        removed.update(by_rule)
    return article


# -- content regions learned from the stored pages ----------------------------------------------------

#: Stored generic pages that templates are learned from (streamed: only their URLs and skeletons are held).
REGION_PAGES = 2000


def learn_regions(store: Store, limit: int = REGION_PAGES) -> Regions:
    """The content regions and field places of the templates of the live generic articles' stored pages.

    The pages are read from the database one at a time for their skeletons, and each template's sample is
    read again when its region is learned: memory holds one template's sample, whatever the site's size.
    """
    urls: list[str] = []

    def texts() -> Iterator[str]:
        for _, page in islice(store.stored_pages("generic"), limit):
            urls.append(page.url)
            yield page_text(page)

    def load(index: int) -> str:
        page = store.page(urls[index])
        return page_text(page) if page is not None else ""

    return Regions(learn_templates(texts(), urls=urls, load=load))


def rescue_entries(store: Store, config: Config, rulebook: Rulebook, regions: Regions, run_id: int) -> list[str]:
    """Pages the single-page extractor turned down (too short: a one-line news brief) that a learned template
    shows as entries (their own title and date where the template keeps them) become records; returns their
    source ids. Nothing is fetched: the stored raw pages are read again. A page ``[clean] keep`` names is
    taken back too (a withdrawal undone from the mapping, in ``migrator reclean`` as in the next crawl)."""
    if not any(t.fields for t in regions.templates) and not config.keep:
        return []
    texts = rulebook.texts(store.boilerplate())
    rescued = []
    for page in store.unrecorded_pages():
        html = page_text(page)
        doc = parse(html)
        template = regions.match(doc)[0] if doc is not None else None
        entry = template is not None and template.identifies_article(page.url, doc)
        if not entry and not config.keeps(page.url):
            continue  # only what a template shows as an entry: listings stay withdrawn
        result = extract(page.url, html, config, regions)
        if result.kind != "article" or result.article is None or not config.wants_type(result.article.type):
            continue
        article = result.article
        article.source_id = source_id_of(result, page.url, config)
        article.url, article.fetched_at = page.url, page.fetched_at
        article.body_html, by_rule = rulebook.apply(article.body_html, texts)
        if by_rule:
            article.body_text = html_to_text(article.body_html)
        if store.save_article(article, run_id) == "new":
            store.mark_page(page.url, "article", article.source_id)
            store.undo_withdrawal(page.url, run_id)
            rescued.append(article.source_id)
    return rescued


def is_entry(store: Store, regions: Regions, source_id: str) -> bool:
    """Whether a record's stored page is one its learned template shows as an entry: such a record is an
    article however short, and no heuristic withdraws it."""
    row = store.article_head(source_id)
    page = store.page(row.url) if row else None
    doc = parse(page_text(page)) if page else None
    template = regions.template_of(doc) if doc is not None else None
    return template is not None and row is not None and template.identifies_article(row.url, doc)


def apply_regions(store: Store, config: Config, rulebook: Rulebook, regions: Regions,
                  run_id: int, pool: ExtractionPool | None = None) -> tuple[list[str], list[str]]:
    """Re-extract the live generic articles' stored pages in the learned regions, with the crawler's rules.

    Records whose content changes are updated (as changes of ``run_id``); returns the source ids of those
    updated and of those whose page no longer extracts as an article (the caller decides their fate).
    With ``pool`` (the crawl's), the pages are extracted in its worker processes too, a few at a time; a
    page whose extraction fails is logged and its record left as it stands.
    """
    texts = rulebook.texts(store.boilerplate())
    changed, not_articles, removed = [], [], Counter[str]()
    read: deque[tuple[StoredArticle, StoredPage]] = deque()  # the pages handed out, awaiting their result

    def pages() -> Iterator[tuple[str, str]]:
        for row, page in store.stored_pages("generic"):  # it lists the articles first: rewriting them is safe
            read.append((row, page))
            yield page.url, page_text(page)

    pool = pool or ExtractionPool(config, 0)
    for result in pool.extract_many(pages(), regions):
        row, page = read.popleft()
        if isinstance(result, Exception):
            logger.warning("re-extraction failed on %s: %s; its record stands as it was", page.url, result)
            continue
        article = _reextract(row, page, config, rulebook, texts, removed, regions, result)
        if article is None:
            not_articles.append(row.source_id)
        elif store.update_content(row.source_id, article, run_id):
            changed.append(row.source_id)
    return changed, not_articles
