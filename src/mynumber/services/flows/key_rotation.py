"""鍵の更新 — rotating the master key's sealing version while the service keeps answering.

Actor: the operator (``mynumber keys rotate | status | retire``). Rules called:
``domain.key_versions`` (every sealed value names its version; any live version opens, the
newest seals; a retired one is refused).

``rotate`` adds a sealing version to the key file (``adapters.keys.KeyFile``); every process
that uses the file sees it at its next seal, so new values are sealed under it at once. Then it
re-seals what the database holds under older versions, in batches of small transactions:

- each batch reads the next rows (in key order) whose value does not name the newest version,
  opens each under the version it names and seals it again under the newest;
- each row is written back only if it still holds the value read (compare and set): a value
  the service changed meanwhile is the service's (sealed under the newest) and is left alone;
- nothing is remembered between batches but the position, so a rotation stopped anywhere (a
  crash, ``kill``) is resumed by running ``rotate`` again: while an older version still seals
  something, ``rotate`` finishes that rotation instead of starting another.

When no value names an older version any more — checked again after ``GRACE_SECONDS``, so a
transaction that sealed under the old version just before the rotation began has committed —
the older versions retire: their keys are erased from the key file, and a value that still
named one would be refused (``KeyVersionUnavailable``).

What is sealed under the versions: My Numbers in the register (``persons``) and in employers'
files (``employee_numbers``), and the chips' private keys and data files (``chip_keys``,
``chip_files``). The rest of the key ring stays on the stable root (``adapters.keys``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import ColumnElement, case, func, select, tuple_, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import CardApplication, ChipFile, ChipKey
from mynumber.adapters.db.models_employer import EmployeeNumber
from mynumber.adapters.db.models_oidc import OidcCode, OidcSigningKey, OidcToken
from mynumber.adapters.db.uow import UnitOfWork
from mynumber.card.sealing import ChipSecrets
from mynumber.domain import key_versions
from mynumber.domain.errors import Conflict
from mynumber.domain.key_versions import KeyVersionUnavailable
from mynumber.services.cards.express import pins_context
from mynumber.services.core.context import Services
from mynumber.services.employer.numbers import sealing_context as employee_context
from mynumber.services.oidc import keys as oidc_keys
from mynumber.services.oidc.provider import claims_aad
from mynumber.services.registry.numbers import sealing_context as person_context

BATCH_SIZE = 500
"""Rows per re-sealing transaction: small enough that the service's own writes never wait
long behind one, large enough that a million values take minutes."""
GRACE_SECONDS = 2.0
"""How long after a new version the last pass waits before the older ones retire: longer
than any transaction that sealed under the older version just before."""
MAX_PASSES = 5

Reseal = Callable[[Services, Any], "bytes | None"]
AfterBatch = Callable[[str, int], None]
"""Called after each committed batch with the kind of value and how many it re-sealed (the
CLI's progress; tests stop a rotation here)."""


@dataclass(frozen=True)
class SealedKind:
    """One column of sealed values: its name, its row key and how a value is re-sealed."""

    name: str
    key: tuple[InstrumentedAttribute[Any], ...]
    value: InstrumentedAttribute[Any]
    context: tuple[InstrumentedAttribute[Any], ...]
    reseal: Reseal


def _person(svc: Services, row: Any) -> bytes | None:
    return svc.vault.reseal(row.number_sealed, context=person_context(row.registry_code))


def _employee(svc: Services, row: Any) -> bytes | None:
    return svc.vault.reseal(row.number_sealed, context=employee_context(row.employee_id))


def _chip_key(svc: Services, row: Any) -> bytes | None:
    secrets = ChipSecrets.derive(svc.keys.chip_key, row.card_id)
    return secrets.reseal_key(row.sealed_private_key, row.slot)


def _chip_file(svc: Services, row: Any) -> bytes | None:
    return ChipSecrets.derive(svc.keys.chip_key, row.card_id).reseal_file(row.name, row.data)


def _oidc_key(svc: Services, row: Any) -> bytes | None:
    return key_versions.reseal(
        svc.keys.data_keys, row.private_key_sealed, oidc_keys.context(row.kid)
    )


def _oidc_code(svc: Services, row: Any) -> bytes | None:
    return key_versions.reseal(
        svc.keys.data_keys, row.claims_sealed, claims_aad("code", row.code_hash)
    )


def _oidc_token(svc: Services, row: Any) -> bytes | None:
    return key_versions.reseal(
        svc.keys.data_keys, row.claims_sealed, claims_aad("token", row.token_hash)
    )


def _express_pins(svc: Services, row: Any) -> bytes | None:
    return key_versions.reseal(svc.keys.data_keys, row.pins_sealed, pins_context(row.id))


KINDS = (
    SealedKind(
        "persons.number_sealed",
        (Person.id,),
        Person.number_sealed,
        (Person.registry_code,),
        _person,
    ),
    SealedKind(
        "employee_numbers.number_sealed",
        (EmployeeNumber.id,),
        EmployeeNumber.number_sealed,
        (EmployeeNumber.employee_id,),
        _employee,
    ),
    SealedKind(
        "chip_keys.sealed_private_key",
        (ChipKey.card_id, ChipKey.slot),
        ChipKey.sealed_private_key,
        (),
        _chip_key,
    ),
    SealedKind("chip_files.data", (ChipFile.card_id, ChipFile.name), ChipFile.data, (), _chip_file),
    SealedKind(
        "oidc_signing_keys.private_key_sealed",
        (OidcSigningKey.kid,),
        OidcSigningKey.private_key_sealed,
        (),
        _oidc_key,
    ),
    SealedKind(
        "card_applications.pins_sealed",
        (CardApplication.id,),
        CardApplication.pins_sealed,
        (),
        _express_pins,
    ),
    SealedKind(
        "oidc_codes.claims_sealed", (OidcCode.code_hash,), OidcCode.claims_sealed, (), _oidc_code
    ),
    SealedKind(
        "oidc_tokens.claims_sealed",
        (OidcToken.token_hash,),
        OidcToken.claims_sealed,
        (),
        _oidc_token,
    ),
)


@dataclass
class RotationReport:
    """What a rotation did."""

    version: int
    resumed: bool
    resealed: int = 0
    changed_meanwhile: int = 0
    """Rows the service rewrote between our read and our write (left as the service wrote)."""
    unreadable: list[str] = field(default_factory=list)
    """Values that open under no live version (tampered, or under a retired one): kind and
    row key, never the value. While any is left, the older versions do not retire."""
    retired: list[int] = field(default_factory=list)
    left: dict[int, int] = field(default_factory=dict)
    """Values still under each older version at the end (none when it finished)."""


@dataclass(frozen=True)
class VersionStatus:
    version: int
    state: str
    """``newest`` (seals new values), ``live`` (opens values, seals none) or ``retired``."""
    values: dict[str, int]
    """How many values of each kind it protects."""

    @property
    def total(self) -> int:
        return sum(self.values.values())


def _needs_work(kind: SealedKind, newest: int) -> ColumnElement[bool]:
    prefix = func.substr(kind.value, 1, key_versions.TAG_BYTES)
    return kind.value.is_not(None) & (prefix != key_versions.tag(newest))


def reseal_batch(
    session: Session,
    svc: Services,
    kind: SealedKind,
    *,
    after: tuple[Any, ...] | None,
    limit: int,
    report: RotationReport,
) -> tuple[Any, ...] | None:
    """Re-seal the next ``limit`` rows of ``kind`` after ``after`` (in key order) that do not
    name the newest version; the key of the last row seen, or ``None`` at the end."""
    newest = svc.keys.data_keys.newest()
    query = (
        select(*kind.key, *kind.context, kind.value)
        .where(_needs_work(kind, newest))
        .order_by(*kind.key)
        .limit(limit)
    )
    if after is not None:
        query = query.where(
            tuple_(*kind.key) > tuple_(*after) if len(after) > 1 else kind.key[0] > after[0]
        )
    rows = session.execute(query).all()
    for row in rows:
        old = getattr(row, kind.value.key)
        try:
            new = kind.reseal(svc, row)
        except (InvalidTag, KeyVersionUnavailable, ValueError):
            where = "/".join(str(getattr(row, c.key)) for c in kind.key)
            report.unreadable.append(f"{kind.name} {where}")
            continue
        if new is None:
            continue
        done = session.execute(
            update(kind.value.class_)
            .where(*(c == getattr(row, c.key) for c in kind.key), kind.value == old)
            .values({kind.value.key: new})
            .execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            report.resealed += 1
        else:
            report.changed_meanwhile += 1
    if not rows:
        return None
    return tuple(getattr(rows[-1], c.key) for c in kind.key)


def _reseal_everything(
    uow: Callable[[], UnitOfWork],
    svc: Services,
    report: RotationReport,
    *,
    batch_size: int,
    after_batch: AfterBatch | None,
) -> None:
    for kind in KINDS:
        position: tuple[Any, ...] | None = None
        while True:
            before = report.resealed
            with uow() as work:
                position = reseal_batch(
                    work.session, svc, kind, after=position, limit=batch_size, report=report
                )
                work.commit()
            if position is None:
                break
            if after_batch is not None:
                after_batch(kind.name, report.resealed - before)


def count_by_version(session: Session) -> dict[int, dict[str, int]]:
    """How many values each version seals, by kind (untagged values count as version 1)."""
    counts: dict[int, dict[str, int]] = {}
    for kind in KINDS:
        magic = func.substr(kind.value, 1, len(key_versions.MAGIC)) == key_versions.MAGIC
        group = case((magic, func.substr(kind.value, 1, key_versions.TAG_BYTES)), else_=None)
        rows = session.execute(
            select(group, func.count()).where(kind.value.is_not(None)).group_by(group)
        ).all()
        for prefix, n in rows:
            version = (
                key_versions.LEGACY_VERSION
                if prefix is None
                else key_versions.version_of(bytes(prefix))
            )
            per_kind = counts.setdefault(version, {})
            per_kind[kind.name] = per_kind.get(kind.name, 0) + int(n)
    return counts


def status(session: Session, svc: Services) -> list[VersionStatus]:
    """Every version the key file names, newest first, with what it still protects."""
    keys = svc.keys.key_file.current()
    counts = count_by_version(session)
    states = {
        v: ("retired" if k is None else "newest" if v == keys.newest else "live")
        for v, k in keys.versions.items()
    }
    for version in counts:  # values naming a version the file does not know
        states.setdefault(version, "unknown")
    return [VersionStatus(v, states[v], counts.get(v, {})) for v in sorted(states, reverse=True)]


def _require_key_file(svc: Services) -> None:
    if svc.keys.key_file.path is None:
        raise Conflict(
            "The master key is given in MYNUMBER_MASTER_KEY: rotating it needs a key file "
            "(MYNUMBER_MASTER_KEY_FILE), where its versions are kept.",
            "マスター鍵が MYNUMBER_MASTER_KEY で与えられています。鍵の更新には世代を保存する"
            "鍵ファイル（MYNUMBER_MASTER_KEY_FILE）が必要です。",
        )


def _older_in_use(uow: Callable[[], UnitOfWork], svc: Services) -> dict[int, int]:
    keys = svc.keys.key_file.current()
    with uow() as work:
        counts = count_by_version(work.session)
    return {
        v: sum(c.values()) for v, c in counts.items() if v != keys.newest and sum(c.values()) > 0
    }


def rotate(
    uow: Callable[[], UnitOfWork],
    svc: Services,
    *,
    batch_size: int = BATCH_SIZE,
    grace_seconds: float = GRACE_SECONDS,
    retire_old: bool = True,
    after_batch: AfterBatch | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> RotationReport:
    """Make a new sealing version and re-seal every value under it, online; then retire the
    older versions (unless ``retire_old`` is false). If an earlier rotation was stopped
    before it finished (an older version still seals values), finish that one instead."""
    _require_key_file(svc)
    key_file = svc.keys.key_file
    unfinished = len(key_file.current().live) > 1 and bool(_older_in_use(uow, svc))
    if unfinished:
        report = RotationReport(version=key_file.current().newest, resumed=True)
    else:
        report = RotationReport(version=key_file.add_version(), resumed=False)
    began = time.monotonic()
    for _ in range(MAX_PASSES):
        _reseal_everything(uow, svc, report, batch_size=batch_size, after_batch=after_batch)
        waited = time.monotonic() - began
        if waited < grace_seconds:
            sleep(grace_seconds - waited)
            continue  # one more pass for what sealed under the old version meanwhile
        left = _older_in_use(uow, svc)
        if not left or report.unreadable:
            break
    report.left = _older_in_use(uow, svc)
    if retire_old and not report.left:
        for version in key_file.current().live:
            if version != report.version:
                retire(uow, svc, version)
                report.retired.append(version)
    return report


def retire(uow: Callable[[], UnitOfWork], svc: Services, version: int) -> None:
    """Retire ``version``: its key is erased from the key file and values naming it are
    refused from now on. Refused while it is the newest or still seals a value."""
    _require_key_file(svc)
    keys = svc.keys.key_file.current()
    if keys.versions.get(version) is None:
        known = version in keys.versions
        state = "already retired" if known else "not in the key file"
        state_ja = "廃止済みです" if known else "鍵ファイルにありません"
        raise Conflict(
            f"Key version {version} is {state}.",
            f"鍵の第{version}世代は{state_ja}。",
            key_version=version,
        )
    if version == keys.newest:
        raise Conflict(
            f"Key version {version} is the newest: rotate to a new one first.",
            f"鍵の第{version}世代は最新です。先に鍵を更新してください。",
            key_version=version,
        )
    with uow() as work:
        left = sum(count_by_version(work.session).get(version, {}).values())
    if left:
        raise Conflict(
            f"Key version {version} still protects {left} values: run 'mynumber keys rotate' "
            "to re-seal them first.",
            f"鍵の第{version}世代はまだ{left}件の値を保護しています。先に「mynumber keys rotate」"
            "で再暗号化してください。",
            key_version=version,
            values=left,
        )
    svc.keys.key_file.retire(version)


def live_versions(svc: Services) -> Sequence[int]:
    return svc.keys.key_file.current().live
