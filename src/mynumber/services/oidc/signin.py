"""The holder at the authorization page: the card, its PINs, and the consent.

There is no card reader in a browser here, as at the portal's login: the page asks for the
card's serial (as a reader would read it) and the PINs, and the server plays the reader over
the same JPKI APDUs to the same chip — so the PIN counters and locks are the card's own,
shared with every other use (``services.jpki.card_auth``, ``services.cards.use``).

1. ``authenticate_holder``: 利用者証明 with the user-authentication PIN (4 digits): a fresh
   nonce signed by the card, its certificate checked (chain, validity, revocation) and the
   card active. Enough for ``openid``.
2. ``consent``: the holder agreed. The policy is asked (only the holder shares their own
   data: ``Action.SHARE_WITH_SERVICE``, audited). For the identity scopes and ``sign`` the
   signature PIN is verified on the card, the signature certificate read and checked as the
   tax office checks one (issued by the card centre, valid, not revoked, a signature
   certificate, this card's), the basic four read from it — only the consented ones are kept —
   and, for ``sign``, the card signs the service's document digest with its signature key.

Every refusal says what to do: a card or certificate that cannot be used names its cause and
the counter that fixes it.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy.orm import Session

from mynumber.adapters.pcsc import JpkiTerminal, reader_for
from mynumber.card import KeySlot
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import (
    CertificateError,
    Forbidden,
    MyNumberError,
    NotFound,
    PinLocked,
    invalid,
)
from mynumber.domain.oidc import IDENTITY_SCOPES, SIGN, identity_claims
from mynumber.domain.pins import PinKind, check_pin_format
from mynumber.domain.policy import Action
from mynumber.pki.profiles import is_signature_certificate, signature_subject_of
from mynumber.pki.verify import verify_certificate
from mynumber.services.cards import records as card_records
from mynumber.services.cards import use as card_use
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, refused
from mynumber.services.core.records import get_person
from mynumber.services.jpki import card_auth
from mynumber.services.jpki.certificates import certificate_record, revocation_lookup

SIGN_IN = "Sign in with the My Number Card"
"""The provider as a relying party of card authentication (the name in the audit log)."""
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
"""DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2): what the card signs with the digest."""

_CERTIFICATE_ADVICE = (
    "Renew your electronic certificates at your ward office (bring the card and your PINs), "
    "then sign in again.",
    "お住まいの市区町村の窓口で電子証明書を更新してから（カードと暗証番号をお持ちください）、"
    "もう一度サインインしてください。",
)


def terminal() -> Caller:
    """The provider's own terminal, before anyone has signed in."""
    return Caller(name=SIGN_IN, role=Role.RESIDENT)


def holder_caller(person_id: int) -> Caller:
    """The holder, proved by the card: a resident acting on their own record."""
    return Caller(name=SIGN_IN, role=Role.RESIDENT, scope_id=person_id)


@dataclass(frozen=True)
class CardHolder:
    """Who proved the card, with which card, when."""

    person_id: int
    card_serial: str
    auth_time: dt.datetime


def _on_field(exc: MyNumberError, name: str) -> MyNumberError:
    exc.details.setdefault("field", name)
    return exc


def _with_advice(exc: CertificateError) -> CertificateError:
    """The certificate's refusal, with what to do about it."""
    details = {**exc.details, "advice": "renew_certificates"}
    return type(exc)(
        f"{exc.message_en} {_CERTIFICATE_ADVICE[0]}",
        exc.message_ja + _CERTIFICATE_ADVICE[1],
        **details,
    )


def normalise_serial(text: str) -> str:
    return "".join(ch for ch in text if ch not in " -\t").upper()[:32]


def authenticate_holder(
    session: Session, svc: Services, *, card_serial: str, pin: str
) -> CardHolder:
    """利用者証明 at the authorization page: the user-authentication PIN on the card."""
    serial = normalise_serial(card_serial)
    kind = PinKind.USER_AUTHENTICATION
    if not serial:
        raise invalid(
            "card_serial",
            "Enter the serial number of your card.",
            "カードのシリアル番号を入力してください。",
        )
    check_pin_format(kind, pin)  # a malformed PIN never reaches the chip (no try lost)
    try:
        card = card_use.check_card(session, svc, card_serial=serial, pin=kind)
    except PinLocked as exc:
        raise _on_field(exc, kind.field) from None
    except NotFound as exc:
        raise _on_field(exc, "card_serial") from None
    challenge = card_auth.issue_challenge(session, svc, caller=terminal())
    try:
        answer = card_auth.answer_challenge(
            card_records.chip_of(svc, card), pin=pin, nonce=challenge.nonce
        )
    except MyNumberError as exc:
        raise _on_field(exc, kind.field) from None
    try:
        card = card_auth.authenticate(
            session,
            svc,
            caller=terminal(),
            nonce=challenge.nonce,
            certificate_der=answer.certificate_der,
            signature=answer.signature,
        )
    except CertificateError as exc:
        raise _with_advice(exc) from None
    return CardHolder(card.person_id, card.serial, svc.clock.now())


