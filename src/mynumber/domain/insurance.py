"""公的医療保険の資格 — health-insurance eligibility: insurers, the insured, limit categories.

The rules of online eligibility checks (オンライン資格確認) that are not co-pay or letter
validity (those are in ``insurance_rules``, the only copy):

- **Insurers (保険者)**: National Health Insurance run by each municipality (国民健康保険,
  6-digit insurer number), employer health insurance — an association (健康保険組合) or
  協会けんぽ — (8 digits), and the late-stage elderly system (後期高齢者医療広域連合, 8 digits
  beginning ``39``). The last digit of an insurer number is a check digit (検証番号): each
  other digit, from the right, is multiplied by 2, 1, 2, 1…, the digits of the products are
  summed, and the check digit is ``(10 − sum mod 10) mod 10`` (厚生労働省 保険者番号の設定).
  ``01130012`` (協会けんぽ 東京支部) and ``131011`` (千代田区 国保) are valid.
- **Who belongs where**: from the day one is 75 (``late_elderly_starts_on``) everyone leaves
  National Health Insurance and employer insurance for the late-stage elderly system
  (国民健康保険法 第6条, 健康保険法 第3条, 高齢者医療確保法 第50条); the late-stage system
  takes nobody younger *(policy: the 65–74 disability route of 第50条 is out of scope)*.
- **Who may enrol whom (資格取得)** — the insurer's relationship to the person, asked before
  any state of theirs (``may_enrol``; ``domain.policy``, ``Action.ENROL_INSURED``):
  National Health Insurance the people registered as living in its municipality
  (国民健康保険法 第5条: 市町村の区域内に住所を有する者; a newcomer once the 転入届 is
  registered); an employer's insurer (健康保険組合・協会けんぽ) the employees of the
  employers that belong to it (健康保険法 第3条: 適用事業所に使用される者) — *policy:* an
  employee still employed whose number the employer recorded, as the 資格取得届 carries it;
  the late-stage elderly system (後期高齢者医療広域連合) the people registered in its
  prefecture (高齢者医療確保法 第50条): the prefecture is written in its own insurer number
  (``39`` + the 2-digit prefecture number + the union's 3 digits + the check digit,
  ``late_elderly_prefecture``), compared with the first 2 digits of the municipality codes
  the person is registered in (全国地方公共団体コード). Whether the
  person's age belongs there, or they are still insured elsewhere, is checked after.
- **The insured's numbers**: insurer number, 記号 (symbol, may be empty) and 番号, and the
  2-digit 枝番 (branch number) that tells apart the members of one family (since 2021).
- **Limit-amount category (限度額適用区分)** of high-cost medical care (高額療養費, 健康保険法
  施行令 第42条): under 70, ア–オ; from 70 (高齢受給者, and 75+), 現役並みⅢ/Ⅱ/Ⅰ, 一般,
  低所得Ⅱ/Ⅰ. The insurer assigns each insured an income class every year from tax data;
  for employer insurance it follows the standard monthly remuneration (標準報酬月額):
  ≥ ¥830,000, ¥530,000–790,000, ¥280,000–500,000, ≤ ¥260,000, or exempt from residence tax
  (住民税非課税; with no income at all, 低所得Ⅰ from 70). The same class decides the co-pay
  from 70: the top three classes are "income like active workers" (現役並み所得).
- **Consent (同意)**: at the terminal the patient chooses, per visit, whether the clinic may see
  past medication (薬剤情報), check-up results (特定健診情報) and the limit-amount category
  (限度額情報). *Policy:* a consent holds for the visit until the end of that day (JST).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Protocol, TypeVar

from mynumber.domain.clock import JST
from mynumber.domain.deadlines import office_deadline
from mynumber.domain.errors import CardError, Conflict, Forbidden, NotFound, invalid
from mynumber.domain.insurance_rules import (
    AgeBand,
    IncomeBracket,
    age_band,
    copay_percent,
    late_elderly_starts_on,
    renew_certificate_note,
)

LATE_ELDERLY_LAW_NUMBER = "39"  # 法別番号 of the late-stage elderly system
PREFECTURES = 47  # 都道府県番号 01 (北海道) … 47 (沖縄県)

#: Whether the clinic check (オンライン資格確認) needs the chip's address to match the
#: register: it does **not** (issue 17.4). The terminal identifies the holder by the card's
#: user-authentication certificate, which carries no address and which a move does not
#: revoke; the card keeps working at clinics after a move until the card itself lapses under
#: the 14/30/90-day rules (``deadlines.card_after_move``). Sources: RULES.md "address or
#: name change"; 公的個人認証法; 厚生労働省 オンライン資格確認. An out-of-date chip address is
#: therefore no reason to refuse a check, nor to send an unasked 資格確認書.
CLINIC_CHECK_NEEDS_CURRENT_ADDRESS = False
_SYMBOL = re.compile(r"[0-9A-Za-z\-\u30A0-\u30FF\u4E00-\u9FFF]{0,20}")
_NUMBER = re.compile(r"[0-9A-Za-z\-]{1,20}")


class InsurerKind(StrEnum):
    """The kinds of insurer a clinic meets."""

    NATIONAL_HEALTH_INSURANCE = "nhi"  # 国民健康保険 (市区町村)
    EMPLOYER = "employer"  # 健康保険組合・協会けんぽ
    LATE_ELDERLY = "late_elderly"  # 後期高齢者医療広域連合

    @property
    def number_length(self) -> int:
        """Digits of the insurer number: 6 for National Health Insurance, else 8."""
        return 6 if self is InsurerKind.NATIONAL_HEALTH_INSURANCE else 8


def insurer_check_digit(body: str) -> int:
    """The check digit (検証番号) of an insurer number without it (5 or 7 digits)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def parse_insurer_number(text: str, kind: InsurerKind) -> str:
    """The insurer number if it has ``kind``'s length and a correct check digit."""
    digits = text.strip()
    if not digits.isascii() or not digits.isdigit() or len(digits) != kind.number_length:
        raise invalid(
            "insurer_number",
            f"A {kind.value} insurer number has {kind.number_length} digits.",
            f"保険者番号は{kind.number_length}桁の数字です。",
        )
    if int(digits[-1]) != insurer_check_digit(digits[:-1]):
        raise invalid(
            "insurer_number",
            "The insurer number's check digit is wrong.",
            "保険者番号の検証番号が正しくありません。",
        )
    if (kind is InsurerKind.LATE_ELDERLY) != digits.startswith(LATE_ELDERLY_LAW_NUMBER):
        raise invalid(
            "insurer_number",
            "Insurer numbers beginning with 39 belong to the late-stage elderly "
            "system, and only those.",
            "法別番号39は後期高齢者医療制度の保険者番号です。",
        )
    if kind is InsurerKind.LATE_ELDERLY and not 1 <= int(digits[2:4]) <= PREFECTURES:
        raise invalid(
            "insurer_number",
            "A late-stage elderly union's number names its prefecture in digits 3-4 (01-47).",
            "後期高齢者医療広域連合の保険者番号の3・4桁目は都道府県番号（01〜47）です。",
        )
    return digits


