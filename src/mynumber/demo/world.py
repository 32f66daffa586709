"""The demo world `make serve` starts with: every actor has something to try at once.

Chiyoda's National Health Insurance, an employer health insurance association and a clinic
(each with its own demo token and, in dev mode, a clerk with a demo password), the demo
residents, and one resident — Maria Garcia — who
has already walked the whole journey: applied at the counter, had her card made and
collected it, set her PINs, and enrolled in National Health Insurance. Her journey runs on a
simulated clock that starts in the past and ends today, through the same services the
counters use, so the records it leaves are the real ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card
from mynumber.adapters.db.models_employer import Employer
from mynumber.adapters.db.models_immigration import ImmigrationBureau
from mynumber.adapters.db.models_insurance import Clinic, Insurer
from mynumber.adapters.db.models_staff import Clerk
from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.bootstrap import System
from mynumber.demo.data import (
    IMMIGRATION_BUREAU,
    TOKYO_BUREAU_AREA,
    DemoToken,
    seed_demo_residents,
    seed_demo_tokens,
    seed_municipalities,
)
from mynumber.domain.access import Role
from mynumber.domain.cards import Channel, IdentityShown
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.employment_rules import StaffRole
from mynumber.domain.insurance import IncomeClass, InsuranceUseChannel, InsuredNumbers, InsurerKind
from mynumber.domain.photo_rules import PhotoDeclaration
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards.counter import InitialPins
from mynumber.services.core import staff, tokens
from mynumber.services.core.context import Caller, Services
from mynumber.services.employer import employers as employer
from mynumber.services.immigration import bureaus
from mynumber.services.insurance import clinic, insurer

DEMO_PINS = InitialPins(
    user_authentication="4826",
    resident_registry="5937",
    card_info_input="7148",
    signature="MARIA2026",
)
NHI_NUMBER = "131011"  # 千代田区 国民健康保険 (check digit 1)
ASSOCIATION_NUMBER = "06139992"
CLINIC_CODE = "1310112345"
CORPORATE_NUMBER = "9234567890123"
JOURNEY_DAYS = 60


@dataclass(frozen=True)
class DemoClerk:
    """A demo organisation's clerk (dev mode): the login and password `make serve` prints."""

    organisation: str
    role: Role
    login: str
    password: str


@dataclass(frozen=True)
class DemoWorld:
    tokens: list[DemoToken]
    card_serial: str | None
    person_name: str
    pins: InitialPins
    clerks: list[DemoClerk] = dataclasses.field(default_factory=list)


def seed_world(system: System) -> DemoWorld:
    """Seed once (idempotent): places, tokens, residents, and one collected card."""
    svc = system.services
    with system.uow() as uow:
        seed_municipalities(uow.session)
        scopes = _places(uow.session, svc)
        demo = seed_demo_tokens(uow.session, svc, scopes=scopes)
        uow.commit()
    with system.uow() as uow:
        demo += _employer(uow.session, svc)
        uow.commit()
    clerks: list[DemoClerk] = []
    if system.settings.mode == "dev":  # demo passwords never in production
        with system.uow() as uow:
            clerks = _clerks(uow.session, svc, demo)
            uow.commit()
    serial = _maria_has_a_card(system)
    return DemoWorld(
        tokens=demo, card_serial=serial, person_name="GARCIA MARIA", pins=DEMO_PINS, clerks=clerks
    )


def demo_login(organisation: str) -> str:
    """``Chiyoda City ward office`` → ``chiyoda-city-ward-office``."""
    return re.sub(r"[^a-z0-9]+", "-", organisation.lower()).strip("-")[:64]


def demo_password(svc: Services, login: str) -> str:
    """A dev-mode password derived from the dev key, so `make serve` can show it every start."""
    digest = hmac.new(svc.keys.token_key, b"demo-password:" + login.encode(), hashlib.sha256)
    return "demo-" + digest.hexdigest()[:16]


def _clerks(session: Session, svc: Services, demo: list[DemoToken]) -> list[DemoClerk]:
    """One clerk per demo organisation (per staff account at Example K.K.), made once."""
    out = []
    for token in demo:
        login = demo_login(token.organisation)
        password = demo_password(svc, login)
        out.append(DemoClerk(token.organisation, token.role, login, password))
        if session.scalars(select(Clerk.id).where(Clerk.login == login)).first() is not None:
            continue
        caller = tokens.authenticate(session, svc, token.token)
        org = tokens.organisation_for(
            session,
            svc,
            name=caller.name,
            role=caller.role,
            municipality_code=caller.municipality_code,
            scope_id=caller.scope_id,
        )
        staff_id = (
            employer.staff_for(session, svc, caller=caller, token=token.token).staff_id
            if caller.role is Role.EMPLOYER
            else None
        )
        staff.add_clerk(
            session,
            svc,
            organisation=org,
            login=login,
            name=f"{token.organisation} clerk",
            password=password,
            employer_staff_id=staff_id,
        )
    return out


EMPLOYER_STAFF = [
    ("Example K.K. manager", StaffRole.MANAGER),
    ("Example K.K. payroll", StaffRole.PAYROLL),
    ("Example K.K. HR", StaffRole.HR),
]


