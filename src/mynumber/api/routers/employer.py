"""Employers over HTTP: staff accounts, employees, the My Number under the law's limits
(collect, read, delete), the withholding slip, and HR's 資格確認書 requests.

Each call carries a staff member's own token; the staff role (payroll, hr, manager) decides
what they may do, and only payroll ever sees a number.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field, StringConstraints

from mynumber.api.deps import EmployeePath, SystemDep, UowDep, _bearer
from mynumber.api.openapi import file_response
from mynumber.bootstrap import System
from mynumber.domain.employment_rules import NumberProof, StaffRole
from mynumber.domain.errors import Unauthenticated
from mynumber.domain.registration import IdDocument
from mynumber.services.core import tokens
from mynumber.services.core.refs import EmployeeId, EmployerStaffId, LetterId, LetterRequestId
from mynumber.services.employer import employers as employer
from mynumber.services.employer import insurance as employer_insurance
from mynumber.services.employer import numbers as employer_numbers
from mynumber.services.employer import slips as employer_slips
from mynumber.services.employer.employers import EmployeeView, Staff

router = APIRouter(prefix="/employer", tags=["employer"])

Name = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")
]
Address = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")
]
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\x00-\x1f\x7f]+$")
]
Short = Annotated[str, StringConstraints(max_length=40, pattern=r"^[^\x00-\x1f\x7f]*$")]
Year = Annotated[int, Path(ge=1989, le=2100)]
Yen = Annotated[int, Field(ge=0, le=2_000_000_000)]


def get_staff(
    request: Request,
    system: SystemDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Staff:
    """The staff member behind the bearer token (401 unknown, 403 not an employer's staff)."""
    if credentials is None:
        raise Unauthenticated(
            "Send a staff member's API token: Authorization: Bearer <token>.",
            "担当者のAPIトークンを Authorization ヘッダーで送ってください。",
        )
    return _staff(request, system, credentials.credentials)


def _staff(request: Request, system: System, token: str) -> Staff:
    with system.uow() as uow:
        caller = tokens.authenticate(uow.session, system.services, token)
        request.state.caller = caller  # who called, should staff_for refuse
        staff = employer.staff_for(uow.session, system.services, caller=caller, token=token)
    request.state.caller = staff.caller
    return staff


StaffDep = Annotated[Staff, Depends(get_staff)]


class StaffIn(BaseModel):
    name: Name = Field(examples=["Sato Ichiro"])
    role: StaffRole = Field(examples=["payroll"])


class StaffOut(BaseModel):
    staff_id: EmployerStaffId
    role: StaffRole
    token: str = Field(description="Shown once")


@router.post("/staff", status_code=201, response_model=StaffOut)
def add_staff(body: StaffIn, staff: StaffDep, uow: UowDep, system: SystemDep) -> StaffOut:
    """A manager adds a staff account (payroll, hr or manager) with its own token."""
    staff_id, token = employer.add_staff(
        uow.session, system.services, staff=staff, name=body.name, role=body.role
    )
    uow.commit()
    return StaffOut(staff_id=staff_id, role=body.role, token=token)


class EmployeeIn(BaseModel):
    employee_code: Code = Field(examples=["E-0001"])
    name: Name = Field(examples=["GARCIA MARIA"])
    name_kana: Short = ""
    address: Address = Field(examples=["2-3-1 Kudan-minami, Chiyoda-ku, Tokyo"])
    hired_on: dt.date


@router.post("/employees", status_code=201, response_model=EmployeeView)
def hire(body: EmployeeIn, staff: StaffDep, uow: UowDep, system: SystemDep) -> EmployeeView:
    """Record a new employee (HR or manager)."""
    view = employer.hire_employee(uow.session, system.services, staff=staff, **body.model_dump())
    uow.commit()
    return view


@router.get("/employees", response_model=list[EmployeeView])
def list_employees(staff: StaffDep, uow: UowDep, system: SystemDep) -> list[EmployeeView]:
    """The employer's employees, without numbers."""
    views = employer.list_employees(uow.session, system.services, staff=staff)
    uow.commit()
    return views


@router.get("/number-change-notices", response_model=list[employer_numbers.EmployeeNumberChanged])
def number_change_notices(
    staff: StaffDep, uow: UowDep, system: SystemDep
) -> list[employer_numbers.EmployeeNumberChanged]:
    """番号変更の通知 — employees whose My Number was changed (番号法 第7条第2項): collect
    the new number (the old one is refused from now on). Payroll only."""
    views = employer_numbers.number_change_notices(uow.session, system.services, staff=staff)
    uow.commit()
    return views


@router.get("/employees/{employee_id}", response_model=EmployeeView)
def view_employee(
    employee_id: EmployeePath, staff: StaffDep, uow: UowDep, system: SystemDep
) -> EmployeeView:
    """One employee's record, without the number."""
    view = employer.view_employee(
        uow.session, system.services, staff=staff, employee_id=employee_id
    )
    uow.commit()
    return view


class LeavingIn(BaseModel):
    left_on: dt.date


@router.post("/employees/{employee_id}/leaving", response_model=EmployeeView)
def record_leaving(
    employee_id: EmployeePath, body: LeavingIn, staff: StaffDep, uow: UowDep, system: SystemDep
) -> EmployeeView:
    """退職 — the employee's last day; the retention period runs from here."""
    view = employer.record_leaving(
        uow.session, system.services, staff=staff, employee_id=employee_id, left_on=body.left_on
    )
    uow.commit()
    return view


class CollectIn(BaseModel):
    my_number: Short = Field(examples=["621498320257"])
    purposes: list[Short] = Field(max_length=5, examples=[["tax", "social_security"]])
    number_proof: NumberProof = Field(
        examples=["my_number_card"],
        description="my_number_card, notification_card (only "
        "while its details match) or resident_record_with_number (notification_letter is "
        "refused: it proves nothing)",
    )
    identity_proof: IdDocument | None = Field(
        default=None,
        examples=["residence_card"],
        description="A photo ID (not needed with the card)",
    )
    details_match: bool = False


class CollectOut(BaseModel):
    employee_id: EmployeeId
    my_number: str = Field(description="Masked: **** **** 1234")
    purposes: list[str]
    number_proof: str
    identity_proof: str
    registered_person: bool


@router.post("/employees/{employee_id}/my-number", status_code=201, response_model=CollectOut)
def collect_number(
    employee_id: EmployeePath, body: CollectIn, staff: StaffDep, uow: UowDep, system: SystemDep
) -> CollectOut:
    """取得 — payroll records the number for the stated purposes, with both confirmations."""
    got = employer_numbers.collect_number(
        uow.session,
        system.services,
        staff=staff,
        employee_id=employee_id,
        my_number=body.my_number,
        purposes=list(body.purposes),
        number_proof=body.number_proof,
        identity_proof=body.identity_proof,
        details_match=body.details_match,
    )
    uow.commit()
    return CollectOut(
        employee_id=got.employee_id,
        my_number=got.masked_number,
        purposes=got.purposes,
        number_proof=got.number_proof,
        identity_proof=got.identity_proof,
        registered_person=got.registered_person,
    )


class ReadIn(BaseModel):
    purpose: Short = Field(examples=["tax"])


class ReadOut(BaseModel):
    my_number: str
    purpose: str


@router.post("/employees/{employee_id}/my-number/read", response_model=ReadOut)
def read_number(
    employee_id: EmployeePath, body: ReadIn, staff: StaffDep, uow: UowDep, system: SystemDep
) -> ReadOut:
    """The full number, for payroll and a purpose stated at collection (audited)."""
    number = employer_numbers.read_number(
        uow.session, system.services, staff=staff, employee_id=employee_id, purpose=body.purpose
    )
    uow.commit()
    return ReadOut(my_number=number.digits, purpose=body.purpose)


class PayIn(BaseModel):
    payment_amount: Yen
    withholding_tax: Yen


class PayOut(BaseModel):
    employee_id: EmployeeId
    year: int
    payment_amount: int
    withholding_tax: int


@router.put("/employees/{employee_id}/pay/{year}", response_model=PayOut)
def record_pay(
    employee_id: EmployeePath,
    year: Year,
    body: PayIn,
    staff: StaffDep,
    uow: UowDep,
    system: SystemDep,
) -> PayOut:
    """The year's pay and income tax withheld (payroll)."""
    row = employer_slips.record_annual_pay(
        uow.session,
        system.services,
        staff=staff,
        employee_id=employee_id,
        year=year,
        payment_amount=body.payment_amount,
        withholding_tax=body.withholding_tax,
    )
    uow.commit()
    return PayOut(
        employee_id=employee_id,
        year=year,
        payment_amount=row.payment_amount,
        withholding_tax=row.withholding_tax,
    )


@router.get(
    "/employees/{employee_id}/withholding-slip/{year}.pdf",
    response_class=Response,
    responses=file_response("application/pdf", "The slip, PDF"),
)
def withholding_slip(
    employee_id: EmployeePath,
    year: Year,
    staff: StaffDep,
    uow: UowDep,
    system: SystemDep,
    copy: Annotated[Literal["tax_office", "employee"], Query()] = "employee",
) -> Response:
    """源泉徴収票 — the tax office copy carries the My Number; the employee's copy does not."""
    pdf = employer_slips.withholding_slip_pdf(
        uow.session, system.services, staff=staff, employee_id=employee_id, year=year, copy=copy
    )
    uow.commit()
    return Response(pdf, media_type="application/pdf")


class LetterRequestOut(BaseModel):
    request_id: LetterRequestId
    status: str
    letter_id: LetterId | None
    valid_until: str | None


@router.post(
    "/employees/{employee_id}/eligibility-letter-requests",
    status_code=201,
    response_model=LetterRequestOut,
)
def request_letter(
    employee_id: EmployeePath, staff: StaffDep, uow: UowDep, system: SystemDep
) -> LetterRequestOut:
    """HR requests a 資格確認書 from the health insurance association."""
    got = employer_insurance.request_eligibility_letter(
        uow.session, system.services, staff=staff, employee_id=employee_id
    )
    uow.commit()
    return LetterRequestOut(
        request_id=got.request_id,
        status=got.status,
        letter_id=got.letter_id,
        valid_until=got.valid_until,
    )
