"""Every page a browser can reach, checked with axe-core (zero serious or critical
violations) and at a phone's 375 px width (nothing wider than the screen but what scrolls
inside its own box, the guide's timeline). Issue 18.5.

axe-core is not written here: its ``axe.min.js`` comes from the ``axe-playwright-python``
wheel (PyPI; a dev dependency installed by ``make``), run in each page as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from mynumber.domain.access import Role
from mynumber.services.core import tokens
from tests.e2e.conftest import KeptTab, Server, logged_in, shoot
from tests.integration.helpers import register

pytestmark = pytest.mark.browser

PLAN = (
    "/guide?arrived_on=2026-04-01&municipality=Osaka+City&date_of_birth=1985-05-05"
    "&status_of_residence=Engineer%2FSpecialist&period_of_stay_ends=2029-03-31"
    "&child_born_1=2015-06-01&child_born_2=2025-11-20"
)
PUBLIC = {
    "home": "/",
    "guide": "/guide",
    "guide-plan": PLAN,
    "guide-plan-ja": PLAN + "&lang=ja",
    "guide-empty": "/guide?arrived_on=&municipality=&date_of_birth=",
    "privacy": "/privacy",
    "login": "/login",
    "apply": "/apply",
    "portal-login": "/portal/login",
}
STAFF = {
    Role.WARD_OFFICE: ("/staff/ward-office", "/staff/ward-office/moving-in", "/staff/card-counter"),
    Role.CARD_CENTRE: ("/staff/card-centre",),
    Role.CLINIC: ("/staff/clinic", "/staff/clinic/letter"),
    Role.KIOSK: ("/staff/kiosk",),
    Role.IMMIGRATION: ("/staff/immigration", "/staff/immigration?action=renewal"),
}
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module", autouse=True)
def axe_in_every_page(tab: KeptTab) -> Iterator[None]:
    """axe-core in every document the shared tab opens while this module runs: an init
    script, given to Chromium once, which evaluates it as each document starts (before the
    page's own scripts; the Content Security Policy, which allows only the pages' own scripts,
    does not apply to it). Sent with each page instead (``add_script_tag``, 0.5 MB through
    Playwright's driver, which needed a context of its own that bypassed the policy) it cost
    ~0.06 s more of CPU a page, and that context ~0.5 s to start."""
    source = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
    with tab.context.add_init_script(source):
        yield


def axe_problems(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (every rule runs;
    only the passes' and the incomplete checks' nodes, which nothing reads, are not listed).
    axe is in the page from its start (the tab's init script)."""
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def wider_than_the_screen(page: Any) -> list[str]:
    """Elements that stick out past the right edge of a 375 px screen (a box that scrolls
    on its own, like the timeline's, holds its content and is not counted)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            let p = el.parentElement, clipped = false;
            while (p) {
              const s = getComputedStyle(p);
              if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) { clipped = true; break; }
              p = p.parentElement;
            }
            if (clipped) continue;
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > width + 1) out.push(el.tagName + '.' + el.className);
          }
          return out.slice(0, 5);
        }"""
    )


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_pages_have_no_serious_accessibility_problems(page: Any, name: str) -> None:
    page.goto(PUBLIC[name])
    assert axe_problems(page) == []


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_pages_fit_a_375_px_phone(page: Any, name: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(PUBLIC[name])
    assert wider_than_the_screen(page) == []
    assert axe_problems(page) == []  # what scrolls there is reachable by keyboard
    if name == "guide-plan":
        shoot(page, "guide-375")


def _token(server: Server, role: Role) -> str:
    with server.system.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            server.system.services,
            organisation=f"Accessibility {role.value}",
            role=role,
            municipality_code="131016" if role is Role.WARD_OFFICE else None,
        )
        uow.commit()
    return token


@pytest.mark.parametrize("role", list(STAFF))
def test_staff_pages_have_no_serious_accessibility_problems_and_fit_a_phone(
    page: Any, server: Server, role: Role
) -> None:
    """Each page at the desktop size, then the same page narrowed to a phone's width. The
    pages have no script of their own, so narrowing relays them out by the same CSS (media
    queries included) that loading them at 375 px would apply; loading each twice cost a
    navigation and axe's start per page (~0.3 s of CPU). The first page is the one the
    login lands on, at the desktop size: it is not loaded again (the login itself is
    tested in ``test_pages``; here it is sent by HTTP, ``logged_in``)."""
    paths = STAFF[role]
    logged_in(page, server.system, _token(server, role), paths[0])
    for path in paths:
        page.set_viewport_size({"width": 1200, "height": 900})
        if page.url != server.base_url + path:  # the first: the login has just landed there
            page.goto(path)
        assert axe_problems(page) == [], path
        assert f"Accessibility {role.value}" in page.locator(".brand-sub").inner_text()
        page.set_viewport_size({"width": 375, "height": 800})
        assert page.evaluate("() => document.documentElement.clientWidth") <= 375, path
        assert wider_than_the_screen(page) == [], path
        assert axe_problems(page) == [], path


def test_a_residents_record_page_has_no_serious_accessibility_problems(
    page: Any, server: Server
) -> None:
    from tests.conftest import ref

    person = register(
        server.system, name_latin="Axe Tester", date_of_birth=dt.date(1990, 3, 3)
    ).person_id
    logged_in(
        page, server.system, server.ward_token, f"/staff/ward-office/residents/{ref('per', person)}"
    )
    assert axe_problems(page) == []
