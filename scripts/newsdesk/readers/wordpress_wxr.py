"""WordPress eXtended RSS (WXR): a whole site's export, Tools → Export in WordPress.

The file can be hundreds of megabytes, so it is streamed once with lxml's iterparse and
each `<item>` is freed as soon as it is read; memory holds one item plus a small map of
attachments. Attachments may come after the posts that use them as featured image or
gallery: a post that needs one still to come waits in a temporary file until the whole
site is known (see `_Pass`); the others leave as they are read.

Only published posts are articles by default. Everything else in the export (drafts,
attachments, menus, templates, password-protected posts…) is yielded as a `Skip` with
its reason, so the import log accounts for every item.

Rendering a post (shortcodes, wpautop) is the costly part of reading it; with `defer`
each post comes as a `Deferred` carrying what it needs, and renders where it is
converted. A post whose shortcodes look up the media library renders here, which holds it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import pickle
import re
import tempfile
import textwrap
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import cache, cached_property, partial
from itertools import chain
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from lxml import etree
from slugify import slugify

from newsdesk import wordpress
from newsdesk.article import (
    SUMMARY_MAX,
    URL_RE,
    Article,
    PartialDate,
    Provenance,
    Source,
)
from newsdesk.readers import Deferred, Input, Reader, ReadError, Skip, register
from newsdesk.readers.wordpress_rest import LOGIN_NAMES, UNCATEGORIZED
from newsdesk.readers.wordpress_rest import _plain as plain

NAME = "wordpress-wxr"
DEFAULT_POST_TYPES = ("post",)
# Site furniture and media, not writing: never articles, whatever --post-type asks for.
NEVER_ARTICLES = frozenset(
    {
        "attachment",
        "custom_css",
        "customize_changeset",
        "nav_menu_item",
        "oembed_cache",
        "revision",
        "user_request",
        "wp_block",
        "wp_font_face",
        "wp_font_family",
        "wp_global_styles",
        "wp_navigation",
        "wp_template",
        "wp_template_part",
    }
)
READ_CHUNK = 1 << 20
# Characters XML 1.0 forbids; old WordPress versions exported them from pasted text.
# In UTF-8 these bytes never occur inside a multi-byte character, so dropping them is safe.
_INVALID_XML_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_WXR_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.[0-2]/(excerpt/)?$")
_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_TAG_DOMAINS = ("category", "post_tag")
_WP_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")

log = logging.getLogger(__name__)


def sniff(source: Input) -> bool:
    return b"<rss" in source.head and b"wordpress.org/export/" in source.head


# --- streaming ------------------------------------------------------------------------------


class _ValidXmlBytes:
    """A file wrapper for the parser that drops bytes XML 1.0 forbids, chunk by chunk."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw

    def read(self, size: int = READ_CHUNK) -> bytes:
        while chunk := self._raw.read(size if size > 0 else READ_CHUNK):
            if cleaned := chunk.translate(None, _INVALID_XML_BYTES):
                return cleaned
        return b""


def _stream(path: Path) -> Iterator[etree._Element]:
    """Each `<item>` of the export, freed once the caller has moved on.

    Entities are never expanded and no DTD is loaded; an export that declares a DOCTYPE
    at all (WordPress never writes one) is refused before its first item, which stops
    entity bombs and external-entity reads whatever they declare.
    """
    seen_root = False
    with path.open("rb") as raw:
        events = etree.iterparse(
            _ValidXmlBytes(raw),
            events=("start", "end"),
            tag=("rss", "item"),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=False,
        )
        try:
            for event, element in events:
                if event == "start" and element.tag == "rss":
                    _refuse_doctype(element)
                    seen_root = True
                if event == "start" or element.tag != "item":
                    continue
                yield element
                element.clear()
                while element.getprevious() is not None:
                    del element.getparent()[0]
        except etree.XMLSyntaxError as exc:
            raise ReadError(f"not well-formed XML ({exc}); re-export the site") from None
    if not seen_root:
        raise ReadError("no <rss> root element: not a WordPress export (WXR) file")


