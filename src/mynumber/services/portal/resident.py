"""マイナポータル — the My Number Portal: the resident's own window on their data.

The resident logs in with the card (利用者証明: ``services.card_auth``; the portal plays the
card reader in-process, as the browser has none), then sees their record, their card's and
certificates' validity and the notices due, their medical records, and **who looked at their
data, when and why** (the audit log, as the real portal's やりとり履歴 / 自己情報表示 show). They
can also:

- register their face for terminals (顔認証の登録): clinic and kiosk terminals may match the
  holder's face against the photo on the chip; registering checks that the chip photo holds a
  readable face and records the holder's agreement (``FaceRegistration``);
- apply for child benefit (児童手当の認定請求) for a child they look after: no My Number is asked
  for, the municipality links the register itself (情報連携). A child counts until the first
  31 March after reaching 18 (児童手当法 第3条, since the 2024-10 reform; one reaches an age on
  the day before the birthday, 年齢計算ニ関スル法律);
- file an e-Tax return signed on the card (``services.tax_office``).

A portal caller is ``Role.RESIDENT`` with ``scope_id`` = the person id; every read is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.adapters.db.models_portal import ChildBenefitApplication, FaceRegistration
from mynumber.domain import child_benefit
from mynumber.domain.access import Purpose, Role
from mynumber.domain.cards import ApplicationStatus, CardStatus, Delivery
from mynumber.domain.errors import (
    Conflict,
    Forbidden,
    MyNumberError,
    NotFound,
    PinLocked,
    Unauthenticated,
    filled,
    invalid,
)
from mynumber.domain.pins import PinKind, check_pin_format
from mynumber.domain.tax_return import TaxReturn, build_tax_return_xml, check_tax_year
from mynumber.domain.validity import renewal_window_opens
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import records as card_records
from mynumber.services.cards import use as card_use
from mynumber.services.cards.applications import ApplicationView
from mynumber.services.cards.use import CardStatusView
from mynumber.services.core import audit, tokens
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import refusals_audited, require_role
from mynumber.services.core.records import get_person, require_active_registration
from mynumber.services.jpki import card_auth
from mynumber.services.tax import tax_office

PORTAL = "My Number Portal"
"""The portal as a relying party of card authentication (the name in the audit log)."""
CHILD_NAME_MAX = 100


def portal_terminal() -> Caller:
    """The portal itself, before anyone has logged in (asks for and checks the challenge)."""
    return Caller(name=PORTAL, role=Role.RESIDENT)


def resident_caller(person_id: int, name: str) -> Caller:
    """The logged-in resident: ``Role.RESIDENT`` bound to their own record."""
    return Caller(name=name, role=Role.RESIDENT, scope_id=person_id)


def _on_field(exc: MyNumberError, name: str) -> MyNumberError:
    exc.details.setdefault("field", name)
    return exc


def _own(caller: Caller) -> int:
    require_role(caller, Role.RESIDENT)
    if caller.scope_id is None:
        raise Unauthenticated(
            "Log in to the portal with your card first.",
            "先にマイナンバーカードでマイナポータルにログインしてください。",
        )
    return caller.scope_id


# --- Logging in with the card ---------------------------------------------------------------


@dataclass(frozen=True)
class PortalLogin:
    """Who logged in, with which card."""

    person_id: int
    card_serial: str
    name: str


def normalise_serial(text: str) -> str:
    """A card serial as typed (spaces, hyphens, lower case allowed)."""
    return "".join(ch for ch in text if ch not in " -\t").upper()


def log_in_with_card(session: Session, svc: Services, *, card_serial: str, pin: str) -> PortalLogin:
    """Card authentication with the 4-digit PIN; the portal plays the reader.

    ``WrongPin`` (tries left) and ``PinLocked`` come from the chip, on ``user_authentication_pin``;
    a card that cannot be used says why (``services.card_use`` wording).
    """
    serial = normalise_serial(card_serial)
    kind = PinKind.USER_AUTHENTICATION
    if not serial:
        raise invalid(
            "card_serial",
            "Enter the serial number of your card.",
            "カードのシリアル番号を入力してください。",
        )
    check_pin_format(kind, pin)  # a malformed PIN never reaches the chip (no try lost)
    try:
        card = card_use.check_card(session, svc, card_serial=serial, pin=kind)
    except PinLocked as exc:
        raise _on_field(exc, kind.field) from None
    except NotFound as exc:
        raise _on_field(exc, "card_serial") from None
    terminal = portal_terminal()
    challenge = card_auth.issue_challenge(session, svc, caller=terminal)
    try:
        answer = card_auth.answer_challenge(
            card_records.chip_of(svc, card), pin=pin, nonce=challenge.nonce
        )
    except MyNumberError as exc:
        raise _on_field(exc, kind.field) from None
    card = card_auth.authenticate(
        session,
        svc,
        caller=terminal,
        nonce=challenge.nonce,
        certificate_der=answer.certificate_der,
        signature=answer.signature,
    )
    person = get_person(session, card.person_id)
    return PortalLogin(person.id, card.serial, person.name_latin)


def check_portal_session(session: Session, *, caller: Caller, card_serial: str) -> Card:
    """The card a portal session was opened with, still active and still the caller's
    (a card reported lost or returned ends its portal sessions at once)."""
    person_id = _own(caller)
    card = session.scalars(select(Card).where(Card.serial == card_serial)).first()
    if card is None or card.person_id != person_id or card.status != CardStatus.ACTIVE:
        raise Unauthenticated(
            "Your card can no longer be used to log in: log in again.",
            "このカードではログインできなくなりました。もう一度ログインしてください。",
        )
    return card


# --- Card, certificates, notices ------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """お知らせ: something the resident should know or do, with the date it concerns."""

    kind: str
    on: dt.date | None
    message_en: str
    message_ja: str


@dataclass(frozen=True)
class CardPage:
    """The card as its holder sees it, when renewal opens, and the notices due."""

    card: CardStatusView
    renewal_opens_on: dt.date | None
    certificates_renewal_opens_on: dt.date | None
    notices: list[Notice]
    face_registered_on: dt.date | None
    application: ApplicationView | None = None
    """The card application on its way, or the one of this card if it came by registered post
    (an express card), with its tracking state."""


def _open_application(session: Session, person_id: int, serial: str) -> ApplicationView | None:
    """The newest application while the card is on its way, or the one of this card if it
    came by registered post (its tracking stays to be seen)."""
    row = session.scalars(
        select(CardApplication)
        .where(CardApplication.person_id == person_id)
        .order_by(CardApplication.id.desc())
    ).first()
    if row is None:
        return None
    view = card_applications.view(session, row)
    on_its_way = row.status in (ApplicationStatus.RECEIVED, ApplicationStatus.MANUFACTURED)
    mailed_here = row.card_serial == serial and view.delivery == Delivery.REGISTERED_POST
    return view if on_its_way or mailed_here else None


def my_card(session: Session, svc: Services, *, caller: Caller, card_serial: str) -> CardPage:
    """The logged-in card's validity (card and certificates), renewal dates and notices."""
    _own(caller)
    view = card_use.card_status(session, svc, caller=caller, card_serial=card_serial)
    card_opens = renewal_window_opens(view.expires_on) if view.expires_on else None
    cert_opens = (
        renewal_window_opens(view.certificates_expire_on) if view.certificates_expire_on else None
    )
    face = _face_row(session, view.person_id)
    return CardPage(
        view,
        card_opens,
        cert_opens,
        _notices(view, card_opens, cert_opens, svc.clock.today()),
        face.registered_at.date() if face else None,
        _open_application(session, view.person_id, view.serial),
    )


