"""When the build runs Pagefind (newsdesk.search); what it indexes is tested on real
builds in test_site_build.py and in the browser."""

from __future__ import annotations

from pathlib import Path

from newsdesk import search


def test_pagefind_reads_only_the_content_area_and_writes_into_the_site(tmp_path: Path):
    command = search.command(tmp_path)
    assert command[command.index("--root-selector") + 1] == search.ROOT
    assert command[command.index("--output-path") + 1] == str(tmp_path / "pagefind")


def test_only_a_dirty_build_of_an_indexed_site_keeps_its_index(tmp_path: Path):
    try:
        search.start(dirty=False)
        assert search.needs_index(tmp_path)
        search.start(dirty=True)
        assert search.needs_index(tmp_path)  # the first dirty build has no index yet
        (tmp_path / "pagefind").mkdir()
        (tmp_path / "pagefind" / "pagefind.js").write_text("", encoding="utf-8")
        assert not search.needs_index(tmp_path)
        search.start(dirty=False)
        assert search.needs_index(tmp_path)  # a clean build empties the site first
    finally:
        search.start(dirty=False)
