"""Sealed values name their key version (``domain.key_versions``) and the master key file
keeps each version (``adapters.keys``): the rules, without a database."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mynumber.adapters.keys import (
    KeyFile,
    KeyFileError,
    KeyRing,
    MasterKeys,
    format_key_file,
    parse_key_file,
)
from mynumber.adapters.protect import NumberVault
from mynumber.domain import key_versions
from mynumber.domain.key_versions import KeyVersionUnavailable, StaticKeys
from mynumber.domain.numbers import IndividualNumber

K1, K2 = bytes(range(32)), bytes(range(32, 64))
NUMBER = IndividualNumber("621498320257")


def test_a_sealed_value_names_the_newest_version_and_opens_under_it() -> None:
    keys = StaticKeys({1: K1, 2: K2})
    sealed = key_versions.seal(keys, b"hello", b"aad")
    assert sealed[: key_versions.TAG_BYTES] == key_versions.tag(2)
    assert key_versions.version_of(sealed) == 2
    assert key_versions.open_sealed(keys, sealed, b"aad") == (2, b"hello")
    with pytest.raises(InvalidTag):
        key_versions.open_sealed(keys, sealed, b"other row")


def test_reseal_moves_an_older_value_to_the_newest_and_leaves_the_newest_alone() -> None:
    old = key_versions.seal(StaticKeys({1: K1}), b"x", b"a")
    both = StaticKeys({1: K1, 2: K2})
    new = key_versions.reseal(both, old, b"a")
    assert new is not None and key_versions.version_of(new) == 2
    assert key_versions.reseal(both, new, b"a") is None


def test_a_retired_or_unknown_version_is_refused_by_name() -> None:
    old = key_versions.seal(StaticKeys({1: K1}), b"x", b"a")
    with pytest.raises(KeyVersionUnavailable, match="version 1, which has retired"):
        key_versions.open_sealed(StaticKeys({1: None, 2: K2}), old, b"a")
    with pytest.raises(KeyVersionUnavailable, match="not in this service's key file"):
        key_versions.open_sealed(StaticKeys({2: K2}), old, b"a")


def test_an_untagged_value_from_before_versions_is_version_1_even_if_its_nonce_looks_tagged() -> (
    None
):
    keys = StaticKeys({1: K1, 2: K2})
    for nonce in (os.urandom(12), key_versions.tag(2) + os.urandom(6)):
        legacy = nonce + AESGCM(K1).encrypt(nonce, b"old", b"a")
        assert key_versions.open_sealed(keys, legacy, b"a") == (1, b"old")
        resealed = key_versions.reseal(keys, legacy, b"a")
        assert resealed is not None and key_versions.open_sealed(keys, resealed, b"a") == (
            2,
            b"old",
        )


def test_the_vault_reads_every_live_version_and_keeps_its_lookup_hash() -> None:
    source = KeyFile(MasterKeys(root=K1, versions={1: K1, 2: K2}))
    ring = KeyRing.from_key_file(source)
    vault = NumberVault(data_key=ring.data_keys, lookup_key=ring.lookup_key)
    old_ring = KeyRing.from_master(K1)
    old = NumberVault(data_key=old_ring.data_keys, lookup_key=old_ring.lookup_key)
    sealed_v1 = old.seal(NUMBER, context="c")
    assert vault.open(sealed_v1, context="c") == NUMBER
    assert key_versions.version_of(vault.seal(NUMBER, context="c")) == 2
    assert vault.lookup_hash(NUMBER) == old.lookup_hash(NUMBER)  # stable across versions
    assert ring.audit_key == old_ring.audit_key  # so is the audit chain's key


def test_a_key_file_from_before_versions_is_root_and_version_1() -> None:
    keys = parse_key_file(K1.hex() + "\n")
    assert (keys.root, dict(keys.versions)) == (K1, {1: K1})


def test_a_key_file_round_trips_with_retired_versions() -> None:
    keys = MasterKeys(root=K1, versions={1: None, 2: K2})
    text = format_key_file(keys)
    assert K1.hex() in text and "v1 retired" in text
    back = parse_key_file(text)
    assert (back.root, dict(back.versions), back.newest, back.retired) == (
        K1,
        {1: None, 2: K2},
        2,
        [1],
    )


@pytest.mark.parametrize(
    "text,reason",
    [
        ("v1 " + K1.hex(), "no root"),
        ("root " + K1.hex() + "\nv1 retired", "no live key version"),
        ("root " + K1.hex() + "\nv1 abcd", "32 bytes"),
        ("root " + K1.hex() + "\nv1 xyz", "hexadecimal"),
        ("root " + K1.hex() + "\nkey " + K2.hex(), "unknown entry"),
    ],
)
def test_a_damaged_key_file_is_refused_without_repeating_it(text: str, reason: str) -> None:
    with pytest.raises(KeyFileError, match=reason) as refused:
        parse_key_file(text)
    assert K1.hex() not in str(refused.value)


def test_a_new_version_is_written_0600_and_seen_by_another_reader(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    path.write_text(K1.hex())
    path.chmod(0o600)
    writer, reader = KeyFile.load(path), KeyFile.load(path)
    assert writer.add_version() == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert reader.current().live == [1, 2]  # the running service follows the file
    writer.retire(1)
    assert reader.current().retired == [1]
    with pytest.raises(KeyFileError, match="newest"):
        writer.retire(2)


def test_a_key_given_in_the_environment_cannot_rotate() -> None:
    with pytest.raises(KeyFileError, match="needs a key file"):
        KeyFile(MasterKeys.single(K1)).add_version()
