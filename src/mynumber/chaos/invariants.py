"""What must hold after any crash, checked against the database (and the chip store in it).

Each check returns ``Violation``s naming what broke and which row (a person's id, a card's
serial, an audit chain, a request's unique name) — never a My Number. They read through a
``System`` built on the same settings as the service, so they open what the service sealed
(numbers, chip files) with the same keys.

- **numbers**: every person's sealed number opens, is a valid My Number, is the one derived
  from their resident-registry code, matches its look-up hash, and no two people share one;
- **cards**: every card that is not invalid has its chip; a ``ready`` card's chip has no PIN
  set and no certificate; an ``active`` (or suspended) card's chip has its 4-digit PINs set,
  and every certificate on it is one the register issued for that card's key, and the
  register's unrevoked certificates certify keys the chip holds; card and application agree on
  whether it was collected; no chip without a card;
- **audit**: the chains and the signed checkpoints verify (``mynumber audit verify``'s check);
- **ledger**: a request answered 2xx left its row, one answered 4xx/5xx left none, one cut
  off left at most one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session
from stdnum.jp import in_ as stdnum_in

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card, CardApplication, Certificate, ChipRecord
from mynumber.bootstrap import System
from mynumber.card import CardFile, ChipState, KeySlot, PinRef
from mynumber.chaos.ledger import Kind, Ledger, Outcome
from mynumber.domain.cards import ApplicationStatus, CardStatus
from mynumber.domain.errors import MyNumberError, NotFound
from mynumber.domain.numbers import ResidentRegistryCode
from mynumber.services.cards.records import chip_of
from mynumber.services.core.audit_checkpoints import verify_log
from mynumber.services.core.context import Services
from mynumber.services.registry.numbers import number_of, open_number

FOUR_DIGIT_PINS = (PinRef.USER_AUTHENTICATION, PinRef.RESIDENT_REGISTRY, PinRef.CARD_INFO_INPUT)


@dataclass(frozen=True)
class Violation:
    """One broken invariant: ``what`` broke, for ``which`` row."""

    what: str
    which: str

    @property
    def line(self) -> str:
        return f"violation: {self.what}: {self.which}"


def check_all(system: System, ledger: Ledger | None = None) -> list[Violation]:
    """Every invariant, in one reading transaction (the service idle or stopped)."""
    svc = system.services
    with system.reading() as uow:
        found = [
            *check_numbers(uow.session, svc),
            *check_cards(uow.session, svc),
            *check_audit(uow.session, system),
        ]
        if ledger is not None:
            found += check_ledger(uow.session, ledger)
    return found


# --- numbers -------------------------------------------------------------------------------


def check_numbers(session: Session, svc: Services) -> list[Violation]:
    found: list[Violation] = []
    holder: dict[str, int] = {}
    for person in session.scalars(select(Person).order_by(Person.id)):
        which = f"person {person.id}"
        try:
            number = open_number(svc, person)
        except Exception:  # tampered (InvalidTag), a retired key, a malformed number: all one
            found.append(Violation("number does not open", which))
            continue
        digits = number.digits  # IndividualNumber checks the form and the check digit
        if not stdnum_in.is_valid(digits):
            found.append(Violation("number is not a valid My Number", which))
        if svc.vault.lookup_hash(number) != person.number_lookup:
            found.append(Violation("number does not match its look-up hash", which))
        try:
            derived = number_of(svc, ResidentRegistryCode(person.registry_code))
        except (MyNumberError, ValueError):
            found.append(Violation("resident-registry code is malformed", which))
        else:
            if derived.digits != digits:
                found.append(
                    Violation("number is not the one derived from the registry code", which)
                )
        other = holder.setdefault(digits, person.id)
        if other != person.id:
            found.append(
                Violation("two people share one number", f"person {other} and person {person.id}")
            )
    return found


# --- cards and chips -----------------------------------------------------------------------


def _spki(certificate: x509.Certificate) -> bytes:
    return certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def check_cards(session: Session, svc: Services) -> list[Violation]:
    found: list[Violation] = []
    serials: set[str] = set()
    for card in session.scalars(select(Card).order_by(Card.id)):
        serials.add(card.serial)
        found += _check_card(session, svc, card)
    for card_id in session.scalars(select(ChipRecord.card_id)):
        if card_id not in serials:
            found.append(Violation("chip without a card in the register", f"chip {card_id}"))
    return found


def _check_card(session: Session, svc: Services, card: Card) -> list[Violation]:
    which = f"card {card.serial}"
    found: list[Violation] = []
    application = (
        session.get(CardApplication, card.application_id)
        if card.application_id is not None
        else None
    )
    if card.status == CardStatus.READY:
        if card.collected_at is not None:
            found.append(Violation("ready card has a collection time", which))
        if application is not None and application.status == ApplicationStatus.COLLECTED:
            found.append(Violation("ready card's application says collected", which))
    elif card.status == CardStatus.ACTIVE:
        if card.collected_at is None:
            found.append(Violation("active card has no collection time", which))
        if application is not None and application.status != ApplicationStatus.COLLECTED:
            found.append(Violation(f"active card's application is {application.status}", which))
    if card.status == CardStatus.INVALID:
        return found  # a returned card's chip is erased; others may keep theirs
    try:
        state = svc.chips.load(card.serial)
    except NotFound:
        return [*found, Violation(f"{card.status} card has no chip", which)]
    set_pins = {ref for ref, pin in state.pins.items() if pin.is_set}
    if card.status == CardStatus.READY:
        if set_pins:
            found.append(
                Violation("half-collected card: ready in the register, PINs set on the chip", which)
            )
        if CardFile.AUTH_CERT.value in state.files or CardFile.SIGNATURE_CERT.value in state.files:
            found.append(
                Violation(
                    "half-collected card: ready in the register, certificates on the chip", which
                )
            )
        return found
    missing = [ref.value for ref in FOUR_DIGIT_PINS if ref not in set_pins]
    if missing:
        found.append(
            Violation(
                f"half-collected card: {card.status} in the register, PINs not "
                f"set on the chip ({', '.join(missing)})",
                which,
            )
        )
    return found + _check_certificates(session, svc, card, state)


def _check_certificates(
    session: Session, svc: Services, card: Card, state: ChipState
) -> list[Violation]:
    which = f"card {card.serial}"
    found: list[Violation] = []
    issued = list(
        session.scalars(select(Certificate).where(Certificate.card_serial == card.serial))
    )
    known = {row.der for row in issued}
    chip_keys = {slot: record.public_key for slot, record in state.keys.items()}
    reader = chip_of(svc, card).open_session()
    if not reader.holds(CardFile.AUTH_CERT):
        found.append(Violation("chip holds no user-authentication certificate", which))
    else:
        der = reader.read(CardFile.AUTH_CERT)
        if der not in known:
            found.append(
                Violation(
                    "chip's user-authentication certificate is unknown to the register", which
                )
            )
    if reader.holds(CardFile.SIGNATURE_CERT):
        # Read only with the signature PIN: the chip's key stands for it (the certificate on
        # the chip was checked against that key when it was written).
        key = chip_keys.get(KeySlot.SIGNATURE)
        if key is None or not any(_spki(x509.load_der_x509_certificate(d)) == key for d in known):
            found.append(
                Violation("chip's signature key has no certificate in the register", which)
            )
    for row in issued:
        if (
            row.revoked_at is None
            and _spki(x509.load_der_x509_certificate(row.der)) not in chip_keys.values()
        ):
            found.append(
                Violation(
                    f"register certificate {row.serial} certifies a key the chip does not hold",
                    which,
                )
            )
    return found


# --- audit ---------------------------------------------------------------------------------


def check_audit(session: Session, system: System) -> list[Violation]:
    report = verify_log(session, system.audit_checkpoints(), system.services.keys.audit_key)
    return [Violation(f"audit log {finding.kind}", finding.message) for finding in report.findings]


# --- requests and their rows ---------------------------------------------------------------


def check_ledger(session: Session, ledger: Ledger) -> list[Violation]:
    return [
        *_registrations(session, ledger),
        *_applications(session, ledger),
        *_collections(session, ledger),
    ]


def _expect(count: int, outcomes: Iterable[Outcome], what: str, which: str) -> list[Violation]:
    """One request per key: answered → one row, refused → none, cut → at most one."""
    outcome = next(iter(outcomes))
    if outcome is Outcome.OK and count != 1:
        return [Violation(f"{what} answered 2xx left {count} rows", which)]
    if outcome is Outcome.REFUSED and count != 0:
        return [Violation(f"{what} refused left {count} rows", which)]
    if outcome is Outcome.CUT and count > 1:
        return [Violation(f"{what} cut off left {count} rows", which)]
    return []


def _registrations(session: Session, ledger: Ledger) -> list[Violation]:
    names = ledger.outcomes_by_key(Kind.REGISTRATION)
    counts = _count_by_name(
        session,
        select(Person.name_latin, func.count(Person.id))
        .where(Person.name_latin.in_(list(names)))
        .group_by(Person.name_latin),
        names,
    )
    return [
        v
        for name, outcomes in names.items()
        for v in _expect(counts.get(name, 0), outcomes, "registration", f"name {name}")
    ]


def _applications(session: Session, ledger: Ledger) -> list[Violation]:
    names = ledger.outcomes_by_key(Kind.APPLICATION)
    counts = _count_by_name(
        session,
        select(Person.name_latin, func.count(CardApplication.id))
        .join(CardApplication, CardApplication.person_id == Person.id)
        .where(Person.name_latin.in_(list(names)))
        .group_by(Person.name_latin),
        names,
    )
    return [
        v
        for name, outcomes in names.items()
        for v in _expect(counts.get(name, 0), outcomes, "card application", f"applicant {name}")
    ]


def _count_by_name(
    session: Session, query: Select[str, int], names: dict[str, list[Outcome]]
) -> dict[str, int]:
    if not names:
        return {}
    return {name: count for name, count in session.execute(query)}


def _collections(session: Session, ledger: Ledger) -> list[Violation]:
    """A card may be collected by two requests at once: answered once → active; every
    attempt refused → still ready."""
    found: list[Violation] = []
    for application_id, outcomes in ledger.outcomes_by_key(Kind.COLLECTION).items():
        card = session.scalars(
            select(Card)
            .join(CardApplication, Card.application_id == CardApplication.id)
            .where(CardApplication.application_form_id == application_id)
        ).first()
        which = f"application {application_id}"
        if card is None:
            found.append(Violation("collected card is not in the register", which))
        elif outcomes.count(Outcome.OK) > 1:
            found.append(
                Violation(
                    "card collected twice (two collections answered 2xx)", f"card {card.serial}"
                )
            )
        elif Outcome.OK in outcomes and card.status != CardStatus.ACTIVE:
            found.append(
                Violation(f"collection answered 2xx, card is {card.status}", f"card {card.serial}")
            )
        elif set(outcomes) == {Outcome.REFUSED} and card.status != CardStatus.READY:
            found.append(
                Violation(f"collection refused, card is {card.status}", f"card {card.serial}")
            )
    return found
