"""カードの記録 — look-ups and changes of card records shared by the card services.

The authority's records (``Card``, ``CardApplication``) and the chip (``mynumber.card.Chip``,
in the card store) change in the caller's unit of work, together or not at all; only a PIN
try is stored apart (docs/architecture.md, "Card and register: all or nothing"). A use case
that changes a card locks its row first (``get_card(..., lock=True)``), so concurrent requests
on one card take turns. Use cases still check and write their records first and touch the
chip last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person, Registration
from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.card import BasicFourItems, CardFile, Chip, ChipData
from mynumber.domain.access import Purpose, Role
from mynumber.domain.cards import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    CardSnapshot,
    CardStatus,
    IdentityShown,
    InvalidReason,
    same_person,
)
from mynumber.domain.clock import JST
from mynumber.domain.errors import Forbidden, NotFound, invalid
from mynumber.domain.registration import PHOTO_IDS, IdDocument
from mynumber.domain.representation import NoSignature, photo_on_card
from mynumber.domain.validity import StayPermit
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.jpki.certificates import revoke_card_certificates
from mynumber.services.registry.numbers import open_number

CARD_CENTRE = Caller(name="J-LIS card centre", role=Role.CARD_CENTRE)


def card_centre_for(municipality_code: str | None) -> Caller:
    """The card centre as it acts for a municipality (it makes the cards the 市町村長 issues):
    its entries go to that municipality's chain of the centre (``audit_chain.chain_of``), so no
    card in Japan waits for another municipality's."""
    return replace(CARD_CENTRE, municipality_code=municipality_code)


SERIAL_BYTES = 8

# Why the certificates go when a card is invalidated (services.certificates.REASONS).
_REVOCATION: dict[InvalidReason, str] = {
    InvalidReason.RETURNED: "returned",
    InvalidReason.RENEWED: "renewed",
    InvalidReason.LOST: "lost",
    InvalidReason.MOVE_LAPSED: "returned",
    InvalidReason.LEFT_JAPAN: "left_japan",
    InvalidReason.NOT_COLLECTED: "returned",
    InvalidReason.NUMBER_CHANGED: "renewed",  # superseded by the card with the new number
    InvalidReason.REPLACED: "renewed",  # superseded by the reissued card (追記欄 full)
}
BOTH_CERTIFICATES = {"signature", "authentication"}


def new_serial() -> str:
    """A random card serial (16 hex digits)."""
    return secrets.token_hex(SERIAL_BYTES).upper()


def get_card(session: Session, serial: str, *, lock: bool = False) -> Card:
    """The card with ``serial``, or ``NotFound``. ``lock``: for a use case that changes the
    card or its chip — the row is locked until the transaction ends (``FOR UPDATE``; SQLite's
    single writer already is one) and read afresh, so two requests on one card take turns and
    the second decides on what the first left."""
    query = select(Card).where(Card.serial == serial)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    card = session.scalars(query).first()
    if card is None:
        raise NotFound(
            "No card has this serial number. Check the number on the card.",
            "このシリアル番号のカードはありません。カードの番号をご確認ください。",
            card_serial=serial,
        )
    return card


def chip_of(svc: Services, card: Card) -> Chip:
    """The card's chip in the card store."""
    return Chip(svc.chips, card.serial, chip_key=svc.keys.chip_key)


def cards_of(session: Session, person_id: int, *statuses: CardStatus) -> list[Card]:
    """The person's cards with any of ``statuses``, oldest first."""
    return list(
        session.scalars(
            select(Card)
            .where(Card.person_id == person_id, Card.status.in_([s.value for s in statuses]))
            .order_by(Card.id)
        )
    )


def open_application(session: Session, person_id: int) -> CardApplication | None:
    """The person's application still on its way to a card, if any."""
    return session.scalars(
        select(CardApplication).where(
            CardApplication.person_id == person_id,
            CardApplication.status.in_([s.value for s in OPEN_APPLICATION_STATUSES]),
        )
    ).first()


def application_by_id(
    session: Session, application_id: str, *, lock: bool = False
) -> CardApplication:
    """The newest application made with this 23-digit application ID, or ``NotFound``.
    ``lock``: as ``get_card`` (collection: two collections of one card take turns)."""
    query = (
        select(CardApplication)
        .where(CardApplication.application_form_id == application_id)
        .order_by(CardApplication.id.desc())
    )
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    found = session.scalars(query).first()
    if found is None:
        raise NotFound(
            "No card application has this application ID. Check the 23 digits on "
            "your application form or pickup notice.",
            "この申請書IDの交付申請はありません。申請書または交付通知書の23桁の番号をご確認ください。",
            field="application_id",
        )
    return found


def stay_permit(reg: Registration) -> StayPermit | None:
    """The residence card facts that cap the card, for a foreign resident."""
    if reg.status_of_residence is None:
        return None
    return StayPermit(reg.status_of_residence, reg.period_of_stay_ends)


def chip_data(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person: Person,
    address: str,
    photo: bytes | None,
) -> ChipData:
    """What the chip holds: the number, the basic four items and the face photo.

    The number goes from the register's seal into the chip's without being shown to anyone
    (the card centre never sees it: ``domain.policy``), so it is not a read by the caller;
    the writing is audited under the resident-registry purpose."""
    number = open_number(svc, person)
    audit.record(
        session,
        caller=caller,
        action="write_number_to_chip",
        purpose=Purpose.RESIDENT_REGISTRY,
        person_id=person.id,
        at=svc.clock.now(),
    )
    items = BasicFourItems(
        person.name_kanji or person.name_latin, address, person.date_of_birth, person.sex
    )
    return ChipData(number, items, photo=photo)


