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

No I/O here: the service checks the nonce and the signature (``services.insurance.clinic``).
"""

from __future__ import annotations

import hashlib

from mynumber.domain.insurance import Consent

CONSENT_CONTEXT = b"mynumber/visit-consent/v1"
"""Separates a consent signature from every other use of the authentication key (a signed
card-authentication nonce is never a consent, and the other way round)."""


def consent_message(nonce: bytes, visit: str, consent: Consent) -> bytes:
    """The 32 bytes the card signs to consent: SHA-256 over the context, the nonce, the
    visit's reference and the three choices (each field length-prefixed)."""
    choice = bytes([consent.medication, consent.checkups, consent.limit_amount])
    parts = (CONSENT_CONTEXT, nonce, visit.encode("ascii"), choice)
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(4, "big"))
        digest.update(part)
    return digest.digest()
