"""Builders shared by the employer tests: an employer with one staff member per role, a
registered employee whose number the employer collects, and a second employer."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

from mynumber.bootstrap import System
from mynumber.domain.access import Purpose
from mynumber.domain.employment_rules import StaffRole
from mynumber.services.employer import employers as employer
from mynumber.services.employer import numbers as employer_numbers
from mynumber.services.employer.employers import Staff
from mynumber.services.registry.numbers import read_my_number
from tests.conftest import ward
from tests.integration.helpers import register

CORPORATE = "5835678256246"  # a valid 法人番号 (python-stdnum's example)
OTHER_CORPORATE = "2021001052596"  # a valid 法人番号
UNREGISTERED_NUMBER = "621498320257"  # valid, but nobody's in this register
ADDRESS = "2-3-1 Kudan-minami, Chiyoda-ku, Tokyo"


@dataclass(frozen=True)
class Company:
    employer_id: int
    manager: Staff
    payroll: Staff
    hr: Staff
    tokens: dict[StaffRole, str]


def make_company(
    system: System,
    corporate_number: str = CORPORATE,
    name: str = "Example K.K.",
    insurer_number: str | None = None,
) -> Company:
    """An employer with a manager, a payroll clerk and an HR officer."""
    svc = system.services
    with system.uow() as uow:
        row, manager_token = employer.register_employer(
            uow.session,
            svc,
            corporate_number=corporate_number,
            name=name,
            address="1-1 Marunouchi, Chiyoda-ku, Tokyo",
            insurer_number=insurer_number,
            manager_name="Mori",
        )
        manager = employer.authenticate_staff(uow.session, svc, token=manager_token)
        tokens = {StaffRole.MANAGER: manager_token}
        for role, person in ((StaffRole.PAYROLL, "Sato"), (StaffRole.HR, "Suzuki")):
            _, tokens[role] = employer.add_staff(
                uow.session, svc, staff=manager, name=person, role=role
            )
        staff = {
            role: employer.authenticate_staff(uow.session, svc, token=t)
            for role, t in tokens.items()
        }
        uow.commit()
        employer_id = row.id
    return Company(
        employer_id, staff[StaffRole.MANAGER], staff[StaffRole.PAYROLL], staff[StaffRole.HR], tokens
    )


def hire(
    system: System,
    company: Company,
    code: str = "E-0001",
    name: str = "SMITH JOHN",
    hired_on: dt.date | None = None,
) -> int:
    with system.uow() as uow:
        view = employer.hire_employee(
            uow.session,
            system.services,
            staff=company.hr,
            employee_code=code,
            name=name,
            address=ADDRESS,
            hired_on=hired_on or dt.date(2026, 4, 1),
        )
        uow.commit()
    return view.id


def registered_number(system: System, **overrides: Any) -> tuple[int, str]:
    """A person registered at the ward office, and their number (read by the ward office)."""
    person_id = register(system, **overrides).person_id
    with system.uow() as uow:
        number = read_my_number(
            uow.session,
            system.services,
            caller=ward(),
            person_id=person_id,
            purpose=Purpose.RESIDENT_REGISTRY,
        )
        uow.commit()
    return person_id, number.digits


def collect(
    system: System,
    company: Company,
    employee_id: int,
    number: str,
    purposes: tuple[str, ...] = ("tax", "social_security"),
) -> None:
    with system.uow() as uow:
        employer_numbers.collect_number(
            uow.session,
            system.services,
            staff=company.payroll,
            employee_id=employee_id,
            my_number=number,
            purposes=list(purposes),
            number_proof="my_number_card",
        )
        uow.commit()


def employ(
    system: System, person_id: int, *, insurer_number: str, corporate_number: str = CORPORATE
) -> Company:
    """``person_id`` works for an employer that belongs to the insurer ``insurer_number``
    (its employees are the insurer's to enrol) and gave it their number."""
    company = make_company(system, corporate_number, insurer_number=insurer_number)
    with system.uow() as uow:
        number = read_my_number(
            uow.session,
            system.services,
            caller=ward(),
            person_id=person_id,
            purpose=Purpose.RESIDENT_REGISTRY,
        )
        uow.commit()
    collect(system, company, hire(system, company), number.digits)
    return company


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with all whitespace removed (digit boxes print one digit per box)."""
    assert shutil.which("pdftotext"), "needs poppler-utils"
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
    return "".join(out.stdout.decode().split())
