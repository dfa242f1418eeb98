"""Strict builds of temporary archives with the repo's mkdocs.yml, hooks and templates."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest

from newsdesk import bench
from newsdesk.article import loads
from newsdesk.listings import source_slugs
from newsdesk.site import read_article, unlink_external_images

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "site"
SITE_URL = "https://newsdesk.example.org/"
HOSTILE = "articles/2026/04/hostile-markup/index.html"
HOSTILE_TITLE = 'Q&A: "Quotes", <3 and the plain-text title'
# Elements and attributes through which a page makes the browser fetch something.
RESOURCE_ATTRIBUTES = {
    "script": "src",
    "img": "src",
    "iframe": "src",
    "audio": "src",
    "video": "src",
    "source": "src",
    "track": "src",
    "embed": "src",
    "object": "data",
    "input": "src",
}
LOADING_RELS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "modulepreload"}


def build(project: Path) -> subprocess.CompletedProcess[str]:
    command, env = bench.mkdocs_build(project / "mkdocs.yml", project / "site")
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def page(site: Path, path: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / path).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = bench.full_project(REPO, tmp_path_factory.mktemp("archive"), n=60)
    shutil.copytree(FIXTURES / "articles", project / "docs" / "articles", dirs_exist_ok=True)
    return project


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    result = build(project)
    assert result.returncode == 0, result.stderr
    return project / "site"


@pytest.fixture(scope="module")
def articles(project: Path) -> list[dict]:
    return [
        loads(path.read_text(encoding="utf-8")).meta
        for path in sorted((project / "docs" / "articles").rglob("*.md"))
    ]


def test_every_tag_and_source_has_a_page_and_every_tag_its_feeds(site, articles):
    tags = {tag for meta in articles for tag in meta["tags"]}
    slugs = source_slugs(meta["source"]["name"] for meta in articles)
    for tag in tags:
        assert (site / "tags" / tag / "index.html").is_file(), tag
        assert (site / "tags" / tag / "feed.xml").is_file(), tag
        assert (site / "tags" / tag / "feed.json").is_file(), tag
    for slug in slugs.values():
        assert (site / "sources" / slug / "index.html").is_file(), slug
    for listing in ("index.html", "tags/index.html", "sources/index.html", "archive/index.html"):
        assert (site / listing).is_file()


def test_archive_has_year_and_month_pages(site):
    assert (site / "archive/2026/04/index.html").is_file()
    assert (site / "archive/2026/02/index.html").is_file()
    year_only = page(site, "archive/2019/index.html")
    assert "A clipping dated only to its year" in year_only.text_content()


def test_no_article_is_in_the_navigation(site):
    for path in ("index.html", HOSTILE):
        nav = page(site, path).cssselect("nav.md-nav--primary")[0]
        labels = [a.text_content().strip() for a in nav.cssselect("a.md-nav__link")]
        assert labels == list(NAV_TARGETS)


NAV_TARGETS = {
    "Home": "index.html",
    "Archive": "archive/index.html",
    "Tags": "tags/index.html",
    "Sources": "sources/index.html",
    "About": "about/index.html",
    "Contributing": "contributing/index.html",
    "Benchmarks": "benchmarks/index.html",
    "Security": "security/index.html",
}


@pytest.mark.parametrize(
    "path",
    [
        HOSTILE,
        "articles/2019/year-clipping/index.html",
        "tags/china/index.html",
        "tags/carmakers/index.html",
        "sources/asiabits/index.html",
        "archive/2026/02/index.html",
        "page/2/index.html",
        "tags/index.html",
    ],
)
def test_navigation_and_header_are_right_on_every_kind_of_page(site, path):
    """Pages outside the nav share rendered chrome; each must still link correctly."""
    document = page(site, path)
    for selector in ("nav.md-nav--primary a.md-nav__link", "nav.md-tabs a.md-tabs__link"):
        links = {a.text_content().strip(): a.get("href") for a in document.cssselect(selector)}
        resolved = {
            label: ((site / path).parent / href / "index.html").resolve()
            for label, href in links.items()
        }
        expected = {label: (site / target).resolve() for label, target in NAV_TARGETS.items()}
        assert resolved == expected, selector
    topic = document.cssselect("[data-md-component=header-topic] .md-ellipsis")[0]
    assert topic.text_content().strip() == document.findtext(".//title").removesuffix(" - newsdesk")


def external_resources(document: lxml.html.HtmlElement) -> list[str]:
    """Every URL on another host that loading the page would fetch."""
    found = []
    for tag, attribute in RESOURCE_ATTRIBUTES.items():
        found += [el.get(attribute) for el in document.iter(tag) if el.get(attribute)]
    found += [
        link.get("href", "")
        for link in document.iter("link")
        if LOADING_RELS & set(link.get("rel", "").lower().split())
    ]
    found += [
        candidate.split()[0]
        for el in document.xpath("//*[@srcset]")
        for candidate in el.get("srcset").split(",")
        if candidate.strip()
    ]
    styles = [el.text or "" for el in document.iter("style")]
    styles += [el.get("style") for el in document.xpath("//*[@style]")]
    found += [style for style in styles if "url(" in style or "@import" in style]
    return [url for url in found if urlsplit(url.strip()).netloc or "//" in url]


def test_no_page_loads_anything_from_another_host(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 100
    offenders = {
        str(path.relative_to(site)): urls
        for path in pages
        if (urls := external_resources(lxml.html.fromstring(path.read_bytes())))
    }
    assert offenders == {}
    assert not any("fonts.googleapis" in path.read_text(encoding="utf-8") for path in pages)


def test_every_internal_link_resolves(site):
    for path in site.rglob("*.html"):
        for href in page(site, str(path.relative_to(site))).xpath("//a/@href"):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            base = site if parts.path.startswith("/") else path.parent  # 404.html: absolute
            target = (base / parts.path.lstrip("/")).resolve()
            assert target.is_file() or (target / "index.html").is_file(), (path, href)


def test_hostile_markup_is_gone_from_the_article(site):
    document = page(site, HOSTILE)
    body = document.cssselect(".nd-article__body")[0]
    assert "alert" not in lxml.html.tostring(body, encoding="unicode")
    assert not [a for el in document.iter() for a in el.attrib if a.lower().startswith("on")]
    assert not document.xpath("//a[starts-with(normalize-space(@href), 'javascript:')]")
    assert "ordinary text after the hostile markup" in body.text_content()


def test_external_images_become_links_to_the_original(site):
    body = page(site, HOSTILE).cssselect(".nd-article__body")[0]
    (crane,) = body.xpath("//a[@href='https://images.example.net/2026/04/crane.jpg']")
    assert crane.text_content() == "Image: A harbour crane at dusk"
    assert crane.get("rel") == "nofollow noopener"
    (wrapped,) = body.xpath("//a[@href='https://images.example.net/2026/04/full.jpg']")
    assert wrapped.text_content() == "Image: Thumbnail"
    assert not [img for img in body.iter("img") if urlsplit(img.get("src", "")).netloc]


def test_sanitizing_keeps_highlighted_code(site):
    body = page(site, HOSTILE).cssselect(".nd-article__body")[0]
    assert body.cssselect(".highlight span.k")


def test_titles_are_plain_text_everywhere(site):
    raw = (site / HOSTILE).read_text(encoding="utf-8")
    assert "<3 and" not in raw
    document = lxml.html.fromstring(raw)
    assert document.findtext(".//title") == f"{HOSTILE_TITLE} - newsdesk"
    assert document.cssselect(".nd-article h1")[0].text_content() == HOSTILE_TITLE
    header = document.cssselect("[data-md-component=header-topic] .md-ellipsis")[0]
    assert header.text_content().strip() == HOSTILE_TITLE
    meta = {el.get("property") or el.get("name"): el.get("content") for el in document.iter("meta")}
    assert meta["og:title"] == HOSTILE_TITLE
    assert meta["description"].startswith("A contributed article whose body carries script, ev")
    assert meta["author"] == "A. Tester & Co"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Q&amp;A: &quot;Quotes&quot;, &lt;3 and the plain-text title" in home


def pagefind_records(site: Path) -> dict[str, dict]:
    """Pagefind's indexed pages by URL: each fragment is gzipped "pagefind_dcd" + JSON."""
    records = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd")
        record = json.loads(data)
        records[record["url"]] = record
    return records


