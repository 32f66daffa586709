"""Issue 21.4, nothing serialises the country: work in one municipality never waits for work in
another, on PostgreSQL (SQLite has one writer at a time by nature: docs/scale.md).

Each test holds one municipality's unit of work open — its writes flushed and its audit entries
written, so it holds every lock its commit would (the audit chains' heads too) — while a
second thread does the same kind of work for another municipality with ``lock_timeout`` set:
a wait on any row or lock of the first becomes an error instead of a hang. A third connection
watches ``pg_locks`` for ungranted locks meanwhile. The controls show the harness sees a wait
where there must be one: the same organisation's two actions take turns on its chain.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card
from mynumber.bootstrap import System
from mynumber.domain.access import Purpose
from mynumber.domain.cards import Channel
from mynumber.domain.insurance import EligibilityAnswer
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import counter as card_counter
from mynumber.services.core.audit import verify_chain
from mynumber.services.core.audit_chain import write_pending
from mynumber.services.core.context import Caller, Services
from mynumber.services.employer import numbers as employer_numbers
from mynumber.services.flows import moving
from mynumber.services.insurance import clinic
from mynumber.services.registry.numbers import allocate_registry_codes, read_my_number
from tests.conftest import ward
from tests.integration import card_support, clinic_support, employer_support
from tests.integration.helpers import foreign_form, register

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("db_url", ["postgresql"], indirect=True),
]

CHIYODA, SAPPORO = "131016", "011002"
Work = Callable[[Session, Services], object]


@dataclass(frozen=True)
class Race:
    """What the second unit of work did while the first was held open."""

    outcome: object
    """What ``work`` returned, or the database error that stopped it."""
    waits_seen: int
    """The most ungranted locks ``pg_locks`` showed at once while it ran."""

    @property
    def completed(self) -> bool:
        return not isinstance(self.outcome, DBAPIError)


def race(system: System, hold: Work, work: Work) -> Race:
    """Run ``hold`` and keep its transaction open (flushed, audit entries written: every lock
    a commit would take is held) while ``work`` runs to its commit on another thread; then
    commit ``hold`` too."""
    found: list[object] = []
    with system.uow() as holding:
        hold(holding.session, system.services)
        holding.session.flush()
        write_pending(holding.session)

        def other() -> None:
            try:
                with system.uow() as uow:
                    uow.session.execute(text("SET LOCAL lock_timeout = '2s'"))
                    uow.session.execute(text("SET LOCAL statement_timeout = '20s'"))
                    result = work(uow.session, system.services)
                    uow.commit()
                found.append(result)
            except DBAPIError as error:
                found.append(error)

        thread = threading.Thread(target=other)
        waits = 0
        with system.engine.connect() as watcher:
            thread.start()
            while thread.is_alive():
                waits = max(waits, _ungranted(watcher))
                thread.join(timeout=0.02)
        holding.commit()
    assert len(found) == 1
    return Race(found[0], waits)


def _ungranted(conn: Any) -> int:
    count = conn.scalar(
        text(
            # A row's wait is on the holder's transaction id, a lock with no database.
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid IN "
            "(SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
        )
    )
    conn.rollback()  # a fresh snapshot next time
    return int(count or 0)


def _assert_neither_waited(result: Race) -> None:
    assert result.completed, result.outcome
    assert result.waits_seen == 0


def _chain_ok(system: System) -> None:
    with system.reading() as uow:
        assert verify_chain(uow.session).ok


# --- moving in: the register and the number --------------------------------------------------


def _moving_in(system: System, municipality: str, name: str, card: str) -> Work:
    form = foreign_form(system, name_latin=name, residence_card_number=card)

    def act(session: Session, svc: Services) -> int:
        result = moving.register_moving_in(
            session, svc, caller=ward(municipality), municipality_code=municipality, form=form
        )
        return result.person_id

    return act


@pytest.fixture
def settled(system: System) -> System:
    """Both ward offices have registered someone before (their chains exist)."""
    register(system, CHIYODA, name_latin="First Chiyoda", residence_card_number="AB33333333CD")
    register(system, SAPPORO, name_latin="First Sapporo", residence_card_number="AB44444444CD")
    return system


def test_moving_in_in_one_municipality_does_not_wait_for_another(settled: System) -> None:
    system = settled
    result = race(
        system,
        _moving_in(system, CHIYODA, "Held Open", "AB11111111CD"),
        _moving_in(system, SAPPORO, "Not Waiting", "AB22222222CD"),
    )
    _assert_neither_waited(result)
    with system.reading() as uow:
        codes = uow.session.scalars(select(Person.registry_code)).all()
        numbers = uow.session.scalars(select(Person.number_lookup)).all()
    assert len(set(codes)) == len(set(numbers)) == 4  # both got a number of their own
    _chain_ok(system)


def test_the_harness_sees_a_wait_one_ward_office_takes_turns_on_its_chain(
    settled: System,
) -> None:
    """The control: two moving-ins at one ward office write to its one chain, so the second
    waits for the first's commit — and the harness reports it (a global counter row or a
    country-wide chain would show the same way in the test above)."""
    system = settled
    result = race(
        system,
        _moving_in(system, CHIYODA, "Held Open", "AB11111111CD"),
        _moving_in(system, CHIYODA, "Must Wait", "AB22222222CD"),
    )
    assert not result.completed
    assert "lock" in str(result.outcome).lower()
    assert result.waits_seen >= 1
    again = _moving_in(system, CHIYODA, "Must Wait", "AB22222222CD")
    with system.uow() as uow:  # once the first committed, the second goes through
        again(uow.session, system.services)
        uow.commit()
    _chain_ok(system)


def test_registry_codes_are_never_handed_out_twice_even_after_a_rollback(system: System) -> None:
    with system.uow() as uow:
        rolled_back = allocate_registry_codes(uow.session, 3)
        uow.rollback()
    with system.uow() as uow:
        after = allocate_registry_codes(uow.session, 2)
        uow.commit()
    assert len({*rolled_back, *after}) == 5
    assert min(int(c.digits) for c in after) > max(int(c.digits) for c in rolled_back)


# --- the card: application, then collection (certificates) -----------------------------------


def _apply(municipality: str, person_id: int) -> Work:
    def act(session: Session, svc: Services) -> str:
        view = card_applications.apply_for_card(
            session,
            svc,
            caller=ward(municipality),
            channel=Channel.COUNTER,
            photo=card_support.photo(),
            declaration=card_support.DECLARED,
            person_id=person_id,
        )
        return view.application_id

    return act


def _two_residents(system: System) -> tuple[int, int]:
    first = register(system, CHIYODA, name_latin="Held Open", residence_card_number="AB11111111CD")
    second = register(
        system, SAPPORO, name_latin="Not Waiting", residence_card_number="AB22222222CD"
    )
    return first.person_id, second.person_id


def test_a_card_application_does_not_wait_for_another_municipalitys(system: System) -> None:
    held, other = _two_residents(system)
    result = race(system, _apply(CHIYODA, held), _apply(SAPPORO, other))
    _assert_neither_waited(result)
    assert isinstance(result.outcome, str) and len(result.outcome) == 23
    _chain_ok(system)


def _collect(municipality: str, application_id: str, name: str, card: str) -> Work:
    def act(session: Session, svc: Services) -> str:
        done = card_counter.collect_card(
            session,
            svc,
            caller=ward(municipality),
            application_id=application_id,
            identity=card_support.identity(name, card_support.BORN, card),
            id_documents=card_support.DOCS,
            pins=card_support.PINS,
        )
        return done.card_serial

    return act


def test_a_card_collected_does_not_wait_for_another_municipalitys(system: System) -> None:
    """Collection issues the certificates (the one CA of the country: random serials, and
    its audit entries in the chain of the municipality it acts for)."""
    held, other = _two_residents(system)
    first = card_support.apply_at_counter(system, held, CHIYODA).application_id
    second = card_support.apply_at_counter(system, other, SAPPORO).application_id
    card_support.pass_days(system, 32)  # the centre makes both cards
    result = race(
        system,
        _collect(CHIYODA, first, "Held Open", "AB11111111CD"),
        _collect(SAPPORO, second, "Not Waiting", "AB22222222CD"),
    )
    _assert_neither_waited(result)
    with system.reading() as uow:
        statuses = uow.session.scalars(select(Card.status).order_by(Card.id)).all()
    assert statuses == ["active", "active"]
    _chain_ok(system)


# --- the clinic's check, and an employer's audited read --------------------------------------


def _check(caller: Caller, patient: clinic_support.Patient, nonce: bytes) -> Work:
    answer = clinic.answer_at_terminal(patient.chip, pin=clinic_support.AUTH_PIN, nonce=nonce)

    def act(session: Session, svc: Services) -> EligibilityAnswer:
        return clinic.check_with_pin(
            session,
            svc,
            caller=caller,
            nonce=nonce,
            certificate_der=answer.certificate_der,
            signature=answer.signature,
        )

    return act


def _nonce(system: System, caller: Caller) -> bytes:
    with system.uow() as uow:
        nonce = clinic.new_challenge(uow.session, system.services, caller=caller).nonce
        uow.commit()
    return nonce


def test_a_clinic_check_does_not_wait_for_another_municipalitys_clinic(system: System) -> None:
    world = clinic_support.setup_world(system)
    with system.uow() as uow:
        place = clinic.create_clinic(
            uow.session, system.services, code="0110154321", name="Sapporo Clinic"
        )
        uow.commit()
        sapporo = Caller(name="Sapporo Clinic", role=world.clinic.role, scope_id=place.id)
    kanda_patient = clinic_support.insured_patient(system, world)
    # A patient may be seen anywhere; it is the clinics that are in two places.
    sapporo_patient = clinic_support.insured_patient(
        system, world, residence_card_number="AB22222222CD"
    )
    result = race(
        system,
        _check(world.clinic, kanda_patient, _nonce(system, world.clinic)),
        _check(sapporo, sapporo_patient, _nonce(system, sapporo)),
    )
    _assert_neither_waited(result)
    assert isinstance(result.outcome, EligibilityAnswer)
    _chain_ok(system)


def test_an_employers_audited_read_does_not_wait_for_another_employers(system: System) -> None:
    companies = []
    for corporate, name, municipality, card in (
        (employer_support.CORPORATE, "Chiyoda K.K.", CHIYODA, "AB11111111CD"),
        (employer_support.OTHER_CORPORATE, "Sapporo K.K.", SAPPORO, "AB22222222CD"),
    ):
        company = employer_support.make_company(system, corporate, name=name)
        person_id = register(
            system, municipality, name_latin=f"Worker {name}", residence_card_number=card
        ).person_id
        with system.uow() as uow:
            number = read_my_number(
                uow.session,
                system.services,
                caller=ward(municipality),
                person_id=person_id,
                purpose=Purpose.RESIDENT_REGISTRY,
            ).digits
            uow.commit()
        employee_id = employer_support.hire(system, company, name=f"WORKER {name}")
        employer_support.collect(system, company, employee_id, number)
        companies.append((company, employee_id))

    def read(at: int) -> Work:
        company, employee_id = companies[at]

        def act(session: Session, svc: Services) -> str:
            return employer_numbers.read_number(
                session, svc, staff=company.payroll, employee_id=employee_id, purpose="tax"
            ).masked

        return act

    result = race(system, read(0), read(1))
    _assert_neither_waited(result)
    _chain_ok(system)
