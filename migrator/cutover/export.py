"""Exports for the new platform, streamed record by record (constant memory).

Formats: JSON Lines (the record of design.md), CSV, Markdown files with YAML front matter (one
per article) and WordPress WXR 1.2. :func:`prepare` applies the new-platform mapping first:
rubrics, the ``new_url`` of each record and, when asked, internal link rewriting.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Mapping, TextIO
from urllib.parse import urlsplit

from migrator.cutover.newplatform import NewPlatform
from migrator.slug import slugify

if TYPE_CHECKING:
    from migrator.cutover.links import LinkRewriter
    from migrator.store import Store

FORMATS = ("jsonl", "csv", "markdown", "wxr")
LIST_STYLES = ("json", "pipe")


def prepare(records: Iterable[dict[str, Any]], platform: NewPlatform | None = None,
            rewriter: LinkRewriter | None = None) -> Iterator[dict[str, Any]]:
    """Records for the new platform: links rewritten, tags through the rubric map, ``new_url`` added."""
    for record in records:
        if rewriter is not None:
            record["body_html"] = rewriter.rewrite(record["body_html"], record["url"])
        if platform is not None:
            record["tags"] = platform.map_tags(record["tags"])
            record["new_url"] = platform.url_for(record)
        yield record


def renamed(record: dict[str, Any], rename: Mapping[str, str]) -> dict[str, Any]:
    """The record with keys renamed for the new platform (order kept)."""
    return {rename.get(key, key): value for key, value in record.items()} if rename else record


# -- JSON Lines and CSV ---------------------------------------------------------------------------

def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO, rename: Mapping[str, str] | None = None) -> int:
    """One article per line with exactly the record keys of design.md; returns the count."""
    count = 0
    for record in records:
        out.write(json.dumps(renamed(record, rename or {}), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


#: Columns of objects, written as JSON whatever the list style.
JSON_COLUMNS = frozenset({"comments"})


def _cell(key: str, value: Any, list_style: str) -> Any:
    """Lists of strings as JSON or ``|``-joined; lists of objects (comments) always as JSON."""
    if isinstance(value, list):
        if list_style == "pipe" and key not in JSON_COLUMNS:
            return "|".join(map(str, value))
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def write_csv(records: Iterable[dict[str, Any]], out: TextIO, rename: Mapping[str, str] | None = None,
              list_style: str = "json") -> int:
    """One row per article, a header of the (renamed) record keys; null is an empty cell."""
    writer = csv.writer(out, lineterminator="\n")
    count = 0
    for record in records:
        if count == 0:
            writer.writerow(list(renamed(record, rename or {})))
        writer.writerow([_cell(k, v, list_style) for k, v in record.items()])
        count += 1
    return count


# -- Markdown with YAML front matter --------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
FRONT_MATTER = ("title", "url", "new_url", "aliases", "source_id", "published_at", "updated_at", "author",
                "tags", "sources", "images", "comments", "content_hash")


def file_name(url: str, limit: int = 120) -> str:
    """A safe, flat file name from a URL's path and query; a hash keeps lossy names apart.

    >>> file_name("http://old.ru/news/2014/10/lazer"), file_name("http://old.ru/?q=node/5")[:9]
    ('news_2014_10_lazer.md', 'q-node_5-')
    """
    parts = urlsplit(url)
    raw = parts.path.strip("/") + (f"?{parts.query}" if parts.query else "")
    segments = [_UNSAFE.sub("-", s).strip("-.") for s in raw.split("/")]
    name = "_".join(s for s in segments if s) or "index"
    lossy = "_" in raw or any(_UNSAFE.search(s) for s in raw.split("/")) or len(name) > limit
    if lossy:
        name = f"{name[:limit]}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"
    return name + ".md"


def front_matter(record: Mapping[str, Any]) -> str:
    """YAML front matter; every value is written as JSON, which YAML 1.2 reads as flow style."""
    lines = ["---"]
    for key in FRONT_MATTER:
        if key in record:
            lines.append(f"{key}: {json.dumps(record[key], ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def write_markdown(records: Iterable[dict[str, Any]], directory: str | Path) -> int:
    """One ``.md`` file per article (front matter, then the body HTML, which Markdown passes through)."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    count = 0
    for record in records:
        name = file_name(record.get("new_url") or record["url"])
        text = front_matter(record) + "\n" + record["body_html"].strip() + "\n"
        (root / name).write_text(text, encoding="utf-8")
        count += 1
    return count


# -- WordPress WXR 1.2 ----------------------------------------------------------------------------

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
WXR_NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}
#: Posts without a Drupal node id get ids above any plausible node id.
SYNTHETIC_ID_BASE = 900_000_000


