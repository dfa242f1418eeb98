"""`newsdesk`: import sources into the archive and check the archive.

Exit codes are the same for every command: 0 all good, 1 some input or article failed
(the others were still processed), 2 the command line itself is wrong.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from slugify import slugify
from tqdm import tqdm

from newsdesk import __version__, ingest, manifest, readers, store
from newsdesk import article as schema
from newsdesk import check as review
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

re-imports: an input unchanged since its last import (the same bytes, sidecar, flags,
rules, vocabulary and newsdesk code) whose articles are all still as that import left
them is not read again: its outcomes are repeated, each marked
"{reason}". The record is DOCS/{manifest},
a local cache that is safe to delete. --force and --explain read every input;
--dry-run may skip inputs but records nothing.

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
    _add_new(commands)
    _add_tags(commands)
    return parser


def _add_import(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "import",
        help="convert source files into articles",
        description="Convert source files into clean Markdown articles with front matter.",
        epilog=EPILOG_IMPORT.format(
            formats=_formats(),
            fields=", ".join(ingest.OVERRIDABLE),
            reason=manifest.REASON,
            manifest=manifest.FILENAME,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")
    cmd.add_argument("--docs", type=Path, default=Path("docs"), help="archive docs dir")
    cmd.add_argument(
        "--format", choices=[r.name for r in readers.readers()], help="skip format detection"
    )
    cmd.add_argument(
        "--dry-run", action="store_true", help="report what would happen; write nothing"
    )
    cmd.add_argument("--explain", action="store_true", help="show what each cleaning rule removed")
    cmd.add_argument(
        "--force",
        action="store_true",
        help="overwrite articles edited since import; read even unchanged inputs",
    )
    cmd.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: cores)"
    )
    cmd.add_argument(
        "--post-type",
        action="append",
        metavar="TYPE",
        help="WordPress export: import this post type too (repeat; default: post only; "
        "drafts, private, password-protected posts and attachments are never imported)",
    )
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
        help="review articles: schema, tags, duplicates, unsafe HTML, paths",
        description="Report every problem of the given articles (default: the whole archive) "
        "as path:line: message. Given files are also compared with the rest of the archive "
        "for duplicate source URLs and near-duplicate bodies.",
        epilog="exit status: 0 no problems, 1 problems found, 2 usage error",
    )
    cmd.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders")
    cmd.add_argument("--docs", type=Path, default=Path("docs"), help="archive docs dir")
    cmd.add_argument(
        "--vocabulary", type=Path, default=vocab.DEFAULT_PATH, help="tag vocabulary file"
    )
    cmd.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github: workflow-command annotations for GitHub Actions",
    )


def _add_new(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "new",
        help="scaffold a valid article at the right path",
        description="Write a new Markdown article with valid front matter at "
        "DOCS/articles/YYYY/MM/<slug>.md. Missing values are asked for in a terminal.",
    )
    cmd.add_argument("--title")
    cmd.add_argument("--date", help="ISO 8601: 2026-04-27, 2026-04 or 2026 when approximate")
    cmd.add_argument("--source", help="publication or newsletter name")
    cmd.add_argument("--url", help="URL of the original")
    cmd.add_argument("--tag", action="append", help="a tag (repeat for several)")
    cmd.add_argument("--summary", help="one or two plain sentences (default: the title)")
    cmd.add_argument("--byline")
    cmd.add_argument("--docs", type=Path, default=Path("docs"), help="archive docs dir")
    cmd.add_argument(
        "--vocabulary", type=Path, default=vocab.DEFAULT_PATH, help="tag vocabulary file"
    )


def _add_tags(commands: argparse._SubParsersAction) -> None:
    cmd = commands.add_parser(
        "tags",
        help="list tags with article counts; flag unused and near-duplicate tags",
        description="List every tag with its article count and vocabulary status.",
    )
    cmd.add_argument("--docs", type=Path, default=Path("docs"), help="archive docs dir")
    cmd.add_argument(
        "--vocabulary", type=Path, default=vocab.DEFAULT_PATH, help="tag vocabulary file"
    )


# --- import -------------------------------------------------------------------------------


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    try:
        overrides = ingest.flag_overrides(vars(args))
        vocabulary = vocab.load(args.vocabulary)
    except (SchemaError, ValueError) as exc:
        print(f"newsdesk import: error: {exc}", file=sys.stderr)
        return 2
    progress = tqdm(
        desc="importing", unit=" records", file=sys.stderr, disable=not sys.stderr.isatty()
    )
    options = ingest.Options(
        docs=args.docs,
        format=args.format,
        dry_run=args.dry_run,
        force=args.force,
        overrides=overrides,
        vocabulary=vocabulary,
        jobs=max(1, args.jobs),
        explain=args.explain,
        read_options={"post_types": ("post", *args.post_type)} if args.post_type else {},
        progress=progress.update,
    )
    counts: Counter[str] = Counter()
    new_tags: Counter[str] = Counter()
    with progress:
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


# --- check, new, tags ---------------------------------------------------------------------


def archive_files(docs: Path) -> list[Path]:
    return sorted((docs / store.ARTICLES_DIR).rglob("*.md"))


def run_check(args: argparse.Namespace, out: TextIO) -> int:
    try:
        vocabulary = vocab.load(args.vocabulary)
    except ValueError as exc:
        print(f"newsdesk check: error: {exc}", file=sys.stderr)
        return 2
    archive = archive_files(args.docs)
    targets = [p for p in ingest.expand(args.paths) if p.suffix == ".md"] if args.paths else archive
    findings = review.check_files(targets, args.docs, vocabulary, archive=archive)
    for finding in findings:
        print(finding.github() if args.format == "github" else finding.plain(), file=out)
    print(f"checked {len(targets)} articles: {len(findings)} problems", file=sys.stderr)
    return 1 if findings else 0


def _ask(value: str | None, prompt: str, flag: str, missing: list[str]) -> str | None:
    """Prompt in a terminal; elsewhere (CI, pipes) record the flag that is missing."""
    if value:
        return value
    if sys.stdin.isatty():
        return input(f"{prompt}: ").strip() or None
    missing.append(flag)
    return None


def run_new(args: argparse.Namespace, out: TextIO) -> int:
    missing: list[str] = []
    title = _ask(args.title, "Title", "--title", missing)
    date = _ask(args.date, "Date (YYYY-MM-DD, or YYYY-MM / YYYY if approximate)", "--date", missing)
    source = _ask(args.source, "Source (publication name)", "--source", missing)
    url = args.url or (
        input("URL of the original (optional): ").strip() if sys.stdin.isatty() else None
    )
    if missing:
        print(f"newsdesk new: error: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        vocabulary = vocab.load(args.vocabulary)
        article = schema.Article(
            title=title,
            date=schema.PartialDate.parse(date),
            slug=slugify(title or "", max_length=80, word_boundary=True),
            source=schema.Source(source or "", url or None),
            tags=vocabulary.normalize(args.tag or []).tags,
            summary=args.summary or title,
            byline=args.byline,
            body=NEW_BODY,
        )
    except (SchemaError, ValueError) as exc:
        print(f"newsdesk new: error: {exc}", file=sys.stderr)
        return 2
    if problems := schema.validate_mapping(schema.to_mapping(article)):
        print(f"newsdesk new: error: {'; '.join(map(str, problems))}", file=sys.stderr)
        return 2
    path = args.docs / store.relative_path(article)
    if path.exists():
        print(f"newsdesk new: error: {path} already exists", file=sys.stderr)
        return 1
    store.write_atomic(path, schema.dumps(article))
    print(path, file=out)
    return 0


def run_tags(args: argparse.Namespace, out: TextIO) -> int:
    vocabulary = vocab.load(args.vocabulary)
    counts: Counter[str] = Counter()
    for path in archive_files(args.docs):
        entry, _ = review.load_entry(path)
        if entry:
            counts.update(entry.article.tags)
    for tag in sorted(set(counts) | set(vocabulary.terms)):
        status = "" if tag in vocabulary.terms else "  (not in vocabulary)"
        if not counts[tag]:
            status = "  (unused)"
        print(f"{counts[tag]:>6}  {tag}{status}", file=out)
    for one, two in vocab.near_duplicate_tags([*counts, *vocabulary.terms]):
        print(f"near-duplicate tags: {one} ~ {two}", file=out)
    return 0


NEW_BODY = "Write or paste the article text here, in Markdown, replacing this paragraph."


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"import": run_import, "check": run_check, "new": run_new, "tags": run_tags}
    handler = handlers[args.command]
    return handler(args, out or sys.stdout)
