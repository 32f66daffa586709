"""Command APDUs as bytes: every ISO 7816-4 case parses, anything else is answered, never raised."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mynumber.card import Chip
from mynumber.card.apdu import Command, JpkiCard, Response, StatusError, tries_left_sw
from mynumber.card.jpki_ap import JPKI_AID


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("00200080", Command(0x00, 0x20, 0x00, 0x80)),  # case 1
        ("00B0000004", Command(0x00, 0xB0, 0x00, 0x00, le=4)),  # case 2S
        ("00B0000000", Command(0x00, 0xB0, 0x00, 0x00, le=256)),  # Le 00 = 256
        ("00A4020C02000A", Command(0x00, 0xA4, 0x02, 0x0C, b"\x00\x0a")),  # case 3S
        ("802A008002AABB00", Command(0x80, 0x2A, 0x00, 0x80, b"\xaa\xbb", 256)),  # case 4S
        ("00B00000000400", Command(0x00, 0xB0, 0x00, 0x00, le=1024)),  # case 2E
        ("00B00000000000", Command(0x00, 0xB0, 0x00, 0x00, le=65536)),  # Le 0000
        ("002000800000021234", Command(0x00, 0x20, 0x00, 0x80, b"\x12\x34")),  # case 3E
        ("802A0080000002AABB0000", Command(0x80, 0x2A, 0x00, 0x80, b"\xaa\xbb", 65536)),  # 4E
    ],
)
def test_every_iso_case_parses(raw: str, expected: Command) -> None:
    assert Command.parse(bytes.fromhex(raw)) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "00",
        "00A404",
        "00A4040C05D392F0",
        "00A4020C02000A0000",
        "00B000000000",
        "002000800000031234",
        "00200080000002123456",
    ],
)
def test_a_malformed_apdu_is_a_wrong_length(raw: str) -> None:
    with pytest.raises(StatusError) as refused:
        Command.parse(bytes.fromhex(raw))
    assert refused.value.sw == 0x6700


@pytest.mark.parametrize("raw", ["", "00", "00A404", "00A4040C05D392F0"])
def test_the_card_answers_a_malformed_apdu_with_6700(chip: Chip, raw: str) -> None:
    assert JpkiCard(chip).process(bytes.fromhex(raw)) == b"\x67\x00"


@given(
    cla=st.integers(0, 255),
    ins=st.integers(0, 255),
    p1=st.integers(0, 255),
    p2=st.integers(0, 255),
    data=st.binary(max_size=300),
    le=st.none() | st.integers(1, 65536),
)
def test_encoding_then_parsing_gives_the_same_command(
    cla: int, ins: int, p1: int, p2: int, data: bytes, le: int | None
) -> None:
    command = Command(cla, ins, p1, p2, data, le)
    assert Command.parse(command.to_bytes()) == command


def test_an_unknown_instruction_answers_6d00(chip: Chip) -> None:
    card = JpkiCard(chip)
    assert card.process(bytes.fromhex("00CA9F7F00")) == b"\x6d\x00"  # GET DATA
    assert card.process(bytes.fromhex("0084000008")) == b"\x6d\x00"  # GET CHALLENGE


def test_an_unknown_class_answers_6e00(chip: Chip) -> None:
    card = JpkiCard(chip)
    assert card.process(bytes.fromhex("A0A4040C0A") + JPKI_AID) == b"\x6e\x00"
    assert card.process(bytes.fromhex("80A4040C0A") + JPKI_AID) == b"\x6e\x00"
    assert card.process(bytes.fromhex("002A0080") + b"\x01\xaa") == b"\x6e\x00"


def test_an_unforeseen_failure_answers_6f00_instead_of_raising(
    chip: Chip, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = JpkiCard(chip)
    card.process(bytes.fromhex("00A4040C0A") + JPKI_AID)
    card.process(bytes.fromhex("00A4020C020018"))

    def broken(*args: object) -> int:
        raise RuntimeError("a bug in the chip")

    monkeypatch.setattr(card._session, "tries_left", broken)
    assert card.process(bytes.fromhex("00200080")) == b"\x6f\x00"


def test_an_erased_chip_answers_62_85_terminated_instead_of_6f00(chip: Chip) -> None:
    card = JpkiCard(chip)
    card.process(bytes.fromhex("00A4040C0A") + JPKI_AID)
    card.process(bytes.fromhex("00A4020C020018"))
    chip.invalidate()  # the card was returned: its state is gone under the reader
    assert card.process(bytes.fromhex("00200080")) == b"\x62\x85"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=40))
def test_no_bytes_whatsoever_make_the_card_raise(chip: Chip, raw: bytes) -> None:
    answer = JpkiCard(chip).process(raw)
    assert len(answer) >= 2 and answer[-2] in (
        0x90,
        0x63,
        0x67,
        0x69,
        0x6A,
        0x6B,
        0x6C,
        0x6D,
        0x6E,
        0x6F,
    )


def test_tries_left_status_words() -> None:
    assert [tries_left_sw(n) for n in (5, 3, 0)] == [0x63C5, 0x63C3, 0x63C0]


def test_a_response_splits_into_data_and_status_word() -> None:
    assert Response.parse(b"\x01\x02\x90\x00") == Response(b"\x01\x02", 0x9000)
    assert Response(b"\x01", 0x6982).to_bytes() == b"\x01\x69\x82"
    with pytest.raises(ValueError):
        Response.parse(b"\x90")
