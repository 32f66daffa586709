"""Who may do what to whom: access decided by relationship, not by role (アクセス制御方針).

A role says what kind of organisation calls; the *relationship* says whether it may touch this
person, card or record. The service loads the relationship facts (``Relationship``) and asks
``decide``; the answer (``Decision``) is allowed, or refused with the reason in English and
Japanese, and the service audits it either way (``services.core.policy.authorise``).

The relationships, from the law and RULES.md:

- a ward office (市区町村) acts on people registered, or moving in or out, in its own
  municipality (住民基本台帳法; 番号法 第9条第2項 — the municipality's own affairs): a
  moving-in (転入届) belongs to the office of the municipality the person moves in to;
- an employer never obtains a number from the register: it holds only the numbers its
  employees gave it (番号法 第14–16条: 提供の求め, 番号確認 + 身元確認), read by its payroll
  staff (事務取扱担当者) in ``services.employer.numbers``; the register refuses it outright;
- an insurer (保険者) sees its own insured, and enrols only a person it is entitled to
  insure (``domain.insurance.may_enrol``: National Health Insurance the people registered in
  its municipality, an employer's insurer the employees of its member employers, the
  late-stage elderly system the people living in its prefecture); the tax office (税務署)
  a taxpayer it holds a filing or a withholding slip for; the card centre (J-LIS) cards and
  certificates, never the number (番号法 第19条: provision only in the listed cases);
- a clinic (医療機関・薬局) sees a patient only within a visit opened by that patient's card at
  that clinic's terminal and proved by the chip at that visit; medication and check-up history
  only with the consent the patient chose at the terminal in that visit;
- a regional immigration bureau (地方出入国在留管理局) acts only on foreign residents (a
  residence card on the register) and only for the stay: it takes a special residence card
  application with a stay application (特定在留カード) from a resident of its area (管轄),
  and renews the card with a stay
  renewal only for a person whose stay case it holds (the bureau that issued it); it never
  reads the My Number (番号法 第19条: no provision to it);
- a resident (本人) sees themselves.

No I/O here: every fact comes in ``Relationship``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mynumber.domain.access import Purpose, Role, allowed_purposes
from mynumber.domain.pins import PinKind


class Action(StrEnum):
    """What the caller wants to do to the subject."""

    READ_NUMBER = "read_number"  # the full My Number (利用)
    FIND_BY_NUMBER = "find_by_number"  # who holds a number
    VIEW_PERSON = "view_person"  # the register's record, number masked
    CHANGE_REGISTRATION = "change_registration"  # 転入届・転居届・転出届
    HANDLE_LETTER = "handle_letter"  # 個人番号通知書: PDF, reissue, hand-over, returned mail
    HANDLE_CARD = "handle_card"  # the counter's card work: collect, return, lost, PINs, validity
    VIEW_CARD = "view_card"  # a card's status and dates
    VIEW_APPLICATION = "view_application"  # a card application, its pickup notice
    APPLY_FOR_CARD = "apply_for_card"  # 交付申請: at the counter, or the person themself
    USE_CARD = "use_card"  # a PIN entered on the card at a terminal
    VIEW_INSURANCE = "view_insurance"  # an insurer's view of an enrolment
    ENROL_INSURED = "enrol_insured"  # 資格取得: an insurer enrols a person
    REGISTER_INSURANCE_USE = "register_insurance_use"  # 健康保険証利用登録 of the person's card
    CANCEL_INSURANCE_USE = "cancel_insurance_use"  # 利用登録の解除: the holder asks their insurer
    VIEW_TAX_RECORD = "view_tax_record"  # a return or a slip the tax office holds
    VIEW_HISTORY = "view_history"  # medication and check-up history at a visit
    RECORD_AT_VISIT = "record_at_visit"  # a prescription or check-up written at a visit
    GIVE_CONSENT = "give_consent"  # the patient's choice at the terminal, in the visit (同意)
    VISUAL_CHECK = "visual_check"  # 目視確認: a clerk compares the face with the card in the reader
    SHARE_WITH_SERVICE = "share_with_service"  # the holder signs in to a service with the card
    ISSUE_SPECIAL_RESIDENCE_CARD = "issue_special_residence_card"  # 特定在留カード with a stay
    RENEW_SPECIAL_RESIDENCE_CARD = "renew_special_residence_card"  # with a stay renewal


@dataclass(frozen=True)
class Actor:
    """The caller as the policy sees it."""

    role: Role
    municipality_code: str | None = None
    scope_id: int | None = None
    """The employer, insurer, clinic or person the caller is bound to."""
    clerk: str | None = None


@dataclass(frozen=True)
class Visit:
    """A clinic visit as the policy needs it: whose terminal, how the patient was proved."""

    clinic_id: int
    proven_by_chip: bool
    """Opened by the patient's card at this clinic's terminal, proved by the chip at this visit
    (a signed fresh nonce after the PIN, a face matched against the chip's photo, or a staff
    visual check with the card present) — not by a letter's numbers."""
    open: bool
    """Not closed, and the consent (if any) has not lapsed."""
    consent_history: bool
    """The patient chose at the terminal, in this visit, to share medication or check-ups."""


