"""The kiosk's PIN resets (domain.kiosk, RULES.md "unlock / reset") and the message a card
signs at a kiosk step (domain.terminal.kiosk_message)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.errors import Forbidden
from mynumber.domain.insurance import Consent
from mynumber.domain.kiosk import (
    PRE_APPLICATION_VALIDITY,
    KioskStep,
    kiosk_reset,
    pre_application_usable,
)
from mynumber.domain.pins import PinKind
from mynumber.domain.terminal import CONSENT_CONTEXT, bound_message, consent_message, kiosk_message

NONCE = bytes(range(32))
MADE = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_each_kiosk_reset_proves_the_other_credential() -> None:
    four = kiosk_reset(PinKind.USER_AUTHENTICATION)
    assert (four.proved_by, four.face_at_kiosk, four.needs_pre_application) == (
        PinKind.SIGNATURE,
        True,
        False,
    )
    signature = kiosk_reset(PinKind.SIGNATURE)
    assert (signature.proved_by, signature.face_at_kiosk, signature.needs_pre_application) == (
        PinKind.USER_AUTHENTICATION,
        False,
        True,
    )
    assert four.step is not signature.step


@pytest.mark.parametrize("pin", [PinKind.RESIDENT_REGISTRY, PinKind.CARD_INFO_INPUT])
def test_the_other_pins_are_reset_at_the_ward_office(pin: PinKind) -> None:
    with pytest.raises(Forbidden) as caught:
        kiosk_reset(pin)
    assert caught.value.details["reason"] == "ward_office_only"
    assert caught.value.message_en and caught.value.message_ja


def test_a_pre_application_is_usable_for_24_hours_once() -> None:
    assert dt.timedelta(hours=24) == PRE_APPLICATION_VALIDITY
    assert pre_application_usable(MADE, None, MADE)
    assert pre_application_usable(MADE, None, MADE + dt.timedelta(hours=24))
    assert not pre_application_usable(MADE, None, MADE + dt.timedelta(hours=24, seconds=1))
    assert not pre_application_usable(MADE, MADE, MADE + dt.timedelta(minutes=1))
    assert not pre_application_usable(MADE, None, MADE - dt.timedelta(seconds=1))


@given(
    st.binary(min_size=32, max_size=32),
    st.text(min_size=1, max_size=20),
    st.text(alphabet="ABCDEF0123456789", min_size=1, max_size=16),
    st.sampled_from(list(KioskStep)),
)
def test_a_kiosk_signature_is_bound_to_each_field(
    nonce: bytes, terminal: str, serial: str, step: KioskStep
) -> None:
    message = kiosk_message(nonce, terminal, serial, step)
    assert len(message) == 32
    others = [
        kiosk_message(nonce, terminal + "x", serial, step),
        kiosk_message(nonce, terminal, serial + "0", step),
        kiosk_message(bytes(32) if nonce != bytes(32) else b"\1" * 32, terminal, serial, step),
    ]
    others += [kiosk_message(nonce, terminal, serial, s) for s in KioskStep if s is not step]
    assert message not in others
    assert message != nonce  # never a bare card-authentication answer


def test_a_kiosk_message_is_never_a_consent() -> None:
    consent = consent_message(NONCE, "visit", Consent())
    assert consent == bound_message(CONSENT_CONTEXT, NONCE, b"visit", bytes([0, 0, 0]))
    assert kiosk_message(NONCE, "visit", "", "") != consent
