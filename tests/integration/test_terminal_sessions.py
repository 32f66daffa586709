"""Terminals do only their job, on the card in their own reader (issue 15; both databases):
the patient's consent is their choice at the terminal, signed by the visit's card — never a
flag the clinic's software sends; a staff visual check (目視確認) needs the card in the reader
and names the clerk; records are written only at the clinic's own open, card-proved visit; the
kiosk acts only on the card in its reader; a card is returned only by its holder, identity
checked. Each refusal is audited, and leaves nothing changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from mynumber.adapters.db.models import AuditEntry
from mynumber.adapters.db.models_insurance import ClinicVisit
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.cards import CardStatus
from mynumber.domain.errors import Conflict, Forbidden, InvalidInput, WrongPin
from mynumber.domain.insurance import Consent, FaceNotMatched
from mynumber.domain.pins import PinKind
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import kiosk
from mynumber.services.cards import use as card_use
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller
from mynumber.services.core.policy import AccessRefused, ConsentNotGiven
from mynumber.services.insurance import clinic, medical_records
from mynumber.services.insurance.medical_records import Medicine
from mynumber.services.jpki.card_auth import ChallengeReplayed
from tests.client import TestClient
from tests.conftest import ward
from tests.integration.card_support import KIOSK, PINS, chip, identity, issued_card
from tests.integration.clinic_support import (
    AUTH_PIN,
    NHI_NUMBER,
    Patient,
    World,
    astronaut_camera,
    b64,
    certificate_of,
    enrol,
    insured_patient,
    setup_world,
    sign_consent,
    stranger_camera,
    token_for,
)
from tests.integration.helpers import register
from tests.integration.snapshots import Snapshots

MEDICATION = Consent(medication=True)


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


def actions(system: System, person_id: int) -> list[str]:
    with system.uow() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.person_id == person_id)
                .order_by(AuditEntry.id)
            )
        )


def pin_visit(system: System, who: Caller, patient: Patient) -> int:
    """A visit opened by the card at ``who``'s terminal (PIN, nonce signed by the card)."""
    with system.uow() as uow:
        nonce = clinic.new_challenge(uow.session, system.services, caller=who).nonce
        uow.commit()
    answer = clinic.answer_at_terminal(patient.chip, pin=AUTH_PIN, nonce=nonce)
    with system.uow() as uow:
        visit = clinic.check_with_pin(
            uow.session,
            system.services,
            caller=who,
            nonce=nonce,
            certificate_der=answer.certificate_der,
            signature=answer.signature,
        ).visit_id
        uow.commit()
    return visit


def fresh_nonce(system: System, who: Caller) -> bytes:
    with system.uow() as uow:
        nonce = clinic.new_challenge(uow.session, system.services, caller=who).nonce
        uow.commit()
    return nonce


def consent_with(system: System, who: Caller, visit_id: int, consent: Consent, **proof: Any) -> Any:
    with system.uow() as uow:
        answer = clinic.give_consent(
            uow.session, system.services, caller=who, visit_id=visit_id, consent=consent, **proof
        )
        uow.commit()
    return answer


def history(system: System, who: Caller, visit_id: int) -> clinic.HistoryView:
    with system.uow() as uow:
        view = clinic.view_history(uow.session, system.services, caller=who, visit_id=visit_id)
        uow.commit()
    return view


def refused_reason(call: Any, *args: Any, **kw: Any) -> str:
    with pytest.raises(AccessRefused) as caught:
        call(*args, **kw)
    assert caught.value.message_en and caught.value.message_ja
    return caught.value.decision.reason


def record_refusal_of(system: System, caught: AccessRefused) -> None:
    """As the entry points do: the refusal's audit entry in a transaction of its own."""
    from mynumber.services.core.policy import record_refusal

    with system.uow() as uow:
        record_refusal(uow.session, caught, at=system.services.clock.now())
        uow.commit()


# --- 1. consent is the patient's choice at the terminal, signed by the visit's card --------