def _employer(session: Session, svc: Services) -> list[DemoToken]:
    """Example K.K. with a manager, a payroll clerk and an HR clerk (dev-key tokens)."""
    demo = [
        DemoToken(name, Role.EMPLOYER, tokens.demo_token(svc, name)) for name, _ in EMPLOYER_STAFF
    ]
    if (
        session.scalars(
            select(Employer).where(Employer.corporate_number == CORPORATE_NUMBER)
        ).first()
        is None
    ):
        _, manager_token = employer.register_employer(
            session,
            svc,
            corporate_number=CORPORATE_NUMBER,
            name="Example K.K.",
            address="1-1 Marunouchi, Chiyoda-ku, Tokyo",
            insurer_number=ASSOCIATION_NUMBER,
            manager_name="Manager",
            manager_token=demo[0].token,
        )
        caller = tokens.authenticate(session, svc, manager_token)
        manager = employer.staff_for(session, svc, caller=caller, token=manager_token)
        for (name, role), token in zip(EMPLOYER_STAFF[1:], demo[1:], strict=True):
            employer.add_staff(session, svc, staff=manager, name=name, role=role, token=token.token)
    return demo


def _places(session: Session, svc: Services) -> dict[str, int]:
    nhi = session.scalars(select(Insurer).where(Insurer.insurer_number == NHI_NUMBER)).first()
    if nhi is None:
        nhi = insurer.create_insurer(
            session,
            svc,
            kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
            insurer_number=NHI_NUMBER,
            name_ja="千代田区国民健康保険",
            name_en="Chiyoda City National Health Insurance",
            municipality_code="131016",
        )
        insurer.create_insurer(
            session,
            svc,
            kind=InsurerKind.EMPLOYER,
            insurer_number=ASSOCIATION_NUMBER,
            name_ja="例示健康保険組合",
            name_en="Example Health Insurance Association",
        )
    place = session.scalars(select(Clinic).where(Clinic.code == CLINIC_CODE)).first()
    if place is None:
        place = clinic.create_clinic(session, svc, code=CLINIC_CODE, name="Kanda Clinic")
    bureau = session.scalars(
        select(ImmigrationBureau).where(ImmigrationBureau.name == IMMIGRATION_BUREAU)
    ).first()
    if bureau is None:
        bureau = bureaus.create_bureau(
            session,
            svc,
            name=IMMIGRATION_BUREAU,
            name_ja="東京出入国在留管理局",
            prefectures=TOKYO_BUREAU_AREA,
        )
    return {
        "Kanda Clinic": place.id,
        "Chiyoda National Health Insurance": nhi.id,
        IMMIGRATION_BUREAU: bureau.id,
    }


def _maria_has_a_card(system: System) -> str | None:
    """Walk Maria from registration to a collected card on a clock that ends today."""
    today_svc = system.services
    clock = SimulatedClock(today_svc.clock.now() - dt.timedelta(days=JOURNEY_DAYS))
    svc = dataclasses.replace(today_svc, clock=clock)
    svc.__post_init__()
    with system.uow() as uow:
        seed_demo_residents(uow.session, svc)
        uow.commit()
        maria = uow.session.scalars(
            select(Person).where(Person.name_latin == "GARCIA MARIA")
        ).first()
        if maria is None:
            return None
        card = uow.session.scalars(select(Card).where(Card.person_id == maria.id)).first()
        if card is not None:
            return card.serial
        person_id = maria.id
    ward = Caller(
        name="Chiyoda City ward office", role=Role.WARD_OFFICE, municipality_code="131016"
    )
    with system.uow() as uow:
        view = card_applications.apply_for_card(
            uow.session,
            svc,
            caller=ward,
            channel=Channel.COUNTER,
            photo=sample_photo_jpeg(),
            declaration=PhotoDeclaration(True, True, True),
            person_id=person_id,
        )
        uow.commit()
    clock.advance(days=JOURNEY_DAYS - 10)
    with system.uow() as uow:
        card_centre.run_daily_jobs(uow.session, svc)
        uow.commit()
    clock.advance(days=5)
    with system.uow() as uow:
        card_counter.collect_card(
            uow.session,
            svc,
            caller=ward,
            application_id=view.application_id,
            identity=IdentityShown("GARCIA MARIA", dt.date(1994, 7, 3), "AB12345678CD"),
            id_documents=(IdDocument.RESIDENCE_CARD, IdDocument.NOTIFICATION_LETTER),
            pins=DEMO_PINS,
        )
        uow.commit()
    _enrol(system, svc, person_id)
    with system.uow() as uow:
        card = uow.session.scalars(select(Card).where(Card.person_id == person_id)).one()
        return card.serial


def _enrol(system: System, svc: Services, person_id: int) -> None:
    with system.uow() as uow:
        nhi = uow.session.scalars(select(Insurer).where(Insurer.insurer_number == NHI_NUMBER)).one()
        caller = Caller(
            name="Chiyoda National Health Insurance", role=Role.INSURER, scope_id=nhi.id
        )
        insurer.enrol(
            uow.session,
            svc,
            caller=caller,
            person_id=person_id,
            numbers=InsuredNumbers(symbol="千代田", number="1234567", branch="00"),
            income_class=IncomeClass.GENERAL,
            valid_from=svc.clock.today() - dt.timedelta(days=40),
        )
        insurer.register_insurance_use(
            uow.session,
            svc,
            caller=Caller(
                name="Chiyoda City ward office", role=Role.WARD_OFFICE, municipality_code="131016"
            ),
            person_id=person_id,
            channel=InsuranceUseChannel.COUNTER,
        )
        uow.commit()
