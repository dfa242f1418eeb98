"""WordPress's own content transforms, so an export reads as the site showed it.

A WXR export holds `post_content` as the author saved it, not as visitors saw it: the
classic editor leaves paragraphs to `wpautop`, the block editor wraps markup in
`<!-- wp:… -->` delimiters, and shortcodes (`[caption]`, `[gallery]`…) are expanded only
at display time. These pure functions redo that display step, in WordPress's filter
order, without a WordPress install. (The REST API's `content.rendered` is already past
this step, so the REST reader does not use them.)
"""

from __future__ import annotations

import html
import json
import mimetypes
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import urlsplit

MediaKind = Literal["image", "audio", "video"]
Report = Callable[[str], None]


# --- the media library ----------------------------------------------------------------------


@dataclass(frozen=True)
class Attachment:
    """One uploaded file of the export: what galleries and featured images point at."""

    id: str
    url: str
    parent: str = "0"
    order: int = 0
    caption: str = ""
    alt: str = ""

    @property
    def kind(self) -> str:
        """image / audio / video, from the file name (WXR does not carry the MIME type)."""
        guessed, _ = mimetypes.guess_type(urlsplit(self.url).path)
        return (guessed or "application/octet-stream").split("/")[0]


@dataclass
class Library:
    """The export's attachments by id and by the post they were uploaded to.

    `[gallery]` without `ids` means "the images uploaded to this post", and `[audio]`
    without a URL means "its first audio file", so both lookups are needed.
    """

    by_id: dict[str, Attachment] = field(default_factory=dict)
    by_parent: dict[str, list[Attachment]] = field(default_factory=dict)

    def add(self, attachment: Attachment) -> None:
        self.by_id[attachment.id] = attachment
        self.by_parent.setdefault(attachment.parent, []).append(attachment)

    def url(self, attachment_id: str) -> str | None:
        found = self.by_id.get(attachment_id.strip())
        return found.url if found else None

    def pick(self, ids: Iterable[str]) -> list[Attachment]:
        return [self.by_id[i] for i in (i.strip() for i in ids) if i in self.by_id]

    def attached_to(self, post_id: str, kind: MediaKind) -> list[Attachment]:
        children = (a for a in self.by_parent.get(post_id, []) if a.kind == kind)
        return sorted(children, key=lambda a: (a.order, int(a.id) if a.id.isdigit() else 0))


# --- the whole display step -----------------------------------------------------------------


# The shortcodes that look up the media library: [gallery], [audio] and [video].
_LIBRARY_SHORTCODE = re.compile(r"\[(?:gallery|audio|video)(?![\w-])", re.IGNORECASE)


def uses_library(content: str) -> bool:
    """Whether rendering `content` may look up the media library (see `render`)."""
    return _LIBRARY_SHORTCODE.search(content) is not None


def has_blocks(content: str) -> bool:
    """WordPress's own test (`has_blocks`): block posts skip wpautop."""
    return "<!-- wp:" in content


def render(
    content: str,
    report: Report,
    library: Library | None = None,
    post_id: str = "",
    footnotes: str = "",
) -> str:
    """`post_content` → the HTML WordPress would have served for it.

    `footnotes` is the post's `footnotes` meta (JSON), which the footnotes block shows.
    Classic posts get their shortcodes expanded before wpautop (not after, as WordPress
    does), so the figures and links they become are paragraphed like any other block
    and never end up inside a `<p>`; block posts get no wpautop, as in WordPress.
    """
    blocks = has_blocks(content)
    html_text = strip_block_comments(fill_footnotes(content, footnotes))
    html_text = media_links(expand_shortcodes(html_text, report, library, post_id))
    return html_text if blocks else wpautop(html_text)


# --- block editor ---------------------------------------------------------------------------

# Block delimiters as WordPress's block parser reads them (JSON attributes never contain
# "-->": the editor escapes "--"), plus the classic editor's own markers.
_EDITOR_COMMENT = re.compile(
    r"<!--\s+/?wp:[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?\s+(?:\{.*?\}\s+)?/?-->"
    r"|<!--(?:more|nextpage|noteaser)\b.*?-->",
    re.DOTALL,
)


