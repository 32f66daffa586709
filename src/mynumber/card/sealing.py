"""チップ鍵 — the chip key: what keeps a card's secrets unreadable in the card store.

A real card's private keys never leave its chip. Our chips live in a store (memory or the
database), so the card layer is given one secret ``chip_key`` (32 bytes, from the settings) and
derives three keys per card with HKDF-SHA256 (info = purpose + card serial). The service's chip
key has versions (``KeyFamily``, docs/architecture.md "Keys and their rotation"): the sealing and
file keys come from each version, and every sealed value names its version; the PIN pepper
comes from the part that never rotates:

- a sealing key: each private key is kept as PKCS#8 DER encrypted with AES-256-GCM, the key slot
  as associated data, so a sealed key copied to another card or slot does not open;
- a file key: every data file (the My Number, the basic four items, the photo, the
  certificates) is kept encrypted with AES-256-GCM, the card serial and the file's name as
  associated data, so a sealed file copied to another card or file does not open. A real chip
  keeps these behind its PINs; our store is a database file, so they are sealed at rest and
  opened only inside the chip, which still asks for the PIN before it answers a read;
- a PIN pepper: the secret that keys every stored PIN hash (``mynumber.card.pins``).

The store therefore holds neither a clear private key, nor a clear personal file, nor anything
a stolen dump could test 4-digit PINs against.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mynumber.domain import key_versions
from mynumber.domain.errors import CardError
from mynumber.domain.key_versions import DerivedKeys, KeyFamily

CHIP_KEY_BYTES = 32

ChipKey = bytes | KeyFamily
"""The chip key: 32 bytes (one version), or the service's ``KeyFamily`` (the PIN pepper from
its stable part, the sealing keys from each of its versions)."""


def _derive(purpose: str, card_id: str, chip_key: bytes) -> bytes:
    if len(chip_key) != CHIP_KEY_BYTES:
        raise ValueError(f"the chip key must be {CHIP_KEY_BYTES} bytes")
    info = f"mynumber-card/{purpose}/{card_id}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(chip_key)


@dataclass(frozen=True, repr=False)
class ChipSecrets:
    """The per-card keys derived from the chip key. Never printed, never stored.

    Sealed keys and files name the chip-key version that sealed them
    (``domain.key_versions``); the PIN pepper comes from the part that never rotates, since
    a PIN hash cannot be recomputed without the PIN.
    """

    card_id: str
    sealing_keys: DerivedKeys
    file_keys: DerivedKeys
    pin_pepper: bytes

    @classmethod
    def derive(cls, chip_key: ChipKey, card_id: str) -> ChipSecrets:
        """The secrets of card ``card_id`` under ``chip_key``."""
        family = KeyFamily.single(chip_key) if isinstance(chip_key, bytes) else chip_key
        return cls(
            card_id,
            DerivedKeys(family.versions, partial(_derive, "seal", card_id)),
            DerivedKeys(family.versions, partial(_derive, "file", card_id)),
            _derive("pin", card_id, family.stable),
        )

    def seal(self, key: rsa.RSAPrivateKey, slot: str) -> bytes:
        """``key`` as tag ‖ nonce ‖ AES-GCM(PKCS#8 DER), bound to ``slot``."""
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return key_versions.seal(self.sealing_keys, der, slot.encode())

    def unseal(self, sealed: bytes, slot: str) -> rsa.RSAPrivateKey:
        """The private key sealed by ``seal`` for ``slot``; ``CardError`` if it does not open,
        ``KeyVersionUnavailable`` if its chip-key version retired."""
        try:
            _, der = key_versions.open_sealed(self.sealing_keys, sealed, slot.encode())
        except InvalidTag:
            raise CardError(
                "The card's key cannot be opened (damaged chip or wrong chip key).",
                "カードの鍵を開けません（ICチップの破損またはチップ鍵の誤り）。",
                slot=slot,
            ) from None
        # The GCM tag proves we wrote these bytes from a valid key, so the slow (~50 ms)
        # consistency check of an RSA private key would buy nothing on every signature.
        key = serialization.load_der_private_key(der, None, unsafe_skip_rsa_key_validation=True)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key

    def reseal_key(self, sealed: bytes, slot: str) -> bytes | None:
        """A sealed private key sealed again under the newest version (``None``: it is)."""
        return key_versions.reseal(self.sealing_keys, sealed, slot.encode())

    def seal_file(self, name: str, content: bytes) -> bytes:
        """The file ``name`` as tag ‖ nonce ‖ AES-GCM(content), bound to this card and that
        name."""
        return key_versions.seal(self.file_keys, content, self._file_aad(name))

    def open_file(self, name: str, sealed: bytes) -> bytes:
        """The content sealed by ``seal_file`` for ``name``; ``CardError`` if it does not open,
        ``KeyVersionUnavailable`` if its chip-key version retired."""
        try:
            return key_versions.open_sealed(self.file_keys, sealed, self._file_aad(name))[1]
        except InvalidTag:
            raise CardError(
                "The card's data cannot be read (damaged chip or wrong chip key).",
                "カードのデータを読み取れません（ICチップの破損またはチップ鍵の誤り）。",
                file=name,
            ) from None

    def reseal_file(self, name: str, sealed: bytes) -> bytes | None:
        """A sealed file sealed again under the newest version (``None``: it is)."""
        return key_versions.reseal(self.file_keys, sealed, self._file_aad(name))

    def _file_aad(self, name: str) -> bytes:
        # The NUL cannot occur in a serial: "AB" + "Cx" never reads as "ABC" + "x".
        return f"{self.card_id}\0{name}".encode()
