"""利用者証明 — proving the card is present: challenge and response with the card's key.

A relying party (clinic terminal, portal, kiosk) sends a fresh random nonce; the card, after the
4-digit PIN, signs it with its user-authentication key; the party checks the signature against
the user-authentication certificate (and checks that certificate with ``verify_certificate``).

The JPKI chip's COMPUTE DIGITAL SIGNATURE (``80 2A 00 80``) takes a DER **DigestInfo** and
applies PKCS#1 v1.5 type-1 padding itself (OpenSC ``card-jpki.c``). So the host hashes, wraps the
hash in a DigestInfo, and the card pads and exponentiates: the result is an ordinary
RSASSA-PKCS1-v1_5 signature with SHA-256 (RFC 8017 §8.2, §9.2).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mynumber.pki.errors import SignatureInvalid

CHALLENGE_BYTES = 32

# RFC 8017 §9.2 note 1: DER of DigestInfo{ sha256, NULL } up to the 32-byte digest.
_SHA256_DIGEST_INFO_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def make_challenge() -> bytes:
    """A fresh 32-byte random nonce for the card to sign."""
    return secrets.token_bytes(CHALLENGE_BYTES)


def digest_info_sha256(data: bytes) -> bytes:
    """The DER DigestInfo of SHA-256(``data``): the bytes the card signs."""
    return _SHA256_DIGEST_INFO_PREFIX + hashlib.sha256(data).digest()


def pkcs1v15_sign_digest_info(private_key: rsa.RSAPrivateKey, digest_info: bytes) -> bytes:
    """Sign a DigestInfo as the chip does: EMSA-PKCS1-v1_5 type-1 padding, then raw RSA.

    ``00 01 FF…FF 00 || DigestInfo``, at least eight FF bytes (RFC 8017 §9.2), raised to the
    private exponent. Raises ``ValueError`` if the DigestInfo is too long for the key.
    """
    numbers = private_key.private_numbers()
    modulus = numbers.public_numbers.n
    size = (modulus.bit_length() + 7) // 8
    if len(digest_info) > size - 11:
        raise ValueError("DigestInfo too long for the key")
    encoded = b"\x00\x01" + b"\xff" * (size - 3 - len(digest_info)) + b"\x00" + digest_info
    message = int.from_bytes(encoded, "big")
    # Chinese remainder theorem, as a chip does: two half-size exponentiations.
    m1 = pow(message, numbers.dmp1, numbers.p)
    m2 = pow(message, numbers.dmq1, numbers.q)
    h = (numbers.iqmp * (m1 - m2)) % numbers.p
    signature = m2 + h * numbers.q
    return signature.to_bytes(size, "big")


@dataclass(frozen=True)
class PrivateKeySigner:
    """A software stand-in for the card's signing operation (tests, demo tooling)."""

    private_key: rsa.RSAPrivateKey

    def sign_digest_info(self, digest_info: bytes) -> bytes:
        """Sign ``digest_info`` exactly as the chip would."""
        return pkcs1v15_sign_digest_info(self.private_key, digest_info)


def verify_challenge_signature(cert: x509.Certificate, nonce: bytes, signature: bytes) -> None:
    """Raise ``SignatureInvalid`` unless ``signature`` is the certificate's key signing ``nonce``.

    This proves possession of the card only; check the certificate itself with
    ``mynumber.pki.verify.verify_certificate``.
    """
    public_key = cert.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise SignatureInvalid(
            "the certificate does not hold an RSA key", "証明書の鍵がRSAではありません"
        )
    try:
        public_key.verify(signature, nonce, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature as exc:
        raise SignatureInvalid(
            "the card's response does not match the challenge",
            "カードの応答がチャレンジと一致しません",
            serial=cert.serial_number,
        ) from exc
