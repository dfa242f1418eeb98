"""Reader for one article saved as plain text: a clipping, a blog post copied from the page.

The layout is the common one of copied articles: the title on the first line, then an
optional byline ("By Michael Turner | Senior Markets Correspondent"), then the body.
The byline is kept as "Name, Role" (the separators |, •, · and spaced dashes become
commas) because front matter wants one readable line, not the source's typography.
Date and source come from the import's sidecar, not from here.

This reader is the fallback for text: it accepts any non-empty text that is not JSON or
XML/HTML; the newsletter reader is sniffed first and claims newsletter issues.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsdesk.article import TITLE_MAX, Article
from newsdesk.clean.text import strip_decoration
from newsdesk.readers import Input, Reader, ReadError, Skip, register
from newsdesk.readers._text import first_content_line, sniff_text, text_article

_BYLINE_RE = re.compile(r"(?:written |words |reporting |story )?by\s+(?P<credit>.+)", re.I)
_CREDIT_SEPARATOR_RE = re.compile(r"\s*[|•·,]\s*|\s+[–—-]\s+")
# Lower-case words that may sit inside a person's name ("Jane Doe and John Smith",
# "Ursula von der Leyen"); any other lower-case word means the line is prose.
_NAME_PARTICLES = frozenset(
    {"and", "&", "de", "da", "del", "der", "den", "van", "von", "bin", "al"}
)
_BYLINE_WINDOW = 3  # the byline sits in the header: among the first lines after the title


def _sniff(source: Input) -> bool:
    return sniff_text(source) is not None


def _read(source: Input) -> Iterator[Article | Skip]:
    lines = source.text.splitlines()
    title_at = first_content_line(lines)
    if title_at is None:
        raise ReadError(f"{source.path}: the file is empty; a text article needs a title line")
    byline, body = take_byline(lines[title_at + 1 :])
    yield text_article(source, READER.name, lines[title_at], body, byline)


def take_byline(lines: list[str]) -> tuple[str | None, list[str]]:
    """Find the byline among the first lines and return it with the lines without it."""
    index = first_content_line(lines)
    for _ in range(_BYLINE_WINDOW):
        if index is None:
            break
        if byline := parse_byline(lines[index]):
            return byline, lines[:index] + lines[index + 1 :]
        index = first_content_line(lines, index + 1)
    return None, lines


def parse_byline(line: str) -> str | None:
    """ "By Name | Role" -> "Name, Role"; None when the line is prose ("By 2030, …")."""
    match = _BYLINE_RE.fullmatch(strip_decoration(line))
    if not match:
        return None
    parts = [part for part in _CREDIT_SEPARATOR_RE.split(match["credit"].strip()) if part]
    if not parts or not _is_name(parts[0]):
        return None
    byline = ", ".join(parts)
    return byline if len(byline) <= TITLE_MAX else None


def _is_name(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 8 and all(
        word[0].isupper() or word.lower() in _NAME_PARTICLES for word in words
    )


READER = register(
    Reader(
        name="text-article",
        summary="a plain-text article: title line, optional 'By …' byline, body",
        sniff=_sniff,
        read=_read,
    )
)