def _check_signature_certificate(
    session: Session, svc: Services, certificate: x509.Certificate, holder: CardHolder
) -> None:
    try:
        verify_certificate(
            certificate, svc.ca, at=svc.clock.now(), is_revoked=revocation_lookup(session)
        )
    except CertificateError as exc:
        raise _with_advice(exc) from None
    record = certificate_record(session, certificate)
    if (
        not is_signature_certificate(certificate)
        or record is None
        or record.card_serial != holder.card_serial
        or record.person_id != holder.person_id
    ):
        raise refused(
            holder_caller(holder.person_id),
            Forbidden(
                "The signature certificate on this card is not the card centre's record of "
                "your card: ask at your ward office.",
                "このカードの署名用電子証明書が記録と一致しません。市区町村の窓口にお問い合わせください。",
            ),
            person_id=holder.person_id,
        )


def consent(
    session: Session,
    svc: Services,
    *,
    holder: CardHolder,
    client_id: str,
    scopes: Sequence[str],
    signature_pin: str = "",
    document_digest: bytes | None = None,
) -> dict[str, Any]:
    """The holder agreed to share ``scopes`` with the service: what is shared (claims of the
    identity scopes, a signature for ``sign``), read from the card after the signature PIN."""
    caller = holder_caller(holder.person_id)
    authorise(
        session,
        svc,
        caller,
        Action.SHARE_WITH_SERVICE,
        Subject(holder.person_id),
        purpose=Purpose.OWN_RECORD,
    )
    card = card_use.check_card(session, svc, card_serial=holder.card_serial)
    if card.person_id != holder.person_id:
        raise refused(
            caller,
            Forbidden("This is not your card.", "ご本人のカードではありません。"),
            person_id=holder.person_id,
        )
    shared: dict[str, Any] = {}
    wanted = set(scopes)
    if wanted & {*IDENTITY_SCOPES, SIGN}:
        kind = PinKind.SIGNATURE
        check_pin_format(kind, signature_pin)
        try:
            card = card_use.check_card(session, svc, card_serial=holder.card_serial, pin=kind)
        except PinLocked as exc:
            raise _on_field(exc, kind.field) from None
        try:
            with reader_for(card_records.chip_of(svc, card)) as reader:
                on_card = JpkiTerminal(reader)
                certificate = on_card.read_certificate(KeySlot.SIGNATURE, pin=signature_pin)
                _check_signature_certificate(session, svc, certificate, holder)
                subject = signature_subject_of(certificate)
                shared.update(
                    identity_claims(
                        wanted,
                        name=subject.name,
                        address=subject.address,
                        date_of_birth=subject.date_of_birth,
                        sex=subject.sex,
                    )
                )
                if SIGN in wanted and document_digest is not None:
                    signature = on_card.sign_digest_info(
                        KeySlot.SIGNATURE, SHA256_DIGEST_INFO + document_digest
                    )
                    shared["document_signature"] = _signature_claim(
                        svc, document_digest, signature, certificate
                    )
        except MyNumberError as exc:
            if isinstance(exc, CertificateError | Forbidden):
                raise
            raise _on_field(exc, kind.field) from None
    person = get_person(session, holder.person_id)
    audit.record(
        session,
        caller=caller,
        action="oidc_consent",
        person_id=person.id,
        purpose=Purpose.OWN_RECORD,
        at=svc.clock.now(),
        detail=f"{client_id}: {' '.join(scopes)} (card {holder.card_serial})",
    )
    return shared


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _signature_claim(
    svc: Services, digest: bytes, signature: bytes, certificate: x509.Certificate
) -> dict[str, Any]:
    """The signature as the service receives it: what was signed, by which certificate, and
    the chain and revocation services to check it with."""
    base = svc.base_url.rstrip("/") + "/jpki"
    return {
        "algorithm": "RS256",
        "digest_algorithm": "SHA-256",
        "document_digest": base64.urlsafe_b64encode(digest).rstrip(b"=").decode(),
        "signature": _b64(signature),
        "certificate": _b64(certificate.public_bytes(serialization.Encoding.DER)),
        "chain": [
            _b64(svc.ca.issuing_certificate.public_bytes(serialization.Encoding.DER)),
        ],
        "crl": base + "/crl",
        "ocsp": base + "/ocsp",
    }
