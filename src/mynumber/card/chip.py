"""ICチップ — the My Number Card's chip as a secure element.

The chip keeps its own private keys, PIN retry counters and data files (in a ``ChipStore``, the
residents' pockets); nothing outside it ever holds a clear key or PIN, and the store holds the
data files only sealed under the card's file key (``mynumber.card.sealing``). A card-reader
connection is a ``CardSession`` (``mynumber.card.session``): PINs are verified there, and
signing or reading a protected file needs the right PIN verified in that session.

Every PIN entry is checked on the chip in this order (RULES.md "lockout"; J-LIS):

1. spend one try and **store** it (``ChipStore.take_try``) — a crash after this step, or a power
   cut in a real card, still costs the try; no tries left → ``PinLocked``;
2. compare the PIN, in constant time, with its salted hash;
3. only on success give all tries back (``reset_tries``); a wrong PIN → ``WrongPin`` with the
   tries left (a real card answers ``63 Cx``).

So 4-digit PINs lock after exactly 3 consecutive wrong entries and the signature PIN after 5,
however many readers try at once, and failures carry over from one use of the card to the next.

The administrative operations at the end (PIN reset, certificates, chip data after a move,
invalidation) are those of the card centre and the ward office: the caller authenticates the
staff member; the card does not ask for a PIN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes

from mynumber.card.files import CardFile, ChipData, KeySlot
from mynumber.card.keys import KeySource
from mynumber.card.pins import PinRef, hash_pin, new_salt, pin_matches
from mynumber.card.sealing import ChipKey, ChipSecrets
from mynumber.card.session import CardSession
from mynumber.card.signing import sign_digest_info
from mynumber.card.status_words import no_signature_certificate
from mynumber.card.store import ChipState, ChipStore, KeyRecord, PinRecord
from mynumber.domain.card_kinds import face_card_has_no_pins
from mynumber.domain.errors import (
    CardError,
    Conflict,
    NotFound,
    PinLocked,
    PinNotSet,
    WrongPin,
    invalid,
)

PinLockListener = Callable[[PinRef], None]
_LOCK_LISTENERS: list[PinLockListener] = []


def on_pin_locked(listener: PinLockListener) -> None:
    """Call ``listener`` each time a wrong entry locks a PIN (the operator's count of locks;
    the chip knows no more of it than the PIN's kind)."""
    if listener not in _LOCK_LISTENERS:
        _LOCK_LISTENERS.append(listener)


BeforeCompare = Callable[[PinRef], None]
"""Test hook run after the try is stored and before the comparison (to simulate a crash)."""


@dataclass(frozen=True)
class ChipPublicKeys:
    """The public halves of a card's two key pairs, for the card centre to certify."""

    user_auth: rsa.RSAPublicKey
    signature: rsa.RSAPublicKey


class Chip:
    """One card's chip, over the store that holds its state."""

    def __init__(
        self,
        store: ChipStore,
        card_id: str,
        *,
        chip_key: ChipKey,
        before_compare: BeforeCompare | None = None,
    ) -> None:
        self.card_id = card_id
        self._store = store
        self._secrets = ChipSecrets.derive(chip_key, card_id)
        self._before_compare = before_compare

    def __repr__(self) -> str:
        return f"Chip({self.card_id!r})"

    @classmethod
    def manufacture(
        cls,
        store: ChipStore,
        *,
        card_id: str,
        data: ChipData,
        key_source: KeySource,
        chip_key: ChipKey,
    ) -> tuple[Chip, ChipPublicKeys]:
        """Make a new chip: two fresh key pairs, the data files, PINs not yet set."""
        chip = cls(store, card_id, chip_key=chip_key)
        keys = {slot: chip._key_record(slot, key_source.new_key()) for slot in KeySlot}
        pins = {ref: PinRecord.unset(ref) for ref in PinRef}
        files = chip._seal_files(data.to_files())
        store.create(ChipState(card_id, pins=pins, keys=keys, files=files))
        return chip, chip.public_keys()

    def public_keys(self) -> ChipPublicKeys:
        """The public keys of both key pairs."""
        keys = self._store.load(self.card_id).keys
        return ChipPublicKeys(
            user_auth=_public_key(keys[KeySlot.USER_AUTH]),
            signature=_public_key(keys[KeySlot.SIGNATURE]),
        )

    def set_initial_pins(
        self,
        *,
        user_authentication: str,
        resident_registry: str,
        card_info_input: str,
        signature: str | None,
    ) -> None:
        """Set the PINs at collection (交付時): once, before any use. ``signature`` may be None
        for a card without a signature certificate (a child under 15)."""
        if any(record.is_set for record in self._store.pins(self.card_id).values()):
            raise Conflict(
                "The card's PINs were already set at collection.",
                "このカードの暗証番号は交付時に設定済みです。",
                card_id=self.card_id,
            )
        chosen = {
            PinRef.USER_AUTHENTICATION: user_authentication,
            PinRef.RESIDENT_REGISTRY: resident_registry,
            PinRef.CARD_INFO_INPUT: card_info_input,
            PinRef.SIGNATURE: signature,
        }
        for pin in chosen.values():
            if pin is not None:
                _require_pin_text(pin)
        for pin_ref, pin in chosen.items():
            if pin is not None:
                self._write_pin(pin_ref, pin)

    def open_session(self) -> CardSession:
        """A card-reader connection: no PIN verified yet."""
        return CardSession(self)

    # --- the ward office and the card centre (the caller authenticates the staff) -----------

    def reset_pin(self, pin_ref: PinRef, new_pin: str) -> None:
        """Set a new PIN and give back all its tries: the unlock (暗証番号の初期化・ロック解除)."""
        _require_pin_text(new_pin)
        self._write_pin(pin_ref, new_pin)

    def write_certificates(
        self,
        *,
        ca_certificate: x509.Certificate,
        authentication: x509.Certificate | None = None,
        signature: x509.Certificate | None = None,
    ) -> None:
        """Write issued certificates (and their CA's) on the chip; each must certify the key in
        its slot, or ``Conflict``."""
        keys = self._store.load(self.card_id).keys
        ca_der = ca_certificate.public_bytes(serialization.Encoding.DER)
        files: dict[str, bytes] = {}
        for slot, certificate in (
            (KeySlot.USER_AUTH, authentication),
            (KeySlot.SIGNATURE, signature),
        ):
            if certificate is None:
                continue
            if _spki(certificate.public_key()) != keys[slot].public_key:
                raise Conflict(
                    "The certificate is not for this card's key.",
                    "この電子証明書はカードの鍵に対応していません。",
                    slot=slot.value,
                )
            files[slot.certificate.value] = certificate.public_bytes(serialization.Encoding.DER)
            files[slot.ca_certificate.value] = ca_der
        if not files:
            raise invalid(
                "certificates", "No certificate to write.", "書き込む電子証明書がありません。"
            )
        self._store.update_data(self.card_id, self._seal_files(files))

    def renew_key(self, slot: KeySlot, *, key_source: KeySource) -> rsa.RSAPublicKey:
        """A new key pair in ``slot`` (for a certificate reissue); its old certificate is erased."""
        record = self._key_record(slot, key_source.new_key())
        self._store.set_key(self.card_id, slot, record)
        self._store.update_data(self.card_id, {slot.certificate.value: None})
        return _public_key(record)

    def update_chip_data(self, data: ChipData) -> None:
        """Rewrite the data files (券面事項の書き換え, e.g. the address after a move)."""
        self._store.update_data(self.card_id, self._seal_files(data.to_files()))

    def exists(self) -> bool:
        """Whether the chip still holds its state (``False`` once erased: the card was
        returned, 廃止)."""
        return self.card_id in self._store

    def invalidate(self) -> None:
        """Erase the chip: the card was returned (廃止・返納). Later use → ``NotFound``."""
        self._store.destroy(self.card_id)

    # --- the inside of the chip, used by CardSession --------------------------------------

    def _check_pin(self, pin_ref: PinRef, pin: str) -> None:
        _require_pin_text(pin)
        record = self._store.pin(self.card_id, pin_ref)
        if not record.is_set:
            raise self._pin_not_set(pin_ref)
        # Stored before comparing, against the PIN just read: the one this entry is compared
        # with (its salt keys the counter), read once for the try, the comparison and the reset.
        tries_before = self._store.take_try(self.card_id, pin_ref, record)
        if tries_before == 0:
            raise locked_pin_error(pin_ref)
        if self._before_compare is not None:
            self._before_compare(pin_ref)
        if not pin_matches(
            pin, salt=record.salt, pepper=self._secrets.pin_pepper, stored=record.pin_hash
        ):
            if tries_before == 1:
                for listener in _LOCK_LISTENERS:
                    listener(pin_ref)
            raise wrong_pin_error(pin_ref, tries_before - 1)
        self._store.reset_tries(self.card_id, pin_ref, record)

    def _pin_not_set(self, pin_ref: PinRef) -> CardError:
        # A signature PIN missing on a card whose other PINs are set: the card was handed over
        # without a signature certificate (a child under 15), not "not yet activated". A card
        # handed over (its user-authentication certificate written) without any PIN is a
        # face-authentication card (domain.card_kinds).
        state = self._store.load(self.card_id)
        pins = state.pins
        if CardFile.AUTH_CERT.value in state.files and not any(p.is_set for p in pins.values()):
            return face_card_has_no_pins(pin=pin_ref.value)
        if pin_ref is PinRef.SIGNATURE and pins[PinRef.USER_AUTHENTICATION].is_set:
            return no_signature_certificate(pin=pin_ref.value)
        return PinNotSet(
            f"The {pin_ref.name_en} has not been set: the card has not been handed over yet "
            "(the PINs are set when it is collected at the ward office).",
            f"{pin_ref.name_ja}が設定されていません（交付前のカードです。暗証番号は窓口での"
            "交付時に設定します）。",
            pin=pin_ref.value,
        )

    def _tries_left(self, pin_ref: PinRef) -> int:
        return self._store.pins(self.card_id)[pin_ref].tries_left

    def _write_pin(self, pin_ref: PinRef, pin: str) -> None:
        salt = new_salt()
        pin_hash = hash_pin(pin, salt=salt, pepper=self._secrets.pin_pepper)
        self._store.set_pin(self.card_id, pin_ref, pin_hash=pin_hash, salt=salt)

    def _sign(self, slot: KeySlot, digest_info: bytes) -> bytes:
        sealed = self._store.key(self.card_id, slot).sealed_private_key
        return sign_digest_info(self._secrets.unseal(sealed, slot.value), digest_info)

    def _read(self, file: CardFile) -> bytes:
        sealed = self._store.file(self.card_id, file.value)
        if sealed is None:
            raise NotFound(
                "The card holds no such data yet.",
                "カードにこのデータはまだ記録されていません。",
                file=file.value,
            )
        return self._secrets.open_file(file.value, sealed)

    def _seal_files(self, files: Mapping[str, bytes]) -> dict[str, bytes]:
        # Every file goes to the store sealed (``sealing``): it holds no personal data in clear.
        return {name: self._secrets.seal_file(name, content) for name, content in files.items()}

    def _holds(self, file: CardFile) -> bool:
        return self._store.holds_file(self.card_id, file.value)

    def _key_record(self, slot: KeySlot, key: rsa.RSAPrivateKey) -> KeyRecord:
        return KeyRecord(
            sealed_private_key=self._secrets.seal(key, slot.value),
            public_key=_spki(key.public_key()),
        )


def _spki(key: CertificatePublicKeyTypes) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _public_key(record: KeyRecord) -> rsa.RSAPublicKey:
    key = serialization.load_der_public_key(record.public_key)
    assert isinstance(key, rsa.RSAPublicKey)
    return key


def _require_pin_text(pin: str) -> None:
    if not isinstance(pin, str) or not pin:
        raise invalid("pin", "Enter the PIN.", "暗証番号を入力してください。")


def _unlock_hint(pin_ref: PinRef) -> tuple[str, str]:
    if pin_ref.resettable_at_kiosk:
        return (
            "Unlock it at the ward office or a convenience-store kiosk.",
            "市区町村の窓口またはコンビニのキオスク端末で解除できます。",
        )
    return (
        "Have it reset at the ward office in person.",
        "市区町村の窓口でご本人が初期化の手続きをしてください。",
    )


def locked_pin_error(pin_ref: PinRef) -> PinLocked:
    """The refusal of a PIN that is locked, with where to unlock it (the one wording)."""
    hint_en, hint_ja = _unlock_hint(pin_ref)
    return PinLocked(
        f"The {pin_ref.name_en} is locked. {hint_en}",
        f"{pin_ref.name_ja}はロックされています。{hint_ja}",
        pin=pin_ref.value,
        tries_left=0,
    )


def wrong_pin_error(pin_ref: PinRef, tries_left: int) -> WrongPin:
    """The refusal of a wrong PIN, with the tries left or where to unlock it."""
    if tries_left == 0:
        hint_en, hint_ja = _unlock_hint(pin_ref)
        en = f"Wrong {pin_ref.name_en}: it is now locked. {hint_en}"
        ja = f"{pin_ref.name_ja}が違います。ロックされました。{hint_ja}"
    else:
        tries = "try" if tries_left == 1 else "tries"
        en = f"Wrong {pin_ref.name_en}: {tries_left} {tries} left before it locks."
        ja = f"{pin_ref.name_ja}が違います。あと{tries_left}回間違えるとロックされます。"
    return WrongPin(en, ja, pin=pin_ref.value, tries_left=tries_left)
