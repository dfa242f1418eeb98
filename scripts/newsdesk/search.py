"""Full-text search with Pagefind, run over the site MkDocs has built (hooks/search.py).

Material's lunr search ships one index of every page's text to every reader (51 MB for
10,000 articles) and builds it in the browser before the first result. Pagefind splits
its index into chunks by word, so a query downloads only the chunks and result fragments
it needs, whatever the size of the archive. What is indexed is marked in the templates:
`data-pagefind-body` on article bodies and on the lead of searchable listing pages,
`data-pagefind-filter="tag"` on an article's tag chips (the search dialog's tag filter).

Pagefind reads only each page's content area (--root-selector): Material's header,
navigation and footer are most of every page's bytes and never indexed, and skipping
them takes 40% off Pagefind's time.

A large site is indexed in shards, so Pagefind's memory stays bounded as the archive
grows; the browser merges them (see `index`).

The binary comes from the `pagefind_bin` wheel (pagefind[bin]): nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pagefind_bin

BUNDLE_DIR = "pagefind"  # under site_dir; assets/javascripts/search.js loads it from there
# In the bundle: the other shards' bundles, as URLs relative to it (a JSON list).
SHARDS_FILE = "newsdesk-shards.json"
# HTML pages per Pagefind run, about 0.7 GB of Pagefind's memory at most; the environment
# variable sets another number (less memory, or, in the tests, shards of a small site).
SHARD_PAGES = int(os.environ.get("NEWSDESK_PAGEFIND_SHARD_PAGES", "4000"))
# Never indexed: the "¶" permalinks MkDocs adds to headings (they would end every title).
EXCLUDE = ".headerlink"
# Material 9.8's content area (base.html): everything Pagefind may index is inside it.
ROOT = "article.md-content__inner"
# The phrase of Pagefind's summary that the bench and the log report.
_PAGES = re.compile(r"Indexed (\d+) pages?")


class SearchIndexError(RuntimeError):
    """Pagefind failed: the site would have a search box without an index."""


@dataclass(frozen=True)
class Indexed:
    """What one indexing run did, for the build log (and the bench, which parses it)."""

    pages: int
    seconds: float
    peak_rss_mib: float

    def summary(self) -> str:
        return (
            f"Pagefind indexed {self.pages} pages in {self.seconds:.1f} s"
            f" (peak RSS {self.peak_rss_mib:.0f} MiB)"
        )


@dataclass
class _Session:
    """This process's build state, kept in the package: `mkdocs serve` loads the hooks
    afresh for every rebuild."""

    dirty: bool = False


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


def command(site_dir: Path, source: Path | None = None, bundle: str = BUNDLE_DIR) -> list[str]:
    """Pagefind's command line: index the pages under `source` (the built site itself, or
    a shard of it) into site_dir/`bundle`."""
    executable = pagefind_bin.get_executable()
    return [
        str(executable),
        *("--site", str(source or site_dir), "--output-path", str(site_dir / bundle)),
        *("--root-selector", ROOT, "--exclude-selectors", EXCLUDE),
    ]


def index(site_dir: Path, shard_pages: int | None = None) -> Indexed:
    """Run Pagefind over `site_dir`; raises SearchIndexError with Pagefind's own output.

    Pagefind holds what it learns of every page until it writes the index, about 170 KB
    a page here (1.7 GB for 10,000 articles), so a site of more than `shard_pages` HTML
    files is indexed in shards, one after the other, the first into the bundle and each
    other into a folder of it; the browser merges them (`SHARDS_FILE` lists the others for
    assets/javascripts/search.js). Shard 0 is written first: nothing removes the others.

    Peak RSS is that of this process's largest child so far: in a build, Pagefind is the
    only child the MkDocs process starts, so it is Pagefind's.
    """
    started = time.perf_counter()
    shard_pages = shard_pages or SHARD_PAGES
    pages = sorted(site_dir.rglob("*.html"))
    shards = _shards(site_dir, pages, shard_pages) if len(pages) > shard_pages else [None]
    extra = [f"shard-{number}/" for number in range(1, len(shards))]  # relative to the bundle
    bundles = [BUNDLE_DIR, *(f"{BUNDLE_DIR}/{shard}" for shard in extra)]
    try:
        runs = zip(shards, bundles, strict=True)
        indexed = sum(_run(command(site_dir, shard, bundle)) for shard, bundle in runs)
    finally:
        if shards[0] is not None:
            shutil.rmtree(shards[0].parent)
    (site_dir / BUNDLE_DIR / SHARDS_FILE).write_text(json.dumps(extra), encoding="utf-8")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return Indexed(indexed, time.perf_counter() - started, peak_kib / 1024)


def _shards(site_dir: Path, pages: list[Path], shard_pages: int) -> list[Path]:
    """The searchable pages split into folders of at most `shard_pages`, each mirroring
    the site's paths (so Pagefind gives every page its URL) with hard links, not copies.

    Only pages marked data-pagefind-body go into a shard: Pagefind indexes every other
    page whole as soon as its shard holds no marked one.
    """
    searchable = [page for page in pages if b"data-pagefind-body" in page.read_bytes()]
    count = max(1, -(-len(searchable) // shard_pages))
    work = Path(tempfile.mkdtemp(prefix=".pagefind-shards-", dir=site_dir.parent))
    shards = []
    for number in range(count):
        shard = work / str(number)
        for page in searchable[number::count]:
            link = shard / page.relative_to(site_dir)
            link.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(page, link)
            except OSError:  # another filesystem, or one without hard links
                shutil.copyfile(page, link)
        shards.append(shard)
    return shards


def _run(argv: list[str]) -> int:
    """One Pagefind run; the number of pages it indexed."""
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed (exit {result.returncode}):\n{output.strip()}")
    found = _PAGES.search(output)
    return int(found.group(1)) if found else 0
