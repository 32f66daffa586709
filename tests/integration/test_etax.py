"""e-Tax: a final tax return signed on the card, checked by the tax office and by xmlsec1.

xmlsec1 is the independent judge of our signed XML. It checks certificate times against the
time we give it (``--verification-gmt-time``: the simulated signing time), and revocation
against a CRL carried in the signature's ``X509Data`` (xmlsec1 1.2 has no CRL file option;
KeyInfo is outside the signed content, so adding the CRL there changes nothing signed).
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree
from sqlalchemy import select

from mynumber.adapters.db.models_card import Card
from mynumber.adapters.db.models_pki import TaxReceipt
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import Conflict, Forbidden, InvalidInput, MyNumberError, WrongPin
from mynumber.domain.tax_return import TaxReturn, build_tax_return_xml
from mynumber.pki.errors import CertificateExpired, CertificateRevoked, SignatureInvalid
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller
from mynumber.services.core.records import get_person
from mynumber.services.jpki.certificates import (
    current_crl,
    kinds_revoked_on,
    reissue_signature_certificate,
    revoke_card_certificates,
)
from mynumber.services.tax import tax_office
from mynumber.services.tax.tax_office import SigningTimeInvalid, sign_tax_return
from tests.client import TestClient
from tests.conftest import caller
from tests.integration.certificates_support import (
    SIGNATURE_PIN,
    TestCard,
    make_card,
    run,
    with_card_store,
    write,
)

TAX_OFFICE = caller(Role.TAX_OFFICE)
NEW_ADDRESS = "2-2 Kudan-minami, Chiyoda-ku, Tokyo"


@pytest.fixture
def pki(system: System, sqlite_template: Path, tmp_path: Path) -> Iterator[System]:
    yield from with_card_store(system, sqlite_template, tmp_path)


def _return_xml(
    system: System,
    *,
    address: str = "1-1 Chiyoda, Chiyoda-ku, Tokyo",
    signed_at: dt.datetime | None = None,
    tax_year: int | None = None,
) -> bytes:
    now = system.services.clock.now()
    form = TaxReturn(
        tax_year=tax_year or now.year - 1,
        name="SMITH JOHN",
        address=address,
        income={"salary": 5_400_000},
        deductions=1_230_000,
        tax_withheld=123_400,
    )
    return build_tax_return_xml(form, signed_at=signed_at or now)


def _signed(system: System, card: TestCard, **kw: object) -> bytes:
    return sign_tax_return(card.chip, signature_pin=SIGNATURE_PIN, xml=_return_xml(system, **kw))  # type: ignore[arg-type]


def _submit(system: System, signed: bytes, who: Caller = TAX_OFFICE) -> tax_office.Receipt:
    with system.uow() as uow:
        receipt = tax_office.submit_tax_return(
            uow.session, system.services, caller=who, signed_xml=signed
        )
        uow.commit()
    return receipt


def _refused(system: System, signed: bytes, error: type[MyNumberError]) -> MyNumberError:
    with pytest.raises(error) as caught:
        _submit(system, signed)
    assert caught.value.message_en and caught.value.message_ja
    return caught.value


def _revoke(system: System, card: TestCard, reason: str) -> None:
    with system.uow() as uow:
        revoke_card_certificates(
            uow.session,
            system.services,
            card_serial=card.serial,
            kinds=kinds_revoked_on(reason),
            reason=reason,
        )
        uow.commit()


def _xmlsec1(system: System, signed: bytes, folder: Path, *, with_crl: bool = False) -> int:
    """xmlsec1's verdict on ``signed`` at the simulated time (0: verified)."""
    ca = system.services.ca
    if with_crl:
        signed = _with_crl(system, signed)
    at = system.services.clock.now().astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    # xmlsec1 looks for a CRL's issuer among the trusted certificates only: with a CRL the
    # issuing CA is given as trusted too (the root still anchors the chain).
    issuing = "--trusted-pem" if with_crl else "--untrusted-pem"
    return run(
        "xmlsec1",
        "--verify",
        "--trusted-pem",
        write(folder / "root.pem", ca.root_pem()),
        issuing,
        write(folder / "issuing.pem", ca.issuing_pem()),
        "--verification-gmt-time",
        at,
        write(folder / "return.xml", signed),
    ).returncode


