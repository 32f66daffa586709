"""PINs in use, locks and unlocks: the ward office in person, the kiosk for the 4-digit
user-authentication PIN and (after a smartphone pre-application: test_kiosk_pin_reset) the
signature PIN, nothing online — both databases."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data as samples

from mynumber.bootstrap import System
from mynumber.card import Chip, PinRef
from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden, InvalidInput, PinLocked, WrongPin
from mynumber.domain.photo_rules import FaceNotFound
from mynumber.domain.pins import PinKind
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import kiosk
from mynumber.services.cards import use as card_use
from mynumber.services.core.context import Caller
from tests.conftest import caller, ward
from tests.integration.card_support import (
    KIOSK,
    PINS,
    Issued,
    chip,
    identity,
    issued_card,
)
from tests.integration.snapshots import Snapshots

CLINIC = Caller(name="Kanda Clinic", role=Role.CLINIC)
UA = PinKind.USER_AUTHENTICATION


@pytest.fixture
def card(cards: System, snapshots: Snapshots) -> Issued:
    return snapshots.give(cards, issued_card)


def _use(system: System, serial: str, pin: str, kind: PinKind = UA) -> None:
    """The card in a terminal's reader: a clinic's for the user-authentication PIN (all a
    clinic may verify), the ward office counter's for the others."""
    svc = system.services
    terminal = CLINIC if kind is UA else ward()
    with (
        system.uow() as uow,
        Chip(svc.chips, serial, chip_key=svc.keys.chip_key).open_session() as reader,
    ):
        card_use.use_card(
            uow.session,
            svc,
            caller=terminal,
            card_serial=serial,
            pin_kind=kind,
            pin=pin,
            reader=reader,
        )
        uow.commit()


def _jpeg(bgr: np.ndarray) -> bytes:
    return bytes(cv2.imencode(".jpg", bgr)[1].tobytes())


def _live_face() -> bytes:
    """The holder in front of the kiosk camera: the whole astronaut frame."""
    return _jpeg(cv2.cvtColor(samples.astronaut(), cv2.COLOR_RGB2BGR))


def _stranger() -> bytes:
    """Someone else: an LFW face (scikit-image), framed as a camera would see it."""
    face = (samples.lfw_subset()[0] * 255).astype(np.uint8)
    big = cv2.resize(face, (150, 150), interpolation=cv2.INTER_CUBIC)
    return _jpeg(cv2.copyMakeBorder(big, 75, 75, 75, 75, cv2.BORDER_REPLICATE))


def _kiosk(
    system: System,
    serial: str,
    *,
    signature_pin: str = PINS.signature or "",
    live: bytes | None = None,
    new_pin: str = "3819",
    pin: PinKind = UA,
) -> None:
    # The card is in the kiosk's reader: every step is on that session.
    with chip(system, serial).open_session() as reader, system.uow() as uow:
        kiosk.reset_pin_at_kiosk(
            uow.session,
            system.services,
            caller=KIOSK,
            card_serial=serial,
            pin=pin,
            signature_pin=signature_pin,
            live_image=live or _live_face(),
            new_pin=new_pin,
            reader=reader,
        )
        uow.commit()


def _reset(
    system: System, serial: str, pin: PinKind, new_pin: str, who: Caller | None = None, **kw: object
) -> None:
    with system.uow() as uow:
        card_counter.reset_pin(
            uow.session,
            system.services,
            caller=who or ward(),
            card_serial=serial,
            pin=pin,
            new_pin=new_pin,
            identity=kw.pop("identity", identity()),  # type: ignore[arg-type]
            id_documents=(IdDocument.RESIDENCE_CARD,),
        )
        uow.commit()


def _lock(system: System, serial: str, kind: PinKind, wrong: str) -> None:
    for _ in range(kind.max_attempts):
        with pytest.raises(WrongPin):
            _use(system, serial, wrong, kind)


def test_the_right_pin_is_accepted_and_a_wrong_one_says_the_tries_left(
    cards: System, card: Issued
) -> None:
    _use(cards, card.serial, PINS.user_authentication)
    with pytest.raises(WrongPin) as caught:
        _use(cards, card.serial, "9999")
    assert caught.value.details["tries_left"] == 2


def test_three_wrong_4_digit_pins_lock_and_then_even_the_right_one_is_refused(
    cards: System, card: Issued
) -> None:
    _lock(cards, card.serial, UA, "9999")
    with pytest.raises(PinLocked) as caught:
        _use(cards, card.serial, PINS.user_authentication)
    assert caught.value.details["reason"] == "pin_locked"
    assert "kiosk" in caught.value.message_en
    with chip(cards, card.serial).open_session() as session:
        assert session.tries_left(PinRef.USER_AUTHENTICATION) == 0


def test_the_signature_pin_locks_after_five_wrong_entries(cards: System, card: Issued) -> None:
    _lock(cards, card.serial, PinKind.SIGNATURE, "WRONG123")
    with pytest.raises(PinLocked) as caught:
        _use(cards, card.serial, PINS.signature or "", PinKind.SIGNATURE)
    assert "in person" in caught.value.message_en


