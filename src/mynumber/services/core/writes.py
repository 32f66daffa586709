"""Writing rows: a lost race on a unique key becomes a clear conflict, not a 500."""

from __future__ import annotations

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from mynumber.domain.errors import Conflict

#: What the database says of a value it cannot hold (an id past the integer range, say): the
#: entry points turn it into "not a valid input".
DatabaseRefusedInput = DataError


def flush_or_conflict(session: Session) -> None:
    """Flush, turning a lost race on a unique key into a clear conflict."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "Someone registered this person at the same moment; nothing was changed. "
            "Look the person up and try again.",
            "同時に同じ方の登録が行われました。変更はありません。確認して再度お試しください。",
        ) from None
