"""Build-cost benchmark: our full site, bare MkDocs + Material and Material's blog plugin.

    python -m newsdesk.bench                  # N = 1,000 and 10,000, blog plugin at 1,000
    python -m newsdesk.bench --n 1000 --repeat 3 --no-search

Every project holds the same N synthetic articles (newsdesk.synthetic). "full" is our
mkdocs.yml with every listing page, feed and hook, Pagefind indexing included. "bare" is
stock MkDocs + Material on the same articles: our theme settings and Markdown extensions
without hooks, templates, CSS or listing pages, with Material's own (lunr) search plugin
and a one-page nav; the floor a Material archive cannot go below. "blog" is Material's
blog plugin over the same articles as posts (categories = tags), the usual way to make
such an archive with Material, measured at N = 1,000 only: it is quadratic in N.

Each build runs in its own process, so wall time, CPU time (os.wait4's rusage, which
includes the Pagefind services, children of the build) and peak memory (the summed PSS
of the build and its children, newsdesk.peak) are that build's alone; the builds of one N
alternate and the best wall time of `--repeat` runs is kept. Before each build the
bench waits (up to 10 minutes) for the 1-minute load average to drop below --max-load,
as other work on the machine skews wall times. Finally Chromium measures a search on the
largest full site (newsdesk.bench_search).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from newsdesk import synthetic
from newsdesk.article import Article
from newsdesk.peak import TreeSampler

CONFIG = "mkdocs.yml"
THEME_PARTS = ("hooks", "overrides")
SIZES = (1000, 10_000)
BLOG_AT = 1000
MAX_LOAD = 1.2
LOAD_WAIT_SECONDS = 600
PAGE_LIMIT_KB = 300  # issue #7: no HTML page over 300 KB (1 KB = 1,000 bytes)
# newsdesk.search.Indexed.summary(), as the build log prints it.
PAGEFIND_LOG = re.compile(r"the build waited ([\d.]+) s for it")


@dataclass(frozen=True)
class Result:
    label: str
    n: int
    seconds: float
    cpu_seconds: float  # user + system: steadier than wall time on a busy machine
    peak_mib: float  # the process tree's summed PSS
    site_mib: float
    html_pages: int
    largest_html_kb: float
    index_seconds: float | None  # waiting for Pagefind after rendering (full builds only)


def full_project(repo: Path, dest: Path, n: int, seed: int = 1) -> Path:
    """The repo's site configuration (config, hooks, templates, prose pages) + N articles."""
    for name in (CONFIG, "CONTRIBUTING.md"):  # docs/contributing.md includes the latter
        shutil.copy2(repo / name, dest / name)
    for part in THEME_PARTS:
        shutil.copytree(repo / part, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
    docs = dest / _docs_dir(repo)
    docs.mkdir(parents=True, exist_ok=True)
    for page in (repo / _docs_dir(repo)).glob("*.md"):
        shutil.copy2(page, docs / page.name)
    synthetic.write(docs, n, seed)
    return dest


def stock_config(repo: Path) -> dict:
    """Our mkdocs.yml as stock Material: no hooks, templates, CSS or scripts; lunr search."""
    config = yaml.safe_load((repo / CONFIG).read_text(encoding="utf-8"))
    for key in ("hooks", "extra_css", "extra_javascript"):
        config.pop(key, None)
    config["theme"].pop("custom_dir", None)
    config["plugins"] = ["search"]  # MkDocs' default, and Material's built-in search
    config["nav"] = [{"Home": "index.md"}]
    return config


def bare_project(repo: Path, dest: Path, n: int, seed: int = 1) -> Path:
    """The same articles under stock Material, without our listing pages."""
    _write_config(dest, stock_config(repo))
    docs = dest / _docs_dir(repo)
    synthetic.write(docs, n, seed)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    return dest


def blog_project(repo: Path, dest: Path, n: int, seed: int = 1) -> Path:
    """The same articles as posts of Material's blog plugin (tags become categories)."""
    config = stock_config(repo)
    config["plugins"] = ["search", "blog"]
    config["nav"] = [{"Home": "index.md"}, {"Blog": "blog/index.md"}]
    _write_config(dest, config)
    docs = dest / _docs_dir(repo)
    posts = docs / "blog" / "posts"
    posts.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    (docs / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
    for item in synthetic.articles(n, seed):
        (posts / f"{item.slug}.md").write_text(_blog_post(item), encoding="utf-8")
    return dest


def _blog_post(item: Article) -> str:
    """A blog post: the plugin needs a full date, takes the title from the heading and
    the excerpt from before `<!-- more -->`."""
    meta = {"date": item.date.sort_key, "categories": list(item.tags)}
    front = yaml.safe_dump(meta, sort_keys=False)
    return f"---\n{front}---\n\n# {item.title}\n\n{item.summary}\n\n<!-- more -->\n\n{item.body}\n"


def _write_config(dest: Path, config: dict) -> None:
    (dest / CONFIG).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def _docs_dir(repo: Path) -> str:
    config = yaml.safe_load((repo / CONFIG).read_text(encoding="utf-8"))
    return config.get("docs_dir", "docs")


PROJECTS: dict[str, Callable[[Path, Path, int], Path]] = {
    "bare": bare_project,
    "full": full_project,
    "blog": blog_project,
}


def mkdocs_build(config: Path, site: Path) -> tuple[list[str], dict[str, str]]:
    """Command and environment of a strict build (also used by the tests).

    Never add --quiet: it raises MkDocs' log level above WARNING, so strict mode no
    longer sees (or fails on) warnings.
    """
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["--config-file", str(config), "--site-dir", str(site)]
    return command, {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def wait_for_quiet(max_load: float, timeout: float = LOAD_WAIT_SECONDS) -> None:
    """Wait while the 1-minute load average exceeds `max_load` (0 disables), at most
    `timeout` seconds: another build or import on the machine would skew wall times."""
    deadline = time.monotonic() + timeout
    while max_load and os.getloadavg()[0] > max_load and time.monotonic() < deadline:
        print(f"  load {os.getloadavg()[0]:.2f} > {max_load}: waiting", file=sys.stderr)
        time.sleep(15)


def build(project: Path, label: str, n: int) -> Result:
    """`mkdocs build --strict` of one project in a child process, measured."""
    site = project / "site"
    shutil.rmtree(site, ignore_errors=True)
    command, env = mkdocs_build(project / CONFIG, site)
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=log)
        sampler = TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
        log.seek(0)
        output = log.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{label} build failed:\n{output}")
    files = [path for path in site.rglob("*") if path.is_file()]
    html_sizes = [path.stat().st_size for path in files if path.suffix == ".html"]
    indexed = PAGEFIND_LOG.search(output)
    return Result(
        label=label,
        n=n,
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_mib=sampler.peak_kib / 1024,
        site_mib=sum(path.stat().st_size for path in files) / 2**20,
        html_pages=len(html_sizes),
        largest_html_kb=max(html_sizes, default=0) / 1000,
        index_seconds=float(indexed.group(1)) if indexed else None,
    )


def run(
    repo: Path,
    work: Path,
    n: int,
    *,
    labels: Sequence[str] = ("bare", "full"),
    repeat: int = 1,
    max_load: float = 0,
) -> dict[str, Result]:
    """Best-of-`repeat` (by wall time) results per label, the builds alternating."""
    projects = {label: PROJECTS[label](repo, _fresh(work / f"{label}-{n}"), n) for label in labels}
    runs: dict[str, list[Result]] = {label: [] for label in labels}
    for _ in range(repeat):
        for label, project in projects.items():
            wait_for_quiet(max_load)
            runs[label].append(build(project, label, n))
    return {label: min(results, key=lambda r: r.seconds) for label, results in runs.items()}


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def report(results: Sequence[Result]) -> str:
    """The table of every build, then the ratios issue #7 asks for."""
    lines = [
        f"{'N':>6} {'build':<5} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9} {'site MiB':>9}"
        f" {'HTML pages':>11} {'largest HTML KB':>16} {'waited for Pagefind s':>22}"
    ]
    for r in results:
        index = f"{r.index_seconds:.1f}" if r.index_seconds is not None else "-"
        lines.append(
            f"{r.n:>6} {r.label:<5} {r.seconds:>7.1f} {r.cpu_seconds:>7.1f}"
            f" {r.peak_mib:>9.0f} {r.site_mib:>9.1f} {r.html_pages:>11}"
            f" {r.largest_html_kb:>16.0f} {index:>22}"
        )
    return "\n".join(lines + ratios(results))


def ratios(results: Sequence[Result]) -> list[str]:
    by = {(r.label, r.n): r for r in results}
    lines = []
    for n in sorted({r.n for r in results}):
        full, bare, blog = by.get(("full", n)), by.get(("bare", n)), by.get(("blog", n))
        if full and bare:
            lines.append(
                f"N={n}: full/bare {full.seconds / bare.seconds:.2f}x wall,"
                f" {full.cpu_seconds / bare.cpu_seconds:.2f}x CPU"
            )
        if full and blog:
            lines.append(f"N={n}: blog/full {blog.seconds / full.seconds:.1f}x (full is faster)")
        if full and full.largest_html_kb > PAGE_LIMIT_KB:
            lines.append(f"N={n}: AN HTML PAGE IS OVER {PAGE_LIMIT_KB} KB")
    sizes = sorted(n for label, n in by if label == "full")
    if len(sizes) >= 2:
        small, large = by["full", sizes[0]], by["full", sizes[-1]]
        lines.append(
            f"full t({large.n})/t({small.n}) = {large.seconds / small.seconds:.1f}"
            f" for {large.n / small.n:.0f}x the articles"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsdesk.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--n", type=int, action="append", help="synthetic articles; repeatable (1000, 10000)"
    )
    parser.add_argument("--blog-at", type=int, default=BLOG_AT, help="N for the blog plugin")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each, best kept")
    parser.add_argument("--max-load", type=float, default=MAX_LOAD, help="0: never wait")
    parser.add_argument("--no-search", action="store_true", help="skip the Chromium search")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="where mkdocs.yml is")
    parser.add_argument("--keep", type=Path, help="build here and keep the projects")
    args = parser.parse_args(argv)
    sizes = sorted(args.n or SIZES)
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as scratch:
        work = (args.keep or Path(scratch)).resolve()
        results: list[Result] = []
        for n in sizes:
            labels = ("bare", "full", "blog") if n == args.blog_at else ("bare", "full")
            found = run(
                args.repo.resolve(),
                work,
                n,
                labels=labels,
                repeat=args.repeat,
                max_load=args.max_load,
            )
            results += found.values()
            print(report(results), file=sys.stderr)
        print(f"mkdocs build --strict, best wall time of {args.repeat} run(s) each")
        print(report(results))
        if not args.no_search:
            from newsdesk import bench_search  # Playwright is a test dependency

            site = work / f"full-{sizes[-1]}" / "site"
            print(bench_search.report(bench_search.measure(site), sizes[-1]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
