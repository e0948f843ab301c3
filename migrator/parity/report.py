"""The parity report as one self-contained HTML file: summary counts, a filterable table, side-by-side diffs.

No external assets: the CSS and the few lines of script (filter by kind and by text) are inline,
so the file can be mailed or attached to a ticket. A kind in the address's fragment
(``parity.html#changed``, ``#not_redirected``) opens the report filtered to it, so a link can point at one list.

It is read in an ordinary window (1,000 px wide, or a phone): the columns share the width (a CSS grid of
``minmax(0, 1fr)`` columns, tables of fixed layout) and text wraps between words; only URLs, which have no
spaces to wrap at, may break anywhere. The body diff is paragraph by paragraph, words marked inside a changed one.
"""
from __future__ import annotations

import difflib
import re
from html import escape
from typing import Any
from urllib.parse import unquote

from migrator.parity.diff import REDIRECT_KINDS

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.5em;margin:.2em 0}
.counts{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}.count{padding:.6em 1em;border-radius:6px;background:#f2f2f2}
.count b{display:block;font-size:1.6em}.missing b{color:#b00}.changed b{color:#b60}.broken_redirects b{color:#06b}
.count ul{margin:.3em 0 0;padding-left:1.1em;font-size:.9em}
table{border-collapse:collapse;width:100%;table-layout:fixed}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;
text-align:left;vertical-align:top}tr.hidden{display:none}details{margin:.3em 0}.kind{font-weight:bold;width:9em}
td,th,.diff>div{word-break:normal;overflow-wrap:break-word}
a,.url{overflow-wrap:anywhere}
.fields tr>:first-child{width:5em}.fields td,.fields th{border:0;padding:.2em .4em}
.diff{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:3px 1em;margin:.5em 0}
.diff>div{white-space:pre-wrap;padding:.2em .4em}.diff>.head{font-weight:bold}
.diff>.gap{grid-column:1/3;color:#777;font-style:italic}
.diff_add,ins{background:#dfd}.diff_chg{background:#ffd}.diff_sub,del{background:#fdd}ins{text-decoration:none}
"""
_JS = """
function applyFilter(){var q=document.getElementById('q').value.toLowerCase(),
k=document.getElementById('kind').value;document.querySelectorAll('#rows > tr').forEach(function(r){
var ok=(!k||r.dataset.kind===k||r.dataset.why===k)&&r.textContent.toLowerCase().indexOf(q)>=0;
r.classList.toggle('hidden',!ok);});
document.getElementById('shown').textContent=document.querySelectorAll('#rows > tr:not(.hidden)').length;}
document.addEventListener('DOMContentLoaded',function(){var k=location.hash.slice(1);
if(document.querySelector('#kind option[value="'+k+'"]')){document.getElementById('kind').value=k;}applyFilter();});
"""
KINDS = ("missing", "changed", "broken_redirects")
#: Unchanged paragraphs shown around a change; longer unchanged runs are folded into one line.
CONTEXT = 1
_TOKENS = re.compile(r"\s+|[^\s]+")


def _label(kind: str) -> str:
    return kind.replace("_", " ")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _marked(old: str, new: str) -> tuple[str, str]:
    """Two versions of a paragraph, the words only one of them has marked (``<del>``, ``<ins>``); a paragraph
    rewritten throughout (mojibake) is shown as it is."""
    if difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False).ratio() < 0.5:
        return escape(old), escape(new)
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        gone, came = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if tag == "equal":
            left.append(gone)
            right.append(came)
            continue
        if gone:
            left.append(f"<del>{gone}</del>")
        if came:
            right.append(f"<ins>{came}</ins>")
    return "".join(left), "".join(right)


def _cells(old: str | None, new: str | None) -> str:
    """One row of the side-by-side grid: a paragraph on each side, or a blank where a side has none."""
    if old is not None and new is not None:
        if old == new:
            return f"<div>{escape(old)}</div><div>{escape(new)}</div>"
        left, right = _marked(old, new)
        return f'<div class="diff_chg">{left}</div><div class="diff_chg">{right}</div>'
    if old is not None:
        return f'<div class="diff_sub">{escape(old)}</div><div></div>'
    return f'<div></div><div class="diff_add">{escape(new or "")}</div>'


def _unchanged(paras: list[str], first: bool, last: bool) -> list[str]:
    """A run of unchanged paragraphs: the ones beside a change, the rest folded into a line."""
    head = [] if first else paras[:CONTEXT]
    tail = [] if last else paras[max(len(head), len(paras) - CONTEXT):]
    folded = len(paras) - len(head) - len(tail)
    rows = [_cells(p, p) for p in head]
    if folded:
        rows.append(f'<div class="gap">… {folded} unchanged paragraph{"s" if folded > 1 else ""}</div>')
    return rows + [_cells(p, p) for p in tail]


def _side_by_side(old: str, new: str) -> str:
    """The body, paragraph by paragraph: the old site's on the left, the new site's on the right."""
    a, b = _paragraphs(old), _paragraphs(new)
    rows = ['<div class="head">old site</div><div class="head">new site</div>']
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for n, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            rows += _unchanged(a[i1:i2], n == 0, n == len(opcodes) - 1)
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            rows.append(_cells(a[i1 + k] if i1 + k < i2 else None, b[j1 + k] if j1 + k < j2 else None))
    return f'<div class="diff">{"".join(rows)}</div>'


def _readable(url: str) -> str:
    """A URL as people read it: percent-encoded UTF-8 (Cyrillic paths) decoded; anything else as it is."""
    try:
        return unquote(url, errors="strict")
    except UnicodeDecodeError:
        return url


def _link(url: str) -> str:
    return f'<a class="url" href="{escape(url)}">{escape(_readable(url))}</a>'


def _broken(entry: dict[str, Any]) -> str:
    kind = entry.get("kind", "wrong_page")
    statuses = entry.get("statuses") or []
    if not statuses:
        lands = "now serves another article"
    else:
        hops = " → ".join(str(s) for s in statuses)
        lands = f"lands on {_link(entry['landed'])} (HTTP {escape(hops)})"
    return f"<b>{_label(kind)}</b>: {lands}; should be {_link(entry['suggested'])}"


def _detail(kind: str, entry: dict[str, Any]) -> str:
    if kind == "added":
        return f"new since: «{escape(entry.get('title') or '')}»"
    if kind == "missing":
        if not entry.get("expected_url"):
            return "gone from the old site since"
        return f"expected at {_link(entry['expected_url'])} (HTTP {entry.get('status')})"
    if kind == "broken_redirects":
        return _broken(entry)
    return _changed(entry)


def _shown(value: Any) -> str:
    return escape(", ".join(value) if isinstance(value, list) else str(value))


def _changed(entry: dict[str, Any]) -> str:
    """One line per changed field, then everything side by side: short fields in a table, the body by paragraph."""
    lines, rows = [], []
    for name in ("title", "date", "tags", "comments"):
        if name in entry:
            old, new = entry[name]["old"], entry[name]["new"]
            lost = f" (lost: {_shown(entry[name]['lost'])})" if entry[name].get("lost") else ""
            lines.append(f"{name}: «{_shown(old)}» → «{_shown(new)}»{lost}")
            rows.append(f"<tr><th>{name}</th><td class=\"diff_sub\">{_shown(old)}</td>"
                        f"<td class=\"diff_add\">{_shown(new)}</td></tr>")
    side = f'<table class="fields"><tr><th></th><th>old site</th><th>new site</th></tr>{"".join(rows)}</table>' \
        if rows else ""
    if "body" in entry:
        body = entry["body"]
        problems = ", ".join(body["problems"]) or "reworded"
        lines.append(f"body: similarity {body['similarity']:.2f} ({escape(problems)})")
        side += _side_by_side(body["old"], body["new"])
    return "<br>".join(lines) + f"<details><summary>side by side</summary>{side}</details>"


def _crawled(summary: dict[str, Any]) -> str:
    return f" with {summary['new_pages']} pages of the new site" if "new_pages" in summary else ""


def _count(kind: str, report: dict[str, Any]) -> str:
    """A summary box; the broken redirects' one lists how many of each kind."""
    parts = ""
    if kind == "broken_redirects" and report[kind]:
        found = [(why, sum(e.get("kind", "wrong_page") == why for e in report[kind])) for why in REDIRECT_KINDS]
        parts = "<ul>" + "".join(f'<li title="{escape(REDIRECT_KINDS[why])}"><span id="count-{why}">{n}</span> '
                                 f"{_label(why)}</li>" for why, n in found if n) + "</ul>"
    return f'<div class="count {kind}"><b id="count-{kind}">{len(report[kind])}</b>{_label(kind)}{parts}</div>'


def _kinds(report: dict[str, Any]) -> tuple[str, ...]:
    """The lists a report has: against an earlier run, the articles added since too."""
    return (*KINDS, "added") if "added" in report else KINDS


def _rows(report: dict[str, Any]) -> list[str]:
    order = list(REDIRECT_KINDS)
    rows = []
    for kind in _kinds(report):
        entries = report[kind]
        if kind == "broken_redirects":  # grouped by kind, most telling first
            entries = sorted(entries, key=lambda e: order.index(e.get("kind", "wrong_page")))
        for entry in entries:
            why = entry.get("kind", "wrong_page") if kind == "broken_redirects" else ""
            label = f"broken redirect<br><small>{_label(why)}</small>" if why else _label(kind)
            rows.append(f'<tr data-kind="{kind}" data-why="{why}"><td class="kind">{label}</td>'
                        f'<td>{_link(entry["old_url"])}<div>{_detail(kind, entry)}</div></td></tr>')
    return rows


def render(report: dict[str, Any], title: str = "Parity: old site vs new") -> str:
    """The whole report as one HTML string."""
    summary = report.get("summary", {})
    counts = "".join(_count(k, report) for k in _kinds(report))
    rows = _rows(report)
    options = "".join(f'<option value="{k}">{_label(k)}</option>' for k in _kinds(report))
    options += "".join(f'<option value="{k}" title="{escape(why)}">— {_label(k)}</option>'
                       for k, why in REDIRECT_KINDS.items())
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{escape(title)}</title>"
            f"<style>{_CSS}</style><script>{_JS}</script></head><body><h1>{escape(title)}</h1>"
            f"<p><span id=\"articles\">{summary.get('articles', '?')}</span> articles compared"
            f"{_crawled(summary)}.</p><div class=\"counts\">{counts}</div>"
            f"<p><input id=\"q\" placeholder=\"filter…\" oninput=\"applyFilter()\"> "
            f"<select id=\"kind\" onchange=\"applyFilter()\"><option value=\"\">all</option>{options}</select> "
            f"<span id=\"shown\">{len(rows)}</span> shown</p>"
            f"<table><thead><tr><th class=\"kind\">kind</th><th>old URL and what differs</th></tr></thead>"
            f"<tbody id=\"rows\">{''.join(rows)}</tbody></table></body></html>\n")
