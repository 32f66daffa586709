"""Resident registration (住民基本台帳法): moving in, moving within, moving out.

- 転入届 (moving-in notification): within 14 days of starting to live at the address (第22条);
  later is accepted but recorded as late (the person may be fined, 第52条).
- 転居届 (moving within the municipality): within 14 days (第23条).
- 転出届 (moving out): before moving, or within 14 days after; before leaving for abroad (第24条).
- Foreign residents are registered when mid- to long-term residents, special permanent
  residents etc. (第30条の45), with their residence card number (在留カード番号), status of
  residence (在留資格) and the end of their period of stay (在留期間満了日). A temporary
  visitor is **not** registered and gets no number (issue 17.1; 住基法 第30条の45, 入管法
  第19条の3): the statuses 短期滞在 (Temporary Visitor), 外交 (Diplomat) and 公用
  (Official) are refused whatever the dates (``check_registrable_status``), and so is any
  stay of 3 months or less (``check_stay_length``). *Policy:* the length is judged for a
  person arriving from abroad, from the day they started living here to the end of their
  period of stay (a stay of 3 months counts that day: ``timelines.period_last_day``); a
  resident moving from another municipality was judged when first registered, and what is
  left of their stay says nothing about the period granted.
- A status with a period of stay must give its end (issue 17.2): only 永住者, 特別永住者 and
  高度専門職2号 have none (``validity.no_stay_limit_status``); without the end the card
  would not be capped by the stay.

This module checks the forms; the deadlines themselves live in ``deadlines``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from mynumber.domain.errors import InvalidInput, invalid
from mynumber.domain.numbers import ResidenceCardNumber
from mynumber.domain.timelines import period_last_day
from mynumber.domain.validity import period_of_stay_end_required

#: The destination of a 転出届 to outside Japan (国外転出), where a municipality code would go.
ABROAD = "abroad"


class RegistrationStatus(StrEnum):
    """Where a registration (住民票) stands."""

    ACTIVE = "active"  # 住民登録あり: the person lives at this address
    MOVED_OUT = "moved_out"  # 転出: moved to another municipality or abroad


class Sex(StrEnum):
    """As the resident register records it (住民票の性別)."""

    MALE = "M"
    FEMALE = "F"


class IdDocument(StrEnum):
    """Identity documents shown at the counter (本人確認書類)."""

    RESIDENCE_CARD = "residence_card"  # 在留カード
    SPECIAL_PERMANENT_RESIDENT_CERTIFICATE = "special_permanent_resident_certificate"
    PASSPORT = "passport"  # 旅券
    MY_NUMBER_CARD = "my_number_card"  # マイナンバーカード
    DRIVING_LICENCE = "driving_licence"  # 運転免許証
    NOTIFICATION_LETTER = "notification_letter"  # 個人番号通知書
    NOTIFICATION_CARD = "notification_card"  # 通知カード (no longer issued)
    MOVING_OUT_CERTIFICATE = "moving_out_certificate"  # 転出証明書


PHOTO_IDS = frozenset(
    {
        IdDocument.RESIDENCE_CARD,
        IdDocument.SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
        IdDocument.PASSPORT,
        IdDocument.MY_NUMBER_CARD,
        IdDocument.DRIVING_LICENCE,
    }
)

_COUNTRY = re.compile(r"[A-Z]{2}")
OLDEST_AGE_YEARS = 130
#: A mid- to long-term resident (中長期在留者) has a stay of **more than** this (入管法 第19条の3).
MID_TO_LONG_TERM_MONTHS = 3

# Statuses of residence whose holders are never registered (入管法 第19条の3 第2号・第3号),
# by their normalised names (letters and digits, case-folded).
_NOT_REGISTERED_STATUSES: dict[str, tuple[str, str]] = {
    "temporaryvisitor": ("Temporary Visitor", "短期滞在"),
    "shorttermstay": ("Temporary Visitor", "短期滞在"),
    "shorttermvisitor": ("Temporary Visitor", "短期滞在"),
    "短期滞在": ("Temporary Visitor", "短期滞在"),
    "diplomat": ("Diplomat", "外交"),
    "外交": ("Diplomat", "外交"),
    "official": ("Official", "公用"),
    "公用": ("Official", "公用"),
}


def _status_key(status: str) -> str:
    return "".join(ch for ch in status.casefold() if ch.isalnum())


def _not_registrable(message_en: str, message_ja: str, field: str) -> InvalidInput:
    return InvalidInput(message_en, message_ja, field=field, reason="not_registrable")


def is_registrable(status_of_residence: str) -> bool:
    """Whether the status's holders are registered at all (not 短期滞在, 外交 or 公用)."""
    return _status_key(status_of_residence) not in _NOT_REGISTERED_STATUSES


