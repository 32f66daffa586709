"""電子証明書の発行・失効 — the card centre (J-LIS) issues and revokes the card's certificates.

Rules (RULES.md "The card"; 公的個人認証法 and its 施行規則):

- At manufacture the card centre certifies the card's two public keys (the private keys never
  leave the chip): the user-authentication certificate (利用者証明用電子証明書, no personal
  data) always, the signature certificate (署名用電子証明書, name, address, date of birth and
  sex) only from age 15 (``signature_certificate_allowed``).
- Both are valid until the 5th birthday after issue, never past the card (``certificate_expiry``
  with the card's ``expires_on`` as the cap, which already holds a foreign resident's stay cap).
  The last valid day is inclusive: the certificate ends at 23:59:59 JST that day.
- The signature certificate is revoked on any change of name or address, on loss, return,
  leaving Japan and renewal; the user-authentication certificate on loss, return and renewal.
  A change of address revokes the signature certificate when the register changes (the
  転居届 or 転出届 is filed: ``revoke_signature_certificates_of``), not when the card is
  brought in; the user-authentication certificate stays valid. The chip update then issues
  a new signature certificate on a new key (``reissue_signature_certificate``).

The authority keeps only the public certificates (``Certificate`` rows); the CRL and the OCSP
answers are built from those rows (``current_crl``, ``answer_ocsp_request``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp
from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.card import Chip, KeySlot
from mynumber.domain.access import Purpose, Role
from mynumber.domain.card_kinds import no_signature_cause
from mynumber.domain.clock import JST
from mynumber.domain.errors import invalid
from mynumber.domain.validity import certificate_expiry, signature_certificate_allowed
from mynumber.pki import revocation
from mynumber.pki.profiles import SignatureSubject, signature_subject_of
from mynumber.pki.revocation import CertStatusInfo, RevokedEntry
from mynumber.pki.verify import RevocationLookup
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services

SIGNATURE = "signature"
AUTHENTICATION = "authentication"
KINDS = frozenset({SIGNATURE, AUTHENTICATION})

# Why a certificate is revoked (our words) → RFC 5280 CRLReason. A change of the basic four
# items is "affiliationChanged" (the subject's details changed, the key was not compromised);
# a lost card may be in a stranger's hands: "keyCompromise"; a card given back or a holder
# leaving: "cessationOfOperation"; a renewal: "superseded".
REASONS: dict[str, x509.ReasonFlags] = {
    "address_changed": x509.ReasonFlags.affiliation_changed,
    "name_changed": x509.ReasonFlags.affiliation_changed,
    "lost": x509.ReasonFlags.key_compromise,
    "returned": x509.ReasonFlags.cessation_of_operation,
    "left_japan": x509.ReasonFlags.cessation_of_operation,
    "renewed": x509.ReasonFlags.superseded,
}

# Which certificates each event revokes (RULES.md "The card"; 公的個人認証法): the signature
# certificate carries the basic four items, so any change to them revokes it; the
# user-authentication certificate carries none and survives a move or a new name.
KINDS_REVOKED_ON: dict[str, frozenset[str]] = {
    "address_changed": frozenset({SIGNATURE}),
    "name_changed": frozenset({SIGNATURE}),
    "left_japan": frozenset({SIGNATURE}),
    "lost": KINDS,
    "returned": KINDS,
    "renewed": KINDS,
}

CRL_LIFETIME = dt.timedelta(hours=24)
_CARD_CENTRE = Caller(name="J-LIS certificate authority", role=Role.CARD_CENTRE)


def _authority_for(municipality_code: str | None) -> Caller:
    """The CA as it acts for the card's municipality: its entries go to that municipality's
    chain of the CA (``audit_chain.chain_of``), so no certificate in Japan waits for another
    municipality's. Its serials are random (``x509.random_serial_number``): no counter."""
    return replace(_CARD_CENTRE, municipality_code=municipality_code)


def _municipality_of_card(session: Session, card_serial: str) -> str | None:
    return session.scalar(select(Card.municipality_code).where(Card.serial == card_serial))


_SEX_CODES = {"M": "1", "F": "2"}  # 住民票の性別コード: 1 男, 2 女


def kinds_revoked_on(reason: str) -> set[str]:
    """The certificates an event revokes: pass it as ``kinds`` to ``revoke_card_certificates``."""
    _check_reason(reason)
    return set(KINDS_REVOKED_ON[reason])


def serial_text(serial: int) -> str:
    """How a certificate serial is stored: 40 upper-case hex digits (as in its subject CN)."""
    return f"{serial:040X}"


