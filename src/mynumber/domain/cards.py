"""マイナンバーカードの状態 — the My Number Card's lifecycle and whether it can be used now.

Pure rules (no I/O); the services (``services.card_*``) apply them. Sources: the guide
(``seed/my-number-guide.txt``), RULES.md "The card", J-LIS.

- **Applications** (交付申請) come through four channels: smartphone (the letter's QR code /
  application ID), PC (the same online), the ward-office counter (staff take the photo) and a
  photo booth (証明写真機, with the letter's application ID). A person has at most one open
  application. Only a person with an active number (registered as living in Japan) applies.
- **Manufacture** (J-LIS): about 1–2 months; *policy:* the card centre makes the card
  ``STANDARD_PROCESSING_MONTHS`` after the application, then the pickup notice (交付通知書)
  is mailed, so it arrives within the guide's 1–2 months. Express issuance (特急発行) takes
  about a week (``timelines.express_card_window``).
- **Collection** (交付): *policy:* the notice asks the resident to come within
  ``COLLECT_WITHIN_MONTHS``; a later visit is still served (the card is kept at the office).
- **Status**: ``READY`` (made, at the ward office), ``ACTIVE`` (collected, PINs set),
  ``SUSPENDED`` (reported lost: 一時停止), ``INVALID`` (廃止: returned, renewed, lapsed after a
  move, left Japan, replaced after a loss). An invalid card never becomes usable again.
- **Use**: ``card_problem`` is the one decision whether a card can be used now, and why not,
  in the guide's words with the fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mynumber.domain.card_kinds import FACE_CARD_HAS_NO_PINS, FaceAuthenticationCard
from mynumber.domain.deadlines import CardMoveStatus, CardMoveVerdict, card_after_move
from mynumber.domain.errors import CardError, NoSignatureCertificate, PinLocked
from mynumber.domain.pins import PinKind
from mynumber.domain.representation import NoSignature
from mynumber.domain.timelines import add_months, express_card_window
from mynumber.domain.validity import is_expired

STANDARD_PROCESSING_MONTHS = 1
COLLECT_WITHIN_MONTHS = 3


class Channel(StrEnum):
    """How the application was made (申請方法)."""

    SMARTPHONE = "smartphone"  # スマートフォン (QR code on the letter)
    PC = "pc"  # パソコン (マイナンバーカード総合サイト)
    COUNTER = "counter"  # 窓口 (staff take the photo)
    PHOTO_BOOTH = "photo_booth"  # まちなかの証明写真機

    @property
    def needs_application_id(self) -> bool:
        """Online and photo-booth applications identify the person by the letter's ID."""
        return self is not Channel.COUNTER


class ApplicationKind(StrEnum):
    NEW = "new"  # 新規
    RENEWAL = "renewal"  # 更新 (有効期限の到来)
    REISSUE = "reissue"  # 再交付 (紛失・盗難)


class ApplicationStatus(StrEnum):
    RECEIVED = "received"  # accepted, waiting for the card centre
    MANUFACTURED = "manufactured"  # card made and at the ward office; pickup notice mailed
    COLLECTED = "collected"  # handed to its owner
    CANCELLED = "cancelled"  # the person moved out or left Japan before collecting


OPEN_APPLICATION_STATUSES = (ApplicationStatus.RECEIVED, ApplicationStatus.MANUFACTURED)


class CardStatus(StrEnum):
    READY = "ready"  # made, kept at the ward office until collected
    ACTIVE = "active"  # collected, PINs set
    SUSPENDED = "suspended"  # 一時停止: reported lost or stolen
    INVALID = "invalid"  # 廃止: can never be used again