def check_registrable_status(status_of_residence: str) -> None:
    """Refuse a status whose holders are not registered: 短期滞在, 外交, 公用 (住基法
    第30条の45; 入管法 第19条の3). They get no residence record and no My Number."""
    found = _NOT_REGISTERED_STATUSES.get(_status_key(status_of_residence))
    if found is not None:
        raise _not_registrable(
            f"A {found[0]} stay is not registered in the resident register and gets no My "
            "Number: only mid- to long-term residents (a stay of more than 3 months), special "
            "permanent residents and a few others are registered.",
            f"在留資格「{found[1]}」の方は住民登録の対象ではなく、マイナンバーも付番されません"
            "（対象は3か月を超える在留期間の中長期在留者・特別永住者等です）。",
            "status_of_residence",
        )


def check_stay_length(period_of_stay_ends: dt.date | None, *, arrived_on: dt.date) -> None:
    """Refuse a stay of 3 months or less for a person arriving from abroad (not a mid- to
    long-term resident: 入管法 第19条の3 第1号; 住基法 第30条の45). A stay without an end
    (permanent residents) is long by definition."""
    if period_of_stay_ends is None:
        return
    if period_of_stay_ends <= period_last_day(arrived_on, months=MID_TO_LONG_TERM_MONTHS):
        raise _not_registrable(
            f"A stay of {MID_TO_LONG_TERM_MONTHS} months or less (until "
            f"{period_of_stay_ends}) is not registered in the resident register and gets no "
            "My Number: only mid- to long-term residents (a stay of more than 3 months) are.",
            f"在留期間が{MID_TO_LONG_TERM_MONTHS}か月以下（{period_of_stay_ends}まで）の方は"
            "住民登録の対象ではなく、マイナンバーも付番されません（対象は3か月を超える在留期間の"
            "中長期在留者等です）。",
            "period_of_stay_ends",
        )


@dataclass(frozen=True)
class ForeignResidence:
    """A foreign resident's residence card facts."""

    residence_card_number: ResidenceCardNumber
    status_of_residence: str
    period_of_stay_ends: dt.date | None  # None for permanent residents


@dataclass(frozen=True)
class MovingIn:
    """A checked 転入届 (moving-in notification)."""

    name_latin: str
    date_of_birth: dt.date
    sex: Sex
    nationality: str
    address: str
    started_living_on: dt.date
    filed_on: dt.date
    id_documents: tuple[IdDocument, ...]
    name_kana: str = ""
    name_kanji: str = ""
    foreign: ForeignResidence | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_foreign(self) -> bool:
        return self.nationality != "JP"


NAME_LENGTH = 100
"""The longest name (Latin, kana or kanji) the register keeps."""
ADDRESS_LENGTH = 200
"""The longest address the register keeps."""


def check_name(name: str) -> str:
    """The Latin-script name as registered (letters, spaces, hyphens, apostrophes)."""
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > NAME_LENGTH:
        raise invalid(
            "name_latin",
            "Give the name as on the passport (1–100 characters).",
            "氏名（ローマ字）を旅券のとおり入力してください（1〜100文字）。",
        )
    return cleaned.upper()


def check_date_of_birth(born: dt.date, today: dt.date) -> dt.date:
    if born > today:
        raise invalid(
            "date_of_birth", "The date of birth is in the future.", "生年月日が未来の日付です。"
        )
    if today.year - born.year > OLDEST_AGE_YEARS:
        raise invalid(
            "date_of_birth", "The date of birth is implausibly long ago.", "生年月日が古すぎます。"
        )
    return born


def check_nationality(code: str) -> str:
    """ISO 3166-1 alpha-2 (``JP`` for Japanese nationals)."""
    upper = code.strip().upper()
    if not _COUNTRY.fullmatch(upper):
        raise invalid(
            "nationality",
            "Give the nationality as a 2-letter country code (e.g. US).",
            "国籍は2文字の国コードで入力してください（例: US）。",
        )
    return upper


def check_address(address: str) -> str:
    cleaned = " ".join(address.split())
    if len(cleaned) < 4 or len(cleaned) > ADDRESS_LENGTH:
        raise invalid(
            "address",
            "Give the full address (4–200 characters).",
            "住所を正しく入力してください（4〜200文字）。",
        )
    return cleaned


def check_started_living(started: dt.date, filed_on: dt.date, born: dt.date) -> dt.date:
    if started > filed_on:
        raise invalid(
            "started_living_on",
            "The date you started living there cannot be after today.",
            "住み始めた日が今日より後になっています。",
        )
    if started < born:
        raise invalid(
            "started_living_on",
            "The date you started living there is before birth.",
            "住み始めた日が生年月日より前です。",
        )
    return started


def check_id_documents(docs: tuple[IdDocument, ...], *, foreign: bool) -> tuple[IdDocument, ...]:
    """A moving-in needs photo ID; a foreign resident must show the residence card."""
    if not any(d in PHOTO_IDS for d in docs):
        raise invalid(
            "id_documents",
            "Show a photo ID (residence card, passport, My Number Card).",
            "顔写真付きの本人確認書類（在留カード・旅券・マイナンバーカード）が必要です。",
        )
    if foreign and not {
        IdDocument.RESIDENCE_CARD,
        IdDocument.SPECIAL_PERMANENT_RESIDENT_CERTIFICATE,
    } & set(docs):
        raise invalid(
            "id_documents",
            "A foreign resident must show the residence card.",
            "外国人住民は在留カードの提示が必要です。",
        )
    return docs


