"""Who may do what, and for which purpose a My Number may be read.

番号法 (the My Number Act) 第9条 limits the use of the number to social security, tax and
disaster response, by those the law names; 第15条 and 第20条 forbid collecting it for anything
else. Every read of a number therefore states a ``Purpose``; ``check_number_purpose`` refuses
any purpose the caller's ``Role`` does not have. A clinic, a kiosk, a shop or a landlord has
none: they never see the number.
"""

from __future__ import annotations

from enum import StrEnum

from mynumber.domain.errors import Forbidden, PurposeNotAllowed, invalid


class Role(StrEnum):
    """The actors of DESIGN.md, as API tokens and sessions know them."""

    WARD_OFFICE = "ward_office"  # 市区町村窓口
    CARD_CENTRE = "card_centre"  # J-LIS (地方公共団体情報システム機構)
    CLINIC = "clinic"  # 医療機関・薬局
    INSURER = "insurer"  # 保険者
    EMPLOYER = "employer"  # 事業者
    TAX_OFFICE = "tax_office"  # 税務署
    KIOSK = "kiosk"  # コンビニ交付機
    RESIDENT = "resident"  # 本人
    IMMIGRATION = "immigration"  # 地方出入国在留管理局 (a regional immigration bureau)
    SANDBOX_ADMIN = "sandbox_admin"  # the sandbox's operator: moves its clock, drives its cards


class Purpose(StrEnum):
    """Why a My Number is read (番号法 第9条, plus the registry's own duties)."""

    TAX = "tax"  # 税
    SOCIAL_SECURITY = "social_security"  # 社会保障
    DISASTER_RESPONSE = "disaster_response"  # 災害対策
    RESIDENT_REGISTRY = "resident_registry"  # 住民基本台帳・個人番号の通知と交付
    OWN_RECORD = "own_record"  # 本人による確認


_NUMBER_PURPOSES: dict[Role, frozenset[Purpose]] = {
    Role.WARD_OFFICE: frozenset(
        {Purpose.RESIDENT_REGISTRY, Purpose.TAX, Purpose.SOCIAL_SECURITY, Purpose.DISASTER_RESPONSE}
    ),
    Role.CARD_CENTRE: frozenset({Purpose.RESIDENT_REGISTRY}),
    Role.INSURER: frozenset({Purpose.SOCIAL_SECURITY}),
    Role.EMPLOYER: frozenset({Purpose.TAX, Purpose.SOCIAL_SECURITY}),
    Role.TAX_OFFICE: frozenset({Purpose.TAX}),
    Role.RESIDENT: frozenset({Purpose.OWN_RECORD}),
    Role.CLINIC: frozenset(),
    Role.KIOSK: frozenset(),
    Role.IMMIGRATION: frozenset(),
    Role.SANDBOX_ADMIN: frozenset(),
}


MAX_PURPOSE_TEXT = 40
"""The longest purpose text read at all: every ``Purpose`` is far shorter, and a longer
text is malformed input (422), not a request the law must weigh."""

INVALID_PURPOSE = "invalid"
"""What a refusal says (and the audit log keeps) of a purpose that is none of ``Purpose``:
never the text as typed — it reaches the append-only log and the resident's access log."""


def parse_purpose(text: str, *, person_id: int | None = None) -> Purpose:
    """A ``Purpose`` from its name; anything else is refused as the law refuses it, without
    repeating what was typed (a typed number would otherwise reach the audit log).

    ``person_id``, when given, names whose number was asked for (kept for the audit log).
    """
    if len(text) > MAX_PURPOSE_TEXT:
        raise invalid(
            "purpose",
            "The purpose is too long: give one of tax, social_security, "
            "disaster_response, resident_registry or own_record.",
            "利用目的が長すぎます。tax・social_security・disaster_response・"
            "resident_registry・own_record のいずれかを指定してください。",
        )
    try:
        return Purpose(text)
    except ValueError:
        raise PurposeNotAllowed(
            "The purpose given is not one for which the My Number Act allows the number to "
            "be used (only tax, social security, disaster response, the resident registry, "
            "or the owner's own record).",
            "指定された目的はマイナンバー法で認められた利用目的ではありません"
            "（税・社会保障・災害対策・住民基本台帳事務・本人確認のみ）。",
            purpose=INVALID_PURPOSE,
            person_id=person_id,
        ) from None


def check_number_purpose(role: Role, purpose: Purpose) -> None:
    """Refuse a read of a My Number by ``role`` for ``purpose`` unless the law allows it."""
    if purpose not in _NUMBER_PURPOSES[role]:
        raise PurposeNotAllowed(
            f"A {role.value.replace('_', ' ')} may not read a My Number for '{purpose.value}'.",
            f"この利用者（{role.value}）は「{purpose.value}」の目的でマイナンバーを"
            "利用できません。",
            role=role.value,
            purpose=purpose.value,
        )


def allowed_purposes(role: Role) -> frozenset[Purpose]:
    """The purposes for which ``role`` may read a number (empty for clinics and kiosks)."""
    return _NUMBER_PURPOSES[role]


def require_role(actual: Role, *allowed: Role) -> None:
    """Refuse a call outside the caller's role."""
    if actual not in allowed:
        names = ", ".join(r.value for r in allowed)
        raise Forbidden(
            f"This action is for {names}; your role is {actual.value}.",
            f"この操作は {names} のみ可能です（あなたの役割: {actual.value}）。",
            role=actual.value,
        )


def parse_role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise invalid("role", "Unknown role.", "不明な役割です。") from None
