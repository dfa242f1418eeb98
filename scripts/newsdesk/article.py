"""The one data type of the pipeline and the one front-matter schema.

Every stage (readers, cleaner, sanitizer, writer), `newsdesk check` and the MkDocs
validation hook go through this module, so the archive has exactly one idea of what a
valid article is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import frontmatter
import yaml

BodyFormat = Literal["text", "html", "markdown"]

SUMMARY_MAX = 300
TITLE_MAX = 200
TAG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RE = TAG_RE
# A title is plain text: anything that a browser would read as a tag, comment or
# doctype is refused rather than silently escaped, because it means a conversion bug.
MARKUP_RE = re.compile(r"<\s*[A-Za-z!/?]")
TAG_LIKE_RE = re.compile(r"<\s*[A-Za-z!/?][^<>]*>?")


def without_markup(text: str) -> str:
    """Drop tag-like sequences from text derived from a body, so it is valid plain text."""
    return " ".join(TAG_LIKE_RE.sub(" ", text).split())


URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class SchemaError(ValueError):
    """Raised when a value cannot be part of an article; `field` names the culprit."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True, order=True)
class PartialDate:
    """A publication date exactly as precise as the source allows.

    Clippings and newsletters often give no day; inventing one would put a false fact
    into the archive, so a date may stop at the year or the month (ISO 8601 reduced
    precision, e.g. `2026-02`). Full timestamps always carry a UTC offset.
    """

    sort_key: dt.datetime
    precision: Literal["year", "month", "day", "time"]

    @property
    def approximate(self) -> bool:
        return self.precision in ("year", "month")

    @property
    def year(self) -> int:
        return self.sort_key.year

    @property
    def month(self) -> int | None:
        return None if self.precision == "year" else self.sort_key.month

    def isoformat(self) -> str:
        d = self.sort_key
        if self.precision == "year":
            return f"{d.year:04d}"
        if self.precision == "month":
            return f"{d.year:04d}-{d.month:02d}"
        if self.precision == "day":
            return d.date().isoformat()
        text = d.isoformat(timespec="seconds")
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text

    def human(self) -> str:
        """How a reader sees the date; reduced precision is marked as approximate."""
        d = self.sort_key
        if self.precision == "year":
            return f"c. {d.year}"
        if self.precision == "month":
            return f"c. {d.strftime('%B %Y')}"
        return f"{d.day} {d.strftime('%B %Y')}"

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        """Read a YAML scalar or a string; naive timestamps are refused (which zone?)."""
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise SchemaError("date", "timestamp has no UTC offset; add Z or +HH:MM")
            return cls(value.astimezone(dt.UTC), "time")
        if isinstance(value, dt.date):
            return cls(dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC), "day")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise SchemaError("date", "missing or not a date (use ISO 8601, e.g. 2026-04-27)")
        text = value.strip()
        if m := re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text):
            year, month = int(m[1]), int(m[2] or 1)
            if not 1 <= month <= 12:
                raise SchemaError("date", f"{text!r} has no month {month}")
            return cls(dt.datetime(year, month, 1, tzinfo=dt.UTC), "month" if m[2] else "year")
        try:
            parsed = dt.datetime.fromisoformat(text.replace("z", "Z"))
        except ValueError:
            raise SchemaError(
                "date", f"{text!r} is not ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD or a timestamp)"
            ) from None
        if len(text) == 10:
            return cls(parsed.replace(tzinfo=dt.UTC), "day")
        return cls.parse(parsed)


@dataclass
class Source:
    name: str
    url: str | None = None


@dataclass
class Provenance:
    """Where an article came from, enough to re-run improved rules over the original.

    No import timestamp: git records when an article arrived, and a re-import of the
    same original must write the same bytes.
    """

    format: str
    sha256: str
    original: str | None = None  # path of the kept original, relative to the docs dir
    id: str | None = None
    guid: str | None = None


@dataclass
class Article:
    """One article at any stage: `body_format` says what `body` currently holds."""

    title: str | None = None
    date: PartialDate | None = None
    slug: str | None = None
    source: Source | None = None
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    byline: str | None = None
    image: str | None = None
    date_note: str | None = None
    provenance: Provenance | None = None
    body: str = ""
    body_format: BodyFormat = "markdown"
    # Tags the reader found, before the vocabulary normalized them (reporting only).
    raw_tags: list[str] = field(default_factory=list)


