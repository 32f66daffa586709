"""コンビニでの暗証番号初期化 — which PIN a convenience-store kiosk may reset, and on what proof.

RULES.md "unlock / reset" (J-LIS, JPKI暗証番号リセット; Naha 2024-09, Toda, Koka city
guidance):

- the **user-authentication PIN** (4 digits): the resident proves the *other* credential, the
  signature PIN, on the chip at the kiosk, and the kiosk's camera face is matched against the
  photo **read from the chip**;
- the **signature PIN** (6–16 characters, possible since about 2022): first a **pre-application**
  (事前申請, "初期化の予約") with a smartphone and the card — the 4-digit PIN proved by the card
  (its user-authentication key signs) and a face photo matched against the chip's photo —
  then, within **24 hours** of it, at the kiosk: the card in the reader and the 4-digit PIN
  entered on it, then the new signature PIN. The face was matched at the pre-application;
  the kiosk asks for no second one.
- nothing else (the resident-registry and card-face input-support PINs, or both PINs
  forgotten): the ward office, in person. Never online without the card.

Over the API the kiosk's reader is proved by the card: it signs
``domain.terminal.kiosk_message`` after the step's PIN (``KioskReset.proved_by``) with the
key of that PIN — the signature key for the user-authentication reset, whose own PIN is the
one forgotten or locked, the user-authentication key for the signature reset.

Plain rules: no I/O (``services.cards.kiosk`` applies them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mynumber.domain.errors import Forbidden
from mynumber.domain.pins import PinKind

PRE_APPLICATION_VALIDITY = dt.timedelta(hours=24)
"""How long a smartphone pre-application stays usable at a kiosk (municipal guidance quoting
J-LIS: the kiosk step "within 24 hours of completing the pre-application")."""


class KioskStep(StrEnum):
    """What a card's signature at a kiosk (or a pre-application's smartphone) is for."""

    PRE_APPLICATION = "pre_application"  # 事前申請 on the smartphone
    RESET_USER_AUTHENTICATION = "reset_user_authentication"
    RESET_SIGNATURE = "reset_signature"


@dataclass(frozen=True)
class KioskReset:
    """What the kiosk needs to reset ``pin``."""

    pin: PinKind
    proved_by: PinKind
    """The PIN the resident enters on the card at the kiosk (the other credential)."""
    face_at_kiosk: bool
    """Whether the kiosk's camera face is matched against the chip's photo."""
    needs_pre_application: bool
    """Whether a smartphone pre-application (PIN and face proved) must precede it."""
    step: KioskStep


KIOSK_RESETS: dict[PinKind, KioskReset] = {
    PinKind.USER_AUTHENTICATION: KioskReset(
        PinKind.USER_AUTHENTICATION,
        proved_by=PinKind.SIGNATURE,
        face_at_kiosk=True,
        needs_pre_application=False,
        step=KioskStep.RESET_USER_AUTHENTICATION,
    ),
    PinKind.SIGNATURE: KioskReset(
        PinKind.SIGNATURE,
        proved_by=PinKind.USER_AUTHENTICATION,
        face_at_kiosk=False,
        needs_pre_application=True,
        step=KioskStep.RESET_SIGNATURE,
    ),
}


def kiosk_reset(pin: PinKind) -> KioskReset:
    """How the kiosk resets ``pin``, or the refusal: that PIN is reset at the ward office."""
    rule = KIOSK_RESETS.get(pin)
    if rule is None:
        raise Forbidden(
            f"A kiosk can reset only the user-authentication PIN and the signature PIN. The "
            f"{pin.name_en} is reset at the ward office in person.",
            f"キオスク端末で初期化できるのは利用者証明用と署名用の暗証番号だけです。"
            f"{pin.name_ja}は市区町村の窓口でご本人が初期化してください。",
            reason="ward_office_only",
        )
    return rule


def pre_application_usable(
    made_at: dt.datetime, used_at: dt.datetime | None, now: dt.datetime
) -> bool:
    """A pre-application is used once, within ``PRE_APPLICATION_VALIDITY`` of being made."""
    return used_at is None and made_at <= now <= made_at + PRE_APPLICATION_VALIDITY


def no_pre_application() -> Forbidden:
    """The refusal at the kiosk when no usable pre-application is on file for the card."""
    return Forbidden(
        "Apply first with the smartphone app and your card (your 4-digit PIN and a face "
        "photo), then come to the kiosk within 24 hours.",
        "先にスマートフォンのアプリとカードで事前申請（利用者証明用暗証番号と顔写真）を行い、"
        "24時間以内にキオスク端末で手続きしてください。",
        reason="no_pre_application",
    )
