"""The card centre's public distribution points (J-LIS): CRL, OCSP, CA certificates.

Public like a real CA's: no token. The CRL (失効リスト) is DER (``application/pkix-crl``,
RFC 5280 §4.2.1.13); the OCSP responder takes a DER request by POST
(``application/ocsp-request`` → ``application/ocsp-response``, RFC 6960 Appendix A); the CA
certificates are DER (``application/pkix-cert``) at the address written in every certificate's
authorityInformationAccess.
"""

from __future__ import annotations

from typing import Annotated

from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, Depends, Request, Response

from mynumber.api.deps import ServicesDep, SystemDep
from mynumber.api.openapi import file_response
from mynumber.services.jpki.certificates import answer_ocsp_request, current_crl

router = APIRouter(prefix="/jpki", tags=["card centre (JPKI)"])
MAX_OCSP_REQUEST = 64 * 1024


async def _raw_body(request: Request) -> bytes:
    return await request.body()


def _der(data: bytes, media_type: str) -> Response:
    return Response(data, media_type=media_type, headers={"Cache-Control": "no-cache"})


@router.get(
    "/crl", response_class=Response, responses=file_response("application/pkix-crl", "The CRL, DER")
)
def crl(system: SystemDep, svc: ServicesDep) -> Response:
    """The issuing CA's current CRL, DER."""
    with system.uow() as uow:
        data = current_crl(uow.session, svc)
    return _der(data, "application/pkix-crl")


@router.post(
    "/ocsp",
    response_class=Response,
    responses=file_response("application/ocsp-response", "The OCSP response, DER"),
)
def ocsp(
    body: Annotated[bytes, Depends(_raw_body)], system: SystemDep, svc: ServicesDep
) -> Response:
    """OCSP (RFC 6960): the status of one certificate; a malformed request gets
    ``malformedRequest``, never an error page."""
    if len(body) > MAX_OCSP_REQUEST:
        body = b""  # answered as malformed
    with system.uow() as uow:
        data = answer_ocsp_request(uow.session, svc, body)
    return _der(data, "application/ocsp-response")


@router.get(
    "/issuing-ca.der",
    response_class=Response,
    responses=file_response("application/pkix-cert", "The certificate, DER"),
)
def issuing_ca(svc: ServicesDep) -> Response:
    """The issuing CA's certificate, DER."""
    return _der(
        svc.ca.issuing_certificate.public_bytes(serialization.Encoding.DER), "application/pkix-cert"
    )


@router.get(
    "/root-ca.der",
    response_class=Response,
    responses=file_response("application/pkix-cert", "The certificate, DER"),
)
def root_ca(svc: ServicesDep) -> Response:
    """The root CA's certificate, DER: the trust anchor relying parties install."""
    return _der(
        svc.ca.root_certificate.public_bytes(serialization.Encoding.DER), "application/pkix-cert"
    )
