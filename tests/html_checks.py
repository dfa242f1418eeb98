"""Static checks on built pages, as a browser's HTML5 parser reads them.

html5lib (as bleach vendors it) builds the tree the way a browser does, so mutation
tricks that only take shape when a page is parsed (namespace confusion, <noscript>,
foster parenting) are seen here as they would be in Chromium. Shared by the XSS and the
metadata tests.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import lxml.etree
from bleach._vendor import html5lib

from newsdesk.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

# Attributes a browser reads as a URL to fetch, navigate to or submit to.
URL_ATTRIBUTES = frozenset(
    {
        *("href", "src", "action", "formaction", "data", "background", "poster", "cite"),
        *("codebase", "dynsrc", "lowsrc", "longdesc", "usemap", "ping", "manifest", "icon"),
        *("xlink:href", "{http://www.w3.org/1999/xlink}href"),
    }
)
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:")
# A browser ignores these inside a URL (C0 controls, space, tab, newline) or at its ends.
IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
# Elements that run, load or redirect something: on an article page there must be exactly
# as many as on the control article, i.e. only the template's own.
ACTIVE = frozenset(
    {
        *("script", "iframe", "frame", "object", "embed", "applet", "base", "meta", "link"),
        *("form", "style", "svg", "math", "template", "noscript", "portal"),
    }
)
NEIGHBOUR_LINKS = frozenset({"prev", "next"})


def parse(path: Path) -> lxml.etree._Element:
    document = html5lib.parse(path.read_bytes(), treebuilder="lxml", namespaceHTMLElements=False)
    return document.getroot()


def local_name(element: lxml.etree._Element) -> str:
    """`svg` for a namespaced `{http://www.w3.org/2000/svg}svg`: the name a browser shows."""
    return lxml.etree.QName(element).localname


def elements(root: lxml.etree._Element) -> list[lxml.etree._Element]:
    return [node for node in root.iter() if isinstance(node.tag, str)]


def is_script_url(value: str) -> bool:
    """True for a javascript:, vbscript: or data: URL, however it is spelled or padded.

    The parser has already decoded character references; what is left to undo is what
    browsers skip when they read a URL.
    """
    return IGNORED_IN_URL.sub("", value).lower().startswith(SCRIPT_SCHEMES)


def content_offences(body: lxml.etree._Element) -> list[str]:
    """What in an article body is outside the allowlist, and any script URL.

    The allowlist check covers the issue's list (no script, iframe, object, embed, form,
    base, meta, svg or math element): none of them is allowed.
    """
    found = []
    for element in elements(body)[1:]:
        name = local_name(element)
        if element.tag not in ALLOWED_TAGS:
            found.append(f"<{name}> is not allowlisted")
            continue
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(name, frozenset())
        found += [f"<{name} {attr}> is not allowlisted" for attr in set(element.keys()) - allowed]
    return found + url_offences(body)


def url_offences(root: lxml.etree._Element) -> list[str]:
    return [
        f"<{local_name(element)} {attr}={value!r}>"
        for element in elements(root)
        for attr, value in element.attrib.items()
        if attr.lower() in URL_ATTRIBUTES and is_script_url(value)
    ]


def handler_offences(root: lxml.etree._Element) -> list[str]:
    return [
        f"<{local_name(element)} {attr}>"
        for element in elements(root)
        for attr in element.attrib
        if lxml.etree.QName(attr).localname.lower().startswith("on")
    ]


def active_census(root: lxml.etree._Element) -> Counter[str]:
    """ACTIVE elements by name; the oldest and newest article lack a prev or next link,
    which loads nothing, so those two links are not counted."""
    return Counter(
        name
        for e in elements(root)
        if (name := local_name(e)) in ACTIVE and e.get("rel") not in NEIGHBOUR_LINKS
    )


def scripts(root: lxml.etree._Element) -> list[tuple[str, str]]:
    return [(s.get("src", ""), s.text or "") for s in root.iter("script")]


def bodies(root: lxml.etree._Element) -> list[lxml.etree._Element]:
    return root.xpath("//div[contains(concat(' ', @class, ' '), ' nd-article__body ')]")


@dataclass(frozen=True)
class Facts:
    """What the checks need from one page, gathered in its one (slow, pure-Python) parse."""

    bodies: int  # article bodies: 1 on an article page
    content: tuple[str, ...]  # content_offences of the article body
    anywhere: tuple[str, ...]  # handlers and script URLs anywhere in the page
    census: Counter[str]
    scripts: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, path: Path) -> Facts:
        root = parse(path)
        found = bodies(root)
        return cls(
            bodies=len(found),
            content=tuple(content_offences(found[0])) if found else (),
            anywhere=tuple(handler_offences(root) + url_offences(root)),
            census=active_census(root),
            scripts=tuple(scripts(root)),
        )
