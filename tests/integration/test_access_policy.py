"""Access decided by relationship (issue 15): each leak found by a hostile organisation is
refused — and audited — while the related caller is still served (and audited). Both
databases, through the API, the CLI and the use cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from mynumber.adapters.db.models import AuditEntry, MailItem
from mynumber.adapters.db.models_card import Card
from mynumber.adapters.db.models_insurance import ClinicVisit, InsuranceEnrolment
from mynumber.adapters.db.models_pki import TaxReceipt
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.cli import card as cli_card
from mynumber.cli.main import app as cli_app
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Forbidden, NotFound
from mynumber.domain.pins import PinKind
from mynumber.services.cards import use as card_use
from mynumber.services.core import tokens
from mynumber.services.core.audit import run_use_case
from mynumber.services.core.context import Caller
from mynumber.services.core.policy import AccessRefused
from mynumber.services.insurance import clinic
from mynumber.services.registry.numbers import read_my_number
from tests.client import TestClient
from tests.conftest import ref, ward
from tests.integration.card_support import PINS, Issued, chip, issued_card, photo
from tests.integration.clinic_support import (
    AUTH_PIN,
    World,
    b64,
    certificate_of,
    enrol,
    insured_patient,
    setup_world,
    stranger_camera,
    token_for,
)
from tests.integration.snapshots import Snapshots

CHIYODA, SHIBUYA = "131016", "131130"


@pytest.fixture
def client(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def holder(cards: System, snapshots: Snapshots) -> Issued:
    """A Chiyoda resident with a collected card."""
    return snapshots.give(cards, issued_card)


def token(
    system: System,
    role: Role,
    *,
    municipality: str | None = None,
    scope_id: int | None = None,
    name: str | None = None,
) -> dict[str, str]:
    with system.uow() as uow:
        made = tokens.issue_token(
            uow.session,
            system.services,
            role=role,
            municipality_code=municipality,
            scope_id=scope_id,
            organisation=name or f"{role.value} {municipality or scope_id}",
        )
        uow.commit()
    return {"Authorization": f"Bearer {made}"}


def audit_actions(system: System, person_id: int) -> list[str]:
    with system.uow() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.person_id == person_id)
                .order_by(AuditEntry.id)
            )
        )


def refused(resp: Any, system: System, person_id: int, action: str) -> None:
    """403 problem+json in both languages, and the refusal is in the audit log."""
    assert resp.status_code == 403, resp.text
    body = resp.json()
    assert body["code"] in ("access-refused", "consent-required"), body
    assert body["detail"] and body["detail_ja"]
    assert f"refused:{action}" in audit_actions(system, person_id)


# --- the register's My Number ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "purpose"),
    [
        (Role.EMPLOYER, "tax"),
        (Role.EMPLOYER, "social_security"),
        (Role.INSURER, "social_security"),
        (Role.TAX_OFFICE, "tax"),
        (Role.CARD_CENTRE, "resident_registry"),
        (Role.WARD_OFFICE, "tax"),
    ],
)
def test_no_unrelated_organisation_gets_a_number_from_the_register(
    cards: System, client: TestClient, holder: Issued, role: Role, purpose: str
) -> None:
    headers = token(
        cards,
        role,
        municipality=SHIBUYA if role is Role.WARD_OFFICE else None,
        scope_id=4242 if role in (Role.EMPLOYER, Role.INSURER) else None,
    )
    resp = client.post(
        f"/ward-office/residents/{ref('per', holder.person_id)}/my-number",
        headers=headers,
        json={"purpose": purpose},
    )
    refused(resp, cards, holder.person_id, "read_number")
    assert "my_number" not in resp.text


def test_the_residents_own_ward_office_reads_the_number_audited(
    cards: System, client: TestClient, holder: Issued
) -> None:
    resp = client.post(
        f"/ward-office/residents/{ref('per', holder.person_id)}/my-number",
        headers=token(cards, Role.WARD_OFFICE, municipality=CHIYODA),
        json={"purpose": "tax"},
    )
    assert resp.status_code == 200, resp.text
    assert len(resp.json()["my_number"]) == 12
    assert "allowed:read_number" in audit_actions(cards, holder.person_id)


def test_the_persons_insurer_and_a_tax_office_with_their_return_are_related(
    cards: System, holder: Issued
) -> None:
    world = setup_world(cards)
    enrol(cards, world.nhi, holder.person_id)
    tax = Caller(name="Kojimachi tax office", role=Role.TAX_OFFICE)
    with cards.uow() as uow, pytest.raises(AccessRefused):
        read_my_number(
            uow.session, cards.services, caller=tax, person_id=holder.person_id, purpose=Purpose.TAX
        )
    with cards.uow() as uow:
        now = cards.services.clock.now()
        uow.session.add(
            TaxReceipt(
                receipt_number="R" * 20,
                person_id=holder.person_id,
                tax_year=2025,
                certificate_serial="1",
                signed_at=now,
                received_at=now,
                document_sha256="0" * 64,
                signed_xml=b"<return/>",
            )
        )
        for who, purpose in ((world.nhi, Purpose.SOCIAL_SECURITY), (tax, Purpose.TAX)):
            assert read_my_number(
                uow.session, cards.services, caller=who, person_id=holder.person_id, purpose=purpose
            ).digits
        with pytest.raises(AccessRefused):  # another insurer
            read_my_number(
                uow.session,
                cards.services,
                caller=world.association,
                person_id=holder.person_id,
                purpose=Purpose.SOCIAL_SECURITY,
            )


# --- another municipality's cards and letters ---------------------------------------------


def test_another_ward_office_cannot_touch_a_residents_card_or_letter(
    cards: System, client: TestClient, holder: Issued
) -> None:
    shibuya = token(cards, Role.WARD_OFFICE, municipality=SHIBUYA)
    pid, serial, application = holder.person_id, holder.serial, holder.application_id
    with cards.uow() as uow:
        mail_id = uow.session.scalars(select(MailItem.id).where(MailItem.person_id == pid)).first()
    attempts = [
        ("get", f"/ward-office/residents/{ref('per', pid)}", None, "view_person"),
        ("get", f"/ward-office/residents/{ref('per', pid)}/letter.pdf", None, "handle_letter"),
        ("post", f"/ward-office/residents/{ref('per', pid)}/letter/reissue", None, "handle_letter"),
        (
            "post",
            f"/ward-office/mail/{ref('mail', mail_id or 0)}/returned",
            {"reason": "not_home"},
            "handle_letter",
        ),
        ("get", f"/cards/{serial}", None, "view_card"),
        ("get", f"/cards/applications/{application}", None, "view_application"),
        ("get", f"/cards/applications/{application}/pickup-notice.pdf", None, "view_application"),
        ("post", f"/cards/{serial}/use", {"pin": PINS.user_authentication}, "use_card"),
        ("post", f"/cards/{serial}/lost", None, "handle_card"),
        (
            "post",
            f"/cards/{serial}/return",
            {
                "name_latin": "Smith John",
                "date_of_birth": "1995-04-12",
                "id_documents": ["my_number_card"],
            },
            "handle_card",
        ),
    ]
    for method, path, body, action in attempts:
        resp = client.request(method, path, headers=shibuya, json=body)
        refused(resp, cards, pid, action)
    with cards.uow() as uow:  # nothing happened to the card: still active, chip intact
        assert (
            card_use.card_status(
                uow.session, cards.services, caller=ward(CHIYODA), card_serial=serial
            ).status
            == "active"
        )
    assert chip(cards, serial).open_session().tries_left(PinKind.USER_AUTHENTICATION) == 3
    chiyoda = token(cards, Role.WARD_OFFICE, municipality=CHIYODA)
    resident = f"/ward-office/residents/{ref('per', pid)}"
    assert client.get(resident, headers=chiyoda).status_code == 200
    assert client.post(f"/cards/{serial}/lost", headers=chiyoda).status_code == 200
    assert "allowed:handle_card" in audit_actions(cards, pid)


def test_the_cli_acts_only_for_the_municipality_it_names(
    cards: System, holder: Issued, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_card, "_system", lambda: cards)
    runner = CliRunner()
    done = runner.invoke(
        cli_app,
        [
            "card",
            "return",
            holder.serial,
            "--name",
            "Smith John",
            "--born",
            "1995-04-12",
            "--doc",
            "my_number_card",
            "--municipality",
            SHIBUYA,
        ],
    )
    assert done.exit_code == 1 and "municipality" in done.output
    assert "refused:handle_card" in audit_actions(cards, holder.person_id)
    done = runner.invoke(cli_app, ["card", "show", holder.serial, "--municipality", CHIYODA])
    assert done.exit_code == 0 and "status: active" in done.output


# --- terminals do only their job -----------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CLINIC, Role.KIOSK])
def test_a_terminal_cannot_enter_a_pin_on_a_card_named_by_serial(
    cards: System, client: TestClient, holder: Issued, role: Role
) -> None:
    headers = token(cards, role, scope_id=1)
    resp = client.post(
        f"/cards/{holder.serial}/use",
        headers=headers,
        json={"pin_kind": "signature", "pin": "WRONG123"},
    )
    refused(resp, cards, holder.person_id, "use_card")
    assert chip(cards, holder.serial).open_session().tries_left(PinKind.SIGNATURE) == 5


def test_a_clinic_terminal_verifies_only_the_user_authentication_pin_of_the_card_in_it(
    cards: System, holder: Issued
) -> None:
    terminal = Caller(name="Kanda Clinic", role=Role.CLINIC, scope_id=1)
    with chip(cards, holder.serial).open_session() as reader:
        with cards.uow() as uow:
            with pytest.raises(Forbidden) as caught:
                card_use.use_card(
                    uow.session,
                    cards.services,
                    caller=terminal,
                    card_serial=holder.serial,
                    pin_kind=PinKind.SIGNATURE,
                    pin="WRONG123",
                    reader=reader,
                )
            assert caught.value.details["reason"] == "pin-not-for-this-terminal"
        assert reader.tries_left(PinKind.SIGNATURE) == 5
        with cards.uow() as uow:
            card_use.use_card(
                uow.session,
                cards.services,
                caller=terminal,
                card_serial=holder.serial,
                pin_kind=PinKind.USER_AUTHENTICATION,
                pin=PINS.user_authentication,
                reader=reader,
            )
            uow.commit()
    assert "allowed:use_card" in audit_actions(cards, holder.person_id)
    other = issued_card(
        cards, name="Doe Jane", born=dt.date(1990, 1, 2), residence_card_number="CD87654321EF"
    )
    # The card in the reader is not the card named: refused before any PIN is entered.
    with (
        chip(cards, other.serial).open_session() as reader,
        cards.uow() as uow,
        pytest.raises(AccessRefused),
    ):
        card_use.use_card(
            uow.session,
            cards.services,
            caller=terminal,
            card_serial=holder.serial,
            pin_kind=PinKind.USER_AUTHENTICATION,
            pin="0000",
            reader=reader,
        )
    assert chip(cards, holder.serial).open_session().tries_left(PinKind.USER_AUTHENTICATION) == 3


# --- the clinic ----------------------------------------------------------------------------


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


def test_a_cat_photo_sent_as_both_images_does_not_open_a_visit(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    terminal = token_for(system, world.clinic)
    with TestClient(create_app(system), raise_server_exceptions=False) as client:
        cat = stranger_camera()
        resp = client.post(
            "/clinic/checks/face",
            headers=terminal,
            json={
                "certificate": b64(certificate_of(patient)),
                "chip_photo": b64(cat),
                "live_image": b64(cat),
                "consent": {"medication": True, "checkups": True},
            },
        )
        assert resp.status_code in (401, 403, 409, 422), resp.text
        assert "visit_id" not in resp.json()


def _visit_at(system: System, world: World, patient: Any) -> int:
    """A visit opened at ``world``'s clinic by the patient's card and PIN."""
    with system.uow() as uow:
        challenge = clinic.new_challenge(uow.session, system.services, caller=world.clinic)
        uow.commit()
    signed = clinic.answer_at_terminal(patient.chip, pin=AUTH_PIN, nonce=challenge.nonce)
    with system.uow() as uow:
        visit: int = clinic.check_with_pin(
            uow.session,
            system.services,
            caller=world.clinic,
            nonce=challenge.nonce,
            certificate_der=signed.certificate_der,
            signature=signed.signature,
        ).visit_id
        uow.commit()
    return visit


def test_history_only_within_the_clinics_own_card_proved_consented_visit(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    svc = system.services
    from mynumber.domain.insurance import Consent
    from tests.integration.clinic_support import consent_at_terminal

    visit = _visit_at(system, world, patient)
    consent_at_terminal(system, world.clinic, patient, visit, Consent(medication=True))
    with system.uow() as uow:
        other_place = clinic.create_clinic(uow.session, svc, code="1310199999", name="Other Clinic")
        uow.commit()
        other = Caller(name="Other Clinic", role=Role.CLINIC, scope_id=other_place.id)
    with system.uow() as uow, pytest.raises(AccessRefused) as caught:
        clinic.view_history(uow.session, svc, caller=other, visit_id=visit)
    assert caught.value.decision.reason == "no-visit-here"
    with system.uow() as uow:
        assert (
            clinic.view_history(uow.session, svc, caller=world.clinic, visit_id=visit).medication
            is not None
        )
        uow.commit()
    assert "allowed:view_history" in audit_actions(system, patient.person_id)


def test_another_insurers_enrolment_is_not_found_and_the_attempt_is_audited(
    system: System, world: World
) -> None:
    """An insurer that names another insurer's enrolment hears what it would of a missing one
    (nothing of the person), and the attempt is in the log, about the person, as a refusal;
    a missing enrolment leaves no entry (there is no one to tell)."""
    patient = insured_patient(system, world)
    association = token_for(system, world.association)
    end = {"last_day": "2026-04-30", "reason": "moved_away"}
    before = refusals_of(system, "relation")
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        missing = c.post(
            f"/insurer/enrolments/{ref('enr', 999_999)}/end", headers=association, json=end
        )
        assert refusals_of(system, "relation") == before
        theirs = c.post(
            f"/insurer/enrolments/{ref('enr', patient.enrolment_id)}/end",
            headers=association,
            json=end,
        )
    assert missing.status_code == theirs.status_code == 404
    assert missing.json()["code"] == theirs.json()["code"] == "not-found"
    assert refusals_of(system, "relation") == before + 1
    assert audit_actions(system, patient.person_id).count("refused:relation") == 1
    with system.uow() as uow:
        kept = uow.session.get(InsuranceEnrolment, patient.enrolment_id)
        assert kept is not None and kept.valid_until is None  # not ended


def test_another_clinics_visit_is_not_found_and_the_attempt_is_audited_by_api_and_pages(
    system: System, world: World
) -> None:
    """Closing a visit of another clinic: a not-found through the API and through the use
    case the pages and the CLI run (``run_use_case``), one refusal entry about the patient
    each time; the visit stays open."""
    patient = insured_patient(system, world)
    visit = _visit_at(system, world, patient)
    with system.uow() as uow:
        place = clinic.create_clinic(uow.session, system.services, code="1310199999", name="Other")
        uow.commit()
        other = Caller(name="Other Clinic", role=Role.CLINIC, scope_id=place.id)
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        resp = c.post(f"/clinic/visits/{ref('vis', visit)}/close", headers=token_for(system, other))
    assert resp.status_code == 404 and resp.json()["code"] == "not-found"
    assert audit_actions(system, patient.person_id).count("refused:relation") == 1
    with pytest.raises(NotFound):
        run_use_case(
            system, lambda s, svc: clinic.close_visit(s, svc, caller=other, visit_id=visit)
        )
    assert audit_actions(system, patient.person_id).count("refused:relation") == 2
    with pytest.raises(NotFound):  # no such visit: nothing to tell anyone
        run_use_case(
            system, lambda s, svc: clinic.close_visit(s, svc, caller=other, visit_id=999_999)
        )
    assert refusals_of(system, "relation") == 2
    with system.uow() as uow:
        kept = uow.session.get(ClinicVisit, visit)
        assert kept is not None and kept.closed_at is None


# --- the policy answers before any state check ---------------------------------------------
# An unrelated caller gets the policy's 403 (audited) and learns nothing of the person: no
# "already collected", "still insured elsewhere", "registered in municipality …". Each of
# these answered 409 with the person's state before the policy was asked first.


def says_nothing_of_the_person(resp: Any, *words: str) -> None:
    text = resp.text.lower()
    for word in words:
        assert word.lower() not in text, (word, resp.text)


def refusals_of(system: System, action: str) -> int:
    with system.uow() as uow:
        return len(
            list(
                uow.session.scalars(
                    select(AuditEntry.id).where(AuditEntry.action == f"refused:{action}")
                )
            )
        )


def test_another_office_cannot_register_a_person_moving_in_to_chiyoda(
    cards: System, client: TestClient, holder: Issued
) -> None:
    shibuya = token(cards, Role.WARD_OFFICE, municipality=SHIBUYA)
    before = refusals_of(cards, "change_registration")
    today = cards.services.clock.today()
    resp = client.post(
        "/ward-office/residents",
        headers=shibuya,
        json={
            "municipality_code": CHIYODA,
            "name_latin": "Smith John",
            "date_of_birth": "1995-04-12",
            "sex": "M",
            "nationality": "US",
            "address": "1-1 Chiyoda",
            "started_living_on": today.isoformat(),
            "id_documents": ["residence_card", "passport"],
            "residence_card_number": "AB12345678CD",
            "status_of_residence": "Engineer/Specialist",
            "period_of_stay_ends": (today + dt.timedelta(days=800)).isoformat(),
        },
    )
    assert resp.status_code == 403, resp.text
    assert resp.json()["reason"] == "other-municipality"
    says_nothing_of_the_person(
        resp, "still registered", "転出届", "counter belongs", "returning", "masked_number"
    )
    assert refusals_of(cards, "change_registration") == before + 1


def test_another_office_cannot_apply_for_a_residents_card(
    cards: System, client: TestClient, holder: Issued
) -> None:
    shibuya = token(cards, Role.WARD_OFFICE, municipality=SHIBUYA)
    resp = client.post(
        "/cards/applications",
        headers=shibuya,
        json={
            "channel": "counter",
            "person_id": ref("per", holder.person_id),
            "photo_base64": b64(photo()),
            "taken_within_six_months": True,
            "no_headwear": True,
            "plain_background": True,
        },
    )
    refused(resp, cards, holder.person_id, "apply_for_card")
    says_nothing_of_the_person(
        resp, "valid card", "expires", "open card application", "counter belongs", "no active"
    )


def test_another_office_cannot_update_a_residents_chip(
    cards: System, client: TestClient, holder: Issued
) -> None:
    shibuya = token(cards, Role.WARD_OFFICE, municipality=SHIBUYA)
    resp = client.post(
        f"/cards/{holder.serial}/chip-update",
        headers=shibuya,
        json={
            "name_latin": "Smith John",
            "date_of_birth": "1995-04-12",
            "residence_card_number": "AB12345678CD",
            "id_documents": ["residence_card"],
        },
    )
    refused(resp, cards, holder.person_id, "handle_card")
    says_nothing_of_the_person(
        resp, "already shows", "registered address", "counter belongs", "131016"
    )


def test_another_office_cannot_learn_that_a_card_was_collected(
    cards: System, client: TestClient, holder: Issued
) -> None:
    shibuya = token(cards, Role.WARD_OFFICE, municipality=SHIBUYA)
    resp = client.post(
        f"/cards/applications/{holder.application_id}/collect",
        headers=shibuya,
        json={
            "name_latin": "Smith John",
            "date_of_birth": "1995-04-12",
            "residence_card_number": "AB12345678CD",
            "id_documents": ["residence_card", "notification_letter"],
            "user_authentication_pin": "4826",
            "resident_registry_pin": "5937",
            "card_info_input_pin": "7148",
            "signature_pin": "TARO2026",
        },
    )
    refused(resp, cards, holder.person_id, "handle_card")
    says_nothing_of_the_person(resp, "collected", "交付済", "still being made")


def test_only_the_holder_their_office_or_the_card_at_a_terminal_register_insurance_use(
    cards: System, client: TestClient, holder: Issued
) -> None:
    url = f"/residents/{ref('per', holder.person_id)}/insurance-use"
    shibuya = token(cards, Role.WARD_OFFICE, municipality=SHIBUYA)
    clinic_terminal = token(cards, Role.CLINIC, scope_id=1)
    for headers in (shibuya, clinic_terminal):  # before: Shibuya's office registered it
        refused(
            client.post(url, headers=headers, json={"channel": "counter"}),
            cards,
            holder.person_id,
            "register_insurance_use",
        )
    with cards.uow() as uow:
        assert (
            uow.session.scalars(
                select(Card.insurance_use).where(Card.serial == holder.serial)
            ).one()
            is False
        )
    own = token(cards, Role.WARD_OFFICE, municipality=CHIYODA)
    assert client.post(url, headers=own, json={"channel": "counter"}).status_code == 201
    for headers in (shibuya, clinic_terminal):  # nor that it is registered now
        resp = client.post(url, headers=headers, json={"channel": "counter"})
        refused(resp, cards, holder.person_id, "register_insurance_use")
        says_nothing_of_the_person(resp, "already registered", "既に", "card_serial")


@pytest.mark.parametrize("unrelated", ["shibuya_nhi", "association"])
def test_an_insurer_not_entitled_to_insure_learns_nothing_of_the_person(
    cards: System, client: TestClient, holder: Issued, unrelated: str
) -> None:
    from mynumber.domain.insurance import InsurerKind, insurer_check_digit
    from mynumber.services.insurance import insurer

    def number(body: str) -> str:
        return f"{body}{insurer_check_digit(body)}"

    with cards.uow() as uow:
        made = {
            "chiyoda_nhi": insurer.create_insurer(
                uow.session,
                cards.services,
                kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
                insurer_number=number("13101"),
                name_ja="千代田区国民健康保険",
                municipality_code=CHIYODA,
            ),
            "shibuya_nhi": insurer.create_insurer(
                uow.session,
                cards.services,
                kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
                insurer_number=number("13113"),
                name_ja="渋谷区国民健康保険",
                municipality_code=SHIBUYA,
            ),
            "association": insurer.create_insurer(
                uow.session,
                cards.services,
                kind=InsurerKind.EMPLOYER,
                insurer_number=number("0613999"),
                name_ja="例示健康保険組合",
            ),
        }
        uow.commit()
        ids = {name: row.id for name, row in made.items()}
    body = {
        "person_id": ref("per", holder.person_id),
        "symbol": "1234",
        "branch": "01",
        "valid_from": cards.services.clock.today().isoformat(),
    }
    chiyoda = token(cards, Role.INSURER, scope_id=ids["chiyoda_nhi"])
    assert (
        client.post(
            "/insurer/enrolments", headers=chiyoda, json={**body, "number": "1001"}
        ).status_code
        == 201
    )
    resp = client.post(
        "/insurer/enrolments",
        json={**body, "number": "2002"},
        headers=token(cards, Role.INSURER, scope_id=ids[unrelated]),
    )
    refused(resp, cards, holder.person_id, "enrol_insured")
    assert resp.json()["reason"] == "not-entitled-to-insure"
    says_nothing_of_the_person(
        resp,
        "insured elsewhere",
        "資格喪失",
        "enrolment_id",
        "registered as living",
        "late-elderly-system",
        "75歳",
    )