def test_pagefind_indexes_articles_with_tag_filters_and_plain_text_titles(site):
    records = pagefind_records(site)
    hostile = records["/articles/2026/04/hostile-markup/"]
    assert hostile["meta"]["title"] == HOSTILE_TITLE
    assert hostile["filters"] == {"tag": ["china", "carmakers"]}
    assert hostile["meta"]["date"] == "27 April 2026"
    assert "ordinary text after the hostile markup" in hostile["content"]
    assert "Related articles" not in hostile["content"]  # data-pagefind-ignore


def test_pagefind_indexes_a_tag_page_by_its_lead_and_skips_other_listings(site):
    records = pagefind_records(site)
    china = records["/tags/china/"]
    assert china["meta"]["title"] == "Tag: china"
    assert HOSTILE_TITLE not in china["content"]  # cards are data-pagefind-ignore
    assert "/tags/china/page/2/" not in records and "/" not in records
    assert "/archive/" not in records and "/tags/" not in records
    assert not (site / "search" / "search_index.json").exists()  # one search system


def test_article_page_links_source_canonical_tags_and_neighbours(site):
    document = page(site, HOSTILE)
    (source,) = document.cssselect("a.nd-source")
    assert source.get("href") == "https://gazette.example.com/2026/04/hostile-markup"
    assert set(source.get("rel").split()) == {"nofollow", "noopener"}
    (canonical,) = document.xpath("//link[@rel='canonical']")
    assert canonical.get("href") == source.get("href")
    chips = [(a.text_content(), a.get("href")) for a in document.cssselect(".nd-tag")]
    assert chips == [
        ("china", "../../../../tags/china/"),
        ("carmakers", "../../../../tags/carmakers/"),
    ]
    assert document.cssselect("a[rel=prev]")  # an older article exists
    assert "min read" in document.cssselect(".nd-reading-time")[0].text_content()


