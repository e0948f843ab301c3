"""The HTML parity report as people read it: in a 1,000 px window, measured by headless Chromium.

A report with what real reports carry (long percent-encoded Cyrillic URLs, long Russian words, a link written out
in the text, a body with lost, changed and added paragraphs, a mojibake body, every kind of broken redirect) is
rendered, and a small script appended to it writes into the DOM what the browser laid out: the page's scroll
width and every word split over two lines. Nothing may be wider than the window, and no word may be broken
unless it is wider than its column.
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
#: Opens every side by side, then writes the layout into <pre id="measure">: the document's scroll width, the
#: viewport's width, how many words (between spaces) were measured, the runs of letters and digits split over
#: two lines though their word fits its box (``broken``: a line may end after a hyphen or at punctuation, never
#: inside such a run), and the words wider than their box, which must wrap somewhere (``too_long``).
MEASURE = """<script>
document.querySelectorAll('details').forEach(function(d){d.open=true;});
var broken=[],tooLong=[],words=0,walker=document.createTreeWalker(document.body,NodeFilter.SHOW_TEXT),node,m;
function span(node,start,end){var r=document.createRange();r.setStart(node,start);r.setEnd(node,end);return r;}
function lines(range){var tops={};Array.prototype.forEach.call(range.getClientRects(),function(r){
 if(r.width>0)tops[Math.round(r.top)]=1;});return Object.keys(tops).length;}
function lineOf(node,at){var rects=span(node,at,at+1).getClientRects();
 return rects.length?Math.round(rects[rects.length-1].top):null;}
function room(el){var box=el.closest('td,th,div,li,p,body'),style=getComputedStyle(box);
 return box.clientWidth-parseFloat(style.paddingLeft)-parseFloat(style.paddingRight);}
function width(el,word){var probe=document.createElement('span');probe.style.whiteSpace='nowrap';
 probe.textContent=word;el.appendChild(probe);var w=probe.getBoundingClientRect().width;probe.remove();return w;}
var found=[];
while((node=walker.nextNode())){
 if(node.parentElement.closest('a,.url,script,style,pre'))continue;
 var re=/\\S+/g;
 while((m=re.exec(node.data))){words++;if(lines(span(node,m.index,m.index+m[0].length))>1)found.push([node,m.index,m[0]]);}}
found.forEach(function(f){
 if(width(f[0].parentElement,f[2])>room(f[0].parentElement)){tooLong.push(f[2]);return;}
 var run=/[\\p{L}\\p{M}\\p{N}]+/gu,w;
 while((w=run.exec(f[2]))){var at=f[1]+w.index;
  if(lineOf(f[0],at)!==lineOf(f[0],at+w[0].length-1))broken.push(w[0]);}});
var out=document.createElement('pre');out.id='measure';
out.textContent=JSON.stringify({scrollWidth:document.documentElement.scrollWidth,innerWidth:window.innerWidth,
 words:words,broken:broken,too_long:tooLong});
document.body.appendChild(out);
</script>"""

SLUG = "%D1%83%D1%87%D1%91%D0%BD%D1%8B%D0%B5-%D1%81%D0%BE%D0%B7%D0%B4%D0%B0%D0%BB%D0%B8-" * 4
OLD_URL = f"http://old.example.ru/news/2014/10/19/{SLUG}lazer"
NEW_URL = f"https://new.example.ru/2014/10/{SLUG}lazer/"
PDF = "http://old.example.ru/sites/default/files/" + "%D0%BB%D0%B0%D0%B7%D0%B5%D1%80" * 6 + ".pdf"
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
    f"Полный текст статьи: {PDF}",  # a link written out in the text: one word wider than any column
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
               "body": {"similarity": 0.62, "problems": ["lost paragraphs: 3 of 6"], "old": OLD_BODY, "new": NEW_BODY}}
    garbled = OLD_BODY.encode("utf-8").decode("cp1251", "replace")  # mojibake: words twice as long, soft hyphens
    mojibake = {"old_url": OLD_URL + "-3", "new_url": NEW_URL + "3/", "fields": ["body"],
                "body": {"similarity": 0.0, "problems": ["mojibake"], "old": OLD_BODY, "new": garbled}}
    missing = {"old_url": OLD_URL + "-2", "expected_url": NEW_URL + "2/", "status": 404, "title": PARAS[2][:60]}
    return {"missing": [missing], "changed": [changed, mojibake], "broken_redirects": broken,
            "summary": {"articles": 4, "new_pages": 3, "missing": 1, "changed": 2, "broken_redirects": 4}}


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
    assert layout["words"] > 300 and layout["broken"] == [], layout
    assert max(map(len, layout["too_long"])) > 100  # the link in the text wraps where it must, inside its column
    # every word of both bodies is shown whole in the side by side (never cut into pieces across rows)
    side = dom.xpath('//div[@class="diff"]')[0]
    shown = set(re.findall(r"\S+", " ".join(cell.xpath("string()") for cell in side)))
    assert set(re.findall(r"\S+", OLD_BODY)) | set(re.findall(r"\S+", NEW_BODY)) <= shown