def strip_block_comments(html_text: str) -> str:
    """Remove block delimiters and <!--more-->/<!--nextpage--> markers, keep their markup.

    Dynamic blocks (latest posts, navigation…) are delimiters only and render to nothing
    outside their site, which is the honest result for an archive.
    """
    return _EDITOR_COMMENT.sub("", html_text)


_FOOTNOTES_BLOCK = re.compile(r"<!--\s+wp:footnotes\b.*?-->", re.DOTALL)


def fill_footnotes(content: str, footnotes: str) -> str:
    """Put the notes into the footnotes block, which holds none itself.

    The block is dynamic: WordPress keeps the notes in post meta and lists them at display
    time, so without this step an export loses every footnote's text.
    """
    try:
        notes = json.loads(footnotes) if footnotes.strip() else []
    except ValueError:
        notes = []
    items = "".join(
        f"<li>{note['content']}</li>"
        for note in notes
        if isinstance(note, dict) and isinstance(note.get("content"), str)
    )
    if "wp:footnotes" not in content:  # no block to fill: spare the regex its scan
        return content
    return _FOOTNOTES_BLOCK.sub(f"<ol>{items}</ol>" if items else "", content, count=1)


# --- wpautop (port of wp-includes/formatting.php, WordPress 6.x) ---------------------------
#
# Every article of an import goes through this, so each of WordPress's preg_replace calls is
# written to cost a scan of the text and little more, and gives exactly what it gave as
# written in formatting.php: alternations of tag names are tries (the regex engine tries
# the branches of an alternation in turn, at every `<`), replacements that keep one group
# are a split and a join rather than a Python call per match, and a replacement that
# cannot match (its fixed text is absent) is skipped.


def _trie(words: Iterable[str]) -> str:
    """A regex for any of the (non-empty, literal) `words`, as a trie. It matches exactly
    what their plain alternation does wherever what follows a name settles where the match
    ends (a tag's `[^>]*>`, or a delimiter no name holds), as in every use here."""
    heads: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        heads.setdefault(word[0], []).append(word[1:])
    branches = []
    for head, tails in heads.items():
        rest = [tail for tail in tails if tail]
        inner = _trie(rest) if rest else ""
        if inner and "" in tails:
            inner = f"(?:{inner})?"
        branches.append(re.escape(head) + inner)
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


_BLOCK_NAMES = (
    "table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td", "th", "div",
    "dl", "dd", "dt", "ul", "ol", "li", "pre", "form", "map", "area", "blockquote", "address",
    "style", "p", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "fieldset", "legend", "section",
    "article", "aside", "hgroup", "header", "footer", "nav", "figure", "figcaption", "details",
    "menu", "summary",
)  # fmt: skip
_ALLBLOCKS = _trie(_BLOCK_NAMES)
_BLOCK_TAG = rf"</?{_ALLBLOCKS}[^>]*+>"
# wp_html_split: tags, comments and CDATA sections, so newlines inside them are protected.
_HTML_TOKEN = re.compile(r"(<(?:!--.*?(?:-->|\Z)|!\[CDATA\[.*?(?:\]\]>|\Z)|[^>]*>?))", re.DOTALL)
# A line that ends inside a tag, on the reversed text: a newline, then (before it) a `<`
# with no `>` or newline in between.
_LINE_ENDS_IN_TAG = re.compile(r"\n[^<>\n]*<")
# A comment or CDATA section with a newline before its end (or with no end).
_SECTION_WITH_NEWLINE = re.compile(
    r"<!(?:--(?:[^-\n]++|-(?!->))*+|\[CDATA\[(?:[^\]\n]++|\](?!\]>))*+)\n"
)
_NEWLINE_MARK = " <!-- wpnl --> "
_KEEP_NEWLINE = "<WPPreserveNewline />"
# Elements whose line breaks are content: the element, its name, as a split gives them.
_PREFORMATTED = re.compile(r"(<(script|style|svg|math).*?</\2>)", re.DOTALL)
# Such an element with a newline before its end tag (or with no end tag).
_PREFORMATTED_NEWLINE = re.compile(r"<(script|style|svg|math)(?:[^\n<]++|<(?!/\1>))*+\n")
_BR_PAIR = re.compile(r"<br\s*/?>\s*<br\s*/?>")
_BR = re.compile(r"<br/?>")  # `<br>` and `<br/>`, written `<br />` by WordPress
_BLOCK_START = re.compile(rf"(<{_ALLBLOCKS}[\s/>])")
_BLOCK_END = re.compile(rf"(</{_ALLBLOCKS}>|<hr\s*?/?>)")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Three plain lines or more, after a newline: `<p>text</p>`, the text holding something
# visible and no `<`, `>`, `[` or `]` (see `_autop`).
_PLAIN_LINE = r"<p>[^\S\n\r]*+[^\s<>\[\]][^<>\[\]\r\n]*+</p>\n"
_PLAIN_RUN = re.compile(rf"\n((?:{_PLAIN_LINE}){{3,}})")
# The same, but for the text's characters: quicker to find (see `_plain_runs`).
_PARAGRAPH_RUN = re.compile(r"\n((?:<p>[^<]++</p>\n){3,})")
_BLANK_PARAGRAPH = re.compile(r"<p>\s*</p>")
# A plain line that stands in for the lines of a run while the passes run (see `_autop`).
_STAND_IN_CHARACTER = "\ue000"
_STAND_IN = f"<p>{_STAND_IN_CHARACTER}</p>\n"
# WordPress's `(?<!<br />)\s*\n` → `<br />\n` read on the reversed text, where a match starts
# at the line break instead of at every space of the page (see `_line_breaks`).
_LINE_BREAK_REVERSED = re.compile(r"\n\s*(?!>/ rb<)")


