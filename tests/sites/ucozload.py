"""A small uCoz file catalogue ("load" module) used as a paper archive, as a site copier saved it: generated markup
modeled on what such saved sites show, no real page's text.

- entries ``/load/CAT-1-0-ID.html``: a plain ``<h1>`` title, ``table.eBlock`` > ``td.text`` body opening with the
  author's bold line, the ``text_info`` rows (category, counters) under it;
- the same paper uploaded twice under two numbers (``/load/21-1-0-92.html``, ``/load/21-1-0-93.html``): one text;
- listings in uCoz's list markup (each entry shown in ``div#entryIDn`` inside ``div#allEntries``, its title linked,
  the ``pagesBlockuz`` page switcher): a category with one entry (``/load/27.html``), the catalogue's second page
  (``/load/page2.html``), the FAQ's question list (``/faq.html``);
- the home page, and copies of it the copier saved in other pages' places (an entry URL whose entry was removed,
  a guest's download link ``/load/0-0-0-ID-20.html``, the logo's ``/stat/N.html`` link), links one folder deeper.

Every page prints the visitor's clock in the header, as uCoz's layouts do.
"""
from __future__ import annotations

from html import escape

SITE = "Центр сравнительных исследований"
SENTENCES = (
    "Статья рассматривает условия развития малых предприятий в регионе за последнее десятилетие.",
    "Автор сопоставляет данные нескольких обследований и предлагает собственную классификацию факторов.",
    "Особое внимание уделено роли местных органов власти и общественных объединений.",
    "Показано, что доступ к кредиту остаётся главным ограничением для начинающих предпринимателей.",
    "В заключение сформулированы предложения по совершенствованию мер поддержки.",
)
PAPERS = {  # path -> (title, author, category, text seed)
    "/load/14-1-0-3.html": ("О РАЗВИТИИ МАЛОГО БИЗНЕСА В РЕГИОНЕ", "Иванова А.Б.", "Экономика", 0),
    "/load/14-1-0-5.html": ("ФАКТОРЫ КОНКУРЕНТОСПОСОБНОСТИ ПРЕДПРИЯТИЯ", "Петров В.Г.", "Экономика", 1),
    "/load/27-1-0-9.html": ("ИСТОРИЯ ГОРОДСКОГО САМОУПРАВЛЕНИЯ", "Сидоров Д.Е.", "История", 2),
    "/load/21-1-0-92.html": ("ОЧЕРК В ПУБЛИЦИСТИКЕ ВОЕННЫХ ЛЕТ", "Кузнецова Ж.З.", "Филология", 3),
    "/load/21-1-0-93.html": ("ОЧЕРК В ПУБЛИЦИСТИКЕ ВОЕННЫХ ЛЕТ", "Кузнецова Ж.З.", "Филология", 3),
}
#: Paths that hold a copy of the home page (saved where the copier was redirected to it).
HOME_COPIES = ("/load/14-1-0-12.html", "/load/0-0-0-3-20.html", "/stat/1503072855.html")
LISTINGS = {"/load/27.html": ["/load/27-1-0-9.html"],
            "/load/page2.html": ["/load/14-1-0-5.html", "/load/21-1-0-92.html"],
            "/faq.html": []}


def _text(seed: int) -> str:
    """A paper's paragraphs: the same seed, the same text."""
    rotated = SENTENCES[seed % len(SENTENCES):] + SENTENCES[:seed % len(SENTENCES)]
    return "".join(f"<p>{' '.join(rotated)} Раздел {n + 1} продолжает изложение.</p>" for n in range(4))