@dataclass(frozen=True)
class Relationship:
    """The facts about the subject that decide access, loaded by the service."""

    person_id: int | None = None
    municipalities: frozenset[str] = frozenset()
    """Where the subject is registered, or is moving in to or out of."""
    employee_of: frozenset[int] = frozenset()
    """Employers the subject gave their number to (番号確認 + 身元確認 done)."""
    insured_by: frozenset[int] = frozenset()
    """Insurers the subject is enrolled with."""
    insurable_by: frozenset[int] = frozenset()
    """Insurers entitled to enrol the subject (``domain.insurance.may_enrol``); loaded only
    when an insurer asks to enrol them."""
    tax_records: bool = False
    """The tax office holds a return or a withholding slip of the subject."""
    card_record: bool = False
    """The subject has a card or a card application (the card centre's business)."""
    visit: Visit | None = None
    card_in_terminal: bool = False
    """The subject's card is in the caller's terminal now (a terminal session with the card)."""
    foreign_resident: bool = False
    """The subject is registered with a residence card (the immigration bureau's business)."""
    bureaus_serving: frozenset[int] = frozenset()
    """The immigration bureaus whose area (管轄) covers where the subject is registered."""
    stay_cases: frozenset[int] = frozenset()
    """The immigration bureaus holding the subject's stay case (a special residence card they
    issued or renewed)."""


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    """A stable code: what granted the access, or why it was refused."""
    message_en: str = ""
    message_ja: str = ""


def _allow(reason: str) -> Decision:
    return Decision(True, reason)


def _refuse(reason: str, en: str, ja: str) -> Decision:
    return Decision(False, reason, en, ja)


# Which role may attempt which action at all; the relationship decides the rest.
_ACTIONS: dict[Action, frozenset[Role]] = {
    Action.READ_NUMBER: frozenset({Role.WARD_OFFICE, Role.INSURER, Role.TAX_OFFICE, Role.RESIDENT}),
    Action.FIND_BY_NUMBER: frozenset({Role.WARD_OFFICE, Role.INSURER, Role.TAX_OFFICE}),
    Action.VIEW_PERSON: frozenset({Role.WARD_OFFICE, Role.CARD_CENTRE, Role.RESIDENT}),
    Action.CHANGE_REGISTRATION: frozenset({Role.WARD_OFFICE}),
    Action.HANDLE_LETTER: frozenset({Role.WARD_OFFICE, Role.RESIDENT}),
    Action.HANDLE_CARD: frozenset({Role.WARD_OFFICE, Role.RESIDENT}),
    Action.VIEW_CARD: frozenset({Role.WARD_OFFICE, Role.CARD_CENTRE, Role.RESIDENT}),
    Action.VIEW_APPLICATION: frozenset({Role.WARD_OFFICE, Role.CARD_CENTRE, Role.RESIDENT}),
    Action.APPLY_FOR_CARD: frozenset({Role.WARD_OFFICE, Role.RESIDENT}),
    Action.USE_CARD: frozenset({Role.WARD_OFFICE, Role.CLINIC, Role.KIOSK, Role.RESIDENT}),
    Action.VIEW_INSURANCE: frozenset({Role.INSURER, Role.RESIDENT}),
    Action.ENROL_INSURED: frozenset({Role.INSURER}),
    Action.REGISTER_INSURANCE_USE: frozenset({Role.WARD_OFFICE, Role.CLINIC, Role.RESIDENT}),
    Action.CANCEL_INSURANCE_USE: frozenset({Role.INSURER, Role.RESIDENT}),
    Action.VIEW_TAX_RECORD: frozenset({Role.TAX_OFFICE, Role.RESIDENT}),
    Action.VIEW_HISTORY: frozenset({Role.CLINIC}),
    Action.RECORD_AT_VISIT: frozenset({Role.CLINIC}),
    Action.GIVE_CONSENT: frozenset({Role.CLINIC}),
    Action.VISUAL_CHECK: frozenset({Role.CLINIC}),
    # デジタル認証アプリ: only the holder, at their card, consents to share with a service.
    Action.SHARE_WITH_SERVICE: frozenset({Role.RESIDENT}),
    Action.ISSUE_SPECIAL_RESIDENCE_CARD: frozenset({Role.IMMIGRATION}),
    Action.RENEW_SPECIAL_RESIDENCE_CARD: frozenset({Role.IMMIGRATION}),
}


