"""Card authentication (利用者証明): nonce, PIN on the card, signature, chain, revocation, card.

Every failure has its own code and an English and a Japanese message, over the service and
over HTTP; the exchange never carries the My Number.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from prometheus_client import REGISTRY
from sqlalchemy import select

from mynumber.adapters.db.models import AuditEntry
from mynumber.adapters.db.models_pki import CardAuthChallenge
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.card import KeySlot
from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden, MyNumberError, WrongPin
from mynumber.pki.ca import CertificateAuthority
from mynumber.pki.errors import (
    CertificateExpired,
    CertificateRevoked,
    CertificateWrongPurpose,
    SignatureInvalid,
    UntrustedCertificate,
)
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller
from mynumber.services.core.records import get_person
from mynumber.services.jpki import card_auth
from mynumber.services.jpki.card_auth import (
    CardAnswer,
    CardNotActive,
    ChallengeExpired,
    ChallengeReplayed,
    ChallengeUnknown,
    answer_challenge,
)
from mynumber.services.jpki.certificates import kinds_revoked_on, revoke_card_certificates
from mynumber.services.registry.numbers import open_number
from tests.client import TestClient
from tests.conftest import caller, ref
from tests.integration.card_support import run_jobs
from tests.integration.certificates_support import (
    AUTH_PIN,
    TestCard,
    make_card,
    read_certificate,
    set_card_status,
    with_card_store,
)

CLINIC = caller(Role.CLINIC)


@pytest.fixture
def pki(system: System, sqlite_template: Path, tmp_path: Path) -> Iterator[System]:
    yield from with_card_store(system, sqlite_template, tmp_path)


def _challenge(system: System, who: Caller = CLINIC) -> bytes:
    with system.uow() as uow:
        challenge = card_auth.issue_challenge(uow.session, system.services, caller=who)
        uow.commit()
    return challenge.nonce


def _authenticate(system: System, nonce: bytes, answer: CardAnswer, who: Caller = CLINIC) -> int:
    with system.uow() as uow:
        person_id = card_auth.authenticate_card(
            uow.session,
            system.services,
            caller=who,
            nonce=nonce,
            certificate_der=answer.certificate_der,
            signature=answer.signature,
        )
        uow.commit()
    return person_id


def _round_trip(system: System, card: TestCard) -> int:
    nonce = _challenge(system)
    return _authenticate(system, nonce, answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce))


def _refused(
    system: System,
    nonce: bytes,
    answer: CardAnswer,
    error: type[MyNumberError],
    who: Caller = CLINIC,
) -> MyNumberError:
    with pytest.raises(error) as caught:
        _authenticate(system, nonce, answer, who)
    assert caught.value.message_en and caught.value.message_ja
    return caught.value


def test_a_card_and_its_pin_identify_the_holder_without_the_my_number(pki: System) -> None:
    card = make_card(pki)
    nonce = _challenge(pki)
    answer = answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce)
    assert _authenticate(pki, nonce, answer) == card.person_id
    with pki.uow() as uow:
        number = open_number(pki.services, get_person(uow.session, card.person_id)).digits
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "card_authentication")
        ).one()
    assert number.encode() not in answer.certificate_der + answer.signature + nonce
    assert (entry.person_id, entry.actor) == (card.person_id, CLINIC.name)


def test_a_wrong_pin_is_refused_by_the_card_and_the_nonce_stays_usable(pki: System) -> None:
    card = make_card(pki)
    nonce = _challenge(pki)
    with pytest.raises(WrongPin) as caught:
        answer_challenge(card.chip, pin="0000", nonce=nonce)
    assert caught.value.details["tries_left"] == 2
    answer = answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce)
    assert _authenticate(pki, nonce, answer) == card.person_id


def test_an_answer_cannot_be_replayed(pki: System) -> None:
    card = make_card(pki)
    nonce = _challenge(pki)
    answer = answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce)
    _authenticate(pki, nonce, answer)
    _refused(pki, nonce, answer, ChallengeReplayed)


def test_a_nonce_expires_after_five_minutes(pki: System) -> None:
    card = make_card(pki)
    nonce = _challenge(pki)
    answer = answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce)
    pki.services.clock.advance(minutes=5, seconds=1)  # type: ignore[attr-defined]
    _refused(pki, nonce, answer, ChallengeExpired)


def test_the_daily_jobs_forget_nonces_a_day_after_they_expired(pki: System) -> None:
    """Answered or not, a nonce goes a day after it expired: one expired less than a day ago
    is kept (an answer is still told it expired), a forgotten one is refused as unknown."""
    card = make_card(pki)
    answered, old = _challenge(pki), _challenge(pki)
    _authenticate(pki, answered, answer_challenge(card.chip, pin=AUTH_PIN, nonce=answered))
    pki.services.clock.advance(hours=12)  # type: ignore[attr-defined]
    recent = _challenge(pki)
    before = REGISTRY.get_sample_value("mynumber_card_auth_challenges_forgotten_total") or 0.0
    pki.services.clock.advance(hours=12, minutes=5, seconds=1)  # type: ignore[attr-defined]
    run_jobs(pki)
    with pki.reading() as uow:
        kept = set(uow.session.scalars(select(CardAuthChallenge.nonce)))
    assert kept == {recent.hex()}
    after = REGISTRY.get_sample_value("mynumber_card_auth_challenges_forgotten_total")
    assert after == before + 2
    _refused(pki, old, answer_challenge(card.chip, pin=AUTH_PIN, nonce=old), ChallengeUnknown)
    _refused(pki, recent, answer_challenge(card.chip, pin=AUTH_PIN, nonce=recent), ChallengeExpired)
    run_jobs(pki)  # nothing more is due: the recent one stays its day
    with pki.reading() as uow:
        assert set(uow.session.scalars(select(CardAuthChallenge.nonce))) == {recent.hex()}


def test_a_nonce_never_issued_or_issued_to_another_party_is_unknown(pki: System) -> None:
    card = make_card(pki)
    stranger = bytes(32)
    _refused(
        pki, stranger, answer_challenge(card.chip, pin=AUTH_PIN, nonce=stranger), ChallengeUnknown
    )
    kiosk_nonce = _challenge(pki, caller(Role.KIOSK))
    answer = answer_challenge(card.chip, pin=AUTH_PIN, nonce=kiosk_nonce)
    _refused(pki, kiosk_nonce, answer, ChallengeUnknown)


def test_a_signature_over_another_nonce_is_refused(pki: System) -> None:
    card = make_card(pki)
    nonce, other = _challenge(pki), _challenge(pki)
    answer = answer_challenge(card.chip, pin=AUTH_PIN, nonce=other)
    _refused(pki, nonce, answer, SignatureInvalid)


def test_a_lost_cards_revoked_certificate_is_refused(pki: System) -> None:
    card = make_card(pki)
    with pki.uow() as uow:
        revoke_card_certificates(
            uow.session,
            pki.services,
            card_serial=card.serial,
            kinds=kinds_revoked_on("lost"),
            reason="lost",
        )
        uow.commit()
    nonce = _challenge(pki)
    error = _refused(
        pki, nonce, answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce), CertificateRevoked
    )
    assert error.details["reason"] == "keyCompromise"


def test_a_move_leaves_card_authentication_working(pki: System) -> None:
    card = make_card(pki)
    with pki.uow() as uow:
        revoke_card_certificates(
            uow.session,
            pki.services,
            card_serial=card.serial,
            kinds=kinds_revoked_on("address_changed"),
            reason="address_changed",
        )
        uow.commit()
    assert _round_trip(pki, card) == card.person_id


def test_an_expired_certificate_is_refused(pki: System) -> None:
    today = pki.services.clock.today()  # living here for a year, 30 days of stay left
    card = make_card(
        pki,
        started_living_on=today - dt.timedelta(days=365),
        period_of_stay_ends=today + dt.timedelta(days=30),
    )
    pki.services.clock.advance(days=32)  # type: ignore[attr-defined]
    nonce = _challenge(pki)
    _refused(pki, nonce, answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce), CertificateExpired)


@pytest.mark.parametrize("status", ["suspended", "returned", "issued"])
def test_a_card_that_is_not_active_is_refused_with_its_status(pki: System, status: str) -> None:
    card = make_card(pki)
    set_card_status(pki, card.serial, status)
    nonce = _challenge(pki)
    error = _refused(
        pki, nonce, answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce), CardNotActive
    )
    assert error.details["card_status"] == status and status in error.message_en


def test_the_signature_certificate_cannot_be_used_to_identify(pki: System) -> None:
    card = make_card(pki)
    nonce = _challenge(pki)
    answer = answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce)
    signature_der = read_certificate(card, KeySlot.SIGNATURE).public_bytes(
        serialization.Encoding.DER
    )
    _refused(pki, nonce, CardAnswer(signature_der, answer.signature), CertificateWrongPurpose)


def test_a_certificate_from_another_ca_is_untrusted(pki: System, tmp_path: Path) -> None:
    card = make_card(pki)
    forger = CertificateAuthority.load_or_create(
        tmp_path / "forger", b"forger", now=pki.services.clock.now()
    )
    keys = card.chip.public_keys()
    now = pki.services.clock.now()
    forged = forger.issue_authentication_certificate(
        keys.user_auth, serial=12345, not_before=now, not_after=now + dt.timedelta(days=9)
    )
    nonce = _challenge(pki)
    answer = answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce)
    _refused(
        pki,
        nonce,
        CardAnswer(forged.public_bytes(serialization.Encoding.DER), answer.signature),
        UntrustedCertificate,
    )


@pytest.mark.sqlite_only  # the caller's role, before any nonce is made
def test_only_relying_parties_may_ask_for_a_challenge(pki: System) -> None:
    with pki.uow() as uow, pytest.raises(Forbidden):
        card_auth.issue_challenge(uow.session, pki.services, caller=caller(Role.EMPLOYER))


# --- over HTTP ----------------------------------------------------------------------------


@pytest.fixture
def client(pki: System) -> Iterator[tuple[TestClient, dict[str, str]]]:
    with pki.uow() as uow:
        token = tokens.issue_token(
            uow.session, pki.services, organisation="Chiyoda Clinic", role=Role.CLINIC
        )
        uow.commit()
    with TestClient(create_app(pki), raise_server_exceptions=False) as test_client:
        yield test_client, {"Authorization": f"Bearer {token}"}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _http_answer(
    client: tuple[TestClient, dict[str, str]], card: TestCard, nonce: bytes | None = None
) -> tuple[bytes, dict[str, str]]:
    http, headers = client
    if nonce is None:
        issued = http.post("/card-auth/challenges", headers=headers)
        assert issued.status_code == 201, issued.text
        nonce = base64.b64decode(issued.json()["nonce"])
    answer = answer_challenge(card.chip, pin=AUTH_PIN, nonce=nonce)
    return nonce, {
        "nonce": _b64(nonce),
        "certificate": _b64(answer.certificate_der),
        "signature": _b64(answer.signature),
    }


def test_http_challenge_and_response_name_the_person_only(
    pki: System,
    client: tuple[TestClient, dict[str, str]],
) -> None:
    card = make_card(pki)
    _, body = _http_answer(client, card)
    response = client[0].post("/card-auth/responses", json=body, headers=client[1])
    assert response.status_code == 200, response.text
    assert response.json() == {"person_id": ref("per", card.person_id)}


def test_http_failures_are_problems_with_their_own_codes(
    pki: System,
    client: tuple[TestClient, dict[str, str]],
) -> None:
    http, headers = client
    card = make_card(pki)
    _, body = _http_answer(client, card)
    seen = {}
    seen["signature-invalid"] = http.post(
        "/card-auth/responses", headers=headers, json={**body, "signature": _b64(bytes(256))}
    )
    assert http.post("/card-auth/responses", json=body, headers=headers).status_code == 200
    seen["challenge-replayed"] = http.post("/card-auth/responses", json=body, headers=headers)
    seen["challenge-unknown"] = http.post(
        "/card-auth/responses", headers=headers, json=_http_answer(client, card, bytes(32))[1]
    )
    seen["invalid-input"] = http.post(
        "/card-auth/responses", headers=headers, json={**body, "certificate": "not base64!"}
    )
    set_card_status(pki, card.serial, "suspended")
    seen["card-not-active"] = http.post(
        "/card-auth/responses", headers=headers, json=_http_answer(client, card)[1]
    )
    for code, response in seen.items():
        problem = response.json()
        assert problem["code"] == code, (code, problem)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert (
            problem["detail"] and problem["detail_ja"] and problem["detail"] != problem["detail_ja"]
        )


@pytest.mark.sqlite_only  # refused before any look-up
def test_http_needs_a_token(pki: System) -> None:
    with TestClient(create_app(pki)) as http:
        assert http.post("/card-auth/challenges").status_code == 401