def late_elderly_prefecture(insurer_number: str) -> str:
    """The 2-digit prefecture number (都道府県番号) of a late-stage elderly union
    (後期高齢者医療広域連合), from its insurer number: ``39`` + prefecture + union + check digit.
    A union serves one prefecture, all its municipalities (高齢者医療確保法 第48条)."""
    return insurer_number[2:4]


class InsuranceUseChannel(StrEnum):
    """Where a card is registered for insurance use (健康保険証利用登録)."""

    PORTAL = "portal"  # マイナポータル, by the holder
    COUNTER = "counter"  # 市区町村の窓口
    CLINIC = "clinic"  # the clinic's card reader, on the first visit


class LossReason(StrEnum):
    """Why an enrolment ends (資格喪失の事由): a closed list, because the reason is kept with
    the enrolment and written to the audit log, which free text must never reach."""

    MOVED_AWAY = "moved_away"  # 転出 (National Health Insurance is municipal)
    LEFT_JOB = "left_job"  # 退職
    NEW_JOB = "new_job"  # 就職: insured by the new employer's insurer instead
    BECAME_DEPENDENT = "became_dependent"  # 被扶養者になった
    TURNED_75 = "turned_75"  # 後期高齢者医療制度へ
    ON_WELFARE = "on_welfare"  # 生活保護の開始
    LEFT_JAPAN = "left_japan"  # 国外転出
    DIED = "died"  # 死亡
    OTHER = "other"  # その他


