"""Import: read → override metadata → clean → sanitize → convert → write.

The CLI is a thin shell over `import_paths`; tests drive this module directly. Nothing is
written for an article until every stage has succeeded and the result passes the schema.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import yaml
from lxml.html import HtmlElement
from slugify import slugify

from newsdesk import article as schema
from newsdesk import manifest, readers, store
from newsdesk.article import Article, PartialDate, SchemaError, Source
from newsdesk.clean import Report, RuleSet, default_rules
from newsdesk.clean.html import clean_tree
from newsdesk.clean.text import clean_text
from newsdesk.markdown import to_markdown
from newsdesk.sanitize import parse_fragment, sanitize, sanitized_tree
from newsdesk.vocabulary import EMPTY, Normalized, Vocabulary

SIDECAR_SUFFIX = ".meta.yml"
OVERRIDABLE = tuple(f for f in schema.FIELD_ORDER if f != "provenance")  # never from users
# How a user supplies each field, for error messages.
FLAG_FOR = {
    "title": "--title",
    "date": "--date",
    "slug": "--slug",
    "summary": "--summary",
    "source": "--source-name",
    "source.name": "--source-name",
    "source.url": "--source-url",
}
SUMMARY_MIN_WORDS = 12
WINDOW = 256  # records in flight between the reader and the workers

Status = Literal["wrote", "unchanged", "kept", "skipped", "failed"]


@dataclass
class Options:
    docs: Path = Path("docs")
    format: str | None = None
    dry_run: bool = False
    force: bool = False
    keep_original: bool = True
    overrides: dict[str, Any] = field(default_factory=dict)
    rules: RuleSet = field(default_factory=default_rules)
    vocabulary: Vocabulary | None = None
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    # keep each removal's excerpt for `--explain`; otherwise outcomes carry no report
    explain: bool = False
    # options for the readers that accept them (Reader.accepts), e.g. post_types
    read_options: dict[str, Any] = field(default_factory=dict)
    progress: Callable[[], None] = lambda: None


@dataclass
class Outcome:
    """One line of the import log: an article written/kept, a record skipped, or a failure."""

    status: Status
    label: str
    detail: str = ""
    report: Report | None = None
    tags: Normalized | None = None
    # for an article (wrote, unchanged, kept; its label is its path): the sha256 of the
    # file's text, so the next import can tell the article is still as this one left it
    sha256: str | None = None


class ImportFailure(Exception):
    """An input or record that cannot be imported; the message is for the user."""


# --- metadata from sidecars and flags -----------------------------------------------------


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name.split(".", 1)[0] + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def load_sidecar(path: Path) -> dict[str, Any]:
    """The `<stem>.meta.yml` next to an input: any article field, overriding the reader."""
    side = sidecar_path(path)
    if not side.exists():
        return {}
    try:
        data = schema.load_yaml(side.read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ImportFailure(f"{side.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ImportFailure(f"{side.name}: must be a mapping of article fields")
    if unknown := sorted(set(data) - set(OVERRIDABLE)):
        raise ImportFailure(
            f"{side.name}: unknown field(s) {', '.join(unknown)}; known: {', '.join(OVERRIDABLE)}"
        )
    return data


def apply_overrides(article: Article, overrides: dict[str, Any]) -> Article:
    """Sidecar and flag values replace what the reader found, field by field."""
    if not overrides:  # the usual case: a copy would cost every record of an export
        return article
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None:
            continue
        if key == "date":
            changes["date"] = PartialDate.parse(value)
        elif key == "source":
            base = article.source or Source(name="")
            changes["source"] = Source(
                name=value.get("name") or base.name, url=value.get("url") or base.url
            )
        elif key == "tags":
            tags = [str(t) for t in (value if isinstance(value, list) else [value])]
            changes["tags"] = tags
            changes["raw_tags"] = tags
        else:
            changes[key] = str(value).strip()
    return replace(article, **changes)


def merge_overrides(*layers: dict[str, Any]) -> dict[str, Any]:
    """Later layers win; `source` merges by key so a flag can set only the URL."""
    merged: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key == "source" and isinstance(value, dict):
                merged["source"] = {**merged.get("source", {}), **value}
            elif value not in (None, [], {}):
                merged[key] = value
    return merged


# --- the conversion -----------------------------------------------------------------------


def _paragraphs(html: str, tree: HtmlElement | None = None) -> Iterator[str]:
    """Plain text of each non-empty paragraph, captions and credits (all-italic) left out.

    Content with no <p> at all (a bare line of text, a list) counts as one paragraph.
    Lazy: a summary needs only the paragraphs up to the first long one. `tree`, if given,
    is `html` parsed.
    """
    if not html.strip():
        return
    root = parse_fragment(html) if tree is None else tree
    any_paragraph = False
    for para in root.iter("p"):
        emphasis_only = (
            len(para) == 1 and not (para.text or "").strip() and para[0].tag in ("em", "i", "small")
        )
        if not emphasis_only:
            any_paragraph = True
            if text := schema.without_markup(para.text_content()):
                yield text
    if not any_paragraph and (text := schema.without_markup(root.text_content())):
        yield text


def derive_summary(html: str, tree: HtmlElement | None = None) -> str | None:
    """The first real paragraph (a short article's first paragraph will do)."""
    first = None
    for paragraph in _paragraphs(html, tree):
        if len(paragraph.split()) >= SUMMARY_MIN_WORDS:
            return shorten(paragraph, schema.SUMMARY_MAX)
        first = first or paragraph
    return shorten(first, schema.SUMMARY_MAX) if first else None


def derive_title(slug: str | None, html: str) -> tuple[str, str] | None:
    """A title for an untitled post, and where it came from, so the summary can say so."""
    if slug and not slug.isdigit():
        return slug.replace("-", " ").capitalize(), "its URL slug"
    first = next(_paragraphs(html), None)
    if first is None:
        return None
    sentence = re.split(r"(?<=[.!?])\s", first)[0]
    return shorten(sentence.rstrip("."), 80), "its first sentence"


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return cut + "…"


def convert(
    article: Article, rules: RuleSet, vocabulary: Vocabulary, *, explain: bool = True
) -> tuple[Article, Report, Normalized]:
    """Clean, sanitize and convert a read article; the result is ready to write.

    Without `explain` the report only counts removals. HTML is parsed once: the cleaner
    works on the tree and the sanitizer takes it from there.
    """
    report = Report(excerpts=explain)
    tree = None  # the sanitized HTML as a tree, when the sanitizer made one
    if article.body_format == "text":
        html = sanitize(clean_text(article.body, rules.text, report))
    elif article.body_format == "html":
        root = parse_fragment(article.body)
        clean_tree(root, rules.html, report, title=article.title)
        html, tree = sanitized_tree(root)
    else:
        html = None
    markdown = article.body if html is None else to_markdown(html)
    tags = vocabulary.normalize(article.tags)
    summary = article.summary or (derive_summary(html, tree) if html else None)
    title = article.title
    if not title and html and (derived := derive_title(article.slug, html)):
        title = derived[0]
        summary = shorten(
            f"(Untitled in the source; title taken from {derived[1]}.) {summary or ''}",
            schema.SUMMARY_MAX,
        ).strip()
    if not summary and title:
        summary = title  # an image-only post has no text to summarize; its title will do
    done = replace(
        article,
        title=title,
        body=markdown,
        body_format="markdown",
        tags=tags.tags,
        summary=summary,
        slug=article.slug or slugify(title or "", max_length=80, word_boundary=True),
    )
    return done, report, tags


def require_valid(article: Article, sidecar: Path) -> None:
    """Refuse an incomplete article, naming each missing field and how to supply it."""
    problems = schema.validate_mapping(schema.to_mapping(article))
    if not article.body.strip():
        problems.append(schema.Problem("body", "is empty after cleaning; nothing to archive"))
    if not problems:
        return
    hints = []
    for problem in problems:
        hint = str(problem)
        if "missing" in problem.message:
            key = problem.field.split(".")[-1] if "." in problem.field else problem.field
            flag = FLAG_FOR.get(problem.field, f"--{key.replace('_', '-')}")
            hint += f" (add `{problem.field}:` to {sidecar.name} or pass {flag})"
        hints.append(hint)
    raise ImportFailure("; ".join(hints))


# --- inputs and the batch -----------------------------------------------------------------


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to import: directories are walked; sidecars and hidden files are not inputs."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                visible = not any(p.startswith(".") for p in child.relative_to(path).parts)
                if child.is_file() and visible and not is_sidecar(child):
                    yield child
        else:
            yield path


def original_record(path: Path, docs: Path) -> str:
    """Where the input is kept below docs (recorded in provenance); refuses a name clash."""
    target = docs / store.ORIGINALS_DIR / path.name
    exists = target.exists() and target.resolve() != path.resolve()
    if exists and not store.same_content(target, path):
        raise ImportFailure(
            f"{target} already holds a different original with this name; rename the input"
        )
    return str(PurePosixPath(store.ORIGINALS_DIR, path.name))


def keep_original(path: Path, docs: Path) -> None:
    """Copy the input and its sidecar to <docs>/_originals so the archive can be re-imported."""
    for source in (path, sidecar_path(path)):
        target = docs / store.ORIGINALS_DIR / source.name
        if source.exists() and source.resolve() != target.resolve():
            store.copy_atomic(source, target)


@dataclass
class Converted:
    """What conversion made of one record, small enough to send back from a worker.

    An article comes back as its file's text, where the file goes and the reader's name
    (for the log), not as the article: pickling that cost more than its text did. A
    record that failed comes back without its body; a skipped one as it was.
    """

    record: Article | readers.Skip | None = None
    text: str | None = None
    report: Report | None = None
    tags: Normalized | None = None
    error: str | None = None
    placement: store.Placement | None = None
    format: str = ""


# a record as read, the sidecar and flag overrides, the sidecar's path, the kept original
Job = tuple[Article | readers.Skip | readers.Deferred, dict[str, Any], str, str | None]


def convert_job(options: Options, job: Job) -> Converted:
    """Everything up to the file's text; pure, so it can run in any process.

    What goes back to the reading process is small: no report unless explaining, and
    the article without its body (the file's text holds it).
    """
    record, overrides, sidecar, original = job
    if isinstance(record, readers.Deferred):
        record = record.finish()
    if isinstance(record, readers.Skip):
        return Converted(record)
    _with_original(record, original)
    try:
        article = apply_overrides(record, overrides)
        article, report, tags = convert(
            article, options.rules, options.vocabulary or EMPTY, explain=options.explain
        )
        require_valid(article, Path(sidecar))
    except (ImportFailure, SchemaError) as exc:
        return Converted(replace(record, body=""), error=str(exc))
    return Converted(
        text=schema.dumps(article),
        report=report if options.explain else None,
        tags=tags,
        placement=store.placement(article),
        format=article.provenance.format if article.provenance else "",
    )


_WORKER_OPTIONS: Options | None = None


def _init_worker(options: Options) -> None:
    global _WORKER_OPTIONS
    _WORKER_OPTIONS = options


def _convert_in_worker(job: Job) -> Converted:
    assert _WORKER_OPTIONS is not None, "worker started without options"
    return convert_job(_WORKER_OPTIONS, job)


class Batch:
    """One import run: the worker pool, the paths claimed so far, the progress callback.

    Conversion (cleaning, sanitizing, Markdown) is CPU-bound and per record, so big
    exports are spread over the cores; planning and writing stay in this process, which
    alone decides paths, so two records never claim the same file.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self.claimed: set[Path] = set()
        self._pool: Any = None
        self.imports = manifest.Manifest(options.docs)
        self.settings = manifest.settings(options)

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
        self.imports.save()  # holds only inputs whose articles were committed

    def convert(self, jobs: Iterator[Job]) -> Iterator[Converted]:
        head = list(itertools.islice(jobs, 2))
        if len(head) < 2 or self.options.jobs < 2:  # one record: a pool costs more than it saves
            yield from (convert_job(self.options, job) for job in itertools.chain(head, jobs))
            return
        if self._pool is None:
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(self.options.jobs, _init_worker, (self.options,))
        # Pool.imap feeds its queue as fast as the reader yields; the semaphore keeps at
        # most WINDOW records in flight, so memory stays bounded on a 100 MB export.
        window = threading.BoundedSemaphore(WINDOW)

        def gated() -> Iterator[Job]:
            for job in itertools.chain(head, jobs):
                window.acquire()
                yield job

        for done in self._pool.imap(_convert_in_worker, gated(), chunksize=8):
            window.release()
            yield done

    def place(self, done: Converted, source: Path, staged: list[tuple[Path, Path]]) -> Outcome:
        """Decide the record's fate and stage its file; nothing is final until commit."""
        if isinstance(done.record, readers.Skip):
            return Outcome("skipped", f"{source}: {done.record.label}", done.record.reason)
        if done.error is not None or done.text is None or done.placement is None:
            record = done.record
            name = (record.title or record.slug) if isinstance(record, Article) else None
            label = f"{source}: {name or 'untitled record'}"
            return Outcome("failed", label, done.error or "not converted")
        decision = store.plan(done.placement, done.text, self.options.docs, self.claimed)
        self.claimed.add(decision.path)
        label = str(decision.path)
        data = done.text.encode("utf-8")
        written = manifest.sha256(data)
        if decision.action == "unchanged":
            return Outcome("unchanged", label, report=done.report, tags=done.tags, sha256=written)
        if decision.action == "exists" and not self.options.force:
            reason = "differs from this import (edited by hand?); --force overwrites"
            edited = manifest.sha256(decision.path.read_bytes())
            return Outcome("kept", label, reason, done.report, done.tags, edited)
        if not self.options.dry_run:
            staged.append((store.stage(decision.path, data), decision.path))
        return Outcome("wrote", label, done.format, done.report, done.tags, written)

    def import_file(self, path: Path) -> list[Outcome]:
        """All of one input's outcomes; if the input breaks midway, none of it is written.

        An input that is as it was at its last import, whose articles are still as written
        then, is not read: its recorded outcomes are replayed (see `manifest`).
        """
        if not path.is_file():
            return [Outcome("failed", str(path), "no such file")]
        options = self.options
        staged: list[tuple[Path, Path]] = []
        outcomes: list[Outcome] = []
        try:
            source = readers.Input(path)
            # before any replay: a clashing original in the archive fails a full import too
            original = original_record(path, options.docs) if options.keep_original else None
            fingerprint = manifest.fingerprint(self.settings, source, sidecar_path(path))
            if (replayed := self._replay(path, fingerprint)) is not None:
                return replayed
            readers.refuse_unreadable(source)
            reader = readers.get(options.format) if options.format else readers.detect(source)
            overrides = merge_overrides(load_sidecar(path), options.overrides)
            jobs = (
                (record, overrides, str(sidecar_path(path)), original)
                for record in reader.read(source, **_reader_options(reader, options))
            )
            for done in self.convert(jobs):
                outcomes.append(self.place(done, path, staged))
                options.progress()
            if not outcomes:
                raise ImportFailure("no articles found in this file")
            if original and not options.dry_run and any(o.status == "wrote" for o in outcomes):
                keep_original(path, options.docs)
        except (readers.ReadError, ImportFailure, SchemaError, OSError) as exc:
            store.discard(staged)
            self.claimed.difference_update(target for _, target in staged)
            written = " (nothing from this file was written)" if outcomes else ""
            return [Outcome("failed", str(path), f"{exc}{written}")]
        store.commit(staged)
        if not options.dry_run:
            rerun = (_noted(_as_rerun(outcome), source.notes) for outcome in outcomes)
            self.imports.remember(path, fingerprint, rerun)
        return [_noted(outcome, source.notes) for outcome in outcomes]

    def _replay(self, path: Path, fingerprint: str) -> list[Outcome] | None:
        """The input's recorded outcomes, if it need not be read; never with --force, nor
        with --explain, which needs the cleaning reports only a conversion makes."""
        if self.options.force or self.options.explain:
            return None
        recorded = self.imports.replay(path, fingerprint)
        if recorded is None:
            return None
        outcomes = [Outcome(**fields) for fields in recorded]
        articles = {Path(outcome.label) for outcome in outcomes if outcome.sha256}
        if articles & self.claimed:  # an earlier input of this batch took one of its paths
            return None
        self.claimed |= articles
        for _ in outcomes:
            self.options.progress()
        return outcomes


def _reader_options(reader: readers.Reader, options: Options) -> dict[str, Any]:
    """The options `reader` understands; a reader that can defer work to the workers does."""
    chosen = {**options.read_options, "defer": True}
    return {k: v for k, v in chosen.items() if k in reader.accepts}


def _as_rerun(outcome: Outcome) -> Outcome:
    """The outcome as importing the same input again would report it: an article written
    now is then unchanged."""
    if outcome.status != "wrote":
        return outcome
    return replace(outcome, status="unchanged", detail="")


def _noted(outcome: Outcome, notes: list[str]) -> Outcome:
    """Tell the user how the input was repaired (encoding, mojibake) on each of its lines."""
    if not notes or outcome.status == "skipped":
        return outcome
    return replace(outcome, detail="; ".join(filter(None, [outcome.detail, *notes])))


def _with_original(article: Article, original: str | None) -> None:
    if article.provenance and original:
        article.provenance.original = original


def import_paths(paths: Iterable[Path], options: Options) -> Iterator[Outcome]:
    with Batch(options) as batch:
        for path in expand(paths):
            yield from batch.import_file(path)


def flag_overrides(values: dict[str, Any]) -> dict[str, Any]:
    """Turn CLI flag values into the sidecar's shape; a bad date is a usage error."""
    overrides = {k: values.get(k) for k in OVERRIDABLE if k not in ("source", "tags")}
    if overrides.get("date") is not None:
        PartialDate.parse(overrides["date"])
    source = {k: values.get(f"source_{k}") for k in ("name", "url") if values.get(f"source_{k}")}
    if source:
        overrides["source"] = source
    if values.get("tag"):
        overrides["tags"] = list(values["tag"])
    return {k: v for k, v in overrides.items() if v is not None}
