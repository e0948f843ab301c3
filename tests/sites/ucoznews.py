"""A small uCoz news site (the "news" module) as a site copier saved it: generated markup modeled on what a real
saved uCoz school site shows (its system markup, not its text).

- entries ``/news/<slug>/YYYY-MM-DD-ID.html``: the ``dateBar`` breadcrumb (year » month » day, each linking its
  archive) is the only place the date stands; ``table.eBlock`` holds ``div.eTitle`` (the time floated right of the
  title), ``td.eMessage`` (Word pastes: a sentence may open with a date inside a ``<span>``) and ``td.eDetails``
  ("Просмотров: N | Добавил: NAME | Рейтинг", the label between uCoz's ``<!--<sNNNN>-->`` string marks);
  one entry is an image alone; two carry uCoz's comment list (``div.comEnt`` > ``table.cBlock1`` with the
  ``itemprop`` marks), longer than their entry's text;
- the header prints the site's name in an ``<h1>`` and the visitor's clock; the content cell opens with an empty
  ``<h1></h1>``; ``<!-- </body>`` after the entry is left unclosed up to the right column's marker, as saved;
- the month archive ``/news/2015-09.html`` and the home page list the entries (``archiveEntryTitle`` rows).
"""
from __future__ import annotations

from html import escape

SITE = "Персональный сайт школы"
MONTHS = ("Января", "Февраля", "Марта", "Апреля", "Мая", "Июня", "Июля", "Августа", "Сентября", "Октября",
          "Ноября", "Декабря")
MONTH_NAMES = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
               "Ноябрь", "Декабрь")
#: path -> (title, time, author, message HTML, comments)
ENTRIES = {
    "/news/den_znanij/2015-09-01-334.html": ("1 сентября - День Знаний!", "01:50", "RADO",
        '<div style="text-align: center;"><span style="color: rgb(0, 0, 128);">Начинает год учебный</span><br>'
        '<span>В сентябре деньков отсчет,</span><br><span>С детства каждому знаком.</span></div>', 0),
    "/news/nedelja_protiv_nasilija/2015-09-03-335.html": ("Неделя против насилия", "21:09", "RADO",
        '<p class="MsoNormal"><span style="font-family: \'Times New Roman\';">3 сентября 2015 года в рамках </span>'
        '<b><i>недели против насилия</i></b><span> центр провел ряд мероприятий для учащихся школы.</span></p>'
        '<p class="MsoNormal"><span>Все мероприятия были направлены на пропаганду здорового образа жизни.'
        '<o:p></o:p></span></p>', 3),
    "/news/1_sentjabrja/2015-09-07-336.html": ("1 сентября", "13:50", "RADO",
        '<div style="text-align: center;"><!--IMG1--><a href="../../_nw/4/35439291.jpg" class="ulightbox">'
        '<img src="../../_nw/4/s35439291.jpg"></a><!--IMG1--></div>', 0),
    "/news/turslet/2015-09-11-337.html": ("Туристический слёт", "11:27", "Admin",
        '<div align="justify">11 сентября состоялся туристический слёт среди 5-11 классов. Разбив лагерь в лесу, '
        'все отправились на построение. Каждая команда представила оригинальное блюдо и карту местности.</div>', 4),
    "/news/kross/2015-09-21-340.html": ("Кросс \"Золотая осень\"", "12:29", "RADO",
        '<p class="MsoNormal">21 сентября прошёл традиционный кросс. Победители награждены грамотами.</p>', 0),
    "/news/azbuka/2015-09-19-338.html": ("\"Азбука безопасности\"", "09:10", "RADO",
        '<div>Для учащихся начальных классов прошёл урок безопасности. Ребята повторили правила дорожного '
        'движения.</div>', 0),
}
ARCHIVE = "/news/2015-09.html"
COMMENTERS = ("Мария", "Гость", "Иван Петров", "Ольга")