@dataclass(frozen=True)
class InsuredNumbers:
    """被保険者記号・番号・枝番: the insured person's numbers at their insurer."""

    symbol: str
    number: str
    branch: str

    def __post_init__(self) -> None:
        if not _SYMBOL.fullmatch(self.symbol):
            raise invalid(
                "symbol",
                "The symbol (記号) is at most 20 letters or digits.",
                "記号は20文字以内の英数字・かな・漢字です。",
            )
        if not _NUMBER.fullmatch(self.number):
            raise invalid(
                "number",
                "The insured number (番号) is 1–20 letters or digits.",
                "番号は1〜20文字の英数字です。",
            )
        if not (len(self.branch) == 2 and self.branch.isascii() and self.branch.isdigit()):
            raise invalid(
                "branch",
                "The branch number (枝番) is 2 digits, e.g. 01.",
                "枝番は2桁の数字です（例: 01）。",
            )


def may_enrol(
    kind: InsurerKind,
    *,
    insurer_id: int,
    insurer_number: str,
    insurer_municipality: str | None,
    registered_in: frozenset[str],
    employer_insurers: frozenset[int],
) -> bool:
    """Whether an insurer of ``kind`` may enrol a person registered in ``registered_in``
    (municipality codes of their active registrations), employed by employers belonging to
    ``employer_insurers`` (insurer ids)."""
    if kind is InsurerKind.NATIONAL_HEALTH_INSURANCE:
        return insurer_municipality is not None and insurer_municipality in registered_in
    if kind is InsurerKind.EMPLOYER:
        return insurer_id in employer_insurers
    prefecture = late_elderly_prefecture(insurer_number)
    return any(code[:2] == prefecture for code in registered_in)


#: 国民健康保険の資格取得届: within 14 days of becoming a resident (国民健康保険法 第9条;
#: 同施行規則 第2条). Coverage itself starts on the day one came to live in the municipality
#: (第7条), whenever the notification is filed.
NHI_NOTIFICATION_DAYS = 14


def nhi_notification_deadline(started_living_on: dt.date) -> dt.date:
    """Last day to join National Health Insurance at the ward office: 14 days after starting
    to live in the municipality, moved to the next open day (``deadlines.office_deadline``)."""
    return office_deadline(started_living_on, NHI_NOTIFICATION_DAYS)


def insurer_kind_for(*, date_of_birth: dt.date, on: dt.date, employee: bool) -> InsurerKind:
    """Which insurance a registered resident belongs to on ``on``: the late-stage elderly
    system from the day they are 75; else the employer's insurance for an employee of a
    workplace that has it (and, as dependants, their family: 被扶養者); else National Health
    Insurance of the municipality (国民健康保険法 第5条, 第6条; 健康保険法 第3条)."""
    if on >= late_elderly_starts_on(date_of_birth):
        return InsurerKind.LATE_ELDERLY
    return InsurerKind.EMPLOYER if employee else InsurerKind.NATIONAL_HEALTH_INSURANCE


def check_insurer_for_age(kind: InsurerKind, *, date_of_birth: dt.date, on: dt.date) -> None:
    """Refuse an enrolment that the person's age puts in another system on ``on``."""
    late = on >= late_elderly_starts_on(date_of_birth)
    if late and kind is not InsurerKind.LATE_ELDERLY:
        raise Conflict(
            "From the day one is 75, health insurance is the late-stage elderly system "
            "(後期高齢者医療制度): enrol the person there.",
            "75歳に達した日から後期高齢者医療制度の被保険者となります。広域連合で加入手続きをしてください。",
            reason="late-elderly-system",
        )
    if not late and kind is InsurerKind.LATE_ELDERLY:
        raise Conflict(
            "The late-stage elderly system covers people from the day they are 75.",
            "後期高齢者医療制度の対象は75歳に達した日からです。",
            reason="under-75",
        )


# --- income class, limit-amount category, co-pay ------------------------------------------


class IncomeClass(StrEnum):
    """The insurer's yearly income class (所得区分), by standard monthly remuneration."""

    TOP = "top"  # 標準報酬月額 83万円以上
    HIGH = "high"  # 53万〜79万円
    MIDDLE = "middle"  # 28万〜50万円
    GENERAL = "general"  # 26万円以下
    TAX_EXEMPT = "tax_exempt"  # 住民税非課税
    NO_INCOME = "no_income"  # 住民税非課税で所得なし (低所得Ⅰ from 70)

    @property
    def like_active_workers(self) -> bool:
        """現役並み所得: the top three classes."""
        return self in (IncomeClass.TOP, IncomeClass.HIGH, IncomeClass.MIDDLE)


