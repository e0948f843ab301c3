"""``body_html``: the cleaned body, sanitized by nh3, with absolute links and no Word residue."""
from __future__ import annotations

from urllib.parse import urljoin

import nh3
from lxml import etree
from lxml.html import HtmlElement

#: The only markup the new platform receives.
ALLOWED_TAGS = {
    "p", "br", "a", "img", "ul", "ol", "li", "blockquote", "b", "strong", "i", "em", "u", "sub", "sup",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "figure", "figcaption", "pre", "code", "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto", "ftp"}


def inner_html(root: HtmlElement) -> str:
    """The markup inside ``root`` (its text and children), without ``root``'s own tag."""
    parts = [root.text or ""]
    parts.extend(etree.tostring(child, encoding="unicode", method="html") for child in root)
    return "".join(parts)


_LINKED = etree.XPath("descendant-or-self::*[@href or @src]")


def absolutize(root: HtmlElement, base_url: str) -> None:
    """Resolve every link and image (``href``, ``src``: the only URLs :func:`sanitize` keeps) against the
    page URL, in place; a URL that cannot be joined loses its attribute, as with lxml's
    ``make_links_absolute(handle_failures="discard")``, which also parses every style attribute.

    >>> from lxml.html import fragment_fromstring as f
    >>> root = f('<div><a href=" ../b.html">b</a><img src="i.png"></div>')
    >>> absolutize(root, "http://x.test/a/p.html"); root[0].get("href"), root[1].get("src")
    ('http://x.test/b.html', 'http://x.test/a/i.png')
    """
    for element in _LINKED(root):
        for attr in ("href", "src"):
            value = element.get(attr)
            if value is None:
                continue
            try:
                joined = urljoin(base_url, value.strip())
            except ValueError:  # a URL urllib cannot join (a bad IPv6 host): drop it
                del element.attrib[attr]
                continue
            if joined != value:
                element.set(attr, joined)


def sanitize(html: str) -> str:
    """Allowed tags and attributes only; no scripts, styles, event handlers or javascript: URLs.

    >>> sanitize('<p class="MsoNormal" onclick="x()">Текст <a href="javascript:alert(1)">ссылка</a></p><script>x</script>')
    '<p>Текст <a>ссылка</a></p>'
    """
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=None, strip_comments=True).strip()


def body_html(root: HtmlElement, base_url: str) -> str:
    """A cleaned body element -> the ``body_html`` of the record."""
    absolutize(root, base_url)
    return sanitize(inner_html(root))
