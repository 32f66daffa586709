"""一時停止の解除 — a card reported lost is found (RULES.md "lost card found";
``domain.found_card``), both databases: lifted at the ward office against the holder's ID;
the certificates the loss revoked stay revoked (OCSP) and new ones on new keys are issued;
an open reissue is cancelled; after a collected reissue it is refused. Over the API, the
pages and the CLI too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import load_der_x509_certificate, ocsp
from sqlalchemy import select

from mynumber.adapters.db.models_card import CardApplication, Certificate
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.cards import IdentityShown
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.errors import Conflict, Forbidden, InvalidInput
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import use as card_use
from mynumber.services.core.policy import AccessRefused
from mynumber.services.jpki.certificates import answer_ocsp_request
from tests.client import TestClient
from tests.conftest import ward
from tests.integration.card_support import (
    Issued,
    apply_at_counter,
    card_row,
    collect,
    identity,
    issued_card,
    pass_days,
    resident,
)
from tests.integration.snapshots import Snapshots
from tests.integration.test_counter_fees import _token
from tests.integration.test_web_card_counter import Desk

THE_CARD_ITSELF = (IdDocument.MY_NUMBER_CARD,)
SHOWN = (IdDocument.RESIDENCE_CARD,)


@pytest.fixture
def lost(cards: System) -> Issued:
    card = issued_card(cards)
    with cards.uow() as uow:
        card_counter.report_lost(
            uow.session, cards.services, caller=resident(card.person_id), card_serial=card.serial
        )
        uow.commit()
    return card


def _lift(
    system: System,
    serial: str,
    who: IdentityShown | None = None,
    docs: tuple[IdDocument, ...] = THE_CARD_ITSELF,
    municipality: str = "131016",
) -> None:
    with system.uow() as uow:
        card_counter.lift_suspension(
            uow.session,
            system.services,
            caller=ward(municipality),
            card_serial=serial,
            identity=who or identity(),
            id_documents=docs,
        )
        uow.commit()


def _certificates(system: System, serial: str) -> list[Certificate]:
    with system.reading() as uow:
        return list(
            uow.session.scalars(
                select(Certificate)
                .where(Certificate.card_serial == serial)
                .order_by(Certificate.not_before)
            )
        )


def _ocsp(system: System, der: bytes) -> ocsp.OCSPCertStatus:
    leaf = load_der_x509_certificate(der)
    issuer = system.services.ca.issuing_certificate
    request = ocsp.OCSPRequestBuilder().add_certificate(leaf, issuer, hashes.SHA256()).build()
    with system.reading() as uow:
        answer = answer_ocsp_request(
            uow.session, system.services, request.public_bytes(Encoding.DER)
        )
    return ocsp.load_der_ocsp_response(answer).certificate_status


def _usable(system: System, serial: str) -> None:
    with system.reading() as uow:
        card_use.check_card(uow.session, system.services, card_serial=serial)


def test_a_found_card_is_lifted_with_new_certificates_the_revoked_ones_stay_revoked(
    cards: System, lost: Issued
) -> None:
    revoked = _certificates(cards, lost.serial)
    assert revoked and all(c.revocation_reason == "lost" for c in revoked)
    _lift(cards, lost.serial)
    assert card_row(cards, lost.serial).status == "active"
    _usable(cards, lost.serial)
    after = _certificates(cards, lost.serial)
    new = [c for c in after if c.revoked_at is None]
    assert {c.kind for c in new} == {"signature", "authentication"}
    old_keys = {load_der_x509_certificate(c.der).public_key().public_numbers() for c in revoked}
    for cert in new:
        assert load_der_x509_certificate(cert.der).public_key().public_numbers() not in old_keys
        assert _ocsp(cards, cert.der) is ocsp.OCSPCertStatus.GOOD
    for cert in revoked:
        assert _ocsp(cards, cert.der) is ocsp.OCSPCertStatus.REVOKED


def test_lifting_cancels_the_reissue_applied_for_and_its_card(cards: System, lost: Issued) -> None:
    view = apply_at_counter(cards, lost.person_id, express_reason=ExpressReason.LOST_CARD)
    made = pass_days(cards, 7).cards_made
    assert made
    _lift(cards, lost.serial)
    with cards.reading() as uow:
        application = uow.session.scalars(
            select(CardApplication).where(
                CardApplication.application_form_id == view.application_id
            )
        ).one()
    assert (application.status, application.rejection_reason) == ("cancelled", "lost_card_found")
    assert card_row(cards, made[0]).status == "invalid"
    _usable(cards, lost.serial)


def test_after_a_collected_reissue_the_found_card_is_not_lifted(
    cards: System, lost: Issued
) -> None:
    view = apply_at_counter(cards, lost.person_id)
    pass_days(cards, 32)
    collect(cards, view.application_id, docs=SHOWN)
    with pytest.raises(Conflict) as refused:
        _lift(cards, lost.serial)
    assert refused.value.details["reason"] == "already_reissued"
    assert card_row(cards, lost.serial).status == "invalid"


def test_a_card_in_use_has_nothing_to_lift(cards: System, snapshots: Snapshots) -> None:
    card = snapshots.give(cards, issued_card)
    with pytest.raises(Conflict) as refused:
        _lift(cards, card.serial)
    assert refused.value.details["reason"] == "not_suspended"


def test_only_the_holder_with_a_photo_id_lifts_it_at_their_own_office(
    cards: System, lost: Issued
) -> None:
    with pytest.raises(Forbidden) as someone_else:
        _lift(cards, lost.serial, who=identity(name="Finder Honest"))
    assert someone_else.value.details["reason"] == "not_the_holder"
    with pytest.raises(InvalidInput):
        _lift(cards, lost.serial, docs=(IdDocument.NOTIFICATION_LETTER,))
    with pytest.raises(AccessRefused):
        _lift(cards, lost.serial, municipality="131130")
    assert card_row(cards, lost.serial).status == "suspended"
    assert all(c.revoked_at is not None for c in _certificates(cards, lost.serial))


@pytest.fixture
def client(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as c:
        yield c


def test_lifting_over_http_the_pages_and_the_cli(
    client: TestClient, cards: System, lost: Issued, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = _token(cards, Role.WARD_OFFICE, municipality_code="131016")
    who = {
        "name_latin": "Smith John",
        "date_of_birth": "1995-04-12",
        "residence_card_number": "AB12345678CD",
    }
    stranger = {**who, "name_latin": "Finder Honest", "id_documents": ["residence_card"]}
    path = f"/cards/{lost.serial}/lift-suspension"
    refused = client.post(path, headers=office, json=stranger)
    assert refused.status_code == 403 and refused.json()["reason"] == "not_the_holder"
    answer = client.post(path, headers=office, json={**who, "id_documents": ["my_number_card"]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "active" and answer.json()["certificates_expire_on"]
    again = client.post(path, headers=office, json={**who, "id_documents": ["my_number_card"]})
    assert again.status_code == 409 and again.json()["reason"] == "not_suspended"

    other = issued_card(cards, name="Doe Jane")
    with cards.uow() as uow:
        card_counter.report_lost(
            uow.session, cards.services, caller=ward(), card_serial=other.serial
        )
        uow.commit()
    desk = Desk(cards, Role.WARD_OFFICE, municipality_code="131016")
    page = f"/staff/card-counter/cards/{other.serial}"
    assert "lift-suspension" in desk.get(page).text
    form = f"{page}/lift-suspension"
    done = desk.post(
        form, {**who, "name_latin": "Doe Jane", "id_documents": "residence_card"}, form
    )
    assert done.status_code == 303, done.text
    assert card_row(cards, other.serial).status == "active"

    from typer.testing import CliRunner

    from mynumber.cli import card as cli_card
    from mynumber.cli.main import app

    monkeypatch.setattr(cli_card, "_system", lambda: cards)
    said = CliRunner().invoke(
        app,
        [
            "card",
            "found",
            other.serial,
            "--name",
            "Doe Jane",
            "--born",
            "1995-04-12",
            "--doc",
            "residence_card",
            "--municipality",
            "131016",
        ],
    )
    assert said.exit_code == 1 and "not suspended" in said.output
