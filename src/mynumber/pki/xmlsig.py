"""電子署名付きXML — e-Tax documents signed with the card's signature certificate.

A tax return is an XML document carrying an enveloped XML Signature (W3C XML-Signature Syntax
and Processing; RSA-SHA256, SHA-256 digest, Canonical XML 1.0) over the whole document, with the
signer's 署名用電子証明書 in KeyInfo, as e-Tax accepts. The private key stays on the card: signing
goes through a ``DigestInfoSigner`` (the card, after the signature PIN) wrapped in an
``RSAPrivateKey`` shim so that ``signxml`` can drive it.

The tax office verifies: the signature over the whole document, then the certificate at the
signing time (trusted, within validity, not revoked), then that it is a signature certificate.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from typing import Any, NoReturn, Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature as CryptoInvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.exceptions import SignXMLException
from signxml.signer import XMLSigner
from signxml.verifier import SignatureConfiguration, XMLVerifier

from mynumber.domain.errors import invalid
from mynumber.pki.ca import CertificateAuthority
from mynumber.pki.challenge import digest_info_sha256
from mynumber.pki.errors import CertificateWrongPurpose, SignatureInvalid
from mynumber.pki.profiles import is_signature_certificate
from mynumber.pki.verify import RevocationLookup, verify_certificate

_DS = "http://www.w3.org/2000/09/xmldsig#"


class DigestInfoSigner(Protocol):
    """Something that signs a DER DigestInfo with PKCS#1 v1.5 — the card's signature key."""

    def sign_digest_info(self, digest_info: bytes) -> bytes: ...


@dataclass(frozen=True)
class VerifiedDocument:
    """A verified document: who signed it, and the signed XML (use only this, not the input)."""

    certificate: x509.Certificate
    root_element: etree._Element


def sign_xml(xml: bytes, *, signer: DigestInfoSigner, certificate: x509.Certificate) -> bytes:
    """Return ``xml`` with an enveloped RSA-SHA256 signature made by ``signer``."""
    if not is_signature_certificate(certificate):
        raise _wrong_purpose(certificate)
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise SignatureInvalid("the certificate holds no RSA key", "証明書の鍵がRSAではありません")
    xml_signer = _Utf8Signer(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0,
    )
    try:
        root = etree.fromstring(xml, parser=_safe_parser())
        signed = xml_signer.sign(root, key=CardKey(signer, public_key), cert=[certificate])
    except (etree.XMLSyntaxError, SignXMLException) as exc:
        raise invalid(
            "xml", f"the document cannot be signed: {exc}", "XML文書を署名できません"
        ) from exc
    return bytes(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))


def verify_signed_xml(
    xml: bytes,
    ca: CertificateAuthority,
    *,
    at: dt.datetime,
    is_revoked: RevocationLookup,
) -> VerifiedDocument:
    """Verify a signed document as the tax office does; ``at`` is the signing time.

    Raises ``SignatureInvalid`` (tampered, unsigned, or signed over less than the whole
    document), ``UntrustedCertificate``, ``CertificateNotYetValid``, ``CertificateExpired``,
    ``CertificateRevoked`` or ``CertificateWrongPurpose``.
    """
    certificate = _signing_certificate(xml)
    # The certificate first, at the signing time: an expired, revoked or foreign certificate
    # is named as such rather than reported as a signature that does not match.
    verify_certificate(certificate, ca, at=at, is_revoked=is_revoked)
    config = SignatureConfiguration(
        signature_methods=frozenset({SignatureMethod.RSA_SHA256}),
        digest_algorithms=frozenset({DigestAlgorithm.SHA256}),
        expect_references=1,
        verification_time=at,  # the signing time, not the wall clock
    )
    try:
        result: Any = _Utf8Verifier().verify(xml, x509_cert=certificate, expect_config=config)
    except SignXMLException as exc:
        raise _invalid("the signature does not match the document", str(exc)) from exc
    if not is_signature_certificate(certificate):
        raise _wrong_purpose(certificate)
    return VerifiedDocument(certificate=certificate, root_element=result.signed_xml)


