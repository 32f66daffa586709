"""The employer's rules for the My Number (domain.employment_rules), without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from mynumber.domain.access import Purpose
from mynumber.domain.employment_rules import (
    NumberProof,
    StaffAction,
    StaffRole,
    check_collection_purposes,
    check_confirmation,
    check_employee_code,
    latest_deletable_leaving,
    must_delete,
    require_staff_role,
    retention_ends_on,
)
from mynumber.domain.errors import Forbidden, InvalidInput, PurposeNotAllowed
from mynumber.domain.registration import IdDocument


def test_retention_ends_on_10_january_of_the_8th_year_after_leaving() -> None:
    assert retention_ends_on(dt.date(2026, 9, 30)) == dt.date(2034, 1, 10)
    assert retention_ends_on(dt.date(2026, 1, 1)) == dt.date(2034, 1, 10)
    assert retention_ends_on(dt.date(2026, 12, 31)) == dt.date(2034, 1, 10)


def test_the_number_must_be_deleted_only_after_leaving_and_retention() -> None:
    left = dt.date(2026, 9, 30)
    assert not must_delete(None, dt.date(2100, 1, 1))  # still employed: kept
    assert not must_delete(left, dt.date(2033, 12, 31))  # 7 years not yet over
    assert not must_delete(left, dt.date(2034, 1, 10))
    assert must_delete(left, dt.date(2034, 1, 11))


@pytest.mark.parametrize(
    "today",
    [dt.date(2034, 1, 10), dt.date(2034, 1, 11), dt.date(2035, 6, 1), dt.date(2035, 12, 31)],
)
def test_the_sweep_query_bound_agrees_with_the_rule(today: dt.date) -> None:
    bound = latest_deletable_leaving(today)
    assert must_delete(bound, today)
    assert not must_delete(bound + dt.timedelta(days=1), today)


def test_employers_may_state_only_tax_and_social_security() -> None:
    assert check_collection_purposes(["tax", "social_security", "tax"]) == {
        Purpose.TAX,
        Purpose.SOCIAL_SECURITY,
    }
    for bad in ("employee_id", "resident_registry", "disaster_response", "own_record", ""):
        with pytest.raises(PurposeNotAllowed):
            check_collection_purposes(["tax", bad])
    with pytest.raises(InvalidInput):
        check_collection_purposes([])


def test_the_card_proves_both_number_and_identity() -> None:
    assert check_confirmation(NumberProof.MY_NUMBER_CARD, None) is IdDocument.MY_NUMBER_CARD


def test_other_number_proofs_need_a_photo_id() -> None:
    assert (
        check_confirmation(NumberProof.RESIDENT_RECORD_WITH_NUMBER, "passport")
        is IdDocument.PASSPORT
    )
    for identity in (None, "notification_letter", "moving_out_certificate", "nonsense"):
        with pytest.raises(InvalidInput):
            check_confirmation(NumberProof.RESIDENT_RECORD_WITH_NUMBER, identity)


def test_the_notification_letter_never_proves_the_number() -> None:
    with pytest.raises(InvalidInput, match="cannot prove"):
        check_confirmation(NumberProof.NOTIFICATION_LETTER, "passport")


def test_the_notification_card_proves_it_only_while_its_details_match() -> None:
    with pytest.raises(InvalidInput):
        check_confirmation(NumberProof.NOTIFICATION_CARD, "passport")
    assert (
        check_confirmation(NumberProof.NOTIFICATION_CARD, "passport", details_match=True)
        is IdDocument.PASSPORT
    )


@pytest.mark.parametrize(
    ("role", "action", "allowed"),
    [
        (StaffRole.PAYROLL, StaffAction.READ_NUMBER, True),
        (StaffRole.HR, StaffAction.READ_NUMBER, False),
        (StaffRole.MANAGER, StaffAction.READ_NUMBER, False),
        (StaffRole.HR, StaffAction.COLLECT_NUMBER, False),
        (StaffRole.HR, StaffAction.SLIP_TAX_OFFICE, False),
        (StaffRole.HR, StaffAction.SLIP_EMPLOYEE, True),
        (StaffRole.HR, StaffAction.REQUEST_ELIGIBILITY_LETTER, True),
        (StaffRole.PAYROLL, StaffAction.MANAGE_STAFF, False),
    ],
)
def test_staff_roles(role: StaffRole, action: StaffAction, allowed: bool) -> None:
    if allowed:
        require_staff_role(role, action)
    else:
        with pytest.raises(Forbidden):
            require_staff_role(role, action)


def test_only_payroll_may_touch_the_number() -> None:
    number_actions = (
        StaffAction.COLLECT_NUMBER,
        StaffAction.READ_NUMBER,
        StaffAction.SLIP_TAX_OFFICE,
    )
    for role in StaffRole:
        for action in number_actions:
            if role is StaffRole.PAYROLL:
                require_staff_role(role, action)
            else:
                with pytest.raises(Forbidden):
                    require_staff_role(role, action)


def test_an_employee_code_may_not_be_a_my_number() -> None:
    with pytest.raises(PurposeNotAllowed):
        check_employee_code("6214-9832-0257")
    check_employee_code("621498320258")  # not a valid number
    check_employee_code("E-0001")
    with pytest.raises(InvalidInput):
        check_employee_code("  ")