def issue_card_certificates(
    session: Session,
    svc: Services,
    *,
    card: Card,
    chip: Chip,
    person: Person,
    address: str,
    on: dt.date,
) -> None:
    """Certify a new card's keys: the user-authentication certificate, and the signature
    certificate unless the card goes without one (under 15, or a face-authentication card:
    ``card_kinds.no_signature_cause``, kept on the card); write them on the chip and keep the
    public parts."""
    keys = chip.public_keys()
    not_before, not_after = _validity(card, person, on)
    auth = svc.ca.issue_authentication_certificate(
        keys.user_auth,
        serial=x509.random_serial_number(),
        not_before=not_before,
        not_after=not_after,
    )
    _store(session, card, person, AUTHENTICATION, auth)
    signature = None
    withheld = no_signature_cause(
        date_of_birth=person.date_of_birth,
        issued_on=on,
        face_authentication=card.face_authentication,
    )
    card.no_signature = withheld.value if withheld else None
    if withheld is None:
        signature = _issue_signature(svc, keys.signature, person, address, not_before, not_after)
        _store(session, card, person, SIGNATURE, signature)
    session.flush()  # the authority's records first: a failed write leaves the chip untouched
    chip.write_certificates(
        ca_certificate=svc.ca.issuing_certificate, authentication=auth, signature=signature
    )
    card.certificates_expire_on = not_after.astimezone(JST).date()
    audit.record(
        session,
        caller=_authority_for(card.municipality_code),
        action="issue_certificates",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}: "
        + (
            "authentication, signature"
            if withheld is None
            else f"authentication (no signature: {withheld.value})"
        ),
    )


def revoke_card_certificates(
    session: Session,
    svc: Services,
    *,
    card_serial: str,
    kinds: set[str],
    reason: str,
) -> None:
    """Revoke the card's certificates of ``kinds`` still in force (失効), for ``reason``.

    Already revoked ones keep their first revocation; a card without such certificates is
    left as it is. ``reason`` is one of ``REASONS``.
    """
    _check_kinds(kinds)
    _check_reason(reason)
    now = svc.clock.now()
    rows = session.scalars(
        select(Certificate).where(
            Certificate.card_serial == card_serial,
            Certificate.kind.in_(sorted(kinds)),
            Certificate.revoked_at.is_(None),
        )
    ).all()
    for row in rows:
        row.revoked_at, row.revocation_reason = now, reason
    if rows:
        audit.record(
            session,
            caller=_authority_for(_municipality_of_card(session, card_serial)),
            action="revoke_certificates",
            person_id=rows[0].person_id,
            purpose=Purpose.RESIDENT_REGISTRY,
            at=now,
            detail=f"card {card_serial}: {', '.join(sorted(r.kind for r in rows))} ({reason})",
        )


def revoke_signature_certificates_of(
    session: Session,
    svc: Services,
    *,
    person_id: int,
    reason: str,
) -> int:
    """Revoke every signature certificate of the person still in force, at once, because
    the register changed (issue 17.3): a 転居届 or 転出届 (``address_changed``) or a Japanese
    national leaving Japan (``left_japan``). 公的個人認証法: the signature certificate
    carries the basic four items, so it lapses when the register's record of them changes —
    not when the card is brought in (Ichikikushikino, Fuchu town guidance). The
    user-authentication certificate is not touched. Returns how many were revoked."""
    _check_reason(reason)
    now = svc.clock.now()
    rows = session.scalars(
        select(Certificate).where(
            Certificate.person_id == person_id,
            Certificate.kind == SIGNATURE,
            Certificate.revoked_at.is_(None),
        )
    ).all()
    for row in rows:
        row.revoked_at, row.revocation_reason = now, reason
    if rows:
        audit.record(
            session,
            caller=_authority_for(_municipality_of_card(session, rows[0].card_serial)),
            action="revoke_certificates",
            person_id=person_id,
            purpose=Purpose.RESIDENT_REGISTRY,
            at=now,
            detail=f"cards {', '.join(sorted({r.card_serial for r in rows}))}: "
            f"signature ({reason})",
        )
    return len(rows)


def reissue_signature_certificate(
    session: Session,
    svc: Services,
    *,
    card: Card,
    chip: Chip,
    person: Person,
    address: str,
    on: dt.date,
) -> None:
    """Reissue the signature certificate on a new key (after a change of address or name).

    A signature certificate still in force is revoked first, with the reason its content
    shows (address or name changed, else renewed). The user-authentication certificate stays.
    """
    if not signature_certificate_allowed(date_of_birth=person.date_of_birth, on=on):
        raise invalid(
            "person",
            "No signature certificate is issued under 15.",
            "15歳未満の方には署名用電子証明書を発行しません。",
        )
    not_before, not_after = _validity(card, person, on)
    subject = _subject(person, address)
    for row in _active(session, card.serial, SIGNATURE):
        row.revoked_at = svc.clock.now()
        row.revocation_reason = _reissue_reason(row, subject)
    public_key = chip.renew_key(KeySlot.SIGNATURE, key_source=svc.key_source)
    certificate = _issue_signature(svc, public_key, person, address, not_before, not_after)
    _store(session, card, person, SIGNATURE, certificate)
    session.flush()
    chip.write_certificates(ca_certificate=svc.ca.issuing_certificate, signature=certificate)
    audit.record(
        session,
        caller=_authority_for(card.municipality_code),
        action="reissue_signature_certificate",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}",
    )