def _refuse_doctype(root: etree._Element) -> None:
    if root.getroottree().docinfo.doctype:
        raise ReadError(
            "the export declares a DOCTYPE (entity declarations can expand without bound "
            "or read local files); WordPress never writes one, so it is refused"
        )


@cache
def _key(tag: str) -> str | None:
    """A namespaced tag as `wp:post_id`, whichever WXR version (1.0–1.2, http/https)."""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if not namespace:
        return local
    if m := _WXR_NAMESPACE.match(namespace):
        return f"{'excerpt' if m[1] else 'wp'}:{local}"
    prefix = _PREFIXES.get(namespace)
    return f"{prefix}:{local}" if prefix else None


def _children(element: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    for child in element:
        if isinstance(child.tag, str) and (key := _key(child.tag)):
            yield key, child


@dataclass
class _Item:
    """One `<item>`'s fields, categories/tags and post meta, as plain strings."""

    fields: dict[str, str]
    terms: list[tuple[str, str]]
    meta: dict[str, str]

    @classmethod
    def parse(cls, element: etree._Element) -> _Item:
        item = cls({}, [], {})
        for key, child in _children(element):
            if key == "category":
                item.terms.append((child.get("domain", ""), child.text or ""))
            elif key == "wp:postmeta":
                pair = {k: c.text or "" for k, c in _children(child)}
                item.meta[pair.get("wp:meta_key", "").strip()] = pair.get("wp:meta_value", "")
            else:
                item.fields[key] = child.text or ""
        return item

    def __getitem__(self, key: str) -> str:
        return self.fields.get(key, "").strip()

    @cached_property  # asked whether the post can leave early, then where it renders
    def uses_library(self) -> bool:
        return wordpress.uses_library(self.fields.get("content:encoded", "")) or (
            wordpress.uses_library(self.meta.get("footnotes", ""))
        )

    def fingerprint(self) -> str:
        """The item's sha256 over what the import reads of it, as the REST reader's is over
        its post. It is taken where the post is converted, from the fields: serializing
        the element to hash it cost the reading process 0.1 ms an item, and JSON as much.
        U+0000 and U+0001, which XML cannot hold, keep the strings and sections apart."""
        sections = (self.fields.items(), self.terms, self.meta.items())
        canonical = "\x01".join("\x00".join(chain.from_iterable(pairs)) for pairs in sections)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @property
    def label(self) -> str:
        title = plain(self["title"]) or self["wp:post_name"] or "untitled"
        return f"{self['wp:post_type'] or 'item'} {self['wp:post_id']} “{title}”"


# --- the pass: what posts refer to, and the items -------------------------------------------------


@dataclass
class _Site:
    name: str
    authors: dict[str, str] = field(default_factory=dict)
    library: wordpress.Library = field(default_factory=wordpress.Library)
    offset: dt.timedelta | None = None  # post_date - post_date_gmt, learned from the posts

    def portable(self, item: _Item) -> _Site:
        """What `item` needs of the site when its shortcodes use no media: its author's
        name and its featured image; small, so it can travel to a worker with the post."""
        creator = item["dc:creator"]
        authors = {creator: self.authors[creator]} if creator in self.authors else {}
        library = wordpress.Library()
        if image := self.library.by_id.get(item.meta.get("_thumbnail_id", "").strip()):
            library.add(image)
        return _Site(self.name, authors, library, self.offset)


class _Pass:
    """The one pass over the file: authors, attachments and the site's UTC offset, and
    the items, each as soon as what it refers to is known.

    Most posts refer only to the channel's authors and, for a featured image, to an
    attachment that is often listed after them; a post whose attachment is still to come,
    whose shortcodes look up the media library, or whose only date is local time (its
    offset is learned from all posts) waits in a temporary file until the pass ends,
    which keeps memory bounded. The others leave at once, so conversion starts with the
    pass instead of after it (waiting for the whole file cost a 10,000-post import 2.8 s
    in which one core had nothing to do). Waiting posts therefore arrive last.
    """

    def __init__(self, path: Path, post_types: Collection[str]) -> None:
        self.path, self.post_types = path, post_types
        self.site = _Site(name="WordPress export")
        self.offsets: Counter[dt.timedelta] = Counter()

    def records(self) -> Iterator[Skip | _Item]:
        """Every item in the file's order, except the posts that must wait: those after."""
        with tempfile.TemporaryFile() as spool:
            for count, element in enumerate(_stream(self.path)):
                if not count:  # WordPress writes the channel header before the first item
                    self.site = _channel(element.getparent())
                item = self._learn(_Item.parse(element))
                if reason := _skip_reason(item, self.post_types):
                    yield Skip(item.label, reason)
                elif self._knows_all_of(item):
                    yield item
                else:
                    pickle.dump(item, spool, pickle.HIGHEST_PROTOCOL)
            self.site.offset = self.offsets.most_common(1)[0][0] if self.offsets else None
            spool.seek(0)
            yield from _unspooled(spool)

    def _learn(self, item: _Item) -> _Item:
        if item["wp:post_type"] == "attachment" and item["wp:attachment_url"]:
            self.site.library.add(_attachment(item))
        local, gmt = _wp_datetime(item["wp:post_date"]), _wp_datetime(item["wp:post_date_gmt"])
        if local and gmt:
            self.offsets[local - gmt] += 1
        return item

    def _knows_all_of(self, item: _Item) -> bool:
        """Whether `item` could be finished now, without the rest of the file."""
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        return (
            not item.uses_library
            and (not thumbnail or thumbnail in self.site.library.by_id)
            and (_utc_date(item) is not None or _wp_datetime(item["wp:post_date"]) is None)
        )


def _unspooled(spool: BinaryIO) -> Iterator[_Item]:
    while True:
        try:
            yield pickle.load(spool)
        except EOFError:
            return


def _channel(channel: etree._Element) -> _Site:
    fields: dict[str, str] = {}
    authors: dict[str, str] = {}
    for key, child in _children(channel):
        if key == "item":
            break
        if key == "wp:author":
            author = {k: (c.text or "").strip() for k, c in _children(child)}
            name = plain(author.get("wp:author_display_name", ""))
            if name and name.casefold() not in LOGIN_NAMES:
                authors[author.get("wp:author_login", "")] = name
        else:
            fields[key] = (child.text or "").strip()
    link = fields.get("link") or fields.get("wp:base_blog_url", "")
    name = plain(fields.get("title", "")) or urlsplit(link).hostname or "WordPress export"
    return _Site(name=name, authors=authors)


def _attachment(item: _Item) -> wordpress.Attachment:
    return wordpress.Attachment(
        id=item["wp:post_id"],
        url=item["wp:attachment_url"],
        parent=item["wp:post_parent"] or "0",
        order=int(item["wp:menu_order"] or 0),
        caption=item["excerpt:encoded"],
        alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
    )


# --- articles ------------------------------------------------------------------------------


def read(
    source: Input, post_types: Collection[str] = DEFAULT_POST_TYPES, defer: bool = False
) -> Iterator[Article | Skip | Deferred]:
    """Every item of the export: published items of `post_types` as articles, others
    skipped; in the file's order, but for posts that need the whole file read (`_Pass`)."""
    if refused := sorted(set(post_types) & NEVER_ARTICLES):
        raise ReadError(f"{', '.join(refused)} items are never imported as articles")
    survey = _Pass(source.path, post_types)
    for record in survey.records():
        if isinstance(record, Skip):
            yield record
        elif defer and not record.uses_library:
            yield Deferred(partial(_post, record, survey.site.portable(record)))
        else:
            yield _post(record, survey.site)


def _skip_reason(item: _Item, post_types: Collection[str]) -> str | None:
    post_type, status = item["wp:post_type"], item["wp:status"]
    if post_type in NEVER_ARTICLES:
        return f"{post_type}: not an article"
    if post_type not in post_types:
        return f"post type {post_type!r} not imported (add --post-type {post_type})"
    if status != "publish":
        return f"status is {status!r}, not publish"
    if item["wp:post_password"]:
        return "password-protected: its content is not public"
    if not item["content:encoded"]:
        return "content is empty"
    return None


def _post(item: _Item, site: _Site) -> Article | Skip:
    """The item as an article, unless its content renders to nothing outside WordPress."""

    def report(message: str) -> None:
        log.warning("%s: %s", item.label, message)

    content = item.fields.get("content:encoded", "")
    footnotes = item.meta.get("footnotes", "")
    body = wordpress.render(content, report, site.library, item["wp:post_id"], footnotes)
    if _shows_nothing(body) and "<img" not in body:
        return Skip(item.label, "content is empty once rendered (dynamic blocks or blank markup)")
    return _article(item, site, body)


# Tags and white space at the start of a text, then its first other character.
_FIRST_TEXT = re.compile(r"(?:\s|<[^>]*>)*+(.)", re.DOTALL)


def _shows_nothing(body: str) -> bool:
    """`not plain(body)`, mostly without reading the whole body: plain() drops the tags,
    decodes entities and collapses white space, so a body with a visible character before
    any `&` shows something. An `&` may start an entity for a space: then plain() decides.
    """
    first = _FIRST_TEXT.match(body)
    if first is None:
        return True
    return first[1] == "&" and not plain(body)


def _article(item: _Item, site: _Site, body: str) -> Article:
    """The post's fields; an untitled post keeps no title (the importer derives one)."""
    names = [plain(name) for domain, name in item.terms if domain in _TAG_DOMAINS]
    tags = list(dict.fromkeys(n for n in names if n and n.casefold() != UNCATEGORIZED))
    return Article(
        title=plain(item["title"]) or None,
        date=_date(item, site.offset),
        slug=slugify(unquote(item["wp:post_name"])) or None,
        source=Source(site.name, _url(item["link"])),
        tags=tags,
        raw_tags=list(tags),
        summary=_summary(item["excerpt:encoded"]),
        byline=site.authors.get(item["dc:creator"]),
        image=_url(site.library.url(item.meta.get("_thumbnail_id", "")) or ""),
        provenance=Provenance(
            format=NAME,
            sha256=item.fingerprint(),
            id=item["wp:post_id"] or None,
            guid=item["guid"] or None,
        ),
        body=body,
        body_format="html",
    )


def _date(item: _Item, offset: dt.timedelta | None) -> PartialDate | None:
    """post_date_gmt, else pubDate, else the local post_date shifted by the site's offset.

    Without a known offset the local date is kept at day precision: claiming a time in
    UTC would be a guess.
    """
    if utc := _utc_date(item):
        return PartialDate(utc, "time")
    if local := _wp_datetime(item["wp:post_date"]):
        if offset is None:
            return PartialDate(local.replace(hour=0, minute=0, second=0, tzinfo=dt.UTC), "day")
        return PartialDate((local - offset).replace(tzinfo=dt.UTC), "time")
    return None


def _utc_date(item: _Item) -> dt.datetime | None:
    """The post's date in UTC if the item says it without the site's offset:
    post_date_gmt, else pubDate."""
    if gmt := _wp_datetime(item["wp:post_date_gmt"]):
        return gmt.replace(tzinfo=dt.UTC)
    if published := _rfc822(item["pubDate"]):
        return published.astimezone(dt.UTC)
    return None


def _wp_datetime(value: str) -> dt.datetime | None:
    """WordPress's `2013-01-11 03:15:40`; drafts carry `0000-00-00 00:00:00`, i.e. none."""
    try:
        return dt.datetime.fromisoformat(value) if _WP_DATETIME.fullmatch(value) else None
    except ValueError:
        return None


def _rfc822(value: str) -> dt.datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo and parsed.year > 1970 else None


def _summary(excerpt: str) -> str | None:
    """The author's own excerpt, when written; otherwise the importer derives one."""
    text = plain(excerpt)
    return textwrap.shorten(text, SUMMARY_MAX, placeholder="…") if text else None


def _url(value: str) -> str | None:
    return value if URL_RE.match(value) else None


register(
    Reader(
        name=NAME,
        summary="WordPress export (WXR 1.0–1.2): published posts of a whole site",
        sniff=sniff,
        read=read,
        accepts=("post_types", "defer"),
    )
)
