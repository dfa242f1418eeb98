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

The binary comes from the `pagefind_bin` wheel (pagefind[bin]): nothing is downloaded.
"""

from __future__ import annotations

import re
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pagefind_bin

BUNDLE_DIR = "pagefind"  # under site_dir; assets/javascripts/search.js loads it from there
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


def command(site_dir: Path) -> list[str]:
    """Pagefind's command line: index the built site into site_dir/pagefind."""
    executable = pagefind_bin.get_executable()
    return [
        str(executable),
        *("--site", str(site_dir), "--output-path", str(site_dir / BUNDLE_DIR)),
        *("--root-selector", ROOT, "--exclude-selectors", EXCLUDE),
    ]


def index(site_dir: Path) -> Indexed:
    """Run Pagefind over `site_dir`; raises SearchIndexError with Pagefind's own output.

    Peak RSS is that of this process's largest child so far: in a build, Pagefind is the
    only child the MkDocs process starts, so it is Pagefind's.
    """
    started = time.perf_counter()
    result = subprocess.run(command(site_dir), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed (exit {result.returncode}):\n{output.strip()}")
    found = _PAGES.search(output)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return Indexed(int(found.group(1)) if found else 0, seconds, peak_kib / 1024)
