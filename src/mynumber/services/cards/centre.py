"""カードの製造と通知 — the card centre (J-LIS) makes cards and the post carries the notices.

- **Manufacture** (カードの作成): when an accepted application is due
  (``domain.cards.manufacture_due``: a month, about a week for express issuance), the card
  centre makes the chip — its own fresh RSA-2048 key pairs, the basic four items, the face
  photo and the My Number (read for the resident registry, audited) — records the card
  (``READY``, kept at the ward office), sets its validity (``validity.card_expiry``: the
  birthday rule capped by the period of stay, the day of manufacture being the day of issue)
  and mails the pickup notice (交付通知書), which can fail delivery like the letter. The
  certificates are issued at collection, when the PINs are set. An express card is mailed
  itself by registered post instead, its certificates issued and PINs set now
  (``services.cards.express``).
- **Expiry notices** (有効期限通知書): mailed when ``validity.renewal_notice_due`` says so, for
  the card and, separately, for the certificates (which expire first: 5th birthday).
- ``run_daily_jobs`` runs everything that is due: manufacture, the post's round, notices,
  and cards lapsing after a missed moving deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Municipality, Person, Registration
from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.adapters.documents import (
    PickupNotice,
    RenewalNotice,
    render_pickup_notice,
    render_renewal_notice,
)
from mynumber.card import Chip
from mynumber.domain import cards as rules
from mynumber.domain.access import Purpose, Role
from mynumber.domain.cards import ApplicationStatus, CardStatus
from mynumber.domain.errors import Conflict, MyNumberError
from mynumber.domain.mail import MailKind
from mynumber.domain.policy import Action
from mynumber.domain.validity import card_expiry, renewal_notice_due, renewal_window_opens
from mynumber.services.cards import express
from mynumber.services.cards import moving as card_moving
from mynumber.services.cards import records as card_records
from mynumber.services.cards.records import card_centre_for
from mynumber.services.core import audit, metrics
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import active_registration, get_person
from mynumber.services.jpki import card_auth
from mynumber.services.registry import letters


@dataclass(frozen=True)
class JobReport:
    """What one run of the jobs did."""

    cards_made: list[str]
    applications_cancelled: list[int]
    mail_settled: int
    renewal_notices: list[str]
    cards_lapsed: list[str]


# Built once (the moment a bound parameter): the sandbox's clock runs this job at every
# midnight it crosses, thousands a move, where building each statement and its cache key
# was most of a quiet round's CPU.
_DUE_APPLICATIONS = (
    select(CardApplication)
    .where(
        CardApplication.status == ApplicationStatus.RECEIVED,
        CardApplication.due_at <= bindparam("now"),
    )
    .order_by(CardApplication.id)
)


def manufacture_due_cards(session: Session, svc: Services) -> tuple[list[Card], list[int]]:
    """Make every card whose application is due; cancel those whose applicant left."""
    due = session.scalars(_DUE_APPLICATIONS, {"now": svc.clock.now()}).all()
    made, cancelled = [], []
    for application in due:
        card = _manufacture_or_cancel(session, svc, application)
        if card is None:
            cancelled.append(application.id)
        else:
            made.append(card)
    return made, cancelled


def _manufacture_or_cancel(
    session: Session, svc: Services, application: CardApplication
) -> Card | None:
    reg = active_registration(session, application.person_id)
    if reg is None:
        card_records.cancel_open_application(
            session, svc, person_id=application.person_id, reason="no_active_registration"
        )
        return None
    try:
        expires_on = _expiry(
            get_person(session, application.person_id), reg, application, svc.clock.today()
        )
    except MyNumberError as error:  # e.g. the period of stay ended while it was being made
        card_records.cancel_open_application(
            session,
            svc,
            person_id=application.person_id,
            reason=str(error.details.get("field", error.code)),
        )
        return None
    return _manufacture(session, svc, application, reg, expires_on)


def _expiry(
    person: Person, reg: Registration, application: CardApplication, today: dt.date
) -> dt.date:
    return card_expiry(
        date_of_birth=person.date_of_birth,
        issued_on=today,
        residence=card_records.stay_permit(reg),
        applied_on=application.received_at.date(),
    )


def _manufacture(
    session: Session,
    svc: Services,
    application: CardApplication,
    reg: Registration,
    expires_on: dt.date,
) -> Card:
    person = get_person(session, application.person_id)
    today = svc.clock.today()
    card = Card(
        serial=card_records.new_serial(),
        person_id=person.id,
        application_id=application.id,
        status=CardStatus.READY,
        municipality_code=reg.municipality_code,
        chip_address=reg.address,
        manufactured_at=svc.clock.now(),
        issued_on=today,
        expires_on=expires_on,
    )
    session.add(card)
    application.status = ApplicationStatus.MANUFACTURED
    application.ready_at = svc.clock.now()
    application.card_serial = card.serial
    application.collect_by = rules.collect_by(today)
    session.flush()
    centre = card_centre_for(reg.municipality_code)
    data = card_records.chip_data(
        session,
        svc,
        caller=centre,
        person=person,
        address=reg.address,
        photo=application.photo,  # None: an infant's card carries no photo
    )
    mailed = express.is_mailed(session, application)
    if not mailed:  # an express card goes itself, by registered post: no pickup notice
        letters.post(
            session,
            svc,
            kind=MailKind.PICKUP_NOTICE,
            person_id=person.id,
            ref_id=application.id,
            registration=reg,
        )
    audit.record(
        session,
        caller=centre,
        action="manufacture_card",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}, valid until {expires_on}",
    )
    Chip.manufacture(
        svc.chips,
        card_id=card.serial,
        data=data,
        key_source=svc.key_source,
        chip_key=svc.keys.chip_key,
    )  # the chip last: the records are in place
    if mailed:
        express.mail_card(
            session, svc, application=application, card=card, person=person, registration=reg
        )
    return card


# --- Expiry notices ------------------------------------------------------------------------


_ACTIVE_CARDS = select(Card).where(Card.status == CardStatus.ACTIVE).order_by(Card.id)
"""Built once, as ``_DUE_APPLICATIONS``."""


def send_renewal_notices(session: Session, svc: Services) -> list[str]:
    """Mail the expiry notice (有効期限通知書) for every card or certificate set now due."""
    today = svc.clock.today()
    sent = []
    for card in session.scalars(_ACTIVE_CARDS):
        card_due = _due(card.expires_on, card.card_notice_sent_on, today)
        certs_due = _due(card.certificates_expire_on, card.certificate_notice_sent_on, today)
        reg = active_registration(session, card.person_id)
        if not (card_due or certs_due) or reg is None:
            continue
        if card_due:
            card.card_notice_sent_on = today
            # A new 申請書ID for the new card's application (RULES.md "renewal notice"); a
            # notice sent again replaces the ID of the one before.
            card.renewal_application_id = letters.new_application_id()
        if certs_due:
            card.certificate_notice_sent_on = today
        letters.post(
            session,
            svc,
            kind=MailKind.RENEWAL_NOTICE,
            person_id=card.person_id,
            ref_id=card.id,
            registration=reg,
        )
        audit.record(
            session,
            caller=card_centre_for(card.municipality_code),
            action="send_renewal_notice",
            person_id=card.person_id,
            at=svc.clock.now(),
            detail=f"card {card.serial}: "
            + ", ".join(w for w, d in (("card", card_due), ("certificates", certs_due)) if d),
        )
        sent.append(card.serial)
    return sent


def _due(expiry: dt.date | None, sent_on: dt.date | None, today: dt.date) -> bool:
    return expiry is not None and sent_on is None and renewal_notice_due(expiry) <= today <= expiry


def run_daily_jobs(session: Session, svc: Services) -> JobReport:
    """Everything due now: manufacture, the post's round, expiry notices, lapsed cards, and
    the card-authentication nonces long expired forgotten (counted in the metrics)."""
    made, cancelled = manufacture_due_cards(session, svc)
    settled = letters.deliver_due_mail(session, svc)
    express.activate_delivered(session, svc, settled)
    notices = send_renewal_notices(session, svc)
    lapsed = card_moving.lapse_moved_cards(session, svc)
    metrics.challenges_forgotten(card_auth.forget_expired_challenges(session, svc.clock.now()))
    return JobReport(
        cards_made=[c.serial for c in made],
        applications_cancelled=cancelled,
        mail_settled=len(settled),
        renewal_notices=notices,
        cards_lapsed=[c.serial for c in lapsed],
    )


# --- The paper -----------------------------------------------------------------------------


def _town(session: Session, code: str) -> tuple[str, str]:
    town = session.get(Municipality, code)
    return (town.name_ja, town.name_en) if town else (code, "")


def _counter(ja: str, en: str) -> tuple[str, str]:
    return f"{ja} マイナンバーカード交付窓口", f"{en} ward office, My Number Card counter"


def pickup_notice_pdf(
    session: Session, svc: Services, *, caller: Caller, application_id: str
) -> bytes:
    """The pickup notice (交付通知書) of a made card, as a PDF postcard."""
    require_role(caller, Role.WARD_OFFICE, Role.RESIDENT)
    application = card_records.application_by_id(session, application_id)
    authorise(session, svc, caller, Action.VIEW_APPLICATION, Subject(application.person_id))
    if express.is_mailed(session, application):
        raise Conflict(
            "An express card is mailed by registered post: there is no pickup notice.",
            "特急発行のカードは本人限定受取郵便で郵送します。交付通知書はありません。",
            reason="mailed_card",
        )
    if application.ready_at is None or application.collect_by is None:
        raise Conflict(
            "The card is not made yet, so there is no pickup notice.",
            "カードがまだできていないため、交付通知書はありません。",
            reason="not_ready",
        )
    card = card_records.get_card(session, application.card_serial or "")
    person = get_person(session, application.person_id)
    ja, en = _town(session, card.municipality_code)
    counter_ja, counter_en = _counter(ja, en)
    audit.record(
        session,
        caller=caller,
        action="pickup_notice_pdf",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
    )
    return render_pickup_notice(
        PickupNotice(
            municipality=ja,
            municipality_en=en,
            issue_date=application.ready_at.date(),
            name=person.name_latin,
            address=card.chip_address,
            counter=counter_ja,
            counter_en=counter_en,
            collect_from=application.ready_at.date(),
            collect_by=application.collect_by,
            application_id=application.application_form_id or "",
        )
    )


def renewal_notice_pdf(
    session: Session, svc: Services, *, caller: Caller, card_serial: str
) -> bytes:
    """The expiry notice (有効期限通知書) of a card, as a PDF."""
    require_role(caller, Role.WARD_OFFICE, Role.RESIDENT)
    card = card_records.get_card(session, card_serial)
    authorise(session, svc, caller, Action.VIEW_CARD, Subject(card.person_id))
    person = get_person(session, card.person_id)
    reg = active_registration(session, card.person_id)
    ja, en = _town(session, reg.municipality_code if reg else card.municipality_code)
    counter_ja, counter_en = _counter(ja, en)
    expiries = [d for d in (card.expires_on, card.certificates_expire_on) if d]
    audit.record(
        session,
        caller=caller,
        action="renewal_notice_pdf",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
    )
    return render_renewal_notice(
        RenewalNotice(
            municipality=ja,
            municipality_en=en,
            issue_date=svc.clock.today(),
            name=person.name_latin,
            address=reg.address if reg else card.chip_address,
            card_expires_on=card.expires_on,
            certificates_expire_on=card.certificates_expire_on,
            renew_from=renewal_window_opens(min(expiries)),
            counter=counter_ja,
            counter_en=counter_en,
            application_id=card.renewal_application_id or "",
            application_url=letters.application_url(svc, card.renewal_application_id)
            if card.renewal_application_id
            else "",
        )
    )
