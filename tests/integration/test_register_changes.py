"""Who is registered, what a change of the register does to the card — both databases.

Issue 17: a temporary visitor is not registered (17.1); a limited status needs the end of
its stay (17.2); the signature certificate lapses when the register changes (17.3); a
Japanese national's card continues abroad (17.8); a late 転出届 is recorded (17.10).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from sqlalchemy import func, select

from mynumber.adapters.db.models import Person, Registration
from mynumber.adapters.db.models_card import Card
from mynumber.bootstrap import System
from mynumber.card import KeySlot
from mynumber.domain.access import Role
from mynumber.domain.errors import InvalidInput
from mynumber.domain.tax_return import TaxReturn, build_tax_return_xml
from mynumber.pki.errors import CertificateRevoked
from mynumber.services.flows import moving
from mynumber.services.jpki.certificates import answer_ocsp_request
from mynumber.services.registry import ward_office
from mynumber.services.tax import tax_office
from mynumber.services.tax.tax_office import sign_tax_return
from tests.conftest import caller, ward
from tests.integration.certificates_support import (
    SIGNATURE_PIN,
    TestCard,
    make_card,
    read_certificate,
    with_card_store,
)
from tests.integration.helpers import foreign_form, register

SHIBUYA = "131130"
JAPANESE: dict[str, Any] = dict(
    nationality="JP",
    residence_card_number=None,
    status_of_residence=None,
    period_of_stay_ends=None,
    id_documents=["driving_licence"],
)


def _persons(system: System) -> int:
    with system.reading() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Person)) or 0)


def _today(system: System) -> dt.date:
    return system.services.clock.today()


# --- 17.1 / 17.2: who is registered --------------------------------------------------------


@pytest.mark.sqlite_only  # a domain rule, refused before anything is written
@pytest.mark.parametrize(
    ("status", "days", "field"),
    [
        ("Temporary Visitor", 60, "status_of_residence"),
        ("短期滞在", 90, "status_of_residence"),
        ("Diplomat", 3 * 365, "status_of_residence"),
        ("Designated Activities", 80, "period_of_stay_ends"),
        ("Student", 91, "period_of_stay_ends"),  # 3 months counted from the arrival day
    ],
)
def test_a_temporary_stay_is_refused_with_the_reason_and_nothing_is_written(
    system: System, status: str, days: int, field: str
) -> None:
    start = _today(system) - dt.timedelta(days=1)
    before = _persons(system)
    with pytest.raises(InvalidInput) as caught:
        register(
            system,
            status_of_residence=status,
            started_living_on=start,
            period_of_stay_ends=start + dt.timedelta(days=days),
        )
    error = caught.value
    assert (error.details["field"], error.details["reason"]) == (field, "not_registrable")
    assert "My Number" in error.message_en and "マイナンバー" in error.message_ja
    assert _persons(system) == before


def test_a_stay_of_more_than_three_months_is_registered(system: System) -> None:
    start = dt.date(2026, 3, 31)  # 3 months counted from 31 March end on 30 June
    result = register(
        system,
        status_of_residence="Designated Activities",
        started_living_on=start,
        period_of_stay_ends=dt.date(2026, 7, 1),
    )
    assert result.letter_id is not None and not result.returning


def test_a_limited_status_without_the_end_of_stay_is_refused(system: System) -> None:
    with pytest.raises(InvalidInput) as caught:
        register(system, status_of_residence="Engineer/Specialist", period_of_stay_ends=None)
    assert caught.value.details["field"] == "period_of_stay_ends"
    assert _persons(system) == 0
    for unlimited in ("Permanent Resident", "永住者", "Highly Skilled Professional (ii)"):
        register(
            system,
            name_latin=f"Lee {unlimited[:3]}",
            status_of_residence=unlimited,
            period_of_stay_ends=None,
        )


def test_a_resident_moving_from_another_city_is_registered_whatever_is_left_of_the_stay(
    system: System,
) -> None:
    # Judged a mid- to long-term resident when first registered; 40 days left says nothing
    # about the period granted (policy, domain.registration).
    first = register(
        system,
        started_living_on=_today(system) - dt.timedelta(days=700),
        period_of_stay_ends=_today(system) + dt.timedelta(days=40),
    )
    with system.uow() as uow:
        moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(),
            person_id=first.person_id,
            destination=SHIBUYA,
            planned_move_on=_today(system),
        )
        uow.commit()
    form = foreign_form(
        system,
        started_living_on=_today(system),
        period_of_stay_ends=_today(system) + dt.timedelta(days=40),
    )
    with system.uow() as uow:
        again = moving.register_moving_in(
            uow.session, system.services, caller=ward(SHIBUYA), municipality_code=SHIBUYA, form=form
        )
        uow.commit()
    assert again.returning and again.person_id == first.person_id


# --- 17.10: the late 転出届 ----------------------------------------------------------------


def _move_out(
    system: System, person_id: int, *, destination: str = SHIBUYA, moved_on: dt.date
) -> Registration:
    with system.uow() as uow:
        reg = moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(),
            person_id=person_id,
            destination=destination,
            planned_move_on=moved_on,
        )
        uow.commit()
        return reg


def _registration(system: System, person_id: int) -> Registration:
    with system.reading() as uow:
        return uow.session.scalars(
            select(Registration)
            .where(Registration.person_id == person_id)
            .order_by(Registration.id.desc())
        ).one()


@pytest.mark.parametrize(
    ("destination", "days_ago", "late"),
    [
        (SHIBUYA, -7, False),  # filed before moving: the norm
        (SHIBUYA, 14, False),  # 2026-03-18 + 14 = 1 April, today
        (SHIBUYA, 15, True),
        ("abroad", 0, False),  # on the day of leaving
        ("abroad", 1, True),  # after leaving
    ],
)
def test_a_late_moving_out_is_accepted_and_recorded_as_late(
    system: System, destination: str, days_ago: int, late: bool
) -> None:
    person = register(system)
    moved_on = _today(system) - dt.timedelta(days=days_ago)
    _move_out(system, person.person_id, destination=destination, moved_on=moved_on)
    reg = _registration(system, person.person_id)
    assert (reg.status, reg.moving_out_filed_on, reg.moving_out_late) == (
        "moved_out",
        _today(system),
        late,
    )
    assert reg.late is False  # the moving-in's own flag is untouched


# --- 17.3 / 17.8: the signature certificate when the register changes ---------------------


@pytest.fixture
def pki(system: System, sqlite_template: Path, tmp_path: Path) -> Iterator[System]:
    yield from with_card_store(system, sqlite_template, tmp_path)


def _ocsp_status(system: System, card: TestCard, slot: KeySlot) -> ocsp.OCSPCertStatus:
    leaf = read_certificate(card, slot)
    issuer = system.services.ca.issuing_certificate
    request = ocsp.OCSPRequestBuilder().add_certificate(leaf, issuer, hashes.SHA256()).build()
    with system.reading() as uow:
        der = answer_ocsp_request(uow.session, system.services, request.public_bytes(Encoding.DER))
    return ocsp.load_der_ocsp_response(der).certificate_status


def _file_return(system: System, card: TestCard) -> None:
    now = system.services.clock.now()
    form = TaxReturn(
        tax_year=now.year - 1,
        name="SMITH JOHN",
        address="1-1 Chiyoda, Chiyoda-ku, Tokyo",
        income={"salary": 5_400_000},
        deductions=1_230_000,
        tax_withheld=123_400,
    )
    signed = sign_tax_return(
        card.chip, signature_pin=SIGNATURE_PIN, xml=build_tax_return_xml(form, signed_at=now)
    )
    with system.uow() as uow:
        tax_office.submit_tax_return(
            uow.session, system.services, caller=caller(Role.TAX_OFFICE), signed_xml=signed
        )
        uow.commit()


def _card_status(system: System, serial: str) -> str:
    with system.reading() as uow:
        return uow.session.scalars(select(Card.status).where(Card.serial == serial)).one()


def test_a_moving_within_revokes_the_signature_certificate_at_once(pki: System) -> None:
    card = make_card(pki)
    assert _ocsp_status(pki, card, KeySlot.SIGNATURE) is ocsp.OCSPCertStatus.GOOD
    with pki.uow() as uow:
        ward_office.register_moving_within(
            uow.session,
            pki.services,
            caller=ward(),
            person_id=card.person_id,
            new_address="3-3 Kanda, Chiyoda-ku, Tokyo",
            moved_on=_today(pki),
        )
        uow.commit()
    pki.services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert _ocsp_status(pki, card, KeySlot.SIGNATURE) is ocsp.OCSPCertStatus.REVOKED
    assert _ocsp_status(pki, card, KeySlot.USER_AUTH) is ocsp.OCSPCertStatus.GOOD
    with pytest.raises(CertificateRevoked):
        _file_return(pki, card)


def test_a_moving_out_in_japan_revokes_the_signature_certificate_at_once(pki: System) -> None:
    card = make_card(pki)
    _move_out(pki, card.person_id, moved_on=_today(pki))
    pki.services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert _ocsp_status(pki, card, KeySlot.SIGNATURE) is ocsp.OCSPCertStatus.REVOKED
    assert _ocsp_status(pki, card, KeySlot.USER_AUTH) is ocsp.OCSPCertStatus.GOOD
    assert _card_status(pki, card.serial) == "active"
    with pytest.raises(CertificateRevoked):
        _file_return(pki, card)


def test_a_japanese_nationals_card_continues_abroad_without_its_signature_certificate(
    pki: System,
) -> None:
    card = make_card(pki, **JAPANESE)
    _move_out(pki, card.person_id, destination="abroad", moved_on=_today(pki))
    pki.services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert _card_status(pki, card.serial) == "active"
    assert _ocsp_status(pki, card, KeySlot.SIGNATURE) is ocsp.OCSPCertStatus.REVOKED
    assert _ocsp_status(pki, card, KeySlot.USER_AUTH) is ocsp.OCSPCertStatus.GOOD
    pki.services.chips.load(card.serial)  # the chip is not erased


def test_a_foreign_residents_card_is_still_returned_on_leaving(pki: System) -> None:
    card = make_card(pki)
    _move_out(pki, card.person_id, destination="abroad", moved_on=_today(pki))
    assert _card_status(pki, card.serial) == "invalid"
