"""PostgreSQL: a group of clinic checks runs the same statement texts whatever its size, so
the server parses and plans each once (psycopg prepares a text it has run five times), and
then keeps the generic plan rather than planning again for each group's values."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from mynumber.bootstrap import System
from mynumber.domain.clock import SimulatedClock
from mynumber.services.insurance.checks import check_cards
from mynumber.services.insurance.eligibility import EligibilityAnswer
from mynumber.services.jpki import card_auth
from tests.conftest import reset_postgres
from tests.integration.clinic_support import World, insured_patient, setup_world
from tests.integration.test_card_checks import nonces, pin_check

GROUP_SIZES = [*range(1, 8), *range(7, 0, -1)]
"""Fourteen groups of seven different sizes: a text that changed with the size would be run
at most twice, never five times; a prepared one runs its custom plans (PostgreSQL makes five
before it weighs the generic plan), then the generic one."""


@pytest.fixture
def db_url(pg_url: str) -> str:
    """PostgreSQL only (SQLite has no server-side plans to keep)."""
    reset_postgres(pg_url)
    return pg_url


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


def test_groups_of_any_size_run_prepared_statements(system: System, world: World) -> None:
    patients = [insured_patient(system, world) for _ in range(3)]
    issued = iter(nonces(system, world.clinic, sum(GROUP_SIZES)))
    with system.uow() as uow:  # one connection: its prepared statements are its own
        for size in GROUP_SIZES:
            checks = [
                pin_check(world.clinic, patients[i % len(patients)], next(issued))
                for i in range(size)
            ]
            outcomes = check_cards(uow.session, system.services, checks)
            assert all(isinstance(o, EligibilityAnswer) for o in outcomes), outcomes
            card_auth.issue_challenges(uow.session, system.services, [world.clinic] * size)
        plans = {
            statement: generic
            for statement, generic in uow.session.execute(
                text("SELECT statement, generic_plans FROM pg_prepared_statements")
            )
        }
        uow.commit()
    prepared = list(plans)

    def count(start: str) -> int:
        return sum(" ".join(s.split()).upper().startswith(start) for s in prepared)

    assert count("SELECT CERTIFICATES.SERIAL") == 1  # the joined card read
    assert count("UPDATE CARD_AUTH_CHALLENGES SET USED_AT") == 1  # the nonces spent
    assert count("INSERT INTO CLINIC_VISITS") == 1
    assert count("INSERT INTO AUDIT_LOG") == 1
    assert count("INSERT INTO CARD_AUTH_CHALLENGES") == 1  # the next nonces
    # The joined card read over the partitioned tables: its generic plan, once chosen, is kept
    # (with ``= ANY(array)`` PostgreSQL found the generic plan dearer than planning for the
    # values, and planned every run: ~1.5 ms, more than running it).
    (card_read,) = [s for s in prepared if " ".join(s.split()).upper().startswith("SELECT CERT")]
    assert plans[card_read] > 0, plans


def test_spending_nonces_looks_each_up_by_its_key(
    system: System, world: World, clock: SimulatedClock
) -> None:
    """However many nonces are unexpired (a busy day's terminals hold thousands), a group's
    spend finds its own by the primary key rather than walking the unexpired ones."""
    nonces(system, world.clinic, 500)
    clock.advance(minutes=10)
    with system.engine.connect() as conn:  # answered and expired: the statistics see only them
        conn.execute(text("UPDATE card_auth_challenges SET used_at = issued_at"))
        conn.execute(text("ANALYZE card_auth_challenges"))
        conn.commit()
    wanted = nonces(system, world.clinic, 2000)[:16]
    statement = card_auth._SPEND.on("postgresql").compile(dialect=system.engine.dialect)
    hex_nonces = ",".join(n.hex() for n in wanted)  # hex digits: safe as a literal
    with system.engine.connect() as conn:
        conn.execute(text("SET plan_cache_mode = force_generic_plan"))  # as once prepared
        conn.exec_driver_sql(f"PREPARE spend AS {_numbered(str(statement))}")
        plan = "\n".join(
            conn.exec_driver_sql(
                f"EXPLAIN EXECUTE spend('{clock.now().isoformat()}', '{{{hex_nonces}}}')"
            ).scalars()
        )
        conn.rollback()
    assert "card_auth_challenges_pkey" in plan, plan


def _numbered(sql: str) -> str:
    """A psycopg statement's ``%(name)s`` placeholders as PREPARE's ``$1``, ``$2`` (``now``
    first, as the statement binds it first)."""
    return sql.replace("%(now)s", "$1").replace("%(nonces)s", "$2")
