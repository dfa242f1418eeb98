"""What the two plain-text readers share: the sniff guard and the title/body split."""

from __future__ import annotations

import codecs

from newsdesk.article import Article, Provenance
from newsdesk.clean.text import strip_decoration
from newsdesk.readers import Input, ReadError, decode_text

# A structured format starts with one of these; the plain-text readers are fallbacks and
# must leave such files to the reader that understands them, even when forced to sniff.
_STRUCTURED_START = ("{", "[", "<")


def sniff_text(source: Input) -> str | None:
    """The decoded head of a plain-text input, or None for JSON, XML/HTML, binary or empty.

    Only the head is decoded (big exports must not be read to sniff them), so a multibyte
    character cut at its end is left out instead of failing the whole file.
    """
    head = source.head
    if b"\0" in head:
        return None
    try:
        text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
    except UnicodeDecodeError:
        try:  # a legacy encoding is still text; read() reports how it was decoded
            text, _ = decode_text(head)
        except ReadError:
            return None
    start = text.lstrip()
    if not start or start.startswith(_STRUCTURED_START):
        return None
    return text


def first_content_line(lines: list[str], start: int = 0) -> int | None:
    """Index of the first line at or after `start` that is not blank (nbsp counts as blank)."""
    return next((i for i in range(start, len(lines)) if lines[i].strip()), None)


def plain_title(line: str) -> str:
    """A title line as front matter wants it: no leading emoji, single spaces."""
    return " ".join(strip_decoration(line).split())


def text_article(
    source: Input,
    reader: str,
    title_line: str,
    body_lines: list[str],
    byline: str | None = None,
) -> Article:
    """The one Article a plain-text input becomes; the cleaner works on `body` later."""
    title = plain_title(title_line)
    if not title:
        raise ReadError(f"{source.path}: the title line has no words; put the title first")
    return Article(
        title=title,
        byline=byline,
        body="\n".join(body_lines).strip("\n"),
        body_format="text",
        provenance=Provenance(format=reader, sha256=source.sha256),
    )