@dataclass(frozen=True)
class _Rewrite:
    """One preg_replace of wpautop: `pattern` → `template` (literal text and `\\N` groups).

    `needs`: fixed texts of which every match holds one, so a text with none is left
    alone unscanned.
    """

    pattern: re.Pattern[str]
    template: str
    needs: tuple[str, ...] = ()

    def __call__(self, text: str) -> str:
        if self.needs and not any(fixed in text for fixed in self.needs):
            return text
        if self.template == r"\1":  # the text between matches and each match's group
            return "".join(self.pattern.split(text))
        return self.pattern.sub(_replacement(self.template), text)


def _rewrites(*rules: tuple[str, str] | tuple[str, str, tuple[str, ...]]) -> tuple[_Rewrite, ...]:
    return tuple(_Rewrite(re.compile(rule[0]), *rule[1:]) for rule in rules)


@dataclass(frozen=True)
class _Tighten:
    """WordPress's `\\s*(tag)\\s*`: the white space before and/or after each tag goes.

    Done as a split at the tags (the pattern's one group), stripping the text around
    them, since a pattern that starts with `\\s*` is tried at every character of the
    text. The same white space goes: a tag is never white space, so the run a match takes
    before it is all the white space since the previous tag or text, and the run after it
    all the white space up to the next.
    """

    tag: re.Pattern[str]
    before: bool
    after: bool

    def __call__(self, text: str) -> str:
        parts = self.tag.split(text)  # text, tag, text… text
        if len(parts) == 1:
            return text
        if self.before:
            parts[0:-1:2] = [part.rstrip() for part in parts[0:-1:2]]
        if self.after:
            parts[2::2] = [part.lstrip() for part in parts[2::2]]
        return "".join(parts)


def _tighten(tag: str, before: bool = False, after: bool = False) -> _Tighten:
    return _Tighten(re.compile(f"({tag})"), before, after)


