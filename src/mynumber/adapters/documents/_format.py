"""How values are written on paper: dates in Japanese and English, grouped digits, yen.

Also the small input checks the document dataclasses share. Their messages never repeat the
value they reject, so a My Number cannot leak into a log through them.
"""

from __future__ import annotations

from datetime import date

from mynumber.domain.errors import invalid

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# 性別: the labels printed for the values a service may pass (住基 codes 1 and 2 included).
_SEX_LABELS = {
    "male": ("男", "Male"),
    "m": ("男", "Male"),
    "1": ("男", "Male"),
    "男": ("男", "Male"),
    "female": ("女", "Female"),
    "f": ("女", "Female"),
    "2": ("女", "Female"),
    "女": ("女", "Female"),
}


def compact(text: str) -> str:
    """Drop the spaces and hyphens people type between digit groups."""
    return text.replace(" ", "").replace("-", "").replace("\u3000", "")


def group_digits(digits: str, size: int = 4) -> str:
    """``12345678901`` → ``1234 5678 901``: groups of ``size`` from the left."""
    digits = compact(digits)
    return " ".join(digits[i : i + size] for i in range(0, len(digits), size))


def date_ja(day: date) -> str:
    """``2026年4月16日`` (Gregorian: foreign residents' records use the Western calendar)."""
    return f"{day.year}年{day.month}月{day.day}日"


def date_en(day: date) -> str:
    """``16 April 2026``, independent of the process locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def era_year_ja(year: int) -> str:
    """The Japanese era year printed on tax forms: 2025 → 令和7年, 2019 → 令和元年."""
    if year >= 2019:
        era, number = "令和", year - 2018
    elif year >= 1989:
        era, number = "平成", year - 1988
    else:
        return f"{year}年"
    return f"{era}{'元' if number == 1 else number}年"


def yen(amount: int) -> str:
    """``1234567`` → ``1,234,567``."""
    return f"{amount:,}"


def sex_labels(sex: str) -> tuple[str, str]:
    """(Japanese, English) label for a sex given as male/female, m/f, 1/2 or 男/女."""
    labels = _SEX_LABELS.get(sex.strip().lower())
    if labels is None:
        raise invalid(
            "sex",
            "Sex must be male or female (or 1 / 2 as in the register).",
            "性別は male / female（住民票の 1 / 2）で指定してください。",
        )
    return labels


def require_digits(
    field: str, value: str, lengths: tuple[int, ...], name_en: str, name_ja: str
) -> str:
    """The compact digits of ``value``, or InvalidInput when they are not of an allowed length."""
    digits = compact(value)
    allowed = " or ".join(str(n) for n in lengths)
    if not digits.isascii() or not digits.isdigit() or len(digits) not in lengths:
        raise invalid(
            field,
            f"{name_en} must have {allowed} digits.",
            f"{name_ja}は{'または'.join(str(n) for n in lengths)}桁の数字です。",
        )
    return digits


def require_order(field: str, earlier: date, later: date, en: str, ja: str) -> None:
    """InvalidInput naming ``field`` when ``earlier`` comes after ``later``."""
    if earlier > later:
        raise invalid(field, en, ja)


def require_text(field: str, value: str, name_en: str, name_ja: str) -> None:
    """InvalidInput when a field that must be printed is empty."""
    if not value.strip():
        raise invalid(field, f"{name_en} is required.", f"{name_ja}は必須です。")
