"""Each persona of issue 18 walks the system itself through the guide's plan, on the
simulated clock and both databases: every step is done on the day and in the way the plan
says, and the system's own answer (a date, a refusal, a card) is the one the plan gave.

- a working-holiday maker in Shibuya, arriving 2026-04-01 (express issuance, a locked PIN,
  leaving Japan when the stay ends);
- a family arriving in Osaka with a child born in 2015 (National Health Insurance for both,
  the child's card without a signature certificate, child benefit);
- a student whose stay ends 2027-03-31 (the online application with the letter's QR code,
  the card ending with the stay, the validity change after the stay is renewed);
- a family with an infant (express issuance for a child under 1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from mynumber.adapters.mail import PostOffice
from mynumber.bootstrap import System
from mynumber.domain import child_benefit, deadlines, fees, insurance_rules
from mynumber.domain.cards import ApplicationKind, CardStatus, Channel
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.errors import Forbidden, PinLocked, WrongPin
from mynumber.domain.guide import GuideAnswers
from mynumber.domain.mail import DeliveryFailure
from mynumber.domain.registration import ABROAD, IdDocument
from mynumber.domain.representation import LegalRepresentative, Relation
from mynumber.services.cards import counter as card_counter
from mynumber.services.flows import moving
from mynumber.services.portal import resident as portal
from mynumber.services.registry import letters
from tests.conftest import START, ward
from tests.integration.card_support import (
    PINS,
    apply_at_counter,
    apply_online,
    card_row,
    clock,
    collect,
    identity,
)
from tests.integration.test_card_pins import _use
from tests.integration.walk_support import (
    application,
    card_works_as_insurance,
    clinic_reads_letter,
    day_when,
    eligibility_letter,
    insurer_number,
    join_nhi,
    letter_status,
    move_in,
    nhi_of,
    plan_now,
    register_insurance_use,
    today,
)

ARRIVAL = START.date()  # 2026-04-01, a Wednesday


def _represented_by(name: str, born: dt.date) -> dict[str, object]:
    """The parent at the counter as the child's legal representative, with their own ID."""
    return {"representative": LegalRepresentative(name, born, Relation.PARENT)}


SHIBUYA, OSAKA, CHIYODA = "131130", "271004", "131016"


def _insured_from_day_one(
    system: System, answers: GuideAnswers, municipality: str, person_id: int
) -> None:
    """The plan's insurance steps: join National Health Insurance by its date, covered from
    the day of moving in; the 資格確認書 for the clinic until the card works."""
    plan = plan_now(system, answers)
    join = plan.step("insurance")
    assert today(system) <= join.on  # type: ignore[operator]
    nhi = nhi_of(system, municipality)
    enrolment = join_nhi(system, nhi, person_id, covered_from=answers.arrived_on)
    letter = eligibility_letter(system, nhi, enrolment)
    before = plan.step("clinic_before_card")
    assert letter.valid_until == before.values["latest"]
    assert before.values["latest"] == insurance_rules.latest_eligibility_letter_expiry(
        today(system)
    )
    seen = clinic_reads_letter(
        system, insurer_number(system, nhi), person_id, answers.date_of_birth
    )
    assert seen.valid_from == answers.arrived_on  # covered from the day of moving in