def esc(text: Any) -> str:
    """Text for an XML element or attribute: invalid characters dropped, markup escaped."""
    value = _XML_INVALID.sub("", "" if text is None else str(text))
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def cdata(text: Any) -> str:
    """A CDATA section as WordPress's own ``wxr_cdata()`` writes it: ``]]>`` split across two sections."""
    value = _XML_INVALID.sub("", "" if text is None else str(text))
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wp_dates(iso: str | None) -> tuple[str, str]:
    """(local, GMT) as ``YYYY-MM-DD HH:MM:SS``; a date without offset is taken as UTC. A date without a time
    (the old page printed only the day) is that day at 00:00 with no GMT time, which WordPress's importer
    reads in the new site's own zone.

    >>> wp_dates("2010-03-18"), wp_dates("2010-03-18T20:46:00+03:00")
    (('2010-03-18 00:00:00', '0000-00-00 00:00:00'), ('2010-03-18 20:46:00', '2010-03-18 17:46:00'))
    """
    if not iso:
        return "0000-00-00 00:00:00", "0000-00-00 00:00:00"
    if len(iso) == 10:
        return f"{iso} 00:00:00", "0000-00-00 00:00:00"
    when = datetime.fromisoformat(iso)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    utc = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M:%S"), utc.strftime("%Y-%m-%d %H:%M:%S")


def term_slug(name: str) -> str:
    return slugify(name) or "term-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def author_login(name: str) -> str:
    return slugify(name) or "author-" + hashlib.sha1(name.encode()).hexdigest()[:8]


