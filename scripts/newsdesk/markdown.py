"""Sanitized HTML → the Markdown stored in the archive (rendered by Python-Markdown).

The output is written for Python-Markdown, MkDocs' renderer, and for people reading diffs:
one line per paragraph, ATX headings, `-` bullets, `*`/`**` emphasis, exactly one blank
line between blocks and no trailing spaces. Escaping is limited to what would otherwise
change meaning there: `*` and `_`, block markers at the start of a line (Python-Markdown
makes `#word` a heading), and `<`/`&` that would read as a tag or an entity.

The conversion is html-to-markdown's (Rust, several times faster than a Python converter).
It writes CommonMark, so string steps before and after it adapt the result to
Python-Markdown and to the house style; each says which difference it covers. They are
the cost that is left, so each is skipped by a substring test when a post cannot need it,
and each pattern starts with a literal, which the regex engine scans for quickly. They
rely on the input being what the sanitizer serializes: every `<` in it starts a tag, and
text holds `<` and `&` only as `&lt;` and `&amp;`.
"""

from __future__ import annotations

import dataclasses
import re

import html_to_markdown

# The library's defaults as its own enum values: options given by name are parsed again on
# every call, which cost a fifth of the conversion.
_DEFAULTS = html_to_markdown.ConversionOptions.from_json("{}")
_OPTIONS = dataclasses.replace(
    _DEFAULTS,
    heading_style=html_to_markdown.HeadingStyle.ATX,
    bullets="-",
    strong_em_symbol="*",
    escape_asterisks=True,
    escape_underscores=True,
    # <br> as a trailing backslash: unambiguous (a literal one is escaped) and followed by
    # escaped text, so `_break` can rewrite it for Python-Markdown.
    newline_style=html_to_markdown.NewlineStyle.BACKSLASH,
    # Python-Markdown nests a list, or continues an item, only under four spaces.
    list_indent_width=4,
    compact_tables=True,
    # Sanitized HTML is all article: nothing in it is hidden, navigation or a form.
    hidden_content=html_to_markdown.HiddenContent.ALL,
    preprocessing=dataclasses.replace(_DEFAULTS.preprocessing, enabled=False),
    # Plain text where Python-Markdown has no syntax (==mark==) or the reader no need.
    highlight_style=html_to_markdown.HighlightStyle.NONE,
    expand_abbreviations=False,
    include_blockquote_citations=False,
    extract_metadata=False,
)

# Unicode noncharacters (reserved for a program's internal use) carry three things through
# the converter: a no-break space, which it would turn into a plain one; the edges of a
# quote, which it would glue to the paragraph before or join with the next quote; and a
# `!` right before a link, which would make the link an image.
_NBSP = "\ufdd0"
_QUOTE_EDGE = "\ufdd1"
_BANG = "\ufdd2"

# --- before: the HTML as the converter must see it ------------------------------------------

# The rest of a tag after its name; quoted attribute values may hold `>`.
_ATTRIBUTES = r"""\b[^"'>]*(?:(?:"[^"]*"|'[^']*')[^"'>]*)*>"""
_TAG = rf"</?[a-z0-9]+{_ATTRIBUTES}"
_INLINE = "a|abbr|b|cite|del|em|i|ins|mark|q|s|small|span|strong|sub|sup|u|var"
_BLOCK = "blockquote|caption|dd|div|dt|figcaption|figure|h[1-6]|li|p|summary|td|th"