def test_a_check_request_that_sets_consent_is_refused_and_opens_no_visit(
    system: System, world: World, client: TestClient
) -> None:
    patient = insured_patient(system, world)
    terminal = token_for(system, world.clinic)
    nonce = fresh_nonce(system, world.clinic)
    answer = clinic.answer_at_terminal(patient.chip, pin=AUTH_PIN, nonce=nonce)
    body = {
        "nonce": b64(nonce),
        "certificate": b64(answer.certificate_der),
        "signature": b64(answer.signature),
    }
    flagged = client.post(
        "/clinic/checks/pin",
        headers=terminal,
        json={**body, "consent": {"medication": True, "checkups": True}},
    )
    assert flagged.status_code == 422, flagged.text
    assert flagged.json()["field"] == "consent"
    face = client.post(
        "/clinic/checks/face",
        headers=terminal,
        json={
            "certificate": b64(certificate_of(patient)),
            "live_image": b64(astronaut_camera()),
            "consent": {"limit_amount": True},
        },
    )
    assert face.status_code == 422 and face.json()["field"] == "consent"
    with system.uow() as uow:
        assert (
            uow.session.scalar(
                select(func.count())
                .select_from(ClinicVisit)
                .where(ClinicVisit.person_id == patient.person_id)
            )
            == 0
        )
    # A consent that grants nothing is no flag: the check goes through, without consent.
    plain = client.post("/clinic/checks/pin", headers=terminal, json={**body, "consent": {}})
    assert plain.status_code == 200, plain.text
    visit = plain.json()["visit_id"]
    refusal = client.get(f"/clinic/visits/{visit}/history", headers=terminal)
    assert refusal.status_code == 403 and refusal.json()["code"] == "consent-required"


