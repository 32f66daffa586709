"""Keys derived from the master key (HKDF-SHA256, one label per use), and its versions.

Separate labels keep the uses independent: knowing the lookup key says nothing of the
number-derivation key, and so on.

The master key has two parts (docs/architecture.md, "Keys and their rotation"):

- the **root**, stable by design: the My Number's own derivation (FF3-1 key and tweak: the
  number never changes), the look-up hashes (an index), the audit chain's HMAC key and the
  checkpoints' signing key (entries and signed lines are never rewritten), the opaque
  references, the API tokens' hashes, the CA's passphrase and the PIN pepper of the chips;
- the **sealing versions** 1, 2, 3 …: the keys that seal values at rest (My Numbers, chip
  files, chip private keys). ``mynumber keys rotate`` adds a version, re-seals every value
  under it and retires the older ones.

A key file made before versions holds one key: it is the root and version 1 (so every value
sealed then still opens). After a rotation the file lists them apart::

    root <64 hex>
    v1 retired
    v2 <64 hex>
"""

from __future__ import annotations

import fcntl
import os
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mynumber.domain.key_versions import KeyFamily, retired_error, unknown_error


def derive_key(master: bytes, label: str, length: int = 32) -> bytes:
    """A subkey of ``length`` bytes for ``label``."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=label.encode())
    return hkdf.derive(master)


KEY_BYTES = 32
ROOT = "root"


class KeyFileError(ValueError):
    """A key file that cannot be read as one (its text is never repeated: it holds keys)."""


@dataclass(frozen=True, repr=False)
class MasterKeys:
    """What a key file holds: the stable root and each sealing version (``None``: retired,
    its key erased)."""

    root: bytes
    versions: Mapping[int, bytes | None]

    @classmethod
    def single(cls, key: bytes) -> MasterKeys:
        """A key from before versions: the root and version 1."""
        return cls(root=key, versions={1: key})

    @property
    def newest(self) -> int:
        return max(v for v, k in self.versions.items() if k is not None)

    @property
    def live(self) -> list[int]:
        return sorted(v for v, k in self.versions.items() if k is not None)

    @property
    def retired(self) -> list[int]:
        return sorted(v for v, k in self.versions.items() if k is None)


def parse_key_file(text: str) -> MasterKeys:
    """The keys in a key file: one bare key (from before versions), or ``root``/``vN`` lines."""
    lines = [
        line.split()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if len(lines) == 1 and len(lines[0]) == 1:
        return MasterKeys.single(_hex_key(lines[0][0]))
    root: bytes | None = None
    versions: dict[int, bytes | None] = {}
    for number, words in enumerate(lines, 1):
        if len(words) != 2:
            raise KeyFileError(f"line {number}: expected '<name> <64 hex characters>'")
        name, value = words
        if name == ROOT:
            root = _hex_key(value)
        elif name.startswith("v") and name[1:].isdigit() and 1 <= int(name[1:]) <= 0xFFFF:
            versions[int(name[1:])] = None if value == "retired" else _hex_key(value)
        else:
            raise KeyFileError(f"line {number}: unknown entry (expected root or v1, v2 …)")
    if root is None:
        raise KeyFileError("no root key")
    if not any(k is not None for k in versions.values()):
        raise KeyFileError("no live key version")
    return MasterKeys(root=root, versions=versions)


def format_key_file(keys: MasterKeys) -> str:
    lines = [
        "# mynumber master keys: readable by their owner only (chmod 600).",
        "# root: stable by design (docs/architecture.md, 'Keys and their rotation').",
        f"{ROOT} {keys.root.hex()}",
        "# sealing versions: new values use the newest; a retired one is refused.",
    ]
    for version in sorted(keys.versions):
        key = keys.versions[version]
        lines.append(f"v{version} {'retired' if key is None else key.hex()}")
    return "\n".join(lines) + "\n"


def _hex_key(text: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise KeyFileError("a key must be hexadecimal") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(f"a key must be {KEY_BYTES} bytes ({2 * KEY_BYTES} hex characters)")
    return key


def write_key_file(path: Path, keys: MasterKeys) -> None:
    """Replace ``path`` with ``keys`` at once (a new 0600 file renamed over the old one), so a
    reader sees the old file or the new, never half of one."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(format_key_file(keys))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


class KeyFile:
    """The master keys as the service holds them, and the file they come from (if any).

    A running service sees a rotation or a retirement made by ``mynumber keys`` in another
    process: before each use it compares the file's inode, time and size with what it read
    (one ``stat``) and reads it again when they changed.
    """

    def __init__(self, keys: MasterKeys, path: Path | None = None) -> None:
        self._keys = keys
        self.path = path
        self._stamp = _stamp(path) if path is not None else None
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        return cls(parse_key_file(path.read_text()), path)

    def current(self) -> MasterKeys:
        """The keys, read again if the file changed since."""
        if self.path is None:
            return self._keys
        stamp = _stamp(self.path)
        if stamp is not None and stamp != self._stamp:
            with self._lock:
                try:
                    self._keys = parse_key_file(self.path.read_text())
                    self._stamp = stamp
                except (OSError, KeyFileError):
                    pass  # a damaged file: keep serving with the keys held; the CLI says why
        return self._keys

    @contextmanager
    def _changing(self) -> Iterator[MasterKeys]:
        """The file's keys under an exclusive lock (two rotations never interleave)."""
        if self.path is None:
            raise KeyFileError(
                "The master key is given in MYNUMBER_MASTER_KEY: rotating it needs a key "
                "file (MYNUMBER_MASTER_KEY_FILE), where its versions are kept."
            )
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield parse_key_file(self.path.read_text())
        finally:
            os.close(fd)

    def _write(self, keys: MasterKeys) -> None:
        assert self.path is not None
        write_key_file(self.path, keys)
        with self._lock:
            self._keys, self._stamp = keys, _stamp(self.path)

    def add_version(self) -> int:
        """A new sealing version (32 random bytes), now the newest; its number."""
        with self._changing() as keys:
            version = max(keys.versions) + 1
            self._write(
                MasterKeys(keys.root, {**keys.versions, version: secrets.token_bytes(KEY_BYTES)})
            )
        return version

    def retire(self, version: int) -> None:
        """Erase ``version``'s key: values it sealed are refused from now on. The caller has
        made sure none is left (``services.flows.key_rotation.retire``)."""
        with self._changing() as keys:
            if keys.versions.get(version) is None:
                raise KeyFileError(f"key version {version} is not live")
            if version == keys.newest:
                raise KeyFileError(f"key version {version} is the newest: rotate first")
            self._write(MasterKeys(keys.root, {**keys.versions, version: None}))


