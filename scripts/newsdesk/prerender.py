"""Article pages rendered on a second core while MkDocs renders the others.

MkDocs converts every page's Markdown in one loop on one core, before it renders any
template; on an archive that loop is mostly articles at a few milliseconds each, and the
second core has nothing to do yet (Pagefind starts with the templates). So a forked
helper renders articles too: MkDocs claims each page it reaches unless the helper has,
and the helper claims the last free page of the `WINDOW` pages ahead of MkDocs, under a
lock. Every page is rendered once, and the two finish together: MkDocs takes the
helper's pages as it goes, instead of receiving half the archive at its end.

The helper does what MkDocs' populate step does (the pre_page event, read_source, the
page_markdown event, `Page.render`) on its copy-on-write copy of the build, and hands
back what render() sets on a page, with the log records it emitted. MkDocs still runs
every event on every page itself; it takes the helper's rendering only if its own
Markdown is the Markdown the helper rendered, so a plugin acting differently in the
helper costs time, never correctness. A helper that fails or dies leaves its pages to
MkDocs.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

# Below "mkdocs." as newsdesk.site's, so MkDocs prints its messages.
log = get_plugin_logger("newsdesk")

# Fewer pages than this are rendered faster than a process is forked and fed.
MIN_PAGES = 16
# The helper runs this far ahead of MkDocs' reads before its writes block (Linux caps an
# unprivileged pipe at /proc/sys/fs/pipe-max-size, 1 MiB by default).
PIPE_BYTES = 1 << 20
# A helper still rendering its last page when the build moves on is waited for this long.
JOIN_SECONDS = 5
# The helper renders pages at most this far ahead of MkDocs, so MkDocs takes its results
# as it goes instead of all at the end, when the helper would have nothing left to do.
WINDOW = 64
FREE, OURS, THEIRS = 0, 1, 2  # who renders a page


@dataclass
class Rendered:
    """What `Page.render` set on a page in the helper, and what it logged meanwhile."""

    digest: bytes
    content: str
    toc: TableOfContents
    title: str | None
    present_anchor_ids: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # by the linked file's src_uri
    records: list[tuple[str, int, str]]

    @classmethod
    def of(cls, page: Page, records: list[tuple[str, int, str]]) -> Rendered:
        links = page.links_to_anchors
        return cls(
            digest=_digest(page.markdown or ""),
            content=page.content or "",
            toc=page.toc,
            title=page._title_from_render,
            present_anchor_ids=page.present_anchor_ids,
            links_to_anchors=None if links is None else {f.src_uri: a for f, a in links.items()},
            records=records,
        )

    def apply(self, page: Page, files: Files) -> None:
        for name, level, message in self.records:
            logging.getLogger(name).log(level, message)
        page.content = self.content
        page.toc = self.toc
        page._title_from_render = self.title
        page.present_anchor_ids = self.present_anchor_ids
        if self.links_to_anchors is not None:
            page.links_to_anchors = {
                files.src_uris[uri]: anchors for uri, anchors in self.links_to_anchors.items()
            }


def _digest(markdown: str) -> bytes:
    return hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class _Capture(logging.Handler):
    """The helper's log records, kept to be logged by MkDocs' own process."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))

    def take(self) -> list[tuple[str, int, str]]:
        records, self.records = self.records, []
        return records


