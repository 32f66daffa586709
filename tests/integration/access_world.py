"""The world the access matrix runs in (``test_access_matrix.py``), built once per database.

Person **A** is related to every "own" organisation: registered in Chiyoda (131016), card
applied for at the counter and collected, insured with Chiyoda's National Health Insurance,
an employee of Example K.K. who gave the payroll clerk their number, a visit opened with the
card (PIN, consent to share history) at Kanda Clinic, and a tax return filed. Person **B**
lives in Sapporo and is related to none of the callers: their card, insurer, employer and
clinic visit belong to organisations that have no token here. **C** is another resident (a
caller only). Spare Chiyoda residents with collected cards, and applications waiting for
collection, are the fresh subjects of the rows whose success changes the subject for good
(moving out, a lost card, a collection).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from sqlalchemy import select
from stdnum.jp import cn

from mynumber.adapters.db.models import MailItem
from mynumber.bootstrap import System
from mynumber.domain.access import Purpose, Role
from mynumber.domain.insurance import (
    Consent,
    IncomeClass,
    InsuranceUseChannel,
    InsuredNumbers,
    InsurerKind,
    insurer_check_digit,
)
from mynumber.domain.tax_return import TaxReturn, build_tax_return_xml
from mynumber.services.core import refs, tokens
from mynumber.services.core.context import Caller
from mynumber.services.employer import employers
from mynumber.services.employer import numbers as employer_numbers
from mynumber.services.immigration import bureaus
from mynumber.services.insurance import clinic, insurer
from mynumber.services.registry.numbers import read_my_number
from mynumber.services.tax import tax_office
from tests.conftest import ward
from tests.integration.asgi_browser import Answer, AsgiBrowser
from tests.integration.card_support import (
    PINS,
    apply_at_counter,
    chip,
    collect,
    identity,
    pass_days,
)
from tests.integration.employer_support import CORPORATE, OTHER_CORPORATE, Company, make_company
from tests.integration.helpers import register
from tests.staff_login import clerk_for

CHIYODA, SHIBUYA, SHINJUKU, SAPPORO = "131016", "131130", "131041", "011002"
BORN = dt.date(1990, 5, 17)


def _corporate(body: str) -> str:
    return cn.calc_check_digit(body) + body


def _insurer_number(body: str) -> str:
    return body + str(insurer_check_digit(body))


class Browser:
    """A browser (or an API client) that sends its requests to the app in process, like
    Starlette's ``TestClient`` (the same base URL, user agent and client address; a 500 for
    an exception the app raises; redirects followed unless told) but through one event loop
    that every browser of the world shares, in a thread of its own (``BlockingPortal``).

    ``TestClient`` outside a ``with`` block starts a thread and an event loop for each
    request, and with them a new worker thread for each sync endpoint and dependency: most of
    the matrix's ~5,400 requests a database went to that. Here a request is one call into the
    loop and the worker threads are reused; the app still runs off the test's thread. What
    is sent is what httpx's client over its ASGI transport sends (``asgi_browser``, held to
    httpx by ``test_asgi_browser.py``), without httpx's client work around each request."""

    def __init__(self, portal: BlockingPortal, app: FastAPI) -> None:
        self._portal = portal
        self._client = AsgiBrowser(app, client=("testclient", 50000), user_agent="testclient")

    def request(self, method: str, url: str, **kwargs: Any) -> Answer:
        return self._portal.call(functools.partial(self._client.request, method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> Answer:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Answer:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        """Nothing is held open between requests (kept for ``Loop.close``)."""


class Loop:
    """The event loop, in a thread of its own, that every browser of a world sends through."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._stack = ExitStack()
        self._portal = self._stack.enter_context(start_blocking_portal())
        self._browsers: list[Browser] = []

    def browser(self) -> Browser:
        made = Browser(self._portal, self.app)
        self._browsers.append(made)
        return made

    def close(self) -> None:
        with self._stack:
            for browser in self._browsers:
                browser.close()
            # What the served app's lifespan does as it ends (``api.app._serving``), which
            # these browsers never start: the clinic checks' desk closes its asynchronous
            # connections, in the loop that opened them. Left open, they held the worker's
            # PostgreSQL database, and every later copy of it (``copy_of_worker_database``)
            # waited 5 s, was refused and migrated a new database instead.
            self._portal.call(self.app.state.check_desk.close)


@dataclass
class Person:
    """A subject: the records a route names, and their own resident caller."""

    name: str
    card_no: str
    person_id: int = 0
    serial: str = ""
    application_id: str = ""
    municipality: str = CHIYODA
    enrolment_id: int = 0
    employee_id: int = 0
    visit_id: int = 0
    letter_id: int = 0
    mail_id: int = 0
    token: str = ""
    """Their own resident API token."""
    portal: Browser | None = None
    """Their browser, logged in to the portal with their card."""
    csrf: str = ""

    def ref(self, kind: refs.Kind, id_: int) -> str:
        return refs.reference(kind, id_)


@dataclass
class Org:
    """A caller: an organisation's API token, and a clerk's browser logged in."""

    name: str
    caller: Caller
    token: str = ""
    browser: Browser | None = None
    csrf: str = ""


@dataclass
class World:
    system: System
    app: FastAPI
    loop: Loop
    api: Browser
    a: Person
    b: Person
    c: Person
    orgs: dict[str, Org]
    spares: list[Person]
    waiting: list[Person]
    """Applications made and manufactured, waiting for collection (in Chiyoda)."""
    company: Company
    references: refs.References
    insured: dict[int, tuple[str, str, str, str]] = field(default_factory=dict)
    """symbol, number, branch and insurer number of each person's enrolment."""
    tax_years_used: int = 0
    anonymous: Browser | None = None
    anonymous_csrf: str = ""
    spares_log_in: bool = True
    """Whether ``spare`` logs the resident in to the portal (their token is issued either
    way): a module that sends no page as a spare leaves it off (``test_no_row_after_500``)."""

    def close(self) -> None:
        """Close every browser and the event loop they share."""
        self.loop.close()

    def token(self, caller: str, self_person: Person) -> str | None:
        """The API token of ``caller`` (``self``: the subject's own resident)."""
        if caller == "none":
            return None
        if caller == "self":
            return self_person.token
        if caller == "resident_other":
            return self.c.token
        return self.orgs[caller].token

    def made_challenge(self, org: str, *, card_auth: bool = False) -> bytes:
        """A nonce issued to ``org``'s terminal (by the clinic's or the card-auth route's
        use case)."""
        from mynumber.services.jpki import card_auth as auth

        caller = self.orgs[org].caller
        with self.system.uow() as uow:
            made = (
                auth.issue_challenge(uow.session, self.system.services, caller=caller)
                if card_auth
                else clinic.new_challenge(uow.session, self.system.services, caller=caller)
            )
            uow.commit()
        return made.nonce

    def certificate(self, person: Person) -> bytes:
        """The user-authentication certificate, as a terminal reads it (no PIN)."""
        from mynumber.card import CardFile

        with chip(self.system, person.serial).open_session() as session:
            return session.read(CardFile.AUTH_CERT)

    def number_of(self, person: Person) -> str:
        with self.system.uow() as uow:
            digits = read_my_number(
                uow.session,
                self.system.services,
                caller=ward(person.municipality),
                person_id=person.person_id,
                purpose=Purpose.RESIDENT_REGISTRY,
            ).digits
            uow.commit()
        return digits

    def ocsp_request(self, person: Person) -> bytes:
        """An OCSP request for the person's user-authentication certificate."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.x509 import ocsp

        cert = x509.load_der_x509_certificate(self.certificate(person))
        issuer = x509.load_pem_x509_certificate(self.system.services.ca.issuing_pem())
        built = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256()).build()
        return built.public_bytes(serialization.Encoding.DER)

    def spare(self) -> Person:
        """A fresh Chiyoda resident with a collected card, their resident token (and their
        portal login, unless ``spares_log_in`` is off)."""
        person = self.spares.pop()
        if self.spares_log_in:
            log_in_portal(self, person)
        else:
            resident_token(self.system, person)
        person.mail_id = _letter_mail(self.system, person)
        return person

    def registered(self) -> Person:
        """A newcomer registered in Chiyoda today: no card, no application yet."""
        person = Person(
            name=f"NEWCOMER {uuid.uuid4().hex[:6].upper()}",
            card_no=f"AB{uuid.uuid4().int % 10**8:08d}CD",
        )
        done = register(
            self.system,
            CHIYODA,
            name_latin=person.name,
            date_of_birth=BORN,
            residence_card_number=person.card_no,
        )
        person.person_id, person.application_id = done.person_id, done.application_id or ""
        resident_token(self.system, person)
        return person

    def next_tax_year(self) -> int:
        """A year no return has been filed for yet (each filing is once a year)."""
        self.tax_years_used += 1
        return self.system.services.clock.today().year - 1 - self.tax_years_used

    def waiting_application(self) -> Person:
        return self.waiting.pop()


def new_person(system: System, name: str, municipality: str = CHIYODA) -> Person:
    card_no = "AB" + uuid.uuid4().int.__str__()[:8] + "CD"
    person = Person(name=name, card_no=card_no, municipality=municipality)
    person.person_id = register(
        system, municipality, name_latin=name, date_of_birth=BORN, residence_card_number=card_no
    ).person_id
    person.application_id = apply_at_counter(system, person.person_id, municipality).application_id
    return person


def collect_card(system: System, person: Person) -> None:
    done = collect(
        system,
        person.application_id,
        who=identity(person.name, BORN, person.card_no),
        municipality=person.municipality,
    )
    person.serial = done.card_serial


def resident_token(system: System, person: Person) -> None:
    with system.uow() as uow:
        person.token = tokens.issue_token(
            uow.session,
            system.services,
            organisation=f"resident {person.name}",
            role=Role.RESIDENT,
            scope_id=person.person_id,
        )
        uow.commit()


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(browser: Browser, *pages: str) -> str:
    for page in pages:
        found = CSRF.search(browser.get(page).text)
        if found:
            return found.group(1)
    raise AssertionError(f"no CSRF field on {pages}")


def log_in_portal(world: World, person: Person) -> None:
    if person.portal is not None:
        return
    resident_token(world.system, person)
    browser = world.loop.browser()
    csrf = csrf_of(browser, "/portal/login")
    answer = browser.post(
        "/portal/login",
        data={
            "card_serial": person.serial,
            "user_authentication_pin": PINS.user_authentication,
            "csrf": csrf,
            "next": "",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    person.portal, person.csrf = browser, csrf_of(browser, "/portal")


def _org(
    world_system: System,
    loop: Loop,
    name: str,
    role: Role,
    *,
    municipality: str | None = None,
    scope_id: int | None = None,
    token: str | None = None,
) -> Org:
    svc = world_system.services
    if token is None:
        with world_system.uow() as uow:
            token = tokens.issue_token(
                uow.session,
                svc,
                organisation=name,
                role=role,
                municipality_code=municipality,
                scope_id=scope_id,
            )
            uow.commit()
    with world_system.uow() as uow:
        caller = tokens.authenticate(uow.session, svc, token)
    org = Org(name, caller, token)
    browser = loop.browser()
    form = clerk_for(world_system, token)
    csrf = csrf_of(browser, "/login")
    answer = browser.post("/login", data={**form, "next": "", "csrf": csrf}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    org.browser, org.csrf = browser, csrf_of(browser, "/", "/login")
    return org


def _visit(system: System, clinic_caller: Caller, person: Person) -> int:
    svc = system.services
    with system.uow() as uow:
        challenge = clinic.new_challenge(uow.session, svc, caller=clinic_caller)
        uow.commit()
    answer = clinic.answer_at_terminal(
        chip(system, person.serial), pin=PINS.user_authentication, nonce=challenge.nonce
    )
    with system.uow() as uow:
        found = clinic.check_with_pin(
            uow.session,
            svc,
            caller=clinic_caller,
            nonce=challenge.nonce,
            certificate_der=answer.certificate_der,
            signature=answer.signature,
        )
        uow.commit()
    card = chip(system, person.serial)
    with system.uow() as uow, card.open_session() as reader:
        clinic.give_consent(
            uow.session,
            svc,
            caller=clinic_caller,
            visit_id=found.visit_id,
            consent=Consent(medication=True, checkups=True, limit_amount=True),
            reader=reader,
        )
        uow.commit()
    return int(found.visit_id)


def open_visit(world: World, person: Person, org: str = "clinic") -> int:
    """A new visit of ``person`` at ``org``'s terminal, opened with their card."""
    return _visit(world.system, world.orgs[org].caller, person)


def _insure(
    system: System,
    who: Caller,
    person: Person,
    municipality: str,
    insured: dict[int, tuple[str, str, str, str]],
) -> int:
    svc = system.services
    number = uuid.uuid4().hex[:8]
    with system.uow() as uow:
        row = insurer.enrol(
            uow.session,
            svc,
            caller=who,
            person_id=person.person_id,
            numbers=InsuredNumbers("1234", number, "01"),
            income_class=IncomeClass.GENERAL,
            valid_from=svc.clock.today() - dt.timedelta(days=30),
        )
        insurer.register_insurance_use(
            uow.session,
            svc,
            caller=ward(municipality),
            person_id=person.person_id,
            channel=InsuranceUseChannel.COUNTER,
        )
        insured[person.person_id] = (
            "1234",
            number,
            "01",
            insurer.insurer_of(uow.session, who).insurer_number,
        )
        uow.commit()
        return row.id


def insure(world: World, person: Person) -> int:
    """Enrol ``person`` with Chiyoda's National Health Insurance (the own insurer)."""
    return _insure(
        world.system, world.orgs["insurer"].caller, person, person.municipality, world.insured
    )


def _employ(system: System, company: Company, person: Person, *, give_number: bool) -> int:
    svc = system.services
    with system.uow() as uow:
        view = employers.hire_employee(
            uow.session,
            svc,
            staff=company.hr,
            employee_code=f"E-{uuid.uuid4().hex[:6]}",
            name=person.name,
            address="1-1 Chiyoda",
            hired_on=svc.clock.today(),
        )
        uow.commit()
    if give_number:
        with system.uow() as uow:
            digits = read_my_number(
                uow.session,
                svc,
                caller=ward(person.municipality),
                person_id=person.person_id,
                purpose=Purpose.RESIDENT_REGISTRY,
            ).digits
            employer_numbers.collect_number(
                uow.session,
                svc,
                staff=company.payroll,
                employee_id=view.id,
                my_number=digits,
                purposes=["tax", "social_security"],
                number_proof="my_number_card",
            )
            uow.commit()
    return int(view.id)


def hire(world: World, person: Person, *, give_number: bool = True) -> int:
    """``person`` joins Example K.K. (the own employer), giving their number."""
    return _employ(world.system, world.company, person, give_number=give_number)


def file_return(system: System, person: Person, tax: Caller) -> None:
    now = system.services.clock.now()
    xml = build_tax_return_xml(
        TaxReturn(
            tax_year=now.year - 1,
            name=person.name,
            address="1-1 Chiyoda",
            income={"salary": 1},
            deductions=0,
            tax_withheld=0,
        ),
        signed_at=now,
    )
    signed = tax_office.sign_tax_return(
        chip(system, person.serial), signature_pin=PINS.signature, xml=xml
    )
    with system.uow() as uow:
        tax_office.submit_tax_return(uow.session, system.services, caller=tax, signed_xml=signed)
        uow.commit()


def signed_return(world: World, person: Person, year: int) -> bytes:
    now = world.system.services.clock.now()
    xml = build_tax_return_xml(
        TaxReturn(
            tax_year=year,
            name=person.name,
            address="1-1 Chiyoda",
            income={"salary": 2},
            deductions=0,
            tax_withheld=0,
        ),
        signed_at=now,
    )
    return tax_office.sign_tax_return(
        chip(world.system, person.serial), signature_pin=PINS.signature, xml=xml
    )


def _letter_mail(system: System, person: Person) -> int:
    with system.uow() as uow:
        found = uow.session.scalars(
            select(MailItem.id).where(MailItem.person_id == person.person_id).order_by(MailItem.id)
        ).first()
    return int(found or 0)


def build_world(
    system: System, make_app: Callable[[System], FastAPI], *, spares: int, waiting: int
) -> World:
    svc = system.services
    with system.uow() as uow:
        nhi = insurer.create_insurer(
            uow.session,
            svc,
            kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
            insurer_number=_insurer_number("13101"),
            name_ja="千代田区国民健康保険",
            municipality_code=CHIYODA,
        )
        association = insurer.create_insurer(
            uow.session,
            svc,
            kind=InsurerKind.EMPLOYER,
            insurer_number=_insurer_number("0613999"),
            name_ja="例示健康保険組合",
        )
        sapporo_nhi = insurer.create_insurer(
            uow.session,
            svc,
            kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
            insurer_number=_insurer_number("01100"),
            name_ja="札幌市国民健康保険",
            municipality_code=SAPPORO,
        )
        kanda = clinic.create_clinic(uow.session, svc, code="1310112345", name="Kanda Clinic")
        other_clinic = clinic.create_clinic(uow.session, svc, code="1310154321", name="Other")
        b_clinic = clinic.create_clinic(uow.session, svc, code="0110112345", name="Sapporo")
        uow.commit()
        tokyo = bureaus.create_bureau(
            uow.session, svc, name="Tokyo bureau", name_ja="東京", prefectures=["13", "14"]
        )
        osaka = bureaus.create_bureau(
            uow.session, svc, name="Osaka bureau", name_ja="大阪", prefectures=["27"]
        )
        uow.commit()
        ids = (nhi.id, association.id, sapporo_nhi.id, kanda.id, other_clinic.id, b_clinic.id)
        bureau_ids = (tokyo.id, osaka.id)
    company = make_company(
        system, CORPORATE, "Example K.K.", insurer_number=_insurer_number("0613999")
    )
    other_company = make_company(system, OTHER_CORPORATE, "Other Co.")
    b_company = make_company(system, _corporate("100000000001"), "Sapporo Co.")

    a = new_person(system, "ALPHA ANNA")
    b = new_person(system, "BRAVO BEN", SAPPORO)
    c = new_person(system, "CHARLIE CHO", SHINJUKU)
    spare_people = [new_person(system, f"SPARE {i:02d}") for i in range(spares)]
    waiting_people = [new_person(system, f"WAITING {i:02d}") for i in range(waiting)]
    pass_days(system, 32)
    for person in (a, b, c, *spare_people):
        collect_card(system, person)

    app = make_app(system)
    loop = Loop(app)
    api = loop.browser()
    app_orgs = {
        "ward": _org(system, loop, "Chiyoda ward office", Role.WARD_OFFICE, municipality=CHIYODA),
        "ward_other": _org(
            system, loop, "Shibuya ward office", Role.WARD_OFFICE, municipality=SHIBUYA
        ),
        "centre": _org(system, loop, "J-LIS", Role.CARD_CENTRE),
        "clinic": _org(system, loop, "Kanda Clinic", Role.CLINIC, scope_id=ids[3]),
        "clinic_other": _org(system, loop, "Other Clinic", Role.CLINIC, scope_id=ids[4]),
        "insurer": _org(system, loop, "Chiyoda NHI", Role.INSURER, scope_id=ids[0]),
        "insurer_other": _org(system, loop, "Association", Role.INSURER, scope_id=ids[1]),
        "emp_manager": _org(
            system, loop, "Example manager", Role.EMPLOYER, token=company.tokens[_role("MANAGER")]
        ),
        "emp_payroll": _org(
            system, loop, "Example payroll", Role.EMPLOYER, token=company.tokens[_role("PAYROLL")]
        ),
        "emp_hr": _org(
            system, loop, "Example HR", Role.EMPLOYER, token=company.tokens[_role("HR")]
        ),
        "emp_other": _org(
            system,
            loop,
            "Other Co. manager",
            Role.EMPLOYER,
            token=other_company.tokens[_role("MANAGER")],
        ),
        "tax": _org(system, loop, "Kojimachi tax office", Role.TAX_OFFICE),
        "kiosk": _org(system, loop, "Kiosk #1", Role.KIOSK),
        "immigration": _org(system, loop, "Tokyo bureau", Role.IMMIGRATION, scope_id=bureau_ids[0]),
        "immigration_other": _org(
            system, loop, "Osaka bureau", Role.IMMIGRATION, scope_id=bureau_ids[1]
        ),
    }
    world = World(
        system,
        app,
        loop,
        api,
        a,
        b,
        c,
        app_orgs,
        spare_people,
        waiting_people,
        company,
        refs.References.from_keys(svc.keys),
    )
    b_insurer = Caller(name="Sapporo NHI", role=Role.INSURER, scope_id=ids[2])
    b_clinic_caller = Caller(name="Sapporo clinic", role=Role.CLINIC, scope_id=ids[5])

    a.enrolment_id = insure(world, a)
    a.employee_id = hire(world, a)
    file_return(system, a, app_orgs["tax"].caller)
    a.visit_id = open_visit(world, a)
    a.mail_id = _letter_mail(system, a)
    b.enrolment_id = _insure(system, b_insurer, b, SAPPORO, world.insured)
    b.employee_id = _employ(system, b_company, b, give_number=True)
    b.visit_id = _visit(system, b_clinic_caller, b)
    b.mail_id = _letter_mail(system, b)
    with system.uow() as uow:
        assisted = insurer.LetterReason.NEEDS_ASSISTANCE
        a.letter_id = insurer.issue_eligibility_letter(
            uow.session,
            svc,
            caller=app_orgs["insurer"].caller,
            enrolment_id=a.enrolment_id,
            reason=assisted,
        ).id
        b.letter_id = insurer.issue_eligibility_letter(
            uow.session, svc, caller=b_insurer, enrolment_id=b.enrolment_id, reason=assisted
        ).id
        uow.commit()
    for person in (a, c):
        log_in_portal(world, person)
    world.anonymous = loop.browser()
    world.anonymous_csrf = csrf_of(world.anonymous, "/login")
    resident_token(system, b)
    return world


def _role(name: str) -> Any:
    from mynumber.domain.employment_rules import StaffRole

    return StaffRole[name]
