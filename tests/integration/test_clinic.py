"""The reception terminal (マイナ受付) over the service layer: PIN, face, staff visual check,
the eligibility answer, consent, the records view, the letter's numbers — and every refusal,
each naming the cause and the fix in English and Japanese."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import AuditEntry
from mynumber.adapters.db.models_card import Card
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import (
    CardError,
    Conflict,
    InvalidInput,
    MyNumberError,
    NotFound,
    PinLocked,
    WrongPin,
)
from mynumber.domain.insurance import (
    Consent,
    FaceNotMatched,
    IncomeClass,
    LossReason,
    NotInsured,
    NotRegisteredForInsurance,
)
from mynumber.domain.photo_rules import FaceNotFound
from mynumber.services.core.context import Caller
from mynumber.services.core.policy import AccessRefused, ConsentNotGiven
from mynumber.services.core.records import get_person
from mynumber.services.insurance import clinic, insurer
from mynumber.services.insurance.clinic import EligibilityAnswer
from mynumber.services.insurance.medical_records import Checkup, Medicine, access_log
from mynumber.services.jpki.card_auth import CardNotActive
from mynumber.services.registry.numbers import open_number
from tests.conftest import caller
from tests.integration.clinic_support import (
    AUTH_PIN,
    NHI_NUMBER,
    Patient,
    World,
    astronaut_camera,
    certificate_of,
    consent_at_terminal,
    empty_camera,
    enrol,
    insured_patient,
    make_card,
    set_card,
    setup_world,
    stranger_camera,
)
from tests.integration.helpers import register


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


def pin_check(
    system: System, world: World, patient: Patient, *, pin: str = AUTH_PIN, **kw: Any
) -> EligibilityAnswer:
    """The whole PIN flow: nonce, the card answers at the terminal, the server checks."""
    with system.uow() as uow:
        nonce = clinic.new_challenge(uow.session, system.services, caller=world.clinic).nonce
        uow.commit()
    answer = clinic.answer_at_terminal(patient.chip, pin=pin, nonce=nonce)
    with system.uow() as uow:
        result = clinic.check_with_pin(
            uow.session,
            system.services,
            caller=world.clinic,
            nonce=nonce,
            certificate_der=answer.certificate_der,
            signature=answer.signature,
            **kw,
        )
        uow.commit()
    return result


def face_check(
    system: System, world: World, patient: Patient, live: bytes, **kw: Any
) -> EligibilityAnswer:
    with system.uow() as uow:  # as the API and the pages call it
        return clinic.check_with_face_kept(
            uow,
            system.services,
            caller=world.clinic,
            certificate_der=certificate_of(patient),
            live_image=live,
            **kw,
        )


def at_the_desk(world: World) -> Caller:
    """The clinic's terminal with its clerk logged in (a visual check names them)."""
    return replace(world.clinic, clerk_id=1, clerk="sato")


def visual_check(system: System, world: World, patient: Patient) -> EligibilityAnswer:
    """目視確認 by the clerk, with the patient's card in the terminal's reader."""
    with patient.chip.open_session() as reader, system.uow() as uow:
        result = clinic.check_with_visual(
            uow.session, system.services, caller=at_the_desk(world), reader=reader
        )
        uow.commit()
    return result


def consent(
    system: System, world: World, patient: Patient, visit_id: int, **chosen: bool
) -> EligibilityAnswer:
    return consent_at_terminal(system, world.clinic, patient, visit_id, Consent(**chosen))


def refused(error: type[MyNumberError], call: Any, *args: Any, **kw: Any) -> MyNumberError:
    with pytest.raises(error) as caught:
        call(*args, **kw)
    assert caught.value.message_en and caught.value.message_ja
    assert caught.value.message_en != caught.value.message_ja
    return caught.value


# --- the answer -----------------------------------------------------------------------------