def _menu(up: str) -> str:
    items = "".join(f'<li><div class="uMenuItem"><a href="{up}index/razdel_{n}/0-{n}.html"><span>Раздел школы {n}'
                    f'</span></a></div></li>\n' for n in range(1, 31))
    return (f'<div class="block"><div class="block-title">Меню сайта</div><div class="block-content">'
            f'<div id="uMenuDiv1" class="uMenuV"><ul class="uMenuRoot">\n{items}</ul></div></div></div>')


def _shell(title: str, content: str, up: str, comment_tail: bool = True) -> str:
    close = "<!-- </body>" if comment_tail else "<!-- </body> -->"
    return f"""<html>
<head>
<meta http-equiv="content-type" content="text/html; charset=UTF-8">
<title>{escape(title)}</title>
<link type="text/css" rel="StyleSheet" href="{up}_st/my.css">
<link rel="stylesheet" href="{up}.s/src/base.min.css">
<script src="{up}.s/src/uwnd.min.js"></script>
</head>
<body>
<div class="wrap"><div class="contanier">
<!--U1AHEADER1Z--><div class="header">
<div class="date">Пятница, 25.02.2022, 12:54</div>
<div class="user-bar">Приветствую Вас <b>Гость</b> | <a href="{up}news/rss/">RSS</a></div>
<h1>Муниципальное бюджетное общеобразовательное учреждение "Средняя школа № 3"</h1>
<div class="navigation"><a href="{up}index.html">Главная</a> <a href="{up}register.html">Регистрация</a></div>
</div><!--/U1AHEADER1Z-->
<table class="main-table"><tr>
<td class="left-side-block"><!--U1CLEFTER1Z-->{_menu(up)}
<div class="block"><div class="block-title">Статистика</div><div class="block-content"><div class="tOnline">Онлайн
всего: <b>1</b></div><div class="gOnline">Гостей: <b>1</b></div></div></div><!--/U1CLEFTER1Z--></td>
<td class="content-block">
<h1></h1>
<!-- <body> -->{content}
{close}

</td>
<td class="right-side-block">
<!--U1DRIGHTER1Z-->
<div class="block"><div class="block-title">Данные школы</div><div class="block-content">Муниципальное бюджетное
общеобразовательное учреждение "Средняя школа № 3", ОГРН 1022401273498, ИНН 2447004263, ул. Ленина, 102</div></div>
<div class="block"><div class="block-title">Друзья сайта</div><div class="block-content">
<li><a href="http://school1.example/">Школа № 1 города</a></li><li><a href="http://school2.example/">Школа № 2
города</a></li><li><a href="http://cdo.example/">Центр дополнительного образования</a></li></div></div>
<!--/U1DRIGHTER1Z-->
</td></tr></table>
<div class="footer1">Copyright MyCorp &copy; 2022 <span>Бесплатный <a href="https://www.ucoz.ru/">конструктор
сайтов</a> - <a href="https://www.ucoz.ru/">uCoz</a></span></div>
</div></div>
</body>
</html>"""


def _parts(path: str) -> tuple[int, int, int, int]:
    stamp = path.rsplit("/", 1)[1].split(".")[0]
    year, month, day, ident = (int(p) for p in stamp.split("-"))
    return year, month, day, ident


def _comments(count: int, ident: int) -> str:
    if not count:
        return ""
    rows = []
    for n in range(1, count + 1):
        who = COMMENTERS[(n - 1) % len(COMMENTERS)]
        text = " ".join(["Спасибо за интересный рассказ о жизни школы, было приятно читать и вспоминать."] * 3)
        rows.append(f'<div class="comEnt report-spam-target" id="comEnt{ident}{n}" style="width:100%;">'
                    f'<table border="0" cellpadding="0" cellspacing="0" width="100%" class="cBlock{1 + n % 2}">'
                    f'<tr><td style="padding:3px;"><div class="cTop" style="text-align:left;">{n}'
                    f' <b itemprop="author" itemscope itemtype="http://schema.org/Person"><span itemprop="name">{who}'
                    f'</span></b> <span class="cDate" itemprop="datePublished">(2{n}.09.2015 1{n}:0{n})</span></div>'
                    f'<div class="cMessage" style="text-align:left;clear:both;padding-top:2px;padding-bottom:2px;"'
                    f' itemprop="reviewBody">{text}</div></td></tr></table></div>')
    return (f'<table border="0" cellpadding="0" cellspacing="0" width="100%"><tr><td width="60%" height="25">'
            f'Всего комментариев: <b>{count}</b></td></tr></table>'
            f'<div id="myGrid"><div id="allEntries">{"".join(rows)}</div></div>')


