"""Builders shared by the card-lifecycle tests (no tests here; the ``cards`` fixture is in
``conftest.py``).

``cards`` is the ``system`` fixture (SQLite and PostgreSQL) with, on SQLite, the card store
in a database file of its own: SQLite has one writer at a time and every transaction begins
IMMEDIATE, so a chip write on its own connection would wait behind the unit of work. The
chips stand for the residents' pockets, so a separate file is also the faithful model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.bootstrap import System
from mynumber.card import Chip
from mynumber.domain.access import Role
from mynumber.domain.cards import Channel, IdentityShown
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.photo_rules import PhotoDeclaration
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards.centre import JobReport
from mynumber.services.cards.counter import InitialPins
from mynumber.services.core.context import Caller
from tests.conftest import caller, ward
from tests.integration.helpers import register

DECLARED = PhotoDeclaration(taken_within_six_months=True, no_headwear=True, plain_background=True)
PINS = InitialPins(
    user_authentication="4826",
    resident_registry="5937",
    card_info_input="7148",
    signature="TARO2026",
)
BORN = dt.date(1995, 4, 12)
RESIDENCE_CARD = "AB12345678CD"
DOCS = (IdDocument.RESIDENCE_CARD, IdDocument.NOTIFICATION_LETTER)
KIOSK = Caller(name="kiosk #1", role=Role.KIOSK)


def photo() -> bytes:
    """A compliant application photo (scikit-image's astronaut, cropped)."""
    return sample_photo_jpeg()


def clock(system: System) -> SimulatedClock:
    found = system.services.clock
    assert isinstance(found, SimulatedClock)
    return found


def resident(person_id: int) -> Caller:
    return caller(Role.RESIDENT, scope_id=person_id)


def identity(
    name: str = "Smith John", born: dt.date = BORN, card: str | None = RESIDENCE_CARD
) -> IdentityShown:
    return IdentityShown(name_latin=name, date_of_birth=born, residence_card_number=card)


def apply_online(
    system: System,
    application_id: str | None,
    person_id: int,
    channel: Channel = Channel.SMARTPHONE,
    **kw: Any,
) -> card_applications.ApplicationView:
    with system.uow() as uow:
        view = card_applications.apply_for_card(
            uow.session,
            system.services,
            caller=resident(person_id),
            channel=channel,
            photo=kw.pop("photo", photo()),
            declaration=kw.pop("declaration", DECLARED),
            application_id=application_id,
            **kw,
        )
        uow.commit()
    return view


def apply_at_counter(
    system: System, person_id: int, municipality: str = "131016", **kw: Any
) -> card_applications.ApplicationView:
    if kw.get("express_reason") is not None:
        kw.setdefault("pins", PINS)  # a mailed card's PINs are chosen when applying
    with system.uow() as uow:
        view = card_applications.apply_for_card(
            uow.session,
            system.services,
            caller=ward(municipality),
            channel=Channel.COUNTER,
            photo=kw.pop("photo", photo()),
            declaration=kw.pop("declaration", DECLARED),
            person_id=person_id,
            **kw,
        )
        uow.commit()
    return view


def run_jobs(system: System) -> JobReport:
    with system.uow() as uow:
        report = card_centre.run_daily_jobs(uow.session, system.services)
        uow.commit()
    return report


def pass_days(system: System, days: int) -> JobReport:
    """Let ``days`` pass and run the daily jobs."""
    clock(system).advance(days=days)
    return run_jobs(system)


def collect(
    system: System,
    application_id: str,
    *,
    pins: InitialPins = PINS,
    who: IdentityShown | None = None,
    docs: tuple[IdDocument, ...] = DOCS,
    municipality: str = "131016",
    **kw: Any,
) -> card_counter.Collection:
    with system.uow() as uow:
        done = card_counter.collect_card(
            uow.session,
            system.services,
            caller=ward(municipality),
            application_id=application_id,
            identity=who or identity(),
            id_documents=docs,
            pins=pins,
            **kw,
        )
        uow.commit()
    return done


@dataclass(frozen=True)
class Issued:
    """A collected card: its holder, serial and application ID."""

    person_id: int
    serial: str
    application_id: str


def issued_card(
    system: System,
    *,
    name: str = "Smith John",
    born: dt.date = BORN,
    pins: InitialPins = PINS,
    **person: Any,
) -> Issued:
    """Register a person, apply at the counter, let the card be made, collect it."""
    registered = register(system, name_latin=name, date_of_birth=born, **person)
    view = apply_at_counter(system, registered.person_id)
    pass_days(system, 32)
    card = person.get("residence_card_number", RESIDENCE_CARD)
    docs = (
        DOCS
        if person.get("nationality", "US") != "JP"
        else (IdDocument.DRIVING_LICENCE, IdDocument.NOTIFICATION_LETTER)
    )
    done = collect(
        system,
        view.application_id,
        pins=pins,
        who=identity(name, born, card if person.get("nationality", "US") != "JP" else None),
        docs=docs,
    )
    return Issued(registered.person_id, done.card_serial, view.application_id)


def application_row(system: System, application_id: str) -> CardApplication:
    with system.uow() as uow:
        row = uow.session.scalars(
            select(CardApplication).where(CardApplication.application_form_id == application_id)
        ).one()
        uow.session.expunge(row)
    return row


def card_row(system: System, serial: str) -> Card:
    with system.uow() as uow:
        return uow.session.scalars(select(Card).where(Card.serial == serial)).one()


def chip(system: System, serial: str) -> Chip:
    return Chip(system.services.chips, serial, chip_key=system.services.keys.chip_key)
