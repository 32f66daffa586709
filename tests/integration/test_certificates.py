"""The card centre's CA in the running system: issue, revoke, publish (CRL, OCSP), reissue.

openssl is the independent judge: ``openssl verify -crl_check`` on the CRL our endpoint
publishes, and ``openssl ocsp`` against our responder over real HTTP. openssl checks times
against its own clock, so each call passes the simulated time (``-attime``) or the allowed
drift between the two clocks (``-validity_period``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from mynumber.adapters.db.models_card import Card
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.card import KeySlot
from mynumber.domain.clock import JST
from mynumber.domain.errors import InvalidInput
from mynumber.domain.validity import certificate_expiry
from mynumber.pki.profiles import is_signature_certificate, signature_subject_of
from mynumber.services.core.records import get_person
from mynumber.services.jpki import certificates
from mynumber.services.jpki.certificates import kinds_revoked_on, revoke_card_certificates
from tests.client import TestClient
from tests.integration.certificates_support import (
    ADDRESS,
    TestCard,
    certificate_rows,
    epoch,
    make_card,
    pem,
    read_certificate,
    run,
    serving,
    with_card_store,
    write,
)

NEW_ADDRESS = "2-2 Kudan-minami, Chiyoda-ku, Tokyo"


@pytest.fixture
def pki(system: System, sqlite_template: Path, tmp_path: Path) -> Iterator[System]:
    yield from with_card_store(system, sqlite_template, tmp_path)


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


def _reissue(system: System, card: TestCard, address: str) -> None:
    with system.uow() as uow:
        row = uow.session.scalars(select(Card).where(Card.serial == card.serial)).one()
        certificates.reissue_signature_certificate(
            uow.session,
            system.services,
            card=row,
            chip=card.chip,
            person=get_person(uow.session, card.person_id),
            address=address,
            on=system.services.clock.today(),
        )
        uow.commit()


def _revoked_kinds(system: System, card: TestCard) -> dict[str, str | None]:
    return {
        row.kind: row.revocation_reason
        for row in certificate_rows(system, card.serial)
        if row.revoked_at is not None
    }


# --- issuance ------------------------------------------------------------------------------


def test_new_card_carries_both_certificates_matching_the_records(pki: System) -> None:
    card = make_card(pki)
    auth = read_certificate(card, KeySlot.USER_AUTH)
    signature = read_certificate(card, KeySlot.SIGNATURE)
    rows = {row.kind: row for row in certificate_rows(pki, card.serial)}
    assert rows["authentication"].der == auth.public_bytes(serialization.Encoding.DER)
    assert rows["signature"].der == signature.public_bytes(serialization.Encoding.DER)
    assert is_signature_certificate(signature) and not is_signature_certificate(auth)
    assert auth.issuer == pki.services.ca.issuing_certificate.subject
    assert auth.signature_hash_algorithm is not None
    assert auth.signature_hash_algorithm.name == "sha256"
    key = auth.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048


def test_signature_certificate_carries_the_basic_four_items_and_authentication_none(
    pki: System,
) -> None:
    card = make_card(pki, name_latin="Garcia Maria", sex="F", date_of_birth=dt.date(1994, 7, 3))
    subject = signature_subject_of(read_certificate(card, KeySlot.SIGNATURE))
    assert (subject.name, subject.address) == ("GARCIA MARIA", ADDRESS)
    assert (subject.date_of_birth, subject.sex) == (dt.date(1994, 7, 3), "2")
    auth = read_certificate(card, KeySlot.USER_AUTH)
    with pytest.raises(x509.ExtensionNotFound):
        auth.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert "GARCIA" not in auth.subject.rfc4514_string().upper()


def test_certificates_last_until_the_fifth_birthday_capped_by_the_card(pki: System) -> None:
    card = make_card(
        pki, date_of_birth=dt.date(1990, 6, 15), period_of_stay_ends=dt.date(2036, 1, 31)
    )
    today = pki.services.clock.today()
    last_day = certificate_expiry(date_of_birth=dt.date(1990, 6, 15), issued_on=today)
    assert last_day == dt.date(2030, 6, 15)
    for row in certificate_rows(pki, card.serial):
        assert row.not_after.astimezone(JST) == dt.datetime(2030, 6, 15, 23, 59, 59, tzinfo=JST)
    with pki.uow() as uow:
        stored = uow.session.scalars(select(Card).where(Card.serial == card.serial)).one()
        assert stored.certificates_expire_on == last_day


def test_a_foreign_residents_certificates_end_with_the_period_of_stay(pki: System) -> None:
    stay_ends = pki.services.clock.today() + dt.timedelta(days=400)
    card = make_card(pki, period_of_stay_ends=stay_ends)
    for row in certificate_rows(pki, card.serial):
        assert row.not_after.astimezone(JST).date() == stay_ends


def test_a_child_under_fifteen_gets_no_signature_certificate(pki: System) -> None:
    card = make_card(pki, date_of_birth=dt.date(2015, 1, 1))
    assert [row.kind for row in certificate_rows(pki, card.serial)] == ["authentication"]


@pytest.mark.sqlite_only  # files in the data directory
def test_the_ca_keys_are_stored_encrypted_in_the_data_directory(pki: System) -> None:
    directory = pki.settings.data_dir / "ca"
    for name in ("root-key.pem", "issuing-key.pem"):
        assert (directory / name).read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY")


# --- revocation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "revoked", "flag"),
    [
        ("address_changed", {"signature"}, "affiliationChanged"),
        ("name_changed", {"signature"}, "affiliationChanged"),
        ("left_japan", {"signature"}, "cessationOfOperation"),
        ("lost", {"signature", "authentication"}, "keyCompromise"),
        ("returned", {"signature", "authentication"}, "cessationOfOperation"),
        ("renewed", {"signature", "authentication"}, "superseded"),
    ],
)
def test_each_event_revokes_the_certificates_the_law_names(
    pki: System,
    reason: str,
    revoked: set[str],
    flag: str,
) -> None:
    card = make_card(pki)
    _revoke(pki, card, reason)
    assert _revoked_kinds(pki, card) == {kind: reason for kind in revoked}
    crl = x509.load_der_x509_crl(certificates_crl(pki))
    reasons = {
        entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.name for entry in crl
    }
    assert {r.replace("_", "") for r in reasons} == {flag.lower()}


def certificates_crl(system: System) -> bytes:
    with TestClient(create_app(system)) as client:
        response = client.get("/jpki/crl")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pkix-crl"
    return response.content


def test_revoking_twice_keeps_the_first_revocation(pki: System) -> None:
    card = make_card(pki)
    _revoke(pki, card, "address_changed")
    first = {r.serial: r.revoked_at for r in certificate_rows(pki, card.serial)}
    pki.services.clock.advance(days=1)  # type: ignore[attr-defined]
    _revoke(pki, card, "lost")
    rows = certificate_rows(pki, card.serial)
    signature = next(r for r in rows if r.kind == "signature")
    assert (signature.revoked_at, signature.revocation_reason) == (
        first[signature.serial],
        "address_changed",
    )
    assert next(r for r in rows if r.kind == "authentication").revocation_reason == "lost"


@pytest.mark.parametrize(
    ("kinds", "reason"),
    [
        ({"signature"}, "stolen by pirates"),
        (set(), "lost"),
        ({"encryption"}, "lost"),
    ],
)
def test_an_unknown_reason_or_kind_is_refused(pki: System, kinds: set[str], reason: str) -> None:
    card = make_card(pki)
    with pki.uow() as uow, pytest.raises(InvalidInput) as caught:
        revoke_card_certificates(
            uow.session, pki.services, card_serial=card.serial, kinds=kinds, reason=reason
        )
    assert caught.value.message_ja
    assert _revoked_kinds(pki, card) == {}


def _chain_files(system: System, card: TestCard, folder: Path) -> dict[str, Path]:
    ca = system.services.ca
    return {
        "root": write(folder / "root.pem", ca.root_pem()),
        "issuing": write(folder / "issuing.pem", ca.issuing_pem()),
        "auth": write(folder / "auth.pem", pem(read_certificate(card, KeySlot.USER_AUTH))),
        "signature": write(folder / "sig.pem", pem(read_certificate(card, KeySlot.SIGNATURE))),
    }


def _openssl_verify(system: System, files: dict[str, Path], leaf: str, folder: Path) -> str:
    crl = write(folder / "crl.der", certificates_crl(system))
    crl_pem = write(folder / "crl.pem", pem(x509.load_der_x509_crl(crl.read_bytes())))
    result = run(
        "openssl",
        "verify",
        "-attime",
        epoch(system.services.clock.now()),
        "-CAfile",
        files["root"],
        "-untrusted",
        files["issuing"],
        "-crl_check",
        "-CRLfile",
        crl_pem,
        files[leaf],
    )
    return f"{result.returncode}: {result.stdout}{result.stderr}"


def test_openssl_accepts_a_good_chain_and_rejects_it_once_revoked(
    pki: System,
    tmp_path: Path,
) -> None:
    card = make_card(pki)
    files = _chain_files(pki, card, tmp_path)
    pki.services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert _openssl_verify(pki, files, "signature", tmp_path).startswith("0: ")
    _revoke(pki, card, "address_changed")
    pki.services.clock.advance(minutes=1)  # type: ignore[attr-defined]
    output = _openssl_verify(pki, files, "signature", tmp_path)
    assert not output.startswith("0: ") and "certificate revoked" in output
    # A move revokes only the signature certificate: the authentication one stays good.
    assert _openssl_verify(pki, files, "auth", tmp_path).startswith("0: ")


def _openssl_ocsp(files: dict[str, Path], leaf: str, base_url: str) -> str:
    # Our responder answers in simulated time; tolerate its distance from openssl's clock.
    result = run(
        "openssl",
        "ocsp",
        "-issuer",
        files["issuing"],
        "-CAfile",
        files["root"],
        "-cert",
        files[leaf],
        "-url",
        f"{base_url}/jpki/ocsp",
        "-timeout",
        "20",
        "-validity_period",
        str(10 * 365 * 86400),
    )
    assert result.returncode == 0, result.stderr
    assert "Response verify OK" in result.stdout + result.stderr
    return result.stdout


def test_openssl_ocsp_reports_good_then_revoked_over_http(pki: System, tmp_path: Path) -> None:
    card = make_card(pki)
    files = _chain_files(pki, card, tmp_path)
    with serving(pki) as base_url:
        assert f"{files['auth']}: good" in _openssl_ocsp(files, "auth", base_url)
        _revoke(pki, card, "lost")
        pki.services.clock.advance(seconds=1)  # type: ignore[attr-defined]
        output = _openssl_ocsp(files, "auth", base_url)
    assert f"{files['auth']}: revoked" in output
    assert "keyCompromise" in output


@pytest.mark.sqlite_only  # refused as it is parsed, before any look-up
def test_ocsp_answers_a_malformed_request_with_malformed_request(pki: System) -> None:
    from cryptography.x509 import ocsp

    with TestClient(create_app(pki)) as client:
        garbage = client.post(
            "/jpki/ocsp", content=b"nonsense", headers={"Content-Type": "application/ocsp-request"}
        )
    assert garbage.headers["content-type"] == "application/ocsp-response"
    answer = ocsp.load_der_ocsp_response(garbage.content)
    assert answer.response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST


@pytest.mark.sqlite_only  # the CA's own certificates, no table
def test_the_ca_certificates_are_published_in_der(pki: System) -> None:
    ca = pki.services.ca
    with TestClient(create_app(pki)) as client:
        root = client.get("/jpki/root-ca.der")
        issuing = client.get("/jpki/issuing-ca.der")
    assert root.headers["content-type"] == "application/pkix-cert"
    assert x509.load_der_x509_certificate(root.content) == ca.root_certificate
    assert x509.load_der_x509_certificate(issuing.content) == ca.issuing_certificate


# --- reissue after a change of address ------------------------------------------------------


def test_reissue_after_a_move_revokes_the_old_signature_certificate_and_keeps_auth(
    pki: System,
) -> None:
    card = make_card(pki)
    old_signature = read_certificate(card, KeySlot.SIGNATURE)
    auth = read_certificate(card, KeySlot.USER_AUTH)
    pki.services.clock.advance(days=3)  # type: ignore[attr-defined]
    _reissue(pki, card, NEW_ADDRESS)
    new_signature = read_certificate(card, KeySlot.SIGNATURE)
    assert signature_subject_of(new_signature).address == NEW_ADDRESS
    assert new_signature.public_key() != old_signature.public_key()  # a new key on the chip
    assert read_certificate(card, KeySlot.USER_AUTH) == auth
    revoked = {
        r.serial: r.revocation_reason
        for r in certificate_rows(pki, card.serial)
        if r.revoked_at is not None
    }
    assert revoked == {certificates.serial_text(old_signature.serial_number): "address_changed"}


def test_reissue_with_unchanged_details_is_a_renewal(pki: System) -> None:
    card = make_card(pki)
    _reissue(pki, card, ADDRESS)
    assert _revoked_kinds(pki, card) == {"signature": "renewed"}