def _notices(
    view: CardStatusView, card_opens: dt.date | None, cert_opens: dt.date | None, today: dt.date
) -> list[Notice]:
    found: list[Notice] = []
    if view.problem_en and view.problem_ja:
        found.append(Notice(view.problem or "card", None, view.problem_en, view.problem_ja))
    if card_opens and view.expires_on and today >= card_opens:
        found.append(
            Notice(
                "card_renewal",
                view.expires_on,
                *filled(
                    "Your card expires on {day}. Apply for a new card now (renewal is open "
                    "from 3 months before expiry): at the ward office, or online with the "
                    "application form sent with the expiry notice.",
                    "カードの有効期限は{day}です。更新の申請ができます（有効期限の3か月前から）。"
                    "市区町村の窓口、または有効期限通知書の申請書でオンライン申請してください。",
                    day=view.expires_on,
                ),
            )
        )
    cert_end = view.certificates_expire_on
    if cert_opens and cert_end and today >= cert_opens and cert_end != view.expires_on:
        expired = today > cert_end
        message = (
            filled(
                "Your electronic certificates expired on {day}. Renew them at the ward office "
                "(bring the card; you will need your PINs).",
                "電子証明書の有効期限が切れました（{day}）。"
                "市区町村の窓口で更新してください（カードと暗証番号が必要です）。",
                day=cert_end,
            )
            if expired
            else filled(
                "Your electronic certificates expire on {day}. Renew them at the ward office "
                "(bring the card; you will need your PINs).",
                "電子証明書の有効期限は{day}までです。"
                "市区町村の窓口で更新してください（カードと暗証番号が必要です）。",
                day=cert_end,
            )
        )
        found.append(Notice("certificate_renewal", cert_end, *message))
    return found


