"""Card checks answered together (``services.card_checks``) and the API's check desk that
groups them (``api.check_desk``): each check is judged on its own merits, only accepted checks
write, one bad check cannot fail the others, and a group costs one transaction."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from mynumber.adapters.db.models import AuditEntry
from mynumber.adapters.db.models_insurance import ClinicVisit
from mynumber.api.check_desk import Answered, CheckDesk
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden, MyNumberError
from mynumber.domain.insurance import Consent, NotInsured, NotRegisteredForInsurance
from mynumber.pki.errors import SignatureInvalid
from mynumber.services.core.audit import verify_chain
from mynumber.services.core.context import Caller
from mynumber.services.insurance import clinic
from mynumber.services.insurance.checks import CardCheck, check_cards
from mynumber.services.insurance.eligibility import EligibilityAnswer
from mynumber.services.jpki import card_auth
from mynumber.services.jpki.card_auth import CardNotActive, ChallengeReplayed, ChallengeUnknown
from tests.integration.clinic_support import (
    AUTH_PIN,
    Patient,
    World,
    insured_patient,
    make_card,
    set_card,
    setup_world,
)


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


def nonces(system: System, who: Caller, count: int) -> list[bytes]:
    with system.uow() as uow:
        issued = card_auth.issue_challenges(uow.session, system.services, [who] * count)
        uow.commit()
    return [c.nonce for c in issued]


def pin_check(who: Caller, patient: Patient, nonce: bytes, **kw: object) -> CardCheck:
    """The card answers ``nonce`` after the PIN at the terminal."""
    answer = clinic.answer_at_terminal(patient.chip, pin=AUTH_PIN, nonce=nonce)
    return CardCheck(
        who, answer.certificate_der, "pin", nonce=nonce, signature=answer.signature, **kw
    )  # type: ignore[arg-type]


def run(system: System, checks: list[CardCheck]) -> list[EligibilityAnswer | MyNumberError]:
    with system.uow() as uow:
        outcomes = check_cards(uow.session, system.services, checks)
        uow.commit()
    return outcomes


def visits_of(system: System, person_id: int) -> int:
    with system.uow() as uow:
        return (
            uow.session.scalar(
                select(func.count())
                .select_from(ClinicVisit)
                .where(ClinicVisit.person_id == person_id)
            )
            or 0
        )


def actions_about(system: System, person_id: int) -> Counter[str]:
    with system.uow() as uow:
        return Counter(
            uow.session.scalars(select(AuditEntry.action).where(AuditEntry.person_id == person_id))
        )


def test_a_group_judges_each_check_on_its_own_and_only_accepted_checks_write(
    system: System, world: World
) -> None:
    good, other = insured_patient(system, world), insured_patient(system, world)
    unregistered = insured_patient(system, world, insurance_use=False)
    lost = insured_patient(system, world)
    set_card(system, lost.serial, status="suspended")  # reported lost
    uninsured = make_card(system)
    n = nonces(system, world.clinic, 6)
    forged = pin_check(world.clinic, other, n[5])
    forged = CardCheck(
        world.clinic,
        pin_check(world.clinic, good, n[5]).certificate_der,
        "pin",
        nonce=n[5],
        signature=forged.signature,
    )  # good's certificate, other's key
    checks = [
        pin_check(world.clinic, good, n[0]),
        pin_check(world.clinic, unregistered, n[1]),
        pin_check(world.clinic, lost, n[2]),
        pin_check(world.clinic, uninsured, n[3]),
        pin_check(world.clinic, other, n[4]),
        forged,
    ]
    outcomes = run(system, checks)
    assert isinstance(outcomes[0], EligibilityAnswer) and outcomes[0].eligible
    # a check carries no consent: the patient gives it at the terminal afterwards
    assert outcomes[0].limit_category is None and outcomes[0].consent == Consent()
    assert isinstance(outcomes[1], NotRegisteredForInsurance)
    assert isinstance(outcomes[2], CardNotActive)
    assert isinstance(outcomes[3], NotInsured)
    assert isinstance(outcomes[4], EligibilityAnswer) and outcomes[4].limit_category is None
    assert isinstance(outcomes[5], SignatureInvalid)
    assert outcomes[0].visit_id != outcomes[4].visit_id
    assert [visits_of(system, p.person_id) for p in (good, unregistered, lost, uninsured)] == [
        1,
        0,
        0,
        0,
    ]
    assert actions_about(system, good.person_id)["eligibility_check"] == 1
    assert actions_about(system, good.person_id)["card_authentication"] == 1
    for refused in (unregistered, lost, uninsured):
        assert not {"eligibility_check", "card_authentication"} & set(
            actions_about(system, refused.person_id)
        )
    with system.uow() as uow:
        assert verify_chain(uow.session).ok


def test_a_refused_check_spends_its_nonce(system: System, world: World) -> None:
    unregistered = insured_patient(system, world, insurance_use=False)
    (nonce,) = nonces(system, world.clinic, 1)
    assert isinstance(
        run(system, [pin_check(world.clinic, unregistered, nonce)])[0], NotRegisteredForInsurance
    )
    again = run(system, [pin_check(world.clinic, unregistered, nonce, register_insurance_use=True)])
    assert isinstance(again[0], ChallengeReplayed)


def test_another_clinics_nonce_is_unknown_and_stays_usable_by_its_owner(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    with system.uow() as uow:
        second = clinic.create_clinic(
            uow.session, system.services, code="1310154321", name="Ochanomizu Clinic"
        )
        uow.commit()
    neighbour = Caller(name="Ochanomizu Clinic", role=Role.CLINIC, scope_id=second.id)
    (theirs,) = nonces(system, neighbour, 1)
    (mine,) = nonces(system, world.clinic, 1)
    outcomes = run(
        system, [pin_check(world.clinic, patient, theirs), pin_check(world.clinic, patient, mine)]
    )
    assert isinstance(outcomes[0], ChallengeUnknown)
    assert isinstance(outcomes[1], EligibilityAnswer)
    assert isinstance(run(system, [pin_check(neighbour, patient, theirs)])[0], EligibilityAnswer)


def test_a_caller_that_is_no_clinic_is_refused_without_spending_anything(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    (nonce,) = nonces(system, world.clinic, 1)
    unbound = Caller(name=world.clinic.name, role=Role.CLINIC, scope_id=None)
    assert isinstance(run(system, [pin_check(unbound, patient, nonce)])[0], Forbidden)
    assert isinstance(run(system, [pin_check(world.clinic, patient, nonce)])[0], EligibilityAnswer)


def at_once(
    desk: CheckDesk, checks: list[CardCheck], *, close: bool = True
) -> list[Answered | BaseException]:
    """The checks sent together, as concurrent requests would; in a thread with its own event
    loop (the browser tests keep one running in the main thread). The desk's connections are
    closed in that loop afterwards, as the app's lifespan does, unless ``close`` is false."""

    async def together() -> list[Answered | BaseException]:
        try:
            return await asyncio.gather(*(desk.check(c) for c in checks), return_exceptions=True)
        finally:
            if close:
                await desk.close()

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, together()).result()


