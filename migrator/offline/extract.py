"""Extraction without a crawl: saved page files (``migrator extract``).

Pages are decoded the way the crawler decodes them (:func:`migrator.encoding.decode_html`), extracted by the
same :func:`migrator.extract.extract`, and the pages of one site among them go through the crawl's own end
(:class:`~migrator.sitewide.SiteModel`), stored as the crawler stores them (:class:`~migrator.ingest.Ingest`),
so what this prints is what a crawl would have produced from the same bytes.
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from migrator.encoding import Decoded, decode_html
from migrator.errors import PageError
from migrator.extract import PageResult, extract
from migrator.extract.common import parse
from migrator.extract.region import MIN_PAGES, Regions, leaf_block_texts
from migrator.ingest import Counts, Ingest
from migrator.ingest.identity import source_id_of
from migrator.limits import read_page_file
from migrator.record import EXPORT_KEYS
from migrator.sitewide import SiteModel
from migrator.store import RawPage, Store, utcnow

if TYPE_CHECKING:
    from migrator.mapping import Config


def read_saved_page(path: Path) -> Decoded:
    """A saved page's text, gunzipped when the file is gzip (whatever its name), within the size cap.

    Raises :class:`~migrator.errors.PageError` for an unreadable file, broken gzip data or a page over
    :data:`migrator.limits.MAX_PAGE_BYTES`.
    """
    return decode_html(read_page_file(path))


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
        result.article.source_id = source_id_of(result, url, config.alias_patterns())
        record = result.article.to_record()
    else:
        record = _empty_record(url, config, result)
    return {"file": str(path), **record, "kind": result.kind, "profile": result.profile,
            "reason": result.reason, "encoding": decoded.encoding, "warnings": result.warnings}, result


def _empty_record(url: str, config: Config, result: PageResult | None) -> dict[str, Any]:
    record: dict[str, Any] = {key: None for key in EXPORT_KEYS}
    record.update(url=url, aliases=[], tags=[], sources=[], images=[], comments=[],
                  source_id=source_id_of(result or PageResult("other", "generic", None, None, None), url,
                                         config.alias_patterns()),
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
            for i, record in zip(members, learned, strict=False):
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
    """The records of one site's saved pages once the crawl-end learning ran over them: each page goes into a
    temporary database as the crawler stores it, :meth:`SiteModel.finish` runs, and the records are read back
    (a withdrawn one as a "listing" with the reason)."""
    from migrator.rulebook import Rulebook

    with tempfile.TemporaryDirectory(prefix="migrator-extract-") as tmp:
        db = str(Path(tmp) / "site.db")
        store = Store(db)
        try:
            run_id = store.begin_run("extract", "saved pages", {"pages": len(pages)})
            ingest = Ingest(store, config, Rulebook.for_run(config, db), run_id, Counts(), frontier=False)
            with store.batch():
                ids = [_store_page(ingest, decoded, record, result, f"{url}#{n}" if url else None)
                       for n, (decoded, (record, result)) in enumerate(pages)]
            SiteModel(ingest, older=True).finish()
            withdrawn = {row["source_id"]: row["reason"] for row in store.withdrawals(run_id)}
            learned = [_learned_record(store, record, sid, withdrawn) for (_, (record, _)), sid in zip(pages, ids, strict=False)]
        finally:
            store.close()
    if url:  # each page was stored under a URL of its own: they all print the one (and its id) they were given
        for record, (_, (given, _)) in zip(learned, pages, strict=False):
            record.update(url=url, source_id=given["source_id"])
    return learned


def _store_page(ingest: Ingest, decoded: Decoded, record: dict[str, Any], result: PageResult | None,
                url: str | None) -> str:
    """One saved page stored as the crawler stores it; returns the id of its record (or of the record it would
    have been)."""
    url = url or record["url"]
    raw = RawPage(url=url, status=200, headers={}, body=decoded.text.encode("utf-8"), fetched_at=utcnow(),
                  encoding="utf-8", encoding_source=decoded.source, encoding_evidence=decoded.evidence,
                  request_url=url)
    ingest.page(raw, result if result is not None else PageResult("other", "generic", None, None, None))
    if result is None or result.article is None:
        return record["source_id"]
    return result.article.source_id


def _learned_record(store: Store, record: dict[str, Any], source_id: str, withdrawn: dict[str, str]) -> dict[str, Any]:
    """A page's record as the site's learning left it: rewritten, withdrawn or kept (short entries: rescued)."""
    live = store.record(source_id)
    if live is not None:
        return {**record, **live, "kind": "article", "profile": store.profile_of(source_id), "reason": ""}
    if source_id in withdrawn:
        return {**record, "kind": "listing", "reason": f"listing: {withdrawn[source_id]}"}
    return record


def _read_or_error(path: Path) -> Decoded | PageError:
    """The page read, or why it could not be: one bad file must not end the batch."""
    try:
        return read_saved_page(path)
    except PageError as exc:
        return exc
