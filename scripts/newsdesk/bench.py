"""Build-cost benchmark: our full site against bare MkDocs + Material, in one run.

    python -m newsdesk.bench [--n 1000] [--repeat 1] [--keep DIR]

Both projects hold the same N synthetic articles. "bare" is our mkdocs.yml without
hooks, templates and extra CSS, with a one-page nav: the floor MkDocs + Material cannot
go below (same theme, Markdown extensions and search). "full" is our mkdocs.yml with
every listing page, feed and hook. Each build runs in its own process so wall time and
peak RSS (os.wait4's rusage) are that build's alone; runs alternate to share any drift.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from newsdesk import synthetic

CONFIG = "mkdocs.yml"
THEME_PARTS = ("hooks", "overrides")


@dataclass(frozen=True)
class Result:
    label: str
    seconds: float
    cpu_seconds: float  # user + system: steadier than wall time on a busy machine
    peak_rss_mib: float
    site_mib: float
    html_pages: int


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


def bare_project(repo: Path, dest: Path, n: int, seed: int = 1) -> Path:
    """The same articles under our config minus hooks, templates, CSS and listing pages."""
    config = yaml.safe_load((repo / CONFIG).read_text(encoding="utf-8"))
    for key in ("hooks", "extra_css"):
        config.pop(key, None)
    config["theme"].pop("custom_dir", None)
    config["nav"] = [{"Home": "index.md"}]
    (dest / CONFIG).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    docs = dest / _docs_dir(repo)
    synthetic.write(docs, n, seed)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    return dest


def _docs_dir(repo: Path) -> str:
    config = yaml.safe_load((repo / CONFIG).read_text(encoding="utf-8"))
    return config.get("docs_dir", "docs")


def mkdocs_build(config: Path, site: Path) -> tuple[list[str], dict[str, str]]:
    """Command and environment of a strict build (also used by the tests).

    Never add --quiet: it raises MkDocs' log level above WARNING, so strict mode no
    longer sees (or fails on) warnings.
    """
    command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    command += ["--config-file", str(config), "--site-dir", str(site)]
    return command, {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(project: Path, label: str) -> Result:
    """`mkdocs build --strict` of one project in a child process, measured."""
    site = project / "site"
    shutil.rmtree(site, ignore_errors=True)
    command, env = mkdocs_build(project / CONFIG, site)
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=project, env=env, stdout=errors, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            errors.seek(0)
            raise SystemExit(f"{label} build failed:\n{errors.read().decode(errors='replace')}")
    files = [path for path in site.rglob("*") if path.is_file()]
    return Result(
        label=label,
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mib=usage.ru_maxrss / 1024,  # KiB on Linux
        site_mib=sum(path.stat().st_size for path in files) / 2**20,
        html_pages=sum(path.suffix == ".html" for path in files),
    )


def run(repo: Path, work: Path, n: int, repeat: int = 1) -> tuple[Result, Result]:
    """Best-of-`repeat` results for (bare, full), built alternately."""
    bare = bare_project(repo, _fresh(work / "bare"), n)
    full = full_project(repo, _fresh(work / "full"), n)
    runs = [(build(bare, "bare"), build(full, "full")) for _ in range(repeat)]
    return (
        min((r[0] for r in runs), key=lambda r: r.seconds),
        min((r[1] for r in runs), key=lambda r: r.seconds),
    )


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def report(bare: Result, full: Result, n: int) -> str:
    lines = [
        f"{n} synthetic articles, mkdocs build --strict, best of the runs",
        f"{'build':<6} {'wall s':>7} {'CPU s':>7} {'peak RSS MiB':>13} {'site MiB':>9}"
        f" {'HTML pages':>11}",
    ]
    for result in (bare, full):
        lines.append(
            f"{result.label:<6} {result.seconds:>7.2f} {result.cpu_seconds:>7.2f}"
            f" {result.peak_rss_mib:>13.0f} {result.site_mib:>9.1f} {result.html_pages:>11}"
        )
    lines.append(
        f"ratio full/bare: {full.seconds / bare.seconds:.2f}x wall time,"
        f" {full.cpu_seconds / bare.cpu_seconds:.2f}x CPU time"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsdesk.bench", description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="synthetic articles (1000)")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each, best kept")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="where mkdocs.yml is")
    parser.add_argument("--keep", type=Path, help="build here and keep the projects")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as scratch:
        work = args.keep or Path(scratch)
        bare, full = run(args.repo.resolve(), work, args.n, args.repeat)
    print(report(bare, full, args.n))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