_HEADING = re.compile(r"<h([1-6])\b.*?</h\1>", re.DOTALL)
_IMAGE = re.compile(f"<img{_ATTRIBUTES}")
_ATTRIBUTE = re.compile(r"""\s([^\s=/>]+)(?:=(?:"([^"]*)"|'([^']*)'))?""")
# No-break spaces that open or close emphasis: Python-Markdown takes a `*` next to one as
# text, like a `*` next to a space; the converter moves only plain spaces out. (A run is
# matched from its start only, so a long one costs linear time.)
_EMPHASIS = "em|i|strong|b"
_NBSP_AT_EMPHASIS_START = re.compile(rf"(<(?:{_EMPHASIS}){_ATTRIBUTES})([\s{_NBSP}]*{_NBSP})")
_NBSP_AT_EMPHASIS_END = re.compile(rf"({_NBSP}(?<!{_NBSP}{_NBSP}){_NBSP}*+)(</(?:{_EMPHASIS})>)")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)
_LINK_TAG = re.compile(f"</a>|<a{_ATTRIBUTES}")
_TAB_AND_RETURN = str.maketrans("\t\r", "\n\n")
# A line break (with the whitespace after it) next to text: right after a text character,
# or one space after one, or before text. Between two tags the converter reads it as a
# space already.
_BREAKING_SPACE = re.compile(r"\n(?:(?<=[^>\s]\n)|(?<=[^>\s] \n)|(?=\s*+[^<\s]))\s*+")
_BREAKS = rf"(?:<br{_ATTRIBUTES}\s*)+"
# Line breaks that end or open an inline element (the converter writes a run of them at
# an element's end as an escape of its closing `*`), or a block (they show nothing, and
# the converter misses some).
_BREAKS_AT_INLINE_END = re.compile(rf"({_BREAKS})(</(?:{_INLINE})>)")
_BREAKS_AT_INLINE_START = re.compile(rf"(<(?:{_INLINE}){_ATTRIBUTES})({_BREAKS})")
_BREAKS_AT_BLOCK_START = re.compile(rf"(<(?:{_BLOCK}){_ATTRIBUTES})\s*{_BREAKS}")
_BREAKS_AT_BLOCK_END = re.compile(rf"{_BREAKS}(</(?:{_BLOCK})>)")
# A link around nothing a reader sees (the converter would show its URL instead).
_EMPTY_LINK = re.compile(rf"<a{_ATTRIBUTES}(?:\s|(?!<img\b|</?a\b){_TAG})*</a>")
_LINK = re.compile(rf"<a{_ATTRIBUTES}.*?</a>", re.DOTALL)
_LINE_BREAK = re.compile(f"<br{_ATTRIBUTES}")
# A list item with nothing a reader sees in it would show a bare bullet or number.
_EMPTY_ITEM = re.compile(rf"<li{_ATTRIBUTES}(?:\s|{_NBSP}|(?!<img\b|</?li\b){_TAG})*</li>")
_CAPTION = re.compile(rf"<figcaption{_ATTRIBUTES}(.*?)</figcaption>", re.DOTALL)
_EMPHASIS_TAG = re.compile(rf"<(?:{_EMPHASIS})\b")
# Text that Python-Markdown would read as a tag or an entity: `&lt;` before a letter (or
# a tag: the text after it may start with one), `&amp;` before an entity's name (a
# numeric one needs no `;`). Its `&` is escaped once more, so the literal `&lt;b` comes
# out. Not in code, which Python-Markdown escapes by itself, nor in attributes other than
# alt text: the converter escapes titles and URLs itself.
_MARKUP_LIKE = re.compile(r"&(?=lt;[A-Za-z/!?<]|amp;(?:#[\dxX]|\w+;))")
_LITERAL_MARKUP = re.compile(
    rf"(<(pre|code|kbd|samp)\b.*?</\2>)|({_TAG})|{_MARKUP_LIKE.pattern}", re.DOTALL
)
_ALT = re.compile(r"""(?<=\salt=)(?:"[^"]*"|'[^']*')""")
# A `!` ending the text right before a link, maybe across the edges of inline elements.
_BANG_BEFORE_LINK = re.compile(
    rf"!(?=(?:</(?:{_INLINE})>|<(?!a\b)(?:{_INLINE}){_ATTRIBUTES})*<a\b)"
)

# --- after: Python-Markdown's syntax and the house style ------------------------------------
# The Markdown is worked on with a line break in front, so every line starts after one.

