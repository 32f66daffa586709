"""証明書プロファイル — the two end-entity certificate profiles of JPKI (公的個人認証サービス).

* 署名用電子証明書 (signature certificate): proves *who* signed a document, so it carries the
  four basic items (基本4情報) — name, address, date of birth, sex — in subjectAltName otherName
  entries under the JPKI arc ``1.2.392.200149.8.5.5`` (.1 name, .3 sex, .4 date of birth,
  .5 address; each a DER UTF8String). keyUsage digitalSignature + nonRepudiation.
* 利用者証明用電子証明書 (user-authentication certificate): proves only that the *same card*
  is present (log-in, clinic check), so it carries **no personal data**: the subject is a CN
  derived from the serial. keyUsage digitalSignature, extendedKeyUsage clientAuth.

Sources: 公的個人認証法 (電子署名等に係る地方公共団体情報システム機構の認証業務に関する法律);
the otherName OIDs as read by OpenSC ``pkcs15-jpki.c`` and the ``jpki/myna`` project (medium
confidence). Values: the date of birth is ISO 8601 ``YYYY-MM-DD``; sex is carried verbatim
(our policy: the resident register's code, e.g. "1" male, "2" female — 住民票の性別).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from mynumber.domain.errors import invalid

JPKI_ARC = "1.2.392.200149.8.5.5"
OID_NAME = ObjectIdentifier(f"{JPKI_ARC}.1")
OID_SEX = ObjectIdentifier(f"{JPKI_ARC}.3")
OID_DATE_OF_BIRTH = ObjectIdentifier(f"{JPKI_ARC}.4")
OID_ADDRESS = ObjectIdentifier(f"{JPKI_ARC}.5")

_UTF8STRING_TAG = 0x0C


@dataclass(frozen=True)
class SignatureSubject:
    """The basic four items (基本4情報) written into a signature certificate."""

    name: str
    address: str
    date_of_birth: dt.date
    sex: str

    def __post_init__(self) -> None:
        for field in ("name", "address", "sex"):
            if not getattr(self, field).strip():
                raise invalid(field, f"{field} must not be empty", f"{field}が空です")


def der_utf8string(text: str) -> bytes:
    """DER-encode ``text`` as an ASN.1 UTF8String (tag 12)."""
    body = text.encode("utf-8")
    return bytes([_UTF8STRING_TAG]) + _der_length(len(body)) + body


def parse_der_utf8string(der: bytes) -> str:
    """Decode a DER UTF8String; ``ValueError`` if ``der`` is anything else."""
    if len(der) < 2 or der[0] != _UTF8STRING_TAG:
        raise ValueError("not a DER UTF8String")
    first = der[1]
    if first < 0x80:
        length, start = first, 2
    else:
        count = first & 0x7F
        if count == 0 or count > 4 or len(der) < 2 + count:
            raise ValueError("bad DER length")
        length, start = int.from_bytes(der[2 : 2 + count], "big"), 2 + count
    if len(der) != start + length:
        raise ValueError("DER length does not match the content")
    return der[start:].decode("utf-8")


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


def subject_name_for(serial: int) -> x509.Name:
    """The subject DN of an end-entity certificate: a CN derived from the serial, nothing else."""
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{serial:040X}")])


def personal_data_extension(subject: SignatureSubject) -> x509.SubjectAlternativeName:
    """subjectAltName with the four otherName entries of a signature certificate."""
    items = [
        (OID_NAME, subject.name),
        (OID_SEX, subject.sex),
        (OID_DATE_OF_BIRTH, subject.date_of_birth.isoformat()),
        (OID_ADDRESS, subject.address),
    ]
    return x509.SubjectAlternativeName(
        [x509.OtherName(oid, der_utf8string(value)) for oid, value in items]
    )


def signature_subject_of(certificate: x509.Certificate) -> SignatureSubject:
    """Read the basic four items back from a signature certificate.

    Raises ``InvalidInput`` if the certificate does not carry them (e.g. an authentication
    certificate, which never does).
    """
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        values = {
            other.type_id: parse_der_utf8string(other.value)
            for other in san.value.get_values_for_type(x509.OtherName)
        }
        return SignatureSubject(
            name=values[OID_NAME],
            address=values[OID_ADDRESS],
            date_of_birth=dt.date.fromisoformat(values[OID_DATE_OF_BIRTH]),
            sex=values[OID_SEX],
        )
    except (x509.ExtensionNotFound, KeyError, ValueError) as exc:
        raise invalid(
            "certificate",
            "the certificate carries no personal data (not a signature certificate)",
            "この証明書には基本4情報が記録されていません（署名用電子証明書ではありません）",
        ) from exc


SIGNATURE_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)

AUTHENTICATION_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)

AUTHENTICATION_EXTENDED_KEY_USAGE = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH])


def is_signature_certificate(certificate: x509.Certificate) -> bool:
    """True if the certificate's keyUsage allows non-repudiation (a 署名用電子証明書)."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return usage.content_commitment
