"""The special residence card (特定在留カード, issue 17): issued with a stay at the immigration
bureau from 2026-06-14, renewed with the stay renewal (a new card, the old one's certificates
revoked), refused with named reasons — service and JSON API, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from sqlalchemy import func, select

from mynumber.adapters.db.models import AuditEntry, Registration
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.card_kinds import CardKind
from mynumber.domain.cards import CardStatus, IdentityShown
from mynumber.domain.errors import MyNumberError
from mynumber.domain.registration import IdDocument
from mynumber.domain.special_residence import SpecialResidenceCardRefused
from mynumber.services.cards import counter as card_counter
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller
from mynumber.services.core.policy import AccessRefused
from mynumber.services.immigration import bureaus
from mynumber.services.immigration import special_residence_cards as special
from mynumber.services.jpki.certificates import answer_ocsp_request, current_crl
from tests.client import TestClient
from tests.conftest import caller, ward
from tests.integration.card_support import PINS, RESIDENCE_CARD, chip, clock, issued_card
from tests.integration.certificates_support import with_card_store
from tests.integration.helpers import register

BORN = dt.date(1995, 4, 12)
FIRST_CARD = "SR11111111AA"
RENEWED_CARD = "SR22222222BB"
LAUNCH = dt.date(2026, 6, 15)


@pytest.fixture
def pki(system: System, sqlite_template: Path, tmp_path: Path) -> Iterator[System]:
    yield from with_card_store(system, sqlite_template, tmp_path)


def _bureau(
    system: System, name: str = "Tokyo Regional Immigration Services Bureau", area: str = "13,14"
) -> Caller:
    with system.uow() as uow:
        bureau = bureaus.create_bureau(
            uow.session, system.services, name=name, name_ja="局", prefectures=area.split(",")
        )
        uow.commit()
        return caller(Role.IMMIGRATION, scope_id=bureau.id)


def _to(system: System, day: dt.date) -> None:
    clock(system).advance(days=(day - system.services.clock.today()).days)


def _shown(card: str = RESIDENCE_CARD, name: str = "Smith John", born: dt.date = BORN) -> Any:
    return IdentityShown(name_latin=name, date_of_birth=born, residence_card_number=card)


def _issue(system: System, bureau: Caller, **kw: Any) -> special.SpecialResidenceCard:
    with system.uow() as uow:
        done = special.issue_special_residence_card(
            uow.session,
            system.services,
            caller=bureau,
            applicant=kw.get("applicant", _shown()),
            nationality=kw.get("nationality", "US"),
            granted=special.GrantedStay(
                kw.get("number", FIRST_CARD),
                kw.get("status", "Engineer/Specialist"),
                kw.get("ends", dt.date(2029, 6, 30)),
            ),
            pins=kw.get("pins", PINS),
        )
        uow.commit()
    return done


def _renew(system: System, bureau: Caller, **kw: Any) -> special.SpecialResidenceCard:
    with system.uow() as uow:
        done = special.renew_with_stay(
            uow.session,
            system.services,
            caller=bureau,
            applicant=kw.get("applicant", _shown(FIRST_CARD)),
            granted=special.GrantedStay(
                kw.get("number", RENEWED_CARD),
                kw.get("status", "Engineer/Specialist"),
                kw.get("ends", dt.date(2034, 6, 30)),
            ),
            pins=kw.get("pins", PINS),
        )
        uow.commit()
    return done


def _card(system: System, serial: str) -> Card:
    with system.reading() as uow:
        row = uow.session.scalars(select(Card).where(Card.serial == serial)).one()
        uow.session.expunge(row)
        return row


def _registration(system: System, person_id: int) -> Registration:
    with system.reading() as uow:
        row = uow.session.scalars(
            select(Registration).where(
                Registration.person_id == person_id, Registration.status == "active"
            )
        ).one()
        uow.session.expunge(row)
        return row


def _ocsp(system: System, serial: str) -> set[ocsp.OCSPCertStatus]:
    """The OCSP answer for each certificate ever issued to the card ``serial``."""
    issuer = system.services.ca.issuing_certificate
    found = set()
    with system.reading() as uow:
        ders = uow.session.scalars(select(Certificate.der).where(Certificate.card_serial == serial))
        for der in list(ders):
            leaf = x509.load_der_x509_certificate(der)
            request = ocsp.OCSPRequestBuilder().add_certificate(leaf, issuer, hashes.SHA256())
            answer = answer_ocsp_request(
                uow.session, system.services, request.build().public_bytes(Encoding.DER)
            )
            found.add(ocsp.load_der_ocsp_response(answer).certificate_status)
    return found


def _revoked_in_crl(system: System, serial: str) -> bool:
    with system.reading() as uow:
        numbers = {
            int(text, 16)
            for text in uow.session.scalars(
                select(Certificate.serial).where(Certificate.card_serial == serial)
            )
        }
        crl = x509.load_der_x509_crl(current_crl(uow.session, system.services))
    listed = {entry.serial_number for entry in crl}
    return bool(numbers) and numbers <= listed


def _audit_count(system: System, action: str) -> int:
    with system.reading() as uow:
        return (
            uow.session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
            )
            or 0
        )


# --- issue -------------------------------------------------------------------------------


def test_the_card_is_issued_with_the_stay_and_replaces_the_my_number_card(pki: System) -> None:
    usual = issued_card(pki)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    done = _issue(pki, bureau)
    card = _card(pki, done.card_serial)
    assert card.kind == CardKind.SPECIAL_RESIDENCE_CARD
    assert card.status == CardStatus.ACTIVE
    assert done.expires_on == card.expires_on == dt.date(2029, 6, 30)  # the end of stay
    assert done.replaced_card_serial == usual.serial
    reg = _registration(pki, usual.person_id)
    assert (reg.residence_card_number, reg.period_of_stay_ends) == (
        FIRST_CARD,
        dt.date(2029, 6, 30),
    )
    old = _card(pki, usual.serial)
    assert old.status == CardStatus.INVALID
    pki.services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert _ocsp(pki, usual.serial) == {ocsp.OCSPCertStatus.REVOKED}
    assert _ocsp(pki, done.card_serial) == {ocsp.OCSPCertStatus.GOOD}
    assert chip(pki, done.card_serial).exists()
    assert not chip(pki, usual.serial).exists()  # handed back at the bureau, erased
    assert _audit_count(pki, "issue_special_residence_card") == 1


def test_a_stay_renewal_renews_the_card_and_revokes_the_old_one(pki: System) -> None:
    registered = register(pki)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    first = _issue(pki, bureau)
    _to(pki, dt.date(2029, 5, 1))
    renewed = _renew(pki, bureau)
    assert renewed.card_serial != first.card_serial
    assert renewed.replaced_card_serial == first.card_serial
    # the new end of stay; the 10th birthday after 2029-05-01 (2039-04-12) is later
    assert renewed.expires_on == dt.date(2034, 6, 30)
    assert _card(pki, renewed.card_serial).kind == CardKind.SPECIAL_RESIDENCE_CARD
    old = _card(pki, first.card_serial)
    assert (old.status, old.invalid_reason) == (CardStatus.INVALID, "renewed")
    reg = _registration(pki, registered.person_id)
    assert (reg.residence_card_number, reg.period_of_stay_ends) == (
        RENEWED_CARD,
        dt.date(2034, 6, 30),
    )
    pki.services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert _ocsp(pki, first.card_serial) == {ocsp.OCSPCertStatus.REVOKED}
    assert _revoked_in_crl(pki, first.card_serial)
    assert _ocsp(pki, renewed.card_serial) == {ocsp.OCSPCertStatus.GOOD}
    assert not chip(pki, first.card_serial).exists()  # handed back and erased


def test_the_card_is_capped_by_the_birthday_rule_for_a_leap_day_child(pki: System) -> None:
    born = dt.date(2012, 2, 29)
    register(pki, name_latin="Lee Mina", date_of_birth=born)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    child = _shown(name="Lee Mina", born=born)
    no_signature = card_counter.InitialPins("4826", "5937", "7148", None)
    first = _issue(pki, bureau, applicant=child, pins=no_signature, ends=dt.date(2031, 6, 30))
    # 14 on the day of issue: the 5th birthday after it, in a common year the 28th of February
    assert first.expires_on == dt.date(2031, 2, 28)
    assert first.signature_certificate is False  # under 15
    _to(pki, dt.date(2031, 1, 5))
    renewed = _renew(
        pki,
        bureau,
        applicant=_shown(FIRST_CARD, name="Lee Mina", born=born),
        ends=dt.date(2036, 6, 30),
    )
    # 18 on the new issue: the 10th birthday (2041-02-28) is later than the new end of stay
    assert renewed.expires_on == dt.date(2036, 6, 30)
    assert renewed.signature_certificate is True


# --- refusals ----------------------------------------------------------------------------


def _refused(reason: str, call: Any) -> None:
    with pytest.raises(SpecialResidenceCardRefused) as caught:
        call()
    assert caught.value.details["reason"] == reason
    assert caught.value.message_ja


def test_refused_before_2026_06_14(pki: System) -> None:
    register(pki)
    bureau = _bureau(pki)
    _to(pki, dt.date(2026, 6, 13))
    _refused("special_residence_card_not_yet", lambda: _issue(pki, bureau))
    with pki.reading() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Card)) == 0


@pytest.mark.sqlite_only  # a domain rule
def test_refused_for_a_japanese_national(pki: System) -> None:
    register(pki)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    _refused("japanese_national", lambda: _issue(pki, bureau, nationality="JP"))


@pytest.mark.sqlite_only  # a domain rule
def test_refused_for_a_special_permanent_resident(pki: System) -> None:
    register(pki, status_of_residence="Special Permanent Resident", period_of_stay_ends=None)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    _refused(
        "special_permanent_resident",
        lambda: _issue(pki, bureau, status="Special Permanent Resident", ends=None),
    )


@pytest.mark.parametrize(
    ("status", "ends"),
    [("Engineer/Specialist", dt.date(2026, 9, 14)), ("Temporary Visitor", dt.date(2027, 1, 1))],
)
def test_refused_for_a_short_stay(pki: System, status: str, ends: dt.date) -> None:
    register(pki)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    _refused("short_stay", lambda: _issue(pki, bureau, status=status, ends=ends))
    assert _registration(pki, _person_of(pki)).residence_card_number == RESIDENCE_CARD


def _person_of(system: System) -> int:
    with system.reading() as uow:
        return int(uow.session.scalars(select(Registration.person_id)).one())


def test_a_renewal_needs_the_bureau_of_the_case(pki: System) -> None:
    register(pki)
    issuing, other = _bureau(pki), _bureau(pki, "Osaka Regional Immigration Services Bureau", "27")
    _to(pki, LAUNCH)
    first = _issue(pki, issuing)
    with pytest.raises(AccessRefused) as caught:
        _renew(pki, other)
    assert caught.value.details["reason"] == "no-stay-case"
    assert _card(pki, first.card_serial).status == CardStatus.ACTIVE


def test_a_renewal_for_a_person_with_no_case_is_refused(pki: System) -> None:
    issued_card(pki)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    with pytest.raises(AccessRefused) as caught:
        _renew(pki, bureau, applicant=_shown())
    assert caught.value.details["reason"] == "no-stay-case"


@pytest.mark.sqlite_only  # an access rule
def test_a_bureau_issues_only_to_residents_of_its_area(pki: System) -> None:
    register(pki)
    osaka = _bureau(pki, "Osaka Regional Immigration Services Bureau", "25,26,27,28,29,30")
    _to(pki, LAUNCH)
    with pytest.raises(AccessRefused) as caught:
        _issue(pki, osaka)
    assert caught.value.details["reason"] == "other-area"


@pytest.mark.sqlite_only  # a domain rule
def test_a_renewal_must_extend_the_stay(pki: System) -> None:
    register(pki)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    _issue(pki, bureau)
    _refused("stay_not_extended", lambda: _renew(pki, bureau, ends=dt.date(2029, 6, 30)))


@pytest.mark.sqlite_only  # a domain rule
def test_the_ward_office_does_not_change_a_special_cards_validity(pki: System) -> None:
    register(pki)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    first = _issue(pki, bureau)
    with pki.uow() as uow, pytest.raises(SpecialResidenceCardRefused) as caught:
        card_counter.change_validity(
            uow.session,
            pki.services,
            caller=ward(),
            card_serial=first.card_serial,
            status_of_residence="Engineer/Specialist",
            period_of_stay_ends=dt.date(2031, 6, 30),
            identity=_shown(FIRST_CARD),
            id_documents=(IdDocument.RESIDENCE_CARD,),
        )
    assert caught.value.details["reason"] == "special_residence_card_follows_the_stay"


@pytest.mark.sqlite_only  # access rules
def test_other_roles_and_unbound_tokens_are_refused(pki: System) -> None:
    register(pki)
    _to(pki, LAUNCH)
    expected = {
        "ward_office": "refused:role",
        "card_centre": "refused:role",
        "immigration": "refused:no_bureau",  # an immigration token bound to no bureau
    }
    for who in (ward(), caller(Role.CARD_CENTRE), caller(Role.IMMIGRATION)):
        with pytest.raises(MyNumberError) as caught:
            _issue(pki, who)
        entry = caught.value.audit_entry
        assert entry is not None and entry.action == expected[who.role.value]


# --- the API -----------------------------------------------------------------------------


def _token(system: System, name: str, role: Role, **kw: Any) -> str:
    with system.uow() as uow:
        token = tokens.issue_token(uow.session, system.services, organisation=name, role=role, **kw)
        uow.commit()
    return token


def _body(**kw: Any) -> dict[str, Any]:
    body = {
        "name_latin": "Smith John",
        "date_of_birth": BORN.isoformat(),
        "residence_card_number": RESIDENCE_CARD,
        "nationality": "US",
        "new_residence_card_number": FIRST_CARD,
        "status_of_residence": "Engineer/Specialist",
        "period_of_stay_ends": "2029-06-30",
        "user_authentication_pin": PINS.user_authentication,
        "resident_registry_pin": PINS.resident_registry,
        "card_info_input_pin": PINS.card_info_input,
        "signature_pin": PINS.signature,
    }
    body.update(kw)
    return body


def test_the_api_issues_renews_and_names_its_refusals(pki: System) -> None:
    register(pki)
    bureau = _bureau(pki)
    token = _token(pki, "Tokyo bureau", Role.IMMIGRATION, scope_id=bureau.scope_id)
    other = _token(
        pki, "Osaka bureau", Role.IMMIGRATION, scope_id=_bureau(pki, "Osaka", "27").scope_id
    )
    ward_token = _token(pki, "Chiyoda", Role.WARD_OFFICE, municipality_code="131016")
    client = TestClient(create_app(pki), raise_server_exceptions=False)

    def post(path: str, body: dict[str, Any], bearer: str) -> Any:
        return client.post(
            f"/immigration/special-residence-cards{path}",
            json=body,
            headers={"Authorization": f"Bearer {bearer}"},
        )

    early = post("", _body(), token)
    assert early.status_code == 409
    assert early.headers["content-type"].startswith("application/problem+json")
    assert early.json()["reason"] == "special_residence_card_not_yet"
    assert post("", _body(), ward_token).status_code == 403
    _to(pki, LAUNCH)
    issued = post("", _body(), token)
    assert issued.status_code == 201, issued.text
    assert issued.json()["expires_on"] == "2029-06-30"
    renewal = _body(
        residence_card_number=FIRST_CARD,
        new_residence_card_number=RENEWED_CARD,
        period_of_stay_ends="2034-06-30",
    )
    renewal.pop("nationality")
    refused = post("/renewals", renewal, other)
    assert refused.status_code == 403
    assert refused.json()["reason"] == "no-stay-case"
    assert _audit_count(pki, "refused:renew_special_residence_card") == 1
    renewed = post("/renewals", renewal, token)
    assert renewed.status_code == 201, renewed.text
    assert renewed.json()["replaced_card_serial"] == issued.json()["card_serial"]
    shown = client.get(
        f"/cards/{renewed.json()['card_serial']}",
        headers={"Authorization": f"Bearer {ward_token}"},
    )
    assert shown.status_code == 200 and shown.json()["kind"] == "special_residence_card"
    old = client.get(
        f"/cards/{issued.json()['card_serial']}",
        headers={"Authorization": f"Bearer {ward_token}"},
    ).json()
    assert (old["status"], old["invalid_reason"], old["problem"]) == (
        "invalid",
        "renewed",
        "invalid",
    )
    japanese = post("", _body(nationality="JP"), token)
    assert japanese.status_code == 409 and japanese.json()["reason"] == "japanese_national"


# --- the page ----------------------------------------------------------------------------


def test_the_bureaus_page_issues_and_shows_refusals_on_the_form(pki: System) -> None:
    from tests.integration.test_web_card_counter import Desk

    register(pki)
    bureau = _bureau(pki)
    desk = Desk(pki, Role.IMMIGRATION, scope_id=bureau.scope_id)
    assert desk.landing == "/staff/immigration"
    page = "/staff/immigration"
    form = {k: v for k, v in _body().items() if v is not None}
    early = desk.post(f"{page}/issue", form, page)
    assert early.status_code == 409
    assert "2026" in early.text and 'name="name_latin" type="text"' in early.text
    assert PINS.user_authentication not in early.text.split("<form", 1)[1]  # PINs not kept
    _to(pki, LAUNCH)
    done = desk.post(f"{page}/issue", form, page)
    assert done.status_code == 303
    with pki.reading() as uow:
        kinds = list(uow.session.scalars(select(Card.kind)))
    assert kinds == [CardKind.SPECIAL_RESIDENCE_CARD.value]
    renewal = _body(
        residence_card_number=FIRST_CARD,
        new_residence_card_number=RENEWED_CARD,
        period_of_stay_ends="2029-01-01",
    )
    renewal.pop("nationality")
    refused = desk.post(f"{page}/renewal", renewal, f"{page}?action=renewal")
    assert refused.status_code == 409 and "stay" in refused.text
    ward_desk = Desk(pki, Role.WARD_OFFICE, municipality_code="131016")
    assert ward_desk.get(page).status_code == 403


def test_a_new_stay_application_for_a_holder_renews_the_card(pki: System) -> None:
    register(pki)
    bureau = _bureau(pki)
    _to(pki, LAUNCH)
    first = _issue(pki, bureau)
    again = _issue(
        pki, bureau, applicant=_shown(FIRST_CARD), number=RENEWED_CARD, ends=dt.date(2031, 6, 30)
    )
    assert again.replaced_card_serial == first.card_serial
    assert _card(pki, first.card_serial).status == CardStatus.INVALID
