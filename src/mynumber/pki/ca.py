"""認証局 — the card centre's certificate authority (J-LIS 公的個人認証サービス, JPKI).

Two tiers, both RSA-2048 / SHA-256: a self-signed root ("JPKI Root CA (mynumber demo)") and an
issuing CA ("JPKI Issuing CA (mynumber demo)") that signs every card's certificates, CRLs and
OCSP responses. Keys are kept as encrypted PEM (PKCS#8, best available encryption) in one
directory, made on the first call and loaded afterwards.

End-entity certificates are issued from a **public key** only: the private key is generated on
the card and never leaves it (公的個人認証法 — the signing key is kept on the IC chip).
Validity dates are the caller's (the card rules decide them); the CA only refuses a certificate
that would outlive the issuing CA itself.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from mynumber.domain.errors import invalid
from mynumber.pki import profiles
from mynumber.pki.errors import CaKeyUnavailable
from mynumber.pki.profiles import SignatureSubject

DEFAULT_BASE_URL = "http://127.0.0.1:8000/jpki"
ROOT_COMMON_NAME = "JPKI Root CA (mynumber demo)"
ISSUING_COMMON_NAME = "JPKI Issuing CA (mynumber demo)"
ORGANIZATION = "J-LIS (mynumber demo)"
ROOT_VALIDITY = dt.timedelta(days=365 * 30)
ISSUING_VALIDITY = dt.timedelta(days=365 * 20)
KEY_SIZE = 2048

_FILES = ("root-key.pem", "root-cert.pem", "issuing-key.pem", "issuing-cert.pem")


def as_utc(moment: dt.datetime, field: str = "time") -> dt.datetime:
    """``moment`` in UTC; refuses a naive datetime (whose zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise invalid(
            field, f"{field} must carry a time zone", f"{field}にタイムゾーンがありません"
        )
    return moment.astimezone(dt.UTC)


@dataclass(frozen=True)
class CertificateAuthority:
    """The root and issuing CA, with the URLs written into every certificate it issues."""

    root_certificate: x509.Certificate
    issuing_certificate: x509.Certificate
    issuing_key: rsa.RSAPrivateKey
    base_url: str = DEFAULT_BASE_URL

    @classmethod
    def load_or_create(
        cls,
        directory: Path,
        passphrase: bytes,
        *,
        now: dt.datetime,
        base_url: str = DEFAULT_BASE_URL,
    ) -> CertificateAuthority:
        """Load the CA from ``directory``, or create it there if the directory holds none.

        Raises ``CaKeyUnavailable`` for a wrong passphrase or an incomplete directory.
        """
        if not passphrase:
            raise invalid(
                "passphrase", "the CA passphrase is empty", "認証局のパスフレーズが空です"
            )
        directory = Path(directory)
        present = [name for name in _FILES if (directory / name).exists()]
        if not present:
            _create(directory, passphrase, as_utc(now, "now"))
        elif len(present) != len(_FILES):
            missing = sorted(set(_FILES) - set(present))
            raise CaKeyUnavailable(
                f"the CA directory {directory} is incomplete (missing {', '.join(missing)})",
                f"認証局ディレクトリ {directory} が不完全です（{', '.join(missing)} がありません）",
                missing=missing,
            )
        root_cert, _ = _load_pair(directory, "root", passphrase)
        issuing_cert, issuing_key = _load_pair(directory, "issuing", passphrase)
        return cls(root_cert, issuing_cert, issuing_key, base_url.rstrip("/"))

    @property
    def crl_url(self) -> str:
        """Where the CRL (DER) is published."""
        return f"{self.base_url}/crl"

    @property
    def ocsp_url(self) -> str:
        """Where the OCSP responder answers (RFC 6960 over HTTP POST)."""
        return f"{self.base_url}/ocsp"

    @property
    def ca_issuers_url(self) -> str:
        """Where the issuing CA's certificate (DER) is published."""
        return f"{self.base_url}/issuing-ca.der"

    def root_pem(self) -> bytes:
        """The root certificate, PEM — the trust anchor relying parties install."""
        return self.root_certificate.public_bytes(serialization.Encoding.PEM)

    def issuing_pem(self) -> bytes:
        """The issuing CA's certificate, PEM (an intermediate, not a trust anchor)."""
        return self.issuing_certificate.public_bytes(serialization.Encoding.PEM)

    def issue_signature_certificate(
        self,
        public_key: rsa.RSAPublicKey,
        *,
        subject: SignatureSubject,
        serial: int,
        not_before: dt.datetime,
        not_after: dt.datetime,
    ) -> x509.Certificate:
        """Issue a 署名用電子証明書 carrying ``subject``'s basic four items."""
        builder = self._builder(public_key, serial, not_before, not_after)
        builder = builder.add_extension(profiles.SIGNATURE_KEY_USAGE, critical=True)
        builder = builder.add_extension(profiles.personal_data_extension(subject), critical=False)
        return builder.sign(self.issuing_key, hashes.SHA256())

    def issue_authentication_certificate(
        self,
        public_key: rsa.RSAPublicKey,
        *,
        serial: int,
        not_before: dt.datetime,
        not_after: dt.datetime,
    ) -> x509.Certificate:
        """Issue a 利用者証明用電子証明書: no personal data, client authentication only."""
        builder = self._builder(public_key, serial, not_before, not_after)
        builder = builder.add_extension(profiles.AUTHENTICATION_KEY_USAGE, critical=True)
        builder = builder.add_extension(profiles.AUTHENTICATION_EXTENDED_KEY_USAGE, critical=False)
        return builder.sign(self.issuing_key, hashes.SHA256())

    def _builder(
        self,
        public_key: rsa.RSAPublicKey,
        serial: int,
        not_before: dt.datetime,
        not_after: dt.datetime,
    ) -> x509.CertificateBuilder:
        start, end = as_utc(not_before, "not_before"), as_utc(not_after, "not_after")
        _check_request(public_key, serial, start, end, self.issuing_certificate)
        issuing_ski = self.issuing_certificate.extensions.get_extension_for_class(
            x509.SubjectKeyIdentifier
        ).value
        return (
            x509.CertificateBuilder()
            .subject_name(profiles.subject_name_for(serial))
            .issuer_name(self.issuing_certificate.subject)
            .public_key(public_key)
            .serial_number(serial)
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuing_ski),
                critical=False,
            )
            .add_extension(self._crl_distribution_points(), critical=False)
            .add_extension(self._authority_information_access(), critical=False)
        )

    def _crl_distribution_points(self) -> x509.CRLDistributionPoints:
        point = x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(self.crl_url)],
            relative_name=None,
            reasons=None,
            crl_issuer=None,
        )
        return x509.CRLDistributionPoints([point])

    def _authority_information_access(self) -> x509.AuthorityInformationAccess:
        return x509.AuthorityInformationAccess(
            [
                x509.AccessDescription(
                    AuthorityInformationAccessOID.OCSP,
                    x509.UniformResourceIdentifier(self.ocsp_url),
                ),
                x509.AccessDescription(
                    AuthorityInformationAccessOID.CA_ISSUERS,
                    x509.UniformResourceIdentifier(self.ca_issuers_url),
                ),
            ]
        )


