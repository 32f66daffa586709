"""The card centre pages over HTTP (both databases): the queue (received, cancelled with the
reason, manufactured), the manufacture job, and the look-up by application ID."""

from __future__ import annotations

import pytest

from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.services.flows import moving
from tests.conftest import ward
from tests.integration.card_support import apply_at_counter, clock
from tests.integration.helpers import register
from tests.integration.test_web_card_counter import Desk

BASE = "/staff/card-centre"


@pytest.fixture
def centre(system: System) -> Desk:
    return Desk(system, Role.CARD_CENTRE)


def test_the_job_makes_due_cards_and_they_move_to_manufactured(
    centre: Desk,
    system: System,
) -> None:
    view = apply_at_counter(system, register(system).person_id)
    received = centre.get(BASE).text
    assert view.application_id in received and "Received — being made" in received
    early = centre.post(f"{BASE}/jobs", {}, page=BASE)
    assert early.status_code == 303 and "0 card(s) made" in centre.get(BASE).text
    clock(system).advance(days=32)
    done = centre.post(f"{BASE}/jobs", {}, page=BASE)
    assert done.headers["location"] == f"{BASE}?status=manufactured"
    made = centre.get(done.headers["location"]).text
    assert "1 card(s) made" in made and view.application_id in made
    assert view.application_id not in centre.get(BASE).text


def test_a_cancelled_application_shows_its_reason(centre: Desk, system: System) -> None:
    person = register(system)
    apply_at_counter(system, person.person_id)
    with system.uow() as uow:
        moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(),
            person_id=person.person_id,
            destination="131041",
            planned_move_on=system.services.clock.today(),
        )
        uow.commit()
    page = centre.get(f"{BASE}?status=rejected").text
    assert "The applicant moved out of the municipality" in page


def test_look_up_by_application_id(centre: Desk, system: System) -> None:
    view = apply_at_counter(system, register(system).person_id)
    found = centre.get(f"{BASE}?application_id={view.application_id}")
    assert found.status_code == 200 and "The card is being made" in found.text
    missing = centre.get(f"{BASE}?application_id={'1' * 23}")
    assert missing.status_code == 404 and 'id="application_id-error"' in missing.text
    short = centre.get(f"{BASE}?application_id=123")
    assert short.status_code == 422 and 'id="application_id-error"' in short.text


@pytest.mark.sqlite_only  # an access rule
def test_the_card_centre_page_is_for_the_card_centre_only(system: System) -> None:
    kiosk = Desk(system, Role.KIOSK)
    assert kiosk.get(BASE).status_code == 403
    assert Desk(system, Role.CARD_CENTRE).landing == BASE  # where login sends it
