"""The chip's JPKI command set: every command, every status word, on the card's own counters."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from mynumber.card import CardFile, Chip, KeySlot, PinRef, digest_info
from mynumber.card.apdu import JpkiCard
from mynumber.card.jpki_ap import (
    ATR,
    CARD_FACE_AID,
    CARD_INFO_INPUT_AID,
    JPKI_AID,
    TOKEN,
    decode_basic_four,
    decode_my_number,
)
from mynumber.domain.errors import PinLocked, WrongPin
from tests.unit.card.support import PHOTO, RIGHT, WRONG, certificate_for, chip_data

SELECT_JPKI = bytes.fromhex("00A4040C0A") + JPKI_AID
SELECT_CARD_INFO = bytes.fromhex("00A4040C0A") + CARD_INFO_INPUT_AID
SELECT_CARD_FACE = bytes.fromhex("00A4040C0A") + CARD_FACE_AID
EMPTY_VERIFY = bytes.fromhex("00200080")
MESSAGE = b"challenge from the clinic terminal"


def select_ef(fid: str) -> bytes:
    return bytes.fromhex("00A4020C02" + fid)


def verify(pin: str) -> bytes:
    return bytes.fromhex("00200080") + bytes([len(pin)]) + pin.encode()


def read(offset: int, le: int) -> bytes:
    return bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, le % 256])


def sign(block: bytes) -> bytes:
    return bytes.fromhex("802A0080") + bytes([len(block)]) + block + b"\x00"


def run(card: JpkiCard, *apdus: bytes) -> tuple[bytes, int]:
    """Send each APDU; the last answer as (data, sw)."""
    data, sw = b"", 0
    for apdu in apdus:
        response = card.respond(apdu)
        data, sw = response.data, response.sw
    return data, sw


def read_all(card: JpkiCard) -> bytes:
    """Read the selected EF as OpenSC does: the DER header's length, then 256-byte chunks."""
    head, sw = run(card, read(0, 4))
    assert sw == 0x9000 and head[:2] == b"\x30\x82"
    total, content = int.from_bytes(head[2:4], "big") + 4, b""
    while len(content) < total:
        chunk, sw = run(card, read(len(content), min(256, total - len(content))))
        assert sw == 0x9000
        content += chunk
    return content


@pytest.fixture
def certified(chip: Chip, issuer_key: rsa.RSAPrivateKey) -> Chip:
    keys = chip.public_keys()
    ca = certificate_for(issuer_key.public_key(), issuer_key, "issuing CA")
    chip.write_certificates(
        ca_certificate=ca,
        authentication=certificate_for(keys.user_auth, issuer_key, "auth"),
        signature=certificate_for(keys.signature, issuer_key, "sign"),
    )
    return chip


@pytest.fixture
def card(certified: Chip) -> JpkiCard:
    card = JpkiCard(certified)
    card.power_on()
    return card


def der(chip: Chip, file: CardFile) -> bytes:
    """The file as the chip stores it, opened (what READ BINARY must return)."""
    return chip._secrets.open_file(file.value, chip._store.load(chip.card_id).files[file.value])


# --- the card as OpenSC finds it ---------------------------------------------------------------


def test_the_answer_to_reset_is_the_one_opensc_jpki_driver_matches(card: JpkiCard) -> None:
    assert card.atr.hex(":") == "3b:e0:00:ff:81:31:fe:45:14" and card.atr == ATR


def test_selecting_each_application_by_aid_answers_9000(card: JpkiCard) -> None:
    for select in (SELECT_JPKI, SELECT_CARD_INFO, SELECT_CARD_FACE):
        assert run(card, select) == (b"", 0x9000)


def test_an_unknown_application_answers_6a82(card: JpkiCard) -> None:
    assert run(card, bytes.fromhex("00A4040007A0000000031010"))[1] == 0x6A82


def test_the_token_file_says_jpkiapicctoken2(card: JpkiCard) -> None:
    data, sw = run(card, SELECT_JPKI, select_ef("0006"), read(0, 32))
    assert sw == 0x9000 and data == TOKEN and data.rstrip(b" ") == b"JPKIAPICCTOKEN2"


def test_the_authentication_certificate_reads_in_chunks_without_a_pin(
    card: JpkiCard, certified: Chip
) -> None:
    run(card, SELECT_JPKI, select_ef("000A"))
    content = read_all(card)
    assert content == der(certified, CardFile.AUTH_CERT) and len(content) > 256
    run(card, select_ef("000B"))
    assert read_all(card) == der(certified, CardFile.AUTH_CA_CERT)


def test_read_binary_honours_the_offset_and_le_00_means_256(
    card: JpkiCard, certified: Chip
) -> None:
    whole = der(certified, CardFile.AUTH_CERT)
    data, sw = run(card, SELECT_JPKI, select_ef("000A"), read(5, 0))
    assert sw == 0x9000 and data == whole[5 : 5 + 256]


