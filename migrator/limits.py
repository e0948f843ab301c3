"""Bounds on what one page may cost: a size cap on its bytes before anything reads them (binary data
refused), limits on the markup before lxml parses it (length, over-long tags), and on the tree it makes
(nesting depth, element count).

A hostile or broken page never takes a run's time or memory: it is cut to the limits, and every cut is
returned as a warning (``"reason: detail"``) that the caller records beside the page. The limits sit far
above any real article page (a long Drupal node with 500 comments is about 1 MB).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gzip
import re
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import Callable

from lxml import etree
from lxml.html import HtmlElement

from migrator.errors import PageError

#: Bytes of one page, fetched or read from a file, gunzipped included (Scrapy's DOWNLOAD_MAXSIZE too).
MAX_PAGE_BYTES = 20 * 1024 * 1024
#: Characters of decoded markup given to the parser (memory: lxml's tree takes about 10x the text).
MAX_PARSE_CHARS = 5_000_000
#: Elements of one page's tree: main-text extraction time grows with them (trafilatura took 3.8 s on
#: 12,500 paragraphs, 16 s on 25,000); a real article page, comments included, holds a few thousand.
MAX_ELEMENTS = 10_000
#: A start tag with more attributes than this keeps only its name: libxml2 checks each attribute against
#: the others, so 10,000 attributes on one element took 0.2 s to parse, 50,000 9 s and 100,000 over a
#: minute. Real tags hold a few, however long their values (an SVG path, a JSON data attribute: 27 KB).
MAX_ATTRIBUTES = 1000
#: Elements open at once, at most: libxml2 drops everything after its own limit (256 levels) without a
#: word, so deeper markup is flattened first, its text kept.
MAX_DEPTH = 200

#: Characters of markup from which a page's trees, once freed, are handed back to the system (:func:`release`):
#: glibc keeps the freed heap of a 4 MB page's trees (50 MB) as the process's own, and two processes holding
#: the high-water mark of their largest page made a 3,000-page forum crawl peak at 350 MB.
RELEASE_FROM_CHARS = 500_000

_GZIP_MAGIC = b"\x1f\x8b"
#: A start tag followed by 2 x MAX_ATTRIBUTES characters without ``<``: room for that many attributes
#: (quoted ``>`` included), or a short tag before a long text; a one-character class costs no backtracking.
_LONG_TAG = re.compile(r"<([A-Za-z][\w:-]*)(?=\s)(?=[^<]{%d})" % (2 * MAX_ATTRIBUTES))
#: Where a start tag may end, or a quoted attribute value begin (a quoted ``>`` does not end the tag).
_TAG_END_OR_QUOTE = re.compile("[>\"']")
#: The space before each attribute, outside quoted values.
_SPACES = re.compile(r"\s+")
#: Any tag, for flattening (run after crowded tags are cut).
_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)(?:[^<>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
_COUNT_ELEMENTS = etree.XPath("count(descendant-or-self::*)")
_NTH_ELEMENT = etree.XPath("(descendant-or-self::*)[$n]")
#: Elements that never hold others (HTML's void elements), so they never deepen the tree.
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())

#: Control bytes no text page holds in any number (NUL and the C0 controls but tab, newlines, form feed, ESC).
_BINARY_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b")
#: Share of such bytes in a page's first 64 KiB above which it is binary data, whatever its label says:
#: random bytes hold 11%; a text page with stray NULs or control characters next to none.
BINARY_SHARE = 0.05


def looks_binary(body: bytes) -> bool:
    """Whether ``body`` is binary data (an image, an archive) rather than text, whatever it was labelled.

    >>> looks_binary(bytes(range(256)) * 4), looks_binary(b"<p>text\\x00 with NUL</p>")
    (True, False)
    """
    sample = body[:65536]
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    return controls > BINARY_SHARE * len(sample)


def read_page_file(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """A saved page's bytes, gunzipped when the file is gzip (whatever its name), at most ``limit`` of them.

    Raises :class:`PageError` for an unreadable file, a broken gzip stream, a page over the limit or binary
    data; the gzip stream is read in pieces, so a small bomb never expands in memory.
    """
    try:
        with path.open("rb") as raw:
            if raw.read(2) != _GZIP_MAGIC:
                raw.seek(0)
                return _checked(raw.read(limit + 1), limit, path)
            raw.seek(0)
            with gzip.GzipFile(fileobj=raw) as unzipped:
                return _checked(unzipped.read(limit + 1), limit, path)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise PageError(f"{path}: broken gzip data ({exc or type(exc).__name__})") from exc
    except OSError as exc:
        raise PageError(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _checked(data: bytes, limit: int, path: Path) -> bytes:
    if len(data) > limit:
        raise PageError(f"{path}: page larger than {limit:,} bytes")
    if looks_binary(data):
        raise PageError(f"{path}: binary data, not a page")
    return data


def bound_markup(html: str) -> tuple[str, list[str]]:
    """``html`` cut to :data:`MAX_PARSE_CHARS` and stripped of crowded tags' attributes, with what was cut.

    >>> bound_markup('<p ' + 'a=1 ' * 3000 + '>Text</p>')
    ('<p>Text</p>', ['attributes-dropped: 1 tag with over 1,000 attributes kept its name only'])
    """
    warnings = []
    if len(html) > MAX_PARSE_CHARS:
        warnings.append(f"page-truncated: {len(html):,} characters, the first {MAX_PARSE_CHARS:,} parsed")
        html = html[:MAX_PARSE_CHARS]
    html, count = _drop_crowded_tags(html)
    if count:
        tags = "1 tag" if count == 1 else f"{count:,} tags"
        warnings.append(f"attributes-dropped: {tags} with over {MAX_ATTRIBUTES:,} attributes kept its name only")
    return html, warnings


def _drop_crowded_tags(html: str) -> tuple[str, int]:
    """``html`` with each start tag of more than :data:`MAX_ATTRIBUTES` attributes cut to its name; how many."""
    pieces: list[str] = []
    last = count = 0
    for match in _LONG_TAG.finditer(html):
        if match.start() < last:
            continue  # inside a tag already cut
        end, attributes = _tag_span(html, match.end())
        if attributes <= MAX_ATTRIBUTES:
            continue
        pieces += [html[last:match.start()], f"<{match.group(1)}>"]
        last = end + 1
        count += 1
    return ("".join(pieces) + html[last:], count) if count else (html, 0)


def _tag_span(html: str, position: int) -> tuple[int, int]:
    """Where the start tag whose attributes begin at ``position`` ends (its ``>``, quoted values skipped, or
    the end of ``html``), and about how many attributes it holds (the runs of space outside quotes).

    >>> _tag_span('<p a=">" b>text', 2), _tag_span('<p a="x>text', 2)
    ((10, 2), (7, 1))
    """
    attributes = 0
    while True:
        found = _TAG_END_OR_QUOTE.search(html, position)
        attributes += len(_SPACES.findall(html, position, found.start() if found else len(html)))
        if found is None:
            return len(html), attributes
        if found.group() == ">":
            return found.start(), attributes
        close = html.find(found.group(), found.start() + 1)
        if close < 0:  # a quote never closed: the next ">" ends the tag, so no text after it is lost
            end = html.find(">", found.start())
            return (end if end >= 0 else len(html)), attributes
        position = close + 1


def truncate_tree(doc: HtmlElement, limit: int = MAX_ELEMENTS) -> int:
    """Cut ``doc`` after its first ``limit`` elements in document order; how many elements it had.

    >>> import lxml.html
    >>> doc = lxml.html.fromstring("<div><p>1</p><p>2</p><div><p>3</p></div><p>4</p></div>")
    >>> truncate_tree(doc, 3), lxml.html.tostring(doc)
    (6, b'<div><p>1</p><p>2</p></div>')
    """
    total = int(_COUNT_ELEMENTS(doc))
    if total <= limit:
        return 0
    last = _NTH_ELEMENT(doc, n=limit)[0]
    node = last
    while node is not None:
        parent = node.getparent()
        if parent is not None:
            for sibling in list(node.itersiblings()):
                parent.remove(sibling)
        node = parent
    for child in list(last):
        last.remove(child)
    return total


def hit_depth_limit(parser: etree.HTMLParser) -> bool:
    """Whether libxml2 stopped at its depth limit in ``parser``'s last parse (and dropped all that followed)."""
    return any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in parser.error_log)