def _shell(title: str, content: str, up: str = "") -> str:
    """uCoz's table design: styles from ``/.s/src/``, the visitor's clock and greeting, the menu, the content."""
    return f"""<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8">
<title>{escape(title)}</title>
<link type="text/css" rel="stylesheet" href="{up}.s/src/base.css">
<script type="text/javascript" src="{up}.s/src/uwnd.js"></script></head><body>
<table width="100%"><tr><td align="right"><a href="/stat/1503072855.html"><div id="layer1">&nbsp;</div></a>
Среда, 27.09.2017, 12:43 Приветствую Вас <b>Гость</b> | <a href="javascript://">Вход</a></td></tr>
<tr><td><a href="/"><span>Интернет-конференции</span></a>
<a href="{up}faq.html"><span>Вопросы и ответы</span></a> <a href="{up}load/page2.html"><span>Архив</span></a></td></tr>
<tr><td>{content}</td></tr>
<tr><td>Copyright {SITE} &copy; 2017 | Бесплатный хостинг uCoz</td></tr></table></body></html>"""


def _home(up: str = "") -> str:
    links = " ".join(f'<a href="{up}{p[1:]}">{escape(t)}</a>' for p, (t, *_rest) in PAPERS.items())
    copies = " ".join(f'<a href="{up}{p[1:]}">ссылка</a>' for p in HOME_COPIES)
    lists = " ".join(f'<a href="{up}{p[1:]}">раздел</a>' for p in LISTINGS)
    welcome = ("<p>Мы приветствуем Вас на сайте интернет-конференций. Здесь публикуются статьи участников, "
               "программа конференций и условия участия. Материалы принимаются в течение всего года, "
               "сборники выходят после каждой конференции, участие открыто для аспирантов и преподавателей "
               "вузов, научных сотрудников и всех, кто ведёт исследования в общественных науках.</p>")
    return _shell(f"{SITE} - Интернет-конференции",
                  f"<h2>Интернет-конференции</h2>{welcome}<div>{links}</div><div>{copies} {lists}</div>", up)


def _entry(path: str) -> str:
    title, author, category, seed = PAPERS[path]
    body = (f"<b>{escape(author)}</b><br><i>Институт сравнительных исследований, Новосибирск</i><br>{_text(seed)}")
    content = (f'<table class="eBlock"><tr><td>[ <a href="0-0-0-3-20.html">Скачать в формате Word</a> ]'
               f"</td></tr></table><h1>{escape(title)}</h1>"
               f'<table class="eBlock"><tr><td class="text">{body}</td></tr>'
               f'<tr><td class="text_info">Категория: <a href="27.html">{escape(category)}</a></td></tr></table>')
    return _shell(f"{title} - {category} - {SITE}", content, "../")


def _listing(path: str) -> str:
    shown = LISTINGS[path]
    items = "".join(
        f'<div id="entryID{n}"><table class="eBlock"><tr><td><div class="eTitle"><a href="{p.rsplit("/", 1)[1]}">'
        f'{escape(PAPERS[p][0])}</a></div><div class="text"><b>{escape(PAPERS[p][1])}</b><br>'
        f'{SENTENCES[PAPERS[p][3] % len(SENTENCES)]}</div><div class="text_info">{escape(PAPERS[p][2])} | '
        f"Просмотров: {100 + n}</div></td></tr></table></div>" for n, p in enumerate(shown, 1))
    if not shown:  # the FAQ module's questions, listed the same way
        items = "".join(f'<div id="entryID{n}"><table class="eBlock"><tr><td><div class="eTitle">'
                        f'<a href="#q{n}">Вопрос {n}: как оформить статью?</a></div></td></tr></table></div>'
                        for n in (1, 2, 3))
    pager = ('Страницы: <span class="pagesBlockuz1"><a class="swchItem" href="/load/page2.html" '
             "onclick=\"spages('2', this); return false;\"><span>2</span></a></span>")
    up = "../" if path.startswith("/load/") else ""
    return _shell(f"Архив - {SITE}", f"<h1>Архив статей</h1>{pager}<div id=\"allEntries\">{items}</div>", up)


def route(path: str) -> tuple[int, dict[str, str], str]:
    """The saved site, served: (status, headers, body)."""
    if path in ("/", "/index.html"):
        return 200, {}, _home()
    if path in HOME_COPIES:
        return 200, {}, _home("../")
    if path in PAPERS:
        return 200, {}, _entry(path)
    if path in LISTINGS:
        return 200, {}, _listing(path)
    return 404, {}, "<html><body>Страница не найдена</body></html>"
