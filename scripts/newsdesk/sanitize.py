"""THE allowlist: what HTML may reach a reader, at import and again in the site build.

The build hook sanitizes each page's *rendered* HTML, so the allowlist covers what
Python-Markdown and Material produce (highlighted code, heading anchors, footnotes, tables,
figures) and nothing that runs code or restyles the page.

Two bleach 6 behaviours are handled here rather than trusted:
- `strip=True` removes a disallowed tag but keeps its text, so `<script>` code or `<style>`
  rules would show up as article text; those elements are removed with their content first.
- bleach accepts `javascript:123` as a host:port URL; every URL attribute is therefore
  checked by `is_safe_url`, which reads the URL the way a browser does.

bleach's own policy (`BleachSanitizerFilter`) and escaping serializer decide every token.
Only html5lib's pure-Python parse of lxml's output is skipped when its result is known
in advance: lxml writes a regular, well-nested serialization, which a regex splits into
exactly the tokens html5lib's tokenizer would make; when the nesting is one the HTML5
tree builder keeps as it is, that builder would rebuild the same tree, so its tokens can
go straight to the filter (see `_stable_tokens`). Anything else takes bleach's full path.
The output is re-serialized with escaping either way, so a browser reparses exactly the
filtered tree.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import bleach
import lxml.html
from bleach import html5lib_shim
from bleach._vendor.html5lib.treewalkers.base import TreeWalker
from bleach.sanitizer import BleachSanitizerFilter
from lxml import etree

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


def _html_parser(**options: str) -> etree.HTMLParser:
    """lxml.html's parser picks each element's class in Python (a <form> gets FormElement…);
    nothing here uses those classes, and a C lookup makes walking a tree four times faster.
    """
    parser = etree.HTMLParser(**options)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


_PARSER = _html_parser()
# The same for UTF-8 bytes: given a str, libxml2 first converts it from Python's internal
# UTF-16 (any text beyond Latin-1), which costs more than encoding it to UTF-8 does.
_UTF8_PARSER = _html_parser(encoding="utf-8")
# What lxml.html treats as a whole document rather than a fragment.
_FULL_DOCUMENT = re.compile(r"^\s*<(?:html|!doctype)", re.IGNORECASE)
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A numeric character reference (the `;` may be missing) to a character that libxml2
# decodes as it is, though XML cannot hold it: C0 controls but tab, LF and CR, and the
# noncharacters U+FFFE and U+FFFF (it writes U+FFFD for NUL, lone surrogates and codes
# beyond Unicode itself). Matched directly, without a call per reference: imported
# WordPress posts are full of `&#8217;`s.
_UNHELD_REFERENCE = re.compile(
    r"&#(?:0*(?:[1-8]|1[124-9]|2[0-9]|3[01]|6553[45])(?![0-9])"
    r"|[xX]0*(?:[1-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F]));?"
)
# The C0 controls `_NOT_XML_CHAR` finds (all but tab, LF and CR), as bytes.
_NOT_XML_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


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
    root = parse_fragment(html_text)
    _prune(root)
    return _bleached(root)[0]


def sanitized_tree(root: lxml.html.HtmlElement) -> tuple[str, lxml.html.HtmlElement | None]:
    """`sanitize(serialize_fragment(root))` without parsing again (`root` is pruned in
    place), and `root` when it has become the tree of that HTML (the common case), so a
    caller that reads the result as a tree need not parse it again.

    The parse would drop a leading run of whitespace, so that goes here too.
    """
    if root.text is not None and not root.text.strip():
        root.text = None
    _prune(root)
    return _bleached(root)


def _bleached(root: lxml.html.HtmlElement) -> tuple[str, lxml.html.HtmlElement | None]:
    """bleach's cleaning of a pruned tree: without any re-parse when bleach's output is
    known to be lxml's serialization of the tree minus the attributes bleach's filter
    drops (see `_bleach_drops`), else through `_clean`."""
    drops = _bleach_drops(root)
    if drops is None:
        return _clean(serialize_fragment(root)), None
    for element, name in drops:
        del element.attrib[name]
    return serialize_fragment(root), root


def _clean(pruned: str) -> str:
    """bleach's cleaning of a pruned fragment as lxml wrote it."""
    if not pruned:
        return ""
    tokens = _stable_tokens(pruned)
    if tokens is None:
        return _CLEANER.clean(pruned)
    return _CLEANER.serializer.render(_filter(tokens))


