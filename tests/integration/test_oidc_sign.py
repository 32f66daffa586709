"""The ``sign`` scope (issue 20.5): the service sends a document digest, the holder signs it on
the card with the signature key after the signature PIN, and the service verifies what it
receives with the ``openssl`` command line — the chain to the card centre's root, the CRL this
project serves, and the signature over the document."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mynumber.bootstrap import System
from tests.client import TestClient
from tests.integration.card_support import Issued, issued_card
from tests.integration.oidc_support import (
    Attempt,
    apply_and_approve,
    browser,
    returned,
    sign_in,
    token_request,
)

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is missing")
DOCUMENT = b"%PDF-1.7 Sakura Bank account opening agreement, version 3\n"


def _signed(http: TestClient, cards: System, holder: Issued, document: bytes) -> Any:
    bank = apply_and_approve(cards, http, scopes=("openid", "sign"))
    digest = base64.urlsafe_b64encode(hashlib.sha256(document).digest()).rstrip(b"=").decode()
    attempt = Attempt()
    back = returned(
        sign_in(
            http, bank, holder.serial, scope="openid sign", attempt=attempt, document_digest=digest
        )
    )
    tokens = token_request(http, bank, back["code"], attempt.verifier).json()
    info = http.get(
        "/oidc/userinfo", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()
    assert set(info) == {"sub", "document_signature"}
    assert info["document_signature"]["document_digest"] == digest
    return info["document_signature"]


def _pem(der: bytes) -> bytes:
    return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)


def _files(http: TestClient, claim: dict[str, Any], folder: Path) -> None:
    (folder / "signature.bin").write_bytes(base64.b64decode(claim["signature"]))
    (folder / "signer.pem").write_bytes(_pem(base64.b64decode(claim["certificate"])))
    (folder / "issuing.pem").write_bytes(_pem(base64.b64decode(claim["chain"][0])))
    (folder / "root.pem").write_bytes(_pem(http.get("/jpki/root-ca.der").content))
    assert claim["crl"].endswith("/jpki/crl")
    crl = x509.load_der_x509_crl(http.get("/jpki/crl").content)
    (folder / "crl.pem").write_bytes(crl.public_bytes(serialization.Encoding.PEM))


def _openssl(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["openssl", *args], cwd=folder, capture_output=True, text=True, timeout=60, check=False
    )


def _verify_chain(cards: System, folder: Path) -> subprocess.CompletedProcess[str]:
    at = str(int(cards.services.clock.now().timestamp()))
    return _openssl(
        folder,
        "verify",
        "-attime",
        at,
        "-CAfile",
        "root.pem",
        "-untrusted",
        "issuing.pem",
        "-crl_check",
        "-CRLfile",
        "crl.pem",
        "signer.pem",
    )


def test_a_signature_for_a_service_verifies_with_openssl(cards: System, tmp_path: Path) -> None:
    http, holder = browser(cards), issued_card(cards)
    claim = _signed(http, cards, holder, DOCUMENT)
    _files(http, claim, tmp_path)
    (tmp_path / "document.pdf").write_bytes(DOCUMENT)
    chain = _verify_chain(cards, tmp_path)
    assert chain.returncode == 0 and "signer.pem: OK" in chain.stdout, chain.stderr
    assert _openssl(tmp_path, "x509", "-in", "signer.pem", "-pubkey", "-noout", "-out", "pub.pem")
    verified = _openssl(
        tmp_path,
        "dgst",
        "-sha256",
        "-verify",
        "pub.pem",
        "-signature",
        "signature.bin",
        "document.pdf",
    )
    assert verified.returncode == 0 and "Verified OK" in verified.stdout
    (tmp_path / "altered.pdf").write_bytes(DOCUMENT.replace(b"version 3", b"version 4"))
    altered = _openssl(
        tmp_path,
        "dgst",
        "-sha256",
        "-verify",
        "pub.pem",
        "-signature",
        "signature.bin",
        "altered.pdf",
    )
    assert altered.returncode != 0


def test_once_revoked_the_signer_fails_the_crl_check(cards: System, tmp_path: Path) -> None:
    from mynumber.services.jpki import certificates

    http, holder = browser(cards), issued_card(cards)
    claim = _signed(http, cards, holder, DOCUMENT)
    with cards.uow() as uow:
        certificates.revoke_signature_certificates_of(
            uow.session, cards.services, person_id=holder.person_id, reason="address_changed"
        )
        uow.commit()
    _files(http, claim, tmp_path)
    chain = _verify_chain(cards, tmp_path)
    assert chain.returncode != 0 and "certificate revoked" in chain.stdout + chain.stderr


@pytest.mark.sqlite_only  # a protocol rule: refused as the request is read
def test_sign_without_a_digest_goes_back_as_invalid_request(cards: System) -> None:
    http, holder = browser(cards), issued_card(cards)
    bank = apply_and_approve(cards, http, scopes=("openid", "sign"))
    back = returned(sign_in(http, bank, holder.serial, scope="openid sign"))
    assert back["error"] == "invalid_request"
