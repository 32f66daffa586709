"""Who may call each route of the app, for which subject — the one table the access matrix
(``test_access_matrix.py``) holds the app to. A route the app serves that is missing here
fails the matrix: a new route must declare who may call it.

Each row: method, path, the status a granted call answers, who is granted, and how to fill
the request. The callers (``CALLERS``):

========================  ============================================================
``none``                  no token, no session
``ward`` / ``ward_other``  Chiyoda's ward office (A's municipality) / Shibuya's
``centre``                the card centre (J-LIS)
``clinic``                Kanda Clinic, where A's card opened a visit (PIN, consent)
``clinic_other``          a clinic A never visited
``insurer``               Chiyoda's National Health Insurance, A's insurer
``insurer_other``         an employer health insurance association: not A's insurer, but
                          Example K.K. belongs to it, so it may enrol A's colleagues
``emp_manager`` …         Example K.K., A's employer: its manager, payroll clerk, HR clerk
``emp_other``             another employer's manager
``tax``                   the tax office, which holds A's return and nothing of B
``kiosk``                 a convenience-store kiosk
``immigration``           the Tokyo immigration bureau (A's area; it holds the stay case of
                          the subjects it issued a special residence card to)
``immigration_other``     the Osaka immigration bureau: neither A's area nor any case
``self``                  A, the resident (their token; their portal session)
``resident_other``        C, another resident
========================  ============================================================

Scopes: ``SUBJECT`` — granted only on the related subject (A, or a fresh Chiyoda resident
for the rows whose success changes the subject for good); every caller on B is refused.
``ANY`` — the route names no one the caller could be unrelated to (a card presented at the
caller's own terminal, the caller's own lists and forms): the granted callers are granted
for A and B alike. ``PUBLIC`` — by design open to anyone (health, the CA's CRL, OCSP and
certificates, the guide, the online application form, the docs, the login forms).

A refusal is 401, 403 or 404 over the API; on a page, a redirect to a login page, or the
403 or 404 page. Never 2xx, never 5xx.

Every refusal leaves an audit entry by its caller (``services.core.audit.record_refusal``),
but for a caller who is no one — no token, or no session of the page's kind (a login
redirect) — and for what a row declares ``unaudited``: a route not served here (404 to
anyone before a caller is looked up), or a related caller the policy allowed that the use
case then found nothing for (its allowed decision is rolled back with it). A missing record
would leave none too (there is no one to tell); the matrix names none.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from mynumber.adapters.db.models import NotificationLetter, Registration
from mynumber.adapters.db.models_register import AnnouncedArrival
from mynumber.domain.access import Role
from mynumber.domain.cards import IdentityShown
from mynumber.domain.insurance import Consent, IncomeClass, InsuredNumbers
from mynumber.domain.mail import DeliveryFailure
from mynumber.services.core.refs import Kind
from mynumber.services.flows import moving_online
from mynumber.services.insurance import clinic, insurer
from mynumber.services.registry import letters, ward_office
from tests.conftest import caller, ward
from tests.integration.access_world import (
    BORN,
    CHIYODA,
    SHIBUYA,
    Person,
    World,
    hire,
    insure,
    open_visit,
    signed_return,
)
from tests.integration.card_support import PINS, chip, photo
from tests.integration.clinic_support import astronaut_camera

CALLERS = (
    "none",
    "ward",
    "ward_other",
    "centre",
    "clinic",
    "clinic_other",
    "insurer",
    "insurer_other",
    "emp_manager",
    "emp_payroll",
    "emp_hr",
    "emp_other",
    "tax",
    "kiosk",
    "immigration",
    "immigration_other",
    "self",
    "resident_other",
)
SUBJECT, ANY, PUBLIC = "subject", "any", "public"

Body = dict[str, Any]
Sample = Callable[[World, Person, str], Body]
"""(world, subject, caller) → the request's parts: ``json``, ``data`` (a form: the caller's
CSRF token is added), ``files``, ``content``, ``headers``, ``params`` (path values that
differ from the subject's)."""
Prepare = Callable[[World, Person], Person]
"""A fresh subject for one granted call (the rows whose success changes the subject)."""


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    ok: int
    granted: frozenset[str]
    anywhere: frozenset[str]
    """The granted callers whose grant holds on B too (every subject of their kind)."""
    sample: Sample
    scope: str = SUBJECT
    fresh: Prepare | None = None
    unaudited: frozenset[str] = frozenset()
    """The refusals that leave no audit entry by design: ``caller@A``, ``caller@B``, or
    ``*`` for every caller on either subject."""

    def audits(self, caller: str, subject: str) -> bool:
        """Whether refusing ``caller`` (someone: a token or a session) on ``subject`` (``A``
        or ``B``) leaves an audit entry."""
        return not self.unaudited or (
            "*" not in self.unaudited and f"{caller}@{subject}" not in self.unaudited
        )


def row(
    method: str,
    path: str,
    ok: int,
    granted: str,
    sample: Sample | None = None,
    *,
    scope: str = SUBJECT,
    fresh: Prepare | None = None,
    unaudited: str = "",
) -> Row:
    """``granted``: caller names; ``name*`` is granted on every subject (B too).
    ``unaudited``: ``caller@A``, ``caller@B`` or ``*`` (``Row.unaudited``)."""
    names = granted.split()
    plain = frozenset(n.rstrip("*") for n in names)
    anywhere = plain if scope == ANY else frozenset(n[:-1] for n in names if n.endswith("*"))
    return Row(
        method,
        path,
        ok,
        plain,
        anywhere,
        sample or nothing,
        scope,
        fresh,
        frozenset(unaudited.split()),
    )


# --- samples --------------------------------------------------------------------------------


def nothing(w: World, s: Person, c: str) -> Body:
    return {}


def guide_answers(w: World, s: Person, c: str) -> Body:
    """A newcomer's answers to the public guide (its calendar and PDF need them)."""
    return {
        "query": {
            "arrived_on": "2026-03-01",
            "municipality": "Chiyoda City",
            "date_of_birth": "1990-01-01",
        }
    }


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def identity(s: Person) -> Body:
    return {
        "name_latin": s.name,
        "date_of_birth": BORN.isoformat(),
        "residence_card_number": s.card_no,
        "id_documents": ["residence_card"],
    }


def identity_form(s: Person) -> Body:
    return {
        "name_latin": s.name,
        "date_of_birth": BORN.isoformat(),
        "residence_card_number": s.card_no,
        "id_documents": "residence_card",
    }


def renewed_card(s: Person) -> str:
    """The number of the subject's renewed residence card (a new card, a new number)."""
    return "RN" + s.card_no[2:10] + "EW"


def today(w: World) -> str:
    return w.system.services.clock.today().isoformat()


def j(**body: Any) -> Sample:
    """A fixed JSON body."""
    return lambda w, s, c: {"json": body}


def form(**fields: Any) -> Sample:
    """A fixed form."""
    return lambda w, s, c: {"data": dict(fields)}


PURPOSE = {
    "ward": "resident_registry",
    "insurer": "social_security",
    "tax": "tax",
    "self": "own_record",
    "emp_payroll": "tax",
    "emp_manager": "tax",
    "emp_hr": "tax",
    "emp_other": "tax",
    "centre": "resident_registry",
}


def purpose(w: World, s: Person, c: str) -> Body:
    return {"json": {"purpose": PURPOSE.get(c, "tax")}}


def clinic_of(w: World, c: str) -> str:
    return c if c.startswith("clinic") else "clinic"


def pin_check(w: World, s: Person, c: str) -> Body:
    """A's (or B's) card answers a nonce issued to the calling clinic (or to Kanda Clinic
    when the caller is no clinic: its refusal is about the caller)."""
    nonce = w.made_challenge(clinic_of(w, c))
    answer = clinic.answer_at_terminal(
        chip(w.system, s.serial), pin=PINS.user_authentication, nonce=nonce
    )
    return {
        "json": {
            "nonce": b64(nonce),
            "certificate": b64(answer.certificate_der),
            "signature": b64(answer.signature),
        }
    }


def auth_response(w: World, s: Person, c: str) -> Body:
    """The card answers a nonce issued to the caller (to a kiosk when the caller may get
    none: its refusal is about the caller)."""
    token = w.token(c, w.a)
    got = w.api.post(
        "/card-auth/challenges", headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    nonce = (
        base64.b64decode(got.json()["nonce"])
        if got.status_code == 201
        else w.made_challenge("kiosk", card_auth=True)
    )
    answer = clinic.answer_at_terminal(
        chip(w.system, s.serial), pin=PINS.user_authentication, nonce=nonce
    )
    return {
        "json": {
            "nonce": b64(nonce),
            "certificate": b64(answer.certificate_der),
            "signature": b64(answer.signature),
        }
    }


def face_check(w: World, s: Person, c: str) -> Body:
    return {"json": {"certificate": b64(w.certificate(s)), "live_image": b64(astronaut_camera())}}


def visual_check(w: World, s: Person, c: str) -> Body:
    return {"json": {"certificate": b64(w.certificate(s)), "staff_name": "Nurse Kato"}}


def letter_check(w: World, s: Person, c: str) -> Body:
    symbol, number, branch, insurer_number = w.insured[s.person_id]
    return {
        "json": {
            "insurer_number": insurer_number,
            "symbol": symbol,
            "number": number,
            "branch": branch,
            "date_of_birth": BORN.isoformat(),
        }
    }


def consent(w: World, s: Person, c: str) -> Body:
    from mynumber.domain.terminal import consent_message  # the terminal's message to sign

    nonce = w.made_challenge(clinic_of(w, c))
    choice = Consent(medication=True, checkups=True, limit_amount=True)
    message = consent_message(nonce, w.references.reference(Kind.VISIT, s.visit_id), choice)
    answer = clinic.answer_at_terminal(
        chip(w.system, s.serial), pin=PINS.user_authentication, nonce=message
    )
    return {
        "json": {
            "medication": True,
            "checkups": True,
            "limit_amount": True,
            "nonce": b64(nonce),
            "certificate": b64(answer.certificate_der),
            "signature": b64(answer.signature),
        }
    }


def moving_in(w: World, s: Person, c: str) -> Body:
    """A newcomer to the subject's municipality (A: Chiyoda; B: Sapporo)."""
    return {
        "json": {
            "municipality_code": s.municipality,
            "name_latin": f"NEW {uuid.uuid4().hex[:8]}",
            "date_of_birth": "1992-03-04",
            "sex": "F",
            "nationality": "FR",
            "address": "1-1 Somewhere",
            "started_living_on": today(w),
            "id_documents": ["residence_card", "passport"],
            "residence_card_number": f"XY{uuid.uuid4().int % 10**8:08d}ZZ",
            "status_of_residence": "Engineer/Specialist",
            "period_of_stay_ends": (
                w.system.services.clock.today() + dt.timedelta(days=800)
            ).isoformat(),
        }
    }


def moving_in_form(w: World, s: Person, c: str) -> Body:
    body = moving_in(w, s, c)["json"]
    body["id_documents"] = "residence_card"
    return {"data": body}


def apply_api(w: World, s: Person, c: str) -> Body:
    body: Body = {
        "channel": "counter" if c.startswith("ward") else "smartphone",
        "photo_base64": b64(photo()),
        "taken_within_six_months": True,
        "no_headwear": True,
        "plain_background": True,
    }
    if c.startswith("ward"):
        body["person_id"] = w.references.reference(Kind.PERSON, s.person_id)
    elif c in ("self", "resident_other"):
        body["application_id"] = letter_application_id(w, s)
    else:  # refused for its role (the smartphone channel is the resident's) before the ID
        body["application_id"] = s.application_id
    return {"json": body}


def letter_application_id(w: World, s: Person) -> str:
    """The application ID on the subject's notification letter (the one in force), which a
    resident applies with: another resident's is refused as someone else's letter (audited),
    where the ID of A's or B's counter application (``Person.application_id``) names no
    letter at all (404, no one to audit)."""
    with w.system.uow() as uow:
        found = uow.session.scalars(
            select(NotificationLetter.application_id)
            .where(
                NotificationLetter.person_id == s.person_id,
                NotificationLetter.superseded.is_(False),
            )
            .order_by(NotificationLetter.id.desc())
        ).first()
    assert found is not None, f"{s.name} has no letter in force"
    return found


def collect_body(w: World, s: Person, c: str) -> Body:
    return {
        "json": {
            **identity(s),
            "id_documents": ["residence_card", "notification_letter"],
            "user_authentication_pin": PINS.user_authentication,
            "resident_registry_pin": PINS.resident_registry,
            "card_info_input_pin": PINS.card_info_input,
            "signature_pin": PINS.signature,
        }
    }


def collect_form(w: World, s: Person, c: str) -> Body:
    return {
        "data": {
            **identity_form(s),
            "id_documents": ["residence_card", "notification_letter"],
            "user_authentication_pin": PINS.user_authentication,
            "resident_registry_pin": PINS.resident_registry,
            "card_info_input_pin": PINS.card_info_input,
            "signature_pin": PINS.signature,
            "pickup_notice": "shown",
        }
    }


def _to_sign(
    w: World, s: Person, c: str, route: str, pin_kind: str, pre_application: bool
) -> tuple[bytes, bytes]:
    """A nonce for the step (from the route, with the caller's token; made for the kiosk when
    the caller may get none: its refusal is about the caller) and what the card signs."""
    from mynumber.domain.kiosk import KioskStep
    from mynumber.domain.terminal import kiosk_message

    token = w.token(c, w.a)
    got = w.api.post(route, headers={"Authorization": f"Bearer {token}"} if token else {})
    if got.status_code == 201:
        return base64.b64decode(got.json()["nonce"]), base64.b64decode(got.json()["to_sign"])
    nonce = w.made_challenge("kiosk", card_auth=True)
    step = KioskStep.PRE_APPLICATION if pre_application else KioskStep(f"reset_{pin_kind}")
    return nonce, kiosk_message(nonce, w.orgs["kiosk"].caller.name, s.serial, step)


def kiosk_reset(w: World, s: Person, c: str) -> Body:
    """The card in the kiosk's reader signs the reset step after its signature PIN (the
    other credential of the 4-digit PIN), and the camera sees its holder."""
    from mynumber.adapters.pcsc import JpkiTerminal, reader_for

    nonce, to_sign = _to_sign(
        w,
        s,
        c,
        f"/kiosk/cards/{s.serial}/pins/user_authentication/challenge",
        "user_authentication",
        False,
    )
    with reader_for(chip(w.system, s.serial)) as reader:
        signed = JpkiTerminal(reader).sign(to_sign, PINS.signature or "")
    return {
        "json": {
            "nonce": b64(nonce),
            "certificate": b64(signed.certificate_der),
            "signature": b64(signed.signature),
            "live_image_base64": b64(astronaut_camera()),
            "new_pin": PINS.user_authentication,
        }
    }


def pre_application(w: World, s: Person, c: str) -> Body:
    """The holder's smartphone reads the card: it signs the pre-application step after its
    4-digit PIN, with a face photo (the signature PIN's reset)."""
    nonce, to_sign = _to_sign(
        w, s, c, f"/cards/{s.serial}/pins/signature/pre-application/challenge", "signature", True
    )
    answer = clinic.answer_at_terminal(
        chip(w.system, s.serial), pin=PINS.user_authentication, nonce=to_sign
    )
    return {
        "json": {
            "nonce": b64(nonce),
            "certificate": b64(answer.certificate_der),
            "signature": b64(answer.signature),
            "live_image_base64": b64(astronaut_camera()),
        },
        "params": {"pin_kind": "signature"},
    }


def kiosk_form(w: World, s: Person, c: str) -> Body:
    return {
        "data": {
            "card_serial": s.serial,
            "pin": "user_authentication",
            "signature_pin": PINS.signature,
            "new_pin": PINS.user_authentication,
        },
        "files": {"live_image": ("me.jpg", astronaut_camera(), "image/jpeg")},
    }


def tax_return(w: World, s: Person, c: str) -> Body:
    """A return signed on the subject's card; a year of its own for each granted filing (a
    year is filed once) and 2022 for the calls that must be refused."""
    year = {"tax": 2024, "self": 2023}.get(c, 2022)
    return {"content": signed_return(w, s, year), "headers": {"content-type": "application/xml"}}


def enrol_body(w: World, s: Person, c: str) -> Body:
    return {
        "json": {
            "person_id": w.references.reference(Kind.PERSON, s.person_id),
            "number": uuid.uuid4().hex[:8],
            "branch": "01",
            "symbol": "1234",
            "valid_from": today(w),
        }
    }


def employee_number(w: World, s: Person, c: str) -> Body:
    return {
        "json": {
            "my_number": w.number_of(s),
            "purposes": ["tax"],
            "number_proof": "my_number_card",
            "identity_proof": "passport",
            "details_match": True,
        }
    }


def employee_number_form(w: World, s: Person, c: str) -> Body:
    return {
        "data": {
            "my_number": w.number_of(s),
            "purposes": "tax",
            "number_proof": "my_number_card",
            "identity_proof": "passport",
            "details_match": "yes",
        }
    }


def hire_body(w: World, s: Person, c: str) -> Body:
    return {
        "json": {
            "employee_code": f"E-{uuid.uuid4().hex[:6]}",
            "name": "NEW HIRE",
            "address": "1-1 Chiyoda",
            "hired_on": today(w),
        }
    }


def hire_form(w: World, s: Person, c: str) -> Body:
    return {"data": hire_body(w, s, c)["json"]}


def visit_form(w: World, s: Person, c: str) -> Body:
    """The patient enters their PIN on the reader (the server plays the reader)."""
    return {
        "data": {
            "method": "pin",
            "user_authentication_pin": PINS.user_authentication,
            "register_insurance_use": "no",
        }
    }


def portal_login(w: World, s: Person, c: str) -> Body:
    return {"data": {"card_serial": "", "user_authentication_pin": "0000", "next": ""}}


def staff_login(w: World, s: Person, c: str) -> Body:
    return {"data": {"login": "nobody", "password": "wrong-password", "next": ""}}


def online_application(w: World, s: Person, c: str) -> Body:
    return {
        "data": {"application_id": "0" * 23, "photo_declaration": "taken_within_six_months"},
        "files": {"photo": ("me.jpg", photo(), "image/jpeg")},
    }


def oidc_application(w: World, s: Person, c: str) -> Body:
    return {
        "json": {
            "name": "Matrix Bank",
            "purpose": "Access matrix",
            "redirect_uris": ["https://bank.example/callback"],
            "scopes": ["openid"],
            "token_endpoint_auth_method": "client_secret_basic",
        }
    }


def oidc_review(w: World, s: Person, c: str) -> Body:
    """An application waiting for the card centre's review (approving twice is the same)."""
    from mynumber.domain.oidc import ClientAuthMethod
    from mynumber.services.oidc import clients

    with w.system.uow() as uow:
        applied = clients.apply(
            uow.session,
            w.system.services,
            application=clients.Application(
                "Matrix Bank",
                "Access matrix",
                ["https://bank.example/cb"],
                ["openid"],
                ClientAuthMethod.CLIENT_SECRET_BASIC,
            ),
        )
        uow.commit()
    return {"json": {"decision": "approve"}, "params": {"client_id": applied.client.client_id}}


# --- fresh subjects -------------------------------------------------------------------------


def _file_online(w: World, person: Person, destination: str) -> None:
    today = w.system.services.clock.today()
    with w.system.uow() as uow:
        moving_online.file_moving_out_online(
            uow.session,
            w.system.services,
            caller=caller(Role.RESIDENT, scope_id=person.person_id),
            card_serial=person.serial,
            destination=destination,
            planned_move_on=today,
            visit_on=today,
            signature_pin=PINS.signature,
        )
        uow.commit()


def announced(w: World, s: Person) -> Person:
    """A Chiyoda resident with a card who filed the 転出届 online to Shibuya."""
    fresh = w.spare()
    _file_online(w, fresh, SHIBUYA)
    return fresh


def _registered_in(w: World, person: Person) -> str | None:
    with w.system.uow() as uow:
        return uow.session.scalars(
            select(Registration.municipality_code).where(
                Registration.person_id == person.person_id, Registration.status == "active"
            )
        ).first()


def online_moving_out(w: World, s: Person, c: str) -> Body:
    """The portal's 転出届 form for the caller's own card. Each filing is one-way, so a person
    who filed before is first moved in where they announced (as that office would do)."""
    person = w.c if c == "resident_other" else w.a
    if _registered_in(w, person) is None:
        with w.system.uow() as uow:
            arrival = uow.session.scalars(
                select(AnnouncedArrival).where(
                    AnnouncedArrival.person_id == person.person_id,
                    AnnouncedArrival.completed_at.is_(None),
                )
            ).one()
            moving_online.complete_announced_arrival(
                uow.session,
                w.system.services,
                caller=ward(arrival.to_municipality),
                person_id=person.person_id,
                address="1-1 Somewhere",
                started_living_on=w.system.services.clock.today(),
            )
            uow.commit()
    today = w.system.services.clock.today().isoformat()
    here = _registered_in(w, person)
    return {
        "data": {
            "destination": SHIBUYA if here != SHIBUYA else CHIYODA,
            "planned_move_on": today,
            "visit_on": today,
            "signature_pin": PINS.signature,
        }
    }


def spare(w: World, s: Person) -> Person:
    """A Chiyoda resident with a collected card, related to the ward office and themselves."""
    return w.spare()


def waiting(w: World, s: Person) -> Person:
    """A Chiyoda resident whose card is made and waits at the counter."""
    return w.waiting_application()


def insured_spare(w: World, s: Person) -> Person:
    fresh = w.spare()
    fresh.enrolment_id = insure(w, fresh)
    return fresh


def employed_spare(w: World, s: Person) -> Person:
    fresh = w.spare()
    fresh.employee_id = hire(w, fresh)
    return fresh


def new_hire(w: World, s: Person) -> Person:
    """A again, newly hired, who has not yet given their number."""
    return dataclasses.replace(s, employee_id=hire(w, s, give_number=False))


def lost_spare(w: World, s: Person) -> Person:
    """A spare whose card was reported lost (suspended): found again, it can be lifted."""
    from mynumber.services.cards import counter as card_counter

    fresh = w.spare()
    with w.system.uow() as uow:
        card_counter.report_lost(
            uow.session, w.system.services, caller=ward(), card_serial=fresh.serial
        )
        uow.commit()
    return fresh


def registered(w: World, s: Person) -> Person:
    return w.registered()


def special_card_holder(w: World, s: Person) -> Person:
    """A newcomer to whom the Tokyo bureau issued a special residence card (its stay case)."""
    from mynumber.services.immigration import special_residence_cards as special

    fresh = w.registered()
    granted = special.GrantedStay(
        _new_card(), "Engineer/Specialist", w.system.services.clock.today() + dt.timedelta(700)
    )
    with w.system.uow() as uow:
        done = special.issue_special_residence_card(
            uow.session,
            w.system.services,
            caller=w.orgs["immigration"].caller,
            applicant=IdentityShown(fresh.name, BORN, fresh.card_no),
            nationality="US",
            granted=granted,
            pins=PINS,
        )
        uow.commit()
    fresh.card_no, fresh.serial = granted.residence_card_number, done.card_serial
    return fresh


def _new_card() -> str:
    return f"SR{uuid.uuid4().int % 10**8:08d}RC"


def stay_grant(w: World, s: Person, c: str) -> Body:
    """The stay the bureau grants with a special residence card, for the subject."""
    return {"json": _stay_grant(w, s, nationality=True)}


def stay_renewal(w: World, s: Person, c: str) -> Body:
    return {"json": _stay_grant(w, s, nationality=False, days=1100)}


def stay_grant_form(w: World, s: Person, c: str) -> Body:
    fields = {k: v for k, v in _stay_grant(w, s, nationality=True).items() if v is not None}
    return {"data": fields, "params": {"action": "issue"}}


def _stay_grant(w: World, s: Person, *, nationality: bool, days: int = 900) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name_latin": s.name,
        "date_of_birth": BORN.isoformat(),
        "residence_card_number": s.card_no,
        "new_residence_card_number": _new_card(),
        "status_of_residence": "Engineer/Specialist",
        "period_of_stay_ends": (
            w.system.services.clock.today() + dt.timedelta(days=days)
        ).isoformat(),
        "user_authentication_pin": PINS.user_authentication,
        "resident_registry_pin": PINS.resident_registry,
        "card_info_input_pin": PINS.card_info_input,
        "signature_pin": PINS.signature,
    }
    if nationality:
        body["nationality"] = "US"
    return body


def held_letter(w: World, s: Person) -> Person:
    """A spare whose notification letter the post brought back: held at the counter."""
    fresh = w.spare()
    with w.system.uow() as uow:
        letters.record_mail_returned(
            uow.session,
            w.system.services,
            caller=ward(),
            mail_id=fresh.mail_id,
            failure=DeliveryFailure.NOT_HOME,
        )
        uow.commit()
    return fresh


def moved(w: World, s: Person) -> Person:
    """A spare who moved within Chiyoda: the chip still shows the old address."""
    fresh = w.spare()
    with w.system.uow() as uow:
        ward_office.register_moving_within(
            uow.session,
            w.system.services,
            caller=ward(),
            person_id=fresh.person_id,
            new_address="3-3 Kudan",
            moved_on=w.system.services.clock.today(),
        )
        uow.commit()
    return fresh


def association_member(w: World, s: Person) -> Person:
    """A spare employed by Example K.K. and insured by its health insurance association (hired
    first: the association enrols the employees of its member employers)."""
    fresh = w.spare()
    fresh.employee_id = hire(w, fresh)
    with w.system.uow() as uow:
        insurer.enrol(
            uow.session,
            w.system.services,
            caller=w.orgs["insurer_other"].caller,
            person_id=fresh.person_id,
            numbers=InsuredNumbers("77", uuid.uuid4().hex[:8], "01"),
            income_class=IncomeClass.GENERAL,
            valid_from=w.system.services.clock.today(),
        )
        uow.commit()
    return fresh


def new_visit(w: World, s: Person) -> Person:
    return dataclasses.replace(s, visit_id=open_visit(w, s))


# --- the table ------------------------------------------------------------------------------

STAFF = (
    "ward ward_other centre clinic clinic_other insurer insurer_other emp_manager "
    "emp_payroll emp_hr emp_other tax kiosk immigration immigration_other"
)
EVERYONE_WITH_A_TOKEN = STAFF + " self resident_other"
EMPLOYER_STAFF = "emp_manager emp_payroll emp_hr emp_other"
CLINICS = "clinic clinic_other"
INSURERS = "insurer insurer_other"
WARDS = "ward ward_other"
RELYING_PARTIES = "ward ward_other clinic clinic_other kiosk self resident_other"


def online_api_application(w: World, s: Person, c: str) -> Body:
    body = {
        "channel": "smartphone",
        "application_id": "0" * 23,
        "photo_base64": base64.b64encode(photo()).decode(),
        "taken_within_six_months": True,
        "no_headwear": True,
        "plain_background": True,
    }
    return {"json": body}


def resident_login(w: World, s: Person, c: str) -> Body:
    zeros = base64.b64encode(bytes(32)).decode()
    return {"json": {"nonce": zeros, "certificate": "AA==", "signature": "AA=="}}


API: list[Row] = [
    row("GET", "/health", 200, "", scope=PUBLIC),
    row("GET", "/livez", 200, "", scope=PUBLIC),
    row("GET", "/readyz", 200, "", scope=PUBLIC),
    # the operator's Prometheus only, with the metrics token (no organisation's token): unset
    # here, so not served (404 to anyone, no caller looked up: nothing to audit)
    row("GET", "/metrics", 200, "", scope=ANY, unaudited="*"),
    row("GET", "/openapi.json", 200, "", scope=PUBLIC),
    row("GET", "/docs", 200, "", scope=PUBLIC),
    row("GET", "/redoc", 200, "", scope=PUBLIC),
    row("GET", "/jpki/crl", 200, "", scope=PUBLIC),
    row(
        "POST", "/jpki/ocsp", 200, "", lambda w, s, c: {"content": w.ocsp_request(s)}, scope=PUBLIC
    ),
    row("GET", "/jpki/issuing-ca.der", 200, "", scope=PUBLIC),
    row("GET", "/jpki/root-ca.der", 200, "", scope=PUBLIC),
    # Sign in with the My Number Card (OpenID Connect). These authenticate the OAuth way, not
    # with the API's tokens, so no organisation's token is granted more than anyone: the
    # metadata, the keys and a service's application are public; the token endpoint takes the
    # service's own proof (without it: 401 invalid_client), userinfo the access token the
    # token endpoint gave (without it: 401). Who may get a code — the holder of the card,
    # after its PINs and consent — is the flow's business (tests/integration/test_oidc.py).
    row("GET", "/.well-known/openid-configuration", 200, "", scope=PUBLIC),
    row("GET", "/oidc/jwks.json", 200, "", scope=PUBLIC),
    row(
        "POST",
        "/oidc/token",
        401,
        "",
        lambda w, s, c: {"data": {"grant_type": "authorization_code", "code": "x"}},
        scope=PUBLIC,
    ),
    row("GET", "/oidc/userinfo", 401, "", scope=PUBLIC),
    row("POST", "/oidc/userinfo", 401, "", scope=PUBLIC),
    row("POST", "/oidc/clients", 201, "", oidc_application, scope=PUBLIC),
    # the card centre reviews services (no person is concerned)
    row("POST", "/oidc/clients/{client_id}/review", 200, "centre", oidc_review, scope=ANY),
    # the clinic's terminal: a card presented at the caller's own terminal
    row("POST", "/clinic/challenges", 201, CLINICS, scope=ANY),
    row("POST", "/clinic/checks/pin", 200, CLINICS, pin_check, scope=ANY),
    row("POST", "/clinic/checks/face", 200, CLINICS, face_check, scope=ANY),
    # a visual check needs the card in the terminal's reader: never over the API
    row("POST", "/clinic/checks/visual", 200, "", visual_check, scope=ANY),
    row("POST", "/clinic/checks/letter", 200, CLINICS, letter_check, scope=ANY),
    row("GET", "/clinic/visits/{visit_id}/history", 200, "clinic"),
    row("POST", "/clinic/visits/{visit_id}/consent", 200, "clinic", consent),
    row("POST", "/clinic/visits/{visit_id}/close", 204, "clinic", fresh=new_visit),
    row(
        "POST",
        "/clinic/visits/{visit_id}/prescriptions",
        201,
        "clinic",
        j(medicines=[{"name": "Loxonin 60mg", "days": 3}]),
    ),
    row(
        "POST",
        "/clinic/visits/{visit_id}/checkups",
        201,
        "clinic",
        j(results={"bmi": "22.0"}, judgement="A"),
    ),
    row(
        "POST", "/numbers/validate", 200, EVERYONE_WITH_A_TOKEN, j(number="621498320257"), scope=ANY
    ),
    # the register
    row("POST", "/ward-office/residents", 201, "ward", moving_in),
    row("GET", "/ward-office/residents/{person_id}", 200, "ward centre* self"),
    row(
        "POST",
        "/ward-office/residents/{person_id}/moving-within",
        200,
        "ward",
        lambda w, s, c: {"json": {"new_address": "2-2 Kudan", "moved_on": today(w)}},
        fresh=spare,
    ),
    row("GET", "/ward-office/arrivals", 200, "ward ward_other", scope=ANY),
    # Chiyoda on A: its own resident, allowed by the policy; nothing was announced to it, a
    # 404 that rolls the decision's entry back with the use case (no refusal to audit)
    row(
        "POST",
        "/ward-office/residents/{person_id}/arrival",
        201,
        "ward_other",
        lambda w, s, c: {"json": {"address": "1-1 Shibuya", "started_living_on": today(w)}},
        fresh=announced,
        unaudited="ward@A",
    ),
    row(
        "POST",
        "/residents/moving-out",
        200,
        "self",
        lambda w, s, c: {
            "json": {
                "card_serial": s.serial,
                "destination": SHIBUYA,
                "planned_move_on": today(w),
                "visit_on": today(w),
                "signature_pin": PINS.signature,
            }
        },
        fresh=spare,
    ),
    row(
        "POST",
        "/ward-office/residents/{person_id}/my-number/change",
        200,
        "ward",
        j(ground="on_request", leaked=True, fraud_feared=True),
        fresh=spare,
    ),
    row(
        "POST",
        "/ward-office/residents/{person_id}/residence-card",
        200,
        "ward",
        lambda w, s, c: {
            "json": {
                "residence_card_number": renewed_card(s),
                "status_of_residence": "Engineer/Specialist",
                "period_of_stay_ends": "2040-01-31",
            }
        },
        fresh=spare,
    ),
    row(
        "POST",
        "/ward-office/residents/{person_id}/moving-out",
        200,
        "ward",
        lambda w, s, c: {"json": {"destination": "271004", "planned_move_on": today(w)}},
        fresh=spare,
    ),
    row(
        "POST",
        "/ward-office/residents/{person_id}/my-number",
        200,
        "ward insurer tax self",
        purpose,
    ),
    row("GET", "/ward-office/residents/{person_id}/letter.pdf", 200, "ward self"),
    row(
        "POST",
        "/ward-office/residents/{person_id}/letter/hand-over",
        200,
        "ward",
        j(id_documents=["residence_card"]),
        fresh=held_letter,
    ),
    row("POST", "/ward-office/residents/{person_id}/letter/reissue", 201, "ward", fresh=spare),
    row(
        "POST",
        "/ward-office/mail/{mail_id}/returned",
        200,
        "ward",
        j(reason="not_home"),
        fresh=spare,
    ),
    row("GET", "/ward-office/residents/{person_id}/mail", 200, "ward"),
    # a resident's own token, from a card login: the card is the credential (a nonce never
    # issued is refused: 401 to anyone)
    row("POST", "/residents/login/challenges", 201, "", scope=PUBLIC),
    # the online application: the letter's application ID is the credential (one that no
    # letter carries is 404 to anyone, as on the /apply page)
    row("POST", "/cards/applications/online", 404, "", online_api_application, scope=PUBLIC),
    row("POST", "/residents/login", 401, "", resident_login, scope=PUBLIC),
    # the sandbox's routes do not exist outside `mynumber serve --sandbox`: 404 to anyone
    # (tests/integration/test_sandbox.py holds them to the sandbox admin inside it), before
    # any caller is looked up: nothing to audit
    row("GET", "/sandbox/clock", 200, "", scope=ANY, unaudited="*"),
    row("GET", "/sandbox/sample-photo", 200, "", scope=ANY, unaudited="*"),
    row("POST", "/sandbox/clock", 200, "", j(by="+1d"), scope=ANY, unaudited="*"),
    row(
        "POST",
        "/sandbox/cards/{serial}/apdu",
        200,
        "",
        j(apdu="00A4040C0AD392F000260100000001"),
        scope=ANY,
        unaudited="*",
    ),
    row("DELETE", "/sandbox/cards/{serial}/reader", 200, "", scope=ANY, unaudited="*"),
    row(
        "POST",
        "/sandbox/cards/{serial}/card-auth",
        200,
        "",
        j(nonce="AAAA", pin="1234"),
        scope=ANY,
        unaudited="*",
    ),
    row(
        "POST",
        "/sandbox/cards/{serial}/signature",
        200,
        "",
        j(data="AAAA", pin="ABC123"),
        scope=ANY,
        unaudited="*",
    ),
    row(
        "POST",
        "/sandbox/organisations",
        201,
        "",
        j(kind="kiosk", name="Kiosk #9"),
        scope=ANY,
        unaudited="*",
    ),
    # card authentication (any service that authenticates a card holder)
    row("POST", "/card-auth/challenges", 201, RELYING_PARTIES, scope=ANY),
    row("POST", "/card-auth/responses", 200, RELYING_PARTIES, auth_response, scope=ANY),
    # insurers
    # an insurer enrols whom it is entitled to insure (domain.insurance.may_enrol): Chiyoda's
    # NHI a Chiyoda resident, the association an employee of Example K.K. (a member employer)
    row(
        "POST",
        "/insurer/enrolments",
        201,
        "insurer insurer_other",
        enrol_body,
        fresh=employed_spare,
    ),
    row(
        "POST",
        "/insurer/enrolments/{enrolment_id}/end",
        200,
        "insurer",
        lambda w, s, c: {"json": {"last_day": today(w), "reason": "moved_away"}},
        fresh=insured_spare,
    ),
    row(
        "POST",
        "/insurer/enrolments/{enrolment_id}/income-class",
        200,
        "insurer",
        j(income_class="general"),
    ),
    row(
        "POST",
        "/insurer/enrolments/{enrolment_id}/letters",
        201,
        "insurer",
        j(reason="needs_assistance"),
    ),
    row("POST", "/insurer/letters/send-unasked", 200, INSURERS, scope=ANY),
    row("GET", "/insurer/number-change-notices", 200, INSURERS, scope=ANY),
    row("GET", "/insurer/letters/{letter_id}.pdf", 200, "insurer self"),
    row("GET", "/insurer/enrolments/{enrolment_id}/qualification-notice.pdf", 200, "insurer"),
    # 利用登録の解除: the holder, or their insurer on request (a letter follows at once)
    row("DELETE", "/residents/{person_id}/insurance-use", 200, "self insurer", fresh=insured_spare),
    row(
        "POST",
        "/insurer/enrolments/{enrolment_id}/checkups",
        201,
        "insurer",
        lambda w, s, c: {"json": {"results": {"bmi": "21.5"}, "examined_on": today(w)}},
    ),
    row(
        "POST",
        "/residents/{person_id}/insurance-use",
        201,
        "self ward",
        j(channel="portal"),
        fresh=spare,
    ),
    row("GET", "/residents/{person_id}/medical-records", 200, "self"),
    row("GET", "/residents/{person_id}/access-log", 200, "self"),
    # cards
    row("POST", "/cards/applications", 201, "ward self", apply_api, fresh=registered),
    row("GET", "/cards/applications/{application_id}", 200, "ward self"),
    row("GET", "/cards/applications/{application_id}/pickup-notice.pdf", 200, "ward self"),
    # granted, then refused: A's first card is free, so there is no receipt (domain.fees)
    row("GET", "/cards/applications/{application_id}/receipt.pdf", 409, "ward"),
    row("POST", "/card-centre/jobs", 200, "centre", scope=ANY),
    row(
        "POST",
        "/cards/applications/{application_id}/collect",
        200,
        "ward",
        collect_body,
        fresh=waiting,
    ),
    row("GET", "/cards/{serial}", 200, "ward centre* self"),
    row("POST", "/cards/{serial}/use", 200, "ward self", j(pin=PINS.user_authentication)),
    row(
        "POST",
        "/cards/{serial}/pins/{pin_kind}/reset",
        200,
        "ward",
        lambda w, s, c: {"json": {**identity(s), "new_pin": "1357"}},
        fresh=spare,
    ),
    # the kiosk, on the card in its own reader: the card proves it by signing the step
    row("POST", "/kiosk/cards/{serial}/pins/{pin_kind}/challenge", 201, "kiosk", scope=ANY),
    row(
        "POST", "/kiosk/cards/{serial}/pins/{pin_kind}/reset", 200, "kiosk", kiosk_reset, scope=ANY
    ),
    # the smartphone's pre-application (the signature PIN's reset): the holder's own card
    row(
        "POST",
        "/cards/{serial}/pins/{pin_kind}/pre-application/challenge",
        201,
        "self resident_other",
        scope=ANY,
    ),
    row("POST", "/cards/{serial}/pins/{pin_kind}/pre-application", 201, "self", pre_application),
    row(
        "POST",
        "/cards/{serial}/validity",
        200,
        "ward",
        lambda w, s, c: {
            "json": {
                **identity(s),
                "status_of_residence": "Engineer/Specialist",
                "period_of_stay_ends": "2040-01-31",
            }
        },
        fresh=spare,
    ),
    row(
        "POST",
        "/cards/{serial}/validity/extension",
        200,
        "ward",
        lambda w, s, c: {"json": identity(s)},
        fresh=spare,
    ),
    row("GET", "/cards/{serial}/renewal-notice.pdf", 200, "ward self"),
    # granted, then refused by the certificates' dates (renewal opens 3 months before expiry)
    row(
        "POST",
        "/cards/{serial}/certificates/renew",
        409,
        "ward",
        lambda w, s, c: {"json": identity(s)},
        fresh=spare,
    ),
    row(
        "POST",
        "/cards/{serial}/chip-update",
        200,
        "ward",
        lambda w, s, c: {"json": identity(s)},
        fresh=moved,
    ),
    row("POST", "/cards/{serial}/lost", 200, "ward self", fresh=spare),
    row(
        "POST",
        "/cards/{serial}/lift-suspension",
        200,
        "ward",
        lambda w, s, c: {"json": identity(s)},
        fresh=lost_spare,
    ),
    row(
        "POST",
        "/cards/{serial}/return",
        200,
        "ward",
        lambda w, s, c: {"json": identity(s)},
        fresh=spare,
    ),
    # employers: their own staff and the employees who gave them their number
    row(
        "POST",
        "/employer/staff",
        201,
        "emp_manager emp_other",
        lambda w, s, c: {"json": {"name": f"Clerk {uuid.uuid4().hex[:4]}", "role": "hr"}},
        scope=ANY,
    ),
    row("POST", "/employer/employees", 201, "emp_manager emp_hr emp_other", hire_body, scope=ANY),
    row("GET", "/employer/employees", 200, EMPLOYER_STAFF, scope=ANY),
    row("GET", "/employer/number-change-notices", 200, "emp_payroll", scope=ANY),
    row("GET", "/employer/employees/{employee_id}", 200, "emp_manager emp_payroll emp_hr"),
    row(
        "POST",
        "/employer/employees/{employee_id}/leaving",
        200,
        "emp_manager emp_hr",
        lambda w, s, c: {"json": {"left_on": today(w)}},
        fresh=employed_spare,
    ),
    row(
        "POST",
        "/employer/employees/{employee_id}/my-number",
        201,
        "emp_payroll",
        employee_number,
        fresh=new_hire,
    ),
    row("POST", "/employer/employees/{employee_id}/my-number/read", 200, "emp_payroll", purpose),
    row(
        "PUT",
        "/employer/employees/{employee_id}/pay/{year}",
        200,
        "emp_payroll",
        j(payment_amount=4_000_000, withholding_tax=100_000),
    ),
    # the tax office copy, which carries the number: payroll only (HR gets the employee's)
    row(
        "GET",
        "/employer/employees/{employee_id}/withholding-slip/{year}.pdf",
        200,
        "emp_payroll",
        lambda w, s, c: {"query": {"copy": "tax_office"}},
    ),
    row(
        "POST",
        "/employer/employees/{employee_id}/eligibility-letter-requests",
        201,
        "emp_hr",
        fresh=association_member,
    ),
    # the tax office receives any return signed on a card (the filing makes the relationship:
    # last, as B's filing makes the tax office related to B); a resident files their own
    row("POST", "/tax-office/returns", 201, "tax* self", tax_return),
    # the immigration bureau: a stay application from its area (the matrix's world is built
    # after 2026-06-14), a renewal only with its stay case
    row(
        "POST",
        "/immigration/special-residence-cards",
        201,
        "immigration",
        stay_grant,
        fresh=registered,
    ),
    row(
        "POST",
        "/immigration/special-residence-cards/renewals",
        201,
        "immigration",
        stay_renewal,
        fresh=special_card_holder,
    ),
]

PAGES: list[Row] = [
    row("GET", "/", 200, "", scope=PUBLIC),
    row("GET", "/guide", 200, "", scope=PUBLIC),
    row("GET", "/guide/plan.ics", 200, "", guide_answers, scope=PUBLIC),
    row("GET", "/guide/plan.pdf", 200, "", guide_answers, scope=PUBLIC),
    row("GET", "/privacy", 200, "", scope=PUBLIC),
    row("GET", "/login", 200, "", scope=PUBLIC),
    row("POST", "/login", 401, "", staff_login, scope=PUBLIC),
    row("POST", "/logout", 303, "", scope=PUBLIC),
    row("GET", "/portal/login", 200, "", scope=PUBLIC),
    row("POST", "/portal/login", 422, "", portal_login, scope=PUBLIC),
    row("GET", "/apply", 200, "", scope=PUBLIC),
    # the authorization page: public like a login form; without a valid request it is an
    # error page (400 invalid_client), a step without its pending request 422
    row("GET", "/oidc/authorize", 400, "", scope=PUBLIC),
    row("POST", "/oidc/authorize", 422, "", scope=PUBLIC),
    row("POST", "/oidc/consent", 422, "", scope=PUBLIC),
    row("POST", "/apply", 404, "", online_application, scope=PUBLIC),
    row(
        "GET",
        "/static/{path}",
        200,
        "",
        lambda w, s, c: {"params": {"path": "site.css"}},
        scope=PUBLIC,
    ),
    row(
        "GET",
        "/docs-assets/{path}",
        200,
        "",
        lambda w, s, c: {"params": {"path": "swagger-ui.css"}},
        scope=PUBLIC,
    ),
    # the ward office's counter
    row("GET", "/staff/ward-office", 200, WARDS, scope=ANY),
    row(
        "POST",
        "/staff/ward-office/look-up",
        303,
        "ward",
        lambda w, s, c: {"data": {"q": w.number_of(s)}},
    ),
    row("GET", "/staff/ward-office/moving-in", 200, WARDS, scope=ANY),
    row("POST", "/staff/ward-office/moving-in", 303, "ward", moving_in_form),
    row("GET", "/staff/ward-office/residents/{person_id}", 200, "ward"),
    row(
        "POST",
        "/staff/ward-office/residents/{person_id}/moving-within",
        303,
        "ward",
        lambda w, s, c: {"data": {"new_address": "2-2 Kudan", "moved_on": today(w)}},
        fresh=spare,
    ),
    row("GET", "/staff/ward-office/arrivals", 200, "ward ward_other", scope=ANY),
    # as over the API: Chiyoda on A is allowed, and finds nothing announced to it
    row(
        "POST",
        "/staff/ward-office/residents/{person_id}/arrival",
        303,
        "ward_other",
        lambda w, s, c: {"data": {"address": "1-1 Shibuya", "started_living_on": today(w)}},
        fresh=announced,
        unaudited="ward@A",
    ),
    row(
        "POST",
        "/staff/ward-office/residents/{person_id}/my-number/change",
        303,
        "ward",
        form(ground="ex_officio", leaked="yes", fraud_feared="yes"),
        fresh=spare,
    ),
    row(
        "POST",
        "/staff/ward-office/residents/{person_id}/residence-card",
        303,
        "ward",
        lambda w, s, c: {
            "data": {
                "residence_card_number": renewed_card(s),
                "status_of_residence": "Engineer/Specialist",
                "period_of_stay_ends": "2040-01-31",
            }
        },
        fresh=spare,
    ),
    row(
        "POST",
        "/staff/ward-office/residents/{person_id}/moving-out",
        303,
        "ward",
        lambda w, s, c: {"data": {"destination": "271004", "planned_move_on": today(w)}},
        fresh=spare,
    ),
    row(
        "POST",
        "/staff/ward-office/residents/{person_id}/letter/hand-over",
        303,
        "ward",
        form(id_documents="residence_card"),
        fresh=held_letter,
    ),
    row(
        "POST", "/staff/ward-office/residents/{person_id}/letter/reissue", 303, "ward", fresh=spare
    ),
    row(
        "POST",
        "/staff/ward-office/residents/{person_id}/letter/returned",
        303,
        "ward",
        form(reason="not_home"),
        fresh=spare,
    ),
    row("GET", "/staff/ward-office/residents/{person_id}/letter.pdf", 200, "ward"),
    # the card counter (ward office)
    row("GET", "/staff/card-counter", 200, WARDS, scope=ANY),
    row("GET", "/staff/card-counter/apply", 200, WARDS, scope=ANY),
    row(
        "POST",
        "/staff/card-counter/apply",
        303,
        "ward",
        lambda w, s, c: {
            "data": {
                "person_id": w.references.reference(Kind.PERSON, s.person_id),
                "declaration": ["taken_within_six_months", "no_headwear", "plain_background"],
            },
            "files": {"photo": ("me.jpg", photo(), "image/jpeg")},
        },
        fresh=registered,
    ),
    row("GET", "/staff/card-counter/applications/{application_id}", 200, "ward"),
    row("GET", "/staff/card-counter/applications/{application_id}/pickup-notice.pdf", 200, "ward"),
    row("GET", "/staff/card-counter/applications/{application_id}/receipt.pdf", 409, "ward"),
    row(
        "POST",
        "/staff/card-counter/applications/{application_id}/collect",
        303,
        "ward",
        collect_form,
        fresh=waiting,
    ),
    row("GET", "/staff/card-counter/cards/{serial}", 200, "ward"),
    row("POST", "/staff/card-counter/cards/{serial}/lost", 303, "ward", fresh=spare),
    row(
        "POST",
        "/staff/card-counter/cards/{serial}/return",
        303,
        "ward",
        lambda w, s, c: {"data": identity_form(s)},
        fresh=spare,
    ),
    # the form of an action needs no record (it shows the serial the clerk typed)
    row(
        "GET",
        "/staff/card-counter/cards/{serial}/{action}",
        200,
        WARDS,
        lambda w, s, c: {"params": {"action": "chip-update"}},
        scope=ANY,
    ),
    row(
        "POST",
        "/staff/card-counter/cards/{serial}/{action}",
        303,
        "ward",
        lambda w, s, c: {"params": {"action": "chip-update"}, "data": identity_form(s)},
        fresh=moved,
    ),
    # the card centre
    row("GET", "/staff/card-centre", 200, "centre", scope=ANY),
    row("POST", "/staff/card-centre/jobs", 303, "centre", scope=ANY),
    # the clinic's terminal
    row("GET", "/staff/clinic", 200, CLINICS, scope=ANY),
    row("GET", "/staff/clinic/cards/{serial}", 200, CLINICS, scope=ANY),
    row("POST", "/staff/clinic/cards/{serial}", 200, CLINICS, visit_form, scope=ANY),
    row("GET", "/staff/clinic/visits/{visit_id}/history", 200, "clinic"),
    row("POST", "/staff/clinic/visits/{visit_id}/close", 303, "clinic", fresh=new_visit),
    row("GET", "/staff/clinic/letter", 200, CLINICS, scope=ANY),
    row(
        "POST",
        "/staff/clinic/letter",
        200,
        CLINICS,
        lambda w, s, c: {"data": letter_check(w, s, c)["json"]},
        scope=ANY,
    ),
    # the kiosk
    row("GET", "/staff/kiosk", 200, "kiosk", scope=ANY),
    row("POST", "/staff/kiosk", 303, "kiosk", kiosk_form, scope=ANY),
    # the employer
    row("GET", "/staff/employer", 200, EMPLOYER_STAFF, scope=ANY),
    row(
        "POST",
        "/staff/employer/employees",
        303,
        "emp_manager emp_hr emp_other",
        hire_form,
        scope=ANY,
    ),
    row("GET", "/staff/employer/employees/{employee_id}", 200, "emp_manager emp_payroll emp_hr"),
    row(
        "POST",
        "/staff/employer/employees/{employee_id}/number",
        303,
        "emp_payroll",
        employee_number_form,
        fresh=new_hire,
    ),
    row(
        "POST",
        "/staff/employer/employees/{employee_id}/number/view",
        200,
        "emp_payroll",
        form(purpose="tax"),
    ),
    row(
        "POST",
        "/staff/employer/employees/{employee_id}/pay",
        303,
        "emp_payroll",
        form(year="2026", payment_amount="4000000", withholding_tax="100000"),
    ),
    row(
        "GET",
        "/staff/employer/employees/{employee_id}/slip.pdf",
        200,
        "emp_payroll",
        lambda w, s, c: {"query": {"year": "2026", "copy": "tax_office"}},
    ),
    row(
        "POST",
        "/staff/employer/employees/{employee_id}/eligibility-letter",
        303,
        "emp_hr",
        fresh=association_member,
    ),
    # the portal: the resident's own records only (the session names them)
    row("GET", "/portal", 200, "self resident_other", scope=ANY),
    row("GET", "/portal/details", 200, "self resident_other", scope=ANY),
    row("GET", "/portal/card", 200, "self resident_other", scope=ANY),
    row("GET", "/portal/medical", 200, "self resident_other", scope=ANY),
    row("GET", "/portal/access-log", 200, "self resident_other", scope=ANY),
    row("GET", "/portal/face", 200, "self resident_other", scope=ANY),
    # registered on the first call (B's turn), withdrawn on the second
    row(
        "POST",
        "/portal/face",
        303,
        "self resident_other",
        lambda w, s, c: {"data": {"agree": "yes"} if s is w.b else {"action": "withdraw"}},
        scope=ANY,
    ),
    row("GET", "/portal/child-benefit", 200, "self resident_other", scope=ANY),
    row(
        "POST",
        "/portal/child-benefit",
        303,
        "self resident_other",
        lambda w, s, c: {
            "data": {
                "child_name": f"CHILD {uuid.uuid4().hex[:4].upper()}",
                "child_date_of_birth": "2020-01-01",
                "lives_with_applicant": "yes",
            }
        },
        scope=ANY,
    ),
    # services signed in to with the card: the resident's own list; withdrawing a consent the
    # resident never gave says so (a message on the list)
    row("GET", "/portal/services", 200, "self resident_other", scope=ANY),
    row(
        "POST",
        "/portal/services",
        303,
        "self resident_other",
        lambda w, s, c: {"data": {"client_id": "rp_none"}},
        scope=ANY,
    ),
    row("GET", "/portal/tax", 200, "self resident_other", scope=ANY),
    row(
        "POST",
        "/portal/tax",
        303,
        "self resident_other",
        lambda w, s, c: {
            "data": {
                "tax_year": "2021" if s is w.b else "2020",
                "salary": "3000000",
                "tax_withheld": "10000",
                "signature_pin": PINS.signature,
            }
        },
        scope=ANY,
    ),
    # the immigration bureau: the special residence card (from 2026-06-14: the matrix's world
    # is built after it); a stay application from its area, a renewal only with its case —
    # before the filings below move A out, so that the other bureau's refusal on A is the
    # policy's (on a moved-out A, no registered foreign resident matches: 404, no one to audit)
    row("GET", "/staff/immigration", 200, "immigration immigration_other", scope=ANY),
    row(
        "POST", "/staff/immigration/{action}", 303, "immigration", stay_grant_form, fresh=registered
    ),
    # Last: each filing moves the filer out (the sample moves them in again first).
    row("GET", "/portal/moving-out", 200, "self resident_other", scope=ANY),
    row("POST", "/portal/moving-out", 303, "self resident_other", online_moving_out, scope=ANY),
]

TABLE: list[Row] = API + PAGES