def decide(
    actor: Actor, action: Action, facts: Relationship, purpose: Purpose | None = None
) -> Decision:
    """May ``actor`` do ``action`` to the subject described by ``facts`` (for ``purpose``)?"""
    if action in (Action.READ_NUMBER, Action.FIND_BY_NUMBER):
        early = _number_rules(actor, purpose)
        if early is not None:
            return early
    if actor.role not in _ACTIONS[action]:
        return _refuse(
            "role-not-allowed",
            f"A {_name_en(actor.role)} may not {_ACTION_EN[action]}.",
            f"{_name_ja(actor.role)}は{_ACTION_JA[action]}ことはできません。",
        )
    return _RELATIONSHIP[actor.role](actor, action, facts)


def _number_rules(actor: Actor, purpose: Purpose | None) -> Decision | None:
    """The My Number's own limits, before any relationship (番号法 第9条, 第15条, 第19条)."""
    if actor.role is Role.EMPLOYER:
        return _refuse(
            "employer-never-from-register",
            "An employer never obtains a My Number from the register: it records the number "
            "its employee gives it (number and identity checked), read by payroll staff only.",
            "事業者は住民基本台帳から個人番号を取得できません。従業員本人から番号確認・身元確認の"
            "うえ提供を受けた番号を、事務取扱担当者のみが利用します。",
        )
    if actor.role is Role.CARD_CENTRE:
        return _refuse(
            "card-centre-never-number",
            "The card centre handles cards and certificates, never the My Number.",
            "地方公共団体情報システム機構はカードと電子証明書を扱い、個人番号は扱いません。",
        )
    if actor.role is Role.IMMIGRATION:
        return _refuse(
            "immigration-never-number",
            "The immigration bureau handles the stay and the residence card, never the My Number.",
            "出入国在留管理庁は在留と在留カードを扱い、個人番号は扱いません。",
        )
    if purpose is None or purpose not in allowed_purposes(actor.role):
        shown = purpose.value if purpose is not None else "none"
        return _refuse(
            "purpose-not-allowed",
            f"A {_name_en(actor.role)} may not read a My Number for '{shown}' (番号法 第9条).",
            f"{_name_ja(actor.role)}は「{shown}」の目的で個人番号を利用できません（番号法第9条）。",
        )
    return None


def _ward_office(actor: Actor, action: Action, facts: Relationship) -> Decision:
    if actor.municipality_code is None:
        return _refuse(
            "no-municipality",
            "This ward-office caller is not bound to a municipality.",
            "この窓口の利用者は市区町村に紐付いていません。",
        )
    if actor.municipality_code in facts.municipalities:
        return _allow("own-municipality")
    return _refuse(
        "other-municipality",
        "This person is not registered in (nor moving in to or out of) your municipality: "
        "their own municipality's office handles this.",
        "この方はあなたの市区町村に住民登録されていません（転入・転出の手続中でもありません）。"
        "住所地の市区町村で手続きしてください。",
    )


def _resident(actor: Actor, action: Action, facts: Relationship) -> Decision:
    if actor.scope_id is not None and actor.scope_id == facts.person_id:
        return _allow("self")
    return _refuse(
        "not-self",
        "You can see and act only on your own records.",
        "ご本人の記録のみ確認・操作できます。",
    )


