"""ステータスワード — what a status word the card answers means for the person at the terminal.

A terminal (``adapters.pcsc.JpkiTerminal``) sends the card a command and gets two status bytes
back (ISO/IEC 7816-4 §5.6). ``refusal_for`` turns every status word other than ``90 00`` into
the project's error with a stable ``code`` and a message that says what happened to *the
person* and what to do — never "status 6F00". What a status word means depends on the step:
``6A 82`` on selecting the JPKI application means the card is not a My Number Card; on
selecting a file it means the card lacks that file (not handed over yet).

| status | step | code | for the person |
| --- | --- | --- | --- |
| ``63 Cx`` | VERIFY | ``wrong-pin`` | wrong PIN, *x* tries left (0: now locked) |
| ``69 83`` | VERIFY | ``pin-locked`` | locked: where to have it reset |
| ``69 84`` | VERIFY | ``pin-not-set`` | the card was not handed over yet |
| ``6A 88`` | VERIFY | ``no-signature-certificate`` | no signature certificate (under 15) |
| ``69 85`` | VERIFY | ``face-authentication-card`` | a face-authentication card: no PINs |
| ``69 82`` | any | ``pin-not-verified`` | enter the PIN first |
| ``6A 82`` | SELECT application | ``not-a-my-number-card`` | not a My Number Card |
| ``6A 82`` | other | ``card-file-missing`` | the card lacks the data (not activated) |
| ``62 85`` | any | ``card-terminated`` | the card was cancelled (returned, replaced) |
| ``6F 00`` | any | ``card-unreadable`` | not read: insert again, then the ward office |
| any other | any | ``card-command-refused`` | the terminal's fault: tell its vendor |

The card's own side (``card.apdu.JpkiCard``) answers these words; the two meet in
``tests/unit/card/test_status_words.py``.
"""

from __future__ import annotations

from enum import StrEnum

from mynumber.domain.card_kinds import face_card_has_no_pins
from mynumber.domain.errors import (
    CardCommandRefused,
    CardError,
    CardTerminated,
    CardUnreadable,
    NoSignatureCertificate,
    NotAMyNumberCard,
    PinLocked,
    PinNotSet,
    PinNotVerified,
    WrongPin,
)

OK = 0x9000
TERMINATED = 0x6285
"""ISO/IEC 7816-4 "selected file in termination state": the chip's life cycle has ended."""
NO_SIGNATURE_KEY = 0x6A88
"""ISO/IEC 7816-4 "referenced data not found": a PIN object the card does not carry."""
NO_PIN_ON_THIS_CARD = 0x6985
"""ISO/IEC 7816-4 "conditions of use not satisfied": a face-authentication card, which
carries no PIN at all (``domain.card_kinds``)."""


class Step(StrEnum):
    """What the terminal was doing when the card answered."""

    SELECT_APPLICATION = "select_application"
    SELECT_FILE = "select_file"
    VERIFY = "verify"
    READ = "read"
    SIGN = "sign"
    OTHER = "other"


class CardFileMissing(CardError):
    """The card lacks a file a terminal reads (a certificate not yet written)."""

    code = "card-file-missing"
    title = "The card lacks the data asked for"


def refusal_for(sw: int, step: Step = Step.OTHER) -> CardError:
    """The error ``sw`` means at ``step``, in the person's terms (``sw`` kept in ``details``)."""
    word = f"{sw:04X}"
    if sw & 0xFFF0 == 0x63C0:
        tries = sw & 0x0F
        tries_en = "try" if tries == 1 else "tries"
        return WrongPin(
            f"Wrong PIN: {tries} {tries_en} left before it locks."
            if tries
            else "Wrong PIN: it is now locked. Have it reset at the ward office.",
            f"暗証番号が違います。あと{tries}回間違えるとロックされます。"
            if tries
            else "暗証番号が違います。ロックされました。市区町村の窓口で初期化してください。",
            tries_left=tries,
            sw=word,
        )
    if sw == 0x6983:
        return PinLocked(
            "The PIN is locked after too many wrong entries. Have it reset at the ward office.",
            "暗証番号は誤入力によりロックされています。市区町村の窓口で初期化してください。",
            tries_left=0,
            sw=word,
        )
    if sw == 0x6984:
        return PinNotSet(
            "The card's PINs are not set: it has not been handed over yet. The PINs are set "
            "when the card is collected at the ward office.",
            "カードの暗証番号が設定されていません（交付前のカードです）。暗証番号は市区町村の"
            "窓口での交付時に設定します。",
            sw=word,
        )
    if sw == NO_SIGNATURE_KEY and step is Step.VERIFY:
        return no_signature_certificate(sw=word)
    if sw == NO_PIN_ON_THIS_CARD and step is Step.VERIFY:
        return face_card_has_no_pins(sw=word)
    if sw == 0x6982:
        return PinNotVerified(
            "The card needs its PIN first: enter the PIN, then try again.",
            "先に暗証番号を入力してから、もう一度お試しください。",
            sw=word,
        )
    if sw == 0x6A82 and step is Step.SELECT_APPLICATION:
        return NotAMyNumberCard(
            "This card is not a My Number Card (it has no electronic certificates). Insert "
            "the My Number Card.",
            "このカードはマイナンバーカードではありません（電子証明書がありません）。"
            "マイナンバーカードを挿入してください。",
            sw=word,
        )
    if sw == 0x6A82:
        return CardFileMissing(
            "The card does not hold this data yet: it may not have been handed over. Ask at "
            "the ward office.",
            "カードにこのデータがまだありません（交付前の可能性があります）。市区町村の窓口に"
            "お問い合わせください。",
            sw=word,
        )
    if sw == TERMINATED:
        return CardTerminated(
            "This card has been cancelled (returned, replaced by a new card, or reported "
            "lost) and can no longer be used.",
            "このカードは廃止されています（返納・再交付・紛失届など）。利用できません。",
            sw=word,
        )
    if sw == 0x6F00:
        return CardUnreadable(
            "The card could not be read. Take it out, insert it again and retry; if it "
            "happens again, the chip may be damaged: ask at the ward office.",
            "カードを読み取れませんでした。カードを挿し直してもう一度お試しください。"
            "繰り返す場合はICチップの故障の可能性があります。市区町村の窓口にご相談ください。",
            sw=word,
        )
    return CardCommandRefused(
        f"The terminal sent the card a command it does not accept (status {word}). This is "
        "a fault of the terminal, not of the card: tell its vendor.",
        f"端末がカードに受け付けられない命令を送りました（ステータス {word}）。カードではなく"
        "端末の不具合です。端末の販売元にご連絡ください。",
        sw=word,
    )


def no_signature_certificate(**details: object) -> NoSignatureCertificate:
    """The refusal of a signature on a card without a signature certificate (the one wording
    for the chip and the terminal)."""
    return NoSignatureCertificate(
        "This card has no signature certificate, so it cannot sign: a card of a child under 15 "
        "is issued without one, and an adult may have declined it. The ward office issues one "
        "on request (from age 15).",
        "このカードには署名用電子証明書がないため、署名できません（15歳未満のカードには発行"
        "されず、15歳以上でも希望しなかった場合は搭載されません）。15歳以上の方は市区町村の"
        "窓口で発行を申請できます。",
        **details,
    )
