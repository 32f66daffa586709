"""カードが使えるか — the one place that decides whether a My Number Card can be used now.

Every terminal (clinic reception, kiosk, portal, the ward office) asks here first. The rules
are ``domain.cards.card_problem``; this module gathers their facts — the card's record, the
holder's registered address, the move in progress, the PINs locked on the chip — and turns a
refusal into a ``CardError`` (``PinLocked`` for a lock) whose ``reason`` names the cause and
whose message says the fix, in English and Japanese, in the guide's words.

A PIN is never checked here: ``use_card`` asks this module, then the chip checks the PIN
(counter stored before the comparison; ``mynumber.card.chip``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mynumber.adapters.db.models_card import Card
from mynumber.card.session import CardSession
from mynumber.domain.access import Role
from mynumber.domain.cards import (
    REFUSAL_KINDS,
    CardFacts,
    CardRefusal,
    CardStatus,
    Problem,
    card_facts,
    card_problem,
)
from mynumber.domain.endorsements import ENDORSEMENT_LINES
from mynumber.domain.errors import CardError, Forbidden, MyNumberError, NotFound
from mynumber.domain.pins import PinKind, check_pin_format
from mynumber.domain.policy import Action, terminal_may_verify
from mynumber.services.cards import endorsements
from mynumber.services.cards import records as card_records
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, refusals_audited, require_role
from mynumber.services.core.records import active_registration
from mynumber.services.core.refs import PersonId


def facts(session: Session, svc: Services, card: Card, *, with_pins: bool = False) -> CardFacts:
    """The facts ``card_problem`` judges (the chip is read only ``with_pins``)."""
    reg = active_registration(session, card.person_id)
    return card_facts(
        card_records.snapshot(card),
        registered_address=reg.address if reg else None,
        today=svc.clock.today(),
        locked_pins=_locked_pins(svc, card) if with_pins else frozenset(),
    )


def _locked_pins(svc: Services, card: Card) -> frozenset[PinKind]:
    if card.status != CardStatus.ACTIVE:
        return frozenset()
    pins = svc.chips.pins(card.serial)  # the counters, never the PINs
    return frozenset(
        kind for kind, record in pins.items() if record.is_set and record.tries_left == 0
    )


def refusal_error(refusal: CardRefusal, card_serial: str) -> CardError:
    """The error for a refusal, with the ``code`` of its problem (``card-expired``,
    ``pin-locked``…); ``reason`` says which rule refused."""
    return REFUSAL_KINDS[refusal.problem](
        refusal.message_en,
        refusal.message_ja,
        reason=refusal.problem.value,
        card_serial=card_serial,
    )


def require_usable(
    session: Session,
    svc: Services,
    *,
    card: Card,
    pin: PinKind | None = None,
    checks_address: bool = False,
) -> Card:
    """``card`` if it can be used now for a use needing ``pin`` (and the address, when
    ``checks_address``); otherwise the ``CardError`` naming the cause and the fix."""
    refusal = card_problem(
        facts(session, svc, card, with_pins=pin is not None),
        today=svc.clock.today(),
        pin=pin,
        checks_address=checks_address,
    )
    if refusal is not None:
        raise refusal_error(refusal, card.serial)
    return card


def check_card(
    session: Session,
    svc: Services,
    *,
    card_serial: str,
    pin: PinKind | None = None,
    checks_address: bool = False,
) -> Card:
    """The card with ``card_serial`` if usable now (see ``require_usable``)."""
    card = card_records.get_card(session, card_serial)
    return require_usable(session, svc, card=card, pin=pin, checks_address=checks_address)


def cause_in_register(
    session: Session, svc: Services, *, card_serial: str, refused: MyNumberError
) -> MyNumberError:
    """The cause a terminal names when the card in its reader refuses or cannot be read: a
    card the register has cancelled, suspended or not handed over is named as the register
    knows it ("it was returned to the ward office"), not by the chip's status word; any
    other refusal stays as it was. Only the card's own status is told, as a terminal's
    online check of the card's certificate would tell it."""
    if not isinstance(refused, CardError | NotFound):
        return refused
    try:
        card = card_records.get_card(session, card_serial)
    except NotFound:
        return refused
    refusal = card_problem(facts(session, svc, card), today=svc.clock.today())
    if refusal is None or refusal.problem is Problem.PIN_LOCKED:
        return refused
    return refusal_error(refusal, card.serial)


