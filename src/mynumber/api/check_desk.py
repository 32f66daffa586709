"""The check desk: PIN checks that arrive together are answered in one transaction.

Every clinic terminal's ``POST /clinic/checks/pin`` hands its check to the desk and waits. The
desk works through one group at a time (``card_checks.check_cards``, then the next nonce for
each accepted terminal, then one commit; on PostgreSQL its round trips awaited in the event
loop, ``adapters.db.async_units``); what arrives meanwhile forms the next group. A quiet
server answers each check alone, at once; a busy one writes, locks the audit chain and commits
once per group instead of once per check (group commit), which is what lets one server keep up
with many terminals (docs/benchmarks.md).

If a group fails as a whole (a database error, not a refusal: refusals are per check), each
of its checks is tried again alone, so one bad check cannot fail the others.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mynumber.adapters.db.async_units import AsyncUnits
from mynumber.bootstrap import System
from mynumber.domain.errors import MyNumberError
from mynumber.services.insurance import checks as card_checks
from mynumber.services.insurance.checks import CardCheck
from mynumber.services.insurance.eligibility import EligibilityAnswer
from mynumber.services.jpki import card_auth
from mynumber.services.jpki.card_auth import Challenge

GROUP_LIMIT = 64
"""At most this many checks per transaction (bounds a group's latency)."""


@dataclass(frozen=True)
class Answered:
    """A check's eligibility answer and the terminal's nonce for the next card."""

    answer: EligibilityAnswer
    next_challenge: Challenge


Waiting = tuple[CardCheck, "asyncio.Future[Answered]"]
Results = list[Answered | BaseException]


class CheckDesk:
    """One per server process; used from the event loop only (no locks needed)."""

    def __init__(self, system: System) -> None:
        self.system = system
        self._waiting: list[Waiting] = []
        self._working = False
        self.groups = 0
        """Groups answered so far (checks per transaction = checks ÷ groups)."""
        # SQLite works in this process's CPU only: its group runs right here. PostgreSQL
        # waits on the network, during which the event loop reads the next requests.
        self._units: AsyncUnits | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def _answer_in_transaction(self, checks: list[CardCheck]) -> Results:
        units = await self._units_here()
        if units is None:
            with self.system.uow() as uow:
                return self._answer_together(uow.session, checks)
        return await units.run(lambda session: self._answer_together(session, checks))

    async def _units_here(self) -> AsyncUnits | None:
        """This loop's units: an asynchronous connection serves the loop it was opened in (a
        test client without its ``with`` runs each request in a loop of its own)."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            earlier = self._units
            self._loop, self._units = loop, self.system.async_units()
            if earlier is not None:
                await earlier.close()
        return self._units

    async def close(self) -> None:
        """Close the desk's connections (the app's lifespan ends)."""
        if self._units is not None:
            await self._units.close()
            self._loop = self._units = None

    async def check(self, check: CardCheck) -> Answered:
        """The answer to ``check``, or its refusal raised."""
        future: asyncio.Future[Answered] = asyncio.get_running_loop().create_future()
        self._waiting.append((check, future))
        if not self._working:
            self._working = True
            asyncio.get_running_loop().create_task(self._work())
        return await future

    async def _work(self) -> None:
        try:
            while self._waiting:
                group = self._waiting[:GROUP_LIMIT]
                del self._waiting[:GROUP_LIMIT]
                await self._answer(group)
        finally:
            self._working = False

    async def _answer(self, group: list[Waiting]) -> None:
        checks = [check for check, _ in group]
        self.groups += 1
        try:
            results = await self._answer_in_transaction(checks)
        except Exception:  # the group failed as a whole: try each alone
            results = [await self._answer_alone(check) for check in checks]
        for (_, future), result in zip(group, results, strict=True):
            if future.cancelled():
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result)

    async def _answer_alone(self, check: CardCheck) -> Answered | BaseException:
        try:
            return (await self._answer_in_transaction([check]))[0]
        except Exception as failed:  # handed to the waiting request
            return failed

    def _answer_together(self, session: Session, checks: list[CardCheck]) -> Results:
        services = self.system.services
        outcomes = card_checks.check_cards(session, services, checks)
        challenges = iter(
            card_auth.issue_challenges(
                session,
                services,
                [
                    check.caller
                    for check, outcome in zip(checks, outcomes, strict=True)
                    if not isinstance(outcome, MyNumberError)
                ],
            )
        )
        session.commit()
        return [
            outcome if isinstance(outcome, MyNumberError) else Answered(outcome, next(challenges))
            for outcome in outcomes
        ]
