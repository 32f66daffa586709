"""Fixtures for the JPKI tests: keys made once per session, a CA, and a foreign CA.

RSA-2048 key generation is the slow part of every PKI test, so a handful of keys are made
once and shared. The CA is dated from yesterday so that certificates are valid *now* for the
real tools (openssl, xmlsec1), which check validity against the wall clock.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from mynumber.pki.ca import CertificateAuthority
from tests.unit.pki.support import FIVE_YEARS, NOW, PASSPHRASE, TARO, CardKeys


@pytest.fixture(scope="session")
def card_keys() -> CardKeys:
    return CardKeys(
        tuple(rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(4))
    )


@pytest.fixture(scope="session")
def ca_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("jpki-ca")


@pytest.fixture(scope="session")
def ca(ca_dir: Path) -> CertificateAuthority:
    return CertificateAuthority.load_or_create(
        ca_dir, PASSPHRASE, now=NOW, base_url="http://127.0.0.1:8000/jpki"
    )


@pytest.fixture(scope="session")
def foreign_ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    """Another CA with the very same names: only the keys tell it apart."""
    return CertificateAuthority.load_or_create(
        tmp_path_factory.mktemp("foreign-ca"), b"someone else", now=NOW
    )


@pytest.fixture(scope="session")
def signature_cert(ca: CertificateAuthority, card_keys: CardKeys) -> x509.Certificate:
    return ca.issue_signature_certificate(
        card_keys[0].public_key(),
        subject=TARO,
        serial=0x5160001,
        not_before=NOW,
        not_after=NOW + FIVE_YEARS,
    )


@pytest.fixture(scope="session")
def auth_cert(ca: CertificateAuthority, card_keys: CardKeys) -> x509.Certificate:
    return ca.issue_authentication_certificate(
        card_keys[1].public_key(), serial=0xA0A0001, not_before=NOW, not_after=NOW + FIVE_YEARS
    )
