"""A second generated legacy platform: a Russian community site of the uCoz era (2008-2012).

Nothing here is Drupal. The markup follows uCoz's own system templates and the module markup its design
documentation describes (``ucoz-skills/agent-skills``: ``references/SYSTEM-MARKUP.md``, ``BLOG.md``,
``FORUM.md``): ``body.module-news`` and friends, entries listed in ``div#allEntries`` as ``div#entryIDn``
wrapping ``table.eBlock`` with ``eTitle`` / ``eMessage`` / ``eDetails`` cells, pagination in ``div.catPages1``,
attachments in ``div.eAttach``, the language-string markers ``<!--<s3172>-->…<!--</s>-->`` around system
labels, comments as ``div.comEnt`` > ``table.cBlock1`` with uCoz's schema.org Review marks (``itemprop`` author >
name, ``datePublished``, ``reviewBody``; dozens under some entries), forum topics as one ``table.postTable``
per post inside ``div.forumContent`` under a ``ThrForumBarTbl`` breadcrumb bar, each post naming its poster
(``postUser``) beside or above its date line "Дата: Среда, 04.11.2010, 10:15 | Сообщение # 1"; URLs as uCoz writes them
(``/news/slug/2010-11-04-123``, ``/publ/cat/slug/1-1-0-45``, ``/load/cat/slug/1-1-0-7``, ``/forum/2-15-1``).

Per seed the site draws one of the real variants: table or div entry layout, the time floated beside the
title or written in the details line after the date, the details in one line under the message or split
in ``eDetails1`` above and ``eDetails2`` below, the date in the details or only in ``<title>`` ("Заголовок -
4 Ноября 2010 - Новости - Site") and the breadcrumb "Главная » 2010 » Ноябрь » 4", "Добавил:" or "Автор:",
the poster's name in the post's top cell (uCoz's default post template) or in its info column. Some news
are one-line briefs. ``UcozSite(spec).truth(base)`` lists every entry with its fields and type.
Serve it by hand with ``python -m tests.sites.ucoz --port 8002``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from html import escape
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from faker import Faker

Response = tuple[int, list[tuple[str, str]], bytes]

TIMEZONE = "Europe/Moscow"
SITE_NAME = "Клуб любителей астрономии «Орион»"
GENITIVE = ("Января", "Февраля", "Марта", "Апреля", "Мая", "Июня", "Июля", "Августа", "Сентября", "Октября",
            "Ноября", "Декабря")
NOMINATIVE = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
              "Ноябрь", "Декабрь")
WEEKDAYS = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье")
USERS = ("coolant", "admin", "Orion_Moder", "zvezdochet", "Lyra77", "Pavel_K")
MODULES = {"news": "Новости", "publ": "Каталог статей", "load": "Каталог файлов", "forum": "Форум"}
CATEGORIES = {"news": ("Новости сайта", "Наблюдения", "Космонавтика"),
              "publ": ("Статьи", "Обзоры телескопов"), "load": ("Программы", "Карты неба")}
PER_PAGE = 10
#: Site furniture that must never reach a record.
TEMPLATE_PHRASES = ("Форма входа", "Статистика сайта", "Онлайн всего:", "Бесплатный конструктор сайтов",
                    "Copyright Орион", "Мини-чат")


@dataclass(frozen=True)
class UcozSpec:
    """What to generate: how many entries of each module, from which seed (which also draws the variant)."""

    news: int = 30
    publ: int = 8
    files: int = 8
    topics: int = 8
    seed: int = 1


@dataclass(frozen=True)
class Variant:
    """The template choices one site made, drawn from real uCoz variants."""

    layout: str        # "table": table.eBlock rows | "div": div blocks
    time_place: str    # "title": floated beside the title | "details": after the date in the details line
    details: str       # "one": one eDetails line under the message | "split": eDetails1 above, eDetails2 below
    date_shown: bool   # the date stands in the details line (else only in <title> and the breadcrumb)
    author_label: str  # "Добавил" | "Автор"
    #: where a forum post names its poster: "top", as uCoz's default post template (8/2) does, in the
    #: post's top left cell (``td.postTdTop`` > ``a.postUser``) beside the date cell; "info", as many
    #: custom designs do, above the poster's rank in the info column (``td.postTdInfo`` > ``div.postUser``)
    poster_place: str = "top"

    @classmethod
    def draw(cls, rng: random.Random) -> Variant:
        time_place = rng.choice(("title", "details"))
        return cls(rng.choice(("table", "div")), time_place, rng.choice(("one", "split")),
                   time_place == "details" or rng.random() < 0.5, rng.choice(("Добавил", "Добавил", "Автор")),
                   rng.choice(("top", "info")))


@dataclass
class Entry:
    """One entry (news, article, file or forum topic) and its ground truth."""

    module: str
    number: int
    title: str
    slug: str
    author: str
    category: str
    published: datetime
    paragraphs: list[str]
    views: int
    comments: list[tuple[str, datetime, str]] = field(default_factory=list)
    replies: list[tuple[str, datetime, str]] = field(default_factory=list)  # forum: posts after the first

    @property
    def path(self) -> str:
        if self.module == "news":
            return f"/news/{self.slug}/{self.published:%Y-%m-%d}-{self.number}"
        if self.module == "forum":
            return f"/forum/2-{self.number}-1"
        return f"/{self.module}/{_cat_slug(self.category)}/{self.slug}/1-1-0-{self.number}"

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.paragraphs)


def _cat_slug(category: str) -> str:
    return {"Статьи": "stati", "Обзоры телескопов": "obzory", "Программы": "programmy",
            "Карты неба": "karty", "Новости сайта": "site", "Наблюдения": "nabljudenija",
            "Космонавтика": "kosmonavtika"}[category]


_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "j", "k", "l", "m", "n", "o", "p", "r", "s",
                      "t", "u", "f", "kh", "c", "ch", "sh", "shh", "", "y", "", "eh", "ju", "ja"], strict=False))


def _slug(title: str) -> str:
    """uCoz's transliterated entry URL name: ``Встреча клуба`` -> ``vstrecha_kluba``."""
    words = ["".join(_TRANSLIT.get(ch, ch) for ch in w.lower() if ch.isalnum()) for w in title.split()[:4]]
    return "_".join(w for w in words if w)


