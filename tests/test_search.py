"""The search index a build writes (newsdesk.search); what it finds is tested on real
builds in test_site_build.py and in the browser."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsdesk import search


def test_only_a_dirty_build_of_an_indexed_site_keeps_its_index(tmp_path: Path):
    try:
        search.start(dirty=False)
        assert search.needs_index(tmp_path)
        search.start(dirty=True)
        assert search.needs_index(tmp_path)  # the first dirty build has no index yet
        (tmp_path / "pagefind").mkdir()
        (tmp_path / "pagefind" / "pagefind.js").write_text("", encoding="utf-8")
        assert not search.needs_index(tmp_path)
        assert not search.begin(tmp_path)
        search.start(dirty=False)
        assert search.needs_index(tmp_path)  # a clean build empties the site first
    finally:
        search.start(dirty=False)


def _page(body: str, marked: bool = True) -> str:
    inner = f"<div data-pagefind-body>{body}</div>" if marked else body
    return (
        '<html lang="en"><body><nav><h1>Site menu</h1></nav>'
        f'<article class="md-content__inner">{inner}</article></body></html>'
    )


def _fragments(bundle: Path) -> dict[str, dict]:
    """Pagefind's record of each page in `bundle`, by URL (gzipped JSON after a marker)."""
    records = {}
    for path in (bundle / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[data.index(b"{") :])
        records[record["url"]] = record
    return records


def test_pages_are_indexed_by_their_path_in_the_site_from_their_content_area(tmp_path: Path):
    indexer = search.Indexer(tmp_path)
    heading = '<h1 id="a">Rates rise<a class="headerlink" href="#a">¶</a></h1><p>Bank news</p>'
    indexer.add("news/rates/index.html", _page(heading))
    indexer.add("about/index.html", _page("<h1>About</h1>", marked=False))
    indexed = indexer.finish()
    assert (indexed.pages, indexed.shards) == (1, 1)
    [(url, record)] = _fragments(tmp_path / "pagefind").items()
    assert url == "/news/rates/"
    assert record["meta"]["title"] == "Rates rise"  # no "¶", no "Site menu"
    assert _manifest(tmp_path / "pagefind") == {"shards": [], "newest": None, "tags": {}}


def test_a_site_over_the_shard_size_is_indexed_in_shards_the_main_bundle_lists(tmp_path: Path):
    indexer = search.Indexer(tmp_path, shard_pages=2)
    for n in range(5):
        indexer.add(f"p{n}/index.html", _page(f"<h1>Page {n}</h1><p>shared words {n}</p>"))
    indexed = indexer.finish()
    assert (indexed.pages, indexed.shards) == (5, 3)
    bundle = tmp_path / "pagefind"
    shards = _manifest(bundle)["shards"]
    assert shards == ["shard-1/", "shard-2/"]  # pages 0-1 and 2-3; page 4 in the main one
    urls = [sorted(_fragments(bundle / shard)) for shard in shards] + [sorted(_fragments(bundle))]
    assert urls == [["/p0/", "/p1/"], ["/p2/", "/p3/"], ["/p4/"]]
    assert (bundle / "pagefind.js").is_file()


def _manifest(bundle: Path) -> dict:
    return json.loads((bundle / search.SHARDS_FILE).read_text(encoding="utf-8"))


def test_the_newest_articles_are_a_bundle_of_their_own_written_once_all_are_in(tmp_path: Path):
    indexer = search.Indexer(tmp_path, shard_pages=3, expected_newest=2)
    for n in range(4):
        indexer.add(f"old{n}/index.html", _page(f"<h1>Old {n}</h1>"))
    for n in range(2):
        indexer.add(f"new{n}/index.html", _page(f"<h1>New {n}</h1>"), newest=True)
    newest = tmp_path / "pagefind" / search.NEWEST_BUNDLE
    assert [bundle for bundle, _ in indexer._writes] == ["shard-1/", search.NEWEST_BUNDLE]
    indexer._writes[-1][1].result()  # written while the build goes on, not at its end
    assert sorted(_fragments(newest)) == ["/new0/", "/new1/"]
    indexer.add("tags/index.html", _page("<h1>Tags</h1>"))
    indexed = indexer.finish({"china": 2})
    assert (indexed.pages, indexed.shards, indexed.newest) == (7, 3, 2)
    bundle = tmp_path / "pagefind"
    manifest = {"shards": ["shard-1/"], "newest": "newest/", "tags": {"china": 2}}
    assert _manifest(bundle) == manifest
    assert sorted(_fragments(bundle)) == ["/old3/", "/tags/"]
    assert (newest / "pagefind.js").is_file()  # the dialog's second Pagefind loads it


