"""A town portal on a hand-made PHP template, as the saved kalyazin.msk.ru prints it: a layout table around
``div#content``, the entry's ``h1``, a dateline, the text, the "<<< Читать все новости >>>" link back to the section;
section indexes ``/allnews/`` of dated headlines in the same skeleton. One news entry is a picture alone (the saved
site's /allnews/052: a thank-you letter scanned as an image). Faker's text, nothing copied from a real page."""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from faker import Faker


@dataclass
class News:
    path: str
    title: str
    published: str  # DD.MM.YYYY as printed
    paragraphs: list[str]
    images: list[str] = field(default_factory=list)


class HandmadePortal:
    """Seven news entries under ``/allnews/NNN.html`` (the fourth an image alone), the section index, the front page."""

    def __init__(self) -> None:
        fake = Faker("ru_RU")
        fake.seed_instance(52)
        self.entries = [News(f"/allnews/{n:03d}.html", fake.sentence(nb_words=6), f"{10 + n:02d}.11.2016",
                             [fake.sentence(nb_words=12) for _ in range(5)]) for n in range(1, 8)]
        self.entries[3] = News(self.entries[3].path, "Благодарность калязинцам.", self.entries[3].published, [],
                               ["/files/site0/upload/news/004.png"])

    @staticmethod
    def _page(title: str, content: str) -> str:
        menu = "".join(f"<tr><td><a href='/{s}/'>{s}</a></td></tr>" for s in ("allnews", "obyavleniya", "raznoe"))
        return (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=utf-8'><title>{escape(title)}"
                f"</title><link rel='stylesheet' href='/template/default/style.css'></head><body><div id='fonhdr'><table "
                f"width='100%'><tr><td><img src='/files/site0/upload/header/logo.gif' alt='Калязин'></td></tr></table>"
                f"</div><table width='100%'><tr><td valign='top' width='200'><table>{menu}</table></td><td valign='top'>"
                f"<div id='content'>{content}</div></td></tr></table><div id='footer'>© Калязин, 2016 "
                f"<!--##DEBUG#--></div></body></html>")

    def _news(self, e: News) -> str:
        images = "".join(f"<div align='center'><img alt='' src='{src}'></div>" for src in e.images)
        text = "".join(f"<p>{escape(p)}</p>" for p in e.paragraphs)
        return self._page(f"{e.title} - Калязин", f"<h1>{escape(e.title)}</h1><div class='date'>{e.published}</div>"
                                                  f"{images}{text}<div align='center'><b><a href='/allnews/'>&lt;&lt;&lt; "
                                                  f"Читать все новости &gt;&gt;&gt;</a></b></div>")

    def _index(self) -> str:
        """The section index as the saved site prints it: an hAtom list of headlines with their timestamps."""
        rows = "".join(f"<li class='hentry news'><h3 class='entry-title'><a href='{e.path}'>{escape(e.title)}</a></h3>"
                       f"<div class='entry-content'></div><div><abbr class='published' title='2016-11-{e.published[:2]}"
                       f"T16:00:00Z'>{e.published} 19:00</abbr></div></li>" for e in reversed(self.entries))
        return self._page("Городские новости. - Калязин", f"<h1>Городские новости.</h1><div align='left'><ul "
                                                          f"class='hfeed'>{rows}</ul></div>")

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        if path in ("/", "/index.html"):
            return 200, {}, self._page("Калязин - Калязин", "<h1>Калязин</h1>" + "".join(
                f"<p><a href='{e.path}'>{escape(e.title)}</a></p>" for e in self.entries[:3])
                + "<p><a href='/allnews/'>Все новости</a></p>")
        if path in ("/allnews/", "/allnews/index.html"):
            return 200, {}, self._index()
        for e in self.entries:
            if path == e.path:
                return 200, {}, self._news(e)
        return 404, {}, "<html><body>Not found</body></html>"


@dataclass
class Page:
    path: str
    title: str
    paragraphs: list[str]
    listed: list[str] = field(default_factory=list)  # paths of the entries its hAtom list shows
    intro: str = ""  # the heading line over that list