class UcozSite:
    """The site, generated once from the spec; every page is rendered on request."""

    def __init__(self, spec: UcozSpec | None = None) -> None:
        self.spec = spec or UcozSpec()
        rng = random.Random(self.spec.seed)
        self.variant = Variant.draw(rng)
        self.entries = self._generate(rng)

    # -- content ------------------------------------------------------------------------------

    def _generate(self, rng: random.Random) -> list[Entry]:
        fake = Faker("ru_RU")
        fake.seed_instance(self.spec.seed)
        start = datetime(2009, 9, 1, 9, 0)
        entries: list[Entry] = []
        counts = (("news", self.spec.news), ("publ", self.spec.publ), ("load", self.spec.files),
                  ("forum", self.spec.topics))
        number = 100
        for module, count in counts:
            for i in range(count):
                number += rng.randint(1, 4)
                title = fake.sentence(nb_words=rng.randint(3, 7)).rstrip(".")
                published = start + timedelta(days=rng.randint(0, 1100), hours=rng.randint(0, 13),
                                              minutes=rng.randint(0, 59))
                brief = module == "news" and i % 9 == 4  # a one-line news brief, as portals publish many
                paragraphs = ([fake.sentence(nb_words=14)] if brief else
                              [fake.paragraph(nb_sentences=rng.randint(3, 6)) for _ in range(rng.randint(2, 5))])
                category = rng.choice(CATEGORIES.get(module, ("Общий форум",)))
                entry = Entry(module, number, title, _slug(title), rng.choice(USERS), category, published,
                              paragraphs, rng.randint(5, 4000))
                # most entries have none or a few comments; a community portal's popular ones have dozens
                later = [published + timedelta(hours=rng.randint(1, 300)) for _ in range(rng.choice((0, 0, 1, 3, 30)))]
                notes = [(rng.choice(USERS), moment, fake.sentence(nb_words=rng.randint(4, 12))) for moment in sorted(later)]
                if module == "forum":
                    entry.replies = notes or [(rng.choice(USERS), published + timedelta(hours=2), fake.sentence())]
                else:
                    entry.comments = notes
                entries.append(entry)
        return entries

    @cached_property
    def by_path(self) -> dict[str, Entry]:
        return {e.path: e for e in self.entries}

    def truth(self, base: str) -> list[dict[str, Any]]:
        """Every entry with the record a perfect crawl makes of it."""
        zone = ZoneInfo(TIMEZONE)
        return [{"url": base + e.path, "type": e.module, "title": e.title, "author": e.author,
                 "published_at": e.published.replace(tzinfo=zone).isoformat(),
                 "tags": [e.category] if e.module != "forum" else [], "body_text": e.body_text,
                 "comments": [(who, when.replace(tzinfo=zone).isoformat(), text)
                              for who, when, text in (e.replies if e.module == "forum" else e.comments)]}
                for e in self.entries]

    # -- serving ------------------------------------------------------------------------------

    def delay(self, path_and_query: str) -> float:
        return 0.0

    def respond(self, method: str, path_and_query: str, headers: dict[str, str]) -> Response:
        """Answer one request: (status, headers, body); uCoz served windows-1251 pages with no Last-Modified."""
        host = {k.lower(): v for k, v in headers.items()}.get("host", "orion.test")
        base = f"http://{host}"
        parts = urlsplit(path_and_query)
        html = self._route(parts.path, parts.query, base)
        status = 200
        if html is None:
            status, html = 404, self._shell(base, "Страница не найдена", "module-index",
                                            "<h1>Ошибка 404</h1><p>Запрашиваемая страница не найдена.</p>")
        return status, [("Content-Type", "text/html; charset=windows-1251"),
                        ("Date", "Sun, 10 Mar 2019 04:12:00 GMT")], html.encode("cp1251", "xmlcharrefreplace")

    def _route(self, path: str, query: str, base: str) -> str | None:
        if path in self.by_path:
            entry = self.by_path[path]
            return self._forum_topic(base, entry) if entry.module == "forum" else self._entry_page(base, entry)
        number = query[4:].rstrip("=")  # uCoz pages as "?page2"; crawlers normalize it to "?page2="
        page = int(number) if query.startswith("page") and number.isdigit() else 1
        if path in ("/", "/news/"):
            return self._listing(base, "news", page)
        if path.rstrip("/") in ("/publ", "/load"):
            return self._listing(base, path.strip("/"), page)
        if path in ("/forum/", "/forum/2"):
            return self._forum_index(base)
        if path.startswith("/news/") and path[6:].replace("-", "").isdigit():
            return self._archive(base, path[6:])
        return None

    # -- markup -------------------------------------------------------------------------------

    def _shell(self, base: str, title: str, body_class: str, content: str) -> str:
        """uCoz's classic two-column table design around every page: header, menu, content, side blocks."""
        menu = "".join(f'<li><a class="m" href="{base}/{m}/">{name}</a></li>' for m, name in MODULES.items())
        latest = "".join(f'<li><a href="{base}{e.path}">{escape(e.title)}</a></li>'
                         for e in self.entries[:5])
        return f"""<html><head>
<meta http-equiv="content-type" content="text/html; charset=windows-1251">
<title>{escape(title)}</title>
<link type="text/css" rel="StyleSheet" href="/.s/src/css/1094.css" />
<script type="text/javascript" src="/.s/src/jquery-1.12.4.min.js"></script>
<script type="text/javascript" src="/.s/src/uwnd.min.js"></script>
</head>
<body class="{body_class}">
<div id="utbr8214" rel="s759"></div>
<table width="100%" border="0" cellspacing="0" cellpadding="0" class="topTable"><tr>
<td class="logoTd"><h1 class="logo"><a href="{base}/">{SITE_NAME}</a></h1></td></tr></table>
<table cellpadding="0" cellspacing="0" border="0" width="100%"><tr>
<td valign="top" width="200" class="leftColumn">
<table class="boxTable"><tr><td class="boxTitle"><b>Меню сайта</b></td></tr>
<tr><td class="boxContent"><div id="uMenuDiv1" class="uMenuV"><ul class="uMenuRoot">
<li><a class="m" href="{base}/">Главная</a></li>{menu}</ul></div></td></tr></table>
<table class="boxTable"><tr><td class="boxTitle"><b>Форма входа</b></td></tr>
<tr><td class="boxContent"><form method="post" action="/index/sub/">Логин: <input name="user"> Пароль: <input type="password" name="password"></form></td></tr></table>
<table class="boxTable"><tr><td class="boxTitle"><b>Мини-чат</b></td></tr>
<tr><td class="boxContent"><iframe src="/mchat/" width="180" height="200"></iframe></td></tr></table>
</td>
<td valign="top" class="centerColumn">{content}</td>
<td valign="top" width="200" class="rightColumn">
<table class="boxTable"><tr><td class="boxTitle"><b>Последние материалы</b></td></tr>
<tr><td class="boxContent"><ul>{latest}</ul></td></tr></table>
<table class="boxTable"><tr><td class="boxTitle"><b>Статистика сайта</b></td></tr>
<tr><td class="boxContent"><div class="tOnline" id="onl1">Онлайн всего: <b>3</b></div>
<div class="gOnline" id="onl2">Гостей: <b>3</b></div><div class="uOnline" id="onl3">Пользователей: <b>0</b></div></td></tr></table>
</td></tr></table>
<table border="0" cellpadding="4" cellspacing="0" width="100%" class="footerTable"><tr>
<td align="center">Copyright Орион &copy; 2026 | <!-- "' --><span class="pbWMUxht"><a href="https://www.ucoz.ru/">Бесплатный конструктор сайтов</a> - uCoz</span></td></tr></table>
</body></html>"""

    @staticmethod
    def _long_date(moment: datetime) -> str:
        return f"{moment.day} {GENITIVE[moment.month - 1]} {moment.year}"

    def _breadcrumb(self, base: str, entry: Entry) -> str:
        moment = entry.published
        return (f'<div class="breadcrumbs"><a class="breadcrumb-item" href="{base}/">Главная</a> &raquo; '
                f'<a class="dateBar breadcrumb-item" href="{base}/news/{moment.year}-00">{moment.year}</a> &raquo; '
                f'<a class="dateBar breadcrumb-item" href="{base}/news/{moment:%Y-%m}">{NOMINATIVE[moment.month - 1]}</a>'
                f' &raquo; <a class="dateBar breadcrumb-item" href="{base}/news/{moment:%Y-%m-%d}">{moment.day}</a>'
                f' &raquo; <span class="breadcrumb-curr">{escape(entry.title)}</span></div>')

    def _details(self, base: str, entry: Entry) -> tuple[str, str]:
        """(above, below): the entry's details lines as this site's template places them."""
        v, moment = self.variant, entry.published
        date = f'{moment:%d.%m.%Y}' + (f', {moment:%H:%M}' if v.time_place == "details" else "")
        category = (f'<!--<s3179>-->Категория<!--</s>-->: <a href="{base}/{entry.module}/{_cat_slug(entry.category)}">'
                    f'{escape(entry.category)}</a>')
        views = f'<!--<s3177>-->Просмотров<!--</s>-->: {entry.views}'
        author = (f'<!--<s3178>-->{v.author_label}<!--</s>-->: <a href="javascript://" rel="nofollow" '
                  f"onclick=\"window.open('/index/8-0-{escape(entry.author)}');return false;\">{escape(entry.author)}</a>")
        # news may print their date only in <title> and the breadcrumb; the other modules print it here
        shown = v.date_shown or entry.module != "news"
        dated = [f'<!--<s3180>-->Дата<!--</s>-->: <span class="e-date">{date}</span>'] if shown else []
        extra = [f'Загрузок: {entry.views // 3}', f'Размер: {entry.number % 900 + 12} Kb'] if entry.module == "load" else []
        rating = '<!--<s3119>-->Рейтинг<!--</s>-->: 0.0/0'
        if v.details == "split":
            return " | ".join([category, *dated]), " | ".join([views, author, *extra, rating])
        return "", " | ".join([category, views, author, *dated, *extra, rating])

    def _entry_block(self, base: str, entry: Entry, message: str, linked: bool) -> str:
        v = self.variant
        title = f'<a href="{base}{entry.path}">{escape(entry.title)}</a>' if linked else escape(entry.title)
        clock = f'<div style="float:right;font-size:9px;">{entry.published:%H:%M}</div>' if v.time_place == "title" else ""
        above, below = self._details(base, entry)
        cls = ("eDetails1", "eDetails2") if above else ("eDetails", "eDetails")
        if v.layout == "table":
            rows = [f'<tr><td class="eTitle">{clock}{title}</td></tr>']
            rows += [f'<tr><td class="{cls[0]}">{above}</td></tr>'] if above else []
            rows += [f'<tr><td class="eMessage">{message}</td></tr>', f'<tr><td class="{cls[1]}">{below}</td></tr>']
            return f'<table border="0" width="100%" cellspacing="1" cellpadding="2" class="eBlock">{"".join(rows)}</table>'
        parts = [f'<div class="eTitle">{clock}{title}</div>']
        parts += [f'<div class="{cls[0]}">{above}</div>'] if above else []
        parts += [f'<div class="eMessage">{message}</div>', f'<div class="{cls[1]}">{below}</div>']
        return f'<div class="eBlock">{"".join(parts)}</div>'

    def _entry_page(self, base: str, entry: Entry) -> str:
        message = "".join(f"<p>{escape(p)}</p>" for p in entry.paragraphs)
        if entry.module == "load":
            message += (f'<div class="eAttach"><!--<s3172>-->Прикреплённые файлы<!--</s>-->: '
                        f'<a href="{base}/load/0-0-0-{entry.number}-20">Скачать</a></div>')
        # as uCoz's comment template prints them (saved uCoz sites show it): schema.org Review microdata
        comments = "".join(
            f'<div class="comEnt report-spam-target" id="comEnt{entry.number * 100 + i}">'
            f'<table itemscope itemtype="https://schema.org/Review" border="0" cellpadding="0" cellspacing="0" '
            f'width="100%" class="cBlock{2 - i % 2}"><tr><td style="padding:3px;">'
            f'<div itemprop="itemReviewed" itemscope itemtype="http://schema.org/Product">'
            f'<meta itemprop="name" content="{escape(entry.title)}"></div><div class="cTop" style="text-align:left;">'
            f'<a href="#ent{entry.number * 100 + i}" name="ent{entry.number * 100 + i}"><b>{i}</b></a> '
            f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><b itemprop="name">{escape(who)}'
            f'</b></span> &nbsp; <span itemprop="datePublished" content="{when:%d.%m.%Y %H:%M}" '
            f'style="font-size:7pt;unicode-bidi:embed;">({when:%d.%m.%Y %H:%M})</span></div>'
            f'<div itemprop="reviewBody" class="cMessage" style="text-align:left;clear:both;padding:2px 0;">'
            f'{escape(text)}</div></td></tr></table><br></div>'
            for i, (who, when, text) in enumerate(entry.comments, 1))
        crumbs = self._breadcrumb(base, entry) if entry.module == "news" else ""
        module = MODULES[entry.module]
        if entry.module == "news":
            title = f"{entry.title} - {self._long_date(entry.published)} - Новости - {SITE_NAME}"
        else:
            title = f"{entry.title} - {entry.category} - {module} - {SITE_NAME}"
        content = (f'{crumbs}{self._entry_block(base, entry, message, False)}'
                   f'<table border="0" cellpadding="0" cellspacing="0" width="100%"><tr><td width="60%" height="25">'
                   f'<!--<s5183>-->Всего комментариев<!--</s>-->: <b>{len(entry.comments)}</b></td></tr></table>'
                   f'<div id="allEntries">{comments}</div>')
        return self._shell(base, title, f"module-{entry.module}", content)

    def _listing(self, base: str, module: str, page: int) -> str | None:
        chosen = [e for e in self.entries if e.module == module]
        pages = max(1, -(-len(chosen) // PER_PAGE))
        if page > pages:
            return None
        shown = chosen[(page - 1) * PER_PAGE:page * PER_PAGE]
        items = "".join(f'<div id="entryID{e.number}">{self._entry_block(base, e, escape(e.paragraphs[0]), True)}</div>'
                        for e in shown)
        pager = " ".join(f'<a class="swchItem" href="{base}/{module}/?page{n}"><span>{n}</span></a>'
                         for n in range(1, pages + 1) if n != page)
        content = f'<div id="allEntries">{items}<div class="catPages1" id="pagesBlock1">{pager}</div></div>'
        return self._shell(base, f"{MODULES[module]} - {SITE_NAME}", f"module-{module}", content)

    def _archive(self, base: str, stamp: str) -> str | None:
        """A date archive as the breadcrumb links it: the day's (month's, year's) titles."""
        chosen = [e for e in self.entries if e.module == "news" and f"{e.published:%Y-%m-%d}".startswith(stamp.replace("-00", ""))]
        if not chosen:
            return None
        rows = "".join(f'<tr><td class="archiveDateTitle">{e.published:%d.%m.%Y}</td><td>'
                       f'<a class="archiveEntryTitleLink" href="{base}{e.path}">{escape(e.title)}</a></td></tr>'
                       for e in chosen)
        return self._shell(base, f"{stamp} - Новости - {SITE_NAME}", "module-news",
                           f'<table class="archiveEntries" width="100%">{rows}</table>')

    def _forum_index(self, base: str) -> str:
        rows = "".join(f'<tr><td class="threadNametd"><a class="threadLink" href="{base}{e.path}">{escape(e.title)}</a>'
                       f'</td><td class="threadPostTd">{len(e.replies)}</td><td class="threadViewTd">{e.views}</td></tr>'
                       for e in self.entries if e.module == "forum")
        return self._shell(base, f"Форум - {SITE_NAME}", "module-forum",
                           f'<div class="forumContent"><table class="gTable">{rows}</table></div>')

    def _forum_topic(self, base: str, entry: Entry) -> str:
        posts = [(entry.author, entry.published, "".join(f"<p>{escape(p)}</p>" for p in entry.paragraphs))]
        posts += [(who, when, escape(text)) for who, when, text in entry.replies]
        rows = "".join(self._post(entry.number * 10 + i, i, who, when, text) for i, (who, when, text) in enumerate(posts, 1))
        bar = (f'<table class="ThrForumBarTbl"><tr><td class="forumNamesBar"><a class="forumBarA" href="{base}/forum/">'
               f'Форум</a> &raquo; <a class="forumBarA" href="{base}/forum/2">Общий форум</a> &raquo; '
               f'<span class="forum-title">{escape(entry.title)}</span></td></tr></table>')
        return self._shell(base, f"{entry.title} - Форум - {SITE_NAME}", "module-forum",
                           f'<div class="forumContent">{bar}{rows}</div>')

    def _post(self, ident: int, number: int, who: str, when: datetime, text: str) -> str:
        """One post as uCoz's post template (8/2) lays it out: the poster's name, the date line ("Дата: Среда,
        04.11.2010, 10:15 | Сообщение # 1"), the poster's rank, the message."""
        dated = (f'<td class="postTdTop"><!--<s3191>-->Дата<!--</s>-->: {WEEKDAYS[when.weekday()]}, '
                 f'{when:%d.%m.%Y, %H:%M} | <!--<s3192>-->Сообщение<!--</s>--> # {number}</td>')
        rank = '<div class="postRankName">Группа: Пользователи</div>'
        message = f'<td class="posttdMessage">{text}</td>'
        if self.variant.poster_place == "top":
            name = (f'<a class="postUser" href="javascript://" rel="nofollow" '
                    f"onclick=\"emoticon('{escape(who)}');return false;\">{escape(who)}</a>")
            rows = (f'<tr><td width="23%" class="postTdTop" align="center">{name}</td>{dated}</tr>'
                    f'<tr><td class="postTdInfo" valign="top">{rank}</td>{message}</tr>')
        else:
            rows = (f'<tr>{dated}</tr><tr><td class="postTdInfo"><div class="postUser">{escape(who)}</div>{rank}</td>'
                    f'{message}</tr>')
        return (f'<table border="0" width="100%" cellspacing="1" cellpadding="2" class="postTable" id="post{ident}">'
                f'{rows}</table>')


def main(argv: list[str] | None = None) -> None:
    """Serve the uCoz-style site in the foreground until interrupted."""
    from migrator.demo.server import serve_forever, site_parser

    parser = site_parser("Serve the generated uCoz-era Russian community site.", 8002)
    parser.add_argument("--seed", type=int, default=UcozSpec.seed)
    parser.add_argument("--news", type=int, default=UcozSpec.news)
    args = parser.parse_args(argv)
    site = UcozSite(UcozSpec(news=args.news, seed=args.seed))
    print(f"variant: {site.variant}", flush=True)
    serve_forever(site, args.host, args.port, "the uCoz-style site")


if __name__ == "__main__":
    main()
