"""A Drupal 7 site whose nodes are laid out by Display Suite (modeled on braslaw.by, a zen sub-theme): the node
``<div>`` has no ``id="node-N"`` (DS's ``ds-1col.tpl.php`` prints none) and no ``region-content`` around it, only
core RDF's ``about``/``typeof="sioc:Item foaf:Document"``; the title is a bare ``<h1>`` before the node, the
breadcrumb's ``<h2 class="element-invisible">`` comes first; no ``$submitted``: the date is a field of its own.
Crawled with no mapping from a real local server."""
from __future__ import annotations

import json

from tests.helpers import migrator
from tests.sites.server import serve

NODES = {
    1050: ("На стадионе сразились дорожники + фото", "18.04.2013",
           "<p>В пятницу на стадионе прошла спартакиада. Победили хозяева.</p>\n<p>Источник: Звезда</p>"),
    2488: ("Водитель врезался в опору - никто не пострадал", "21.10.2015",
           "<p><strong>В субботу в деревне произошло ДТП.</strong></p><hr /><p>Машина не подлежит восстановлению.</p>"
           '<hr /><h1 class="rtecenter">Контакты</h1><h3>+375 33 0000000</h3>'),
    3525: ("«Горбунок»: как на конюшне заботятся о лошадях", "21.06.2019",
           "<p>Жить на хуторе и помогать лошадям. Это ее выбор.</p>\n<p>Гальляш Сялява.</p>"),
}


def shell(body_class: str, title: str, layout: str) -> str:
    return f"""<!DOCTYPE html><html lang="ru" dir="ltr" prefix="sioc: http://rdfs.org/sioc/ns# foaf: http://xmlns.com/foaf/0.1/">
<head><meta charset="utf-8" /><meta name="generator" content="Drupal 7 (https://www.drupal.org)" />
<title>{title} | Braslaw.test</title></head>
<body class="html not-front not-logged-in no-sidebars {body_class}">
<div class="wrapper"><header class="header" id="header"><a href="/" rel="home">Braslaw.test</a>
<ul class="menu"><li><a href="/novosti">Новости</a></li><li><a href="/catalog">Организации</a></li></ul></header>
<div class="layout"><div class="main-content"><div class="content_inner sidebar-first-off">{layout}</div></div></div>
</div><footer id="footer" class="region region-footer"><div>© Braslaw.test, 2012 - 2021. Все права защищены.</div></footer>
</body></html>"""


def node_page(nid: int) -> str:
    title, date, text = NODES[nid]
    alias = f"/novosti/n{nid}"
    layout = (f'<nav class="breadcrumb" role="navigation"><h2 class="element-invisible">Вы здесь</h2><ol>'
              f'<li><a href="/">Главная</a> › </li><li><a href="/novosti">Новости</a> › </li></ol></nav>'
              f'<a id="main-content"></a><h1>{title}</h1>'
              f'<div about="{alias}" typeof="sioc:Item foaf:Document" class="ds-1col node node-novost view-mode-full clearfix">'
              f'<div class="news-thumb"><a href="/files/{nid}.jpg"><img src="/files/{nid}-s.jpg" alt="" /></a></div>'
              f'<div class="post-when">{date}</div><div class="news-full-text">{text}</div>'
              f'<div id="yashare-widget-{nid}" class="yashare default link"></div><div id="mc-container"></div></div>')
    return shell(f"page-node page-node- page-node-{nid} node-type-novost section-novosti", title, layout)


def listing() -> str:
    rows = "".join(f'<div class="views-row"><h2><a href="/node/{nid}">{t}</a></h2><p>{d}</p></div>'
                   for nid, (t, d, _) in NODES.items())
    layout = f'<h1>Новости</h1><div class="view view-news"><div class="view-content">{rows}</div></div>'
    return shell("page-novosti", "Новости", layout)


def route(path: str) -> tuple[int, dict[str, str], str]:
    path = path.split("?")[0]
    if path in ("/", "/novosti"):
        return 200, {}, listing()
    if path.startswith("/node/") and path[6:].isdigit() and int(path[6:]) in NODES:
        return 200, {}, node_page(int(path[6:]))
    return 404, {}, "<html><body><h1>Page not found</h1></body></html>"


def test_display_suite_nodes_are_entries_with_their_h1_title_and_date_field(tmp_path):
    db = tmp_path / "ds.db"
    with serve("127.0.0.1", route) as server:
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Minsk")
        assert proc.returncode == 0, proc.stderr[-3000:]
    exported = migrator("export", "--db", str(db), "--format", "jsonl")
    records = {json.loads(line)["source_id"]: json.loads(line) for line in exported.stdout.splitlines()}
    for nid, (title, date, _) in NODES.items():
        record = records[f"node/{nid}"]
        day, month, year = date.split(".")
        assert (record["title"], record["published_at"], record["type"]) == (title, f"{year}-{month}-{day}", "novost")
        assert record["author"] is None and record["tags"] == [] and record["comments"] == []
    assert "Победили хозяева." in records["node/1050"]["body_text"]
    assert "Гальляш Сялява." in records["node/3525"]["body_text"]
