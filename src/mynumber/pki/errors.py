"""公的個人認証の証明書エラー — certificate errors of the card centre's CA (JPKI).

Each failure a relying party (clinic, portal, tax office, kiosk) must tell apart has its own
stable ``code``: a certificate that is not ours, one used before or after its validity, one
revoked (失効) before the moment that matters, one used for the wrong purpose, and a signature
that does not verify (tampered data or the wrong card).
"""

from __future__ import annotations

from mynumber.domain.errors import CertificateError, MyNumberError


class UntrustedCertificate(CertificateError):
    """Not issued by the card centre's issuing CA, or its signature does not verify."""

    code = "certificate-untrusted"
    title = "Certificate not issued by the card centre"


class CertificateNotYetValid(CertificateError):
    code = "certificate-not-yet-valid"
    title = "Certificate not yet valid"


class CertificateExpired(CertificateError):
    code = "certificate-expired"
    title = "Certificate expired"


class CertificateRevoked(CertificateError):
    code = "certificate-revoked"
    title = "Certificate revoked"


class CertificateWrongPurpose(CertificateError):
    """E.g. a user-authentication certificate used to sign a tax return."""

    code = "certificate-wrong-purpose"
    title = "Certificate not meant for this use"


class SignatureInvalid(MyNumberError):
    """A signature does not verify: the data was altered, or another key signed it."""

    code = "signature-invalid"
    title = "Signature does not verify"


class CaKeyUnavailable(MyNumberError):
    """The CA's key files cannot be opened: wrong passphrase, or a damaged/incomplete directory."""

    code = "ca-key-unavailable"
    title = "Certificate authority keys unavailable"
