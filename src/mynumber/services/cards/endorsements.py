"""追記欄 — the lines the ward office writes on the card's face, kept per card.

The rule is ``domain.endorsements``: each change of the address or the validity written on
the chip adds a line; once the field is full the change is still made (register, chip) and
recorded without a line, and the holder is told to have the card reissued (free, and
express within 30 days of the change that used the last line).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_card import CardEndorsement
from mynumber.domain.endorsements import (
    Endorsement,
    EndorsementField,
    EndorsementKind,
    field_of,
    next_endorsement,
)


def field(session: Session, card_serial: str) -> EndorsementField:
    """The 追記欄 of the card ``card_serial`` as it stands."""
    rows = session.scalars(
        select(CardEndorsement)
        .where(CardEndorsement.card_serial == card_serial)
        .order_by(CardEndorsement.endorsed_on, CardEndorsement.id)
    )
    return field_of(
        [Endorsement(EndorsementKind(row.kind), row.endorsed_on, row.on_face) for row in rows]
    )


def endorse(
    session: Session, *, card_serial: str, kind: EndorsementKind, on: dt.date
) -> EndorsementField:
    """Record a change written on the card's face (a line while one is left); the field after."""
    before = field(session, card_serial)
    line = next_endorsement(before, kind, on)
    session.add(
        CardEndorsement(
            card_serial=card_serial, kind=line.kind.value, endorsed_on=line.on, on_face=line.on_face
        )
    )
    session.flush()
    return field_of((*before.endorsements, line))
