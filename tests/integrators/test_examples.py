"""The examples in docs/integrators.md run as written, in order, against a real sandbox (the
environment variables the page tells the newcomer to set point at it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.integrators.conftest import ROOT, Sandbox

PAGE = ROOT / "docs" / "integrators.md"


def examples(page: Path) -> list[str]:
    """The page's Python code blocks, in order."""
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)


def test_the_page_has_the_clinic_and_payroll_examples() -> None:
    code = "\n".join(examples(PAGE))
    assert "clinic_check_with_pin" in code and "employer_read_number" in code


def test_the_examples_run_against_the_sandbox(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("SANDBOX_ADMIN_TOKEN", sandbox.admin_token)
    monkeypatch.setenv("SANDBOX_CARD", sandbox.demo_card)
    namespace: dict[str, object] = {"__name__": "integrators_example"}
    for number, block in enumerate(examples(PAGE), start=1):
        exec(compile(block, f"{PAGE.name} example {number}", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "GARCIA MARIA eligible" in printed
    assert os.environ["SANDBOX_CARD"] == sandbox.demo_card


def test_the_journey_imports_nothing_of_the_project() -> None:
    """An integrator has the client and the HTTP API, never the service's own modules."""
    for module in (
        Path(__file__).parent / "test_journey.py",
        Path(__file__).parent / "conftest.py",
    ):
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+mynumber\b", source, re.MULTILINE), module
