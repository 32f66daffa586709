"""転出・転入とカード — the card when its holder moves, or leaves Japan.

Rules (RULES.md "The card"; 番号法施行令; Kuwana city guidance; ``domain.deadlines``):

- Moving to another municipality (転出届): the card goes with its holder (*policy:* every
  moving-out with an active card is treated as card-based, 転出届の特例). The 転入届 must be
  filed with the card within 14 days of moving in **and** within 30 days of the planned
  moving-out date, or the card is cancelled; a 転入届 filed without the card leaves 90 days
  to bring it (継続利用). The signature certificate, which carries the address, is revoked
  when the 転出届 is filed (the register changed; 公的個人認証法, issue 17.3); the new ward
  office then updates the chip (``update_chip_after_move``) and a new signature certificate
  is issued. The user-authentication certificate stays, so the card keeps working at
  clinics until it lapses; a use that checks the address (the card as proof of address)
  fails with the reason until the chip is updated (``card_use``).
- Moving within the municipality (転居届): the signature certificate is revoked when the
  転居届 is filed; the same chip update, without the deadlines.
- An application not yet collected is cancelled on moving out (*policy:* the card is made
  for the old municipality; apply again at the new one).
- Leaving Japan (国外転出): a foreign resident's card is returned and invalidated (chip
  erased, certificates revoked). A Japanese national's card continues abroad since
  2024-05-27 (国外転出者向けカード, ``cards.card_continues_abroad``): the signature
  certificate lapses on departure, the user-authentication certificate does not (issue
  17.8). The number becomes inactive with the registration; coming back gives the same
  number. Leaving with the registration kept changes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Registration
from mynumber.adapters.db.models_card import Card
from mynumber.domain.access import Purpose, Role
from mynumber.domain.card_kinds import no_signature_cause
from mynumber.domain.cards import (
    CardStatus,
    IdentityShown,
    InvalidReason,
    card_continues_abroad,
    move_verdict,
)
from mynumber.domain.deadlines import CardMoveStatus
from mynumber.domain.endorsements import EndorsementKind
from mynumber.domain.errors import Conflict
from mynumber.domain.policy import Action
from mynumber.domain.registration import ABROAD, IdDocument
from mynumber.services.cards import endorsements
from mynumber.services.cards import records as card_records
from mynumber.services.cards import use as card_use
from mynumber.services.core import audit
from mynumber.services.core.access import check_own_municipality
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, refusals_audited, require_role
from mynumber.services.core.records import get_person, require_active_registration
from mynumber.services.jpki.certificates import (
    reissue_signature_certificate,
    revoke_signature_certificates_of,
)


def on_moving_out(
    session: Session,
    svc: Services,
    *,
    person_id: int,
    destination: str,
    planned_move_on: dt.date,
    nationality: str = "",
) -> None:
    """The card side of a 転出届 (called by ``flows.moving.register_moving_out``).

    The register changed, so the signature certificate is revoked now (issue 17.3). Abroad:
    a Japanese national's card continues (``cards.card_continues_abroad``), a foreign
    resident's card is returned and invalidated."""
    card_records.cancel_open_application(session, svc, person_id=person_id, reason="moved_out")
    if destination == ABROAD:
        if card_continues_abroad(nationality=nationality, left_on=planned_move_on):
            revoke_signature_certificates_of(session, svc, person_id=person_id, reason="left_japan")
            return
        for card in card_records.cards_of(
            session, person_id, CardStatus.ACTIVE, CardStatus.SUSPENDED
        ):
            # A card in hand is handed back and erased; a lost one cannot be.
            card_records.invalidate_card(
                session,
                svc,
                card=card,
                reason=InvalidReason.LEFT_JAPAN,
                destroy_chip=card.status == CardStatus.ACTIVE,
            )
        return
    revoke_signature_certificates_of(session, svc, person_id=person_id, reason="address_changed")
    for card in card_records.cards_of(session, person_id, CardStatus.ACTIVE):
        card.moving_to = destination
        card.moving_out_planned_on = planned_move_on
        card.moved_in_on = card.moving_in_filed_on = None