def test_a_working_holiday_in_shibuya_walks_the_plan(cards: System) -> None:
    system = cards
    answers = GuideAnswers(
        arrived_on=ARRIVAL,
        municipality="Shibuya City",
        date_of_birth=dt.date(2001, 7, 9),
        status_of_residence="Designated Activities",
        period_of_stay_ends=dt.date(2027, 3, 31),
    )
    plan = plan_now(system, answers)
    # Registration, today, well inside the plan's deadline: on time, numbered the same day.
    moved = move_in(system, answers, SHIBUYA, name_latin="Lee Min")
    assert not moved.late and moved.masked_number
    assert plan.step("register").on == deadlines.moving_in_deadline(ARRIVAL)
    _insured_from_day_one(system, answers, SHIBUYA, moved.person_id)
    # Express issuance, asked at the counter the day of the 転入届 (the plan's channel).
    express = plan.step("express")
    view = apply_at_counter(
        system, moved.person_id, SHIBUYA, express_reason=ExpressReason.ARRIVAL_FROM_ABROAD
    )
    assert view.express and view.fee_yen == fees.card_fee(ApplicationKind.NEW, express=True).yen
    # Mailed by registered post, active once delivered (the plan: "mailed to you by
    # registered post … with no pickup notice"): nothing to collect at the counter.
    assert "mailed to you by registered post" in express.notes[0][0]
    collected = day_when(
        system,
        lambda: application(system, moved.person_id, view.application_id).card_mail == "delivered",
    )
    assert express.values["ready_from"] <= collected <= express.values["ready_by"]
    got = application(system, moved.person_id, view.application_id)
    assert (got.delivery, got.status, got.pickup_notice) == ("registered_post", "collected", None)
    done = card_row(system, got.card_serial)
    assert done.status == CardStatus.ACTIVE
    after = plan_now(
        system,
        replace(
            answers,
            registered_on=ARRIVAL,
            letter_arrived=True,
            applied_on=ARRIVAL,
            notice_arrived=True,
            card_collected_on=collected,
        ),
    )
    assert done.expires_on == after.step("card_expiry").on == answers.period_of_stay_ends
    assert done.certificates_expire_on == after.step("certificates_expiry").on
    assert not after.has("renewal")  # the stay ends the card: no renewal to offer
    # The card becomes the insurance card once registered; until then the letter served.
    assert not card_works_as_insurance(system, moved.person_id)
    register_insurance_use(system, moved.person_id)
    assert card_works_as_insurance(system, moved.person_id)
    # A PIN locks after the plan's number of wrong entries.
    tries = after.step("collect").values["four"]
    for _ in range(tries):  # type: ignore[attr-defined]
        with pytest.raises(WrongPin):
            _use(system, done.serial, "9999")
    with pytest.raises(PinLocked):
        _use(system, done.serial, PINS.user_authentication)
    # Leaving when the stay ends: the 転出届 on the plan's day is on time, the card returned.
    leave = after.step("leave_japan")
    clock(system).advance(days=(leave.on - collected).days)  # type: ignore[operator]
    with system.uow() as uow:
        reg = moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(SHIBUYA),
            person_id=moved.person_id,
            destination=ABROAD,
            planned_move_on=answers.period_of_stay_ends,  # type: ignore[arg-type]
        )
        uow.commit()
        assert not reg.moving_out_late
    assert card_row(system, done.serial).status == CardStatus.INVALID


def test_a_family_in_osaka_walks_the_plan(cards: System) -> None:
    system = cards
    child_born = dt.date(2015, 6, 1)
    answers = GuideAnswers(
        arrived_on=ARRIVAL,
        municipality="Osaka City",
        date_of_birth=dt.date(1984, 2, 29),
        status_of_residence="Engineer/Specialist",
        period_of_stay_ends=dt.date(2029, 3, 31),
        children_born=(child_born,),
    )
    plan = plan_now(system, answers)
    parent = move_in(
        system,
        answers,
        OSAKA,
        name_latin="Silva Ana",
        nationality="BR",
        residence_card_number="AB11111111CD",
    )
    child = move_in(
        system,
        answers,
        OSAKA,
        name_latin="Silva Rui",
        nationality="BR",
        date_of_birth=child_born,
        status_of_residence="Dependent",
        residence_card_number="AB22222222CD",
    )
    assert not parent.late and not child.late
    _insured_from_day_one(system, answers, OSAKA, parent.person_id)
    # Child benefit by the plan's day: the portal takes it and counts the child as the plan says.
    benefit = plan.step("child_benefit")
    assert today(system) <= benefit.on == child_benefit.apply_by(ARRIVAL)  # type: ignore[operator]
    with system.uow() as uow:
        row = portal.apply_for_child_benefit(
            uow.session,
            system.services,
            caller=portal.resident_caller(parent.person_id, "Silva Ana"),
            child_name="Silva Rui",
            child_date_of_birth=child_born,
            lives_with_applicant=True,
        )
        uow.commit()
        assert row.eligible_until == child_benefit.counts_until(child_born)
    # The child's card: applied for when the letter comes (the plan's day), the notice in
    # the window the plan gives for that day, collected with three 4-digit PINs only.
    day_when(system, lambda: letter_status(system, child.person_id) == "delivered")
    parent = _represented_by("Silva Ana", answers.date_of_birth)
    with pytest.raises(Forbidden):  # the plan: "you (the legal representative) apply"
        apply_at_counter(system, child.person_id, OSAKA)
    view = apply_at_counter(system, child.person_id, OSAKA, **parent)
    applied = today(system)
    notice = plan_now(
        system, replace(answers, registered_on=ARRIVAL, letter_arrived=True, applied_on=applied)
    ).step("notice:child1")
    arrived = day_when(
        system,
        lambda: (
            application(system, child.person_id, view.application_id).pickup_notice == "delivered"
        ),
    )
    assert notice.on <= arrived <= notice.until  # type: ignore[operator]
    done = collect(
        system,
        view.application_id,
        who=identity("Silva Rui", child_born, "AB22222222CD"),
        municipality=OSAKA,
        pins=replace(PINS, signature=None),
        **parent,
    )
    assert not done.signature_certificate  # the plan: "There is no signature PIN"
    after = plan_now(
        system,
        replace(
            answers,
            registered_on=ARRIVAL,
            letter_arrived=True,
            applied_on=applied,
            notice_arrived=True,
            card_collected_on=today(system),
        ),
    )
    assert done.expires_on == after.step("card_expiry:child1").on
    assert "legal representative" in str(after.step("collect:child1").notes)


