"""Who the card is for: children under 15 (the legal representative), infants under 1 (no
photo) and the face-authentication card (no PINs) — the services, on both databases.

RULES.md "The card": children, face-authentication card. Each test here fails on the code
before issue 17's children and face-card work (a 9-year-old collected alone and set her own
PINs; an infant's application needed a photo; there was no face-authentication card; a
child's card asked for a signature said "the card is not yet activated").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import NotificationLetter
from mynumber.adapters.db.models_card import CardApplication, Certificate
from mynumber.bootstrap import System
from mynumber.card import CardFile, PinRef
from mynumber.domain.errors import CardError, Forbidden, InvalidInput, NotFound
from mynumber.domain.pins import PinKind
from mynumber.domain.registration import IdDocument
from mynumber.domain.representation import LegalRepresentative, Relation
from mynumber.services.cards import use as card_use
from mynumber.services.insurance import clinic
from mynumber.services.portal.resident import TaxForm, file_tax_return
from mynumber.services.tax import tax_office
from tests.conftest import ward
from tests.integration.card_support import (
    PINS,
    apply_at_counter,
    apply_online,
    card_row,
    chip,
    collect,
    identity,
    pass_days,
    resident,
)
from tests.integration.clinic_support import astronaut_camera, enrol, setup_world
from tests.integration.helpers import register

#: 9 years old on the test clock's 2026-04-01.
CHILD_BORN = dt.date(2017, 3, 3)
CHILD = "Smith Hana"
#: A parent born on 29 February, 38 on the test day.
PARENT = LegalRepresentative("Smith Jane", dt.date(1988, 2, 29), Relation.PARENT)
CHILD_PINS = replace(PINS, signature=None)
#: The child shows the notification letter only: no photo ID of her own.
CHILD_PAPERS = (IdDocument.NOTIFICATION_LETTER,)


def _child(system: System, born: dt.date = CHILD_BORN, name: str = CHILD) -> int:
    return register(system, name_latin=name, date_of_birth=born).person_id


def _application_id_of_letter(system: System, person_id: int) -> str:
    with system.uow() as uow:
        return uow.session.scalars(
            select(NotificationLetter.application_id).where(
                NotificationLetter.person_id == person_id
            )
        ).one()


def _application(system: System, application_id: str) -> CardApplication:
    with system.uow() as uow:
        return uow.session.scalars(
            select(CardApplication).where(CardApplication.application_form_id == application_id)
        ).one()


def _kinds(system: System, serial: str) -> set[str]:
    with system.uow() as uow:
        return set(
            uow.session.scalars(select(Certificate.kind).where(Certificate.card_serial == serial))
        )


def _child_card(system: System, born: dt.date = CHILD_BORN) -> tuple[int, str]:
    person_id = _child(system, born)
    view = apply_at_counter(system, person_id, representative=PARENT)
    pass_days(system, 33)
    done = collect(
        system,
        view.application_id,
        who=identity(CHILD, born),
        docs=CHILD_PAPERS,
        pins=CHILD_PINS,
        representative=PARENT,
    )
    return person_id, done.card_serial


# --- children under 15: the legal representative -----------------------------------------


def test_a_childs_application_is_made_by_the_legal_representative(cards: System) -> None:
    person_id = _child(cards)
    with pytest.raises(Forbidden) as caught:
        apply_at_counter(cards, person_id)
    assert caught.value.details["reason"] == "legal_representative_required"
    letter = _application_id_of_letter(cards, person_id)
    with pytest.raises(Forbidden):
        apply_online(cards, letter, person_id)  # online alike
    view = apply_at_counter(cards, person_id, representative=PARENT)
    row = _application(cards, view.application_id)
    assert (row.representative_relation, row.representative_name) == ("parent", "Smith Jane")
    assert row.representative_born_on == dt.date(1988, 2, 29)


def test_a_nine_year_old_cannot_collect_alone_and_the_representative_sets_the_pins(
    cards: System,
) -> None:
    person_id = _child(cards)
    view = apply_at_counter(cards, person_id, representative=PARENT)
    pass_days(cards, 33)
    with pytest.raises(Forbidden) as caught:
        collect(cards, view.application_id, who=identity(CHILD, CHILD_BORN), pins=CHILD_PINS)
    assert caught.value.details["reason"] == "legal_representative_required"
    serial = _application(cards, view.application_id).card_serial or ""
    assert card_row(cards, serial).status == "ready"
    assert not any(p.is_set for p in cards.services.chips.load(serial).pins.values())

    done = collect(
        cards,
        view.application_id,
        who=identity(CHILD, CHILD_BORN),
        docs=CHILD_PAPERS,  # the child needs no photo ID: the representative shows theirs
        pins=CHILD_PINS,
        representative=PARENT,
    )
    assert done.legal_representative == "parent"
    assert not done.signature_certificate and done.no_signature == "under_15"
    assert _kinds(cards, done.card_serial) == {"authentication"}
    pins = cards.services.chips.load(done.card_serial).pins
    assert pins[PinRef.USER_AUTHENTICATION].is_set and not pins[PinRef.SIGNATURE].is_set


def test_without_a_representative_a_child_still_needs_a_photo_id(cards: System) -> None:
    """The photo ID rule is lifted only for a child whose representative shows theirs."""
    person_id = _child(cards, born=dt.date(2011, 3, 31))  # 15 on the test day
    view = apply_at_counter(cards, person_id)
    pass_days(cards, 33)
    with pytest.raises(InvalidInput) as caught:
        collect(
            cards,
            view.application_id,
            who=identity(CHILD, dt.date(2011, 3, 31)),
            docs=CHILD_PAPERS,
        )
    assert caught.value.details["field"] == "id_documents"


@pytest.mark.sqlite_only  # rules on the representative as given
@pytest.mark.parametrize(
    ("representative", "field"),
    [
        (replace(PARENT, date_of_birth=dt.date(2009, 4, 2)), "representative_date_of_birth"),
        (replace(PARENT, has_photo_id=False), "representative_id_documents"),
        (replace(PARENT, name_latin="  "), "representative_name"),
    ],
)
def test_the_representative_is_an_adult_with_a_photo_id_of_their_own(
    cards: System, representative: LegalRepresentative, field: str
) -> None:
    person_id = _child(cards)
    with pytest.raises(InvalidInput) as caught:
        apply_at_counter(cards, person_id, representative=representative)
    assert caught.value.details["field"] == field


def test_from_15_the_holder_acts_alone(cards: System) -> None:
    born = dt.date(2011, 3, 31)  # reached 15 on 2026-03-30: 15 on 2026-04-01
    person_id = _child(cards, born=born)
    with pytest.raises(Forbidden) as caught:
        apply_at_counter(cards, person_id, representative=PARENT)
    assert caught.value.details["reason"] == "not_represented"
    view = apply_at_counter(cards, person_id)
    pass_days(cards, 33)
    done = collect(cards, view.application_id, who=identity(CHILD, born))
    assert done.signature_certificate and done.legal_representative is None


def test_a_childs_card_asked_to_sign_names_the_cause_not_activation(cards: System) -> None:
    person_id, serial = _child_card(cards)
    # e-Tax through the portal: the card's record decides first
    with cards.uow() as uow, pytest.raises(CardError) as caught:
        file_tax_return(
            uow.session,
            cards.services,
            caller=resident(person_id),
            card_serial=serial,
            form=TaxForm(tax_year=2025, salary=1_000_000, tax_withheld=0),
            signature_pin="HANA2026",
        )
    assert caught.value.details["reason"] == "no_signature_certificate"
    assert "under 15" in caught.value.message_en
    assert "not yet activated" not in caught.value.message_en
    # the chip itself, as e-Tax software talking to the card would meet it
    with pytest.raises(CardError) as on_chip:
        tax_office.sign_tax_return(chip(cards, serial), signature_pin="HANA2026", xml=b"<a/>")
    assert on_chip.value.code == "no-signature-certificate"  # 6A 88 on the VERIFY
    assert "under 15" in on_chip.value.message_en
    # the 4-digit PIN works (the representative set it)
    with cards.uow() as uow:
        card_use.use_card(
            uow.session,
            cards.services,
            caller=ward(),
            card_serial=serial,
            pin_kind=PinKind.USER_AUTHENTICATION,
            pin=PINS.user_authentication,
        )


# --- infants under 1: no photo --------------------------------------------------------------


def test_an_infants_card_has_no_photo_and_the_photo_checks_do_not_apply(cards: System) -> None:
    world = setup_world(cards)
    born = dt.date(2025, 12, 20)  # 3 months old
    person_id = _child(cards, born=born, name="Smith Baby")
    view = apply_at_counter(cards, person_id, photo=None, representative=PARENT)
    assert _application(cards, view.application_id).photo is None
    pass_days(cards, 33)
    done = collect(
        cards,
        view.application_id,
        who=identity("Smith Baby", born),
        docs=CHILD_PAPERS,
        pins=CHILD_PINS,
        representative=PARENT,
    )
    card = chip(cards, done.card_serial)
    with card.open_session() as reader, pytest.raises(NotFound):
        reader.read(CardFile.PHOTO)
    enrol(cards, world.nhi, person_id)
    with card.open_session() as reader:
        certificate = reader.read(CardFile.AUTH_CERT)
    # no face to match: refused by name, and no failed attempt is needed for the visual check
    with cards.uow() as uow, pytest.raises(CardError) as caught:
        clinic.check_with_face_kept(
            uow,
            cards.services,
            caller=world.clinic,
            certificate_der=certificate,
            live_image=astronaut_camera(),
            register_insurance_use=True,
        )
    assert caught.value.code == "no-photo-on-card"
    with card.open_session() as reader, cards.uow() as uow:
        answer = clinic.check_with_visual(
            uow.session,
            cards.services,
            caller=replace(world.clinic, clerk_id=1, clerk="sato"),  # the clerk at the desk
            reader=reader,
            register_insurance_use=True,
        )
        uow.commit()
    assert answer.method == "visual"


def test_a_photo_sent_for_an_infant_is_not_kept_and_a_one_year_old_needs_one(
    cards: System,
) -> None:
    infant = _child(cards, born=dt.date(2025, 4, 2), name="Smith Baby")  # 1 tomorrow
    view = apply_at_counter(cards, infant, representative=PARENT)  # the usual photo, ignored
    assert _application(cards, view.application_id).photo is None
    toddler = _child(cards, born=dt.date(2025, 4, 1), name="Smith Toddler")  # 1 today
    with pytest.raises(InvalidInput) as caught:
        apply_at_counter(cards, toddler, photo=None, representative=PARENT)
    assert caught.value.details["field"] == "photo"


# --- the face-authentication card -----------------------------------------------------------


def _face_card(system: System) -> tuple[int, str]:
    person_id = register(system).person_id
    view = apply_at_counter(system, person_id)
    pass_days(system, 33)
    with pytest.raises(InvalidInput) as caught:
        collect(system, view.application_id, face_authentication=True)  # PINs given
    assert caught.value.details["field"] == "pins"
    done = collect(system, view.application_id, pins=None, face_authentication=True)
    assert done.face_authentication and not done.signature_certificate
    assert done.no_signature == "face_authentication_card"
    return person_id, done.card_serial


def test_a_face_authentication_card_has_no_pins_and_no_signature_certificate(
    cards: System,
) -> None:
    _, serial = _face_card(cards)
    assert _kinds(cards, serial) == {"authentication"}
    assert not any(p.is_set for p in cards.services.chips.load(serial).pins.values())
    with cards.uow() as uow, pytest.raises(CardError) as caught:
        card_use.use_card(
            uow.session,
            cards.services,
            caller=ward(),
            card_serial=serial,
            pin_kind=PinKind.USER_AUTHENTICATION,
            pin="4826",
        )
    assert caught.value.details["reason"] == "face_authentication_card"
    # the chip answers the same cause, never "not yet activated"
    with pytest.raises(CardError) as on_chip:
        clinic.answer_at_terminal(chip(cards, serial), pin="4826", nonce=b"\0" * 32)
    assert on_chip.value.code == "face-authentication-card"  # 69 85 on the VERIFY


def test_a_collection_without_pins_is_not_a_face_card_by_accident(cards: System) -> None:
    person_id = register(cards).person_id
    view = apply_at_counter(cards, person_id)
    pass_days(cards, 33)
    with pytest.raises(InvalidInput) as caught:
        collect(cards, view.application_id, pins=None)
    assert caught.value.details["field"] == "user_authentication_pin"


def test_a_face_card_at_the_clinic_face_yes_pin_no(cards: System) -> None:
    world = setup_world(cards)
    person_id, serial = _face_card(cards)
    enrol(cards, world.nhi, person_id)
    with chip(cards, serial).open_session() as reader:
        certificate = reader.read(CardFile.AUTH_CERT)
    with cards.uow() as uow:
        nonce = clinic.new_challenge(uow.session, cards.services, caller=world.clinic).nonce
        uow.commit()
    with cards.uow() as uow, pytest.raises(CardError) as caught:
        clinic.check_with_pin(  # whatever an HTTP terminal sends as the signature
            uow.session,
            cards.services,
            caller=world.clinic,
            nonce=nonce,
            certificate_der=certificate,
            signature=b"\1" * 256,
            register_insurance_use=True,
        )
    assert caught.value.details["reason"] == "face_authentication_card"
    with cards.uow() as uow:
        answer = clinic.check_with_face_kept(
            uow,
            cards.services,
            caller=world.clinic,
            certificate_der=certificate,
            live_image=astronaut_camera(),
            register_insurance_use=True,
        )
    assert answer.method == "face"