def _insurer(actor: Actor, action: Action, facts: Relationship) -> Decision:
    if action is Action.ENROL_INSURED:
        if actor.scope_id is not None and actor.scope_id in facts.insurable_by:
            return _allow("may-insure")
        return _refuse(
            "not-entitled-to-insure",
            "You may not enrol this person: National Health Insurance enrols people "
            "registered in its municipality (a newcomer after the moving-in, 転入届), an "
            "employer's insurer the employees of its member employers, the late-stage elderly "
            "system people living in its prefecture.",
            "この方の資格取得はできません。国民健康保険はその市区町村に住民登録している方（転入届の後）、"
            "健康保険組合等は加入事業所の従業員、後期高齢者医療広域連合は区域内に住所のある方が対象です。",
        )
    if actor.scope_id is not None and actor.scope_id in facts.insured_by:
        return _allow("own-insured")
    return _refuse(
        "not-insured-here",
        "This person is not insured with you.",
        "この方は貴保険者の被保険者ではありません。",
    )


def _tax_office(actor: Actor, action: Action, facts: Relationship) -> Decision:
    if facts.tax_records:
        return _allow("taxpayer-on-file")
    return _refuse(
        "no-tax-record",
        "The tax office holds no return or withholding slip of this person.",
        "税務署にこの方の申告書・源泉徴収票がありません。",
    )


def _card_centre(actor: Actor, action: Action, facts: Relationship) -> Decision:
    if facts.card_record:
        return _allow("card-holder")
    return _refuse(
        "no-card-record",
        "This person has no card or card application.",
        "この方にはカードも交付申請もありません。",
    )


def _immigration(actor: Actor, action: Action, facts: Relationship) -> Decision:
    if actor.scope_id is None:
        return _refuse(
            "no-bureau",
            "This immigration caller is not bound to a bureau.",
            "この利用者は地方出入国在留管理局に紐付いていません。",
        )
    if not facts.foreign_resident:
        return _refuse(
            "not-a-foreign-resident",
            "The immigration bureau acts only on foreign residents (a residence card on the "
            "register).",
            "出入国在留管理庁は外国人住民（在留カードを持つ方）についてのみ手続きできます。",
        )
    if action is Action.ISSUE_SPECIAL_RESIDENCE_CARD:
        if actor.scope_id in facts.bureaus_serving:
            return _allow("own-area")
        return _refuse(
            "other-area",
            "This person lives outside your bureau's area: the bureau serving their address "
            "takes the stay application.",
            "この方の住所は貴局の管轄外です。住所地を管轄する局で申請してください。",
        )
    if actor.scope_id in facts.stay_cases:
        return _allow("own-stay-case")
    return _refuse(
        "no-stay-case",
        "Your bureau holds no stay case of this person: the bureau that issued the special "
        "residence card renews it.",
        "貴局にはこの方の在留の案件がありません。特定在留カードを交付した局で更新してください。",
    )


def _card_not_in_terminal() -> Decision:
    return _refuse(
        "card-not-in-terminal",
        "The card is not in your terminal: the patient inserts it first.",
        "カードが端末にありません。患者さんにカードを置いていただいてください。",
    )


