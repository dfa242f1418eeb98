"""The reader registry: one reader per source format, picked by sniffing.

As in Pelican's readers, a reader knows its format and nothing else: it turns one input
file into `Article`s whose body is still raw (`html` or `text`) and leaves cleaning,
sanitizing, tags and paths to the later stages.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import charset_normalizer
import ftfy

from newsdesk.article import Article

SNIFF_BYTES = 64 * 1024


class ReadError(Exception):
    """The input cannot be read as its format; the message says what to do."""


@dataclass(frozen=True)
class Skip:
    """A record in the input that is deliberately not imported (a draft, an attachment…)."""

    label: str
    reason: str


@dataclass(frozen=True)
class Deferred:
    """A record whose last reading step is per-record CPU work (WordPress's display step).

    `finish` does that step; the importer runs it in a conversion worker, so the reading
    process only streams the file. It must pickle: a module-level function and its data.
    """

    finish: Callable[[], Article | Skip]


@dataclass
class Input:
    """One file handed to `newsdesk import`, read lazily so big exports can stream."""

    path: Path

    @cached_property
    def head(self) -> bytes:
        with self.path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)

    @cached_property
    def data(self) -> bytes:
        return self.path.read_bytes()

    notes: list[str] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        text, notes = decode_text(self.data)
        self.notes.extend(notes)
        return text

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()


BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Detectors are reliable on multi-byte encodings, whose byte patterns are distinctive, and
# unreliable on short Latin texts (they call windows-1252 "cp775"); so only these are trusted.
MULTIBYTE = frozenset(
    {"cp932", "shift_jis", "euc_jp", "gb18030", "gb2312", "gbk", "big5", "euc_kr", "cp949"}
)


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Text of a file, and notes on any repair: clippings arrive in every legacy encoding.

    UTF-8 (with or without BOM) and UTF-16 with BOM are read as they are; other bytes are
    decoded by a confident multi-byte detection or as windows-1252, the web's legacy
    default; text decoded twice somewhere upstream ("â€™" for "’") is repaired by ftfy,
    which only changes what it recognises with certainty.
    """
    notes: list[str] = []
    codec = next((name for bom, name in BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        text, codec = _decode_legacy(data, exc.start)
        notes.append(f"not UTF-8 (invalid byte at {exc.start}); decoded as {codec}")
    fixed = ftfy.fix_encoding(text)
    if fixed != text:
        notes.append("repaired mojibake (text that had been decoded with the wrong encoding)")
    return fixed, notes


def _decode_legacy(data: bytes, bad_byte: int) -> tuple[str, str]:
    guess = charset_normalizer.from_bytes(data).best()
    if guess is not None and guess.encoding in MULTIBYTE and guess.chaos < 0.1:
        return str(guess), guess.encoding
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise ReadError(
            f"not valid UTF-8 at byte {bad_byte} and the encoding could not be detected;"
            " re-save the file as UTF-8"
        ) from None


@dataclass(frozen=True)
class Reader:
    name: str
    summary: str
    sniff: Callable[[Input], bool]
    read: Callable[..., Iterator[Article | Skip | Deferred]]
    # keyword options read() understands (e.g. "post_types"); import passes only these.
    # A reader that accepts "defer" yields Deferred records when it is true.
    accepts: tuple[str, ...] = ()


_REGISTRY: dict[str, Reader] = {}


def register(reader: Reader) -> Reader:
    _REGISTRY[reader.name] = reader
    return reader


def readers() -> list[Reader]:
    """Registered readers in sniffing order (most specific first)."""
    _load_builtin()
    return list(_REGISTRY.values())


def get(name: str) -> Reader:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ReadError(f"unknown format {name!r}; choose one of: {', '.join(_REGISTRY)}") from None


def refuse_unreadable(source: Input) -> None:
    """Empty and binary files get their own message instead of 'format not recognised'."""
    if not source.head.strip():
        raise ReadError("file is empty (or only whitespace); nothing to import")
    if b"\x00" in source.head:
        raise ReadError(
            "binary file (contains NUL bytes); expected WordPress JSON or WXR XML, or text"
        )


def detect(source: Input) -> Reader:
    """The first reader whose sniff accepts the input (call refuse_unreadable first)."""
    for reader in readers():
        if reader.sniff(source):
            return reader
    raise ReadError("format not recognised; pass --format with one of: " + ", ".join(_REGISTRY))


def _load_builtin() -> None:
    # Import order is sniffing order: structured formats before the plain-text fallbacks.
    from newsdesk.readers import (  # noqa: F401
        newsletter,
        text_article,
        wordpress_rest,
        wordpress_wxr,
    )
