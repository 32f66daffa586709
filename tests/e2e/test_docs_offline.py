"""The API docs work with no internet and under the Content Security Policy: Swagger UI and
ReDoc render from the server's own files, no request leaves 127.0.0.1, and the browser reports
no policy violation (pages too)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser


def _offline(page: Any, server: Server) -> tuple[list[str], list[str]]:
    """Block every request that is not to the server; return (blocked URLs, CSP reports)."""
    blocked: list[str] = []
    violations: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith(server.base_url):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return blocked, violations


def test_swagger_ui_renders_offline_under_the_policy(page: Any, server: Server) -> None:
    blocked, violations = _offline(page, server)
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "mynumber" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock", timeout=20_000)  # the operations, from /openapi.json
    assert page.locator(".btn.authorize").count() == 1
    assert blocked == [] and violations == []


def test_redoc_renders_offline_under_the_policy(page: Any, server: Server) -> None:
    blocked, violations = _offline(page, server)
    page.goto("/redoc")
    page.wait_for_selector("h1", timeout=20_000)
    assert "mynumber" in page.inner_text("h1")
    assert blocked == []
    # The bundle's "powered by" footer points at its maker's logo: the policy blocks it (no
    # request leaves), and that is the only thing it blocks.
    assert all("logo-mini.svg" in v and "img-src" in v for v in violations), violations


@pytest.mark.parametrize("path", ["/", "/guide", "/login", "/apply"])
def test_pages_break_no_policy(page: Any, server: Server, path: str) -> None:
    blocked, violations = _offline(page, server)
    page.goto(path)
    page.wait_for_load_state("load")
    assert blocked == [] and violations == []
