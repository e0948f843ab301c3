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