@refusals_audited
def use_card(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    pin_kind: PinKind,
    pin: str,
    checks_address: bool = False,
    reader: CardSession | None = None,
) -> Card:
    """A terminal uses the card: checked here, then the PIN verified **on the chip**.

    ``reader`` is the terminal's session with the card in its reader (``Chip.open_session``
    on the card the holder inserted): a clinic or a kiosk enters a PIN only on a card in its
    own reader, never on a card named by serial, and only the PIN its job needs
    (``domain.policy.terminal_may_verify``). The ward office (its own residents) and the holder
    may name the card. ``WrongPin`` (tries left) and ``PinLocked`` come from the chip; a wrong
    PIN is counted even if the caller's transaction is rolled back.
    """
    require_role(caller, Role.WARD_OFFICE, Role.CLINIC, Role.KIOSK, Role.RESIDENT)
    check_pin_format(pin_kind, pin)
    card = card_records.get_card(session, card_serial)
    in_reader = reader is not None and reader.chip.card_id == card.serial
    authorise(
        session, svc, caller, Action.USE_CARD, Subject(card.person_id, card_in_terminal=in_reader)
    )
    job = terminal_may_verify(caller.role, pin_kind)
    if not job.allowed:
        raise Forbidden(job.message_en, job.message_ja, reason=job.reason, person_id=card.person_id)
    require_usable(session, svc, card=card, pin=pin_kind, checks_address=checks_address)
    if reader is not None and in_reader:
        reader.verify(pin_kind, pin)
    else:
        with card_records.chip_of(svc, card).open_session() as opened:
            opened.verify(pin_kind, pin)
    audit.record(
        session,
        caller=caller,
        action="use_card",
        person_id=card.person_id,
        at=svc.clock.now(),
        detail=f"card {card.serial}: {pin_kind.value} PIN",
    )
    return card


@dataclass(frozen=True)
class CardStatusView:
    """A card as its holder and the counter see it: dates, status and what works now."""

    serial: str
    person_id: PersonId
    status: str
    invalid_reason: str | None
    issued_on: dt.date | None
    expires_on: dt.date | None
    certificates_expire_on: dt.date | None
    chip_address: str
    tries_left: dict[str, int]
    problem: str | None
    problem_en: str | None
    problem_ja: str | None
    move_act_by: dt.date | None
    kind: str = "my_number_card"
    """``my_number_card``, or ``special_residence_card`` (特定在留カード: it follows the stay)."""
    endorsement_lines_used: int = 0
    """Lines of the face's endorsement field (追記欄) used (``domain.endorsements``)."""
    endorsement_lines_left: int = ENDORSEMENT_LINES
    endorsements: tuple[EndorsementLine, ...] = ()
    """Each change written on the face (or, the field full, only on the chip), oldest first."""


@dataclass(frozen=True)
class EndorsementLine:
    """One change the ward office wrote on the card (``on_face``: a line of the 追記欄)."""

    kind: str
    endorsed_on: dt.date
    on_face: bool


def card_status(
    session: Session, svc: Services, *, caller: Caller, card_serial: str
) -> CardStatusView:
    """The card's status and the first problem a use checking the address would meet."""
    require_role(caller, Role.WARD_OFFICE, Role.RESIDENT, Role.CARD_CENTRE)
    card = card_records.get_card(session, card_serial)
    authorise(session, svc, caller, Action.VIEW_CARD, Subject(card.person_id))
    known = facts(session, svc, card, with_pins=True)
    refusal = card_problem(known, today=svc.clock.today(), checks_address=True)
    if refusal is None and known.locked_pins:
        refusal = card_problem(known, today=svc.clock.today(), pin=min(known.locked_pins))
    field = endorsements.field(session, card.serial)
    audit.record(
        session,
        caller=caller,
        action="view_card",
        person_id=card.person_id,
        at=svc.clock.now(),
        detail=f"card {card.serial}",
    )
    return CardStatusView(
        serial=card.serial,
        person_id=card.person_id,
        status=card.status,
        invalid_reason=card.invalid_reason,
        issued_on=card.issued_on,
        expires_on=card.expires_on,
        certificates_expire_on=card.certificates_expire_on,
        chip_address=card.chip_address,
        tries_left=_tries(svc, card),
        problem=refusal.problem.value if refusal else None,
        problem_en=refusal.message_en if refusal else None,
        problem_ja=refusal.message_ja if refusal else None,
        move_act_by=known.move.act_by if known.move else None,
        kind=card.kind,
        endorsement_lines_used=field.lines_used,
        endorsement_lines_left=field.lines_left,
        endorsements=tuple(
            EndorsementLine(e.kind.value, e.on, e.on_face) for e in field.endorsements
        ),
    )


def _tries(svc: Services, card: Card) -> dict[str, int]:
    if card.status != CardStatus.ACTIVE:
        return {}
    return {
        kind.value: record.tries_left
        for kind, record in svc.chips.pins(card.serial).items()
        if record.is_set
    }