def chip_photo_of(svc: Services, card: Card) -> bytes:
    """The face photo on the chip (readable without a PIN)."""
    with chip_of(svc, card).open_session() as reader:
        return reader.read(CardFile.PHOTO)


def carries_photo(session: Session, card: Card) -> bool:
    """Whether the card carries a face photo: ``representation.photo_on_card`` on the day of
    its application (an infant's card has none, RULES.md "children")."""
    application = session.get(CardApplication, card.application_id) if card.application_id else None
    if application is None:
        return True
    person = session.get(Person, card.person_id)
    assert person is not None
    return photo_on_card(person.date_of_birth, application.received_at.date())


def chip_photo_if_any(session: Session, svc: Services, card: Card) -> bytes | None:
    """The chip's face photo, or ``None`` for a card that carries none."""
    return chip_photo_of(svc, card) if carries_photo(session, card) else None


def check_holder(
    person: Person,
    reg: Registration | None,
    *,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
    holder_card_number: str | None = None,
    photo_id_required: bool = True,
) -> None:
    """The person at the counter shows a photo ID that is the card holder's own (a child
    under 15 with their legal representative, whose own photo ID is checked, need not:
    ``photo_id_required=False``; the name and date of birth are matched all the same).

    ``holder_card_number``: the residence card the holder now holds when it is not yet on the
    register (a renewed card being recorded in the same act); else the register's."""
    if photo_id_required and not set(id_documents) & PHOTO_IDS:
        raise invalid(
            "id_documents",
            "Show a photo ID (residence card or passport).",
            "顔写真付きの本人確認書類（在留カード・旅券など）を提示してください。",
        )
    card_number = holder_card_number or (reg.residence_card_number if reg else None)
    if not same_person(
        identity,
        name_latin=person.name_latin,
        date_of_birth=person.date_of_birth,
        residence_card_number=card_number,
    ):
        raise Forbidden(
            "The identity document shown is not the card holder's: a card and "
            "its PINs are handled only for their owner, in person.",
            "提示された本人確認書類はカードの名義人のものではありません。"
            "カードの交付・手続きはご本人にのみ行います。",
            reason="not_the_holder",
        )


def invalidate_card(
    session: Session, svc: Services, *, card: Card, reason: InvalidReason, destroy_chip: bool
) -> None:
    """Cancel the card for good (廃止): status, certificates revoked, and — when the card is
    back at the office — the chip erased."""
    was_issued = card.status != CardStatus.READY
    card.status = CardStatus.INVALID
    card.invalid_reason = reason.value
    card.invalidated_at = svc.clock.now()
    session.flush()
    if was_issued:
        revoke_card_certificates(
            session,
            svc,
            card_serial=card.serial,
            kinds=BOTH_CERTIFICATES,
            reason=_REVOCATION[reason],
        )
    audit.record(
        session,
        caller=card_centre_for(card.municipality_code),
        action="invalidate_card",
        person_id=card.person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}: {reason.value}",
    )
    if destroy_chip:
        with contextlib.suppress(NotFound):  # already erased: the card came back before
            chip_of(svc, card).invalidate()


def _last_municipality(session: Session, person_id: int) -> str | None:
    """The municipality of the person's latest registration (the one an application that is
    cancelled was made in, or left)."""
    return session.scalar(
        select(Registration.municipality_code)
        .where(Registration.person_id == person_id)
        .order_by(Registration.id.desc())
        .limit(1)
    )


def cancel_open_application(
    session: Session, svc: Services, *, person_id: int, reason: str
) -> CardApplication | None:
    """Cancel the person's open application (and its uncollected card), e.g. on moving out."""
    application = open_application(session, person_id)
    if application is None:
        return None
    application.status = ApplicationStatus.CANCELLED
    application.rejection_reason = reason
    for card in cards_of(session, person_id, CardStatus.READY):
        invalidate_card(
            session, svc, card=card, reason=InvalidReason.NOT_COLLECTED, destroy_chip=True
        )
    audit.record(
        session,
        caller=card_centre_for(_last_municipality(session, person_id)),
        action="cancel_card_application",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"application {application.id}: {reason}",
    )
    return application


def today_at_midnight(day: dt.date) -> dt.datetime:
    """The start of ``day`` in Japan (jobs due "on a day" are due from its first moment)."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=JST)


# The card's columns that make its snapshot, in the order ``snapshot`` reads a row of them.
SNAPSHOT_COLUMNS = (
    Card.serial,
    Card.person_id,
    Card.status,
    Card.invalid_reason,
    Card.expires_on,
    Card.chip_address,
    Card.insurance_use,
    Card.moving_out_planned_on,
    Card.moved_in_on,
    Card.moving_in_filed_on,
    Card.face_authentication,
    Card.no_signature,
)


def snapshot(card: Card | Sequence[Any]) -> CardSnapshot:
    """The card as the rules read it, from the ORM ``Card`` or from a row of
    ``SNAPSHOT_COLUMNS`` (``card_checks`` reads many cards at once as Core rows)."""
    values = (
        [getattr(card, column.key) for column in SNAPSHOT_COLUMNS]
        if isinstance(card, Card)
        else card
    )
    (
        serial,
        person_id,
        status,
        reason,
        expires_on,
        chip_address,
        insurance_use,
        planned,
        moved_in,
        filed,
        face_authentication,
        no_signature,
    ) = values
    return CardSnapshot(
        serial=serial,
        person_id=person_id,
        status=CardStatus(status),
        invalid_reason=InvalidReason(reason) if reason else None,
        expires_on=expires_on,
        chip_address=chip_address,
        insurance_use=bool(insurance_use),
        moving_out_planned_on=planned,
        moved_in_on=moved_in,
        moving_in_filed_on=filed,
        face_authentication=bool(face_authentication),
        no_signature=NoSignature(no_signature) if no_signature else None,
    )
