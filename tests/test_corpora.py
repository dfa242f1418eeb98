"""Real WordPress exports from ../shared/corpora, imported end to end and built strictly.

Expected posts are counted here straight from the files (lxml and json, not the readers),
so a reader that drops or invents posts fails. The corpora are read in place and never
copied into the repository.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from newsdesk import article as schema
from newsdesk.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
WXR = SHARED / "corpora" / "wordpress-wxr"
REST = SHARED / "corpora" / "wordpress-rest"
CORPORA = (
    WXR / "themeunittestdata.wordpress.xml",
    WXR / "64-block-test-data.xml",
    WXR / "jekyll-import-sitetitle.wordpress.xml",
    REST / "frontity-post-60.json",
    REST / "frontity-posts-from-category-7.json",
)
# What a visitor must never see as text: shortcodes (not a Markdown link whose text is
# "caption"), block delimiters and scripts. Code blocks and spans are left out: a post
# about WordPress may show `<!-- wp:code -->` on purpose.
LEFTOVERS = re.compile(r"\[/?(?:caption|gallery)\b(?!\]\()|<!-- wp:|<script", re.IGNORECASE)
CODE = re.compile(r"^(`{3,}|~{3,}).*?^\1|`[^`\n]+`", re.MULTILINE | re.DOTALL)
SITE_FILES = ("mkdocs.yml", "CONTRIBUTING.md", "hooks", "overrides")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not SHARED.is_dir(), reason="../shared is absent: the real WordPress corpora live there"
    ),
]


def published_wxr_ids(path: Path) -> set[str]:
    """Public posts with content of their own, by the export's fields (any WXR version).

    Content that is only block comments (`<!-- wp:post-title /-->`: WordPress fills it in
    at display time) is no content.
    """
    ids = set()
    for item in etree.parse(str(path)).iter("item"):
        fields = {
            etree.QName(child).localname: (child.text or "").strip()
            for child in item.iterchildren(etree.Element)
        }
        if (
            fields.get("post_type") == "post"
            and fields.get("status") == "publish"
            and not fields.get("post_password")
            and re.sub(r"<!--.*?-->", "", item.findtext(CONTENT) or "", flags=re.S).strip()
        ):
            ids.add(fields["post_id"])
    return ids


def published_rest_ids(path: Path) -> set[str]:
    """The public REST API serves only published posts; a status, when present, agrees."""
    document = json.loads(path.read_text("utf-8"))
    posts = document if isinstance(document, list) else [document]
    return {
        str(post["id"])
        for post in posts
        if post.get("status", "publish") == "publish"
        and not post["content"].get("protected")
        and post["content"]["rendered"].strip()
    }


def expected_ids(path: Path) -> set[str]:
    return published_wxr_ids(path) if path.suffix == ".xml" else published_rest_ids(path)


@dataclass
class Site:
    """A site project holding the repo's site files and every corpus imported into it."""

    root: Path
    logs: dict[str, str]  # corpus file name -> what `newsdesk import` printed

    def articles(self) -> list[tuple[Path, schema.Loaded]]:
        files = sorted((self.root / "docs" / "articles").rglob("*.md"))
        return [(path, schema.loads(path.read_text("utf-8"))) for path in files]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("corpus-site")
    for name in SITE_FILES:
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, root / name)
    ignore = shutil.ignore_patterns("articles", "_originals")
    shutil.copytree(ROOT / "docs", root / "docs", ignore=ignore)
    logs = {}
    for corpus in CORPORA:
        out = io.StringIO()
        main(["import", str(corpus), "--docs", str(root / "docs")], out=out)
        logs[corpus.name] = out.getvalue()
    return Site(root, logs)


@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.name)
def test_exactly_the_published_posts_arrive(site, corpus):
    original = f"_originals/{corpus.name}"
    arrived = [
        loaded.meta["provenance"]["id"]
        for _, loaded in site.articles()
        if loaded.meta["provenance"].get("original") == original
    ]
    failures = [line for line in site.logs[corpus.name].splitlines() if line.startswith("failed")]
    assert len(arrived) == len(set(arrived)), "a post arrived twice"
    assert set(arrived) == expected_ids(corpus), "\n".join(failures)


def test_no_wordpress_markup_or_script_text_remains(site):
    leftovers = {
        path.name: found
        for path, loaded in site.articles()
        if (found := LEFTOVERS.findall(CODE.sub("", loaded.body)))
    }
    assert leftovers == {}


def test_the_strict_site_build_passes_over_the_imported_corpus(site):
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
        cwd=site.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr[-4000:]
    pages = list((site.root / "site" / "articles").rglob("index.html"))
    assert len(pages) == len(site.articles())