def test_a_student_whose_stay_ends_2027_03_31_walks_the_plan(cards: System) -> None:
    system = cards
    answers = GuideAnswers(
        arrived_on=ARRIVAL,
        municipality="Chiyoda City",
        date_of_birth=dt.date(2003, 10, 2),
        status_of_residence="Student",
        period_of_stay_ends=dt.date(2027, 3, 31),
        moved_within_japan=False,
    )
    plan = plan_now(system, answers)
    moved = move_in(system, answers, CHIYODA, name_latin="Nguyen An", nationality="VN")
    # The letter comes within the plan's window.
    letter = plan.step("letter")
    arrived = day_when(system, lambda: letter_status(system, moved.person_id) == "delivered")
    assert letter.on <= arrived <= letter.until  # type: ignore[operator]
    # Applying with the letter's QR code (its application ID) on a smartphone, that day.
    view = apply_online(system, moved.application_id, moved.person_id, Channel.SMARTPHONE)
    applied = today(system)
    planned = plan_now(
        system, replace(answers, registered_on=ARRIVAL, letter_arrived=True, applied_on=applied)
    )
    notice = planned.step("notice")
    came = day_when(
        system,
        lambda: (
            application(system, moved.person_id, view.application_id).pickup_notice == "delivered"
        ),
    )
    assert notice.on <= came <= notice.until  # type: ignore[operator]
    done = collect(system, view.application_id, who=identity("Nguyen An", answers.date_of_birth))
    after = plan_now(
        system,
        replace(
            answers,
            registered_on=ARRIVAL,
            letter_arrived=True,
            applied_on=applied,
            notice_arrived=True,
            card_collected_on=today(system),
        ),
    )
    assert done.expires_on == after.step("card_expiry").on == dt.date(2027, 3, 31)
    # Staying longer: after renewing the stay, the validity change the plan describes.
    change = after.step("validity_change")
    clock(system).advance(days=(change.on - today(system)).days - 30)  # type: ignore[operator]
    with system.uow() as uow:
        card = card_counter.change_validity(
            uow.session,
            system.services,
            caller=ward(CHIYODA),
            card_serial=done.card_serial,
            status_of_residence="Student",
            period_of_stay_ends=dt.date(2029, 3, 31),
            identity=identity("Nguyen An", answers.date_of_birth, "EF33333333GH"),
            id_documents=(IdDocument.RESIDENCE_CARD,),
            renewed_residence_card_number="EF33333333GH",
        )
        uow.commit()
        renewed = card.expires_on
    staying = plan_now(
        system,
        replace(after.answers, period_of_stay_ends=dt.date(2029, 3, 31)),
    )
    assert renewed == staying.step("card_expiry").on == dt.date(2029, 3, 31)


