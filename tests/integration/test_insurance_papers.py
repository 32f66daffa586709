"""The insurer's papers over HTTP (issue 17, insurance paperwork; both databases): the
資格情報のお知らせ for a マイナ保険証 holder, the holder cancelling the card's insurance use
(利用登録の解除) and getting a 資格確認書 at once, and from 2026-08 a 資格確認書 for every
late-stage elderly insured aged 85+ whatever their card (RULES.md "Health insurance")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.insurance import InsurerKind
from mynumber.services.core.context import Caller
from mynumber.services.insurance import insurer
from tests.client import TestClient
from tests.conftest import ref
from tests.integration.clinic_support import (
    LATE_ELDERLY_NUMBER,
    World,
    enrol,
    insured_patient,
    make_card,
    setup_world,
    token_for,
)
from tests.integration.test_clinic_api import pin_check


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


def _resident(system: System, person_id: int) -> dict[str, str]:
    return token_for(system, Caller(name="resident", role=Role.RESIDENT, scope_id=person_id))


def _late_elderly_union(system: System) -> Caller:
    with system.uow() as uow:
        union = insurer.create_insurer(
            uow.session,
            system.services,
            kind=InsurerKind.LATE_ELDERLY,
            insurer_number=LATE_ELDERLY_NUMBER,
            name_ja="東京都後期高齢者医療広域連合",
            name_en="Tokyo Late-Stage Elderly Medical Care Union",
        )
        uow.commit()
        return Caller(name="Tokyo union", role=Role.INSURER, scope_id=union.id)


def _send_unasked(client: TestClient, system: System, who: Caller) -> list[dict[str, Any]]:
    answer = client.post("/insurer/letters/send-unasked", headers=token_for(system, who))
    assert answer.status_code == 200, answer.text
    letters: list[dict[str, Any]] = answer.json()
    return letters


# --- 資格情報のお知らせ ---------------------------------------------------------------------


def test_a_card_holder_gets_the_notice_of_insurance_information(
    client: TestClient, system: System, world: World, tmp_path: Any
) -> None:
    patient = insured_patient(system, world)
    assert patient.enrolment_id is not None
    answer = client.get(
        f"/insurer/enrolments/{ref('enr', patient.enrolment_id)}/qualification-notice.pdf",
        headers=token_for(system, world.nhi),
    )
    assert answer.status_code == 200, answer.text
    assert answer.content.startswith(b"%PDF")
    (tmp_path / "notice.pdf").write_bytes(answer.content)
    other = client.get(
        f"/insurer/enrolments/{ref('enr', patient.enrolment_id)}/qualification-notice.pdf",
        headers=token_for(system, world.association),
    )
    assert other.status_code == 404


def test_a_person_without_an_insurance_card_gets_no_notice_but_a_letter(
    client: TestClient, system: System, world: World
) -> None:
    patient = make_card(system, insurance_use=False)
    enrolment = enrol(system, world.nhi, patient.person_id)
    answer = client.get(
        f"/insurer/enrolments/{ref('enr', enrolment)}/qualification-notice.pdf",
        headers=token_for(system, world.nhi),
    )
    assert answer.status_code == 409 and answer.json()["reason"] == "gets-eligibility-letter"
    sent = _send_unasked(client, system, world.nhi)
    assert [letter["reason"] for letter in sent] == ["no_usable_card"]


# --- 利用登録の解除 --------------------------------------------------------------------------


def test_the_holder_cancels_the_insurance_use_and_gets_a_letter_at_once(
    client: TestClient, system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    terminal = token_for(system, world.clinic)
    assert pin_check(client, terminal, patient).status_code == 200
    holder = _resident(system, patient.person_id)
    path = f"/residents/{ref('per', patient.person_id)}/insurance-use"
    answer = client.delete(path, headers=holder)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["insurance_use"] is False and body["card_serial"] == patient.serial
    assert [letter["reason"] for letter in body["letters"]] == ["use_cancelled"]
    assert body["letters"][0]["valid_until"] > system.services.clock.today().isoformat()
    # the card no longer works as insurance card at the clinic; the letter does
    refused = pin_check(client, terminal, patient)
    assert refused.json()["code"] == "not-registered-for-insurance"
    again = client.delete(path, headers=holder)
    assert again.status_code == 409 and again.json()["reason"] == "not-registered"
    assert _send_unasked(client, system, world.nhi) == []  # the letter is in force already


def test_the_insurer_may_cancel_on_request_and_no_one_else(
    client: TestClient, system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    path = f"/residents/{ref('per', patient.person_id)}/insurance-use"
    for stranger in (world.association, world.clinic):
        refused = client.delete(path, headers=token_for(system, stranger))
        assert refused.status_code == 403, refused.text
    other = make_card(system)
    assert client.delete(path, headers=_resident(system, other.person_id)).status_code == 403
    done = client.delete(path, headers=token_for(system, world.nhi))
    assert done.status_code == 200 and len(done.json()["letters"]) == 1


# --- the late-stage elderly aged 85+ from 2026-08 -----------------------------------------


def test_from_august_2026_the_late_elderly_aged_85_get_a_letter_whatever_their_card(
    client: TestClient, system: System, world: World
) -> None:
    union = _late_elderly_union(system)
    aged_85 = make_card(system, date_of_birth=dt.date(1941, 8, 1))  # 85 on 2026-08-01
    aged_84 = make_card(system, date_of_birth=dt.date(1941, 8, 2))
    younger = {enrol(system, union, aged_84.person_id): aged_84}
    older = enrol(system, union, aged_85.person_id)
    clock = system.services.clock
    clock.set(dt.datetime(2026, 7, 31, 9, 0, tzinfo=clock.now().tzinfo))  # type: ignore[attr-defined]
    assert _send_unasked(client, system, union) == []  # both hold a マイナ保険証
    notice = f"/insurer/enrolments/{ref('enr', older)}/qualification-notice.pdf"
    assert client.get(notice, headers=token_for(system, union)).status_code == 200
    clock.set(dt.datetime(2026, 8, 1, 9, 0, tzinfo=clock.now().tzinfo))  # type: ignore[attr-defined]
    sent = _send_unasked(client, system, union)
    assert [(s["enrolment_id"], s["reason"]) for s in sent] == [(ref("enr", older), "aged_85_plus")]
    refused = client.get(notice, headers=token_for(system, union))
    assert refused.status_code == 409 and refused.json()["reason"] == "gets-eligibility-letter"
    (only,) = younger
    still = f"/insurer/enrolments/{ref('enr', only)}/qualification-notice.pdf"
    assert client.get(still, headers=token_for(system, union)).status_code == 200


def test_a_letter_on_request_is_not_refused_for_the_85_plus(
    client: TestClient, system: System, world: World
) -> None:
    union = _late_elderly_union(system)
    person = make_card(system, date_of_birth=dt.date(1930, 1, 10))
    enrolment = enrol(system, union, person.person_id)
    clock = system.services.clock
    clock.set(dt.datetime(2026, 9, 1, 9, 0, tzinfo=clock.now().tzinfo))  # type: ignore[attr-defined]
    answer = client.post(
        f"/insurer/enrolments/{ref('enr', enrolment)}/letters",
        headers=token_for(system, union),
        json={"reason": "on_request"},
    )
    assert answer.status_code == 201, answer.text
    forged = client.post(
        f"/insurer/enrolments/{ref('enr', enrolment)}/letters",
        headers=token_for(system, union),
        json={"reason": "aged_85_plus"},
    )
    assert forged.status_code == 422
