"""事業者における個人番号の取扱い — what an employer may do with an employee's My Number.

- Purpose (利用目的): an employer may collect and use the number only for tax withholding
  (源泉徴収, Purpose.TAX) and social insurance (社会保険, Purpose.SOCIAL_SECURITY), and must
  state which when collecting it; any other use — an employee ID, a customer number — is
  forbidden (番号法 第9条, 第15条, 第20条).
- Confirmation (本人確認) when collecting: both number confirmation (番号確認) and identity
  confirmation (身元確認) (番号法 第16条). The My Number Card proves both. The old
  notification card (通知カード) proves the number only while its name and address still
  match the register; a copy of the resident record showing the number (個人番号付き住民票の写し)
  proves it too. The notification letter (個人番号通知書, since 2020) does *not*: it says on
  its face that it cannot prove the number. Identity needs a photo ID.
- Who may see it (事務取扱担当者): only the payroll staff named for the work (番号法ガイドライン
  (事業者編) 安全管理措置); HR and managers work with the employee's record without it.
- Retention and deletion (保管と廃棄): kept while needed for the work; the tax papers that carry
  it (扶養控除等申告書) are kept 7 years (所得税法施行規則 第76条の3). *(policy)* The retention
  period ends on 10 January of the 8th year after the year employment ended (7 years from the
  day after the filing deadline of the last year's papers); from the next day the number must
  be deleted so that it cannot be recovered, and the deletion recorded (番号法ガイドライン).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from stdnum.jp import in_ as stdnum_in

from mynumber.domain.access import Purpose
from mynumber.domain.errors import Forbidden, InvalidInput, PurposeNotAllowed, invalid
from mynumber.domain.registration import PHOTO_IDS, IdDocument

RETENTION_YEARS = 7
EMPLOYER_PURPOSES = frozenset({Purpose.TAX, Purpose.SOCIAL_SECURITY})


class StaffRole(StrEnum):
    """An employer's staff roles (担当者の区分)."""

    PAYROLL = "payroll"  # 給与・社会保険の事務取扱担当者: the only role that sees numbers
    HR = "hr"  # 人事: hiring, leaving, insurance requests; never the number
    MANAGER = "manager"  # 管理者: staff accounts and the employee list; never the number


class StaffAction(StrEnum):
    """What a staff member can ask of the system."""

    MANAGE_STAFF = "manage_staff"
    VIEW_EMPLOYEES = "view_employees"
    HIRE = "hire"
    RECORD_LEAVING = "record_leaving"
    COLLECT_NUMBER = "collect_number"
    READ_NUMBER = "read_number"
    RECORD_PAY = "record_pay"
    SLIP_TAX_OFFICE = "slip_tax_office"
    SLIP_EMPLOYEE = "slip_employee"
    REQUEST_ELIGIBILITY_LETTER = "request_eligibility_letter"


_ALLOWED: dict[StaffAction, frozenset[StaffRole]] = {
    StaffAction.MANAGE_STAFF: frozenset({StaffRole.MANAGER}),
    StaffAction.VIEW_EMPLOYEES: frozenset(StaffRole),
    StaffAction.HIRE: frozenset({StaffRole.HR, StaffRole.MANAGER}),
    StaffAction.RECORD_LEAVING: frozenset({StaffRole.HR, StaffRole.MANAGER}),
    StaffAction.COLLECT_NUMBER: frozenset({StaffRole.PAYROLL}),
    StaffAction.READ_NUMBER: frozenset({StaffRole.PAYROLL}),
    StaffAction.RECORD_PAY: frozenset({StaffRole.PAYROLL}),
    StaffAction.SLIP_TAX_OFFICE: frozenset({StaffRole.PAYROLL}),
    StaffAction.SLIP_EMPLOYEE: frozenset({StaffRole.PAYROLL, StaffRole.HR}),
    StaffAction.REQUEST_ELIGIBILITY_LETTER: frozenset({StaffRole.HR}),
}


def parse_staff_role(text: str) -> StaffRole:
    """A ``StaffRole`` from its name."""
    try:
        return StaffRole(text)
    except ValueError:
        raise invalid(
            "role",
            "Unknown staff role (payroll, hr or manager).",
            "不明な担当者区分です（payroll・hr・manager）。",
        ) from None


def staff_may(role: StaffRole, action: StaffAction) -> bool:
    """Whether a staff member of ``role`` may do ``action`` (what a page offers them)."""
    return role in _ALLOWED[action]


def require_staff_role(role: StaffRole, action: StaffAction) -> None:
    """Refuse ``action`` to a staff member whose role does not include it."""
    allowed = _ALLOWED[action]
    if role not in allowed:
        names = ", ".join(sorted(r.value for r in allowed))
        raise Forbidden(
            f"Only {names} staff may do this ({action.value}); your role is {role.value}.",
            f"この操作（{action.value}）は {names} の担当者のみ可能です"
            f"（あなたの区分: {role.value}）。",
            staff_role=role.value,
            action=action.value,
        )


