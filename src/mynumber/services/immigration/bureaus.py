"""Immigration bureaus: set one up, and the bureau a caller acts for."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from mynumber.adapters.db.models_immigration import ImmigrationBureau
from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden, invalid
from mynumber.domain.special_residence import parse_prefectures
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import refused, require_role
from mynumber.services.core.writes import flush_or_conflict

NAME_LENGTH = 100


def create_bureau(
    session: Session, svc: Services, *, name: str, name_ja: str, prefectures: Iterable[str]
) -> ImmigrationBureau:
    """Set up a regional immigration bureau serving ``prefectures`` (its area, 管轄; its
    tokens are bound to its id)."""
    area = parse_prefectures(prefectures)
    name, name_ja = name.strip(), name_ja.strip()
    if not name or len(name) > NAME_LENGTH or len(name_ja) > NAME_LENGTH:
        raise invalid(
            "name",
            f"Give the bureau's name (at most {NAME_LENGTH} characters).",
            f"局の名称を入力してください（{NAME_LENGTH}文字以内）。",
        )
    bureau = ImmigrationBureau(
        name=name, name_ja=name_ja or name, prefectures=area, created_at=svc.clock.now()
    )
    session.add(bureau)
    flush_or_conflict(session)
    return bureau


def bureau_of(session: Session, caller: Caller) -> ImmigrationBureau:
    """The bureau an ``IMMIGRATION`` caller acts for (refused, audited, if none)."""
    require_role(caller, Role.IMMIGRATION)
    bureau = session.get(ImmigrationBureau, caller.scope_id) if caller.scope_id else None
    if bureau is None:
        raise refused(
            caller,
            Forbidden(
                "This token is not bound to an immigration bureau.",
                "このトークンは地方出入国在留管理局に紐付いていません。",
                reason="no_bureau",
            ),
        )
    return bureau
