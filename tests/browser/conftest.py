"""Browser fixtures: freshly built sites served on 127.0.0.1, driven by Debian's Chromium.

Every request a page makes is routed through `guard`: anything not addressed to
127.0.0.1 is aborted and recorded, and each test fails at teardown if there was any
(or any console error), so "no request leaves the machine" is checked on every page.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, sync_playwright

from newsdesk import bench

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "site"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}


def build_site(config: Path, site: Path, env: dict[str, str] | None = None) -> Path:
    command, build_env = bench.mkdocs_build(config, site)
    result = subprocess.run(
        command, cwd=config.parent, env={**build_env, **(env or {})}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return site


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's own docs/ (the seed articles) built with the repo's mkdocs.yml."""
    return build_site(REPO / "mkdocs.yml", tmp_path_factory.mktemp("real") / "site")


@pytest.fixture(scope="session")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site with its search index built in shards of 3 pages and its newest
    article in a bundle of its own (as a large archive's is, in shards of thousands and
    its newest 500 articles apart: newsdesk.search.Indexer)."""
    site = tmp_path_factory.mktemp("sharded") / "site"
    env = {"NEWSDESK_PAGEFIND_SHARD_PAGES": "3", "NEWSDESK_SEARCH_NEWEST": "1"}
    return build_site(REPO / "mkdocs.yml", site, env)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repo's configuration with the hostile fixture articles instead of docs/articles."""
    project = bench.full_project(REPO, tmp_path_factory.mktemp("fixtures"), n=0)
    shutil.copytree(FIXTURES / "articles", project / "docs" / "articles", dirs_exist_ok=True)
    return build_site(project / "mkdocs.yml", project / "site")


class _QuietHandler(SimpleHTTPRequestHandler):
    slow: re.Pattern[str] | None = None  # paths answered only after SLOW_SECONDS

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output readable; failures are asserted, not logged."""

    def do_GET(self) -> None:
        if self.slow and self.slow.search(urlsplit(self.path).path):
            time.sleep(SLOW_SECONDS)
        super().do_GET()


SLOW_SECONDS = 2.0


@contextmanager
def serve(directory: Path, slow: str | None = None) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) for the duration of the block; paths
    matching the regular expression `slow` are answered only after SLOW_SECONDS."""
    handler = type("Handler", (_QuietHandler,), {"slow": re.compile(slow) if slow else None})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=directory))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def real_url(real_site: Path) -> Iterator[str]:
    with serve(real_site) as url:
        yield url


@pytest.fixture(scope="session")
def sharded_url(sharded_site: Path) -> Iterator[str]:
    with serve(sharded_site) as url:
        yield url


@pytest.fixture(scope="session")
def fixture_url(fixture_site: Path) -> Iterator[str]:
    with serve(fixture_site) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Visit:
    """A fresh browser page plus what it did: off-host requests, console errors, dialogs."""

    page: Page
    outside: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    # Console errors a test expects, by substring (e.g. a 404 the test provokes).
    tolerated: list[str] = field(default_factory=list)

    def guard(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url')})")

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.console_errors if not any(t in e for t in self.tolerated)]


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    seen = Visit(page)
    context.route("**/*", seen.guard)
    page.on("console", seen.on_console)
    page.on("pageerror", lambda error: seen.console_errors.append(f"uncaught: {error}"))
    page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
    yield seen
    context.close()
    assert seen.outside == [], "requests left 127.0.0.1"
    assert seen.unexpected_errors() == [], "console errors"
