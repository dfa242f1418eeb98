"""Articles rendered on a second core: the same site, the same warnings, nothing lost.

The first tests build whole archives in child processes, as `make site` does; the others
drive a Prerenderer directly on a small MkDocs project, where the helper can be made to
finish first, or to die.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import Files, get_files
from mkdocs.structure.pages import Page

from newsdesk import bench, prerender

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "site"
TAKEN = re.compile(r"articles rendered by the second process: (\d+)")
# `mkdocs build`, with the helper's threshold set by the first argument.
MKDOCS = (
    "import sys; from newsdesk import prerender; prerender.MIN_PAGES = int(sys.argv.pop(1)); "
    "from mkdocs.__main__ import cli; cli()"
)


def _build(project: Path, site: str, *, min_pages: int, strict: bool = True):
    command = [sys.executable, "-c", MKDOCS, str(min_pages), "build", "--verbose"]
    command += ["--strict"] * strict + ["--site-dir", str(project / site)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def _taken(result: subprocess.CompletedProcess[str]) -> int:
    found = TAKEN.search(result.stderr)
    return int(found[1]) if found else 0


def _files(site: Path) -> dict[str, bytes]:
    """Every file of a built site but the search index (Pagefind numbers its chunks by
    content hashes of its own, which need not repeat from build to build)."""
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.relative_to(site).parts[0] != "pagefind"
    }


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = bench.full_project(REPO, tmp_path_factory.mktemp("archive"), n=40)
    shutil.copytree(FIXTURES / "articles", project / "docs" / "articles", dirs_exist_ok=True)
    return project


def test_two_cores_build_the_site_one_core_builds(archive: Path) -> None:
    two = _build(archive, "two", min_pages=1)
    one = _build(archive, "one", min_pages=10**9)
    assert two.returncode == 0, two.stderr
    assert one.returncode == 0, one.stderr
    assert _taken(two) > 0  # the helper really rendered pages
    assert _taken(one) == 0
    two_files, one_files = _files(archive / "two"), _files(archive / "one")
    assert two_files.keys() == one_files.keys()
    assert [name for name in two_files if two_files[name] != one_files[name]] == []


def test_warnings_raised_in_the_helper_are_the_builds_warnings(tmp_path: Path) -> None:
    project = bench.full_project(REPO, tmp_path, n=30)
    articles = sorted((project / "docs" / "articles").rglob("*.md"))
    for path in articles:
        path.write_text(path.read_text("utf-8") + "\nSee [gone](missing.md).\n", "utf-8")

    lenient = _build(project, "site", min_pages=1, strict=False)
    assert lenient.returncode == 0, lenient.stderr
    assert _taken(lenient) > 0
    warned = re.findall(r"WARNING.*Doc file '(articles/[^']+)' contains a link", lenient.stderr)
    assert sorted(warned) == sorted(p.relative_to(project / "docs").as_posix() for p in articles)

    strict = _build(project, "site", min_pages=1)
    assert strict.returncode != 0
    assert f"Aborted with {len(articles)} warnings in strict mode" in strict.stdout + strict.stderr


# --- the helper on its own --------------------------------------------------------------------


def _project(root: Path, count: int) -> tuple[object, Files, list[Page]]:
    """`count` pages, each linking to a heading of the next; the last page's link is broken."""
    docs = root / "docs"
    docs.mkdir()
    for n in range(count):
        link = f"[next](p{n + 1:03}.md#part-{n + 1})"
        text = f"---\ntitle: P{n}\n---\n\n# P{n}\n\n## Part {n}\n\n{link}\n"
        (docs / f"p{n:03}.md").write_text(text, "utf-8")
    (root / "mkdocs.yml").write_text("site_name: t\n", "utf-8")
    config = load_config(str(root / "mkdocs.yml"))
    files = get_files(config)
    return config, files, [Page(None, file, config) for file in files.documentation_pages()]


def _rendered_here(page: Page, config, files: Files) -> Page:
    here = Page(None, page.file, config)
    here.read_source(config)
    here.render(config, files)
    return here


def test_pages_the_helper_rendered_are_the_pages_mkdocs_renders(tmp_path, caplog) -> None:
    config, files, pages = _project(tmp_path, 20)
    helper = prerender.Prerenderer(pages, config, files)
    helper._process.join(timeout=60)  # MkDocs claimed nothing yet: the helper did them all
    caplog.set_level(logging.WARNING)
    for page in pages:
        page.read_source(config)
        rendered = helper.take(page)
        assert rendered is not None, page.file.src_uri
        rendered.apply(page, files)
    helper.close()
    assert helper.taken == 20
    broken = [r for r in caplog.records if "p020.md" in r.getMessage()]
    assert [r.levelno for r in broken] == [logging.WARNING]  # logged once, by MkDocs' process
    assert all(page.links_to_anchors for page in pages[:-1])
    for page in pages:
        here = _rendered_here(page, config, files)
        assert page.content == here.content
        assert str(page.toc) == str(here.toc)
        assert page._title_from_render == here._title_from_render
        assert page.present_anchor_ids == here.present_anchor_ids
        assert page.links_to_anchors == here.links_to_anchors  # keyed by the build's Files


