"""Builders shared by the insurance and clinic tests (no tests here).

Cards are made directly (``Chip.manufacture`` + a ``Card`` row + ``issue_card_certificates``)
with a real chip photo (``chip_photo(sample_photo_jpeg())``, the astronaut) so that face
recognition runs for real. The chips live in a ``MemoryChipStore``: they stand for the
residents' pockets, apart from the authority's database.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any

import cv2
import numpy as np
from skimage import data as samples
from sqlalchemy import select

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card
from mynumber.adapters.photo import chip_photo, sample_photo_jpeg
from mynumber.bootstrap import System
from mynumber.card import BasicFourItems, CardFile, Chip, ChipData, MemoryChipStore
from mynumber.domain.access import Role
from mynumber.domain.insurance import (
    Consent,
    EligibilityAnswer,
    IncomeClass,
    InsuredNumbers,
    InsurerKind,
)
from mynumber.domain.terminal import consent_message
from mynumber.domain.validity import card_expiry
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller
from mynumber.services.insurance import clinic, insurer
from mynumber.services.jpki.certificates import issue_card_certificates
from mynumber.services.registry.numbers import open_number
from tests.integration.helpers import register

AUTH_PIN = "1234"
ADDRESS = "1-1 Chiyoda, Chiyoda-ku, Tokyo"
NHI_NUMBER = "131011"  # 千代田区 国民健康保険 (check digit 1)
ASSOCIATION_NUMBER = "06139992"  # an employer association in Tokyo (check digit 2)
LATE_ELDERLY_NUMBER = "39131008"  # Tokyo's late-stage elderly union (check digit 8)
CLINIC_CODE = "1310112345"


@dataclass(frozen=True)
class World:
    """The insurers and the clinic of a test, with their callers."""

    __test__ = False
    nhi: Caller
    association: Caller
    clinic: Caller
    nhi_id: int
    association_id: int
    clinic_id: int


@dataclass(frozen=True)
class Patient:
    """A registered person with a collected card (and maybe an enrolment)."""

    person_id: int
    serial: str
    chip: Chip
    enrolment_id: int | None


def setup_world(system: System) -> World:
    """Chiyoda's National Health Insurance, an employer association and a clinic."""
    system.services.chips = MemoryChipStore()
    svc = system.services
    with system.uow() as uow:
        nhi = insurer.create_insurer(
            uow.session,
            svc,
            kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
            insurer_number=NHI_NUMBER,
            name_ja="千代田区国民健康保険",
            name_en="Chiyoda City National Health Insurance",
            municipality_code="131016",
        )
        association = insurer.create_insurer(
            uow.session,
            svc,
            kind=InsurerKind.EMPLOYER,
            insurer_number=ASSOCIATION_NUMBER,
            name_ja="例示健康保険組合",
            name_en="Example Health Insurance Association",
        )
        place = clinic.create_clinic(uow.session, svc, code=CLINIC_CODE, name="Kanda Clinic")
        uow.commit()
        ids = nhi.id, association.id, place.id
    return World(
        nhi=Caller(name="Chiyoda NHI", role=Role.INSURER, scope_id=ids[0]),
        association=Caller(name="Example association", role=Role.INSURER, scope_id=ids[1]),
        clinic=Caller(name="Kanda Clinic", role=Role.CLINIC, scope_id=ids[2]),
        nhi_id=ids[0],
        association_id=ids[1],
        clinic_id=ids[2],
    )


@cache
def astronaut_chip_photo() -> bytes:
    return chip_photo(sample_photo_jpeg())


def jpeg(bgr: np.ndarray) -> bytes:
    return bytes(cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes())


@cache
def astronaut_camera() -> bytes:
    """The holder in front of the terminal's camera (the whole astronaut frame)."""
    return jpeg(cv2.cvtColor(samples.astronaut(), cv2.COLOR_RGB2BGR))


@cache
def stranger_camera() -> bytes:
    """Someone else in front of the camera: an LFW face, enlarged, with room around it."""
    face = (samples.lfw_subset()[17] * 255).astype(np.uint8)
    big = cv2.resize(face, (150, 150), interpolation=cv2.INTER_CUBIC)
    return jpeg(cv2.copyMakeBorder(big, 75, 75, 75, 75, cv2.BORDER_REPLICATE))


@cache
def empty_camera() -> bytes:
    """No face at all (a cup of coffee)."""
    return jpeg(cv2.cvtColor(samples.coffee(), cv2.COLOR_RGB2BGR))


def make_card(
    system: System,
    *,
    status: str = "active",
    insurance_use: bool = True,
    pins: bool = True,
    **person: Any,
) -> Patient:
    """Register a person and give them a collected card with a real chip photo."""
    name = person.pop("name_latin", f"Patient {uuid.uuid4().hex[:6]}")
    person_id = register(system, name_latin=name, address=ADDRESS, **person).person_id
    svc = system.services
    serial = uuid.uuid4().hex[:16].upper()
    today = svc.clock.today()
    with system.uow() as uow:
        row = uow.session.get(Person, person_id)
        assert row is not None
        data = ChipData(
            open_number(svc, row),
            BasicFourItems(row.name_latin, ADDRESS, row.date_of_birth, row.sex),
            photo=astronaut_chip_photo(),
        )
        chip, _ = Chip.manufacture(
            svc.chips,
            card_id=serial,
            data=data,
            key_source=svc.key_source,
            chip_key=svc.keys.chip_key,
        )
        card = Card(
            serial=serial,
            person_id=person_id,
            status=status,
            municipality_code="131016",
            chip_address=ADDRESS,
            manufactured_at=svc.clock.now(),
            issued_on=today,
            expires_on=card_expiry(date_of_birth=row.date_of_birth, issued_on=today),
            insurance_use=insurance_use,
        )
        uow.session.add(card)
        uow.session.flush()
        issue_card_certificates(
            uow.session, svc, card=card, chip=chip, person=row, address=ADDRESS, on=today
        )
        uow.commit()
    if pins:
        chip.set_initial_pins(
            user_authentication=AUTH_PIN,
            resident_registry="5678",
            card_info_input="9012",
            signature="TARO2026",
        )
    return Patient(person_id, serial, chip, None)


