"""docs/integrators.md's examples are there, and the integrators' tests use the project only
as an integrator would. The examples themselves run against the sandbox in test_journey.py,
before the journey: one module, so one sandbox for both (a session fixture is made once per
xdist worker, and ``--dist loadscope`` may send two modules to two workers: a second sandbox
cost ~15 s of CPU)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integrators.conftest import examples


def test_the_page_has_the_clinic_and_payroll_examples() -> None:
    code = "\n".join(examples())
    assert "clinic_check_with_pin" in code and "employer_read_number" in code


def test_the_journey_imports_nothing_of_the_project() -> None:
    """An integrator has the client and the HTTP API, never the service's own modules."""
    for module in (
        Path(__file__).parent / "test_journey.py",
        Path(__file__).parent / "conftest.py",
    ):
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+mynumber\b", source, re.MULTILINE), module