class InvalidReason(StrEnum):
    RETURNED = "returned"  # 返納
    RENEWED = "renewed"  # replaced by a renewed card
    LOST = "lost"  # replaced after a loss or theft (再交付)
    MOVE_LAPSED = "move_lapsed"  # a moving deadline was missed (失効)
    LEFT_JAPAN = "left_japan"  # 国外転出
    NOT_COLLECTED = "not_collected"  # never collected (the holder moved away)
    NUMBER_CHANGED = "number_changed"  # the number on the chip was changed (番号法 第7条第2項)
    REPLACED = "replaced"  # reissued while in hand, its 追記欄 full: handed back


class Problem(StrEnum):
    """Why a card cannot be used now (the ``reason`` of the error)."""

    INVALID = "invalid"
    SUSPENDED = "suspended"
    NOT_COLLECTED = "not_collected"
    EXPIRED = "expired"
    MOVE_LAPSED = "move_lapsed"
    NOT_REGISTERED = "not_registered"
    ADDRESS_OUT_OF_DATE = "address_out_of_date"
    PIN_LOCKED = "pin_locked"
    FACE_AUTHENTICATION_CARD = "face_authentication_card"  # no PINs at all
    NO_SIGNATURE_CERTIFICATE = "no_signature_certificate"  # not issued under 15


class CardInvalid(CardError):
    code = "card-invalid"
    title = "The card has been cancelled"


class CardSuspended(CardError):
    code = "card-suspended"
    title = "The card is suspended"


class CardNotCollected(CardError):
    code = "card-not-collected"
    title = "The card has not been collected"


class CardExpired(CardError):
    code = "card-expired"
    title = "The card has expired"


class CardMoveLapsed(CardError):
    code = "card-move-lapsed"
    title = "The card lapsed after a move"


class CardHolderNotRegistered(CardError):
    code = "card-holder-not-registered"
    title = "The card's holder is not registered at an address"


class CardAddressOutOfDate(CardError):
    code = "card-address-out-of-date"
    title = "The card's address is out of date"


REFUSAL_KINDS: dict[Problem, type[CardError]] = {
    Problem.INVALID: CardInvalid,
    Problem.SUSPENDED: CardSuspended,
    Problem.NOT_COLLECTED: CardNotCollected,
    Problem.EXPIRED: CardExpired,
    Problem.MOVE_LAPSED: CardMoveLapsed,
    Problem.NOT_REGISTERED: CardHolderNotRegistered,
    Problem.ADDRESS_OUT_OF_DATE: CardAddressOutOfDate,
    Problem.PIN_LOCKED: PinLocked,
    Problem.FACE_AUTHENTICATION_CARD: FaceAuthenticationCard,
    Problem.NO_SIGNATURE_CERTIFICATE: NoSignatureCertificate,
}
"""The error, with its own ``code``, of each reason a card cannot be used."""


@dataclass(frozen=True)
class CardRefusal:
    """A card cannot be used: the reason, and what to do, in English and Japanese."""

    problem: Problem
    message_en: str
    message_ja: str


@dataclass(frozen=True, slots=True)
class CardSnapshot:
    """A card's record in the register, as the rules read it (a plain value: the services
    build it from the database row, so no rule here ever sees a row)."""

    serial: str
    person_id: int
    status: CardStatus
    invalid_reason: InvalidReason | None
    expires_on: dt.date | None
    chip_address: str
    insurance_use: bool = False
    moving_out_planned_on: dt.date | None = None  # a card-based 転出届 is in progress
    moved_in_on: dt.date | None = None
    moving_in_filed_on: dt.date | None = None
    face_authentication: bool = False  # 顔認証マイナンバーカード (``card_kinds``)
    no_signature: NoSignature | None = None  # why it carries no signature certificate


def move_verdict(card: CardSnapshot, today: dt.date) -> CardMoveVerdict | None:
    """Where the card stands after a move to another municipality (``None``: no such move)."""
    planned = card.moving_out_planned_on
    if planned is None:
        return None
    moved_in = card.moved_in_on or max(planned, today)  # not known before the 転入届
    return card_after_move(
        moved_in_on=moved_in,
        planned_moving_out_on=planned,
        moving_in_filed_on=card.moving_in_filed_on,
        card_updated_on=None,
        today=today,
    )