# --- the schema ---------------------------------------------------------------------------

FIELD_ORDER = (
    "title",
    "date",
    "date_note",
    "slug",
    "byline",
    "source",
    "tags",
    "summary",
    "image",
    "provenance",
)
REQUIRED = ("title", "date", "slug", "source", "summary")
KNOWN = frozenset(FIELD_ORDER)


@dataclass(frozen=True)
class Problem:
    """One schema violation; `line` is the front-matter line when known."""

    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def _check_text(name: str, value: Any, limit: int | None, problems: list[Problem]) -> None:
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(name, "must be non-empty plain text"))
        return
    if MARKUP_RE.search(value):
        problems.append(Problem(name, "contains markup; write plain text (no <tags>)"))
    if value != value.strip() or "\n" in value:
        problems.append(Problem(name, "must be one line without surrounding spaces"))
    if limit is not None and len(value) > limit:
        problems.append(Problem(name, f"is {len(value)} characters; at most {limit} allowed"))


def _check_url(name: str, value: Any, problems: list[Problem]) -> None:
    if not isinstance(value, str) or not URL_RE.match(value):
        problems.append(Problem(name, f"{value!r} is not an absolute http(s) URL"))


def validate_mapping(meta: dict[str, Any]) -> list[Problem]:
    """Every problem in a front-matter mapping, not only the first."""
    problems: list[Problem] = []
    for name in REQUIRED:
        if meta.get(name) in (None, "", [], {}):
            problems.append(Problem(name, "is required but missing"))
    for name in sorted(set(meta) - KNOWN):
        problems.append(Problem(name, f"unknown field; known fields: {', '.join(FIELD_ORDER)}"))

    if meta.get("title") is not None:
        _check_text("title", meta["title"], TITLE_MAX, problems)
    if meta.get("summary") is not None:
        _check_text("summary", meta["summary"], SUMMARY_MAX, problems)
    for name in ("byline", "date_note"):
        if meta.get(name) is not None:
            _check_text(name, meta[name], TITLE_MAX, problems)
    if meta.get("date") is not None:
        try:
            PartialDate.parse(meta["date"])
        except SchemaError as exc:
            problems.append(Problem("date", exc.message))
    slug = meta.get("slug")
    if slug is not None and not (isinstance(slug, str) and SLUG_RE.match(slug)):
        problems.append(Problem("slug", f"{slug!r} must be lowercase words joined by hyphens"))
    _validate_source(meta.get("source"), problems)
    _validate_tags(meta.get("tags", []), problems)
    if meta.get("image") is not None:
        _check_url("image", meta["image"], problems)
    if meta.get("provenance") is not None:
        _validate_provenance(meta["provenance"], problems)
    return problems


def _validate_source(source: Any, problems: list[Problem]) -> None:
    if source is None:
        return
    if not isinstance(source, dict):
        problems.append(Problem("source", "must be a mapping with name and optional url"))
        return
    for key in sorted(set(source) - {"name", "url"}):
        problems.append(Problem(f"source.{key}", "unknown field; known: name, url"))
    _check_text("source.name", source.get("name"), TITLE_MAX, problems)
    if source.get("url") is not None:
        _check_url("source.url", source["url"], problems)


def _validate_tags(tags: Any, problems: list[Problem]) -> None:
    if not isinstance(tags, list):
        problems.append(Problem("tags", "must be a list of lowercase slugs"))
        return
    for tag in tags:
        if not isinstance(tag, str) or not TAG_RE.match(tag):
            message = f"{tag!r} is not a lowercase slug (e.g. electric-cars)"
            problems.append(Problem("tags", message))
    if len(set(map(str, tags))) != len(tags):
        problems.append(Problem("tags", "lists a tag twice"))


def _validate_provenance(prov: Any, problems: list[Problem]) -> None:
    if not isinstance(prov, dict):
        problems.append(Problem("provenance", "must be a mapping"))
        return
    allowed = {"format", "sha256", "original", "id", "guid"}
    for key in sorted(set(prov) - allowed):
        problems.append(Problem(f"provenance.{key}", f"unknown field; known: {sorted(allowed)}"))
    if not isinstance(prov.get("format"), str):
        problems.append(Problem("provenance.format", "is required (the reader's name)"))
    if not (isinstance(prov.get("sha256"), str) and SHA256_RE.match(prov["sha256"])):
        problems.append(Problem("provenance.sha256", "must be 64 lowercase hex digits"))