def _entry(path: str) -> str:
    title, clock, author, message, comments = ENTRIES[path]
    year, month, day, ident = _parts(path)
    crumb = (f'<a href="../../index.html">Главная</a> &raquo; <a class="dateBar" href="../{year}-00.html">{year}</a>'
             f' &raquo; <a class="dateBar" href="../{year}-{month:02d}.html">{MONTH_NAMES[month - 1]}</a> &raquo; '
             f'<a class="dateBar" href="../{year}-{month:02d}-{day:02d}.html">{day}</a> &raquo; {escape(title)}\n<hr>')
    block = (f'<table border="0" width="100%" cellspacing="1" cellpadding="2" class="eBlock">'
             f'<tr><td width="90%"><div class="eTitle"><div style="float:right;font-size:9px;">{clock} </div>'
             f'{escape(title)}</div></td></tr>\n<tr><td class="eMessage">{message} </td></tr>\n'
             f'<tr><td colspan="2" class="eDetails"><div style="float:right"><ul class="u-star-rating-12" '
             f'title="Рейтинг: 0.0/0"><li class="u-current-rating" style="width:0%;"></li></ul></div>\n'
             f'<!--<s3177>-->Просмотров<!--</s>-->: {200 + ident} |\n<!--<s3178>-->Добавил<!--</s>-->: '
             f'<a href="javascript:;" rel="nofollow">{author}</a>\n\n| <!--<s3119>-->Рейтинг<!--</s>-->: '
             f'<span id="entRating{ident}">0.0</span>/<span id="entRated{ident}">0</span></td></tr>\n</table>')
    page_title = f"{title} - {day} {MONTHS[month - 1]} {year} - {SITE}"
    return _shell(page_title, crumb + "\n" + block + _comments(comments, ident), "../../")


def _rows(up: str) -> str:
    rows = []
    for path, (title, clock, *_rest) in sorted(ENTRIES.items(), key=lambda item: item[0].rsplit("/", 1)[1], reverse=True):
        year, month, day, _ = _parts(path)
        rows.append(f'<tr><td class="archiveDateTitle"><a class="archiveDateTitleLink" href="{up}news/{year}-'
                    f'{month:02d}-{day:02d}.html">{day:02d} {MONTHS[month - 1]}</a><hr class="archEntryHr"></td></tr>'
                    f'<tr><td class="archiveEntryTitle"><ul class="uz"><li><span class="archiveEntryTime">{clock}'
                    f'</span> <a class="archiveEntryTitleLink" href="{up}{path.lstrip("/")}">{escape(title)}</a></li>'
                    f'</ul></td></tr>')
    return f'<table border="0" width="100%" cellspacing="1" cellpadding="2">{"".join(rows)}</table>'


def route(path: str) -> tuple[int, dict[str, str], str]:
    """The saved site, served: (status, headers, body)."""
    if path in ("/", "/index.html"):
        return 200, {}, _shell(SITE, _rows(""), "", comment_tail=False)
    if path == ARCHIVE:
        content = '<a href="../index.html">Главная</a> &raquo; <a class="dateBar" href="2015-00.html">2015</a> &raquo; ' \
                  f'Сентябрь <hr>\n{_rows("../")}'
        return 200, {}, _shell(f"Архив материалов - {SITE}", content, "../", comment_tail=False)
    if path in ENTRIES:
        return 200, {}, _entry(path)
    return 404, {}, "<html><body>Страница не найдена</body></html>"
