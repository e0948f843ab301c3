"""Articles and archive items of the demo site: generated from a seeded RNG, with their exact truth.

Each body is built as blocks of (html, visible text) so the ground truth is what a perfect
extractor would return: the text of the body blocks joined by blank lines, nothing else.
"""
from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from urllib.parse import quote
from zoneinfo import ZoneInfo

from migrator.demo import text as t

MSK = ZoneInfo("Europe/Moscow")

_WORD_PROLOGUE = (
    "<!--[if gte mso 9]><xml>\n <w:WordDocument>\n  <w:View>Normal</w:View>\n  <w:Zoom>0</w:Zoom>\n"
    "  <w:Compatibility>\n   <w:BreakWrappedTables/>\n  </w:Compatibility>\n </w:WordDocument>\n"
    "</xml><![endif]--><!--[if gte mso 10]>\n<style>\n /* Style Definitions */\n table.MsoNormalTable\n"
    '\t{mso-style-name:"Обычная таблица";\n\tmso-tstyle-rowband-size:0;\n\tfont-family:"Times New Roman";}\n'
    "</style>\n<![endif]-->"
)


@dataclass(frozen=True)
class Link:
    """A link to place inside a body: where it points and the title it shows."""

    href: str
    title: str


@dataclass(frozen=True)
class Attachment:
    """A file attached to a node: in the upload module's table, or linked inline where the author wrote it."""

    path: str  # root-relative and percent-encoded, as the page links it
    name: str
    inline: bool


#: (stem, extension) of attached files; Drupal kept the uploader's name, Cyrillic included.
_FILES = (("report-2014", "pdf"), ("Отчёт о работе", "pdf"), ("Положение о конкурсе", "doc"),
          ("smeta", "xls"), ("Фотографии", "zip"), ("protokol", "doc"), ("Список участников", "xls"))
_MAGIC = {"pdf": b"%PDF-1.4\n", "doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
          "zip": b"PK\x03\x04"}
FILE_TYPES = {"pdf": "application/pdf", "doc": "application/msword", "xls": "application/vnd.ms-excel",
              "zip": "application/zip"}


def build_attachments(rng: random.Random, nid: int) -> tuple[Attachment, ...]:
    """One or two files of a node; names carry the nid, as Drupal renamed clashing uploads."""
    files = []
    for stem, ext in rng.sample(_FILES, rng.randint(1, 2)):
        inline = rng.random() < 0.35
        name = f"{stem}-{nid}.{ext}"
        folder = "docs/" if inline else ""
        files.append(Attachment(quote(f"/sites/default/files/{folder}{name}"), name, inline))
    return tuple(files)


