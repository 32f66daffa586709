"""利用者証明 — card authentication: who holds this card, without the My Number.

The relying party (clinic reception terminal, the My Number Portal, a kiosk, the ward office)
asks for a nonce (``issue_challenge``); the card signs it with its user-authentication key after
the 4-digit PIN (``answer_challenge``, on the terminal); the server checks (``authenticate_card``):

1. the nonce: issued to this relying party, not expired (``CHALLENGE_LIFETIME``), never
   answered before — each failure has its own code;
2. the certificate: issued by the card centre, within its validity, not revoked now, and a
   user-authentication certificate (a signature certificate would reveal the basic four items);
3. the signature over the nonce (proof that the card is present and the PIN was entered);
4. the card: the authority's record of the certificate, and the card's status must be active.

It answers the person's id: the exchange carries no My Number (RULES.md "clinic check";
オンライン資格確認 identifies the person by the user-authentication certificate).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar, cast

from cryptography import x509
from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.orm import Session

from mynumber.adapters.db.bulk_insert import insert_rows
from mynumber.adapters.db.lists import ListStatement
from mynumber.adapters.db.models_card import Card
from mynumber.adapters.db.models_pki import CardAuthChallenge
from mynumber.adapters.pcsc import CardReader, JpkiTerminal, reader_for
from mynumber.card import Chip
from mynumber.domain.access import Role
from mynumber.domain.cards import CardStatus
from mynumber.domain.clock import JST
from mynumber.domain.errors import CardError, Unauthenticated, invalid
from mynumber.domain.insurance_rules import (
    expired_certificate_grace_ends,
    in_expired_certificate_grace,
)
from mynumber.pki.challenge import CHALLENGE_BYTES, make_challenge, verify_challenge_signature
from mynumber.pki.errors import CertificateWrongPurpose, UntrustedCertificate
from mynumber.pki.profiles import is_signature_certificate
from mynumber.pki.verify import RevocationLookup, verify_certificate
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import require_role
from mynumber.services.jpki.certificates import certificate_record, revocation_lookup

CHALLENGE_LIFETIME = dt.timedelta(minutes=5)
RELYING_PARTIES = (Role.CLINIC, Role.KIOSK, Role.RESIDENT, Role.WARD_OFFICE)


class ChallengeUnknown(Unauthenticated):
    code = "challenge-unknown"
    title = "Unknown challenge"


class ChallengeExpired(Unauthenticated):
    code = "challenge-expired"
    title = "Challenge expired"


class ChallengeReplayed(Unauthenticated):
    code = "challenge-replayed"
    title = "Challenge already answered"


class CardNotActive(CardError):
    code = "card-not-active"
    title = "The card is not active"


class CertificateUnknown(UntrustedCertificate):
    """Signed by our CA but not in the authority's records (never happens unless forged)."""

    code = "certificate-unknown"
    title = "Certificate not in the card centre's records"


@dataclass(frozen=True)
class Challenge:
    """A nonce for the card to sign, and when it stops being accepted."""

    nonce: bytes
    expires_at: dt.datetime


@dataclass(frozen=True)
class CardAnswer:
    """What the terminal sends back: the card's user-authentication certificate and its
    signature over the nonce."""

    certificate_der: bytes
    signature: bytes


def issue_challenge(session: Session, svc: Services, *, caller: Caller) -> Challenge:
    """A fresh nonce for ``caller``'s terminal, valid for ``CHALLENGE_LIFETIME``."""
    return issue_challenges(session, svc, [caller])[0]


def issue_challenges(session: Session, svc: Services, callers: Sequence[Caller]) -> list[Challenge]:
    """A fresh nonce for each caller's terminal, in one statement."""
    for caller in callers:
        require_role(caller, *RELYING_PARTIES)
    now = svc.clock.now()
    challenges = [Challenge(make_challenge(), now + CHALLENGE_LIFETIME) for _ in callers]
    insert_rows(
        session,
        CardAuthChallenge,
        [
            dict(
                nonce=c.nonce.hex(),
                relying_party=caller.name,
                issued_at=now,
                expires_at=c.expires_at,
                used_at=None,
            )
            for caller, c in zip(callers, challenges, strict=True)
        ],
    )
    return challenges


def answer_challenge(card: Chip | CardReader, *, pin: str, nonce: bytes) -> CardAnswer:
    """The terminal's side: read the authentication certificate, enter the 4-digit PIN on the
    card, and have the card sign the nonce. ``WrongPin`` / ``PinLocked`` come from the card.

    The terminal speaks JPKI APDUs whether the card is a chip in this process or sits in a
    PC/SC reader (``adapters.pcsc``): one path, the same answers."""
    with reader_for(card) as reader:
        answer = JpkiTerminal(reader).authenticate(nonce, pin)
    return CardAnswer(answer.certificate_der, answer.signature)


