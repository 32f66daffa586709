"""The mixed stream a round sends: registrations, card applications, collections (some twice
at once, as a double-clicked counter would), PIN entries and clinic checks.

A few threads each take the next step at random from what the world allows (an application
needs a registered resident, a PIN entry a collected card) and record how every write ended in
the ``Ledger``. A clinic check is the card's own work first: the harness plays the resident's
card — it verifies the PIN on the chip and signs the terminal's nonce with the chip's key —
then the terminal sends the signature; a step the card could not do is no request.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import random
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
from sqlalchemy.exc import SQLAlchemyError

from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.bootstrap import System
from mynumber.card import CardFile, Chip, PinRef, digest_info
from mynumber.chaos.ledger import Kind, Ledger, Outcome
from mynumber.chaos.world import Applicant, Names, WaitingCard, moving_in_form
from mynumber.domain.errors import MyNumberError
from mynumber.domain.pins import trivial_pin_reason

TIMEOUT = httpx2.Timeout(15.0, connect=2.0)


@functools.cache
def tls() -> ssl.SSLContext:
    """One TLS context for every client of the run. The service is plain HTTP on loopback,
    but httpx makes a context (loading the CA bundle) for each new client unless given one:
    ~20 ms of CPU a client, and the health probes alone made one every 0.2 s of each start
    (a sixth of a chaos test's CPU, py-spy)."""
    return httpx2.create_ssl_context()


def http_client(**options: Any) -> httpx2.Client:
    """An ``httpx2.Client`` on the run's one TLS context (``tls``)."""
    return httpx2.Client(verify=tls(), **options)


@dataclass(frozen=True)
class Tokens:
    """The demo tokens the service accepts (dev mode)."""

    ward_office: str
    clinic: str


@dataclass(frozen=True)
class Collected:
    card: WaitingCard
    pin: str
    """The user-authentication PIN set at collection."""


@dataclass
class World:
    """What the traffic may act on; threads take from it and give back under one lock."""

    waiting: list[WaitingCard] = field(default_factory=list)
    registered: list[tuple[Applicant, str]] = field(default_factory=list)
    """Residents registered over HTTP who have not applied yet, with their person reference."""
    collected: list[Collected] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def take(self, pool: list[Any]) -> Any | None:
        with self.lock:
            return pool.pop(random.randrange(len(pool))) if pool else None

    def give(self, pool: list[Any], item: Any) -> None:
        with self.lock:
            pool.append(item)

    def pick(self, pool: list[Any]) -> Any | None:
        with self.lock:
            return random.choice(pool) if pool else None


class Traffic:
    """One round's stream against the service at ``base``, until ``stop`` is set."""

    def __init__(
        self,
        base: str,
        tokens: Tokens,
        world: World,
        ledger: Ledger,
        names: Names,
        system: System,
        *,
        threads: int = 4,
    ) -> None:
        self.base, self.tokens, self.world, self.ledger = base, tokens, world, ledger
        self.names, self.system, self.threads = names, system, threads
        self.stop = threading.Event()
        self._workers: list[threading.Thread] = []
        self._photo = base64.b64encode(sample_photo_jpeg()).decode()
        self.steps: list[tuple[int, Callable[[httpx2.Client], None]]] = [
            (3, self.register),
            (2, self.apply),
            (3, self.collect),
            (2, self.enter_pin),
            (3, self.clinic_check),
        ]

    # --- running ------------------------------------------------------------------------

    def start(self) -> None:
        self.stop.clear()
        self._workers = [
            threading.Thread(target=self._run, daemon=True, name=f"chaos-{i}")
            for i in range(self.threads)
        ]
        for worker in self._workers:
            worker.start()

    def join(self, timeout: float = 30.0) -> None:
        self.stop.set()
        for worker in self._workers:
            worker.join(timeout)

    def _run(self) -> None:
        weights = [w for w, _ in self.steps]
        with http_client(base_url=self.base, timeout=TIMEOUT) as client:
            while not self.stop.is_set():
                _, step = random.choices(self.steps, weights)[0]
                # A cut-off request is recorded by _send; the next step sees the service.
                with contextlib.suppress(httpx2.HTTPError, OSError):
                    step(client)
                if self.stop.wait(0.01):
                    return

    def _send(
        self,
        client: httpx2.Client,
        kind: Kind | None,
        key: str,
        method: str,
        path: str,
        token: str,
        body: dict[str, Any] | None = None,
    ) -> tuple[Outcome, httpx2.Response | None]:
        """One request; its outcome written in the ledger under ``kind`` and ``key``."""
        try:
            response = client.request(
                method, path, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx2.ConnectError:
            # Never reached the service (it is down): nothing to hold the database to.
            self.stop.wait(0.1)
            return Outcome.CUT, None
        except httpx2.HTTPError:
            if kind is not None:
                self.ledger.add(kind, key, None)
            return Outcome.CUT, None
        outcome = (
            self.ledger.add(kind, key, response.status_code)
            if kind is not None
            else Outcome.OK
            if response.is_success
            else Outcome.REFUSED
        )
        return outcome, response

    # --- the steps ------------------------------------------------------------------------

    def register(self, client: httpx2.Client) -> None:
        """転入届 of a new resident."""
        who = self.names.next("WALK")
        outcome, response = self._send(
            client,
            Kind.REGISTRATION,
            who.name,
            "POST",
            "/ward-office/residents",
            self.tokens.ward_office,
            moving_in_form(who, self.system.services.clock.today()),
        )
        if outcome is Outcome.OK and response is not None:
            self.world.give(self.world.registered, (who, response.json()["person_id"]))

    def apply(self, client: httpx2.Client) -> None:
        """A registered resident applies at the counter (once)."""
        taken = self.world.take(self.world.registered)
        if taken is None:
            return self.register(client)
        who, person = taken
        self._send(
            client,
            Kind.APPLICATION,
            who.name,
            "POST",
            "/cards/applications",
            self.tokens.ward_office,
            dict(
                channel="counter",
                photo_base64=self._photo,
                person_id=person,
                taken_within_six_months=True,
                no_headwear=True,
                plain_background=True,
            ),
        )
        return None

    def collect(self, client: httpx2.Client) -> None:
        """交付 of a waiting card; one time in five the counter sends it twice at once."""
        card = self.world.take(self.world.waiting)
        if card is None:
            return self.enter_pin(client)
        pin = _hard_pin(card.holder.date_of_birth)
        body = dict(
            name_latin=card.holder.name,
            date_of_birth=card.holder.date_of_birth.isoformat(),
            residence_card_number=card.holder.residence_card_number,
            id_documents=["residence_card", "notification_letter"],
            pickup_notice_shown=True,
            user_authentication_pin=pin,
            resident_registry_pin=pin,
            card_info_input_pin=pin,
            signature_pin=f"CHAOS{pin}",
        )
        path = f"/cards/applications/{card.application_id}/collect"
        outcomes: list[Outcome] = []

        def once() -> None:
            with http_client(base_url=self.base, timeout=TIMEOUT) as own:
                outcomes.append(
                    self._send(
                        own,
                        Kind.COLLECTION,
                        card.application_id,
                        "POST",
                        path,
                        self.tokens.ward_office,
                        body,
                    )[0]
                )

        if random.random() < 0.2:
            twins = [threading.Thread(target=once) for _ in range(2)]
            for twin in twins:
                twin.start()
            for twin in twins:
                twin.join()
        else:
            outcomes.append(
                self._send(
                    client,
                    Kind.COLLECTION,
                    card.application_id,
                    "POST",
                    path,
                    self.tokens.ward_office,
                    body,
                )[0]
            )
        if Outcome.OK in outcomes and outcomes.count(Outcome.OK) == 1:
            self.world.give(self.world.collected, Collected(card, pin))
        return None

    def enter_pin(self, client: httpx2.Client) -> None:
        """A PIN entered at the ward office's terminal; one in ten wrong."""
        held = self.world.pick(self.world.collected)
        if held is None:
            return None
        pin = held.pin if random.random() >= 0.1 else f"{(int(held.pin) + 1) % 10_000:04d}"
        self._send(
            client,
            Kind.PIN_ENTRY,
            held.card.serial,
            "POST",
            f"/cards/{held.card.serial}/use",
            self.tokens.ward_office,
            dict(pin_kind="user_authentication", pin=pin),
        )
        return None

    def clinic_check(self, client: httpx2.Client) -> None:
        """オンライン資格確認: the terminal's nonce, signed by the card after its PIN."""
        held = self.world.pick(self.world.collected)
        if held is None:
            return self.collect(client)
        outcome, response = self._send(
            client, None, "", "POST", "/clinic/challenges", self.tokens.clinic
        )
        if outcome is not Outcome.OK or response is None:
            return None
        nonce = base64.b64decode(response.json()["nonce"])
        signed = self.card_signs(held, nonce)
        if signed is None:
            return None
        certificate, signature = signed
        self._send(
            client,
            Kind.CLINIC_CHECK,
            held.card.serial,
            "POST",
            "/clinic/checks/pin",
            self.tokens.clinic,
            dict(
                nonce=base64.b64encode(nonce).decode(),
                certificate=base64.b64encode(certificate).decode(),
                signature=base64.b64encode(signature).decode(),
                register_insurance_use=True,
            ),
        )
        return None

    def card_signs(self, held: Collected, nonce: bytes) -> tuple[bytes, bytes] | None:
        """The card in the resident's hand: the PIN checked on the chip, the nonce signed;
        None when the card cannot (locked, or its store unreachable for a moment)."""
        svc = self.system.services
        try:
            with Chip(
                svc.chips, held.card.serial, chip_key=svc.keys.chip_key
            ).open_session() as reader:
                reader.verify(PinRef.USER_AUTHENTICATION, held.pin)
                return (
                    reader.read(CardFile.AUTH_CERT),
                    reader.sign_with_auth_key(digest_info(nonce)),
                )
        except (MyNumberError, SQLAlchemyError):  # locked, or its store out of reach a moment
            return None


def _hard_pin(born: dt.date) -> str:
    """Four random digits the counter accepts (not a run, a repeat or the birthday)."""
    while True:
        pin = f"{random.randrange(10_000):04d}"
        if trivial_pin_reason(pin, date_of_birth=born) is None:
            return pin
