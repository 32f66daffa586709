"""e-Tax — the resident signs a final tax return (確定申告) on the card; the tax office checks it.

The resident's e-Tax software (``sign_tax_return``): the signature PIN (6–16 characters) is
entered on the card, which signs the whole document with its signature key; the signed XML
carries the signature certificate (署名用電子証明書).

The tax office (``submit_tax_return``) accepts a return only if (RULES.md; 公的個人認証法):

1. the XML signature covers the whole document and verifies (else ``signature-invalid``);
2. the certificate chains to the card centre and, **at the signing time written in the signed
   document**, was within its validity and not revoked (``certificate-untrusted``,
   ``certificate-expired``, ``certificate-not-yet-valid``, ``certificate-revoked``) and is a
   signature certificate (``certificate-wrong-purpose``);
3. the signing time is not in the future and at most ``SIGNING_TIME_MAX_AGE`` old — *policy*:
   a return is submitted when it is signed, so an old signing time cannot carry a certificate
   past its revocation (``signing-time-invalid``);
4. the same signed document was not received before (``conflict``).

Then it records the receipt (受付) and answers its number.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from cryptography import x509
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_pki import TaxReceipt
from mynumber.adapters.pcsc import CardReader, JpkiTerminal, reader_for
from mynumber.card import Chip, KeySlot
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Conflict, Forbidden, InvalidInput
from mynumber.domain.tax_return import check_tax_year, read_filed_return
from mynumber.pki.errors import SignatureInvalid
from mynumber.pki.verify import RevocationLookup, verify_certificate
from mynumber.pki.xmlsig import sign_xml, verify_signed_xml
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import refusals_audited, require_role
from mynumber.services.jpki.card_auth import CertificateUnknown
from mynumber.services.jpki.certificates import certificate_record, revocation_lookup, serial_text

_DS = "http://www.w3.org/2000/09/xmldsig#"
SIGNING_TIME_MAX_AGE = dt.timedelta(hours=24)
CLOCK_SKEW = dt.timedelta(minutes=5)


class SigningTimeInvalid(InvalidInput):
    code = "signing-time-invalid"
    title = "Signing time not acceptable"


@dataclass(frozen=True)
class Receipt:
    """受付結果: the receipt number and what was received."""

    receipt_number: str
    person_id: int
    tax_year: int
    signed_at: dt.datetime
    received_at: dt.datetime


def sign_tax_return(card: Chip | CardReader, *, signature_pin: str, xml: bytes) -> bytes:
    """The e-Tax software's side: sign ``xml`` on the card after its signature PIN, over the
    JPKI APDUs (a chip in this process or a card in a PC/SC reader).

    ``WrongPin`` (with the tries left) or ``PinLocked`` come from the card.
    """
    with reader_for(card) as reader:
        certificate, signer = JpkiTerminal(reader).signer(KeySlot.SIGNATURE, signature_pin)
        return sign_xml(xml, signer=signer, certificate=certificate)


@refusals_audited
def submit_tax_return(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    signed_xml: bytes,
) -> Receipt:
    """e-Tax reception: verify a signed return as of its signing time and record the receipt."""
    require_role(caller, Role.RESIDENT, Role.TAX_OFFICE)
    now = svc.clock.now()
    root = _root(signed_xml)
    claimed = read_filed_return(root)
    _check_signing_time(claimed.signed_at, now)
    lookup = revocation_lookup(session)
    _check_certificate_first(root, svc, at=claimed.signed_at, lookup=lookup)
    verified = verify_signed_xml(signed_xml, svc.ca, at=claimed.signed_at, is_revoked=lookup)
    filed = read_filed_return(verified.root_element)  # only what the signature covers
    check_tax_year(filed.tax_year, today=svc.clock.today())
    record = certificate_record(session, verified.certificate)
    if record is None:
        raise CertificateUnknown(
            "The card centre has no record of this certificate.",
            "この証明書は地方公共団体情報システム機構の記録にありません。",
            serial=verified.certificate.serial_number,
        )
    if caller.role is Role.RESIDENT and caller.scope_id not in (None, record.person_id):
        raise Forbidden("You can only file your own return.", "ご本人の申告書のみ提出できます。")
    receipt = _record_receipt(
        session,
        signed_xml,
        record.person_id,
        filed.tax_year,
        filed.signed_at,
        now,
        verified.certificate.serial_number,
    )
    audit.record(
        session,
        caller=caller,
        action="etax_return_received",
        person_id=record.person_id,
        purpose=Purpose.TAX,
        at=now,
        detail=f"{filed.tax_year} return, receipt {receipt.receipt_number}",
    )
    return receipt


def _root(xml: bytes) -> etree._Element:
    try:
        return etree.fromstring(
            xml, parser=etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        )
    except etree.XMLSyntaxError as exc:
        raise SignatureInvalid(
            "The document is not well-formed XML.",
            "XML文書の形式が正しくありません。",
            reason=str(exc),
        ) from None


def _check_certificate_first(
    root: etree._Element, svc: Services, *, at: dt.datetime, lookup: RevocationLookup
) -> None:
    """Judge the signer's certificate at the signing time before the signature.

    signxml checks a certificate's dates against the wall clock and reports an expired one as
    a bad signature; checking here first keeps "expired" and "revoked" apart from "tampered".
    A missing or unreadable certificate is left to ``verify_signed_xml`` to report.
    """
    text = root.findtext(f".//{{{_DS}}}X509Certificate")
    try:
        certificate = x509.load_der_x509_certificate(
            base64.b64decode("".join((text or "").split()), validate=True)
        )
    except (ValueError, binascii.Error):
        return
    verify_certificate(certificate, svc.ca, at=at, is_revoked=lookup)


def _check_signing_time(signed_at: dt.datetime, now: dt.datetime) -> None:
    if signed_at > now + CLOCK_SKEW:
        raise SigningTimeInvalid(
            "The signing time is in the future.",
            "署名日時が未来になっています。",
            field="signed_at",
        )
    if signed_at < now - SIGNING_TIME_MAX_AGE:
        raise SigningTimeInvalid(
            "The return was signed more than 24 hours ago: sign it again and submit it at once.",
            "署名から24時間以上経過しています。署名し直してすぐに提出してください。",
            field="signed_at",
        )


def _record_receipt(
    session: Session,
    signed_xml: bytes,
    person_id: int,
    tax_year: int,
    signed_at: dt.datetime,
    now: dt.datetime,
    serial: int,
) -> Receipt:
    digest = hashlib.sha256(signed_xml).hexdigest()
    earlier = session.scalars(
        select(TaxReceipt).where(TaxReceipt.document_sha256 == digest)
    ).first()
    if earlier is not None:
        raise Conflict(
            f"This return was already received (receipt {earlier.receipt_number}).",
            f"この申告書は受付済みです（受付番号 {earlier.receipt_number}）。",
            receipt_number=earlier.receipt_number,
        )
    number = f"{now:%Y%m%d}-{secrets.token_hex(5).upper()}"
    session.add(
        TaxReceipt(
            receipt_number=number,
            person_id=person_id,
            tax_year=tax_year,
            certificate_serial=serial_text(serial),
            signed_at=signed_at,
            received_at=now,
            document_sha256=digest,
            signed_xml=signed_xml,
        )
    )
    session.flush()
    return Receipt(number, person_id, tax_year, signed_at, now)
