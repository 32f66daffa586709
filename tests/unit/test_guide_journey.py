"""The guide's whole journey (issue 18): health insurance from day one, the card's channels
and express issuance, leaving or staying, households, and the plan taken away (.ics, PDF).
Every expected date is the rule module's own."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from mynumber import i18n
from mynumber.adapters.calendar import plan_calendar
from mynumber.adapters.documents import render_guide_plan
from mynumber.adapters.documents._scripts import NOTO
from mynumber.domain import (
    child_benefit,
    deadlines,
    fees,
    insurance,
    insurance_rules,
    kiosk,
    pins,
    representation,
    timelines,
    validity,
)
from mynumber.domain.cards import ApplicationKind
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.errors import InvalidInput
from mynumber.domain.guide import GuideAnswers, StepKind, StepState, en, make_plan

EN, JA = i18n.translator("en"), i18n.translator("ja")
TODAY = dt.date(2026, 4, 1)
WORKING_HOLIDAY = GuideAnswers(
    arrived_on=TODAY,
    municipality="Shibuya City",
    date_of_birth=dt.date(2001, 7, 9),
    status_of_residence="Designated Activities",
    period_of_stay_ends=dt.date(2027, 3, 31),
)
FAMILY = GuideAnswers(
    arrived_on=TODAY,
    municipality="Osaka City",
    date_of_birth=dt.date(1984, 2, 29),
    status_of_residence="Engineer/Specialist",
    period_of_stay_ends=dt.date(2029, 3, 31),
    employee=True,
    children_born=(dt.date(2015, 6, 1), dt.date(2025, 11, 20)),
)


# --- Health insurance from day one -------------------------------------------------------------


def test_national_health_insurance_is_joined_within_fourteen_days_and_covers_from_moving_in() -> (
    None
):
    step = make_plan(WORKING_HOLIDAY, today=TODAY).step("insurance")
    assert step.on == insurance.nhi_notification_deadline(TODAY) == dt.date(2026, 4, 15)
    assert step.kind is StepKind.DEADLINE and step.state is StepState.NOW
    assert "National Health Insurance" in step.title(EN)
    assert f"covered from the day you moved in ({en(TODAY)})" in step.text(EN)


def test_an_employee_is_insured_through_the_employer_and_the_family_as_dependants() -> None:
    step = make_plan(FAMILY, today=TODAY).step("insurance")
    assert "employer" in step.title(EN) and "dependants (被扶養者)" in step.text(EN)


def test_from_seventy_five_the_plan_names_the_late_stage_elderly_system() -> None:
    old = replace(WORKING_HOLIDAY, date_of_birth=dt.date(1950, 1, 1), employee=True)
    assert "late-stage elderly" in make_plan(old, today=TODAY).step("insurance").title(EN)
    kind = insurance.insurer_kind_for(date_of_birth=old.date_of_birth, on=TODAY, employee=True)
    assert kind is insurance.InsurerKind.LATE_ELDERLY


def test_before_the_card_the_clinic_sees_the_eligibility_letter_then_the_card_is_registered() -> (
    None
):
    plan = make_plan(WORKING_HOLIDAY, today=TODAY)
    before = plan.step("clinic_before_card")
    assert "資格確認書" in before.title(EN) and before.state is StepState.NOW
    latest = insurance_rules.latest_eligibility_letter_expiry(TODAY)
    assert f"at most until {en(latest)}" in before.text(EN)
    after = plan.step("insurance_use")
    assert after.on == plan.step("collect").on
    for channel in ("マイナポータル", "ward office", "card reader"):
        assert channel in after.text(EN)


# --- The card ----------------------------------------------------------------------------------


def test_express_is_for_arrivals_from_abroad_and_the_card_is_mailed_not_collected() -> None:
    step = make_plan(WORKING_HOLIDAY, today=TODAY).step("express")
    by = deadlines.express_request_deadline(TODAY, ExpressReason.ARRIVAL_FROM_ABROAD)
    assert step.on == by
    ready = timelines.express_card_window(TODAY)
    assert f"between {en(ready[0])} and {en(ready[1])}" in step.text(EN)
    assert "mailed to you by registered post" in step.text(EN)  # cards.delivery
    assert "no pickup notice" in step.text(EN) and "choose the PINs when you apply" in step.text(EN)
    moved = replace(WORKING_HOLIDAY, moved_within_japan=True)
    assert not make_plan(moved, today=TODAY).has("express")


def test_an_infant_may_ask_for_express_until_the_day_before_the_first_birthday() -> None:
    moved = replace(FAMILY, moved_within_japan=True)
    step = make_plan(moved, today=TODAY).step("express:child2")
    assert step.on == dt.date(2026, 11, 19)
    assert not make_plan(moved, today=TODAY).has("express:child1")


def test_a_stay_capped_card_gets_a_validity_change_not_a_renewal_and_a_dated_departure() -> None:
    plan = make_plan(WORKING_HOLIDAY, today=TODAY)
    assert plan.step("card_expiry").on == dt.date(2027, 3, 31)
    assert not plan.has("renewal")  # "renew the card" contradicted the validity change
    assert plan.step("validity_change").state is StepState.IF_NEEDED
    leave = plan.step("leave_japan")
    assert leave.on == deadlines.moving_out_deadline(dt.date(2027, 3, 31), abroad=True)
    assert "Return your My Number Card" in leave.text(EN) and "転出届" in leave.title(EN)
    assert not plan.has("leaving_japan")  # the what-if is replaced by the dated step
    assert "apply for a new card" not in " ".join(s.text(EN) for s in plan.journey)


def test_a_birthday_limited_card_is_renewed_and_nothing_is_renewed_before_collection() -> None:
    permanent = replace(WORKING_HOLIDAY, status_of_residence="Permanent Resident")
    plan = make_plan(replace(permanent, period_of_stay_ends=None), today=TODAY)
    renewal = plan.step("renewal")
    assert renewal.on == validity.renewal_window_opens(plan.step("card_expiry").on)  # type: ignore[arg-type]
    assert renewal.on > plan.step("collect").on  # type: ignore[operator]
    assert not plan.has("leave_japan") and plan.has("leaving_japan")


def test_a_planned_departure_ends_the_plan_of_a_card_that_is_returned() -> None:
    leaving = replace(WORKING_HOLIDAY, leaving_on=dt.date(2026, 12, 20))
    plan = make_plan(leaving, today=TODAY)
    assert plan.step("leave_japan").on == dt.date(2026, 12, 20)
    assert all(s.on <= dt.date(2026, 12, 20) for s in plan.journey if s.on)  # type: ignore[operator]


def test_the_pins_and_their_lockouts_are_the_chips_and_both_kiosk_resets_are_named() -> None:
    plan = make_plan(WORKING_HOLIDAY, today=TODAY)
    collect = plan.step("collect").text(EN)
    assert f"{pins.FOUR_DIGIT_PIN_ATTEMPTS} wrong entries" in collect
    assert f"{pins.SIGNATURE_PIN_ATTEMPTS} the signature PIN" in collect
    locked = plan.step("pin_locked").text(EN)
    # What the text says of the kiosk is what domain.kiosk decides.
    user = kiosk.kiosk_reset(pins.PinKind.USER_AUTHENTICATION)
    signing = kiosk.kiosk_reset(pins.PinKind.SIGNATURE)
    assert user.proved_by is pins.PinKind.SIGNATURE and user.face_at_kiosk
    assert signing.proved_by is pins.PinKind.USER_AUTHENTICATION and signing.needs_pre_application
    assert "user-authentication PIN (prove the signature PIN and your face)" in locked
    hours = int(kiosk.PRE_APPLICATION_VALIDITY.total_seconds() // 3600)
    assert f"within {hours} hours of a pre-application" in locked


def test_a_lost_card_states_the_reissue_fees_of_the_fee_rule() -> None:
    text = make_plan(WORKING_HOLIDAY, today=TODAY).step("lost_card").text(EN)
    plain = fees.card_fee(ApplicationKind.REISSUE, express=False)
    express = fees.card_fee(ApplicationKind.REISSUE, express=True)
    assert fees.yen(plain.yen) in text and fees.yen(express.yen) in text


# --- Households --------------------------------------------------------------------------------


def test_a_child_under_fifteen_is_represented_and_has_no_signature_pin() -> None:
    plan = make_plan(FAMILY, today=TODAY)
    apply = plan.step("apply:child1")
    assert apply.who(EN) == "Child 1 (born 1 Jun 2015)"
    assert "legal representative, 法定代理人" in apply.text(EN)
    collect = plan.step("collect:child1")
    assert "Come together with your child" in collect.text(EN)
    assert "There is no signature PIN" in collect.text(EN)
    assert "the signature PIN (see" not in collect.text(EN)  # no lockout of a PIN it has not
    assert "lock a 4-digit PIN (see" in collect.text(EN)
    assert "signature PIN of" in plan.step("collect").text(EN)  # the parent's own
    assert plan.step("card_expiry:child1").on == validity.card_expiry(
        date_of_birth=dt.date(2015, 6, 1),
        issued_on=plan.step("collect:child1").on,  # type: ignore[arg-type]
        residence=validity.StayPermit("Engineer/Specialist", dt.date(2029, 3, 31)),
    )


def test_an_infants_card_needs_no_photo() -> None:
    plan = make_plan(FAMILY, today=TODAY)
    assert "No photo" in plan.step("apply:child2").text(EN)
    assert "The photo: 4.5 cm" in plan.step("apply:child1").text(EN)


def test_child_benefit_is_due_fifteen_days_after_moving_in() -> None:
    step = make_plan(FAMILY, today=TODAY).step("child_benefit")
    assert step.on == child_benefit.apply_by(TODAY) == dt.date(2026, 4, 16)
    assert step.kind is StepKind.DEADLINE
    assert f"first 31 March after they turn {child_benefit.CHILD_AGE_LIMIT}" in step.text(EN)
    assert not make_plan(WORKING_HOLIDAY, today=TODAY).has("child_benefit")


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)))
def test_child_benefit_deadline_is_the_fifteenth_day_or_the_next_open_day(event: dt.date) -> None:
    due = child_benefit.apply_by(event)
    fifteenth = event + dt.timedelta(days=15)
    assert due >= fifteenth and timelines.is_business_day(due)
    assert all(
        not timelines.is_business_day(fifteenth + dt.timedelta(days=d))
        for d in range((due - fifteenth).days)
    )


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_a_child_counts_until_the_first_31_march_after_reaching_eighteen(born: dt.date) -> None:
    until = child_benefit.counts_until(born)
    reached = timelines.reaches_age_on(born, 18)
    assert (until.month, until.day) == (3, 31) and until >= reached
    assert until < dt.date(reached.year + 1, 3, 31) or reached > dt.date(reached.year, 3, 31)


def test_a_child_born_after_moving_in_or_before_the_parent_is_refused() -> None:
    for born in (dt.date(2026, 4, 2), dt.date(1980, 1, 1)):
        with pytest.raises(InvalidInput) as refused:
            make_plan(replace(FAMILY, children_born=(born,)), today=dt.date(2026, 5, 1))
        assert refused.value.details["field"] == "children_born"


# --- Taking the plan away ----------------------------------------------------------------------


def test_the_calendar_has_an_event_with_a_reminder_for_each_dated_step() -> None:
    plan = make_plan(FAMILY, today=TODAY)
    cal = Calendar.from_ical(plan_calendar(plan, EN, "en"))
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(plan.reminders) > 10
    register = next(e for e in events if "転入届" in str(e["SUMMARY"]))
    assert register.decoded("DTSTART") == plan.step("register").on
    for event in events:
        alarms = [c for c in event.subcomponents if c.name == "VALARM"]
        assert len(alarms) == 1 and alarms[0]["ACTION"] == "DISPLAY"
    assert register.subcomponents[0].decoded("TRIGGER") == -dt.timedelta(days=7)
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_the_calendar_speaks_japanese() -> None:
    cal = Calendar.from_ical(plan_calendar(make_plan(FAMILY, today=TODAY), JA, "ja"))
    assert any("転入届を出す" in str(e["SUMMARY"]) for e in cal.walk("VEVENT"))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_printable_plan_is_a_pdf_with_the_plans_dates(lang: str, tmp_path: Path) -> None:
    pdf = render_guide_plan(make_plan(FAMILY, today=TODAY), i18n.translator(lang), lang)
    assert pdf.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert ("2026年4月15日" if lang == "ja" else "15 Apr 2026") in text
    assert ("児童手当" if lang == "ja" else "child benefit") in text


@pytest.mark.parametrize(
    ("lang", "sample", "font"),
    [
        ("my", "မြန်မာ", "NotoSansMyanmar"),
        ("ne", "नेपाली", "NotoSansDevanagari"),
        ("vi", "Tiếng Việt", "NotoSans"),
        ("ko", "한국어", "HYSMyeongJo-Medium"),
        ("zh", "中文", "STSong-Light"),
    ],
)
def test_the_printable_plan_sets_each_script_in_a_font_that_has_it(
    lang: str, sample: str, font: str
) -> None:
    """Each language's own script in its font, the Japanese terms beside it in the gothic
    CID font (a translation is simulated: the catalogues are not needed to check fonts)."""
    japanese = i18n.translator("ja")

    def t(english: str, japanese_text: str = "", /, **values: object) -> str:
        return f"{sample} {japanese(english, japanese_text, **values)}"

    pdf = render_guide_plan(make_plan(WORKING_HOLIDAY, today=TODAY), t, lang)
    assert pdf.startswith(b"%PDF")
    names = _fonts_used(pdf)
    if (NOTO / "NotoSans-Regular.ttf").exists() or "Noto" not in font:
        assert any(font in name for name in names), names
    assert any("HeiseiKakuGo" in name for name in names)


def test_burmese_is_shaped_in_the_printable_plan(tmp_path: Path) -> None:
    """HarfBuzz puts the medial ra (ြ) around its consonant, before it in the drawn order:
    unshaped, 'ပြီ' (April) was drawn as ပ then ြ, the ra after the letter it wraps. The
    Japanese terms in the same sentences are still drawn (a word of two fonts is split)."""
    if not (NOTO / "NotoSansMyanmar-Regular.ttf").exists() or not shutil.which("pdftotext"):
        pytest.skip("Noto Sans Myanmar (fonts-noto-core) or pdftotext is not installed")
    japanese = i18n.translator("ja")

    def t(english: str, japanese_text: str = "", /, **values: object) -> str:
        return f"ဧပြီ ({japanese(english, japanese_text, **values)})"

    path = tmp_path / "plan.pdf"
    path.write_bytes(render_guide_plan(make_plan(WORKING_HOLIDAY, today=TODAY), t, "my"))
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "ဧ" in text
    assert "\u1015\u103c" not in text  # ပ then ြ: drawn in logical order, i.e. unshaped
    assert "転入届" in text


def _fonts_used(pdf: bytes) -> set[str]:
    import re as _re

    return {m.decode() for m in _re.findall(rb"/BaseFont\s*/([A-Za-z0-9+\-]+)", pdf)}


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_the_representative_acts_until_the_day_before_the_fifteenth_birthday(
    born: dt.date,
) -> None:
    eve = timelines.reaches_age_on(born, representation.REPRESENTED_UNDER)  # the day before
    assert representation.represented_on(born, eve)
    assert not representation.represented_on(born, eve + dt.timedelta(days=1))


@given(st.dates(min_value=dt.date(2024, 12, 2), max_value=dt.date(2030, 12, 31)))
def test_an_infants_card_has_no_photo_until_the_day_before_the_first_birthday(
    born: dt.date,
) -> None:
    eve = timelines.reaches_age_on(born, representation.NO_PHOTO_UNDER)  # the day before
    assert not representation.photo_on_card(born, eve)
    assert representation.photo_on_card(born, eve + dt.timedelta(days=1))
