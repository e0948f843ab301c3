"""The page parser makes lxml.html's element classes, picked in C: lxml.html's own lookup is a Python method
called for every element Python touches (1.4 million calls on a 188-page uCoz crawl)."""
from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from migrator.extract import common
from migrator.extract.common import parse

PAGES = sorted((Path(__file__).parent / "pages").glob("*.html"))
FORM = ("<html><head><title>t</title><?php x ?></head><body><FORM action=/s><INPUT name=q><label>L</label>"
        "<select><option>a</select><textarea>b</textarea></FORM><!-- note --><p>&nbsp;x</p></body></html>")


def _classes(doc: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    return [(str(e.tag), type(e).__name__) for e in doc.iter()]


@pytest.mark.parametrize("html", [FORM, *(p.read_text(encoding="utf-8", errors="replace") for p in PAGES)],
                         ids=["form", *(p.stem for p in PAGES)])
def test_parse_makes_lxml_html_classes(html: str, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = parse(html)
    assert doc is not None
    monkeypatch.setattr(common, "_parser", lxml.html.HTMLParser)  # lxml.html's own lookup, in Python
    assert _classes(doc) == _classes(parse(html))


def test_no_python_lookup_per_element(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = lxml.html.HtmlElementClassLookup.lookup
    monkeypatch.setattr(lxml.html.HtmlElementClassLookup, "lookup",
                        lambda self, *args: calls.append(args) or original(self, *args))
    doc = parse(FORM)
    assert doc is not None and len(list(doc.iter())) > 5
    assert calls == []
