"""事業者 — the employer's pages: the employees, collecting an employee's My Number (purpose,
number confirmation, identity confirmation), the payroll-only view of the number, the year's
pay and both copies of the withholding slip, and HR's request for a 資格確認書.

The staff member is the one behind the session's token (``services.employer.staff_for``); what
each role may do is ``domain.employment_rules``' (the page only hides what the role would be
refused). Handlers are thin over ``services.employer*``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mynumber.domain.access import Role
from mynumber.domain.employment_rules import (
    NumberProof,
    StaffAction,
    require_staff_role,
    staff_may,
)
from mynumber.domain.errors import Forbidden, MyNumberError, invalid
from mynumber.domain.registration import PHOTO_IDS
from mynumber.services.core import refs
from mynumber.services.core.context import Caller, DbSession, Services
from mynumber.services.employer import employers as employer
from mynumber.services.employer import insurance as employer_insurance
from mynumber.services.employer import numbers as employer_numbers
from mynumber.services.employer import slips as employer_slips
from mynumber.services.employer.employers import Staff
from mynumber.web.auth import staff
from mynumber.web.core import (
    EmployeePath,
    Form,
    NavItem,
    WebRoute,
    as_list,
    flash,
    form_values,
    http_status,
    redirect,
    render,
    require_date,
    run,
    web_session,
)

BASE = "/staff/employer"
router = APIRouter(prefix=BASE, route_class=WebRoute, include_in_schema=False)
NAV = (NavItem(BASE, "Employees", "従業員", frozenset({Role.EMPLOYER})),)
EmployerCaller = Annotated[Caller, Depends(staff(Role.EMPLOYER))]
Values = Annotated[dict[str, Any], Depends(form_values)]
FORMS = ("collect", "view", "pay", "letter")


def staff_member(request: Request, caller: EmployerCaller) -> Staff:
    """A dependency: the staff account of the employer's clerk logged in."""
    login = web_session(request).staff_login
    staff_id = login.employer_staff_id if login is not None else None
    return run(request, lambda s, svc: employer.staff_of_clerk(s, caller=caller, staff_id=staff_id))


Member = Annotated[Staff, Depends(staff_member)]


def allowed(member: Staff) -> dict[str, bool]:
    """What the member's role may do (the rule is ``require_staff_role``'s)."""
    can = {}
    for action in StaffAction:
        try:
            require_staff_role(member.role, action)
            can[action.value] = True
        except Forbidden:
            can[action.value] = False
    return can


def _page(
    request: Request,
    member: Staff,
    template: str,
    *,
    status: int = 200,
    path: str = "",
    **context: Any,
) -> Response:
    return render(
        request,
        f"employer/{template}",
        status=status,
        page_path=BASE + path,
        base=BASE,
        member=member,
        can=allowed(member),
        **context,
    )


# --- The employees -----------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def employees(request: Request, member: Member) -> Response:
    """The employees (never their numbers: only whether one is on file)."""
    return _list(request, member, Form())


def _list(request: Request, member: Staff, form: Form, status: int = 200) -> Response:
    rows = run(request, lambda s, svc: employer.list_employees(s, svc, staff=member))
    notices = (
        run(request, lambda s, svc: employer_numbers.number_change_notices(s, svc, staff=member))
        if staff_may(member.role, StaffAction.COLLECT_NUMBER)
        else []
    )
    return _page(
        request, member, "employees.html", status=status, rows=rows, form=form, notices=notices
    )


@router.post("/employees", response_class=HTMLResponse)
def hire(request: Request, member: Member, values: Values) -> Response:
    """Record a new employee (HR or a manager)."""
    form = Form(values=values)
    try:
        hired_on = require_date(values, "hired_on")
        view = run(
            request,
            lambda s, svc: employer.hire_employee(
                s,
                svc,
                staff=member,
                employee_code=str(values.get("employee_code", "")).strip(),
                name=str(values.get("name", "")).strip(),
                name_kana=str(values.get("name_kana", "")).strip(),
                address=str(values.get("address", "")).strip(),
                hired_on=hired_on,
            ),
        )
    except MyNumberError as exc:
        return _list(request, member, form.fail(exc), http_status(exc))
    flash(
        request,
        f"{view.name} is recorded. Payroll collects the My Number next.",
        f"{view.name} さんを登録しました。個人番号は給与担当者が取得します。",
    )
    return redirect(f"{BASE}/employees/{_ref(view.id)}")


# --- One employee ------------------------------------------------------------------------


@router.get("/employees/{employee_id}", response_class=HTMLResponse)
def employee_page(request: Request, member: Member, employee_id: EmployeePath) -> Response:
    """The employee's record and what this member's role can do with it."""
    return _employee(request, member, employee_id, {})


def _ref(employee_id: int) -> str:
    return refs.reference(refs.Kind.EMPLOYEE, employee_id)


