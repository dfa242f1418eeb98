"""The reader's archive as pure data: listing pages, related articles, previous/next.

Everything here is a function of the articles' front matter and nothing else (no MkDocs
import), so it is testable without a build and the hooks stay thin. The one rule that
keeps big archives fast: every per-article answer (related, previous/next, which pages
list it) comes from indexes built once in `Catalogue.build`, so the whole site costs
O(N log N) however many articles share a tag.

Text from front matter is plain text and is escaped exactly once, in `_e`, when it
becomes HTML; URLs given to the renderer are site-relative (MkDocs `File.url` form).
"""

from __future__ import annotations

import calendar
import hashlib
import html
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import yaml
from slugify import slugify

from newsdesk.article import Article, PartialDate

# Every listing page costs a full Material page render, so pages are long (news
# archives commonly list 50 items a page) rather than many.
PAGE_SIZE = 50
RELATED_LIMIT = 5
# How many neighbours (by date) within each shared tag are candidates for "related".
# Capping the window keeps related articles O(1) per article even for a tag with
# thousands of articles, and nearby-in-time articles are the most relevant anyway.
RELATED_WINDOW = 8
WORDS_PER_MINUTE = 220

Describe = Callable[[str], str | None]


@dataclass(frozen=True)
class ArticleMeta:
    """What listings, feeds and the article page need to know about one article."""

    key: str  # the article's src_uri: unique and stable within a build
    url: str  # site-relative URL of the article page
    title: str
    date: PartialDate
    source: str
    source_url: str | None
    tags: tuple[str, ...]
    summary: str
    byline: str | None
    minutes: int
    date_note: str | None = None  # why a date is approximate, shown on the article page

    @classmethod
    def from_article(cls, article: Article, key: str, url: str) -> ArticleMeta:
        """Project a valid Article; the body is only needed for the reading time."""
        if not (article.title and article.date and article.source and article.summary):
            raise ValueError(f"{key}: not a valid article (validate it before listing it)")
        return cls(
            key=key,
            url=url,
            title=article.title,
            date=article.date,
            source=article.source.name,
            source_url=article.source.url,
            tags=tuple(article.tags),
            summary=article.summary,
            byline=article.byline,
            minutes=max(1, math.ceil(len(article.body.split()) / WORDS_PER_MINUTE)),
            date_note=article.date_note,
        )


# --- indexes --------------------------------------------------------------------------


@dataclass
class Catalogue:
    """All articles newest first, and the indexes every page is computed from."""

    articles: list[ArticleMeta]
    by_tag: dict[str, list[ArticleMeta]]
    by_source: dict[str, list[ArticleMeta]]  # source slug → its articles, newest first
    source_slugs: dict[str, str]  # source name → slug
    position: dict[str, int] = field(repr=False)
    tag_position: dict[tuple[str, str], int] = field(repr=False)

    @classmethod
    def build(cls, metas: Iterable[ArticleMeta]) -> Catalogue:
        articles = sorted(metas, key=lambda m: (m.date.sort_key, m.key), reverse=True)
        by_tag: dict[str, list[ArticleMeta]] = defaultdict(list)
        tag_position: dict[tuple[str, str], int] = {}
        for meta in articles:
            for tag in meta.tags:
                tag_position[tag, meta.key] = len(by_tag[tag])
                by_tag[tag].append(meta)
        slugs = source_slugs(meta.source for meta in articles)
        by_source: dict[str, list[ArticleMeta]] = defaultdict(list)
        for meta in articles:
            by_source[slugs[meta.source]].append(meta)
        return cls(
            articles=articles,
            by_tag=dict(sorted(by_tag.items())),
            by_source=dict(by_source),
            source_slugs=slugs,
            position={meta.key: index for index, meta in enumerate(articles)},
            tag_position=tag_position,
        )

    def get(self, key: str) -> ArticleMeta | None:
        index = self.position.get(key)
        return None if index is None else self.articles[index]

    def neighbours(self, meta: ArticleMeta) -> tuple[ArticleMeta | None, ArticleMeta | None]:
        """(previous, next) by date: the next-older and the next-newer article."""
        index = self.position[meta.key]
        older = self.articles[index + 1] if index + 1 < len(self.articles) else None
        newer = self.articles[index - 1] if index > 0 else None
        return older, newer

    def related(self, meta: ArticleMeta, limit: int = RELATED_LIMIT) -> list[ArticleMeta]:
        """Articles sharing the most tags, nearest in time first, from capped windows."""
        candidates: dict[str, ArticleMeta] = {}
        for tag in meta.tags:
            tagged = self.by_tag[tag]
            centre = self.tag_position[tag, meta.key]
            for other in tagged[max(0, centre - RELATED_WINDOW) : centre + RELATED_WINDOW + 1]:
                candidates.setdefault(other.key, other)
        candidates.pop(meta.key, None)
        mine = set(meta.tags)
        here = meta.date.sort_key

        def rank(other: ArticleMeta) -> tuple[int, float, str]:
            distance = abs((other.date.sort_key - here).total_seconds())
            return (-len(mine.intersection(other.tags)), distance, other.key)

        return sorted(candidates.values(), key=rank)[:limit]


