"""Paper documents of the My Number system, rendered as PDF bytes (reportlab + segno).

Each document takes a small frozen dataclass of what it prints (plain ``str``/``date``/``int``
fields, so any service can fill it) and returns the PDF. Japanese is set in reportlab's
built-in CID fonts, with English beside it for newly arrived residents.

- 個人番号通知書 — My Number notification letter, with the card application form and QR code
- 交付通知書 — My Number Card pickup notice (postcard)
- 資格確認書 — health-insurance eligibility confirmation letter
- 資格情報のお知らせ — notice of insurance information, for holders of a マイナ保険証
- 給与所得の源泉徴収票 — withholding tax statement (tax-office or employee copy)
- 有効期限通知書 — notice of expiry of the card or its certificates
- 領収書 — the receipt for a card fee paid at the counter
- 転入者向けガイド — the newcomer's plan, printable
"""

from mynumber.adapters.documents.eligibility_letter import (
    EligibilityLetter,
    render_eligibility_letter,
    render_qualification_notice,
)
from mynumber.adapters.documents.fee_receipt import FeeReceipt, render_fee_receipt
from mynumber.adapters.documents.guide_plan import render_guide_plan
from mynumber.adapters.documents.notification_letter import (
    NotificationLetter,
    render_notification_letter,
)
from mynumber.adapters.documents.pickup_notice import PickupNotice, render_pickup_notice
from mynumber.adapters.documents.renewal_notice import RenewalNotice, render_renewal_notice
from mynumber.adapters.documents.withholding_slip import (
    WithholdingSlip,
    render_withholding_slip,
)

__all__ = [
    "EligibilityLetter",
    "FeeReceipt",
    "NotificationLetter",
    "PickupNotice",
    "RenewalNotice",
    "WithholdingSlip",
    "render_eligibility_letter",
    "render_fee_receipt",
    "render_guide_plan",
    "render_notification_letter",
    "render_pickup_notice",
    "render_qualification_notice",
    "render_renewal_notice",
    "render_withholding_slip",
]
