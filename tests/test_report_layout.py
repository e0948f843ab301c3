"""The HTML parity report as people read it: in a 1,000 px window, measured by headless Chromium.

A report with what real reports carry (long percent-encoded Cyrillic URLs, long Russian words, a body with lost,
changed and added paragraphs, every kind of broken redirect) is rendered, and a small script appended to it
writes into the DOM what the browser laid out: the page's scroll width and every word whose box spans two
lines. Nothing may be wider than the window, and no word of prose may be broken.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from migrator.parity.report import render

WINDOW = 1000
#: Opens every side by side, then writes the layout into <pre id="measure">: the document's scroll width,
#: the viewport's width, how many words of prose were measured and those laid out over two lines.
MEASURE = """<script>
document.querySelectorAll('details').forEach(function(d){d.open=true;});
var broken=[],words=0,walker=document.createTreeWalker(document.body,NodeFilter.SHOW_TEXT),node,m;
while((node=walker.nextNode())){
 if(node.parentElement.closest('a,.url,script,style,pre'))continue;
 var re=/\\S+/g;
 while((m=re.exec(node.data))){
  words++;var range=document.createRange();range.setStart(node,m.index);range.setEnd(node,m.index+m[0].length);
  var tops={};Array.prototype.forEach.call(range.getClientRects(),function(r){if(r.width>0)tops[Math.round(r.top)]=1;});
  if(Object.keys(tops).length>1)broken.push(m[0]);}}
var out=document.createElement('pre');out.id='measure';
out.textContent=JSON.stringify({scrollWidth:document.documentElement.scrollWidth,innerWidth:window.innerWidth,
 words:words,broken:broken});
document.body.appendChild(out);
</script>"""

SLUG = "%D1%83%D1%87%D1%91%D0%BD%D1%8B%D0%B5-%D1%81%D0%BE%D0%B7%D0%B4%D0%B0%D0%BB%D0%B8-" * 4
OLD_URL = f"http://old.example.ru/news/2014/10/19/{SLUG}lazer"
NEW_URL = f"https://new.example.ru/2014/10/{SLUG}lazer/"
PARAS = [
    "Учёные Томского политехнического университета создали высокоэффективный лазер на основе "
    "перовскитных нанокристаллов, работающий при комнатной температуре без криогенного охлаждения.",
    "Исследование выполнено при поддержке Российского научного фонда; финансирование составило "
    "двенадцать миллионов рублей в течение трёх лет, включая закупку экспериментального оборудования.",
    "Сверхвысокочастотные характеристики устройства превосходят известные зарубежные аналоги: "
    "электроннолучевая литография позволила достичь рекордной воспроизводимости параметров.",
    "Следующим этапом станет передача технологии индустриальному партнёру, производящему "
    "оптоэлектронные компоненты для телекоммуникационного оборудования.",
    "Результаты опубликованы в журнале «Квантовая электроника», статья доступна по подписке.",
]
OLD_BODY = "\n\n".join(PARAS)
NEW_BODY = "\n\n".join([PARAS[0], PARAS[1].replace("двенадцать", "пятнадцать"), PARAS[3],
                        "Редакция благодарит пресс-службу университета за предоставленные материалы."])


def report() -> dict[str, Any]:
    broken = [{"old_url": f"http://old.example.ru/print/{n}", "kind": kind, "landed": landed,
               "statuses": statuses, "suggested": NEW_URL}
              for n, (kind, landed, statuses) in enumerate([
                  ("not_redirected", f"https://new.example.ru/print/{SLUG}", [404]),
                  ("wrong_page", "https://new.example.ru/", [301, 200]),
                  ("chain", NEW_URL, [301, 302, 301, 200]),
                  ("loop_or_error", f"https://new.example.ru/loop/{SLUG}", [301, 301])])]
    changed = {"old_url": OLD_URL, "new_url": NEW_URL, "fields": ["body", "tags", "title"],
               "title": {"old": PARAS[0][:90], "new": PARAS[0][:90] + " (обновлено)"},
               "tags": {"old": ["Нанотехнологии", "Физика конденсированного состояния"], "new": ["Нанотехнологии"],
                        "lost": ["Физика конденсированного состояния"], "added": []},
               "body": {"similarity": 0.62, "problems": ["lost paragraphs: 2 of 5"], "old": OLD_BODY, "new": NEW_BODY}}
    missing = {"old_url": OLD_URL + "-2", "expected_url": NEW_URL + "2/", "status": 404, "title": PARAS[2][:60]}
    return {"missing": [missing], "changed": [changed], "broken_redirects": broken,
            "summary": {"articles": 3, "new_pages": 3, "missing": 1, "changed": 1, "broken_redirects": 4}}


def laid_out(page: Path, profile: Path) -> tuple[dict[str, Any], Any]:
    """(what the measuring script wrote, the DOM) of ``page`` in a 1,000 px wide headless Chromium window."""
    measured = page.with_name("measured.html")
    measured.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    proc = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", f"--window-size={WINDOW},800", "--dump-dom", measured.resolve().as_uri()],
        capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = etree.fromstring(proc.stdout, etree.HTMLParser())
    return json.loads(dom.xpath('string(//pre[@id="measure"])')), dom


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is installed by .ci/run")
def test_report_fits_a_1000px_window_and_wraps_between_words(tmp_path: Path) -> None:
    page = tmp_path / "parity.html"
    page.write_text(render(report()), encoding="utf-8")
    layout, dom = laid_out(page, tmp_path / "profile")
    assert layout["innerWidth"] == WINDOW, layout  # the window the layout was measured in
    assert layout["scrollWidth"] <= WINDOW, layout
    assert layout["words"] > 150 and layout["broken"] == [], layout
    # every word of both bodies is shown whole in the side by side (never cut into pieces across rows)
    side = dom.xpath('//div[@class="diff"]')[0]
    shown = set(re.findall(r"\S+", " ".join(cell.xpath("string()") for cell in side)))
    assert set(re.findall(r"\S+", OLD_BODY)) | set(re.findall(r"\S+", NEW_BODY)) <= shown
