"""The text cleaner: named line rules first, then the structure recovered as HTML.

Plain-text sources (clippings, newsletter issues) carry their structure only in layout:
ALL-CAPS section headings, short title-like lines, bullet characters, a quotation on its
own. Junk is removed first, so that a dropped sponsor block or comment form cannot leave
a heading or a list behind; the structure is then rebuilt as an HTML fragment, so text
and HTML sources share one sanitizer and one Markdown converter downstream.

Heading vs paragraph, decided per blank-line-separated block:
- `<h2>`: an ALL-CAPS line of at most 8 words (TOP BIT, NUMBER OF THE DAY), kept as
  written: re-casing would have to guess at acronyms and names (KKR, AI, US).
- `<h3>`: a single-line block of at most 12 words that does not end like a sentence
  (. , ; : ! …; a question mark is allowed), starts with a capital, has at most one
  comma and no URL, and is followed by content (a paragraph, list or quotation, possibly
  after more such lines). A sign-off or a closing line with nothing under it stays `<p>`.
- everything else is a `<p>`; the lines of a block are joined with spaces, because
  plain-text email is hard-wrapped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from newsdesk.clean import Report, Rule

BULLET_RE = re.compile(r"^\s*([•●▪◦‣·*+-])\s+(\S.*)$")
_SEPARATOR_RE = re.compile(r"^\s*([-*_=•·~])(?:\s*\1){2,}\s*$")
_ATTRIBUTION_RE = re.compile(r"^\s*(?:—|–|―|--)\s*\S")
_URL_RE = re.compile(r"://|\bwww\.", re.IGNORECASE)
_OPENING_QUOTES = '"“„«'
_CLOSING_QUOTES = '"”“»'  # “ closes a German „
_DOUBLE_QUOTES = frozenset('"“”„«»')
_SENTENCE_END = frozenset(".,;:!…")
_KEEP_LEADING = frozenset("\"'@¿¡©")
_TRAILING_SYMBOLS = frozenset({"So", "Sk", "Mn", "Me", "Cf", "Cc", "Zs"})
_STRAIGHT_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_CONTENT = frozenset({"p", "ul", "quote"})

# Which spec keys each kind accepts: a curator's typo must fail loudly, not be ignored.
_KIND_KEYS: dict[str, frozenset[str]] = {
    "drop-lines": frozenset({"patterns"}),
    "drop-tail": frozenset({"patterns", "min_words_before"}),
    "drop-section": frozenset({"patterns"}),
    "drop-empty-headings": frozenset(),
}


def clean_text(text: str, rules: Sequence[Rule], report: Report) -> str:
    """Apply the text rules to `text` and return its structure as an escaped HTML fragment.

    Line rules run in the order listed; `drop-empty-headings` can only judge a heading
    once the structure exists, so it runs after structure recovery wherever it is listed.
    """
    for rule in rules:
        _check(rule)
    lines = [line if line.strip() else "" for line in text.splitlines()]
    for rule in rules:
        if rule.kind in _LINE_RULES:
            lines = _LINE_RULES[rule.kind](lines, rule, report)
    blocks = _resolve_titles(_blocks(_groups(lines)))
    for rule in rules:
        if rule.kind == "drop-empty-headings":
            blocks = _drop_empty_headings(blocks, rule, report)
    return "\n".join(_render(block) for block in blocks)


# --- line shapes shared with the plain-text readers ------------------------------------------


def strip_decoration(text: str) -> str:
    """`text` without the bullets, emoji and arrows in front of its first word.

    Newsletters decorate titles and prompts ("🚗 Ford…", "👉🏻 P.S. …"); the decoration is
    not part of the words a title or a rule is about. Opening quotes, brackets and
    currency signs are words' business and stay.
    """
    text = text.strip()
    start = next((i for i, ch in enumerate(text) if not _is_leading_decoration(ch)), len(text))
    return text[start:]


def bullet_text(line: str) -> str | None:
    """The item text of a bullet line (•, -, *, + …, optionally indented), else None."""
    match = BULLET_RE.match(line)
    return match[2].strip() if match else None


def is_section_heading(line: str) -> bool:
    """True for a short ALL-CAPS line: how plain-text newsletters mark their sections."""
    text = line.strip()
    if BULLET_RE.match(line) or _ATTRIBUTION_RE.match(text):
        return False
    if not _heading_shaped(text, max_words=8, max_chars=60):
        return False
    cased = [ch for ch in text if ch.isupper() or ch.islower()]
    return len(cased) >= 2 and all(ch.isupper() for ch in cased)


def _is_leading_decoration(ch: str) -> bool:
    category = unicodedata.category(ch)
    words = category[0] in "LN" or category in ("Ps", "Pi", "Sc")
    return not (words or ch in _KEEP_LEADING)


def _strip_trailing_symbols(text: str) -> str:
    end = len(text)
    while end and unicodedata.category(text[end - 1]) in _TRAILING_SYMBOLS:
        end -= 1
    return text[:end]


def _last_char(text: str) -> str:
    """The character that says whether a line ends like a sentence.

    Trailing emoji ("Enjoy the read! 📰") and closing quotes (Farley's "Epiphany") are
    skipped, because the punctuation before them is what decides.
    """
    text = _strip_trailing_symbols(text.strip()).rstrip("\"'”’»)]")
    return text[-1:] if text else ""


def _heading_shaped(text: str, *, max_words: int, max_chars: int) -> bool:
    words = len(text.split())
    return (
        0 < words <= max_words and len(text) <= max_chars and _last_char(text) not in _SENTENCE_END
    )


def _is_title_like(line: str) -> bool:
    text = strip_decoration(line)
    first_letter = next((ch for ch in text if ch.isalpha()), "")
    return (
        _heading_shaped(text, max_words=12, max_chars=90)
        and first_letter != ""
        and not first_letter.islower()
        and text.count(",") <= 1
        and not _URL_RE.search(text)
    )


def _match_key(line: str) -> str:
    """What a rule pattern sees: the line without decoration, with straight quotes."""
    return _strip_trailing_symbols(strip_decoration(line)).strip().translate(_STRAIGHT_QUOTES)


# --- the line rules --------------------------------------------------------------------------


def _check(rule: Rule) -> None:
    where = f"rules.yml text rule {rule.name!r}"
    if rule.kind not in _KIND_KEYS:
        raise ValueError(f"{where}: unknown kind {rule.kind!r}; known: {', '.join(_KIND_KEYS)}")
    if unknown := set(rule.spec) - _KIND_KEYS[rule.kind]:
        allowed = ", ".join(sorted(_KIND_KEYS[rule.kind])) or "none"
        raise ValueError(f"{where}: unknown keys {sorted(unknown)} for {rule.kind} ({allowed})")
    if "patterns" in _KIND_KEYS[rule.kind]:
        _matcher(rule)
    if not isinstance(rule.spec.get("min_words_before", 0), int):
        raise ValueError(f"{where}: min_words_before must be a whole number")


def _matcher(rule: Rule) -> Callable[[str], bool]:
    patterns = rule.spec.get("patterns")
    if not (isinstance(patterns, list) and patterns and all(isinstance(p, str) for p in patterns)):
        raise ValueError(f"rules.yml text rule {rule.name!r}: patterns must be a list of regexes")
    try:
        compiled = _compile(tuple(patterns))
    except re.error as exc:
        raise ValueError(
            f"rules.yml text rule {rule.name!r}: bad pattern {exc.pattern!r}: {exc}"
        ) from None
    return lambda line: any(p.fullmatch(_match_key(line)) for p in compiled)


@lru_cache(maxsize=128)
def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


def _drop_lines(lines: list[str], rule: Rule, report: Report) -> list[str]:
    matches = _matcher(rule)
    kept = []
    for line in lines:
        if line and matches(line):
            report.add(rule.name, line)
        else:
            kept.append(line)
    return kept


def _drop_tail(lines: list[str], rule: Rule, report: Report) -> list[str]:
    """Cut at the first footer line that has `min_words_before` words above it.

    The threshold keeps a "3 Comments" meta line under a title from swallowing the
    article: a comment section or a platform footer always follows some text.
    """
    matches = _matcher(rule)
    min_words = rule.spec.get("min_words_before", 0)
    words = 0
    for index, line in enumerate(lines):
        if line and words >= min_words and matches(line):
            report.add(rule.name, " ".join(filter(None, lines[index:])))
            return lines[:index]
        words += len(line.split())
    return lines


def _drop_sections(lines: list[str], rule: Rule, report: Report) -> list[str]:
    """Remove each heading-shaped matching line and its section.

    Only a heading-shaped line (at most 8 words, not ending like a sentence) can open a
    section, so a hard-wrapped sentence starting "Presented by…" is never taken for one.
    """
    matches = _matcher(rule)
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line and _heading_shaped(line.strip(), max_words=8, max_chars=60) and matches(line):
            end = _section_end(lines, index + 1)
            report.add(rule.name, " ".join(filter(None, lines[index:end])))
            index = end
        else:
            kept.append(line)
            index += 1
    return kept


def _section_end(lines: list[str], start: int) -> int:
    """A section runs to the next section heading or separator line, else to the end."""
    for index in range(start, len(lines)):
        if is_section_heading(lines[index]) or _SEPARATOR_RE.match(lines[index]):
            return index
    return len(lines)


_LINE_RULES: dict[str, Callable[[list[str], Rule, Report], list[str]]] = {
    "drop-lines": _drop_lines,
    "drop-tail": _drop_tail,
    "drop-section": _drop_sections,
}


# --- structure recovery ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    """One unit of structure: h2, h3, title (h3 or p, undecided), p, ul, quote, attribution."""

    kind: str
    parts: tuple[str, ...]
    marker: str = ""  # for a list: the bullet character when all items share it


def _groups(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines; a section heading, or a bullet after prose, starts a new run.

    A newsletter often puts a heading or a list straight under a line of text, without a
    blank line, and they still are separate blocks.
    """
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        separator = not line or _SEPARATOR_RE.match(line) is not None
        heading = is_section_heading(line)
        after_prose = bool(current) and BULLET_RE.match(current[0]) is None
        if separator or heading or (after_prose and BULLET_RE.match(line) is not None):
            groups.append(current)
            current = []
        if heading:
            groups.append([line])
        elif not separator:
            current.append(line)
    groups.append(current)
    return [group for group in groups if group]


def _blocks(groups: list[list[str]]) -> list[_Block]:
    """Classify each run, then join what belongs together across blank lines.

    Newsletters put blank lines between bullets and between a quotation and its
    attribution; a list of one "+" item is a subtitle ("+ Singapore & China: …"), not a
    list.
    """
    blocks: list[_Block] = []
    for group in groups:
        block = _classify(group)
        previous = blocks[-1] if blocks else None
        if previous and previous.kind == block.kind == "ul":
            marker = previous.marker if previous.marker == block.marker else ""
            blocks[-1] = _Block("ul", previous.parts + block.parts, marker)
        elif previous and previous.kind == "quote" and block.kind == "attribution":
            if len(previous.parts) == 1:
                blocks[-1] = _Block("quote", previous.parts + block.parts)
            else:
                blocks.append(_Block("p", block.parts))
        else:
            blocks.append(block)
    return [_demote(block) for block in blocks]


def _demote(block: _Block) -> _Block:
    if block.kind == "ul" and block.marker == "+" and len(block.parts) == 1:
        return _Block("p", (f"+ {block.parts[0]}",))
    if block.kind == "attribution":
        return _Block("p", block.parts)
    return block


def _classify(group: list[str]) -> _Block:
    text = _join(group)
    if BULLET_RE.match(group[0]):
        return _list_block(group)
    if len(group) == 1 and is_section_heading(group[0]):
        return _Block("h2", (text,))
    if _is_whole_quote(text):
        return _Block("quote", (text,))
    if len(group) > 1 and _ATTRIBUTION_RE.match(group[-1]) and _is_whole_quote(_join(group[:-1])):
        return _Block("quote", (_join(group[:-1]), _join(group[-1:])))
    if len(group) == 1 and _ATTRIBUTION_RE.match(group[0]):
        return _Block("attribution", (text,))
    if len(group) == 1 and _is_title_like(group[0]):
        return _Block("title", (text,))
    return _Block("p", (text,))


def _list_block(group: list[str]) -> _Block:
    """Items start at bullet lines; other lines continue the item above (wrapped text)."""
    items: list[str] = []
    markers: set[str] = set()
    for line in group:
        if match := BULLET_RE.match(line):
            items.append(_join([match[2]]))
            markers.add(match[1])
        else:
            items[-1] = _join([items[-1], line])
    return _Block("ul", tuple(items), markers.pop() if len(markers) == 1 else "")


def _join(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def _is_whole_quote(text: str) -> bool:
    """One quotation and nothing else: `"…," said X, "…"` has quotes inside and is prose."""
    return (
        len(text) > 2
        and text[0] in _OPENING_QUOTES
        and text[-1] in _CLOSING_QUOTES
        and not _DOUBLE_QUOTES & set(text[1:-1])
    )


def _resolve_titles(blocks: list[_Block]) -> list[_Block]:
    """A title-like line is a heading only when content follows it (see module docstring)."""
    resolved: list[_Block] = []
    heading_allowed = False
    for block in reversed(blocks):
        if block.kind == "title":
            block = _Block("h3" if heading_allowed else "p", block.parts)
        else:
            heading_allowed = block.kind in _CONTENT
        resolved.append(block)
    return resolved[::-1]


def _drop_empty_headings(blocks: list[_Block], rule: Rule, report: Report) -> list[_Block]:
    """Drop a heading with no content before the next `<h2>` or the end.

    Only an `<h2>` closes a section: a story headline directly above its first
    sub-heading ("Ford & Xiaomi: …" over "The Ford CEO's secret love") is not empty.
    """
    kept: list[_Block] = []
    dropped: list[str] = []
    content_below = False
    for block in reversed(blocks):
        if block.kind in ("h2", "h3") and not content_below:
            dropped.append(block.parts[0])
            continue
        if block.kind == "h2":
            content_below = False
        elif block.kind != "h3":
            content_below = True
        kept.append(block)
    for heading in reversed(dropped):
        report.add(rule.name, heading)
    return kept[::-1]


def _render(block: _Block) -> str:
    parts = [html.escape(part, quote=False) for part in block.parts]
    if block.kind == "ul":
        return "<ul>\n" + "".join(f"<li>{item}</li>\n" for item in parts) + "</ul>"
    if block.kind == "quote":
        return "<blockquote>\n" + "".join(f"<p>{p}</p>\n" for p in parts) + "</blockquote>"
    return f"<{block.kind}>{parts[0]}</{block.kind}>"
