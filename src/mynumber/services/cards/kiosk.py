"""コンビニのキオスク端末 — the convenience-store kiosk: unlocking the user-authentication PIN.

Rules (RULES.md "unlock / reset"; the guide, "Scenario 3"; Naha and Niigata city guidance):
the kiosk resets only the 4-digit user-authentication PIN, and only after the resident
authenticates with the *other* credential — the signature PIN, verified on the chip (a wrong
one costs one of its 5 tries) — and a face match between the camera and the chip photo. The
signature PIN and the other 4-digit PINs are reset at the ward office in person; nothing is
reset online.

The kiosk does only its job (issue 15, "terminals do only their job"): every step happens on
the card in the kiosk's own reader (``reader``, its ``CardSession`` with the card the resident
placed), checked by the access policy (``Action.USE_CARD``, audited either way) **before** any
PIN or face step — a kiosk never names a card by serial and spends its PIN tries — and the only
PIN it has entered is the signature PIN (``domain.policy.terminal_may_verify``).

Photo-booth card applications go through ``card_applications`` (channel
``photo_booth``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mynumber.adapters.face import FaceMatcher
from mynumber.card import CardFile
from mynumber.card.session import CardSession
from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden
from mynumber.domain.pins import PinKind, check_pin, check_pin_format
from mynumber.domain.policy import Action, terminal_may_verify
from mynumber.services.cards import records as card_records
from mynumber.services.cards import use as card_use
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, refusals_audited, require_role
from mynumber.services.core.records import get_person


@refusals_audited
def reset_pin_at_kiosk(
    session: Session, svc: Services, *, caller: Caller, card_serial: str, pin: PinKind,
    signature_pin: str, live_image: bytes, new_pin: str,
    matcher: FaceMatcher | None = None, reader: CardSession | None = None,
) -> None:
    """Reset the user-authentication PIN at a kiosk: the card in the kiosk's reader, then the
    signature PIN on that card, a face match against its chip photo, and the new PIN on it.

    Without ``reader`` holding the card of ``card_serial`` (an HTTP request naming a serial)
    the reset is refused before any PIN is entered (``card-not-in-terminal``, audited)."""
    require_role(caller, Role.KIOSK)
    if pin is not PinKind.USER_AUTHENTICATION:
        raise Forbidden(f"A kiosk can reset only the 4-digit user-authentication PIN. The "
                        f"{pin.name_en} is reset at the ward office in person.",
                        f"キオスク端末で初期化できるのは利用者証明用の暗証番号（4桁）だけです。"
                        f"{pin.name_ja}は市区町村の窓口でご本人が初期化してください。",
                        reason="ward_office_only")
    card = card_records.get_card(session, card_serial)
    in_reader = reader is not None and reader.chip.card_id == card.serial
    authorise(session, svc, caller, Action.USE_CARD,
              Subject(card.person_id, card_in_terminal=in_reader))
    assert reader is not None  # the policy refused a card not in this kiosk's reader
    job = terminal_may_verify(caller.role, PinKind.SIGNATURE)
    if not job.allowed:  # the kiosk's one PIN; kept here so a change to the table shows
        raise Forbidden(job.message_en, job.message_ja, reason=job.reason)
    check_pin_format(PinKind.SIGNATURE, signature_pin)
    card = card_use.require_usable(session, svc, card=card, pin=PinKind.SIGNATURE)
    person = get_person(session, card.person_id)
    check_pin(PinKind.USER_AUTHENTICATION, new_pin, date_of_birth=person.date_of_birth)
    chip = reader.chip
    reader.verify(PinKind.SIGNATURE, signature_pin)  # counted on the chip in the reader
    chip_photo = reader.read(CardFile.PHOTO)
    result = (matcher or FaceMatcher()).match(chip_photo, live_image)
    if not result.matched:
        raise Forbidden("The face in the camera does not match the card's photo. Try again "
                        "facing the camera, or have the PIN reset at the ward office.",
                        "カメラの顔がカードの顔写真と一致しません。正面を向いてもう一度お試しいただくか、"
                        "市区町村の窓口で初期化してください。", reason="face_mismatch")
    audit.record(session, caller=caller, action="reset_pin_at_kiosk", person_id=person.id,
                 at=svc.clock.now(), detail=f"card {card.serial}: user_authentication")
    chip.reset_pin(PinKind.USER_AUTHENTICATION, new_pin)
