"""Identifiers as value objects, validated on creation.

- ``IndividualNumber`` — 個人番号 (My Number): 12 digits, the last a check digit
  (番号法施行規則 第5条), validated with ``stdnum.jp.in_``. Its ``repr`` and ``str`` are masked.
- ``CorporateNumber`` — 法人番号: 13 digits, the first a check digit (``stdnum.jp.cn``).
- ``LocalGovernmentCode`` — 全国地方公共団体コード: 5 digits + check digit
  (s = 6a+5b+4c+3d+2e; check = (11 − s mod 11) mod 10).
- ``ResidenceCardNumber`` — 在留カード番号: 2 letters, 8 digits, 2 letters.
- ``ResidentRegistryCode`` — 住民票コード: the 11-digit code from which the My Number is derived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.jp import cn as stdnum_cn
from stdnum.jp import in_ as stdnum_in

from mynumber.domain.errors import InvalidInput, invalid


def mask_digits(digits: str) -> str:
    """``621498320257`` → ``**** **** 0257``: only the last four digits show."""
    return "**** **** " + digits[-4:]


def _in_error(field: str, exc: ValidationError) -> InvalidInput:
    if isinstance(exc, InvalidLength):
        return invalid(
            field, "A My Number has exactly 12 digits.", "マイナンバーは12桁の数字です。"
        )
    if isinstance(exc, InvalidChecksum):
        return invalid(
            field,
            "The My Number's check digit is wrong (mistyped?).",
            "マイナンバーの検査用数字が一致しません（入力誤りの可能性）。",
        )
    return invalid(
        field,
        "A My Number has only digits (spaces and hyphens are allowed).",
        "マイナンバーは数字のみです（空白・ハイフンは可）。",
    )


@dataclass(frozen=True, slots=True)
class IndividualNumber:
    """個人番号 (My Number). Build with ``IndividualNumber.parse``; never printed in full."""

    digits: str

    def __post_init__(self) -> None:
        try:
            stdnum_in.validate(self.digits)
        except ValidationError as exc:
            raise _in_error("my_number", exc) from None
        if stdnum_in.compact(self.digits) != self.digits:
            raise invalid(
                "my_number",
                "Pass the compact form of the number.",
                "番号は区切りなしで指定してください。",
            )

    @classmethod
    def parse(cls, text: str, field: str = "my_number") -> IndividualNumber:
        """Accept ``6214 9832 0257``, ``6214-9832-0257`` or ``621498320257``."""
        try:
            return cls(stdnum_in.validate(text))
        except ValidationError as exc:
            raise _in_error(field, exc) from None

    @classmethod
    def from_registry_digits(cls, eleven: str) -> IndividualNumber:
        """Append the official check digit to 11 derived digits."""
        return cls(eleven + stdnum_in.calc_check_digit(eleven))

    @property
    def masked(self) -> str:
        return mask_digits(self.digits)

    def formatted(self) -> str:
        """The full number in groups of four — only for a purpose the law allows."""
        return str(stdnum_in.format(self.digits))

    def __repr__(self) -> str:
        return f"IndividualNumber({self.masked!r})"

    def __str__(self) -> str:
        return self.masked


def check_individual_number(text: str) -> str | None:
    """The reason ``text`` is not a valid My Number, or ``None`` when it is."""
    try:
        IndividualNumber.parse(text)
    except InvalidInput as exc:
        return exc.message_en
    return None


@dataclass(frozen=True, slots=True)
class CorporateNumber:
    """法人番号 (Corporate Number), 13 digits, public by law."""

    digits: str

    @classmethod
    def parse(cls, text: str) -> CorporateNumber:
        try:
            return cls(stdnum_cn.validate(text))
        except InvalidChecksum:
            raise invalid(
                "corporate_number",
                "The Corporate Number's check digit is wrong.",
                "法人番号の検査用数字が一致しません。",
            ) from None
        except (InvalidFormat, InvalidLength, ValidationError):
            raise invalid(
                "corporate_number",
                "A Corporate Number has exactly 13 digits.",
                "法人番号は13桁の数字です。",
            ) from None

    def __str__(self) -> str:
        return self.digits


def local_government_check_digit(five: str) -> str:
    """Check digit of a 全国地方公共団体コード: (11 − (6a+5b+4c+3d+2e) mod 11) mod 10."""
    s = sum(int(d) * w for d, w in zip(five, (6, 5, 4, 3, 2), strict=True))
    return str((11 - s % 11) % 10)


@dataclass(frozen=True, slots=True)
class LocalGovernmentCode:
    """全国地方公共団体コード, the 6-digit code of a municipality (e.g. 131016 Chiyoda)."""

    code: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{6}", self.code):
            raise invalid(
                "municipality_code",
                "A local government code has 6 digits.",
                "地方公共団体コードは6桁の数字です。",
            )
        if local_government_check_digit(self.code[:5]) != self.code[5]:
            raise invalid(
                "municipality_code",
                "The local government code's check digit is wrong.",
                "地方公共団体コードの検査数字が一致しません。",
            )

    @property
    def prefecture(self) -> str:
        return self.code[:2]

    def __str__(self) -> str:
        return self.code


_RESIDENCE_CARD = re.compile(r"[A-Z]{2}\d{8}[A-Z]{2}")


@dataclass(frozen=True, slots=True)
class ResidenceCardNumber:
    """在留カード番号: two letters, eight digits, two letters (e.g. ``AB12345678CD``)."""

    value: str

    @classmethod
    def parse(cls, text: str) -> ResidenceCardNumber:
        compact = text.replace(" ", "").replace("-", "").upper()
        if not _RESIDENCE_CARD.fullmatch(compact):
            raise invalid(
                "residence_card_number",
                "A residence card number is 2 letters, 8 digits, 2 letters (e.g. AB12345678CD).",
                "在留カード番号は英字2桁・数字8桁・英字2桁です（例: AB12345678CD）。",
            )
        return cls(compact)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class ResidentRegistryCode:
    """住民票コード: 11 digits, kept for life; the My Number is derived from it."""

    digits: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{11}", self.digits):
            raise invalid(
                "registry_code",
                "A resident-registry code has 11 digits.",
                "住民票コードは11桁の数字です。",
            )

    def __repr__(self) -> str:
        return f"ResidentRegistryCode('*******{self.digits[-4:]}')"
