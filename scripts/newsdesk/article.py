"""The one data type of the pipeline and the one front-matter schema.

Every stage (readers, cleaner, sanitizer, writer), `newsdesk check` and the MkDocs
validation hook go through this module, so the archive has exactly one idea of what a
valid article is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
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
    meta = _plain_front_matter(mapping)
    if meta is None:
        meta = _yaml_front_matter(mapping)
    return f"---\n{meta}---\n\n{article.body.strip()}\n"


def _yaml_front_matter(mapping: dict[str, Any]) -> str:
    """The front matter as PyYAML writes it, which defines its text."""
    return yaml.dump(
        mapping,
        Dumper=_FastDumper if _same_in_libyaml(mapping) else _Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=10_000,
        default_flow_style=False,
    )


# --- front matter without an emitter ----------------------------------------------------------
#
# PyYAML's representer, serializer and emitter cost an import as much CPU as sanitizing the
# article did. Front matter is nearly always strings of printable characters on one line,
# for which the emitter's choice of style comes down to a few rules, so those are written
# here, exactly as `_yaml_front_matter` writes them; anything else (line breaks, control
# characters, characters beyond the BMP, long strings, other types) goes to PyYAML.

# Characters both emitters write as they are in a plain or single-quoted scalar (with
# allow_unicode): the printable ones but the line breaks U+2028/9 and the byte order mark.
_UNQUOTABLE = re.compile("[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]")
# Far below the width (10,000) at which the emitters would fold a scalar onto a new line.
_SCALAR_MAX = 2_000
# A scalar starting with one of these is not plain (YAML 1.1's indicators).
_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,40}")
_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def _plain_front_matter(mapping: dict[str, Any]) -> str | None:
    """`_yaml_front_matter(mapping)` for a mapping whose every value is a string, a list of
    strings or a mapping to strings, each string one `_scalar` can write; else None
    (also for an empty mapping, which is written in flow style)."""
    if not mapping:
        return None
    lines: list[str] = []
    for key, value in mapping.items():
        entry = _entry(key, value) if _is_plain_key(key) else None
        if entry is None:
            return None
        lines.append(entry)
    return "".join(lines)


def _entry(key: str, value: Any) -> str | None:
    """One top-level key and its value, in block style, as the emitters write them."""
    if isinstance(value, str):
        scalar = _scalar(value)
        return None if scalar is None else f"{key}: {scalar}\n"
    if isinstance(value, list):
        if not value:
            return f"{key}: []\n"
        items = _scalars(value)
        return None if items is None else f"{key}:\n" + "".join(f"- {i}\n" for i in items)
    if isinstance(value, dict) and value and all(map(_is_plain_key, value)):
        items = _scalars(list(value.values()))
        if items is None:
            return None
        return f"{key}:\n" + "".join(f"  {k}: {i}\n" for k, i in zip(value, items, strict=True))
    return None


def _scalars(values: list[Any]) -> list[str] | None:
    """Each value as `_scalar` writes it; None unless it can write them all."""
    written = []
    for value in values:
        scalar = _scalar(value) if isinstance(value, str) else None
        if scalar is None:
            return None
        written.append(scalar)
    return written


@cache
def _is_plain_key(key: object) -> bool:
    """A key the emitters write as it is: a lowercase name that reads as a string."""
    return isinstance(key, str) and _KEY.fullmatch(key) is not None and _scalar(key) == key


def _scalar(value: str) -> str | None:
    """A mapping value or list item as the emitters write it, plain or in single quotes;
    None when either might write it otherwise (double quotes, folded, escaped)."""
    if not value or len(value) > _SCALAR_MAX:
        return None  # the empty string and long ones: PyYAML
    if not (value.isprintable() if value.isascii() else _UNQUOTABLE.search(value) is None):
        return None
    if _plain_allowed(value) and _reads_as_string(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def _reads_as_string(value: str) -> bool:
    """Whether YAML reads `value`, written plain, as a string (not null, a bool, a number,
    a date…): the emitters ask the same resolver."""
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) == _STR_TAG


def _plain_allowed(value: str) -> bool:
    """The emitters' `allow_block_plain` for a non-empty one-line printable string: no
    leading indicator, no `: ` or ` #` inside, no space at either end."""
    first = value[0]
    return not (
        first in _INDICATORS
        or (first in "?:-" and value[1:2] in ("", " "))
        or value.startswith(("---", "..."))
        or first == " "
        or value[-1] == " "
        or ": " in value
        or value[-1] == ":"
        or " #" in value
    )


@dataclass
class Loaded:
    """A parsed article file: its mapping, body and where each key sits (for messages)."""

    meta: dict[str, Any]
    body: str
    lines: dict[str, int]


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """`yaml.safe_load` on libyaml's parser where PyYAML has it: the same documents, read
    several times faster than by the pure-Python parser `safe_load` always takes."""
    return yaml.load(text, Loader=_SAFE_LOADER)


class _LibyamlHandler(frontmatter.YAMLHandler):
    """python-frontmatter's YAML reading on `load_yaml`."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_yaml(fm)


