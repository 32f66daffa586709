"""診療・薬剤情報と健診情報 — prescriptions and check-up results, and who may read them.

Clinics and pharmacies write prescriptions (処方・調剤) and check-up results for a patient they
identified at their terminal (a visit); insurers write the check-ups they run for their insured
(特定健診, 高齢者医療確保法 第20条). The owner reads all of their records and who looked at
them (the My Number Portal builds its pages on ``records_for_owner`` and ``access_log``);
a clinic reads them only through ``services.clinic.view_history``, with the consent given at
that visit. No My Number: records are kept by the register's person id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import AuditEntry
from mynumber.adapters.db.models_insurance import ClinicVisit, MedicalRecord
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Forbidden, invalid
from mynumber.domain.policy import Action
from mynumber.domain.timelines import add_years
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, refusals_audited, require_role
from mynumber.services.core.refs import RecordId
from mynumber.services.insurance.insurer import own_enrolment

PURPOSE = Purpose.SOCIAL_SECURITY
MAX_DAYS = 365


class RecordKind(StrEnum):
    PRESCRIPTION = "prescription"  # 処方・調剤 (薬剤情報)
    CHECKUP = "checkup"  # 健診結果 (特定健診情報)


@dataclass(frozen=True)
class Medicine:
    """One prescribed medicine: its name, the dose as written, and for how many days."""

    name: str
    dose: str
    days: int

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > 100:
            raise invalid(
                "medicines",
                "Each medicine needs a name (at most 100 characters).",
                "薬剤名を入力してください（100文字以内）。",
            )
        if not 1 <= self.days <= MAX_DAYS:
            raise invalid(
                "medicines",
                f"Days of supply must be 1–{MAX_DAYS}.",
                f"処方日数は1〜{MAX_DAYS}日です。",
            )


@dataclass(frozen=True)
class Checkup:
    """A check-up's results: measured items (name → value with its unit) and a judgement."""

    results: dict[str, str] = field(default_factory=dict)
    judgement: str = ""

    def __post_init__(self) -> None:
        if not self.results:
            raise invalid(
                "results",
                "A check-up needs at least one result.",
                "健診結果を1項目以上入力してください。",
            )


@dataclass(frozen=True)
class RecordView:
    """A record as its owner or a consenting clinic sees it."""

    id: RecordId
    kind: str
    recorded_on: dt.date
    author: str
    content: dict[str, Any]


def _view(row: MedicalRecord) -> RecordView:
    return RecordView(row.id, row.kind, row.recorded_on, row.author, dict(row.content))


def _clinic_visit(session: Session, svc: Services, caller: Caller, visit_id: int) -> ClinicVisit:
    """The visit a record is written at, if the policy allows it (audited either way): the
    clinic's own open visit, opened by the patient's card at its terminal
    (``Action.RECORD_AT_VISIT``)."""
    require_role(caller, Role.CLINIC)
    visit = session.get(ClinicVisit, visit_id)
    authorise(
        session,
        svc,
        caller,
        Action.RECORD_AT_VISIT,
        Subject(visit.person_id if visit else None, visit_id=visit_id),
    )
    assert visit is not None  # the policy refuses a visit that does not exist
    return visit


def _check_date(day: dt.date, today: dt.date) -> dt.date:
    if day > today:
        raise invalid(
            "recorded_on", "A record cannot be dated in the future.", "記録日が未来の日付です。"
        )
    return day


def write_prescription(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    visit_id: int,
    medicines: list[Medicine],
    prescribed_on: dt.date | None = None,
) -> RecordView:
    """A clinic or pharmacy records what it prescribed or dispensed at a visit."""
    visit = _clinic_visit(session, svc, caller, visit_id)
    if not medicines:
        raise invalid("medicines", "List at least one medicine.", "薬剤を1つ以上入力してください。")
    day = _check_date(prescribed_on or svc.clock.today(), svc.clock.today())
    content = {"medicines": [asdict(m) for m in medicines]}
    row = _add(
        session,
        svc,
        caller,
        person_id=visit.person_id,
        kind=RecordKind.PRESCRIPTION,
        day=day,
        content=content,
        clinic_id=visit.clinic_id,
    )
    return _view(row)