# (markers, clean-ups): WordPress's clean-ups of line breaks around elements that must not
# get paragraphs, each applied only when a marker occurs.
_COLLAPSE = (
    (("<option",), (_tighten("<option", before=True), _tighten("</option>", after=True))),
    (
        ("</object>",),
        (
            _tighten(r"<object[^>]*>", after=True),
            _tighten("</object>", before=True),
            _tighten(r"</?(?:param|embed)[^>]*>", before=True, after=True),
        ),
    ),
    (
        ("<source", "<track"),
        (
            _tighten(r"[<\[](?:audio|video)[^>\]]*[>\]]", after=True),
            _tighten(r"[<\[]/(?:audio|video)[>\]]", before=True),
            _tighten(r"<(?:source|track)[^>]*>", before=True, after=True),
        ),
    ),
    (
        ("<figcaption",),
        (_tighten(r"<figcaption[^>]*>", before=True), _tighten("</figcaption>", after=True)),
    ),
)
_COLLAPSE_MARKER = re.compile("|".join(m for markers, _ in _COLLAPSE for m in markers))

# `[^>]*+>`: possessive, as a tag's attributes can end only at its `>`; backtracking
# through a long style attribute at every tag made these the slowest steps. The same holds
# for `[^<]++` before `</`.
_UNWRAP = _rewrites(
    (r"<p>\s*</p>", ""),
    (r"<p>([^<]++)</(div|address|form)>", r"<p>\1</p></\2>", ("</div>", "</address>", "</form>")),
    (rf"<p>\s*({_BLOCK_TAG})\s*</p>", r"\1"),
    (r"<p>(<li.+?)</p>", r"\1", ("<p><li",)),
    (r"(?i)<p><blockquote([^>]*)>", r"<blockquote\1><p>"),
    (r"</blockquote></p>", "</p></blockquote>", ("</blockquote></p>",)),
    (rf"<p>\s*({_BLOCK_TAG})", r"\1"),
    (rf"({_BLOCK_TAG})\s*</p>", r"\1"),
)

