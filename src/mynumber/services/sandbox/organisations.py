"""Organisations for the sandbox: more municipalities, insurers, employers, clinics, tax
offices and kiosks, each with an API token, made by the sandbox admin.

Each is made through its feature's own set-up (``insurance.insurer.create_insurer``,
``insurance.clinic.create_clinic``, ``employer.employers.register_employer``…) and its token
bound to it as the production set-up binds one (``mynumber admin add-organisation`` and
``mynumber tokens issue``). An employer's token is its manager's staff token (the employer
API knows staff, not offices). *Sandbox policy:* the tokens do not expire — the sandbox clock
moves by years, and an integrator's token lapsing in the middle of a simulated decade helps
no one; production tokens keep their lifetimes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Municipality
from mynumber.adapters.db.models_employer import Employer
from mynumber.adapters.db.models_insurance import Clinic, Insurer
from mynumber.domain.access import Role
from mynumber.domain.errors import Conflict, Unauthenticated, invalid
from mynumber.domain.insurance import InsurerKind
from mynumber.domain.numbers import LocalGovernmentCode
from mynumber.services.core import staff, tokens
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import require_role
from mynumber.services.employer import employers
from mynumber.services.immigration import bureaus
from mynumber.services.insurance import clinic, insurer
from mynumber.services.sandbox.clock import simulated


class OrganisationKind(StrEnum):
    """What the sandbox admin can add."""

    MUNICIPALITY = "municipality"  # 市区町村 (its ward office)
    INSURER = "insurer"  # 保険者
    EMPLOYER = "employer"  # 事業者
    CLINIC = "clinic"  # 医療機関・薬局
    TAX_OFFICE = "tax_office"  # 税務署
    KIOSK = "kiosk"  # コンビニ交付機
    CARD_CENTRE = "card_centre"  # J-LIS
    IMMIGRATION = "immigration"  # 地方出入国在留管理局


@dataclass(frozen=True)
class OrganisationForm:
    """What the admin gives; each kind reads the fields it needs."""

    kind: OrganisationKind
    name: str
    name_ja: str = ""
    code: str = ""
    """Municipality: 6-digit local government code; clinic: 10-digit institution code;
    insurer: insurer number; employer: 13-digit corporate number; immigration bureau: the
    prefectures it serves, 2-digit codes joined by commas (``13,14``)."""
    municipality_code: str | None = None
    """A National Health Insurance's municipality."""
    insurer_kind: InsurerKind = InsurerKind.EMPLOYER
    insurer_number: str | None = None
    """An employer's health insurance association."""
    address: str = ""


@dataclass(frozen=True)
class NewOrganisation:
    """The organisation made and its token (shown once)."""

    kind: OrganisationKind
    name: str
    role: Role
    token: str
    municipality_code: str | None
    code: str


def _name(form: OrganisationForm) -> str:
    name = form.name.strip()
    if not name or len(name) > 100:
        raise invalid(
            "name",
            "Give the organisation's name (at most 100 characters).",
            "組織名を入力してください（100文字以内）。",
        )
    return name


def create_organisation(
    session: Session, svc: Services, *, caller: Caller, form: OrganisationForm
) -> NewOrganisation:
    """Make an organisation of ``form.kind`` and a token for it."""
    require_role(caller, Role.SANDBOX_ADMIN)
    simulated(svc)
    name = _name(form)
    maker = _MAKERS[form.kind]
    return maker(session, svc, form, name)


def _office(
    session: Session,
    svc: Services,
    form: OrganisationForm,
    name: str,
    role: Role,
    *,
    municipality_code: str | None = None,
    scope_id: int | None = None,
    code: str = "",
) -> NewOrganisation:
    staff.add_organisation(
        session,
        svc,
        name=name,
        role=role,
        municipality_code=municipality_code,
        scope_id=scope_id,
    )
    token = tokens.issue_token(
        session,
        svc,
        organisation=name,
        role=role,
        municipality_code=municipality_code,
        scope_id=scope_id,
    )
    return NewOrganisation(form.kind, name, role, token, municipality_code, code)


