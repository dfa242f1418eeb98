"""The GitHub side: workflows, pre-commit hooks, pull-request and issue templates.

actionlint and zizmor (both installed into .venv by the `test` extra) must find nothing in
.github/workflows/; zizmor runs offline, so its online audits (impostor commits, known-vulnerable
actions, stale refs) are not run here and the pinned commits were checked by hand instead.
On top of them, the project's own rules for a workflow are asserted on the YAML.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / ".github"
WORKFLOW_DIR = GITHUB / "workflows"
WORKFLOWS = sorted([*WORKFLOW_DIR.glob("*.yml"), *WORKFLOW_DIR.glob("*.yaml")])
# The venv's bin/, where pip put the actionlint and zizmor entry points (not resolved: the
# interpreter is a symlink out of the venv).
VENV_BIN = Path(sys.executable).parent

SHA = re.compile(r"[0-9a-f]{40}")
VERSION_COMMENT = re.compile(r"v\d+\.\d+\.\d+")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)\s*(?:#\s*(?P<comment>.*))?$")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
# Contexts an outsider controls (titles, branch names, bodies) or a dispatcher types in.
UNTRUSTED = re.compile(r"\bgithub\s*\.\s*(event|head_ref)\b|\binputs\s*\.")
# Write access is granted only for these scopes, and only to deployment jobs.
WRITE_SCOPES = {"pages", "id-token"}


# --- helpers ---------------------------------------------------------------------------------


def tool(name: str) -> Path:
    path = VENV_BIN / name
    if not path.is_file():
        pytest.fail(f"{name} is not installed in {VENV_BIN}: run `make install` (test extra)")
    return path


def run(args: list[str | Path], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    # No token in the environment: nothing here may reach the GitHub API.
    env = {k: v for k, v in os.environ.items() if "TOKEN" not in k.upper()}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), f"{path.name}: not a mapping"
    if True in doc:  # YAML 1.1 reads the key `on` as a boolean
        doc["on"] = doc.pop(True)
    return doc


def jobs(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return doc.get("jobs") or {}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job.get("steps") or []


def all_steps(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in jobs(doc).items():
        for step in steps(job):
            yield job_id, step


def triggers(doc: dict[str, Any]) -> dict[str, Any]:
    on = doc["on"]
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    return on


def uses_of(doc: dict[str, Any]) -> list[str]:
    found = [step["uses"] for _, step in all_steps(doc) if "uses" in step]
    found += [job["uses"] for job in jobs(doc).values() if "uses" in job]  # reusable workflows
    return found


def step_named(doc: dict[str, Any], job_id: str, needle: str) -> int:
    """Index of the first step of the job whose `uses` or `run` contains needle."""
    for index, step in enumerate(steps(jobs(doc)[job_id])):
        if needle in str(step.get("uses", "")) or needle in str(step.get("run", "")):
            return index
    raise AssertionError(f"job {job_id}: no step with {needle!r}")


def test_there_are_workflows() -> None:
    assert {p.name for p in WORKFLOWS} >= {"pr.yml", "deploy.yml"}


# --- the linters -----------------------------------------------------------------------------


def test_actionlint_finds_nothing() -> None:
    # shellcheck and pyflakes are optional add-ons that would make the result depend on the
    # machine; actionlint's own checks (syntax, expressions, types, injection) always run.
    result = run([tool("actionlint"), "-no-color", "-shellcheck=", "-pyflakes=", *WORKFLOWS])
    assert result.returncode == 0, result.stdout + result.stderr


def zizmor(*inputs: Path, cwd: Path = ROOT) -> tuple[int, list[dict[str, Any]], str]:
    result = run(
        [
            tool("zizmor"),
            "--offline",  # CI reaches package registries only
            "--no-config",  # the rules are these, not a config file's
            "--persona=pedantic",  # report code smells as well
            "--format=json",
            "--no-progress",
            *inputs,
        ],
        cwd=cwd,
    )
    try:
        findings = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        pytest.fail(f"zizmor printed no JSON (exit {result.returncode}):\n{result.stderr}")
    return result.returncode, findings, result.stderr


def where(location: dict[str, Any]) -> str:
    path = location["symbolic"]["key"].get("Local", {}).get("verbatim_path", "?")
    return f"{path}:{location['concrete']['location']['start_point']['row'] + 1}"


def test_zizmor_finds_nothing() -> None:
    code, findings, stderr = zizmor(*WORKFLOWS)
    summary = "\n".join(
        f"{where(loc)}: {f['ident']}: {f['desc']} ({loc['symbolic']['annotation']})"
        for f in findings
        for loc in f["locations"][:1]
    )
    assert findings == [], summary
    assert code == 0, stderr


def test_the_linters_do_catch_a_bad_workflow(tmp_path: Path) -> None:
    """Guards against a green run that checked nothing (wrong path, tool that collects nothing)."""
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(
        "on: pull_request_target\n"
        "jobs:\n"
        "  greet:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n',
        encoding="utf-8",
    )
    lint = run([tool("actionlint"), "-no-color", "-shellcheck=", "-pyflakes=", bad], cwd=tmp_path)
    assert lint.returncode != 0
    assert "github.event.pull_request.title" in lint.stdout
    code, findings, _ = zizmor(bad.parent, cwd=tmp_path)
    assert code != 0
    idents = {f["ident"] for f in findings}
    assert {"template-injection", "unpinned-uses", "artipacked"} <= idents, idents


# --- the project's own rules -----------------------------------------------------------------


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    lines = [
        m for line in path.read_text(encoding="utf-8").splitlines() if (m := USES_LINE.match(line))
    ]
    # Every `uses` of the document is on a line of its own (none hides in a flow mapping).
    assert len(lines) == len(uses_of(load(path)))
    for match in lines:
        ref, comment = match["ref"], (match["comment"] or "").strip()
        if ref.startswith("./"):
            continue  # an action of this repository: pinned by the checkout itself
        if ref.startswith("docker://"):
            assert re.search(r"@sha256:[0-9a-f]{64}$", ref), f"{ref}: pin the image digest"
            continue
        action, _, pin = ref.partition("@")
        assert SHA.fullmatch(pin), f"{ref}: pin {action} to a full 40-hex commit SHA"
        assert VERSION_COMMENT.fullmatch(comment), f"{ref}: add the release as `# vX.Y.Z`"


def test_an_action_has_one_pin_across_workflows() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if (m := USES_LINE.match(line)) and "@" in m["ref"]:
                action, _, pin = m["ref"].partition("@")
                pins.setdefault(action, set()).add(f"{pin} # {(m['comment'] or '').strip()}")
    mixed = {action: refs for action, refs in pins.items() if len(refs) > 1}
    assert not mixed, f"update every workflow together: {mixed}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_least_privilege(path: Path) -> None:
    doc = load(path)
    top = doc.get("permissions")
    assert isinstance(top, dict), "set top-level `permissions: {}` (or read-only scopes)"
    assert set(top.values()) <= {"read", "none"}, f"top-level permissions grant writes: {top}"
    for job_id, job in jobs(doc).items():
        granted = job.get("permissions")
        assert isinstance(granted, dict), f"job {job_id}: list its permissions explicitly"
        writes = {scope for scope, level in granted.items() if level == "write"}
        assert writes <= WRITE_SCOPES, f"job {job_id}: write access to {writes - WRITE_SCOPES}"
        if writes:
            # A privileged job deploys what an unprivileged job built: it runs no code of the
            # repository and no shell of its own, only pinned official actions.
            assert "environment" in job, f"job {job_id}: write access outside an environment"
            for step in steps(job):
                assert "run" not in step, f"job {job_id}: no `run` in a job that can write"
                assert not str(step.get("uses", "")).startswith("actions/checkout@")
                assert str(step.get("uses", "")).startswith("actions/")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_does_not_persist_credentials(path: Path) -> None:
    checkouts = [
        (job_id, step)
        for job_id, step in all_steps(load(path))
        if str(step.get("uses", "")).startswith("actions/checkout@")
    ]
    for job_id, step in checkouts:
        assert (step.get("with") or {}).get("persist-credentials") is False, (
            f"job {job_id}: set `persist-credentials: false` on checkout"
        )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_untrusted_expression_is_interpolated_into_a_script(path: Path) -> None:
    for job_id, step in all_steps(load(path)):
        for expression in EXPRESSION.findall(str(step.get("run", ""))):
            assert not UNTRUSTED.search(expression), (
                f"job {job_id}: `${{{{{expression}}}}}` in `run:`; pass it through `env:`"
            )


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_privileged_trigger_and_every_job_is_bounded(path: Path) -> None:
    doc = load(path)
    assert not set(triggers(doc)) & {"pull_request_target", "workflow_run"}, (
        "these triggers run with the base repository's secrets on outsiders' code"
    )
    for job_id, job in jobs(doc).items():
        assert isinstance(job.get("timeout-minutes"), int), f"job {job_id}: set timeout-minutes"
        container = job.get("container")
        image = container.get("image") if isinstance(container, dict) else container
        if image:
            name, _, tag = str(image).partition(":")
            assert tag and tag != "latest", f"job {job_id}: give {name} a release tag or digest"


# --- what each workflow does -----------------------------------------------------------------


def test_pull_request_workflow_checks_tests_builds_and_uploads_a_preview() -> None:
    doc = load(WORKFLOW_DIR / "pr.yml")
    assert "pull_request" in triggers(doc)
    assert doc["concurrency"]["cancel-in-progress"] is True
    [job_id] = jobs(doc)
    job = jobs(doc)[job_id]
    assert job["permissions"] == {"contents": "read"}
    # Debian, like the project's machines: Python 3.11 and a real `chromium` package.
    assert job["container"]["image"].startswith("debian:")
    install = steps(job)[step_named(doc, job_id, "apt-get install")]["run"]
    assert "chromium" in install and "python3-venv" in install
    order = [
        step_named(doc, job_id, "actions/checkout@"),
        step_named(doc, job_id, "make install"),
        step_named(doc, job_id, "newsdesk check --format github"),
        step_named(doc, job_id, "make test"),
        step_named(doc, job_id, "make site"),
        step_named(doc, job_id, "actions/upload-artifact@"),
    ]
    assert order == sorted(order)
    upload = steps(job)[order[-1]]["with"]
    assert upload["path"].rstrip("/") == "site"
    assert upload["if-no-files-found"] == "error"


def test_deploy_workflow_publishes_main_to_pages() -> None:
    doc = load(WORKFLOW_DIR / "deploy.yml")
    assert triggers(doc)["push"]["branches"] == ["main"]
    assert doc["concurrency"]["group"] and doc["concurrency"]["cancel-in-progress"] is False
    build, deploy = jobs(doc)["build"], jobs(doc)["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    make_site = step_named(doc, "build", "make site")
    upload = step_named(doc, "build", "actions/upload-pages-artifact@")
    assert make_site < upload
    assert steps(build)[upload]["with"]["path"].rstrip("/") == "site"
    step_named(doc, "deploy", "actions/deploy-pages@")


# --- pre-commit and the templates ------------------------------------------------------------


def test_pre_commit_hooks_are_local_and_check_changed_articles() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]  # nothing to download
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    check = hooks["newsdesk-check"]
    assert check["entry"].endswith("newsdesk check")
    assert check.get("pass_filenames", True)
    files = re.compile(check["files"])
    assert files.search("docs/articles/2026/02/ford-and-xiaomi.md")
    assert not files.search("docs/_originals/000_05778124aee28a80.txt")
    assert not files.search("docs/about.md")
    assert re.search(hooks["newsdesk-check-archive"]["files"], "docs/_data/vocabulary.yml")
    assert {"ruff-check", "ruff-format"} <= set(hooks)
    for hook in hooks.values():
        assert hook["language"] == "system"
        executable = hook["entry"].split()[0]
        assert executable.startswith(".venv/bin/"), executable
        assert (ROOT / executable).name in {"newsdesk", "ruff"}


def test_pull_request_template_has_the_checklist() -> None:
    text = (GITHUB / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    items = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(items) >= 6
    for needle in ("docs/_originals/", "newsdesk check", "make site", "vocabulary.yml"):
        assert any(needle in item for item in items), needle
    assert any("source" in item and "URL" in item for item in items)
    assert any("raw HTML" in item for item in items)


def test_issue_form_asks_for_what_an_editor_needs() -> None:
    form = yaml.safe_load(
        (GITHUB / "ISSUE_TEMPLATE" / "suggest-article.yml").read_text(encoding="utf-8")
    )
    assert form["name"] and form["description"]
    fields = {item["id"]: item for item in form["body"] if "id" in item}
    assert set(fields) == {"title", "url", "source", "date", "tags", "why"}
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    for required in ("title", "source", "date", "why"):
        assert fields[required]["validations"]["required"] is True
    for field in fields.values():
        assert field["type"] in {"input", "textarea"} and field["attributes"]["label"]
