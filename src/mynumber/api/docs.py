"""The API's documentation pages (Swagger UI at ``/docs``, ReDoc at ``/redoc``), served from
this machine: no CDN, since ``/docs`` is where staff paste their tokens.

The Swagger UI and ReDoc bundles come from the ``fastapi-offline`` package and are served
under ``/docs-assets``. FastAPI's page builders write Swagger UI's start-up as an inline
script: the page's Content Security Policy allows exactly that script by its SHA-256 hash
(no ``'unsafe-inline'`` for scripts). Both UIs set styles from script (ReDoc injects style
elements; Swagger UI sets style attributes), so the docs pages allow inline *styles*, and
ReDoc its search worker from a ``blob:`` URL.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
SWAGGER_JS = f"{ASSETS}/swagger-ui-bundle.js"
SWAGGER_CSS = f"{ASSETS}/swagger-ui.css"
REDOC_JS = f"{ASSETS}/redoc.standalone.js"
FAVICON = f"{ASSETS}/favicon.png"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def assets_dir() -> Path:
    """The folder of the bundled Swagger UI and ReDoc files (package data)."""
    return Path(str(files("fastapi_offline") / "static"))


def docs_policy(html: str) -> str:
    """The Content Security Policy of a docs page: its own inline scripts by hash only."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    return (
        "default-src 'self'; "
        f"script-src 'self'{' ' + hashes if hashes else ''}; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


class _Page:
    """A docs page built once, answered with its own policy."""

    def __init__(self, built: HTMLResponse) -> None:
        self.html = bytes(built.body).decode()
        self.policy = docs_policy(self.html)

    def answer(self) -> HTMLResponse:
        return HTMLResponse(self.html, headers={"Content-Security-Policy": self.policy})


def install(app: FastAPI) -> None:
    """Add ``/docs``, ``/redoc`` and their assets to an app built with ``docs_url=None`` and
    ``redoc_url=None``. The pages are built once: they depend on nothing but the app."""
    openapi_url = app.openapi_url or "/openapi.json"
    swagger = _Page(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} — API",
            swagger_js_url=SWAGGER_JS,
            swagger_css_url=SWAGGER_CSS,
            swagger_favicon_url=FAVICON,
            swagger_ui_parameters={"persistAuthorization": False},
        )
    )
    redoc = _Page(
        get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} — API",
            redoc_js_url=REDOC_JS,
            redoc_favicon_url=FAVICON,
            with_google_fonts=False,
        )
    )

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return swagger.answer()

    @app.get("/redoc", include_in_schema=False)
    def redoc_page() -> HTMLResponse:
        return redoc.answer()

    app.mount(ASSETS, StaticFiles(directory=assets_dir()), name="docs-assets")
