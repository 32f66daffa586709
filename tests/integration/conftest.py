"""Fixtures shared by the integration tests (the builders are plain functions in the
``*_support`` and ``helpers`` modules)."""

from __future__ import annotations

import pytest

from mynumber.bootstrap import System
from tests.staff_login import cheap_passwords  # noqa: F401  (autouse: cheap Argon2 in tests)


@pytest.fixture
def cards(system: System) -> System:
    """The system for the card-lifecycle tests (on SQLite its card store is a file of its own,
    as the bootstrap makes it)."""
    return system