def test_reading_past_the_end_returns_what_is_left(card: JpkiCard, certified: Chip) -> None:
    whole = der(certified, CardFile.AUTH_CERT)
    data, sw = run(card, SELECT_JPKI, select_ef("000A"), read(len(whole) - 3, 200))
    assert (data, sw) == (whole[-3:], 0x9000)


def test_an_offset_at_or_beyond_the_end_answers_6b00(card: JpkiCard, certified: Chip) -> None:
    size = len(der(certified, CardFile.AUTH_CERT))
    assert run(card, SELECT_JPKI, select_ef("000A"), read(size, 1))[1] == 0x6B00
    assert run(card, read(size + 100, 1))[1] == 0x6B00


# --- the signature certificate and PINs --------------------------------------------------------


def test_the_signature_certificate_is_unreadable_until_the_signature_pin(
    card: JpkiCard, certified: Chip
) -> None:
    assert run(card, SELECT_JPKI, select_ef("0001"))[1] == 0x9000
    assert run(card, read(0, 4))[1] == 0x6982
    assert run(card, select_ef("001B"), verify(RIGHT[PinRef.SIGNATURE]))[1] == 0x9000
    run(card, select_ef("0001"))
    assert read_all(card) == der(certified, CardFile.SIGNATURE_CERT)


def test_the_signature_ca_certificate_needs_no_pin(card: JpkiCard, certified: Chip) -> None:
    run(card, SELECT_JPKI, select_ef("0002"))
    assert read_all(card) == der(certified, CardFile.SIGNATURE_CA_CERT)


def test_an_empty_verify_answers_the_tries_left_and_spends_none(card: JpkiCard) -> None:
    for _ in range(4):
        assert run(card, SELECT_JPKI, select_ef("0018"), EMPTY_VERIFY)[1] == 0x63C3
    assert run(card, select_ef("001B"), EMPTY_VERIFY)[1] == 0x63C5


def test_the_authentication_pin_counts_down_63cx_and_locks_after_three(
    card: JpkiCard, certified: Chip
) -> None:
    wrong = verify(WRONG[PinRef.USER_AUTHENTICATION])
    run(card, SELECT_JPKI, select_ef("0018"))
    assert [run(card, wrong)[1] for _ in range(3)] == [0x63C2, 0x63C1, 0x63C0]
    assert run(card, wrong)[1] == 0x6983
    assert run(card, verify(RIGHT[PinRef.USER_AUTHENTICATION]))[1] == 0x6983
    assert run(card, EMPTY_VERIFY)[1] == 0x63C0
    with pytest.raises(PinLocked):  # the very same counter as the in-process card
        certified.open_session().verify(PinRef.USER_AUTHENTICATION, "1234")


def test_the_signature_pin_locks_after_five_wrong_entries(card: JpkiCard) -> None:
    wrong = verify(WRONG[PinRef.SIGNATURE])
    run(card, SELECT_JPKI, select_ef("001B"))
    assert [run(card, wrong)[1] for _ in range(5)] == [0x63C4, 0x63C3, 0x63C2, 0x63C1, 0x63C0]
    assert run(card, verify(RIGHT[PinRef.SIGNATURE]))[1] == 0x6983


def test_a_right_pin_gives_the_tries_back(card: JpkiCard) -> None:
    run(card, SELECT_JPKI, select_ef("0018"), verify("0000"), verify("0000"))
    assert run(card, EMPTY_VERIFY)[1] == 0x63C1
    assert run(card, verify(RIGHT[PinRef.USER_AUTHENTICATION]))[1] == 0x9000
    assert run(card, EMPTY_VERIFY)[1] == 0x63C3


def test_wrong_pins_entered_in_process_show_over_apdu(card: JpkiCard, certified: Chip) -> None:
    with pytest.raises(WrongPin):
        certified.open_session().verify(PinRef.SIGNATURE, WRONG[PinRef.SIGNATURE])
    assert run(card, SELECT_JPKI, select_ef("001B"), EMPTY_VERIFY)[1] == 0x63C4


def test_verify_on_a_card_whose_pins_are_not_set_answers_6984(new_chip: Chip) -> None:
    card = JpkiCard(new_chip)
    assert run(card, SELECT_JPKI, select_ef("0018"), verify("1234"))[1] == 0x6984


def test_verify_needs_a_pin_file_selected(card: JpkiCard) -> None:
    assert run(card, SELECT_JPKI, verify("1234"))[1] == 0x6986
    assert run(card, select_ef("000A"), verify("1234"))[1] == 0x6981


