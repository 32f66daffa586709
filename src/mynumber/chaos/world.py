"""The residents whose cards wait at the counter, made before a round starts.

A card takes one to two months from application to pickup notice, and the service runs on
the wall clock, so the traffic cannot wait for one. Before each round the harness walks a
few residents through the first half of the journey on a simulated clock that ends today —
moving in, applying at the counter, the card made, the pickup notice delivered, enrolled in
National Health Insurance — through the same services the counters use (as the demo world
does for its resident). The round's traffic then collects their cards over HTTP.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import string
from dataclasses import dataclass

from sqlalchemy import select

from mynumber.adapters.db.models_card import CardApplication
from mynumber.adapters.db.models_insurance import Insurer
from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.bootstrap import System
from mynumber.demo.world import NHI_NUMBER
from mynumber.domain.access import Role
from mynumber.domain.cards import Channel
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.insurance import IncomeClass, InsuredNumbers
from mynumber.domain.photo_rules import PhotoDeclaration
from mynumber.domain.registration import MovingIn, build_moving_in
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.core.context import Caller, Services
from mynumber.services.flows import moving
from mynumber.services.insurance import insurer

MUNICIPALITY = "131016"  # Chiyoda: the demo tokens' ward office
WARD = Caller(
    name="Chiyoda City ward office", role=Role.WARD_OFFICE, municipality_code=MUNICIPALITY
)
BORN = dt.date(1990, 5, 17)
DAYS_BACK = 60


def letters(n: int, width: int = 5) -> str:
    """``n`` written with the letters A–Z (names take no digits)."""
    out = []
    for _ in range(width):
        n, r = divmod(n, 26)
        out.append(string.ascii_uppercase[r])
    return "".join(reversed(out))


@dataclass(frozen=True)
class Applicant:
    """A resident as the harness knows them: enough to show identity at the counter."""

    name: str
    residence_card_number: str
    date_of_birth: dt.date = BORN


@dataclass(frozen=True)
class WaitingCard:
    """A made card waiting at the ward office for its holder."""

    holder: Applicant
    application_id: str
    serial: str


class Names:
    """Unique names and residence card numbers for one run (``tag`` keeps runs apart)."""

    def __init__(self, tag: int) -> None:
        self._tag = letters(tag, 3)
        self._count = itertools.count(1)

    def next(self, kind: str) -> Applicant:
        n = next(self._count)
        return Applicant(
            name=f"CHAOS {kind} {self._tag} {letters(n)}",
            residence_card_number=f"CH{n:08d}{self._tag[:2]}",
        )


def moving_in(applicant: Applicant, today: dt.date) -> MovingIn:
    """A foreign resident's 転入届, filed ``today``."""
    return build_moving_in(
        name_latin=applicant.name,
        date_of_birth=applicant.date_of_birth,
        sex="F",
        nationality="FR",
        address="1-1 Chiyoda, Chiyoda-ku, Tokyo",
        started_living_on=today - dt.timedelta(days=3),
        filed_on=today,
        id_documents=["residence_card", "passport"],
        residence_card_number=applicant.residence_card_number,
        status_of_residence="Engineer/Specialist",
        period_of_stay_ends=today + dt.timedelta(days=3 * 365),
    )


def moving_in_form(applicant: Applicant, today: dt.date) -> dict[str, object]:
    """The same 転入届 as the ward office's API takes it (JSON)."""
    form = moving_in(applicant, today)
    return dict(
        municipality_code=MUNICIPALITY,
        name_latin=applicant.name,
        date_of_birth=applicant.date_of_birth.isoformat(),
        sex="F",
        nationality="FR",
        address=form.address,
        started_living_on=form.started_living_on.isoformat(),
        id_documents=["residence_card", "passport"],
        residence_card_number=applicant.residence_card_number,
        status_of_residence="Engineer/Specialist",
        period_of_stay_ends=(today + dt.timedelta(days=3 * 365)).isoformat(),
    )


def cards_waiting(
    system: System, names: Names, count: int, *, insured: bool = True
) -> list[WaitingCard]:
    """``count`` residents registered and applied two months ago, their cards made and their
    pickup notices delivered; each enrolled in National Health Insurance (``insured``: the
    demo world's insurer must exist)."""
    today_svc = system.services
    clock = SimulatedClock(today_svc.clock.now() - dt.timedelta(days=DAYS_BACK))
    svc = dataclasses.replace(today_svc, clock=clock)
    svc.__post_init__()
    applied: list[tuple[Applicant, str, int]] = []
    with system.uow() as uow:
        for _ in range(count):
            who = names.next("SEED")
            registered = moving.register_moving_in(
                uow.session,
                svc,
                caller=WARD,
                municipality_code=MUNICIPALITY,
                form=moving_in(who, clock.today()),
            )
            view = card_applications.apply_for_card(
                uow.session,
                svc,
                caller=WARD,
                channel=Channel.COUNTER,
                photo=sample_photo_jpeg(),
                declaration=PhotoDeclaration(True, True, True),
                person_id=registered.person_id,
            )
            applied.append((who, view.application_id, registered.person_id))
        uow.commit()
    clock.advance(days=DAYS_BACK - 10)
    with system.uow() as uow:
        card_centre.run_daily_jobs(uow.session, svc)  # the cards made
        uow.commit()
    clock.advance(days=5)
    with system.uow() as uow:
        card_centre.run_daily_jobs(uow.session, svc)  # the pickup notices delivered
        uow.commit()
    if insured:
        _enrol(system, svc, [person_id for _, _, person_id in applied])
    serials = dict(zip([a for _, a, _ in applied], _serials(system, applied), strict=True))
    return [
        WaitingCard(who, application_id, serials[application_id])
        for who, application_id, _ in applied
        if serials[application_id]
    ]


def _enrol(system: System, svc: Services, people: list[int]) -> None:
    with system.uow() as uow:
        nhi = uow.session.scalars(select(Insurer).where(Insurer.insurer_number == NHI_NUMBER)).one()
        nhi_caller = Caller(
            name="Chiyoda National Health Insurance", role=Role.INSURER, scope_id=nhi.id
        )
        for person_id in people:
            insurer.enrol(
                uow.session,
                svc,
                caller=nhi_caller,
                person_id=person_id,
                numbers=InsuredNumbers(symbol="千代田", number=f"{person_id:07d}", branch="00"),
                income_class=IncomeClass.GENERAL,
                valid_from=svc.clock.today() - dt.timedelta(days=40),
            )
        uow.commit()


def _serials(system: System, applied: list[tuple[Applicant, str, int]]) -> list[str]:
    with system.reading() as uow:
        return [
            uow.session.scalars(
                select(CardApplication.card_serial).where(
                    CardApplication.application_form_id == application_id
                )
            ).first()
            or ""
            for _, application_id, _ in applied
        ]