def revocation_lookup(session: Session) -> RevocationLookup:
    """A ``RevocationLookup`` over the authority's records (for ``verify_certificate``)."""

    def lookup(serial: int) -> RevokedEntry | None:
        row = session.get(Certificate, serial_text(serial))
        if row is None or row.revoked_at is None:
            return None
        return RevokedEntry(serial, row.revoked_at, reason_flag(row.revocation_reason))

    return lookup


def certificate_record(session: Session, certificate: x509.Certificate) -> Certificate | None:
    """The authority's record of exactly this certificate (same serial and same bytes)."""
    row = session.get(Certificate, serial_text(certificate.serial_number))
    if row is None or row.der != certificate.public_bytes(serialization.Encoding.DER):
        return None
    return row


def current_crl(session: Session, svc: Services) -> bytes:
    """The CRL (失効リスト) as published now, DER: every revoked certificate not yet expired."""
    now = svc.clock.now()
    rows = session.scalars(
        select(Certificate).where(Certificate.revoked_at.is_not(None), Certificate.not_after >= now)
    ).all()
    entries = [
        RevokedEntry(int(row.serial, 16), row.revoked_at, reason_flag(row.revocation_reason))
        for row in rows
        if row.revoked_at is not None
    ]
    crl = revocation.build_crl(svc.ca, entries, now=now, next_update=now + CRL_LIFETIME)
    return crl.public_bytes(serialization.Encoding.DER)


def answer_ocsp_request(session: Session, svc: Services, request_der: bytes) -> bytes:
    """The OCSP response (RFC 6960, DER) to ``request_der``, from the authority's records."""

    def status_of(serial: int) -> CertStatusInfo:
        row = session.get(Certificate, serial_text(serial))
        if row is None:
            return CertStatusInfo.unknown()
        if row.revoked_at is None:
            return CertStatusInfo.good()
        return CertStatusInfo(
            ocsp.OCSPCertStatus.REVOKED, row.revoked_at, reason_flag(row.revocation_reason)
        )

    return revocation.answer_ocsp(svc.ca, request_der, status_of, now=svc.clock.now())


# --- inside -------------------------------------------------------------------------------


def _validity(card: Card, person: Person, on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    last_day = certificate_expiry(
        date_of_birth=person.date_of_birth, issued_on=on, card_expires_on=card.expires_on
    )
    start = dt.datetime.combine(on, dt.time(0, 0), tzinfo=JST)
    end = dt.datetime.combine(last_day, dt.time(23, 59, 59), tzinfo=JST)
    return start, end


def _subject(person: Person, address: str) -> SignatureSubject:
    return SignatureSubject(
        name=person.name_kanji or person.name_latin,
        address=address,
        date_of_birth=person.date_of_birth,
        sex=_SEX_CODES.get(person.sex, person.sex),
    )


def _issue_signature(
    svc: Services,
    public_key: rsa.RSAPublicKey,
    person: Person,
    address: str,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> x509.Certificate:
    return svc.ca.issue_signature_certificate(
        public_key,
        subject=_subject(person, address),
        serial=x509.random_serial_number(),
        not_before=not_before,
        not_after=not_after,
    )


def _store(
    session: Session, card: Card, person: Person, kind: str, certificate: x509.Certificate
) -> None:
    session.add(
        Certificate(
            serial=serial_text(certificate.serial_number),
            card_serial=card.serial,
            person_id=person.id,
            kind=kind,
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            der=certificate.public_bytes(serialization.Encoding.DER),
        )
    )


def _active(session: Session, card_serial: str, kind: str) -> list[Certificate]:
    return list(
        session.scalars(
            select(Certificate).where(
                Certificate.card_serial == card_serial,
                Certificate.kind == kind,
                Certificate.revoked_at.is_(None),
            )
        )
    )


def _reissue_reason(row: Certificate, new: SignatureSubject) -> str:
    old = signature_subject_of(x509.load_der_x509_certificate(row.der))
    if old.address != new.address:
        return "address_changed"
    if old.name != new.name:
        return "name_changed"
    return "renewed"


def reason_flag(reason: str | None) -> x509.ReasonFlags:
    return REASONS.get(reason or "", x509.ReasonFlags.unspecified)


def _check_kinds(kinds: set[str]) -> None:
    unknown = set(kinds) - KINDS
    if unknown or not kinds:
        raise invalid(
            "kinds",
            "Name the certificates to revoke: signature, authentication.",
            "失効させる証明書の種類（signature, authentication）を指定してください。",
        )


def _check_reason(reason: str) -> None:
    if reason not in REASONS:
        raise invalid(
            "reason",
            f"Unknown revocation reason '{reason}'.",
            f"失効理由「{reason}」は使用できません。",
        )
