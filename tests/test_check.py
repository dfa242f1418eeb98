"""`newsdesk check`: each bad contribution is rejected with the right message and line."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from newsdesk import bench, vocabulary
from newsdesk import check as review
from newsdesk.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "contributions"
TODAY = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)

# fixture -> (where it is filed below docs/, expected line, expected message fragment)
BAD = {
    "unknown-tag": (
        "articles/2024/11/unknown-tag.md",
        10,
        "'bateries' is not in the vocabulary; did you mean 'batteries'?",
    ),
    "duplicate-url": ("articles/2025/03/duplicate-url.md", 5, "source.url: same as"),
    "near-duplicate": ("articles/2025/03/near-duplicate.md", 14, "body: near-duplicate of"),
    "script": ("articles/2025/03/script.md", 16, "raw <script> element"),
    "future-date": ("articles/2999/01/future-date.md", 3, "date: 2999-01-01 is in the future"),
    "wrong-path": (
        "articles/2020/01/wrong-path.md",
        1,
        "belongs at articles/2025/03/wrong-path.md",
    ),
    "missing-field": ("articles/2024/11/missing-field.md", 1, "summary: is required but missing"),
}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A small archive of good articles to contribute into."""
    root = tmp_path / "docs"
    for name, where in (("ev-sales-rise", "2025/03"), ("battery-plant", "2024/11")):
        target = root / "articles" / where / f"{name}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / "archive" / f"{name}.md", target)
    return root


def contribute(docs: Path, name: str) -> Path:
    target = docs / BAD[name][0]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "bad" / f"{name}.md", target)
    return target


def findings_for(docs: Path, path: Path) -> list[review.Finding]:
    vocab = vocabulary.load(FIXTURES / "vocabulary.yml")
    archive = sorted((docs / "articles").rglob("*.md"))
    return review.check_files([path], docs, vocab, archive=archive, today=TODAY)


def test_the_good_archive_passes(docs):
    vocab = vocabulary.load(FIXTURES / "vocabulary.yml")
    archive = sorted((docs / "articles").rglob("*.md"))
    assert review.check_files(archive, docs, vocab, archive=archive, today=TODAY) == []


@pytest.mark.parametrize("name", sorted(BAD))
def test_each_bad_contribution_is_rejected_with_message_and_line(docs, name):
    path = contribute(docs, name)
    _, line, fragment = BAD[name]
    found = [(f.line, f.message) for f in findings_for(docs, path)]
    assert any(fragment in message and at == line for at, message in found), found


def test_script_contribution_reports_every_unsafe_construct(docs):
    messages = [f.message for f in findings_for(docs, contribute(docs, "script"))]
    assert any("raw <script>" in m for m in messages)
    assert any("onerror=" in m for m in messages)


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ('<a href="&#106;avascript:alert(1)">x</a>', "javascript: URL"),
        ('<a href="jav&#x09;ascript:alert(1)">x</a>', "javascript: URL"),
        ("[x](javascript:alert(1))", "javascript: link"),
        ("<javascript:alert(1)>", "javascript: link"),
        ("[x][r]\n\n[r]: javascript:alert(1)", "javascript: link"),
        ('<img src="data:x">', "data: URL"),
        ("<img/src=x/onerror=alert(1)>", "onerror="),
        ('Text {: onclick="alert(1)" }', "attribute list sets onclick="),
        ('<p style="position:fixed">x</p>', "inline style="),
        ("<applet code=x></applet>", "raw <applet>"),
        ("<![CDATA[x]]>", "breaks the MkDocs build"),
    ],
)
def test_disguised_unsafe_constructs_are_found(docs, html, reason):
    path = contribute(docs, "script")
    path.write_text(path.read_text().replace("<script>alert(1)</script>", html))
    assert any(reason in f.message for f in findings_for(docs, path))


def test_ordinary_prose_and_markdown_attributes_are_not_flagged(docs):
    path = contribute(docs, "script")
    prose = "Switches on=off, a [link](https://example.org), <b>bold</b> and {: .note } styles."
    text = path.read_text().replace("<script>alert(1)</script>", prose)
    path.write_text(text.replace("<img src=x onerror=alert(1)>", "an image"))
    assert findings_for(docs, path) == []