def _municipality(
    session: Session, svc: Services, form: OrganisationForm, name: str
) -> NewOrganisation:
    code = LocalGovernmentCode(form.code.strip()).code
    if session.get(Municipality, code) is None:
        session.add(Municipality(code=code, name_en=name, name_ja=form.name_ja or name))
        session.flush()
    return _office(
        session,
        svc,
        form,
        f"{name} ward office",
        Role.WARD_OFFICE,
        municipality_code=code,
        code=code,
    )


def _taken(session: Session, model: type[Any], column: Any, value: str) -> None:
    """Refuse a code another organisation of the kind already has (before any write)."""
    if session.scalars(select(model).where(column == value.strip())).first() is not None:
        raise Conflict(
            f"There already is one with the code {value.strip()[:20]}.",
            f"コード {value.strip()[:20]} は登録済みです。",
            field="code",
        )


def _insurer(session: Session, svc: Services, form: OrganisationForm, name: str) -> NewOrganisation:
    _taken(session, Insurer, Insurer.insurer_number, form.code)
    made = insurer.create_insurer(
        session,
        svc,
        kind=form.insurer_kind,
        insurer_number=form.code,
        name_ja=form.name_ja or name,
        name_en=name,
        municipality_code=form.municipality_code,
    )
    return _office(
        session, svc, form, name, Role.INSURER, scope_id=made.id, code=made.insurer_number
    )


def _clinic(session: Session, svc: Services, form: OrganisationForm, name: str) -> NewOrganisation:
    _taken(session, Clinic, Clinic.code, form.code)
    made = clinic.create_clinic(session, svc, code=form.code.strip(), name=name)
    return _office(session, svc, form, name, Role.CLINIC, scope_id=made.id, code=made.code)


def _employer(
    session: Session, svc: Services, form: OrganisationForm, name: str
) -> NewOrganisation:
    _taken(session, Employer, Employer.corporate_number, form.code)
    made, token = employers.register_employer(
        session,
        svc,
        corporate_number=form.code,
        name=name,
        address=form.address,
        insurer_number=form.insurer_number,
    )
    return NewOrganisation(form.kind, made.name, Role.EMPLOYER, token, None, made.corporate_number)


Maker = Callable[[Session, Services, OrganisationForm, str], NewOrganisation]


def _immigration(
    session: Session, svc: Services, form: OrganisationForm, name: str
) -> NewOrganisation:
    bureau = bureaus.create_bureau(
        session, svc, name=name, name_ja=form.name_ja, prefectures=form.code.split(",")
    )
    return _office(session, svc, form, name, Role.IMMIGRATION, scope_id=bureau.id)


def _plain(role: Role) -> Maker:
    def make(session: Session, svc: Services, form: OrganisationForm, name: str) -> NewOrganisation:
        return _office(session, svc, form, name, role)

    return make


_MAKERS: dict[OrganisationKind, Maker] = {
    OrganisationKind.MUNICIPALITY: _municipality,
    OrganisationKind.INSURER: _insurer,
    OrganisationKind.EMPLOYER: _employer,
    OrganisationKind.CLINIC: _clinic,
    OrganisationKind.TAX_OFFICE: _plain(Role.TAX_OFFICE),
    OrganisationKind.KIOSK: _plain(Role.KIOSK),
    OrganisationKind.CARD_CENTRE: _plain(Role.CARD_CENTRE),
    OrganisationKind.IMMIGRATION: _immigration,
}


SANDBOX_ADMIN = "Sandbox admin"


def admin_token(session: Session, svc: Services) -> str:
    """The sandbox admin's token: derived from the sandbox's own key (as the demo tokens are,
    so every start shows the same one), made the first time."""
    token = tokens.demo_token(svc, SANDBOX_ADMIN)
    try:
        tokens.authenticate(session, svc, token)
    except Unauthenticated:
        tokens.issue_token(
            session, svc, organisation=SANDBOX_ADMIN, role=Role.SANDBOX_ADMIN, token=token
        )
    return token
