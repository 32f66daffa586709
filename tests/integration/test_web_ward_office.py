"""Ward office pages over HTTP (both databases): moving in, look-up, the letter's life, moving
within and out — each refusal shown beside its field, and nothing half-done kept."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from mynumber.adapters.db.models import AuditEntry, Person
from mynumber.adapters.mail import PostOffice
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.mail import DeliveryFailure
from mynumber.services.core import tokens
from mynumber.services.registry import letters
from mynumber.services.registry.numbers import open_number
from tests.conftest import ref, unref
from tests.staff_login import StaffClient, clerk_for

BASE = "/staff/ward-office"
FORM = {
    "name_latin": "Okafor Chidi",
    "date_of_birth": "1996-08-21",
    "sex": "M",
    "nationality": "NG",
    "address": "2-1-1 Kanda-Jimbocho, Chiyoda-ku, Tokyo",
    "started_living_on": "2026-03-27",
    "residence_card_number": "NG12345678AB",
    "status_of_residence": "Engineer/Specialist",
    "period_of_stay_ends": "2029-03-31",
    "id_documents": ["residence_card", "passport"],
    "municipality_code": "131016",
}


class Counter:
    """A logged-in ward office browser session (TestClient)."""

    def __init__(self, system: System) -> None:
        self.system = system
        with system.uow() as uow:
            token = tokens.issue_token(
                uow.session,
                system.services,
                organisation="Chiyoda",
                role=Role.WARD_OFFICE,
                municipality_code="131016",
            )
            uow.commit()
        self.client = StaffClient(system, clerk_for(system, token))
        self.client.log_in()

    def csrf(self, page: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.client.get(page).text)
        assert found
        return found.group(1)

    def post(self, path: str, data: dict[str, Any], page: str = BASE) -> Any:
        return self.client.post(
            path, data={**data, "csrf": self.csrf(page)}, follow_redirects=False
        )

    def register(self, **changes: Any) -> int:
        answer = self.post(f"{BASE}/moving-in", {**FORM, **changes})
        assert answer.status_code == 303, answer.text
        return unref("per", answer.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
def counter(system: System) -> Counter:
    return Counter(system)


def _people(system: System) -> int:
    with system.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Person)) or 0)


def test_moving_in_registers_and_the_record_shows_only_the_masked_number(
    counter: Counter,
    system: System,
) -> None:
    person_id = counter.register()
    page = counter.client.get(f"{BASE}/residents/{ref('per', person_id)}")
    assert page.status_code == 200
    assert "the notification letter is in the post" in page.text
    assert "In the post" in page.text and "**** **** " in page.text
    with system.uow() as uow:
        number = open_number(system.services, uow.session.get(Person, person_id))
    assert number.digits not in page.text


def test_a_refused_moving_in_names_the_field_keeps_the_answers_and_registers_nobody(
    counter: Counter,
    system: System,
) -> None:
    page = counter.post(f"{BASE}/moving-in", {**FORM, "residence_card_number": "12AB"})
    assert page.status_code == 422
    assert 'id="residence_card_number-error"' in page.text
    assert 'value="Okafor Chidi"' in page.text
    assert _people(system) == 0


@pytest.mark.sqlite_only  # form validation
def test_a_moving_in_with_a_bad_date_is_refused_beside_it(counter: Counter) -> None:
    page = counter.post(f"{BASE}/moving-in", {**FORM, "date_of_birth": "21/08/1996"})
    assert page.status_code == 422
    assert 'id="date_of_birth-error"' in page.text and "YYYY-MM-DD" in page.text


def test_look_up_by_my_number_or_record_number(counter: Counter, system: System) -> None:
    person_id = counter.register()
    with system.uow() as uow:
        number = open_number(system.services, uow.session.get(Person, person_id))
    home = counter.client.get(BASE).text
    assert 'method="post" action="/staff/ward-office/look-up"' in home
    assert 'method="get"' not in home  # a number typed in must never end up in a URL
    for query in (
        number.digits,
        f"{number.digits[:4]} {number.digits[4:8]} {number.digits[8:]}",
        ref("per", person_id),
    ):
        found = counter.post(f"{BASE}/look-up", {"q": query})
        assert found.status_code == 303
        assert found.headers["location"] == f"{BASE}/residents/{ref('per', person_id)}"
    wrong = counter.post(f"{BASE}/look-up", {"q": "621498320258"})
    assert wrong.status_code == 422 and 'id="q-error"' in wrong.text
    # a record number in clear is no longer a way in: the look-up walks nothing
    wrong = counter.post(f"{BASE}/look-up", {"q": str(person_id)})
    assert wrong.status_code == 422 and 'id="q-error"' in wrong.text
    empty = counter.post(f"{BASE}/look-up", {"q": " "})
    assert empty.status_code == 422 and 'id="q-error"' in empty.text
    no_csrf = counter.client.post(
        f"{BASE}/look-up", data={"q": number.digits}, follow_redirects=False
    )
    assert no_csrf.status_code == 403 and "location" not in no_csrf.headers
    ignored = counter.client.get(f"{BASE}?q={number.digits}", follow_redirects=False)
    assert ignored.status_code == 200 and "location" not in ignored.headers


def test_a_returned_letter_is_handed_over_only_against_photo_id(
    counter: Counter,
    system: System,
) -> None:
    person_id = counter.register()
    resident = f"{BASE}/residents/{ref('per', person_id)}"
    counter.post(f"{resident}/letter/returned", {"reason": "not_home"}, page=resident)
    assert "Returned — held at this counter" in counter.client.get(resident).text
    refused = counter.post(
        f"{resident}/letter/hand-over", {"id_documents": ["notification_card"]}, page=resident
    )
    assert refused.status_code == 422 and 'id="id_documents-error"' in refused.text
    done = counter.post(
        f"{resident}/letter/hand-over", {"id_documents": ["residence_card"]}, page=resident
    )
    assert done.status_code == 303
    assert "Handed over at the counter" in counter.client.get(resident).text


def test_a_letter_still_in_the_post_cannot_be_handed_over(counter: Counter) -> None:
    person_id = counter.register()
    resident = f"{BASE}/residents/{ref('per', person_id)}"
    page = counter.post(
        f"{resident}/letter/hand-over", {"id_documents": ["passport"]}, page=resident
    )
    assert page.status_code == 409 and "not held at the office" in page.text


def test_the_post_holds_an_undeliverable_letter_and_the_page_says_why(
    counter: Counter,
    system: System,
    clock: SimulatedClock,
    post: PostOffice,
) -> None:
    post.fail_deliveries_to("Room 404", DeliveryFailure.MAILBOX_FULL)
    person_id = counter.register(address="1-1 Chiyoda Room 404, Chiyoda-ku")
    clock.advance(days=30)
    with system.uow() as uow:
        letters.deliver_due_mail(uow.session, system.services)
        uow.commit()
    page = counter.client.get(f"{BASE}/residents/{ref('per', person_id)}")
    assert "mailbox full" in page.text and "Hand the letter over" in page.text


def test_reissue_gives_a_new_application_id(counter: Counter) -> None:
    person_id = counter.register()
    resident = f"{BASE}/residents/{ref('per', person_id)}"
    before = re.findall(r"\d{23}", counter.client.get(resident).text)
    counter.post(f"{resident}/letter/reissue", {}, page=resident)
    after = re.findall(r"\d{23}", counter.client.get(resident).text)
    assert before and after and set(before).isdisjoint(after)


def _number_reads(system: System, person_id: int) -> list[tuple[str, str]]:
    with system.uow() as uow:
        rows = uow.session.execute(
            select(AuditEntry.action, AuditEntry.purpose).where(
                AuditEntry.person_id == person_id, AuditEntry.action == "read_my_number"
            )
        )
        return [(a, p) for a, p in rows]


def test_the_letter_pdf_downloads_and_its_number_read_is_audited(
    counter: Counter,
    system: System,
) -> None:
    person_id = counter.register()
    assert _number_reads(system, person_id) == []
    pdf = counter.client.get(f"{BASE}/residents/{ref('per', person_id)}/letter.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert _number_reads(system, person_id) == [("read_my_number", "resident_registry")]


def test_the_letter_pdf_of_a_resident_who_moved_abroad_is_a_page_not_a_500(
    counter: Counter,
    system: System,
) -> None:
    person_id = counter.register()
    resident = f"{BASE}/residents/{ref('per', person_id)}"
    counter.post(
        f"{resident}/moving-out",
        {"destination": "abroad", "planned_move_on": "2026-04-10"},
        page=resident,
    )
    page = counter.client.get(f"{resident}/letter.pdf")
    assert 400 <= page.status_code < 500
    assert page.headers["content-type"].startswith("text/html")
    assert _number_reads(system, person_id) == []


def test_moving_within_in_the_future_is_refused_beside_the_date(counter: Counter) -> None:
    person_id = counter.register()
    resident = f"{BASE}/residents/{ref('per', person_id)}"
    page = counter.post(
        f"{resident}/moving-within",
        {"new_address": "3-3 Kudan-kita, Chiyoda-ku", "moved_on": "2026-05-01"},
        page=resident,
    )
    assert page.status_code == 422 and 'id="moved_on-error"' in page.text
    done = counter.post(
        f"{resident}/moving-within",
        {"new_address": "3-3 Kudan-kita, Chiyoda-ku", "moved_on": "2026-03-31"},
        page=resident,
    )
    assert done.status_code == 303
    assert "3-3 Kudan-kita" in counter.client.get(resident).text


def test_moving_out_abroad_ends_the_registration(counter: Counter) -> None:
    person_id = counter.register()
    resident = f"{BASE}/residents/{ref('per', person_id)}"
    missing = counter.post(
        f"{resident}/moving-out", {"planned_move_on": "2026-04-10"}, page=resident
    )
    assert missing.status_code == 422 and 'id="destination-error"' in missing.text
    counter.post(
        f"{resident}/moving-out",
        {"destination": "abroad", "planned_move_on": "2026-04-10"},
        page=resident,
    )
    assert "Not registered (moved out)" in counter.client.get(resident).text


def test_bad_addresses_get_a_plain_error_page_not_json(counter: Counter) -> None:
    for path, status in (
        (f"{BASE}/residents/abc", 404),
        (f"{BASE}/residents/999", 404),
        (f"{BASE}/residents/{10**30}", 404),
        (f"{BASE}/residents/{ref('per', 999)}", 403),
    ):
        page = counter.client.get(path)
        assert page.status_code == status
        assert page.headers["content-type"].startswith("text/html")
        assert "Something is not right" in page.text
