"""給与所得の源泉徴収票 — withholding tax statement on employment income.

The employer makes it for every employee each year, in two copies: the tax-office copy
(税務署提出用) carries the employee's My Number and the employer's Corporate Number; the
employee's copy (受給者交付用) carries neither — its number boxes are printed blank. Source:
所得税法施行規則 as amended on 2015-10-02 (in force for slips from 2016); 国税庁「法定調書に関する
FAQ」Q1-1 (the payer's Corporate Number is left off the employee's copy too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle
from stdnum.jp import cn as stdnum_cn

from mynumber.adapters.documents import _layout as L
from mynumber.adapters.documents._format import era_year_ja, require_text, yen
from mynumber.domain.errors import invalid
from mynumber.domain.numbers import CorporateNumber, IndividualNumber

Copy = Literal["tax_office", "employee"]
LABEL_WIDTH = 56 * mm

COPY_LABELS: dict[str, tuple[str, str]] = {
    "tax_office": ("税務署提出用", "Copy for the tax office"),
    "employee": ("受給者交付用", "Employee's copy"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class WithholdingSlip:
    """What the 源泉徴収票 prints. ``employee_my_number`` may be empty when the employee has not
    given it; it is printed on the tax-office copy only. Amounts are whole yen."""

    year: int
    employer_name: str
    employer_address: str = ""
    corporate_number: str
    employee_name: str
    employee_name_kana: str = ""
    employee_address: str
    employee_my_number: str = field(repr=False)
    payment_amount: int
    withholding_tax: int
    issue_date: date

    def __post_init__(self) -> None:
        require_text("employer_name", self.employer_name, "The employer name", "支払者の名称")
        CorporateNumber.parse(self.corporate_number)
        require_text("employee_name", self.employee_name, "The employee name", "受給者の氏名")
        require_text(
            "employee_address", self.employee_address, "The employee address", "受給者の住所"
        )
        if self.employee_my_number:
            IndividualNumber.parse(self.employee_my_number, field="employee_my_number")
        if self.payment_amount < 0 or self.withholding_tax < 0:
            raise invalid(
                "payment_amount", "Amounts cannot be negative.", "金額に負の値は指定できません。"
            )
        if self.withholding_tax > self.payment_amount:
            raise invalid(
                "withholding_tax",
                "The tax withheld cannot exceed the amount paid.",
                "源泉徴収税額が支払金額を超えています。",
            )


def render_withholding_slip(slip: WithholdingSlip, *, copy: Copy) -> bytes:
    """One copy of the 源泉徴収票 (A4), as PDF bytes; the employee's copy has no My Number."""
    if copy not in COPY_LABELS:
        raise invalid(
            "copy",
            "The copy is either tax_office or employee.",
            "控えの種類は tax_office か employee です。",
        )
    carries_numbers = copy == "tax_office"
    sheet = L.Sheet(
        A4, title="給与所得の源泉徴収票 / Withholding Tax Statement", author=slip.employer_name
    )
    sheet.letterhead(slip.employer_name, "", slip.issue_date)
    sheet.title(
        f"{era_year_ja(slip.year)}分　給与所得の源泉徴収票",
        f"Withholding Tax Statement on Employment Income, {slip.year}",
    )
    sheet.place(_copy_badge(*COPY_LABELS[copy]), x=sheet.right - 55 * mm, width=55 * mm, gap=4 * mm)
    _section(sheet, "支払を受ける者", "Employee (recipient)")
    sheet.place(
        L.details_table(
            _employee_rows(slip, carries_numbers), sheet.content_width, label_width=LABEL_WIDTH
        ),
        gap=5 * mm,
    )
    _section(sheet, "支払金額・源泉徴収税額", "Amounts for the year")
    sheet.place(
        L.details_table(_amount_rows(slip), sheet.content_width, label_width=LABEL_WIDTH),
        gap=5 * mm,
    )
    _section(sheet, "支払者", "Employer (payer)")
    sheet.place(
        L.details_table(
            _employer_rows(slip, carries_numbers), sheet.content_width, label_width=LABEL_WIDTH
        ),
        gap=4 * mm,
    )
    if not carries_numbers:
        sheet.bilingual(
            "受給者交付用には、個人番号および法人番号を記載しません（所得税法施行規則）。",
            "The employee's copy does not show the My Number or the Corporate Number "
            "(Income Tax Act enforcement rules, since 2016).",
            size=8.5,
        )
    sheet.footer(
        "この源泉徴収票は確定申告などで使います。大切に保管してください。",
        "Keep this statement: you need it for a tax return.",
        slip.employer_name,
    )
    return sheet.finish()


def _copy_badge(ja: str, en: str) -> Table:
    table = Table(
        [
            [
                [
                    L.para(ja, L.GOTHIC, 11, color=L.INK, align=TA_CENTER),
                    L.english(en, 7.5, align=TA_CENTER),
                ]
            ]
        ],
        colWidths=[55 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, L.INK),
                ("BACKGROUND", (0, 0), (-1, -1), colors.white),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _section(sheet: L.Sheet, ja: str, en: str) -> None:
    sheet.place(L.heading(ja, en, 11), gap=1.5 * mm)


def _employee_rows(slip: WithholdingSlip, carries_numbers: bool) -> list[L.Row]:
    # The employee's copy never even reads the number: the boxes are built empty.
    digits = ""
    if carries_numbers and slip.employee_my_number:
        digits = IndividualNumber.parse(slip.employee_my_number).digits
    rows = [
        L.Row("住所", "Address", slip.employee_address),
        L.Row("氏名", "Name", slip.employee_name),
    ]
    if slip.employee_name_kana:
        rows.append(L.Row("フリガナ", "Name (kana)", slip.employee_name_kana))
    rows.append(L.Row("個人番号", "My Number", L.digit_boxes(digits, 12)))
    return rows


def _amount_rows(slip: WithholdingSlip) -> list[L.Row]:
    return [
        L.Row(
            "支払金額",
            "Payment amount",
            f"{yen(slip.payment_amount)} 円",
            f"JPY {yen(slip.payment_amount)}",
        ),
        L.Row(
            "源泉徴収税額",
            "Income tax withheld",
            f"{yen(slip.withholding_tax)} 円",
            f"JPY {yen(slip.withholding_tax)}",
        ),
    ]


def _employer_rows(slip: WithholdingSlip, carries_numbers: bool) -> list[L.Row]:
    corporate = stdnum_cn.compact(slip.corporate_number) if carries_numbers else ""
    rows = [L.Row("名称", "Name", slip.employer_name)]
    if slip.employer_address:
        rows.append(L.Row("所在地", "Address", slip.employer_address))
    rows.append(L.Row("法人番号", "Corporate Number", L.digit_boxes(corporate, 13)))
    return rows