def test_a_correct_entry_resets_the_count(cards: System, card: Issued) -> None:
    for _ in range(2):
        with pytest.raises(WrongPin):
            _use(cards, card.serial, "9999")
    _use(cards, card.serial, PINS.user_authentication)
    with pytest.raises(WrongPin) as caught:
        _use(cards, card.serial, "9999")
    assert caught.value.details["tries_left"] == 2


@pytest.mark.parametrize("kind", list(PinKind))
def test_the_ward_office_resets_any_locked_pin_in_person(
    cards: System, card: Issued, kind: PinKind
) -> None:
    wrong = "WRONG123" if kind is PinKind.SIGNATURE else "9999"
    _lock(cards, card.serial, kind, wrong)
    new = "NEWPIN42" if kind is PinKind.SIGNATURE else "3819"
    _reset(cards, card.serial, kind, new)
    _use(cards, card.serial, new, kind)


def test_a_pin_reset_checks_who_is_at_the_counter(cards: System, card: Issued) -> None:
    with pytest.raises(Forbidden):
        _reset(cards, card.serial, UA, "3819", identity=identity(name="Someone Else"))


@pytest.mark.sqlite_only  # a rule on the new PIN, before the chip is opened
def test_a_reset_pin_must_not_be_trivial(cards: System, card: Issued) -> None:
    with pytest.raises(InvalidInput) as caught:
        _reset(cards, card.serial, UA, "1111")
    assert caught.value.details["reason"] == "same_digits"


@pytest.mark.sqlite_only  # the caller's role
@pytest.mark.parametrize("role", [Role.RESIDENT, Role.KIOSK, Role.CLINIC])
def test_no_pin_is_reset_online_nor_by_a_terminal(cards: System, card: Issued, role: Role) -> None:
    with pytest.raises(Forbidden) as caught:
        _reset(cards, card.serial, UA, "3819", who=caller(role, scope_id=card.person_id))
    assert caught.value.details["reason"] == "in_person_only"


def test_the_kiosk_resets_the_user_authentication_pin_after_the_signature_pin_and_face(
    cards: System, card: Issued
) -> None:
    _lock(cards, card.serial, UA, "9999")
    _kiosk(cards, card.serial)
    _use(cards, card.serial, "3819")


def test_the_kiosk_resets_no_other_pin(cards: System, card: Issued) -> None:
    for pin in (PinKind.RESIDENT_REGISTRY, PinKind.CARD_INFO_INPUT):
        with pytest.raises(Forbidden) as caught:
            _kiosk(cards, card.serial, pin=pin)
        assert caught.value.details["reason"] == "ward_office_only"
    with (
        pytest.raises(Forbidden) as signature,
        chip(cards, card.serial).open_session() as reader,
        cards.uow() as uow,
    ):  # only after a smartphone pre-application
        kiosk.reset_pin_at_kiosk(
            uow.session,
            cards.services,
            caller=KIOSK,
            card_serial=card.serial,
            pin=PinKind.SIGNATURE,
            user_authentication_pin=PINS.user_authentication,
            new_pin="NEWPASS2027",
            reader=reader,
        )
    assert signature.value.details["reason"] == "no_pre_application"


def test_a_wrong_signature_pin_at_the_kiosk_costs_a_try_and_resets_nothing(
    cards: System, card: Issued
) -> None:
    _lock(cards, card.serial, UA, "9999")
    with pytest.raises(WrongPin) as caught:
        _kiosk(cards, card.serial, signature_pin="WRONG123")
    assert caught.value.details["tries_left"] == 4
    with pytest.raises(PinLocked):
        _use(cards, card.serial, PINS.user_authentication)


def test_a_locked_signature_pin_sends_the_resident_to_the_ward_office(
    cards: System, card: Issued
) -> None:
    _lock(cards, card.serial, PinKind.SIGNATURE, "WRONG123")
    with pytest.raises(PinLocked, match="in person"):
        _kiosk(cards, card.serial)


def test_the_kiosk_refuses_a_face_that_is_not_the_holders(cards: System, card: Issued) -> None:
    with pytest.raises(Forbidden) as caught:
        _kiosk(cards, card.serial, live=_stranger())
    assert caught.value.details["reason"] == "face_mismatch"
    with pytest.raises(FaceNotFound):
        _kiosk(cards, card.serial, live=_jpeg(cv2.cvtColor(samples.coffee(), cv2.COLOR_RGB2BGR)))
    _use(cards, card.serial, PINS.user_authentication)  # the old PIN still holds


def test_the_kiosk_refuses_a_trivial_new_pin_before_touching_the_card(
    cards: System, card: Issued
) -> None:
    with pytest.raises(InvalidInput):
        _kiosk(cards, card.serial, new_pin="4321")
    with chip(cards, card.serial).open_session() as session:
        assert session.tries_left(PinRef.SIGNATURE) == 5


def test_pins_never_reach_the_authoritys_tables(cards: System, card: Issued) -> None:
    from sqlalchemy import text

    # (the chip store holds only salted, peppered hashes: tests/unit/card/test_store.py)
    with cards.engine.connect() as conn:
        for query in (
            "SELECT * FROM cards",
            "SELECT detail FROM audit_log",
            "SELECT channel, status, kind FROM card_applications",
        ):
            rows = [str(row) for row in conn.execute(text(query))]
            assert rows and not any(
                PINS.user_authentication in r or (PINS.signature or "") in r for r in rows
            )