def test_a_family_with_an_infant_walks_the_plan(cards: System) -> None:
    system = cards
    infant_born = dt.date(2025, 11, 20)
    answers = GuideAnswers(
        arrived_on=ARRIVAL,
        municipality="Chiyoda City",
        date_of_birth=dt.date(1990, 1, 15),
        status_of_residence="Permanent Resident",
        children_born=(infant_born,),
        moved_within_japan=True,  # so the infant's own reason is the one that counts
    )
    plan = plan_now(system, answers)
    express = plan.step("express:child1")
    assert express.values["by"] == deadlines.express_request_deadline(
        infant_born, ExpressReason.NEWBORN
    )
    assert not plan.has("express")  # the parent, moving within Japan, has no reason
    infant = move_in(
        system,
        answers,
        CHIYODA,
        name_latin="Kim Hana",
        nationality="KR",
        date_of_birth=infant_born,
        residence_card_number="AB44444444CD",
    )
    parent = _represented_by("Kim Sora", answers.date_of_birth)
    view = apply_at_counter(  # the plan: no photo for a child under 1
        system, infant.person_id, express_reason=ExpressReason.NEWBORN, photo=None, **parent
    )
    assert view.express
    # Mailed by registered post with the PINs the parent chose when applying (no signature
    # PIN under 15): delivered within the plan's days, active, nothing collected.
    delivered = day_when(
        system,
        lambda: application(system, infant.person_id, view.application_id).card_mail == "delivered",
    )
    assert express.values["ready_from"] <= delivered <= express.values["ready_by"]
    got = application(system, infant.person_id, view.application_id)
    assert (got.delivery, got.status) == ("registered_post", "collected")
    card = card_row(system, got.card_serial)
    assert card.status == CardStatus.ACTIVE and card.no_signature == "under_15"


def test_when_things_go_wrong_the_system_does_what_the_plan_says(
    cards: System, post: PostOffice
) -> None:
    """The plan's troubleshooting, walked: a letter the post could not deliver is held at the
    ward office and handed over against the residence card; a lost card is suspended, and
    its reissue costs what the plan says (express within the plan's days)."""
    system = cards
    answers = GuideAnswers(
        arrived_on=ARRIVAL,
        municipality="Chiyoda City",
        date_of_birth=dt.date(1992, 8, 15),
        status_of_residence="Engineer/Specialist",
        period_of_stay_ends=dt.date(2029, 3, 31),
    )
    post.fail_deliveries_to("Room 404", DeliveryFailure.NOT_HOME)
    moved = move_in(
        system, answers, CHIYODA, name_latin="Okafor Ada", address="1-1 Chiyoda Room 404"
    )
    plan = plan_now(system, replace(answers, registered_on=ARRIVAL))
    missing = plan.step("letter_missing")
    day_when(system, lambda: letter_status(system, moved.person_id) == "held_at_office")
    assert today(system) <= missing.on  # type: ignore[operator]  # before the plan says ask
    with system.uow() as uow:  # "collect it in person with your residence card or passport"
        letters.hand_over_letter(
            uow.session,
            system.services,
            caller=ward(),
            person_id=moved.person_id,
            id_documents=(IdDocument.RESIDENCE_CARD,),
        )
        uow.commit()
    assert letter_status(system, moved.person_id) == "handed_over"
    # A card, then lost: suspended at once; the reissue's fee is the plan's.
    view = apply_online(system, moved.application_id, moved.person_id)
    day_when(system, lambda: application(system, moved.person_id, view.application_id).card_serial)
    done = collect(system, view.application_id, who=identity("Okafor Ada", answers.date_of_birth))
    with system.uow() as uow:
        card_counter.report_lost(
            uow.session, system.services, caller=ward(), card_serial=done.card_serial
        )
        uow.commit()
    assert card_row(system, done.card_serial).status == CardStatus.SUSPENDED
    lost = plan.step("lost_card")
    reissue = apply_at_counter(
        system,
        moved.person_id,
        express_reason=ExpressReason.LOST_CARD,
    )
    assert reissue.express and reissue.kind == ApplicationKind.REISSUE
    assert fees.yen(reissue.fee_yen) == lost.values["express_fee"]