# A quote edge's line, with the blank line after it if there is one; one that opens a
# list item (the quote goes on the item's line); one inside a line, where the quote was
# inside a heading, a table cell or code (which the converter writes as a code span).
_QUOTE_EDGE_LINE = re.compile(rf"\n[ \t>]*{_QUOTE_EDGE}(?:\n[ \t>]*(?=\n))?")
_QUOTE_EDGE_ITEM = re.compile(rf"(\n[ \t>]*(?:-|\d{{1,9}}[.)]) ){_QUOTE_EDGE}\n[ \t]*")
_QUOTE_EDGE_INLINE = re.compile(rf"[ \t]*(`?){_QUOTE_EDGE}\1")
# A fenced code block, also in a list item or a quote.
_FENCE = re.compile(r"\n([ \t>]*)(```+|~~~+).*?\n\1\2[ \t]*(?=\n|$)", re.DOTALL)
# Spaces before a hard break, left by text that ended with one before the <br>.
_SPACE_BEFORE_BREAK = re.compile(r"(?<=[^\s>]) ++(?=\\\n)")
# A hard break: a trailing backslash (`_break` checks that it is not escaped), with any
# further breaks of the same run (lines holding nothing but one), the next line's prefix,
# and a list marker opening the next line (the converter leaves one before an element).
_BREAK = re.compile(r"\\\n((?:[ \t>]*\\\n)*)([ \t>]*)(\d{1,9}(?=[.)][ \t])|[-+](?=[ \t]))?")
# What a line can hold before its text: a quote's `>`, indentation.
_LINE_PREFIX = re.compile(r"[ \t>]*")
# A line of a list item, also in a quote: its first (a marker), or a later one (indented).
_ITEM_LINE = re.compile(r"(?:[ \t]*>)*[ \t]?+(?:[ \t]|(?:-|\d{1,9}[.)])[ \t])")
# CommonMark's `1)` list marker, which keeps adjacent lists apart; Python-Markdown knows
# only `1.` (a `1)` that is text comes escaped).
_PAREN_MARKER = re.compile(r"\n([ \t>]*\d{1,9})\)(?= )")
# `#word` (or seven #s) starting a line's content, also a list item's or a quote's, is a
# heading to Python-Markdown; the converter escapes only CommonMark's headings, `# word`.
_HASH_START = re.compile(r"\n([ \t>]*(?:(?:-|\d{1,9}\.)[ \t]+)?)(?=#+[^#\s]|#{7})")
# Blank lines in a row in a quote (whitespace between its blocks makes one each).
_QUOTE_BLANKS = re.compile(r"\n([ \t]*>[ \t>]*)\n(?:\1\n)+")
_ANGLE_URL = re.compile(r"\]\(<([^<>\n]*)>")
_WHITESPACE = re.compile(r"\s+")
# Trailing whitespace, matched from the start of its run only (linear on long runs).
_TRAILING_SPACE = re.compile(r"[ \t\xa0](?<![ \t\xa0][ \t\xa0])[ \t\xa0]*+(?=\n|$)")
_BLANK_RUN = re.compile(r"\n(?:[ \t\xa0]*\n)+")


def to_markdown(html: str) -> str:
    """Deterministic Markdown for a sanitized HTML fragment, without trailing blank lines."""
    markdown = "\n" + (html_to_markdown.convert(_prepare(html), _OPTIONS).content or "")
    if _QUOTE_EDGE in markdown:
        markdown = _without_quote_edges(markdown)
    if "```" in markdown or "~~~" in markdown:
        markdown = _outside_code(markdown)
    else:
        markdown = _finish(markdown)
    return markdown.strip("\n")


# --- before -----------------------------------------------------------------------------------


def _prepare(html: str) -> str:
    if "<" not in html:
        # Markup-free input is taken as Markdown by the converter, which escapes nothing.
        html = f"<p>{html}</p>"
    if "<img" in html:
        html = _IMAGE.sub(_image_or_its_alt, _HEADING.sub(_heading_images_as_alt, html))
    if "\xa0" in html:
        html = html.replace("\xa0", _NBSP)
    if "&nbsp;" in html:
        html = html.replace("&nbsp;", _NBSP)
    if _NBSP in html:
        html = _NBSP_AT_EMPHASIS_END.sub(r"\2\1", _NBSP_AT_EMPHASIS_START.sub(r"\2\1", html))
    html = _lines(html)
    if "<br" in html:
        html = _breaks_where_they_show(html)
    if "</a>" in html:
        html = _EMPTY_LINK.sub("", html)
        if "<br" in html:
            html = _LINK.sub(_link_on_one_line, html)
    if "<li" in html:
        html = _without_empty_items(html)
    if "<fig" in html:
        html = _figures_as_blocks(html)
    if "&" in html and _MARKUP_LIKE.search(html):
        html = _LITERAL_MARKUP.sub(_escape_literal_markup, html)
    if "!" in html and "<a" in html:
        html = _BANG_BEFORE_LINK.sub(f"!{_BANG}", html)
    if "<blockquote" in html:
        edge = f"<p>{_QUOTE_EDGE}</p>"
        html = html.replace("<blockquote", edge + "<blockquote")
        html = html.replace("</blockquote>", "</blockquote>" + edge)
    return html


