"""The CA is created once, kept encrypted on disk, and reloaded only with its passphrase."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from mynumber.domain.errors import InvalidInput
from mynumber.pki.ca import CertificateAuthority
from mynumber.pki.errors import CaKeyUnavailable
from tests.unit.pki.support import FIVE_YEARS, NOW, PASSPHRASE, TARO, CardKeys, run, write


def test_ca_keys_are_stored_encrypted(ca: CertificateAuthority, ca_dir: Path) -> None:
    for label in ("root", "issuing"):
        key_pem = (ca_dir / f"{label}-key.pem").read_bytes()
        assert b"BEGIN ENCRYPTED PRIVATE KEY" in key_pem
        assert (ca_dir / f"{label}-key.pem").stat().st_mode & 0o077 == 0


def test_ca_reloads_the_same_keys_with_the_passphrase(
    ca: CertificateAuthority, ca_dir: Path
) -> None:
    again = CertificateAuthority.load_or_create(ca_dir, PASSPHRASE, now=NOW + FIVE_YEARS)
    assert again.root_certificate == ca.root_certificate
    assert again.issuing_certificate == ca.issuing_certificate
    assert again.issuing_key.private_numbers() == ca.issuing_key.private_numbers()


def test_ca_refuses_a_wrong_passphrase(ca: CertificateAuthority, ca_dir: Path) -> None:
    with pytest.raises(CaKeyUnavailable, match="wrong passphrase") as caught:
        CertificateAuthority.load_or_create(ca_dir, b"not the passphrase", now=NOW)
    assert caught.value.code == "ca-key-unavailable"


def test_ca_refuses_an_incomplete_directory(
    ca: CertificateAuthority, ca_dir: Path, tmp_path: Path
) -> None:
    for name in ("root-key.pem", "root-cert.pem", "issuing-cert.pem"):
        shutil.copy(ca_dir / name, tmp_path / name)
    with pytest.raises(CaKeyUnavailable, match=r"issuing-key\.pem"):
        CertificateAuthority.load_or_create(tmp_path, PASSPHRASE, now=NOW)


def test_ca_refuses_an_empty_passphrase(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        CertificateAuthority.load_or_create(tmp_path, b"", now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_root_is_self_signed_and_issues_the_issuing_ca(ca: CertificateAuthority) -> None:
    root, issuing = ca.root_certificate, ca.issuing_certificate
    root.verify_directly_issued_by(root)
    issuing.verify_directly_issued_by(root)
    assert "JPKI Root CA (mynumber demo)" in root.subject.rfc4514_string()
    assert "JPKI Issuing CA" in issuing.subject.rfc4514_string()
    for cert, path_length in ((root, 1), (issuing, 0)):
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        assert basic.ca and basic.path_length == path_length
        assert cert.public_key().key_size == 2048  # type: ignore[union-attr]
        assert cert.signature_hash_algorithm is not None
        assert cert.signature_hash_algorithm.name == "sha256"
    assert root.not_valid_after_utc > issuing.not_valid_after_utc


def test_openssl_accepts_the_ca_chain(ca: CertificateAuthority, tmp_path: Path) -> None:
    root = write(tmp_path / "root.pem", ca.root_pem())
    issuing = write(tmp_path / "issuing.pem", ca.issuing_pem())
    result = run("openssl", "verify", "-CAfile", root, issuing)
    assert result.returncode == 0, result.stderr


def test_certificate_may_not_outlive_the_issuing_ca(
    ca: CertificateAuthority, card_keys: CardKeys
) -> None:
    beyond = ca.issuing_certificate.not_valid_after_utc + dt.timedelta(seconds=1)
    with pytest.raises(InvalidInput) as caught:
        ca.issue_authentication_certificate(
            card_keys[1].public_key(), serial=77, not_before=NOW, not_after=beyond
        )
    assert caught.value.details["field"] == "not_after"
    # Up to the issuing CA's own end is fine.
    ca.issue_authentication_certificate(
        card_keys[1].public_key(),
        serial=78,
        not_before=NOW,
        not_after=ca.issuing_certificate.not_valid_after_utc,
    )


@pytest.mark.parametrize("serial", [0, -5, 2**159])
def test_certificate_serial_must_fit_rfc_5280(
    ca: CertificateAuthority, card_keys: CardKeys, serial: int
) -> None:
    with pytest.raises(InvalidInput) as caught:
        ca.issue_authentication_certificate(
            card_keys[1].public_key(), serial=serial, not_before=NOW, not_after=NOW + FIVE_YEARS
        )
    assert caught.value.details["field"] == "serial"


def test_certificate_refuses_reversed_or_naive_dates(
    ca: CertificateAuthority, card_keys: CardKeys
) -> None:
    key = card_keys[1].public_key()
    with pytest.raises(InvalidInput):
        ca.issue_authentication_certificate(key, serial=9, not_before=NOW, not_after=NOW)
    with pytest.raises(InvalidInput):
        naive = dt.datetime(2030, 1, 1)
        ca.issue_authentication_certificate(key, serial=9, not_before=NOW, not_after=naive)


def test_certificate_requires_an_rsa_2048_card_key(ca: CertificateAuthority) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(InvalidInput):
        ca.issue_signature_certificate(
            ec_key,  # type: ignore[arg-type]
            subject=TARO,
            serial=10,
            not_before=NOW,
            not_after=NOW + FIVE_YEARS,
        )
