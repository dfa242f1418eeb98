"""Sites built once per session and shared by tests/ and tests/browser/: the XSS archive and
the sites with awkward or hostile metadata (static checks and Chromium read the same pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from metadata_sites import HOSTILE, TRICKY, MetadataSite, build_invalid_site, build_metadata_site
from xss_archive import XssArchive, build_archive
from xss_cases import dompurify_payloads, own_payloads


@pytest.fixture(scope="session")
def xss_archive(tmp_path_factory: pytest.TempPathFactory) -> XssArchive:
    """Every payload through both channels, one build: the static checks and the browser
    test read the same pages, and the build (the slow part) runs once."""
    payloads = [*dompurify_payloads(), *own_payloads()]
    return build_archive(tmp_path_factory.mktemp("xss"), payloads)


@pytest.fixture(scope="session")
def tricky_site(tmp_path_factory: pytest.TempPathFactory) -> MetadataSite:
    return build_metadata_site(tmp_path_factory.mktemp("tricky"), TRICKY)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> MetadataSite:
    return build_metadata_site(tmp_path_factory.mktemp("hostile"), HOSTILE, markup_check=False)


@pytest.fixture(scope="session")
def invalid_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_invalid_site(tmp_path_factory.mktemp("invalid"))