# --- Who looked at my data ------------------------------------------------------------------


@dataclass(frozen=True)
class AccessLine:
    """One line of "who looked at my data": when, who, in which role, why, and what."""

    at: dt.datetime
    actor: str
    role: str
    purpose: str
    action: str
    detail: str
    by_you: bool


def who_looked(
    session: Session, svc: Services, *, caller: Caller, limit: int = 200
) -> list[AccessLine]:
    """Every read or change of the caller's data, newest first (from the audit log)."""
    person_id = _own(caller)
    lines = [
        AccessLine(
            e.at,
            e.actor,
            e.role,
            e.purpose,
            e.action,
            e.detail,
            e.role == Role.RESIDENT.value and e.actor in (caller.name, PORTAL),
        )
        for e in audit.entries_about(session, person_id, limit=limit)
    ]
    audit.record(
        session,
        caller=caller,
        action="view_access_log",
        person_id=person_id,
        purpose=Purpose.OWN_RECORD,
        at=svc.clock.now(),
    )
    return lines


# --- Face registration for terminals --------------------------------------------------------


def _face_row(session: Session, person_id: int) -> FaceRegistration | None:
    return session.scalars(
        select(FaceRegistration).where(
            FaceRegistration.person_id == person_id, FaceRegistration.withdrawn_at.is_(None)
        )
    ).first()


def face_registered_on(session: Session, *, caller: Caller) -> dt.date | None:
    """The day the caller's face registration was made, if one is in force."""
    row = _face_row(session, _own(caller))
    return row.registered_at.date() if row else None


@refusals_audited
def register_face(
    session: Session, svc: Services, *, caller: Caller, card_serial: str
) -> FaceRegistration:
    """顔認証の登録: check the chip photo holds a readable face, and record the agreement."""
    from mynumber.adapters.face import chip_face  # OpenCV: loaded only when needed

    person_id = _own(caller)
    card = card_use.check_card(session, svc, card_serial=card_serial)
    if card.person_id != person_id:
        raise Forbidden("This is not your card.", "ご本人のカードではありません。")
    if _face_row(session, person_id) is not None:
        raise Conflict(
            "Your face is already registered for terminals.",
            "顔認証は既に登録されています。",
            reason="face_already_registered",
        )
    chip_face(card_records.chip_photo_of(svc, card))  # unreadable photo: InvalidInput
    row = FaceRegistration(
        person_id=person_id, card_serial=card.serial, registered_at=svc.clock.now()
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "Your face is already registered for terminals.",
            "顔認証は既に登録されています。",
            reason="face_already_registered",
        ) from None
    audit.record(
        session,
        caller=caller,
        action="register_face",
        person_id=person_id,
        purpose=Purpose.OWN_RECORD,
        at=svc.clock.now(),
        detail=f"card {card.serial}",
    )
    return row


