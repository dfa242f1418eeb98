"""The adapter between MkDocs objects and the pure newsdesk modules; hooks call only this.

MkDocs runs the hooks of one build in a fixed order: `on_files` and `on_nav` once, per
page `on_page_markdown` → `on_page_content`, `on_env` once, then per page
`on_page_context`. The articles' front matter is needed before any page renders
(listings, related, previous/next), so it is read once in `on_files` into an `Archive`
and every later hook looks articles up by src_uri in O(1).
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from newsdesk import feeds, listings, prerender, sanitize, search, vocabulary
from newsdesk.article import (
    Problem,
    SchemaError,
    from_mapping,
    loads,
    problems_in_text,
    read_plain_front_matter,
    validate_mapping,
)
from newsdesk.listings import ArticleMeta, Catalogue
from newsdesk.store import ARTICLES_DIR

# A logger below "mkdocs." so that `mkdocs build --strict` counts its warnings.
log = get_plugin_logger("newsdesk")

ARTICLE_TEMPLATE = "article.html"
VOCABULARY = Path("_data") / "vocabulary.yml"
# page.meta fields Material prints into HTML without escaping (base.html, header.html).
PLAIN_TEXT_META = ("title", "description", "author")
TITLE_PLACEHOLDER = "\x00newsdesk:page-title\x00"


@dataclass(frozen=True)
class HeaderPage:
    """What the shared header sees as `page`: the real URL, a placeholder title."""

    url: str
    title: str = TITLE_PLACEHOLDER
    meta: dict[str, str] = field(default_factory=lambda: {"title": TITLE_PLACEHOLDER})


class SharedChrome:
    """Material's page chrome, rendered once per "view" for every page outside the nav.

    Material renders the header, tabs, sidebar navigation, footer and configuration of
    every page: the larger part of each page's build time. For a page that is not in
    the nav (every article and listing page) that HTML depends only on the relative
    URLs from the page to the site root and to the nav's pages (its "view"), and on the
    page title in the header, which is rendered as a placeholder and filled in per page.
    Pages with the same view (all articles of a month, all first tag pages) share it.
    """

    def __init__(self) -> None:
        self._html: dict[tuple[str, tuple[str, ...]], str] = {}

    def for_page(self, page: Page, nav: Navigation, base_url: str) -> Callable[..., str]:
        """The template's `{% call shared_chrome("header") %}…{% endcall %}` callable."""
        view = (base_url, *(get_relative_url(item.url, page.url) for item in nav.pages))
        title = page.meta.get("title") or page.title or ""

        def shared(name: str, caller: Callable[[], str]) -> str:
            key = (name, view)
            if key not in self._html:
                self._html[key] = caller()
            return self._html[key].replace(TITLE_PLACEHOLDER, title)

        return shared


class ListingPage(Page):
    """A generated listing page, rendered from its Listing without Python-Markdown.

    Its HTML is ours already (newsdesk.listings.Renderer), and setting up Markdown with
    the site's extensions costs a millisecond a page: hundreds of listing pages a build.
    Assigned to its File before the nav is built, as Material's blog plugin does with
    its posts, so MkDocs uses it wherever the page appears.
    """

    def __init__(
        self,
        label: str | None,
        listing: listings.Listing,
        renderer: listings.Renderer,
        file: File,
        config: MkDocsConfig,
    ) -> None:
        super().__init__(label, file, config)
        self.listing, self.renderer = listing, renderer

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = self.renderer.lead(self.listing)
        self.meta = self.renderer.meta(self.listing)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = self.markdown + self.renderer.html(self.listing)
        self.toc = get_toc([])
        self.present_anchor_ids = set()


class ArticlePage(Page):
    """An article's page: MkDocs' Page, read and rendered faster.

    read_source() reads the front matter the importer writes without PyYAML (MkDocs'
    get_data parses YAML in pure Python), and render() takes the rendering that the
    build's prerender helper made on the second core, when there is one.
    """

    def read_source(self, config: MkDocsConfig) -> None:
        source = config.plugins.on_page_read_source(page=self, config=config)
        text = self.file.content_string if source is None else source
        plain = read_plain_front_matter(text)
        if plain is None:
            self.markdown, self.meta = get_data(text)
        else:  # what get_data returns for it
            self.meta, rest = plain
            self.markdown = rest.lstrip("\n")

    def render(self, config: MkDocsConfig, files: Files) -> None:
        helper = _current.prerenderer
        rendered = helper.take(self) if helper else None
        if rendered is None:
            super().render(config, files)
        else:
            rendered.apply(self, files)


def _nav_labels(nav: Any) -> dict[str, str]:
    """The label mkdocs.yml's nav gives each page it names, by src_uri: MkDocs gives
    none to a page a hook made ("Home" in the tabs, not the home page's title)."""
    labels: dict[str, str] = {}
    for item in nav if isinstance(nav, list) else []:
        for label, value in item.items() if isinstance(item, dict) else ():
            labels |= {value: label} if isinstance(value, str) else _nav_labels(value)
    return labels


