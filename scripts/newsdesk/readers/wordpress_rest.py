"""Reader for WordPress REST API posts (`/wp-json/wp/v2/posts`): one post object or an array.

The REST shape carries everything the archive wants, but spread out: the byline and term
names only in `_embedded` (fetched with `?_embed`), a featured image in one of several
plugin fields. The body stays raw HTML here; cleaning is the cleaner's job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

from slugify import slugify

from newsdesk.article import URL_RE, Article, PartialDate, Provenance, Source
from newsdesk.readers import Input, Reader, ReadError, Skip, register

FORMAT = "wordpress-rest"
# Account names WordPress shows when nobody set a display name: logins, not bylines.
LOGIN_NAMES = frozenset({"admin", "administrator", "editor", "author", "root", "webmaster"})
TAXONOMIES = ("category", "post_tag")
UNCATEGORIZED = "uncategorized"
_TAG = re.compile(r"<[^>]*>")
_CLASS_TERM = re.compile(r"^(?:category|tag)-(.+)$")

Post = dict[str, Any]


def _sniff(source: Input) -> bool:
    """JSON that looks like posts: cheap, from the first bytes only."""
    head = source.head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head[:1] in (b"{", b"[") and b'"content"' in head and b'"rendered"' in head


def _read(source: Input) -> Iterator[Article | Skip]:
    document = _load(source)
    if isinstance(document, dict):
        posts = [(_checked(document, "the file"), source.sha256)]
    elif isinstance(document, list) and document:
        posts = [(_checked(p, f"item {i}"), _post_sha256(p)) for i, p in enumerate(document)]
    else:
        raise ReadError(
            "expected a WordPress post object or a non-empty array of posts; "
            "save the output of /wp-json/wp/v2/posts (add ?_embed for bylines and tags)"
        )
    for post, sha256 in posts:
        yield _skip_reason(post) or _article(post, sha256)


def _load(source: Input) -> Any:
    try:
        return json.loads(source.text)
    except json.JSONDecodeError as exc:
        ends_early = exc.msg.startswith("Unterminated") or exc.pos >= len(source.text.rstrip())
        cut = "the file looks truncated; " if ends_early else ""
        raise ReadError(
            f"not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}); "
            f"{cut}download the post again from /wp-json/wp/v2/posts"
        ) from None


def _checked(post: Any, where: str) -> Post:
    """The post itself, or a ReadError saying why this is not a REST post."""
    if isinstance(post, dict) and isinstance(_rendered(post, "content"), str):
        return post
    if isinstance(post, dict) and {"code", "message"} <= post.keys():
        raise ReadError(
            f"{where} is a WordPress REST error ({post['code']}: {post['message']}), not a "
            "post; fetch the post again"
        )
    raise ReadError(
        f"{where} is not a WordPress post (no content.rendered); "
        "save the output of /wp-json/wp/v2/posts"
    )


def _post_sha256(post: Post) -> str:
    """A post's own fingerprint inside an array, independent of its neighbours."""
    canonical = json.dumps(post, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _rendered(post: Post, key: str) -> Any:
    value = post.get(key)
    return value.get("rendered") if isinstance(value, dict) else None


def _skip_reason(post: Post) -> Skip | None:
    label = f"post {post.get('id', '?')} ({_title(post) or post.get('slug') or 'untitled'})"
    status = post.get("status")
    if status is not None and status != "publish":
        return Skip(label, f"status is {status!r}, not publish")
    if post["content"].get("protected") is True:  # _checked made content a mapping
        return Skip(label, "password-protected: its content is not public")
    if not _rendered(post, "content").strip():
        return Skip(label, "content is empty")
    return None


def _article(post: Post, sha256: str) -> Article:
    tags = _terms(post)
    return Article(
        title=_title(post),
        date=_date(post),
        slug=_slug(post),
        source=_source(post),
        tags=list(tags),
        byline=_byline(post),
        image=_image(post),
        provenance=Provenance(
            format=FORMAT,
            sha256=sha256,
            id=str(post["id"]) if post.get("id") is not None else None,
            guid=_rendered(post, "guid"),
        ),
        body=_rendered(post, "content"),
        body_format="html",
        raw_tags=list(tags),
    )


def _plain(fragment: str) -> str:
    """Rendered HTML of a title or term name as one line of plain text."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def _title(post: Post) -> str | None:
    title = _rendered(post, "title")
    return (_plain(title) or None) if isinstance(title, str) else None


def _date(post: Post) -> PartialDate | None:
    """`date_gmt` is UTC; `date` is site-local with no offset, so reading it as UTC is a
    guess, used only when the GMT field is missing (WordPress leaves it empty on drafts)."""
    for key in ("date_gmt", "date"):
        value = post.get(key)
        if not isinstance(value, str) or value.startswith("0000"):
            continue
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            continue
        return PartialDate.parse(moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC))
    return None


def _slug(post: Post) -> str | None:
    """The post's own slug (WordPress percent-encodes non-ASCII ones). Without one the
    pipeline derives a slug from the title, so that rule lives in one place."""
    slug = post.get("slug")
    return (slugify(unquote(slug)) or None) if isinstance(slug, str) else None


def _source(post: Post) -> Source | None:
    """Named after the site's host: the REST post carries no site name (a sidecar can)."""
    for url in (post.get("link"), _rendered(post, "guid")):
        if isinstance(url, str) and URL_RE.match(url) and (host := urlsplit(url).hostname):
            return Source(name=host.removeprefix("www."), url=url)
    return None


def _field(mapping: Any, key: str, kind: type) -> Any:
    """mapping[key] when both have the expected types, else an empty `kind`: REST plugins
    vary, and a missing or odd optional field must not stop an import."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, kind) else kind()


def _embedded(post: Post, key: str) -> list[Any]:
    return _field(_field(post, "_embedded", dict), key, list)


def _byline(post: Post) -> str | None:
    authors = _embedded(post, "author")
    name = _plain(_field(authors[0] if authors else None, "name", str))
    return name if name and name.casefold() not in LOGIN_NAMES else None


def _terms(post: Post) -> list[str]:
    """Category and tag names from `_embedded`, else from the slugs in `class_list`."""
    embedded = [
        _plain(term["name"])
        for group in _embedded(post, "wp:term")
        if isinstance(group, list)
        for term in group
        if isinstance(term, dict)
        and term.get("taxonomy") in TAXONOMIES
        and isinstance(term.get("name"), str)
    ]
    names = embedded or [
        unquote(m[1]).replace("-", " ")
        for entry in post.get("class_list") or []
        if isinstance(entry, str) and (m := _CLASS_TERM.match(entry))
    ]
    return list(dict.fromkeys(n for n in names if n and n.casefold() != UNCATEGORIZED))


def _image(post: Post) -> str | None:
    media = _embedded(post, "wp:featuredmedia")
    full = _field(_field(post, "featured_image_urls", dict), "full", list)
    candidates = (
        _field(media[0] if media else None, "source_url", str),
        full[0] if full else None,
        post.get("jetpack_featured_media_url"),
    )
    return next((url for url in candidates if isinstance(url, str) and URL_RE.match(url)), None)


READER = register(
    Reader(
        name=FORMAT,
        summary="WordPress REST API posts (/wp-json/wp/v2/posts): one object or an array",
        sniff=_sniff,
        read=_read,
    )
)