def _signing_certificate(xml: bytes) -> x509.Certificate:
    """The certificate in the one Signature, which must cover the whole document (URI="")."""
    try:
        root = etree.fromstring(xml, parser=_safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _invalid("the document is not well-formed XML", str(exc)) from exc
    signatures = root.findall(f".//{{{_DS}}}Signature")
    if len(signatures) != 1:
        raise _invalid("the document must carry exactly one signature", f"{len(signatures)} found")
    references = signatures[0].findall(f"{{{_DS}}}SignedInfo/{{{_DS}}}Reference")
    if len(references) != 1 or references[0].get("URI") != "":
        raise _invalid("the signature must cover the whole document", "Reference URI is not ''")
    element = signatures[0].find(f"{{{_DS}}}KeyInfo/{{{_DS}}}X509Data/{{{_DS}}}X509Certificate")
    try:
        return x509.load_der_x509_certificate(_base64(element))
    except (ValueError, TypeError) as exc:
        raise _invalid("the signature carries no readable certificate", str(exc)) from exc


def _base64(element: etree._Element | None) -> bytes:
    if element is None or not element.text:
        raise ValueError("no X509Certificate element")
    return base64.b64decode("".join(element.text.split()), validate=True)


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _invalid(message: str, reason: str) -> SignatureInvalid:
    return SignatureInvalid(
        message, "電子署名の検証に失敗しました（改ざんの可能性があります）", reason=reason
    )


def _wrong_purpose(certificate: x509.Certificate) -> CertificateWrongPurpose:
    return CertificateWrongPurpose(
        "documents must be signed with the signature certificate",
        "文書への署名には署名用電子証明書を使ってください",
        serial=certificate.serial_number,
    )


class _Utf8Signer(XMLSigner):
    # signxml copies trees through lxml's default ASCII serialisation, which turns non-ASCII
    # element names (<申告>) into character references: invalid XML. UTF-8 keeps them.
    def _tostring(self, xml_node: Any, **kwargs: Any) -> bytes:
        kwargs.setdefault("encoding", "utf-8")
        return bytes(etree.tostring(xml_node, **kwargs))


class _Utf8Verifier(XMLVerifier):
    def _tostring(self, xml_node: Any, **kwargs: Any) -> bytes:
        kwargs.setdefault("encoding", "utf-8")
        return bytes(etree.tostring(xml_node, **kwargs))


class CardKey(rsa.RSAPrivateKey):
    """An ``RSAPrivateKey`` whose only operation, ``sign``, is done by the card.

    ``signxml`` wants a private-key object; this one hands the DigestInfo to the card and checks
    the answer against the certificate's public key (a card whose key does not match its
    certificate must not produce a document that looks signed).
    """

    def __init__(self, signer: DigestInfoSigner, public_key: rsa.RSAPublicKey) -> None:
        self._signer = signer
        self._public_key = public_key

    def sign(
        self,
        data: bytes,
        padding: object,
        algorithm: object,
    ) -> bytes:
        """PKCS#1 v1.5 with SHA-256 only: the card supports nothing else."""
        if not isinstance(padding, asym_padding.PKCS1v15):
            raise ValueError("the card signs with PKCS#1 v1.5 padding only")
        if not isinstance(algorithm, hashes.SHA256):
            raise ValueError("the card signs SHA-256 DigestInfos only")
        signature = self._signer.sign_digest_info(digest_info_sha256(data))
        try:
            self._public_key.verify(signature, data, padding, algorithm)
        except CryptoInvalidSignature as exc:
            raise SignatureInvalid(
                "the card's key does not match the certificate",
                "カードの鍵が証明書と一致しません",
            ) from exc
        return signature

    @property
    def key_size(self) -> int:
        return self._public_key.key_size

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public_key

    def decrypt(self, ciphertext: bytes, padding: asym_padding.AsymmetricPadding) -> bytes:
        self._never_leaves_the_card()

    def private_numbers(self) -> rsa.RSAPrivateNumbers:
        self._never_leaves_the_card()

    def private_bytes(
        self,
        encoding: serialization.Encoding,
        format: serialization.PrivateFormat,
        encryption_algorithm: serialization.KeySerializationEncryption,
    ) -> bytes:
        self._never_leaves_the_card()

    def __copy__(self) -> CardKey:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> CardKey:
        return self

    @staticmethod
    def _never_leaves_the_card() -> NoReturn:
        raise TypeError("the card's private key never leaves the card")


__all__ = [
    "CardKey",
    "DigestInfoSigner",
    "VerifiedDocument",
    "sign_xml",
    "verify_signed_xml",
]
