"""Import: read → override metadata → clean → sanitize → convert → write.

The CLI is a thin shell over `import_paths`; tests drive this module directly. Nothing is
written for an article until every stage has succeeded and the result passes the schema.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Literal

import lxml.html
import yaml
from slugify import slugify

from newsdesk import article as schema
from newsdesk import readers, store
from newsdesk.article import Article, PartialDate, SchemaError, Source
from newsdesk.clean import Report, RuleSet, default_rules
from newsdesk.clean.html import clean_html
from newsdesk.clean.text import clean_text
from newsdesk.markdown import to_markdown
from newsdesk.sanitize import sanitize
from newsdesk.vocabulary import EMPTY, Normalized, Vocabulary

SIDECAR_SUFFIX = ".meta.yml"
OVERRIDABLE = (
    "title",
    "date",
    "date_note",
    "slug",
    "byline",
    "source",
    "tags",
    "summary",
    "image",
)
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


@dataclass
class Outcome:
    """One line of the import log: an article written/kept, a record skipped, or a failure."""

    status: Status
    label: str
    detail: str = ""
    report: Report | None = None
    tags: Normalized | None = None


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
        data = yaml.safe_load(side.read_text("utf-8")) or {}
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


def derive_summary(html: str) -> str | None:
    """The first real paragraph as plain text: captions and credits (all-italic) are skipped."""
    if not html.strip():
        return None
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for para in root.iter("p"):
        text = " ".join(para.text_content().split())
        wrapped = len(para) == 1 and not (para.text or "").strip() and para[0].tag in (
            "em",
            "i",
            "small",
        )
        if len(text.split()) >= SUMMARY_MIN_WORDS and not wrapped:
            return shorten(text, schema.SUMMARY_MAX)
    return None


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–—-")
    return cut + "…"


def convert(
    article: Article, rules: RuleSet, vocabulary: Vocabulary
) -> tuple[Article, Report, Normalized]:
    """Clean, sanitize and convert a read article; the result is ready to write."""
    report = Report()
    if article.body_format == "text":
        html = clean_text(article.body, rules.text, report)
    elif article.body_format == "html":
        html = clean_html(article.body, rules.html, report, title=article.title)
    else:
        html = None
    if html is not None:
        html = sanitize(html)
        markdown = to_markdown(html)
    else:
        markdown = article.body
    tags = vocabulary.normalize(article.tags)
    done = replace(
        article,
        body=markdown,
        body_format="markdown",
        tags=tags.tags,
        summary=article.summary or (derive_summary(html) if html else None),
        slug=article.slug or (slugify(article.title or "", max_length=80, word_boundary=True)),
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


def keep_original(path: Path, docs: Path, dry_run: bool) -> str:
    """Copy the input (and its sidecar) into <docs>/_originals so re-imports stay possible."""
    originals = docs / store.ORIGINALS_DIR
    target = originals / path.name
    record = str(PurePosixPath(store.ORIGINALS_DIR, path.name))
    if path.resolve() == target.resolve():
        return record
    if target.exists() and target.read_bytes() != path.read_bytes():
        raise ImportFailure(
            f"{target} already holds a different original with this name; rename the input"
        )
    if not dry_run:
        for source in (path, sidecar_path(path)):
            if source.exists():
                store.write_atomic(originals / source.name, source.read_bytes())
    return record


def import_file(path: Path, options: Options, claimed: set[Path]) -> Iterator[Outcome]:
    """Import every article of one input; failures of single records do not stop the rest."""
    if not path.is_file():
        yield Outcome("failed", str(path), "no such file")
        return
    source = readers.Input(path)
    try:
        reader = readers.get(options.format) if options.format else readers.detect(source)
        overrides = merge_overrides(load_sidecar(path), options.overrides)
        records = list(reader.read(source))
        original = (
            keep_original(path, options.docs, options.dry_run) if options.keep_original else None
        )
    except (readers.ReadError, ImportFailure, SchemaError, OSError) as exc:
        yield Outcome("failed", str(path), str(exc))
        return
    if not records:
        yield Outcome("failed", str(path), "no articles found in this file")
    for record in records:
        if isinstance(record, readers.Skip):
            yield Outcome("skipped", f"{path}: {record.label}", record.reason)
            continue
        if record.provenance and original:
            record.provenance.original = original
        yield _import_article(record, path, overrides, options, claimed)


def _import_article(
    record: Article, path: Path, overrides: dict[str, Any], options: Options, claimed: set[Path]
) -> Outcome:
    vocabulary = options.vocabulary or EMPTY
    try:
        article = apply_overrides(record, overrides)
        article, report, tags = convert(article, options.rules, vocabulary)
        require_valid(article, sidecar_path(path))
    except (ImportFailure, SchemaError) as exc:
        return Outcome("failed", str(path), str(exc))
    text = schema.dumps(article)
    decision = store.plan(article, text, options.docs, claimed)
    claimed.add(decision.path)
    label = str(decision.path)
    if decision.action == "unchanged":
        return Outcome("unchanged", label, report=report, tags=tags)
    if decision.action == "exists" and not options.force:
        return Outcome(
            "kept", label, "differs from this import (edited by hand?); --force overwrites", report
        )
    if not options.dry_run:
        store.write_atomic(decision.path, text)
    return Outcome("wrote", label, article.provenance.format if article.provenance else "", report, tags)


def import_paths(paths: Iterable[Path], options: Options) -> Iterator[Outcome]:
    claimed: set[Path] = set()
    for path in expand(paths):
        yield from import_file(path, options, claimed)


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