@dataclass
class Archive:
    """Everything one build knows about its articles, read once from the front matter."""

    catalogue: Catalogue
    problems: list[str]
    renderer: listings.Renderer
    files: Files | None = field(default=None, repr=False)
    chrome: SharedChrome = field(default_factory=SharedChrome, repr=False)

    def article(self, page: Page) -> ArticleMeta | None:
        return self.catalogue.get(page.file.src_uri)


@dataclass
class _Current:
    archive: Archive | None = None
    prerenderer: prerender.Prerenderer | None = None


_current = _Current()


def archive(files: Files, config: MkDocsConfig) -> Archive:
    """The build's Archive; the first hook of a build to ask reads the articles.

    Keyed on the Files object MkDocs hands to every hook of one build, so `mkdocs serve`
    re-reads on each rebuild and two hooks asking in one build share one read.
    """
    if _current.archive is None or _current.archive.files is not files:
        _current.archive = _read_archive(files, config)
    return _current.archive


def current() -> Archive:
    """The Archive of the running build, for hooks that MkDocs gives no Files object."""
    if _current.archive is None:
        raise RuntimeError("no archive yet: the newsdesk hooks' on_files must run first")
    return _current.archive


def _read_archive(files: Files, config: MkDocsConfig) -> Archive:
    root = Path(config.config_file_path or "mkdocs.yml").parent
    metas: list[ArticleMeta] = []
    problems: list[str] = []
    for file in files.documentation_pages():
        if not file.src_uri.startswith(f"{ARTICLES_DIR}/"):
            continue
        result = read_article(file.content_string, file.src_uri, file.url)
        if isinstance(result, ArticleMeta):
            metas.append(result)
        else:
            where = _display_path(file, root)
            problems += [f"{where}: {problem}" for problem in result]
    cat = Catalogue.build(metas)
    renderer = listings.Renderer(config.use_directory_urls, cat.source_slugs)
    return Archive(cat, problems, renderer, files)


def read_article(text: str, key: str, url: str) -> ArticleMeta | list[Problem]:
    """The article's listing data, or every schema problem in it.

    Valid files (the normal case) are parsed exactly once; only an invalid file is
    handed to `problems_in_text`, so messages match `newsdesk check` word for word.
    """
    try:
        loaded = loads(text)
    except SchemaError:
        return problems_in_text(text)
    if validate_mapping(loaded.meta) or not loaded.body.strip():
        return problems_in_text(text)
    return ArticleMeta.from_article(from_mapping(loaded.meta, loaded.body), key, url)


def _display_path(file: File, root: Path) -> str:
    """The path an editor opens: relative to mkdocs.yml, e.g. docs/articles/2026/04/x.md."""
    if file.abs_src_path is None:
        return file.src_uri
    return Path(os.path.relpath(file.abs_src_path, root)).as_posix()


# --- on_files --------------------------------------------------------------------------


def report_problems(files: Files, config: MkDocsConfig) -> None:
    """One warning per schema problem, `path: field: message`; --strict turns them fatal."""
    for message in archive(files, config).problems:
        log.warning(message)


def adopt_articles(files: Files, config: MkDocsConfig) -> None:
    """Give every page under articles/ an ArticlePage before MkDocs makes it a Page."""
    for file in files.documentation_pages():
        if file.src_uri.startswith(f"{ARTICLES_DIR}/") and file.page is None:
            ArticlePage(None, file, config)


def start_prerendering(files: Files, config: MkDocsConfig) -> None:
    """Start rendering articles on the second core (newsdesk.prerender), in the last
    event before MkDocs renders pages; `stop_prerendering` ends it."""
    stop_prerendering()
    pages = [
        file.page
        for file in files.documentation_pages()
        if isinstance(file.page, ArticlePage) and not file.inclusion.is_excluded()
    ]
    _current.prerenderer = prerender.Prerenderer.start(pages, config, files)


def stop_prerendering() -> None:
    helper = _current.prerenderer
    if helper:
        helper.close()
        log.debug(f"articles rendered by the second process: {helper.taken}")
        _current.prerenderer = None


def add_generated_files(files: Files, config: MkDocsConfig) -> None:
    """Listing pages and feeds as virtual files, so `mkdocs serve` serves them too.

    All are NOT_IN_NAV: the few that mkdocs.yml's nav names still appear there, and the
    thousands of others neither enter the navigation nor trigger "not in nav" messages.
    """
    state = archive(files, config)
    labels = _nav_labels(config.nav)
    for listing in listings.all_pages(state.catalogue, _describer(config)):
        file = _generated(config, listing.src_uri, state.renderer.markdown(listing))
        ListingPage(labels.get(file.src_uri), listing, state.renderer, file, config)
        files.append(file)
    for feed_file, content in _feed_files(state.catalogue, config):
        files.append(_generated(config, feed_file, content))


def _generated(config: MkDocsConfig, src_uri: str, content: str | bytes) -> File:
    return File.generated(config, src_uri, content=content, inclusion=InclusionLevel.NOT_IN_NAV)


