"""Browser tests: the real server (uvicorn in a thread, SQLite in a tmp dir) driven by
Debian's chromium through Playwright. Skipped when chromium is missing, except in CI.

Screenshots are taken only when ``MYNUMBER_SCREENSHOTS`` names a folder: ``make
screenshots`` sets it to ``docs/screenshots`` to refresh the docs' pictures with the same
tests. No test compares them, and a full-page one costs Chromium 0.1-0.6 s of CPU (~50 a
run): a plain run takes none, and never writes a tracked file.

Under pytest-xdist (``--dist loadscope``) all the browser tests are one unit of work
(``tests/work_units.py``): one worker runs them in a row, in order, with one server (a free
port, its own temporary folder) and one chromium for the run."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from mynumber.adapters.mail import PostOffice
from mynumber.bootstrap import System, build_system
from mynumber.card.keys import KeySource
from mynumber.config import Settings
from mynumber.demo.data import seed_demo_tokens, seed_municipalities
from mynumber.domain.clock import JST, SimulatedClock
from mynumber.web.session import COOKIE
from tests.staff_login import (
    cheap_passwords,  # noqa: F401  (autouse: cheap Argon2 in tests)
    clerk_for,
    csrf_of,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS_ENV = "MYNUMBER_SCREENSHOTS"
"""Where ``shoot`` writes, when set (``make screenshots``: docs/screenshots)."""
TODAY = dt.datetime(2026, 4, 1, 9, 0, tzinfo=JST)
MASTER_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"


def _chromium_or_skip() -> None:
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing and CI=true")
    pytest.skip("chromium is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    base_url: str
    system: System
    ward_token: str
    tokens: dict[str, str] = field(default_factory=dict)
    """Every seeded organisation's API token, by organisation."""


@dataclass(frozen=True)
class Makings:
    """What a test server starts from, made once per worker by the suite's fixtures."""

    database: Path
    """The migrated SQLite (``sqlite_template``), copied as the register and the chips' store:
    migrating both took ~5 s of wall (the SQLite files' syncs, 0.6 s of CPU) a server."""
    ca: Path
    """The card centre's CA (``ca_template``), copied into the server's data folder: making
    one (its two RSA keys) took ~0.2 s of CPU a server, three servers a run."""
    keys: KeySource
    """The cards' key pairs (``key_source``, the suite's pool of real RSA-2048 keys, as the
    integration tests' cards get them): generating them took ~0.04 s of CPU a key, two a
    card, and the demo world, the journey and the OpenID bank make cards."""


@pytest.fixture(scope="session")
def makings(sqlite_template: Path, ca_template: Path, key_source: KeySource) -> Makings:
    return Makings(sqlite_template, ca_template, key_source)


@contextmanager
def running_server(
    data: Path, makings: Makings, clock: SimulatedClock | None = None
) -> Iterator[Server]:
    """The whole app on a free 127.0.0.1 port, its own SQLite database under ``data``, on a
    simulated clock (at 2026-04-01 unless ``clock`` is given); stopped on exit. It starts
    from copies of ``makings``."""
    import uvicorn

    from mynumber.api.app import create_app

    shutil.copy(makings.database, data / "mynumber.sqlite3")
    shutil.copy(makings.database, data / "mynumber-chips.sqlite3")
    shutil.copytree(makings.ca, data / "var" / "ca")
    port = _free_port()
    settings = Settings(
        database_url=f"sqlite:///{data / 'mynumber.sqlite3'}",
        data_dir=data / "var",
        master_key=MASTER_KEY,
        public_base_url=f"http://127.0.0.1:{port}",
    )
    system = build_system(
        settings, clock=clock or SimulatedClock(TODAY), post=PostOffice(), key_source=makings.keys
    )
    with system.uow() as uow:
        seed_municipalities(uow.session)
        tokens = seed_demo_tokens(uow.session, system.services)
        uow.commit()
    ward = next(t.token for t in tokens if t.organisation == "Chiyoda City ward office")
    config = uvicorn.Config(create_app(system), host="127.0.0.1", port=port, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    try:
        yield Server(
            f"http://127.0.0.1:{port}", system, ward, {t.organisation: t.token for t in tokens}
        )
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        system.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, makings: Makings) -> Iterator[Server]:
    """The shared server of the browser tests."""
    _chromium_or_skip()
    with running_server(tmp_path_factory.mktemp("e2e"), makings) as running:
        yield running


@pytest.fixture(scope="package")
def browser(server: Server) -> Iterator[object]:
    """Chromium, for the browser tests' package only: Playwright's sync API marks an event
    loop running in this thread while it lives, and any later test that calls
    ``asyncio.run`` on the same worker failed (the check lane's tests once did)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


DESKTOP = {"width": 1200, "height": 900}


class KeptTab:
    """One browser context and its page, kept for many tests and wiped before each.

    A new context and page start a renderer process: ~0.5-0.7 s of Chromium's CPU, as much as
    an ordinary browser test's own steps. Before each test the tab is put back to what a new
    context gives: no cookies, no permissions, an empty HTTP cache and storage for every
    origin it has been to, no routes, the desktop size. The last test's document stays
    shown until the next test's first navigation (every test starts with one): sending the
    page to ``about:blank`` first cost a navigation, ~0.05 s of CPU, 57 times a run. A test
    that failed leaves its page behind: the next gets a new one. Listeners a test adds on the page
    (``page.on``) it removes itself (``test_docs_offline``)."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.page: Any = None
        self.cdp: Any = None
        self.origins: set[str] = set()

    def fresh(self) -> Any:
        if self.page is None or self.page.is_closed():
            self.page = self.context.new_page()
            self.cdp = self.context.new_cdp_session(self.page)
            self.page.on("framenavigated", self._note_origin)
        else:
            self.page.unroute_all(behavior="ignoreErrors")
        self.context.clear_cookies()
        self.context.clear_permissions()
        self.cdp.send("Network.clearBrowserCache")
        for origin in self.origins:
            self.cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        self.origins.clear()
        if self.page.viewport_size != DESKTOP:
            self.page.set_viewport_size(DESKTOP)
        return self.page

    def _note_origin(self, frame: Any) -> None:
        scheme, _, rest = frame.url.partition("://")
        if scheme in ("http", "https"):
            self.origins.add(f"{scheme}://{rest.split('/', 1)[0]}")

    def drop(self) -> None:
        if self.page is not None and not self.page.is_closed():
            self.page.close()
        self.page = None

    def close(self) -> None:
        self.context.close()