def source_slugs(names: Iterable[str]) -> dict[str, str]:
    """A distinct URL slug per source name; clashes and non-Latin names stay distinct."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(names)):
        base = slugify(name) or "source-" + hashlib.sha1(name.encode()).hexdigest()[:8]
        slug, number = base, 1
        while slug in taken:
            number += 1
            slug = f"{base}-{number}"
        taken.add(slug)
        slugs[name] = slug
    return slugs


# --- where pages live -------------------------------------------------------------------


def section_uri(base: str, number: int = 1) -> str:
    """src_uri of page `number` of a listing rooted at `base` ('' is the home page)."""
    parts = [base] if base else []
    if number > 1:
        parts += ["page", str(number)]
    return "/".join([*parts, "index.md"])


def tag_base(tag: str) -> str:
    return f"tags/{tag}"


def source_base(slug: str) -> str:
    return f"sources/{slug}"


def url_of(src_uri: str, use_directory_urls: bool) -> str:
    """The URL MkDocs gives a generated `…/index.md` page (same rule as File.url)."""
    directory = src_uri.removesuffix("index.md")
    if use_directory_urls:
        return directory or "./"
    return directory + "index.html"


def page_url(base: str, use_directory_urls: bool) -> str:
    """URL of the first page of the listing rooted at `base`."""
    return url_of(section_uri(base), use_directory_urls)


def root_of(url: str) -> str:
    """The relative path from the page at site-relative `url` back to the site root."""
    directory = url if url.endswith("/") else url.rpartition("/")[0]
    return "../" * sum(1 for part in directory.split("/") if part not in ("", "."))


def link(target: str, root: str) -> str:
    """A site-relative URL as seen from a page whose root_of() is `root`."""
    return root + target.removeprefix("./") or "./"


# --- page models ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """A line of an index page: a link, a count, an optional description and sub-lines."""

    title: str
    base: str
    count: int
    description: str | None = None
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Listing:
    """One generated page: an optional index of entries and a slice of articles."""

    base: str
    title: str
    description: str
    articles: Sequence[ArticleMeta] = ()
    entries: Sequence[Entry] = ()
    number: int = 1
    pages: int = 1
    feed: str | None = None  # feed path without extension, e.g. "tags/china/feed"
    searchable: bool = False
    caption: str | None = None  # shown above the articles when entries precede them

    @property
    def src_uri(self) -> str:
        return section_uri(self.base, self.number)


def paginate(
    base: str,
    title: str,
    description: str,
    articles: Sequence[ArticleMeta],
    *,
    size: int = PAGE_SIZE,
    entries: Sequence[Entry] = (),
    feed: str | None = None,
    searchable: bool = False,
    caption: str | None = None,
) -> list[Listing]:
    """Split a listing into pages; the first page carries the entries and is searchable."""
    count = max(1, math.ceil(len(articles) / size))
    return [
        Listing(
            base=base,
            title=title if number == 1 else f"{title} (page {number} of {count})",
            description=description,
            articles=articles[(number - 1) * size : number * size],
            entries=entries if number == 1 else (),
            number=number,
            pages=count,
            feed=feed,
            searchable=searchable and number == 1,
            caption=caption,
        )
        for number in range(1, count + 1)
    ]


def home_pages(cat: Catalogue, size: int = PAGE_SIZE) -> list[Listing]:
    return paginate(
        "",
        "Latest articles",
        "The newest articles in the archive.",
        cat.articles,
        size=size,
        feed="feed",
    )


def tag_pages(cat: Catalogue, describe: Describe, size: int = PAGE_SIZE) -> list[Listing]:
    """The tag index (counts and vocabulary descriptions) and each tag's pages."""
    entries = [
        Entry(tag, tag_base(tag), len(items), describe(tag)) for tag, items in cat.by_tag.items()
    ]
    pages = [Listing("tags", "Tags", "Every tag in the archive.", entries=entries)]
    for tag, items in cat.by_tag.items():
        pages += paginate(
            tag_base(tag),
            f"Tag: {tag}",
            describe(tag) or f"Articles tagged {tag}.",
            items,
            size=size,
            feed=f"{tag_base(tag)}/feed",
            searchable=True,
        )
    return pages