class WxrWriter:
    """Writes a WXR 1.2 file: channel header, categories, tags, authors, then one item per post."""

    def __init__(self, out: TextIO, *, title: str, link: str, categories: Iterable[str] = (),
                 tags: Iterable[str] = (), authors: Iterable[str] = ()) -> None:
        self.out, self.title, self.link = out, title, link
        self.categories, self.tags, self.authors = list(categories), list(tags), list(authors)
        self.comment_id = 0
        self.synthetic = SYNTHETIC_ID_BASE

    def header(self) -> None:
        ns = " ".join(f'xmlns:{k}="{v}"' for k, v in WXR_NAMESPACES.items())
        w = self.out.write
        w('<?xml version="1.0" encoding="UTF-8" ?>\n')
        w(f'<rss version="2.0" {ns}>\n<channel>\n')
        w(f"\t<title>{esc(self.title)}</title>\n\t<link>{esc(self.link)}</link>\n\t<description></description>\n")
        w(f"\t<pubDate>{format_datetime(datetime.now(timezone.utc))}</pubDate>\n\t<language>ru-RU</language>\n")
        w(f"\t<wp:wxr_version>1.2</wp:wxr_version>\n\t<wp:base_site_url>{esc(self.link)}</wp:base_site_url>\n")
        w(f"\t<wp:base_blog_url>{esc(self.link)}</wp:base_blog_url>\n")
        for i, name in enumerate(self.authors, 1):
            w(f"\t<wp:author><wp:author_id>{i}</wp:author_id><wp:author_login>{cdata(author_login(name))}"
              f"</wp:author_login><wp:author_email></wp:author_email><wp:author_display_name>{cdata(name)}"
              "</wp:author_display_name><wp:author_first_name></wp:author_first_name>"
              "<wp:author_last_name></wp:author_last_name></wp:author>\n")
        term_id = 0
        for name in self.categories:
            term_id += 1
            w(f"\t<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename>{cdata(term_slug(name))}"
              f"</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>{cdata(name)}"
              "</wp:cat_name></wp:category>\n")
        for name in self.tags:
            term_id += 1
            w(f"\t<wp:tag><wp:term_id>{term_id}</wp:term_id><wp:tag_slug>{cdata(term_slug(name))}</wp:tag_slug>"
              f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n")

    def post_id(self, source_id: str) -> int:
        match = re.fullmatch(r"node/(\d+)", source_id)
        if match:
            return int(match.group(1))
        self.synthetic += 1
        return self.synthetic

    def item(self, record: Mapping[str, Any]) -> None:
        w = self.out.write
        local, gmt = wp_dates(record["published_at"] or record.get("fetched_at"))
        mod_local, mod_gmt = wp_dates(record["updated_at"]) if record["updated_at"] else (local, gmt)
        pub = datetime.fromisoformat(record["published_at"]) if record["published_at"] else None
        link = record.get("new_url") or record["url"]
        slug = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1] or term_slug(record["title"])
        w("\t<item>\n")
        w(f"\t\t<title>{cdata(record['title'])}</title>\n\t\t<link>{esc(link)}</link>\n")
        w(f"\t\t<pubDate>{format_datetime(pub) if pub and pub.tzinfo else ''}</pubDate>\n")
        w(f"\t\t<dc:creator>{cdata(author_login(record['author']) if record['author'] else '')}</dc:creator>\n")
        w(f'\t\t<guid isPermaLink="false">{esc(record["url"])}</guid>\n\t\t<description></description>\n')
        w(f"\t\t<content:encoded>{cdata(record['body_html'])}</content:encoded>\n")
        w(f"\t\t<excerpt:encoded>{cdata('')}</excerpt:encoded>\n")
        w(f"\t\t<wp:post_id>{self.post_id(record['source_id'])}</wp:post_id>\n")
        w(f"\t\t<wp:post_date>{cdata(local)}</wp:post_date>\n\t\t<wp:post_date_gmt>{cdata(gmt)}</wp:post_date_gmt>\n")
        w(f"\t\t<wp:post_modified>{cdata(mod_local)}</wp:post_modified>\n")
        w(f"\t\t<wp:post_modified_gmt>{cdata(mod_gmt)}</wp:post_modified_gmt>\n")
        w("\t\t<wp:comment_status>open</wp:comment_status>\n\t\t<wp:ping_status>closed</wp:ping_status>\n")
        w(f"\t\t<wp:post_name>{cdata(slug)}</wp:post_name>\n\t\t<wp:status>publish</wp:status>\n")
        w("\t\t<wp:post_parent>0</wp:post_parent>\n\t\t<wp:menu_order>0</wp:menu_order>\n")
        w("\t\t<wp:post_type>post</wp:post_type>\n\t\t<wp:post_password></wp:post_password>\n")
        w("\t\t<wp:is_sticky>0</wp:is_sticky>\n")
        categories = set(self.categories)
        for tag in record["tags"]:
            domain = "category" if tag in categories else "post_tag"
            w(f'\t\t<category domain="{domain}" nicename="{esc(term_slug(tag))}">{cdata(tag)}</category>\n')
        for key, value in (("_migrator_old_url", record["url"]), ("_migrator_source_id", record["source_id"])):
            w(f"\t\t<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
              f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>\n")
        for comment in record["comments"]:
            self.comment(comment, fallback=record["published_at"])
        w("\t</item>\n")

    def comment(self, comment: Mapping[str, Any], fallback: str | None) -> None:
        self.comment_id += 1
        local, gmt = wp_dates(comment.get("published_at") or fallback)
        body = comment.get("body_text") or ""
        self.out.write(
            f"\t\t<wp:comment>\n\t\t\t<wp:comment_id>{self.comment_id}</wp:comment_id>\n"
            f"\t\t\t<wp:comment_author>{cdata(comment.get('author') or '')}</wp:comment_author>\n"
            "\t\t\t<wp:comment_author_email></wp:comment_author_email>\n"
            "\t\t\t<wp:comment_author_url></wp:comment_author_url>\n"
            "\t\t\t<wp:comment_author_IP></wp:comment_author_IP>\n"
            f"\t\t\t<wp:comment_date>{cdata(local)}</wp:comment_date>\n"
            f"\t\t\t<wp:comment_date_gmt>{cdata(gmt)}</wp:comment_date_gmt>\n"
            f"\t\t\t<wp:comment_content>{cdata(body)}</wp:comment_content>\n"
            "\t\t\t<wp:comment_approved>1</wp:comment_approved>\n"
            "\t\t\t<wp:comment_type>comment</wp:comment_type>\n"
            "\t\t\t<wp:comment_parent>0</wp:comment_parent>\n"
            "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n\t\t</wp:comment>\n")

    def footer(self) -> None:
        self.out.write("</channel>\n</rss>\n")


def write_wxr(records: Iterable[dict[str, Any]], out: TextIO, *, title: str = "migrator export", link: str = "",
              categories: Iterable[str] = (), tags: Iterable[str] = (), authors: Iterable[str] = ()) -> int:
    """A WordPress WXR 1.2 file: every article a published post with its terms and comments."""
    writer = WxrWriter(out, title=title, link=link, categories=categories, tags=tags, authors=authors)
    writer.header()
    count = 0
    for record in records:
        writer.item(record)
        count += 1
    writer.footer()
    return count


def wxr_terms(store: Store, platform: NewPlatform | None) -> tuple[list[str], list[str]]:
    """(categories, tags) of the channel: mapped rubrics are categories, the rest tags.

    Without a rubric map every old term is a category (Drupal's rubrics are its main taxonomy).
    """
    terms = store.distinct_terms()
    if platform is None or not platform.rubrics:
        return terms, []
    rubrics = sorted(set(platform.rubrics.values()))
    tags = sorted({t for t in terms if t not in platform.rubrics} - set(rubrics))
    return rubrics, tags


# -- one call per format --------------------------------------------------------------------------

def export_store(store: Store, fmt: str, output: TextIO | str | Path, *, platform: NewPlatform | None = None,
                 rewrite_links: bool = False, list_style: str = "json", types: tuple[str, ...] = ()) -> int:
    """Export every live article of ``store`` (of the content ``types`` only, when given); ``output`` is a
    text stream, or a directory for markdown."""
    from migrator.cutover.links import LinkRewriter

    rewriter = LinkRewriter(store, platform) if rewrite_links and platform is not None else None
    records = prepare(store.records(types=types), platform, rewriter)
    rename = platform.rename if platform is not None else {}
    if fmt == "markdown":
        return write_markdown(records, output)  # type: ignore[arg-type]
    out: TextIO = output  # type: ignore[assignment]
    if fmt == "jsonl":
        return write_jsonl(records, out, rename)
    if fmt == "csv":
        return write_csv(records, out, rename, list_style)
    if fmt == "wxr":
        categories, tags = wxr_terms(store, platform)
        link = platform.base_url if platform is not None and platform.base_url else ""
        return write_wxr(records, out, link=link, categories=categories, tags=tags,
                         authors=store.distinct_authors())
    raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")

