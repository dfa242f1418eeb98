"""When the build runs Pagefind (newsdesk.search); what it indexes is tested on real
builds in test_site_build.py and in the browser."""

from __future__ import annotations

import json
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


def _page(path: Path, body: str, marked: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    inner = f"<div data-pagefind-body>{body}</div>" if marked else body
    path.write_text(
        f'<html lang="en"><body><article class="md-content__inner">{inner}</article></body></html>',
        encoding="utf-8",
    )


def test_a_site_over_the_shard_size_is_indexed_in_shards_of_its_searchable_pages(tmp_path: Path):
    site = tmp_path / "site"
    for n in range(5):
        _page(site / f"p{n}" / "index.html", f"<h1>Page {n}</h1><p>shared words {n}</p>")
    _page(site / "plain" / "index.html", "<p>navigation only</p>", marked=False)
    indexed = search.index(site, shard_pages=2)
    assert indexed.pages == 5  # the unmarked page in none of the shards
    shards = json.loads((site / "pagefind" / search.SHARDS_FILE).read_text(encoding="utf-8"))
    assert shards == ["shard-1/", "shard-2/"]  # 5 pages in shards of at most 2
    for shard in ["", *shards]:
        assert (site / "pagefind" / shard / "pagefind-entry.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # the shards' links are gone


def test_a_small_site_is_one_index_with_no_shards(tmp_path: Path):
    _page(tmp_path / "index.html", "<h1>Only</h1>")
    assert search.index(tmp_path, shard_pages=2).pages == 1
    assert json.loads((tmp_path / "pagefind" / search.SHARDS_FILE).read_text()) == []
