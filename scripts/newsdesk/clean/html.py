"""Apply the `html:` rules of rules.yml to an HTML fragment, reporting every removal.

The rules are data: this module only knows *kinds* of rule (drop by selector, match class
and id tokens, strip a trailer…) and reads the selectors, tokens and patterns from each
rule, so a curator can fix a new ad network in rules.yml without touching Python.

An import cleans every article, so the rules share their walks over the tree instead of
each taking its own: the rules that judge an element by its tag and attributes alone are
matched together in one walk (see `_Static`), and every element's text is computed once
and kept current as elements go (see `_Texts`). The result is what applying each rule in
turn gives, removal for removal.
"""

from __future__ import annotations

import fnmatch
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from typing import Any
from urllib.parse import unquote_plus, urlsplit, urlunsplit

try:  # sre's parser: private, but only it can tell how long a pattern's matches can be
    from re import _parser as sre_parser
except ImportError:  # pragma: no cover - a Python whose re is laid out differently
    sre_parser = None

from cssselect import SelectorError
from cssselect import parse as parse_css
from cssselect.parser import Class, Element, Hash
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from newsdesk.clean import Report, Rule
from newsdesk.sanitize import parse_fragment, serialize_fragment

# Python's str.strip() keeps zero-width characters, which editors leave in "empty" paragraphs.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_BLANK = re.compile(rf"[\s{_INVISIBLE}]*")
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


Attributes = Mapping[str, str]
_NO_ATTRIBUTES: Attributes = {}
# What XPath's normalize-space() splits a class attribute at, and CSS refuses in a class.
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_CLASS_NAME = re.compile(r"[^ \t\r\n\f]+")


@dataclass(frozen=True)
class _Static:
    """A rule that removes elements judged by their own tag and attributes alone.

    Removing an element changes no other element's tag or attributes, so one walk finds
    the matches of every such rule (`_static_matches`); a rule that renames tags or
    rewrites attributes makes the next such rule walk again. Each rule, in its turn,
    removes those of its matches still in the tree.
    """

    rule: Rule
    matches: Callable[[str, Attributes], bool]
    # False: every match goes, even one inside another (images cannot nest anyway).
    outermost: bool = True
    # The tags it matches whatever the attributes, when the tag alone decides: lxml then
    # finds them (iter with tags) in C, and the walk leaves the rule out.
    tags: frozenset[str] | None = None


_Step = Callable[["_Job"], None] | _Static


class _Texts:
    """`text_content()` of every element below the root, computed once and kept current.

    The `labels` and `empty` kinds read every element's text. A removal or a cleared text
    changes only the texts of the elements above it, so those are forgotten
    (`changed`) and recomputed from their children's, which are still known.
    """

    def __init__(self, root: HtmlElement) -> None:
        self._root = root
        self._known: dict[HtmlElement, str] | None = None

    def all(self) -> dict[HtmlElement, str]:
        """Every element below the root with its text, in document order."""
        if self._known is None:
            self._known = _texts(self._root)
            return dict(self._known)
        return {element: self.of(element) for element in _elements(self._root)}

    def changed(self, element: HtmlElement | None) -> None:
        """The text inside `element` changed: forget its text and its ancestors'."""
        if self._known is None:
            return
        # An element whose text is not known has no known ancestors either.
        while element is not None and self._known.pop(element, None) is not None:
            element = element.getparent()

    def of(self, element: HtmlElement) -> str:
        """The text of one element below the root."""
        if self._known is None:
            self._known = _texts(self._root)
        text = self._known.get(element)
        if text is None:
            text = self._known[element] = _own_text(element, self.of)
        return text


