"""Insurers: enrolment, loss of eligibility, registration for insurance use, 資格確認書.

Over the service layer, on SQLite and PostgreSQL. Every refusal names the cause and the fix
in English and Japanese.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import AuditEntry
from mynumber.adapters.db.models_card import Card
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import Conflict, Forbidden, InvalidInput, MyNumberError, NotFound
from mynumber.domain.insurance import IncomeClass, InsuredNumbers, LossReason, NoCard
from mynumber.domain.insurance_rules import latest_eligibility_letter_expiry
from mynumber.services.core.policy import AccessRefused
from mynumber.services.insurance import insurer
from mynumber.services.insurance.insurer import LetterReason
from mynumber.services.insurance.medical_records import (
    Checkup,
    records_for_owner,
    write_checkup_by_insurer,
)
from mynumber.services.registry import ward_office
from tests.conftest import caller, ward
from tests.integration.clinic_support import (
    ASSOCIATION_NUMBER,
    NHI_NUMBER,
    World,
    enrol,
    make_card,
    set_card,
    setup_world,
)
from tests.integration.employer_support import employ
from tests.integration.helpers import register


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


def _bilingual(error: MyNumberError) -> None:
    assert error.message_en and error.message_ja
    assert error.message_en != error.message_ja


def _issue(system: System, who: object, enrolment_id: int, **kw: object) -> object:
    with system.uow() as uow:
        letter = insurer.issue_eligibility_letter(
            uow.session, system.services, caller=who, enrolment_id=enrolment_id, **kw
        )
        uow.commit()
        return letter


# --- insurers and enrolment ---------------------------------------------------------------


@pytest.mark.sqlite_only  # a check digit
def test_an_insurer_number_with_a_wrong_check_digit_is_refused(system: System) -> None:
    setup_world(system)
    with system.uow() as uow, pytest.raises(InvalidInput, match="check digit"):
        insurer.create_insurer(
            uow.session,
            system.services,
            kind=insurer.InsurerKind.EMPLOYER,
            insurer_number="06139993",
            name_ja="誤り",
        )


def test_a_resident_is_enrolled_in_national_health_insurance(system: System, world: World) -> None:
    person = register(system).person_id
    enrolment_id = enrol(system, world.nhi, person, number="4711")
    with system.uow() as uow:
        rows = insurer.enrolments_of(uow.session, person)
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "insurance_enrol")
        ).one()
    assert [r.id for r in rows] == [enrolment_id]
    assert (rows[0].number, rows[0].branch, rows[0].valid_until) == ("4711", "01", None)
    assert entry.person_id == person and NHI_NUMBER in entry.detail


def test_national_health_insurance_refuses_a_person_registered_elsewhere(
    system: System, world: World
) -> None:
    person = register(system, municipality="131130").person_id  # Shibuya
    with pytest.raises(AccessRefused) as caught:  # the policy: not Chiyoda's to insure
        enrol(system, world.nhi, person)
    assert caught.value.decision.reason == "not-entitled-to-insure"
    assert "転入届" in caught.value.message_ja
    _bilingual(caught.value)


def test_a_person_insured_elsewhere_must_lose_that_eligibility_first(
    system: System, world: World
) -> None:
    person = register(system).person_id
    first = enrol(system, world.nhi, person)
    employ(system, person, insurer_number=ASSOCIATION_NUMBER)  # the association's to insure
    with pytest.raises(Conflict, match="loss of eligibility"):
        enrol(system, world.association, person)
    today = system.services.clock.today()
    with system.uow() as uow:
        insurer.end_enrolment(
            uow.session,
            system.services,
            caller=world.nhi,
            enrolment_id=first,
            last_day=today,
            reason=LossReason.NEW_JOB,
        )
        uow.commit()
    second = enrol(system, world.association, person, valid_from=today + dt.timedelta(days=1))
    assert second != first


def test_the_same_numbers_cannot_be_given_twice_by_one_insurer(
    system: System, world: World
) -> None:
    enrol(system, world.nhi, register(system).person_id, number="777")
    with pytest.raises(Conflict):
        enrol(
            system, world.nhi, register(system, name_latin="Other Person").person_id, number="777"
        )


def test_from_75_a_person_belongs_to_the_late_stage_elderly_system(
    system: System, world: World
) -> None:
    today = system.services.clock.today()
    old = register(system, date_of_birth=today.replace(year=today.year - 80)).person_id
    with pytest.raises(Conflict, match="75") as caught:
        enrol(system, world.nhi, old)
    assert caught.value.details["reason"] == "late-elderly-system"


def test_an_insurer_cannot_touch_another_insurers_enrolment(system: System, world: World) -> None:
    enrolment_id = enrol(system, world.nhi, register(system).person_id)
    with system.uow() as uow, pytest.raises(NotFound):
        insurer.end_enrolment(
            uow.session,
            system.services,
            caller=world.association,
            enrolment_id=enrolment_id,
            last_day=dt.date(2026, 5, 1),
            reason=LossReason.OTHER,
        )


@pytest.mark.sqlite_only  # the caller's role, before anything is read
def test_a_clinic_cannot_enrol_anyone(system: System, world: World) -> None:
    with system.uow() as uow, pytest.raises(Forbidden):
        insurer.enrol(
            uow.session,
            system.services,
            caller=world.clinic,
            person_id=1,
            numbers=InsuredNumbers("", "1", "01"),
            income_class=IncomeClass.GENERAL,
            valid_from=dt.date(2026, 4, 1),
        )


def test_insured_numbers_need_a_two_digit_branch_number() -> None:
    with pytest.raises(InvalidInput, match="branch"):
        InsuredNumbers("12", "345", "1")


# --- registration for insurance use ---------------------------------------------------------


def test_the_holder_registers_the_card_for_insurance_use_once(system: System, world: World) -> None:
    patient = make_card(system, insurance_use=False)
    me = caller(Role.RESIDENT, scope_id=patient.person_id)
    with system.uow() as uow:
        insurer.register_insurance_use(
            uow.session, system.services, caller=me, person_id=patient.person_id, channel="portal"
        )
        uow.commit()
    with system.uow() as uow:
        card = uow.session.scalars(select(Card).where(Card.serial == patient.serial)).one()
        assert card.insurance_use
        with pytest.raises(Conflict, match="already registered"):
            insurer.register_insurance_use(
                uow.session,
                system.services,
                caller=me,
                person_id=patient.person_id,
                channel="portal",
            )


def test_nobody_registers_someone_elses_card(system: System, world: World) -> None:
    patient = make_card(system, insurance_use=False)
    other = caller(Role.RESIDENT, scope_id=patient.person_id + 1)
    with system.uow() as uow, pytest.raises(Forbidden):
        insurer.register_insurance_use(
            uow.session,
            system.services,
            caller=other,
            person_id=patient.person_id,
            channel="portal",
        )


def test_registering_without_a_card_says_how_to_get_one(system: System, world: World) -> None:
    person = register(system).person_id
    with system.uow() as uow, pytest.raises(NoCard) as caught:
        insurer.register_insurance_use(
            uow.session, system.services, caller=ward(), person_id=person, channel="counter"
        )
    assert "apply" in caught.value.message_en
    _bilingual(caught.value)


# --- 資格確認書 ------------------------------------------------------------------------------


def test_a_person_without_a_card_gets_a_letter_valid_up_to_five_years(
    system: System, world: World
) -> None:
    enrolment_id = enrol(system, world.nhi, register(system).person_id)
    letter = _issue(system, world.nhi, enrolment_id, requested_by="ward office counter")
    today = system.services.clock.today()
    assert letter.valid_from == today  # type: ignore[attr-defined]
    assert letter.valid_until == latest_eligibility_letter_expiry(today)  # type: ignore[attr-defined]


def test_a_letter_never_outlives_the_coverage(system: System, world: World) -> None:
    enrolment_id = enrol(system, world.nhi, register(system).person_id)
    end = system.services.clock.today() + dt.timedelta(days=100)
    with system.uow() as uow:
        insurer.end_enrolment(
            uow.session,
            system.services,
            caller=world.nhi,
            enrolment_id=enrolment_id,
            last_day=end,
            reason=LossReason.MOVED_AWAY,
        )
        uow.commit()
    assert _issue(system, world.nhi, enrolment_id).valid_until == end  # type: ignore[attr-defined]


@pytest.mark.sqlite_only  # a rule on the date asked for
def test_a_letter_valid_longer_than_five_years_is_refused(system: System, world: World) -> None:
    enrolment_id = enrol(system, world.nhi, register(system).person_id)
    too_late = latest_eligibility_letter_expiry(system.services.clock.today()) + dt.timedelta(1)
    with pytest.raises(InvalidInput, match="5 years"):
        _issue(system, world.nhi, enrolment_id, valid_until=too_late)


def test_no_letter_for_someone_whose_card_works_as_insurance_card(
    system: System, world: World
) -> None:
    patient = make_card(system)
    enrolment_id = enrol(system, world.nhi, patient.person_id)
    with pytest.raises(Conflict) as caught:
        _issue(system, world.nhi, enrolment_id)
    assert caught.value.details["reason"] == "card-usable"
    _bilingual(caught.value)
    assert _issue(system, world.nhi, enrolment_id, reason=LetterReason.NEEDS_ASSISTANCE)


@pytest.mark.parametrize("trouble", ["not_registered", "expired", "pin_locked"])
def test_a_card_that_cannot_serve_as_insurance_card_gets_a_letter(
    system: System, world: World, trouble: str
) -> None:
    patient = make_card(system, insurance_use=trouble != "not_registered")
    if trouble == "expired":
        set_card(system, patient.serial, expires_on=dt.date(2026, 3, 31))
    if trouble == "pin_locked":
        from mynumber.card import PinRef

        for _ in range(3):
            with patient.chip.open_session() as session, pytest.raises(MyNumberError):
                session.verify(PinRef.USER_AUTHENTICATION, "0000")
    enrolment_id = enrol(system, world.nhi, patient.person_id)
    assert _issue(system, world.nhi, enrolment_id)


def test_the_insurer_sends_letters_unasked_to_those_without_a_usable_card(
    system: System, world: World
) -> None:
    with_card = make_card(system)
    no_card = register(system, name_latin="No Card Yet").person_id
    unregistered = make_card(system, insurance_use=False)
    for person in (with_card.person_id, no_card, unregistered.person_id):
        enrol(system, world.nhi, person)
    with system.uow() as uow:
        sent = insurer.send_letters_to_uncovered(uow.session, system.services, caller=world.nhi)
        uow.commit()
    assert sorted(letter.person_id for letter in sent) == sorted([no_card, unregistered.person_id])
    assert all(letter.reason == "no_usable_card" for letter in sent)
    with system.uow() as uow:  # a letter in force is not sent again
        assert (
            insurer.send_letters_to_uncovered(uow.session, system.services, caller=world.nhi) == []
        )


def test_a_move_is_no_reason_for_an_unasked_letter(system: System, world: World) -> None:
    """Issue 17.4: after a 転居届 the chip shows the old address, but the card still works
    at clinics (its user-authentication certificate is not revoked): no 資格確認書 is
    mailed unasked, and a letter on request is refused as unnecessary."""
    patient = make_card(system)
    enrolment_id = enrol(system, world.nhi, patient.person_id)
    with system.uow() as uow:
        ward_office.register_moving_within(
            uow.session,
            system.services,
            caller=ward(),
            person_id=patient.person_id,
            new_address="3-3 Kanda, Chiyoda-ku, Tokyo",
            moved_on=system.services.clock.today(),
        )
        uow.commit()
    with system.uow() as uow:
        assert (
            insurer.send_letters_to_uncovered(uow.session, system.services, caller=world.nhi) == []
        )
    with pytest.raises(Conflict) as caught:
        _issue(system, world.nhi, enrolment_id)
    assert caught.value.details["reason"] == "card-usable"


def test_no_letter_after_the_coverage_ended(system: System, world: World) -> None:
    enrolment_id = enrol(system, world.nhi, register(system).person_id)
    with system.uow() as uow:
        insurer.end_enrolment(
            uow.session,
            system.services,
            caller=world.nhi,
            enrolment_id=enrolment_id,
            last_day=dt.date(2026, 3, 31),
            reason=LossReason.MOVED_AWAY,
        )
        uow.commit()
    with pytest.raises(Conflict, match="ended"):
        _issue(system, world.nhi, enrolment_id)


def test_the_letter_pdf_shows_the_insurer_and_the_numbers(
    system: System, world: World, tmp_path: object
) -> None:
    person = register(system).person_id
    enrolment_id = enrol(system, world.nhi, person, number="98765")
    letter = _issue(system, world.nhi, enrolment_id)
    owner = caller(Role.RESIDENT, scope_id=person)
    with system.uow() as uow:
        pdf = insurer.eligibility_letter_pdf(
            uow.session, system.services, caller=owner, letter_id=letter.id
        )  # type: ignore[attr-defined]
        uow.commit()
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert NHI_NUMBER in text and "98765" in text and "資格確認書" in text
    with system.uow() as uow, pytest.raises(Forbidden):
        insurer.eligibility_letter_pdf(
            uow.session,
            system.services,
            caller=caller(Role.RESIDENT, scope_id=person + 1),
            letter_id=letter.id,
        )  # type: ignore[attr-defined]


# --- check-ups written by the insurer ------------------------------------------------------


def test_an_insurer_writes_a_checkup_that_only_its_owner_reads(
    system: System, world: World
) -> None:
    person = register(system).person_id
    enrolment_id = enrol(system, world.nhi, person)
    with system.uow() as uow:
        write_checkup_by_insurer(
            uow.session,
            system.services,
            caller=world.nhi,
            enrolment_id=enrolment_id,
            checkup=Checkup({"HbA1c": "5.4 %"}, "A"),
            examined_on=dt.date(2026, 3, 1),
        )
        uow.commit()
    with system.uow() as uow:
        mine = records_for_owner(
            uow.session,
            system.services,
            caller=caller(Role.RESIDENT, scope_id=person),
            person_id=person,
        )
        assert [r.content["results"] for r in mine] == [{"HbA1c": "5.4 %"}]
        with pytest.raises(Forbidden):
            records_for_owner(
                uow.session,
                system.services,
                caller=caller(Role.RESIDENT, scope_id=person + 1),
                person_id=person,
            )