_TIDY_BREAKS = _rewrites(
    (rf"({_BLOCK_TAG})\s*<br />", r"\1"),
    (r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1"),
)


def wpautop(text: str, br: bool = True) -> str:
    """Double line breaks → paragraphs, single ones → `<br />`, as WordPress displays them.

    Classic-editor posts are stored without `<p>`; without this step a whole post would
    become one paragraph. Block-level elements and `<pre>` are left as they are.
    """
    if not text or text.isspace():
        return ""
    text, pre_blocks = _hide_pre(text + "\n")
    text = _end_of_last_paragraph(_autop(text, br))
    for placeholder, original in pre_blocks.items():
        text = text.replace(placeholder, original)
    if _NEWLINE_MARK.strip() not in text:  # both marks hold it
        return text
    return text.replace(_NEWLINE_MARK, "\n").replace(_NEWLINE_MARK.strip(), "\n")


_Collapse = list[tuple[_Tighten, ...]]


def _autop(text: str, br: bool) -> str:
    """wpautop's passes over `text`, but for the middle of each run of plain lines.

    A plain line, `<p>text</p>` (see `_PLAIN_RUN`), comes out of every pass as it went in,
    inside a script element or not, and no match of a pass reaches from one plain line
    into the next. So in a run of them the lines between the first and the last are taken
    out, and one plain line of a character the text lacks stands in for them while the
    passes read the rest; in what they give, the lines go back where it stands. Most of a
    post saved by the block editor, or exported already rendered, is plain lines.
    """
    pieces = _pieces(text) if _STAND_IN_CHARACTER not in text else [text]
    read = _STAND_IN.join(pieces[::2])  # to read, to copy, to read… to read
    # Which clean-ups apply is decided on the whole text, as WordPress does (the plain
    # lines hold none of the markers).
    found = set(_COLLAPSE_MARKER.findall(read))
    collapse = [tightens for markers, tightens in _COLLAPSE if found.intersection(markers)]
    pieces[::2] = _passes(read, br, collapse).split(_STAND_IN)
    return "".join(pieces)


def _pieces(text: str) -> list[str]:
    """`text` cut before and after the middle of each run of plain lines, unless a comment
    or CDATA section is open there (it would swallow the lines)."""
    pieces = []
    start = 0
    for run_start, run_end in _plain_runs(text):
        first_end = text.index("\n", run_start) + 1
        last_start = text.rindex("\n", run_start, run_end - 1) + 1
        if not _open_section(text, start, first_end):
            pieces += [text[start:first_end], text[first_end:last_start]]
            start = last_start
    pieces.append(text[start:])
    return pieces


def _plain_runs(text: str) -> Iterator[tuple[int, int]]:
    """Where the runs of `_PLAIN_RUN` are. A run of `<p>…</p>` lines holding no `<` is one
    when counts show that no line holds a newline or `>`, and no `[`, `]`, `\r` or blank
    line is found; reading the text against a set of characters costs more."""
    for candidate in _PARAGRAPH_RUN.finditer(text):
        run = candidate[1]
        lines = run.count("</p>\n")
        plain = run.count("\n") == lines and run.count(">") == 2 * lines
        if plain and not any(c in run for c in "[]\r") and not _BLANK_PARAGRAPH.search(run):
            yield candidate.span(1)
        else:
            runs = _PLAIN_RUN.finditer(text, candidate.start(), candidate.end())
            yield from (plain.span(1) for plain in runs)


def _open_section(text: str, start: int, end: int) -> bool:
    """Whether a comment or CDATA section begun in text[start:end] is still open at `end`.
    If the last one begun is closed, every one is; a tag is closed, as a plain line ends it.
    """
    for opener, closer in (("<!--", "-->"), ("<![CDATA[", "]]>")):
        last = text.rfind(opener, start, end)
        if last != -1 and text.find(closer, last + len(opener), end) == -1:
            return True
    return False


def _passes(text: str, br: bool, collapse: _Collapse) -> str:
    """WordPress's passes from `<br>` pairs to the tidying of `<br />`s."""
    text = _around_blocks(_BR_PAIR.sub("\n\n", text))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _mark_newlines_in_tags(text)
    for tightens in collapse:
        for tighten in tightens:
            text = tighten(text)
    # WordPress first collapses runs of newlines to two; the split reads any run as one
    # break, and a run of newlines lies wholly inside one, so that step changes nothing.
    text = _paragraphs(text)
    text = _apply(_UNWRAP, text)
    return _apply(_TIDY_BREAKS, _break_lines(text) if br else text)


def _break_lines(text: str) -> str:
    """Line breaks → `<br />`, but inside script, style, svg and math elements."""
    # <script>, <style>, <svg>, <math> with a newline inside
    keep = ("<s" in text or "<m" in text) and _PREFORMATTED_NEWLINE.search(text)
    if keep:
        text = _keep_preformatted_newlines(text)
    # A mark the text held itself becomes a newline too, as in WordPress.
    return _line_breaks(_BR.sub("<br />", text)).replace(_KEEP_NEWLINE, "\n")


def _keep_preformatted_newlines(text: str) -> str:
    """Newlines inside script, style, svg and math elements → `_KEEP_NEWLINE`, out of
    reach of the `<br />`s."""
    parts = _PREFORMATTED.split(text)  # text, element, name, text…
    parts[1::3] = [element.replace("\n", _KEEP_NEWLINE) for element in parts[1::3]]
    del parts[2::3]
    return "".join(parts)


def _apply(rewrites: Iterable[_Rewrite], text: str) -> str:
    for rewrite in rewrites:
        text = rewrite(text)
    return text


@cache
def _replacement(template: str) -> str | Callable[[re.Match[str]], str]:
    """`template` (literal text and `\\N` groups) as re.sub's replacement: literal text as
    it is, and groups filled by a function rather than by re, whose expansion of a
    template runs as Python code for every match."""
    pieces = re.split(r"\\(\d)", template)
    if len(pieces) == 1:
        return template
    return lambda m: "".join(m[int(p)] or "" if i % 2 else p for i, p in enumerate(pieces))


def _around_blocks(text: str) -> str:
    """Two newlines before every block element's start tag and after every end tag and
    `<hr>` (WordPress's two replacements, as splits: no Python call per tag)."""
    parts = _BLOCK_START.split(text)  # text, tag, text, tag… text
    text = "\n\n".join([parts[0], *map(str.__add__, parts[1::2], parts[2::2])])
    parts = _BLOCK_END.split(text)
    return "\n\n".join([*map(str.__add__, parts[:-1:2], parts[1::2]), parts[-1]])


def _paragraphs(text: str) -> str:
    """Each stretch of the text between breaks (white space holding two newlines or more)
    in `<p>`, without the newlines at its ends.

    A break runs from the first newline of its white space to the last, so only the first
    stretch can start with a newline and only the last can end with one.
    """
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text) if p]
    if not paragraphs:
        return ""
    paragraphs[0] = paragraphs[0].strip("\n")
    paragraphs[-1] = paragraphs[-1].strip("\n")
    return "<p>" + "</p>\n<p>".join(paragraphs) + "</p>\n"


