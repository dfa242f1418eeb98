"""Full-text search with Pagefind, fed each page as MkDocs renders it (hooks/search.py).

Material's lunr search ships one index of every page's text to every reader (51 MB for
10,000 articles) and builds it in the browser before the first result. Pagefind splits
its index into chunks by word, so a query downloads only the chunks and result fragments
it needs, whatever the size of the archive. What is indexed is marked in the templates:
`data-pagefind-body` on article bodies and on the lead of searchable listing pages,
`data-pagefind-filter="tag"` on an article's tag chips (the search dialog's tag filter).

Pagefind runs beside the build as a service (`pagefind --service`) and is handed every
page the moment MkDocs has rendered it: it indexes on the second core while MkDocs, one
Python thread, renders on the first, so little of its work is left when the last page is
done. Run over the finished site instead, it added 26 s to a 92 s build of 10,000
articles. The pagefind package's own Python client waits 100 ms between two replies
(the `asyncio.sleep(0.1)` of its polling loop in 1.5.2), which would make that 1,000 s;
`_Service` speaks the same protocol, base64 of JSON messages ended by commas, without it.

Pagefind keeps what it learns of each page until its index is written, about 190 KB a
page here, so every `shard_pages` pages go to a service of their own that writes its
shard and exits while the next one fills; the browser merges the shards (`SHARDS_FILE`).
Pagefind reads only each page's content area (`ROOT`): Material's header, navigation and
footer are most of every page's bytes and never indexed, nor sent (`content_area`).

A word found in most of 10,000 articles takes Pagefind over a second in the browser: it
scores every location of the word in every page. So a large archive's newest articles
(`NEWEST`) are a bundle of their own, `pagefind/newest/`, which the dialog searches in a
second Pagefind, in a worker of its own, beside the other bundles: their matches are
shown at once, and the complete ranking, both result lists merged by score as Pagefind
merges shards, replaces them when it is ready (assets/javascripts/search.js).

The binary comes from the `pagefind_bin` wheel (pagefind[bin]): nothing is downloaded.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pagefind_bin

from newsdesk import unpack

BUNDLE_DIR = "pagefind"  # under site_dir; assets/javascripts/search.js loads it from there
# In the main bundle: {"shards": the other bundles but the newest articles', "newest":
# that one or null, as URLs relative to it (the whole index is all of them), "tags": the
# tag filter's values and their numbers of articles, for the dialog's menu}.
SHARDS_FILE = "newsdesk-shards.json"
NEWEST_BUNDLE = "newest/"
# The newest articles searched first: only an archive of more than twice as many has them
# apart (a smaller one is searched whole about as fast). Set lower in the tests.
NEWEST = int(os.environ.get("NEWSDESK_SEARCH_NEWEST", "500"))
# Pages per Pagefind service, about 0.75 GB of its memory at most; the environment
# variable sets another number (less memory, or, in the tests, shards of a small site).
SHARD_PAGES = int(os.environ.get("NEWSDESK_PAGEFIND_SHARD_PAGES", "4000"))
# Material 9.8's content area (base.html): everything Pagefind may index is inside it.
ROOT = "article.md-content__inner"
ROOT_START, ROOT_END = '<article class="md-content__inner', "</article>"
# Never indexed: the "¶" permalinks MkDocs adds to headings (they would end every title).
EXCLUDE = ".headerlink"
MARK = "data-pagefind-body"
# Pages a shard holds before the last third of a build may go to a shard of its own:
# below it, writing it at the end takes under a second anyway (`Indexer`).
TAIL_SPLIT = 500
CONFIG = {"root_selector": ROOT, "exclude_selectors": [EXCLUDE]}


class SearchIndexError(RuntimeError):
    """Pagefind failed: the site would have a search box without an index."""


@dataclass(frozen=True)
class Indexed:
    """What one build's indexing did, for the build log (and the bench, which parses it)."""

    pages: int
    shards: int
    waited_seconds: float  # after the last page was rendered
    peak_rss_mib: float
    newest: int = 0  # pages in the newest articles' bundle (one of the shards)

    def summary(self) -> str:
        newest = f", the newest {self.newest} apart" if self.newest else ""
        return (
            f"Pagefind indexed {self.pages} pages in {self.shards} shard(s){newest};"
            f" the build waited {self.waited_seconds:.1f} s for it"
            f" (peak RSS {self.peak_rss_mib:.0f} MiB)"
        )


