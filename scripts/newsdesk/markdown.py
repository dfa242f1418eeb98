"""Sanitized HTML → the Markdown stored in the archive (rendered by Python-Markdown).

The output is written for Python-Markdown, MkDocs' renderer, and for people reading diffs:
one line per paragraph, ATX headings, `-` bullets, `*`/`**` emphasis, exactly one blank
line between blocks and no trailing spaces. Escaping is limited to what would otherwise
change meaning there: `*` and `_`, block markers at the start of a line (Python-Markdown
makes `#word` a heading), and `<`/`&` that would read as a tag or an entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import ClassVar

from bs4 import NavigableString, Tag
from bs4.builder import HTMLParserTreeBuilder
from bs4.builder._htmlparser import BeautifulSoupHTMLParser
from markdownify import ATX, MarkdownConverter

# At the start of a line: heading, quote, bullet, or the "1." / "1)" of an ordered list.
_LINE_START_MARKER = re.compile(r"^(\s*)(#|>|[-+](?=\s|$)|\d{1,9}[.)](?=\s|$))")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
_UNESCAPED_STAR = re.compile(r"(?<!\\)\*")
_WHITESPACE = re.compile(r"\s")
# Block-level elements: text right after one (or first inside one) starts a line.
_BLOCKS = frozenset(
    [
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "[document]",
    ]
)
# Inline elements that write nothing before their text, so a line start passes through.
_TRANSPARENT = frozenset(["span", "small", "u", "mark", "abbr", "cite", "var", "ins"])


# The regular HTML that bleach's serializer writes: tags with quoted (or bare) attributes,
# text whose every `&` starts a reference. html.parser reads it the way these expressions
# do; anything else (comments, unquoted values, script…) goes to html.parser itself.
_MARKUP = re.compile(
    r"""<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*"|='[^']*')?)*)\s*>"""
    r"|</([a-zA-Z][a-zA-Z0-9]*)>|([^<&]+)|&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);"
)
_ATTRIBUTE = re.compile(r"""\s+([^\s=]+)(?:="([^"]*)"|='([^']*)')?""")
# Elements whose content html.parser reads as raw text (Python 3.11 knows two; newer ones
# more): their markup must not be read as tags.
_RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"}
)


class _SerializedHTML(HTMLParserTreeBuilder):
    """bs4's html.parser tree builder, with html.parser's Python tokenizer replaced by one
    regex for the HTML bleach writes; it calls bs4's own handlers with what html.parser
    would pass them, so the tree is the same. Parsing was half of the conversion."""

    def feed(self, markup: str) -> None:  # type: ignore[override]
        events = _html_parser_events(markup)
        if events is None:
            super().feed(markup)
            return
        args, kwargs = self.parser_args
        parser = BeautifulSoupHTMLParser(self.soup, *args, **kwargs)
        for handler, *arguments in events:
            getattr(parser, handler)(*arguments)
        parser.already_closed_empty_element = []


def _html_parser_events(markup: str) -> list[tuple[str, ...]] | None:
    """The handler calls html.parser makes for `markup`, or None outside `_MARKUP`."""
    events: list[tuple[str, ...]] = []
    position = 0
    for match in _MARKUP.finditer(markup):
        if match.start() != position:
            return None
        position = match.end()
        start, attributes, end, text, reference = match.groups()
        if start is not None:
            if start.lower() in _RAW_TEXT:
                return None
            events.append(("handle_starttag", start.lower(), _attributes(attributes)))
        elif end is not None:
            events.append(("handle_endtag", end.lower()))
        elif text is not None:
            events.append(("handle_data", text))
        elif reference[0] == "#":
            events.append(("handle_charref", reference[1:]))
        else:
            events.append(("handle_entityref", reference))
    return events if position == len(markup) else None


def _attributes(raw: str) -> list[tuple[str, str | None]]:
    """(name, value) as html.parser gives them: names lowercased, values unescaped."""
    return [
        (name.lower(), html.unescape(double or single))  # bs4 makes a bare name's None ""
        for name, double, single in _ATTRIBUTE.findall(raw)
    ]


class _Tag(Tag):
    """bs4's Tag with a direct `find_parent(name)`.

    markdownify asks every element whether it sits inside a <pre>; bs4 answers through its
    general search machinery, which cost a sixth of the whole conversion.
    """

    def find_parent(self, name=None, attrs=None, **kwargs):  # type: ignore[no-untyped-def]
        if not isinstance(name, str) or attrs or kwargs:
            return super().find_parent(name, attrs, **kwargs)
        parent = self.parent
        while parent is not None and parent.name != name:
            parent = parent.parent
        return parent


