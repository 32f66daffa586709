"""The expired user-authentication certificate's grace at clinics (RULES.md "expired
certificate"; 厚生労働省): eligibility until 3 months after the end of the month of expiry."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import fields, replace

from hypothesis import given
from hypothesis import strategies as st

from mynumber import i18n
from mynumber.domain.guide import en, make_plan
from mynumber.domain.insurance import Consent, InsuredRecord, eligibility_answer
from mynumber.domain.insurance_rules import (
    expired_certificate_grace_ends,
    in_expired_certificate_grace,
)
from tests.unit.test_guide import NEWCOMER

DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2098, 12, 31))
MONTH_ENDS = st.builds(
    lambda y, m: dt.date(y, m, calendar.monthrange(y, m)[1]),
    st.integers(2000, 2098),
    st.integers(1, 12),
)
LEAP_DAYS = st.sampled_from([dt.date(y, 2, 29) for y in range(2000, 2099, 4)])


@given(st.one_of(DAYS, MONTH_ENDS, LEAP_DAYS))
def test_the_grace_ends_on_the_last_day_of_the_third_month_after_expiry(
    expires_on: dt.date,
) -> None:
    ends = expired_certificate_grace_ends(expires_on)
    months_after = (ends.year - expires_on.year) * 12 + ends.month - expires_on.month
    assert months_after == 3
    assert ends.day == calendar.monthrange(ends.year, ends.month)[1]  # a month's last day
    # the same for every day of the month of expiry
    assert ends == expired_certificate_grace_ends(expires_on.replace(day=1))
    assert in_expired_certificate_grace(expires_on, expires_on + dt.timedelta(days=1))
    assert in_expired_certificate_grace(expires_on, ends)
    assert not in_expired_certificate_grace(expires_on, ends + dt.timedelta(days=1))
    assert not in_expired_certificate_grace(expires_on, expires_on)  # still valid that day


def test_examples_including_29_february_and_the_year_end() -> None:
    assert expired_certificate_grace_ends(dt.date(2026, 1, 15)) == dt.date(2026, 4, 30)
    assert expired_certificate_grace_ends(dt.date(2028, 2, 29)) == dt.date(2028, 5, 31)
    assert expired_certificate_grace_ends(dt.date(2026, 11, 30)) == dt.date(2027, 2, 28)
    assert expired_certificate_grace_ends(dt.date(2027, 11, 2)) == dt.date(2028, 2, 29)
    assert expired_certificate_grace_ends(dt.date(2026, 12, 31)) == dt.date(2027, 3, 31)


def test_the_answer_in_the_grace_tells_the_holder_to_renew() -> None:
    values: dict[str, object] = {f.name: "1" for f in fields(InsuredRecord)}
    values.update(
        valid_from=dt.date(2026, 1, 1),
        valid_until=None,
        date_of_birth=dt.date(1990, 1, 1),
        income_class="general",
        certain_income=False,
        enrolment_id=1,
    )
    record = InsuredRecord(**values)  # type: ignore[arg-type]
    plain = eligibility_answer(
        record, visit_id=1, method="pin", consent=Consent(), today=dt.date(2026, 6, 1)
    )
    graced = eligibility_answer(
        record,
        visit_id=1,
        method="pin",
        consent=Consent(),
        today=dt.date(2026, 6, 1),
        certificate_grace_until=dt.date(2026, 8, 31),
    )
    assert plain.certificate_grace_until is None and "renew" not in plain.message_en
    assert graced.eligible and graced.certificate_grace_until == dt.date(2026, 8, 31)
    assert "renew it at the ward office" in graced.message_en
    assert "更新してください" in graced.message_ja and "2026-08-31" in graced.message_en


def test_the_guide_names_the_grace_from_the_same_rule() -> None:
    answers = replace(
        NEWCOMER,
        status_of_residence="Permanent Resident",
        period_of_stay_ends=None,
        registered_on=dt.date(2026, 3, 30),
        letter_arrived=True,
        applied_on=dt.date(2026, 4, 10),
        notice_arrived=True,
        card_collected_on=dt.date(2026, 5, 20),
    )
    step = make_plan(answers, today=dt.date(2026, 6, 2)).step("certificates_expiry")
    assert step.on is not None
    grace = expired_certificate_grace_ends(step.on)
    text_en, text_ja = step.text(i18n.translator("en")), step.text(i18n.translator("ja"))
    assert f"until {en(grace)} (eligibility only" in text_en
    assert "資格確認のみ" in text_ja and "e-Tax stop" in text_en


def test_the_guide_names_no_grace_when_the_card_lapses_with_the_certificates() -> None:
    answers = replace(NEWCOMER, period_of_stay_ends=dt.date(2028, 9, 30))
    step = make_plan(answers, today=dt.date(2026, 6, 2)).step("certificates_expiry")
    assert "eligibility only" not in step.text(i18n.translator("en"))
