"""A Hugo site from the records: ``hugo.toml``, one content file per article, images under ``static/``, and a
minimal layout of our own so that ``hugo`` builds the directory as it is, with no theme.

Each article is ``content/posts/<slug>.html``: TOML front matter (title, date with the offset as stored, lastmod,
author, tags, categories, ``url`` = the new path the mapping gives, ``aliases`` = the old paths, so Hugo itself
writes a redirect page at each), then the sanitized body. Hugo passes HTML content files through as they are
(its documented HTML content format), so no Markdown renderer touches the body. Comments go in the front
matter and the layout shows them as schema.org ``Comment`` microdata. Records stream one at a time; content
files this export wrote before (they carry :data:`MARK`) are removed first, so a gone article leaves no page.
"""
from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping
from urllib.parse import quote, unquote, urljoin, urlsplit

import tomli_w
from lxml import html as lxml_html

from migrator.cutover.newplatform import NewPlatform, slug_for
from migrator.urls import normalize

if TYPE_CHECKING:
    from migrator.store import Store

log = logging.getLogger(__name__)
#: The first line of every content file this export writes (a TOML comment inside the front matter).
MARK = "# written by `migrator export --format hugo`: replaced by the next export"
POSTS = Path("content") / "posts"
#: Where downloaded media land in the site: ``static/media/<path in the manifest>`` is served as ``/media/...``.
MEDIA = "media"
_LINK = re.compile(r"""(<(?:img|a|source)\b[^>]*?\b(?:src|href)=)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass
class HugoCounts:
    """What one export did: posts written, alias pages asked of Hugo, old URLs Hugo cannot serve, media."""

    posts: int = 0
    aliases: int = 0
    query_urls: int = 0
    undated: int = 0
    media_copied: int = 0
    media_missing: int = 0
    old_images: int = 0
    kept: list[str] = field(default_factory=list)


# -- the skeleton: configuration and layout --------------------------------------------------------

BASEOF = """\
<!DOCTYPE html>
<html lang="{{ site.LanguageCode | default "en" }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} | {{ site.Title }}{{ end }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ template "_internal/opengraph.html" . }}
</head>
<body>
<header class="site-header"><a href="{{ "/" | relURL }}" rel="home">{{ site.Title }}</a></header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<article class="post-single" itemscope itemtype="https://schema.org/BlogPosting">
<header class="post-header">
<h1 class="post-title">{{ .Title }}</h1>
<div class="post-meta">
{{- if not .Date.IsZero }}<time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2006-01-02" }}</time>{{ end }}
{{- with .Params.author }} <span class="author">{{ . }}</span>{{ end }}
</div>
</header>
<div class="post-content">
{{ .Content }}
</div>
<footer class="post-footer">
<ul class="post-tags">
{{- range (.GetTerms "categories") }}<li><a href="{{ .RelPermalink }}" rel="category tag">{{ .LinkTitle }}</a></li>{{ end }}
{{- range (.GetTerms "tags") }}<li><a href="{{ .RelPermalink }}" rel="tag">{{ .LinkTitle }}</a></li>{{ end }}
</ul>
</footer>
{{- with .Params.comments }}
<section id="comments" class="comments">
<h2>{{ i18n "comments" | default "Comments" }}: {{ len . }}</h2>
{{- range . }}
<article class="comment" itemprop="comment" itemscope itemtype="https://schema.org/Comment">
<footer class="comment-meta"><span itemprop="author">{{ .author }}</span>
{{- with .date }} <time itemprop="dateCreated" datetime="{{ . }}">{{ replace (substr . 0 16) "T" " " }}</time>{{ end }}</footer>
<div class="comment-text" itemprop="text">{{ range split .text "\\n\\n" }}<p>{{ . }}</p>{{ end }}</div>
</article>
{{- end }}
</section>
{{- end }}
</article>
{{ end }}
"""

LIST = """\
{{ define "main" }}
<h1>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }}{{ end }}</h1>
<ul class="post-list">
{{- range .Paginator.Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ if not .Date.IsZero }} <time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">{{ .Date.Format "2006-01-02" }}</time>{{ end }}</li>
{{- end }}
</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
"""

LAYOUTS = {"layouts/_default/baseof.html": BASEOF, "layouts/_default/single.html": SINGLE,
           "layouts/_default/list.html": LIST}


def site_config(base_url: str, language: str, title: str) -> dict[str, Any]:
    """``hugo.toml``: the new base URL, the old site's language, taxonomies, and what keeps every article.

    ``buildFuture`` publishes an article dated ahead of the build's clock (a zone quirk must not drop it);
    ``disablePathToLower`` keeps each page at exactly the path the mapping gives.
    """
    config: dict[str, Any] = {"baseURL": base_url.rstrip("/") + "/", "title": title}
    if language:
        config["languageCode"] = language
    config.update({"buildFuture": True, "disablePathToLower": True,
                   "taxonomies": {"category": "categories", "tag": "tags"}})
    return config


def write_skeleton(root: Path, config: Mapping[str, Any], counts: HugoCounts) -> None:
    """``hugo.toml`` and the layouts, each only when missing: a site's own edits are kept (and named)."""
    files = {"hugo.toml": tomli_w.dumps(config), **LAYOUTS}
    for name, text in files.items():
        path = root / name
        if path.exists():
            counts.kept.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def clear_posts(posts: Path) -> int:
    """Remove the content files an earlier export wrote (those starting with :data:`MARK`); others stay."""
    removed = 0
    for path in posts.glob("*.html"):
        with path.open(encoding="utf-8", errors="replace") as fh:
            head = fh.read(len(MARK) + 8)
        if head.startswith("+++\n" + MARK):
            path.unlink()
            removed += 1
    return removed


