"""The card store: atomic counters, and nothing secret in clear."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mynumber.card import (
    CardFile,
    Chip,
    ChipState,
    KeyPool,
    KeySlot,
    MemoryChipStore,
    PinRef,
    digest_info,
)
from mynumber.card.pins import PBKDF2_ITERATIONS
from mynumber.domain.errors import CardError, Conflict, NotFound
from tests.unit.card.support import (
    CARD_ID,
    PHOTO,
    RIGHT,
    certificate_for,
    chip_data,
    initial_pins,
)


class RecordingKeys:
    """A key source that remembers the keys it gave, to look for them in the store."""

    def __init__(self, pool: KeyPool) -> None:
        self.pool = pool
        self.given: list[rsa.RSAPrivateKey] = []

    def new_key(self) -> rsa.RSAPrivateKey:
        key = self.pool.new_key()
        self.given.append(key)
        return key


def everything_stored(state: ChipState) -> bytes:
    parts = [state.card_id.encode()]
    parts += [p.pin_hash + p.salt for p in state.pins.values()]
    parts += [k.sealed_private_key + k.public_key for k in state.keys.values()]
    parts += list(state.files.values())
    return b"|".join(parts)


def secret_forms(key: rsa.RSAPrivateKey) -> list[bytes]:
    numbers = key.private_numbers()
    ders = [
        key.private_bytes(serialization.Encoding.DER, fmt, serialization.NoEncryption())
        for fmt in (
            serialization.PrivateFormat.PKCS8,
            serialization.PrivateFormat.TraditionalOpenSSL,
        )
    ]
    integers = [numbers.d, numbers.p, numbers.q, numbers.dmp1, numbers.dmq1]
    return ders + [n.to_bytes((n.bit_length() + 7) // 8, "big") for n in integers]


def test_private_keys_are_not_in_clear_in_the_stored_state(
    store: MemoryChipStore, chip_key: bytes, key_pool: KeyPool
) -> None:
    keys = RecordingKeys(key_pool)
    Chip.manufacture(store, card_id=CARD_ID, data=chip_data(), key_source=keys, chip_key=chip_key)
    stored = everything_stored(store.load(CARD_ID))
    assert len(keys.given) == 2
    for key in keys.given:
        for secret in secret_forms(key):
            assert secret not in stored


def test_pins_are_not_in_clear_nor_in_a_hash_testable_without_the_chip_key(
    product_pin_stretching: int, chip: Chip, store: MemoryChipStore
) -> None:
    # The PINs set at the product's count (not the tests' cheaper one), compared with the
    # unpeppered hash at that count.
    assert product_pin_stretching == PBKDF2_ITERATIONS
    state = store.load(CARD_ID)
    stored = everything_stored(state)
    for pin_ref, pin in RIGHT.items():
        record = state.pins[pin_ref]
        assert pin.encode() not in stored
        unpeppered = hashlib.pbkdf2_hmac("sha256", pin.encode(), record.salt, PBKDF2_ITERATIONS)
        assert record.pin_hash != unpeppered


def test_same_pin_on_two_pin_objects_gives_different_hashes(
    new_chip: Chip, store: MemoryChipStore
) -> None:
    new_chip.set_initial_pins(
        user_authentication="1111", resident_registry="1111", card_info_input="1111", signature=None
    )
    hashes = {record.pin_hash for record in store.load(CARD_ID).pins.values() if record.is_set}
    assert len(hashes) == 3


def test_a_sealed_key_moved_to_another_card_does_not_open(
    chip: Chip, store: MemoryChipStore, chip_key: bytes, key_pool: KeyPool
) -> None:
    other, _ = Chip.manufacture(
        store, card_id="CARD-0002", data=chip_data(), key_source=key_pool, chip_key=chip_key
    )
    other.set_initial_pins(**initial_pins())
    stolen = store.load(CARD_ID).keys[KeySlot.USER_AUTH]
    store.set_key("CARD-0002", KeySlot.USER_AUTH, stolen)
    session = other.open_session()
    session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    with pytest.raises(CardError):
        session.sign_with_auth_key(digest_info(b"challenge"))


def test_the_data_files_are_not_in_clear_in_the_stored_state(
    chip: Chip, store: MemoryChipStore, issuer_key: rsa.RSAPrivateKey
) -> None:
    keys = chip.public_keys()
    ca = certificate_for(issuer_key.public_key(), issuer_key, "issuing CA")
    signature = certificate_for(keys.signature, issuer_key, "YAMADA TARO")
    chip.write_certificates(ca_certificate=ca, signature=signature)
    chip.update_chip_data(chip_data(address="大阪府大阪市北区1番1号"))
    stored = everything_stored(store.load(CARD_ID))
    data = chip_data(address="大阪府大阪市北区1番1号")
    clear = [
        data.my_number.digits.encode(),
        "山田 太郎".encode(),
        "大阪府".encode(),
        PHOTO,
        b"YAMADA TARO",
        signature.public_bytes(serialization.Encoding.DER),
    ]
    assert [part for part in clear if part in stored] == []
    session = chip.open_session()
    session.verify(PinRef.CARD_INFO_INPUT, RIGHT[PinRef.CARD_INFO_INPUT])
    assert session.read_my_number() == data.my_number
    assert session.read_basic_four() == data.basic_four


@pytest.mark.parametrize("where", ["another card", "another file"])
def test_a_sealed_file_moved_to_another_card_or_file_does_not_open(
    chip: Chip, store: MemoryChipStore, chip_key: bytes, key_pool: KeyPool, where: str
) -> None:
    other, _ = Chip.manufacture(
        store, card_id="CARD-0002", data=chip_data(), key_source=key_pool, chip_key=chip_key
    )
    other.set_initial_pins(**initial_pins())
    stolen = store.load(CARD_ID).files[CardFile.MY_NUMBER.value]
    target, name = (
        (other, CardFile.MY_NUMBER) if where == "another card" else (chip, CardFile.BASIC_FOUR)
    )
    store.update_data(target.card_id, {name.value: stolen})
    session = target.open_session()
    session.verify(PinRef.CARD_INFO_INPUT, RIGHT[PinRef.CARD_INFO_INPUT])
    with pytest.raises(CardError):
        session.read(name)


def test_a_file_in_clear_in_the_store_is_refused_not_read(
    chip: Chip, store: MemoryChipStore
) -> None:
    store.update_data(CARD_ID, {CardFile.PHOTO.value: PHOTO})  # as a chip from before sealing
    with pytest.raises(CardError):
        chip.open_session().read(CardFile.PHOTO)


def test_a_wrong_chip_key_opens_no_file(chip: Chip, store: MemoryChipStore) -> None:
    with pytest.raises(CardError):
        Chip(store, CARD_ID, chip_key=bytes(32)).open_session().read(CardFile.PHOTO)


def test_a_wrong_chip_key_opens_no_key(chip: Chip, store: MemoryChipStore) -> None:
    session = Chip(store, CARD_ID, chip_key=bytes(32)).open_session()
    with pytest.raises(CardError):
        session.verify(PinRef.SIGNATURE, RIGHT[PinRef.SIGNATURE])  # the pepper differs too


def test_take_try_answers_the_tries_before_and_stops_at_zero(
    chip: Chip, store: MemoryChipStore
) -> None:
    ua = PinRef.USER_AUTHENTICATION
    pin = store.pin(CARD_ID, ua)  # as the chip reads it before an entry
    answers = [store.take_try(CARD_ID, ua, pin) for _ in range(5)]
    assert answers == [3, 2, 1, 0, 0]
    assert store.load(CARD_ID).pins[ua].tries_left == 0
    store.reset_tries(CARD_ID, ua, pin)
    assert store.load(CARD_ID).pins[ua].tries_left == 3


def test_a_serial_is_manufactured_once(chip: Chip, store: MemoryChipStore) -> None:
    with pytest.raises(Conflict):
        store.create(store.load(CARD_ID))


@pytest.mark.parametrize(
    "operation",
    [
        lambda s: s.load("NOPE"),
        # The tries are spent for the PIN the chip has just read: that read finds no card.
        lambda s: (
            Chip(s, "NOPE", chip_key=bytes(32))
            .open_session()
            .verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
        ),
        lambda s: s.update_data("NOPE", {}),
        lambda s: s.destroy("NOPE"),
        lambda s: s.pins("NOPE"),
        lambda s: s.pin("NOPE", PinRef.USER_AUTHENTICATION),
        lambda s: s.key("NOPE", KeySlot.USER_AUTH),
        lambda s: s.file("NOPE", CardFile.AUTH_CERT.value),
        lambda s: s.holds_file("NOPE", CardFile.AUTH_CERT.value),
    ],
)
def test_an_unknown_card_is_not_found(store: MemoryChipStore, operation: object) -> None:
    with pytest.raises(NotFound):
        operation(store)  # type: ignore[operator]


def test_each_part_read_alone_is_what_load_reads(chip: Chip, store: MemoryChipStore) -> None:
    # The card commands read one PIN, key or file each (``pin``/``key``/``file``/
    # ``holds_file``), the card checks the PINs alone (``pins``): each must be what the whole
    # chip says, counters spent, a file erased and a PIN never set included.
    with pytest.raises(CardError):
        chip.open_session().verify(PinRef.SIGNATURE, "WRONG9999")
    store.update_data(CARD_ID, {CardFile.PHOTO.value: None})
    state = store.load(CARD_ID)
    assert store.pins(CARD_ID) == state.pins
    assert state.pins[PinRef.SIGNATURE].tries_left == 4
    for ref, record in state.pins.items():
        stored = store.pin(CARD_ID, ref)
        assert (stored.pin_hash, stored.salt, stored.max_tries, stored.is_set) == (
            record.pin_hash,
            record.salt,
            record.max_tries,
            record.is_set,
        )
    for slot in KeySlot:
        assert store.key(CARD_ID, slot) == state.keys[slot]
    for name in [file.value for file in CardFile] + ["never-written"]:
        assert store.file(CARD_ID, name) == state.files.get(name)
        assert store.holds_file(CARD_ID, name) is (name in state.files)
    assert store.file(CARD_ID, CardFile.PHOTO.value) is None


def test_a_loaded_state_is_a_copy(chip: Chip, store: MemoryChipStore) -> None:
    state = store.load(CARD_ID)
    state.files.clear()
    ua = PinRef.USER_AUTHENTICATION
    state.pins[ua] = dataclasses.replace(state.pins[ua], tries_left=99)
    fresh = store.load(CARD_ID)
    assert fresh.files and fresh.pins[PinRef.USER_AUTHENTICATION].tries_left == 3


def test_a_copied_store_and_its_original_change_apart(chip: Chip, store: MemoryChipStore) -> None:
    copied = store.copy()
    assert copied.load(CARD_ID) == store.load(CARD_ID)
    ua = PinRef.USER_AUTHENTICATION
    pin = store.pin(CARD_ID, ua)
    assert copied.take_try(CARD_ID, ua, pin) == 3
    copied.update_data(CARD_ID, {"photo": None})
    assert store.take_try(CARD_ID, ua, pin) == 3 and "photo" in store.load(CARD_ID).files
    store.update_data(CARD_ID, {"photo": b"new"})
    store.destroy(CARD_ID)
    assert copied.take_try(CARD_ID, ua, pin) == 2 and "photo" not in copied.load(CARD_ID).files


def test_update_data_writes_some_files_and_deletes_with_none(
    chip: Chip, store: MemoryChipStore
) -> None:
    store.update_data(CARD_ID, {"photo": b"new", "basic_four": None})
    files = store.load(CARD_ID).files
    assert files["photo"] == b"new" and "basic_four" not in files and "my_number" in files


def test_destroy_removes_the_card(chip: Chip, store: MemoryChipStore) -> None:
    assert CARD_ID in store
    store.destroy(CARD_ID)
    assert CARD_ID not in store
