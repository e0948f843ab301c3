"""``body_html``: the cleaned body, sanitized by nh3, with absolute links and no Word residue."""
from __future__ import annotations

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


def absolutize(root: HtmlElement, base_url: str) -> None:
    """Resolve every link and image against the page URL, in place."""
    try:
        root.make_links_absolute(base_url, resolve_base_href=False, handle_failures="discard")
    except ValueError:  # a URL lxml cannot join: leave the element as it is
        pass


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
