"""Where an article lives and how it is written there.

The path scheme is the archive's URL scheme, and published URLs never change, so it is
derived only from fields that are fixed at import time (the date's year and month and
the slug), never from the title:

    articles/YYYY/MM/<slug>.md     date known at least to the month
    articles/YYYY/<slug>.md        only the year is known
    articles/YYYY/MM/<slug>-2.md   a different article already holds the path

Writes are atomic (temporary file in the same directory, then rename), so a killed
import leaves either the old file or the new one, never half of one; and durable: the
data reaches the disk before the rename makes it the article.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Literal, NamedTuple

from newsdesk import article as schema
from newsdesk.article import Article

ARTICLES_DIR = "articles"
ORIGINALS_DIR = "_originals"

Action = Literal["write", "unchanged", "exists"]
# Above this many staged files one sync() is cheaper than an fsync() per file, which cost
# an import more CPU than converting the article did.
SYNC_ALL_ABOVE = 16
_CHUNK = 1 << 20
_STAGED = itertools.count()
_EXCLUSIVE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def relative_path(article: Article, suffix: str = "") -> PurePosixPath:
    """Path of the article below the docs dir, e.g. articles/2026/04/some-slug.md."""
    return PurePosixPath(f"{_stem(article)}{suffix}.md")


def _stem(article: Article) -> str:
    """`relative_path` as a string without `.md`, e.g. articles/2026/04/some-slug."""
    if article.date is None or not article.slug:
        raise ValueError("an article needs a date and a slug before it has a path")
    month = f"/{article.date.month:02d}" if article.date.month is not None else ""
    return f"{ARTICLES_DIR}/{article.date.year:04d}{month}/{article.slug}"


def identity(article: Article) -> tuple[str, ...]:
    """What makes two imports 'the same article': the source's own id, else the original."""
    prov = article.provenance
    if prov is None:
        return ("path", article.slug or "")
    if prov.guid:
        return ("guid", prov.guid)
    if prov.id:
        return ("id", prov.format, prov.id)
    if prov.original:
        return ("original", prov.original)
    return ("sha256", prov.sha256)


class Placement(NamedTuple):
    """All `plan` reads of an article: its path below docs without `.md` (the stem) and its
    `identity`. A conversion worker sends this back instead of the article, which cost
    more to pickle and unpickle than the article's text did."""

    stem: str
    identity: tuple[str, ...]


def placement(article: Article) -> Placement:
    """The article's `Placement` (it needs a date and a slug)."""
    return Placement(_stem(article), identity(article))


@dataclass(frozen=True)
class Plan:
    path: Path
    action: Action


def _existing_identity(path: Path) -> tuple[str, ...] | None:
    try:
        loaded = schema.loads(path.read_text("utf-8"))
        return identity(schema.from_mapping(loaded.meta))
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError):
        return None


def plan(article: Article | Placement, text: str, docs: Path, claimed: set[Path]) -> Plan:
    """Decide where `text` goes without overwriting another article or a curator's edit.

    `claimed` holds the paths already planned in this batch, so two posts with the same
    date and slug in one export get distinct files.
    """
    stem, own = article if isinstance(article, Placement) else placement(article)
    for attempt in range(1, 1000):
        # one parse of the path: joining pure paths parses each again
        path = docs.joinpath(f"{stem}.md" if attempt == 1 else f"{stem}-{attempt}.md")
        if path in claimed:
            continue
        if not path.exists():
            return Plan(path, "write")
        if _existing_identity(path) != own:
            continue
        if path.read_text("utf-8") == text:
            return Plan(path, "unchanged")
        return Plan(path, "exists")
    raise RuntimeError(f"more than 999 articles share the path of {stem}.md")


def stage(path: Path, data: str | bytes) -> Path:
    """Write `data` to a hidden temporary sibling of `path`; `commit` moves it into place.

    The temporary name starts with a dot and does not end in .md, so neither MkDocs nor
    `newsdesk check` ever mistakes a leftover (from a killed import) for an article.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    return _stage_with(path, partial(_write_all, payload))


def _write_all(payload: bytes, fd: int) -> None:
    """os.write until all is written: a file object around the descriptor would cost the
    reading process three more system calls and a buffer per article."""
    with memoryview(payload) as view:
        while view:
            view = view[os.write(fd, view) :]


def _stage_with(path: Path, write: Callable[[int], object]) -> Path:
    try:
        fd, tmp = _temporary_sibling(path)
    except FileNotFoundError:  # the first article of its month: one mkdir, not one per file
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temporary_sibling(path)
    try:
        try:
            write(fd)
        finally:
            os.close(fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _temporary_sibling(path: Path) -> tuple[int, str]:
    """A new file beside `path`, as `tempfile.mkstemp` makes one (exclusive, private), but
    named by process and counter: mkstemp's random names and argument checks cost the
    reading process of a big import more than the write itself."""
    while True:
        tmp = os.path.join(path.parent, f".{path.name}.{os.getpid()}-{next(_STAGED)}.tmp")
        try:
            return os.open(tmp, _EXCLUSIVE, 0o600), tmp
        except FileExistsError:  # left by a killed import of a process with our pid
            continue


def commit(staged: list[tuple[Path, Path]]) -> None:
    """Flush the staged files to disk, then rename each over its target (atomic on POSIX)."""
    _flush([tmp for tmp, _ in staged])
    for tmp, path in staged:
        os.replace(tmp, path)


def _flush(files: list[Path]) -> None:
    """Make the files' data durable: one fsync each, or for a big batch one sync()."""
    if len(files) > SYNC_ALL_ABOVE:
        os.sync()
        return
    for file in files:
        fd = os.open(file, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def discard(staged: list[tuple[Path, Path]]) -> None:
    for tmp, _ in staged:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write via a temporary sibling and rename, so readers never see a partial file."""
    _commit_one(stage(path, data), path)


def copy_atomic(source: Path, path: Path) -> None:
    """`write_atomic` of a file's content, streamed: a WordPress export kept as the
    original can be hundreds of megabytes, which reading it whole would hold in memory."""
    _commit_one(_stage_with(path, partial(_copy, source)), path)


def same_content(one: Path, other: Path) -> bool:
    """`one.read_bytes() == other.read_bytes()`, a megabyte at a time."""
    with one.open("rb") as first, other.open("rb") as second:
        while (chunk := first.read(_CHUNK)) == second.read(_CHUNK):
            if not chunk:
                return True
        return False


def _copy(source: Path, fd: int) -> None:
    with source.open("rb") as original, os.fdopen(fd, "wb", closefd=False) as handle:
        shutil.copyfileobj(original, handle, _CHUNK)


def _commit_one(tmp: Path, path: Path) -> None:
    staged = [(tmp, path)]
    try:
        commit(staged)
    except BaseException:
        discard(staged)
        raise
