"""The audit log's purpose column holds a closed vocabulary (issue 15.5): a ``Purpose`` value,
several joined, ``invalid``, or nothing — never text as a caller typed it."""

from __future__ import annotations

import pytest

from mynumber.domain.access import Purpose
from mynumber.domain.registration import RegistrationStatus
from mynumber.services.core.audit import INVALID_PURPOSE, purpose_named, purpose_text


@pytest.mark.parametrize("purpose", list(Purpose))
def test_every_purpose_is_kept_as_its_value(purpose: Purpose) -> None:
    assert purpose_text(purpose) == purpose.value
    assert purpose_named(purpose.value) is purpose


def test_several_purposes_are_kept_sorted_and_joined() -> None:
    both = frozenset({Purpose.TAX, Purpose.SOCIAL_SECURITY})
    assert purpose_text(both) == "social_security,tax"


@pytest.mark.parametrize("typed", ["621498320257", "marketing", "x" * 1_000_000, "tax ", "TAX"])
def test_text_that_is_not_a_purpose_is_kept_as_invalid_never_as_typed(typed: str) -> None:
    assert purpose_named(typed) == INVALID_PURPOSE
    assert purpose_text(typed) == INVALID_PURPOSE  # even if a caller bypasses the types


@pytest.mark.parametrize("nothing", [None, ""])
def test_no_purpose_is_kept_empty(nothing: str | None) -> None:
    assert purpose_named(nothing) is None and purpose_text(nothing) == ""


def test_the_registration_literal_of_the_model_is_the_enums_value() -> None:
    from mynumber.adapters.db.models import ACTIVE, Registration

    assert str(ACTIVE) == f"'{RegistrationStatus.ACTIVE.value}'"
    assert Registration.__table__.c.status.default.arg == RegistrationStatus.ACTIVE.value
