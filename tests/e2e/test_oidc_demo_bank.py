"""Issue 20.6: the demo relying party (Sakura Bank, ``mynumber_demo_bank``) in Chromium.

The bank is an outside service built only on Authlib's Starlette client: it applies through
the provider's API, the card centre approves it through the API, and a person opens an account
by reading their card — discovery, authorize, card and PINs, consent, the callback, the ID
token validated by Authlib against the JWKS, userinfo's basic four on the bank's page. Then the
refusals a person can cause in the browser: declining, and a locked PIN. The refusals a
service's own mistakes cause (another redirect URI, a replayed code, a wrong PKCE verifier, an
expired code) and a revoked certificate are tested over HTTP in
``tests/integration/test_oidc.py``.

The provider runs on a clock of its own: simulated while the card is made (a month passes),
then the wall clock, because a real client library checks the ID token's ``iat``/``exp``
against the real time."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest

from mynumber.domain.clock import JST, SimulatedClock
from mynumber_demo_bank import apply, create_app, new_key
from tests.e2e.conftest import (
    Makings,
    Server,
    _chromium_or_skip,
    _free_port,
    running_server,
    shoot,
)
from tests.integration.card_support import PINS, Issued, issued_card

pytestmark = pytest.mark.browser


class CatchingUpClock(SimulatedClock):
    """Simulated until ``to_wall_clock``, then the real time (never earlier than before)."""

    def __init__(self, start: dt.datetime) -> None:
        super().__init__(start)
        self.wall = False

    def to_wall_clock(self) -> None:
        self.set(dt.datetime.now(JST))
        self.wall = True

    def now(self) -> dt.datetime:
        return max(self._now, dt.datetime.now(JST)) if self.wall else self._now

    def today(self) -> dt.date:
        return self.now().astimezone(JST).date()


@dataclass
class World:
    provider: Server
    bank_url: str
    holder: Issued
    to_lock: Issued


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, makings: Makings) -> Iterator[World]:
    _chromium_or_skip()
    clock = CatchingUpClock(dt.datetime.now(JST) - dt.timedelta(days=70))
    data = tmp_path_factory.mktemp("oidc-demo")
    with running_server(data, makings, clock) as provider:
        holder = issued_card(provider.system)
        to_lock = issued_card(
            provider.system, name="Brown Alice", residence_card_number="EF87654321GH"
        )
        clock.to_wall_clock()
        port = _free_port()
        redirect_uri = f"http://127.0.0.1:{port}/callback"
        key = new_key()
        client_id = apply(provider.base_url, redirect_uri, key)  # as the bank would
        approved = httpx2.post(
            f"{provider.base_url}/oidc/clients/{client_id}/review",
            json={"decision": "approve"},
            headers={"Authorization": f"Bearer {provider.tokens['J-LIS card centre']}"},
        )
        assert approved.status_code == 200, approved.text
        app = create_app(
            provider=provider.base_url, client_id=client_id, key=key, redirect_uri=redirect_uri
        )
        with _serving(app, port):
            yield World(provider, f"http://127.0.0.1:{port}", holder, to_lock)


class _serving:
    """The bank's site under uvicorn in a thread, like the provider's."""

    def __init__(self, app: Any, port: int) -> None:
        import uvicorn

        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                pytest.fail("the bank's site did not start")
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def _read_card(page: Any, world: World, who: Issued, pin: str = PINS.user_authentication) -> None:
    page.locator("#card_serial").fill(who.serial)
    page.locator("#user_authentication_pin").fill(pin)
    page.get_by_role("button", name="Read my card").click()


def _to_the_provider(page: Any, world: World) -> None:
    page.goto(world.bank_url + "/")
    page.locator("#verify").click()
    page.wait_for_url(f"{world.provider.base_url}/oidc/authorize?**")
    assert "Sakura Bank" in page.content()


def test_a_customer_opens_an_account_with_the_card(page: Any, world: World) -> None:
    _to_the_provider(page, world)
    _read_card(page, world, world.holder)
    page.get_by_label("Signature PIN", exact=False).fill(PINS.signature)
    assert page.get_by_role("button", name="Agree and continue").is_visible()
    shoot(page, "oidc-consent")
    page.get_by_role("button", name="Agree and continue").click()
    page.wait_for_url(f"{world.bank_url}/callback?**")
    assert "Your identity is verified" in page.locator("h1").inner_text()
    assert page.locator("#birthdate").inner_text() == "1995-04-12"
    assert page.locator("#name").inner_text() not in ("", "—")
    assert page.locator("#address").inner_text() not in ("", "—")
    assert page.locator("#gender").inner_text() in ("male", "female")
    assert "urn:mynumber:jpki:card" in page.locator("#outcome").inner_text()
    shoot(page, "oidc-demo-bank-verified")


def test_declining_sends_access_denied_to_the_bank(page: Any, world: World) -> None:
    _to_the_provider(page, world)
    _read_card(page, world, world.holder)
    page.get_by_role("button", name="Decline").click()
    page.wait_for_url(f"{world.bank_url}/callback?**")
    assert "error=access_denied" in page.url and "code=" not in page.url
    assert "You declined" in page.locator("#outcome").inner_text()
    assert page.locator("#name").count() == 0


def test_a_locked_pin_is_refused_and_the_person_returns_to_the_bank(
    page: Any, world: World
) -> None:
    _to_the_provider(page, world)
    for _ in range(3):
        _read_card(page, world, world.to_lock, pin="0000")
    _read_card(page, world, world.to_lock)  # the right PIN no longer helps
    assert "lock" in page.locator("#user_authentication_pin-error").inner_text().lower()
    assert page.get_by_role("button", name="Agree and continue").count() == 0
    shoot(page, "oidc-locked-pin")
    page.get_by_role("button", name="Cancel and return to Sakura Bank").click()
    page.wait_for_url(f"{world.bank_url}/callback?**")
    assert "error=access_denied" in page.url
    assert page.locator("#name").count() == 0
