"""A relying party's check: each way a certificate fails has its own error code."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509

from mynumber.domain.errors import CertificateError, InvalidInput
from mynumber.pki.ca import CertificateAuthority
from mynumber.pki.errors import (
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    UntrustedCertificate,
)
from mynumber.pki.revocation import RevokedEntry
from mynumber.pki.verify import verify_certificate
from tests.unit.pki.support import FIVE_YEARS, NOW, TARO, CardKeys, never_revoked

DURING = NOW + dt.timedelta(days=100)


def test_a_good_certificate_passes(
    ca: CertificateAuthority, signature_cert: x509.Certificate, auth_cert: x509.Certificate
) -> None:
    verify_certificate(signature_cert, ca, at=DURING, is_revoked=never_revoked)
    verify_certificate(auth_cert, ca, at=DURING, is_revoked=never_revoked)


def test_validity_bounds_are_inclusive(
    ca: CertificateAuthority, signature_cert: x509.Certificate
) -> None:
    verify_certificate(signature_cert, ca, at=NOW, is_revoked=never_revoked)
    verify_certificate(signature_cert, ca, at=NOW + FIVE_YEARS, is_revoked=never_revoked)


def test_an_expired_certificate_is_refused_as_expired(
    ca: CertificateAuthority, signature_cert: x509.Certificate
) -> None:
    after = NOW + FIVE_YEARS + dt.timedelta(seconds=1)
    with pytest.raises(CertificateExpired) as caught:
        verify_certificate(signature_cert, ca, at=after, is_revoked=never_revoked)
    assert caught.value.code == "certificate-expired"


def test_a_certificate_before_its_start_is_refused_as_not_yet_valid(
    ca: CertificateAuthority, signature_cert: x509.Certificate
) -> None:
    with pytest.raises(CertificateNotYetValid) as caught:
        verify_certificate(
            signature_cert, ca, at=NOW - dt.timedelta(seconds=1), is_revoked=never_revoked
        )
    assert caught.value.code == "certificate-not-yet-valid"


def test_a_revoked_certificate_is_refused_from_its_revocation_on(
    ca: CertificateAuthority, auth_cert: x509.Certificate
) -> None:
    revoked_at = NOW + dt.timedelta(days=30)

    def lost(serial: int) -> RevokedEntry | None:
        return RevokedEntry(serial, revoked_at, x509.ReasonFlags.key_compromise)

    verify_certificate(auth_cert, ca, at=revoked_at - dt.timedelta(seconds=1), is_revoked=lost)
    with pytest.raises(CertificateRevoked) as caught:
        verify_certificate(auth_cert, ca, at=revoked_at, is_revoked=lost)
    assert caught.value.code == "certificate-revoked"
    assert caught.value.details["reason"] == "keyCompromise"


def test_revocation_of_another_serial_does_not_matter(
    ca: CertificateAuthority, auth_cert: x509.Certificate
) -> None:
    def other(serial: int) -> RevokedEntry | None:
        return RevokedEntry(serial, NOW) if serial != auth_cert.serial_number else None

    verify_certificate(auth_cert, ca, at=DURING, is_revoked=other)


def test_a_certificate_from_a_foreign_ca_is_untrusted(
    ca: CertificateAuthority, foreign_ca: CertificateAuthority, card_keys: CardKeys
) -> None:
    # Same names, same serial, same profile: only the issuer's key differs.
    forged = foreign_ca.issue_signature_certificate(
        card_keys[0].public_key(),
        subject=TARO,
        serial=0x5160001,
        not_before=NOW,
        not_after=NOW + FIVE_YEARS,
    )
    assert forged.issuer == ca.issuing_certificate.subject
    with pytest.raises(UntrustedCertificate) as caught:
        verify_certificate(forged, ca, at=DURING, is_revoked=never_revoked)
    assert caught.value.code == "certificate-untrusted"


def test_a_ca_certificate_is_not_accepted_as_a_card_certificate(
    ca: CertificateAuthority,
) -> None:
    with pytest.raises(UntrustedCertificate):
        verify_certificate(ca.root_certificate, ca, at=DURING, is_revoked=never_revoked)


def test_every_failure_is_a_certificate_error_with_its_own_code() -> None:
    kinds = [UntrustedCertificate, CertificateNotYetValid, CertificateExpired, CertificateRevoked]
    assert all(issubclass(kind, CertificateError) for kind in kinds)
    assert len({kind.code for kind in kinds} | {CertificateError.code}) == len(kinds) + 1


def test_a_naive_moment_is_refused(
    ca: CertificateAuthority, signature_cert: x509.Certificate
) -> None:
    with pytest.raises(InvalidInput):
        verify_certificate(signature_cert, ca, at=dt.datetime(2030, 1, 1), is_revoked=never_revoked)
