"""確定申告書 — a resident's final income-tax return, as the XML document e-Tax receives.

A simplified form of the 所得税及び復興特別所得税の確定申告書 (所得税法 第120条): the tax year
(年分), the filer's name and address, income by kind, deductions, the tax withheld
(源泉徴収税額) and the signing time (署名日時). The resident signs the whole document with the
card's signature certificate (enveloped XML Signature, see ``mynumber.pki.xmlsig``); the tax
office identifies the filer from that certificate.

*Policy:* the document carries no My Number. The real form has a box for it (番号法 allows it
for tax), but the signature certificate already identifies the filer, and a document that is
stored and passed around is one place fewer for the number to leak from.
Element names are Japanese, in the namespace ``NAMESPACE``; amounts are whole yen.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from mynumber.domain.errors import invalid

NAMESPACE = "urn:mynumber:e-tax:shotoku-kakutei-shinkoku"
FORM_NAME = "所得税及び復興特別所得税の確定申告書"
FIRST_TAX_YEAR = 2016  # the first year returns were filed under the My Number system
_NS = f"{{{NAMESPACE}}}"

INCOME_KINDS = {
    "salary": "給与",
    "business": "事業",
    "miscellaneous": "雑",
    "dividend": "配当",
    "real_estate": "不動産",
}


@dataclass(frozen=True)
class TaxReturn:
    """What the resident declares for one tax year."""

    tax_year: int
    name: str
    address: str
    income: dict[str, int] = field(default_factory=dict)
    deductions: int = 0
    tax_withheld: int = 0

    def __post_init__(self) -> None:
        for text_field in ("name", "address"):
            if not getattr(self, text_field).strip():
                raise invalid(
                    text_field,
                    f"The {text_field} is missing.",
                    f"{'氏名' if text_field == 'name' else '住所'}がありません。",
                )
        for kind, amount in self.income.items():
            if kind not in INCOME_KINDS:
                raise invalid(
                    "income",
                    f"Unknown kind of income '{kind}'.",
                    f"所得の種類「{kind}」は使用できません。",
                )
            _check_amount(f"income.{kind}", amount)
        _check_amount("deductions", self.deductions)
        _check_amount("tax_withheld", self.tax_withheld)


@dataclass(frozen=True)
class FiledReturn:
    """The facts the tax office reads back from a (verified) return."""

    tax_year: int
    signed_at: dt.datetime


def _check_amount(name: str, amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise invalid(
            name,
            "Amounts are whole yen, zero or more.",
            "金額は0以上の整数（円）で入力してください。",
        )


def check_tax_year(tax_year: int, *, today: dt.date) -> None:
    """A return is for a finished year (the year before the filing, or earlier)."""
    if not FIRST_TAX_YEAR <= tax_year < today.year:
        raise invalid(
            "tax_year",
            f"A return is filed for a finished year from {FIRST_TAX_YEAR} to {today.year - 1}.",
            f"申告できる年分は{FIRST_TAX_YEAR}年から{today.year - 1}年までです。",
        )


def build_tax_return_xml(tax_return: TaxReturn, *, signed_at: dt.datetime) -> bytes:
    """The unsigned XML document of ``tax_return``, to be signed at ``signed_at``."""
    if signed_at.tzinfo is None:
        raise invalid(
            "signed_at",
            "The signing time needs a time zone.",
            "署名日時にタイムゾーンがありません。",
        )
    root = ET.Element(f"{_NS}申告書", {"様式": FORM_NAME, "年分": str(tax_return.tax_year)})
    filer = ET.SubElement(root, f"{_NS}納税者")
    ET.SubElement(filer, f"{_NS}氏名").text = tax_return.name
    ET.SubElement(filer, f"{_NS}住所").text = tax_return.address
    income = ET.SubElement(root, f"{_NS}収入金額")
    for kind, amount in sorted(tax_return.income.items()):
        ET.SubElement(income, f"{_NS}{INCOME_KINDS[kind]}").text = str(amount)
    ET.SubElement(root, f"{_NS}所得控除合計").text = str(tax_return.deductions)
    ET.SubElement(root, f"{_NS}源泉徴収税額").text = str(tax_return.tax_withheld)
    ET.SubElement(root, f"{_NS}署名日時").text = signed_at.isoformat(timespec="seconds")
    ET.register_namespace("", NAMESPACE)
    document: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return document


def read_filed_return(root: Any) -> FiledReturn:
    """The tax year and signing time of a return (``root``: an ElementTree/lxml element)."""
    if root.tag != f"{_NS}申告書":
        raise invalid(
            "document", "This is not a final tax return (確定申告書).", "確定申告書ではありません。"
        )
    try:
        tax_year = int(root.get("年分", ""))
        signed_at = dt.datetime.fromisoformat(root.findtext(f"{_NS}署名日時") or "")
    except ValueError:
        raise invalid(
            "document",
            "The return has no valid tax year or signing time.",
            "申告書の年分または署名日時が正しくありません。",
        ) from None
    if signed_at.tzinfo is None:
        raise invalid(
            "document", "The signing time has no time zone.", "署名日時にタイムゾーンがありません。"
        )
    return FiledReturn(tax_year=tax_year, signed_at=signed_at)
