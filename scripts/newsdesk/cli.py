"""`newsdesk`: import sources into the archive and check the archive.

Exit codes are the same for every command: 0 all good, 1 some input or article failed
(the others were still processed), 2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from newsdesk import __version__, ingest, readers
from newsdesk import article as schema
from newsdesk import vocabulary as vocab
from newsdesk.article import SchemaError

EPILOG_IMPORT = """\
formats (detected from the content unless --format is given):
{formats}

metadata: a sidecar <input stem>.meta.yml next to an input may set any of
  {fields}
and the flags below override the sidecar. Sources without a day may give
'date: 2026-02' or 'date: 2026' (an approximate date) plus 'date_note'.

paths: articles are written to DOCS/articles/YYYY/MM/<slug>.md (YYYY/<slug>.md when only
the year is known); the original and its sidecar are copied to DOCS/_originals/ so the
archive can be re-imported when the rules improve.

exit status: 0 every input imported, 1 some failed (the rest were imported), 2 usage error
"""


def _formats() -> str:
    return "\n".join(f"  {r.name:<16} {r.summary}" for r in readers.readers())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsdesk",
        description="Turn WordPress posts, newsletters and text clippings into a clean, "
        "tagged Markdown archive, and check it.",
    )
    parser.add_argument("--version", action="version", version=f"newsdesk {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_import(commands)
    _add_check(commands)
    return parser


def _add_import(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "import",
        help="convert source files into articles",
        description="Convert source files into clean Markdown articles with front matter.",
        epilog=EPILOG_IMPORT.format(formats=_formats(), fields=", ".join(ingest.OVERRIDABLE)),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    cmd.add_argument("--docs", type=Path, default=Path("docs"), help="archive docs dir")
    cmd.add_argument(
        "--format", choices=[r.name for r in readers.readers()], help="skip format detection"
    )
    cmd.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
    cmd.add_argument("--explain", action="store_true", help="show what each cleaning rule removed")
    cmd.add_argument("--force", action="store_true", help="overwrite articles edited since import")
    cmd.add_argument(
        "--vocabulary", type=Path, default=vocab.DEFAULT_PATH, help="tag vocabulary file"
    )
    meta = cmd.add_argument_group("metadata (override the sidecar and the source)")
    for name in ("title", "date", "date-note", "slug", "byline", "summary", "image"):
        meta.add_argument(f"--{name}")
    meta.add_argument("--source-name", help="publication or newsletter name")
    meta.add_argument("--source-url", help="URL of the original")
    meta.add_argument("--tag", action="append", help="a tag (repeat for several)")


def _add_check(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "check",
        help="validate articles against the schema",
        description="Report every schema problem as path:line: field: message.",
    )
    cmd.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    cmd.add_argument("--docs", type=Path, default=Path("docs"), help="archive docs dir")


# --- import -------------------------------------------------------------------------------


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    try:
        overrides = ingest.flag_overrides(vars(args))
        vocabulary = vocab.load(args.vocabulary)
    except (SchemaError, ValueError) as exc:
        print(f"newsdesk import: error: {exc}", file=sys.stderr)
        return 2
    options = ingest.Options(
        docs=args.docs,
        format=args.format,
        dry_run=args.dry_run,
        force=args.force,
        overrides=overrides,
        vocabulary=vocabulary,
    )
    counts: Counter[str] = Counter()
    new_tags: Counter[str] = Counter()
    for outcome in ingest.import_paths(args.paths, options):
        counts[outcome.status] += 1
        _print_outcome(outcome, args.explain, out)
        if outcome.tags:
            new_tags.update(outcome.tags.unknown)
    _print_summary(counts, new_tags, args, out)
    return 1 if counts["failed"] else 0


def _print_outcome(outcome: ingest.Outcome, explain: bool, out: TextIO) -> None:
    detail = f"  ({outcome.detail})" if outcome.detail else ""
    print(f"{outcome.status:<10} {outcome.label}{detail}", file=out)
    if outcome.tags and outcome.tags.dropped:
        print(f"{'':<10}   tags dropped (stoplist): {', '.join(outcome.tags.dropped)}", file=out)
    if explain and outcome.report:
        for removal in outcome.report.removals:
            print(f"{'':<10}   - [{removal.rule}] {removal.excerpt}", file=out)


def _print_summary(
    counts: Counter[str], new_tags: Counter[str], args: argparse.Namespace, out: TextIO
) -> None:
    total = sum(counts.values())
    parts = ", ".join(
        f"{counts[s]} {s}" for s in ("wrote", "unchanged", "kept", "skipped", "failed")
    )
    prefix = "dry run: " if args.dry_run else ""
    print(f"{prefix}{total} records: {parts}", file=out)
    if new_tags:
        listed = ", ".join(f"{tag} ({n})" for tag, n in sorted(new_tags.items()))
        print(f"tags not in {args.vocabulary} (kept): {listed}", file=out)


# --- check --------------------------------------------------------------------------------


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    paths = args.paths or [args.docs / "articles"]
    files = [p for p in ingest.expand(paths) if p.suffix == ".md"]
    problems = 0
    for path in files:
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{path}:1: file: cannot be read: {exc}", file=out)
            problems += 1
            continue
        for problem in schema.problems_in_text(text):
            print(f"{path}:{problem.line or 1}: {problem}", file=out)
            problems += 1
    print(f"checked {len(files)} articles: {problems} problems", file=out)
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"import": run_import, "check": run_check}[args.command]
    return handler(args, out or sys.stdout)
