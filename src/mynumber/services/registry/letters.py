"""The notification letter (個人番号通知書) and the post.

Made at registration and mailed; the post may fail to deliver it (not home, wrong address,
mailbox full, returned), and then the ward office holds it and hands it over in person
against photo ID. A lost letter can be reissued: the old application ID stops working.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import MailItem, NotificationLetter, Person, Registration
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Conflict, NotFound, invalid
from mynumber.domain.mail import DeliveryFailure, MailKind, MailStatus
from mynumber.domain.policy import Action
from mynumber.domain.registration import PHOTO_IDS, IdDocument
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import get_person, require_active_registration
from mynumber.services.core.refs import MailId

APPLICATION_ID_DIGITS = 23


def new_application_id() -> str:
    """A random 23-digit application ID (申請書ID); unique by a database constraint."""
    return f"{secrets.randbelow(10**APPLICATION_ID_DIGITS):0{APPLICATION_ID_DIGITS}d}"


class PostedLetter(NamedTuple):
    letter: NotificationLetter
    mail: MailItem
    """The mail item carrying it (its id is what staff record a return against)."""


def issue_letter(
    session: Session,
    svc: Services,
    *,
    person: Person,
    registration: Registration,
) -> PostedLetter:
    """Make the letter and put it in the post to the registered address."""
    letter = NotificationLetter(
        person_id=person.id,
        application_id=new_application_id(),
        issued_on=svc.clock.today(),
        status=MailStatus.IN_TRANSIT,
    )
    session.add(letter)
    session.flush()
    mail = post(
        session,
        svc,
        kind=MailKind.NOTIFICATION_LETTER,
        person_id=person.id,
        ref_id=letter.id,
        registration=registration,
    )
    return PostedLetter(letter, mail)


def post(
    session: Session,
    svc: Services,
    *,
    kind: MailKind,
    person_id: int,
    ref_id: int,
    registration: Registration,
) -> MailItem:
    """Put one item in the post; it arrives (or fails) after the post's delivery time."""
    now = svc.clock.now()
    item = MailItem(
        kind=kind.value,
        person_id=person_id,
        ref_id=ref_id,
        address=registration.address,
        municipality_code=registration.municipality_code,
        sent_at=now,
        due_at=now + svc.post.delivery_time(kind),
        status=MailStatus.IN_TRANSIT,
    )
    session.add(item)
    session.flush()
    return item


# Built once, as the other daily jobs' statements (``cards.centre._DUE_APPLICATIONS``).
_DUE_MAIL = (
    select(MailItem)
    .where(MailItem.status == MailStatus.IN_TRANSIT, MailItem.due_at <= bindparam("now"))
    .order_by(MailItem.id)
)


def deliver_due_mail(session: Session, svc: Services) -> list[MailItem]:
    """The post's round: settle every item due by now (delivered, or back to the office)."""
    now = svc.clock.now()
    due = session.scalars(_DUE_MAIL, {"now": now}).all()
    for item in due:
        failure = svc.post.outcome(item.address)
        settle(session, item, failure, at=now)
    return list(due)


def settle(
    session: Session,
    item: MailItem,
    failure: DeliveryFailure | None,
    *,
    at: dt.datetime,
) -> None:
    """Record a delivery or a return; a returned item is held at the ward office."""
    item.status = MailStatus.DELIVERED if failure is None else MailStatus.HELD_AT_OFFICE
    item.failure = failure.value if failure else None
    item.settled_at = at
    if item.kind == MailKind.NOTIFICATION_LETTER:
        letter = session.get(NotificationLetter, item.ref_id)
        if letter is not None:
            letter.status = item.status


def record_mail_returned(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    mail_id: int,
    failure: DeliveryFailure,
) -> MailItem:
    """Staff record an item the post brought back (it is then held at the counter)."""
    require_role(caller, Role.WARD_OFFICE)
    item = session.get(MailItem, mail_id)
    authorise(
        session,
        svc,
        caller,
        Action.HANDLE_LETTER,
        Subject(item.person_id if item is not None else None),
    )
    if item is None:
        raise NotFound(f"No mail item {mail_id}.", f"郵便物 {mail_id} は見つかりません。")
    if item.kind == MailKind.CARD and item.status == MailStatus.DELIVERED:
        raise Conflict(
            "This card was delivered and is in use: if it is missing, report it lost.",
            "このカードは配達済みで利用中です。見当たらない場合は紛失の届出をしてください。",
            reason="card_delivered",
        )
    if item.status not in (MailStatus.IN_TRANSIT, MailStatus.DELIVERED):
        raise Conflict("This item is already back at the office.", "この郵便物は既に返戻済みです。")
    settle(session, item, failure, at=svc.clock.now())
    audit.record(
        session,
        caller=caller,
        action="mail_returned",
        person_id=item.person_id,
        at=svc.clock.now(),
        detail=f"{item.kind}: {failure.value}",
    )
    return item


