"""What a page may contain: escaped plain-text meta and sanitized article HTML.

Must come after hooks/archive.py in mkdocs.yml: it escapes the meta that hook sets.
"""

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from newsdesk import site


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    site.escape_meta(page)
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return site.clean_article_html(html, page)