def write_checkup_at_clinic(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    visit_id: int,
    checkup: Checkup,
    examined_on: dt.date | None = None,
) -> RecordView:
    """A clinic records the results of a check-up it carried out at a visit."""
    visit = _clinic_visit(session, svc, caller, visit_id)
    day = _check_date(examined_on or svc.clock.today(), svc.clock.today())
    row = _add(
        session,
        svc,
        caller,
        person_id=visit.person_id,
        kind=RecordKind.CHECKUP,
        day=day,
        content=asdict(checkup),
        clinic_id=visit.clinic_id,
    )
    return _view(row)


def write_checkup_by_insurer(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    enrolment_id: int,
    checkup: Checkup,
    examined_on: dt.date,
) -> RecordView:
    """An insurer records the results of the check-up it runs for one of its insured."""
    enrolment = own_enrolment(session, caller, enrolment_id)
    day = _check_date(examined_on, svc.clock.today())
    row = _add(
        session,
        svc,
        caller,
        person_id=enrolment.person_id,
        kind=RecordKind.CHECKUP,
        day=day,
        content=asdict(checkup),
        insurer_id=enrolment.insurer_id,
    )
    return _view(row)


def _add(
    session: Session,
    svc: Services,
    caller: Caller,
    *,
    person_id: int,
    kind: RecordKind,
    day: dt.date,
    content: dict[str, Any],
    clinic_id: int | None = None,
    insurer_id: int | None = None,
) -> MedicalRecord:
    row = MedicalRecord(
        person_id=person_id,
        kind=kind.value,
        recorded_on=day,
        author=caller.name,
        author_role=caller.role.value,
        clinic_id=clinic_id,
        insurer_id=insurer_id,
        content=content,
        created_at=svc.clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        caller=caller,
        action=f"write_{kind.value}",
        person_id=person_id,
        purpose=PURPOSE,
        at=svc.clock.now(),
        detail=f"record {row.id}",
    )
    return row


def history(
    session: Session, *, person_id: int, kind: RecordKind, years: int, today: dt.date
) -> list[RecordView]:
    """The person's records of ``kind`` from the last ``years`` years, newest first."""
    since = add_years(today, -years)
    rows = session.scalars(
        select(MedicalRecord)
        .where(
            MedicalRecord.person_id == person_id,
            MedicalRecord.kind == kind.value,
            MedicalRecord.recorded_on >= since,
        )
        .order_by(MedicalRecord.recorded_on.desc(), MedicalRecord.id.desc())
    )
    return [_view(r) for r in rows]


@refusals_audited
def _require_owner(caller: Caller, person_id: int) -> None:
    require_role(caller, Role.RESIDENT)
    if caller.scope_id != person_id:
        raise Forbidden("You can see only your own records.", "ご本人の記録のみ閲覧できます。")


def records_for_owner(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    kind: RecordKind | None = None,
) -> list[RecordView]:
    """All of the owner's records (or those of ``kind``), newest first."""
    _require_owner(caller, person_id)
    query = select(MedicalRecord).where(MedicalRecord.person_id == person_id)
    if kind is not None:
        query = query.where(MedicalRecord.kind == kind.value)
    rows = session.scalars(
        query.order_by(MedicalRecord.recorded_on.desc(), MedicalRecord.id.desc())
    )
    audit.record(
        session,
        caller=caller,
        action="view_own_records",
        person_id=person_id,
        purpose=Purpose.OWN_RECORD,
        at=svc.clock.now(),
    )
    return [_view(r) for r in rows]


@dataclass(frozen=True)
class AccessView:
    """One line of "who looked at my data": when, who, in which role, and what."""

    at: dt.datetime
    actor: str
    role: str
    action: str
    detail: str


def access_log(
    session: Session, svc: Services, *, caller: Caller, person_id: int
) -> list[AccessView]:
    """Who read or changed the owner's data, newest first (from the audit log)."""
    _require_owner(caller, person_id)
    entries: list[AuditEntry] = audit.entries_about(session, person_id)
    return [AccessView(e.at, e.actor, e.role, e.action, e.detail) for e in entries]
