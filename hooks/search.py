"""Index the built site with Pagefind (newsdesk.search), so `make site`, `mkdocs build`
and `make serve` all get search. A `mkdocs serve --dirty` rebuild keeps the index of the
server's first build (newsdesk.search.needs_index).
"""

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

from newsdesk import search

log = get_plugin_logger("newsdesk")


def on_startup(command: str, dirty: bool) -> None:
    search.start(dirty)


def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    if not search.needs_index(site_dir):
        log.info("Pagefind: kept the index of the first build (restart to refresh it)")
        return
    try:
        indexed = search.index(site_dir)
    except search.SearchIndexError as exc:
        raise PluginError(str(exc)) from exc
    log.info(indexed.summary())
