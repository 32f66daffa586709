"""The API docs work with no internet and under the Content Security Policy: Swagger UI and
ReDoc render from the server's own files, no request leaves 127.0.0.1, and the browser reports
no policy violation (pages too)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser
Offline = tuple[list[str], list[str]]


@pytest.fixture
def offline(page: Any, server: Server) -> Iterator[Offline]:
    """Block every request that is not to the server; gives (blocked URLs, CSP reports). The
    console listener goes with the test (the page is kept for the next)."""
    blocked: list[str] = []
    violations: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(server.base_url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    def console(m: Any) -> None:
        if "Content Security Policy" in m.text:
            violations.append(m.text)

    page.route("**/*", route)
    page.on("console", console)
    yield blocked, violations
    page.remove_listener("console", console)
    page.unroute("**/*", route)


def test_swagger_ui_renders_offline_under_the_policy(page: Any, offline: Offline) -> None:
    blocked, violations = offline
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "mynumber" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock", timeout=20_000)  # the operations, from /openapi.json
    assert page.locator(".btn.authorize").count() == 1
    assert blocked == [] and violations == []


def test_redoc_renders_offline_under_the_policy(page: Any, offline: Offline) -> None:
    blocked, violations = offline
    page.goto("/redoc")
    page.wait_for_selector("h1", timeout=20_000)
    assert "mynumber" in page.inner_text("h1")
    assert blocked == []
    # The bundle's "powered by" footer points at its maker's logo: the policy blocks it (no
    # request leaves), and that is the only thing it blocks.
    assert all("logo-mini.svg" in v and "img-src" in v for v in violations), violations


@pytest.mark.parametrize("path", ["/", "/guide", "/login", "/apply"])
def test_pages_break_no_policy(page: Any, offline: Offline, path: str) -> None:
    blocked, violations = offline
    page.goto(path)
    page.wait_for_load_state("load")
    assert blocked == [] and violations == []