class RelatedPortal(HandmadePortal):
    """The portal as its news pages really end: after the "<<< Читать все новости >>>" link, a rule, the heading
    "Советуем почитать другие свежие новости Калязина:" and, in a wrapper that opens with a newspaper's picture
    link, an hAtom list (``ul.hfeed`` of ``li.hentry``: ``h3.entry-title`` link, an empty ``entry-content``,
    ``abbr.published`` / ``abbr.updated``) of the newest news, this one among them; then the site's ads. Besides:
    a district section ``/raion/`` whose index is one sentence over the hAtom list of its villages' pages (a
    listing), each village page listing its neighbours the same way, and a council section ``/sovet/`` whose index
    is a long text of its own with its two news listed under it (a page). Faker's text."""

    def __init__(self) -> None:
        super().__init__()
        fake = Faker("ru_RU")
        fake.seed_instance(15)
        self.entries[1] = News(self.entries[1].path, fake.sentence(nb_words=5), self.entries[1].published,
                               [fake.sentence(nb_words=9)])  # a short news: one sentence
        self.villages = [Page(f"/raion/{slug}.html", f"с.{fake.city_name()} Калязинского района.",
                              [fake.paragraph(nb_sentences=6) for _ in range(3)]) for slug in ("nerl", "pene", "kapshino")]
        for village in self.villages:
            village.listed = [v.path for v in self.villages]
        self.council_news = [Page(f"/sovet/{slug}.html", fake.sentence(nb_words=6),
                                  [fake.paragraph(nb_sentences=6) for _ in range(2)]) for slug in ("forum", "vstrecha")]
        self.raion = Page("/raion/", "Калязинский район.", ["Этот раздел содержит информацию о селах и деревнях "
                                                           "Калязинского района Тверской области."],
                          [v.path for v in self.villages])
        self.council = Page("/sovet/", "Калязинский районный женский совет.",
                            [fake.paragraph(nb_sentences=8) for _ in range(4)], [n.path for n in self.council_news],
                            "НОВОСТИ КАЛЯЗИНСКОГО РАЙОННОГО СОВЕТА ЖЕНЩИН:")
        self.pages = {p.path: p for p in (*self.villages, *self.council_news, self.raion, self.council)}

    def titles(self) -> dict[str, str]:
        return {**{e.path: e.title for e in self.entries}, **{p.path: p.title for p in self.pages.values()}}

    def _rows(self, paths: list[str]) -> str:
        titles = self.titles()
        return "".join(f"<li class='hentry news'>\n<h3 class='entry-title'><a href='{p}'>{escape(titles[p])}</a></h3>\n"
                       f"<div class='entry-content'></div>\n<div>\n<abbr class='published' title='2016-11-{10 + i:02d}"
                       f"T16:05:00Z'>{10 + i:02d}.11.2016 19:05</abbr>\n<abbr class='updated' title='2016-11-{10 + i:02d}"
                       f"T16:41:24Z'>{10 + i:02d}.11.2016 19:41</abbr>\n</div>\n</li>" for i, p in enumerate(paths))

    ADS = ("<hr align='left'><font size='3'><b>РЕСО-Гарантия в Калязине:</b></font><br> — автострахование (КАСКО, "
           "ОСАГО),<br> — страхование загородных домов и дач. <a href='/reso.html'>Подробнее читайте здесь &gt;&gt;&gt;</a>")

    #: Each page's text as its editor wrapped it (the saved pages' bodies sit bare in ``div#content``, in
    #: ``div[align=center] > div[align=justify]``, in one ``div``, in a layout table): no two agree below it.
    WRAPPERS = ("{}", "<div align='center'><div align='justify'>{}</div><br></div>", "<div align='justify'>{}</div>",
                "<table width='100%'><tbody><tr><td>{}</td></tr></tbody></table>")

    def _wrapped(self, path: str, html: str) -> str:
        order = sorted([e.path for e in self.entries] + list(self.pages))
        return self.WRAPPERS[order.index(path) % len(self.WRAPPERS)].format(html)

    def _news(self, e: News) -> str:
        images = "".join(f"<div align='center'><img alt='' src='{src}'></div>" for src in e.images)
        text = "".join(f"<p>{escape(p)}</p>" for p in e.paragraphs)
        page = self._page(f"{e.title} - Калязин", f"<h1>{escape(e.title)}</h1><div class='date'>{e.published}</div>"
                                                  + self._wrapped(e.path, images + text) + "<div align='center'><b>"
                                                  "<a href='/allnews/'>&lt;&lt;&lt; Читать все новости &gt;&gt;&gt;</a>"
                                                  "</b></div>")
        newest = [n.path for n in reversed(self.entries)][:5]
        related = ("<br><hr><div align='left'><font size='3'><b>Советуем почитать другие свежие новости Калязина:</b>"
                   "</font><br></div><div align='left'><a href='/gazeta.html'><img alt='Новости' src='/files/vpered.jpg' "
                   f"width='190' height='150' align='left'></a><ul class='hfeed'>{self._rows(newest)}</ul>\n<br></div>")
        return page.replace("</div></td></tr></table><div id='footer'>", related + self.ADS
                            + "</div></td></tr></table><div id='footer'>")

    def _section_page(self, p: Page) -> str:
        text = self._wrapped(p.path, "".join(f"<p>{escape(t)}</p>" for t in p.paragraphs))
        heading = f"<p><font size='2'><b>{escape(p.intro)}</b></font><br></p>" if p.intro else "<br><br>"
        listed = f"{heading}<ul class='hfeed'>{self._rows(p.listed)}</ul><br>" if p.listed else ""
        return self._page(f"{p.title} - Калязин", f"<h1>{escape(p.title)}</h1>{text}{listed}")

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        if path in ("/", "/index.html"):
            status, headers, html = super().route(path)
            return status, headers, html.replace("</div></td></tr></table><div id='footer'>", "<p><a href='/raion/'>"
                                                 "Весь район</a> <a href='/sovet/'>Женсовет</a></p></div></td></tr>"
                                                 "</table><div id='footer'>")
        page = self.pages.get(path) or self.pages.get(path.removesuffix("index.html"))
        if page is not None:
            return 200, {}, self._section_page(page)
        return super().route(path)