def test_consent_counts_only_when_the_visits_card_signs_this_choice_for_this_visit(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    someone = insured_patient(system, world)
    visit = pin_visit(system, world.clinic, patient)
    earlier = pin_visit(system, world.clinic, patient)
    # The clinic's software states a choice, with no proof from the card: refused, audited.
    with system.uow() as uow, pytest.raises(AccessRefused) as caught:
        clinic.give_consent(
            uow.session, system.services, caller=world.clinic, visit_id=visit, consent=MEDICATION
        )
    assert caught.value.decision.reason == "consent-not-from-card"
    record_refusal_of(system, caught.value)
    assert "refused:give_consent" in actions(system, patient.person_id)
    attempts = {
        "another card signed": sign_consent(
            system, someone, fresh_nonce(system, world.clinic), visit, MEDICATION
        ),
        "another choice signed": sign_consent(
            system, patient, fresh_nonce(system, world.clinic), visit, Consent(checkups=True)
        ),
        "another visit signed": sign_consent(
            system, patient, fresh_nonce(system, world.clinic), earlier, MEDICATION
        ),
    }
    for what, signed in attempts.items():
        assert (
            refused_reason(consent_with, system, world.clinic, visit, MEDICATION, signed=signed)
            == "consent-not-from-card"
        ), what
    with pytest.raises(ConsentNotGiven):  # nothing was recorded on the visit
        history(system, world.clinic, visit)
    signed = sign_consent(system, patient, fresh_nonce(system, world.clinic), visit, MEDICATION)
    answer = consent_with(system, world.clinic, visit, MEDICATION, signed=signed)
    assert answer.consent == MEDICATION and answer.visit_id == visit
    with pytest.raises(ChallengeReplayed):  # the nonce answers once
        consent_with(system, world.clinic, visit, MEDICATION, signed=signed)
    view = history(system, world.clinic, visit)
    assert view.medication is not None and view.checkups is None
    assert {"allowed:give_consent", "give_consent"} <= set(actions(system, patient.person_id))


def test_consent_in_a_reader_session_needs_the_visits_card_in_the_reader(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    someone = insured_patient(system, world)
    visit = pin_visit(system, world.clinic, patient)
    with someone.chip.open_session() as reader:
        assert (
            refused_reason(consent_with, system, world.clinic, visit, MEDICATION, reader=reader)
            == "consent-not-from-card"
        )
    with patient.chip.open_session() as reader:
        consent_with(system, world.clinic, visit, MEDICATION, reader=reader)
    assert history(system, world.clinic, visit).medication is not None


def test_no_consent_at_a_letters_visit_another_clinics_or_a_closed_one(
    system: System, world: World
) -> None:
    person = register(system).person_id
    enrol(system, world.nhi, person, number="55501")
    with system.uow() as uow:
        by_letter = clinic.check_letter(
            uow.session,
            system.services,
            caller=world.clinic,
            insurer_number=NHI_NUMBER,
            symbol="1234",
            number="55501",
            branch="01",
            date_of_birth=dt.date(1995, 4, 12),
        ).visit_id
        uow.commit()
    with system.uow() as uow:  # no card: there is nothing that could sign
        assert (
            refused_reason(
                clinic.give_consent,
                uow.session,
                system.services,
                caller=world.clinic,
                visit_id=by_letter,
                consent=MEDICATION,
            )
            == "visit-not-proven-by-card"
        )
    patient = insured_patient(system, world)
    visit = pin_visit(system, world.clinic, patient)
    with system.uow() as uow:
        other = clinic.create_clinic(
            uow.session, system.services, code="1310199999", name="Other Clinic"
        )
        uow.commit()
        stranger = Caller(name="Other Clinic", role=Role.CLINIC, scope_id=other.id)
    signed = sign_consent(system, patient, fresh_nonce(system, stranger), visit, MEDICATION)
    assert (
        refused_reason(consent_with, system, stranger, visit, MEDICATION, signed=signed)
        == "no-visit-here"
    )
    with system.uow() as uow:
        clinic.close_visit(uow.session, system.services, caller=world.clinic, visit_id=visit)
        uow.commit()
    signed = sign_consent(system, patient, fresh_nonce(system, world.clinic), visit, MEDICATION)
    assert (
        refused_reason(consent_with, system, world.clinic, visit, MEDICATION, signed=signed)
        == "visit-closed"
    )


def test_consent_over_http_is_signed_by_the_card_and_a_bare_choice_is_refused(
    system: System, world: World, client: TestClient
) -> None:
    from mynumber.domain.terminal import consent_message

    patient = insured_patient(system, world)
    terminal = token_for(system, world.clinic)
    nonce = fresh_nonce(system, world.clinic)
    answer = clinic.answer_at_terminal(patient.chip, pin=AUTH_PIN, nonce=nonce)
    visit = client.post(
        "/clinic/checks/pin",
        headers=terminal,
        json={
            "nonce": b64(nonce),
            "certificate": b64(answer.certificate_der),
            "signature": b64(answer.signature),
        },
    ).json()["visit_id"]
    challenge = fresh_nonce(system, world.clinic)
    signed = clinic.answer_at_terminal(
        patient.chip, pin=AUTH_PIN, nonce=consent_message(challenge, visit, MEDICATION)
    )
    sent = {
        "nonce": b64(challenge),
        "certificate": b64(signed.certificate_der),
        "signature": b64(signed.signature),
    }
    # The card signed "medication"; the clinic's software sends "medication and check-ups".
    widened = client.post(
        f"/clinic/visits/{visit}/consent",
        headers=terminal,
        json={**sent, "medication": True, "checkups": True},
    )
    assert widened.status_code == 403 and widened.json()["reason"] == "consent-not-from-card"
    assert "refused:give_consent" in actions(system, patient.person_id)
    challenge = fresh_nonce(system, world.clinic)
    signed = clinic.answer_at_terminal(
        patient.chip, pin=AUTH_PIN, nonce=consent_message(challenge, visit, MEDICATION)
    )
    given = client.post(
        f"/clinic/visits/{visit}/consent",
        headers=terminal,
        json={
            "medication": True,
            "nonce": b64(challenge),
            "certificate": b64(signed.certificate_der),
            "signature": b64(signed.signature),
        },
    )
    assert given.status_code == 200, given.text
    assert given.json()["consent"] == {"medication": True, "checkups": False, "limit_amount": False}
    shared = client.get(f"/clinic/visits/{visit}/history", headers=terminal)
    assert shared.status_code == 200 and shared.json()["checkups"] is None


# --- 2. the staff visual check: the card in the reader, the clerk named ------------------


def test_the_visual_check_needs_the_card_in_the_reader_and_names_the_clerk(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    someone = insured_patient(system, world)
    with system.uow() as uow, pytest.raises(FaceNotMatched):
        clinic.check_with_face_kept(
            uow,
            system.services,
            caller=world.clinic,
            certificate_der=certificate_of(patient),
            live_image=stranger_camera(),
        )
    desk = replace(world.clinic, clerk_id=7, clerk="sato")

    def visual(who: Caller, **proof: Any) -> Any:
        with system.uow() as uow:
            answer = clinic.check_with_visual(uow.session, system.services, caller=who, **proof)
            uow.commit()
        return answer

    # A certificate kept from an earlier visit proves no card is here.
    assert (
        refused_reason(visual, desk, reader=None, certificate_der=certificate_of(patient))
        == "card-not-in-terminal"
    )
    with someone.chip.open_session() as other_card, pytest.raises(Conflict):
        # The check is about the card in the reader (its certificate is read from it), not a
        # certificate sent beside it: that card never failed a face match here.
        visual(desk, reader=other_card, certificate_der=certificate_of(patient))
    with patient.chip.open_session() as reader:
        assert refused_reason(visual, world.clinic, reader=reader) == "no-clerk"
        answer = visual(desk, reader=reader)
    assert answer.method == "visual" and answer.eligible
    with system.uow() as uow:
        clerks = set(
            uow.session.scalars(
                select(AuditEntry.clerk).where(
                    AuditEntry.person_id == patient.person_id,
                    AuditEntry.action.in_(("visual_identity_check", "allowed:visual_check")),
                )
            )
        )
    assert clerks == {"sato"}


# --- 3. records only at the clinic's own open, card-proved visit --------------------------


def test_records_are_written_only_at_the_clinics_own_open_card_proved_visit(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    visit = pin_visit(system, world.clinic, patient)
    pills = [Medicine("Amlodipine", "5 mg", 28)]

    def prescribe(who: Caller, visit_id: int) -> Any:
        with system.uow() as uow:
            view = medical_records.write_prescription(
                uow.session, system.services, caller=who, visit_id=visit_id, medicines=pills
            )
            uow.commit()
        return view

    with system.uow() as uow:
        other = clinic.create_clinic(
            uow.session, system.services, code="1310199999", name="Other Clinic"
        )
        uow.commit()
        stranger = Caller(name="Other Clinic", role=Role.CLINIC, scope_id=other.id)
    with system.uow() as uow, pytest.raises(AccessRefused) as caught:
        medical_records.write_checkup_at_clinic(
            uow.session,
            system.services,
            caller=stranger,
            visit_id=visit,
            checkup=medical_records.Checkup({"BP": "120/80"}),
        )
    assert caught.value.decision.reason == "no-visit-here"
    record_refusal_of(system, caught.value)
    assert refused_reason(prescribe, stranger, visit) == "no-visit-here"
    assert prescribe(world.clinic, visit).kind == "prescription"
    person = register(system).person_id
    enrol(system, world.nhi, person, number="55502")
    with system.uow() as uow:
        by_letter = clinic.check_letter(
            uow.session,
            system.services,
            caller=world.clinic,
            insurer_number=NHI_NUMBER,
            symbol="1234",
            number="55502",
            branch="01",
            date_of_birth=dt.date(1995, 4, 12),
        ).visit_id
        uow.commit()
    assert refused_reason(prescribe, world.clinic, by_letter) == "visit-not-proven-by-card"
    with system.uow() as uow:
        clinic.close_visit(uow.session, system.services, caller=world.clinic, visit_id=visit)
        uow.commit()
    assert refused_reason(prescribe, world.clinic, visit) == "visit-closed"
    done = actions(system, patient.person_id)
    assert "allowed:record_at_visit" in done and "refused:record_at_visit" in done


# --- 4. the kiosk: only the card in its reader, before any PIN or face -----------------------


def test_the_kiosk_spends_no_pin_try_on_a_card_not_in_its_reader(
    cards: System, snapshots: Snapshots
) -> None:
    holder = snapshots.give(cards, issued_card)
    other = issued_card(
        cards, name="Doe Jane", born=dt.date(1990, 1, 2), residence_card_number="CD87654321EF"
    )

    def reset(reader: Any) -> None:
        with cards.uow() as uow:
            kiosk.reset_pin_at_kiosk(
                uow.session,
                cards.services,
                caller=KIOSK,
                card_serial=holder.serial,
                pin=PinKind.USER_AUTHENTICATION,
                signature_pin="WRONG1234",
                live_image=astronaut_camera(),
                new_pin="3819",
                reader=reader,
            )

    with pytest.raises(AccessRefused) as caught:
        reset(None)  # named by serial, no card in the reader
    assert caught.value.decision.reason == "card-not-in-terminal"
    record_refusal_of(cards, caught.value)
    with chip(cards, other.serial).open_session() as reader:
        assert refused_reason(reset, reader) == "card-not-in-terminal"
    for serial in (holder.serial, other.serial):
        assert chip(cards, serial).open_session().tries_left(PinKind.SIGNATURE) == 5
    assert "refused:use_card" in actions(cards, holder.person_id)
    with chip(cards, holder.serial).open_session() as reader, pytest.raises(WrongPin):
        reset(reader)  # in the reader: the wrong signature PIN is now checked, and counted
    assert chip(cards, holder.serial).open_session().tries_left(PinKind.SIGNATURE) == 4


def test_the_kiosk_over_http_is_refused_before_any_pin(cards: System, snapshots: Snapshots) -> None:
    holder = snapshots.give(cards, issued_card)
    with TestClient(create_app(cards), raise_server_exceptions=False) as client:
        headers = token_for(cards, KIOSK)
        resp = client.post(
            f"/kiosk/cards/{holder.serial}/pins/user_authentication/reset",
            headers=headers,
            json={
                "signature_pin": "WRONG1234",
                "new_pin": "3819",
                "live_image_base64": b64(astronaut_camera()),
            },
        )
    assert resp.status_code == 403, resp.text
    assert resp.json()["reason"] == "card-not-in-terminal"
    assert chip(cards, holder.serial).open_session().tries_left(PinKind.SIGNATURE) == 5
    assert "refused:use_card" in actions(cards, holder.person_id)


# --- 5. a card is returned by its holder, identity checked ----------------------------------


def test_a_card_is_returned_only_against_the_holders_identity(
    cards: System, snapshots: Snapshots
) -> None:
    holder = snapshots.give(cards, issued_card)

    def give_back(**shown: Any) -> Any:
        with cards.uow() as uow:
            card = card_counter.return_card(
                uow.session, cards.services, caller=ward(), card_serial=holder.serial, **shown
            )
            uow.commit()
        return card

    with pytest.raises(InvalidInput) as no_photo:  # a letter is no photo ID
        give_back(identity=identity(), id_documents=(IdDocument.NOTIFICATION_LETTER,))
    assert no_photo.value.details["field"] == "id_documents"
    with pytest.raises(Forbidden) as someone_else:
        give_back(identity=identity(name="Someone Else"), id_documents=(IdDocument.RESIDENCE_CARD,))
    assert someone_else.value.details["reason"] == "not_the_holder"
    with cards.uow() as uow:
        assert (
            card_use.card_status(
                uow.session, cards.services, caller=ward(), card_serial=holder.serial
            ).status
            == CardStatus.ACTIVE
        )
    assert chip(cards, holder.serial).open_session().tries_left(PinKind.SIGNATURE) == 5
    # The card itself, handed back, is the holder's photo ID.
    returned = give_back(identity=identity(), id_documents=(IdDocument.MY_NUMBER_CARD,))
    assert returned.status == CardStatus.INVALID


def test_returning_a_card_over_http_without_an_identity_is_refused(
    cards: System, snapshots: Snapshots
) -> None:
    holder = snapshots.give(cards, issued_card)
    with TestClient(create_app(cards), raise_server_exceptions=False) as client:
        with cards.uow() as uow:
            made = tokens.issue_token(
                uow.session,
                cards.services,
                role=Role.WARD_OFFICE,
                municipality_code="131016",
                organisation="Chiyoda",
            )
            uow.commit()
        headers = {"Authorization": f"Bearer {made}"}
        bare = client.post(f"/cards/{holder.serial}/return", headers=headers)
        assert bare.status_code == 400, bare.text
        assert bare.json()["code"] == "body-missing"
        other = client.post(
            f"/cards/{holder.serial}/return",
            headers=headers,
            json={
                "name_latin": "Someone Else",
                "date_of_birth": "1995-04-12",
                "id_documents": ["residence_card"],
            },
        )
        assert other.status_code == 403, other.text
    with cards.uow() as uow:
        assert (
            card_use.card_status(
                uow.session, cards.services, caller=ward(), card_serial=holder.serial
            ).status
            == CardStatus.ACTIVE
        )
    assert PINS.signature  # the holder's card keeps its PINs: nothing was erased
    assert chip(cards, holder.serial).open_session().tries_left(PinKind.SIGNATURE) == 5
