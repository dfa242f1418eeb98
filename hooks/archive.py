"""The reader's archive: listing pages and feeds in, article pages dressed.

Listing pages (home, archive, tags, sources) and feeds are virtual files generated from
the articles' front matter; article pages get the article template and its context
(related articles, previous/next, tag links), and their Markdown is converted on two
cores (newsdesk.prerender) between `on_nav` and `on_env`. The logic lives in
newsdesk.site/listings.
"""

from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from newsdesk import site


def on_files(files: Files, config: MkDocsConfig) -> Files:
    site.adopt_articles(files, config)
    site.add_generated_files(files, config)
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    site.start_prerendering(files, config)
    return nav


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    site.stop_prerendering()
    return env


def on_build_error(error: Exception) -> None:
    site.stop_prerendering()


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    site.dress_article(page, files, config)
    return markdown


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    return site.complete_page(context, page, nav)