class Prerenderer:
    """One build's helper process and MkDocs' side of the page claims."""

    def __init__(self, pages: Sequence[Page], config: MkDocsConfig, files: Files) -> None:
        context = multiprocessing.get_context("fork")
        self._index = {page.file.src_uri: number for number, page in enumerate(pages)}
        self._turn = context.Condition(context.Lock())
        self._claims = context.RawArray("b", len(pages))  # FREE, OURS or THEIRS
        self._ours = context.RawValue("i", 0)  # MkDocs has passed every page below it
        self._results: dict[int, Rendered | None] = {}
        self.taken = 0  # pages MkDocs took from the helper
        self._inbox, outbox = context.Pipe(duplex=False)
        _widen(outbox)
        self._process = context.Process(
            target=self._help, args=(pages, config, files, outbox), daemon=True
        )
        self._process.start()
        outbox.close()
        self._alive = True

    @classmethod
    def start(cls, pages: Sequence[Page], config: MkDocsConfig, files: Files) -> Prerenderer | None:
        """A helper for `pages`, or None where one would not pay (few pages, one core)
        or could not be forked safely: other threads running (`mkdocs serve`), whose
        locks a fork could copy held, or a system other than Linux (macOS forbids its
        frameworks in a forked child)."""
        if not sys.platform.startswith("linux") or threading.active_count() > 1:
            return None
        if len(pages) < MIN_PAGES or len(os.sched_getaffinity(0)) < 2:
            return None
        return cls(pages, config, files)

    # --- in the helper ------------------------------------------------------------------

    def _help(
        self, pages: Sequence[Page], config: MkDocsConfig, files: Files, outbox: Connection
    ) -> None:
        _capture_logs(capture := _Capture())
        with contextlib.suppress(BrokenPipeError):  # MkDocs stopped reading: done
            while (number := self._claim()) is not None:
                outbox.send((number, _render(pages[number], config, files, capture)))
        outbox.close()

    def _claim(self) -> int | None:
        """The last free page of the window above MkDocs' position, waiting while there
        is none; None once the window has reached the last page and none is free."""
        with self._turn:
            while True:
                low = self._ours.value
                high = min(low + WINDOW, len(self._claims))
                for number in range(high - 1, low - 1, -1):
                    if self._claims[number] == FREE:
                        self._claims[number] = THEIRS
                        return number
                if high == len(self._claims):
                    return None
                self._turn.wait()

    # --- in MkDocs' process ---------------------------------------------------------------

    def take(self, page: Page) -> Rendered | None:
        """The helper's rendering of `page`, or None for MkDocs to render it: a page the
        helper has not claimed (it never will now), or one it could not render."""
        while self._alive and self._inbox.poll():
            self._receive()  # keep the pipe open for the helper's next pages
        number = self._index.get(page.file.src_uri)
        if number is None:
            return None
        if not self._claimed(number):
            return None
        while self._alive and number not in self._results:
            self._receive()
        if number not in self._results:
            log.info(f"the helper ended before rendering {page.file.src_uri}; rendering it")
            return None
        rendered = self._results.pop(number)
        if rendered is None or rendered.digest != _digest(page.markdown or ""):
            return None
        self.taken += 1
        return rendered

    def _claimed(self, number: int) -> bool:
        """Whether the helper claimed the page; if not, it is MkDocs' from now on."""
        with self._turn:
            if self._claims[number] == THEIRS:
                return True
            self._claims[number] = OURS
            if number >= self._ours.value:
                self._ours.value = number + 1
                self._turn.notify()
            return False

    def _receive(self) -> None:
        """One page from the helper; its end, once it has sent all it claimed (or died)."""
        try:
            number, rendered = self._inbox.recv()
        except (EOFError, OSError):
            self._alive = False
            return
        self._results[number] = rendered

    def close(self) -> None:
        """End the helper: it claims no more pages, and finds nobody reading its last."""
        with self._turn:
            self._ours.value = len(self._claims)
            self._turn.notify()
        self._inbox.close()
        self._process.join(timeout=JOIN_SECONDS)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _capture_logs(capture: _Capture) -> None:
    """Send every record, once, to `capture` alone (the helper prints nothing itself)."""
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.handlers, logger.propagate = [], True
    logging.root.handlers = [capture]


def _render(page: Page, config: MkDocsConfig, files: Files, capture: _Capture) -> Rendered | None:
    """MkDocs' populate step up to render(), in the helper; None if any of it fails."""
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        page.markdown = config.plugins.on_page_markdown(
            page.markdown, page=page, config=config, files=files
        )
        capture.take()  # MkDocs logs what these steps log as it runs them itself
        Page.render(page, config, files)
        return Rendered.of(page, capture.take())
    except Exception:
        capture.take()
        return None
    finally:
        config._current_page = None
        page.markdown = page.content = None  # sent: the helper needs it no more


def _widen(connection: Connection) -> None:
    """A larger pipe, so the helper seldom waits for MkDocs to read (best effort)."""
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(connection.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