def _line_breaks(text: str) -> str:
    """Each line break, with the white space before it, → `<br />\\n`, unless the white
    space follows a `<br />` (then its first character stays and the rest goes, if a line
    break is left). WordPress's pattern starts at any white space; on the reversed text
    the match starts at the (last) line break, which the regex engine finds at once, and
    ends where the white space does, one character short of a `<br />`."""
    return _LINE_BREAK_REVERSED.sub("\n>/ rb<", text[::-1])[::-1]


def _end_of_last_paragraph(text: str) -> str:
    """WordPress's `\\n</p>$` → `</p>`: `$` is the end, or a newline ending the text."""
    if text.endswith("\n</p>"):
        return text[:-5] + "</p>"
    if text.endswith("\n</p>\n"):
        return text[:-6] + "</p>\n"
    return text


def _hide_pre(text: str) -> tuple[str, dict[str, str]]:
    """Swap each `<pre>…</pre>` for a placeholder: its line breaks are content."""
    if "<pre" not in text:
        return text, {}
    *parts, last = text.split("</pre>")
    kept: dict[str, str] = {}
    out: list[str] = []
    for part in parts:
        start = part.find("<pre")
        if start == -1:  # a stray </pre>: WordPress drops it too
            out.append(part)
            continue
        name = f"<pre wp-pre-tag-{len(kept)}></pre>"
        kept[name] = part[start:] + "</pre>"
        out.append(part[:start] + name)
    return "".join([*out, last]), kept


def _mark_newlines_in_tags(text: str) -> str:
    """Newlines inside tags and comments → `_NEWLINE_MARK`, so they make no paragraphs."""
    if not _tags_may_hold_newlines(text):  # splitting makes two strings per tag
        return text
    parts = _HTML_TOKEN.split(text)
    parts[1::2] = [p.replace("\n", _NEWLINE_MARK) for p in parts[1::2]]
    return "".join(parts)


def _tags_may_hold_newlines(text: str) -> bool:
    """False when no tag, comment or CDATA section of the text (as _HTML_TOKEN splits it)
    holds a newline. A tag holding one starts on a line that ends after a `<` with no
    `>` since, which the reversed text shows right after that line's newline; a comment
    or CDATA section holding one has a newline before its end."""
    return bool(_LINE_ENDS_IN_TAG.search(text[::-1]) or _SECTION_WITH_NEWLINE.search(text))


# --- shortcodes -----------------------------------------------------------------------------

