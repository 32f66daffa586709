"""電子署名の計算 — COMPUTE DIGITAL SIGNATURE, as the card does it.

The caller hashes the data and sends a DigestInfo (RFC 8017 §9.2: the DER of the hash algorithm
and the digest); the card pads it with PKCS#1 v1.5 block type 1
(``00 01 FF…FF 00 ‖ DigestInfo``, at least 8 bytes of FF) and applies its RSA private key (OpenSC
``card-jpki.c``: "COMPUTE DIGITAL SIGNATURE 80 2A 00 80 Lc <DigestInfo>").

The padding and the RSA operation (with the CRT and a check of the result against the public key,
the usual defence of a chip against fault attacks) are written here for any DigestInfo. For the
DigestInfo of a SHA-1/SHA-2 digest — every signature the product makes — the same bytes are
computed by OpenSSL instead: PKCS#1 v1.5 is deterministic, so ``sign(…, Prehashed)`` builds the
very same padded block, ten times faster than Python integers and in constant time. The tests
check the two ways give identical signatures.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from mynumber.domain.errors import CardError, invalid

# DER prefixes of DigestInfo for each hash (RFC 8017 §9.2, note 1).
_DIGEST_INFO_PREFIXES: dict[bytes, hashes.HashAlgorithm] = {
    bytes.fromhex("3021300906052b0e03021a05000414"): hashes.SHA1(),
    bytes.fromhex("302d300d06096086480165030402040500041c"): hashes.SHA224(),
    bytes.fromhex("3031300d060960864801650304020105000420"): hashes.SHA256(),
    bytes.fromhex("3041300d060960864801650304020205000430"): hashes.SHA384(),
    bytes.fromhex("3051300d060960864801650304020305000440"): hashes.SHA512(),
}
_MIN_PADDING = 8


def digest_info(message: bytes, algorithm: hashes.HashAlgorithm | None = None) -> bytes:
    """The DigestInfo of ``message`` (SHA-256 unless told): what a caller sends the card."""
    algorithm = algorithm or hashes.SHA256()
    for prefix, known in _DIGEST_INFO_PREFIXES.items():
        if known.name == algorithm.name:
            hasher = hashes.Hash(algorithm)
            hasher.update(message)
            return prefix + hasher.finalize()
    raise ValueError(f"no DigestInfo prefix for {algorithm.name}")


def pad_pkcs1_type1(block: bytes, size: int) -> bytes:
    """EMSA-PKCS1-v1_5 encoding ``00 01 FF…FF 00 ‖ block`` of ``size`` bytes."""
    if not block:
        raise invalid(
            "digest_info",
            "Nothing to sign: the DigestInfo is empty.",
            "署名対象（DigestInfo）が空です。",
        )
    fill = size - len(block) - 3
    if fill < _MIN_PADDING:
        raise invalid(
            "digest_info",
            "The DigestInfo is too long for the card's key.",
            "署名対象（DigestInfo）がカードの鍵に対して長すぎます。",
        )
    return b"\x00\x01" + b"\xff" * fill + b"\x00" + block


def raw_rsa_sign(key: rsa.RSAPrivateKey, encoded: bytes) -> bytes:
    """RSASP1 of the padded block ``encoded`` with the CRT, checked before it leaves the chip."""
    numbers = key.private_numbers()
    public = numbers.public_numbers
    m = int.from_bytes(encoded, "big")
    s_p = pow(m, numbers.dmp1, numbers.p)
    s_q = pow(m, numbers.dmq1, numbers.q)
    s = s_q + numbers.q * ((numbers.iqmp * (s_p - s_q)) % numbers.p)
    if pow(s, public.e, public.n) != m:
        raise CardError(
            "The card failed to compute the signature.", "カードが署名を計算できませんでした。"
        )
    return s.to_bytes(len(encoded), "big")


def _as_prehashed(block: bytes) -> tuple[hashes.HashAlgorithm, bytes] | None:
    for prefix, algorithm in _DIGEST_INFO_PREFIXES.items():
        if block.startswith(prefix) and len(block) == len(prefix) + algorithm.digest_size:
            return algorithm, block[len(prefix) :]
    return None


def sign_digest_info(key: rsa.RSAPrivateKey, block: bytes) -> bytes:
    """The PKCS#1 v1.5 signature of the DigestInfo ``block`` with ``key``."""
    prehashed = _as_prehashed(block)
    if prehashed is not None:
        algorithm, digest = prehashed
        return key.sign(digest, padding.PKCS1v15(), utils.Prehashed(algorithm))
    return raw_rsa_sign(key, pad_pkcs1_type1(block, (key.key_size + 7) // 8))