def current_letter(session: Session, person_id: int) -> NotificationLetter:
    letter = session.scalars(
        select(NotificationLetter)
        .where(NotificationLetter.person_id == person_id, NotificationLetter.superseded.is_(False))
        .order_by(NotificationLetter.id.desc())
    ).first()
    if letter is None:
        raise NotFound(
            "This person has no notification letter.",
            "この方の個人番号通知書はありません。",
            person_id=person_id,
        )
    return letter


def hand_over_letter(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    id_documents: tuple[IdDocument, ...],
) -> NotificationLetter:
    """Hand a held letter to its owner at the counter, after a photo-ID check."""
    require_role(caller, Role.WARD_OFFICE)
    authorise(session, svc, caller, Action.HANDLE_LETTER, Subject(person_id))
    letter = current_letter(session, person_id)
    if letter.status != MailStatus.HELD_AT_OFFICE:
        raise Conflict(
            f"The letter is not held at the office (status: {letter.status}).",
            f"通知書は窓口で保管されていません（状態: {letter.status}）。",
            status=letter.status,
        )
    if not set(id_documents) & PHOTO_IDS:
        raise invalid(
            "id_documents",
            "Show a photo ID (residence card or passport).",
            "顔写真付きの本人確認書類（在留カード・旅券）を提示してください。",
        )
    letter.status = MailStatus.HANDED_OVER
    audit.record(
        session,
        caller=caller,
        action="hand_over_letter",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail="id: " + ",".join(d.value for d in id_documents),
    )
    return letter


def reissue_letter(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
) -> PostedLetter:
    """A lost letter: the old one (and its application ID) is void, a new one is mailed (the
    new letter, and the mail item carrying it)."""
    require_role(caller, Role.WARD_OFFICE)
    authorise(session, svc, caller, Action.HANDLE_LETTER, Subject(person_id))
    person = get_person(session, person_id)
    reg = require_active_registration(session, person_id)
    for old in session.scalars(
        select(NotificationLetter).where(
            NotificationLetter.person_id == person_id, NotificationLetter.superseded.is_(False)
        )
    ):
        old.superseded = True
    posted = issue_letter(session, svc, person=person, registration=reg)
    audit.record(
        session,
        caller=caller,
        action="reissue_letter",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
    )
    return posted


def letter_pdf(session: Session, svc: Services, *, caller: Caller, person_id: int) -> bytes:
    """The current notification letter as a PDF (shows the full number: the owner's letter).

    Reading the number for it is audited under the resident-registry purpose.
    """
    from mynumber.adapters.db.models import Municipality
    from mynumber.adapters.documents import NotificationLetter as LetterDoc
    from mynumber.adapters.documents import render_notification_letter
    from mynumber.domain.access import Purpose
    from mynumber.services.registry.numbers import read_my_number

    require_role(caller, Role.WARD_OFFICE, Role.RESIDENT)
    authorise(session, svc, caller, Action.HANDLE_LETTER, Subject(person_id))
    letter = current_letter(session, person_id)
    person = get_person(session, person_id)
    reg = require_active_registration(session, person_id)
    town = session.get(Municipality, reg.municipality_code)
    number = read_my_number(
        session,
        svc,
        caller=caller,
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY
        if caller.role == Role.WARD_OFFICE
        else Purpose.OWN_RECORD,
    )
    return render_notification_letter(
        LetterDoc(
            municipality=town.name_ja if town else reg.municipality_code,
            municipality_en=town.name_en if town else "",
            issue_date=letter.issued_on,
            name=person.name_latin,
            name_kana=person.name_kana,
            name_kanji=person.name_kanji,
            date_of_birth=person.date_of_birth,
            sex=person.sex,
            address=reg.address,
            my_number=number.digits,
            application_id=letter.application_id,
            application_url=application_url(svc, letter.application_id),
        )
    )


def application_url(svc: Services, application_id: str) -> str:
    """Where the letter's QR code leads: the online card application with this ID."""
    return f"{svc.base_url.rstrip('/')}/apply?application_id={application_id}"


@dataclass(frozen=True)
class MailView:
    """An item in the post as the ward office tracks it (the id a returned item is recorded
    under)."""

    mail_id: MailId
    kind: str
    status: str
    failure: str | None
    sent_at: dt.datetime
    due_at: dt.datetime
    settled_at: dt.datetime | None


def mail_to(session: Session, svc: Services, *, caller: Caller, person_id: int) -> list[MailView]:
    """Everything the post carried to a resident (letters, notices, cards), oldest first, so
    staff can record a returned one by its id."""
    require_role(caller, Role.WARD_OFFICE)
    authorise(session, svc, caller, Action.HANDLE_LETTER, Subject(person_id))
    items = session.scalars(
        select(MailItem).where(MailItem.person_id == person_id).order_by(MailItem.id)
    ).all()
    audit.record(
        session,
        caller=caller,
        action="view_mail",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
    )
    return [
        MailView(i.id, i.kind, i.status, i.failure, i.sent_at, i.due_at, i.settled_at)
        for i in items
    ]