# -- the old site's language and name ------------------------------------------------------------------

def page_language(text: str, content_language: str | None = None) -> str:
    """The language a page declares: ``<html lang>``, else the Content-Language header, else ``og:locale``.

    >>> page_language('<html lang="ru-RU"><body>x</body></html>'), page_language('<p>x</p>', 'en')
    ('ru-ru', 'en')
    """
    doc = lxml_html.document_fromstring(text[:200_000] or "<html></html>")
    found = [doc.get("lang") or doc.get("{http://www.w3.org/XML/1998/namespace}lang"),
             (content_language or "").split(",")[0],
             doc.xpath("string(//meta[@property='og:locale']/@content)").replace("_", "-")]
    return next((v.strip().lower() for v in found if v and _LANG.fullmatch(v.strip())), "")


def site_language(store: Store, sample: int = 20) -> str:
    """The language most of the first ``sample`` articles' stored pages declare ("" when none does)."""
    votes: Counter[str] = Counter()
    for record in islice(store.records(), sample):
        page = store.page(record["url"])
        language = page_language(page.text(), page.header("content-language")) if page is not None else ""
        if language:
            votes[language] += 1
    return votes.most_common(1)[0][0] if votes else ""


# -- one article ------------------------------------------------------------------------------------

def front_matter_date(value: str | None) -> datetime | date | None:
    """A stored ISO 8601 date as TOML writes it: a datetime keeps its offset, a date alone stays a date.

    >>> front_matter_date("2007-01-10"), front_matter_date("2014-10-19T13:28:00+04:00").utcoffset()
    (datetime.date(2007, 1, 10), datetime.timedelta(seconds=14400))
    """
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        log.warning("hugo: date %r is not ISO 8601: left out", value)
        return None


def alias_paths(record: Mapping[str, Any], own_path: str) -> tuple[list[str], int]:
    """(old paths Hugo can serve as alias pages, old URLs with a query it cannot).

    A Hugo alias is a file, so ``/?q=node/5`` cannot be one; ``/`` and the article's own new path are left out.

    >>> alias_paths({"url": "http://old.ru/news/a", "aliases": ["http://old.ru/node/5", "http://old.ru/?q=node/5",
    ...              "http://old.ru/%D0%B0"]}, "/2014/10/a/")
    (['/news/a', '/node/5', '/а'], 1)
    """
    own = own_path.strip("/")
    paths: list[str] = []
    queries = 0
    for url in [record["url"], *record.get("aliases", ())]:
        parts = urlsplit(url)
        if parts.query:
            queries += 1
            continue
        path = unquote(parts.path or "/")
        if path.strip("/") in ("", own) or path in paths:
            continue
        paths.append(path)
    return paths, queries


def split_terms(tags: list[str], platform: NewPlatform | None) -> tuple[list[str], list[str]]:
    """(categories, tags) as the WXR export splits them: mapped rubrics are categories, other terms tags;
    with no rubric map every term is a category (an old site's rubrics are its main taxonomy)."""
    if platform is None or not platform.rubrics:
        return list(tags), []
    rubrics = set(platform.rubrics.values())
    return [t for t in tags if t in rubrics], [t for t in tags if t not in rubrics]


def post_front_matter(record: Mapping[str, Any], platform: NewPlatform | None, path: str,
                      aliases: list[str], images: list[str]) -> dict[str, Any]:
    """The TOML front matter of one article (keys Hugo knows, then the old site's own as page params)."""
    matter: dict[str, Any] = {"title": record["title"]}
    published, updated = front_matter_date(record.get("published_at")), front_matter_date(record.get("updated_at"))
    if published is not None:
        matter["date"] = published
    if updated is not None:
        matter["lastmod"] = updated
    matter["url"] = path
    if aliases:
        matter["aliases"] = aliases
    categories, tags = split_terms(list(record.get("tags") or []), platform)
    if categories:
        matter["categories"] = categories
    if tags:
        matter["tags"] = tags
    if images:
        matter["images"] = images
    if record.get("author"):
        matter["author"] = record["author"]
    matter["source_id"] = record["source_id"]
    matter["old_url"] = record["url"]
    if record.get("sources"):
        matter["sources"] = list(record["sources"])
    comments = [{"author": c.get("author") or "", "date": c.get("published_at") or "", "text": c.get("body_text") or ""}
                for c in record.get("comments") or ()]
    if comments:
        matter["comments"] = comments
    return matter