# --- load and dump ------------------------------------------------------------------------


def to_mapping(article: Article) -> dict[str, Any]:
    """Front matter in FIELD_ORDER, omitting empty optional fields."""
    values: dict[str, Any] = {
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "date_note": article.date_note,
        "slug": article.slug,
        "byline": article.byline,
        "source": _compact(vars(article.source)) if article.source else None,
        "tags": list(article.tags),
        "summary": article.summary,
        "image": article.image,
        "provenance": _compact(vars(article.provenance)) if article.provenance else None,
    }
    return {k: values[k] for k in FIELD_ORDER if values[k] not in (None, "", {})}


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v not in (None, "")}


def from_mapping(meta: dict[str, Any], body: str = "") -> Article:
    """Build an Article from front matter already known to be valid."""
    source = meta.get("source") or {}
    prov = meta.get("provenance")
    return Article(
        title=meta.get("title"),
        date=PartialDate.parse(meta["date"]) if meta.get("date") is not None else None,
        slug=meta.get("slug"),
        source=Source(source.get("name"), source.get("url")) if source else None,
        tags=list(meta.get("tags") or []),
        summary=meta.get("summary"),
        byline=meta.get("byline"),
        image=meta.get("image"),
        date_note=meta.get("date_note"),
        provenance=Provenance(**{k: str(v) for k, v in prov.items()}) if prov else None,
        body=body,
        body_format="markdown",
    )


class _Dumper(yaml.SafeDumper):
    """Block style, long lines kept whole, so diffs of front matter stay readable."""


class _FastDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """_Dumper on libyaml's emitter, six times faster; it writes the same text for every
    string `_same_in_libyaml` accepts (the two emitters differ on U+0085 and on
    characters beyond the BMP)."""


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str_presenter)
_FastDumper.add_representer(str, _str_presenter)
_NOT_SAME_IN_LIBYAML = re.compile("[\x85\ud800-\udfff\U00010000-\U0010ffff]")


def _same_in_libyaml(value: Any) -> bool:
    if isinstance(value, str):
        return _NOT_SAME_IN_LIBYAML.search(value) is None
    if isinstance(value, dict):
        value = value.values()
    return all(map(_same_in_libyaml, value))


def dumps(article: Article) -> str:
    """The article file's exact text: deterministic, so re-imports are byte-identical."""
    if article.body_format != "markdown":
        raise ValueError(f"cannot write a {article.body_format} body; convert it first")
    mapping = to_mapping(article)
    meta = yaml.dump(
        mapping,
        Dumper=_FastDumper if _same_in_libyaml(mapping) else _Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        default_flow_style=False,
    )
    return f"---\n{meta}---\n\n{article.body.strip()}\n"


@dataclass
class Loaded:
    """A parsed article file: its mapping, body and where each key sits (for messages)."""

    meta: dict[str, Any]
    body: str
    lines: dict[str, int]


def loads(text: str) -> Loaded:
    """Parse an article file; raises SchemaError('front matter', …) when unreadable."""
    if not text.startswith("---"):
        raise SchemaError("front matter", "missing: the file must start with a --- block")
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise SchemaError("front matter", f"is not valid YAML: {exc}") from None
    if not isinstance(post.metadata, dict) or not post.metadata:
        raise SchemaError("front matter", "is empty or not a mapping")
    return Loaded(dict(post.metadata), post.content, _key_lines(text))


def _key_lines(text: str) -> dict[str, int]:
    """1-based line of each top-level key, so `check` can point editors at the line."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines()[1:], start=2):
        if line.startswith("---"):
            break
        if m := re.match(r"^([A-Za-z_][\w-]*):", line):
            lines.setdefault(m[1], number)
    return lines


def problems_in_text(text: str) -> list[Problem]:
    """Schema problems of a whole article file, with line numbers where known."""
    try:
        loaded = loads(text)
    except SchemaError as exc:
        return [Problem(exc.field, exc.message, 1)]
    found = validate_mapping(loaded.meta)
    if not loaded.body.strip():
        found.append(Problem("body", "is empty", None))
    return [
        Problem(p.field, p.message, p.line or loaded.lines.get(p.field.split(".")[0], 1))
        for p in found
    ]