def test_a_page_whose_markdown_changed_since_is_rendered_by_mkdocs(tmp_path: Path) -> None:
    config, files, pages = _project(tmp_path, 20)
    helper = prerender.Prerenderer(pages, config, files)
    helper._process.join(timeout=60)
    edited = pages[3]
    edited.read_source(config)
    edited.markdown += "\nAdded by a plugin in MkDocs' process only.\n"
    assert helper.take(edited) is None
    pages[4].read_source(config)
    assert helper.take(pages[4]) is not None
    helper.close()


def test_mkdocs_renders_what_a_dead_helper_claimed(tmp_path, caplog, monkeypatch) -> None:
    config, files, pages = _project(tmp_path, 20)
    monkeypatch.setattr(prerender, "_render", lambda *args: os._exit(3))
    helper = prerender.Prerenderer(pages, config, files)
    helper._process.join(timeout=60)  # it claimed the last page of the window, then died
    caplog.set_level(logging.INFO)
    for page in pages:
        page.read_source(config)
        assert helper.take(page) is None
    helper.close()
    assert helper._process.exitcode == 3
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.INFO, "newsdesk: the helper ended before rendering p019.md; rendering it")
    ]  # not a warning: nothing is lost, so a strict build goes on


def test_only_what_render_logs_is_logged_again(tmp_path, monkeypatch) -> None:
    """MkDocs runs the page's events before render() itself, and logs what they log."""
    config, files, pages = _project(tmp_path, 20)

    def on_page_markdown(markdown: str, **kwargs: object) -> str:
        logging.getLogger("mkdocs.plugins.test").warning("from the page_markdown event")
        return markdown

    monkeypatch.setattr(config.plugins, "on_page_markdown", on_page_markdown)
    helper = prerender.Prerenderer(pages, config, files)
    helper._process.join(timeout=60)
    page = pages[-1]  # the one with a broken link, which render() reports
    page.read_source(config)
    rendered = helper.take(page)
    helper.close()
    assert rendered is not None
    assert [message for _, _, message in rendered.records] == [
        "Doc file 'p019.md' contains a link 'p020.md#part-20', but the target 'p020.md' is "
        "not found among documentation files."
    ]


def test_the_helper_works_at_most_a_window_ahead_of_mkdocs(tmp_path: Path) -> None:
    config, files, pages = _project(tmp_path, 3 * prerender.WINDOW)
    helper = prerender.Prerenderer(pages, config, files)
    deadline = time.monotonic() + 60
    while sum(helper._claims) < prerender.THEIRS * prerender.WINDOW:
        assert time.monotonic() < deadline, "the helper never filled its window"
        time.sleep(0.01)
    time.sleep(0.2)  # had it not waited for MkDocs, it would claim more meanwhile
    claims = list(helper._claims)
    assert claims == [prerender.THEIRS] * prerender.WINDOW + [prerender.FREE] * 2 * prerender.WINDOW
    taken = 0
    for page in pages:
        page.read_source(config)
        taken += helper.take(page) is not None
        assert len(helper._results) <= prerender.WINDOW
    helper.close()
    assert prerender.WINDOW <= taken == helper.taken


def test_closing_a_busy_helper_ends_it_at_once(tmp_path: Path) -> None:
    config, files, pages = _project(tmp_path, 300)
    helper = prerender.Prerenderer(pages, config, files)
    helper.close()
    assert helper._process.exitcode == 0  # it stopped claiming: nobody had to kill it
    assert helper.taken == 0


def test_no_helper_for_few_pages_off_linux_or_beside_threads(tmp_path, monkeypatch) -> None:
    config, files, pages = _project(tmp_path, 20)
    monkeypatch.setattr(prerender.threading, "active_count", lambda: 1)  # whatever else ran
    monkeypatch.setattr(prerender.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(prerender, "MIN_PAGES", 21)
    assert prerender.Prerenderer.start(pages, config, files) is None
    monkeypatch.setattr(prerender, "MIN_PAGES", 20)
    helper = prerender.Prerenderer.start(pages, config, files)
    assert helper is not None  # what the cases below change is what stops it
    helper.close()
    monkeypatch.setattr(prerender.sys, "platform", "darwin")
    assert prerender.Prerenderer.start(pages, config, files) is None
    monkeypatch.setattr(prerender.sys, "platform", "linux")
    monkeypatch.setattr(prerender.threading, "active_count", lambda: 2)  # `mkdocs serve`
    assert prerender.Prerenderer.start(pages, config, files) is None
    monkeypatch.setattr(prerender.threading, "active_count", lambda: 1)
    monkeypatch.setattr(prerender.os, "sched_getaffinity", lambda pid: {0})
    assert prerender.Prerenderer.start(pages, config, files) is None
