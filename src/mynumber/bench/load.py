"""The rows of N enrolled residents and a year of their clinic visits, made in bulk.

``bench.enrol`` plans the load and runs it; this module makes and writes the rows, in worker
processes on PostgreSQL (each with its own connection and binary ``COPY``), in-process on
SQLite. The residents are cut into slices; a slice is one transaction holding, per resident:
the person (number derived by the batch FF3-1 path, sealed with AES-GCM through the vault,
never stored in clear), the active registration, the notification letter and its mail item,
the registration's audit entry, the card, its authentication certificate and the National
Health Insurance enrolment. Then the visits: each clinic's year of eligibility checks, with
the two audit entries a check writes, in the clinic's own chain.

**What is signed.** The certificates the load generator keeps (``Plan.kept``, 20,000 by
default) are issued by the card centre's CA, one RSA signature each. Every other certificate
is a copy of one of 16 real certificates (one per pool key, signed by the CA) with its own
serial written into the serial number and the subject's CN: the same DER, the same size
(a valid-shaped X.509 certificate that parses, with its own serial), but its signature is the
template's, so it does **not** verify. A clinic never sees one during the benchmark (it
presents only kept cards); ``tests/integration/test_bench_enrol.py`` shows both kinds.

**The rules.** Rows are made by the service's own row builders (``person_fields``,
``registration_fields``, ``visit_audit_detail``), and the audit entries hashed exactly as
``audit_chain.keyed_hash`` hashes them (``ChainHasher``). What ``register_many`` checks once
per batch is checked once for the load (``bench.enrol``: the caller's role, the policy, the
municipality); what it checks per person is checked in bulk: the check digit of every derived
number (per slice, vectorised, where ``IndividualNumber`` checks one at a time), and no
identity, registry code or number twice (the unique indexes built after the load refuse a
duplicate, and the load fails). Every resident is Japanese: no stay to check. The Faker
values the residents are made from are each checked by ``build_moving_in``.
"""

from __future__ import annotations

import copy
import datetime as dt
import hmac
import json
import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

import numpy as np
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Table
from sqlalchemy.orm import Session

from mynumber.adapters.db.bulk_insert import insert_rows, pg_copy_type
from mynumber.adapters.db.models import AuditEntry, MailItem, NotificationLetter, Person
from mynumber.adapters.db.models import Registration as RegistrationRow
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.adapters.db.models_insurance import ClinicVisit, InsuranceEnrolment
from mynumber.adapters.protect import NumberVault
from mynumber.domain.access import Purpose, Role
from mynumber.domain.key_versions import StaticKeys
from mynumber.domain.mail import MailKind, MailStatus
from mynumber.domain.numbering import check_digits, derive_my_numbers
from mynumber.domain.numbers import IndividualNumber, ResidentRegistryCode
from mynumber.domain.registration import IdDocument, MovingIn, Sex
from mynumber.pki.ca import CertificateAuthority
from mynumber.services.core.context import Services
from mynumber.services.insurance.checks import NO_CONSENT
from mynumber.services.insurance.eligibility import PURPOSE as CHECK_PURPOSE
from mynumber.services.insurance.eligibility import visit_audit_detail
from mynumber.services.registry.letters import new_application_id
from mynumber.services.registry.ward_office import (
    identity_key,
    person_fields,
    registration_fields,
)

SERIAL_BYTES = 20
"""Certificate serials of exactly 20 octets (first octet 0x01–0x7F: positive, minimal DER, and
under 2^159), so that a template's serial can be overwritten in place."""


@dataclass(frozen=True)
class Template:
    """A real certificate for one pool key, and where its serial is written in it."""

    der: bytes
    serial_at: int
    cn_at: int


def make_template(ca: CertificateAuthority, key: rsa.RSAPublicKey, validity: Any) -> Template:
    """Issue one real certificate for ``key`` and find its serial and CN in the DER."""
    serial = int.from_bytes(b"\x5a" + secrets.token_bytes(SERIAL_BYTES - 1), "big")
    der = ca.issue_authentication_certificate(
        key, serial=serial, not_before=validity.not_before, not_after=validity.not_after
    ).public_bytes(serialization.Encoding.DER)
    raw = serial.to_bytes(SERIAL_BYTES, "big")
    serial_at = der.index(b"\x02" + bytes([SERIAL_BYTES]) + raw) + 2
    cn_at = der.index(f"{serial:040X}".encode())
    if der.count(raw) != 1 or der.count(f"{serial:040X}".encode()) != 1:
        raise RuntimeError("the template's serial is not where it was expected")
    return Template(der, serial_at, cn_at)