def authenticate_card(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    nonce: bytes,
    certificate_der: bytes,
    signature: bytes,
) -> int:
    """Check the card's answer to ``nonce``; the id of the person who holds the card."""
    return authenticate(
        session,
        svc,
        caller=caller,
        nonce=nonce,
        certificate_der=certificate_der,
        signature=signature,
    ).person_id


def authenticate(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    nonce: bytes,
    certificate_der: bytes,
    signature: bytes,
) -> Card:
    """As ``authenticate_card``, returning the active card itself."""
    require_role(caller, *RELYING_PARTIES)
    now = svc.clock.now()
    check_nonce_format(nonce)
    if not spend_challenges(session, [(caller, nonce)], now):
        raise challenge_refusal(session, caller, nonce, now)
    certificate, card = identify_card(session, svc, certificate_der=certificate_der)
    verify_challenge_signature(certificate, nonce, signature)
    audit.record(
        session,
        caller=caller,
        action="card_authentication",
        person_id=card.person_id,
        at=now,
        detail=f"card {card.serial}",
    )
    return card


def identify_card(
    session: Session,
    svc: Services,
    *,
    certificate_der: bytes,
    expired_grace: bool = False,
) -> tuple[x509.Certificate, Card]:
    """The active card behind a user-authentication certificate read from the chip.

    Chain, validity, revocation and kind are checked, but no signature: the caller proves
    possession another way (the PIN via ``authenticate``, or a face or staff visual check).
    ``expired_grace``: an expired certificate is accepted within the clinic check's grace
    (``check_certificate``).
    """
    certificate = load_certificate(certificate_der)
    check_certificate(
        certificate, svc, is_revoked=revocation_lookup(session), expired_grace=expired_grace
    )
    record = certificate_record(session, certificate)
    card = (
        None
        if record is None
        else session.scalars(select(Card).where(Card.serial == record.card_serial)).first()
    )
    return certificate, active_card(card, certificate)


def check_certificate(
    certificate: x509.Certificate,
    svc: Services,
    *,
    is_revoked: RevocationLookup,
    expired_grace: bool = False,
) -> dt.date | None:
    """Issued by the card centre, valid now, not revoked, and for user authentication.

    With ``expired_grace`` (the clinic's eligibility check only: RULES.md "expired
    certificate") a certificate that has expired is accepted until
    ``domain.insurance_rules.expired_certificate_grace_ends``, checked as it stood on its
    last valid moment (chain, not revoked by then); the answer is the last day of the grace,
    ``None`` for a certificate valid now. Everyone else (the portal's login, e-Tax, a kiosk)
    calls without it and an expired certificate is refused."""
    grace_ends = _grace_ends(certificate, svc) if expired_grace else None
    at = certificate.not_valid_after_utc if grace_ends is not None else svc.clock.now()
    verify_certificate(certificate, svc.ca, at=at, is_revoked=is_revoked)
    if is_signature_certificate(certificate):
        raise CertificateWrongPurpose(
            "Use the user-authentication certificate to identify the card, not the signature "
            "certificate.",
            "本人確認には利用者証明用電子証明書を使ってください（署名用電子証明書は使えません）。",
            serial=certificate.serial_number,
        )
    return grace_ends


def _grace_ends(certificate: x509.Certificate, svc: Services) -> dt.date | None:
    """The grace's last day if the certificate has expired and is within it (dates in Japan,
    where the certificate's last valid day is set)."""
    if svc.clock.now() <= certificate.not_valid_after_utc:
        return None
    expires_on = certificate.not_valid_after_utc.astimezone(JST).date()
    if not in_expired_certificate_grace(expires_on, svc.clock.today()):
        return None
    return expired_certificate_grace_ends(expires_on)


def check_nonce_format(nonce: bytes) -> None:
    if len(nonce) != CHALLENGE_BYTES:
        raise invalid(
            "nonce",
            f"The nonce must be {CHALLENGE_BYTES} bytes.",
            f"チャレンジは{CHALLENGE_BYTES}バイトです。",
        )


def spend_challenges(
    session: Session, answers: Sequence[tuple[Caller, bytes]], now: dt.datetime
) -> set[tuple[str, str]]:
    """Mark answered, in one statement, each nonce issued to its caller, unexpired and not
    answered before; the ``(nonce hex, relying party)`` pairs that were. Of two answers racing
    with the same nonce exactly one wins. A nonce is spent by the answer that presents it,
    whatever the verdict on the card: one answer per nonce."""
    wanted = {(nonce.hex(), caller.name) for caller, nonce in answers}
    if not wanted:
        return set()
    conn = session.connection()
    table = _CHALLENGES
    nonces = sorted({nonce for nonce, _ in wanted})
    rows = conn.execute(_SPEND.on(conn.dialect.name), {"nonces": nonces, "now": now})
    spent = {(row.nonce, row.relying_party) for row in rows}
    # A nonce presented by someone it was not issued to stays unanswered for its owner; a
    # list of nonces (not of nonce-party pairs) keeps the statement simple to plan.
    wrong = [nonce for nonce, party in spent - wanted]
    if wrong:
        conn.execute(update(table).where(table.c.nonce.in_(wrong)).values(used_at=None))
    return spent & wanted