_FRONT_MATTER = _LibyamlHandler()


def loads(text: str) -> Loaded:
    """Parse an article file; raises SchemaError('front matter', …) when unreadable."""
    if not text.startswith("---"):
        raise SchemaError("front matter", "missing: the file must start with a --- block")
    plain = read_plain_front_matter(text)
    if plain is None:
        return _read_yaml(text)
    meta, rest = plain
    body = rest.replace("\r\n", "\n").strip()  # as python-frontmatter gives it
    return Loaded(meta, body, _key_lines(text))


def _read_yaml(text: str) -> Loaded:
    try:
        post = frontmatter.loads(text, handler=_FRONT_MATTER)
    except yaml.YAMLError as exc:
        raise SchemaError("front matter", f"is not valid YAML: {exc}") from None
    if not isinstance(post.metadata, dict) or not post.metadata:
        raise SchemaError("front matter", "is empty or not a mapping")
    return Loaded(dict(post.metadata), post.content, _key_lines(text))


def read_plain_front_matter(text: str) -> tuple[dict[str, Any], str] | None:
    """(front matter, the text after its closing ---) for an article file whose front
    matter is exactly as `_plain_front_matter` writes it, read without a YAML parser: the
    build reads every article twice (newsdesk, then MkDocs), and YAML parsing was most of
    that. The lines are read back by the writer's rules, and the mapping is kept only if
    the writer writes it as this very text, which PyYAML reads as that mapping; anything
    else (comments, other styles, hand edits) gets None and is left to PyYAML."""
    end = text.find("\n---\n")
    if not text.startswith("---\n") or end < 0:
        return None
    front = text[4 : end + 1]
    meta: dict[str, Any] = {}
    open_key = ""  # the key whose list or mapping the indented lines below it fill
    for line in front[:-1].split("\n"):
        if open_key and line.startswith(("- ", "  ")):
            _add_item(meta, open_key, line)
            continue
        key, colon, value = line.partition(":")
        if not colon or key in meta:
            return None
        open_key = key if value == "" else ""
        meta[key] = None if open_key else [] if value == " []" else _unquoted(value[1:])
    if _plain_front_matter(meta) != front:
        return None
    return meta, text[end + 5 :]


def _add_item(meta: dict[str, Any], key: str, line: str) -> None:
    """A `- item` line to the key's list, a `  name: value` line to its mapping; a line of
    the other kind leaves a value the writer writes differently, so the check rejects it."""
    if line[0] == "-":
        items = meta[key] = meta[key] or []
        if isinstance(items, list):
            items.append(_unquoted(line[2:]))
        return
    mapping = meta[key] = meta[key] or {}
    name, _, value = line[2:].partition(": ")
    if isinstance(mapping, dict):
        mapping[name] = _unquoted(value)


def _unquoted(scalar: str) -> str:
    """A scalar as `_scalar` wrote it: plain, or in single quotes with '' for '."""
    if len(scalar) > 1 and scalar[0] == scalar[-1] == "'":
        return scalar[1:-1].replace("''", "'")
    return scalar


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
