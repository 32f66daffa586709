"""The notification letter in the post: delivered, returned and held, handed over, reissued."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import MailItem, NotificationLetter
from mynumber.adapters.mail import PostOffice
from mynumber.bootstrap import System
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.errors import Conflict, InvalidInput
from mynumber.domain.mail import DeliveryFailure
from mynumber.domain.registration import IdDocument
from mynumber.services.registry import letters
from tests.conftest import ward
from tests.integration.helpers import register


def _deliver(system: System) -> list[MailItem]:
    with system.uow() as uow:
        items = letters.deliver_due_mail(uow.session, system.services)
        uow.commit()
    return items


def _letter(system: System, person_id: int) -> NotificationLetter:
    with system.uow() as uow:
        return letters.current_letter(uow.session, person_id)


def test_the_letter_arrives_after_the_post_delay_not_before(
    system: System,
    clock: SimulatedClock,
) -> None:
    result = register(system)
    clock.advance(days=13)
    assert _deliver(system) == []
    clock.advance(days=8)
    assert len(_deliver(system)) == 1
    assert _letter(system, result.person_id).status == "delivered"


@pytest.mark.parametrize("failure", list(DeliveryFailure))
def test_an_undeliverable_letter_is_held_at_the_ward_office(
    system: System,
    clock: SimulatedClock,
    post: PostOffice,
    failure: DeliveryFailure,
) -> None:
    post.fail_deliveries_to("Room 404", failure)
    result = register(system, address="1-1 Chiyoda Room 404, Chiyoda-ku")
    clock.advance(days=30)
    items = _deliver(system)
    assert [i.failure for i in items] == [failure.value]
    assert _letter(system, result.person_id).status == "held_at_office"


def test_a_held_letter_is_handed_over_only_against_photo_id(
    system: System,
    clock: SimulatedClock,
    post: PostOffice,
) -> None:
    post.fail_deliveries_to("Room 404", DeliveryFailure.NOT_HOME)
    result = register(system, address="1-1 Chiyoda Room 404, Chiyoda-ku")
    clock.advance(days=30)
    _deliver(system)
    with system.uow() as uow, pytest.raises(InvalidInput, match="photo ID"):
        letters.hand_over_letter(
            uow.session,
            system.services,
            caller=ward(),
            person_id=result.person_id,
            id_documents=(IdDocument.NOTIFICATION_CARD,),
        )
    assert _letter(system, result.person_id).status == "held_at_office"
    with system.uow() as uow:
        letters.hand_over_letter(
            uow.session,
            system.services,
            caller=ward(),
            person_id=result.person_id,
            id_documents=(IdDocument.RESIDENCE_CARD,),
        )
        uow.commit()
    assert _letter(system, result.person_id).status == "handed_over"


@pytest.mark.sqlite_only  # a state rule, refused before anything is written
def test_a_letter_still_in_the_post_cannot_be_handed_over(system: System) -> None:
    result = register(system)
    with system.uow() as uow, pytest.raises(Conflict, match="not held"):
        letters.hand_over_letter(
            uow.session,
            system.services,
            caller=ward(),
            person_id=result.person_id,
            id_documents=(IdDocument.PASSPORT,),
        )


def test_staff_can_record_a_letter_the_post_brought_back(system: System) -> None:
    result = register(system)
    with system.uow() as uow:
        item = uow.session.scalars(select(MailItem)).one()
        letters.record_mail_returned(
            uow.session,
            system.services,
            caller=ward(),
            mail_id=item.id,
            failure=DeliveryFailure.WRONG_ADDRESS,
        )
        uow.commit()
    assert _letter(system, result.person_id).status == "held_at_office"


def test_a_lost_letter_is_reissued_with_a_new_application_id(system: System) -> None:
    result = register(system)
    with system.uow() as uow:
        new = letters.reissue_letter(
            uow.session, system.services, caller=ward(), person_id=result.person_id
        ).letter
        uow.commit()
    assert new.application_id != result.application_id
    with system.uow() as uow:
        old = uow.session.scalars(
            select(NotificationLetter).where(
                NotificationLetter.application_id == result.application_id
            )
        ).one()
        assert old.superseded
    assert _letter(system, result.person_id).id == new.id


def test_letter_due_dates_follow_the_clock(system: System, clock: SimulatedClock) -> None:
    register(system)
    with system.uow() as uow:
        item = uow.session.scalars(select(MailItem)).one()
    assert item.due_at - item.sent_at == dt.timedelta(days=21)
    assert item.sent_at == clock.now()


def test_the_letter_pdf_shows_the_full_number_and_the_read_is_audited(system: System) -> None:
    import shutil
    import subprocess

    from mynumber.adapters.db.models import AuditEntry
    from mynumber.domain.access import Purpose
    from mynumber.services.registry.numbers import read_my_number

    result = register(system)
    with system.uow() as uow:
        pdf = letters.letter_pdf(
            uow.session, system.services, caller=ward(), person_id=result.person_id
        )
        digits = read_my_number(
            uow.session,
            system.services,
            caller=ward(),
            person_id=result.person_id,
            purpose=Purpose.RESIDENT_REGISTRY,
        ).digits
        uow.commit()
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert f"{digits[:4]} {digits[4:8]} {digits[8:]}" in text
        assert result.application_id is not None
    with system.uow() as uow:
        reads = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "read_my_number")
        ).all()
    assert len(reads) == 2 and reads[0].purpose == "resident_registry"
