"""The whole service's OpenAPI spec, fuzzed with schemathesis against the ASGI app (SQLite):
no request, however malformed, gets a 500 or a response that breaks the spec (DESIGN.md).

Each operation gets a bounded number of generated cases (derandomised, so a failure
reproduces); employer routes are called with a payroll staff token over seeded employees, the
others with a demo organisation token.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from mynumber.adapters.mail import PostOffice
from mynumber.api.app import create_app
from mynumber.bootstrap import System, build_system
from mynumber.card.keys import KeyPool
from mynumber.config import Settings
from mynumber.demo.data import (
    IMMIGRATION_BUREAU,
    seed_demo_residents,
    seed_demo_tokens,
    seed_municipalities,
)
from mynumber.domain.clock import SimulatedClock
from mynumber.services.immigration import bureaus
from tests.conftest import START, TEST_MASTER_KEY
from tests.integration.employer_support import (
    UNREGISTERED_NUMBER,
    collect,
    hire,
    make_company,
)

if TYPE_CHECKING:
    import schemathesis

# schemathesis (~120 modules, ~0.13 s of CPU) is imported by the test, not when the module is
# collected: every pytest-xdist worker collects every module, one runs it.

EXAMPLES = 8


@pytest.fixture
def fuzzed(
    tmp_path: Path, sqlite_template: Path, key_source: KeyPool, ca_template: Path
) -> Iterator[tuple[System, dict[str, str]]]:
    """A seeded SQLite system, and a token per kind of route."""
    shutil.copy(sqlite_template, tmp_path / "mynumber.sqlite3")
    shutil.copy(sqlite_template, tmp_path / "mynumber-chips.sqlite3")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'mynumber.sqlite3'}",
        data_dir=tmp_path / "var",
        master_key=TEST_MASTER_KEY,
    )
    shutil.copytree(ca_template, settings.data_dir / "ca")
    system = build_system(
        settings,
        clock=SimulatedClock(START),
        post=PostOffice(),
        key_source=key_source,
        run_migrations=False,
    )
    with system.uow() as uow:
        seed_municipalities(uow.session)
        bureau = bureaus.create_bureau(
            uow.session, system.services, name="Tokyo", name_ja="東京", prefectures=["13"]
        )
        demo = seed_demo_tokens(
            uow.session, system.services, scopes={IMMIGRATION_BUREAU: bureau.id}
        )
        seed_demo_residents(uow.session, system.services)
        uow.commit()
    company = make_company(system)
    collect(system, company, hire(system, company), UNREGISTERED_NUMBER)
    hire(system, company, code="E-0002")
    tokens = {t.role.value: t.token for t in reversed(demo)}
    tokens["employer"] = company.tokens[company.payroll.role]
    yield system, tokens
    system.close()


def _token_for(path: str, tokens: dict[str, str]) -> str:
    for prefix, role in (
        ("/employer", "employer"),
        ("/insurer", "insurer"),
        ("/clinic", "clinic"),
        ("/tax-office", "tax_office"),
        ("/kiosk", "kiosk"),
        ("/card-centre", "card_centre"),
        ("/immigration", "immigration"),
    ):
        if path.startswith(prefix):
            return tokens[role]
    return tokens["ward_office"]


def test_no_operation_answers_500_or_breaks_its_schema(
    fuzzed: tuple[System, dict[str, str]],
) -> None:
    import schemathesis

    system, tokens = fuzzed
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(system))
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        headers = {"Authorization": f"Bearer {_token_for(operation.path, tokens)}"}
        failures.extend(_fuzz(operation, headers))
    assert not failures, "\n".join(sorted(set(failures)))


def _fuzz(operation: object, headers: dict[str, str]) -> list[str]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    checks = [not_a_server_error, response_schema_conformance]
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())  # type: ignore[attr-defined]
    def run(case: schemathesis.Case) -> None:
        label = f"{case.method} {case.path}"
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the app raised through the transport: a 500
            found.append(
                f"{label}: {type(exc).__name__} on {case.path_parameters} "
                f"{case.query} {str(case.body)[:200]}"
            )
            return
        try:
            case.validate_response(response, checks=checks)
        except Exception as exc:
            found.append(
                f"{label}: {response.status_code} {str(exc).splitlines()[0][:200]} "
                f"on {case.path_parameters} {case.query} {str(case.body)[:200]}"
            )

    with contextlib.suppress(Unsatisfiable):
        run()
    return found