def income_class_from_remuneration(
    monthly_yen: int, *, tax_exempt: bool = False, no_income: bool = False
) -> IncomeClass:
    """The class of an employee with standard monthly remuneration ``monthly_yen``."""
    if monthly_yen < 0:
        raise invalid(
            "monthly_remuneration",
            "The remuneration cannot be negative.",
            "標準報酬月額が負の値です。",
        )
    if no_income:
        return IncomeClass.NO_INCOME
    if tax_exempt:
        return IncomeClass.TAX_EXEMPT
    for floor, income_class in (
        (830_000, IncomeClass.TOP),
        (530_000, IncomeClass.HIGH),
        (280_000, IncomeClass.MIDDLE),
    ):
        if monthly_yen >= floor:
            return income_class
    return IncomeClass.GENERAL


class LimitCategory(StrEnum):
    """限度額適用区分, as the eligibility answer names it (value = the Japanese label)."""

    A = "ア"
    I = "イ"  # noqa: E741 — the category's own name
    U = "ウ"
    E = "エ"
    O = "オ"  # noqa: E741
    ACTIVE_III = "現役並みⅢ"
    ACTIVE_II = "現役並みⅡ"
    ACTIVE_I = "現役並みⅠ"
    GENERAL = "一般"
    LOW_II = "低所得Ⅱ"
    LOW_I = "低所得Ⅰ"


_UNDER_70 = {
    IncomeClass.TOP: LimitCategory.A,
    IncomeClass.HIGH: LimitCategory.I,
    IncomeClass.MIDDLE: LimitCategory.U,
    IncomeClass.GENERAL: LimitCategory.E,
    IncomeClass.TAX_EXEMPT: LimitCategory.O,
    IncomeClass.NO_INCOME: LimitCategory.O,
}
_FROM_70 = {
    IncomeClass.TOP: LimitCategory.ACTIVE_III,
    IncomeClass.HIGH: LimitCategory.ACTIVE_II,
    IncomeClass.MIDDLE: LimitCategory.ACTIVE_I,
    IncomeClass.GENERAL: LimitCategory.GENERAL,
    IncomeClass.TAX_EXEMPT: LimitCategory.LOW_II,
    IncomeClass.NO_INCOME: LimitCategory.LOW_I,
}


def limit_category(
    *, date_of_birth: dt.date, on: dt.date, income_class: IncomeClass
) -> LimitCategory:
    """The limit-amount category on ``on``: ア–オ under 70, the 70+ table from the co-pay's
    70–74 band on (the 1st of the month after reaching 70)."""
    band = age_band(date_of_birth=date_of_birth, on=on)
    elderly = band in (AgeBand.ELDERLY_70_74, AgeBand.LATE_ELDERLY)
    return (_FROM_70 if elderly else _UNDER_70)[income_class]


def copay_bracket(income_class: IncomeClass, *, certain_income: bool) -> IncomeBracket:
    """The co-pay income bracket of ``insurance_rules`` for this income class."""
    if income_class.like_active_workers:
        return IncomeBracket.ACTIVE_WORKER
    if certain_income and income_class is IncomeClass.GENERAL:
        return IncomeBracket.CERTAIN_INCOME
    return IncomeBracket.GENERAL


def copay_for(
    *, date_of_birth: dt.date, on: dt.date, income_class: IncomeClass, certain_income: bool
) -> int:
    """The co-pay percent on ``on`` (``insurance_rules.copay_percent`` decides)."""
    return copay_percent(
        date_of_birth=date_of_birth,
        on=on,
        income=copay_bracket(income_class, certain_income=certain_income),
    )


def check_certain_income(income_class: IncomeClass, certain_income: bool) -> None:
    """一定以上所得 (20 % from 75) is a general-income bracket: not for the exempt."""
    if certain_income and income_class in (IncomeClass.TAX_EXEMPT, IncomeClass.NO_INCOME):
        raise invalid(
            "certain_income",
            "A person exempt from residence tax cannot be in the certain-income bracket.",
            "住民税非課税の方は一定以上所得区分になりません。",
        )


# --- coverage periods and consent ----------------------------------------------------------


