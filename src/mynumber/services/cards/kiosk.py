"""コンビニのキオスク端末 — the convenience-store kiosk: unlocking the user-authentication PIN.

Rules (RULES.md "unlock / reset"; the guide, "Scenario 3"; Naha and Niigata city guidance):
the kiosk resets only the 4-digit user-authentication PIN, and only after the resident
authenticates with the *other* credential — the signature PIN, verified on the chip (a wrong
one costs one of its 5 tries) — and a face match between the camera and the chip photo. The
signature PIN and the other 4-digit PINs are reset at the ward office in person; nothing is
reset online. Photo-booth card applications go through ``card_applications`` (channel
``photo_booth``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from mynumber.adapters.face import FaceMatcher
from mynumber.card import CardFile
from mynumber.domain.access import Role, require_role
from mynumber.domain.errors import Forbidden
from mynumber.domain.pins import PinKind, check_pin, check_pin_format
from mynumber.services.cards import records as card_records
from mynumber.services.cards import use as card_use
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.records import get_person


def reset_pin_at_kiosk(
    session: Session, svc: Services, *, caller: Caller, card_serial: str, pin: PinKind,
    signature_pin: str, live_image: bytes, new_pin: str,
    matcher: FaceMatcher | None = None,
) -> None:
    """Reset the user-authentication PIN at a kiosk: signature PIN on the chip, then a face
    match against the chip photo, then the new PIN on the chip."""
    require_role(caller.role, Role.KIOSK)
    if pin is not PinKind.USER_AUTHENTICATION:
        raise Forbidden(f"A kiosk can reset only the 4-digit user-authentication PIN. The "
                        f"{pin.name_en} is reset at the ward office in person.",
                        f"キオスク端末で初期化できるのは利用者証明用の暗証番号（4桁）だけです。"
                        f"{pin.name_ja}は市区町村の窓口でご本人が初期化してください。",
                        reason="ward_office_only")
    check_pin_format(PinKind.SIGNATURE, signature_pin)
    card = card_use.check_card(session, svc, card_serial=card_serial, pin=PinKind.SIGNATURE)
    person = get_person(session, card.person_id)
    check_pin(PinKind.USER_AUTHENTICATION, new_pin, date_of_birth=person.date_of_birth)
    chip = card_records.chip_of(svc, card)
    with chip.open_session() as reader:
        reader.verify(PinKind.SIGNATURE, signature_pin)  # counted on the chip
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
