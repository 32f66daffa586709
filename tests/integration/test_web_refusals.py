"""The access policy's refusals driven through the pages (issue 15; both databases): a clerk
of another ward office cannot see, report lost or take back a resident's card; another clinic
cannot open a visit's history; a clinic without the patient's consent at the terminal cannot
either. Each is a 403 page and an audit entry naming the clerk; nothing changes."""

from __future__ import annotations

import re

from sqlalchemy import select

from mynumber.adapters.db.models import AuditEntry
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.pins import PinKind
from mynumber.services.cards import use as card_use
from mynumber.services.insurance import clinic
from tests.conftest import ward
from tests.integration.card_support import chip, issued_card
from tests.integration.clinic_support import AUTH_PIN, insured_patient, setup_world
from tests.integration.test_web_card_counter import Desk

COUNTER = "/staff/card-counter"
TERMINAL = "/staff/clinic"
HOLDER = {
    "name_latin": "Smith John",
    "date_of_birth": "1995-04-12",
    "id_documents": "my_number_card",
}


def refusals(system: System, person_id: int, clerk: str) -> list[str]:
    """The refused actions the audit log holds about ``person_id``, by ``clerk``."""
    with system.uow() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry.action)
                .where(
                    AuditEntry.person_id == person_id,
                    AuditEntry.clerk == clerk,
                    AuditEntry.action.like("refused:%"),
                )
                .order_by(AuditEntry.id)
            )
        )


def test_another_ward_offices_clerk_is_refused_the_card_pages_and_each_is_audited(
    cards: System,
) -> None:
    holder = issued_card(cards)
    shibuya = Desk(cards, Role.WARD_OFFICE, municipality_code="131130")
    clerk = shibuya.client.form["login"]
    card_page = f"{COUNTER}/cards/{holder.serial}"
    seen = shibuya.get(card_page)
    assert seen.status_code == 403 and "Smith" not in seen.text
    # The forms are posted as a page would (a CSRF token from a page the clerk may open).
    lost = shibuya.post(f"{card_page}/lost", {}, page=COUNTER)
    back = shibuya.post(f"{card_page}/return", HOLDER, page=COUNTER)
    assert lost.status_code == 403 and back.status_code == 403
    refused = refusals(cards, holder.person_id, clerk)
    # each refused form re-renders the card page, itself refused (and audited) again
    assert refused.count("refused:handle_card") == 2 and "refused:view_card" in refused
    with cards.uow() as uow:
        assert (
            card_use.card_status(
                uow.session, cards.services, caller=ward(), card_serial=holder.serial
            ).status
            == "active"
        )
    assert chip(cards, holder.serial).open_session().tries_left(PinKind.SIGNATURE) == 5
    # The holder's own office takes the card back, with the card itself as the photo ID.
    chiyoda = Desk(cards, Role.WARD_OFFICE, municipality_code="131016")
    assert chiyoda.post(f"{card_page}/return", HOLDER, page=COUNTER).status_code == 303


def test_a_visits_history_page_is_refused_to_another_clinic_and_without_consent(
    system: System,
) -> None:
    world = setup_world(system)
    patient = insured_patient(system, world)
    kanda = Desk(system, Role.CLINIC, scope_id=world.clinic_id)
    page = f"{TERMINAL}/cards/{patient.serial}"
    answer = kanda.post(page, {"method": "pin", "user_authentication_pin": AUTH_PIN}, page=page)
    assert answer.status_code == 200, answer.text
    found = re.search(r"/visits/([a-z0-9_]+)/", answer.text)
    assert found, "the answer names the visit"
    history = f"{TERMINAL}/visits/{found.group(1)}/history"
    unconsented = kanda.get(history)
    assert unconsented.status_code == 403 and "has not consented" in unconsented.text
    assert refusals(system, patient.person_id, kanda.client.form["login"]) == [
        "refused:view_history"
    ]
    with system.uow() as uow:
        other = clinic.create_clinic(
            uow.session, system.services, code="1310199999", name="Other Clinic"
        )
        uow.commit()
        other_id = other.id
    stranger = Desk(system, Role.CLINIC, scope_id=other_id)
    elsewhere = stranger.get(history)
    assert elsewhere.status_code == 403 and "Past medication" not in elsewhere.text
    assert refusals(system, patient.person_id, stranger.client.form["login"]) == [
        "refused:view_history"
    ]