class _Service:
    """One `pagefind --service` process holding the index of one shard.

    Pages are sent without waiting for their replies (a thread counts them), so the build
    never waits on Pagefind unless the pipe is full; `write` waits for them all.
    """

    def __init__(self) -> None:
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by `stop`)
        self._process = subprocess.Popen(
            [str(pagefind_bin.get_executable()), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self._replies: dict[int, dict[str, Any]] = {}
        self._errors: list[str] = []
        self._awaited: set[int] = set()  # the messages `_request` waits for
        self._sent = self._answered = self.pages = 0
        self._closed = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self._index = self._request({"type": "NewIndex", "config": CONFIG})["index_id"]

    def add(self, path: str, html: str) -> None:
        """Index `html` as the page Pagefind would find at `path` in the site."""
        page = {"file_path": path, "file_contents": content_area(html)}
        self._send({"type": "AddFile", "index_id": self._index, **page})

    def write(self, bundle: Path) -> int:
        """Write the shard into `bundle` once every page is indexed, stop the service,
        and return its number of pages; raises SearchIndexError if a page failed.

        The files are asked for (`GetFiles`) and written by `_write_bundle`, not left to
        Pagefind's `WriteFiles`: that one replies while its last writes are still queued
        in the background, and the service exits the moment its input ends, so on a busy
        machine files were left empty (3 of 12 builds of 7 shards under load, CI once).
        """
        try:
            self._wait(lambda: self._answered == self._sent)
            if self._errors:
                raise SearchIndexError("pagefind failed on:\n" + "\n".join(self._errors))
            files = self._request({"type": "GetFiles", "index_id": self._index})["files"]
        finally:
            self.stop()
        _write_bundle(bundle, files)
        return self.pages

    def stop(self) -> None:
        """End the process (it exits when its input does)."""
        if self._process.stdin and not self._process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):  # it died: `_died` said why
                self._process.stdin.close()
        self._process.wait()
        self._stderr.close()

    def _send(self, payload: dict[str, Any]) -> int:
        self._sent += 1
        message = json.dumps({"message_id": self._sent, "payload": payload}).encode()
        try:
            self._process.stdin.write(base64.b64encode(message) + b",")  # type: ignore[union-attr]
            self._process.stdin.flush()  # type: ignore[union-attr]
        except BrokenPipeError:
            raise self._died() from None
        return self._sent

    def _request(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send and wait for the reply."""
        self._awaited.add(self._sent + 1)
        number = self._send(payload)
        self._wait(lambda: number in self._replies)
        reply = self._replies.pop(number)
        if reply["type"] == "Error":
            raise SearchIndexError(f"pagefind failed: {reply['message']}")
        return reply

    def _wait(self, done: Callable[[], bool]) -> None:
        with self._changed:
            self._changed.wait_for(lambda: done() or self._closed)
        if not done():
            raise self._died()

    def _died(self) -> SearchIndexError:
        self._process.wait()
        self._stderr.seek(0)
        output = self._stderr.read().decode(errors="replace").strip()
        return SearchIndexError(f"pagefind stopped (exit {self._process.returncode}):\n{output}")

    def _read(self) -> None:
        """Collect replies until the process ends: the thread behind `_wait`."""
        pending: list[bytes] = []  # a message's pieces so far: a bundle's is megabytes
        while chunk := self._process.stdout.read1(1 << 16):  # type: ignore[union-attr]
            *messages, rest = chunk.split(b",")
            if messages:
                messages[0] = b"".join([*pending, messages[0]])
                pending.clear()
            pending.append(rest)
            with self._changed:
                for message in messages:
                    self._take(json.loads(base64.b64decode(message)))
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _take(self, reply: dict[str, Any]) -> None:
        payload, number = reply["payload"], reply.get("message_id")
        self._answered += 1
        if number in self._awaited:
            self._replies[number] = payload
        elif payload["type"] == "IndexedFile":
            self.pages += 1
        else:
            self._errors.append(_error(payload))


def content_area(html: str) -> str:
    """The page cut down to its content area (`ROOT`) inside its own <html> tag, whose
    lang picks the index's language; the page itself if it has no content area. The
    same index from a third of the bytes to encode, send and parse."""
    opening, start, end = html.find("<html"), html.find(ROOT_START), html.rfind(ROOT_END)
    if not 0 <= opening < start < end:
        return html
    html_tag = html[opening : html.index(">", opening) + 1]
    return f"{html_tag}<body>{html[start : end + len(ROOT_END)]}</body></html>"


def _write_bundle(bundle: Path, files: list[dict[str, str]]) -> None:
    """Write the files of Pagefind's `GetFiles` reply into `bundle`, in a process of
    their own (newsdesk.unpack: this process's GIL would hold every file up)."""
    with tempfile.TemporaryFile() as listing:
        listing.write(json.dumps(files).encode())
        listing.seek(0)
        command = [sys.executable, unpack.__file__, str(bundle)]
        done = subprocess.run(command, stdin=listing, capture_output=True, text=True)
    if done.returncode:
        raise SearchIndexError(f"writing the search index into {bundle} failed:\n{done.stderr}")


def _error(payload: dict[str, Any]) -> str:
    """A page's error, named by its path (the original message is the whole page), or
    whatever else Pagefind sent that nobody asked for."""
    try:
        path = json.loads(payload.get("original_message") or "{}")["payload"]["file_path"]
    except (ValueError, KeyError, TypeError):
        path = "a page"
    return f"{path}: {payload['message']}"


@dataclass
class Indexer:
    """The search index of one build, filled page by page.

    The first `shard_pages` searchable pages fill shard 1, written into `pagefind/shard-1/`
    while the next ones fill shard 2, and so on; whatever is left when the build ends is
    the main bundle, `pagefind/` itself, which the search dialog loads and which lists the
    others. A small site is that main bundle alone. Pages added as `newest` go to a
    bundle of their own, `pagefind/newest/`, written as soon as the `newest` pages that
    `expected_newest` announced are in; while it fills, its pages count against the
    filling shard's `shard_pages`, so memory stays bounded as before.

    Writing is the part of Pagefind's work that the build waits for at its end, about
    1.5 ms a page, so when `expected` says how many pages the build renders, its last
    pages go to a shard of their own: the filling shard (if it holds `TAIL_SPLIT` pages)
    closes once the pages still to come are at most half as many as it holds, and is
    written while MkDocs renders them.
    """

    site_dir: Path
    shard_pages: int = SHARD_PAGES
    expected: int | None = None  # pages the build will hand to `add`, if known
    expected_newest: int | None = None  # of those, the ones added as `newest`
    _seen: int = 0
    _split: bool = False
    _services: list[_Service] = field(default_factory=list)  # every one started
    _filling: _Service | None = None
    _in_filling: int = 0
    _newest: _Service | None = None
    _in_newest: int = 0  # pages in the newest bundle, written or not
    _writes: list[tuple[str, Future[int]]] = field(default_factory=list)  # bundle, pages
    _writer: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1))

    def add(self, path: str, html: str, newest: bool = False) -> None:
        """Index a rendered page, `path` relative to the site. Pages without the mark are
        left out here: Pagefind would index them whole in a shard of only such pages."""
        self._seen += 1
        if MARK not in html:
            return
        if newest:
            self._add_newest(path, html)
            return
        if self._filling is not None and self._full():
            self._write(self._filling, f"shard-{self._shards_written() + 1}/")
            self._filling, self._in_filling = None, 0
        if self._filling is None:
            self._filling = self._start()
        self._filling.add(path, html)
        self._in_filling += 1

    def _add_newest(self, path: str, html: str) -> None:
        if self._newest is None:
            self._newest = self._start()
        self._newest.add(path, html)
        self._in_newest += 1
        if self._in_newest == self.expected_newest:  # all in: write it while MkDocs goes on
            self._write(self._newest, NEWEST_BUNDLE)

    @property
    def _newest_written(self) -> bool:
        return any(bundle == NEWEST_BUNDLE for bundle, _ in self._writes)

    def _start(self) -> _Service:
        self._services.append(_Service())
        return self._services[-1]

    def _write(self, service: _Service, bundle: str) -> None:
        self._writes.append((bundle, self._writer.submit(service.write, self._bundle(bundle))))

    def _shards_written(self) -> int:
        return sum(bundle != NEWEST_BUNDLE for bundle, _ in self._writes)

    def _full(self) -> bool:
        """Whether the shard filling now is complete without this page."""
        newest_held = 0 if self._newest_written else self._in_newest
        if self._in_filling + newest_held >= self.shard_pages:
            return True
        if self._split or self.expected is None:
            return False
        to_come = self.expected - self._seen + 1  # this page included
        if self._in_filling < max(TAIL_SPLIT, 2 * to_come):
            return False
        self._split = True
        return True

    def finish(self, tags: Mapping[str, int] | None = None) -> Indexed:
        """Write the main bundle beside the shards, and list them and `tags` in it."""
        rendered = time.perf_counter()
        try:
            if self._newest is not None and not self._newest_written:
                self._write(self._newest, NEWEST_BUNDLE)  # fewer came than announced
            # An empty archive still gets the dialog's script.
            pages = (self._filling or self._start()).write(self._bundle(""))
            pages += sum(write.result() for _, write in self._writes)
        finally:
            self.abort()
        shards = [bundle for bundle, _ in self._writes if bundle != NEWEST_BUNDLE]
        newest = NEWEST_BUNDLE if self._newest is not None else None
        manifest = json.dumps({"shards": shards, "newest": newest, "tags": dict(tags or {})})
        self._bundle(SHARDS_FILE).write_text(manifest, "utf-8")
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
        waited = time.perf_counter() - rendered
        bundles = len(self._writes) + 1
        return Indexed(pages, bundles, waited, peak_kib / 1024, self._in_newest)

    def abort(self) -> None:
        """Stop every service (a failed build, or after `finish`)."""
        self._writer.shutdown(cancel_futures=True)
        for service in self._services:
            service.stop()

    def _bundle(self, name: str) -> Path:
        return self.site_dir / BUNDLE_DIR / name


@dataclass
class _Session:
    """This process's build state, kept in the package: `mkdocs serve` loads the hooks
    afresh for every rebuild."""

    dirty: bool = False
    indexer: Indexer | None = None


_session = _Session()


def start(dirty: bool) -> None:
    """Note whether this process builds --dirty (`mkdocs serve --dirty`, `build --dirty`)."""
    _session.dirty = dirty


def needs_index(site_dir: Path) -> bool:
    """False for a --dirty build of a site that has an index: it keeps that index.

    A dirty build renders only the pages edited since the last one, too few to index
    from, and leaves the site directory (and so the index) in place; under `mkdocs
    serve --dirty` the preview's search then misses only the edits made since the
    server started. Every other build empties the site directory and re-indexes.
    """
    return not (_session.dirty and (site_dir / BUNDLE_DIR / "pagefind.js").is_file())


def begin(site_dir: Path) -> bool:
    """Start this build's index, unless it keeps the last one (`needs_index`)."""
    abort()
    if needs_index(site_dir):
        _session.indexer = Indexer(site_dir)
    return _session.indexer is not None


def newest_count(articles: int) -> int:
    """How many of an archive's newest articles search keeps apart (`NEWEST`)."""
    return NEWEST if articles > 2 * NEWEST else 0


def expect(pages: int, newest: int) -> None:
    """The number of pages this build renders, and of them the `newest` articles'
    (`Indexer.expected`, `Indexer.expected_newest`)."""
    if _session.indexer:
        _session.indexer.expected, _session.indexer.expected_newest = pages, newest


def add(path: str, html: str, newest: bool = False) -> None:
    if _session.indexer:
        _session.indexer.add(path, html, newest)


def finish(tags: Mapping[str, int]) -> Indexed | None:
    """This build's index, written with the tag menu's `tags`; None if the build kept the
    last one."""
    indexer, _session.indexer = _session.indexer, None
    return indexer.finish(tags) if indexer else None


def abort() -> None:
    indexer, _session.indexer = _session.indexer, None
    if indexer:
        indexer.abort()
