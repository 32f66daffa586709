"""領収書 — the receipt for a card fee paid at the counter (A5).

Printed when a reissue fee is paid (``domain.fees``: an express reissue at the application,
any other reissue when the card is collected): the amount, line by line (card ¥800 or
¥1,800 for express, electronic certificates ¥200), what it is for, the application ID.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm

from mynumber.adapters.documents import _layout as L
from mynumber.adapters.documents._format import (
    date_en,
    date_ja,
    group_digits,
    require_digits,
    require_text,
    yen,
)
from mynumber.domain.errors import invalid


@dataclass(frozen=True, slots=True, kw_only=True)
class FeeReceipt:
    """What the receipt prints; ``lines`` are (Japanese, English, yen)."""

    municipality: str
    municipality_en: str = ""
    paid_on: date
    name: str
    application_id: str
    lines: tuple[tuple[str, str, int], ...]
    purpose: str
    purpose_en: str

    def __post_init__(self) -> None:
        require_text("municipality", self.municipality, "The municipality", "市区町村名")
        require_text("name", self.name, "The name", "氏名")
        require_digits(
            "application_id", self.application_id, (23,), "The application ID", "申請書ID"
        )
        if not self.lines or any(amount <= 0 for _, _, amount in self.lines):
            raise invalid(
                "lines",
                "A receipt lists at least one amount paid, each above zero.",
                "領収書には1件以上の金額（0円を超えるもの）が必要です。",
            )

    @property
    def total(self) -> int:
        return sum(amount for _, _, amount in self.lines)


def render_fee_receipt(receipt: FeeReceipt) -> bytes:
    """The A5 領収書, as PDF bytes."""
    sheet = L.Sheet(A5, title="領収書 / Receipt", author=receipt.municipality, margin=11 * mm)
    sheet.letterhead(f"{receipt.municipality}長", receipt.municipality_en, receipt.paid_on)
    sheet.addressee("", receipt.name)
    sheet.title("領収書", "Receipt")
    sheet.place(
        L.details_table(
            [L.Row("金額", "Amount", f"¥{yen(receipt.total)}", strong=True)],
            sheet.content_width,
            label_width=36 * mm,
        ),
        gap=2 * mm,
    )
    sheet.bilingual(
        f"但し、{receipt.purpose}として上記の金額を領収しました。",
        f"Received the amount above for: {receipt.purpose_en}.",
        size=9,
    )
    rows = [L.Row(ja, en, f"¥{yen(amount)}") for ja, en, amount in receipt.lines]
    rows += [
        L.Row("領収日", "Paid on", date_ja(receipt.paid_on), date_en(receipt.paid_on)),
        L.Row("申請書ID", "Application ID", group_digits(receipt.application_id)),
    ]
    sheet.place(L.heading("内訳", "Breakdown"), gap=2 * mm)
    sheet.place(L.details_table(rows, sheet.content_width, label_width=52 * mm), gap=4 * mm)
    sheet.footer(
        "この領収書は大切に保管してください。",
        "Please keep this receipt.",
        f"{receipt.municipality} マイナンバーカード交付窓口",
    )
    return sheet.finish()