def test_checks_arriving_together_share_transactions_and_each_gets_a_fresh_nonce(
    system: System, world: World
) -> None:
    patients = [insured_patient(system, world) for _ in range(3)]
    n = nonces(system, world.clinic, 12)
    checks = [pin_check(world.clinic, patients[i % 3], nonce) for i, nonce in enumerate(n)]
    checks[5] = pin_check(world.clinic, patients[0], n[0])  # replays the first check's nonce
    desk = CheckDesk(system)
    results = at_once(desk, checks)
    assert isinstance(results[5], ChallengeReplayed)
    answered = [r for r in results if isinstance(r, Answered)]
    assert len(answered) == 11 and desk.groups < 12
    following = {a.next_challenge.nonce for a in answered}
    assert len(following) == 11 and not following & set(n)
    again = run(system, [pin_check(world.clinic, patients[0], answered[0].next_challenge.nonce)])
    assert isinstance(again[0], EligibilityAnswer)


def test_sixty_checks_arriving_together_are_one_transaction(
    system: System, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group of 60 writes 120 audit entries and 60 visits and nonces: more rows than one
    INSERT of arrays takes on PostgreSQL's synchronous path (``bulk_insert.FEW_ROWS``), which
    the desk's asynchronous connection writes that way all the same."""
    patients = [insured_patient(system, world) for _ in range(3)]
    n = nonces(system, world.clinic, 60)
    checks = [pin_check(world.clinic, patients[i % 3], nonce) for i, nonce in enumerate(n)]

    def never(_desk: CheckDesk, check: CardCheck) -> None:
        raise AssertionError("the group failed as a whole and was answered check by check")

    monkeypatch.setattr(CheckDesk, "_answer_alone", never)
    desk = CheckDesk(system)
    results = at_once(desk, checks)
    assert desk.groups == 1
    assert all(isinstance(r, Answered) for r in results), results
    assert len({r.next_challenge.nonce for r in results if isinstance(r, Answered)}) == 60
    assert sum(visits_of(system, p.person_id) for p in patients) == 60
    assert sum(actions_about(system, p.person_id)["eligibility_check"] for p in patients) == 60
    with system.uow() as uow:
        assert verify_chain(uow.session).ok


def test_the_desk_closes_an_earlier_event_loops_connections(system: System, world: World) -> None:
    """On PostgreSQL the desk's connections belong to the event loop that opened them. A test
    client without its ``with`` runs each request in a loop of its own: the desk closes the
    earlier loop's connections when a new loop asks, so they do not pile up on the server."""
    if system.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's groups run in the event loop's own thread, on the system's engine")
    patient = insured_patient(system, world)
    desk = CheckDesk(system)
    at_once(desk, [pin_check(world.clinic, patient, nonces(system, world.clinic, 1)[0])])
    before = backends(system)
    for nonce in nonces(system, world.clinic, 5):
        (result,) = at_once(desk, [pin_check(world.clinic, patient, nonce)], close=False)
        assert isinstance(result, Answered)
    assert wait_for_backends(system, at_most=before + 1) <= before + 1
    at_once(desk, [])  # the last loop's connection, closed


def test_a_connection_the_server_dropped_costs_the_desk_no_check(
    system: System, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desk's pooled connection is not pinged before each group (a round trip of its
    own): when the server has dropped it, the next group fails on it and its checks are
    answered one by one on a fresh connection."""
    if system.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    patient = insured_patient(system, world)
    first, second = (pin_check(world.clinic, patient, n) for n in nonces(system, world.clinic, 2))
    desk = CheckDesk(system)
    alone: list[CardCheck] = []
    answer_alone = CheckDesk._answer_alone

    async def counted(self: CheckDesk, check: CardCheck) -> Answered | BaseException:
        alone.append(check)
        return await answer_alone(self, check)

    monkeypatch.setattr(CheckDesk, "_answer_alone", counted)

    async def check_drop_check() -> list[Answered | BaseException]:
        try:
            others = backend_pids(system)
            before = await desk.check(first)
            desks = backend_pids(system) - others
            assert desks, "the desk held no connection to drop"
            with system.engine.connect() as conn:
                conn.execute(
                    text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"),
                    {"pids": sorted(desks)},
                )
            after = await asyncio.gather(desk.check(second), return_exceptions=True)
            return [before, *after]
        finally:
            await desk.close()

    with ThreadPoolExecutor(1) as thread:
        results = thread.submit(asyncio.run, check_drop_check()).result()
    assert all(isinstance(r, Answered) for r in results), results
    assert desk.groups == 2
    assert alone == [second]  # its group failed on the dropped connection, then it alone passed
    assert visits_of(system, patient.person_id) == 2


def backend_pids(system: System) -> set[int]:
    with system.engine.connect() as conn:
        return set(
            conn.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        )


def backends(system: System) -> int:
    with system.engine.connect() as conn:
        return int(
            conn.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
            )
            or 0
        )


def wait_for_backends(system: System, *, at_most: int) -> int:
    """The server's backends for this database, once at most ``at_most`` (a closed
    connection's backend leaves a moment after its client), or after 10 s what there is."""
    deadline = time.monotonic() + 10
    while (count := backends(system)) > at_most and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


def test_a_group_that_fails_as_a_whole_is_answered_check_by_check(
    system: System, world: World
) -> None:
    """PostgreSQL refuses a relying-party name longer than its column when the next nonce is
    stored: that one check's transaction fails, and the others in its group still pass."""
    if system.engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not enforce VARCHAR lengths")
    patient = insured_patient(system, world)
    n = nonces(system, world.clinic, 2)
    too_long = Caller(name="K" * 150, role=Role.CLINIC, scope_id=world.clinic_id)
    checks = [
        pin_check(world.clinic, patient, n[0]),
        CardCheck(too_long, pin_check(world.clinic, patient, n[1]).certificate_der, "face"),
        pin_check(world.clinic, patient, n[1]),
    ]
    results = at_once(CheckDesk(system), checks)
    assert isinstance(results[0], Answered) and isinstance(results[2], Answered)
    assert isinstance(results[1], Exception) and not isinstance(results[1], MyNumberError)
    assert visits_of(system, patient.person_id) == 2
    with system.uow() as uow:
        assert verify_chain(uow.session).ok