def _heading_images_as_alt(match: re.Match[str]) -> str:
    """A heading shows an image as its alt text (so does the converter, but it then gives
    a link left empty its URL as text)."""
    return _IMAGE.sub(_alt, match[0]) if "<img" in match[0] else match[0]


def _image_or_its_alt(match: re.Match[str]) -> str:
    """An image with no source shows a reader nothing; its alt text, if any, stays."""
    return match[0] if _attributes(match[0]).get("src", "").strip() else _alt(match)


def _alt(match: re.Match[str]) -> str:
    """An image's alt text, as text (the attribute's value is escaped as text is)."""
    return _attributes(match[0]).get("alt", "")


def _attributes(tag: str) -> dict[str, str]:
    return {name: double or single for name, double, single in _ATTRIBUTE.findall(tag)}


def _lines(html: str) -> str:
    """A line break or tab in text is a space to a reader (the converter would keep it, and
    make a paragraph break of two line breaks), except in preformatted text, where a link
    would show as Markdown syntax in the code block."""
    if "<pre" not in html:
        return _spaced(html)
    parts = _PRE.split(html)
    parts[::2] = [_spaced(part) for part in parts[::2]]
    parts[1::2] = [_LINK_TAG.sub("", part) for part in parts[1::2]]
    return "".join(parts)


def _spaced(html: str) -> str:
    if "\t" in html or "\r" in html:
        html = html.translate(_TAB_AND_RETURN)
    return _BREAKING_SPACE.sub(" ", html)


def _breaks_where_they_show(html: str) -> str:
    """`<b>a<br><br></b>` → `<b>a</b><br><br>`, and the same at the start, so the breaks
    stand between blocks of text, where the converter writes them right; breaks at a
    block's edge go."""
    moved = 1
    while moved:
        html, at_end = _BREAKS_AT_INLINE_END.subn(r"\2\1", html)
        html, at_start = _BREAKS_AT_INLINE_START.subn(r"\2\1", html)
        moved = at_end + at_start
    return _BREAKS_AT_BLOCK_END.sub(r"\1", _BREAKS_AT_BLOCK_START.sub(r"\1", html))


def _link_on_one_line(match: re.Match[str]) -> str:
    """A line break in a link's text is a space: Markdown's link text is one paragraph."""
    return _LINE_BREAK.sub(" ", match[0]) if "<br" in match[0] else match[0]


def _without_empty_items(html: str) -> str:
    """Until none is left: an item that held only empty items is empty in turn."""
    removed = 1
    while removed:
        html, removed = _EMPTY_ITEM.subn("", html)
    return html


def _figures_as_blocks(html: str) -> str:
    """A figure is converted as the blocks it holds and its caption as an italic paragraph
    (in a list item, indented as one). The converter's own figure handling garbles a list
    of figures inside a figure, WordPress's gallery, and leaves a caption in a list item
    unindented."""
    html = _CAPTION.sub(_caption_paragraph, html)
    return html.replace("<figure", "<div").replace("</figure>", "</div>")


def _caption_paragraph(match: re.Match[str]) -> str:
    """Italic, unless the caption carries emphasis of its own: `*` in `*` breaks both."""
    caption = match[1]
    return f"<p>{caption}</p>" if _EMPHASIS_TAG.search(caption) else f"<p><em>{caption}</em></p>"


def _escape_literal_markup(match: re.Match[str]) -> str:
    code, tag = match[1], match[3]
    if code:
        return code
    if tag:
        return _ALT.sub(_escaped_alt, tag) if tag.startswith("<img") else tag
    return "&amp;"


def _escaped_alt(match: re.Match[str]) -> str:
    return _MARKUP_LIKE.sub("&amp;", match[0])


# --- after ------------------------------------------------------------------------------------


def _without_quote_edges(markdown: str) -> str:
    markdown = _QUOTE_EDGE_ITEM.sub(r"\1", markdown)
    return _QUOTE_EDGE_INLINE.sub("", _QUOTE_EDGE_LINE.sub("", markdown))