class ArchiveConverter(MarkdownConverter):
    """markdownify with the archive's house style and Python-Markdown-safe output."""

    class Options(MarkdownConverter.DefaultOptions):
        bs4_options: ClassVar[dict[str, object]] = {
            "builder": _SerializedHTML,
            "element_classes": {Tag: _Tag},
        }
        heading_style = ATX
        bullets = "-"
        strong_em_symbol = "*"
        escape_misc = False
        # Paragraphs become single lines; line breaks come only from <br>.
        wrap = True
        wrap_width = None

    def convert_soup(self, soup: Tag) -> str:
        # An image with no source shows a reader nothing; its alt text, if any, stays.
        for image in soup.find_all("img"):
            if not str(image.get("src") or "").strip():
                image.replace_with(str(image.get("alt") or ""))
        for element in soup.find_all(["a", "img"]):
            for attribute in ("href", "src"):
                if isinstance(url := element.get(attribute), str):
                    element[attribute] = _WHITESPACE.sub("%20", url.strip())
        return super().convert_soup(soup)

    def escape(self, text: str, parent_tags: set[str]) -> str:
        text = _ENTITY_LIKE.sub("&amp;", text)
        text = _TAG_START.sub("&lt;", text)
        return super().escape(text, parent_tags)

    def process_text(self, el: NavigableString, parent_tags: set[str] | None = None) -> str:
        """Text that begins a Markdown line loses the space left after a <br> and has a
        leading block marker escaped."""
        text = super().process_text(el, parent_tags)
        context = parent_tags or set()
        if "_noformat" in context or "_inline" in context or not _starts_line(el):
            return text
        return _LINE_START_MARKER.sub(_escape_marker, text.lstrip(" "), count=1)

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """A run of <br>s is a paragraph break; a single one a hard break, written as <br>
        because Python-Markdown's only other hard break is two trailing spaces. Breaks at
        the edge of a block show nothing and are dropped."""
        if "pre" in parent_tags:
            return "\n"
        if "_inline" in parent_tags:
            return " "
        before, _ = _neighbour(el, "previous", _not_block)
        after, _ = _neighbour(el, "next", _not_block)
        if before is None or after is None or _is_br(before):
            return ""
        return "\n\n" if _is_br(after) else "<br>\n"

    def convert_blockquote(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """markdownify opens a quote with one newline, which glues it to preceding text."""
        quoted = super().convert_blockquote(el, text, parent_tags)
        if "_inline" in parent_tags or not quoted.strip():
            return quoted
        return "\n\n" + quoted.strip("\n") + "\n\n"

    def convert_figure(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return f"\n\n{text.strip()}\n\n"

    def convert_figcaption(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        """The caption as its own italic paragraph, unless it carries emphasis of its own
        (nesting `*` inside `*` would break both)."""
        caption = text.strip()
        if not caption:
            return ""
        return f"\n\n{caption if _UNESCAPED_STAR.search(caption) else f'*{caption}*'}\n\n"


_CONVERTER = ArchiveConverter()  # holds no state but its cache of conversion functions


def to_markdown(html: str) -> str:
    """Deterministic Markdown for a sanitized HTML fragment, without trailing blank lines."""
    return _tidy(_CONVERTER.convert(html))


def _escape_marker(match: re.Match[str]) -> str:
    r"""`\#`, `\>`, `\-`, `\+`; for a number the backslash goes before its `.` or `)`."""
    marker = match[2]
    if marker[-1] in ".)":
        return f"{match[1]}{marker[:-1]}\\{marker[-1]}"
    return f"{match[1]}\\{marker}"


def _content_sibling(node: Tag | NavigableString, direction: str) -> Tag | NavigableString | None:
    """The nearest previous/next sibling that is an element or non-blank text."""
    sibling = getattr(node, f"{direction}_sibling")
    while isinstance(sibling, NavigableString) and not sibling.strip():
        sibling = getattr(sibling, f"{direction}_sibling")
    return sibling


def _neighbour(
    node: Tag | NavigableString, direction: str, climb: Callable[[Tag], bool]
) -> tuple[Tag | NavigableString | None, Tag | None]:
    """The content next to `node`, looking past the edges of ancestors that `climb` accepts;
    with the ancestor where the search stopped (the container `node` is at the edge of)."""
    while True:
        sibling = _content_sibling(node, direction)
        parent = node.parent
        if sibling is not None or parent is None or not climb(parent):
            return sibling, parent
        node = parent


def _not_block(tag: Tag) -> bool:
    return tag.name not in _BLOCKS


def _writes_no_prefix(tag: Tag) -> bool:
    return tag.name in _TRANSPARENT


def _is_br(node: Tag | NavigableString | None) -> bool:
    return isinstance(node, Tag) and node.name == "br"


def _starts_line(el: NavigableString) -> bool:
    """Whether this text begins a line of the Markdown output: it follows a <br> or a block,
    or opens a block (through inline elements that write nothing before their text)."""
    before, container = _neighbour(el, "previous", _writes_no_prefix)
    if before is None:
        return container is not None and container.name in _BLOCKS
    return isinstance(before, Tag) and (before.name == "br" or before.name in _BLOCKS)


def _tidy(markdown: str) -> str:
    """No trailing spaces, and outside code fences exactly one blank line between blocks."""
    lines: list[str] = []
    in_code = False
    for line in markdown.split("\n"):
        line = line.rstrip()
        if line.lstrip().startswith("```"):
            in_code = not in_code
        elif not (in_code or line) and (not lines or not lines[-1]):
            continue
        lines.append(line)
    return "\n".join(lines).strip("\n")