def source_pages(cat: Catalogue, size: int = PAGE_SIZE) -> list[Listing]:
    """The sources index and one page (paginated) per publication or newsletter."""
    names = {slug: name for name, slug in cat.source_slugs.items()}
    ordered = sorted(cat.by_source.items(), key=lambda item: names[item[0]].casefold())
    entries = [Entry(names[slug], source_base(slug), len(items)) for slug, items in ordered]
    pages = [Listing("sources", "Sources", "Publications and newsletters.", entries=entries)]
    for slug, items in ordered:
        pages += paginate(
            source_base(slug),
            f"Source: {names[slug]}",
            f"Articles from {names[slug]}.",
            items,
            size=size,
            searchable=True,
        )
    return pages


def archive_pages(cat: Catalogue, size: int = PAGE_SIZE) -> list[Listing]:
    """Archive index → year pages (months, plus year-only articles) → month pages."""
    years: dict[int, list[ArticleMeta]] = defaultdict(list)
    months: dict[int, dict[int, list[ArticleMeta]]] = defaultdict(lambda: defaultdict(list))
    for meta in cat.articles:  # newest first, so every bucket is too
        years[meta.date.year].append(meta)
        if meta.date.month is not None:
            months[meta.date.year][meta.date.month].append(meta)
    pages: list[Listing] = []
    year_entries = []
    for year, items in years.items():
        month_entries = tuple(
            Entry(f"{calendar.month_name[month]} {year}", f"archive/{year}/{month:02d}", len(m))
            for month, m in months[year].items()
        )
        year_entries.append(Entry(str(year), f"archive/{year}", len(items), None, month_entries))
        pages += paginate(
            f"archive/{year}",
            str(year),
            f"Articles from {year}.",
            [meta for meta in items if meta.date.month is None],
            size=size,
            entries=month_entries,
            caption=f"Articles dated only to {year}",
        )
        for entry, month_items in zip(month_entries, months[year].values(), strict=True):
            pages += paginate(
                entry.base, entry.title, f"Articles from {entry.title}.", month_items, size=size
            )
    intro = Listing("archive", "Archive", "Every article by year and month.", entries=year_entries)
    return [intro, *pages]


def all_pages(cat: Catalogue, describe: Describe, size: int = PAGE_SIZE) -> list[Listing]:
    return [
        *home_pages(cat, size),
        *archive_pages(cat, size),
        *tag_pages(cat, describe, size),
        *source_pages(cat, size),
    ]


@dataclass(frozen=True)
class ArticleView:
    """What the article template shows around the body; URLs are site-relative."""

    meta: ArticleMeta
    time_html: str
    source_page: str
    tags: tuple[tuple[str, str], ...]  # (tag, tag page URL)
    related: Sequence[ArticleMeta]
    previous: ArticleMeta | None  # the next-older article
    next: ArticleMeta | None  # the next-newer article


def article_view(cat: Catalogue, meta: ArticleMeta, use_directory_urls: bool) -> ArticleView:
    previous, following = cat.neighbours(meta)
    return ArticleView(
        meta=meta,
        time_html=time_html(meta.date),
        source_page=page_url(source_base(cat.source_slugs[meta.source]), use_directory_urls),
        tags=tuple((tag, page_url(tag_base(tag), use_directory_urls)) for tag in meta.tags),
        related=cat.related(meta),
        previous=previous,
        next=following,
    )


# --- rendering ---------------------------------------------------------------------------


def _e(text: str) -> str:
    """The one place plain text from front matter becomes HTML."""
    return html.escape(text, quote=True)


