"""Read-only look-ups the ward office pages show beside the use cases' results: the
municipalities (reference data) and the state of a person's notification letter in the post.

The person's record itself is read through ``registry.residents.view_resident`` (role check
and audit); these run in the same unit of work, after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import MailItem, Municipality
from mynumber.domain.errors import Conflict, NotFound
from mynumber.domain.mail import MailKind, MailStatus
from mynumber.domain.timelines import notification_letter_window
from mynumber.services.registry import letters


@dataclass(frozen=True)
class Town:
    code: str
    name_en: str
    name_ja: str


@dataclass(frozen=True)
class LetterView:
    """The current notification letter and its journey through the post."""

    application_id: str
    issued_on: dt.date
    status: str
    expected_from: dt.date
    expected_until: dt.date
    failure: str | None

    @property
    def held(self) -> bool:
        return self.status == MailStatus.HELD_AT_OFFICE

    @property
    def returnable(self) -> bool:
        """Whether staff can record it as brought back by the post."""
        return self.status in (MailStatus.IN_TRANSIT, MailStatus.DELIVERED)


def municipalities(session: Session) -> list[Town]:
    rows = session.scalars(select(Municipality).order_by(Municipality.code))
    return [Town(m.code, m.name_en, m.name_ja) for m in rows]


def _mail_item(session: Session, letter_id: int) -> MailItem | None:
    return session.scalars(
        select(MailItem)
        .where(MailItem.kind == MailKind.NOTIFICATION_LETTER.value, MailItem.ref_id == letter_id)
        .order_by(MailItem.id.desc())
    ).first()


def letter_of(session: Session, person_id: int) -> LetterView | None:
    """The person's current letter, or ``None`` (a returning person gets none)."""
    try:
        letter = letters.current_letter(session, person_id)
    except NotFound:
        return None
    item = _mail_item(session, letter.id)
    start, end = notification_letter_window(letter.issued_on)
    return LetterView(
        application_id=letter.application_id,
        issued_on=letter.issued_on,
        status=letter.status,
        expected_from=start,
        expected_until=end,
        failure=item.failure if item else None,
    )


def letter_mail_item(session: Session, person_id: int) -> int:
    """The mail item that carries the person's current letter (to record its return)."""
    letter = letters.current_letter(session, person_id)
    item = _mail_item(session, letter.id)
    if item is None:
        raise Conflict("This letter was never put in the post.", "この通知書は郵送されていません。")
    return item.id