def _clinic(actor: Actor, action: Action, facts: Relationship) -> Decision:
    if action in (Action.USE_CARD, Action.REGISTER_INSURANCE_USE):
        # 利用登録 at a clinic: on the first visit, with the card that just proved itself in
        # this terminal's reader — never a person the clinic names.
        if facts.card_in_terminal:
            return _allow("card-in-terminal")
        return _card_not_in_terminal()
    if action is Action.VISUAL_CHECK:
        # 目視確認 proves nothing by the chip: the card must be in this terminal's reader and a
        # named clerk (not a machine's token) answers for the comparison.
        if not facts.card_in_terminal:
            return _card_not_in_terminal()
        if not actor.clerk:
            return _refuse(
                "no-clerk",
                "A staff visual check is made by a clerk logged in at the terminal.",
                "目視確認は端末にログインした職員が行います。",
            )
        return _allow("card-in-terminal-clerk")
    visit = facts.visit
    if visit is None or actor.scope_id is None or visit.clinic_id != actor.scope_id:
        return _refuse(
            "no-visit-here",
            "There is no such visit at this clinic.",
            "この医療機関にこの受付はありません。",
        )
    if not visit.open:
        return _refuse("visit-closed", "The visit is over.", "この受付は終了しています。")
    if action is Action.RECORD_AT_VISIT and not visit.proven_by_chip:
        return _refuse(
            "visit-not-proven-by-card",
            "Records are written only at a visit opened with the patient's card at your terminal.",
            "記録は、患者さんのカードで受付した受診でのみ書き込めます。",
        )
    if action is Action.GIVE_CONSENT:
        # The patient's own choice: the visit's card, proved by the chip, is in this terminal
        # now (its signature over a fresh nonce bound to the visit and the choice, or the
        # terminal's reader session holding it) — never a flag the clinic's software sends.
        if not visit.proven_by_chip:
            return _refuse(
                "visit-not-proven-by-card",
                "Consent is given only at a visit opened with the patient's card.",
                "同意は、患者さんのカードで受付した受診でのみできます。",
            )
        if not facts.card_in_terminal:
            return _refuse(
                "consent-not-from-card",
                "The patient gives consent at the terminal with the card of this visit in "
                "the reader (the card signs the choice).",
                "同意は、この受付のカードを端末に置いたまま患者さんご本人が選択します"
                "（カードが選択内容に署名します）。",
            )
        return _allow("consent-at-terminal")
    if action is Action.VIEW_HISTORY:
        if not visit.proven_by_chip:
            return _refuse(
                "visit-not-proven-by-card",
                "Only a visit opened with the patient's card at your terminal (PIN, face "
                "against the chip's photo, or a staff visual check with the card) opens the "
                "history.",
                "患者さんのカードで受付した場合（暗証番号・カードの顔写真との顔認証・カードを用いた"
                "目視確認）にのみ、薬剤情報・健診情報を閲覧できます。",
            )
        if not visit.consent_history:
            return _refuse(
                "no-consent",
                "The patient has not consented at this visit to share their medication or "
                "check-up information: ask them to choose at the terminal.",
                "この受診で薬剤情報・健診情報の提供に同意がありません。端末で選択していただいて"
                "ください。",
            )
        return _allow("visit-with-consent")
    return _allow("open-visit")


def _kiosk(actor: Actor, action: Action, facts: Relationship) -> Decision:
    if facts.card_in_terminal:
        return _allow("card-in-terminal")
    return _refuse(
        "card-not-in-terminal", "The card is not in this kiosk.", "カードがこの端末にありません。"
    )


def _employer(actor: Actor, action: Action, facts: Relationship) -> Decision:
    return _refuse(
        "employer-own-records",
        "An employer works only with the records its employees gave it.",
        "事業者は従業員から提供を受けた記録のみを扱います。",
    )


def _sandbox_admin(actor: Actor, action: Action, facts: Relationship) -> Decision:
    return _refuse(
        "sandbox-admin-no-records",
        "The sandbox's operator moves its clock and drives its cards; it sees no one's records.",
        "サンドボックスの管理者は時計とカードを操作するのみで、個人の記録は閲覧できません。",
    )


_RELATIONSHIP = {
    Role.WARD_OFFICE: _ward_office,
    Role.RESIDENT: _resident,
    Role.INSURER: _insurer,
    Role.TAX_OFFICE: _tax_office,
    Role.CARD_CENTRE: _card_centre,
    Role.CLINIC: _clinic,
    Role.KIOSK: _kiosk,
    Role.EMPLOYER: _employer,
    Role.IMMIGRATION: _immigration,
    Role.SANDBOX_ADMIN: _sandbox_admin,
}

_NAMES = {
    Role.WARD_OFFICE: ("ward office", "市区町村窓口"),
    Role.CARD_CENTRE: ("card centre", "地方公共団体情報システム機構"),
    Role.CLINIC: ("clinic", "医療機関"),
    Role.INSURER: ("insurer", "保険者"),
    Role.EMPLOYER: ("employer", "事業者"),
    Role.TAX_OFFICE: ("tax office", "税務署"),
    Role.KIOSK: ("kiosk", "キオスク端末"),
    Role.RESIDENT: ("resident", "住民"),
    Role.IMMIGRATION: ("immigration bureau", "地方出入国在留管理局"),
    Role.SANDBOX_ADMIN: ("sandbox admin", "サンドボックス管理者"),
}


def _name_en(role: Role) -> str:
    return _NAMES[role][0]


def _name_ja(role: Role) -> str:
    return _NAMES[role][1]


