"""証明書の有効性確認 — checking a JPKI certificate as a relying party does.

A certificate is accepted at a moment ``at`` only if (1) the card centre's issuing CA signed it
(and the issuing CA chains to our root), (2) ``at`` lies within its validity, and (3) it was not
revoked at or before ``at``. Each failure has its own error code (``mynumber.pki.errors``), so a
clinic can tell "your certificate has expired — renew it at the ward office" from "this card was
reported lost". The checks run in that order; the first failure is the one reported.
Source: RFC 5280 §6 (path validation), 公的個人認証法 (有効性確認).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from mynumber.pki.ca import CertificateAuthority, as_utc
from mynumber.pki.errors import (
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    UntrustedCertificate,
)
from mynumber.pki.revocation import RevokedEntry

RevocationLookup = Callable[[int], RevokedEntry | None]


def verify_certificate(
    cert: x509.Certificate,
    ca: CertificateAuthority,
    *,
    at: dt.datetime,
    is_revoked: RevocationLookup,
) -> None:
    """Raise a ``CertificateError`` subclass unless ``cert`` is valid at ``at``."""
    moment = as_utc(at, "at")
    _check_issued_by(cert, ca)
    _check_validity(cert, moment)
    _check_not_revoked(cert, moment, is_revoked)


def _check_issued_by(cert: x509.Certificate, ca: CertificateAuthority) -> None:
    try:
        cert.verify_directly_issued_by(ca.issuing_certificate)
        _check_chain_to_root(ca.issuing_certificate, ca.root_certificate)
    except (ValueError, TypeError, InvalidSignature) as exc:
        raise UntrustedCertificate(
            "the certificate was not issued by the card centre",
            "この証明書は地方公共団体情報システム機構が発行したものではありません",
            serial=cert.serial_number,
        ) from exc
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        basic = None
    if basic is not None and basic.ca:
        raise UntrustedCertificate(
            "a CA certificate is not a card's certificate",
            "認証局の証明書はカードの証明書として使えません",
            serial=cert.serial_number,
        )


@functools.lru_cache(maxsize=16)
def _check_chain_to_root(issuing: x509.Certificate, root: x509.Certificate) -> None:
    # Checked once per pair (a certificate is immutable): every card check would repeat it.
    issuing.verify_directly_issued_by(root)


def _check_validity(cert: x509.Certificate, at: dt.datetime) -> None:
    if at < cert.not_valid_before_utc:
        raise CertificateNotYetValid(
            "the certificate is not valid yet",
            "この証明書はまだ有効期間が始まっていません",
            serial=cert.serial_number,
            not_before=cert.not_valid_before_utc.isoformat(),
        )
    if at > cert.not_valid_after_utc:
        raise CertificateExpired(
            "the certificate has expired; renew it at the municipal office",
            "この証明書は有効期限が切れています。市区町村の窓口で更新してください",
            serial=cert.serial_number,
            not_after=cert.not_valid_after_utc.isoformat(),
        )


def _check_not_revoked(cert: x509.Certificate, at: dt.datetime, lookup: RevocationLookup) -> None:
    entry = lookup(cert.serial_number)
    if entry is None or as_utc(entry.revoked_at, "revoked_at") > at:
        return
    raise CertificateRevoked(
        "the certificate has been revoked",
        "この証明書は失効しています",
        serial=cert.serial_number,
        revoked_at=as_utc(entry.revoked_at).isoformat(),
        reason=entry.reason.value,
    )