def content_file(matter: Mapping[str, Any], body_html: str) -> str:
    """A Hugo HTML content file: TOML front matter between ``+++`` lines (our mark first), then the body.

    Hugo reads shortcodes (``{{< x >}}``, ``{{% x %}}``) in every content file, HTML too: an article that quotes
    one would fail the build, so the body's ``{{`` is written as character references, which read the same.
    """
    body = body_html.strip().replace("{{", "&#123;&#123;")
    return f"+++\n{MARK}\n{tomli_w.dumps(dict(matter))}+++\n{body}\n"


class MediaLinks:
    """Rewrites a body's image and file URLs to their copies under ``static/media``, from the ``media`` table
    that ``migrator media --download DIR`` filled (paths relative to DIR)."""

    def __init__(self, store: Store, source: Path, static: Path, counts: HugoCounts) -> None:
        self.store, self.source, self.static, self.counts = store, source, static, counts
        self.new_path = lru_cache(maxsize=8192)(self._new_path)

    def _new_path(self, url: str) -> str | None:
        """The site path of a downloaded file (copied into ``static/media`` once), or None."""
        path = self.store.media_path(url) or self.store.media_path(normalize(url))  # as the store keeps URLs
        if path is None:
            return None
        source, target = self.source / path, self.static / MEDIA / path
        if not source.is_file():
            self.counts.media_missing += 1
            log.warning("hugo: %s is in the media table but %s is not on disk: left at its old URL", url, source)
            return None
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.resolve() != target.resolve():
                target.unlink(missing_ok=True)
                try:
                    os.link(source, target)  # a hard link costs no space; another file system needs a copy
                except OSError:
                    shutil.copyfile(source, target)
            self.counts.media_copied += 1
        return "/" + MEDIA + "/" + quote(path)

    def rewrite(self, body_html: str, base_url: str) -> str:
        """``body_html`` with every ``src``/``href`` of a downloaded file pointing at its copy."""

        def replace(match: re.Match[str]) -> str:
            try:
                absolute = urljoin(base_url, html.unescape(match.group(3)).strip()).split("#", 1)[0]
                new = self.new_path(absolute) if absolute.startswith(("http://", "https://")) else None
            except ValueError:  # a malformed URL (``http://[x``) names no downloaded file
                new = None
            if new is None:
                return match.group(0)
            return f"{match.group(1)}{match.group(2)}{html.escape(new, quote=True)}{match.group(2)}"

        return _LINK.sub(replace, body_html)

    def images(self, urls: Iterable[str]) -> list[str]:
        return [self.new_path(u) or u for u in urls]


def post_name(record: Mapping[str, Any], posts: Path) -> Path:
    """``content/posts/<slug>.html``; a slug another article took already gets a hash of the source id."""
    slug = slug_for(record)[:120]
    path = posts / f"{slug}.html"
    if path.exists():
        path = posts / f"{slug}-{hashlib.sha1(record['source_id'].encode()).hexdigest()[:8]}.html"
    return path


# -- the whole site --------------------------------------------------------------------------------

def write_hugo(records: Iterable[dict[str, Any]], directory: str | Path, platform: NewPlatform, *,
               store: Store | None = None, language: str = "", title: str = "",
               media_dir: str | Path | None = None) -> HugoCounts:
    """Write the Hugo site into ``directory``; ``records`` are prepared (links rewritten, ``new_url`` set).

    ``media_dir``: where ``migrator media --download`` put the files; they are copied to ``static/media`` and
    bodies point at the copies. Without it images stay at their old URLs (counted in ``old_images``).
    """
    root = Path(directory)
    counts = HugoCounts()
    write_skeleton(root, site_config(platform.base_url, language, title or "migrated site"), counts)
    posts = root / POSTS
    posts.mkdir(parents=True, exist_ok=True)
    clear_posts(posts)
    media = MediaLinks(store, Path(media_dir), root / "static", counts) if media_dir and store is not None else None
    for record in records:
        path = platform.path_for(record)
        aliases, queries = alias_paths(record, path)
        body, images = record["body_html"], list(record.get("images") or [])
        if media is not None:
            body, images = media.rewrite(body, record["url"]), media.images(images)
        counts.old_images += sum(1 for u in images if urlsplit(u).scheme)
        matter = post_front_matter(record, platform, path, aliases, images)
        post_name(record, posts).write_text(content_file(matter, body), encoding="utf-8")
        counts.posts += 1
        counts.aliases += len(aliases)
        counts.query_urls += queries
        counts.undated += "date" not in matter
    return counts


def export_hugo(store: Store, directory: str | Path, platform: NewPlatform, *, rewrite_links: bool = True,
                types: tuple[str, ...] = (), media_dir: str | Path | None = None) -> HugoCounts:
    """Every live article of ``store`` as a Hugo site in ``directory`` (see :func:`write_hugo`)."""
    from migrator.cutover.export import prepare
    from migrator.cutover.links import LinkRewriter
    from migrator.cutover.media import site_hosts

    rewriter = LinkRewriter(store, platform) if rewrite_links else None
    hosts = site_hosts(store)
    return write_hugo(prepare(store.records(types=types), platform, rewriter), directory, platform, store=store,
                      language=site_language(store), title=hosts[0] if hosts else "", media_dir=media_dir)
