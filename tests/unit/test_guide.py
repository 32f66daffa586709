"""The newcomer's guide: every date is the one the system's own rules give."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from mynumber import i18n
from mynumber.domain import deadlines, pins, timelines, validity
from mynumber.domain.errors import InvalidInput
from mynumber.domain.guide import GuideAnswers, StepKind, StepState, en, make_plan

EN, JA = i18n.translator("en"), i18n.translator("ja")
TODAY = dt.date(2026, 4, 1)
NEWCOMER = GuideAnswers(
    arrived_on=dt.date(2026, 3, 28),
    municipality="Chiyoda City",
    date_of_birth=dt.date(1995, 4, 12),
    status_of_residence="Engineer/Specialist",
    period_of_stay_ends=dt.date(2031, 3, 31),
)


def test_registration_deadline_is_the_moving_in_rule_moved_past_the_weekend() -> None:
    step = make_plan(NEWCOMER, today=TODAY).step("register")
    assert step.on == deadlines.moving_in_deadline(NEWCOMER.arrived_on)
    assert step.on == dt.date(2026, 4, 13)  # 11 April is a Saturday
    assert step.state is StepState.NOW
    assert "Residence card (在留カード)" in step.bring_en


def test_unregistered_after_the_deadline_is_overdue_and_says_late_is_accepted() -> None:
    step = make_plan(NEWCOMER, today=dt.date(2026, 4, 20)).step("register")
    assert step.state is StepState.OVERDUE
    assert "still accepted" in step.text(EN) and "過料" in step.text(JA)


def test_the_letter_is_expected_two_to_four_weeks_after_registering() -> None:
    answers = replace(NEWCOMER, registered_on=dt.date(2026, 3, 30))
    plan = make_plan(answers, today=TODAY)
    letter = plan.step("letter")
    assert (letter.on, letter.until) == timelines.notification_letter_window(dt.date(2026, 3, 30))
    assert not letter.estimated
    assert plan.step("register").state is StepState.DONE


def test_without_registering_the_plan_assumes_registration_today_and_estimates() -> None:
    letter = make_plan(NEWCOMER, today=TODAY).step("letter")
    assert (letter.on, letter.until) == timelines.notification_letter_window(TODAY)
    assert letter.estimated


def test_a_letter_missing_after_four_weeks_is_overdue_and_the_trouble_step_is_now() -> None:
    answers = replace(NEWCOMER, registered_on=dt.date(2026, 3, 30))
    plan = make_plan(answers, today=dt.date(2026, 5, 1))
    assert plan.step("letter").state is StepState.OVERDUE
    missing = plan.step("letter_missing")
    assert missing.state is StepState.NOW
    assert missing.on == timelines.contact_ward_office_about_letter_from(dt.date(2026, 3, 30))


def test_the_pickup_notice_comes_one_to_two_months_after_applying() -> None:
    answers = replace(
        NEWCOMER,
        registered_on=dt.date(2026, 3, 30),
        letter_arrived=True,
        applied_on=dt.date(2026, 4, 20),
    )
    plan = make_plan(answers, today=dt.date(2026, 5, 1))
    notice = plan.step("notice")
    assert (notice.on, notice.until) == timelines.pickup_notice_window(dt.date(2026, 4, 20))
    assert plan.step("apply").state is StepState.DONE
    assert plan.step("notice_missing").state is StepState.IF_NEEDED


def test_a_notice_missing_after_two_months_makes_the_trouble_step_now() -> None:
    answers = replace(
        NEWCOMER,
        registered_on=dt.date(2026, 3, 30),
        letter_arrived=True,
        applied_on=dt.date(2026, 4, 20),
    )
    plan = make_plan(answers, today=dt.date(2026, 6, 25))
    assert plan.step("notice").state is StepState.OVERDUE
    assert plan.step("notice_missing").state is StepState.NOW


def test_a_permanent_resident_card_runs_to_the_tenth_birthday_and_certificates_to_the_fifth() -> (
    None
):
    collected = dt.date(2026, 6, 1)
    answers = replace(
        NEWCOMER,
        status_of_residence="Permanent Resident",
        period_of_stay_ends=None,
        registered_on=dt.date(2026, 3, 30),
        letter_arrived=True,
        applied_on=dt.date(2026, 4, 10),
        notice_arrived=True,
        card_collected_on=collected,
    )
    plan = make_plan(answers, today=dt.date(2026, 6, 2))
    card = plan.step("card_expiry")
    assert (
        card.on
        == validity.card_expiry(date_of_birth=answers.date_of_birth, issued_on=collected)
        == dt.date(2036, 4, 12)
    )
    assert plan.step("certificates_expiry").on == dt.date(2031, 4, 12)
    assert plan.step("renewal").on == validity.renewal_window_opens(card.on)
    assert not card.estimated
    assert all(s.key != "validity_change" for s in plan.steps)


def test_a_period_of_stay_caps_the_card_and_adds_the_validity_change_step() -> None:
    answers = replace(NEWCOMER, period_of_stay_ends=dt.date(2028, 9, 30))
    plan = make_plan(answers, today=TODAY)
    assert plan.step("card_expiry").on == dt.date(2028, 9, 30)
    assert plan.step("certificates_expiry").on == dt.date(2028, 9, 30)
    change = plan.step("validity_change")
    assert change.on == dt.date(2028, 9, 30)
    assert f"{validity.PENDING_RENEWAL_EXTENSION_MONTHS} months" in change.text(EN)


def test_a_child_gets_the_five_year_card_and_no_signature_certificate_under_fifteen() -> None:
    answers = replace(
        NEWCOMER,
        date_of_birth=dt.date(2016, 7, 1),
        status_of_residence="Dependent",
        period_of_stay_ends=dt.date(2036, 1, 1),
    )
    plan = make_plan(answers, today=TODAY)
    issued = plan.step("collect").on
    assert issued is not None
    assert plan.step("card_expiry").on == validity.card_expiry(
        date_of_birth=answers.date_of_birth,
        issued_on=max(TODAY, plan.step("notice").until or TODAY),
    )
    assert "not issued under 15" in plan.step("certificates_expiry").text(EN)


def test_a_stay_ending_before_the_card_is_ready_says_renew_the_residence_card_first() -> None:
    # Arrived in January with a stay of more than 3 months (a shorter one is not
    # registered at all), and the card will not be ready before the stay ends.
    answers = replace(
        NEWCOMER,
        arrived_on=dt.date(2026, 1, 5),
        registered_on=dt.date(2026, 1, 6),
        letter_arrived=True,
        period_of_stay_ends=dt.date(2026, 4, 30),
    )
    plan = make_plan(answers, today=TODAY)
    assert plan.step("stay_ends_first").state is StepState.NOW
    assert all(s.key != "card_expiry" for s in plan.steps)


def test_express_issuance_is_offered_within_thirty_days_of_the_moving_in_notification() -> None:
    arrival = deadlines.ExpressReason.ARRIVAL_FROM_ABROAD
    offered = make_plan(NEWCOMER, today=TODAY).step("express")  # registers today
    assert offered.on == deadlines.express_request_deadline(TODAY, arrival) == dt.date(2026, 5, 1)
    assert "moving-in notification" in offered.text(EN) and "転入届から30日" in offered.text(JA)
    registered = replace(NEWCOMER, registered_on=dt.date(2026, 3, 30))
    # 31 days after arriving, 29 after registering: still offered (issue 17.6).
    assert make_plan(registered, today=dt.date(2026, 4, 28)).step("express").on == dt.date(
        2026, 4, 29
    )
    late = make_plan(registered, today=dt.date(2026, 4, 30))
    assert all(s.key != "express" for s in late.steps)
    applied = replace(NEWCOMER, registered_on=dt.date(2026, 3, 30), applied_on=dt.date(2026, 3, 31))
    assert all(s.key != "express" for s in make_plan(applied, today=TODAY).steps)


def test_the_pin_trouble_step_states_the_card_lockout_counts() -> None:
    text = make_plan(NEWCOMER, today=TODAY).step("pin_locked").text(EN)
    assert f"{pins.FOUR_DIGIT_PIN_ATTEMPTS} wrong entries" in text
    assert f"{pins.SIGNATURE_PIN_ATTEMPTS} lock the signature PIN" in text


def test_troubleshooting_covers_letter_notice_pin_loss_moves_and_leaving() -> None:
    permanent = replace(
        NEWCOMER, status_of_residence="Permanent Resident", period_of_stay_ends=None
    )
    plan = make_plan(permanent, today=TODAY)
    assert [s.key for s in plan.troubleshooting] == [
        "letter_missing",
        "notice_missing",
        "pin_locked",
        "lost_card",
        "moving_within",
        "moving_away",
        "leaving_japan",
    ]
    assert f"{deadlines.CARD_CONTINUATION_DAYS} days" in plan.step("moving_away").text(EN)


def test_every_step_speaks_english_and_japanese() -> None:
    for step in make_plan(NEWCOMER, today=TODAY).steps:
        assert step.title(EN) and step.title(JA) and step.text(EN) and step.text(JA)
        assert step.title(EN) != step.title(JA)


def test_the_journey_is_in_date_order_and_leaves_out_troubleshooting() -> None:
    journey = make_plan(NEWCOMER, today=TODAY).journey
    dates = [s.on for s in journey]
    assert dates == sorted(d for d in dates if d is not None)
    assert all(s.kind is not StepKind.TROUBLE for s in journey)
    assert journey[0].key == "arrived"


def test_a_japanese_national_brings_photo_id_and_has_no_stay_limit() -> None:
    answers = replace(NEWCOMER, status_of_residence="", period_of_stay_ends=None)
    plan = make_plan(answers, today=TODAY)
    assert plan.step("register").bring_en == ("Photo ID (driving licence, passport)",)
    assert all(s.key != "validity_change" for s in plan.steps)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"period_of_stay_ends": None}, "period_of_stay_ends"),
        ({"period_of_stay_ends": dt.date(2026, 3, 1)}, "period_of_stay_ends"),
        ({"date_of_birth": dt.date(2027, 1, 1)}, "date_of_birth"),
        ({"arrived_on": dt.date(1990, 1, 1)}, "arrived_on"),
        ({"municipality": " "}, "municipality"),
        ({"registered_on": dt.date(2026, 4, 2)}, "registered_on"),
        ({"registered_on": dt.date(2026, 3, 27)}, "registered_on"),
        ({"letter_arrived": True}, "registered_on"),
        ({"notice_arrived": True, "registered_on": dt.date(2026, 3, 30)}, "applied_on"),
        ({"registered_on": dt.date(2026, 3, 30), "applied_on": dt.date(2026, 3, 29)}, "applied_on"),
        (
            {
                "registered_on": dt.date(2026, 3, 28),
                "applied_on": dt.date(2026, 3, 30),
                "card_collected_on": dt.date(2026, 3, 29),
            },
            "card_collected_on",
        ),
    ],
)
def test_answers_that_do_not_fit_together_are_refused_by_field(
    changes: dict[str, object],
    field: str,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_plan(replace(NEWCOMER, **changes), today=TODAY)  # type: ignore[arg-type]
    assert caught.value.details["field"] == field
    assert caught.value.message_ja


def test_a_permanent_resident_needs_no_end_of_stay() -> None:
    answers = replace(NEWCOMER, status_of_residence="永住者", period_of_stay_ends=None)
    assert make_plan(answers, today=TODAY).step("register").state is StepState.NOW


# --- `mynumber guide`: the same plan in the terminal -----------------------------------------


def _run_cli(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from mynumber.cli.main import app
    from mynumber.cli.support import console

    # The console was made when the CLI was first imported, maybe by another test in this
    # worker and with no terminal (80 columns): give the plan's table the width it needs.
    width, console.width = console.width, 160
    try:
        result = CliRunner().invoke(app, ["guide", *args], env={"COLUMNS": "160"})
    finally:
        console.width = width
    return result.exit_code, result.stdout, result.stderr


def test_the_cli_guide_prints_the_same_deadline_as_the_rules() -> None:
    code, out, _ = _run_cli(
        "--arrived",
        "2026-03-28",
        "--municipality",
        "Chiyoda",
        "--born",
        "1995-04-12",
        "--status",
        "Permanent Resident",
        "--today",
        "2026-04-01",
    )
    assert code == 0
    assert en(deadlines.moving_in_deadline(dt.date(2026, 3, 28))) == "13 Apr 2026"
    assert "13 Apr 2026" in out
    assert "If something goes wrong" in out


def test_the_cli_guide_speaks_japanese() -> None:
    code, out, _ = _run_cli(
        "--arrived",
        "2026-03-28",
        "--municipality",
        "千代田区",
        "--born",
        "1995-04-12",
        "--today",
        "2026-04-01",
        "--lang",
        "ja",
    )
    assert code == 0 and "2026年4月13日" in out and "困ったときは" in out


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--arrived", "28/03/2026", "--municipality", "X", "--born", "1995-04-12"), "--arrived"),
        (
            (
                "--arrived",
                "2026-03-28",
                "--municipality",
                "X",
                "--born",
                "1995-04-12",
                "--status",
                "Student",
                "--today",
                "2026-04-01",
            ),
            "--stay-ends",
        ),
        (
            (
                "--arrived",
                "2026-03-28",
                "--municipality",
                "X",
                "--born",
                "1995-04-12",
                "--lang",
                "fr",
            ),
            "--lang",
        ),
    ],
)
def test_bad_cli_input_prints_one_line_and_exits_1(args: tuple[str, ...], option: str) -> None:
    code, _out, err = _run_cli(*args)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith(f"error: {option}: ")


def test_leaving_japan_says_what_happens_to_the_card_by_nationality() -> None:
    """Issue 17.8: a Japanese national's card continues abroad (since 2024-05-27)."""
    japanese = replace(NEWCOMER, status_of_residence="", period_of_stay_ends=None)
    step = make_plan(japanese, today=TODAY).step("leaving_japan")
    assert "continues abroad" in step.text(EN) and "国外でも引き続き" in step.text(JA)
    assert "signature certificate lapses" in step.text(EN)
    permanent = replace(
        NEWCOMER, status_of_residence="Permanent Resident", period_of_stay_ends=None
    )
    foreign = make_plan(permanent, today=TODAY).step("leaving_japan")
    assert "Return the card" in foreign.text(EN)
    # A period of stay makes leaving a dated step of the journey, not a what-if.
    limited = make_plan(NEWCOMER, today=TODAY)
    assert not limited.has("leaving_japan")
    assert "Return your My Number Card" in limited.step("leave_japan").text(EN)