def enrol(
    system: System,
    who: Caller,
    person_id: int,
    *,
    number: str | None = None,
    income_class: IncomeClass = IncomeClass.GENERAL,
    branch: str = "01",
    valid_from: dt.date | None = None,
    certain_income: bool = False,
) -> int:
    """Enrol a person with ``who``'s insurer; the enrolment's id."""
    with system.uow() as uow:
        row = insurer.enrol(
            uow.session,
            system.services,
            caller=who,
            person_id=person_id,
            numbers=InsuredNumbers("1234", number or uuid.uuid4().hex[:8], branch),
            income_class=income_class,
            certain_income=certain_income,
            valid_from=valid_from or system.services.clock.today() - dt.timedelta(days=30),
        )
        uow.commit()
        return row.id


def insured_patient(system: System, world: World, **card: Any) -> Patient:
    """A card holder insured by Chiyoda's National Health Insurance."""
    patient = make_card(system, **card)
    enrolment_id = enrol(system, world.nhi, patient.person_id)
    return Patient(patient.person_id, patient.serial, patient.chip, enrolment_id)


@dataclass(frozen=True)
class Insured:
    """``insured_world``'s result as plain data, as a snapshot keeps it (``snapshots.py``): no
    ``Chip``, which is bound to the store it was made over; ``patient`` makes the holder's
    over the test's own store."""

    world: World
    person_id: int
    serial: str
    enrolment_id: int

    def patient(self, system: System) -> Patient:
        chip = Chip(system.services.chips, self.serial, chip_key=system.services.keys.chip_key)
        return Patient(self.person_id, self.serial, chip, self.enrolment_id)


def insured_world(system: System, **card: Any) -> Insured:
    """``setup_world`` and an ``insured_patient`` in it (``card``: the person's details)."""
    world = setup_world(system)
    patient = insured_patient(system, world, **card)
    assert patient.enrolment_id is not None
    return Insured(world, patient.person_id, patient.serial, patient.enrolment_id)


def set_card(system: System, serial: str, **values: Any) -> None:
    """Change the authority's record of a card as the card services would."""
    with system.uow() as uow:
        card = uow.session.scalars(select(Card).where(Card.serial == serial)).one()
        for key, value in values.items():
            setattr(card, key, value)
        uow.commit()


def certificate_of(patient: Patient) -> bytes:
    """The user-authentication certificate, as the terminal reads it (no PIN)."""
    with patient.chip.open_session() as session:
        return session.read(CardFile.AUTH_CERT)


def chip_photo_of(patient: Patient) -> bytes:
    """The face photo on the chip, as the terminal reads it (no PIN)."""
    with patient.chip.open_session() as session:
        return session.read(CardFile.PHOTO)


def token_for(system: System, who: Caller) -> dict[str, str]:
    """An API token bound to ``who``'s role and scope, as an Authorization header."""
    with system.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            system.services,
            organisation=who.name,
            role=who.role,
            scope_id=who.scope_id,
            municipality_code=who.municipality_code,
        )
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def visit_reference(system: System, visit_id: int) -> str:
    """The visit's opaque reference, as the terminal knows the visit."""
    from mynumber.services.core.refs import Kind, References

    return References.from_keys(system.services.keys).reference(Kind.VISIT, visit_id)


def sign_consent(
    system: System,
    patient: Patient,
    nonce: bytes,
    visit_id: int,
    consent: Consent,
    *,
    pin: str = AUTH_PIN,
) -> clinic.SignedConsent:
    """The patient's choice at the terminal: the card signs ``consent_message`` (nonce, visit,
    choice) with its authentication key after its PIN, as it signs a nonce."""
    message = consent_message(nonce, visit_reference(system, visit_id), consent)
    answer = clinic.answer_at_terminal(patient.chip, pin=pin, nonce=message)
    return clinic.SignedConsent(nonce, answer.certificate_der, answer.signature)


def consent_at_terminal(
    system: System, who: Caller, patient: Patient, visit_id: int, consent: Consent
) -> EligibilityAnswer:
    """The whole consent step: a fresh nonce, the card signs the choice, the server records it."""
    with system.uow() as uow:
        nonce = clinic.new_challenge(uow.session, system.services, caller=who).nonce
        uow.commit()
    signed = sign_consent(system, patient, nonce, visit_id, consent)
    with system.uow() as uow:
        answer = clinic.give_consent(
            uow.session,
            system.services,
            caller=who,
            visit_id=visit_id,
            consent=consent,
            signed=signed,
        )
        uow.commit()
    return answer