def _check_request(
    public_key: rsa.RSAPublicKey,
    serial: int,
    start: dt.datetime,
    end: dt.datetime,
    issuing: x509.Certificate,
) -> None:
    if not isinstance(public_key, rsa.RSAPublicKey) or public_key.key_size < KEY_SIZE:
        raise invalid(
            "public_key", "the card key must be RSA-2048", "カードの鍵はRSA-2048が必要です"
        )
    # RFC 5280 §4.1.2.2: positive, at most 20 octets.
    if not 0 < serial < 2**159:
        raise invalid(
            "serial", "serial must be positive and under 2^159", "シリアル番号が範囲外です"
        )
    if end <= start:
        raise invalid("not_after", "not_after must follow not_before", "有効期間が逆転しています")
    if end > issuing.not_valid_after_utc:
        raise invalid(
            "not_after",
            "the certificate would outlive the issuing CA",
            "証明書の有効期限が発行局の有効期限を超えています",
        )


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _ca_key_usage() -> x509.KeyUsage:
    # digitalSignature too: the issuing CA signs OCSP responses itself.
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _ca_certificate(
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: x509.Name,
    issuer_key: rsa.RSAPrivateKey,
    now: dt.datetime,
    validity: dt.timedelta,
    path_length: int,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
        .sign(issuer_key, hashes.SHA256())
    )


def _create(directory: Path, passphrase: bytes, now: dt.datetime) -> None:
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    issuing_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    root_name, issuing_name = _name(ROOT_COMMON_NAME), _name(ISSUING_COMMON_NAME)
    root = _ca_certificate(root_name, root_key, root_name, root_key, now, ROOT_VALIDITY, 1)
    issuing = _ca_certificate(
        issuing_name, issuing_key, root_name, root_key, now, ISSUING_VALIDITY, 0
    )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    encryption = serialization.BestAvailableEncryption(passphrase)
    for label, key, cert in (("root", root_key, root), ("issuing", issuing_key, issuing)):
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        _write(directory / f"{label}-key.pem", key_pem)
        _write(directory / f"{label}-cert.pem", cert.public_bytes(serialization.Encoding.PEM))


def _write(path: Path, data: bytes, mode: int = 0o600) -> None:
    # Write beside the target, then rename: a crash never leaves half a key file behind.
    # Owner-only, the certificates too: the CA's directory is nobody else's to read (the
    # certificates are published through the API, not through the file system).
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _load_pair(
    directory: Path, label: str, passphrase: bytes
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    cert = x509.load_pem_x509_certificate((directory / f"{label}-cert.pem").read_bytes())
    try:
        key = serialization.load_pem_private_key(
            (directory / f"{label}-key.pem").read_bytes(), password=passphrase
        )
    except (ValueError, TypeError) as exc:
        raise CaKeyUnavailable(
            f"cannot open the {label} CA key: wrong passphrase or damaged file",
            f"認証局の鍵（{label}）を開けません。パスフレーズが違うか、ファイルが壊れています",
            key=label,
        ) from exc
    matches = isinstance(key, rsa.RSAPrivateKey) and _spki(key.public_key()) == _spki(
        cert.public_key()
    )
    if not matches:
        raise CaKeyUnavailable(
            f"the {label} CA key does not match its certificate",
            f"認証局の鍵（{label}）が証明書と一致しません",
            key=label,
        )
    assert isinstance(key, rsa.RSAPrivateKey)
    return cert, key


def _spki(public_key: CertificatePublicKeyTypes) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
