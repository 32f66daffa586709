"""交付通知書 — My Number Card pickup notice (a postcard, 148 × 100 mm).

Mailed by the municipality about 1–2 months after the application, once the card is at the
ward office (guide, "Collecting Your My Number Card"). The resident brings the notice, an
identity document (residence card or passport) and the notification letter (個人番号通知書, or
the old 通知カード) to the counter before the date printed on it, and sets the PINs there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from mynumber.adapters.documents import _layout as L
from mynumber.adapters.documents._format import (
    date_en,
    date_ja,
    group_digits,
    require_digits,
    require_order,
    require_text,
)

POSTCARD = (148 * mm, 100 * mm)
BRING_WIDTH = 42 * mm
TABLE_SIZES = (7.5, 7.0, 6.5)

WHAT_TO_BRING = (
    ("この通知書（はがき）", "This notice"),
    ("在留カードまたはパスポートなどの本人確認書類", "Residence card or passport"),
    ("個人番号通知書（または通知カード）", "Your My Number notification letter"),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PickupNotice:
    """What the 交付通知書 prints. ``counter`` is the ward office counter (交付場所)."""

    municipality: str
    municipality_en: str = ""
    issue_date: date
    name: str
    address: str
    counter: str
    counter_en: str = ""
    collect_from: date | None = None
    collect_by: date
    application_id: str

    def __post_init__(self) -> None:
        require_text("municipality", self.municipality, "The municipality", "市区町村名")
        require_text("name", self.name, "The name", "氏名")
        require_text("address", self.address, "The address", "住所")
        require_text("counter", self.counter, "The counter", "交付場所")
        require_digits(
            "application_id", self.application_id, (23,), "The application ID", "申請書ID"
        )
        require_order(
            "collect_by",
            self.issue_date,
            self.collect_by,
            "The collection deadline cannot be before the notice is issued.",
            "受取期限が発行日より前になっています。",
        )
        if self.collect_from is not None:
            require_order(
                "collect_from",
                self.collect_from,
                self.collect_by,
                "The collection period starts after it ends.",
                "受取期間の開始日が終了日より後になっています。",
            )


def render_pickup_notice(notice: PickupNotice) -> bytes:
    """The 交付通知書 postcard (148 × 100 mm, landscape), as PDF bytes.

    A postcard cannot grow: when a long address or counter name does not fit, the details
    are set one size smaller (down to 6.5 pt) before giving up with ``InvalidInput``.
    """
    for size in TABLE_SIZES[:-1]:
        try:
            return _render(notice, size)
        except L.DoesNotFit:
            continue
    return _render(notice, TABLE_SIZES[-1])


def _render(notice: PickupNotice, size: float) -> bytes:
    sheet = L.Sheet(
        POSTCARD,
        title="交付通知書 / My Number Card Pickup Notice",
        author=notice.municipality,
        margin=6 * mm,
        footer_height=10 * mm,
    )
    _band(sheet, notice)
    sheet.place(L.para(f"{notice.name}　様", L.GOTHIC, 10), gap=1 * mm)
    sheet.place(
        L.para(
            "マイナンバーカードができました。期限までに窓口で受け取ってください。", L.MINCHO, 7.5
        ),
        gap=0.3 * mm,
    )
    sheet.place(
        L.english(
            "Your My Number Card is ready. Please collect it at the counter by the date below.", 6.5
        ),
        gap=2 * mm,
    )
    top = sheet.y
    left_width = sheet.content_width - BRING_WIDTH - 3 * mm
    sheet.place(
        L.details_table(_rows(notice), left_width, label_width=25 * mm, size=size), width=left_width
    )
    table_bottom = sheet.y
    sheet.y = top
    sheet.place(_what_to_bring(), x=sheet.right - BRING_WIDTH, width=BRING_WIDTH)
    sheet.y = min(sheet.y, table_bottom)
    sheet.footer(
        "受取時に暗証番号を設定します。来られない場合はご連絡ください。",
        "You will set your PINs at pickup. Contact the office if you cannot come in time.",
        f"{notice.municipality}　{date_ja(notice.issue_date)}発行",
    )
    return sheet.finish()


def _band(sheet: L.Sheet, notice: PickupNotice) -> None:
    """A navy band across the top: the title on the left, the municipality on the right."""
    c = sheet.canvas
    height = 11 * mm
    bottom = sheet.y - height
    c.setFillColor(L.INK)
    c.rect(sheet.left, bottom, sheet.content_width, height, stroke=0, fill=1)
    c.setFillColor(colors.white)
    c.setFont(L.GOTHIC, 12.5)
    c.drawString(sheet.left + 3 * mm, bottom + 4.8 * mm, "個人番号カード交付通知書")
    c.setFont(L.LATIN_BOLD, 7)
    c.drawString(sheet.left + 3 * mm, bottom + 1.6 * mm, "My Number Card pickup notice")
    c.setFont(L.GOTHIC, 8.5)
    c.drawRightString(sheet.right - 3 * mm, bottom + 4.8 * mm, notice.municipality)
    if notice.municipality_en:
        c.setFont(L.LATIN, 6.5)
        c.drawRightString(sheet.right - 3 * mm, bottom + 1.6 * mm, notice.municipality_en)
    sheet.y = bottom - 2.5 * mm


def _rows(notice: PickupNotice) -> list[L.Row]:
    if notice.collect_from is None:
        period_ja = f"{date_ja(notice.collect_by)}まで"
        period_en = f"by {date_en(notice.collect_by)}"
    else:
        period_ja = f"{date_ja(notice.collect_from)} ～ {date_ja(notice.collect_by)}"
        period_en = f"{date_en(notice.collect_from)} to {date_en(notice.collect_by)}"
    return [
        L.Row("住所", "Address", notice.address),
        L.Row("交付場所", "Where", notice.counter, notice.counter_en),
        L.Row(
            "受取期限",
            "Collect by",
            period_ja,
            period_en,
            english_below=notice.collect_from is not None,
        ),
        L.Row("申請書ID", "Application ID", group_digits(notice.application_id)),
    ]


def _what_to_bring() -> Table:
    """A one-column box: a navy heading, then each item in Japanese with English under it."""
    cells = [
        [
            L.para("持ち物", L.GOTHIC, 8.5, color=colors.white),
            L.english("What to bring", 6.5, color=colors.white),
        ]
    ]
    for number, (ja, en) in enumerate(WHAT_TO_BRING, start=1):
        cells.append([L.para(f"{number}. {ja}", L.GOTHIC, 7), L.english(en, 6)])
    table = Table([[cell] for cell in cells], colWidths=[BRING_WIDTH])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, L.INK),
                ("BACKGROUND", (0, 0), (-1, 0), L.INK),
                ("LINEBELOW", (0, 1), (-1, -2), 0.4, L.RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table
