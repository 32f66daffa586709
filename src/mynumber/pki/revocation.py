"""失効情報 — revocation of JPKI certificates: the CRL (失効リスト) and the OCSP responder.

A certificate is revoked when its card is lost or returned, and the signature certificate also
when the holder's name or address changes (it carries them); see RULES.md "The card". Relying
parties learn it from the CRL (RFC 5280 §5) or from OCSP (RFC 6960). Both are signed by the
issuing CA itself, so no delegated responder certificate is needed.

Storage is the caller's: it passes revocations in (``RevokedEntry``) or answers a serial's
status (``CertStatusInfo``). A revocation dated after ``now`` is not yet in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from mynumber.domain.errors import invalid
from mynumber.pki.ca import CertificateAuthority, as_utc

OCSP_VALIDITY = dt.timedelta(hours=24)


@dataclass(frozen=True)
class RevokedEntry:
    """One revoked certificate: its serial, when it was revoked, and why (RFC 5280 CRLReason)."""

    serial: int
    revoked_at: dt.datetime
    reason: x509.ReasonFlags = x509.ReasonFlags.unspecified


@dataclass(frozen=True)
class CertStatusInfo:
    """A serial's status as the caller's records know it: good, revoked or unknown."""

    status: ocsp.OCSPCertStatus
    revoked_at: dt.datetime | None = None
    reason: x509.ReasonFlags | None = None

    @classmethod
    def good(cls) -> CertStatusInfo:
        """Issued by us and not revoked."""
        return cls(ocsp.OCSPCertStatus.GOOD)

    @classmethod
    def unknown(cls) -> CertStatusInfo:
        """Never issued by us (or not known to the caller)."""
        return cls(ocsp.OCSPCertStatus.UNKNOWN)

    @classmethod
    def revoked(cls, entry: RevokedEntry) -> CertStatusInfo:
        """Revoked as ``entry`` says."""
        return cls(ocsp.OCSPCertStatus.REVOKED, entry.revoked_at, entry.reason)


def build_crl(
    ca: CertificateAuthority,
    revoked: Iterable[RevokedEntry],
    *,
    now: dt.datetime,
    next_update: dt.datetime,
    crl_number: int | None = None,
) -> x509.CertificateRevocationList:
    """The issuing CA's CRL at ``now``, listing every entry revoked at or before ``now``.

    ``crl_number`` must grow from one CRL to the next (RFC 5280 §5.2.3); by default it is
    ``now`` in whole seconds since the epoch, which grows as long as time does.
    """
    this_update, next_update = as_utc(now, "now"), as_utc(next_update, "next_update")
    if next_update <= this_update:
        raise invalid("next_update", "next_update must follow now", "次回更新日時が現在以前です")
    issuing_ski = ca.issuing_certificate.extensions.get_extension_for_class(
        x509.SubjectKeyIdentifier
    ).value
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.issuing_certificate.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(crl_number or int(this_update.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuing_ski),
            critical=False,
        )
    )
    for entry in revoked:
        revoked_at = as_utc(entry.revoked_at, "revoked_at")
        if revoked_at <= this_update:
            revoked_entry = _crl_entry(entry.serial, revoked_at, entry.reason)
            builder = builder.add_revoked_certificate(revoked_entry)
    return builder.sign(ca.issuing_key, hashes.SHA256())


def _crl_entry(
    serial: int, revoked_at: dt.datetime, reason: x509.ReasonFlags
) -> x509.RevokedCertificate:
    entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at)
    # RFC 5280 §5.3.1: the reason code "unspecified" SHOULD be left out.
    if reason is not x509.ReasonFlags.unspecified:
        entry = entry.add_extension(x509.CRLReason(reason), critical=False)
    return entry.build()


def answer_ocsp(
    ca: CertificateAuthority,
    request_der: bytes,
    status_of: Callable[[int], CertStatusInfo],
    *,
    now: dt.datetime,
) -> bytes:
    """The DER OCSP response (RFC 6960) to ``request_der``, signed by the issuing CA.

    A request that cannot be parsed (or asks about several certificates at once) gets a
    ``malformedRequest`` response, never an exception. A certificate of another issuer, or a
    serial ``status_of`` does not know, is ``unknown``. The request's nonce is echoed.
    """
    this_update = as_utc(now, "now")
    try:
        request = ocsp.load_der_ocsp_request(request_der)
        name_hash, key_hash = request.issuer_name_hash, request.issuer_key_hash
        serial, algorithm = request.serial_number, request.hash_algorithm
        extensions = request.extensions
    except (ValueError, NotImplementedError, UnsupportedAlgorithm):
        return _unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    if (name_hash, key_hash) == _issuer_hashes(ca, algorithm):
        info = _in_force(status_of(serial), this_update)
    else:
        info = CertStatusInfo.unknown()
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            issuer_name_hash=name_hash,
            issuer_key_hash=key_hash,
            serial_number=serial,
            algorithm=algorithm,
            cert_status=info.status,
            this_update=this_update,
            next_update=this_update + OCSP_VALIDITY,
            revocation_time=info.revoked_at,
            revocation_reason=info.reason,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, ca.issuing_certificate)
        .certificates([ca.issuing_certificate])
    )
    for extension in extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    response = builder.sign(ca.issuing_key, hashes.SHA256())
    return response.public_bytes(serialization.Encoding.DER)


def _in_force(info: CertStatusInfo, now: dt.datetime) -> CertStatusInfo:
    if info.status is not ocsp.OCSPCertStatus.REVOKED:
        return info
    if info.revoked_at is None:
        raise ValueError("a revoked status needs revoked_at")
    revoked_at = as_utc(info.revoked_at, "revoked_at")
    if revoked_at > now:
        return CertStatusInfo.good()
    reason = None if info.reason in (None, x509.ReasonFlags.unspecified) else info.reason
    return CertStatusInfo(ocsp.OCSPCertStatus.REVOKED, revoked_at, reason)


def _issuer_hashes(
    ca: CertificateAuthority, algorithm: hashes.HashAlgorithm
) -> tuple[bytes, bytes]:
    """RFC 6960 §4.1.1 CertID hashes of our issuing CA: of its DER name and its public key."""
    issuing = ca.issuing_certificate
    key_bits = issuing.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.PKCS1
    )
    return _digest(algorithm, issuing.subject.public_bytes()), _digest(algorithm, key_bits)


def _digest(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    digest = hashes.Hash(algorithm)
    digest.update(data)
    return digest.finalize()


def _unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(
        serialization.Encoding.DER
    )