def file_bytes(path: str) -> bytes:
    """The served bytes of a file path (unquoted): a format's magic, then 300 to 3,000 bytes fixed by the path."""
    ext = path.rpartition(".")[2].lower()
    seed = hashlib.sha256(path.encode("utf-8")).digest()
    size = 300 + int.from_bytes(seed[:2], "big") % 2700
    body = (seed * (size // len(seed) + 1))[:size]
    return _MAGIC.get(ext, b"") + body


def human_size(size: int) -> str:
    """Size as the upload module wrote it ("245.3 KB", "812 bytes")."""
    return f"{size} bytes" if size < 1024 else f"{size / 1024:.1f} KB"


def attach(body_html: str, body_text: str, files: tuple[Attachment, ...]) -> tuple[str, str]:
    """Body with a closing paragraph linking each inline file: the author's own words stay in the body."""
    for f in files:
        if f.inline:
            body_html += f'\n<p>Полный текст документа: <a href="{escape(f.path)}">{escape(f.name)}</a>.</p>'
            body_text += f"\n\nПолный текст документа: {f.name}."
    return body_html, body_text


def page_order(files: tuple[Attachment, ...]) -> list[str]:
    """Paths as a page shows them: the inline links of the body first, then the attachments table."""
    return [f.path for f in sorted(files, key=lambda f: not f.inline)]


@dataclass(frozen=True)
class DemoComment:
    """One reader comment; ``author`` is None for a guest."""

    cid: int
    author: str | None
    published: datetime
    subject: str
    paragraphs: tuple[str, ...]

    def truth(self) -> dict[str, str | None]:
        return {"author": self.author, "published_at": self.published.isoformat(),
                "body_text": "\n\n".join(self.paragraphs)}


@dataclass(frozen=True)
class DemoArticle:
    """One Drupal node with everything its pages show and the validators derived from its content."""

    index: int
    nid: int
    title: str
    alias: str
    published: datetime
    author: str | None
    tags: tuple[tuple[int, str], ...]
    source_mode: str  # "links" | "empty" | "absent"
    sources: tuple[str, ...]
    body_html: str
    body_text: str
    teaser_html: str
    images: tuple[str, ...]
    comments: tuple[DemoComment, ...]
    variant: int  # which wording a theme uses for this node's "submitted" line and terms
    etag: str
    last_modified: datetime
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class ArchiveItem:
    """A page of the pre-Drupal archive (HTML 3.2, legacy encodings)."""

    number: int
    year: int
    path: str
    title: str
    published: datetime
    date_text: str
    paragraphs: tuple[str, ...]
    image: str | None
    encoding: str  # python codec name
    declared: str  # "header" | "meta" | "none"


@dataclass(frozen=True)
class BodyOptions:
    """What is special about one body besides its random text."""

    links: tuple[Link, ...] = ()
    edit_seed: str | None = None
    word: bool = False
    malformed: bool = False
    brief: bool = False  # a news brief: one paragraph of 14 words, nothing else


BRIEF_WORDS = 14


def brief_paragraph(rng: random.Random) -> str:
    """One sentence of :data:`BRIEF_WORDS` words, as a news brief is written."""
    words: list[str] = []
    while len(words) < BRIEF_WORDS:
        words += t.sentence(rng).rstrip(".!?").split()
    return " ".join(words[:BRIEF_WORDS]) + "."


def _inline(rng: random.Random, sentence_text: str) -> str:
    """HTML of a sentence, sometimes with an emphasized phrase."""
    if rng.random() < 0.15:
        words = sentence_text.split(" ")
        cut = min(3, len(words) - 1)
        tag = rng.choice(("strong", "em"))
        return f"<{tag}>{escape(' '.join(words[:cut]))}</{tag}> {escape(' '.join(words[cut:]))}"
    return escape(sentence_text)


def _word_paragraph(rng: random.Random, inner: str) -> str:
    """A paragraph as MS Word pasted it into the editor."""
    if rng.random() < 0.3:
        return f'<p><font face="Arial"><font size="2"><span lang=RU>{inner}</span></font></font></p>'
    return ('<p class="MsoNormal" style="margin-bottom:0cm;text-align:justify;mso-pagination:none">'
            '<span lang=RU style="font-size:10.0pt;font-family:&quot;Arial&quot;;mso-bidi-font-family:Arial">'
            f"{inner}<o:p></o:p></span></p>")


def _misnested(text_: str) -> str:
    """A paragraph whose <b> and <i> overlap, as hand-written HTML often did."""
    words = text_.split(" ")
    a, b, c = " ".join(words[:2]), " ".join(words[2:4]), " ".join(words[4:])
    return f"<p><b>{escape(a)} <i>{escape(b)}</b> {escape(c)}</i></p>"


def build_body(rng: random.Random, nid: int, options: BodyOptions) -> tuple[str, str, tuple[str, ...], str]:
    """(body html, body text, image paths, teaser html) of one article."""
    if options.brief:
        text_ = brief_paragraph(rng)
        return f"<p>{escape(text_)}</p>", text_, (), f"<p>{escape(text_)}</p>"
    paras = [t.paragraph(rng) for _ in range(rng.randint(3, 10))]
    if options.edit_seed is not None:
        edit = random.Random(options.edit_seed)
        paras[edit.randrange(len(paras))] = t.paragraph(edit)
    inner = [_inline(rng, p) for p in paras]
    texts = list(paras)
    for link in options.links:
        k = rng.randrange(1, len(paras))
        inner[k] += f' Об этом мы уже писали в материале «<a href="{escape(link.href)}">{escape(link.title)}</a>».'
        texts[k] += f" Об этом мы уже писали в материале «{link.title}»."
    blocks: list[tuple[str, str | None]] = []
    for k, (html_, text_) in enumerate(zip(inner, texts, strict=False)):
        if options.malformed and k == 0:
            blocks.append((_misnested(text_), text_))
        elif options.malformed and k == 1:
            blocks.append((f"<p>{html_}", text_))  # never closed
        elif options.word:
            blocks.append((_word_paragraph(rng, html_), text_))
        else:
            blocks.append((f"<p>{html_}</p>", text_))
    images = _decorate(rng, nid, blocks, options.word)
    body_html = "\n".join(h for h, _ in blocks)
    if options.word:
        body_html = _WORD_PROLOGUE + "\n" + body_html
    body_text = "\n\n".join(x for _, x in blocks if x)
    return body_html, body_text, images, f"<p>{escape(paras[0])}</p>"


def _decorate(rng: random.Random, nid: int, blocks: list[tuple[str, str | None]], word: bool) -> tuple[str, ...]:
    """Insert images, scripts, quotes, lists and Word's empty paragraphs into ``blocks``; return image paths."""
    images: list[str] = []
    if rng.random() < 0.3:
        src = f"/sites/default/files/images/{nid}-{rng.randint(1, 9)}.jpg"
        images.append(src)
        img = (f'<p><img src="{src}" alt="{escape(t.image_alt(rng))}" width="300" height="200" '
               f'onclick="zoom(this)" /></p>')
        blocks.insert(rng.randint(1, 2), (img, None))
    if rng.random() < 0.15:
        k = rng.randrange(2, len(blocks)) if len(blocks) > 2 else len(blocks) - 1
        quote = t.claim(rng) + "."
        blocks.insert(k, (f"<blockquote><p>«{escape(quote)}»</p></blockquote>", f"«{quote}»"))
    if rng.random() < 0.1:
        items = [t.claim(rng) for _ in range(rng.randint(2, 4))]
        html_ = "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>"
        blocks.insert(rng.randrange(1, len(blocks) + 1), (html_, "\n".join(items)))
    if rng.random() < 0.25:
        script = f'<script type="text/javascript">counter.hit({nid}); document.write("<span>Реклама</span>");</script>'
        blocks.insert(rng.randrange(1, len(blocks) + 1), (script, None))
    if word:
        blocks.insert(rng.randrange(1, len(blocks) + 1), ('<p class="MsoNormal"><o:p>&nbsp;</o:p></p>', None))
    return tuple(images)


def build_sources(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    """The "Источник(и):" field: with links, label only, or absent."""
    roll = rng.random()
    if roll < 0.5:
        sites = rng.sample(t.SOURCE_SITES, rng.randint(1, 3))
        return "links", tuple(f"http://{site}/news/{rng.randint(1000, 99999)}/" for site in sites)
    return ("empty" if roll < 0.75 else "absent"), ()


def build_comments(rng: random.Random, nid: int, published: datetime) -> tuple[DemoComment, ...]:
    """Zero to five comments, after the article, some by guests."""
    comments = []
    for k in range(rng.choice((0, 0, 1, 1, 2, 3, 4, 5))):
        day = published.date() + timedelta(days=rng.randint(0, 10))
        hour = rng.randint(7, 23)
        when = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=MSK)
        if when <= published:
            when = published.replace(tzinfo=None) + timedelta(hours=1, minutes=rng.randrange(60))
            when = when.replace(tzinfo=MSK)
        author = None if rng.random() < 0.3 else rng.choice(t.USERS)
        paragraphs = tuple(t.comment_text(rng))
        subject = " ".join(paragraphs[0].split()[:2]).rstrip(",.!?")
        comments.append(DemoComment(nid * 10 + k, author, when, subject, paragraphs))
    comments.sort(key=lambda c: c.published)
    return tuple(comments)


def validators(parts: tuple[object, ...], last: datetime) -> tuple[str, datetime]:
    """ETag and Last-Modified derived from content only, so unchanged articles keep them."""
    digest = hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:20]
    return f'"{digest}"', last


def build_archive_item(rng: random.Random, number: int, year: int, encoding: str, declared: str) -> ArchiveItem:
    """An archive story of ``year``: title, date in one of two wordings, 3-6 paragraphs."""
    day = datetime(year, 1, 1) + timedelta(days=rng.randrange(365))
    published = day.replace(tzinfo=MSK)
    if rng.random() < 0.5:
        date_text = f"{day.day:02d}.{day.month:02d}.{day.year}"
    else:
        date_text = f"{day.day} {t.MONTHS_GEN[day.month - 1]} {day.year} г."
    paragraphs = tuple(t.paragraph(rng) for _ in range(rng.randint(3, 6)))
    image = f"/archive/img/photo{number}.gif" if rng.random() < 0.3 else None
    return ArchiveItem(number, year, f"/archive/{year}/item{number}.html", t.title(rng), published, date_text,
                       paragraphs, image, encoding, declared)