def test_truncated_file_is_detected(docs):
    path = docs / "articles/2025/03/ev-sales-rise.md"
    path.write_text(path.read_text().rstrip("\n")[:-40])
    assert [f.message for f in findings_for(docs, path)] == [
        "file: does not end with a newline; truncated?"
    ]


def test_slugs_ending_in_digits_and_collision_suffixes_are_valid_paths(docs):
    path = docs / "articles/2025/03/ev-sales-rise-2.md"
    shutil.move(docs / "articles/2025/03/ev-sales-rise.md", path)
    assert findings_for(docs, path) == []


def test_cli_github_format_and_exit_code(docs, monkeypatch):
    path = contribute(docs, "future-date")
    out = io.StringIO()
    code = main(
        [
            "check",
            str(path),
            "--docs",
            str(docs),
            "--vocabulary",
            str(FIXTURES / "vocabulary.yml"),
            "--format",
            "github",
        ],
        out=out,
    )
    assert code == 1
    assert out.getvalue().startswith(
        f"::error file={path},line=3::date: 2999-01-01 is in the future"
    )


def test_committed_archive_passes_check():
    assert main(["check"], out=io.StringIO()) == 0


def test_new_then_check_succeeds_without_edits(tmp_path):
    docs = tmp_path / "docs"
    out = io.StringIO()
    code = main(
        [
            "new",
            "--title",
            "Chinese EV makers expand in Europe",
            "--date",
            "2026-05-02",
            "--source",
            "Example Wire",
            "--url",
            "https://example.org/expand",
            "--tag",
            "EV",
            "--tag",
            "china",
            "--docs",
            str(docs),
            "--vocabulary",
            str(FIXTURES / "vocabulary.yml"),
        ],
        out=out,
    )
    assert code == 0
    path = Path(out.getvalue().strip())
    assert path == docs / "articles/2026/05/chinese-ev-makers-expand-in-europe.md"
    assert (
        main(
            [
                "check",
                str(path),
                "--docs",
                str(docs),
                "--vocabulary",
                str(FIXTURES / "vocabulary.yml"),
            ],
            out=io.StringIO(),
        )
        == 0
    )


def test_new_article_passes_check_and_the_strict_build_without_edits(tmp_path):
    project = bench.full_project(ROOT, tmp_path, n=0)
    vocab = ROOT / "docs" / "_data" / "vocabulary.yml"
    docs = project / "docs"
    out = io.StringIO()
    argv = [
        "new",
        "--title",
        "Xiaomi opens a car plant",
        "--date",
        "2026-06-01",
        "--source",
        "Example Wire",
        "--tag",
        "xiaomi",
        "--docs",
        str(docs),
        "--vocabulary",
        str(vocab),
    ]
    assert main(argv, out=out) == 0
    check = ["check", "--docs", str(docs), "--vocabulary", str(vocab)]
    assert main(check, out=io.StringIO()) == 0
    command, env = bench.mkdocs_build(project / "mkdocs.yml", project / "site")
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (project / "site/articles/2026/06/xiaomi-opens-a-car-plant/index.html").exists()


def test_new_without_a_terminal_names_missing_flags(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO())
    assert main(["new", "--title", "T", "--docs", str(tmp_path)], out=io.StringIO()) == 2
    assert "missing --date, --source" in capsys.readouterr().err


def test_tags_lists_counts_unused_and_near_duplicates(docs, tmp_path):
    vocab = tmp_path / "vocabulary.yml"
    vocab.write_text(
        "tags:\n  china: {}\n  electric-vehicles: {}\n  batteries: {}\n  battery: {}\n"
    )
    out = io.StringIO()
    assert main(["tags", "--docs", str(docs), "--vocabulary", str(vocab)], out=out) == 0
    lines = out.getvalue().splitlines()
    assert "     1  china" in lines
    assert "     0  battery  (unused)" in lines
    assert "near-duplicate tags: batteries ~ battery" in lines
