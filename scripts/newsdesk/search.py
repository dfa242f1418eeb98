"""Full-text search with Pagefind, run over the built site after MkDocs has written it.

Material's lunr search ships one index of every page's text to every reader (51 MB for
10,000 articles) and builds it in the browser before the first result. Pagefind splits
its index into chunks by word, so a query downloads only the chunks and result fragments
it needs, whatever the size of the archive. What is indexed is marked in the templates:
`data-pagefind-body` on article bodies and on the lead of searchable listing pages,
`data-pagefind-filter="tag"` on an article's tag chips (the search dialog's tag filter).

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
# The phrase of Pagefind's summary that the bench and the log report.
_PAGES = re.compile(r"Indexed (\d+) pages?")


@dataclass
class _Session:
    """What this process is: state kept in the package, because `mkdocs serve` loads
    the hooks afresh for every rebuild."""

    serving: bool = False


_session = _Session()


def start(command: str) -> None:
    """Note the MkDocs command this process runs ("build", "serve", "gh-deploy")."""
    _session.serving = command == "serve"


def needs_index(site_dir: Path) -> bool:
    """False only for a `mkdocs serve --dirty` rebuild, which keeps the first build's index.

    A plain `mkdocs serve` empties the site directory on every rebuild, so it re-indexes;
    a dirty rebuild keeps it, and re-indexing 10,000 articles would cost more than the
    rebuild of the edited page itself (docs/benchmarks.md). The preview's search then
    misses only the edits made since the server started.
    """
    return not (_session.serving and (site_dir / BUNDLE_DIR / "pagefind.js").is_file())


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


def command(site_dir: Path) -> list[str]:
    """Pagefind's command line for a built site (the bundle goes to site_dir/pagefind)."""
    executable = pagefind_bin.get_executable()
    return [
        str(executable),
        *("--site", str(site_dir), "--output-subdir", BUNDLE_DIR),
        *("--exclude-selectors", EXCLUDE),
    ]


def index(site_dir: Path) -> Indexed:
    """Index `site_dir` in place; raises SearchIndexError with Pagefind's own output.

    Peak RSS is that of this process's largest child so far: in a build, Pagefind is the
    only child the MkDocs process starts, so it is Pagefind's.
    """
    start = time.perf_counter()
    result = subprocess.run(command(site_dir), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    output = result.stdout + result.stderr
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed (exit {result.returncode}):\n{output.strip()}")
    found = _PAGES.search(output)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    return Indexed(int(found.group(1)) if found else 0, seconds, peak_kib / 1024)