def test_approximate_dates_are_marked_and_canonical_falls_back_to_the_page(site):
    document = page(site, "articles/2026/02/month-newsletter/index.html")
    (date,) = document.cssselect(".nd-article__meta time")
    assert date.text_content() == "c. February 2026"
    assert "nd-approx" in date.get("class")
    (canonical,) = document.xpath("//link[@rel='canonical']")
    assert canonical.get("href") == f"{SITE_URL}articles/2026/02/month-newsletter/"
    assert not document.cssselect("a.nd-source")


def test_feeds_parse_and_use_absolute_urls(site):
    whole = feedparser.parse((site / "feed.xml").read_bytes())
    assert not whole.bozo and len(whole.entries) == 50  # FEED_LIMIT of 63
    assert all(entry.link.startswith(SITE_URL) for entry in whole.entries)
    china = feedparser.parse((site / "tags/china/feed.xml").read_bytes())
    assert {entry.title for entry in china.entries} == {
        HOSTILE_TITLE,
        "A newsletter dated only to its month",
    }
    document = json.loads((site / "tags/china/feed.json").read_text(encoding="utf-8"))
    assert document["feed_url"] == f"{SITE_URL}tags/china/feed.json"
    assert len(document["items"]) == 2


def test_sitemap_lists_articles_under_the_site_url(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{SITE_URL}articles/2026/04/hostile-markup/</loc>" in sitemap
    assert "gazette.example.com" not in sitemap


# --- failures ----------------------------------------------------------------------------


@pytest.fixture
def empty_project(tmp_path: Path) -> Path:
    return bench.full_project(REPO, tmp_path, n=0)


def test_an_empty_archive_builds(empty_project):
    result = build(empty_project)
    assert result.returncode == 0, result.stderr
    assert (empty_project / "site/tags/index.html").is_file()


def test_schema_problems_fail_the_strict_build_with_path_field_message(empty_project):
    broken = empty_project / "docs/articles/2026/01/broken.md"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "---\ntitle: Broken\ndate: 2026-13\nslug: broken\nsource: {name: X}\n---\n\nBody.\n",
        encoding="utf-8",
    )
    (broken.parent / "unreadable.md").write_text("no front matter\n", encoding="utf-8")
    result = build(empty_project)
    assert result.returncode != 0
    assert "docs/articles/2026/01/broken.md: summary: is required but missing" in result.stderr
    assert "docs/articles/2026/01/broken.md: date: '2026-13' has no month 13" in result.stderr
    assert "docs/articles/2026/01/unreadable.md: front matter: missing" in result.stderr


# --- adapter functions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            '<p><img src="https://x.example/a/b.jpg"> after</p>',
            '<p><a href="https://x.example/a/b.jpg" rel="nofollow noopener"'
            ' class="nd-external-image">Image: b.jpg</a> after</p>',
        ),
        (
            '<a href="/big"><img src="//cdn.example/c.png" alt=" A crane "></a>',
            '<a href="/big"><span class="nd-external-image">Image: A crane</span></a>',
        ),
        ('<p><img src="local.png" alt="kept"></p>', '<p><img src="local.png" alt="kept"></p>'),
        ("<p>no images</p>", "<p>no images</p>"),
    ],
)
def test_unlink_external_images(html, expected):
    assert unlink_external_images(html) == expected


def test_read_article_returns_every_problem_of_an_invalid_file():
    problems = read_article("---\ntitle: T\n---\n\n", "articles/x.md", "articles/x/")
    assert {p.field for p in problems} >= {"date", "slug", "source", "summary", "body"}


def test_bench_builds_bare_full_and_blog_projects_and_reports_the_ratios(tmp_path):
    results = bench.run(REPO, tmp_path, n=5, labels=("bare", "full", "blog"))
    bare, full = results["bare"], results["full"]
    assert bare.html_pages < full.html_pages
    assert min(bare.seconds, full.seconds, bare.cpu_seconds, full.peak_mib) > 0
    assert full.index_seconds is not None and bare.index_seconds is None
    assert 0 < full.largest_html_kb < bench.PAGE_LIMIT_KB
    report = bench.report(list(results.values()))
    assert "N=5: full/bare" in report and "N=5: blog/full" in report
    assert not (tmp_path / "bare-5" / "hooks").exists()
    assert len(list((tmp_path / "blog-5" / "docs" / "blog" / "posts").glob("*.md"))) == 5
    assert (tmp_path / "blog-5" / "site" / "blog" / "index.html").is_file()
