"""Index every page with Pagefind as it is rendered (newsdesk.search), so `make site`,
`mkdocs build` and `make serve` all get search; a large archive's newest articles in a
bundle of their own (newsdesk.site.is_newest). A `mkdocs serve --dirty` rebuild keeps
the index of the server's first build (newsdesk.search.needs_index).
"""

from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from newsdesk import search, site

log = get_plugin_logger("newsdesk")


def on_startup(command: str, dirty: bool) -> None:
    search.start(dirty)


def on_pre_build(config: MkDocsConfig) -> None:
    if not search.begin(Path(config.site_dir)):
        log.info("Pagefind: kept the index of the first build (restart to refresh it)")


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    search.expect(len(files.documentation_pages()), site.newest_articles(files, config))
    return env


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    try:
        search.add(page.file.dest_uri, output, site.is_newest(page))
    except search.SearchIndexError as exc:
        raise PluginError(str(exc)) from exc
    return output


def on_post_build(config: MkDocsConfig) -> None:
    try:
        indexed = search.finish(site.tag_counts())
    except search.SearchIndexError as exc:
        raise PluginError(str(exc)) from exc
    if indexed:
        log.info(indexed.summary())


def on_build_error(error: Exception) -> None:
    search.abort()
