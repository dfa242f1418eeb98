"""The reader registry: one reader per source format, picked by sniffing.

As in Pelican's readers, a reader knows its format and nothing else: it turns one input
file into `Article`s whose body is still raw (`html` or `text`) and leaves cleaning,
sanitizing, tags and paths to the later stages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from newsdesk.article import Article

SNIFF_BYTES = 64 * 1024


class ReadError(Exception):
    """The input cannot be read as its format; the message says what to do."""


@dataclass(frozen=True)
class Skip:
    """A record in the input that is deliberately not imported (a draft, an attachment…)."""

    label: str
    reason: str


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

    @cached_property
    def text(self) -> str:
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ReadError(
                f"not valid UTF-8 at byte {exc.start}; re-save the file as UTF-8"
            ) from None

    @cached_property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()


@dataclass(frozen=True)
class Reader:
    name: str
    summary: str
    sniff: Callable[[Input], bool]
    read: Callable[[Input], Iterator[Article | Skip]]


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
