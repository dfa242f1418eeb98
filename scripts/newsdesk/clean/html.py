"""Apply the `html:` rules of rules.yml to an HTML fragment, reporting every removal.

The rules are data: this module only knows *kinds* of rule (drop by selector, match class
and id tokens, strip a trailer…) and reads the selectors, tokens and patterns from each
rule, so a curator can fix a new ad network in rules.yml without touching Python.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from newsdesk.clean import Report, Rule
from newsdesk.sanitize import parse_fragment, serialize_fragment

# Python's str.strip() keeps zero-width characters, which editors leave in "empty" paragraphs.
_BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_LABEL_EDGES = " \t\r\n\xa0-–—_:|·•*()[]{}"
_DIMENSION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:px)?\s*$")
_STYLE_SIZE = re.compile(r"(?:^|;)\s*(width|height)\s*:\s*(\d+(?:\.\d+)?)px", re.IGNORECASE)
_STYLE_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Elements that show something without text: an ad label next to one is a caption.
_MEDIA = ("img", "picture", "video", "audio")
# Elements that end a text line without being one; a trailer search stops at them.
_OPAQUE = frozenset(
    [
        *_MEDIA,
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "canvas",
        "table",
        "pre",
        "hr",
    ]
)
# Phrasing elements: a line of text runs through them.
_INLINE = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
        "var",
    ]
)


@dataclass
class _Job:
    """One clean_html call: the wrapper element around the fragment and what it reports to."""

    root: HtmlElement
    report: Report
    title: str | None

    def remove(self, rule: Rule, element: HtmlElement) -> None:
        """Drop an element with its content (its tail text stays) and say so in the report."""
        self.report.add(rule.name, _describe(element))
        element.drop_tree()


def clean_html(
    html: str, rules: Sequence[Rule], report: Report, *, title: str | None = None
) -> str:
    """The cleaned fragment: each rule applied in order, each removal in `report`.

    `title` is the article's plain-text title, which the `trailer` kind removes when the
    source repeats it after the article.
    """
    job = _Job(parse_fragment(html), report, title)
    for rule in rules:
        _handler(rule)(rule, job)
    return serialize_fragment(job.root)


# --- rule plumbing --------------------------------------------------------------------------


def _handler(rule: Rule) -> Callable[[Rule, _Job], None]:
    try:
        return _KINDS[rule.kind]
    except KeyError:
        raise ValueError(
            f"rules.yml html rule {rule.name!r}: unknown kind {rule.kind!r}; "
            f"known kinds: {', '.join(_KINDS)}"
        ) from None


def _strings(rule: Rule, key: str) -> tuple[str, ...]:
    """A list-of-strings key of a rule, as a hashable tuple; a curator's typo fails loudly."""
    value = rule.spec.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"rules.yml html rule {rule.name!r} ({rule.kind}) needs {key}: a list")
    return tuple(value)


@cache
def _selector(selectors: tuple[str, ...]) -> CSSSelector:
    return CSSSelector(", ".join(selectors), translator="html")


