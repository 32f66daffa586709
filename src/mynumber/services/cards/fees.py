"""手数料の領収 — the receipt for a card fee paid at the counter.

The amounts and when they are paid are ``domain.fees.card_fee``'s (RULES.md "fees"): an
express reissue is paid at the application, any other reissue when the card is collected;
a first card and a renewal are free and have no receipt.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Municipality
from mynumber.adapters.db.models_card import CardApplication
from mynumber.adapters.documents import FeeReceipt, render_fee_receipt
from mynumber.domain.access import Purpose, Role
from mynumber.domain.cards import ApplicationKind
from mynumber.domain.endorsements import ReissueReason
from mynumber.domain.errors import Conflict
from mynumber.domain.fees import Fee, PaidWhen, card_fee
from mynumber.domain.policy import Action
from mynumber.services.cards import records as card_records
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import get_person


def fee_of(application: CardApplication) -> Fee:
    """The fee of ``application``."""
    return card_fee(
        ApplicationKind(application.kind),
        express=application.express,
        endorsement_field_full=application.reissue_reason == ReissueReason.ENDORSEMENT_FIELD_FULL,
    )


def _paid_on(session: Session, application: CardApplication, fee: Fee) -> dt.date | None:
    if fee.paid is PaidWhen.AT_APPLICATION:
        return application.received_at.date()
    if application.card_serial is None:
        return None
    card = card_records.get_card(session, application.card_serial)
    return card.collected_at.date() if card.collected_at else None


def fee_receipt_pdf(
    session: Session, svc: Services, *, caller: Caller, application_id: str
) -> bytes:
    """領収書: the receipt of the fee paid for ``application_id``, as a PDF (A5)."""
    require_role(caller, Role.WARD_OFFICE)
    application = card_records.application_by_id(session, application_id)
    authorise(session, svc, caller, Action.VIEW_APPLICATION, Subject(application.person_id))
    fee = fee_of(application)
    if fee.free:
        raise Conflict(
            f"There is no fee to receipt: {fee.why_free_en}.",
            f"領収する手数料はありません（{fee.why_free_ja}）。",
            reason="no_fee",
        )
    paid_on = _paid_on(session, application, fee)
    if paid_on is None:
        raise Conflict(
            "The reissue fee is paid when the card is collected; there is no receipt yet.",
            "再交付手数料はカードの交付時にお支払いいただきます。領収書はまだありません。",
            reason="fee_not_paid_yet",
        )
    person = get_person(session, application.person_id)
    town = session.get(Municipality, caller.municipality_code or "")
    audit.record(
        session,
        caller=caller,
        action="fee_receipt_pdf",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"application {application.id}: {fee.yen} yen",
    )
    return render_fee_receipt(
        FeeReceipt(
            municipality=town.name_ja if town else (caller.municipality_code or caller.name),
            municipality_en=town.name_en if town else "",
            paid_on=paid_on,
            name=person.name_latin,
            application_id=application.application_form_id or "",
            lines=tuple((line.ja, line.en, line.yen) for line in fee.lines),
            purpose="マイナンバーカード再交付手数料",
            purpose_en="the My Number Card reissue fee",
        )
    )
