"""端末での同意 — the patient's consent, chosen at the terminal and signed by the card.

At a clinic's reception terminal (マイナ受付) the patient chooses whether the clinic may see
their medication, check-ups and limit-amount category (``domain.insurance.Consent``). The
choice counts only when the card of the visit proves it at the terminal: the terminal asks the
server for a fresh nonce, and the card — in the reader, after its 4-digit PIN — signs
``consent_message(nonce, visit, consent)`` with its user-authentication key, exactly as it
signs a card-authentication nonce. The message binds the nonce (fresh, spent once), the visit
(its reference, as the terminal knows it) and the choice, so neither an old signature nor one
for another visit or another choice can be replayed, and the clinic's software cannot
declare a consent by itself. (What the card cannot show is what the terminal displayed: the
terminal itself is trusted to show the patient the choice it has signed.)

The kiosk (コンビニ交付機) proves the same way that the card is in its reader: the card signs
``kiosk_message(nonce, kiosk, card serial, step)`` after the PIN of that step
(``domain.kiosk``); so does the smartphone of a PIN-reset pre-application. Both messages are
made by ``bound_message``: one construction, each use with its own context.

No I/O here: the services check the nonce and the signature (``services.insurance.clinic``,
``services.cards.kiosk``).
"""

from __future__ import annotations

import hashlib

from mynumber.domain.insurance import Consent

CONSENT_CONTEXT = b"mynumber/visit-consent/v1"
"""Separates a consent signature from every other use of the authentication key (a signed
card-authentication nonce is never a consent, and the other way round)."""


KIOSK_CONTEXT = b"mynumber/kiosk-step/v1"
"""Separates a kiosk step's signature from a consent and from a bare card-authentication."""


def bound_message(context: bytes, nonce: bytes, *parts: bytes) -> bytes:
    """The 32 bytes a card signs to prove one step at a terminal: SHA-256 over the context,
    the nonce and each part, every field length-prefixed (so no two field lists collide)."""
    digest = hashlib.sha256()
    for part in (context, nonce, *parts):
        digest.update(len(part).to_bytes(4, "big"))
        digest.update(part)
    return digest.digest()


def consent_message(nonce: bytes, visit: str, consent: Consent) -> bytes:
    """The 32 bytes the card signs to consent: the nonce, the visit's reference and the three
    choices."""
    choice = bytes([consent.medication, consent.checkups, consent.limit_amount])
    return bound_message(CONSENT_CONTEXT, nonce, visit.encode("utf-8"), choice)


def kiosk_message(nonce: bytes, terminal: str, card_serial: str, step: str) -> bytes:
    """The 32 bytes the card signs at a kiosk step (``domain.kiosk.KioskStep``): the nonce,
    the terminal it was issued to, the card's serial and the step — so a signature made for
    one kiosk, card or step proves nothing for another."""
    return bound_message(
        KIOSK_CONTEXT,
        nonce,
        terminal.encode("utf-8"),
        card_serial.encode("utf-8"),
        step.encode("utf-8"),
    )


MOVING_OUT_CONTEXT = b"mynumber/online-moving-out/v1"
"""Separates an online 転出届's signature from every other use of the signature key."""


def moving_out_message(
    nonce: bytes, card_serial: str, destination: str, planned_move_on: str, visit_on: str
) -> bytes:
    """The 32 bytes the card signs (signature key, after the signature PIN) to file a 転出届
    online (``domain.moving_online``): the nonce, the card, where to, when, and the visit
    announced — so a signature for one filing proves nothing for another."""
    return bound_message(
        MOVING_OUT_CONTEXT,
        nonce,
        card_serial.encode("utf-8"),
        destination.encode("utf-8"),
        planned_move_on.encode("utf-8"),
        visit_on.encode("utf-8"),
    )
