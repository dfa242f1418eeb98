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
from collections.abc import Callable, Iterable
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
    return _FOOTNOTES_BLOCK.sub(f"<ol>{items}</ol>" if items else "", content, count=1)


# --- wpautop (port of wp-includes/formatting.php, WordPress 6.x) ---------------------------

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
# wp_html_split: tags, comments and CDATA sections, so newlines inside them are protected.
_HTML_TOKEN = re.compile(r"(<(?:!--.*?(?:-->|\Z)|!\[CDATA\[.*?(?:\]\]>|\Z)|[^>]*>?))", re.DOTALL)
_NEWLINE_MARK = " <!-- wpnl --> "
_KEEP_NEWLINE = "<WPPreserveNewline />"
_PREFORMATTED = re.compile(r"<(script|style|svg|math).*?</\1>", re.DOTALL)

# (markers, [(pattern, replacement)]): WordPress's clean-ups of line breaks around
# elements that must not get paragraphs, each applied only when a marker occurs.
_COLLAPSE = (
    (("<option",), [(r"\s*<option", "<option"), (r"</option>\s*", "</option>")]),
    (
        ("</object>",),
        [
            (r"(<object[^>]*>)\s*", r"\1"),
            (r"\s*</object>", "</object>"),
            (r"\s*(</?(?:param|embed)[^>]*>)\s*", r"\1"),
        ],
    ),
    (
        ("<source", "<track"),
        [
            (r"([<\[](?:audio|video)[^>\]]*[>\]])\s*", r"\1"),
            (r"\s*([<\[]/(?:audio|video)[>\]])", r"\1"),
            (r"\s*(<(?:source|track)[^>]*>)\s*", r"\1"),
        ],
    ),
    (
        ("<figcaption",),
        [(r"\s*(<figcaption[^>]*>)", r"\1"), (r"</figcaption>\s*", "</figcaption>")],
    ),
)

# `[^>]*+>`: possessive, as a tag's attributes can end only at its `>`; backtracking
# through a long style attribute at every tag made these the slowest steps.
_UNWRAP = (
    (r"<p>\s*</p>", ""),
    (r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>"),
    (rf"<p>\s*(</?{_ALLBLOCKS}[^>]*+>)\s*</p>", r"\1"),
    (r"<p>(<li.+?)</p>", r"\1"),
    (r"(?i)<p><blockquote([^>]*)>", r"<blockquote\1><p>"),
    (r"</blockquote></p>", "</p></blockquote>"),
    (rf"<p>\s*(</?{_ALLBLOCKS}[^>]*+>)", r"\1"),
    (rf"(</?{_ALLBLOCKS}[^>]*+>)\s*</p>", r"\1"),
)

_TIDY_BREAKS = (
    (rf"(</?{_ALLBLOCKS}[^>]*+>)\s*<br />", r"\1"),
    (r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1"),
    (r"\n</p>$", "</p>"),
)
_BLOCK_START = re.compile(rf"<{_ALLBLOCKS}[\s/>]")
_BLOCK_END = re.compile(rf"</{_ALLBLOCKS}>|<hr\s*?/?>")
# A line break, with the white space around it, not already after a <br />: a run of
# white space from its first character to its last newline. (WordPress writes it
# `(?<!<br />)\s*\n`; starting with `\s` lets the regex skip to white space.)
_LINE_BREAK = re.compile(r"\s(?<!<br />\s)\s*(?<=\n)")


def wpautop(text: str, br: bool = True) -> str:
    """Double line breaks → paragraphs, single ones → `<br />`, as WordPress displays them.

    Classic-editor posts are stored without `<p>`; without this step a whole post would
    become one paragraph. Block-level elements and `<pre>` are left as they are.
    """
    if not text.strip():
        return ""
    text, pre_blocks = _hide_pre(text + "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text)
    text = _BLOCK_START.sub(lambda m: "\n\n" + m[0], text)
    text = _BLOCK_END.sub(lambda m: m[0] + "\n\n", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _replace_in_tags(text, "\n", _NEWLINE_MARK)
    for markers, rules in _COLLAPSE:
        if any(marker in text for marker in markers):
            text = _apply(rules, text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p]
    text = "".join(f"<p>{p.strip(chr(10))}</p>\n" for p in paragraphs)
    text = _apply(_UNWRAP, text)
    if br:
        text = _PREFORMATTED.sub(lambda m: m[0].replace("\n", _KEEP_NEWLINE), text)
        text = text.replace("<br>", "<br />").replace("<br/>", "<br />")
        text = _LINE_BREAK.sub("<br />\n", text)
        text = text.replace(_KEEP_NEWLINE, "\n")
    text = _apply(_TIDY_BREAKS, text)
    for placeholder, original in pre_blocks.items():
        text = text.replace(placeholder, original)
    return text.replace(_NEWLINE_MARK, "\n").replace(_NEWLINE_MARK.strip(), "\n")


def _apply(rules: Iterable[tuple[str, str]], text: str) -> str:
    for pattern, template in rules:
        text = re.sub(pattern, _replacement(template), text)
    return text


@cache
def _replacement(template: str) -> str | Callable[[re.Match[str]], str]:
    """`template` (literal text and `\\N` groups) as re.sub's replacement: literal text as
    it is, and groups filled by a function rather than by re, whose expansion of a
    template runs as Python code for every match (a third of wpautop's time)."""
    pieces = re.split(r"\\(\d)", template)
    if len(pieces) == 1:
        return template
    if pieces[0] == pieces[2] == "" and len(pieces) == 3:  # `\\1`, the common case
        group = int(pieces[1])
        return lambda m: m[group] or ""
    return lambda m: "".join(m[int(p)] or "" if i % 2 else p for i, p in enumerate(pieces))


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


def _replace_in_tags(text: str, old: str, new: str) -> str:
    parts = _HTML_TOKEN.split(text)
    parts[1::2] = [p.replace(old, new) for p in parts[1::2]]
    return "".join(parts)


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
        text = _SHORTCODE.sub(self._replace, text)
        text = _URL_LINE.sub(lambda m: f"{m[1]}{_link(m[2], m[2])}{m[3]}", text)
        text = _URL_PARAGRAPH.sub(lambda m: f"{m[1]}{_link(m[2], m[2])}{m[3]}", text)
        return _STRAY_CLOSER.sub(self._drop_closer, text)

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

    return _MEDIA_ELEMENT.sub(link, html_text)


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
