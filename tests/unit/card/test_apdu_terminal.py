"""The terminal's side of the JPKI protocol, against the card in process (PC/SC: integration)."""

from __future__ import annotations

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mynumber.adapters.pcsc import InProcessReader, JpkiTerminal, authenticate, sign
from mynumber.card import Chip, KeySlot, PinRef
from mynumber.card.status_words import CardFileMissing
from mynumber.domain.errors import PinLocked, PinNotVerified, WrongPin
from mynumber.pki.challenge import make_challenge, verify_challenge_signature
from tests.unit.card.support import PHOTO, RIGHT, WRONG, certificate_for, chip_data


@pytest.fixture
def certified(chip: Chip, issuer_key: rsa.RSAPrivateKey) -> Chip:
    keys = chip.public_keys()
    chip.write_certificates(
        ca_certificate=certificate_for(issuer_key.public_key(), issuer_key),
        authentication=certificate_for(keys.user_auth, issuer_key, "auth"),
        signature=certificate_for(keys.signature, issuer_key, "sign"),
    )
    return chip


@pytest.fixture
def reader(certified: Chip) -> InProcessReader:
    return InProcessReader.for_chip(certified)


def test_authenticate_signs_the_nonce_as_the_clinic_checks_it(reader: InProcessReader) -> None:
    nonce = make_challenge()
    answer = authenticate(reader, nonce, RIGHT[PinRef.USER_AUTHENTICATION])
    verify_challenge_signature(
        x509.load_der_x509_certificate(answer.certificate_der), nonce, answer.signature
    )


def test_sign_uses_the_signature_key_and_returns_its_certificate(
    reader: InProcessReader, certified: Chip
) -> None:
    signed = sign(reader, b"e-Tax return", RIGHT[PinRef.SIGNATURE])
    certificate = x509.load_der_x509_certificate(signed.certificate_der)
    assert certificate.public_key() == certified.public_keys().signature
    certified.public_keys().signature.verify(
        signed.signature, b"e-Tax return", padding.PKCS1v15(), hashes.SHA256()
    )


def test_a_wrong_pin_says_the_tries_left_and_the_lock(reader: InProcessReader) -> None:
    terminal = JpkiTerminal(reader)
    for left in (2, 1, 0):
        with pytest.raises(WrongPin) as wrong:
            terminal.authenticate(make_challenge(), WRONG[PinRef.USER_AUTHENTICATION])
        assert wrong.value.details["tries_left"] == left
    with pytest.raises(PinLocked):
        terminal.authenticate(make_challenge(), RIGHT[PinRef.USER_AUTHENTICATION])
    assert terminal.tries_left(PinRef.USER_AUTHENTICATION) == 0
    assert terminal.tries_left(PinRef.SIGNATURE) == 5


def test_the_terminal_sees_the_same_refusals_as_the_in_process_card(
    reader: InProcessReader, certified: Chip
) -> None:
    terminal = JpkiTerminal(reader)
    with pytest.raises(WrongPin) as over_apdu:
        terminal.verify(PinRef.SIGNATURE, WRONG[PinRef.SIGNATURE])
    with pytest.raises(WrongPin) as in_process:
        certified.open_session().verify(PinRef.SIGNATURE, WRONG[PinRef.SIGNATURE])
    assert over_apdu.value.details == {"pin": "signature", "tries_left": 4}
    assert in_process.value.details == {"pin": "signature", "tries_left": 3}
    assert (
        over_apdu.value.message_en == "Wrong signature certificate PIN: 4 tries left before "
        "it locks."
    )


def test_the_signature_certificate_needs_the_pin(reader: InProcessReader) -> None:
    terminal = JpkiTerminal(reader)
    with pytest.raises(PinNotVerified):
        terminal.read_certificate(KeySlot.SIGNATURE)
    certificate = terminal.read_certificate(KeySlot.SIGNATURE, pin=RIGHT[PinRef.SIGNATURE])
    assert certificate.subject.rfc4514_string() == "CN=sign"


def test_card_face_data_through_the_terminal(reader: InProcessReader) -> None:
    terminal = JpkiTerminal(reader)
    assert terminal.is_my_number_card()
    assert terminal.read_my_number(RIGHT[PinRef.CARD_INFO_INPUT]).masked == "**** **** 0257"
    assert terminal.read_basic_four(RIGHT[PinRef.CARD_INFO_INPUT]) == chip_data().basic_four
    assert terminal.read_photo() == PHOTO


def test_change_pin_through_the_terminal(reader: InProcessReader, certified: Chip) -> None:
    JpkiTerminal(reader).change_pin(
        PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION], "4826"
    )
    certified.open_session().verify(PinRef.USER_AUTHENTICATION, "4826")


def test_a_card_without_certificates_answers_not_found(chip: Chip) -> None:
    with pytest.raises(CardFileMissing):
        JpkiTerminal(InProcessReader.for_chip(chip)).read_certificate(KeySlot.USER_AUTH)
