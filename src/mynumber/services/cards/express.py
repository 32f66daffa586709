"""特急発行の郵送 — an express card mailed by registered post (本人限定受取郵便), not collected.

The rule is ``domain.cards.delivery`` (RULES.md "time to issue"; the mailed-card scheme,
申請時来庁方式, as Nagoya city's FAQ 3457 describes it; Sanuki and Yuzawa city guidance):

- **At the application** (at the counter, in person, identity checked): the applicant (under
  15: the legal representative) chooses the PINs, checked by the collection's rules; they are
  kept sealed with the data keys, bound to the application, until the card is made.
- **At manufacture** (the card centre, about a week later): the chip is made, the
  certificates issued and the PINs set, the sealed PINs erased; the card goes into the post
  as a registered item (``MailKind.CARD``) to the registered address. No pickup notice
  (交付通知書) is mailed.
- **Delivered**: the card is active from the day the post hands it over (the post checks
  the addressee's ID; the daily jobs record the delivery).
- **Returned** (not home, wrong address…): the ward office holds it and hands it over at the
  counter against photo ID (under 15: with the legal representative); the PINs are already
  set, so none are asked for.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import MailItem, Person, Registration
from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.domain import key_versions
from mynumber.domain.access import Purpose
from mynumber.domain.cards import ApplicationStatus, CardStatus, IdentityShown
from mynumber.domain.errors import Conflict, invalid
from mynumber.domain.mail import MailKind, MailStatus
from mynumber.domain.registration import IdDocument
from mynumber.domain.representation import LegalRepresentative, check_representation
from mynumber.services.cards import records as card_records
from mynumber.services.cards.counter import (
    Collection,
    InitialPins,
    check_initial_pins,
    retire_replaced_card,
)
from mynumber.services.cards.records import CARD_CENTRE
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import refusals_audited
from mynumber.services.jpki.certificates import issue_card_certificates
from mynumber.services.registry import letters


def pins_context(application_id: int) -> bytes:
    """What the sealed PINs are bound to: their application (key rotation re-seals them)."""
    return f"express-pins:{application_id}".encode()


def seal_pins(
    svc: Services, *, application: CardApplication, person: Person, pins: InitialPins | None
) -> None:
    """Check the PINs chosen at an express application and keep them sealed."""
    signature = check_initial_pins(pins, person, svc.clock.today(), face_authentication=False)
    assert pins is not None  # check_initial_pins refuses none
    chosen = {
        "user_authentication": pins.user_authentication,
        "resident_registry": pins.resident_registry,
        "card_info_input": pins.card_info_input,
        "signature": signature,
    }
    application.pins_sealed = key_versions.seal(
        svc.keys.data_keys, json.dumps(chosen).encode(), pins_context(application.id)
    )


def _open_pins(svc: Services, application: CardApplication) -> dict[str, str | None]:
    assert application.pins_sealed is not None
    _, content = key_versions.open_sealed(
        svc.keys.data_keys, application.pins_sealed, pins_context(application.id)
    )
    chosen: dict[str, str | None] = json.loads(content)
    return chosen


def is_mailed(session: Session, application: CardApplication) -> bool:
    """Whether this application's card goes by registered post: an express application whose
    PINs were chosen when applying (sealed until manufacture, then the card is in the post).
    An express application from before this rule has neither and is collected."""
    if not application.express:
        return False
    return application.pins_sealed is not None or card_mail(session, application) is not None


def mail_card(
    session: Session,
    svc: Services,
    *,
    application: CardApplication,
    card: Card,
    person: Person,
    registration: Registration,
) -> MailItem:
    """At manufacture: certificates, the sealed PINs on the chip (then erased), and the card
    into the post as a registered item to the registered address."""
    chip = card_records.chip_of(svc, card)
    pins = _open_pins(svc, application)
    issue_card_certificates(
        session,
        svc,
        card=card,
        chip=chip,
        person=person,
        address=registration.address,
        on=svc.clock.today(),
    )
    chip.set_initial_pins(
        user_authentication=pins["user_authentication"] or "",
        resident_registry=pins["resident_registry"] or "",
        card_info_input=pins["card_info_input"] or "",
        signature=pins["signature"],
    )
    application.pins_sealed = None
    item = letters.post(
        session,
        svc,
        kind=MailKind.CARD,
        person_id=person.id,
        ref_id=application.id,
        registration=registration,
    )
    audit.record(
        session,
        caller=CARD_CENTRE,
        action="mail_card",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial} by registered post (express issuance)",
    )
    return item


def card_mail(session: Session, application: CardApplication) -> MailItem | None:
    """The registered item carrying the application's card (the newest)."""
    return session.scalars(
        select(MailItem)
        .where(MailItem.kind == MailKind.CARD.value, MailItem.ref_id == application.id)
        .order_by(MailItem.id.desc())
    ).first()