def flatten_nesting(html: str, depth: int = MAX_DEPTH) -> tuple[str, int]:
    """``html`` with the start and end tags that would open more than ``depth`` elements left out (their
    text stays, in the element around them), and how many start tags were left out.

    >>> flatten_nesting("<div><div><div><p>Deep</p></div></div></div><p>After</p>", depth=2)
    ('<div><div>Deep</div></div><p>After</p>', 2)
    """
    nesting = _Nesting(depth)
    pieces: list[str] = []
    last = 0
    for match in _TAG.finditer(html):
        if not nesting.keep(match.group(1) == "/", match.group(2).lower(), bool(match.group(3))):
            pieces.append(html[last:match.start()])
            last = match.end()
    pieces.append(html[last:])
    return "".join(pieces), nesting.dropped


class _Nesting:
    """The elements open as tags are read in order, and the start tags left out past ``depth`` (whose end
    tags are then left out too)."""

    def __init__(self, depth: int) -> None:
        self.depth, self.dropped = depth, 0
        self.open: list[str] = []
        self.skipped: Counter[str] = Counter()

    def keep(self, closing: bool, name: str, self_closing: bool) -> bool:
        """Whether the tag stays; a kept end tag closes its element and those left open inside it."""
        if closing:
            if self.skipped[name]:
                self.skipped[name] -= 1
                return False
            if name in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(name):]
            return True
        if name in _VOID or self_closing:
            return True
        if len(self.open) < self.depth:
            self.open.append(name)
            return True
        self.skipped[name] += 1
        self.dropped += 1
        return False


def release(chars: int) -> bool:
    """After a page of ``chars`` characters of markup, give the memory its trees freed back to the system when it
    was a big one (glibc's ``malloc_trim``: a few milliseconds, so not after every page). Returns whether it
    did (no-op but on glibc)."""
    trim = _malloc_trim()
    if chars < RELEASE_FROM_CHARS or trim is None:
        return False
    trim(0)
    return True


@functools.lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
