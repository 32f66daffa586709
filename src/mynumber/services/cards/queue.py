"""The card centre's queue (J-LIS): the newest applications in one part of the queue, and one
application looked up by its 23-digit ID. Listings carry no names and no numbers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_card import CardApplication
from mynumber.domain.access import Role
from mynumber.domain.cards import ApplicationStatus
from mynumber.domain.errors import invalid
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import records as card_records
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import require_role

QUEUE_LIMIT = 50
SHOWN: dict[str, tuple[ApplicationStatus, ...]] = {
    "received": (ApplicationStatus.RECEIVED,),
    "rejected": (ApplicationStatus.CANCELLED,),
    "manufactured": (ApplicationStatus.MANUFACTURED, ApplicationStatus.COLLECTED),
}


@dataclass(frozen=True)
class QueueEntry:
    """What the queue shows beside the application's view: why it was refused, or when due."""

    rejection_reason: str | None
    due_at: dt.datetime | None


def list_applications(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    shown: str,
) -> list[tuple[card_applications.ApplicationView, QueueEntry]]:
    """The newest applications in one part of the queue, audited as one listing."""
    require_role(caller, Role.CARD_CENTRE)
    rows = session.scalars(
        select(CardApplication)
        .where(CardApplication.status.in_([s.value for s in SHOWN[shown]]))
        .order_by(CardApplication.id.desc())
        .limit(QUEUE_LIMIT)
    ).all()
    audit.record(
        session,
        caller=caller,
        action="list_card_applications",
        at=svc.clock.now(),
        detail=f"{shown}: {len(rows)}",
    )
    return [
        (card_applications.view(session, row), QueueEntry(row.rejection_reason, row.due_at))
        for row in rows
    ]


def look_up_application(
    session: Session, svc: Services, *, caller: Caller, application_id: str
) -> card_applications.ApplicationView:
    """One application by its 23-digit ID (spaces allowed), audited against its person."""
    require_role(caller, Role.CARD_CENTRE)
    text = "".join(application_id.split())
    if not (len(text) == 23 and text.isdigit()):
        raise invalid(
            "application_id",
            "Enter the 23-digit application ID.",
            "23桁の申請書IDを入力してください。",
        )
    row = card_records.application_by_id(session, text)
    audit.record(
        session,
        caller=caller,
        action="ask_after_card_application",
        person_id=row.person_id,
        at=svc.clock.now(),
        detail=f"application {row.id}",
    )
    return card_applications.view(session, row)
