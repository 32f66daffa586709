"""CRL and OCSP: revoked certificates are reported as such by openssl, good ones as good."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp

from mynumber.domain.errors import InvalidInput
from mynumber.pki.ca import CertificateAuthority
from mynumber.pki.revocation import CertStatusInfo, RevokedEntry, answer_ocsp, build_crl
from tests.unit.pki.support import FIVE_YEARS, NOW, CardKeys, pem, run, write

REVOKED_SERIAL = 0x5160099
LATER = NOW + dt.timedelta(hours=2)


@pytest.fixture(scope="module")
def revoked_cert(ca: CertificateAuthority, card_keys: CardKeys) -> x509.Certificate:
    return ca.issue_authentication_certificate(
        card_keys[2].public_key(), serial=REVOKED_SERIAL, not_before=NOW, not_after=NOW + FIVE_YEARS
    )


@pytest.fixture(scope="module")
def files(
    ca: CertificateAuthority,
    signature_cert: x509.Certificate,
    revoked_cert: x509.Certificate,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("openssl")
    crl = build_crl(
        ca,
        [RevokedEntry(REVOKED_SERIAL, NOW, x509.ReasonFlags.key_compromise)],
        now=LATER,
        next_update=LATER + dt.timedelta(days=7),
    )
    return {
        "root": write(folder / "root.pem", ca.root_pem()),
        "issuing": write(folder / "issuing.pem", ca.issuing_pem()),
        "good": write(folder / "good.pem", pem(signature_cert)),
        "revoked": write(folder / "revoked.pem", pem(revoked_cert)),
        "crl": write(folder / "crl.pem", pem(crl)),
    }


def _status(serial: int) -> CertStatusInfo:
    if serial == REVOKED_SERIAL:
        return CertStatusInfo.revoked(RevokedEntry(serial, NOW, x509.ReasonFlags.key_compromise))
    if serial == 0x5160001:
        return CertStatusInfo.good()
    return CertStatusInfo.unknown()


def _openssl_verify(files: dict[str, Path], leaf: str) -> tuple[int, str]:
    result = run(
        "openssl", "verify", "-CAfile", files["root"], "-untrusted", files["issuing"],
        "-crl_check", "-CRLfile", files["crl"], files[leaf],
    )  # fmt: skip
    return result.returncode, result.stdout + result.stderr


def test_openssl_accepts_a_good_certificate_with_crl_check(files: dict[str, Path]) -> None:
    code, output = _openssl_verify(files, "good")
    assert code == 0, output
    assert "OK" in output


def test_openssl_rejects_a_revoked_certificate_with_crl_check(files: dict[str, Path]) -> None:
    code, output = _openssl_verify(files, "revoked")
    assert code != 0
    assert "certificate revoked" in output


def test_crl_lists_only_revocations_in_force(ca: CertificateAuthority) -> None:
    crl = build_crl(
        ca,
        [
            RevokedEntry(1, NOW, x509.ReasonFlags.affiliation_changed),
            RevokedEntry(2, NOW),
            RevokedEntry(3, LATER + dt.timedelta(seconds=1)),
        ],
        now=LATER,
        next_update=LATER + dt.timedelta(days=1),
    )
    assert crl.is_signature_valid(ca.issuing_key.public_key())
    assert crl.issuer == ca.issuing_certificate.subject
    assert {entry.serial_number for entry in crl} == {1, 2}
    entry_1 = crl.get_revoked_certificate_by_serial_number(1)
    assert entry_1 is not None
    assert entry_1.extensions.get_extension_for_class(x509.CRLReason).value.reason is (
        x509.ReasonFlags.affiliation_changed
    )
    entry_2 = crl.get_revoked_certificate_by_serial_number(2)
    assert entry_2 is not None and len(entry_2.extensions) == 0  # "unspecified" is left out
    assert crl.next_update_utc == LATER + dt.timedelta(days=1)


def test_crl_number_grows_with_time(ca: CertificateAuthority) -> None:
    def number(at: dt.datetime) -> int:
        crl = build_crl(ca, [], now=at, next_update=at + dt.timedelta(days=1))
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number

    assert number(LATER) < number(LATER + dt.timedelta(minutes=1))


def test_crl_refuses_next_update_before_now(ca: CertificateAuthority) -> None:
    with pytest.raises(InvalidInput):
        build_crl(ca, [], now=LATER, next_update=LATER)


class _Responder(BaseHTTPRequestHandler):
    ca: CertificateAuthority

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        answer = answer_ocsp(self.ca, body, _status, now=dt.datetime.now(dt.UTC))
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def ocsp_url(ca: CertificateAuthority) -> Iterator[str]:
    handler = type("Responder", (_Responder,), {"ca": ca})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/ocsp"
    server.shutdown()
    server.server_close()


def _openssl_ocsp(files: dict[str, Path], leaf: str, url: str) -> str:
    result = run(
        "openssl", "ocsp", "-issuer", files["issuing"], "-CAfile", files["root"],
        "-cert", files[leaf], "-url", url, "-timeout", "20",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Response verify OK" in result.stderr + result.stdout
    return result.stdout


def test_openssl_ocsp_client_reports_good(files: dict[str, Path], ocsp_url: str) -> None:
    assert f"{files['good']}: good" in _openssl_ocsp(files, "good", ocsp_url)


def test_openssl_ocsp_client_reports_revoked(files: dict[str, Path], ocsp_url: str) -> None:
    output = _openssl_ocsp(files, "revoked", ocsp_url)
    assert f"{files['revoked']}: revoked" in output
    assert "keyCompromise" in output


def _request(cert: x509.Certificate, issuer: x509.Certificate, nonce: bytes | None = None) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256())
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def test_ocsp_answers_unknown_for_a_serial_we_never_issued(
    ca: CertificateAuthority, card_keys: CardKeys
) -> None:
    stranger = ca.issue_authentication_certificate(
        card_keys[3].public_key(), serial=4242, not_before=NOW, not_after=NOW + FIVE_YEARS
    )
    response = ocsp.load_der_ocsp_response(
        answer_ocsp(ca, _request(stranger, ca.issuing_certificate), _status, now=LATER)
    )
    assert response.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
    assert response.certificate_status is ocsp.OCSPCertStatus.UNKNOWN
    assert response.serial_number == 4242


def test_ocsp_answers_unknown_for_another_issuer(
    ca: CertificateAuthority, foreign_ca: CertificateAuthority, signature_cert: x509.Certificate
) -> None:
    # Same serial as our good certificate, but asked about a foreign issuer.
    request = _request(signature_cert, foreign_ca.issuing_certificate)
    response = ocsp.load_der_ocsp_response(answer_ocsp(ca, request, _status, now=LATER))
    assert response.certificate_status is ocsp.OCSPCertStatus.UNKNOWN


def test_ocsp_response_is_signed_by_the_issuing_ca_and_echoes_the_nonce(
    ca: CertificateAuthority, signature_cert: x509.Certificate
) -> None:
    request = _request(signature_cert, ca.issuing_certificate, nonce=b"0123456789abcdef")
    response = ocsp.load_der_ocsp_response(answer_ocsp(ca, request, _status, now=LATER))
    assert response.certificate_status is ocsp.OCSPCertStatus.GOOD
    nonce = response.extensions.get_extension_for_class(x509.OCSPNonce).value
    assert nonce.nonce == b"0123456789abcdef"
    assert response.this_update_utc == LATER
    ca.issuing_key.public_key().verify(
        response.signature,
        response.tbs_response_bytes,
        padding.PKCS1v15(),
        hashes.SHA256(),
    )


def test_ocsp_revocation_dated_in_the_future_is_not_yet_in_force(
    ca: CertificateAuthority, signature_cert: x509.Certificate
) -> None:
    def scheduled(serial: int) -> CertStatusInfo:
        return CertStatusInfo.revoked(RevokedEntry(serial, LATER + dt.timedelta(days=1)))

    request = _request(signature_cert, ca.issuing_certificate)
    response = ocsp.load_der_ocsp_response(answer_ocsp(ca, request, scheduled, now=LATER))
    assert response.certificate_status is ocsp.OCSPCertStatus.GOOD


@pytest.mark.parametrize("garbage", [b"", b"not DER at all", b"\x30\x03\x02\x01\x01"])
def test_ocsp_answers_malformed_request_instead_of_raising(
    ca: CertificateAuthority, garbage: bytes
) -> None:
    response = ocsp.load_der_ocsp_response(answer_ocsp(ca, garbage, _status, now=LATER))
    assert response.response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_ocsp_answers_malformed_request_for_several_certificates_at_once(
    ca: CertificateAuthority, signature_cert: x509.Certificate, auth_cert: x509.Certificate
) -> None:
    single = ocsp.load_der_ocsp_request(_request(signature_cert, ca.issuing_certificate))
    assert single.serial_number == signature_cert.serial_number
    # Hand-build a two-entry request: the DER of one Request, twice, in the requestList.
    one = _request(signature_cert, ca.issuing_certificate)
    two = _request(auth_cert, ca.issuing_certificate)
    request_list = _inner(_inner(_inner(one))) + _inner(_inner(_inner(two)))
    tbs = _der(0x30, _der(0x30, request_list))
    response = ocsp.load_der_ocsp_response(answer_ocsp(ca, _der(0x30, tbs), _status, now=LATER))
    assert response.response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def _der(tag: int, body: bytes) -> bytes:
    if len(body) < 0x80:
        return bytes([tag, len(body)]) + body
    size = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _inner(der: bytes) -> bytes:
    """The content octets of a DER TLV (its first, and here only, element)."""
    first = der[1]
    start = 2 if first < 0x80 else 2 + (first & 0x7F)
    return der[start:]
