"""カードが持つもの — what a card carries: PINs, a signature certificate, a face photo.

Four cards differ from the usual one (RULES.md "The card"):

- **The special residence card** (特定在留カード, from 2026-06-14): a foreign resident's
  residence card and My Number Card in one (``CardKind.SPECIAL_RESIDENCE_CARD``), issued and
  renewed with the stay at the immigration bureau; its validity follows the period of stay
  and is never changed at the ward office (``special_residence``).

- **The face-authentication card** (顔認証マイナンバーカード; デジタル庁, since 2023-12-15): on
  request, a card with **no PINs** for the user-authentication uses; identity by a face
  match or a staff visual check only, and **no signature certificate**. Nothing that needs
  a PIN works with it: the clinic's PIN check, the portal's login, the kiosk, e-Tax. The
  user-authentication certificate is issued (the clinic terminal reads it to know the card).
  RULES.md says nothing of turning it back into a usual card, so the system does not (a
  new card is applied for instead).
- **A child's card** (under 15 on the day of issue): no signature certificate, no
  signature PIN (``validity.signature_certificate_allowed``); the legal representative sets
  the three 4-digit PINs (``representation``).
- **An infant's card** (under 1 on the application day): no face photo
  (``representation.photo_on_card``), so no face check can be made with it.

``no_signature_cause`` is the one decision why a card has no signature certificate, made at
collection and kept with the card; ``cards.card_problem`` turns a use that needs a PIN the
card does not have into the refusal that names the cause (never "the card is not
activated").
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from mynumber.domain.errors import CardError, Conflict
from mynumber.domain.representation import NoSignature
from mynumber.domain.validity import signature_certificate_allowed


class CardKind(StrEnum):
    """Which card it is: the usual My Number Card, or the special residence card."""

    MY_NUMBER_CARD = "my_number_card"  # マイナンバーカード
    SPECIAL_RESIDENCE_CARD = "special_residence_card"  # 特定在留カード


#: Since this day a card can be issued as a face-authentication card (デジタル庁).
FACE_AUTHENTICATION_CARD_FROM = dt.date(2023, 12, 15)


def no_signature_cause(
    *, date_of_birth: dt.date, issued_on: dt.date, face_authentication: bool
) -> NoSignature | None:
    """Why the card issued on ``issued_on`` carries no signature certificate, or ``None``."""
    if face_authentication:
        return NoSignature.FACE_AUTHENTICATION_CARD
    if not signature_certificate_allowed(date_of_birth=date_of_birth, on=issued_on):
        return NoSignature.UNDER_15
    return None


def check_face_card_request(requested_on: dt.date) -> None:
    """A face-authentication card is issued on request from 2023-12-15."""
    if requested_on < FACE_AUTHENTICATION_CARD_FROM:
        raise Conflict(
            "The face-authentication card is issued from 2023-12-15.",
            "顔認証マイナンバーカードは2023年12月15日から交付されています。",
            reason="face_card_not_available",
        )


class FaceAuthenticationCard(CardError):
    """A use needing a PIN, on a face-authentication card (it has none)."""

    code = "face-authentication-card"
    title = "A face-authentication card has no PINs"


FACE_CARD_HAS_NO_PINS = (
    "This is a face-authentication card: it has no PINs, so nothing that needs a PIN works "
    "with it (and it has no signature certificate). At a clinic, identify the holder by face "
    "recognition or a staff visual check.",
    "顔認証マイナンバーカードのため暗証番号がなく、暗証番号が必要な手続きには使えません"
    "（署名用電子証明書もありません）。医療機関では顔認証または目視で本人確認をしてください。",
)
"""The one wording, for the register's refusal, the chip and the terminal."""


def face_card_has_no_pins(**details: object) -> FaceAuthenticationCard:
    """The refusal of a PIN on a face-authentication card (the chip and the terminal)."""
    en, ja = FACE_CARD_HAS_NO_PINS
    return FaceAuthenticationCard(en, ja, **details)
