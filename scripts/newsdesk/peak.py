"""Peak memory of a process tree, for the benchmarks.

A build or an import is several processes at once (MkDocs and its Pagefind services,
`newsdesk import` and its workers), so the peak of any single one understates what the
machine needs; this samples the sum of their PSS (shared pages counted once).
"""

from __future__ import annotations

import threading
from pathlib import Path

# Reading a process's PSS makes the kernel walk its page tables: 5.8 ms of CPU for the
# three processes of an import here. Every 50 ms, that took an eighth of a core from the
# tree being measured: a 10,000-post import took 31.2 s, against 28.8 s when sampled
# twice a second (mean of three runs each), which costs 1 % of a core.
SAMPLE_SECONDS = 0.5


class TreeSampler(threading.Thread):
    """Samples the summed PSS of a process and all its descendants until stopped."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_kib = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            total = sum(_pss_kib(pid) for pid in _descendants(self.root))
            self.peak_kib = max(self.peak_kib, total)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _descendants(root: int) -> set[int]:
    """The process and everything it forked, from Linux's /proc/<pid>/task/*/children."""
    tree: set[int] = set()
    todo = [root]
    while todo:
        pid = todo.pop()
        tree.add(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in children.read_text().split())
            except OSError:
                continue  # the thread or process ended while we looked
    return tree


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
