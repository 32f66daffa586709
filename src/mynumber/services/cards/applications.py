"""交付申請 — applying for the My Number Card, and asking after an application.

Four channels (the guide, "Application Methods"): smartphone and PC (the resident, with the
23-digit application ID from the notification letter's QR code), the ward-office counter
(staff take the photo and print a form with a new application ID) and a photo booth (the
kiosk, with the letter's ID). Rules (``domain.cards``; RULES.md "The card"):

- the applicant must have an active number (registered as living in Japan now);
- one open application per person (also a unique index: two racing applications, one wins);
- a holder of a valid card applies only from 3 months before its expiry (a renewal); a
  holder of a card reported lost applies for a reissue;
- the photo is checked on arrival (``adapters.photo.check_photo``) and each failure named;
  what no machine can check is declared (``PhotoDeclaration``);
- under 15, the legal representative (法定代理人) applies; under 1, no photo
  (``domain.representation``);
- express issuance (特急発行) is asked for at the counter: for an infant until the day
  before the 1st birthday, within 30 days of the 転入届 of a person arriving from abroad,
  within 30 days of reporting the card lost, within 30 days of the change that filled the
  card's 追記欄 (``deadlines.express_issuance_allowed``).
- a card still in hand whose 追記欄 is full (``domain.endorsements``) is reissued on request
  (``ReissueReason.ENDORSEMENT_FIELD_FULL``, free: ``fees.fee_of``); refused while a line is
  left.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import MailItem, NotificationLetter, Person, Registration
from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.adapters.photo import chip_photo
from mynumber.domain import cards as rules
from mynumber.domain.access import Purpose, Role
from mynumber.domain.cards import ApplicationKind, ApplicationStatus, CardStatus, Channel
from mynumber.domain.deadlines import ExpressReason, express_issuance_allowed
from mynumber.domain.endorsements import ReissueReason, require_full
from mynumber.domain.errors import Conflict, Forbidden, NotFound, invalid
from mynumber.domain.fees import PaidWhen
from mynumber.domain.mail import MailKind, MailStatus
from mynumber.domain.photo_rules import PhotoDeclaration, require_declaration
from mynumber.domain.policy import Action
from mynumber.domain.registration import ABROAD
from mynumber.domain.representation import (
    LegalRepresentative,
    check_representation,
    photo_on_card,
)
from mynumber.domain.timelines import express_card_window, pickup_notice_window
from mynumber.domain.validity import can_renew, renewal_window_opens
from mynumber.services.cards import endorsements, express
from mynumber.services.cards import fees as card_fees
from mynumber.services.cards import records as card_records
from mynumber.services.cards.counter import InitialPins
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, refusals_audited, require_role
from mynumber.services.core.records import active_registration, get_person
from mynumber.services.core.refs import PersonId
from mynumber.services.registry.letters import new_application_id

_CHANNEL_ROLE = {
    Channel.SMARTPHONE: Role.RESIDENT,
    Channel.PC: Role.RESIDENT,
    Channel.COUNTER: Role.WARD_OFFICE,
    Channel.PHOTO_BOOTH: Role.KIOSK,
}
_APPLICATION_ID = re.compile(r"[0-9]{23}")


@dataclass(frozen=True)
class ApplicationView:
    """Where an application stands, and what the resident does next."""

    application_id: str
    person_id: PersonId
    channel: str
    kind: str
    status: str
    express: bool
    received_on: dt.date
    notice_expected_from: dt.date
    notice_expected_by: dt.date
    card_serial: str | None
    pickup_notice: str | None
    collect_by: dt.date | None
    next_step_en: str
    next_step_ja: str
    fee_yen: int = 0  # domain.fees.card_fee: 0 for a first card or a renewal
    fee_paid: PaidWhen | None = None  # when it is taken at the counter
    fee_why_free_en: str = ""
    """Why no fee is charged (a free reissue names its reason)."""
    fee_why_free_ja: str = ""
    reissue_reason: str | None = None
    """``endorsement_field_full``: a card in hand reissued because its 追記欄 is full."""
    delivery: str = rules.Delivery.AT_THE_COUNTER.value
    """``at_the_counter`` (a pickup notice, collected) or ``registered_post`` (express)."""
    card_mail: str | None = None
    """The registered item's tracking state: in_transit, delivered, held_at_office (returned:
    collect it at the ward office with photo ID) or handed_over."""


def apply_for_card(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    channel: Channel,
    photo: bytes | None,
    declaration: PhotoDeclaration,
    application_id: str | None = None,
    person_id: int | None = None,
    express_reason: ExpressReason | None = None,
    representative: LegalRepresentative | None = None,
    pins: InitialPins | None = None,
    reissue_reason: ReissueReason | None = None,
) -> ApplicationView:
    """交付申請: accept an application with its photo, or refuse it naming the cause.

    An express application (at the counter) takes the PINs now (``pins``): the card is mailed
    by registered post, not collected (``domain.cards.delivery``; ``services.cards.express``).

    For a child under 15 the legal representative applies (``representative``, checked by
    ``representation.check_representation``); an infant under 1 sends no photo and declares
    nothing about it (``representation.photo_on_card``; RULES.md "children").

    ``reissue_reason``: a card still in hand reissued because its 追記欄 is full (implied by
    the express reason of the same name)."""
    if express_reason is ExpressReason.ENDORSEMENT_FIELD_FULL:
        reissue_reason = ReissueReason.ENDORSEMENT_FIELD_FULL
    require_role(caller, _CHANNEL_ROLE[channel])
    person, form_id = _applicant(session, caller, channel, application_id, person_id)
    if channel is Channel.COUNTER or caller.scope_id is not None:
        # The policy before any state: the ward office of the person's municipality, or the
        # person themself. The letter's application ID is what relates the online form and
        # the photo booth (no one signed in) to the person: whoever holds the letter.
        authorise(session, svc, caller, Action.APPLY_FOR_CARD, Subject(person.id))
    reg = _require_active_number(session, person)
    _refuse_if_open(session, person.id)
    replaces: str | None
    if reissue_reason is not None:
        kind, replaces = ApplicationKind.REISSUE, _full_card(session, person.id)
    else:
        kind, replaces = _kind(session, svc, person.id)
    if express_reason is not None:
        _check_express(session, svc, channel, express_reason, person, reg, kind, replaces)
    today = svc.clock.today()
    acting = _representative(caller, person, representative, today)
    face = _face(person, photo, declaration, today)
    if pins is not None and not rules.pins_chosen_at_application(express=bool(express_reason)):
        raise invalid(
            "pins",
            "The PINs are chosen when the card is collected (only an express card, which is "
            "mailed, takes them at the application).",
            "暗証番号はカードの受け取りの際に設定します（申請時に設定するのは郵送する特急発行のみです）。",
        )
    application = _add(session, svc, person, channel, form_id, kind, replaces, express_reason, face)
    application.reissue_reason = reissue_reason.value if reissue_reason else None
    if express_reason is not None and rules.pins_chosen_at_application(express=True):
        session.flush()  # the sealed PINs are bound to the application's id
        express.seal_pins(svc, application=application, person=person, pins=pins)
    if acting is not None:
        application.representative_relation = acting.relation.value
        application.representative_name = acting.name_latin
        application.representative_born_on = acting.date_of_birth
    audit.record(
        session,
        caller=caller,
        action="apply_for_card",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"{channel.value}, {kind.value}"
        + (" (express)" if express_reason else "")
        + (f" ({reissue_reason.value})" if reissue_reason else "")
        + (f"; by the legal representative ({acting.relation.value})" if acting else ""),
    )
    return view(session, application)


@refusals_audited
def _representative(
    caller: Caller, person: Person, representative: LegalRepresentative | None, today: dt.date
) -> LegalRepresentative | None:
    return check_representation(representative, child_date_of_birth=person.date_of_birth, on=today)


def _face(
    person: Person, photo: bytes | None, declaration: PhotoDeclaration, today: dt.date
) -> bytes | None:
    """The chip's photo, checked; ``None`` for an infant's card, which carries none (the
    photo checks and the declaration do not apply: a photo sent anyway is not kept)."""
    if not photo_on_card(person.date_of_birth, today):
        return None
    require_declaration(declaration)
    if not photo:
        raise invalid(
            "photo",
            "Attach the applicant's face photo.",
            "申請者の顔写真を添付してください。",
        )
    return chip_photo(photo)  # refuses a bad photo with its reason


@refusals_audited
def _applicant(
    session: Session,
    caller: Caller,
    channel: Channel,
    application_id: str | None,
    person_id: int | None,
) -> tuple[Person, str]:
    if not channel.needs_application_id:
        if person_id is None:
            raise invalid(
                "person_id",
                "Staff must say whose application this is.",
                "申請者を指定してください。",
            )
        return get_person(session, person_id), new_application_id()
    renewal = _renewal_notice_card(session, application_id)
    if renewal is not None:  # the ID on a renewal notice (有効期限通知書) works as a letter's
        if caller.role is Role.RESIDENT and caller.scope_id not in (None, renewal.person_id):
            raise Forbidden(
                "This application ID is on someone else's renewal notice.",
                "この申請書IDは他の方の有効期限通知書のものです。",
            )
        return get_person(session, renewal.person_id), renewal.renewal_application_id or ""
    letter = _letter(session, application_id)
    if caller.role is Role.RESIDENT and caller.scope_id not in (None, letter.person_id):
        raise Forbidden(
            "This application ID is on someone else's letter.",
            "この申請書IDは他の方の通知書のものです。",
        )
    return get_person(session, letter.person_id), letter.application_id


def _renewal_notice_card(session: Session, application_id: str | None) -> Card | None:
    text = "".join((application_id or "").split())
    if not _APPLICATION_ID.fullmatch(text):
        return None
    return session.scalars(select(Card).where(Card.renewal_application_id == text)).first()


def _letter(session: Session, application_id: str | None) -> NotificationLetter:
    text = "".join((application_id or "").split())
    if not _APPLICATION_ID.fullmatch(text):
        raise invalid(
            "application_id",
            "Enter the 23-digit application ID from your "
            "notification letter (or scan its QR code).",
            "個人番号通知書の23桁の申請書IDを入力（またはQRコードを読み取り）してください。",
        )
    letter = session.scalars(
        select(NotificationLetter).where(NotificationLetter.application_id == text)
    ).first()
    if letter is None:
        raise NotFound(
            "No notification letter has this application ID. Check the 23 digits.",
            "この申請書IDの個人番号通知書はありません。23桁の番号をご確認ください。",
            field="application_id",
        )
    if letter.superseded:
        raise Conflict(
            "This application ID is from a letter that was replaced by a reissued "
            "one. Use the ID on your new letter.",
            "この申請書IDの通知書は再発行により無効です。新しい通知書の申請書IDを使ってください。",
            field="application_id",
        )
    return letter


def _require_active_number(session: Session, person: Person) -> Registration:
    reg = active_registration(session, person.id)
    if reg is not None:
        return reg
    last = session.scalars(
        select(Registration)
        .where(Registration.person_id == person.id)
        .order_by(Registration.id.desc())
    ).first()
    where = "abroad" if last and last.moved_to == ABROAD else "out of the municipality"
    raise Conflict(
        f"This person has no active My Number: they moved {where} and are not registered as "
        "living in Japan now. File a moving-in notification (転入届) first; the same number "
        "becomes active again and the card can then be applied for.",
        "この方のマイナンバーは現在有効ではありません（転出済みで住民登録がありません）。"
        "先に転入届をしてください。同じ番号が再び有効になり、カードを申請できます。",
        reason="no_active_number",
    )


def _refuse_if_open(session: Session, person_id: int) -> None:
    application = card_records.open_application(session, person_id)
    if application is not None:
        raise Conflict(
            f"There is already an open card application ({application.status}, application "
            f"ID {application.application_form_id}). Wait for the pickup notice, or ask after "
            "it at the ward office with that ID.",
            f"既にカードの交付申請があります（状態: {application.status}、申請書ID "
            f"{application.application_form_id}）。交付通知書をお待ちいただくか、この番号で窓口にお問い合わせください。",
            reason="open_application",
        )


def _kind(session: Session, svc: Services, person_id: int) -> tuple[ApplicationKind, str | None]:
    for card in card_records.cards_of(session, person_id, CardStatus.SUSPENDED):
        return ApplicationKind.REISSUE, card.serial
    for card in card_records.cards_of(session, person_id, CardStatus.ACTIVE):
        expires = card.expires_on
        if expires is not None and can_renew(expires, svc.clock.today()):
            return ApplicationKind.RENEWAL, card.serial
        opens = renewal_window_opens(expires) if expires else None
        raise Conflict(
            f"You already have a valid card (it expires on {expires}). Renewal opens on "
            f"{opens}; if the card is lost or stolen, report it first.",
            f"既に有効なカードをお持ちです（有効期限 {expires}）。更新の申請は{opens}から"
            "できます。紛失・盗難の場合は先に届け出てください。",
            reason="card_still_valid",
        )
    return ApplicationKind.NEW, None


def _full_card(session: Session, person_id: int) -> str:
    """The card in hand whose 追記欄 is full, to be reissued (refused while a line is left)."""
    in_hand = card_records.cards_of(session, person_id, CardStatus.ACTIVE)
    field = endorsements.field(session, in_hand[0].serial) if in_hand else None
    require_full(field)
    return in_hand[0].serial


def _check_express(
    session: Session,
    svc: Services,
    channel: Channel,
    reason: ExpressReason,
    person: Person,
    reg: Registration,
    kind: ApplicationKind,
    replaces: str | None,
) -> None:
    if channel is not Channel.COUNTER:
        raise invalid(
            "express",
            "Express issuance is requested at the ward office counter.",
            "特急発行は市区町村の窓口で申請してください。",
        )
    event_on = _express_event(session, reason, person, reg, kind, replaces)
    if event_on is None or not express_issuance_allowed(
        event_on=event_on, requested_on=svc.clock.today(), reason=reason
    ):
        raise Conflict(
            "Express issuance is for infants until the day before their first birthday, "
            "people arriving from abroad within 30 days of their moving-in notification and "
            "lost cards within 30 days of the report and cards whose endorsement field is full "
            "within 30 days of the change that filled it; apply for a card the usual way.",
            "特急発行の対象は、1歳の誕生日の前日までの乳児、国外から転入し転入届から30日以内の方、"
            "紛失の届出から30日以内の再交付、追記欄を使い切った変更から30日以内の再交付です。"
            "通常の申請をしてください。",
            reason="express_not_allowed",
        )


def _express_event(
    session: Session,
    reason: ExpressReason,
    person: Person,
    reg: Registration,
    kind: ApplicationKind,
    replaces: str | None,
) -> dt.date | None:
    if reason is ExpressReason.NEWBORN:
        return person.date_of_birth
    if reason is ExpressReason.ENDORSEMENT_FIELD_FULL:
        return endorsements.field(session, replaces).filled_on if replaces else None
    if reason is ExpressReason.LOST_CARD:
        lost = card_records.cards_of(session, person.id, CardStatus.SUSPENDED)
        at = lost[0].suspended_at if lost and kind is ApplicationKind.REISSUE else None
        return at.date() if at else None
    earlier = session.scalars(
        select(Registration)
        .where(Registration.person_id == person.id, Registration.id != reg.id)
        .order_by(Registration.id.desc())
    ).first()
    from_abroad = earlier is None or earlier.moved_to == ABROAD
    # Counted from the 転入届 itself, not the day the person started living here.
    return reg.filed_on if from_abroad else None


def _add(
    session: Session,
    svc: Services,
    person: Person,
    channel: Channel,
    form_id: str,
    kind: ApplicationKind,
    replaces: str | None,
    express: ExpressReason | None,
    face: bytes | None,
) -> CardApplication:
    due = rules.manufacture_due(svc.clock.today(), express=express is not None)
    application = CardApplication(
        person_id=person.id,
        channel=channel.value,
        application_form_id=form_id,
        status=ApplicationStatus.RECEIVED,
        express=express is not None,
        express_reason=express.value if express else None,
        received_at=svc.clock.now(),
        photo=face,
        kind=kind.value,
        replaces_card_serial=replaces,
        due_at=card_records.today_at_midnight(due),
    )
    session.add(application)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "Another application for this person arrived at the same moment; "
            "this one was not taken. Ask after the other at the ward office.",
            "同時に同じ方の別の申請がありました。この申請は受け付けていません。",
            reason="open_application",
        ) from None
    return application


def ask_after_application(
    session: Session, svc: Services, *, caller: Caller, application_id: str
) -> ApplicationView:
    """Where an application stands (asked at the counter, or by the resident)."""
    require_role(caller, Role.WARD_OFFICE, Role.RESIDENT)
    application = card_records.application_by_id(session, application_id)
    authorise(session, svc, caller, Action.VIEW_APPLICATION, Subject(application.person_id))
    audit.record(
        session,
        caller=caller,
        action="ask_after_card_application",
        person_id=application.person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"application {application.id}",
    )
    return view(session, application)


def view(session: Session, application: CardApplication) -> ApplicationView:
    """The application as the resident and the counter see it."""
    received = application.received_at.date()
    window = (
        express_card_window(received) if application.express else pickup_notice_window(received)
    )
    notice = _notice_status(session, application)
    mailed = express.is_mailed(session, application)
    item = express.card_mail(session, application)
    tracking = item.status if item else None
    en, ja = _mailed_step(application, tracking) if mailed else _next_step(application, notice)
    fee = card_fees.fee_of(application)
    return ApplicationView(
        application_id=application.application_form_id or "",
        person_id=application.person_id,
        channel=application.channel,
        kind=application.kind,
        status=application.status,
        express=application.express,
        received_on=received,
        notice_expected_from=window[0],
        notice_expected_by=window[1],
        card_serial=application.card_serial,
        pickup_notice=notice,
        collect_by=application.collect_by,
        next_step_en=en,
        next_step_ja=ja,
        fee_yen=fee.yen,
        fee_paid=fee.paid,
        fee_why_free_en=fee.why_free_en if fee.free else "",
        fee_why_free_ja=fee.why_free_ja if fee.free else "",
        reissue_reason=application.reissue_reason,
        delivery=(rules.Delivery.REGISTERED_POST if mailed else rules.Delivery.AT_THE_COUNTER),
        card_mail=tracking,
    )


def _notice_status(session: Session, application: CardApplication) -> str | None:
    item = session.scalars(
        select(MailItem)
        .where(MailItem.kind == MailKind.PICKUP_NOTICE.value, MailItem.ref_id == application.id)
        .order_by(MailItem.id.desc())
    ).first()
    return item.status if item else None


_STEPS: dict[str, tuple[str, str]] = {
    ApplicationStatus.RECEIVED: (
        "The card is being made. The pickup notice (交付通知書) will be mailed to you.",
        "カードを作成中です。交付通知書を郵送します。",
    ),
    ApplicationStatus.MANUFACTURED: (
        "Your card is ready at the ward office. Bring the pickup notice, your residence card "
        "or passport and your notification letter to collect it.",
        "カードができています。交付通知書・在留カードまたは旅券・個人番号通知書を持って窓口へお越しください。",
    ),
    ApplicationStatus.COLLECTED: ("The card has been collected.", "カードは交付済みです。"),
    ApplicationStatus.CANCELLED: (
        "This application was cancelled (the applicant moved away). Apply again where you "
        "live now.",
        "この申請は取り消されました（転出など）。現在お住まいの市区町村で再度申請してください。",
    ),
}


def _next_step(application: CardApplication, notice: str | None) -> tuple[str, str]:
    if application.status == ApplicationStatus.MANUFACTURED and notice == "held_at_office":
        return (
            "The pickup notice could not be delivered and is held at the ward office. "
            "Come with your residence card or passport and your notification letter.",
            "交付通知書が届かず窓口で保管しています。在留カードまたは旅券と個人番号通知書を持ってお越しください。",
        )
    return _STEPS.get(application.status, ("", ""))


_MAILED_STEPS: dict[str | None, tuple[str, str]] = {
    None: (
        "The card is being made (express issuance) and will be mailed to you by registered "
        "post (本人限定受取郵便) with its PINs already set: no pickup notice comes. Have your "
        "photo ID ready to receive it.",
        "カードを作成中です（特急発行）。暗証番号を設定済みのカードを本人限定受取郵便でお送りします"
        "（交付通知書はありません）。受け取りの際は顔写真付きの本人確認書類をご用意ください。",
    ),
    MailStatus.IN_TRANSIT: (
        "Your card is on its way by registered post (本人限定受取郵便): show your photo ID "
        "to the postal worker to receive it.",
        "カードを本人限定受取郵便で郵送中です。受け取りの際に顔写真付きの本人確認書類を提示してください。",
    ),
    MailStatus.DELIVERED: (
        "Your card was delivered by registered post and is ready to use.",
        "カードは郵便で届き、利用できます。",
    ),
    MailStatus.HELD_AT_OFFICE: (
        "The post could not deliver your card and brought it back: it is held at the ward "
        "office. Come with a photo ID to collect it (the PINs are already set).",
        "カードが届かず返戻されたため、窓口で保管しています。顔写真付きの本人確認書類を持ってお越しください"
        "（暗証番号は設定済みです）。",
    ),
    MailStatus.HANDED_OVER: (
        "Your card, brought back by the post, was handed to you at the ward office.",
        "返戻されたカードを窓口でお渡ししました。",
    ),
}


def _mailed_step(application: CardApplication, tracking: str | None) -> tuple[str, str]:
    if application.status == ApplicationStatus.CANCELLED:
        return _STEPS[ApplicationStatus.CANCELLED]
    return _MAILED_STEPS.get(tracking, _MAILED_STEPS[None])


def card_of_application(session: Session, application: CardApplication) -> Card:
    """The card made for ``application`` (``Conflict`` while it is still being made)."""
    if application.card_serial is None:
        raise Conflict(
            "The card for this application is not made yet: wait for the pickup notice.",
            "この申請のカードはまだできていません。交付通知書をお待ちください。",
            reason="not_ready",
        )
    return card_records.get_card(session, application.card_serial)
