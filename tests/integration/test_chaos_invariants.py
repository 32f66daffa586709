"""The chaos harness's invariant checks catch what they are there to catch (issue 16.5): a
database left whole passes, and each kind of damage — two people with one number, a chip that
disagrees with the register, a half-collected card, a tampered audit checkpoint, a row left by
a refused request or missing for an answered one — is named, with its row. Without these the
harness could pass by checking nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card, CardApplication, Certificate
from mynumber.bootstrap import System
from mynumber.card import Chip, ChipData, FreshKeys
from mynumber.card.files import BasicFourItems
from mynumber.chaos.invariants import Violation, check_all
from mynumber.chaos.ledger import Kind, Ledger
from mynumber.chaos.world import WARD, Names, WaitingCard, cards_waiting
from mynumber.domain.cards import IdentityShown
from mynumber.domain.numbers import IndividualNumber, ResidentRegistryCode
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from mynumber.services.registry.numbers import number_of, sealing_context


def _whats(found: list[Violation]) -> set[str]:
    return {v.what for v in found}


def _collect(system: System, card: WaitingCard) -> None:
    holder = card.holder
    with system.uow() as uow:
        card_counter.collect_card(
            uow.session,
            system.services,
            caller=WARD,
            application_id=card.application_id,
            identity=IdentityShown(holder.name, holder.date_of_birth, holder.residence_card_number),
            id_documents=(IdDocument.RESIDENCE_CARD, IdDocument.NOTIFICATION_LETTER),
            pins=card_counter.InitialPins("4826", "5937", "7148", "CHAOS4826"),
        )
        uow.commit()


def _world(system: System) -> tuple[Names, list[WaitingCard]]:
    names = Names(7)
    waiting = cards_waiting(system, names, 3, insured=False)
    _collect(system, waiting[0])
    return names, waiting


def test_a_whole_database_passes_every_check(system: System) -> None:
    _, waiting = _world(system)
    ledger = Ledger()
    ledger.add(Kind.COLLECTION, waiting[0].application_id, 200)
    ledger.add(Kind.COLLECTION, waiting[1].application_id, 409)
    ledger.add(Kind.REGISTRATION, waiting[2].holder.name, 201)
    ledger.add(Kind.REGISTRATION, "CHAOS NEVER SENT", 422)
    ledger.add(Kind.REGISTRATION, "CHAOS CUT OFF", None)
    assert check_all(system, ledger) == []


def test_two_people_sharing_a_number_are_named(system: System) -> None:
    _world(system)
    svc = system.services
    with system.uow() as uow:
        first, second = uow.session.scalars(select(Person).order_by(Person.id).limit(2))
        # The second person's row made to hold the first one's number, sealed for its own row
        # (so it opens): what a bug in the number's derivation or storage would leave.
        number = number_of(svc, ResidentRegistryCode(first.registry_code))
        uow.session.execute(
            update(Person)
            .where(Person.id == second.id)
            .values(
                number_sealed=svc.vault.seal(number, context=sealing_context(second.registry_code)),
                number_lookup="0" * 64,
            )
        )
        uow.commit()
        ids = first.id, second.id
    found = check_all(system)
    assert Violation("two people share one number", f"person {ids[0]} and person {ids[1]}") in found
    assert (
        Violation("number is not the one derived from the registry code", f"person {ids[1]}")
        in found
    )
    assert Violation("number does not match its look-up hash", f"person {ids[1]}") in found
    assert not any(number.digits in v.line for v in found)  # never the number itself


def test_a_number_that_does_not_open_is_named(system: System) -> None:
    _world(system)
    with system.uow() as uow:
        person = uow.session.scalars(select(Person).order_by(Person.id)).first()
        assert person is not None
        uow.session.execute(
            update(Person).where(Person.id == person.id).values(number_sealed=b"\x00" * 40)
        )
        uow.commit()
        which = f"person {person.id}"
    assert Violation("number does not open", which) in check_all(system)


def test_a_ready_card_with_pins_on_its_chip_is_half_collected(system: System) -> None:
    _, waiting = _world(system)
    ready = waiting[1]
    svc = system.services
    # The chip written and the register not: the crash issue 16 found.
    Chip(svc.chips, ready.serial, chip_key=svc.keys.chip_key).set_initial_pins(
        user_authentication="1111", resident_registry="1111", card_info_input="1111", signature=None
    )
    assert _whats(check_all(system)) == {
        "half-collected card: ready in the register, PINs set on the chip"
    }
    assert f"card {ready.serial}" in {v.which for v in check_all(system)}


def test_an_active_card_without_pins_on_its_chip_is_half_collected(system: System) -> None:
    _, waiting = _world(system)
    ready = waiting[1]
    with system.uow() as uow:  # the register says collected, the chip was never written
        uow.session.execute(
            update(Card)
            .where(Card.serial == ready.serial)
            .values(status="active", collected_at=system.services.clock.now())
        )
        uow.session.execute(
            update(CardApplication)
            .where(CardApplication.application_form_id == ready.application_id)
            .values(status="collected")
        )
        uow.commit()
    found = check_all(system)
    assert (
        Violation(
            "half-collected card: active in the register, PINs not set on the chip "
            "(user_authentication, resident_registry, card_info_input)",
            f"card {ready.serial}",
        )
        in found
    )
    assert (
        Violation("chip holds no user-authentication certificate", f"card {ready.serial}") in found
    )


def test_a_card_and_its_application_that_disagree_are_named(system: System) -> None:
    _, waiting = _world(system)
    active = waiting[0]
    with system.uow() as uow:
        uow.session.execute(
            update(CardApplication)
            .where(CardApplication.application_form_id == active.application_id)
            .values(status="manufactured")
        )
        uow.commit()
    assert check_all(system) == [
        Violation("active card's application is manufactured", f"card {active.serial}")
    ]


def test_a_chip_certificate_the_register_does_not_know_is_named(system: System) -> None:
    _, waiting = _world(system)
    active = waiting[0]
    with system.uow() as uow:  # the register lost the certificates the chip holds
        uow.session.execute(
            update(Certificate)
            .where(Certificate.card_serial == active.serial)
            .values(card_serial="ELSEWHERE")
        )
        uow.commit()
    found = _whats(check_all(system))
    assert "chip's user-authentication certificate is unknown to the register" in found
    assert "chip's signature key has no certificate in the register" in found


def test_a_register_certificate_for_a_key_the_chip_lacks_is_named(system: System) -> None:
    _, waiting = _world(system)
    active, other = waiting[0], waiting[1]
    _collect(system, other)
    with system.uow() as uow:  # another card's certificate filed under this one
        uow.session.execute(
            update(Certificate)
            .where(Certificate.card_serial == other.serial)
            .values(card_serial=active.serial)
        )
        uow.commit()
    found = [v for v in check_all(system) if v.which == f"card {active.serial}"]
    assert found and all("certifies a key the chip does not hold" in v.what for v in found)


def test_a_chip_without_a_card_is_named(system: System) -> None:
    _world(system)
    svc = system.services
    data = ChipData(
        my_number=IndividualNumber("621498320257"),
        basic_four=BasicFourItems("X", "Y", dt.date(1990, 1, 1), "F"),
        photo=b"",
    )
    Chip.manufacture(
        svc.chips,
        card_id="ORPHAN0000000001",
        data=data,
        key_source=FreshKeys(),
        chip_key=svc.keys.chip_key,
    )
    assert check_all(system) == [
        Violation("chip without a card in the register", "chip ORPHAN0000000001")
    ]


def test_a_forged_audit_checkpoint_is_named(system: System) -> None:
    _world(system)
    file = system.audit_checkpoints()
    file.path.parent.mkdir(parents=True, exist_ok=True)
    with file.path.open("a") as out:
        out.write('{"number": 1, "forged": true}\n')
    found = check_all(system)
    assert found and all(v.what.startswith("audit log") for v in found)


def test_rows_that_contradict_how_their_request_ended_are_named(system: System) -> None:
    _, waiting = _world(system)
    ledger = Ledger()
    ledger.add(Kind.REGISTRATION, waiting[1].holder.name, 500)  # refused, yet registered
    ledger.add(Kind.REGISTRATION, "CHAOS LOST", 201)  # answered, yet no row
    ledger.add(Kind.APPLICATION, waiting[2].holder.name, 409)  # refused, yet applied
    ledger.add(Kind.COLLECTION, waiting[0].application_id, 503)  # refused, yet collected
    ledger.add(Kind.COLLECTION, waiting[1].application_id, 200)  # answered, still ready
    ledger.add(Kind.COLLECTION, waiting[2].application_id, 200)
    ledger.add(Kind.COLLECTION, waiting[2].application_id, 200)  # answered twice
    assert set(check_all(system, ledger)) == {
        Violation("registration refused left 1 rows", f"name {waiting[1].holder.name}"),
        Violation("registration answered 2xx left 0 rows", "name CHAOS LOST"),
        Violation("card application refused left 1 rows", f"applicant {waiting[2].holder.name}"),
        Violation("collection refused, card is active", f"card {waiting[0].serial}"),
        Violation("collection answered 2xx, card is ready", f"card {waiting[1].serial}"),
        Violation(
            "card collected twice (two collections answered 2xx)", f"card {waiting[2].serial}"
        ),
    }
