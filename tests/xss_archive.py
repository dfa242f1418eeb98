"""The XSS archive: every payload through both contribution channels, built into one site.

(a) "import": the payload is a WordPress post's `content.rendered`, imported with
    `newsdesk import` (cleaner, then the bleach allowlist, then Markdown);
(b) "markdown": the payload is raw HTML in the body of a contributed Markdown article
    with valid front matter, which only the build's safety hook sanitizes.

Both land in one temporary copy of the repo's site configuration (mkdocs.yml, hooks,
templates) and are built once. What happens to each payload is recorded as a `Result`:
published (with its page), refused by the import (nothing left to publish), or refused by
the build (MkDocs cannot read the page, so the build fails and nothing is published).
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from newsdesk import bench, check, store
from newsdesk.article import Article, PartialDate, Source, dumps
from newsdesk.cli import main
from xss_cases import Payload

REPO = Path(__file__).resolve().parents[1]
Channel = Literal["import", "markdown"]
CHANNELS: tuple[Channel, ...] = ("import", "markdown")
Status = Literal["published", "refused at import", "refused by the build"]
FILLER = "This harmless filler paragraph follows the payload, so the article has some text."
IMPORT_DATE = "2026-03-01T10:00:00"
MARKDOWN_DATE = "2026-03-02"
CONTROL_SLUG = "control"
# How MkDocs names a page it could not read (the build then stops with a traceback).
_UNREADABLE = re.compile(r"Error reading page '([^']+)'")
_MAX_UNREADABLE = 20


@dataclass(frozen=True)
class Result:
    """What became of one payload in one channel; `url` is site-relative when published."""

    payload: Payload
    channel: Channel
    status: Status
    url: str = ""
    detail: str = ""
    flagged: bool = False  # channel (b): `newsdesk check` reports the article's raw HTML


@dataclass(frozen=True)
class XssArchive:
    site: Path
    results: tuple[Result, ...]
    control_url: str  # an article without payload: the template's own scripts and markup

    def published(self) -> list[Result]:
        return [result for result in self.results if result.status == "published"]


def slug_of(payload: Payload, channel: Channel) -> str:
    return f"{channel}-{payload.name}"


def title_of(payload: Payload, channel: Channel) -> str:
    return f"XSS case {slug_of(payload, channel)}"


def build_archive(dest: Path, payloads: list[Payload]) -> XssArchive:
    """Import and write every payload's article, build the site, and say what became of each."""
    project = bench.full_project(REPO, dest, n=0)
    docs = project / "docs"
    refused: dict[str, tuple[Status, str]] = {
        slug: ("refused at import", reason)
        for slug, reason in import_posts(payloads, dest / "posts.json", docs).items()
    }
    flagged = set()
    for payload in payloads:
        slug, title = slug_of(payload, "markdown"), title_of(payload, "markdown")
        if flagged_by_check(write_markdown(docs, slug, title, payload.html)):
            flagged.add(slug)
    write_markdown(docs, CONTROL_SLUG, "A control article without payload", "")
    for slug, error in build_site(project).items():
        refused[slug] = ("refused by the build", error)
    urls = page_urls(docs)
    results = tuple(
        _result(payload, channel, urls, refused, flagged)
        for channel in CHANNELS
        for payload in payloads
    )
    return XssArchive(project / "site", results, urls[CONTROL_SLUG])


def flagged_by_check(path: Path) -> bool:
    """Whether `newsdesk check`, which runs on every pull request, reports unsafe HTML."""
    entry, _ = check.load_entry(path)
    return entry is not None and any(check.check_html(entry))


def import_posts(payloads: list[Payload], posts: Path, docs: Path) -> dict[str, str]:
    """Channel (a): one REST array, one `newsdesk import`; why each unwritten post was refused.

    A post counts as refused when no article file was written for it; the reason is the
    one the import printed for it.
    """
    posts.write_text(json.dumps([_post(number, p) for number, p in enumerate(payloads)]), "utf-8")
    out = io.StringIO()
    main(["import", str(posts), "--docs", str(docs)], out=out)
    written = {path.stem for path in (docs / store.ARTICLES_DIR).rglob("*.md")}
    log = out.getvalue().splitlines()
    reasons: dict[str, str] = {}
    for payload in payloads:
        slug, title = slug_of(payload, "import"), title_of(payload, "import")
        if slug not in written:
            line = next((line for line in log if f"{title}  (" in line), "(no log line)")
            reasons[slug] = line.rpartition("  (")[2].removesuffix(")")
    return reasons


def _post(number: int, payload: Payload) -> dict[str, object]:
    return {
        "id": number,
        "date_gmt": IMPORT_DATE,
        "slug": slug_of(payload, "import"),
        "status": "publish",
        "link": f"https://wordpress.example.org/?p={number}",
        "title": {"rendered": title_of(payload, "import")},
        "content": {"rendered": f"{payload.html}<p>{FILLER}</p>"},
    }


def write_markdown(docs: Path, slug: str, title: str, raw_html: str) -> Path:
    """Channel (b): a valid contributed article whose body starts with `raw_html`."""
    article = Article(
        title=title,
        date=PartialDate.parse(MARKDOWN_DATE),
        slug=slug,
        source=Source("A contributor", "https://contributor.example.org/"),
        summary="A contributed article whose body carries raw HTML.",
        body=f"{raw_html}\n\n{FILLER}\n",
    )
    path = docs / store.relative_path(article)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(article), "utf-8")
    return path


def build_site(project: Path) -> dict[str, str]:
    """Build the project; a page MkDocs cannot read is set aside and the build repeated.

    Such a page stops a real build (fail-closed): nothing is published. The build is not
    strict because payloads legitimately link to files that do not exist (`src=x`).
    Returns the set-aside pages' MkDocs errors by slug.
    """
    command, env = bench.mkdocs_build(project / "mkdocs.yml", project / "site")
    command.remove("--strict")
    unreadable: dict[str, str] = {}
    for _ in range(_MAX_UNREADABLE):
        run = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        if run.returncode == 0:
            return unreadable
        page = _UNREADABLE.search(run.stderr)
        assert page, run.stderr
        source = project / "docs" / page[1]
        unreadable[source.stem] = run.stderr.strip().splitlines()[-1]
        source.unlink()
    raise AssertionError(f"more than {_MAX_UNREADABLE} pages MkDocs cannot read")


def page_urls(docs: Path) -> dict[str, str]:
    """Every article's site-relative page URL, by slug (slugs are unique here)."""
    return {
        path.stem: path.relative_to(docs).with_suffix("").as_posix() + "/"
        for path in (docs / store.ARTICLES_DIR).rglob("*.md")
    }


def _result(
    payload: Payload,
    channel: Channel,
    urls: dict[str, str],
    refused: dict[str, tuple[Status, str]],
    flagged: set[str],
) -> Result:
    slug = slug_of(payload, channel)
    if slug in refused:
        status, detail = refused[slug]
        return Result(payload, channel, status, detail=detail, flagged=slug in flagged)
    return Result(payload, channel, "published", urls[slug], flagged=slug in flagged)