def test_the_newest_articles_held_unwritten_count_against_the_shard_size(tmp_path: Path):
    indexer = search.Indexer(tmp_path, shard_pages=3)  # how many are newest is not known
    indexer.add("new0/index.html", _page("<h1>New 0</h1>"), newest=True)
    indexer.add("new1/index.html", _page("<h1>New 1</h1>"), newest=True)
    for n in range(3):
        indexer.add(f"old{n}/index.html", _page(f"<h1>Old {n}</h1>"))
    assert [bundle for bundle, _ in indexer._writes] == ["shard-1/", "shard-2/"]
    indexed = indexer.finish()  # writes the newest bundle at the end
    assert (indexed.pages, indexed.shards, indexed.newest) == (5, 4, 2)
    assert sorted(_fragments(tmp_path / "pagefind" / "newest")) == ["/new0/", "/new1/"]


def test_only_an_archive_of_over_twice_the_newest_keeps_them_apart():
    assert search.newest_count(2 * search.NEWEST) == 0
    assert search.newest_count(2 * search.NEWEST + 1) == search.NEWEST


def _unreadable(path: Path) -> bool:
    """Whether a browser could not use the file: empty, cut-off gzip or broken JSON."""
    data = path.read_bytes()
    try:
        if path.suffix.startswith(".pf_"):
            gzip.decompress(data)
        elif path.suffix == ".json":
            json.loads(data)
    except (OSError, EOFError, ValueError):
        return True
    return not data


def test_every_file_of_every_shard_is_whole_when_the_index_is_finished(tmp_path: Path):
    """Pagefind's own WriteFiles replied before its last writes landed, and the service
    exits when its input ends: 3 to 6 files of 60 one-page shards were left empty."""
    indexer = search.Indexer(tmp_path, shard_pages=1)
    for n in range(60):
        indexer.add(f"p{n}/index.html", _page(f"<h1>Page {n}</h1><p>words {n}</p>"))
    assert indexer.finish().shards == 60
    bundle = tmp_path / "pagefind"
    files = [path for path in bundle.rglob("*") if path.is_file()]
    assert len(files) > 60 * 3  # every shard's entry, metadata and fragment at least
    assert [str(path.relative_to(bundle)) for path in files if _unreadable(path)] == []


def test_a_bundle_that_cannot_be_written_fails_the_build_with_the_reason(tmp_path: Path):
    (tmp_path / "site").write_text("a file where the site folder should be", encoding="utf-8")
    indexer = search.Indexer(tmp_path / "site")
    indexer.add("a/index.html", _page("<h1>A</h1>"))
    reason = r"(?s)into .*site/pagefind failed.*NotADirectoryError"
    with pytest.raises(search.SearchIndexError, match=reason):
        indexer.finish()


def test_a_site_without_searchable_pages_still_gets_the_script_the_dialog_loads(tmp_path: Path):
    assert search.Indexer(tmp_path).finish().pages == 0
    assert (tmp_path / "pagefind" / "pagefind.js").is_file()


def test_a_pagefind_that_dies_fails_the_build_with_what_it_said(tmp_path: Path):
    indexer = search.Indexer(tmp_path)
    indexer.add("a/index.html", _page("<h1>A</h1>"))
    indexer._services[-1]._process.kill()
    with pytest.raises(search.SearchIndexError, match="pagefind stopped"):
        indexer.add("b/index.html", _page("<h1>B</h1>" + "words " * 50_000))
        indexer.finish()


def test_pagefind_is_sent_the_content_area_in_the_pages_own_html_tag():
    page = '<!doctype html><html lang="de" class="x"><head><title>T</title></head><body>'
    page += '<nav>menu</nav><article class="md-content__inner md-typeset"><p>Text</p></article>'
    page += "<footer>foot</footer></body></html>"
    assert search.content_area(page) == (
        '<html lang="de" class="x"><body>'
        '<article class="md-content__inner md-typeset"><p>Text</p></article></body></html>'
    )
    assert search.content_area("<html><body><p>No content area</p></body></html>") == (
        "<html><body><p>No content area</p></body></html>"
    )


def test_the_last_third_of_a_build_of_known_size_is_a_shard_of_its_own(tmp_path: Path):
    indexer = search.Indexer(tmp_path, expected=search.TAIL_SPLIT * 3 // 2 + 1)
    for n in range(indexer.expected):
        marked = n != 0  # an unmarked page counts as rendered, not as indexed
        indexer.add(f"p{n}/index.html", _page(f"<h1>Page {n}</h1>", marked=marked))
    indexed = indexer.finish()
    assert indexed.shards == 2
    assert len(_fragments(tmp_path / "pagefind" / "shard-1")) == search.TAIL_SPLIT
    assert len(_fragments(tmp_path / "pagefind")) == search.TAIL_SPLIT // 2


def test_a_failed_build_leaves_no_pagefind_running(tmp_path: Path):
    indexer = search.Indexer(tmp_path, shard_pages=1)
    for n in range(3):
        indexer.add(f"p{n}/index.html", _page(f"<h1>Page {n}</h1>"))
    indexer.abort()
    assert [service._process.poll() is not None for service in indexer._services] == [True] * 3
