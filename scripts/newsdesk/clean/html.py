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
from typing import Any
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
        self.report.add(rule.name, lambda: _describe(element))
        element.drop_tree()


def clean_html(
    html: str, rules: Sequence[Rule], report: Report, *, title: str | None = None
) -> str:
    """The cleaned fragment: each rule applied in order, each removal in `report`.

    `title` is the article's plain-text title, which the `trailer` kind removes when the
    source repeats it after the article.
    """
    root = parse_fragment(html)
    clean_tree(root, rules, report, title=title)
    return serialize_fragment(root)


def clean_tree(
    root: HtmlElement, rules: Sequence[Rule], report: Report, *, title: str | None = None
) -> None:
    """`clean_html` on a `parse_fragment` tree, in place, for callers that go on with it."""
    job = _Job(root, report, title)
    for rule in rules:
        _handler(rule)(rule, job)


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


# A numbered group reference (\\1, (?(1)…)) would point elsewhere once patterns are joined.
_GROUP_NUMBER = re.compile(r"\\\d|\(\?\(\d")


@cache
def _fullmatcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """A test for "one of `patterns` matches the whole text" (case-insensitive).

    The patterns are joined into one alternation, so a text is scanned once rather than
    once per pattern; patterns that cannot be joined safely are tried one by one.
    """
    compiled = _regexes(patterns)
    if patterns and not any(_GROUP_NUMBER.search(p) for p in patterns):
        try:
            joined = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
        except re.error:  # e.g. a global flag such as (?x), valid only at the start
            pass
        else:
            return lambda text: joined.fullmatch(text) is not None
    return lambda text: any(p.fullmatch(text) for p in compiled)