@dataclass
class _Job:
    """One clean_html call: the wrapper element around the fragment and what it reports to."""

    root: HtmlElement
    report: Report
    title: str | None
    steps: Sequence[_Step]
    texts: _Texts
    # Matches of the `_Static` rules by step index, from one walk; None once stale.
    static: dict[int, list[HtmlElement]] | None = None

    def remove(self, rule: Rule, element: HtmlElement) -> None:
        """Drop an element with its content (its tail text stays) and say so in the report."""
        # Describing a removal costs as much as making it: only --explain reads it.
        self.report.add(rule.name, partial(_describe, element) if self.report.excerpts else "")
        self.texts.changed(element.getparent())
        element.drop_tree()

    def run_static(self, index: int) -> None:
        step = self.steps[index]
        assert isinstance(step, _Static)
        if step.tags is not None:
            found = list(self.root.iterdescendants(*step.tags))
        else:
            if self.static is None:
                self.static = _static_matches(self.root, self.steps, index)
            found = self.static.pop(index)
        for element in _in_tree(self.root, found, outermost=step.outermost):
            self.remove(step.rule, element)


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
    """`clean_html` on a `parse_fragment` tree, in place, for callers that go on with it.

    Every rule is read before any runs, so a curator's typo fails before the tree changes.
    """
    steps = [_step(rule) for rule in rules]
    job = _Job(root, report, title, steps, _Texts(root))
    # lxml makes a Python object for a node each time one is reached from C, unless one
    # is alive: holding them all spares the later walks making them again.
    alive = list(root.iter())
    for index, step in enumerate(steps):
        if isinstance(step, _Static):
            job.run_static(index)
        else:
            step(job)
    del alive


# --- rule plumbing --------------------------------------------------------------------------

# Each rule read into its step once per Rule object (see `_step`), by id: a Rule holds a
# dict, so it cannot be a key. The weak reference tells a live rule from a reused id.
_STEPS: dict[int, tuple[weakref.ref[Rule], _Step]] = {}


def _step(rule: Rule) -> _Step:
    """The rule's step, read from its spec on first use: reading every rule again for each
    article (validating keys, hashing pattern lists) cost a tenth of the cleaning."""
    known = _STEPS.get(id(rule))
    if known is None or known[0]() is not rule:
        known = (weakref.ref(rule), _handler(rule)(rule))
        _STEPS[id(rule)] = known
        weakref.finalize(rule, _STEPS.pop, id(rule), None)
    return known[1]


def _handler(rule: Rule) -> Callable[[Rule], _Step]:
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


@dataclass(frozen=True)
class _Compound:
    """A selector such as `div.a#b`: a tag name ("*": any), classes and ids."""

    tag: str
    classes: tuple[str, ...]
    ids: tuple[str, ...]

    def selects(self, tag: str, values: Attributes) -> bool:
        return (
            self.tag in ("*", tag)
            and all(values.get("id") == i for i in self.ids)
            and all(c in _class_tokens(values.get("class", "")) for c in self.classes)
        )


@dataclass(frozen=True)
class _Simple:
    """A CSS selector list of tag names, classes and ids (what rules.yml uses), tested on
    an element's tag and attributes: the walks read those anyway, and lxml's CSSSelector
    evaluates an XPath over the whole tree for each selector of the list."""

    tags: frozenset[str]  # the selectors that are a tag name alone
    compounds: tuple[_Compound, ...]  # the others

    def matches(self, tag: str, values: Attributes) -> bool:
        return tag in self.tags or any(c.selects(tag, values) for c in self.compounds)

    @property
    def carried(self) -> str | None:
        """An attribute every selected element carries (`class` or `id`), if there is one."""
        if self.tags:
            return None
        if all(c.classes for c in self.compounds):
            return "class"
        return "id" if all(c.ids for c in self.compounds) else None


@cache
def _simple(selectors: tuple[str, ...]) -> _Simple | None:
    """The selector list as a `_Simple`, or None when it uses anything more than tag
    names, classes and ids: that goes to lxml's CSSSelector."""
    try:
        parsed = parse_css(", ".join(selectors))
    except SelectorError:
        return None  # CSSSelector raises the same error, naming the problem
    found = [_compound(s.parsed_tree) if s.pseudo_element is None else None for s in parsed]
    compounds = [c for c in found if c is not None]
    if not compounds or len(compounds) < len(found):
        return None
    bare = frozenset(c.tag for c in compounds if not (c.classes or c.ids))
    if "*" in bare:  # every element: rare enough to leave to CSSSelector
        return None
    return _Simple(bare, tuple(c for c in compounds if c.classes or c.ids))


