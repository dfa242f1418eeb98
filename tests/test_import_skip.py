"""Re-importing an unchanged input replays its recorded outcomes without reading it (#7).

Each test imports once, changes one thing that decides the articles (or nothing) and
imports again, watching which inputs were actually read.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import get_args

import pytest
import yaml

from newsdesk import bench_wxr, ingest, manifest, readers
from newsdesk.clean import RuleSet, default_rules
from newsdesk.vocabulary import DEFAULT_PATH
from test_import import ROOT, TEXT_ARTICLE, WORDPRESS, run

REPLAYED = manifest.REASON
STATUSES = get_args(ingest.Status)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The inputs actually read: every read begins by refusing unreadable files."""
    seen: list[Path] = []
    refuse = readers.refuse_unreadable

    def counting(source: readers.Input) -> None:
        seen.append(source.path)
        refuse(source)

    monkeypatch.setattr(readers, "refuse_unreadable", counting)
    return seen


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    return tmp_path / "docs"


@pytest.fixture
def clip(docs: Path) -> Path:
    """A clipping and its sidecar where contributors put them, in the archive's originals
    (a changed input kept elsewhere would clash with its earlier copy there)."""
    path = docs / "_originals" / TEXT_ARTICLE.name
    path.parent.mkdir(parents=True)
    shutil.copy(TEXT_ARTICLE, path)
    shutil.copy(ingest.sidecar_path(TEXT_ARTICLE), ingest.sidecar_path(path))
    return path


def imported(*argv: str | Path, docs: Path) -> str:
    code, output = run("import", *argv, "--docs", docs, "--jobs", "1")
    assert code == 0, output
    return output


def outcome_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.split(" ", 1)[0] in STATUSES]


def one_record(status: str) -> str:
    """The summary of an import whose one record had `status`."""
    return "1 records: " + ", ".join(f"{int(s == status)} {s}" for s in STATUSES)


def without_reason(output: str) -> str:
    return output.replace(f"  ({REPLAYED})", "").replace(f"; {REPLAYED}", "")


def test_an_unchanged_export_is_replayed_unread_as_a_full_import_reports_it(
    tmp_path: Path, docs: Path, reads: list[Path]
) -> None:
    export = tmp_path / "export.xml"
    bench_wxr.write_export(export, 6, bench_wxr.load_seed())
    assert "6 wrote, 0 unchanged, 0 kept, 1 skipped" in imported(export, docs=docs)
    replayed = imported(export, docs=docs)
    assert reads == [export]
    assert "7 records: 0 wrote, 6 unchanged, 0 kept, 1 skipped, 0 failed" in replayed
    assert all(REPLAYED in line for line in outcome_lines(replayed))
    (docs / manifest.FILENAME).unlink()  # forget it: the full import it stands for
    full = imported(export, docs=docs)
    assert reads == [export, export]
    assert REPLAYED not in full
    assert without_reason(replayed) == full  # same lines, tags and summary


Change = Callable[[Path, Path, pytest.MonkeyPatch], list[str]]