def test_moving_within_says_the_card_keeps_working_at_clinics() -> None:
    """Issue 17.3/17.4: the signature certificate lapses on filing; clinics still work."""
    step = make_plan(NEWCOMER, today=TODAY).step("moving_within")
    assert "keeps working at clinics" in step.text(EN) and "fails at clinics" not in step.text(EN)
    assert "revoked when the notification is filed" in step.text(EN)


@pytest.mark.parametrize("lang", ["en", "ja", "vi", "zh", "pt"])
def test_a_stay_renewed_after_2026_06_14_offers_the_special_residence_card(lang: str) -> None:
    answers = replace(NEWCOMER, period_of_stay_ends=dt.date(2028, 9, 30))
    text = make_plan(answers, today=TODAY).step("validity_change").text(i18n.translator(lang))
    assert "特定在留カード" in text
    assert ("2026" in text) and ("immigration" in text.lower() or lang != "en")


def test_the_special_residence_card_is_not_offered_before_it_exists() -> None:
    answers = replace(
        NEWCOMER, arrived_on=dt.date(2025, 1, 6), period_of_stay_ends=dt.date(2026, 6, 13)
    )
    plan = make_plan(answers, today=dt.date(2025, 1, 10))
    assert "特定在留カード" not in plan.step("validity_change").text(EN)


def test_a_permanent_resident_is_not_told_of_a_validity_change_at_all() -> None:
    answers = replace(NEWCOMER, status_of_residence="Permanent Resident", period_of_stay_ends=None)
    assert not make_plan(answers, today=TODAY).has("validity_change")


@pytest.mark.parametrize("lang", ["en", "ja", "vi", "my"])
def test_moving_within_says_the_endorsement_field_and_its_free_reissue(lang: str) -> None:
    """Issue 17 (追記欄): the number of lines and the express window are the rule's own."""
    from mynumber.domain.endorsements import ENDORSEMENT_LINES, EXPRESS_AFTER_FULL_DAYS

    step = make_plan(NEWCOMER, today=TODAY).step("moving_within")
    text = step.text(i18n.translator(lang))
    assert "追記欄" in text
    assert str(ENDORSEMENT_LINES) in text and str(EXPRESS_AFTER_FULL_DAYS) in text
    if lang == "en":
        assert "the new card is free" in text