@dataclass(frozen=True)
class Clinic:
    """A clinic the history visits: its row id, code, name and audit chain id."""

    id: int
    code: str
    name: str
    chain_id: int


@dataclass
class Plan:
    """Everything a worker needs to make its share of the rows (picklable)."""

    count: int
    municipality_code: str
    insurer_id: int
    desk_names: list[str]
    """The ward office's desks: slice ``s`` is registered by desk ``s % len(desk_names)``,
    each with its own audit chain (a chain is sequential; the desks' are made in parallel)."""
    desk_chain_ids: list[int]
    clinics: list[Clinic]
    visits: int
    """Visits over the year, spread evenly over the clinics."""
    slice_size: int
    first_code: int
    """The registry sequence of resident 0 (allocated through the counter, once)."""
    ids: dict[str, int]
    """The id of the first row of each table (its sequence moved past the load's)."""
    now: dt.datetime
    today: dt.date
    not_before: dt.datetime
    not_after: dt.datetime
    templates: list[Template]
    public_keys: list[bytes]
    kept: np.ndarray
    """Sorted indices of the residents whose certificates are really signed."""
    forms: FormPool
    seed: int = 2026
    serial_secret: int = field(default_factory=lambda: secrets.randbits(64))

    @property
    def slices(self) -> int:
        return -(-self.count // self.slice_size)

    def filed_on(self) -> dt.date:
        """The day everyone moved in: a year and a month ago, before the year of visits."""
        return self.today - dt.timedelta(days=400)


@dataclass(frozen=True)
class FormPool:
    """Faker('ja_JP') values the residents draw from (checked by ``build_moving_in``)."""

    last: list[str]
    first_female: list[str]
    first_male: list[str]
    births: list[dt.date]
    addresses: list[str]


@dataclass
class Sink:
    """Where rows go: PostgreSQL's binary COPY on a psycopg connection, or a SQLAlchemy
    session (SQLite: ``insert_rows``)."""

    pg: Any = None
    session: Session | None = None

    def write(
        self, model: type[Any], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        if not rows:
            return
        table = cast(Table, model.__table__)
        if self.session is not None:
            insert_rows(self.session, model, [dict(zip(columns, row, strict=True)) for row in rows])
            return
        with (
            self.pg.cursor() as cursor,
            cursor.copy(
                f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
            ) as copy,
        ):
            copy.set_types([pg_copy_type(table.c[name].type) for name in columns])
            for row in rows:
                copy.write_row(row)


@dataclass
class Done:
    """What a worker made: the kept cards and where its chains ended."""

    kept: list[tuple[int, int, bytes]] = field(default_factory=list)
    """(resident index, pool key index, certificate DER)."""
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)
    """chain id → (last seq, last hash)."""
    rows: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    """CPU seconds by what they went to: ``residents``, ``visits`` (this process, signing
    left out), ``signing`` (the kept certificates), ``server`` (its PostgreSQL backend)."""

    def add_cpu(self, what: str, seconds: float) -> None:
        self.cpu[what] = self.cpu.get(what, 0.0) + seconds


# --- residents ------------------------------------------------------------------------------


def card_serials(plan: Plan, index: np.ndarray) -> list[str]:
    """The residents' card serials: 16 hex digits (as ``new_serial``), distinct by
    construction (a bijective 64-bit mix of the index under a secret), so that a visit can
    name the card of any resident without asking the worker that made it."""
    x = index.astype(np.uint64) ^ np.uint64(plan.serial_secret)
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return [f"{int(v):016X}" for v in x]


def resident_slices(plan: Plan, worker: int, workers: int) -> Iterator[int]:
    """The slices a worker makes: every ``workers``-th (one desk per worker)."""
    return iter(range(worker, plan.slices, workers))


def write_residents(
    plan: Plan,
    svc: Services,
    ca: CertificateAuthority | None,
    sink: Sink,
    number: int,
    done: Done,
    audit_key: bytes,
) -> None:
    """Slice ``number``: its residents and all their rows (the caller commits)."""
    first = number * plan.slice_size
    last = min(plan.count, first + plan.slice_size)
    index = np.arange(first, last, dtype=np.int64)
    n = len(index)
    codes = plan.first_code + index
    numbers = derive_my_numbers(codes, key=svc.keys.number_key, tweak=svc.keys.number_tweak)
    # The rule ``IndividualNumber`` checks per number (its check digit), checked for the slice.
    if n and not np.array_equal(check_digits(numbers // 10), numbers % 10):
        raise RuntimeError("a derived number does not carry its check digit")
    svc = _sealing_once(svc)
    ids = plan.ids
    person_ids = (ids["persons"] + index).tolist()
    filed_on = plan.filed_on()
    at = dt.datetime.combine(filed_on, dt.time(10, 0), tzinfo=plan.now.tzinfo)
    due = at + svc.post.delivery_time(MailKind.NOTIFICATION_LETTER)
    pool = plan.forms
    draw = np.random.default_rng([plan.seed, number])
    size = len(pool.last)
    picks = draw.integers(0, size, size=(4, n)).tolist() if n else [[]] * 4
    documents = (IdDocument("driving_licence"),)

    people: list[tuple[Any, ...]] = []
    registrations: list[tuple[Any, ...]] = []
    forms: list[MovingIn] = []
    for k in range(n):
        i = first + k
        female = i % 2 == 1
        form = MovingIn(
            name_latin=(
                f"{pool.last[picks[0][k]]} "
                f"{(pool.first_female if female else pool.first_male)[picks[1][k]]} {i}"
            ),
            date_of_birth=pool.births[picks[2][k]],
            sex=Sex.FEMALE if female else Sex.MALE,
            nationality="JP",
            address=pool.addresses[picks[3][k]],
            started_living_on=filed_on - dt.timedelta(days=i % 20),
            filed_on=filed_on,
            id_documents=documents,
        )
        forms.append(form)
        code = ResidentRegistryCode(f"{int(codes[k]):011d}")
        person = person_fields(
            svc,
            form,
            key=identity_key(svc, form),
            code=code,
            number=cast(IndividualNumber, _Number(f"{int(numbers[k]):012d}")),
        )
        person["created_at"] = at
        people.append(tuple(person[c] for c in _PERSON))
        registration = registration_fields(person_ids[k], plan.municipality_code, form)
        registrations.append(tuple(registration[c] for c in _REGISTRATION))
    sink.write(
        Person, ("id", *_PERSON), [(pid, *row) for pid, row in zip(person_ids, people, strict=True)]
    )
    sink.write(
        RegistrationRow,
        ("id", *_REGISTRATION),
        [
            (ids["registrations"] + i, *row)
            for i, row in zip(index.tolist(), registrations, strict=True)
        ],
    )
    delivered = MailStatus.DELIVERED.value
    letter_ids = (ids["notification_letters"] + index).tolist()
    sink.write(
        NotificationLetter,
        ("id", "person_id", "application_id", "issued_on", "status", "superseded"),
        [
            (lid, pid, new_application_id(), filed_on, delivered, False)
            for lid, pid in zip(letter_ids, person_ids, strict=True)
        ],
    )
    letter_kind = MailKind.NOTIFICATION_LETTER.value
    sink.write(
        MailItem,
        (
            "id",
            "kind",
            "person_id",
            "ref_id",
            "address",
            "municipality_code",
            "sent_at",
            "due_at",
            "status",
            "settled_at",
        ),
        [
            (
                mid,
                letter_kind,
                pid,
                lid,
                form.address,
                plan.municipality_code,
                at,
                due,
                delivered,
                due,
            )
            for mid, pid, lid, form in zip(
                (ids["mail_items"] + index).tolist(), person_ids, letter_ids, forms, strict=True
            )
        ],
    )
    _audit_registrations(plan, sink, number, person_ids, at, done, audit_key, ids, index)
    _write_cards(plan, ca, sink, index, person_ids, forms, done)
    done.rows["residents"] = done.rows.get("residents", 0) + n


class _Number(NamedTuple):
    """A number whose check digit was checked with its slice's (``IndividualNumber`` checks
    one at a time, with python-stdnum: 14 % of the load)."""

    digits: str


def _sealing_once(svc: Services) -> Services:
    """``svc`` with a vault holding the newest data key as the key file has it now: the
    service's vault looks at the key file at every seal (a rotation takes effect at once), 6 %
    of the load; a load is not rotated meanwhile."""
    if getattr(svc, "_sealing_once", False):
        return svc
    fixed = copy.copy(svc)
    newest = svc.keys.data_keys.newest()
    fixed.vault = NumberVault(
        data_key=StaticKeys({newest: svc.keys.data_keys.key(newest)}),
        lookup_key=svc.keys.lookup_key,
    )
    fixed._sealing_once = True  # type: ignore[attr-defined]
    return fixed


_PERSON = (
    "registry_code",
    "identity_key",
    "name_latin",
    "name_kana",
    "name_kanji",
    "date_of_birth",
    "sex",
    "nationality",
    "created_at",
    "number_sealed",
    "number_lookup",
)
_REGISTRATION = (
    "person_id",
    "municipality_code",
    "address",
    "started_living_on",
    "filed_on",
    "late",
    "status",
    "id_documents",
    "residence_card_number",
    "status_of_residence",
    "period_of_stay_ends",
)
_AUDIT = (
    "id",
    "chain_id",
    "seq",
    "at",
    "actor",
    "role",
    "purpose",
    "action",
    "person_id",
    "detail",
    "prev_hash",
    "entry_hash",
    "clerk",
)


def _audit_registrations(
    plan: Plan,
    sink: Sink,
    number: int,
    person_ids: list[int],
    at: dt.datetime,
    done: Done,
    audit_key: bytes,
    ids: dict[str, int],
    index: np.ndarray,
) -> None:
    """The entry ``register_many`` writes per person (``register_moving_in``), in the desk's
    chain, continuing where the desk's previous slice ended."""
    desk = number % len(plan.desk_names)
    chain_id = plan.desk_chain_ids[desk]
    seq, prev = done.heads.get(chain_id, (0, "0" * 64))
    actor, role = plan.desk_names[desk], Role.WARD_OFFICE.value
    purpose, action = Purpose.RESIDENT_REGISTRY.value, "register_moving_in"
    detail = f"municipality {plan.municipality_code} (batch)"
    chain = ChainHasher(audit_key, chain_id, seq, prev)
    head = chain.head(at, actor, role, purpose, action)
    rows = []
    for entry_id, pid in zip(
        (ids["audit_registrations"] + index).tolist(), person_ids, strict=True
    ):
        seq, before, prev = chain.append(head, pid, detail)
        rows.append(
            (
                entry_id,
                chain_id,
                seq,
                at,
                actor,
                role,
                purpose,
                action,
                pid,
                detail,
                before,
                prev,
                None,
            )
        )
    done.heads[chain_id] = (seq, prev)
    sink.write(AuditEntry, _AUDIT, rows)


@dataclass(frozen=True)
class EntryHead:
    """What entries share (time, actor, role, purpose, action), JSON-encoded once."""

    encoded: str
    purpose: str
    action: str


class ChainHasher:
    """``audit_chain.keyed_hash`` over the entries of one chain, one after the other: the
    same JSON body hashed with the same key, byte for byte, with what entries share encoded
    once and the HMAC in one call (``hmac.digest``). Every chain the load writes is checked
    by ``verify_chain``, which hashes with ``keyed_hash`` itself (the tests do)."""

    def __init__(self, key: bytes, chain_id: int, seq: int, prev: str) -> None:
        self._key, self._chain, self.seq, self.prev = key, chain_id, seq, prev

    @staticmethod
    def head(at: dt.datetime, actor: str, role: str, purpose: str, action: str) -> EntryHead:
        items = [at.astimezone(dt.UTC).isoformat(), actor, role, purpose, action]
        return EntryHead(
            ",".join(json.dumps(item, ensure_ascii=False) for item in items), purpose, action
        )

    def append(self, head: EntryHead, person_id: int, detail: str) -> tuple[int, str, str]:
        """(seq, previous hash, this entry's hash) of the next entry (no clerk)."""
        self.seq += 1
        before = self.prev
        body = (
            f"[{self._chain},{self.seq},{head.encoded},{person_id},"
            f'{json.dumps(detail, ensure_ascii=False)},null,"{before}"]'
        )
        self.prev = hmac.digest(self._key, body.encode(), "sha256").hex()
        return self.seq, before, self.prev


def _write_cards(
    plan: Plan,
    ca: CertificateAuthority | None,
    sink: Sink,
    index: np.ndarray,
    person_ids: list[int],
    forms: list[MovingIn],
    done: Done,
) -> None:
    n = len(index)
    keys = len(plan.templates)
    key_index = index % keys
    serials = card_serials(plan, index)
    ders, cert_serials = _certificates(plan, key_index, n)
    kept = np.isin(index, plan.kept)
    signing = time.process_time()
    if kept.any():
        if ca is None:
            raise RuntimeError("kept cards need the CA to sign their certificates")
        publics = [_load_public(der) for der in plan.public_keys]
        for k in np.flatnonzero(kept).tolist():
            serial = x509.random_serial_number()
            der = ca.issue_authentication_certificate(
                publics[int(key_index[k])],
                serial=serial,
                not_before=plan.not_before,
                not_after=plan.not_after,
            ).public_bytes(serialization.Encoding.DER)
            ders[k], cert_serials[k] = der, f"{serial:040X}"
            done.kept.append((int(index[k]), int(key_index[k]), der))
    done.add_cpu("signing", time.process_time() - signing)
    issued_on = plan.filed_on() + dt.timedelta(days=30)
    manufactured = dt.datetime.combine(issued_on, dt.time(9, 0), tzinfo=plan.now.tzinfo)
    expires = plan.not_after.date()
    sink.write(
        Card,
        (
            "id",
            "serial",
            "person_id",
            "status",
            "municipality_code",
            "chip_address",
            "manufactured_at",
            "issued_on",
            "expires_on",
            "certificates_expire_on",
            "insurance_use",
            "validity_extended",
            "face_authentication",
        ),
        [
            (
                cid,
                serial,
                pid,
                "active",
                plan.municipality_code,
                form.address,
                manufactured,
                issued_on,
                expires,
                expires,
                True,
                False,
                False,
            )
            for cid, serial, pid, form in zip(
                (plan.ids["cards"] + index).tolist(), serials, person_ids, forms, strict=True
            )
        ],
    )
    sink.write(
        Certificate,
        ("serial", "card_serial", "person_id", "kind", "not_before", "not_after", "der"),
        [
            (cert, serial, pid, "authentication", plan.not_before, plan.not_after, der)
            for cert, serial, pid, der in zip(cert_serials, serials, person_ids, ders, strict=True)
        ],
    )
    insured_from = plan.filed_on()
    sink.write(
        InsuranceEnrolment,
        (
            "id",
            "insurer_id",
            "person_id",
            "symbol",
            "number",
            "branch",
            "income_class",
            "certain_income",
            "valid_from",
            "employer",
            "created_at",
        ),
        [
            (
                eid,
                plan.insurer_id,
                pid,
                "B",
                str(pid),
                "01",
                "general",
                False,
                insured_from,
                "",
                manufactured,
            )
            for eid, pid in zip(
                (plan.ids["insurance_enrolments"] + index).tolist(), person_ids, strict=True
            )
        ],
    )


_HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def _certificates(plan: Plan, key_index: np.ndarray, n: int) -> tuple[list[bytes], list[str]]:
    """Copies of the pool key's template, each with a serial of its own (not signed)."""
    if n == 0:
        return [], []
    template = plan.templates[0]
    width = len(template.der)
    if any(
        len(t.der) != width or (t.serial_at, t.cn_at) != (template.serial_at, template.cn_at)
        for t in plan.templates
    ):
        raise RuntimeError("the templates differ in layout")
    base = np.stack([np.frombuffer(t.der, dtype=np.uint8) for t in plan.templates])
    rows = base[key_index]
    raw = np.frombuffer(secrets.token_bytes(SERIAL_BYTES * n), dtype=np.uint8).reshape(n, -1)
    raw = raw.copy()
    raw[:, 0] = (raw[:, 0] & 0x7F) | 0x01
    hexed = np.empty((n, 2 * SERIAL_BYTES), dtype=np.uint8)
    hexed[:, 0::2] = _HEX[raw >> 4]
    hexed[:, 1::2] = _HEX[raw & 0x0F]
    rows[:, template.serial_at : template.serial_at + SERIAL_BYTES] = raw
    rows[:, template.cn_at : template.cn_at + 2 * SERIAL_BYTES] = hexed
    ders = [row.tobytes() for row in rows]
    texts = hexed.view(f"S{2 * SERIAL_BYTES}").ravel().astype(str).tolist()
    return ders, texts


def _load_public(der: bytes) -> rsa.RSAPublicKey:
    key = serialization.load_der_public_key(der)
    if not isinstance(key, rsa.RSAPublicKey):
        raise TypeError("the card keys are RSA")
    return key


# --- visits ---------------------------------------------------------------------------------


def write_visits(plan: Plan, sink: Sink, clinic_number: int, done: Done, audit_key: bytes) -> None:
    """One clinic's year of checks: visits at random times of the past year, each by a
    random resident with their card and PIN, and the two entries a check writes (the
    terminal's ``card_authentication`` and the clinic's ``eligibility_check``)."""
    clinic = plan.clinics[clinic_number]
    share, extra = divmod(plan.visits, len(plan.clinics))
    first = clinic_number * share + min(clinic_number, extra)
    count = share + (clinic_number < extra)
    if count == 0:
        return
    draw = np.random.default_rng([plan.seed, 1, clinic_number])
    who = draw.integers(0, plan.count, size=count)
    seconds = np.sort(draw.integers(0, 365 * 86_400, size=count))
    start = plan.now - dt.timedelta(days=365)
    times = [start + dt.timedelta(seconds=int(s)) for s in seconds]
    visit_ids = (plan.ids["clinic_visits"] + first + np.arange(count)).tolist()
    person_ids = (plan.ids["persons"] + who).tolist()
    enrolments = (plan.ids["insurance_enrolments"] + who).tolist()
    serials = card_serials(plan, who)
    half_hour = dt.timedelta(minutes=30)
    sink.write(
        ClinicVisit,
        (
            "id",
            "clinic_id",
            "person_id",
            "enrolment_id",
            "card_serial",
            "method",
            "started_at",
            "consent_medication",
            "consent_checkups",
            "consent_limit_amount",
            "closed_at",
        ),
        [
            (vid, clinic.id, pid, eid, serial, "pin", at, False, False, False, at + half_hour)
            for vid, pid, eid, serial, at in zip(
                visit_ids, person_ids, enrolments, serials, times, strict=True
            )
        ],
    )
    seq, prev = done.heads.get(clinic.chain_id, (0, "0" * 64))
    role, purpose = Role.CLINIC.value, CHECK_PURPOSE.value
    entry_id = plan.ids["audit_visits"] + 2 * first
    chain = ChainHasher(audit_key, clinic.chain_id, seq, prev)
    rows = []
    for vid, pid, serial, at in zip(visit_ids, person_ids, serials, times, strict=True):
        authenticated = chain.head(at, clinic.name, role, "", "card_authentication")
        checked = chain.head(at, clinic.name, role, purpose, "eligibility_check")
        for head, detail in (
            (authenticated, f"card {serial}"),
            (
                checked,
                visit_audit_detail(
                    visit_id=vid, clinic_code=clinic.code, method="pin", consent=NO_CONSENT
                ),
            ),
        ):
            seq, before, prev = chain.append(head, pid, detail)
            rows.append(
                (
                    entry_id,
                    clinic.chain_id,
                    seq,
                    at,
                    clinic.name,
                    role,
                    head.purpose,
                    head.action,
                    pid,
                    detail,
                    before,
                    prev,
                    None,
                )
            )
            entry_id += 1
    done.heads[clinic.chain_id] = (seq, prev)
    sink.write(AuditEntry, _AUDIT, rows)
    done.rows["visits"] = done.rows.get("visits", 0) + count