def covered_on(*, valid_from: dt.date, valid_until: dt.date | None, on: dt.date) -> bool:
    """Whether an enrolment (or a letter) covers the day ``on``; both ends count."""
    return valid_from <= on and (valid_until is None or on <= valid_until)


class Coverage(Protocol):
    """An enrolment's period (資格取得日 to the day before 資格喪失日)."""

    @property
    def valid_from(self) -> dt.date: ...

    @property
    def valid_until(self) -> dt.date | None: ...


EnrolmentT = TypeVar("EnrolmentT", bound=Coverage)


def enrolment_on(newest_first: Sequence[EnrolmentT], on: dt.date) -> EnrolmentT:
    """The enrolment covering ``on``, else the latest one (its answer says it ended);
    ``NotInsured`` when the person was never insured."""
    for row in newest_first:
        if covered_on(valid_from=row.valid_from, valid_until=row.valid_until, on=on):
            return row
    if not newest_first:
        raise not_insured()
    return newest_first[0]


@dataclass(frozen=True)
class Consent:
    """What the patient agreed to share at this visit (each item separately)."""

    medication: bool = False  # 薬剤情報
    checkups: bool = False  # 特定健診情報
    limit_amount: bool = False  # 限度額適用区分


def consent_expires_at(given_at: dt.datetime) -> dt.datetime:
    """A visit's consent holds until the end of that day in Japan (policy)."""
    day = given_at.astimezone(JST).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=JST)


# --- the eligibility answer (資格確認結果) -------------------------------------------------
# Declared once: the pages show these attributes and the API's schema is built from these
# fields (``api.routers.clinic``), so a field added here reaches both.


@dataclass(frozen=True, kw_only=True)
class Insured:
    """被保険者 — the insured person and their enrolment, as the clinic's answer shows them
    (no My Number: clinics never see it)."""

    name: str
    name_kana: str
    date_of_birth: dt.date
    sex: str
    insurer_number: str
    insurer_name: str
    symbol: str
    number: str
    branch: str
    valid_from: dt.date
    valid_until: dt.date | None


@dataclass(frozen=True, kw_only=True)
class InsuredRecord(Insured):
    """An enrolment on record: what the answer shows, and what it is worked out from but
    never shows (the income class would reveal the limit-amount category without consent)."""

    enrolment_id: int
    income_class: str
    certain_income: bool


@dataclass(frozen=True, kw_only=True)
class EligibilityAnswer(Insured):
    """The real-time answer to the clinic's terminal: the insured, and this visit's verdict."""

    visit_id: int
    eligible: bool
    status: str  # "eligible" or "ended"
    message_en: str
    message_ja: str
    method: str  # how the patient was identified: pin, face, visual or letter
    copay_percent: int
    limit_category: str | None  # only with the patient's consent at this visit
    consent: Consent
    letter_valid_until: dt.date | None = None  # the 資格確認書 shown, if any
    certificate_grace_until: dt.date | None = None
    """Set when the card's user-authentication certificate has expired and the check is
    within the grace (``insurance_rules.expired_certificate_grace_ends``): the holder is
    told to renew, and the visit confirms eligibility only."""


_SHOWN = tuple(f.name for f in fields(Insured))


def eligibility_answer(
    insured: InsuredRecord,
    *,
    visit_id: int,
    method: str,
    consent: Consent,
    today: dt.date,
    letter_valid_until: dt.date | None = None,
    certificate_grace_until: dt.date | None = None,
) -> EligibilityAnswer:
    """The answer for a visit: the enrolment's numbers, co-pay today, validity; the
    limit-amount category only with the patient's consent at this visit; with
    ``certificate_grace_until``, the note to renew the expired certificate."""
    income = IncomeClass(insured.income_class)
    eligible = covered_on(valid_from=insured.valid_from, valid_until=insured.valid_until, on=today)
    if eligible:
        en, ja = "Insured: eligible today.", "資格確認済み（有効）。"
    else:
        ended = insurance_ended(insured.valid_until or today)
        en, ja = ended.message_en, ended.message_ja
    if certificate_grace_until is not None:
        note_en, note_ja = renew_certificate_note(certificate_grace_until)
        en, ja = f"{en} {note_en}", f"{ja}{note_ja}"
    limit = limit_category(date_of_birth=insured.date_of_birth, on=today, income_class=income)
    return EligibilityAnswer(
        **{name: getattr(insured, name) for name in _SHOWN},
        visit_id=visit_id,
        eligible=eligible,
        status="eligible" if eligible else "ended",
        message_en=en,
        message_ja=ja,
        method=method,
        copay_percent=copay_for(
            date_of_birth=insured.date_of_birth,
            on=today,
            income_class=income,
            certain_income=insured.certain_income,
        ),
        limit_category=limit.value if consent.limit_amount else None,
        consent=consent,
        letter_valid_until=letter_valid_until,
        certificate_grace_until=certificate_grace_until,
    )


