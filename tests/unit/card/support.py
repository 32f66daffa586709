"""Constants and helpers shared by the card tests (the chip fixtures live in tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import NameOID

from mynumber.card import BasicFourItems, ChipData, PinRef
from mynumber.domain.numbers import IndividualNumber

CARD_ID = "CARD-0001"
RIGHT = {
    PinRef.USER_AUTHENTICATION: "1234",
    PinRef.RESIDENT_REGISTRY: "2345",
    PinRef.CARD_INFO_INPUT: "3456",
    PinRef.SIGNATURE: "ABC123",
}
WRONG = {
    PinRef.USER_AUTHENTICATION: "9999",
    PinRef.RESIDENT_REGISTRY: "9999",
    PinRef.CARD_INFO_INPUT: "9999",
    PinRef.SIGNATURE: "ZZZ999",
}
FOUR_DIGIT_PINS = [PinRef.USER_AUTHENTICATION, PinRef.RESIDENT_REGISTRY, PinRef.CARD_INFO_INPUT]
PHOTO = b"\xff\xd8\xff\xe0 a JPEG face photo \xff\xd9"


def chip_data(address: str = "東京都千代田区千代田1番1号") -> ChipData:
    return ChipData(
        my_number=IndividualNumber.parse("6214 9832 0257"),
        basic_four=BasicFourItems("山田 太郎", address, dt.date(1990, 4, 1), "1"),
        photo=PHOTO,
    )


def initial_pins() -> dict[str, str]:
    return {ref.value: pin for ref, pin in RIGHT.items()}


def certificate_for(
    public_key: CertificatePublicKeyTypes, issuer_key: rsa.RSAPrivateKey, name: str = "card"
) -> x509.Certificate:
    """A minimal certificate for ``public_key`` (the real ones come from mynumber.pki)."""
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(issuer_key, hashes.SHA256())
    )