@dataclass(frozen=True)
class CardFacts:
    """What decides whether a card can be used (from the register and the chip)."""

    status: CardStatus
    invalid_reason: InvalidReason | None
    expires_on: dt.date | None
    chip_address: str
    registered_address: str | None  # None: the holder has no active registration
    move: CardMoveVerdict | None = None
    locked_pins: frozenset[PinKind] = frozenset()
    face_authentication: bool = False
    no_signature: NoSignature | None = None


_INVALID_TEXT: dict[InvalidReason, tuple[str, str]] = {
    InvalidReason.RETURNED: ("it was returned to the ward office", "返納されています"),
    InvalidReason.RENEWED: (
        "it was replaced by a renewed card",
        "更新後の新しいカードに替わっています",
    ),
    InvalidReason.LOST: (
        "it was reported lost and a new card replaces it",
        "紛失の届出があり、再交付されたカードに替わっています",
    ),
    InvalidReason.MOVE_LAPSED: (
        "it was not updated in time after a move",
        "転入後の手続きが期限までになかったため失効しています",
    ),
    InvalidReason.LEFT_JAPAN: ("its holder left Japan", "国外転出により返納されています"),
    InvalidReason.NOT_COLLECTED: ("it was never collected", "交付されないまま廃止されています"),
    InvalidReason.NUMBER_CHANGED: (
        "its My Number was changed; apply for a new card with the new notification letter",
        "個人番号が変更されたため廃止されています。新しい個人番号通知書で再交付を申請してください",
    ),
    InvalidReason.REPLACED: (
        "it was handed back for a new card when its endorsement field was full",
        "追記欄に余白がなくなったため返納され、再交付されたカードに替わっています",
    ),
}


def _invalid(reason: InvalidReason | None) -> CardRefusal:
    en, ja = (
        _INVALID_TEXT[reason] if reason is not None else ("it was cancelled", "廃止されています")
    )
    return CardRefusal(
        Problem.INVALID,
        f"This card can no longer be used: {en}. Apply for a new card if you need one.",
        f"このカードは使用できません（{ja}）。必要な場合は新しいカードを申請してください。",
    )


def _status_refusal(facts: CardFacts) -> CardRefusal | None:
    if facts.status is CardStatus.INVALID:
        return _invalid(facts.invalid_reason)
    if facts.status is CardStatus.SUSPENDED:
        return CardRefusal(
            Problem.SUSPENDED,
            "This card was reported lost or stolen and is suspended. "
            "Apply for a reissue at the ward office.",
            "このカードは紛失・盗難の届出により一時停止されています。市区町村の窓口で再交付を申請してください。",
        )
    if facts.status is CardStatus.READY:
        return CardRefusal(
            Problem.NOT_COLLECTED,
            "This card has not been collected yet. Bring the pickup "
            "notice, your ID and your notification letter to the ward office.",
            "このカードはまだ交付されていません。交付通知書・本人確認書類・個人番号通知書を持って窓口へお越しください。",
        )
    return None


def _date_refusal(facts: CardFacts, today: dt.date) -> CardRefusal | None:
    if facts.expires_on is not None and is_expired(facts.expires_on, today):
        return CardRefusal(
            Problem.EXPIRED,
            f"This card expired on {facts.expires_on}. Renew it at the "
            "ward office (apply for a new card).",
            f"このカードは{facts.expires_on}に有効期限が切れています。窓口で更新（新しいカードの申請）をしてください。",
        )
    if facts.move is not None and facts.move.status is CardMoveStatus.LAPSED:
        return CardRefusal(Problem.MOVE_LAPSED, facts.move.reason_en, facts.move.reason_ja)
    return None