def _employee(
    request: Request,
    member: Staff,
    employee_id: int,
    forms: dict[str, Form],
    status: int = 200,
    **extra: Any,
) -> Response:
    view = run(
        request,
        lambda s, svc: employer.view_employee(s, svc, staff=member, employee_id=employee_id),
    )
    for name in FORMS:
        forms.setdefault(name, Form())
    return _page(
        request,
        member,
        "employee.html",
        status=status,
        path=f"/employees/{_ref(employee_id)}",
        view=view,
        forms=forms,
        number_proofs=list(NumberProof),
        photo_ids=sorted(d.value for d in PHOTO_IDS),
        slip_year=request.app.state.system.services.clock.today().year - 1,
        **extra,
    )


def _act(
    request: Request,
    member: Staff,
    employee_id: int,
    form_name: str,
    values: dict[str, Any],
    use_case: Callable[[DbSession, Services], Any],
    done: Callable[[Any], tuple[str, str]],
) -> Response:
    try:
        result = run(request, use_case)
    except MyNumberError as exc:
        return _employee(
            request,
            member,
            employee_id,
            {form_name: Form(values=values).fail(exc)},
            http_status(exc),
        )
    flash(request, *done(result))
    return redirect(f"{BASE}/employees/{_ref(employee_id)}")


@router.post("/employees/{employee_id}/number", response_class=HTMLResponse)
def collect_number(
    request: Request, member: Member, employee_id: EmployeePath, values: Values
) -> Response:
    """取得: payroll records the number for the stated purposes, after both confirmations."""
    kept = {k: v for k, v in values.items() if k != "my_number"}
    kept["purposes"] = as_list(values, "purposes")
    return _act(
        request,
        member,
        employee_id,
        "collect",
        kept,
        lambda s, svc: employer_numbers.collect_number(
            s,
            svc,
            staff=member,
            employee_id=employee_id,
            my_number=str(values.get("my_number", "")),
            purposes=as_list(values, "purposes"),
            number_proof=str(values.get("number_proof", "")),
            identity_proof=str(values.get("identity_proof", "")) or None,
            details_match=values.get("details_match") == "yes",
        ),
        lambda r: (
            f"The number {r.masked_number} is on file for {', '.join(r.purposes)}.",
            f"個人番号 {r.masked_number} を登録しました（利用目的: {', '.join(r.purposes)}）。",
        ),
    )


@router.post("/employees/{employee_id}/number/view", response_class=HTMLResponse)
def view_number(
    request: Request, member: Member, employee_id: EmployeePath, values: Values
) -> Response:
    """Payroll sees the number, once, for a purpose stated at collection (audited)."""
    purpose = str(values.get("purpose", ""))
    try:
        if not purpose:
            raise invalid(
                "purpose", "Choose why you need the number.", "利用目的を選んでください。"
            )
        number = run(
            request,
            lambda s, svc: employer_numbers.read_number(
                s, svc, staff=member, employee_id=employee_id, purpose=purpose
            ),
        )
    except MyNumberError as exc:
        return _employee(
            request, member, employee_id, {"view": Form(values=values).fail(exc)}, http_status(exc)
        )
    response = _employee(
        request, member, employee_id, {}, shown_number=number.digits, shown_purpose=purpose
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/employees/{employee_id}/pay", response_class=HTMLResponse)
def record_pay(
    request: Request, member: Member, employee_id: EmployeePath, values: Values
) -> Response:
    """The year's pay and the income tax withheld (payroll)."""

    def use_case(s: DbSession, svc: Services) -> Any:
        return employer_slips.record_annual_pay(
            s,
            svc,
            staff=member,
            employee_id=employee_id,
            year=_int(values, "year"),
            payment_amount=_int(values, "payment_amount"),
            withholding_tax=_int(values, "withholding_tax"),
        )

    return _act(
        request,
        member,
        employee_id,
        "pay",
        values,
        use_case,
        lambda r: (f"Pay for {r.year} is recorded.", f"{r.year}年の給与を記録しました。"),
    )


def _int(values: dict[str, Any], name: str) -> int:
    text = str(values.get(name, "")).replace(",", "").strip()
    if not text.isdigit() or len(text) > 10:
        raise invalid(name, "Enter a whole number.", "整数で入力してください。")
    return int(text)


@router.get("/employees/{employee_id}/slip.pdf")
def slip(
    request: Request, member: Member, employee_id: EmployeePath, year: int, copy: str = "employee"
) -> Response:
    """One copy of the 源泉徴収票: the tax office's (with the number) or the employee's."""
    pdf = run(
        request,
        lambda s, svc: employer_slips.withholding_slip_pdf(
            s, svc, staff=member, employee_id=employee_id, year=year, copy=copy
        ),
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": "attachment; filename="
            f'"withholding-slip-{_ref(employee_id)}-{year}-{copy}.pdf"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/employees/{employee_id}/eligibility-letter", response_class=HTMLResponse)
def request_letter(
    request: Request, member: Member, employee_id: EmployeePath, values: Values
) -> Response:
    """HR asks the health insurance association for a 資格確認書."""
    return _act(
        request,
        member,
        employee_id,
        "letter",
        values,
        lambda s, svc: employer_insurance.request_eligibility_letter(
            s, svc, staff=member, employee_id=employee_id
        ),
        lambda r: (
            f"The association issued the 資格確認書 (valid until {r.valid_until}).",
            f"健康保険組合が資格確認書を発行しました（有効期限 {r.valid_until}）。",
        ),
    )
