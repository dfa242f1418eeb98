"""How long `mkdocs serve` takes to show an edit, on a synthetic archive of N articles.

    python -m newsdesk.bench_serve --n 10000 [--dirty]

Starts `mkdocs serve` (as `make serve` does) on our full site with N synthetic articles,
waits for the first build, then edits one article's body and measures the time from the
save to MkDocs' "Reloading browsers", i.e. until the browser shows the edit. Without
--dirty every rebuild is a full build plus Pagefind; with --dirty MkDocs rebuilds only
the pages whose source changed, plus every generated listing page and feed (their
content lives in memory, so MkDocs always counts them as changed).
"""

from __future__ import annotations

import argparse
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from newsdesk import bench

READY = "Serving on"
REBUILT = "Reloading browsers"
TIMEOUT = 900.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _lines(stream: IO[str], into: queue.Queue[tuple[float, str]]) -> None:
    """Timestamp each line the server logs, as it arrives (a reader thread)."""
    for line in stream:
        into.put((time.perf_counter(), line))


def wait_for(lines: queue.Queue[tuple[float, str]], text: str) -> float:
    """The moment the server logged a line containing `text`; fails on an error."""
    deadline = time.perf_counter() + TIMEOUT
    while (left := deadline - time.perf_counter()) > 0:
        moment, line = lines.get(timeout=left)
        if "ERROR" in line or "Traceback" in line:
            raise SystemExit(f"mkdocs serve failed: {line}")
        if text in line:
            return moment
    raise SystemExit(f"mkdocs serve: no {text!r} within {TIMEOUT:.0f} s")


def measure(project: Path, dirty: bool, edits: int = 2) -> tuple[float, list[float]]:
    """(first build seconds, seconds per edit) of `mkdocs serve` on `project`."""
    command = [sys.executable, "-m", "mkdocs", "serve"]
    command += ["--dev-addr", f"127.0.0.1:{free_port()}", *(["--dirty"] if dirty else [])]
    _, env = bench.mkdocs_build(project / bench.CONFIG, project / "site")
    article = sorted((project / "docs" / "articles").rglob("*.md"))[0]
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    start = time.perf_counter()
    server = subprocess.Popen(
        command, cwd=project, env=env, stderr=subprocess.STDOUT, stdout=subprocess.PIPE, text=True
    )
    threading.Thread(target=_lines, args=(server.stdout, lines), daemon=True).start()
    try:
        first = wait_for(lines, READY) - start
        seconds = []
        for number in range(edits):
            time.sleep(3)  # let the file watcher settle
            saved = time.perf_counter()
            with article.open("a", encoding="utf-8") as text:
                text.write(f"\n\nAn edit, number {number + 1}.\n")
            seconds.append(wait_for(lines, REBUILT) - saved)
        return first, seconds
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsdesk.bench_serve", description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="synthetic articles (10000)")
    parser.add_argument("--dirty", action="store_true", help="mkdocs serve --dirty")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsdesk-serve-") as scratch:
        project = bench.full_project(Path.cwd(), Path(scratch), args.n)
        first, edits = measure(project, args.dirty)
    mode = "mkdocs serve --dirty" if args.dirty else "mkdocs serve"
    shown = ", ".join(f"{s:.1f}" for s in edits)
    print(f"{mode}, {args.n} articles: first build {first:.1f} s; edit → reload {shown} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