def _with_crl(system: System, signed: bytes) -> bytes:
    with system.uow() as uow:
        crl = current_crl(uow.session, system.services)
    root = etree.fromstring(signed)
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    data = root.find(f".//{ds}X509Data")
    assert data is not None
    etree.SubElement(data, f"{ds}X509CRL").text = base64.b64encode(crl).decode()
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def test_a_signed_return_is_received_and_xmlsec1_agrees(pki: System, tmp_path: Path) -> None:
    card = make_card(pki)
    signed = _signed(pki, card)
    assert _xmlsec1(pki, signed, tmp_path, with_crl=True) == 0
    receipt = _submit(pki, signed)
    assert (receipt.person_id, receipt.tax_year) == (card.person_id, 2025)
    with pki.uow() as uow:
        stored = uow.session.scalars(select(TaxReceipt)).one()
    assert stored.receipt_number == receipt.receipt_number and stored.signed_xml == signed


def test_a_tampered_return_is_refused_by_us_and_by_xmlsec1(pki: System, tmp_path: Path) -> None:
    card = make_card(pki)
    tampered = _signed(pki, card).replace(b"123400", b"923400")
    _refused(pki, tampered, SignatureInvalid)
    assert _xmlsec1(pki, tampered, tmp_path) != 0


def test_a_return_signed_with_a_revoked_certificate_is_refused_by_both(
    pki: System,
    tmp_path: Path,
) -> None:
    card = make_card(pki)
    _revoke(pki, card, "address_changed")  # moved, signature certificate not yet reissued
    pki.services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    signed = _signed(pki, card)
    error = _refused(pki, signed, CertificateRevoked)
    assert error.details["reason"] == "affiliationChanged"
    assert _xmlsec1(pki, signed, tmp_path, with_crl=True) != 0
    assert _xmlsec1(pki, signed, tmp_path) == 0  # the same document without the CRL is fine


def test_revocation_is_judged_at_the_signing_time(pki: System) -> None:
    card = make_card(pki)
    signed = _signed(pki, card)
    pki.services.clock.advance(hours=1)  # type: ignore[attr-defined]
    _revoke(pki, card, "lost")
    assert _submit(pki, signed).person_id == card.person_id


def test_a_return_signed_after_the_certificate_expired_is_refused_by_both(
    pki: System,
    tmp_path: Path,
) -> None:
    today = pki.services.clock.today()  # living here for a year, 30 days of stay left
    card = make_card(
        pki,
        started_living_on=today - dt.timedelta(days=365),
        period_of_stay_ends=today + dt.timedelta(days=30),
    )
    pki.services.clock.advance(days=32)  # type: ignore[attr-defined]
    signed = _signed(pki, card)
    _refused(pki, signed, CertificateExpired)
    assert _xmlsec1(pki, signed, tmp_path) != 0


def test_a_wrong_signature_pin_is_refused_by_the_card(pki: System) -> None:
    card = make_card(pki)
    with pytest.raises(WrongPin) as caught:
        sign_tax_return(card.chip, signature_pin="WRONG123", xml=_return_xml(pki))
    assert caught.value.details["tries_left"] == 4  # the signature PIN allows 5
    assert caught.value.message_ja


@pytest.mark.parametrize("age", [dt.timedelta(hours=25), dt.timedelta(minutes=-10)])
def test_a_signing_time_too_old_or_in_the_future_is_refused(
    pki: System,
    age: dt.timedelta,
) -> None:
    card = make_card(pki)
    if age > dt.timedelta(0):
        pki.services.clock.advance(hours=25)  # type: ignore[attr-defined]
    signed = _signed(pki, card, signed_at=pki.services.clock.now() - age)
    error = _refused(pki, signed, SigningTimeInvalid)
    assert error.code == "signing-time-invalid"