def check_collection_purposes(texts: Iterable[str]) -> frozenset[Purpose]:
    """The purposes stated when collecting a number; refused unless all are lawful for an
    employer (tax, social security) and at least one is given."""
    purposes = set()
    for text in texts:
        try:
            purpose = Purpose(text)
        except ValueError:
            purpose = None
        if purpose not in EMPLOYER_PURPOSES:
            raise _unlawful_purpose(text)
        purposes.add(purpose)
    if not purposes:
        raise invalid(
            "purposes",
            "State why the number is collected: tax, social_security.",
            "利用目的（tax・social_security）を明示してください。",
        )
    return frozenset(p for p in purposes if p is not None)


def _unlawful_purpose(text: str) -> PurposeNotAllowed:
    # A purpose of the law is named back; any other text is not repeated (issue 15.5).
    named = text if text in set(Purpose) else "invalid"
    shown_en, shown_ja = (
        (f"'{named}'", f"「{named}」")
        if named != "invalid"
        else ("the purpose given", "指定された目的")
    )
    return PurposeNotAllowed(
        f"An employer may collect a My Number only for tax withholding ('tax') and social "
        f"insurance ('social_security'); {shown_en} is not allowed — for example, the number "
        "must never be used as an employee ID (My Number Act arts. 9, 15 and 20).",
        f"事業者が個人番号を取得できるのは源泉徴収（tax）と社会保険（social_security）の目的に"
        f"限られます。{shown_ja}は認められません（社員番号などへの利用は番号法第9条・第15条・"
        "第20条により禁止）。",
        purpose=named,
    )


class NumberProof(StrEnum):
    """Documents for number confirmation (番号確認書類)."""

    MY_NUMBER_CARD = "my_number_card"  # マイナンバーカード (also proves identity)
    NOTIFICATION_CARD = "notification_card"  # 通知カード, only while its details match
    RESIDENT_RECORD_WITH_NUMBER = "resident_record_with_number"  # 個人番号付き住民票の写し
    NOTIFICATION_LETTER = "notification_letter"  # 個人番号通知書: never proof


def parse_number_proof(text: str) -> NumberProof:
    """A ``NumberProof`` from its name."""
    try:
        return NumberProof(text)
    except ValueError:
        names = ", ".join(p.value for p in NumberProof)
        raise invalid(
            "number_proof",
            f"Unknown number-confirmation document ({names}).",
            f"不明な番号確認書類です（{names}）。",
        ) from None


def check_confirmation(
    number_proof: NumberProof,
    identity_proof: str | None,
    *,
    details_match: bool = False,
) -> IdDocument:
    """番号確認 and 身元確認 (番号法 第16条); returns the photo ID that proved identity.

    ``details_match``: the notification card's name and address still match the register.
    """
    if number_proof is NumberProof.NOTIFICATION_LETTER:
        raise InvalidInput(
            "The notification letter (個人番号通知書) cannot prove the number: show the My "
            "Number Card, the notification card if its details are still current, or a "
            "resident record copy showing the number.",
            "個人番号通知書は番号確認書類として使えません。マイナンバーカード、記載事項に変更の"
            "ない通知カード、または個人番号付き住民票の写しを確認してください。",
            field="number_proof",
        )
    if number_proof is NumberProof.NOTIFICATION_CARD and not details_match:
        raise InvalidInput(
            "A notification card (通知カード) proves the number only while its name and "
            "address still match the resident register.",
            "通知カードは、氏名・住所が住民票と一致している場合に限り番号確認に使えます。",
            field="details_match",
        )
    if identity_proof is None and number_proof is NumberProof.MY_NUMBER_CARD:
        return IdDocument.MY_NUMBER_CARD
    return _photo_id(identity_proof)


def _photo_id(text: str | None) -> IdDocument:
    try:
        document = IdDocument(text or "")
    except ValueError:
        document = None
    if document not in PHOTO_IDS:
        names = ", ".join(sorted(d.value for d in PHOTO_IDS))
        raise invalid(
            "identity_proof",
            f"Identity must be confirmed with a photo ID ({names}).",
            f"身元確認には顔写真付きの本人確認書類が必要です（{names}）。",
        )
    assert document is not None
    return document


def retention_ends_on(left_on: dt.date) -> dt.date:
    """The last day the number may be kept after employment ended on ``left_on`` (policy:
    10 January of the 8th year after the year of leaving)."""
    return dt.date(left_on.year + 1 + RETENTION_YEARS, 1, 10)


def must_delete(left_on: dt.date | None, today: dt.date) -> bool:
    """Whether the number must now be deleted: employment ended and retention has passed."""
    return left_on is not None and today > retention_ends_on(left_on)


def check_employee_code(code: str) -> None:
    """An employee code (社員番号) is the employer's own: refuse one that is a My Number."""
    if not code.strip():
        raise invalid("employee_code", "The employee code is required.", "社員番号が必要です。")
    digits = code.replace(" ", "").replace("-", "")
    if len(digits) == 12 and digits.isdigit() and _is_my_number(digits):
        raise _unlawful_purpose("employee_id")


def _is_my_number(digits: str) -> bool:
    return bool(stdnum_in.is_valid(digits))


def latest_deletable_leaving(today: dt.date) -> dt.date:
    """The latest leaving day whose retention period has passed by ``today``."""
    year = today.year - 1 - RETENTION_YEARS
    if today <= dt.date(today.year, 1, 10):
        year -= 1
    return dt.date(year, 12, 31)