@cache
def _globs(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching exactly what any of the shell globs matches (fnmatchcase)."""
    return re.compile("|".join(fnmatch.translate(p) for p in patterns) or "(?!)")


@cache
def _carrying(attributes: tuple[str, ...]) -> etree.XPath:
    """Elements below the context node that carry at least one of `attributes`.

    The names are XPath variables, never pasted into the expression, so any name a
    curator writes is looked up literally.
    """
    names = " or ".join(f"name() = $a{i}" for i in range(len(attributes))) or "false()"
    return etree.XPath(f"descendant::*[@*[{names}]]")


def _elements(root: HtmlElement) -> Iterator[HtmlElement]:
    """Every element below the wrapper, in document order (comments and PIs excluded)."""
    return root.iterdescendants(etree.Element)


def _with_attributes(root: HtmlElement, attributes: tuple[str, ...]) -> list[HtmlElement]:
    """The elements below `root` carrying one of `attributes`, in document order."""
    return _carrying(attributes)(root, **{f"a{i}": a for i, a in enumerate(attributes)})


def _texts(root: HtmlElement) -> dict[HtmlElement, str]:
    """`text_content()` of every element below `root`, in document order, from one walk.

    Asking each element for its own text re-reads every subtree once per ancestor, which
    made the `labels` and `empty` kinds cost more than all other rules together.
    """
    texts: dict[HtmlElement, str] = {}

    def collect(element: HtmlElement) -> str:
        texts[element] = ""  # its place in document order, before its descendants
        parts = [element.text or ""]
        for child in element:
            if isinstance(child.tag, str):  # a comment's or PI's own text is not content
                parts.append(collect(child))
            parts.append(child.tail or "")
        texts[element] = text = "".join(parts)
        return text

    for child in root.iterchildren(etree.Element):
        collect(child)
    return texts


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


@dataclass(frozen=True)
class _Runs:
    """Tokens as runs of words: one-word runs are looked up in a set, longer ones scanned."""

    single: frozenset[str]
    longer: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, tokens: tuple[str, ...]) -> _Runs:
        runs = {_words(t) for t in tokens}
        return cls(
            frozenset(r[0] for r in runs if len(r) == 1), tuple(r for r in runs if len(r) != 1)
        )

    @property
    def match_anything(self) -> bool:
        """A token with no words at all is an empty run, found in any value, even none."""
        return () in self.longer

    def found_in(self, words: tuple[str, ...]) -> bool:
        return not self.single.isdisjoint(words) or any(
            _contains_run(words, run) for run in self.longer
        )


_runs = cache(_Runs.of)


def _attribute_tokens(rule: Rule, job: _Job) -> None:
    attributes = _strings(rule, "attributes")
    runs = _runs(_strings(rule, "tokens"))

    def matches(element: HtmlElement) -> bool:
        return any(runs.found_in(_words(element.get(a, ""))) for a in attributes)

    # Only an element carrying one of the attributes can match a non-empty run.
    candidates = (
        _elements(job.root) if runs.match_anything else _with_attributes(job.root, attributes)
    )
    for element in _outermost(filter(matches, candidates)):
        job.remove(rule, element)


def _attribute_names(rule: Rule, job: _Job) -> None:
    globs = _globs(_strings(rule, "patterns"))

    def matches(element: HtmlElement) -> bool:
        return any(globs.match(name.lower()) for name in element.attrib)

    for element in _outermost(filter(matches, job.root.xpath("descendant::*[@*]"))):
        job.remove(rule, element)


def _labels(rule: Rule, job: _Job) -> None:
    label = _fullmatcher(_strings(rule, "patterns"))
    texts = _texts(job.root)

    def matches(element: HtmlElement) -> bool:
        text = " ".join(texts[element].split()).strip(_LABEL_EDGES)
        return label(text) and not _holds_media(element, _MEDIA)

    for element in _outermost(filter(matches, texts)):
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
    texts = _texts(job.root)

    def matches(element: HtmlElement) -> bool:
        return element.tag in tags and _is_blank(texts[element]) and not _holds_media(element, keep)

    for element in _outermost(filter(matches, texts)):
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


def _backwards(root: HtmlElement) -> Iterator[tuple[str, HtmlElement]]:
    """(event, element) in reverse document order: end, children (each tail first), text,
    start. Lazy, so looking at the end of a long article touches only its end; a stack
    rather than recursion, so an event does not climb through a generator per level."""
    yield "end", root
    stack: list[Any] = [("start", root), ("text", root), reversed(root)]
    while stack:
        top = stack[-1]
        if isinstance(top, tuple):
            yield stack.pop()
        elif (child := next(top, None)) is None:
            stack.pop()
        else:
            yield "tail", child
            if isinstance(child.tag, str):  # a comment or PI: only its tail is content
                yield "end", child
                stack += [("start", child), ("text", child), reversed(child)]


class _Walk:
    """`_backwards` over the content, resumed line after line instead of restarted.

    Once the last line (or a trailing <br>) is removed, everything after it is blank, so
    the next line starts at the event that ended this one: the boundary is held back and
    read again. Restarting from the end each time made a trailer of many <br>s quadratic.
    """

    def __init__(self, root: HtmlElement) -> None:
        self._events = _backwards(root)
        self._held: tuple[str, HtmlElement] | None = None

    def __iter__(self) -> _Walk:
        return self

    def __next__(self) -> tuple[str, HtmlElement]:
        held, self._held = self._held, None
        return held or next(self._events)

    def hold(self, event: tuple[str, HtmlElement]) -> None:
        self._held = event


def _last_line(walk: _Walk) -> _Line | None:
    """The content's last line, bounded by a <br> or a block edge; None when the content
    ends in something that is not text (an image, a table…)."""
    line = _Line()
    for event, element in walk:
        if event in ("text", "tail"):
            if not _is_blank(_slot_text(element, event)):
                line.slots.append((element, event))
            continue
        if element.tag in _INLINE:
            if event == "start":
                line.inline.append(element)
            continue
        if element.tag == "br" and event != "start":
            continue
        if line.slots:  # a <br>, an opaque element or a block edge ends the line
            walk.hold((event, element))
            return line
        if element.tag == "br":
            return _Line(br=element)
        if element.tag in _OPAQUE:
            return None
    return line if line.slots else None


def _trailer(rule: Rule, job: _Job) -> None:
    ends_trailer = _fullmatcher(_strings(rule, "patterns"))
    title = _comparable(job.title) if job.title else None
    walk = _Walk(job.root)
    while (line := _last_line(walk)) is not None:
        if line.br is not None:
            job.remove(rule, line.br)
            continue
        text = line.text
        if not (_comparable(text) == title or ends_trailer(text)):
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