def test_a_pin_check_answers_insurer_numbers_and_copay_without_the_my_number(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    answer = pin_check(system, world, patient)
    assert answer.eligible and answer.status == "eligible" and answer.method == "pin"
    assert (answer.insurer_number, answer.branch, answer.copay_percent) == (NHI_NUMBER, "01", 30)
    assert answer.limit_category is None  # not consented
    with system.uow() as uow:
        number = open_number(system.services, get_person(uow.session, patient.person_id))
        actions = set(
            uow.session.scalars(
                select(AuditEntry.action).where(AuditEntry.person_id == patient.person_id)
            )
        )
    assert number.digits not in repr(answer)
    assert {"card_authentication", "eligibility_check"} <= actions


def test_the_limit_amount_category_is_shown_only_with_consent(system: System, world: World) -> None:
    patient = make_card(system)
    enrol(system, world.nhi, patient.person_id, income_class=IncomeClass.HIGH)
    answer = pin_check(system, world, patient)
    assert answer.limit_category is None  # the check opens the visit without consent
    answer = consent(system, world, patient, answer.visit_id, limit_amount=True)
    assert answer.limit_category == "イ" and answer.consent == Consent(limit_amount=True)


def test_a_preschool_child_pays_twenty_percent(system: System, world: World) -> None:
    patient = insured_patient(
        system, world, date_of_birth=dt.date(2023, 5, 5), status_of_residence="Dependent"
    )
    assert pin_check(system, world, patient).copay_percent == 20


def test_ended_insurance_is_answered_as_not_valid_with_the_fix(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    assert patient.enrolment_id is not None
    with system.uow() as uow:
        insurer.end_enrolment(
            uow.session,
            system.services,
            caller=world.nhi,
            enrolment_id=patient.enrolment_id,
            last_day=dt.date(2026, 3, 31),
            reason=LossReason.MOVED_AWAY,
        )
        uow.commit()
    answer = pin_check(system, world, patient)
    assert not answer.eligible and answer.status == "ended"
    assert "new insurer" in answer.message_en and "喪失" in answer.message_ja


# --- refusals -------------------------------------------------------------------------------


def test_a_wrong_pin_is_refused_by_the_card_with_the_tries_left(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    error = refused(WrongPin, pin_check, system, world, patient, pin="0000")
    assert error.details["tries_left"] == 2


def test_a_locked_pin_is_refused_with_where_to_unlock_it_and_the_face_alternative(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    for _ in range(3):
        with pytest.raises(MyNumberError):
            pin_check(system, world, patient, pin="0000")
    error = refused(PinLocked, pin_check, system, world, patient)
    assert "ward office or a convenience-store terminal" in error.message_en
    assert "顔認証" in error.message_ja
    assert face_check(system, world, patient, astronaut_camera()).method == "face"


def test_a_card_not_registered_for_insurance_is_refused_with_the_fix(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world, insurance_use=False)
    error = refused(NotRegisteredForInsurance, pin_check, system, world, patient)
    assert "register it at this terminal" in error.message_en


def test_the_patient_may_register_the_card_at_the_first_visit(system: System, world: World) -> None:
    patient = insured_patient(system, world, insurance_use=False)
    assert pin_check(system, world, patient, register_insurance_use=True).eligible
    with system.uow() as uow:
        card = uow.session.scalars(select(Card).where(Card.serial == patient.serial)).one()
        assert card.insurance_use


def test_a_patient_with_no_insurance_is_told_where_to_enrol(system: System, world: World) -> None:
    patient = make_card(system)
    error = refused(NotInsured, pin_check, system, world, patient)
    assert "ward office" in error.message_en and "HR" in error.message_en


def test_an_expired_card_is_refused_with_the_renewal(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    set_card(system, patient.serial, expires_on=dt.date(2026, 3, 31))
    error = refused(CardError, pin_check, system, world, patient)
    assert error.details["reason"] == "expired" and "Renew" in error.message_en


def test_an_out_of_date_chip_address_does_not_stop_the_clinic_check(
    system: System, world: World
) -> None:
    # Issue 17.4: the check identifies the card by its user-authentication certificate,
    # which a move does not revoke (RULES.md "address or name change").
    patient = insured_patient(system, world)
    set_card(system, patient.serial, chip_address="9-9 Old Street, Shibuya")
    answer = pin_check(system, world, patient)
    assert answer.eligible and answer.status == "eligible"


def test_a_suspended_card_is_refused(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    set_card(system, patient.serial, status="suspended")
    refused(CardNotActive, pin_check, system, world, patient)


# --- face and the staff visual check --------------------------------------------------------


def test_face_recognition_identifies_the_holder(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    answer = face_check(system, world, patient, astronaut_camera())
    assert answer.eligible and answer.method == "face"


def test_a_stranger_is_not_accepted_and_is_told_the_fallbacks(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    error = refused(FaceNotMatched, face_check, system, world, patient, stranger_camera())
    assert "PIN" in error.message_en and "目視確認" in error.message_ja


def test_no_face_in_the_camera_is_its_own_refusal(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    refused(FaceNotFound, face_check, system, world, patient, empty_camera())


def test_the_staff_visual_check_comes_only_after_a_failed_face_attempt(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    refused(Conflict, visual_check, system, world, patient)
    with pytest.raises(FaceNotMatched):
        face_check(system, world, patient, stranger_camera())
    answer = visual_check(system, world, patient)
    assert answer.method == "visual" and answer.eligible
    system.services.clock.advance(minutes=11)  # type: ignore[attr-defined]
    refused(Conflict, visual_check, system, world, patient)


def test_a_face_check_refused_before_the_faces_are_compared_keeps_no_attempt(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    set_card(system, patient.serial, status="suspended")
    refused(CardNotActive, face_check, system, world, patient, stranger_camera())
    set_card(system, patient.serial, status="active")
    refused(Conflict, visual_check, system, world, patient)  # nothing opened it


def test_a_chip_photo_that_cannot_be_read_keeps_the_attempt(
    system: System, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = insured_patient(system, world)

    def unreadable(*args: object) -> bytes:
        raise InvalidInput("The chip photo cannot be read.", "顔写真を読み取れません。")

    monkeypatch.setattr(clinic.card_records, "chip_photo_of", unreadable)
    refused(InvalidInput, face_check, system, world, patient, astronaut_camera())
    monkeypatch.undo()
    assert visual_check(system, world, patient).method == "visual"


# --- consent and the records view ------------------------------------------------------------


def _prescribe(system: System, world: World, visit_id: int, name: str) -> None:
    with system.uow() as uow:
        from mynumber.services.insurance.medical_records import write_prescription

        write_prescription(
            uow.session,
            system.services,
            caller=world.clinic,
            visit_id=visit_id,
            medicines=[Medicine(name, "1 tablet", 7)],
        )
        uow.commit()


def _history(system: System, world: World, visit_id: int) -> clinic.HistoryView:
    with system.uow() as uow:
        view = clinic.view_history(
            uow.session, system.services, caller=world.clinic, visit_id=visit_id
        )
        uow.commit()
    return view


def test_past_medication_is_shown_only_with_consent_at_this_visit(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    first = pin_check(system, world, patient)
    _prescribe(system, world, first.visit_id, "Loxoprofen")
    refused(ConsentNotGiven, _history, system, world, first.visit_id)
    second = pin_check(system, world, patient)
    consent(system, world, patient, second.visit_id, medication=True)
    view = _history(system, world, second.visit_id)
    assert [r.content["medicines"][0]["name"] for r in view.medication or []] == ["Loxoprofen"]
    assert view.checkups is None  # not consented


def test_consent_ends_with_the_day_and_with_the_visit(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    visit = pin_check(system, world, patient).visit_id
    consent(system, world, patient, visit, medication=True)
    system.services.clock.advance(hours=15)  # type: ignore[attr-defined]  # next day 00:00
    refused(ConsentNotGiven, _history, system, world, visit)
    other = pin_check(system, world, patient).visit_id
    consent(system, world, patient, other, checkups=True)
    with system.uow() as uow:
        clinic.close_visit(uow.session, system.services, caller=world.clinic, visit_id=other)
        uow.commit()
    refused(ConsentNotGiven, _history, system, world, other)


def test_every_view_is_audited_and_visible_to_the_patient(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    visit = pin_check(system, world, patient).visit_id
    consent(system, world, patient, visit, medication=True, checkups=True)
    with system.uow() as uow:
        from mynumber.services.insurance.medical_records import write_checkup_at_clinic

        write_checkup_at_clinic(
            uow.session,
            system.services,
            caller=world.clinic,
            visit_id=visit,
            checkup=Checkup({"BP": "120/80 mmHg"}),
        )
        uow.commit()
    _history(system, world, visit)
    with system.uow() as uow:
        log = access_log(
            uow.session,
            system.services,
            caller=caller(Role.RESIDENT, scope_id=patient.person_id),
            person_id=patient.person_id,
        )
    seen = [(e.actor, e.action) for e in log]
    assert ("Kanda Clinic", "view_medication") in seen
    assert ("Kanda Clinic", "view_checkups") in seen


def test_another_clinic_cannot_open_this_visit(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    visit = pin_check(system, world, patient).visit_id
    consent(system, world, patient, visit, medication=True)
    with system.uow() as uow:
        other = clinic.create_clinic(
            uow.session, system.services, code="1310199999", name="Other Clinic"
        )
        uow.commit()
        other_id = other.id
    stranger = caller(Role.CLINIC, scope_id=other_id)
    with system.uow() as uow, pytest.raises(AccessRefused) as refused_here:
        clinic.view_history(uow.session, system.services, caller=stranger, visit_id=visit)
    assert refused_here.value.decision.reason == "no-visit-here"


# --- the 資格確認書's numbers ------------------------------------------------------------------


def _letter_check(system: System, world: World, **kw: Any) -> EligibilityAnswer:
    with system.uow() as uow:
        answer = clinic.check_letter(uow.session, system.services, caller=world.clinic, **kw)
        uow.commit()
    return answer


def test_a_clinic_checks_a_letters_numbers_with_the_date_of_birth(
    system: System, world: World
) -> None:
    person = register(system).person_id
    enrolment_id = enrol(system, world.nhi, person, number="55501")
    with system.uow() as uow:
        letter = insurer.issue_eligibility_letter(
            uow.session, system.services, caller=world.nhi, enrolment_id=enrolment_id
        )
        uow.commit()
        until = letter.valid_until
    answer = _letter_check(
        system,
        world,
        insurer_number=NHI_NUMBER,
        symbol="1234",
        number="55501",
        branch="01",
        date_of_birth=dt.date(1995, 4, 12),
    )
    assert answer.eligible and answer.method == "letter"
    assert answer.letter_valid_until == until
    assert answer.consent == Consent()  # nothing can be shared without the card
    refused(
        NotFound,
        _letter_check,
        system,
        world,
        insurer_number=NHI_NUMBER,
        symbol="1234",
        number="55501",
        branch="01",
        date_of_birth=dt.date(1995, 4, 13),
    )