def test_the_same_return_cannot_be_received_twice(pki: System) -> None:
    card = make_card(pki)
    signed = _signed(pki, card)
    receipt = _submit(pki, signed)
    error = _refused(pki, signed, Conflict)
    assert error.details["receipt_number"] == receipt.receipt_number


def test_a_resident_can_file_only_their_own_return(pki: System) -> None:
    card = make_card(pki)
    someone_else = caller(Role.RESIDENT, scope_id=card.person_id + 1000)
    with pytest.raises(Forbidden):
        _submit(pki, _signed(pki, card), someone_else)
    owner = caller(Role.RESIDENT, scope_id=card.person_id)
    assert _submit(pki, _signed(pki, card), owner).person_id == card.person_id


@pytest.mark.sqlite_only  # a rule on the return's year
def test_a_return_for_an_unfinished_year_is_refused(pki: System) -> None:
    card = make_card(pki)
    _refused(pki, _signed(pki, card, tax_year=2026), InvalidInput)


def test_after_a_move_the_reissued_certificate_signs_with_the_new_address(
    pki: System,
    tmp_path: Path,
) -> None:
    card = make_card(pki)
    old = _signed(pki, card)
    pki.services.clock.advance(days=2)  # type: ignore[attr-defined]
    with pki.uow() as uow:
        row = uow.session.scalars(select(Card).where(Card.serial == card.serial)).one()
        reissue_signature_certificate(
            uow.session,
            pki.services,
            card=row,
            chip=card.chip,
            person=get_person(uow.session, card.person_id),
            address=NEW_ADDRESS,
            on=pki.services.clock.today(),
        )
        uow.commit()
    signed = _signed(pki, card, address=NEW_ADDRESS)
    assert _xmlsec1(pki, signed, tmp_path, with_crl=True) == 0
    assert _submit(pki, signed).person_id == card.person_id
    # The return signed before the move: its certificate is revoked now, and it is stale.
    assert _xmlsec1(pki, old, tmp_path, with_crl=True) != 0
    _refused(pki, old, SigningTimeInvalid)


# --- over HTTP ----------------------------------------------------------------------------


@pytest.fixture
def client(pki: System) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with pki.uow() as uow:
        token = tokens.issue_token(
            uow.session, pki.services, organisation="Kojimachi tax office", role=Role.TAX_OFFICE
        )
        uow.commit()
    with TestClient(create_app(pki), raise_server_exceptions=False) as test_client:
        yield test_client, {"Authorization": f"Bearer {token}", "Content-Type": "application/xml"}


def test_http_submission_gives_a_receipt_or_a_problem_with_its_own_code(
    pki: System,
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, headers = client
    card = make_card(pki)
    signed = _signed(pki, card)
    received = http.post("/tax-office/returns", content=signed, headers=headers)
    assert received.status_code == 201, received.text
    assert received.json()["tax_year"] == 2025
    cases = {
        "conflict": signed,
        "signature-invalid": _signed(pki, card).replace(b"5400000", b"0000001"),
        "invalid-input": b"",
    }
    for code, body in cases.items():
        response = http.post("/tax-office/returns", content=body, headers=headers)
        problem = response.json()
        assert problem["code"] == code, (code, problem)
        assert problem["detail"] and problem["detail_ja"]


def test_the_signed_certificate_is_the_signature_certificate(pki: System) -> None:
    card = make_card(pki)
    root = etree.fromstring(_signed(pki, card))
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    der = base64.b64decode("".join((root.findtext(f".//{ds}X509Certificate") or "").split()))
    certificate = x509.load_der_x509_certificate(der)
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment
    assert certificate.public_bytes(serialization.Encoding.DER) == der
