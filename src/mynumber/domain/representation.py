"""法定代理人と年齢 — who acts for a child, and the ages that change what the card is.

Rules (RULES.md "The card" — children; J-LIS, マイナンバーカード総合サイト "15歳未満の方の申請・
交付"; municipal guidance):

- **Under 15** on the day (``represented_on``): the legal representative (法定代理人: a parent
  with parental authority, 親権者, or a guardian of a minor, 未成年後見人) applies, comes to
  the collection **with** the child and sets the PINs. From 15 the holder applies and sets
  the PINs themself, so no representative is taken (a 15–17-year-old comes alone).
- The representative shows **their own** photo ID (本人確認書類) at the counter; the child's
  identity is confirmed as well (the counter's usual check).
- *Policy:* the representative is 18 or over on the day. A minor parent does not exercise
  parental authority (民法 第833条: it is exercised by the minor parent's own representative)
  and a minor cannot be a guardian (民法 第847条 第1号), so a person under 18 (民法 第4条) is
  never a child's legal representative.
- **Infants under 1** on the day of the application: the card carries **no photo** (since
  2024-12-02), so no photo is asked for nor checked, and no face check (at the clinic
  terminal) compares anything (``photo_on_card``). The application day decides because that
  is the day the photo would be taken; a card applied for at 11 months is still made without.
- The signature certificate is in principle not issued under 15: that rule is
  ``validity.signature_certificate_allowed``; the cause a refusal names is ``NoSignature``.

Ages follow 年齢計算ニ関スル法律 (``timelines.age_on``): a child born on 29 February turns 1 on
1 March of a common year (reaching the age on 28 February), so is under 1 through 28 February.
Other modules call these (the guide's household plans, the counter, the clinic).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mynumber.domain.errors import Forbidden, invalid
from mynumber.domain.registration import PHOTO_IDS, IdDocument
from mynumber.domain.timelines import age_on

#: Under this age on the day, the legal representative acts for the child.
REPRESENTED_UNDER = 15
#: Under this age on the application day, the card carries no photo (since 2024-12-02).
NO_PHOTO_UNDER = 1
NO_PHOTO_FROM = dt.date(2024, 12, 2)
#: The relation's field (a constant: the message extractor would pair a literal field name with
#: the English, which shows the Japanese terms, as if it were the translation).
_RELATION_FIELD = "representative_relation"
#: *Policy:* the legal representative's own minimum age (民法 第4条, 第833条, 第847条).
REPRESENTATIVE_MIN_AGE = 18


class Relation(StrEnum):
    """How the representative stands to the child (法定代理人の資格)."""

    PARENT = "parent"  # 親権者
    GUARDIAN = "guardian"  # 未成年後見人

    @property
    def name_ja(self) -> str:
        return "親権者" if self is Relation.PARENT else "未成年後見人"


class NoSignature(StrEnum):
    """Why a card carries no signature certificate (nor a signature PIN)."""

    UNDER_15 = "under_15"  # not issued to children under 15
    FACE_AUTHENTICATION_CARD = "face_authentication_card"  # 顔認証マイナンバーカード


def is_under(date_of_birth: dt.date, age: int, on: dt.date) -> bool:
    """Whether the person is younger than ``age`` on ``on`` (年齢計算ニ関スル法律)."""
    return age_on(date_of_birth, on) < age


def represented_on(date_of_birth: dt.date, on: dt.date) -> bool:
    """Whether the legal representative must apply, collect with the child and set the PINs:
    under 15 on that day (RULES.md "children")."""
    return is_under(date_of_birth, REPRESENTED_UNDER, on)


def photo_on_card(date_of_birth: dt.date, applied_on: dt.date) -> bool:
    """Whether the card carries a face photo — and so whether the photo checks apply (the
    application's photo check, the face check against the chip's photo). ``False`` for an
    infant under 1 on the day of the application, from 2024-12-02 (RULES.md "children")."""
    return applied_on < NO_PHOTO_FROM or not is_under(date_of_birth, NO_PHOTO_UNDER, applied_on)


@dataclass(frozen=True)
class LegalRepresentative:
    """The person who acts for a child under 15 (法定代理人), as staff read their own ID.

    ``has_photo_id``: the representative showed a photo ID of their own (在留カード, 旅券,
    運転免許証, マイナンバーカード…); the counter records which documents it saw.
    """

    name_latin: str
    date_of_birth: dt.date
    relation: Relation
    has_photo_id: bool = True

    def __repr__(self) -> str:
        return f"LegalRepresentative({self.relation.value})"


def representative_shown(
    *, name_latin: str, date_of_birth: dt.date, relation: str, id_documents: tuple[IdDocument, ...]
) -> LegalRepresentative:
    """The representative as staff read their own ID (the API, the pages and the CLI)."""
    try:
        how = Relation(relation or Relation.PARENT)
    except ValueError:
        raise invalid(
            _RELATION_FIELD,
            "The legal representative is a parent (親権者) or a guardian (未成年後見人).",
            "法定代理人は親権者または未成年後見人です。",
        ) from None
    return LegalRepresentative(
        name_latin.strip(), date_of_birth, how, has_photo_id=bool(set(id_documents) & PHOTO_IDS)
    )


def check_representation(
    representative: LegalRepresentative | None,
    *,
    child_date_of_birth: dt.date,
    on: dt.date,
) -> LegalRepresentative | None:
    """The representative who acts for the holder on ``on``, or ``None`` (15 or over).

    Refuses: an under-15 without a representative (``Forbidden``, ``reason:
    legal_representative_required``); a representative for a holder of 15 or over
    (``reason: not_represented``: they act themself); a representative under 18 (so never
    the child), or without a photo ID of their own (``InvalidInput``).
    """
    needed = represented_on(child_date_of_birth, on)
    if representative is None:
        if needed:
            raise Forbidden(
                "The holder is under 15: the legal representative (a parent or guardian) "
                "must come with the child, show their own photo ID and set the PINs.",
                "15歳未満の方です。法定代理人（親権者・未成年後見人）がお子様と一緒に来庁し、"
                "ご自身の本人確認書類を提示して暗証番号を設定してください。",
                reason="legal_representative_required",
            )
        return None
    if not needed:
        raise Forbidden(
            "From 15 the holder applies, collects and sets the PINs themself: no legal "
            "representative acts for them.",
            "15歳以上の方はご本人が申請・受取・暗証番号の設定を行います（法定代理人は不要です）。",
            reason="not_represented",
        )
    _check_representative(representative, on)
    return representative


def _check_representative(representative: LegalRepresentative, on: dt.date) -> None:
    def norm(name: str) -> str:
        return " ".join(name.upper().split())

    if not norm(representative.name_latin):
        raise invalid(
            "representative_name",
            "Enter the legal representative's name as on their ID.",
            "法定代理人の氏名を本人確認書類のとおり入力してください。",
        )
    if representative.date_of_birth > on:
        raise invalid(
            "representative_date_of_birth",
            "The legal representative's date of birth is in the future.",
            "法定代理人の生年月日が未来の日付です。",
        )
    if is_under(representative.date_of_birth, REPRESENTATIVE_MIN_AGE, on):
        raise invalid(
            "representative_date_of_birth",
            "A legal representative is 18 or over (a minor parent's parental authority is "
            "exercised by their own representative).",
            "法定代理人は18歳以上の方です（未成年の親の親権はその法定代理人が行います）。",
        )
    if not representative.has_photo_id:
        raise invalid(
            "representative_id_documents",
            "The legal representative shows a photo ID of their own (residence card, "
            "passport, driving licence or My Number Card).",
            "法定代理人ご自身の顔写真付き本人確認書類（在留カード・旅券・運転免許証・"
            "マイナンバーカードなど）を提示してください。",
        )