def _activate(
    session: Session, svc: Services, application: CardApplication, card: Card
) -> str | None:
    card.status, card.collected_at = CardStatus.ACTIVE, svc.clock.now()
    application.status = ApplicationStatus.COLLECTED
    return retire_replaced_card(session, svc, application)


def activate_delivered(session: Session, svc: Services, settled: list[MailItem]) -> list[str]:
    """After the post's round: every mailed card delivered is active (its holder has it)."""
    active = []
    for item in settled:
        if item.kind != MailKind.CARD or item.status != MailStatus.DELIVERED:
            continue
        application = session.get(CardApplication, item.ref_id)
        if application is None or application.card_serial is None:
            continue
        card = card_records.get_card(session, application.card_serial)
        if card.status != CardStatus.READY:
            continue
        _activate(session, svc, application, card)
        audit.record(
            session,
            caller=CARD_CENTRE,
            action="card_delivered",
            person_id=card.person_id,
            at=svc.clock.now(),
            detail=f"card {card.serial} delivered by registered post",
        )
        active.append(card.serial)
    return active


@refusals_audited  # check_holder's refusal: collect_card's caller, one entry
def hand_over_returned_card(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    application: CardApplication,
    card: Card,
    person: Person,
    registration: Registration,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
    pins: InitialPins | None,
    representative: LegalRepresentative | None,
    by_proxy: bool,
    face_authentication: bool,
) -> Collection:
    """A mailed card the post brought back, handed over at the ward office against photo ID
    (under 15: with the legal representative). Its PINs were set at the application."""
    item = card_mail(session, application)
    if item is not None and item.status == MailStatus.IN_TRANSIT:
        raise Conflict(
            "This express card is in the post by registered mail: the ward office hands it "
            "over only if the post brings it back.",
            "この特急発行のカードは本人限定受取郵便で郵送中です。返戻された場合のみ窓口でお渡しします。",
            reason="card_in_the_post",
        )
    if item is None or item.status != MailStatus.HELD_AT_OFFICE:
        raise Conflict(
            "This express card was delivered by registered post.",
            "この特急発行のカードは郵便で交付済みです。",
            reason="card_delivered",
        )
    if pins is not None or face_authentication:
        raise invalid(
            "pins",
            "The PINs of a mailed card were chosen at the application: none are set now.",
            "郵送するカードの暗証番号は申請時に設定済みです。窓口では設定しません。",
        )
    if by_proxy:
        raise invalid(
            "proxy",
            "A card the post brought back is handed to its holder in person.",
            "返戻されたカードはご本人に窓口でお渡しします。",
        )
    today = svc.clock.today()
    acting = check_representation(
        representative, child_date_of_birth=person.date_of_birth, on=today
    )
    card_records.check_holder(
        person,
        registration,
        identity=identity,
        id_documents=id_documents,
        photo_id_required=acting is None,
    )
    item.status = MailStatus.HANDED_OVER
    old = _activate(session, svc, application, card)
    audit.record(
        session,
        caller=caller,
        action="hand_over_returned_card",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial} (express, returned by the post)"
        + (f"; with the legal representative ({acting.relation.value})" if acting else ""),
    )
    return Collection(
        card.serial,
        card.expires_on,
        card.certificates_expire_on,
        card.no_signature is None,
        False,
        old,
        no_signature=card.no_signature,
        legal_representative=acting.relation.value if acting else None,
    )
