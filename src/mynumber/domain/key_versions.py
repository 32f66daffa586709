"""鍵の世代 — key versions: every sealed value names the master-key version it was sealed under.

A value sealed at rest (a My Number in the register or an employer's file, a chip's data file,
a chip's private key) is ``tag ‖ nonce ‖ AES-GCM(content)``, where the tag is ``MAGIC`` plus
the version as two bytes, big-endian. Reads accept any live version; new writes use the
newest; a version that has retired is refused with ``KeyVersionUnavailable``.

Values sealed before versions existed carry no tag: they are read as version 1 (the master
key of that time). A random nonce can begin with the tag by chance (odds 2^-48), so a value
whose tag is read but does not open is tried once more as such an untagged value: the
AES-GCM tag, not the prefix, decides.

Plain bytes and AES-GCM only: no I/O. Where the keys of each version come from (the key file)
is the adapters' business (``adapters.keys``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mynumber.domain.errors import MyNumberError

MAGIC = b"\xa7mkv"
"""Four bytes that open every tagged value (``mk``: master key, ``v``: version)."""
TAG_BYTES = len(MAGIC) + 2
NONCE_BYTES = 12
LEGACY_VERSION = 1
"""The version an untagged value (sealed before versions existed) was sealed under."""
MAX_VERSION = 0xFFFF


class KeyVersionUnavailable(MyNumberError):
    """A value was sealed under a key version this service does not hold: retired, or not
    in its key file. Nothing is wrong with the request; the operator must act."""

    code = "key-version-unavailable"
    title = "The key that sealed this value is not available"


def retired_error(version: int) -> KeyVersionUnavailable:
    return KeyVersionUnavailable(
        f"This value was sealed under master key version {version}, which has retired: it "
        "can no longer be opened (restore the value from a backup made after the rotation).",
        f"この値はマスター鍵の第{version}世代で暗号化されていますが、その世代は廃止済みのため"
        "復号できません（鍵の更新後のバックアップから復元してください）。",
        key_version=version,
    )


def unknown_error(version: int) -> KeyVersionUnavailable:
    return KeyVersionUnavailable(
        f"This value was sealed under master key version {version}, which is not in this "
        "service's key file (is the key file out of date?).",
        f"この値はマスター鍵の第{version}世代で暗号化されていますが、その世代が鍵ファイルに"
        "ありません（鍵ファイルが古くありませんか）。",
        key_version=version,
    )


class VersionedKeys(Protocol):
    """The keys of one use (say, sealing My Numbers) in every live version."""

    def newest(self) -> int:
        """The version new values are sealed under."""
        ...

    def key(self, version: int) -> bytes:
        """The 32-byte key of ``version``; ``KeyVersionUnavailable`` if it retired or is
        unknown."""
        ...


@dataclass(frozen=True, repr=False)
class KeyFamily:
    """A key with a part that never rotates and a part that does: the chips' (``stable``
    peppers the PIN hashes, which cannot be recomputed without the PINs; ``versions`` seal
    the chip files and private keys)."""

    stable: bytes
    versions: VersionedKeys

    @classmethod
    def single(cls, key: bytes) -> KeyFamily:
        """One key serving as both: version 1 and the stable part."""
        return cls(key, StaticKeys({LEGACY_VERSION: key}))


class StaticKeys:
    """Versions fixed at construction (a single key: tests, the chip's own callers)."""

    def __init__(self, keys: Mapping[int, bytes | None]) -> None:
        live = [v for v, k in keys.items() if k is not None]
        if not live:
            raise ValueError("at least one live key version is needed")
        self._keys = dict(keys)
        self._newest = max(live)

    def newest(self) -> int:
        return self._newest

    def key(self, version: int) -> bytes:
        if version not in self._keys:
            raise unknown_error(version)
        found = self._keys[version]
        if found is None:
            raise retired_error(version)
        return found


class DerivedKeys:
    """Each version's key passed through ``derive`` (e.g. one card's own key from the chip
    key), remembered per version."""

    def __init__(self, base: VersionedKeys, derive: Callable[[bytes], bytes]) -> None:
        self._base = base
        self._derive = derive
        self._cache: dict[tuple[int, bytes], bytes] = {}

    def newest(self) -> int:
        return self._base.newest()

    def key(self, version: int) -> bytes:
        base = self._base.key(version)  # asked each time: a version may retire meanwhile
        found = self._cache.get((version, base))
        if found is None:
            found = self._cache[(version, base)] = self._derive(base)
        return found


def tag(version: int) -> bytes:
    """The prefix that names ``version``."""
    if not 1 <= version <= MAX_VERSION:
        raise ValueError(f"key version {version} out of range")
    return MAGIC + version.to_bytes(2, "big")


def version_of(sealed: bytes) -> int:
    """The version a sealed value names (untagged: ``LEGACY_VERSION``)."""
    if len(sealed) >= TAG_BYTES and sealed[: len(MAGIC)] == MAGIC:
        return int.from_bytes(sealed[len(MAGIC) : TAG_BYTES], "big")
    return LEGACY_VERSION


def seal(keys: VersionedKeys, content: bytes, aad: bytes) -> bytes:
    """``content`` sealed under the newest version: tag ‖ nonce ‖ AES-GCM(content, aad)."""
    version = keys.newest()
    nonce = os.urandom(NONCE_BYTES)
    return tag(version) + nonce + AESGCM(keys.key(version)).encrypt(nonce, content, aad)


def open_sealed(keys: VersionedKeys, sealed: bytes, aad: bytes) -> tuple[int, bytes]:
    """The version ``sealed`` was sealed under and its content. Raises ``InvalidTag`` when
    it does not open (tampered, moved, wrong key) and ``KeyVersionUnavailable`` when its
    version retired or is unknown."""
    b = bytes(sealed)
    if len(b) >= TAG_BYTES and b[: len(MAGIC)] == MAGIC:
        version = int.from_bytes(b[len(MAGIC) : TAG_BYTES], "big")
        body = b[TAG_BYTES:]
        try:
            return version, AESGCM(keys.key(version)).decrypt(
                body[:NONCE_BYTES], body[NONCE_BYTES:], aad
            )
        except (InvalidTag, KeyVersionUnavailable) as refused:
            # Perhaps an untagged value whose random nonce begins like a tag (2^-48).
            try:
                return LEGACY_VERSION, _open_untagged(keys, b, aad)
            except (InvalidTag, KeyVersionUnavailable):
                raise refused from None
    return LEGACY_VERSION, _open_untagged(keys, b, aad)


def _open_untagged(keys: VersionedKeys, b: bytes, aad: bytes) -> bytes:
    key = keys.key(LEGACY_VERSION)
    return AESGCM(key).decrypt(b[:NONCE_BYTES], b[NONCE_BYTES:], aad)


def reseal(keys: VersionedKeys, sealed: bytes, aad: bytes) -> bytes | None:
    """``sealed`` sealed again under the newest version, or ``None`` when it already is."""
    version, content = open_sealed(keys, sealed, aad)
    if version == keys.newest() and version_of(bytes(sealed)) == version:
        return None
    return seal(keys, content, aad)