_ACTION_EN = {
    Action.READ_NUMBER: "read a My Number",
    Action.FIND_BY_NUMBER: "look a person up by My Number",
    Action.VIEW_PERSON: "see a resident's record",
    Action.CHANGE_REGISTRATION: "change a registration",
    Action.HANDLE_LETTER: "handle a notification letter",
    Action.HANDLE_CARD: "handle a card at the counter",
    Action.VIEW_CARD: "see a card's status",
    Action.VIEW_APPLICATION: "see a card application",
    Action.APPLY_FOR_CARD: "apply for a card",
    Action.USE_CARD: "have a PIN entered on a card",
    Action.VIEW_INSURANCE: "see an insurance enrolment",
    Action.ENROL_INSURED: "enrol a person in health insurance",
    Action.REGISTER_INSURANCE_USE: "register a card for health insurance use",
    Action.CANCEL_INSURANCE_USE: "cancel a card's health insurance use",
    Action.VIEW_TAX_RECORD: "see a tax record",
    Action.VIEW_HISTORY: "see medication and check-up history",
    Action.RECORD_AT_VISIT: "write a record at a visit",
    Action.GIVE_CONSENT: "record a patient's consent",
    Action.VISUAL_CHECK: "make a staff visual check",
    Action.SHARE_WITH_SERVICE: "share a person's identity with a service",
    Action.ISSUE_SPECIAL_RESIDENCE_CARD: "issue a special residence card",
    Action.RENEW_SPECIAL_RESIDENCE_CARD: "renew a special residence card",
}
_ACTION_JA = {
    Action.READ_NUMBER: "個人番号を利用する",
    Action.FIND_BY_NUMBER: "個人番号で人を検索する",
    Action.VIEW_PERSON: "住民の記録を閲覧する",
    Action.CHANGE_REGISTRATION: "住民登録を変更する",
    Action.HANDLE_LETTER: "個人番号通知書を扱う",
    Action.HANDLE_CARD: "窓口でカードを扱う",
    Action.VIEW_CARD: "カードの状態を閲覧する",
    Action.VIEW_APPLICATION: "カードの交付申請を閲覧する",
    Action.APPLY_FOR_CARD: "カードの交付を申請する",
    Action.USE_CARD: "カードに暗証番号を入力させる",
    Action.VIEW_INSURANCE: "保険の資格を閲覧する",
    Action.ENROL_INSURED: "健康保険の資格を取得させる",
    Action.REGISTER_INSURANCE_USE: "カードを健康保険証として利用登録する",
    Action.CANCEL_INSURANCE_USE: "マイナ保険証の利用登録を解除する",
    Action.VIEW_TAX_RECORD: "税の記録を閲覧する",
    Action.VIEW_HISTORY: "薬剤情報・健診情報を閲覧する",
    Action.RECORD_AT_VISIT: "受診の記録を書く",
    Action.GIVE_CONSENT: "患者の同意を記録する",
    Action.VISUAL_CHECK: "目視確認を行う",
    Action.SHARE_WITH_SERVICE: "本人の情報をサービスに提供する",
    Action.ISSUE_SPECIAL_RESIDENCE_CARD: "特定在留カードを交付する",
    Action.RENEW_SPECIAL_RESIDENCE_CARD: "特定在留カードを更新する",
}


# --- terminals do only their job ---------------------------------------------------------

_TERMINAL_PINS: dict[Role, frozenset[PinKind]] = {
    # マイナ受付: identity by the user-authentication certificate, nothing else.
    Role.CLINIC: frozenset({PinKind.USER_AUTHENTICATION}),
    # コンビニ交付機: each reset proves the *other* credential (``domain.kiosk``): the
    # signature PIN to reset the 4-digit one, the 4-digit PIN to reset the signature PIN.
    Role.KIOSK: frozenset({PinKind.SIGNATURE, PinKind.USER_AUTHENTICATION}),
    Role.WARD_OFFICE: frozenset(PinKind),
    Role.RESIDENT: frozenset(PinKind),
}


def terminal_may_verify(role: Role, pin: PinKind) -> Decision:
    """Whether a terminal of ``role`` may have ``pin`` entered on a card at all."""
    if pin in _TERMINAL_PINS.get(role, frozenset()):
        return _allow("terminal-pin")
    return _refuse(
        "pin-not-for-this-terminal",
        f"A {_name_en(role)} terminal may not verify the {pin.name_en}.",
        f"{_name_ja(role)}の端末では{pin.name_ja}を照合できません。",
    )
