"""What contributed Markdown can make the build do beyond rendering HTML.

pymdownx.snippets (mkdocs.yml) exists so that docs/contributing.md can include the
repository's CONTRIBUTING.md, but Markdown extensions apply to every page, articles too:
with `base_path: ["."]` an article's `--8<-- "path"` line would pull any file of the
checkout (configuration, untracked local files of a maintainer previewing a branch) into
a published page. base_path therefore names the one file, and an article that tries to
include another fails the build, naming the snippet.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from metadata_sites import REPO, Meta, article, write
from newsdesk import bench

INCLUDED = "site_name:"  # a line of mkdocs.yml, the file the article tries to include


def test_an_article_cannot_publish_a_repository_file(tmp_path: Path):
    project = bench.full_project(REPO, tmp_path, n=0)
    snooping = article(Meta("Snippets", "An article.", "A. Writer", "Wire"), "snippet", "2026-04")
    snooping.body = 'Before.\n\n--8<-- "mkdocs.yml"\n\nAfter.\n'
    url = write(project / "docs", snooping)
    command, env = bench.mkdocs_build(project / "mkdocs.yml", project / "site")
    built = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    page = project / "site" / url / "index.html"
    assert built.returncode != 0 or INCLUDED not in page.read_text("utf-8")
