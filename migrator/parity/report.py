"""The parity report as one self-contained HTML file: summary counts, a filterable table, side-by-side diffs.

No external assets: the CSS and the few lines of script (filter by kind and by text) are inline,
so the file can be mailed or attached to a ticket. A kind in the address's fragment
(``parity.html#changed``) opens the report filtered to it, so a link can point at one list.
"""
from __future__ import annotations

import difflib
from html import escape
from typing import Any

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
.counts{display:flex;gap:1em;margin:1em 0}.count{padding:.6em 1em;border-radius:6px;background:#f2f2f2}
.count b{display:block;font-size:1.6em}.missing b{color:#b00}.changed b{color:#b60}.broken_redirects b{color:#06b}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;
vertical-align:top}tr.hidden{display:none}details{margin:.3em 0}.diff td{font:12px monospace;white-space:pre-wrap}
.diff_add{background:#dfd}.diff_chg{background:#ffd}.diff_sub{background:#fdd}.kind{font-weight:bold}
"""
_JS = """
function applyFilter(){var q=document.getElementById('q').value.toLowerCase(),
k=document.getElementById('kind').value;document.querySelectorAll('#rows > tr').forEach(function(r){
var ok=(!k||r.dataset.kind===k)&&r.textContent.toLowerCase().indexOf(q)>=0;r.classList.toggle('hidden',!ok);});
document.getElementById('shown').textContent=document.querySelectorAll('#rows > tr:not(.hidden)').length;}
document.addEventListener('DOMContentLoaded',function(){var k=location.hash.slice(1);
if(document.querySelector('#kind option[value="'+k+'"]')){document.getElementById('kind').value=k;}applyFilter();});
"""
KINDS = ("missing", "changed", "broken_redirects")


def _side_by_side(old: str, new: str) -> str:
    """A paragraph-level side-by-side diff (difflib's table, our CSS)."""
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(old.split("\n\n"), new.split("\n\n"), "old site", "new site",
                                                        context=True, numlines=1)
    return f'<table class="diff">{table.split(">", 1)[1]}' if table.startswith("<table") else table


def _detail(kind: str, entry: dict[str, Any]) -> str:
    if kind == "missing":
        if not entry.get("expected_url"):
            return "gone from the old site since"
        return f"expected at <a href=\"{escape(entry['expected_url'])}\">{escape(entry['expected_url'])}</a> " \
               f"(HTTP {entry.get('status')})"
    if kind == "broken_redirects":
        lands = (f"lands on {escape(entry['landed'])} (HTTP {escape(str(entry['statuses']))})" if entry.get("statuses")
                 else "now serves another article")
        return f"{lands}; should be <a href=\"{escape(entry['suggested'])}\">{escape(entry['suggested'])}</a>"
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


def render(report: dict[str, Any], title: str = "Parity: old site vs new") -> str:
    """The whole report as one HTML string."""
    summary = report.get("summary", {})
    counts = "".join(f'<div class="count {k}"><b id="count-{k}">{len(report[k])}</b>{k.replace("_", " ")}</div>'
                     for k in KINDS)
    rows = []
    for kind in KINDS:
        for entry in report[kind]:
            url = escape(entry["old_url"])
            rows.append(f'<tr data-kind="{kind}"><td class="kind">{kind.replace("_", " ")}</td>'
                        f'<td><a href="{url}">{url}</a></td><td>{_detail(kind, entry)}</td></tr>')
    options = "".join(f'<option value="{k}">{k.replace("_", " ")}</option>' for k in KINDS)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{escape(title)}</title>"
            f"<style>{_CSS}</style><script>{_JS}</script></head><body><h1>{escape(title)}</h1>"
            f"<p><span id=\"articles\">{summary.get('articles', '?')}</span> articles compared"
            f"{_crawled(summary)}.</p><div class=\"counts\">{counts}</div>"
            f"<p><input id=\"q\" placeholder=\"filter…\" oninput=\"applyFilter()\"> "
            f"<select id=\"kind\" onchange=\"applyFilter()\"><option value=\"\">all</option>{options}</select> "
            f"<span id=\"shown\">{len(rows)}</span> shown</p>"
            f"<table><thead><tr><th>kind</th><th>old URL</th><th>what</th></tr></thead>"
            f"<tbody id=\"rows\">{''.join(rows)}</tbody></table></body></html>\n")
