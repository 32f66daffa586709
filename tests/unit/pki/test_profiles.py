"""The signature certificate carries the basic four items; the authentication one none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from mynumber.domain.errors import InvalidInput
from mynumber.pki.ca import CertificateAuthority
from mynumber.pki.profiles import (
    SignatureSubject,
    der_utf8string,
    parse_der_utf8string,
    signature_subject_of,
)
from tests.unit.pki.support import TARO, run, write

# The content octets of OID 1.2.392.200149.8.5.5 (X.690 §8.19).
JPKI_ARC_DER = bytes.fromhex("2a83088c9b55080505")


def _other_names(cert: x509.Certificate) -> dict[str, bytes]:
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {o.type_id.dotted_string: o.value for o in san.get_values_for_type(x509.OtherName)}


def test_signature_certificate_carries_personal_data_under_jpki_oids(
    signature_cert: x509.Certificate,
) -> None:
    names = _other_names(signature_cert)
    assert names == {
        "1.2.392.200149.8.5.5.1": der_utf8string("山田 太郎"),
        "1.2.392.200149.8.5.5.3": der_utf8string("1"),
        "1.2.392.200149.8.5.5.4": der_utf8string("1990-04-01"),
        "1.2.392.200149.8.5.5.5": der_utf8string("東京都千代田区千代田1番1号"),
    }
    # UTF8String, tag 12, DER short-form length.
    assert names["1.2.392.200149.8.5.5.3"] == b"\x0c\x011"


def test_signature_certificate_contains_the_jpki_arc_in_der(
    signature_cert: x509.Certificate,
) -> None:
    assert JPKI_ARC_DER in signature_cert.public_bytes(serialization.Encoding.DER)


def test_personal_data_decodes_back_to_the_subject(signature_cert: x509.Certificate) -> None:
    assert signature_subject_of(signature_cert) == TARO


def test_openssl_decodes_the_personal_data(
    signature_cert: x509.Certificate, tmp_path: Path
) -> None:
    cert = write(tmp_path / "sig.der", signature_cert.public_bytes(serialization.Encoding.DER))
    parsed = run("openssl", "asn1parse", "-inform", "DER", "-in", cert, "-i", "-dump")
    assert parsed.returncode == 0
    san = signature_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    san_der = write(tmp_path / "san.der", san.value.public_bytes())
    dump = run("openssl", "asn1parse", "-inform", "DER", "-in", san_der)
    assert dump.returncode == 0, dump.stderr
    for oid in ("1.2.392.200149.8.5.5.1", "1.2.392.200149.8.5.5.5"):
        assert oid in dump.stdout
    assert "UTF8STRING" in dump.stdout


def test_long_values_round_trip_through_der() -> None:
    address = "北海道札幌市中央区北1条西2丁目" * 10  # over 127 bytes: long-form length
    assert parse_der_utf8string(der_utf8string(address)) == address
    with pytest.raises(ValueError):
        parse_der_utf8string(b"\x13\x03abc")  # PrintableString, not UTF8String


def test_signature_certificate_key_usage_and_locations(
    signature_cert: x509.Certificate, ca: CertificateAuthority
) -> None:
    usage = signature_cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    crl_dp = signature_cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert crl_dp[0].full_name == [x509.UniformResourceIdentifier(ca.crl_url)]
    aia = signature_cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    locations = {d.access_method.dotted_string: d.access_location.value for d in aia.value}
    assert locations["1.3.6.1.5.5.7.48.1"] == "http://127.0.0.1:8000/jpki/ocsp"
    assert locations["1.3.6.1.5.5.7.48.2"] == "http://127.0.0.1:8000/jpki/issuing-ca.der"
    assert signature_cert.signature_hash_algorithm is not None
    assert signature_cert.signature_hash_algorithm.name == "sha256"


def test_authentication_certificate_carries_no_personal_data(
    auth_cert: x509.Certificate,
) -> None:
    der = auth_cert.public_bytes(serialization.Encoding.DER)
    for item in (TARO.name, TARO.address, "1990-04-01", "19900401"):
        assert item.encode("utf-8") not in der
    assert JPKI_ARC_DER not in der
    with pytest.raises(x509.ExtensionNotFound):
        auth_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    attributes = list(auth_cert.subject)
    assert [a.oid.dotted_string for a in attributes] == ["2.5.4.3"]  # a CN only
    assert attributes[0].value == f"{auth_cert.serial_number:040X}"
    with pytest.raises(InvalidInput):
        signature_subject_of(auth_cert)


def test_authentication_certificate_is_for_client_authentication(
    auth_cert: x509.Certificate,
) -> None:
    usage = auth_cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and not usage.content_commitment
    eku = auth_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert auth_cert.extensions.get_extension_for_class(x509.CRLDistributionPoints)


def test_signature_subject_refuses_empty_items() -> None:
    with pytest.raises(InvalidInput):
        SignatureSubject(name=" ", address="東京都", date_of_birth=dt.date(2000, 1, 1), sex="2")
