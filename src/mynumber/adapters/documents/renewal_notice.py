"""有効期限通知書 — notice that the My Number Card or its certificates expire soon.

J-LIS mails it about 2–3 months before the expiry of the card (until the 10th birthday after
issue, 5th for those under 18) or of the electronic certificates (until the 5th birthday after
issue); renewal is possible from 3 months before expiry, at the ward office (J-LIS; 番号法施行規則
第26条; 公的個人認証法施行規則). The card is renewed by a new application with a photo; the
certificates are renewed at the counter with the card and its PINs. A notice for the card
carries a **new** application ID (申請書ID) and its QR code, leading to the online
application (RULES.md "renewal notice"; J-LIS).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from mynumber.adapters.documents import _layout as L
from mynumber.adapters.documents._format import (
    compact,
    date_en,
    date_ja,
    group_digits,
    require_digits,
    require_order,
    require_text,
)
from mynumber.domain.errors import invalid


@dataclass(frozen=True, slots=True, kw_only=True)
class RenewalNotice:
    """What the 有効期限通知書 prints: the card's and/or the certificates' expiry dates, the day
    renewal opens, and the ward office counter where it is done."""

    municipality: str
    municipality_en: str = ""
    issue_date: date
    name: str
    address: str
    card_expires_on: date | None = None
    certificates_expire_on: date | None = None
    renew_from: date
    counter: str
    counter_en: str = ""
    application_id: str = ""  # the new 申請書ID for the card (none for the certificates alone)
    application_url: str = ""  # where its QR code leads: the online application with the ID

    def __post_init__(self) -> None:
        require_text("municipality", self.municipality, "The municipality", "市区町村名")
        require_text("name", self.name, "The name", "氏名")
        require_text("address", self.address, "The address", "住所")
        require_text("counter", self.counter, "The counter", "手続場所")
        expiries = [d for d in (self.card_expires_on, self.certificates_expire_on) if d]
        if not expiries:
            raise invalid(
                "card_expires_on",
                "Say what expires: the card, the certificates or both.",
                "有効期限を迎えるもの（カード・電子証明書）を指定してください。",
            )
        require_order(
            "renew_from",
            self.renew_from,
            min(expiries),
            "Renewal must open before the expiry date.",
            "更新手続の開始日が有効期限より後になっています。",
        )
        if self.application_id or self.application_url:
            _check_application(self.application_id, self.application_url)


def _check_application(application_id: str, url: str) -> None:
    digits = require_digits(
        "application_id", application_id, (23,), "The application ID", "申請書ID"
    )
    if not url.startswith(("https://", "http://")) or digits not in url:
        raise invalid(
            "application_url",
            "The application URL must be an http(s) address containing the application ID.",
            "申請URLは申請書IDを含む http(s) のアドレスです。",
        )


def render_renewal_notice(notice: RenewalNotice) -> bytes:
    """The A4 有効期限通知書, as PDF bytes."""
    sheet = L.Sheet(A4, title="有効期限通知書 / Notice of Expiry", author=notice.municipality)
    sheet.letterhead(f"{notice.municipality}長", notice.municipality_en, notice.issue_date)
    sheet.addressee(notice.address, notice.name)
    sheet.title("有効期限通知書", "Notice of Expiry: My Number Card and Electronic Certificates")
    sheet.bilingual(
        f"お持ちの{_what_ja(notice)}の有効期限が近づいています。下記の日から更新の手続ができます。",
        f"Your {_what_en(notice)} will expire soon. You can renew from the date below.",
    )
    sheet.place(
        L.details_table(_rows(notice), sheet.content_width, label_width=62 * mm), gap=5 * mm
    )
    _instructions(sheet, notice)
    if notice.application_id:
        _apply_online(sheet, notice)
    sheet.footer(
        "有効期限を過ぎると、カードや電子証明書は使えなくなります。",
        "After the expiry date the card or the certificates can no longer be used.",
        notice.municipality,
    )
    return sheet.finish()


def _what_ja(notice: RenewalNotice) -> str:
    parts = []
    if notice.card_expires_on:
        parts.append("マイナンバーカード")
    if notice.certificates_expire_on:
        parts.append("電子証明書")
    return "・".join(parts)


def _what_en(notice: RenewalNotice) -> str:
    parts = []
    if notice.card_expires_on:
        parts.append("My Number Card")
    if notice.certificates_expire_on:
        parts.append("electronic certificates")
    return " and ".join(parts)


def _rows(notice: RenewalNotice) -> list[L.Row]:
    rows = [L.Row("氏名", "Name", notice.name)]
    if notice.card_expires_on:
        rows.append(
            L.Row(
                "カードの有効期限",
                "Card expires on",
                date_ja(notice.card_expires_on),
                date_en(notice.card_expires_on),
            )
        )
    if notice.certificates_expire_on:
        rows.append(
            L.Row(
                "電子証明書の有効期限",
                "Certificates expire",
                date_ja(notice.certificates_expire_on),
                date_en(notice.certificates_expire_on),
            )
        )
    rows += [
        L.Row(
            "更新手続の開始日",
            "Renew from",
            f"{date_ja(notice.renew_from)}から",
            f"from {date_en(notice.renew_from)}",
        ),
        L.Row("手続場所", "Where", notice.counter, notice.counter_en, english_below=True),
    ]
    return rows


def _instructions(sheet: L.Sheet, notice: RenewalNotice) -> None:
    sheet.place(L.heading("更新の方法", "How to renew"), gap=2 * mm)
    if notice.card_expires_on:
        sheet.bilingual(
            "カード：新しいカードの申請（顔写真が必要です）を行い、交付通知書が届いたら窓口で受け取ります。",
            "Card: apply for a new card (a photo is needed); collect it at the counter when the "
            "pickup notice arrives.",
            size=9,
            gap=2 * mm,
        )
    if notice.certificates_expire_on:
        sheet.bilingual(
            "電子証明書：マイナンバーカードを持って窓口へ。暗証番号（4桁と6～16桁）の入力が必要です。",
            "Electronic certificates: come to the counter with your My Number Card; you will "
            "enter your PINs (the 4-digit one and the 6–16 character one).",
            size=9,
            gap=2 * mm,
        )
    sheet.bilingual(
        "持ち物：この通知書、マイナンバーカード",
        "Bring: this notice and your My Number Card.",
        size=9,
    )


QR_SIZE = 38 * mm  # as the letter's: a phone (and OpenCV at 150 dpi) reads it


def _apply_online(sheet: L.Sheet, notice: RenewalNotice) -> None:
    """The new application ID and its QR code: the card is renewed by a new application."""
    sheet.space(3 * mm)
    sheet.place(L.heading("オンラインで申請", "Apply online for the new card"), gap=2 * mm)
    top = sheet.y
    qr_x = sheet.right - QR_SIZE
    L.draw_qr(sheet.canvas, notice.application_url, qr_x, top - QR_SIZE, QR_SIZE)
    sheet.y = top - QR_SIZE - 0.5 * mm
    sheet.place(
        L.para("スマートフォンで読み取り", L.GOTHIC, 7, align=TA_CENTER), x=qr_x, width=QR_SIZE
    )
    sheet.place(L.english("Scan with your smartphone", 6.5, align=TA_CENTER), x=qr_x, width=QR_SIZE)
    qr_bottom = sheet.y
    sheet.y = top
    width = sheet.content_width - QR_SIZE - 6 * mm
    rows = [
        L.Row(
            "申請書ID", "Application ID", group_digits(compact(notice.application_id)), strong=True
        )
    ]
    sheet.place(L.details_table(rows, width, label_width=32 * mm), width=width, gap=2 * mm)
    sheet.bilingual(
        "QRコードを読み取るか、申請書IDを入力して顔写真を添えて申請してください。"
        "この申請書IDは新しいもので、個人番号通知書の申請書IDは使えません。",
        "Scan the QR code, or enter the application ID, and apply with a photo. This ID is "
        "new: the one on your notification letter no longer applies.",
        size=9,
        width=width,
        gap=0,
    )
    sheet.y = min(sheet.y, qr_bottom) - 2 * mm