def _address_refusal(facts: CardFacts) -> CardRefusal | None:
    if facts.registered_address is None:
        hint = (
            (facts.move.reason_en, facts.move.reason_ja)
            if facts.move
            else (
                "Register at your new address (moving-in notification) first.",
                "先に新しい住所で転入届をしてください。",
            )
        )
        return CardRefusal(
            Problem.NOT_REGISTERED,
            "You are not registered at an address in Japan now, so "
            f"the card's address cannot be confirmed. {hint[0]}",
            f"現在住民登録がないため、カードの住所を確認できません。{hint[1]}",
        )
    if facts.chip_address != facts.registered_address:
        return CardRefusal(
            Problem.ADDRESS_OUT_OF_DATE,
            "The address on the card's chip does not match your "
            "registered address. Bring your card to the ward office to update it and to get "
            "a new signature certificate (the old one was revoked with the move). Health "
            "insurance at clinics keeps working meanwhile.",
            "カードのICチップの住所が住民票の住所と一致しません。カードを持って窓口で住所の書き換えと"
            "署名用電子証明書の再発行をしてください（転居・転出の届出で失効しています）。"
            "その間もマイナ保険証は医療機関で利用できます。",
        )
    return None


def card_facts(
    card: CardSnapshot,
    *,
    registered_address: str | None,
    today: dt.date,
    locked_pins: frozenset[PinKind] = frozenset(),
) -> CardFacts:
    """The facts ``card_problem`` judges, from the card's record, the holder's registered
    address (``None``: no active registration) and the PINs locked on the chip."""
    return CardFacts(
        status=card.status,
        invalid_reason=card.invalid_reason,
        expires_on=card.expires_on,
        chip_address=card.chip_address,
        registered_address=registered_address,
        move=move_verdict(card, today),
        locked_pins=locked_pins,
        face_authentication=card.face_authentication,
        no_signature=card.no_signature,
    )


def _pin_refusal(pin: PinKind) -> CardRefusal:
    where_en, where_ja = (
        (
            "at the ward office or a convenience-store kiosk",
            "市区町村の窓口またはコンビニのキオスク端末で",
        )
        if pin.resettable_at_kiosk
        else ("at the ward office in person", "市区町村の窓口でご本人が")
    )
    return CardRefusal(
        Problem.PIN_LOCKED,
        f"The {pin.name_en} is locked after too many wrong entries. "
        f"Have it reset {where_en} (there is no online reset).",
        f"{pin.name_ja}は誤入力によりロックされています。{where_ja}初期化してください（オンラインでは"
        "できません）。",
    )


def missing_pin_refusal(
    pin: PinKind, *, face_authentication: bool, no_signature: NoSignature | None
) -> CardRefusal | None:
    """A use needing a PIN the card does not have (``card_kinds``): the cause by name."""
    if face_authentication:
        return CardRefusal(Problem.FACE_AUTHENTICATION_CARD, *FACE_CARD_HAS_NO_PINS)
    if pin is PinKind.SIGNATURE and no_signature is NoSignature.UNDER_15:
        return CardRefusal(
            Problem.NO_SIGNATURE_CERTIFICATE,
            "No signature certificate: under 15. The signature certificate is not issued to "
            "children under 15, so this card cannot sign.",
            "署名用電子証明書がありません（15歳未満）。15歳未満の方には署名用電子証明書は"
            "発行されないため、このカードでは署名できません。",
        )
    return None


def card_problem(
    facts: CardFacts, *, today: dt.date, pin: PinKind | None = None, checks_address: bool = False
) -> CardRefusal | None:
    """Why the card cannot be used today for a use needing ``pin`` (and, when
    ``checks_address``, the current address), or ``None`` when it can.

    Order: the card's status, its dates (expiry, a missed moving deadline), the address,
    then the PIN: one the card does not have (a face-authentication card, a child's
    signature PIN), then a locked one — the first problem is the one the holder must fix first.
    """
    refusal = _status_refusal(facts) or _date_refusal(facts, today)
    if refusal is None and checks_address:
        refusal = _address_refusal(facts)
    if refusal is None and pin is not None:
        refusal = missing_pin_refusal(
            pin, face_authentication=facts.face_authentication, no_signature=facts.no_signature
        )
    if refusal is None and pin is not None and pin in facts.locked_pins:
        refusal = _pin_refusal(pin)
    return refusal