# --- refusals that name the cause and the fix (item 6 of the issue) ------------------------


class NotRegisteredForInsurance(CardError):
    code = "not-registered-for-insurance"
    title = "Card not registered as a health insurance card"


class NotInsured(NotFound):
    code = "not-insured"
    title = "No health insurance on record"


class InsuranceEnded(CardError):
    code = "insurance-ended"
    title = "Health insurance not in force"


class FaceNotMatched(CardError):
    code = "face-not-matched"
    title = "Face did not match the card"


class ConsentRequired(Forbidden):
    code = "consent-required"
    title = "The patient did not consent"


def not_registered_for_insurance() -> NotRegisteredForInsurance:
    return NotRegisteredForInsurance(
        "This card is not registered as a health insurance card — register it at this "
        "terminal (answer yes when asked), on the My Number Portal or at the ward office.",
        "このカードは健康保険証として利用登録されていません。この端末（「登録する」を選択）、"
        "マイナポータル、または市区町村の窓口で利用登録してください。",
        reason="not-registered",
    )


def not_insured() -> NotInsured:
    return NotInsured(
        "No health insurance is on record for you — enrol in National Health Insurance at "
        "your ward office, or ask your employer's HR about employer insurance.",
        "加入している医療保険の記録がありません。市区町村の窓口で国民健康保険に加入するか、"
        "勤務先の人事担当に健康保険の加入を確認してください。",
        reason="no-enrolment",
    )


def insurance_ended(valid_until: dt.date) -> InsuranceEnded:
    return InsuranceEnded(
        f"Your health insurance ended on {valid_until.isoformat()} — enrol with your new "
        "insurer (ward office for National Health Insurance, employer's HR otherwise).",
        f"医療保険の資格は{valid_until.isoformat()}に喪失しています。新しい保険者で加入手続きを"
        "してください（国民健康保険は市区町村の窓口、会社の保険は勤務先の人事担当）。",
        reason="ended",
        valid_until=valid_until.isoformat(),
    )


def face_not_matched() -> FaceNotMatched:
    return FaceNotMatched(
        "Your face did not match the photo on the card — enter your 4-digit PIN instead, "
        "or ask the staff to check your face against the card.",
        "顔認証で本人と確認できませんでした。4桁の暗証番号を入力するか、職員による目視確認を"
        "お申し出ください。",
        reason="face-not-matched",
    )


class NoPhotoOnCard(CardError):
    code = "no-photo-on-card"
    title = "The card has no photo to match a face against"


def no_photo_on_card() -> NoPhotoOnCard:
    """Face recognition asked of a card without a photo (an infant's card: RULES.md
    "children", ``representation.photo_on_card``)."""
    return NoPhotoOnCard(
        "This card has no photo (a card issued under age 1), so face recognition cannot be "
        "used: enter the 4-digit PIN, or ask the staff for a visual check.",
        "このカードには顔写真がありません（1歳未満で発行されたカード）。顔認証は使えないため、"
        "4桁の暗証番号を入力するか、職員による目視確認をお申し出ください。",
        reason="no-photo-on-card",
    )


class NoCard(CardError):
    code = "no-card"
    title = "No My Number Card"


def no_card() -> NoCard:
    return NoCard(
        "You have no usable My Number Card — apply for one (online with your notification "
        "letter's QR code, or at the ward office); until then show the eligibility letter "
        "(資格確認書) your insurer sends you.",
        "利用できるマイナンバーカードがありません。個人番号通知書のQRコードからのオンライン申請"
        "または市区町村の窓口で申請してください。それまでは保険者から届く資格確認書を提示してください。",
        reason="no-card",
    )


# What a clinic's view shows with consent (厚生労働省: 薬剤情報 3 years, 特定健診 5 years).
MEDICATION_HISTORY_YEARS = 3
CHECKUP_HISTORY_YEARS = 5