def _describer(config: MkDocsConfig) -> listings.Describe:
    """The vocabulary's tag descriptions; a broken vocabulary is a (strict) warning."""
    try:
        return vocabulary.load(Path(config.docs_dir) / VOCABULARY).describe
    except ValueError as exc:
        log.warning(f"tag descriptions unavailable: {exc}")
        return lambda tag: None


def _feed_files(cat: Catalogue, config: MkDocsConfig) -> list[tuple[str, str | bytes]]:
    if not config.site_url:
        log.warning("site_url is not set; feeds need absolute URLs, so none were written")
        return []
    writer = feeds.Writer(feeds.Site(config.site_name, config.site_url, config.use_directory_urls))
    out: list[tuple[str, str | bytes]] = []
    for feed in feeds.feeds(cat, config.site_name):
        out += [(f"{feed.path}.xml", writer.atom(feed)), (f"{feed.path}.json", writer.json(feed))]
    return out


# --- per page --------------------------------------------------------------------------


def dress_article(page: Page, files: Files, config: MkDocsConfig) -> None:
    """Article pages use the article template; summary and byline become meta tags."""
    meta = archive(files, config).article(page)
    if meta is None:
        return
    page.meta["template"] = ARTICLE_TEMPLATE
    page.meta["description"] = meta.summary
    if meta.byline:
        page.meta["author"] = meta.byline


def is_contributed(page: Page) -> bool:
    """Pages under articles/ come from imports and pull requests: untrusted input."""
    return page.file.src_uri.startswith(f"{ARTICLES_DIR}/")


def escape_meta(page: Page) -> None:
    """Escape the plain-text meta of every page, once.

    Material prints page.meta.title/description/author into <title>, <meta>, the header
    and the search index without escaping; front matter holds plain text, so a title
    like "Q&A: <why> it matters" must reach those places escaped.

    A contributed page that fails the schema is still built by a lenient build (`mkdocs
    serve` of a contributor's branch): its front matter is unchecked, and Material acts
    on keys such as `template` and `location` (a redirect to javascript:), so it keeps
    only its title.
    """
    if is_contributed(page) and current().article(page) is None:
        for name in set(page.meta) - {"title"}:
            del page.meta[name]
    for name in PLAIN_TEXT_META:
        if isinstance(page.meta.get(name), str):
            page.meta[name] = html.escape(page.meta[name], quote=True)


def clean_article_html(content: str, page: Page) -> str:
    """Sanitize a contributed page's HTML, then unlink its external images.

    Every page under articles/, valid or not: a lenient build publishes invalid ones too.
    """
    if not is_contributed(page):
        return content
    return unlink_external_images(sanitize.sanitize(content))


def complete_page(context: dict[str, Any], page: Page, nav: Navigation) -> dict[str, Any]:
    """Give an article page its `article` context; pages outside the nav also get
    `shared_chrome` and `header_page` (see SharedChrome)."""
    state = current()
    meta = state.article(page)
    if meta is not None:
        use_directory_urls = state.renderer.use_directory_urls
        context["article"] = listings.article_view(state.catalogue, meta, use_directory_urls)
    if not any(item is page for item in nav.pages):
        context["shared_chrome"] = state.chrome.for_page(page, nav, context["base_url"])
        context["header_page"] = HeaderPage(page.url)
    return context


def newest_articles(files: Files, config: MkDocsConfig) -> int:
    """How many of the newest articles have a search bundle of their own (search.NEWEST)."""
    return search.newest_count(len(archive(files, config).catalogue.articles))


def is_newest(page: Page) -> bool:
    """Whether the page is one of those newest articles, which search shows first."""
    cat = current().catalogue
    position = cat.position.get(page.file.src_uri)
    return position is not None and position < search.newest_count(len(cat.articles))


def tag_counts() -> dict[str, int]:
    """Each tag's number of articles: the search dialog's tag menu (search.SHARDS_FILE)."""
    return {tag: len(metas) for tag, metas in current().catalogue.by_tag.items()}


# --- external images -------------------------------------------------------------------


def is_external(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.scheme or parts.netloc)


def unlink_external_images(content: str) -> str:
    """Replace every <img> from another host by a plain link "Image: <alt>" to it.

    Readers' browsers must make no request to any host but the archive's own (privacy,
    and imported WordPress posts hotlink images that vanish), yet the image stays one
    click away. Inside an existing link the image becomes plain text, as links cannot nest.
    """
    if "<img" not in content:
        return content
    root = sanitize.parse_fragment(content)
    external = [img for img in root.iter("img") if is_external(img.get("src") or "")]
    for img in external:
        img.getparent().replace(img, _image_link(img))
    return sanitize.serialize_fragment(root) if external else content


def _image_link(img: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    src = img.get("src") or ""
    alt = (img.get("alt") or "").strip() or Path(urlsplit(src).path).name
    if any(parent.tag == "a" for parent in img.iterancestors()):
        replacement = lxml.html.Element("span")
    else:
        replacement = lxml.html.Element("a", href=src, rel="nofollow noopener")
    replacement.set("class", "nd-external-image")
    replacement.text = f"Image: {alt}" if alt else "Image"
    replacement.tail = img.tail
    return replacement