@cache
def _regexes(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def _elements(root: HtmlElement) -> Iterator[HtmlElement]:
    """Every element below the wrapper, in document order (comments and PIs excluded)."""
    return root.iterdescendants(etree.Element)


def _outermost(elements: Iterable[HtmlElement]) -> list[HtmlElement]:
    """Matches in document order minus those inside an earlier match (removed with it)."""
    kept: list[HtmlElement] = []
    for element in elements:
        if not (kept and any(a is kept[-1] for a in element.iterancestors())):
            kept.append(element)
    return kept


def _describe(element: HtmlElement) -> str:
    """`<tag attr="…">` and the text, so --explain shows what went without the style noise."""
    attributes = "".join(
        f' {name}="{value[:60]}"' for name, value in element.attrib.items() if name != "style"
    )
    return f"<{element.tag}{attributes}> {element.text_content()}"


def _is_blank(text: str | None) -> bool:
    return not text or _BLANK.fullmatch(text) is not None


def _words(value: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD.findall(value))


def _contains_run(words: tuple[str, ...], run: tuple[str, ...]) -> bool:
    size = len(run)
    return any(words[i : i + size] == run for i in range(len(words) - size + 1))


def _holds_media(element: HtmlElement, media: Sequence[str]) -> bool:
    # element.iter() with no tags would match every element, so an empty list holds nothing.
    return bool(media) and any(True for _ in element.iter(*media))


# --- kinds ----------------------------------------------------------------------------------


def _figure(rule: Rule, job: _Job) -> None:
    captions = _selector(_strings(rule, "captions"))
    for box in _outermost(_selector(_strings(rule, "containers"))(job.root)):
        box.tag = "figure"
        for caption in captions(box):
            caption.tag = "figcaption"


def _drop(rule: Rule, job: _Job) -> None:
    matches = (e for e in _selector(_strings(rule, "selectors"))(job.root) if e is not job.root)
    for element in _outermost(matches):
        job.remove(rule, element)


def _comments(rule: Rule, job: _Job) -> None:
    for comment in list(job.root.iter(etree.Comment)):
        job.report.add(rule.name, f"<!-- {comment.text} -->")
        comment.drop_tree()


def _attribute_tokens(rule: Rule, job: _Job) -> None:
    attributes = _strings(rule, "attributes")
    tokens = [_words(t) for t in _strings(rule, "tokens")]

    def matches(element: HtmlElement) -> bool:
        values = [_words(element.get(a, "")) for a in attributes]
        return any(_contains_run(words, t) for words in values for t in tokens)

    for element in _outermost(filter(matches, _elements(job.root))):
        job.remove(rule, element)


def _attribute_names(rule: Rule, job: _Job) -> None:
    patterns = _strings(rule, "patterns")

    def matches(element: HtmlElement) -> bool:
        return any(fnmatch.fnmatchcase(n.lower(), p) for n in element.attrib for p in patterns)

    for element in _outermost(filter(matches, _elements(job.root))):
        job.remove(rule, element)


def _labels(rule: Rule, job: _Job) -> None:
    patterns = _regexes(_strings(rule, "patterns"))

    def matches(element: HtmlElement) -> bool:
        text = " ".join(element.text_content().split()).strip(_LABEL_EDGES)
        return any(p.fullmatch(text) for p in patterns) and not _holds_media(element, _MEDIA)

    for element in _outermost(filter(matches, _elements(job.root))):
        job.remove(rule, element)


def _tracking_pixels(rule: Rule, job: _Job) -> None:
    limit = rule.spec.get("max-size")
    if not isinstance(limit, int):
        raise ValueError(f"rules.yml html rule {rule.name!r} (tracking-pixels) needs max-size:")
    patterns = _regexes(_strings(rule, "src-patterns"))

    def matches(image: HtmlElement) -> bool:
        style = image.get("style", "")
        sizes = [float(m[2]) for m in _STYLE_SIZE.finditer(style)] + [
            float(m[1]) for a in ("width", "height") if (m := _DIMENSION.match(image.get(a, "")))
        ]
        hidden = image.get("hidden") is not None or _STYLE_HIDDEN.search(style)
        src = image.get("src", "")
        return (
            any(s <= limit for s in sizes) or bool(hidden) or any(p.search(src) for p in patterns)
        )

    for image in list(filter(matches, job.root.iter("img"))):
        job.remove(rule, image)


def _empty(rule: Rule, job: _Job) -> None:
    """Outermost empty containers go; a container is empty only if all it holds is, so this
    single pass leaves none behind (what repeating until nothing changes would reach)."""
    tags = frozenset(_strings(rule, "tags"))
    keep = _strings(rule, "keep")

    def matches(element: HtmlElement) -> bool:
        return (
            element.tag in tags
            and _is_blank(element.text_content())
            and not _holds_media(element, keep)
        )

    for element in _outermost(filter(matches, _elements(job.root))):
        job.remove(rule, element)


def _query_params(rule: Rule, job: _Job) -> None:
    attributes = rule.spec.get("attributes")
    if not isinstance(attributes, dict):
        raise ValueError(f"rules.yml html rule {rule.name!r} (query-params) needs attributes:")
    params = _strings(rule, "params")
    for tag, attribute in attributes.items():
        for element in job.root.iter(tag):
            url = element.get(attribute)
            if not url:
                continue
            cleaned, removed = strip_params(url, params)
            if removed:
                element.set(attribute, cleaned)
                job.report.add(rule.name, f"{', '.join(removed)} from {url}")


def tracking_params(rules: Sequence[Rule]) -> tuple[str, ...]:
    """The parameter globs of the query-params rules, for code that compares URLs."""
    return tuple(
        p for rule in rules if rule.kind == "query-params" for p in _strings(rule, "params")
    )


def strip_params(url: str, params: tuple[str, ...]) -> tuple[str, list[str]]:
    """The URL without matching query parameters; other parameters keep their exact bytes."""
    parts = urlsplit(url)
    kept, removed = [], []
    for piece in parts.query.split("&") if parts.query else []:
        name = unquote_plus(piece.split("=", 1)[0])
        if any(fnmatch.fnmatchcase(name.lower(), p) for p in params):
            removed.append(name)
        else:
            kept.append(piece)
    if not removed:
        return url, []
    return urlunsplit(parts._replace(query="&".join(kept))), removed


# --- the trailer ----------------------------------------------------------------------------


@dataclass
class _Line:
    """The last line of the content: text slots (element, "text"|"tail") and the inline
    elements wholly inside it; or, when `br` is set, a <br> with nothing after it."""

    slots: list[tuple[HtmlElement, str]] = field(default_factory=list)
    inline: list[HtmlElement] = field(default_factory=list)
    br: HtmlElement | None = None

    @property
    def text(self) -> str:
        return " ".join("".join(_slot_text(*s) for s in reversed(self.slots)).split())

    def remove(self) -> None:
        for element, slot in self.slots:
            setattr(element, slot, None)
        for element in self.inline:
            element.drop_tree()


def _slot_text(element: HtmlElement, slot: str) -> str:
    return getattr(element, slot) or ""


def _backwards(element: HtmlElement) -> Iterator[tuple[str, HtmlElement]]:
    """(event, element) in reverse document order: end, children (each tail first), text,
    start. Lazy, so looking at the end of a long article touches only its end."""
    if not isinstance(element.tag, str):  # a comment: only its tail is content
        return
    yield "end", element
    for child in reversed(element):
        yield "tail", child
        yield from _backwards(child)
    yield "text", element
    yield "start", element


def _last_line(root: HtmlElement) -> _Line | None:
    """The content's last line, bounded by a <br> or a block edge; None when the content
    ends in something that is not text (an image, a table…)."""
    line = _Line()
    for event, element in _backwards(root):
        if event in ("text", "tail"):
            if not _is_blank(_slot_text(element, event)):
                line.slots.append((element, event))
        elif element.tag in _INLINE:
            if event == "start":
                line.inline.append(element)
        elif element.tag == "br":
            if event == "start":
                return line if line.slots else _Line(br=element)
        elif element.tag in _OPAQUE:
            return line if line.slots else None
        elif line.slots:  # the edge of a block element ends the line
            return line
    return line if line.slots else None


def _trailer(rule: Rule, job: _Job) -> None:
    patterns = _regexes(_strings(rule, "patterns"))
    title = _comparable(job.title) if job.title else None
    while (line := _last_line(job.root)) is not None:
        if line.br is not None:
            job.remove(rule, line.br)
            continue
        text = line.text
        if not (_comparable(text) == title or any(p.fullmatch(text) for p in patterns)):
            return
        job.report.add(rule.name, text)
        line.remove()


def _comparable(text: str) -> str:
    """Words only, case-folded: a repeated title may differ in quotes and punctuation."""
    return " ".join(re.findall(r"\w+", text.casefold()))


_KINDS: dict[str, Callable[[Rule, _Job], None]] = {
    "figure": _figure,
    "drop": _drop,
    "comments": _comments,
    "attribute-tokens": _attribute_tokens,
    "attribute-names": _attribute_names,
    "labels": _labels,
    "tracking-pixels": _tracking_pixels,
    "trailer": _trailer,
    "empty": _empty,
    "query-params": _query_params,
}
