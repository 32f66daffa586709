"""資格確認書 — health-insurance eligibility confirmation letter.

Issued by the insurer (保険者) to people without a usable card-based insurance (マイナ保険証):
sent without request to those who have none, or on request (健康保険法 as amended in 2024).
It shows what a clinic needs: insurer number (保険者番号, 6 digits for National Health
Insurance, 8 otherwise), the insured person's symbol and number (記号・番号) with the 2-digit
branch number (枝番), the co-pay ratio (一部負担金の割合: 10, 20 or 30 %), and a validity the
insurer sets, up to 5 years (厚生労働省). Asking for the symbol and number for any other
purpose is forbidden (告知要求制限, 健康保険法 第194条の2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from mynumber.adapters.documents import _layout as L
from mynumber.adapters.documents._format import (
    date_en,
    date_ja,
    require_digits,
    require_order,
    require_text,
    sex_labels,
)
from mynumber.domain.errors import invalid

COPAY_PERCENTS = (10, 20, 30)
MAX_VALIDITY_YEARS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class EligibilityLetter:
    """What the 資格確認書 prints. ``copay_percent`` is 10, 20 or 30 (1割, 2割, 3割)."""

    insurer_name: str
    insurer_name_en: str = ""
    insurer_number: str
    symbol: str = ""
    number: str
    branch: str
    name: str
    name_kana: str = ""
    date_of_birth: date
    sex: str = ""
    address: str = ""
    copay_percent: int
    valid_from: date
    valid_until: date
    issue_date: date

    def __post_init__(self) -> None:
        require_text("insurer_name", self.insurer_name, "The insurer name", "保険者名称")
        require_digits(
            "insurer_number", self.insurer_number, (6, 8), "The insurer number", "保険者番号"
        )
        require_text("number", self.number, "The insured person's number", "被保険者番号")
        require_digits("branch", self.branch, (2,), "The branch number (枝番)", "枝番")
        require_text("name", self.name, "The name", "氏名")
        if self.sex:
            sex_labels(self.sex)
        if self.copay_percent not in COPAY_PERCENTS:
            raise invalid(
                "copay_percent",
                "The co-pay ratio must be 10, 20 or 30 percent.",
                "一部負担金の割合は1割・2割・3割のいずれかです。",
            )
        require_order(
            "valid_until",
            self.valid_from,
            self.valid_until,
            "The letter's validity ends before it starts.",
            "有効期限が有効開始日より前になっています。",
        )
        if self.valid_until > _add_years(self.valid_from, MAX_VALIDITY_YEARS):
            raise invalid(
                "valid_until",
                "An eligibility letter is valid for at most 5 years.",
                "資格確認書の有効期間は最長5年です。",
            )


def _add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def render_eligibility_letter(letter: EligibilityLetter) -> bytes:
    """The A4 資格確認書, as PDF bytes."""
    sheet = L.Sheet(
        A4, title="資格確認書 / Eligibility Confirmation Letter", author=letter.insurer_name
    )
    sheet.letterhead(letter.insurer_name, letter.insurer_name_en, letter.issue_date)
    if letter.address:
        sheet.addressee(letter.address, letter.name)
    sheet.title("資格確認書", "Health Insurance Eligibility Confirmation Letter")
    sheet.bilingual(
        "あなたが下記の医療保険の資格を有していることを確認します。医療機関・薬局の窓口で提示してください。",
        "This letter confirms that you are covered by the health insurance below. Show it at "
        "the reception of a clinic, hospital or pharmacy.",
    )
    sheet.place(
        L.details_table(_rows(letter), sheet.content_width, label_width=56 * mm), gap=5 * mm
    )
    sheet.bilingual(
        "マイナンバーカードを健康保険証として利用登録すると、この確認書がなくても受診できます。",
        "Once your My Number Card is registered as your health insurance card, you can see a "
        "doctor without this letter.",
        size=9,
    )
    sheet.bilingual(
        "保険医療機関等以外の者が、被保険者等記号・番号の告知を求めることは法律で禁止されています。",
        "The law forbids anyone other than medical providers and insurers to ask for your "
        "insurance symbol and number.",
        size=9,
    )
    sheet.footer(
        "有効期限を過ぎた確認書は使えません。保険者に返却してください。",
        "Do not use this letter after it expires; return it to the insurer.",
        letter.insurer_name,
    )
    return sheet.finish()


def _rows(letter: EligibilityLetter) -> list[L.Row]:
    rows = [L.Row("氏名", "Name", letter.name)]
    if letter.name_kana:
        rows.append(L.Row("フリガナ", "Name (kana)", letter.name_kana))
    rows.append(
        L.Row(
            "生年月日",
            "Date of birth",
            date_ja(letter.date_of_birth),
            date_en(letter.date_of_birth),
        )
    )
    if letter.sex:
        rows.append(L.Row("性別", "Sex", *sex_labels(letter.sex)))
    ratio = letter.copay_percent // 10
    symbol_number = f"{letter.symbol}・{letter.number}" if letter.symbol else letter.number
    rows += [
        L.Row("保険者番号", "Insurer number", letter.insurer_number.strip(), strong=True),
        L.Row("保険者名称", "Insurer", letter.insurer_name, letter.insurer_name_en),
        L.Row("記号・番号", "Symbol / number", symbol_number, strong=True),
        L.Row("枝番", "Branch number", letter.branch.strip(), strong=True),
        L.Row(
            "一部負担金の割合",
            "Co-pay ratio",
            f"{ratio}割",
            f"{letter.copay_percent}% of medical costs",
        ),
        L.Row(
            "有効期間",
            "Valid",
            f"{date_ja(letter.valid_from)} ～ {date_ja(letter.valid_until)}",
            f"{date_en(letter.valid_from)} to {date_en(letter.valid_until)}",
            english_below=True,
        ),
        L.Row("交付年月日", "Issued on", date_ja(letter.issue_date), date_en(letter.issue_date)),
    ]
    return rows


def render_qualification_notice(notice: EligibilityLetter) -> bytes:
    """The A4 資格情報のお知らせ for a holder of a マイナ保険証: the same numbers as a 資格確認書
    (the insurer's records, from ``valid_from``), but it is *not* shown alone at a clinic —
    the card is; the notice lets the holder know their numbers (and is shown with the card
    where a terminal cannot read it). ``valid_until`` is not printed."""
    sheet = L.Sheet(
        A4, title="資格情報のお知らせ / Notice of insurance information", author=notice.insurer_name
    )
    sheet.letterhead(notice.insurer_name, notice.insurer_name_en, notice.issue_date)
    if notice.address:
        sheet.addressee(notice.address, notice.name)
    sheet.title("資格情報のお知らせ", "Notice of Your Health Insurance Information")
    sheet.bilingual(
        "あなたの医療保険の資格情報をお知らせします。医療機関・薬局ではマイナ保険証"
        "（マイナンバーカード）で受診してください。",
        "These are your health insurance details. At a clinic, hospital or pharmacy, show your "
        "My Number Card (registered as your health insurance card).",
    )
    rows = [r for r in _rows(notice) if r.label_en != "Valid"]
    rows.insert(
        -1,
        L.Row(
            "資格取得年月日",
            "Insured since",
            date_ja(notice.valid_from),
            date_en(notice.valid_from),
        ),
    )
    sheet.place(L.details_table(rows, sheet.content_width, label_width=56 * mm), gap=5 * mm)
    sheet.bilingual(
        "このお知らせだけでは受診できません。マイナ保険証の読み取りができない場合に、"
        "マイナンバーカードと一緒に提示してください。",
        "This notice alone is not an insurance card: show it together with your My Number "
        "Card when the clinic's terminal cannot read the card.",
        size=9,
    )
    sheet.footer(
        "マイナ保険証の利用登録を解除すると、資格確認書をお送りします。",
        "If you cancel the insurance use of your card, we send you an eligibility letter.",
        notice.insurer_name,
    )
    return sheet.finish()