def test_verify_with_other_p1_p2_answers_6a86(card: JpkiCard) -> None:
    assert (
        run(card, SELECT_JPKI, select_ef("0018"), bytes.fromhex("0020008104") + b"1234")[1]
        == 0x6A86
    )


# --- CHANGE REFERENCE DATA ---------------------------------------------------------------------


def test_change_reference_data_after_verify_sets_the_new_pin(
    card: JpkiCard, certified: Chip
) -> None:
    change = bytes.fromhex("0024018004") + b"4826"
    assert (
        run(
            card, SELECT_JPKI, select_ef("0018"), verify(RIGHT[PinRef.USER_AUTHENTICATION]), change
        )[1]
        == 0x9000
    )
    session = certified.open_session()
    session.verify(PinRef.USER_AUTHENTICATION, "4826")
    assert run(card, verify(RIGHT[PinRef.USER_AUTHENTICATION]))[1] == 0x63C2


def test_change_reference_data_without_verify_answers_6982(card: JpkiCard) -> None:
    change = bytes.fromhex("0024018004") + b"4826"
    assert run(card, SELECT_JPKI, select_ef("0018"), change)[1] == 0x6982


@pytest.mark.parametrize("new_pin", ["12a4", "123", "1111", "1234567"])
def test_a_new_pin_that_breaks_the_rules_answers_6a80(card: JpkiCard, new_pin: str) -> None:
    change = bytes.fromhex("00240180") + bytes([len(new_pin)]) + new_pin.encode()
    run(card, SELECT_JPKI, select_ef("0018"), verify(RIGHT[PinRef.USER_AUTHENTICATION]))
    assert run(card, change)[1] == 0x6A80


def test_change_reference_data_checks_p1_and_length(card: JpkiCard) -> None:
    run(card, SELECT_JPKI, select_ef("0018"), verify(RIGHT[PinRef.USER_AUTHENTICATION]))
    assert run(card, bytes.fromhex("0024008008") + b"12344826")[1] == 0x6A86
    assert run(card, bytes.fromhex("00240180"))[1] == 0x6700


# --- COMPUTE DIGITAL SIGNATURE -----------------------------------------------------------------


def test_the_authentication_key_signs_a_digest_info_after_its_pin(
    card: JpkiCard, certified: Chip
) -> None:
    signature, sw = run(
        card,
        SELECT_JPKI,
        select_ef("0018"),
        verify(RIGHT[PinRef.USER_AUTHENTICATION]),
        select_ef("0017"),
        sign(digest_info(MESSAGE)),
    )
    assert sw == 0x9000 and len(signature) == 256
    certified.public_keys().user_auth.verify(
        signature, MESSAGE, padding.PKCS1v15(), hashes.SHA256()
    )


def test_the_signature_key_signs_after_the_signature_pin(card: JpkiCard, certified: Chip) -> None:
    signature, sw = run(
        card,
        SELECT_JPKI,
        select_ef("001B"),
        verify(RIGHT[PinRef.SIGNATURE]),
        select_ef("001A"),
        sign(digest_info(MESSAGE, hashes.SHA512())),
    )
    assert sw == 0x9000
    certified.public_keys().signature.verify(
        signature, MESSAGE, padding.PKCS1v15(), hashes.SHA512()
    )


def test_signing_without_the_pin_answers_6982(card: JpkiCard) -> None:
    assert run(card, SELECT_JPKI, select_ef("0017"), sign(digest_info(MESSAGE)))[1] == 0x6982


def test_the_authentication_pin_does_not_unlock_the_signature_key(card: JpkiCard) -> None:
    run(card, SELECT_JPKI, select_ef("0018"), verify(RIGHT[PinRef.USER_AUTHENTICATION]))
    assert run(card, select_ef("001A"), sign(digest_info(MESSAGE)))[1] == 0x6982


def test_signing_needs_a_key_file_selected(card: JpkiCard) -> None:
    assert run(card, SELECT_JPKI, sign(digest_info(MESSAGE)))[1] == 0x6986
    assert run(card, select_ef("000A"), sign(digest_info(MESSAGE)))[1] == 0x6981


def test_signing_checks_its_parameters(card: JpkiCard) -> None:
    run(
        card,
        SELECT_JPKI,
        select_ef("0018"),
        verify(RIGHT[PinRef.USER_AUTHENTICATION]),
        select_ef("0017"),
    )
    assert run(card, bytes.fromhex("802A9E9A23") + digest_info(MESSAGE)[:35])[1] == 0x6A86
    assert run(card, bytes.fromhex("802A008000"))[1] == 0x6700  # Le only, nothing to sign
    assert run(card, sign(bytes(250)))[1] == 0x6A80  # too long for PKCS#1 v1.5 with 2048 bits
    short_le = bytes.fromhex("802A0080") + bytes([51]) + digest_info(MESSAGE) + b"\x10"
    assert run(card, short_le)[1] == 0x6C00