def same_source_flag(clip: Path, docs: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    # the sidecar's value: the article is the same, the command line is not
    return ["--source-name", "Unattributed blog clipping"]


def sidecar_comment(clip: Path, docs: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    side = ingest.sidecar_path(clip)
    side.write_text(side.read_text("utf-8") + "# reviewed\n", "utf-8")
    return []


def larger_vocabulary(clip: Path, docs: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    document = yaml.safe_load((ROOT / DEFAULT_PATH).read_text("utf-8"))
    document["tags"]["hefei"] = {"description": "The city."}
    path = docs.parent / "vocabulary.yml"
    path.write_text(yaml.safe_dump(document), "utf-8")
    return ["--vocabulary", str(path)]


def new_code(clip: Path, docs: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(manifest, "pipeline", lambda: "the next release")
    return []


def longer_input(clip: Path, docs: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    clip.write_text(clip.read_text("utf-8") + "\nOne more sentence from the source.\n", "utf-8")
    return []


def hand_edit(clip: Path, docs: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    [article] = (docs / "articles").rglob("*.md")
    article.write_text(article.read_text("utf-8") + "\nA curator's note.\n", "utf-8")
    return []


def deletion(clip: Path, docs: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    [article] = (docs / "articles").rglob("*.md")
    article.unlink()
    return []


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (same_source_flag, "unchanged"),
        (sidecar_comment, "unchanged"),
        (larger_vocabulary, "unchanged"),
        (new_code, "unchanged"),
        (longer_input, "kept"),  # the article differs from this import: never overwritten
        (hand_edit, "kept"),
        (deletion, "wrote"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_any_change_that_may_decide_the_article_means_a_normal_import(
    change: Change,
    status: str,
    clip: Path,
    docs: Path,
    reads: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    imported(clip, docs=docs)
    argv = change(clip, docs, monkeypatch)
    output = imported(clip, *argv, docs=docs)
    assert reads == [clip, clip]
    assert one_record(status) in output and REPLAYED not in output
    assert REPLAYED in imported(clip, *argv, docs=docs)  # recorded anew
    assert reads == [clip, clip]


def test_changed_rules_mean_a_normal_import(clip: Path, docs: Path, reads: list[Path]) -> None:
    imported(clip, docs=docs)
    same_for_text = RuleSet(html=(), text=default_rules().text)  # a clipping has no HTML
    options = ingest.Options(docs=docs, rules=same_for_text, jobs=1)
    [outcome] = ingest.import_paths([clip], options)
    assert (outcome.status, outcome.detail) == ("unchanged", "")
    assert reads == [clip, clip]


@pytest.mark.parametrize("flag", ["--force", "--explain"])
def test_force_and_explain_always_read(
    flag: str, clip: Path, docs: Path, reads: list[Path]
) -> None:
    imported(clip, docs=docs)
    output = imported(clip, flag, docs=docs)
    assert reads == [clip, clip]
    assert "1 unchanged" in output and REPLAYED not in output
    assert (flag == "--explain") == ("   - [" in output)  # the cleaning report


def test_a_dry_run_may_replay_but_never_writes_the_manifest(
    clip: Path, docs: Path, reads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "dry run: 1 records: 1 wrote" in imported(clip, "--dry-run", docs=docs)
    assert not (docs / manifest.FILENAME).exists()
    imported(clip, docs=docs)
    recorded = (docs / manifest.FILENAME).read_bytes()
    assert "dry run: 1 records: 0 wrote, 1 unchanged" in imported(clip, "--dry-run", docs=docs)
    assert reads == [clip, clip]
    longer_input(clip, docs, monkeypatch)
    assert REPLAYED not in imported(clip, "--dry-run", docs=docs)
    assert (docs / manifest.FILENAME).read_bytes() == recorded


def unparsable(recorded: bytes) -> bytes:
    return recorded[: len(recorded) // 2]


def older_format(recorded: bytes) -> bytes:
    return json.dumps({**json.loads(recorded), "format": 0}).encode()


def damaged_entries(recorded: bytes) -> bytes:
    document = json.loads(recorded)
    for entry in document["inputs"].values():
        entry["outcomes"] = [{"status": "unchanged"}]
    return json.dumps(document).encode()


def not_a_mapping(recorded: bytes) -> bytes:
    return b"[]"


def not_utf8(recorded: bytes) -> bytes:
    return b"\xff" + recorded


@pytest.mark.parametrize(
    "corrupt", [unparsable, older_format, damaged_entries, not_a_mapping, not_utf8]
)
def test_a_corrupt_manifest_is_ignored_and_replaced(
    corrupt: Callable[[bytes], bytes], clip: Path, docs: Path, reads: list[Path]
) -> None:
    imported(clip, docs=docs)
    path = docs / manifest.FILENAME
    path.write_bytes(corrupt(path.read_bytes()))
    assert one_record("unchanged") in imported(clip, docs=docs)
    assert REPLAYED in imported(clip, docs=docs)
    assert reads == [clip, clip]


def test_an_input_whose_article_path_an_earlier_input_took_is_read(
    tmp_path: Path, docs: Path, reads: list[Path]
) -> None:
    """Two copies of one post, imported alone, record the same article; imported together,
    the second finds its path taken by the first and writes `-2`, replayed or not."""
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    shutil.copy(WORDPRESS, first)
    shutil.copy(WORDPRESS, second)
    imported(first, docs=docs)
    assert one_record("kept") in imported(second, docs=docs)  # provenance names its original
    together = outcome_lines(imported(first, second, docs=docs))
    assert reads == [first, second, second]
    assert REPLAYED in together[0]
    assert together[1].startswith("wrote") and together[1].split()[1].endswith("-2.md")