def _outside_code(markdown: str) -> str:
    """`_finish` for all but the code blocks, whose lines only lose trailing spaces."""
    pieces: list[str] = []
    position = 0
    for fence in _FENCE.finditer(markdown):
        # The line break before the fence ends the text, so its blank lines can be counted.
        pieces.append(_finish(markdown[position : fence.start() + 1]))
        pieces.append(_code_block(fence[0][1:]))
        position = fence.end()
    pieces.append(_finish(markdown[position:]))
    return "".join(pieces)


def _code_block(markdown: str) -> str:
    return _TRAILING_SPACE.sub("", markdown.replace(_NBSP, "\xa0").replace(_BANG, ""))


def _finish(markdown: str) -> str:
    """Python-Markdown's syntax and the house style, for Markdown outside code blocks."""
    if "\\\n" in markdown:
        if " \\\n" in markdown:
            markdown = _SPACE_BEFORE_BREAK.sub("", markdown)
        markdown = _BREAK.sub(_break, markdown)
    if ")" in markdown:
        markdown = _PAREN_MARKER.sub(r"\n\1.", markdown)
    if "#" in markdown:
        markdown = _HASH_START.sub(r"\n\1\\", markdown)
    if ">\n>" in markdown:
        markdown = _QUOTE_BLANKS.sub(r"\n\1\n", markdown)
    if "](<" in markdown:
        markdown = _ANGLE_URL.sub(_percent_encoded_url, markdown)
    if _BANG in markdown:
        markdown = markdown.replace(f"!{_BANG}[", "\\![").replace(_BANG, "")
    if _NBSP in markdown:
        markdown = markdown.replace(_NBSP, "\xa0")
    if _trailing_space(markdown):
        # Trailing spaces the converter left (it trims plain spaces only at a block's end)
        # or no-break spaces at a line's end; a line of them is a blank line.
        markdown = _BLANK_RUN.sub("\n\n", _TRAILING_SPACE.sub("", markdown))
    return markdown


def _trailing_space(markdown: str) -> bool:
    """Whether a line ends in whitespace (substring tests: faster than any regex here)."""
    return markdown.endswith((" ", "\t", "\xa0")) or any(
        f"{space}\n" in markdown for space in (" ", "\t", "\xa0")
    )


def _break(match: re.Match[str]) -> str:
    r"""A run of <br>s is a paragraph break; a single one a hard break, written as <br>
    because Python-Markdown has no `\` break and its other one is two trailing spaces
    (in a list item, a run is one hard break too). At the edge of a block, breaks show
    nothing. A backslash after an odd number of others is escaped: text, not a break."""
    text, start, end = match.string, match.start(), match.end()
    backslash = start
    while text[backslash - 1] == "\\":
        backslash -= 1
    if (start - backslash) % 2:
        return match[0]
    runs, prefix, marker = match.groups()
    if marker:
        marker = f"{marker}\\" if marker.isdigit() else f"\\{marker}"
    if _LINE_PREFIX.fullmatch(text, text.rfind("\n", 0, start) + 1, start):
        return marker or ""
    if end == len(text) or text[end] == "\n":
        return "\n" + prefix
    # In a list item a paragraph break would end or loosen the list; an item's block of
    # lines starts with its marker, and its later lines are indented.
    block = text[_block_start(text, start) : start]
    in_item = any(_ITEM_LINE.match(lines) for lines in (block, runs, prefix))
    return ("<br>\n" if in_item or not runs else "\n\n") + prefix + (marker or "")


def _block_start(text: str, end: int) -> int:
    """Where the block holding `end` starts: after a blank line, also one in a quote (the
    text starts with a line break)."""
    blank, quoted_blank = text.rfind("\n\n", 0, end), text.rfind("\n>\n", 0, end)
    return max(blank + 2 if blank >= 0 else 1, quoted_blank + 3 if quoted_blank >= 0 else 1)


def _percent_encoded_url(match: re.Match[str]) -> str:
    """`](<a b>` → `](a%20b`: the converter brackets a URL with spaces, which few Markdown
    readers follow; an encoded space works in all of them."""
    url = match[1].strip()
    return f"]({_WHITESPACE.sub('%20', url)}" if _WHITESPACE.search(url) else match[0]
