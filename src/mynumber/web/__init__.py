"""Server-rendered pages (Jinja2), in English and Japanese, on the same app as the API.

``mount_web(app)`` adds every page module's routes and navigation links, and the static
files. To add an actor's pages, write ``web/<actor>.py`` with a ``router`` (``APIRouter``
with ``route_class=WebRoute``) and a ``NAV`` tuple, templates under ``templates/<actor>/``
extending ``base.html``, and add the module to ``PAGES`` below (see ``docs/guide.md``).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from mynumber.web import (
    apply,
    auth,
    card_centre,
    card_counter,
    clinic,
    employer,
    immigration,
    kiosk,
    oidc,
    portal,
    public,
    ward_office,
)
from mynumber.web.core import HERE, environment

PAGES = (
    public,
    auth,
    ward_office,
    card_counter,
    card_centre,
    clinic,
    kiosk,
    employer,
    immigration,
    portal,
    apply,
    oidc,
)


def mount_web(app: FastAPI) -> None:
    """Add the pages, their navigation and ``/static`` to ``app``."""
    app.state.web_templates = environment()
    app.state.web_nav = [item for module in PAGES for item in module.NAV]
    for module in PAGES:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
