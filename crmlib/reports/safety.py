"""The page writer's safety net: what a notebook displays reaches a page only as inert markup.

Tables escape their cells (:func:`crmlib.reports.tables.show`) and Markdown built from data is
escaped (:func:`crmlib.safe.markdown_text`); a page must stay safe even where a notebook displays a
value some other way. Three layers, from the outputs to the browser:

1. :func:`sanitizer`: nbconvert's ``SanitizeHTML`` preprocessor (bleach, an allow-list HTML
   sanitizer) run over every HTML and Markdown output and Markdown cell before the page is
   rendered, with the tags and attributes report outputs use (tables with pandas' scoped styles,
   prose, links). Anything else is escaped, so a planted ``<img onerror=...>`` shows as text.
   Output kinds other than text, HTML, Markdown, JSON and images (JavaScript, widgets) are dropped.
2. :func:`strip_active`: the rendered page, parsed (BeautifulSoup), keeps no ``<script>``,
   ``<iframe>``, ``<object>``, ``<embed>`` or ``<base>`` element, no ``on*`` attribute and no
   ``javascript:``/``vbscript:`` URL, wherever they came from (a Markdown link too).
3. :data:`CONTENT_SECURITY_POLICY`, set by the page template: the browser runs no script at all,
   loads images only from ``data:`` URIs (figures are embedded) and fetches nothing.
"""

from __future__ import annotations

import re

#: The pages need no script: none runs, nothing is fetched, figures are data: URIs, styles inline.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

#: Tags report outputs use: pandas tables (with their <style> block), prose, lists, links.
ALLOWED_TAGS = [
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "s", "small", "span", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
]
#: Attributes allowed on every tag, and per tag.
ALLOWED_ATTRIBUTES = {
    "*": ["class", "id", "title", "style", "lang", "dir", "role", "aria-label", "align"],
    "a": ["href", "title", "class", "id"],
    "td": ["colspan", "rowspan", "class", "id", "style", "title"],
    "th": ["colspan", "rowspan", "scope", "class", "id", "style", "title"],
    "table": ["border", "class", "id", "style"],
    "details": ["open", "class", "id"],
}
#: Output kinds shown as they are: plain text and JSON are escaped by the template, images are
#: embedded as data: URIs in <img> (an SVG shown by <img> runs no script).
SAFE_OUTPUT_KEYS = {"metadata", "text/plain", "text/latex", "application/json", "image/png", "image/jpeg",
                    "image/svg+xml"}

_ACTIVE_TAGS = ("script", "iframe", "object", "embed", "base", "frame", "frameset", "applet", "meta[http-equiv=refresh]")
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background")
_BAD_URL = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)", re.I)


def sanitizer():
    """nbconvert's SanitizeHTML preprocessor with crmlib's allow-list (see the module docstring)."""
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    return SanitizeHTML(tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, safe_output_keys=SAFE_OUTPUT_KEYS,
                        strip=False, strip_comments=True)


def strip_active(page: str) -> str:
    """``page`` without script elements, ``on*`` attributes or script URLs; the page as it was (same
    bytes) when it has none, which is the case for every page crmlib writes from sanitized outputs.

    >>> strip_active('<p onclick="x()">a<script>alert(1)</script><a href="javascript:x">b</a></p>')
    '<p>a<a>b</a></p>'
    >>> strip_active("<p>1 < 2 &amp; fine</p>")
    '<p>1 < 2 &amp; fine</p>'
    """
    if not _has_active(page):
        return page
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(page, "html.parser")
    for tag in soup.select(",".join(_ACTIVE_TAGS)):
        tag.decompose()
    for tag in soup.find_all(True):
        for name in list(tag.attrs):
            value = tag.attrs[name]
            if name.lower().startswith("on") or (name.lower() in _URL_ATTRIBUTES and _BAD_URL.match(str(value))):
                del tag.attrs[name]
    return str(soup)


_ACTIVE = re.compile(r"<\s*(?:script|iframe|object|embed|base|frame|applet|meta[^>]*refresh)\b"
                     r"|<[^>]*?\son[a-z]+\s*=|(?:javascript|vbscript)\s*:", re.I)


def _has_active(page: str) -> bool:
    """A quick pre-check: could ``page`` hold active content? (A false alarm only costs a parse.)"""
    return bool(_ACTIVE.search(page))
