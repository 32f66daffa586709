"""What each status word the card answers means for the person (issue 19.5): never "status
6F00", never 401's "who are you?"; the words the card answers and the terminal's table meet."""

from __future__ import annotations

import pytest

from mynumber.card.apdu import SW
from mynumber.card.status_words import CardFileMissing, Step, refusal_for
from mynumber.domain import errors
from mynumber.http_status import http_status


@pytest.mark.parametrize(
    "sw,step,kind,words",
    [
        (0x63C2, Step.VERIFY, errors.WrongPin, "2 tries left"),
        (0x63C1, Step.VERIFY, errors.WrongPin, "1 try left"),
        (0x63C0, Step.VERIFY, errors.WrongPin, "now locked"),
        (0x6983, Step.VERIFY, errors.PinLocked, "ward office"),
        (0x6984, Step.VERIFY, errors.PinNotSet, "not been handed over"),
        (0x6A88, Step.VERIFY, errors.NoSignatureCertificate, "under 15"),
        (0x6982, Step.SIGN, errors.PinNotVerified, "PIN first"),
        (0x6A82, Step.SELECT_APPLICATION, errors.NotAMyNumberCard, "not a My Number Card"),
        (0x6A82, Step.SELECT_FILE, CardFileMissing, "handed over"),
        (SW.TERMINATED, Step.VERIFY, errors.CardTerminated, "no longer be used"),
        (0x6F00, Step.READ, errors.CardUnreadable, "insert it again"),
        (0x6D00, Step.OTHER, errors.CardCommandRefused, "fault of the terminal"),
    ],
)
def test_each_status_word_means_something_for_the_person(
    sw: int, step: Step, kind: type[errors.CardError], words: str
) -> None:
    refusal = refusal_for(sw, step)
    assert type(refusal) is kind
    assert words in refusal.message_en and refusal.message_ja
    assert refusal.details["sw"] == f"{sw:04X}"
    assert http_status(refusal) != 401
    if sw != 0x6D00:  # the terminal's own fault may name the word for its vendor
        assert f"{sw:04X}" not in refusal.message_en


def test_wrong_pin_counts_the_tries_from_the_status_word() -> None:
    assert refusal_for(0x63C2, Step.VERIFY).details["tries_left"] == 2


def test_the_codes_differ_so_a_client_can_branch_on_them() -> None:
    words = [0x63C2, 0x6983, 0x6984, 0x6982, SW.TERMINATED, 0x6F00, 0x6D00]
    codes = {refusal_for(w, Step.VERIFY).code for w in words}
    assert len(codes) == len(words)
