"""A 100 MB WordPress export streams: the WXR reader's memory does not grow with the file.

The export is newsdesk.bench_wxr's (the WordPress seed post's ad-laden markup, thousands
of times, plus attachments). The reader runs alone in a child process, which reports its
own peak RSS (VmHWM: os.wait4's ru_maxrss would also count the pytest process the child
was forked from); it must stay below the size of the file it reads, which an
implementation holding the export, or its parsed tree, in memory could not do.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from newsdesk import bench_wxr

pytestmark = pytest.mark.slow

POSTS = 7_600  # about 101 MiB of export
MIB = 2**20
PEAK_LIMIT_MIB = 100
READ_EVERY_RECORD = """
import sys
from pathlib import Path

from newsdesk.article import Article
from newsdesk.readers import Input, get

records = get("wordpress-wxr").read(Input(Path(sys.argv[1])))
print(sum(isinstance(record, Article) for record in records))
print(next(line for line in open("/proc/self/status") if line.startswith("VmHWM:")).split()[1])
"""


def test_a_100_mb_export_is_read_in_bounded_memory(tmp_path):
    export = tmp_path / "export.xml"
    bench_wxr.write_export(export, POSTS, bench_wxr.load_seed())
    assert export.stat().st_size >= PEAK_LIMIT_MIB * MIB
    command = [sys.executable, "-c", READ_EVERY_RECORD, str(export)]
    reader = subprocess.run(command, capture_output=True, text=True, check=True)
    articles, peak_kib = map(int, reader.stdout.split())
    assert articles == POSTS
    assert peak_kib / 1024 < PEAK_LIMIT_MIB, f"peak RSS {peak_kib / 1024:.0f} MiB"