# --- the card-face applications ----------------------------------------------------------------


def test_the_my_number_needs_the_card_face_input_support_pin(card: JpkiCard) -> None:
    assert run(card, SELECT_CARD_INFO, select_ef("0001"), read(0, 0))[1] == 0x6982
    data, sw = run(
        card,
        select_ef("0011"),
        verify(RIGHT[PinRef.CARD_INFO_INPUT]),
        select_ef("0001"),
        read(0, 0),
    )
    assert sw == 0x9000 and data[:3] == b"\xff\x40\x0c"
    assert decode_my_number(data) == "621498320257"


def test_the_basic_four_items_read_as_tlv_after_the_pin(card: JpkiCard) -> None:
    data, sw = run(
        card,
        SELECT_CARD_INFO,
        select_ef("0011"),
        verify(RIGHT[PinRef.CARD_INFO_INPUT]),
        select_ef("0002"),
        read(0, 0),
    )
    assert sw == 0x9000 and data[:2] == b"\xff\x20"
    assert decode_basic_four(data) == chip_data().basic_four


def test_the_face_photo_reads_without_a_pin(card: JpkiCard) -> None:
    assert run(card, SELECT_CARD_FACE, select_ef("0002"), read(0, 0)) == (PHOTO, 0x9000)


# --- selection and security state --------------------------------------------------------------


def test_selecting_a_file_before_an_application_answers_6a82(card: JpkiCard) -> None:
    assert run(card, select_ef("000A"))[1] == 0x6A82
    assert run(card, SELECT_JPKI, bytes.fromhex("00A4000C023F00"), select_ef("000A"))[1] == 0x6A82


def test_an_unknown_file_answers_6a82(card: JpkiCard) -> None:
    assert run(card, SELECT_JPKI, select_ef("1234"))[1] == 0x6A82
    assert run(card, SELECT_CARD_FACE, select_ef("0001"))[1] == 0x6A82


def test_a_certificate_not_yet_written_answers_6a82(chip: Chip) -> None:
    assert run(JpkiCard(chip), SELECT_JPKI, select_ef("000A"))[1] == 0x6A82


def test_select_with_a_wrong_length_or_parameters_is_refused(card: JpkiCard) -> None:
    assert run(card, SELECT_JPKI, bytes.fromhex("00A4020C03000A00"))[1] == 0x6700
    assert run(card, bytes.fromhex("00A4080C02000A"))[1] == 0x6A86
    assert run(card, bytes.fromhex("00A4040E0A") + JPKI_AID)[1] == 0x6A86


def test_leaving_the_application_forgets_the_verified_pin(card: JpkiCard) -> None:
    run(card, SELECT_JPKI, select_ef("001B"), verify(RIGHT[PinRef.SIGNATURE]))
    run(card, SELECT_CARD_FACE, SELECT_JPKI, select_ef("0001"))
    assert run(card, read(0, 4))[1] == 0x6982


def test_reselecting_the_same_application_keeps_the_verified_pin(card: JpkiCard) -> None:
    run(card, SELECT_JPKI, select_ef("001B"), verify(RIGHT[PinRef.SIGNATURE]))
    assert run(card, SELECT_JPKI, select_ef("0001"), read(0, 4))[1] == 0x9000


@pytest.mark.parametrize("action", ["reset", "power_off"])
def test_a_reset_or_power_cycle_forgets_the_verified_pin(card: JpkiCard, action: str) -> None:
    run(card, SELECT_JPKI, select_ef("001B"), verify(RIGHT[PinRef.SIGNATURE]))
    getattr(card, action)()
    assert run(card, SELECT_JPKI, select_ef("0001"), read(0, 4))[1] == 0x6982


def test_read_binary_refuses_what_it_cannot_do(card: JpkiCard) -> None:
    assert run(card, SELECT_JPKI, read(0, 4))[1] == 0x6986  # no EF selected
    assert run(card, select_ef("0018"), read(0, 4))[1] == 0x6981  # a PIN is not data
    assert run(card, select_ef("000A"), bytes.fromhex("00B08100 04"))[1] == 0x6A81  # SFI
    assert run(card, bytes.fromhex("00B00000"))[1] == 0x6700  # no Le
    assert run(card, bytes.fromhex("00B0000001FF04"))[1] == 0x6700  # data on a read


def test_the_certificate_header_gives_opensc_the_file_length(
    card: JpkiCard, certified: Chip
) -> None:
    head, _ = run(card, SELECT_JPKI, select_ef("000A"), read(0, 4))
    certificate = certified.open_session().read_certificate(KeySlot.USER_AUTH)
    assert int.from_bytes(head[2:4], "big") + 4 == len(
        certificate.public_bytes(serialization.Encoding.DER)
    )