def _filter(tokens: list[dict[str, object]]) -> BleachSanitizerFilter:
    """bleach's sanitizing filter over `tokens`, configured as `_CLEANER` configures it."""
    return BleachSanitizerFilter(
        source=tokens,
        allowed_tags=_CLEANER.tags,
        attributes=_CLEANER.attributes,
        allowed_protocols=_CLEANER.protocols,
        strip_disallowed_tags=_CLEANER.strip,
        strip_html_comments=_CLEANER.strip_comments,
        css_sanitizer=_CLEANER.css_sanitizer,
    )


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
    first, and references to them replaced: lxml refuses them, and HTML parsers drop or
    replace them too.

    This is `lxml.html.fragment_fromstring(text, create_parent="div")`, made cheaper: the
    parsed <body> becomes the wrapper instead of having its content moved into a new one
    (the wrapper then has the <html> element above it), and every element is a plain
    HtmlElement, so making one is not a call into Python (see `_PARSER`).
    """
    if "&#" in html_text:  # U+FFFD, as libxml2 writes for `&#0;`; nothing could join
        html_text = _UNHELD_REFERENCE.sub("\ufffd", html_text)  # the text around it
    text, data = html_text, _xml_utf8(html_text)
    if data is None:
        text = _NOT_XML_CHAR.sub("", html_text)
        data = text.encode("utf-8")
    if _FULL_DOCUMENT.match(text):  # lxml parses that as it is rather than inside a body
        return lxml.html.fragment_fromstring(text, create_parent="div", parser=_PARSER)
    document = etree.fromstring(b"<html><body>%s</body></html>" % data, _UTF8_PARSER)
    bodies = [child for child in document if child.tag == "body"]
    if document.tag != "html" or len(bodies) != 1:  # lxml's own checks and errors
        return lxml.html.fragment_fromstring(text, create_parent="div", parser=_PARSER)
    root = bodies[0]
    root.tag, root.tail = "div", None
    root.attrib.clear()
    if root.text is not None and not root.text.strip():  # leading whitespace is dropped
        root.text = None
    return root


def _xml_utf8(text: str) -> bytes | None:
    """`text` in UTF-8 if it holds only characters XML can hold (`_NOT_XML_CHAR` finds
    none), else None. The regex reads a character at a time, which cost a tenth of a
    millisecond per article; this runs at memory speed: lone surrogates do not encode, C0
    controls are single bytes, and the noncharacters U+FFFE/U+FFFF are rare enough for a
    substring search to skip through the text."""
    if "\ufffe" in text or "\uffff" in text:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    return data if len(data.translate(None, _NOT_XML_BYTES)) == len(data) else None


def serialize_fragment(root: lxml.html.HtmlElement) -> str:
    """The HTML inside a `parse_fragment` wrapper."""
    wrapped = lxml.html.tostring(root, encoding="unicode")
    return wrapped.removeprefix("<div>").removesuffix("</div>")


def _prune(root: lxml.html.HtmlElement) -> None:
    """Remove DROP_WITH_CONTENT elements, comments and PIs; unwrap every other disallowed
    tag. Unwrapping here, before bleach parses, keeps sanitize idempotent: bleach
    stripping a tag can leave nesting (a <p> inside a <p>) that the next parse would undo.
    """
    for element in list(root.iterdescendants()):
        # Comments and processing instructions have a non-string tag.
        if not isinstance(element.tag, str) or element.tag in DROP_WITH_CONTENT:
            element.drop_tree()
        elif element.tag not in ALLOWED_TAGS:
            element.drop_tag()


# --- html5lib's tokens for lxml's serialization -----------------------------------------------

# lxml writes a pruned fragment regularly: lowercase tags, attributes quoted or bare, every
# `<` in text escaped, no comments. Anything else fails to match and takes the full path.
_TOKEN = re.compile(
    r"""<(/?)([a-z][a-z0-9]*)((?:\s+[^\s"'>/=]+(?:="[^"]*"|='[^']*')?)*)>|([^<]+)"""
)
_ATTRIBUTE = re.compile(r"""\s+([^\s"'>/=]+)(?:="([^"]*)"|='([^']*)')?""")
_VOID = frozenset(html5lib_shim.constants.voidElements)
_SPACE = frozenset(html5lib_shim.constants.spaceCharacters)
_LOWER = str.maketrans(html5lib_shim.constants.asciiUpper2Lower)
# Start tags that close an open <p> (HTML's "p in button scope" rule)…
_CLOSE_P = frozenset(
    {
        *("blockquote", "details", "div", "dl", "figcaption", "figure", "ol", "p", "summary"),
        *("ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "li", "dd", "dt", "table", "hr"),
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# …and the only parents a table part keeps; other content there is moved out of the table.
_TABLE_PARENTS = {
    "caption": frozenset({"table"}),
    "colgroup": frozenset({"table"}),
    "thead": frozenset({"table"}),
    "tbody": frozenset({"table"}),
    "tfoot": frozenset({"table"}),
    "col": frozenset({"colgroup"}),
    "tr": frozenset({"thead", "tbody", "tfoot"}),
    "td": frozenset({"tr"}),
    "th": frozenset({"tr"}),
}
_TABLE_ONLY = frozenset({"table", "thead", "tbody", "tfoot", "tr", "colgroup"})
# The nearest of these above an <li> (<dd>, <dt>) must be the list, or the item is closed.
_LIST_SCOPE = {
    "li": (frozenset({"li", "ul", "ol"}), frozenset({"li"})),
    "dd": (frozenset({"dd", "dt", "dl"}), frozenset({"dd", "dt"})),
    "dt": (frozenset({"dd", "dt", "dl"}), frozenset({"dd", "dt"})),
}


class _Unstable(Exception):
    """The HTML5 tree builder would not rebuild this nesting as it is."""


class _Tokens(TreeWalker):
    """The tokens html5lib's tree walker yields for html5lib's parse of `pruned`, made
    without that parse, or `_Unstable` where the parse would restructure the nesting.

    Text and attribute values stay raw, character references included, as bleach's
    tokenizer leaves them; line breaks are normalized as html5lib's input stream does.
    """

    def __init__(self, pruned: str) -> None:
        super().__init__(pruned.replace("\r\n", "\n").replace("\r", "\n"))
        self.open: list[str] = []

    def __iter__(self) -> Iterator[dict[str, object]]:
        position = 0
        after_pre = False
        for match in _TOKEN.finditer(self.tree):
            if match.start() != position:
                raise _Unstable
            position = match.end()
            closing, name, attributes, text = match.groups()
            if text is not None:
                if after_pre and text.startswith("\n"):  # the parser drops it
                    text = text[1:]
                yield from self._text(text)
            elif closing:
                yield self._end(name)
            else:
                yield from self._start(name, attributes)
            after_pre = name == "pre" and not closing
        if position != len(self.tree) or self.open:
            raise _Unstable

    def _text(self, text: str) -> Iterator[dict[str, object]]:
        if self.open and self.open[-1] in _TABLE_ONLY and not set(text) <= _SPACE:
            raise _Unstable
        yield from self.text(text)

    def _start(self, name: str, raw: str) -> Iterator[dict[str, object]]:
        self._check_place(name)
        attributes: dict[tuple[None, str], str] = {}
        for attribute in _ATTRIBUTE.finditer(raw):
            key = (None, attribute[1].translate(_LOWER))
            attributes.setdefault(key, attribute[2] or attribute[3] or "")
        if name in _VOID:
            yield from self.emptyTag(None, name, attributes)
        else:
            self.open.append(name)
            yield self.startTag(None, name, attributes)

    def _end(self, name: str) -> dict[str, object]:
        if not self.open or self.open[-1] != name:
            raise _Unstable
        self.open.pop()
        return self.endTag(None, name)

    def _check_place(self, name: str) -> None:
        if _misplaced(name, self.open):
            raise _Unstable


def _misplaced(name: str, open_tags: list[str]) -> bool:
    """Whether the HTML5 tree builder would not nest a `name` start tag where it stands,
    inside `open_tags` (outermost first)."""
    parent = open_tags[-1] if open_tags else None
    if name not in ALLOWED_TAGS or (name in _CLOSE_P and "p" in open_tags):
        return True
    if (name in _HEADINGS and parent in _HEADINGS) or (name == "a" and "a" in open_tags):
        return True
    if name in _TABLE_PARENTS:
        if parent not in _TABLE_PARENTS[name]:
            return True
    elif parent in _TABLE_ONLY:
        return True
    if name in _LIST_SCOPE:
        scope, closed = _LIST_SCOPE[name]
        nearest = next((tag for tag in reversed(open_tags) if tag in scope), None)
        return nearest in closed
    return False


def _stable_tokens(pruned: str) -> list[dict[str, object]] | None:
    """html5lib's tokens for `pruned`, or None when only html5lib's parse can tell them."""
    try:
        return list(_Tokens(pruned))
    except _Unstable:
        return None


# --- bleach's result read off the tree -------------------------------------------------------

# lxml writes an attribute value as it is, `&` escaped, inside double quotes, unless it
# holds a quote or `<`/`>` (escaped or single-quoted), and %-escapes href/src values
# beyond printable ASCII: bleach would write those differently, so they take `_clean`.
_REWRITTEN_IN_ATTRIBUTE = re.compile("[\"'<>\r]")
_URL_AS_WRITTEN = re.compile(r"[!#-;=?-~]*")
_LXML_URL_ATTRIBUTES = frozenset({"href", "src"})
_POLICY = _filter([])  # only its allow_token, bleach's per-tag attribute decision
# Elements whose end tag lxml leaves out when they are empty (libxml2 omits `</li>`).
_NO_EMPTY_END_TAG = frozenset(
    name
    for name in ALLOWED_TAGS - _VOID
    if lxml.html.tostring(lxml.html.Element(name), encoding="unicode") != f"<{name}></{name}>"
)


def _bleach_drops(root: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, str]] | None:
    """The attributes bleach's filter drops from a pruned tree, when bleach's cleaning of
    the tree's serialization is exactly that serialization without them; else None.

    That holds when the HTML5 tree builder would nest every element as it stands (the
    rules of `_Tokens`), no text sits where the builder moves or drops it, and every
    attribute is written by lxml the way bleach's serializer writes it. bleach's filter
    decides each attribute on the value as written, character references included, so a
    value in which `&` starts a reference takes `_clean` too.
    """
    drops: list[tuple[lxml.html.HtmlElement, str]] = []
    open_tags: list[str] = []
    if "\r" in (root.text or ""):
        return None
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if element is root:
            continue
        name = element.tag
        if event == "end":
            if name not in _VOID:
                open_tags.pop()
            if _moved_text(element.tail, open_tags[-1] if open_tags else None):
                return None
            continue
        if not _written_as_is(element, name, open_tags):
            return None
        if name not in _VOID:
            open_tags.append(name)
        if element.attrib:
            if (dropped := _dropped_attributes(element)) is None:
                return None
            drops += ((element, attribute) for attribute in dropped)
    return drops


def _written_as_is(element: lxml.html.HtmlElement, name: str, open_tags: list[str]) -> bool:
    """Whether the tree builder keeps this element (tag `name`), and its first text, where
    it stands, and lxml writes both tags (bleach's serializer always does). Each of its
    text reads makes a new string, so the text is read once."""
    text = element.text
    if _misplaced(name, open_tags) or _moved_text(text, name):
        return False
    if name == "pre" and text and text.startswith("\n"):  # the parser drops it
        return False
    empty = not text and not len(element)
    return not ((name in _VOID and not empty) or (name in _NO_EMPTY_END_TAG and empty))


def _moved_text(text: str | None, parent: str | None) -> bool:
    """Text the tree builder would not keep as it is where it stands, inside `parent`
    (None: at the top)."""
    if not text:
        return False
    return "\r" in text or (parent in _TABLE_ONLY and not set(text) <= _SPACE)


def _dropped_attributes(element: lxml.html.HtmlElement) -> list[str] | None:
    """The names bleach's filter drops from `element`, or None when a value is one bleach
    would read or write differently from lxml's serialization."""
    for name, value in element.attrib.items():
        if _REWRITTEN_IN_ATTRIBUTE.search(value) or (
            "&" in value and html.unescape(value) != value
        ):
            return None
        if "{" in name:  # lxml reads it as a namespace and cannot delete the attribute
            return None
        if name in _LXML_URL_ATTRIBUTES and not _URL_AS_WRITTEN.fullmatch(value):
            return None
    written = {(None, name): value.replace("&", "&amp;") for name, value in element.attrib.items()}
    token = _POLICY.allow_token({"type": "StartTag", "name": element.tag, "data": written})
    kept = {name for _, name in token["data"]}
    return [name for name in element.attrib if name not in kept]
