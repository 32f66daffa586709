"""Sign in with the My Number Card (issue 20): the OpenID Connect provider over HTTP, on both
databases — the code flow with the card and both PINs, the ID token checked by Authlib's
client side, userinfo with only the consented claims; and each refusal the standard way."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from authlib.oidc.discovery import OpenIDProviderMetadata
from sqlalchemy import select

from mynumber.adapters.db.models_oidc import OidcCode, OidcSigningKey
from mynumber.bootstrap import System
from mynumber.domain.oidc import CODE_LIFETIME, TOKEN_LIFETIME
from mynumber.services.oidc import keys
from tests.client import TestClient
from tests.integration.card_support import PINS, Issued, clock, issued_card
from tests.integration.oidc_support import (
    Attempt,
    RelyingParty,
    apply_and_approve,
    browser,
    returned,
    sign_in,
    token_request,
    validated_id_token,
)
from tests.integration.snapshots import Snapshots

IDENTITY = "openid name address birthdate gender"


@pytest.fixture
def http(request: pytest.FixtureRequest, cards: System) -> TestClient:
    if "holder" in request.fixturenames:  # the card first: it is copied into a fresh system
        request.getfixturevalue("holder")
    return browser(cards)


@pytest.fixture
def bank(cards: System, http: TestClient) -> RelyingParty:
    return apply_and_approve(cards, http)


@pytest.fixture
def holder(cards: System, snapshots: Snapshots) -> Issued:
    """The card issued once per worker and backend, copied in (``snapshots.py``)."""
    return snapshots.give(cards, issued_card)


def _tokens(http: TestClient, rp: RelyingParty, serial: str, scope: str = IDENTITY) -> Any:
    attempt = Attempt()
    back = returned(sign_in(http, rp, serial, scope=scope, attempt=attempt))
    assert back["state"] == attempt.state
    answer = token_request(http, rp, back["code"], attempt.verifier)
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    tokens["claims"] = validated_id_token(http, rp, tokens["id_token"], attempt.nonce)
    return tokens


def _userinfo(http: TestClient, access_token: str) -> Any:
    return http.get("/oidc/userinfo", headers={"Authorization": f"Bearer {access_token}"})


@pytest.mark.sqlite_only(writes_nothing=True)  # a document made from the settings: no SQL
def test_discovery_is_valid_provider_metadata(http: TestClient) -> None:
    metadata = http.get("/.well-known/openid-configuration").json()
    OpenIDProviderMetadata(metadata).validate()
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["subject_types_supported"] == ["pairwise"]
    assert "private_key_jwt" in metadata["token_endpoint_auth_methods_supported"]


def test_a_holder_signs_in_and_the_service_gets_the_basic_four(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    tokens = _tokens(http, bank, holder.serial)
    claims = tokens["claims"]
    assert claims["acr"] == "urn:mynumber:jpki:card"
    assert set(claims) >= {"iss", "aud", "sub", "exp", "iat", "nonce", "auth_time"}
    assert "name" not in claims  # the ID token says who, userinfo says what was shared
    answer = _userinfo(http, tokens["access_token"])
    assert answer.status_code == 200, answer.text
    info = answer.json()
    assert info["sub"] == claims["sub"]
    assert set(info) == {"sub", "name", "address", "birthdate", "gender"}
    assert info["birthdate"] == "1995-04-12"
    assert info["gender"] in ("male", "female")
    assert holder.serial not in info["sub"] and len(info["sub"]) == 43


def test_openid_alone_asks_no_signature_pin_and_shares_nothing_but_sub(
    http: TestClient, cards: System, holder: Issued
) -> None:
    rp = apply_and_approve(cards, http, scopes=("openid",))
    page = http.get(
        f"/oidc/authorize?response_type=code&client_id={rp.client_id}"
        f"&redirect_uri={rp.redirect_uri}&scope=openid&state=s&nonce=n"
        "&code_challenge=" + "a" * 43 + "&code_challenge_method=S256"
    )
    assert page.status_code == 200
    tokens = _tokens(http, rp, holder.serial, scope="openid")
    assert set(_userinfo(http, tokens["access_token"]).json()) == {"sub"}


def test_the_sub_is_pairwise_and_survives_a_new_signature_certificate(
    http: TestClient, cards: System, bank: RelyingParty, holder: Issued
) -> None:
    other = apply_and_approve(cards, http, name="Another Service")
    first = _tokens(http, bank, holder.serial)["claims"]["sub"]
    assert _tokens(http, other, holder.serial)["claims"]["sub"] != first
    from mynumber.services.cards import records
    from mynumber.services.core.records import get_person
    from mynumber.services.jpki import certificates

    with cards.uow() as uow:
        card = records.get_card(uow.session, holder.serial)
        certificates.reissue_signature_certificate(
            uow.session,
            cards.services,
            card=card,
            chip=records.chip_of(cards.services, card),
            person=get_person(uow.session, holder.person_id),
            address="東京都千代田区丸の内1-1",
            on=cards.services.clock.today(),
        )
        uow.commit()
    renewed = _tokens(http, bank, holder.serial)
    assert renewed["claims"]["sub"] == first
    assert _userinfo(http, renewed["access_token"]).json()["address"] == "東京都千代田区丸の内1-1"


def test_a_code_is_used_once_and_its_replay_revokes_the_tokens(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    attempt = Attempt()
    code = returned(sign_in(http, bank, holder.serial, attempt=attempt))["code"]
    first = token_request(http, bank, code, attempt.verifier)
    assert first.status_code == 200
    again = token_request(http, bank, code, attempt.verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    revoked = _userinfo(http, first.json()["access_token"])
    assert revoked.status_code == 401 and "invalid_token" in revoked.headers["www-authenticate"]


def test_a_replayed_code_fails_in_another_process(
    cards: System, bank: RelyingParty, holder: Issued
) -> None:
    one, two = browser(cards), browser(cards)  # two apps: nothing shared but the database
    attempt = Attempt()
    code = returned(sign_in(one, bank, holder.serial, attempt=attempt))["code"]
    assert token_request(one, bank, code, attempt.verifier).status_code == 200
    assert token_request(two, bank, code, attempt.verifier).json()["error"] == "invalid_grant"


def test_a_wrong_pkce_verifier_is_invalid_grant(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    code = returned(sign_in(http, bank, holder.serial))["code"]
    answer = token_request(http, bank, code, Attempt().verifier)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_an_expired_code_is_invalid_grant(
    cards: System, http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    attempt = Attempt()
    code = returned(sign_in(http, bank, holder.serial, attempt=attempt))["code"]
    clock(cards).advance(seconds=CODE_LIFETIME.total_seconds() + 1)
    answer = token_request(http, bank, code, attempt.verifier)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_the_code_is_stored_as_a_hash_only(
    cards: System, http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    code = returned(sign_in(http, bank, holder.serial))["code"]
    with cards.uow() as uow:
        rows = uow.session.scalars(select(OidcCode)).all()
    assert rows and all(code not in (r.code_hash, r.nonce) for r in rows)
    assert all(b"1995-04-12" not in r.claims_sealed for r in rows)


def test_a_wrong_redirect_uri_gets_an_error_page_not_a_redirect(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    bank.redirect_uri = "https://bank.example/callback/../evil"
    page = sign_in(http, bank, holder.serial)
    assert page.status_code == 400
    assert "location" not in page.headers
    assert "invalid_request" in page.text or "invalid_client" in page.text


def test_the_token_endpoint_refuses_another_redirect_uri(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    attempt = Attempt()
    code = returned(sign_in(http, bank, holder.serial, attempt=attempt))["code"]
    answer = token_request(
        http, bank, code, attempt.verifier, redirect_uri="https://bank.example/other"
    )
    assert answer.json()["error"] == "invalid_grant"


def test_an_unapproved_service_is_refused_with_a_page(
    cards: System, http: TestClient, holder: Issued
) -> None:
    rp = apply_and_approve(cards, http, approve=())
    page = sign_in(http, rp, holder.serial)
    assert page.status_code == 400 and "unauthorized_client" in page.text
    assert "location" not in page.headers


def test_an_unapproved_scope_is_refused_with_a_page_and_invalid_scope(
    cards: System, http: TestClient, holder: Issued
) -> None:
    rp = apply_and_approve(cards, http, approve=("openid", "name"))
    page = sign_in(http, rp, holder.serial, scope="openid name address")
    assert page.status_code == 400 and "invalid_scope" in page.text
    assert "error=invalid_scope" in page.text  # the link back to the service


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"nonce": ""}, "invalid_request"),
        ({"state": ""}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "name"}, "invalid_scope"),
    ],
)
def test_a_malformed_request_goes_back_with_its_error(
    http: TestClient, bank: RelyingParty, holder: Issued, extra: dict[str, Any], error: str
) -> None:
    attempt = Attempt()
    from tests.integration.oidc_support import authorize_url

    extra = dict(extra)  # the parameters are shared by both databases' runs
    scope = extra.pop("scope", IDENTITY)
    answer = http.get(authorize_url(bank, attempt, scope, **extra), follow_redirects=False)
    if error == "invalid_scope":
        assert answer.status_code == 400 and error in answer.text
        return
    assert returned(answer)["error"] == error


def test_declining_returns_access_denied(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    attempt = Attempt()
    back = returned(sign_in(http, bank, holder.serial, attempt=attempt, decision="decline"))
    assert back["error"] == "access_denied" and back["state"] == attempt.state
    assert "code" not in back


def test_a_locked_pin_is_refused_on_the_card_page(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    for _ in range(3):
        page = sign_in(http, bank, holder.serial, user_pin="0000")
    assert page.status_code in (401, 423, 403, 409) or "locked" in page.text.lower()
    page = sign_in(http, bank, holder.serial)
    assert "lock" in page.text.lower() and 'value="agree"' not in page.text


def test_a_wrong_signature_pin_says_the_tries_left(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    page = sign_in(http, bank, holder.serial, signature_pin="WRONG123")
    assert page.status_code != 303 and "4" in page.text and "signature_pin-error" in page.text


def test_a_revoked_certificate_is_refused_with_what_to_do(
    cards: System, http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    from mynumber.services.jpki import certificates

    with cards.uow() as uow:
        certificates.revoke_signature_certificates_of(
            uow.session, cards.services, person_id=holder.person_id, reason="address_changed"
        )
        uow.commit()
    page = sign_in(http, bank, holder.serial)
    assert page.status_code == 403 or page.status_code == 401 or page.status_code == 409
    assert "Renew your electronic certificates" in page.text
    assert sign_in(http, bank, holder.serial, scope="openid").status_code == 303


def test_a_client_assertion_is_used_once(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    from tests.integration.oidc_support import client_assertion

    assertion = client_assertion(http, bank)
    attempt = Attempt()
    code = returned(sign_in(http, bank, holder.serial, attempt=attempt))["code"]
    assert token_request(http, bank, code, attempt.verifier, assertion=assertion).status_code == 200
    attempt = Attempt()
    code = returned(sign_in(http, bank, holder.serial, attempt=attempt))["code"]
    again = token_request(http, bank, code, attempt.verifier, assertion=assertion)
    assert again.status_code in (400, 401) and again.json()["error"] == "invalid_client"


def test_the_sandbox_client_authenticates_with_its_secret(
    cards: System, http: TestClient, holder: Issued
) -> None:
    rp = apply_and_approve(cards, http, sandbox=True)
    tokens = _tokens(http, rp, holder.serial)
    assert _userinfo(http, tokens["access_token"]).status_code == 200
    rp.secret = "not-the-secret"
    attempt = Attempt()
    code = returned(sign_in(http, rp, holder.serial, attempt=attempt))["code"]
    assert token_request(http, rp, code, attempt.verifier).json()["error"] == "invalid_client"


def test_rotated_keys_stay_published_until_their_tokens_expire(
    cards: System, http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    before = _tokens(http, bank, holder.serial)
    with cards.uow() as uow:
        rotation = keys.rotate(uow.session, cards.services)
        uow.commit()
    kids = {k["kid"] for k in http.get("/oidc/jwks.json").json()["keys"]}
    assert {rotation.old_kid, rotation.new_kid} <= kids
    validated_id_token(http, bank, before["id_token"], before["claims"]["nonce"])
    after = _tokens(http, bank, holder.serial)
    assert after["claims"].header["kid"] if hasattr(after["claims"], "header") else True
    clock(cards).advance(seconds=(TOKEN_LIFETIME + dt.timedelta(minutes=3)).total_seconds())
    kids = {k["kid"] for k in http.get("/oidc/jwks.json").json()["keys"]}
    assert kids == {rotation.new_kid}
    with cards.uow() as uow:
        sealed = uow.session.scalars(select(OidcSigningKey.private_key_sealed)).all()
    assert all(b"PRIVATE KEY" not in s for s in sealed)


def test_a_suspended_service_loses_its_tokens(
    cards: System, http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    from mynumber.domain.oidc import ClientStatus
    from mynumber.services.oidc import clients
    from tests.integration.oidc_support import CENTRE

    tokens = _tokens(http, bank, holder.serial)
    with cards.uow() as uow:
        clients.review(
            uow.session,
            cards.services,
            caller=CENTRE,
            client_id=bank.client_id,
            decision=ClientStatus.SUSPENDED,
        )
        uow.commit()
    assert _userinfo(http, tokens["access_token"]).status_code == 401
    assert sign_in(http, bank, holder.serial).status_code == 400


def test_the_signature_pin_is_asked_for_identity_scopes(
    http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    page = http.get(
        "/oidc/authorize?"
        + __import__("urllib.parse").parse.urlencode(
            {
                "response_type": "code",
                "client_id": bank.client_id,
                "redirect_uri": bank.redirect_uri,
                "scope": IDENTITY,
                "state": "s",
                "nonce": "n",
                "code_challenge": "a" * 43,
                "code_challenge_method": "S256",
            }
        )
    )
    assert "signature PIN" in page.text
    assert PINS.signature not in page.text


def test_the_portal_lists_the_services_and_withdraws_a_consent(
    cards: System, http: TestClient, bank: RelyingParty, holder: Issued
) -> None:
    from tests.integration.oidc_support import hidden

    other = browser(cards)  # another resident's portal sees nothing of this
    tokens = _tokens(http, bank, holder.serial)
    portal = browser(cards)
    csrf = hidden(portal.get("/portal/login").text, "csrf")
    logged_in = portal.post(
        "/portal/login",
        data={
            "csrf": csrf,
            "card_serial": holder.serial,
            "user_authentication_pin": PINS.user_authentication,
            "next": "",
        },
        follow_redirects=False,
    )
    assert logged_in.status_code == 303
    listed = portal.get("/portal/services")
    assert "Example Bank" in listed.text and "date of birth" in listed.text
    assert "in force" in listed.text
    assert other.get("/portal/services", follow_redirects=False).status_code == 303
    withdrawn = portal.post(
        "/portal/services",
        data={"csrf": hidden(listed.text, "csrf"), "client_id": bank.client_id},
        follow_redirects=True,
    )
    assert "Consent withdrawn" in withdrawn.text and "withdrawn" in withdrawn.text
    assert _userinfo(http, tokens["access_token"]).status_code == 401
    log = portal.get("/portal/access-log").text
    assert "oidc_consent" in log or "Example Bank" in log
