"""The pure rules of ``domain.insurance`` (no database): insurer numbers, limit-amount
categories, the income class's co-pay bracket, consent's end, who belongs where."""

from __future__ import annotations

import datetime as dt

import pytest

from mynumber.domain.clock import JST
from mynumber.domain.errors import Conflict, InvalidInput
from mynumber.domain.insurance import (
    IncomeClass,
    InsurerKind,
    LimitCategory,
    check_insurer_for_age,
    consent_expires_at,
    copay_for,
    covered_on,
    income_class_from_remuneration,
    insurer_check_digit,
    limit_category,
    parse_insurer_number,
)
from mynumber.domain.insurance_rules import IncomeBracket

NHI, EMPLOYER, LATE = (
    InsurerKind.NATIONAL_HEALTH_INSURANCE,
    InsurerKind.EMPLOYER,
    InsurerKind.LATE_ELDERLY,
)


@pytest.mark.parametrize(
    ("number", "kind"), [("131011", NHI), ("01130012", EMPLOYER), ("39131008", LATE)]
)
def test_published_insurer_numbers_have_a_valid_check_digit(number: str, kind: InsurerKind) -> None:
    assert insurer_check_digit(number[:-1]) == int(number[-1])
    assert parse_insurer_number(number, kind) == number


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("131012", NHI),
        ("1310110", NHI),
        ("01130012", NHI),
        ("0113001２", EMPLOYER),
        ("39131008", EMPLOYER),
        ("01130012", LATE),
        ("39481007", LATE),  # no 48th prefecture
        ("39001003", LATE),  # nor a 0th
    ],
)
def test_malformed_insurer_numbers_are_refused(number: str, kind: InsurerKind) -> None:
    with pytest.raises(InvalidInput):
        parse_insurer_number(number, kind)


@pytest.mark.parametrize(
    ("monthly", "expected"),
    [
        (830_000, IncomeClass.TOP),
        (790_000, IncomeClass.HIGH),
        (530_000, IncomeClass.HIGH),
        (500_000, IncomeClass.MIDDLE),
        (280_000, IncomeClass.MIDDLE),
        (260_000, IncomeClass.GENERAL),
        (58_000, IncomeClass.GENERAL),
    ],
)
def test_income_class_follows_the_standard_monthly_remuneration(
    monthly: int, expected: IncomeClass
) -> None:
    assert income_class_from_remuneration(monthly) is expected


def test_exemption_from_residence_tax_overrides_the_remuneration() -> None:
    assert income_class_from_remuneration(300_000, tax_exempt=True) is IncomeClass.TAX_EXEMPT
    assert (
        income_class_from_remuneration(0, tax_exempt=True, no_income=True) is IncomeClass.NO_INCOME
    )


BORN = dt.date(1956, 6, 15)  # reaches 70 on 2026-06-14: the 70+ table from 2026-07-01


@pytest.mark.parametrize(
    ("income", "before", "after"),
    [
        (IncomeClass.TOP, LimitCategory.A, LimitCategory.ACTIVE_III),
        (IncomeClass.HIGH, LimitCategory.I, LimitCategory.ACTIVE_II),
        (IncomeClass.MIDDLE, LimitCategory.U, LimitCategory.ACTIVE_I),
        (IncomeClass.GENERAL, LimitCategory.E, LimitCategory.GENERAL),
        (IncomeClass.TAX_EXEMPT, LimitCategory.O, LimitCategory.LOW_II),
        (IncomeClass.NO_INCOME, LimitCategory.O, LimitCategory.LOW_I),
    ],
)
def test_the_limit_category_table_changes_the_month_after_reaching_70(
    income: IncomeClass, before: LimitCategory, after: LimitCategory
) -> None:
    assert (
        limit_category(date_of_birth=BORN, on=dt.date(2026, 6, 30), income_class=income) is before
    )
    assert limit_category(date_of_birth=BORN, on=dt.date(2026, 7, 1), income_class=income) is after


def test_active_worker_income_pays_thirty_percent_from_70() -> None:
    on = dt.date(2026, 8, 1)
    assert (
        copay_for(date_of_birth=BORN, on=on, income_class=IncomeClass.MIDDLE, certain_income=False)
        == 30
    )
    assert (
        copay_for(date_of_birth=BORN, on=on, income_class=IncomeClass.GENERAL, certain_income=False)
        == 20
    )


def test_certain_income_pays_twenty_percent_from_75() -> None:
    born = dt.date(1950, 1, 10)
    on = dt.date(2026, 4, 1)
    assert (
        copay_for(date_of_birth=born, on=on, income_class=IncomeClass.GENERAL, certain_income=True)
        == 20
    )
    assert (
        copay_for(date_of_birth=born, on=on, income_class=IncomeClass.GENERAL, certain_income=False)
        == 10
    )
    assert IncomeBracket.CERTAIN_INCOME  # the bracket insurance_rules decides with


def test_from_75_only_the_late_stage_elderly_system_enrols() -> None:
    born = dt.date(1951, 4, 2)  # 75 on 2026-04-02 (the day before the birthday is the 1st)
    check_insurer_for_age(NHI, date_of_birth=born, on=dt.date(2026, 3, 31))
    with pytest.raises(Conflict):
        check_insurer_for_age(NHI, date_of_birth=born, on=dt.date(2026, 4, 2))
    check_insurer_for_age(LATE, date_of_birth=born, on=dt.date(2026, 4, 2))
    with pytest.raises(Conflict):
        check_insurer_for_age(LATE, date_of_birth=born, on=dt.date(2026, 3, 31))


def test_coverage_counts_both_ends() -> None:
    start, end = dt.date(2026, 4, 1), dt.date(2026, 4, 30)
    assert covered_on(valid_from=start, valid_until=end, on=end)
    assert not covered_on(valid_from=start, valid_until=end, on=end + dt.timedelta(days=1))
    assert covered_on(valid_from=start, valid_until=None, on=dt.date(2040, 1, 1))


def test_consent_holds_until_the_end_of_the_day_in_japan() -> None:
    given = dt.datetime(2026, 4, 1, 23, 30, tzinfo=JST)
    assert consent_expires_at(given) == dt.datetime(2026, 4, 2, 0, 0, tzinfo=JST)
