"""Sites whose article metadata is awkward or hostile, for the "metadata is text" tests.

- tricky: front matter the schema allows but HTML, XML and JSON must escape (&, quotes,
  <3, entity text such as &lt;script&gt;, U+2028, ]]>), built as CI builds (strict);
- hostile: title, summary, byline and source name carrying real markup (<script>,
  <img onerror>, attribute, title and CDATA breakouts), built with the schema's markup
  check switched off: defence in depth, the templates and hooks must escape on their own;
- invalid: a schema-invalid article built without --strict, as `mkdocs serve` builds a
  contributor's branch: its hostile body and the front-matter keys Material acts on
  (template, location, feed, description) must not reach the page.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from newsdesk import bench, store
from newsdesk.article import Article, PartialDate, Source, dumps
from newsdesk.listings import source_slugs

REPO = Path(__file__).resolve().parents[1]
TAGS = ["china", "carmakers"]
SOURCE_URL = "https://gazette.example.com/story?id=1&ref='x'&q=\"y\""
NEIGHBOUR = "A plain neighbour article"
# The build, with the schema's markup check (article.MARKUP_RE) matching nothing.
_WITHOUT_MARKUP_CHECK = (
    "import re\n"
    "import newsdesk.article\n"
    "newsdesk.article.MARKUP_RE = re.compile('(?!)')\n"
    "from mkdocs.__main__ import cli\n"
    "cli()\n"
)


@dataclass(frozen=True)
class Meta:
    """The plain-text fields of an article that end up in pages, feeds and search."""

    title: str
    summary: str
    byline: str
    source: str


TRICKY = Meta(
    title="Q&A: \"Quotes\", 'apostrophes', 1 < 2 > 0, <3 & &lt;script&gt;alert(1)&lt;/script&gt;"
    " ]]> \u2028 {{ x }} &amp;",
    summary='A summary with &lt;img src=x onerror=alert(1)&gt; entity text, "quotes" & <3,'
    " a line\u2028separator and ]]> in it.",
    byline='O\'Brien & "Sons" <3 &copy;',
    source='Gazette & Co "<3" &lt;b&gt;',
)
HOSTILE = Meta(
    title="<script>alert('title')</script><img src=x onerror=alert('title-img')> headline",
    summary="\"><img src=x onerror=alert('summary')><!-- a summary",
    byline="</title><svg onload=alert('byline')>",
    source="]]><script>alert('source')</script>",
)
INVALID = """---
title: <script>alert('title')</script> Invalid
date: '2026-13'
slug: invalid
source:
  name: <img src=x onerror=alert('source')>
summary: <img src=x onerror=alert('summary')>
template: redirect.html
location: javascript:alert('location')
feed: '"><script>alert("feed")</script><x y="'
description: <img src=x onerror=alert('description')>
---

Body <script>alert('body')</script>

<img src="x" onerror="alert('img')">
"""


@dataclass(frozen=True)
class MetadataSite:
    site: Path
    meta: Meta
    article_url: str  # the article carrying `meta`
    neighbour_url: str  # a plain article one day older, with the same tags
    source_slug: str


def write(docs: Path, article: Article) -> str:
    """Write the article where the store would; its page URL."""
    path = store.relative_path(article)
    (docs / path).parent.mkdir(parents=True, exist_ok=True)
    (docs / path).write_text(dumps(article), "utf-8")
    return path.with_suffix("").as_posix() + "/"


def article(meta: Meta, slug: str, date: str) -> Article:
    return Article(
        title=meta.title,
        date=PartialDate.parse(date),
        slug=slug,
        source=Source(meta.source, SOURCE_URL),
        tags=list(TAGS),
        summary=meta.summary,
        byline=meta.byline,
        body="The article's own text, plain and harmless.",
    )


def build_metadata_site(dest: Path, meta: Meta, *, markup_check: bool = True) -> MetadataSite:
    """A strict build of a subject article carrying `meta` and a plain neighbour."""
    project = bench.full_project(REPO, dest, n=0)
    docs = project / "docs"
    neighbour = Meta(NEIGHBOUR, "A neighbour's plain summary.", "A. Writer", "Plain Post")
    neighbour_url = write(docs, article(neighbour, "neighbour", "2026-04-26"))
    subject_url = write(docs, article(meta, "subject", "2026-04-27T08:00:00Z"))
    command, env = bench.mkdocs_build(project / "mkdocs.yml", project / "site")
    if not markup_check:  # [python, -m, mkdocs, build, …] → [python, -c, …, build, …]
        command[1:3] = ["-c", _WITHOUT_MARKUP_CHECK]
    run(command, project, env)
    slug = source_slugs([meta.source, neighbour.source])[meta.source]
    return MetadataSite(project / "site", meta, subject_url, neighbour_url, slug)


def build_invalid_site(dest: Path) -> Path:
    """A lenient build (no --strict) of INVALID; the site directory."""
    project = bench.full_project(REPO, dest, n=0)
    (project / "docs" / "articles" / "invalid.md").parent.mkdir(parents=True)
    (project / "docs" / "articles" / "invalid.md").write_text(INVALID, "utf-8")
    command, env = bench.mkdocs_build(project / "mkdocs.yml", project / "site")
    command.remove("--strict")
    run(command, project, env)
    return project / "site"


def run(command: list[str], cwd: Path, env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
