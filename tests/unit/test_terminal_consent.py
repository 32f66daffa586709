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
