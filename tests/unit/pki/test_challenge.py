"""Card authentication: the chip signs a DigestInfo; the result is standard PKCS#1 v1.5."""

from __future__ import annotations

import hashlib

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from mynumber.pki.challenge import (
    PrivateKeySigner,
    digest_info_sha256,
    make_challenge,
    pkcs1v15_sign_digest_info,
    verify_challenge_signature,
)
from mynumber.pki.errors import SignatureInvalid
from tests.unit.pki.support import CardKeys


def test_challenges_are_fresh_32_byte_nonces() -> None:
    challenges = {make_challenge() for _ in range(50)}
    assert len(challenges) == 50
    assert all(len(c) == 32 for c in challenges)


def test_digest_info_is_the_der_of_sha256_and_the_hash() -> None:
    info = digest_info_sha256(b"abc")
    # SEQUENCE { SEQUENCE { OID 2.16.840.1.101.3.4.2.1, NULL }, OCTET STRING (32) }
    assert info[:2] == b"\x30\x31"
    assert info[4:15] == b"\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01"
    assert info[15:19] == b"\x05\x00\x04\x20"
    assert info[19:] == hashlib.sha256(b"abc").digest()
    assert len(info) == 51


def test_raw_digest_info_signature_verifies_as_pkcs1v15_sha256(card_keys: CardKeys) -> None:
    key = card_keys[1]
    data = b"nonce from the clinic terminal"
    signature = pkcs1v15_sign_digest_info(key, digest_info_sha256(data))
    key.public_key().verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    # PKCS#1 v1.5 is deterministic: byte for byte what the library would make.
    assert signature == key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    assert len(signature) == 256


def test_digest_info_too_long_for_the_key_is_refused(card_keys: CardKeys) -> None:
    with pytest.raises(ValueError):
        pkcs1v15_sign_digest_info(card_keys[1], b"\x00" * 246)


def test_card_response_to_the_challenge_is_accepted(
    card_keys: CardKeys, auth_cert: x509.Certificate
) -> None:
    nonce = make_challenge()
    signature = PrivateKeySigner(card_keys[1]).sign_digest_info(digest_info_sha256(nonce))
    verify_challenge_signature(auth_cert, nonce, signature)


def test_response_to_another_challenge_is_refused(
    card_keys: CardKeys, auth_cert: x509.Certificate
) -> None:
    old = make_challenge()
    signature = pkcs1v15_sign_digest_info(card_keys[1], digest_info_sha256(old))
    with pytest.raises(SignatureInvalid) as caught:
        verify_challenge_signature(auth_cert, make_challenge(), signature)
    assert caught.value.code == "signature-invalid"


def test_response_from_another_card_is_refused(
    card_keys: CardKeys, auth_cert: x509.Certificate
) -> None:
    nonce = make_challenge()
    signature = pkcs1v15_sign_digest_info(card_keys[2], digest_info_sha256(nonce))
    with pytest.raises(SignatureInvalid):
        verify_challenge_signature(auth_cert, nonce, signature)
