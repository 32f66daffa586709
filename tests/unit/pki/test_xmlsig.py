"""e-Tax: a return signed on the card verifies with xmlsec1 and with us; tampering is caught."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from mynumber.domain.errors import InvalidInput
from mynumber.pki.ca import CertificateAuthority
from mynumber.pki.challenge import PrivateKeySigner
from mynumber.pki.errors import (
    CertificateExpired,
    CertificateRevoked,
    CertificateWrongPurpose,
    SignatureInvalid,
    UntrustedCertificate,
)
from mynumber.pki.revocation import RevokedEntry
from mynumber.pki.xmlsig import CardKey, sign_xml, verify_signed_xml
from tests.unit.pki.support import FIVE_YEARS, NOW, TARO, CardKeys, never_revoked, run, write

RETURN = """<?xml version="1.0" encoding="UTF-8"?>
<申告書 xmlns="urn:mynumber:etax:demo" 年分="2025">
  <氏名>山田 太郎</氏名>
  <所得金額>5000000</所得金額>
  <納付税額>123400</納付税額>
</申告書>
""".encode()
SIGNED_AT = NOW + dt.timedelta(days=60)


@pytest.fixture(scope="module")
def signed(card_keys: CardKeys, signature_cert: x509.Certificate) -> bytes:
    return sign_xml(RETURN, signer=PrivateKeySigner(card_keys[0]), certificate=signature_cert)


@pytest.fixture(scope="module")
def trust(ca: CertificateAuthority, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("xmlsec")
    root = write(folder / "root.pem", ca.root_pem())
    issuing = write(folder / "issuing.pem", ca.issuing_pem())
    return ["--trusted-pem", str(root), "--untrusted-pem", str(issuing)]


def _xmlsec1(document: bytes, trust: list[str], tmp_path: Path) -> int:
    path = write(tmp_path / "return.xml", document)
    return run("xmlsec1", "--verify", *trust, path).returncode


def test_xmlsec1_accepts_the_signed_return(signed: bytes, trust: list[str], tmp_path: Path) -> None:
    assert _xmlsec1(signed, trust, tmp_path) == 0


def test_xmlsec1_rejects_a_tampered_return(signed: bytes, trust: list[str], tmp_path: Path) -> None:
    tampered = signed.replace(b"123400", b"000100")
    assert tampered != signed
    assert _xmlsec1(tampered, trust, tmp_path) != 0


def test_xmlsec1_rejects_a_signature_from_a_foreign_ca(
    foreign_ca: CertificateAuthority, card_keys: CardKeys, trust: list[str], tmp_path: Path
) -> None:
    forged_cert = foreign_ca.issue_signature_certificate(
        card_keys[0].public_key(),
        subject=TARO,
        serial=7,
        not_before=NOW,
        not_after=NOW + FIVE_YEARS,
    )
    forged = sign_xml(RETURN, signer=PrivateKeySigner(card_keys[0]), certificate=forged_cert)
    assert _xmlsec1(forged, trust, tmp_path) != 0


def test_signature_is_enveloped_rsa_sha256_over_the_whole_document(signed: bytes) -> None:
    root = etree.fromstring(signed)
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    signature = root[-1]
    assert signature.tag == f"{ds}Signature"
    method = signature.find(f"{ds}SignedInfo/{ds}SignatureMethod")
    assert method is not None
    assert method.get("Algorithm") == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    reference = signature.find(f"{ds}SignedInfo/{ds}Reference")
    assert reference is not None and reference.get("URI") == ""


def test_we_verify_the_signed_return_and_hand_back_only_signed_content(
    ca: CertificateAuthority, signed: bytes, signature_cert: x509.Certificate
) -> None:
    document = verify_signed_xml(signed, ca, at=SIGNED_AT, is_revoked=never_revoked)
    assert document.certificate == signature_cert
    ns = "{urn:mynumber:etax:demo}"
    assert document.root_element.tag == f"{ns}申告書"
    assert document.root_element.findtext(f"{ns}納付税額") == "123400"
    assert document.root_element.find("{http://www.w3.org/2000/09/xmldsig#}Signature") is None


def test_tampered_return_is_refused_as_a_bad_signature(
    ca: CertificateAuthority, signed: bytes
) -> None:
    with pytest.raises(SignatureInvalid) as caught:
        verify_signed_xml(
            signed.replace(b"123400", b"000100"), ca, at=SIGNED_AT, is_revoked=never_revoked
        )
    assert caught.value.code == "signature-invalid"


def test_unsigned_or_malformed_documents_are_refused(ca: CertificateAuthority) -> None:
    for document in (RETURN, b"<not xml"):
        with pytest.raises(SignatureInvalid):
            verify_signed_xml(document, ca, at=SIGNED_AT, is_revoked=never_revoked)


def test_signature_from_a_foreign_ca_is_untrusted(
    ca: CertificateAuthority, foreign_ca: CertificateAuthority, card_keys: CardKeys
) -> None:
    forged_cert = foreign_ca.issue_signature_certificate(
        card_keys[0].public_key(),
        subject=TARO,
        serial=8,
        not_before=NOW,
        not_after=NOW + FIVE_YEARS,
    )
    forged = sign_xml(RETURN, signer=PrivateKeySigner(card_keys[0]), certificate=forged_cert)
    with pytest.raises(UntrustedCertificate):
        verify_signed_xml(forged, ca, at=SIGNED_AT, is_revoked=never_revoked)


def test_return_signed_after_the_certificate_expired_is_refused(
    ca: CertificateAuthority, signed: bytes
) -> None:
    too_late = NOW + FIVE_YEARS + dt.timedelta(days=1)
    with pytest.raises(CertificateExpired):
        verify_signed_xml(signed, ca, at=too_late, is_revoked=never_revoked)


def test_revocation_counts_only_if_it_preceded_the_signing(
    ca: CertificateAuthority, signed: bytes
) -> None:
    def moved_house(serial: int) -> RevokedEntry | None:
        return RevokedEntry(serial, SIGNED_AT, x509.ReasonFlags.affiliation_changed)

    before = SIGNED_AT - dt.timedelta(minutes=1)
    verify_signed_xml(signed, ca, at=before, is_revoked=moved_house)
    with pytest.raises(CertificateRevoked):
        verify_signed_xml(signed, ca, at=SIGNED_AT, is_revoked=moved_house)


def test_authentication_certificate_cannot_sign_a_return(
    card_keys: CardKeys, auth_cert: x509.Certificate
) -> None:
    with pytest.raises(CertificateWrongPurpose):
        sign_xml(RETURN, signer=PrivateKeySigner(card_keys[1]), certificate=auth_cert)


def test_a_card_whose_key_does_not_match_the_certificate_cannot_sign(
    card_keys: CardKeys, signature_cert: x509.Certificate
) -> None:
    with pytest.raises(SignatureInvalid):
        sign_xml(RETURN, signer=PrivateKeySigner(card_keys[2]), certificate=signature_cert)


def test_malformed_xml_cannot_be_signed(
    card_keys: CardKeys, signature_cert: x509.Certificate
) -> None:
    with pytest.raises(InvalidInput):
        sign_xml(b"<open>", signer=PrivateKeySigner(card_keys[0]), certificate=signature_cert)


def test_the_card_key_shim_never_exports_the_private_key(
    card_keys: CardKeys, signature_cert: x509.Certificate
) -> None:
    shim = CardKey(PrivateKeySigner(card_keys[0]), card_keys[0].public_key())
    assert shim.key_size == 2048
    with pytest.raises(TypeError):
        shim.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    with pytest.raises(TypeError):
        shim.private_numbers()


def test_signature_over_less_than_the_whole_document_is_refused(
    ca: CertificateAuthority, signed: bytes
) -> None:
    partial = signed.replace(b'URI=""', b'URI="#part"', 1)
    with pytest.raises(SignatureInvalid, match="whole document"):
        verify_signed_xml(partial, ca, at=SIGNED_AT, is_revoked=never_revoked)