def _compound(tree: Any) -> _Compound | None:
    """The compound selector of a parsed selector such as `div.a#b`, with the tag name in
    lower case as lxml's HTML translator reads it; None for any other selector."""
    classes: list[str] = []
    ids: list[str] = []
    while not isinstance(tree, Element):
        if isinstance(tree, Class) and _CLASS_NAME.fullmatch(tree.class_name):
            classes.append(tree.class_name)
            tree = tree.selector
        elif isinstance(tree, Hash):
            ids.append(tree.id)
            tree = tree.selector
        else:
            return None
    if tree.namespace is not None:
        return None
    return _Compound((tree.element or "*").lower(), tuple(classes), tuple(ids))


@cache
def _select(selectors: tuple[str, ...]) -> Callable[[HtmlElement], list[HtmlElement]]:
    """CSS selection at and below an element, in document order: lxml's XPath costs most
    of it setting up for each new document, more than a look at each element's tags and
    attributes. Selectors that all need one attribute look at the elements carrying it."""
    simple = _simple(selectors)
    if simple is None:
        return _selector(selectors)
    carried = simple.carried
    return lambda top: [
        e
        for e in top.iter(etree.Element)
        if (carried is None or e.get(carried) is not None) and simple.matches(e.tag, e.attrib)
    ]


@lru_cache(maxsize=4096)
def _class_tokens(value: str) -> frozenset[str]:
    """A class attribute's names, split where XPath's normalize-space() splits them."""
    return frozenset(_XML_SPACE.split(value))


