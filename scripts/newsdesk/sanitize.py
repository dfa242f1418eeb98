"""THE allowlist: what HTML may reach a reader, at import and again in the site build.

The build hook sanitizes each page's *rendered* HTML, so the allowlist covers what
Python-Markdown and Material produce (highlighted code, heading anchors, footnotes, tables,
figures) and nothing that runs code or restyles the page.

Two bleach 6 behaviours are handled here rather than trusted:
- `strip=True` removes a disallowed tag but keeps its text, so `<script>` code or `<style>`
  rules would show up as article text; those elements are removed with their content first.
- bleach accepts `javascript:123` as a host:port URL; every URL attribute is therefore
  checked by `is_safe_url`, which reads the URL the way a browser does.
"""

from __future__ import annotations

import html
import re

import bleach
import lxml.html

# Removed WITH their content: their text is code, styling or fallback, never article text.
DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "applet",
        "svg",
        "math",
        "textarea",
        "title",
        "xmp",
        "noembed",
        "noframes",
        "plaintext",
    }
)

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
        "var",
    }
)

# "*" applies to every allowed tag. No style, no on*, no srcset, no formaction, no target.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"class", "id", "title", "lang", "dir"}),
    "a": frozenset({"href", "rel"}),
    "abbr": frozenset(),
    "blockquote": frozenset({"cite"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "del": frozenset({"cite", "datetime"}),
    "details": frozenset({"open"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "ins": frozenset({"cite", "datetime"}),
    "li": frozenset({"value"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "q": frozenset({"cite"}),
    "td": frozenset({"align", "colspan", "rowspan"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope"}),
}

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
IMAGE_PROTOCOLS = frozenset({"http", "https"})
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})

# Browsers drop ASCII tab and newline anywhere in a URL and C0 controls and spaces at its
# ends, so `java\tscript:` runs as javascript:. Removing all of them before reading the
# scheme sees what the browser sees.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]+")
# A scheme is whatever precedes the first ':' that comes before any '/', '?' or '#'.
_SCHEME = re.compile(r"^([^/?#]*?):")
# Material reads its configuration with querySelector("#__config") and names its own
# widgets __drawer, __search…; an article id must not shadow them. Code-line anchors
# written by the highlighter itself are the exception.
_THEME_ID = re.compile(r"^__(?!codelineno-|span-)")
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES["*"] and name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name in URL_ATTRIBUTES:
        return is_safe_url(value, for_image=(tag, name) == ("img", "src"))
    if name == "id":
        return _THEME_ID.match(html.unescape(value)) is None
    return True


_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allow_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def sanitize(html_text: str) -> str:
    """Allowlisted HTML; idempotent, so the build hook may re-sanitize imported articles."""
    if not html_text.strip():
        return ""
    return _CLEANER.clean(_without_active_content(html_text))


def is_safe_url(value: str, *, for_image: bool = False) -> bool:
    """True for relative URLs and http(s)/mailto ones (http(s) only for images).

    `value` may still hold character references (`&#106;avascript:`), as attribute values
    do before a browser decodes them.
    """
    url = _IGNORED_IN_URL.sub("", html.unescape(value))
    scheme = _SCHEME.match(url)
    if scheme is None:
        return True
    return scheme[1].lower() in (IMAGE_PROTOCOLS if for_image else ALLOWED_PROTOCOLS)


def parse_fragment(html_text: str) -> lxml.html.HtmlElement:
    """An HTML fragment inside a wrapper <div>, the way the cleaner and sanitizer read HTML.

    Characters that XML cannot hold (NUL, most C0 controls, lone surrogates) are dropped
    first: lxml refuses them, and HTML parsers drop or replace them too.
    """
    text = _NOT_XML_CHAR.sub("", html_text)
    return lxml.html.fragment_fromstring(text, create_parent="div")


def serialize_fragment(root: lxml.html.HtmlElement) -> str:
    """The HTML inside a `parse_fragment` wrapper."""
    wrapped = lxml.html.tostring(root, encoding="unicode")
    return wrapped.removeprefix("<div>").removesuffix("</div>")


def _without_active_content(html_text: str) -> str:
    """The fragment without DROP_WITH_CONTENT elements, and with every other disallowed tag
    unwrapped. Unwrapping here, before bleach parses, keeps sanitize idempotent: bleach
    stripping a tag can leave nesting (a <p> inside a <p>) that the next parse would undo.
    """
    root = parse_fragment(html_text)
    for element in list(root.iterdescendants()):
        # Comments and processing instructions have a non-string tag.
        if not isinstance(element.tag, str) or element.tag in DROP_WITH_CONTENT:
            element.drop_tree()
        elif element.tag not in ALLOWED_TAGS:
            element.drop_tag()
    return serialize_fragment(root)
