"""The consent message the card signs (domain.terminal): it binds the nonce, the visit and the
choice, so a signature for one never stands for another."""

from __future__ import annotations

from mynumber.domain.insurance import Consent
from mynumber.domain.terminal import consent_message

NONCE = bytes(range(32))
VISIT = "vis_" + "a" * 39


def test_the_message_changes_with_the_nonce_the_visit_and_each_choice() -> None:
    base = consent_message(NONCE, VISIT, Consent(medication=True))
    assert len(base) == 32
    assert consent_message(NONCE, VISIT, Consent(medication=True)) == base
    others = {
        consent_message(bytes(32), VISIT, Consent(medication=True)),
        consent_message(NONCE, "vis_" + "b" * 39, Consent(medication=True)),
        consent_message(NONCE, VISIT, Consent(checkups=True)),
        consent_message(NONCE, VISIT, Consent(limit_amount=True)),
        consent_message(NONCE, VISIT, Consent(medication=True, checkups=True)),
        consent_message(NONCE, VISIT, Consent()),
    }
    assert base not in others and len(others) == 6


def test_a_consent_is_never_the_bare_nonce_a_card_authentication_signs() -> None:
    assert consent_message(NONCE, VISIT, Consent()) != NONCE


def test_any_text_a_terminal_sends_as_a_serial_gives_a_message_not_a_crash() -> None:
    # Schemathesis sent a non-ASCII serial to the kiosk's challenge (a 500 before).
    from mynumber.domain.terminal import kiosk_message

    odd = kiosk_message(bytes(32), "kiosk", "ÄÖ\u3042", "reset")
    assert len(odd) == 32
    assert odd != kiosk_message(bytes(32), "kiosk", "0123456789ABCDEF", "reset")