# --- Leaving Japan -------------------------------------------------------------------------

#: Since this day a Japanese national keeps the card abroad (国外転出者向けカード, 番号法
#: 改正; Tomigusuku, Kobe guidance).
CARD_CONTINUES_ABROAD_FROM = dt.date(2024, 5, 27)


def card_continues_abroad(*, nationality: str, left_on: dt.date) -> bool:
    """Whether the card stays valid after a 転出届 to abroad (issue 17.8).

    A Japanese national's card continues from 2024-05-27 (国外転出者向けカード): only the
    signature certificate lapses on departure, the user-authentication certificate does not.
    A foreign resident returns the card on the 転出届 and it is invalidated; the number
    becomes inactive and is the same on return (番号法; RULES.md "leaving Japan").
    """
    return nationality == "JP" and left_on >= CARD_CONTINUES_ABROAD_FROM


# --- How the card reaches the holder --------------------------------------------------------


class Delivery(StrEnum):
    """How a made card reaches its holder (交付の方法)."""

    AT_THE_COUNTER = "at_the_counter"  # 窓口交付: a pickup notice, collected against ID
    REGISTERED_POST = "registered_post"  # 本人限定受取郵便: mailed by J-LIS, no pickup notice


def delivery(*, express: bool) -> Delivery:
    """An express card (特急発行) is mailed by registered post to the registered address, not
    collected; every other card is collected at the ward office (RULES.md "time to issue";
    Sanuki and Yuzawa city guidance: "直接カードが自宅等に届く").

    A mailed card is handed to nobody at a counter, so what the collection does happens at the
    **application**, as in the mailed-card scheme (申請時来庁方式; Nagoya city FAQ 3457): the
    applicant comes in person, identity is checked then, and the PINs are chosen then on the
    PIN request form (暗証番号設定依頼書), kept sealed until the card is made; the card centre
    sets them and issues the certificates, and the card is active when delivered. If the post
    brings it back, the ward office holds it and hands it over against photo ID (the PINs are
    already set)."""
    return Delivery.REGISTERED_POST if express else Delivery.AT_THE_COUNTER


def pins_chosen_at_application(*, express: bool) -> bool:
    """Whether the PINs are chosen when applying (a mailed card) rather than at collection."""
    return delivery(express=express) is Delivery.REGISTERED_POST


# --- Timing of manufacture and collection --------------------------------------------------


def manufacture_due(applied_on: dt.date, *, express: bool) -> dt.date:
    """The day the card centre makes the card: a month after applying (policy), or about a
    week for express issuance (特急発行)."""
    if express:
        return express_card_window(applied_on)[0]
    return add_months(applied_on, STANDARD_PROCESSING_MONTHS)


def collect_by(notice_mailed_on: dt.date) -> dt.date:
    """The date printed on the pickup notice (policy: 3 months after it is mailed)."""
    return add_months(notice_mailed_on, COLLECT_WITHIN_MONTHS)


# --- Identity at the counter ---------------------------------------------------------------


@dataclass(frozen=True)
class IdentityShown:
    """The holder of the identity document shown at the counter, as staff read it."""

    name_latin: str
    date_of_birth: dt.date
    residence_card_number: str | None = None


def same_person(
    shown: IdentityShown,
    *,
    name_latin: str,
    date_of_birth: dt.date,
    residence_card_number: str | None,
) -> bool:
    """Whether the document shown is the card holder's: name and date of birth, and the
    residence card number when both sides have one."""

    def norm(name: str) -> str:
        return " ".join(name.upper().split())

    if norm(shown.name_latin) != norm(name_latin) or shown.date_of_birth != date_of_birth:
        return False
    if shown.residence_card_number and residence_card_number:
        return shown.residence_card_number.upper() == residence_card_number.upper()
    return True
