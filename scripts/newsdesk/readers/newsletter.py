"""Reader for a newsletter issue saved as plain text (an email or its web archive page).

An issue is recognised by the furniture newsletters share, not by any one publisher:
ALL-CAPS section headings, a greeting, "in this edition", "view in browser", polls,
unsubscribe lines, sponsor headings. Each kind of signal counts once, so one stray
"Good morning," in a blog post is not enough; `_THRESHOLD` of them are.

A web archive page starts with the site's breadcrumb ("• asiabits • Posts • <title>");
it is navigation, recognised because its last item repeats the headline below it. An
email may start with preheader lines ("View this email in your browser"); the title is
the first line after them, and they stay in the body for the cleaner to remove and report.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsdesk.article import Article
from newsdesk.clean.text import bullet_text, is_section_heading, strip_decoration
from newsdesk.readers import Input, Reader, ReadError, Skip, register
from newsdesk.readers._text import first_content_line, plain_title, sniff_text, text_article

_FLAGS = re.IGNORECASE | re.MULTILINE
_PREHEADER_RE = re.compile(
    r"(?:(?:view|read|open)(?: this| it)?(?: email| newsletter| issue)?"
    r"(?: in (?:your |a |the )?(?:web )?browser| online)"
    r"|(?:was this (?:email |newsletter )?|were you )?forwarded(?: this)?"
    r"(?: email| newsletter)?(?: to you)?\?)",
    re.IGNORECASE,
)
_SIGNALS = (
    re.compile(
        r"^(?:good (?:morning|afternoon|evening|day)|hi|hello|hey|dear|greetings"
        r"|welcome(?: back)?|gm)\b.{0,40}[,.!]$",
        _FLAGS,
    ),
    re.compile(
        r"\b(?:in|also in) (?:this|today['’]s|this week['’]s) (?:edition|issue|newsletter|email"
        r"|briefing)\b",
        _FLAGS,
    ),
    re.compile(r"^" + _PREHEADER_RE.pattern, _FLAGS),
    re.compile(r"\bunsubscribe\b|\b(?:manage|update) (?:your )?(?:email )?preferences\b", _FLAGS),
    re.compile(
        r"\bparticipate in polls\b|\b(?:how (?:do|did) you like|what did you think of)"
        r" (?:today['’]s|this week['’]s)\b",
        _FLAGS,
    ),
    re.compile(
        r"^(?:in partnership with|sponsored by|presented by|together with|brought to you by"
        r"|a message from)\b[^.!?\n]{0,60}$",
        _FLAGS,
    ),
)
_THRESHOLD = 3


def _sniff(source: Input) -> bool:
    text = sniff_text(source)
    return text is not None and newsletter_score(text) >= _THRESHOLD


def newsletter_score(text: str) -> int:
    """How many kinds of newsletter furniture `text` shows; headings count up to two."""
    lines = text.splitlines()
    stripped = "\n".join(strip_decoration(line) for line in lines)
    headings = sum(1 for line in lines if is_section_heading(line))
    signals = sum(1 for signal in _SIGNALS if signal.search(stripped))
    return signals + (headings >= 3) + (headings >= 5)


def _read(source: Input) -> Iterator[Article | Skip]:
    lines = source.text.splitlines()
    start = _navigation_end(lines)
    title_at = first_content_line(lines, start)
    while title_at is not None and _PREHEADER_RE.match(strip_decoration(lines[title_at])):
        title_at = first_content_line(lines, title_at + 1)
    if title_at is None:
        raise ReadError(f"{source.path}: no headline found; a newsletter issue needs one")
    body = lines[start:title_at] + lines[title_at + 1 :]
    yield text_article(source, READER.name, lines[title_at], body)


def _navigation_end(lines: list[str]) -> int:
    """Where a leading breadcrumb ends: 0 unless its last item repeats the next line."""
    first = first_content_line(lines)
    if first is None:
        return 0
    end = first
    while end < len(lines) and bullet_text(lines[end]) is not None:
        end += 1
    after = first_content_line(lines, end)
    if end == first or after is None:
        return 0
    return end if plain_title(lines[end - 1]) == plain_title(lines[after]) else 0


READER = register(
    Reader(
        name="newsletter",
        summary="a newsletter issue as plain text (sections, greeting, polls, sponsor blocks)",
        sniff=_sniff,
        read=_read,
    )
)
