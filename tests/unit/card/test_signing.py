"""Signing on the chip: PKCS#1 v1.5 over the caller's DigestInfo, only after the right PIN."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mynumber.card import Chip, KeyPool, PinRef, digest_info
from mynumber.card.signing import pad_pkcs1_type1, raw_rsa_sign, sign_digest_info
from mynumber.domain.errors import InvalidInput, Unauthenticated
from tests.unit.card.support import RIGHT

MESSAGE = "確定申告書 (e-Tax return)".encode()


def test_auth_key_signature_verifies_as_pkcs1v15_sha256(chip: Chip) -> None:
    session = chip.open_session()
    session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    signature = session.sign_with_auth_key(digest_info(MESSAGE))
    chip.public_keys().user_auth.verify(signature, MESSAGE, padding.PKCS1v15(), hashes.SHA256())


def test_signature_key_signature_verifies_and_is_not_the_auth_key(chip: Chip) -> None:
    session = chip.open_session()
    session.verify(PinRef.SIGNATURE, RIGHT[PinRef.SIGNATURE])
    signature = session.sign_with_signature_key(digest_info(MESSAGE))
    keys = chip.public_keys()
    keys.signature.verify(signature, MESSAGE, padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(InvalidSignature):
        keys.user_auth.verify(signature, MESSAGE, padding.PKCS1v15(), hashes.SHA256())


def test_signing_without_the_pin_is_refused(chip: Chip) -> None:
    session = chip.open_session()
    with pytest.raises(Unauthenticated):
        session.sign_with_auth_key(digest_info(MESSAGE))
    with pytest.raises(Unauthenticated):
        session.sign_with_signature_key(digest_info(MESSAGE))


def test_each_key_needs_its_own_pin(chip: Chip) -> None:
    session = chip.open_session()
    session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    with pytest.raises(Unauthenticated) as refused:
        session.sign_with_signature_key(digest_info(MESSAGE))
    assert refused.value.details == {"pin": "signature"}


def test_a_pin_verified_in_another_session_does_not_count(chip: Chip) -> None:
    chip.open_session().verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    with pytest.raises(Unauthenticated):
        chip.open_session().sign_with_auth_key(digest_info(MESSAGE))


@pytest.mark.parametrize("algorithm", [hashes.SHA1(), hashes.SHA256(), hashes.SHA512()])
def test_own_padding_and_rsa_give_the_same_signature_as_openssl(
    key_pool: KeyPool, algorithm: hashes.HashAlgorithm
) -> None:
    key = key_pool.new_key()
    block = digest_info(MESSAGE, algorithm)
    by_hand = raw_rsa_sign(key, pad_pkcs1_type1(block, 256))
    assert by_hand == sign_digest_info(key, block)
    key.public_key().verify(by_hand, MESSAGE, padding.PKCS1v15(), algorithm)


def test_any_digest_info_is_padded_with_block_type_one(key_pool: KeyPool) -> None:
    key = key_pool.new_key()
    block = bytes(range(36))  # e.g. TLS 1.1's MD5 ‖ SHA-1, with no DigestInfo header
    signature = sign_digest_info(key, block)
    numbers = key.public_key().public_numbers()
    recovered = pow(int.from_bytes(signature, "big"), numbers.e, numbers.n).to_bytes(256, "big")
    assert recovered == b"\x00\x01" + b"\xff" * (256 - 36 - 3) + b"\x00" + block


@pytest.mark.parametrize("block", [b"", bytes(256 - 10)])
def test_an_empty_or_too_long_digest_info_is_refused(chip: Chip, block: bytes) -> None:
    session = chip.open_session()
    session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    with pytest.raises(InvalidInput):
        session.sign_with_auth_key(block)


def test_the_longest_digest_info_the_key_allows_is_signed(key_pool: KeyPool) -> None:
    key: rsa.RSAPrivateKey = key_pool.new_key()
    block = b"\x01" * (256 - 11)
    assert len(sign_digest_info(key, block)) == 256