@cache
def _regexes(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


# More than any bounded label pattern; sre reports an unbounded width as 2**32 or more.
_UNBOUNDED = 1 << 16
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
def _longest(patterns: tuple[str, ...]) -> int | None:
    """The length of the longest text one of `patterns` can match, or None when a pattern
    is unbounded (or sre's parser cannot say): labels are short, the texts around them
    are not, and a text known to be longer than any label need not be read whole."""
    try:
        widths = [sre_parser.parse(p, re.IGNORECASE).getwidth()[1] for p in patterns]
    except (AttributeError, re.error):  # no parser, or one that reads patterns otherwise
        return None
    longest = max(widths, default=0)
    return longest if longest < _UNBOUNDED else None


@cache
def _globs(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex matching exactly what any of the shell globs matches (fnmatchcase)."""
    return re.compile("|".join(fnmatch.translate(p) for p in patterns) or "(?!)")


# Tag names lxml's iter() reads as they are (no namespace braces, no wildcard).
_PLAIN_TAG = re.compile(r"[a-z][a-z0-9-]*")


def _elements(root: HtmlElement) -> Iterator[HtmlElement]:
    """Every element below the wrapper, in document order (comments and PIs excluded)."""
    return root.iterdescendants(etree.Element)


def _texts(root: HtmlElement) -> dict[HtmlElement, str]:
    """`text_content()` of every element below `root`, in document order, from one walk.

    Asking each element for its own text re-reads every subtree once per ancestor.
    """
    collect = _Collect()
    for child in root.iterchildren(etree.Element):
        collect(child)
    return collect.texts


class _Collect:
    """`_texts`' walk: an element's text from its children's, entered in document order.

    A class rather than a nested function that calls itself: such a function is a reference
    cycle (through its closure cell) holding the texts, so every element and the whole
    tree stayed alive until a garbage collection, which cost an import more than the walk.
    """

    def __init__(self) -> None:
        self.texts: dict[HtmlElement, str] = {}

    def __call__(self, element: HtmlElement) -> str:
        self.texts[element] = ""  # its place in document order, before its descendants
        self.texts[element] = text = _own_text(element, self)
        return text


def _own_text(element: HtmlElement, text_of: Callable[[HtmlElement], str]) -> str:
    """`element.text_content()`, from `text_of` of its child elements."""
    if not len(element):  # most elements hold no others: <br>, many a <p>
        return element.text or ""
    parts = [element.text or ""]
    for child in element[:]:  # a slice: iterating an lxml element directly costs more
        if isinstance(child.tag, str):  # a comment's or PI's own text is not content
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


_Matchers = list[tuple[int, Callable[[str, Attributes], bool]]]


def _static_matches(
    root: HtmlElement, steps: Sequence[_Step], start: int
) -> dict[int, list[HtmlElement]]:
    """The elements below `root` matched by the `_Static` steps from `start` on that need a
    walk (see `_Static.tags`), each under the first of them it matches, in document order.

    The first is enough: an element still in the tree when that rule runs goes then,
    alone or inside an outer match, so no later rule can see it.
    """
    statics = [
        (i, s)
        for i, s in enumerate(steps)
        if i >= start and isinstance(s, _Static) and s.tags is None
    ]
    rules = [(i, s.matches) for i, s in statics]
    found: dict[int, list[HtmlElement]] = {i: [] for i, _ in rules}
    # Most elements carry no attributes: their verdict depends on the tag alone.
    by_tag: dict[str, int | None] = {}
    for element in _elements(root):
        tag, attributes = element.tag, element.items()
        if attributes:
            index = _first_match(rules, tag, dict(attributes))
        elif tag in by_tag:
            index = by_tag[tag]
        else:
            index = by_tag[tag] = _first_match(rules, tag, _NO_ATTRIBUTES)
        if index is not None:
            found[index].append(element)
    return found


def _first_match(rules: _Matchers, tag: str, values: Attributes) -> int | None:
    for index, matches in rules:
        if matches(tag, values):
            return index
    return None


def _in_tree(
    root: HtmlElement, elements: Iterable[HtmlElement], *, outermost: bool
) -> list[HtmlElement]:
    """The `elements` (in document order) still below `root`, minus, when `outermost`,
    those inside an earlier one (removed with it)."""
    kept: list[HtmlElement] = []
    for element in elements:
        last = kept[-1] if outermost and kept else None
        # Up from the element: reaching the root first keeps it, `last` or None does not.
        parent = element.getparent()
        while parent is not None and parent is not last and parent is not root:
            parent = parent.getparent()
        if parent is root:
            kept.append(element)
    return kept


def _outermost(elements: Iterable[HtmlElement]) -> list[HtmlElement]:
    """Matches in document order minus those inside an earlier match (removed with it)."""
    kept: list[HtmlElement] = []
    for element in elements:
        if not (kept and _inside(element, kept[-1])):
            kept.append(element)
    return kept


def _inside(element: HtmlElement, ancestor: HtmlElement) -> bool:
    """Whether `ancestor` is above `element` (up by getparent(): iterancestors() costs more)."""
    parent = element.getparent()
    while parent is not None:
        if parent is ancestor:
            return True
        parent = parent.getparent()
    return False


def _describe(element: HtmlElement) -> str:
    """`<tag attr="…">` and the text, so --explain shows what went without the style noise."""
    attributes = "".join(
        f' {name}="{value[:60]}"' for name, value in element.attrib.items() if name != "style"
    )
    return f"<{element.tag}{attributes}> {element.text_content()}"


def _is_blank(text: str | None) -> bool:
    # Most texts start with a visible character, which settles it without the regex.
    return not text or (
        (text[0].isspace() or text[0] in _INVISIBLE) and _BLANK.fullmatch(text) is not None
    )


@lru_cache(maxsize=4096)
def _words(value: str) -> tuple[str, ...]:
    """Class and id values repeat across a site's articles, so their words are kept."""
    return tuple(w.lower() for w in _WORD.findall(value))


def _contains_run(words: tuple[str, ...], run: tuple[str, ...]) -> bool:
    size = len(run)
    return any(words[i : i + size] == run for i in range(len(words) - size + 1))


def _remove_outermost(
    job: _Job, rule: Rule, found: list[HtmlElement], media: Sequence[str]
) -> None:
    """Remove the outermost of `found`, in document order, but none that is or holds one of
    the `media` tags: such an element shows something without text."""
    if found:
        holders = _holding(job.root, media)
        found = [e for e in found if e not in holders]
    for element in _outermost(found):
        job.remove(rule, element)


def _holding(root: HtmlElement, media: Sequence[str]) -> set[HtmlElement]:
    """The elements that are or hold one of the `media` tags: one pass over the tree, where
    asking each candidate (element.iter) costs a tag matcher per element."""
    holders: set[HtmlElement] = set()
    # root.iter() with no tags would match every element, so an empty list holds nothing.
    for found in root.iter(*media) if media else ():
        while found is not None and found not in holders:
            holders.add(found)
            found = found.getparent()
    return holders


# --- kinds ----------------------------------------------------------------------------------


def _figure(rule: Rule) -> _Step:
    captions = _select(_strings(rule, "captions"))
    containers = _select(_strings(rule, "containers"))

    def step(job: _Job) -> None:
        for box in _outermost(containers(job.root)):
            box.tag = "figure"
            for caption in captions(box):
                caption.tag = "figcaption"
            job.static = None  # tags changed

    return step


def _drop(rule: Rule) -> _Step:
    selectors = _strings(rule, "selectors")
    if (simple := _simple(selectors)) is not None:
        by_tag = not simple.compounds and all(map(_PLAIN_TAG.fullmatch, simple.tags))
        return _Static(rule, simple.matches, tags=simple.tags if by_tag else None)
    select = _selector(selectors)

    def step(job: _Job) -> None:
        matches = (e for e in select(job.root) if e is not job.root)
        for element in _outermost(matches):
            job.remove(rule, element)

    return step


def _comments(rule: Rule) -> _Step:
    def step(job: _Job) -> None:
        for comment in list(job.root.iter(etree.Comment)):
            job.report.add(rule.name, partial(_comment_excerpt, comment))
            comment.drop_tree()  # its tail stays: no element's text changes

    return step


def _comment_excerpt(comment: etree._Comment) -> str:
    return f"<!-- {comment.text} -->"


@dataclass(frozen=True)
class _Runs:
    """Tokens as runs of words: one-word runs are looked up in a set, longer ones scanned."""

    single: frozenset[str]
    longer: tuple[tuple[str, ...], ...]
    # The first words of the longer runs: a value holding none of them holds no such run.
    starts: frozenset[str]
    # A token with no words at all is an empty run, found in any value, even none.
    anything: bool

    @classmethod
    def of(cls, tokens: tuple[str, ...]) -> _Runs:
        runs = {_words(t) for t in tokens}
        longer = tuple(r for r in runs if len(r) > 1)
        return cls(
            frozenset(r[0] for r in runs if len(r) == 1),
            longer,
            frozenset(r[0] for r in longer),
            () in runs,
        )

    def found_in(self, words: tuple[str, ...]) -> bool:
        if self.anything or not self.single.isdisjoint(words):
            return True
        return not self.starts.isdisjoint(words) and any(
            _contains_run(words, run) for run in self.longer
        )


_runs = cache(_Runs.of)


def _attribute_tokens(rule: Rule) -> _Step:
    attributes = _strings(rule, "attributes")
    runs = _runs(_strings(rule, "tokens"))
    if runs.anything:  # found even in a missing attribute
        return _Static(rule, lambda _tag, _values: bool(attributes))

    @lru_cache(maxsize=4096)  # class and id values repeat across a site's articles
    def holds_token(value: str) -> bool:
        return runs.found_in(_words(value))

    def matches(_tag: str, values: Attributes) -> bool:
        for name in attributes:
            value = values.get(name)
            if value and holds_token(value):
                return True
        return False

    return _Static(rule, matches)


def _attribute_names(rule: Rule) -> _Step:
    globs = _globs(_strings(rule, "patterns"))

    @lru_cache(maxsize=4096)  # a page uses few attribute names, over and over
    def matching(name: str) -> bool:
        return globs.match(name.lower()) is not None

    def matches(_tag: str, values: Attributes) -> bool:
        return any(map(matching, values))

    return _Static(rule, matches)


def _labels(rule: Rule) -> _Step:
    patterns = _strings(rule, "patterns")
    label, longest = _fullmatcher(patterns), _longest(patterns)
    blank = label("")  # what a text of white space alone reads as

    def is_label(text: str) -> bool:
        if not text or text.isspace():
            return blank
        if longest is None:
            return label(_label_text(text))
        if _label_exceeds(text, longest):
            return False
        text = _label_text(text)
        return len(text) <= longest and label(text)

    def step(job: _Job) -> None:
        texts = job.texts.all()
        _remove_outermost(job, rule, [e for e, text in texts.items() if is_label(text)], _MEDIA)

    return step


def _label_exceeds(text: str, limit: int) -> bool:
    """Whether the start of `text` already reads as a label text longer than `limit`.

    The label text of a text's start is a prefix of the whole text's, so a long text (an
    article's wrapper) is settled without splitting all of it into words.
    """
    start = 2 * (limit + 1)  # prose: seldom half white space and edges
    return len(text) > start and len(_label_text(text[:start])) > limit


def _label_text(text: str) -> str:
    """The text with white space collapsed and the edges stripped, as a label is read.

    A printable text holds no white space but the plain space, so without a double space
    there is nothing to collapse: splitting it into words would only cost time.
    """
    if text.isprintable() and "  " not in text:
        return text.strip(_LABEL_EDGES)  # which holds " "
    return " ".join(text.split()).strip(_LABEL_EDGES)


def _tracking_pixels(rule: Rule) -> _Step:
    limit = rule.spec.get("max-size")
    if not isinstance(limit, int):
        raise ValueError(f"rules.yml html rule {rule.name!r} (tracking-pixels) needs max-size:")
    patterns = _regexes(_strings(rule, "src-patterns"))

    def matches(tag: str, values: Attributes) -> bool:
        if tag != "img":
            return False
        style = values.get("style", "")
        sizes = [float(m[2]) for m in _STYLE_SIZE.finditer(style)] + [
            float(m[1]) for a in ("width", "height") if (m := _DIMENSION.match(values.get(a, "")))
        ]
        hidden = values.get("hidden") is not None or _STYLE_HIDDEN.search(style)
        src = values.get("src", "")
        return (
            any(s <= limit for s in sizes) or bool(hidden) or any(p.search(src) for p in patterns)
        )

    return _Static(rule, matches, outermost=False)


def _empty(rule: Rule) -> _Step:
    """Outermost empty containers go; a container is empty only if all it holds is, so this
    single pass leaves none behind (what repeating until nothing changes would reach)."""
    tags = frozenset(_strings(rule, "tags"))
    keep = _strings(rule, "keep")
    # lxml finds elements by plain tag names in C (iter() with no names finds every one).
    by_name = bool(tags) and all(map(_PLAIN_TAG.fullmatch, tags))

    def step(job: _Job) -> None:
        if by_name:
            candidates: Iterable[HtmlElement] = job.root.iterdescendants(*tags)
        else:
            candidates = (e for e in _elements(job.root) if e.tag in tags)
        _remove_outermost(job, rule, [e for e in candidates if _is_blank(job.texts.of(e))], keep)

    return step


def _query_params(rule: Rule) -> _Step:
    attributes = rule.spec.get("attributes")
    if not isinstance(attributes, dict):
        raise ValueError(f"rules.yml html rule {rule.name!r} (query-params) needs attributes:")
    params = _strings(rule, "params")

    def step(job: _Job) -> None:
        for tag, attribute in attributes.items():
            for element in job.root.iter(tag):
                url = element.get(attribute)
                if not url:
                    continue
                cleaned, removed = strip_params(url, params)
                if removed:
                    element.set(attribute, cleaned)
                    job.report.add(rule.name, f"{', '.join(removed)} from {url}")
                    job.static = None  # attributes changed

    return step


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

    def remove(self, texts: _Texts) -> None:
        for element, slot in self.slots:
            texts.changed(element if slot == "text" else element.getparent())
            setattr(element, slot, None)
        for element in self.inline:
            texts.changed(element.getparent())
            element.drop_tree()


def _slot_text(element: HtmlElement, slot: str) -> str:
    return getattr(element, slot) or ""


def _backwards(root: HtmlElement) -> Iterator[tuple[str, HtmlElement]]:
    """(event, element) in reverse document order: end, children (each tail first), text,
    start. Lazy, so looking at the end of a long article touches only its end; a stack
    rather than recursion, so an event does not climb through a generator per level."""
    yield "end", root
    stack: list[Any] = [("start", root), ("text", root), iter(root[::-1])]
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
                stack += [("start", child), ("text", child), iter(child[::-1])]


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


def _trailer(rule: Rule) -> _Step:
    ends_trailer = _fullmatcher(_strings(rule, "patterns"))

    def step(job: _Job) -> None:
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
            line.remove(job.texts)

    return step


def _comparable(text: str) -> str:
    """Words only, case-folded: a repeated title may differ in quotes and punctuation."""
    return " ".join(re.findall(r"\w+", text.casefold()))


_KINDS: dict[str, Callable[[Rule], _Step]] = {
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
