"""個人番号通知書 — My Number notification letter, with its card application form.

Mailed by the municipality after registration (個人番号通知書 since 2020-05-25, replacing the
通知カード: 番号法 第7条 as amended in 2020). It is the owner's own letter, so the law lets it
show the My Number in full (``1234 5678 9012``). Its lower part is the card application form
(個人番号カード交付申請書) with the 23-digit application ID (申請書ID) and a QR code that encodes
the application URL containing that ID (マイナンバーカード総合サイト). The letter is not proof of
the number and not an identity document (総務省).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    require_text,
    sex_labels,
)
from mynumber.domain.errors import invalid
from mynumber.domain.numbers import IndividualNumber

APPLICATION_ID_DIGITS = 23
QR_SIZE = 38 * mm

NEXT_STEPS = (
    (
        "スマートフォン：右のQRコードを読み取り、顔写真を撮影して申請します。",
        "Smartphone: scan the QR code on the right, take a photo of your face and apply.",
    ),
    (
        "パソコン：マイナンバーカード総合サイトで申請書IDを入力して申請します。",
        "Computer: enter the application ID on the My Number Card website and apply.",
    ),
    (
        "窓口：区役所・市役所の窓口で申請できます。写真は職員が撮影します。",
        "Counter: apply at the ward office; the staff take your photo there.",
    ),
    (
        "証明写真機：対応する証明写真機でQRコードを読み取り申請します。",
        "Photo booth: at a photo booth that takes applications, scan the QR code and apply.",
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationLetter:
    """What the 個人番号通知書 prints. ``name`` is as registered (Latin letters for most
    foreign residents); ``name_kana`` and ``name_kanji`` (kanji name or alias) where given."""

    municipality: str
    municipality_en: str = ""
    issue_date: date
    name: str
    name_kana: str = ""
    name_kanji: str = ""
    date_of_birth: date
    sex: str
    address: str
    my_number: str = field(repr=False)
    application_id: str
    application_url: str

    def __post_init__(self) -> None:
        require_text("municipality", self.municipality, "The municipality", "市区町村名")
        require_text("name", self.name, "The name", "氏名")
        require_text("address", self.address, "The address", "住所")
        sex_labels(self.sex)
        IndividualNumber.parse(self.my_number)
        application_id = require_digits(
            "application_id",
            self.application_id,
            (APPLICATION_ID_DIGITS,),
            "The application ID",
            "申請書ID",
        )
        if not self.application_url.startswith(("https://", "http://")):
            raise invalid(
                "application_url",
                "The application URL must be an http(s) address.",
                "申請URLは http(s) のアドレスです。",
            )
        if application_id not in self.application_url:
            raise invalid(
                "application_url",
                "The application URL must contain the application ID.",
                "申請URLには申請書IDが含まれていなければなりません。",
            )


def render_notification_letter(letter: NotificationLetter) -> bytes:
    """The A4 個人番号通知書 with its application form part, as PDF bytes."""
    sheet = L.Sheet(
        A4, title="個人番号通知書 / My Number Notification Letter", author=letter.municipality
    )
    sheet.letterhead(f"{letter.municipality}長", letter.municipality_en, letter.issue_date)
    sheet.addressee(letter.address, letter.name)
    sheet.title("個人番号通知書", "My Number Notification Letter")
    sheet.bilingual(
        "あなたの個人番号（マイナンバー）をお知らせします。税・社会保障の手続で使う大切な番号です。",
        "This letter tells you your My Number (Individual Number). You will need it for tax "
        "and social-security procedures.",
        gap=3 * mm,
    )
    sheet.place(
        L.details_table(_person_rows(letter), sheet.content_width, label_width=42 * mm), gap=2 * mm
    )
    sheet.bilingual(
        "この通知書は、個人番号を証明する書類や本人確認書類としては使えません。大切に保管してください。",
        "This letter is not proof of your My Number and is not an identity document. "
        "Keep it in a safe place.",
        size=8.5,
        gap=4 * mm,
    )
    _cut_line(sheet)
    _application_form(sheet, letter)
    sheet.footer(
        "個人番号は法律で定められた手続以外で他人に教えないでください。",
        "Do not give your My Number to anyone except for procedures the law names.",
        letter.municipality,
    )
    return sheet.finish()


def _person_rows(letter: NotificationLetter) -> list[L.Row]:
    sex_ja, sex_en = sex_labels(letter.sex)
    rows = [L.Row("氏名", "Name", letter.name)]
    if letter.name_kana:
        rows.append(L.Row("フリガナ", "Name (kana)", letter.name_kana))
    if letter.name_kanji:
        rows.append(L.Row("漢字・通称", "Kanji / alias", letter.name_kanji))
    rows += [
        L.Row(
            "生年月日",
            "Date of birth",
            date_ja(letter.date_of_birth),
            date_en(letter.date_of_birth),
        ),
        L.Row("性別", "Sex", sex_ja, sex_en),
        L.Row("住所", "Address", letter.address),
        L.Row(
            "個人番号",
            "My Number",
            IndividualNumber.parse(letter.my_number).formatted(),
            strong=True,
        ),
    ]
    return rows


def _cut_line(sheet: L.Sheet) -> None:
    sheet.space(3 * mm)
    c = sheet.canvas
    c.saveState()
    c.setDash(3, 3)
    c.setStrokeColor(L.RULE)
    c.line(sheet.left, sheet.y, sheet.right, sheet.y)
    c.restoreState()
    label = "きりとり線"
    c.setFont(L.GOTHIC, 7)
    c.setFillColor(L.GREY)
    c.drawCentredString(sheet.width / 2, sheet.y + 1.5 * mm, label)
    c.setFont(L.LATIN, 6.5)
    c.drawCentredString(sheet.width / 2, sheet.y - 3 * mm, "cut here")
    sheet.space(6 * mm)


def _application_form(sheet: L.Sheet, letter: NotificationLetter) -> None:
    heading = L.heading("個人番号カード交付申請書", "My Number Card application form", 13)
    sheet.place(heading, gap=3 * mm)
    top = sheet.y
    qr_x = sheet.right - QR_SIZE
    L.draw_qr(sheet.canvas, letter.application_url, qr_x, top - QR_SIZE, QR_SIZE)
    sheet.y = top - QR_SIZE - 0.5 * mm
    caption = L.para("スマートフォンで読み取り", L.GOTHIC, 7, align=TA_CENTER)
    sheet.place(caption, x=qr_x, width=QR_SIZE)
    caption = L.english("Scan with your smartphone", 6.5, align=TA_CENTER)
    sheet.place(caption, x=qr_x, width=QR_SIZE)
    qr_bottom = sheet.y
    sheet.y = top
    left_width = sheet.content_width - QR_SIZE - 6 * mm
    application_id = group_digits(compact(letter.application_id))
    rows = [L.Row("申請書ID", "Application ID", application_id, strong=True)]
    sheet.place(
        L.details_table(rows, left_width, label_width=36 * mm), width=left_width, gap=3 * mm
    )
    _next_steps(sheet, left_width)
    sheet.y = min(sheet.y, qr_bottom) - 2 * mm
    sheet.bilingual(
        "申請から約1～2か月後に交付通知書（はがき）が届きます。はがき、在留カードまたはパスポート、"
        "この通知書を持って窓口でカードを受け取ってください。",
        "About 1–2 months after you apply, a pickup notice postcard arrives. Bring it, "
        "your residence card or passport, and this letter to the ward office to collect your card.",
        size=9,
        gap=0,
    )


def _next_steps(sheet: L.Sheet, width: float) -> None:
    heading = L.heading("次にすること", "What to do next: apply for your card in one of four ways")
    sheet.place(heading, width=width, gap=1.5 * mm)
    for number, (ja, en) in enumerate(NEXT_STEPS, start=1):
        sheet.bilingual(
            f"{number}. {ja}", en, size=9, gap=1 * mm, x=sheet.left + 3 * mm, width=width - 3 * mm
        )