# get_shortcode_regex() for any tag name: [[escaped]], [name attrs], [name/], and
# [name]content[/name]. Group 5 is None unless the shortcode encloses content.
_SHORTCODE = re.compile(
    r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])"
    r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"
    r"(?:(/)\]|\](?:([^\[]*+(?:\[(?!/\2\])[^\[]*+)*+)\[/\2\])?)"
    r"(\]?)"
)
_STRAY_CLOSER = re.compile(r"\[/[A-Za-z][\w-]*\]")
# shortcode_parse_atts(): name="v", name='v', name=v, "v", 'v', v
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)|"([^"]*)"(?:\s|$)|'([^']*)'(?:\s|$)|(\S+)(?:\s|$)"""
)
_URL = re.compile(r"https?://[^\s<>\"]+$")
# autoembed(): a URL alone on its line, or alone in a paragraph.
_URL_LINE = re.compile(r"^([ \t]*)(https?://[^\s<>\"]+)([ \t]*)$", re.MULTILINE)
_URL_LINE_START = re.compile(r"\n[ \t]*https?://")
_URL_PARAGRAPH = re.compile(r"(<p(?: [^>]*)?>\s*)(https?://[^\s<>\"]+)(\s*</p>)", re.IGNORECASE)
# img_caption_shortcode(): without a caption attribute, the text after the image is it.
_CAPTIONED = re.compile(
    r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.IGNORECASE | re.DOTALL
)
_MEDIA_SOURCES: dict[MediaKind, tuple[str, ...]] = {
    "audio": ("src", "mp3", "ogg", "oga", "m4a", "wav", "wma", "flac"),
    "video": ("src", "mp4", "m4v", "webm", "ogv", "mov", "wmv", "flv"),
}
_MEDIA_ELEMENT = re.compile(r"<(audio|video)\b([^>]*)>(.*?)</\1>", re.IGNORECASE | re.DOTALL)
# What any match of _MEDIA_ELEMENT starts with (`a` and `v` have no other case forms), found
# by a scan for `<`: a case-insensitive pattern is tried at every `<` letter by letter.
_MEDIA_START = re.compile(r"<[aAvV]")
_SRC = re.compile(r"""\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
GALLERY_NOTE = "The original post showed a gallery here; its images are not in the export."


@dataclass(frozen=True)
class Attributes:
    named: dict[str, str]
    positional: list[str]
    prose: bool  # a bare word that is neither name=value, quoted nor a URL: "[citation needed]"

    @classmethod
    def parse(cls, text: str) -> Attributes:
        named: dict[str, str] = {}
        positional: list[str] = []
        prose = False
        for m in _ATTRIBUTE.finditer(re.sub(r"[\u00a0\u200b]+", " ", text)):
            if name := m[1] or m[3] or m[5]:
                named[name.lower()] = html.unescape(m[2] if m[1] else m[4] if m[3] else m[6])
            else:
                value = m[7] if m[7] is not None else m[8] if m[8] is not None else m[9]
                prose = prose or (m[9] is not None and not _URL.match(m[9]))
                positional.append(html.unescape(value))
        return cls(named, positional, prose)

    def first_url(self, keys: Iterable[str]) -> str | None:
        candidates = [*(self.named.get(k, "") for k in keys), *self.positional]
        return next((c.strip() for c in candidates if _URL.match(c.strip())), None)


def expand_shortcodes(
    html_text: str, report: Report, library: Library | None = None, post_id: str = ""
) -> str:
    """Expand the shortcodes a reader needs, remove the rest and `report` each removal.

    `[caption]` → figure, `[gallery]` → images from `library`, `[embed]` and URLs alone on
    a line → links, `[audio]`/`[video]` → a link to the file. Any other shortcode is a
    plugin's, whose output the export does not hold: it is removed (enclosed text kept).
    """
    return _Expander(report, library or Library(), post_id).expand(html_text)


@dataclass
class _Expander:
    report: Report
    library: Library
    post_id: str

    def expand(self, text: str) -> str:
        brackets = "[" in text  # no shortcode, and no URL can bring a closer in
        if brackets:
            text = _SHORTCODE.sub(self._replace, text)
        # `^` of a multi-line pattern is tried at every character: look for a URL at the
        # start or after a newline first, which the regex engine finds by the newline.
        if _URL_LINE.match(text) or _URL_LINE_START.search(text):
            text = _URL_LINE.sub(lambda m: f"{m[1]}{_link(m[2], m[2])}{m[3]}", text)
        text = _URL_PARAGRAPH.sub(lambda m: f"{m[1]}{_link(m[2], m[2])}{m[3]}", text)
        return _STRAY_CLOSER.sub(self._drop_closer, text) if brackets else text

    def _replace(self, m: re.Match[str]) -> str:
        escaped, name, raw_attrs, _self_closing, content, escaped_end = m.groups()
        if escaped and escaped_end:  # [[name]] is how authors write a literal [name]
            return m[0][1:-1]
        attrs = Attributes.parse(raw_attrs)
        if handler := self._handlers.get(name.lower()):
            return escaped + handler(attrs, content or "") + escaped_end
        if not _is_plugin_shortcode(m, attrs):
            return m[0]
        self.report(f"unknown shortcode [{name}] removed")
        return escaped + self.expand(content or "") + escaped_end

    @cached_property
    def _handlers(self) -> dict[str, Callable[[Attributes, str], str]]:
        return {
            "caption": self._caption,
            "wp_caption": self._caption,
            "gallery": self._gallery,
            "embed": self._embed,
            "audio": lambda attrs, _content: self._media("audio", attrs),
            "video": lambda attrs, _content: self._media("video", attrs),
        }

    def _caption(self, attrs: Attributes, content: str) -> str:
        caption = attrs.named.get("caption", "")
        if not caption and (m := _CAPTIONED.match(content.strip())):
            content, caption = m[1], m[2].strip()
        inner = self.expand(content).strip()
        return f"<figure>{inner}<figcaption>{caption}</figcaption></figure>" if caption else inner

    def _gallery(self, attrs: Attributes, _content: str) -> str:
        ids = attrs.named.get("ids") or attrs.named.get("include")
        images = (
            self.library.pick(ids.split(","))
            if ids
            else self.library.attached_to(self.post_id, "image")
        )
        if not images:
            self.report("[gallery] images are not in the export; a note replaces it")
            return f"<p><em>{GALLERY_NOTE}</em></p>"
        return "".join(_figure(image) for image in images)

    def _embed(self, _attrs: Attributes, content: str) -> str:
        url = content.strip()
        if _URL.match(url):
            return _link(url, url)
        self.report("[embed] without a URL removed")
        return ""

    def _media(self, kind: MediaKind, attrs: Attributes) -> str:
        url = attrs.first_url(_MEDIA_SOURCES[kind])
        if url is None and (attached := self.library.attached_to(self.post_id, kind)):
            url = attached[0].url
        if url is None:
            self.report(f"[{kind}] without a file removed")
            return ""
        return _media_link(kind, url)

    def _drop_closer(self, m: re.Match[str]) -> str:
        self.report(f"stray shortcode {m[0]} removed")
        return ""


def media_links(html_text: str) -> str:
    """`<audio>`/`<video>` players (block editor, expanded shortcodes) → links to the file.

    An archive page cannot count on a player, and the sanitizer drops the element; a
    link keeps the recording reachable.
    """

    def link(m: re.Match[str]) -> str:
        found = _SRC.search(m[2]) or _SRC.search(m[3])
        return _media_link(m[1].lower(), html.unescape(found[1])) if found else ""

    return _MEDIA_ELEMENT.sub(link, html_text) if _MEDIA_START.search(html_text) else html_text


def _is_plugin_shortcode(m: re.Match[str], attrs: Attributes) -> bool:
    """Tell a plugin's shortcode from editorial brackets such as "[sic]" or "[citation needed]".

    WordPress itself only expands registered names; an export does not say which were
    registered, so shape decides: enclosing, self-closing or name="value" attributes, or a
    bare [name] alone on its line. Brackets inside a sentence stay as the author wrote them.
    """
    _escaped, _name, raw_attrs, self_closing, content, _escaped_end = m.groups()
    if content is not None or self_closing:
        return True
    if raw_attrs.strip():
        return not attrs.prose
    return _alone(m)


def _alone(m: re.Match[str]) -> bool:
    """Whether the match is the only thing on its line, tags aside."""
    text = m.string
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    around = text[start : m.start()] + text[m.end() : None if end == -1 else end]
    return not re.sub(r"<[^>]*>", "", around).strip()


def _link(url: str, label: str) -> str:
    return f'<a href="{_escape_once(url)}">{_escape_once(label)}</a>'


def _media_link(kind: str, url: str) -> str:
    name = PurePosixPath(urlsplit(url).path).name or url
    return _link(url, f"{kind.title()}: {name}")


def _figure(image: Attachment) -> str:
    caption = f"<figcaption>{image.caption}</figcaption>" if image.caption.strip() else ""
    src, alt = _escape_once(image.url), _escape_once(image.alt)
    return f'<figure><img src="{src}" alt="{alt}">{caption}</figure>'


def _escape_once(value: str) -> str:
    """Text escaped exactly once, whether or not the export had escaped it already."""
    return html.escape(html.unescape(value), quote=True)