def withdraw_face(session: Session, svc: Services, *, caller: Caller) -> None:
    """Withdraw the face registration: terminals then ask for the PIN."""
    person_id = _own(caller)
    row = _face_row(session, person_id)
    if row is None:
        raise Conflict(
            "Your face is not registered.",
            "顔認証は登録されていません。",
            reason="face_not_registered",
        )
    row.withdrawn_at = svc.clock.now()
    session.flush()
    audit.record(
        session,
        caller=caller,
        action="withdraw_face",
        person_id=person_id,
        purpose=Purpose.OWN_RECORD,
        at=svc.clock.now(),
        detail=f"card {row.card_serial}",
    )


# --- Child benefit (児童手当) --------------------------------------------------------------


def child_benefit_until(date_of_birth: dt.date) -> dt.date:
    """The last day a child counts for child benefit (``domain.child_benefit.counts_until``)."""
    return child_benefit.counts_until(date_of_birth)


def apply_for_child_benefit(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    child_name: str,
    child_date_of_birth: dt.date,
    lives_with_applicant: bool,
) -> ChildBenefitApplication:
    """児童手当の認定請求 for a child the resident looks after (no My Number asked)."""
    person_id = _own(caller)
    reg = require_active_registration(session, person_id)
    name = " ".join(child_name.split())
    today = svc.clock.today()
    if not name or len(name) > CHILD_NAME_MAX:
        raise invalid(
            "child_name",
            "Enter the child's name (at most {max} characters).",
            "お子さんの氏名を入力してください（{max}文字以内）。",
        ).with_values(max=CHILD_NAME_MAX)
    if child_date_of_birth > today:
        raise invalid(
            "child_date_of_birth",
            "The date of birth is in the future.",
            "生年月日が未来の日付です。",
        )
    until = child_benefit_until(child_date_of_birth)
    if today > until:
        raise invalid(
            "child_date_of_birth",
            "Child benefit is paid until the first 31 March after the child turns "
            "18; for this child that was {until}.",
            "児童手当は18歳到達後最初の3月31日までです（このお子さんは{until}まで）。",
        ).with_values(until=until)
    if not lives_with_applicant:
        raise invalid(
            "lives_with_applicant",
            "Child benefit is paid to the person who looks after the child and "
            "supports them: confirm that the child lives with you.",
            "児童手当はお子さんを監護し生計を同じくする方に支給されます。同居していることを確認してください。",
        )
    _refuse_duplicate(session, person_id, name, child_date_of_birth)
    row = ChildBenefitApplication(
        person_id=person_id,
        municipality_code=reg.municipality_code,
        child_name=name,
        child_date_of_birth=child_date_of_birth,
        lives_with_applicant=True,
        eligible_until=until,
        status="received",
        received_at=svc.clock.now(),
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise _duplicate() from None
    audit.record(
        session,
        caller=caller,
        action="apply_child_benefit",
        person_id=person_id,
        purpose=Purpose.SOCIAL_SECURITY,
        at=svc.clock.now(),
        detail=f"application {row.id}",
    )
    return row


def _duplicate() -> Conflict:
    return Conflict(
        "You have already applied for child benefit for this child.",
        "このお子さんの児童手当は既に申請済みです。",
        field="child_name",
        reason="child_benefit_already_applied",
    )


def _refuse_duplicate(session: Session, person_id: int, name: str, born: dt.date) -> None:
    earlier = session.scalar(
        select(func.count())
        .select_from(ChildBenefitApplication)
        .where(
            ChildBenefitApplication.person_id == person_id,
            func.upper(ChildBenefitApplication.child_name) == name.upper(),
            ChildBenefitApplication.child_date_of_birth == born,
        )
    )
    if earlier:
        raise _duplicate()


def child_benefit_applications(
    session: Session, svc: Services, *, caller: Caller
) -> list[ChildBenefitApplication]:
    """The resident's child benefit applications, newest first (audited)."""
    person_id = _own(caller)
    rows = list(
        session.scalars(
            select(ChildBenefitApplication)
            .where(ChildBenefitApplication.person_id == person_id)
            .order_by(ChildBenefitApplication.id.desc())
        )
    )
    audit.record(
        session,
        caller=caller,
        action="view_child_benefit",
        person_id=person_id,
        purpose=Purpose.SOCIAL_SECURITY,
        at=svc.clock.now(),
    )
    return rows


# --- e-Tax ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxForm:
    """What the resident types into the e-Tax form (whole yen)."""

    tax_year: int
    salary: int
    tax_withheld: int
    deductions: int = 0


@refusals_audited
def file_tax_return(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    form: TaxForm,
    signature_pin: str,
) -> tax_office.Receipt:
    """Build the return from the register, sign it on the card, submit it to the tax office.

    The year and amounts are checked before the card is touched (no PIN try is lost on a
    typing error); ``WrongPin`` (5 tries in all) and ``PinLocked`` come from the chip.
    """
    person_id = _own(caller)
    kind = PinKind.SIGNATURE
    check_tax_year(form.tax_year, today=svc.clock.today())
    person = get_person(session, person_id)
    reg = require_active_registration(session, person_id)
    tax_return = TaxReturn(
        tax_year=form.tax_year,
        name=person.name_kanji or person.name_latin,
        address=reg.address,
        income={"salary": form.salary},
        deductions=form.deductions,
        tax_withheld=form.tax_withheld,
    )
    check_pin_format(kind, signature_pin)
    try:
        card = card_use.check_card(session, svc, card_serial=card_serial, pin=kind)
    except PinLocked as exc:
        raise _on_field(exc, kind.field) from None
    if card.person_id != person_id:
        raise Forbidden("This is not your card.", "ご本人のカードではありません。")
    xml = build_tax_return_xml(tax_return, signed_at=svc.clock.now())
    try:
        signed = tax_office.sign_tax_return(
            card_records.chip_of(svc, card), signature_pin=signature_pin, xml=xml
        )
    except MyNumberError as exc:
        raise _on_field(exc, kind.field) from None
    return tax_office.submit_tax_return(session, svc, caller=caller, signed_xml=signed)


# --- A resident's API token, from a card login ------------------------------------------------

RESIDENT_TOKEN_LIFETIME = dt.timedelta(hours=1)
"""A resident's API token lives as long as a portal session may (``staff.LIFETIMES``)."""
RESIDENT_TOKENS = "My Number Portal (API)"
"""The name a resident's token acts under in the audit log (with the person it is bound to)."""


@dataclass(frozen=True)
class ResidentToken:
    """A resident's API token (shown once) and whom it stands for."""

    token: str
    person_id: int
    expires_at: dt.datetime


def login_challenge(session: Session, svc: Services) -> card_auth.Challenge:
    """A nonce for the resident's card to sign (the portal is the relying party)."""
    return card_auth.issue_challenge(session, svc, caller=portal_terminal())


def log_in_for_token(
    session: Session, svc: Services, *, nonce: bytes, certificate_der: bytes, signature: bytes
) -> ResidentToken:
    """利用者証明 as the portal's login does it, answered by the resident's own reader: the
    card's signature over the nonce proves the card and its 4-digit PIN. The token is bound
    to the card's holder (``Role.RESIDENT``) and lapses after ``RESIDENT_TOKEN_LIFETIME``."""
    terminal = portal_terminal()
    card = card_auth.authenticate(
        session,
        svc,
        caller=terminal,
        nonce=nonce,
        certificate_der=certificate_der,
        signature=signature,
    )
    expires_at = svc.clock.now() + RESIDENT_TOKEN_LIFETIME
    token = tokens.issue_token(
        session,
        svc,
        organisation=RESIDENT_TOKENS,
        role=Role.RESIDENT,
        scope_id=card.person_id,
        expires_at=expires_at,
    )
    audit.record(
        session,
        caller=terminal,
        action="resident_token",
        person_id=card.person_id,
        at=svc.clock.now(),
        detail=f"card {card.serial}, until {expires_at:%Y-%m-%d %H:%M}",
    )
    return ResidentToken(token, card.person_id, expires_at)
