"""Walking the system through a newcomer's plan on the simulated clock (issue 18.1): each
helper does what a step of the guide tells the person to do, through the same services the
pages and the API call, and says on which day the system did its part."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mynumber.bootstrap import System
from mynumber.domain import insurance
from mynumber.domain.access import Role
from mynumber.domain.guide import GuideAnswers, GuidePlan, make_plan
from mynumber.domain.insurance import IncomeClass, InsuredNumbers, InsurerKind
from mynumber.services.cards import applications as card_applications
from mynumber.services.core.context import Caller
from mynumber.services.insurance import clinic, insurer
from mynumber.services.registry import letters
from tests.integration.card_support import pass_days, resident
from tests.integration.helpers import register

CLINIC_CODE = "1310112345"


def today(system: System) -> dt.date:
    return system.services.clock.today()


def plan_now(system: System, answers: GuideAnswers) -> GuidePlan:
    """The plan as the guide shows it today, on the system's own clock."""
    return make_plan(answers, today=today(system))


def move_in(system: System, answers: GuideAnswers, municipality: str, **person: Any) -> Any:
    """The 転入届 filed today at ``municipality`` for a person of ``answers``."""
    fields: dict[str, Any] = dict(
        started_living_on=answers.arrived_on,
        filed_on=today(system),
        date_of_birth=answers.date_of_birth,
        status_of_residence=answers.status_of_residence,
        period_of_stay_ends=answers.period_of_stay_ends,
        address=f"2-2 {answers.municipality}",
    )
    fields.update(person)
    return register(system, municipality, **fields)


def nhi_of(system: System, municipality: str) -> Caller:
    """The municipality's National Health Insurance (set up as the system sets insurers up)."""
    body = municipality[:5]
    number = f"{body}{insurance.insurer_check_digit(body)}"
    with system.uow() as uow:
        row = insurer.create_insurer(
            uow.session,
            system.services,
            kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
            insurer_number=number,
            name_ja="国民健康保険",
            name_en="National Health Insurance",
            municipality_code=municipality,
        )
        uow.commit()
        return Caller(name="NHI", role=Role.INSURER, scope_id=row.id)


def join_nhi(system: System, nhi: Caller, person_id: int, *, covered_from: dt.date) -> int:
    """資格取得 at the insurance counter, covered from the day the person moved in."""
    with system.uow() as uow:
        row = insurer.enrol(
            uow.session,
            system.services,
            caller=nhi,
            person_id=person_id,
            numbers=InsuredNumbers("", f"{person_id:08d}", "00"),
            income_class=IncomeClass.GENERAL,
            valid_from=covered_from,
        )
        uow.commit()
        return row.id


def eligibility_letter(system: System, nhi: Caller, enrolment_id: int) -> Any:
    """The 資格確認書 handed over at the counter (the insurer's own choice of validity: the
    longest the rules allow)."""
    with system.uow() as uow:
        letter = insurer.issue_eligibility_letter(
            uow.session, system.services, caller=nhi, enrolment_id=enrolment_id
        )
        uow.commit()
        return letter


def clinic_reads_letter(system: System, nhi_number: str, person_id: int, born: dt.date) -> Any:
    """A clinic checks the 資格確認書's numbers online (what the patient shows before the card)."""
    with system.uow() as uow:
        place = clinic.create_clinic(uow.session, system.services, code=CLINIC_CODE, name="Clinic")
        uow.commit()
        who = Caller(name="Clinic", role=Role.CLINIC, scope_id=place.id)
    with system.uow() as uow:
        answer = clinic.check_letter(
            uow.session,
            system.services,
            caller=who,
            insurer_number=nhi_number,
            symbol="",
            number=f"{person_id:08d}",
            branch="00",
            date_of_birth=born,
        )
        uow.commit()
        return answer


def insurer_number(system: System, nhi: Caller) -> str:
    with system.uow() as uow:
        return insurer.insurer_of(uow.session, nhi).insurer_number


def letter_status(system: System, person_id: int) -> str:
    with system.uow() as uow:
        return str(letters.current_letter(uow.session, person_id).status)


def application(system: System, person_id: int, application_id: str) -> Any:
    with system.uow() as uow:
        return card_applications.ask_after_application(
            uow.session, system.services, caller=resident(person_id), application_id=application_id
        )


def day_when(system: System, done: Any, *, within: int = 120) -> dt.date:
    """Let days pass (the daily jobs run each day: the post, the card centre) until
    ``done()`` holds; the day it first holds."""
    for _ in range(within):
        if done():
            return today(system)
        pass_days(system, 1)
    raise AssertionError(f"still not done after {within} days")


def register_insurance_use(system: System, person_id: int) -> None:
    """健康保険証利用登録 by the holder on the portal."""
    with system.uow() as uow:
        insurer.register_insurance_use(
            uow.session,
            system.services,
            caller=resident(person_id),
            person_id=person_id,
            channel=insurance.InsuranceUseChannel.PORTAL,
        )
        uow.commit()


def card_works_as_insurance(system: System, person_id: int) -> bool:
    with system.uow() as uow:
        return insurer.card_problem(uow.session, system.services, person_id=person_id) is None