def check_foreign_residence(
    card_number: str, status: str, stay_ends: dt.date | None, filed_on: dt.date
) -> ForeignResidence:
    number = ResidenceCardNumber.parse(card_number)
    if not status.strip():
        raise invalid(
            "status_of_residence",
            "Give the status of residence (e.g. Engineer).",
            "在留資格を入力してください。",
        )
    check_registrable_status(status)
    if stay_ends is None and period_of_stay_end_required(status):
        raise invalid(
            "period_of_stay_ends",
            "Give the end of the period of stay (on the residence card): only "
            "permanent residents, special permanent residents and Highly Skilled "
            "Professional (ii) have none.",
            "在留期間の満了日（在留カードに記載）を入力してください。満了日がないのは"
            "永住者・特別永住者・高度専門職2号だけです。",
        )
    if stay_ends is not None and stay_ends < filed_on:
        raise invalid(
            "period_of_stay_ends",
            "The period of stay has already ended.",
            "在留期間が満了しています。",
        )
    return ForeignResidence(number, status.strip(), stay_ends)


def check_residence_card_renewal(
    *,
    recorded_number: str | None,
    new_number: str,
    status: str,
    stay_ends: dt.date | None,
    filed_on: dt.date,
) -> ForeignResidence:
    """A renewed residence card (在留カードの更新): the card immigration issued at a stay
    renewal or status change always has a **new** number (出入国在留管理庁: the number is the
    card's, not the person's), so the register records it with the new status and end of stay
    (住基法 第30条の45 items: 在留カード等の番号, 在留資格, 在留期間の満了の日).

    Only for a foreign resident (the register already holds a card number); the new number is
    checked as any residence card number, must differ from the recorded one, and the status and
    its end as at moving in (a status with a period of stay needs its end, not already past).
    """
    if recorded_number is None:
        raise invalid(
            "residence_card_number",
            "This resident has no residence card on the register (a Japanese national).",
            "この方の住民票には在留カードの記載がありません（日本国籍の方）。",
        )
    renewed = check_foreign_residence(new_number, status, stay_ends, filed_on)
    if renewed.residence_card_number.value == recorded_number.upper():
        raise invalid(
            "residence_card_number",
            "A renewed residence card has a new number: this is the card already on the "
            "register. Enter the number printed on the new card.",
            "更新された在留カードは番号が変わります。入力された番号は登録済みのカードの"
            "番号です。新しいカードの番号を入力してください。",
        )
    return renewed


def parse_sex(text: str) -> Sex:
    try:
        return Sex(text.strip().upper()[:1])
    except ValueError:
        raise invalid(
            "sex", "Sex is M or F, as on the residence card.", "性別は M または F です。"
        ) from None


def parse_id_documents(names: Iterable[str]) -> tuple[IdDocument, ...]:
    docs = []
    for name in names:
        try:
            docs.append(IdDocument(name))
        except ValueError:
            # What was typed is not repeated: it may be anything, even a number.
            known = ", ".join(d.value for d in IdDocument)
            raise invalid(
                "id_documents",
                f"Unknown identity document (one of {known}).",
                f"不明な本人確認書類です（{known}）。",
            ) from None
    return tuple(docs)


def build_moving_in(
    *,
    name_latin: str,
    date_of_birth: dt.date,
    sex: str,
    nationality: str,
    address: str,
    started_living_on: dt.date,
    filed_on: dt.date,
    id_documents: list[str],
    name_kana: str = "",
    name_kanji: str = "",
    residence_card_number: str | None = None,
    status_of_residence: str | None = None,
    period_of_stay_ends: dt.date | None = None,
) -> MovingIn:
    """Check every field of a 転入届 and build it; the first problem is raised by name."""
    nationality = check_nationality(nationality)
    born = check_date_of_birth(date_of_birth, filed_on)
    foreign_flag = nationality != "JP"
    foreign = None
    if foreign_flag:
        if not residence_card_number:
            raise invalid(
                "residence_card_number",
                "A foreign resident's residence card number is required.",
                "外国人住民は在留カード番号が必要です。",
            )
        foreign = check_foreign_residence(
            residence_card_number, status_of_residence or "", period_of_stay_ends, filed_on
        )
    return MovingIn(
        name_latin=check_name(name_latin),
        date_of_birth=born,
        sex=parse_sex(sex),
        nationality=nationality,
        address=check_address(address),
        started_living_on=check_started_living(started_living_on, filed_on, born),
        filed_on=filed_on,
        id_documents=check_id_documents(parse_id_documents(id_documents), foreign=foreign_flag),
        name_kana=name_kana.strip(),
        name_kanji=name_kanji.strip(),
        foreign=foreign,
    )