@contextmanager
def kept_tab(browser: Any, **options: Any) -> Iterator[KeptTab]:
    """A kept tab: a new context at the desktop size, with ``options``."""
    tab = KeptTab(browser.new_context(viewport=DESKTOP, **options))
    try:
        yield tab
    finally:
        tab.close()


def fresh_page(request: pytest.FixtureRequest, tab: KeptTab) -> Iterator[Any]:
    """The kept tab wiped for this test; dropped after the test if it failed."""
    failed_before = request.session.testsfailed
    yield tab.fresh()
    if request.session.testsfailed != failed_before:
        tab.drop()


@pytest.fixture(scope="package")
def tab(browser: Any, server: Server) -> Iterator[KeptTab]:
    """The one kept tab of every browser test module on this worker (all but the journey,
    which runs on a server of its own): its wipe gives each test what a new context would,
    so a module needs no context of its own either. A tab a module started a renderer
    process eight times a run (~0.5 s of Chromium's CPU each)."""
    with kept_tab(browser, base_url=server.base_url, accept_downloads=True) as kept:
        yield kept


@pytest.fixture
def page(request: pytest.FixtureRequest, tab: KeptTab) -> Iterator[Any]:
    """A page as a new browser context gives it (no cookies) at a desktop size."""
    yield from fresh_page(request, tab)


def screenshot_folder() -> Path | None:
    """``$MYNUMBER_SCREENSHOTS`` (``make screenshots``: docs/screenshots), or None: none taken."""
    chosen = os.environ.get(SCREENSHOTS_ENV)
    return Path(chosen).resolve() if chosen else None


def log_in(page: object, system: System, token: str, landing: str) -> None:
    """Log in at /login as a new clerk of the organisation behind ``token`` (the one place
    the browser tests log staff in), landing on ``landing``: the role's home, or the page the
    test goes to next, as a person sent to the login from that page lands there
    (``/login?next=``). Landing on the role's home and going on from there loaded one page
    more (~0.2 s of CPU, ten times a run)."""
    form = clerk_for(system, token)
    page.goto(f"/login?next={quote(landing)}")  # type: ignore[attr-defined]
    page.get_by_label("Login", exact=True).fill(form["login"])  # type: ignore[attr-defined]
    page.get_by_label("Password", exact=True).fill(form["password"])  # type: ignore[attr-defined]
    page.get_by_role("button", name="Log in").click()  # type: ignore[attr-defined]
    page.wait_for_url(f"**{landing}")  # type: ignore[attr-defined]


def logged_in(
    page: object, system: System, token: str, landing: str, then: str | None = None
) -> Any:
    """Open ``landing`` as a new clerk of the organisation behind ``token``, for the tests
    that do not test the login itself: the login form is sent by plain HTTP (the same GET
    and POST a browser sends: the server checks the password, audits the login, makes the
    session and keeps its "Logged in as" message for the next page), its session cookie is
    given to the page's context, and the page opens ``landing``, the message on it. With
    ``then``, the HTTP client opens ``landing`` (the message shown there) and the page opens
    ``then``, as a clerk going on from the landing page sees it. Driving the form in the
    browser loaded the login page too and typed into it (~0.25 s of CPU a login, ~20 a run);
    the tests that do test it (a wrong password, the journeys) still use ``log_in``. Gives
    the response of the page's navigation."""
    import httpx2

    form = clerk_for(system, token)
    base = system.settings.public_base_url
    with httpx2.Client(base_url=base, timeout=60) as http:  # a loaded machine: not httpx's 5 s
        csrf = csrf_of(http.get("/login").text)
        answer = http.post("/login", data={**form, "next": landing, "csrf": csrf})
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == landing, answer.headers["location"]
        cookie = http.cookies[COOKIE]
        if then is not None:
            assert http.get(landing).status_code == 200
    page.context.add_cookies(  # type: ignore[attr-defined]
        [{"name": COOKIE, "value": cookie, "url": base, "httpOnly": True, "sameSite": "Strict"}]
    )
    return page.goto(landing if then is None else then)  # type: ignore[attr-defined]


def shoot(page: object, name: str, full_page: bool = True) -> None:
    """A screenshot (looked at by a person, not compared) in ``$MYNUMBER_SCREENSHOTS``:
    docs/screenshots/ under ``make screenshots``; nothing when it is not set."""
    folder = screenshot_folder()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)  # type: ignore[attr-defined]


def choose_language(page: object, name: str) -> None:
    """Pick a language from the header's language menu by its own name ("日本語",
    "English", "Tiếng Việt" …), as a person does: open the menu, click the language."""
    page.locator("details.lang-menu > summary").click()  # type: ignore[attr-defined]
    page.locator("details.lang-menu").get_by_role("link", name=name, exact=True).click()  # type: ignore[attr-defined]
