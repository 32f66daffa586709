"""追記欄 — the endorsement field on the card's face, where the ward office writes changes.

When the register changes something the card's face shows (the address after a 転居届 or a
転入届 with 継続利用, the validity after a stay renewal: 有効期間変更), the ward office writes
it on the chip and adds one handwritten or printed line (追記) to the 追記欄 on the face.
RULES.md "time to issue" and "fees": a card whose 追記欄 is full is reissued free of charge
(本人の責めによらない再交付; Matsuyama's fee table) and may be issued express (特急発行).

*Policy* (no national figure is published; municipal guidance only says the field "fills
up" after several changes): ``ENDORSEMENT_LINES = 4`` — the 追記欄 is a narrow strip on the
face below the address, room for about four short printed entries of a date and a new
address or validity. Every change is recorded (register, chip and ``card_endorsements``);
once the four lines are used, a further change is recorded with ``on_face=False`` and the
ward office tells the holder the face is full and the card should be reissued.

The express window (``EXPRESS_AFTER_FULL_DAYS``, *policy*, like a loss): within 30 days of
the change that used the last line (``filled_on``), checked by
``deadlines.express_issuance_allowed`` with ``ExpressReason.ENDORSEMENT_FIELD_FULL``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from mynumber.domain.deadlines import EXPRESS_REQUEST_DAYS
from mynumber.domain.errors import Conflict

ENDORSEMENT_LINES = 4
EXPRESS_AFTER_FULL_DAYS = EXPRESS_REQUEST_DAYS


class EndorsementKind(StrEnum):
    """What a line of the 追記欄 records."""

    ADDRESS = "address"  # 住所の変更 (転居届, 転入届の継続利用)
    VALIDITY = "validity"  # 有効期間の変更 (在留期間の更新)


class ReissueReason(StrEnum):
    """Why a card still in the holder's hands is reissued (再交付)."""

    ENDORSEMENT_FIELD_FULL = "endorsement_field_full"  # 追記欄の余白がなくなった


@dataclass(frozen=True, slots=True)
class Endorsement:
    """One change written (or, the field full, not written) on the card's face."""

    kind: EndorsementKind
    on: dt.date
    on_face: bool


@dataclass(frozen=True, slots=True)
class EndorsementField:
    """The 追記欄 of one card, from its endorsements (oldest first)."""

    endorsements: tuple[Endorsement, ...]

    @property
    def lines_used(self) -> int:
        return sum(1 for e in self.endorsements if e.on_face)

    @property
    def lines_left(self) -> int:
        return ENDORSEMENT_LINES - self.lines_used

    @property
    def full(self) -> bool:
        return self.lines_left <= 0

    @property
    def filled_on(self) -> dt.date | None:
        """The day of the change that used the last line (``None`` while lines are left)."""
        on_face = [e.on for e in self.endorsements if e.on_face]
        return on_face[ENDORSEMENT_LINES - 1] if len(on_face) >= ENDORSEMENT_LINES else None


def field_of(endorsements: Sequence[Endorsement]) -> EndorsementField:
    return EndorsementField(tuple(endorsements))


def next_endorsement(field: EndorsementField, kind: EndorsementKind, on: dt.date) -> Endorsement:
    """The endorsement for a change on ``on``: on the face while a line is left."""
    return Endorsement(kind, on, on_face=not field.full)


def full_field_notice(field: EndorsementField) -> tuple[str, str] | None:
    """What the ward office tells the holder once the face is full (English, Japanese)."""
    if not field.full:
        return None
    return (
        "The endorsement field on the card's face is full: the change is on the chip and in "
        "the register, but no more can be written on the card. Apply for a reissue: it is "
        "free, and may be express within 30 days.",
        "カードの追記欄に余白がありません。変更は住民票とICチップに記録しましたが、券面には"
        "記載できません。再交付を申請してください（無料。30日以内は特急発行も可能です）。",
    )


class EndorsementFieldNotFull(Conflict):
    """A reissue because the 追記欄 is full, asked for while a line is left (or with no card in
    hand): ``reason`` is ``endorsement_field_not_full``."""

    code = "endorsement-field-not-full"
    title = "The card's endorsement field is not full"


def require_full(field: EndorsementField | None) -> None:
    """Refuse a reissue for a full 追記欄 unless ``field`` (the card in hand's) is full."""
    if field is None:
        raise EndorsementFieldNotFull(
            "There is no valid card in hand whose endorsement field could be full.",
            "追記欄を確認できる有効なカードがありません。",
            reason="endorsement_field_not_full",
        )
    if not field.full:
        raise EndorsementFieldNotFull(
            f"The card's endorsement field is not full ({field.lines_left} of its "
            f"{ENDORSEMENT_LINES} lines left): a reissue for this reason is not possible yet.",
            f"カードの追記欄にはまだ余白があります（{ENDORSEMENT_LINES}行中、残り"
            f"{field.lines_left}行）。この理由での再交付はできません。",
            reason="endorsement_field_not_full",
        )
