"""暗証番号 — the PINs of the My Number Card, their formats and retry limits.

Rules (J-LIS; OpenSC ``jpki.h``; Fukuoka prefecture guidance):

- Three 4-digit PINs, digits 0–9 only, exactly 4; they may be the same:
  利用者証明用電子証明書 (user authentication), 住民基本台帳用 (resident registry),
  券面事項入力補助用 (card-face input support).
- 署名用電子証明書 (signature certificate) PIN: 6–16 characters, uppercase A–Z and digits
  0–9 only, at least one of each.
- Lockout: 3 consecutive wrong entries lock a 4-digit PIN, 5 lock the signature PIN. The card
  enforces the counts; this module only states them.
- Unlock: any PIN at the ward office in person; the user-authentication PIN also at a
  convenience-store kiosk.

*Policy on trivial PINs (refuse):* real ward offices accept any 4 digits and only advise
against weak ones; we refuse, when a PIN is **chosen**, the few 4-digit PINs a finder of the
card would try first — the card face shows the date of birth, and 3 tries of a top-30 list
is a far better bet than 3 in 10,000. Refused: all-same digits (0000…9999), straight runs
up and down (0123…6789, 9876…3210) and, given the date of birth, its MMDD, DDMM and YYYY.
That is ~27 of 10,000 PINs. The signature PIN has no such list: its length and mix already
rule out the worst choices. ``check_pin_format`` (no policy) is for checking a PIN typed to
unlock the card; ``check_pin`` (format + policy) is for a PIN being set or changed.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum

from mynumber.domain.errors import InvalidInput

FOUR_DIGIT_PIN_ATTEMPTS = 3
SIGNATURE_PIN_ATTEMPTS = 5
SIGNATURE_PIN_MIN = 6
SIGNATURE_PIN_MAX = 16

_FOUR_DIGITS = re.compile(r"[0-9]{4}")
_SIGNATURE_CHARS = re.compile(r"[A-Z0-9]+")


class PinKind(StrEnum):
    """The four PINs of the card; the value is a stable identifier."""

    USER_AUTHENTICATION = "user_authentication"  # 利用者証明用電子証明書
    RESIDENT_REGISTRY = "resident_registry"  # 住民基本台帳用
    CARD_INFO_INPUT = "card_info_input"  # 券面事項入力補助用
    SIGNATURE = "signature"  # 署名用電子証明書

    @property
    def field(self) -> str:
        """The input field name used in errors (``user_authentication_pin``…)."""
        return f"{self.value}_pin"

    @property
    def is_four_digit(self) -> bool:
        return self is not PinKind.SIGNATURE

    @property
    def max_attempts(self) -> int:
        """Consecutive wrong entries that lock this PIN (3, or 5 for the signature PIN)."""
        return FOUR_DIGIT_PIN_ATTEMPTS if self.is_four_digit else SIGNATURE_PIN_ATTEMPTS

    @property
    def resettable_at_kiosk(self) -> bool:
        """Only the user-authentication PIN can be reset at a convenience-store kiosk."""
        return self is PinKind.USER_AUTHENTICATION

    @property
    def name_en(self) -> str:
        return _NAMES[self][0]

    @property
    def name_ja(self) -> str:
        return _NAMES[self][1]


_NAMES: dict[PinKind, tuple[str, str]] = {
    PinKind.USER_AUTHENTICATION: (
        "user-authentication certificate PIN",
        "利用者証明用電子証明書の暗証番号",
    ),
    PinKind.RESIDENT_REGISTRY: ("resident-registry PIN", "住民基本台帳用の暗証番号"),
    PinKind.CARD_INFO_INPUT: ("card-face input-support PIN", "券面事項入力補助用の暗証番号"),
    PinKind.SIGNATURE: ("signature certificate PIN", "署名用電子証明書の暗証番号"),
}

FOUR_DIGIT_KINDS: tuple[PinKind, ...] = (
    PinKind.USER_AUTHENTICATION,
    PinKind.RESIDENT_REGISTRY,
    PinKind.CARD_INFO_INPUT,
)


def attempts_left(kind: PinKind, consecutive_failures: int) -> int:
    """Tries left before the lock, given the consecutive wrong entries so far."""
    return max(0, kind.max_attempts - consecutive_failures)


def is_locked(kind: PinKind, consecutive_failures: int) -> bool:
    """Whether this many consecutive wrong entries lock the PIN."""
    return consecutive_failures >= kind.max_attempts


def _refuse(kind: PinKind, reason: str, en: str, ja: str) -> InvalidInput:
    return InvalidInput(
        f"The {kind.name_en} {en}", f"{kind.name_ja}{ja}", field=kind.field, reason=reason
    )


def _four_digit_error(kind: PinKind) -> InvalidInput:
    return _refuse(kind, "format", "is exactly 4 digits (0–9).", "は数字4桁です。")


def _signature_error(pin: str) -> InvalidInput | None:
    kind = PinKind.SIGNATURE
    rule_en = (
        "is 6 to 16 characters of uppercase letters A–Z and digits 0–9, with at least one of each"
    )
    rule_ja = (
        "は英大文字（A〜Z）と数字（0〜9）を組み合わせた6〜16文字です（英字・数字を各1文字以上）"
    )
    if not SIGNATURE_PIN_MIN <= len(pin) <= SIGNATURE_PIN_MAX:
        return _refuse(
            kind,
            "length",
            f"{rule_en}: this one has {len(pin)} characters.",
            f"{rule_ja}。入力は{len(pin)}文字でした。",
        )
    if not _SIGNATURE_CHARS.fullmatch(pin):
        hint_en, hint_ja = (
            ("lowercase letters are not allowed", "小文字は使えません")
            if any("a" <= ch <= "z" for ch in pin)
            else ("it has other characters", "使えない文字が含まれています")
        )
        return _refuse(kind, "characters", f"{rule_en}: {hint_en}.", f"{rule_ja}。{hint_ja}。")
    if pin.isdigit():
        return _refuse(
            kind, "no_letter", f"{rule_en}: add a letter.", f"{rule_ja}。英字を含めてください。"
        )
    if pin.isalpha():
        return _refuse(
            kind, "no_digit", f"{rule_en}: add a digit.", f"{rule_ja}。数字を含めてください。"
        )
    return None


def check_pin_format(kind: PinKind, pin: str) -> str:
    """``pin`` if it has the format of ``kind``, else ``InvalidInput`` saying the rule.

    Never echoes the PIN. Use this for a PIN typed to use or unlock the card.
    """
    if kind.is_four_digit:
        if not _FOUR_DIGITS.fullmatch(pin):
            raise _four_digit_error(kind)
        return pin
    error = _signature_error(pin)
    if error is not None:
        raise error
    return pin


_SEQUENCES = "0123456789"


def trivial_pin_reason(pin: str, *, date_of_birth: dt.date | None = None) -> str | None:
    """Why a 4-digit ``pin`` is too easy to guess (``same_digits``, ``sequence``,
    ``birth_date``), or ``None``."""
    if len(set(pin)) == 1:
        return "same_digits"
    if pin in _SEQUENCES or pin in _SEQUENCES[::-1]:
        return "sequence"
    if date_of_birth is not None:
        d = date_of_birth
        if pin in {f"{d.month:02}{d.day:02}", f"{d.day:02}{d.month:02}", f"{d.year:04}"}:
            return "birth_date"
    return None


_TRIVIAL_TEXT = {
    "same_digits": ("repeats one digit", "同じ数字の繰り返しです"),
    "sequence": ("is a run of consecutive digits", "連続した数字です"),
    "birth_date": (
        "comes from your date of birth, which is printed on the card",
        "カードに記載されている生年月日から作られています",
    ),
}


def check_pin(kind: PinKind, pin: str, *, date_of_birth: dt.date | None = None) -> str:
    """``pin`` if it may be set as the PIN of ``kind``; else ``InvalidInput`` with the rule.

    Checks the format, then refuses trivial 4-digit PINs (see the module's policy).
    ``field`` in the error's details is ``kind.field``; ``reason`` says which rule failed.
    """
    check_pin_format(kind, pin)
    if kind.is_four_digit:
        reason = trivial_pin_reason(pin, date_of_birth=date_of_birth)
        if reason is not None:
            en, ja = _TRIVIAL_TEXT[reason]
            raise _refuse(
                kind,
                reason,
                f"{en}: choose 4 digits that are hard to guess.",
                f"が{ja}。推測されにくい数字4桁を選んでください。",
            )
    return pin