class VersionKeys:
    """One use's key (``label``) in every live version of a ``KeyFile``."""

    def __init__(self, source: KeyFile, label: str) -> None:
        self._source = source
        self._label = label
        self._cache: dict[bytes, bytes] = {}

    def newest(self) -> int:
        return self._source.current().newest

    def key(self, version: int) -> bytes:
        keys = self._source.current()
        if version not in keys.versions:
            raise unknown_error(version)
        master = keys.versions[version]
        if master is None:
            raise retired_error(version)
        found = self._cache.get(master)
        if found is None:
            found = self._cache[master] = derive_key(master, self._label)
        return found


DATA_LABEL = "mynumber/data/aes-gcm"
CHIP_LABEL = "mynumber/card/chip"


@dataclass(frozen=True)
class KeyRing:
    """Every key the service uses, derived once at start-up (the versioned ones on use).

    ``chip_key`` is the chip master key: each card derives its own keys from it with the card
    serial (``mynumber.card.sealing``: its private keys and data files from the sealing
    versions, its PIN pepper from the stable part).
    """

    number_key: bytes
    number_tweak: bytes
    data_keys: VersionKeys
    """AES-GCM keys that seal My Numbers, one per sealing version (``adapters.protect``)."""
    lookup_key: bytes
    chip_key: KeyFamily
    token_key: bytes
    ca_passphrase: bytes
    audit_key: bytes
    """HMAC key of the audit chain; never stored in the database (an attacker who can write
    the database cannot recompute an entry's keyed hash)."""
    audit_signing_seed: bytes
    """Ed25519 seed of the key that signs the audit log's checkpoints."""
    reference_key: bytes
    """AES-256-SIV key of the opaque references that stand for ids outside the service
    (``services.core.refs``)."""
    pairwise_key: bytes
    """HMAC key of the pairwise ``sub`` each service sees (``domain.oidc.pairwise_subject``):
    on the root, since a service's identifier for a person must never change."""
    key_file: KeyFile = field(repr=False, compare=False)
    """Where the versions come from (``mynumber keys rotate`` adds one)."""

    @classmethod
    def from_master(cls, master: bytes) -> KeyRing:
        """The keys of one master key (root and version 1), not kept in any file."""
        return cls.from_key_file(KeyFile(MasterKeys.single(master)))

    @classmethod
    def from_key_file(cls, source: KeyFile) -> KeyRing:
        root = source.current().root
        return cls(
            number_key=derive_key(root, "mynumber/ff3-1/key", 32),
            number_tweak=derive_key(root, "mynumber/ff3-1/tweak", 7),
            data_keys=VersionKeys(source, DATA_LABEL),
            lookup_key=derive_key(root, "mynumber/data/lookup-hmac"),
            chip_key=KeyFamily(derive_key(root, CHIP_LABEL), VersionKeys(source, CHIP_LABEL)),
            token_key=derive_key(root, "mynumber/api/demo-tokens"),
            ca_passphrase=derive_key(root, "mynumber/pki/ca-passphrase").hex().encode(),
            audit_key=derive_key(root, "mynumber/audit/chain-hmac"),
            audit_signing_seed=derive_key(root, "mynumber/audit/checkpoint-ed25519"),
            reference_key=derive_key(root, "mynumber/refs/aes-siv", 64),
            pairwise_key=derive_key(root, "mynumber/oidc/pairwise-sub"),
            key_file=source,
        )


# --- Keys that must never serve in production ------------------------------------------------

PUBLISHED_KEYS = frozenset(
    {
        bytes(32),
        bytes.fromhex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
    }
)
"""Keys written in this repository (tests, examples) or trivially guessed: known to all."""
MIN_DISTINCT_BYTES = 16
"""32 random bytes have about 30 distinct values; fewer than 16 happens by chance with odds
below 1e-10, so such a key was typed or patterned by hand."""


def unsafe_master_key(master: bytes, *, dev_key: bytes | None = None) -> str | None:
    """Why ``master`` must not be a production key, or ``None`` when nothing is known
    against it. ``dev_key`` is the key dev mode made on this machine, if any."""
    if dev_key is not None and master == dev_key:
        return "it is the dev-mode key made by an earlier dev start (dev-master.key)"
    if master in PUBLISHED_KEYS:
        return "it is a published example key"
    if len(set(master)) < MIN_DISTINCT_BYTES:
        return "it is not random (too few distinct bytes)"
    return None


def readable_by_others(mode: int) -> bool:
    """Whether a file's mode lets its group or anyone else read or write it."""
    return bool(mode & 0o077)