@dataclass
class Renderer:
    """Turns Listing models into a page source and the listing HTML.

    Links are written as "root + site-relative URL", where root leads from the page back
    to the site root ("../../"), so a card's HTML depends only on the page's depth: each
    card is rendered once per depth and reused on every listing that shows it.
    """

    use_directory_urls: bool
    source_slugs: dict[str, str]
    _cards: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def markdown(self, listing: Listing) -> str:
        """The page's source: front matter, heading and lead, all that search indexes.

        The build renders the page from `meta` and `lead` directly (newsdesk.site.
        ListingPage); this source is what MkDocs and other tools see of the file.
        """
        front = yaml.dump(
            self.meta(listing), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000
        )
        return f"---\n{front}---\n\n{self.lead(listing)}\n"

    @staticmethod
    def meta(listing: Listing) -> dict[str, object]:
        """The page's front matter, raw text (hooks/safety.py escapes page.meta)."""
        meta: dict[str, object] = {"title": listing.title, "description": listing.description}
        if listing.feed:
            meta["feed"] = listing.feed
        if not listing.searchable:
            meta["search"] = {"exclude": True}
        return meta

    @staticmethod
    def lead(listing: Listing) -> str:
        """Heading and lead as HTML, not Markdown, so no character is misread; the heading
        also keeps a nav label ("Home") from replacing the page's title."""
        return f'<h1>{_e(listing.title)}</h1>\n<p class="nd-lead">{_e(listing.description)}</p>'

    def html(self, listing: Listing) -> str:
        """The listing itself: index entries, article cards and the page links.

        Follows the lead in the page's HTML (newsdesk.site.ListingPage), marked
        data-pagefind-ignore, so a tag page is no duplicate hit for every article it lists.
        """
        root = root_of(url_of(listing.src_uri, self.use_directory_urls))
        parts = (
            self._entries(listing.entries, root),
            self._caption(listing),
            self._card_list(listing.articles, root),
            self._pager(listing, root),
        )
        body = "\n".join(p for p in parts if p)
        return f'<div class="nd-listing" data-pagefind-ignore>\n{body}\n</div>'

    def _link(self, base: str, root: str) -> str:
        return _e(link(page_url(base, self.use_directory_urls), root))

    def _entries(self, entries: Sequence[Entry], root: str) -> str:
        if not entries:
            return ""
        return f'<ul class="nd-index">{"".join(self._entry(e, root) for e in entries)}</ul>'

    def _entry(self, entry: Entry, root: str) -> str:
        text = (
            f'<a href="{self._link(entry.base, root)}">{_e(entry.title)}</a>'
            f' <span class="nd-count">{entry.count}</span>'
        )
        if entry.description:
            text += f' <span class="nd-description">{_e(entry.description)}</span>'
        return f"<li>{text}{self._entries(entry.children, root)}</li>"

    @staticmethod
    def _caption(listing: Listing) -> str:
        if not (listing.caption and listing.entries and listing.articles):
            return ""
        return f'<p class="nd-caption">{_e(listing.caption)}</p>'

    def _card_list(self, articles: Sequence[ArticleMeta], root: str) -> str:
        if not articles:
            return ""
        cards = "\n".join(self._card(meta, root) for meta in articles)
        return f'<div class="nd-cards">\n{cards}\n</div>'

    def _card(self, meta: ArticleMeta, root: str) -> str:
        cached = self._cards.get((meta.key, root))
        if cached is None:
            source = self._link(source_base(self.source_slugs[meta.source]), root)
            cached = self._cards[meta.key, root] = (
                '<article class="nd-card">'
                f'<h2 class="nd-card__title"><a href="{_e(link(meta.url, root))}">'
                f"{_e(meta.title)}</a></h2>"
                f'<p class="nd-card__meta">{time_html(meta.date)}'
                f' · <a href="{source}">{_e(meta.source)}</a></p>'
                f'<p class="nd-card__summary">{_e(meta.summary)}</p>'
                f"{self._chips(meta.tags, root)}</article>"
            )
        return cached

    def _chips(self, tags: Sequence[str], root: str) -> str:
        chips = "".join(
            f'<li><a class="nd-tag" href="{self._link(tag_base(tag), root)}">{_e(tag)}</a></li>'
            for tag in tags
        )
        return f'<ul class="nd-tags" aria-label="Tags">{chips}</ul>' if chips else ""

    def _pager(self, listing: Listing, root: str) -> str:
        if listing.pages == 1:
            return ""

        def to(number: int, rel: str, label: str) -> str:
            target = url_of(section_uri(listing.base, number), self.use_directory_urls)
            return f'<a rel="{rel}" href="{_e(link(target, root))}">{label}</a>'

        newer = to(listing.number - 1, "prev", "← Newer") if listing.number > 1 else ""
        older = to(listing.number + 1, "next", "Older →") if listing.number < listing.pages else ""
        status = f"<span>Page {listing.number} of {listing.pages}</span>"
        return f'<nav class="nd-pager" aria-label="Pages">{newer}{status}{older}</nav>'


class _Dumper(yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper):  # type: ignore[misc]
    """libyaml's emitter when available: hundreds of generated pages per build."""


def time_html(date: PartialDate) -> str:
    """A <time> element; approximate dates say so to screen readers and on hover too."""
    if date.approximate:
        note = f"Approximate date: the source gives only the {date.precision}"
        return (
            f'<time class="nd-approx" datetime="{date.isoformat()}" title="{note}">'
            f"{_e(date.human())}</time>"
        )
    return f'<time datetime="{date.isoformat()}">{_e(date.human())}</time>'