def on_moving_in(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    registration: Registration,
    card_serial: str | None = None,
) -> None:
    """The card side of a 転入届 (called by ``flows.moving.register_moving_in``): record the
    filing; a card past its limits is cancelled; a card brought along is updated at once."""
    for card in card_records.cards_of(session, registration.person_id, CardStatus.ACTIVE):
        if card.moving_out_planned_on is None:
            continue
        card.moved_in_on = registration.started_living_on
        card.moving_in_filed_on = registration.filed_on
        verdict = move_verdict(card_records.snapshot(card), svc.clock.today())
        if verdict is not None and verdict.status is CardMoveStatus.LAPSED:
            card_records.invalidate_card(
                session, svc, card=card, reason=InvalidReason.MOVE_LAPSED, destroy_chip=False
            )
    if card_serial is not None and _still_active(session, card_serial):
        _update_chip(
            session,
            svc,
            caller=caller,
            card=_holders_card(session, card_serial, registration.person_id),
        )


def _still_active(session: Session, card_serial: str) -> bool:
    # A card that lapsed just now is not updated: the moving-in itself still stands.
    return card_records.get_card(session, card_serial).status == CardStatus.ACTIVE


@refusals_audited
def update_chip_after_move(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
) -> Card:
    """継続利用 / 券面事項変更: the ward office writes the registered address on the chip (after
    a 転入届 or a 転居届); the signature certificate is reissued for the new address."""
    require_role(caller, Role.WARD_OFFICE)
    card = card_records.get_card(session, card_serial, lock=True)
    # The policy before any state: the ward office where the holder is registered now.
    authorise(session, svc, caller, Action.HANDLE_CARD, Subject(card.person_id))
    person = get_person(session, card.person_id)
    reg = require_active_registration(session, card.person_id)
    card_records.check_holder(person, reg, identity=identity, id_documents=id_documents)
    return _update_chip(session, svc, caller=caller, card=card)


def _holders_card(session: Session, card_serial: str, person_id: int) -> Card:
    card = card_records.get_card(session, card_serial, lock=True)
    if card.person_id != person_id:
        raise Conflict(
            "This card belongs to someone else.",
            "このカードは別の方のものです。",
            reason="not_the_holder",
        )
    return card


def _update_chip(session: Session, svc: Services, *, caller: Caller, card: Card) -> Card:
    reg = require_active_registration(session, card.person_id)
    check_own_municipality(caller, reg.municipality_code)
    today = svc.clock.today()
    _check_updatable(session, svc, card)
    if card.chip_address == reg.address and card.moving_out_planned_on is None:
        raise Conflict(
            "The card already shows the registered address.",
            "カードの住所は既に住民票と一致しています。",
            reason="up_to_date",
        )
    person = get_person(session, card.person_id)
    data = card_records.chip_data(
        session,
        svc,
        caller=caller,
        person=person,
        address=reg.address,
        photo=card_records.chip_photo_if_any(session, svc, card),
    )
    card.chip_address, card.municipality_code = reg.address, reg.municipality_code
    card.chip_updated_on = today
    card.moving_to = card.moving_out_planned_on = card.moved_in_on = None
    card.moving_in_filed_on = None
    session.flush()
    endorsements.endorse(session, card_serial=card.serial, kind=EndorsementKind.ADDRESS, on=today)
    audit.record(
        session,
        caller=caller,
        action="update_card_chip",
        person_id=card.person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}",
    )
    chip = card_records.chip_of(svc, card)
    chip.update_chip_data(data)
    if (
        no_signature_cause(
            date_of_birth=person.date_of_birth,
            issued_on=today,
            face_authentication=card.face_authentication,
        )
        is None
    ):
        reissue_signature_certificate(
            session, svc, card=card, chip=chip, person=person, address=reg.address, on=today
        )
    return card


def _check_updatable(session: Session, svc: Services, card: Card) -> None:
    card_use.require_usable(session, svc, card=card)


# Built once, as the other daily jobs' statements (``cards.centre._DUE_APPLICATIONS``).
_CARDS_OF_PEOPLE_MOVING = select(Card).where(
    Card.status == CardStatus.ACTIVE, Card.moving_out_planned_on.is_not(None)
)


def lapse_moved_cards(session: Session, svc: Services) -> list[Card]:
    """Cancel every card whose holder missed a moving deadline (the daily job)."""
    lapsed = []
    today = svc.clock.today()
    for card in session.scalars(_CARDS_OF_PEOPLE_MOVING):
        verdict = move_verdict(card_records.snapshot(card), today)
        if verdict is not None and verdict.status is CardMoveStatus.LAPSED:
            card_records.invalidate_card(
                session, svc, card=card, reason=InvalidReason.MOVE_LAPSED, destroy_chip=False
            )
            lapsed.append(card)
    return lapsed
