"""Malformed input: one clear line each, exit 1, nothing written for it, the batch goes on."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsdesk import article as schema
from newsdesk.cli import main

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "docs" / "_originals" / "002_1dbe7c8afcba537f.txt"

WXR_HEAD = (
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>Site</title>'
)
BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "aaaaaaaaaa">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + "]>\n"
    + WXR_HEAD
    + "<item><title>&j;</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
    "<content:encoded>&j;</content:encoded></item></channel></rss>"
)
EXTERNAL = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    + WXR_HEAD
    + "<item><title>x</title><wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
    "<content:encoded>&xxe;</content:encoded></item></channel></rss>"
)
POST = json.loads(GOOD.read_text("utf-8"))

# name -> (file bytes, a regular expression the one failure line must match)
MALFORMED: dict[str, tuple[bytes, str]] = {
    "truncated.json": (GOOD.read_bytes()[:5000], r"truncated|incomplete|unterminated"),
    "wrong-shape.json": (b'{"posts": [1, 2, 3]}', r"(WordPress|post)"),
    "bomb.xml": (BOMB.encode(), r"entit"),
    "external.xml": (EXTERNAL.encode(), r"entit"),
    "empty.txt": (b"", r"empty"),
    "blank.txt": (b"  \n\n \t\n", r"empty"),
    "binary.bin": (bytes(range(256)) * 40, r"binary"),
    "no-body.json": (
        json.dumps({**POST, "content": {"rendered": "<p> </p>"}}).encode(),
        r"(no content|empty)",
    ),
}


def run(*argv: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main([str(a) for a in argv], out=out)
    return code, out.getvalue()


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_input_fails_alone_with_one_clear_line(name, tmp_path):
    data, expected = MALFORMED[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    docs = tmp_path / "docs"
    code, output = run("import", bad, GOOD, "--docs", docs, "--source-name", "X", "--date", "2026")
    assert code == 1
    lines = [line for line in output.splitlines() if str(bad) in line]
    assert len(lines) == 1, output
    assert re.search(expected, lines[0], re.IGNORECASE), lines[0]
    assert lines[0].startswith(("failed", "skipped"))
    written = list((docs / "articles").rglob("*.md"))
    assert len(written) == 1 and "joint-venture" in written[0].name  # the good one still arrived
    assert not (docs / "_originals" / name).exists()


def test_post_without_title_gets_one_from_its_text(tmp_path):
    untitled = tmp_path / "untitled.json"
    untitled.write_text(json.dumps({**POST, "title": {"rendered": ""}, "slug": ""}))
    code, output = run("import", untitled, "--docs", tmp_path / "docs")
    assert code == 0, output
    [path] = list((tmp_path / "docs" / "articles").rglob("*.md"))
    assert schema.loads(path.read_text("utf-8")).meta["title"]


def test_control_characters_are_tolerated(tmp_path):
    noisy = tmp_path / "noisy.json"
    rendered = POST["content"]["rendered"].replace("Hefei,", "Hefei,\x00\x07\x1b")
    noisy.write_text(json.dumps({**POST, "content": {"rendered": rendered}}))
    code, output = run("import", noisy, "--docs", tmp_path / "docs")
    assert code == 0, output
    [path] = list((tmp_path / "docs" / "articles").rglob("*.md"))
    text = path.read_text("utf-8")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    assert "In a sprawling office in Hefei," in text


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        (
            "Café owners’ “rebellion” is over, said the mayor on Monday.".encode("cp1252"),
            "decoded as windows-1252",
        ),
        ("The cafÃ© is open again after a long winter for everyone.".encode(), "mojibake"),
    ],
)
def test_legacy_encodings_and_mojibake_are_repaired_and_reported(raw, note, tmp_path):
    clip = tmp_path / "clip.txt"
    clip.write_bytes(b"A title for the clipping\n\n" + raw + b"\n")
    code, output = run(
        "import", clip, "--docs", tmp_path / "docs", "--date", "2026", "--source-name", "X"
    )
    assert code == 0 and note in output
    [path] = list((tmp_path / "docs" / "articles").rglob("*.md"))
    assert "caf\u00e9" in path.read_text("utf-8").casefold()


def test_killed_import_leaves_only_complete_valid_articles(tmp_path):
    """SIGKILL mid-batch: every article file is absent or complete, never half-written."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for number in range(400):
        post = {**POST, "id": number, "slug": f"post-{number}", "guid": {"rendered": f"g{number}"}}
        (inputs / f"{number:04d}.json").write_text(json.dumps(post))
    docs = tmp_path / "docs"
    command = [sys.executable, "-m", "newsdesk", "import", str(inputs), "--docs", str(docs)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    articles = docs / "articles" / "2026" / "04"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(articles.glob("*.md"))) < 20:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    written = list(articles.glob("*.md"))
    assert 20 <= len(written) < 400, "the kill must land mid-batch"
    for path in written:
        assert schema.problems_in_text(path.read_text("utf-8")) == [], path
    leftovers = [p for p in articles.iterdir() if p.suffix != ".md"]
    assert all(p.name.startswith(".") for p in leftovers)  # hidden temp files, never articles
