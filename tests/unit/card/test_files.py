"""Reading the chip's files, and what the ward office writes on it."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from mynumber.card import CardFile, Chip, KeyPool, KeySlot, PinRef, digest_info
from mynumber.domain.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from tests.unit.card.support import PHOTO, RIGHT, certificate_for, chip_data


@pytest.fixture
def certified(chip: Chip, issuer_key: rsa.RSAPrivateKey) -> Chip:
    keys = chip.public_keys()
    chip.write_certificates(
        ca_certificate=certificate_for(issuer_key.public_key(), issuer_key, "CA"),
        authentication=certificate_for(keys.user_auth, issuer_key, "auth"),
        signature=certificate_for(keys.signature, issuer_key, "signature"),
    )
    return chip


def test_authentication_certificate_and_photo_are_readable_without_a_pin(certified: Chip) -> None:
    session = certified.open_session()
    certificate = session.read_certificate(KeySlot.USER_AUTH)
    assert certificate.public_key() == certified.public_keys().user_auth
    assert session.read(CardFile.AUTH_CA_CERT)
    assert session.read(CardFile.PHOTO) == PHOTO


def test_signature_certificate_is_refused_before_the_signature_pin(certified: Chip) -> None:
    session = certified.open_session()
    with pytest.raises(Unauthenticated):
        session.read(CardFile.SIGNATURE_CERT)
    # the wrong PIN for this file:
    session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    with pytest.raises(Unauthenticated):
        session.read_certificate(KeySlot.SIGNATURE)
    session.verify(PinRef.SIGNATURE, RIGHT[PinRef.SIGNATURE])
    assert session.read_certificate(KeySlot.SIGNATURE).public_key() == (
        certified.public_keys().signature
    )


@pytest.mark.parametrize("file", [CardFile.MY_NUMBER, CardFile.BASIC_FOUR])
def test_my_number_and_basic_four_items_need_the_card_face_input_pin(
    chip: Chip, file: CardFile
) -> None:
    session = chip.open_session()
    session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    with pytest.raises(Unauthenticated) as refused:
        session.read(file)
    assert refused.value.details == {"pin": "card_info_input"}


def test_card_face_input_pin_reads_the_my_number_and_basic_four_items(chip: Chip) -> None:
    session = chip.open_session()
    session.verify(PinRef.CARD_INFO_INPUT, RIGHT[PinRef.CARD_INFO_INPUT])
    assert session.read_my_number() == chip_data().my_number
    assert session.read_basic_four() == chip_data().basic_four


def test_reading_a_certificate_not_yet_written_is_not_found(chip: Chip) -> None:
    with pytest.raises(NotFound):
        chip.open_session().read(CardFile.AUTH_CERT)


def test_a_certificate_for_another_key_is_not_written(
    chip: Chip, issuer_key: rsa.RSAPrivateKey
) -> None:
    foreign = certificate_for(issuer_key.public_key(), issuer_key)
    with pytest.raises(Conflict):
        chip.write_certificates(ca_certificate=foreign, authentication=foreign)
    with pytest.raises(InvalidInput):
        chip.write_certificates(ca_certificate=foreign)
    with pytest.raises(NotFound):
        chip.open_session().read(CardFile.AUTH_CERT)


def test_a_certificate_for_a_non_rsa_key_is_not_written(
    chip: Chip, issuer_key: rsa.RSAPrivateKey
) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(Conflict):
        chip.write_certificates(
            ca_certificate=certificate_for(ec_key, issuer_key),
            signature=certificate_for(ec_key, issuer_key),
        )


def test_chip_data_is_updated_after_a_move(chip: Chip) -> None:
    chip.update_chip_data(chip_data(address="大阪府大阪市北区1番1号"))
    session = chip.open_session()
    session.verify(PinRef.CARD_INFO_INPUT, RIGHT[PinRef.CARD_INFO_INPUT])
    assert session.read_basic_four().address == "大阪府大阪市北区1番1号"
    assert session.read_my_number() == chip_data().my_number


def test_renewing_the_signature_key_erases_its_old_certificate(
    certified: Chip, key_pool: KeyPool
) -> None:
    old = certified.public_keys().signature
    new = certified.renew_key(KeySlot.SIGNATURE, key_source=key_pool)
    assert new != old and certified.public_keys().signature == new
    session = certified.open_session()
    session.verify(PinRef.SIGNATURE, RIGHT[PinRef.SIGNATURE])
    with pytest.raises(NotFound):
        session.read(CardFile.SIGNATURE_CERT)
    assert session.read(CardFile.AUTH_CERT)  # the other slot is untouched
    message = b"after the move"
    new.verify(
        session.sign_with_signature_key(digest_info(message)),
        message,
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_an_invalidated_card_can_no_longer_be_used(certified: Chip) -> None:
    session = certified.open_session()
    certified.invalidate()
    with pytest.raises(NotFound):
        session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    with pytest.raises(NotFound):
        session.read(CardFile.AUTH_CERT)