_CHALLENGES = cast(Table, CardAuthChallenge.__table__)
_FORGET_EXPIRED = delete(_CHALLENGES).where(_CHALLENGES.c.expires_at < bindparam("before"))
"""Built once (the moment a bound parameter): a daily job, run at every midnight the
sandbox's clock crosses (thousands a move)."""
_SPEND = ListStatement(
    lambda one_of: (
        update(_CHALLENGES)
        .where(
            one_of(_CHALLENGES.c.nonce, "nonces"),
            _CHALLENGES.c.used_at.is_(None),
            _CHALLENGES.c.expires_at >= bindparam("now"),
        )
        .values(used_at=bindparam("now"))
        .returning(_CHALLENGES.c.nonce, _CHALLENGES.c.relying_party)
    )
)


EXPIRED_KEPT = dt.timedelta(days=1)
"""How long a nonce is kept after it expired: an answer that late is still told the nonce
expired (``ChallengeExpired``), not that it was never issued."""


def forget_expired_challenges(session: Session, now: dt.datetime) -> int:
    """Delete every nonce that expired more than ``EXPIRED_KEPT`` before ``now``, answered
    or not; how many. A nonce only guards against a replay while it can be answered, and
    each eligibility check leaves one (at the national peak of ~700 checks a second, tens of
    millions a day): kept forever, the table would outgrow the register. An answer with a
    forgotten nonce is refused as one never issued (``ChallengeUnknown``)."""
    done = session.execute(_FORGET_EXPIRED, {"before": now - EXPIRED_KEPT})
    return int(getattr(done, "rowcount", 0) or 0)


def challenge_refusal(
    session: Session, caller: Caller, nonce: bytes, now: dt.datetime
) -> Unauthenticated:
    """Why ``spend_challenges`` did not spend this nonce for this caller."""
    row = session.get(CardAuthChallenge, nonce.hex())
    if row is None or row.relying_party != caller.name:
        return ChallengeUnknown(
            "This challenge was not issued to you: ask for a new one.",
            "このチャレンジは発行されていません。新しいチャレンジを取得してください。",
        )
    if row.used_at is None and now > row.expires_at:
        return ChallengeExpired(
            "The challenge has expired: ask for a new one and try again.",
            "チャレンジの有効期限が切れました。もう一度お試しください。",
            expires_at=row.expires_at.isoformat(),
        )
    return ChallengeReplayed(
        "This challenge was already answered: ask for a new one.",
        "このチャレンジは使用済みです。新しいチャレンジを取得してください。",
    )


def load_certificate(der: bytes) -> x509.Certificate:
    try:
        return x509.load_der_x509_certificate(der)
    except ValueError:
        raise invalid(
            "certificate",
            "The certificate is not a DER X.509 certificate.",
            "証明書の形式が正しくありません（DER形式のX.509証明書ではありません）。",
        ) from None


_STATUS_TEXT = {
    "suspended": ("was reported lost and is suspended", "紛失届により一時停止されています"),
    "lost": ("was reported lost", "紛失届が出されています"),
    "returned": ("was returned and is no longer valid", "返納され、失効しています"),
    "invalid": ("is no longer valid", "失効しています"),
    "expired": ("has expired", "有効期限が切れています"),
}


class _WithStatus(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def invalid_reason(self) -> str | None: ...


CardT = TypeVar("CardT", bound=_WithStatus)


def active_card(card: CardT | None, certificate: x509.Certificate) -> CardT:
    """The card of the authority's record of ``certificate`` if it is active, else why not."""
    if card is None:
        raise CertificateUnknown(
            "The card centre has no record of this certificate.",
            "この証明書は地方公共団体情報システム機構の記録にありません。",
            serial=certificate.serial_number,
        )
    if card.status != CardStatus.ACTIVE:
        en, ja = _STATUS_TEXT.get(
            card.status,
            (
                "is not active (not yet collected?)",
                "有効ではありません（未交付の可能性があります）",
            ),
        )
        raise CardNotActive(
            f"This card {en}: it cannot be used ({card.status}).",
            f"このカードは{ja}。利用できません（{card.status}）。",
            card_status=card.status,
            reason=card.invalid_reason or "",
        )
    return card
