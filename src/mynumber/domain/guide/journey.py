"""The first months of the plan, for each member of the household: registration, health
insurance from day one, the letter, the card (channels, photo, express issuance, collection
with the PINs and any fee), and registering the card as the health insurance card.

Texts are messages (``mynumber.i18n``): literals with ``{name}`` placeholders, filled from
the step's ``values``; a sentence that applies only sometimes is a note of its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mynumber.domain import (
    cards,
    deadlines,
    fees,
    photo_rules,
    pins,
    representation,
    timelines,
    validity,
)
from mynumber.domain.cards import ApplicationKind, Channel
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.guide.model import GuideAnswers, GuideStep, Member, StepKind, StepState

RESIDENCE_CARD = ("Residence card (在留カード)", "在留カード")
PASSPORT = ("Passport", "旅券（パスポート）")
PHOTO_ID = ("Photo ID (driving licence, passport)", "顔写真付きの本人確認書類（運転免許証・旅券）")
PICKUP_NOTICE = ("Pickup notice (交付通知書)", "交付通知書")
LETTER = ("Notification letter (個人番号通知書)", "個人番号通知書")
OWN_PHOTO_ID = ("Your own photo ID", "法定代理人の本人確認書類")
CHILDS_ID = ("The child's residence card or passport", "お子さんの在留カードまたは旅券")
BANK_ACCOUNT = ("Your bank account details", "申請者名義の口座がわかるもの")
INSURANCE_DETAILS = ("Your health insurance details", "医療保険の資格がわかるもの")
FAMILY_NOTE = (
    "Register the whole family at the same visit: each of you gets a number.",
    "家族全員を同時に届け出てください。一人ひとりに番号が付番されます。",
)
LATE_NOTE = (
    "Late registration is still accepted, but it is recorded as late and a fine (過料) may "
    "follow: go as soon as you can.",
    "期限後の届出も受理されますが、遅れた届出として記録され、過料の対象となることがあります。"
    "早めに届け出てください。",
)


@dataclass(frozen=True)
class Dates:
    """The key dates, known or estimated (registration today, apply when the letter comes)."""

    registered_on: dt.date
    letter: tuple[dt.date, dt.date]
    applied_on: dt.date
    notice: tuple[dt.date, dt.date]
    card_issued_on: dt.date


def dates(a: GuideAnswers, today: dt.date) -> Dates:
    registered = a.registered_on or max(today, a.arrived_on)
    letter = timelines.notification_letter_window(registered)
    applied = a.applied_on or (max(today, letter[0]) if not a.letter_arrived else today)
    notice = timelines.pickup_notice_window(applied)
    issued = a.card_collected_on or max(today, notice[1])
    return Dates(registered, letter, applied, notice, issued)


def step(
    m: Member,
    key: str,
    kind: StepKind,
    state: StepState,
    title: tuple[str, str],
    text: tuple[str, str],
    values: dict[str, Any] | None = None,
    **kw: Any,
) -> GuideStep:
    """A step of member ``m`` (a child's step is keyed and labelled as theirs)."""
    return GuideStep(
        m.key(key),
        kind,
        state,
        *title,
        *text,
        who_en=m.who_en,
        who_ja=m.who_ja,
        values={**(values or {}), **m.values},
        **kw,
    )


def ids(a: GuideAnswers) -> tuple[tuple[str, str], ...]:
    """The identity documents a person brings (foreign resident or Japanese national)."""
    return (RESIDENCE_CARD, PASSPORT) if a.status_of_residence.strip() else (PHOTO_ID,)


def bring(*items: tuple[str, str]) -> dict[str, tuple[str, ...]]:
    return {"bring_en": tuple(i[0] for i in items), "bring_ja": tuple(i[1] for i in items)}


# --- Registration ----------------------------------------------------------------------------


def register(a: GuideAnswers, you: Member, today: dt.date) -> GuideStep:
    due = deadlines.moving_in_deadline(a.arrived_on)
    if a.registered_on is not None:
        state = StepState.DONE
    else:
        state = StepState.OVERDUE if today > due else StepState.NOW
    notes = []
    if a.children_born:
        notes.append(FAMILY_NOTE)
    if state is StepState.OVERDUE or (a.registered_on and a.registered_on > due):
        notes.append(LATE_NOTE)
    return step(
        you,
        "register",
        StepKind.DEADLINE,
        state,
        ("Register your address (転入届)", "転入届を出す"),
        (
            "Go to the ward office of {municipality} within {days} days of moving in: by "
            "{due}. Your My Number is assigned the same day.",
            "転入した日から{days}日以内（{due}まで）に{municipality}の窓口で転入届を出して"
            "ください。同じ日にマイナンバーが付番されます。",
        ),
        {"municipality": a.municipality, "days": deadlines.NOTIFICATION_DAYS, "due": due},
        on=due,
        notes=tuple(notes),
        **bring(*ids(a)),
    )


# --- The letter and the card -----------------------------------------------------------------


def _window_state(done: bool, window: tuple[dt.date, dt.date], today: dt.date) -> StepState:
    if done:
        return StepState.DONE
    if today > window[1]:
        return StepState.OVERDUE
    return StepState.NOW if today >= window[0] else StepState.UPCOMING


def letter(a: GuideAnswers, you: Member, d: Dates, today: dt.date) -> GuideStep:
    start, end = d.letter
    notes = (
        []
        if not a.children_born
        else [
            (
                "Each member of the family gets a letter of their own.",
                "家族一人ひとりに通知書が届きます。",
            )
        ]
    )
    return step(
        you,
        "letter",
        StepKind.WAIT,
        _window_state(a.letter_arrived, d.letter, today),
        ("Your notification letter arrives (個人番号通知書)", "個人番号通知書が届く"),
        (
            "The ward office mails your My Number in a white envelope between {start} and "
            "{end}. Make sure your name is on the mailbox and someone can receive it. The "
            "letter carries the QR code and application ID for the card.",
            "{start}から{end}ごろ、マイナンバーを記載した通知書が白い封筒で郵送されます。"
            "郵便受けに名前を表示してください。通知書にはカード申請用のQRコードと申請書IDが"
            "あります。",
        ),
        {"start": start, "end": end},
        on=start,
        until=end,
        estimated=a.registered_on is None,
        notes=tuple(notes),
    )


_CHANNEL_NOTE = {
    Channel.SMARTPHONE: (
        "By smartphone: scan the letter's QR code (the easiest way).",
        "スマートフォン：通知書のQRコードを読み取ります（いちばん簡単です）。",
    ),
    Channel.PC: (
        "On a PC: enter the letter's application ID.",
        "パソコン：通知書の申請書IDを入力します。",
    ),
    Channel.PHOTO_BOOTH: (
        "At a photo booth in town: with the letter's application ID.",
        "まちなかの証明写真機：通知書の申請書IDを使います。",
    ),
    Channel.COUNTER: (
        "At the ward office counter: staff take the photo.",
        "市区町村の窓口：職員が写真を撮影します。",
    ),
}
NO_PHOTO_NOTE = (
    "No photo: a child under {no_photo_age} gets a card without one.",
    "写真は不要です（{no_photo_age}歳未満のお子さんのカードには顔写真がありません）。",
)
PHOTO_NOTE = (
    "The photo: 4.5 cm × 3.5 cm, taken within 6 months, facing the front, no hat, plain "
    "background; uploaded as {formats}, {min_px}–{max_px} pixels on each side, at most "
    "{max_mb} MB.",
    "写真は縦4.5cm×横3.5cm、6か月以内に撮影、正面、無帽、無背景。アップロードは{formats}、"
    "各辺{min_px}〜{max_px}ピクセル、{max_mb}MB以下です。",
)
REPRESENTED_NOTE = (
    "As the child is under {represented_age}, you (the legal representative, 法定代理人) apply.",
    "{represented_age}歳未満のため、法定代理人（親権者）が申請します。",
)
FIRST_CARD_FREE = ("The first card is free.", "初回の交付は無料です。")
EXPRESS_FEE_NOTE = ("Express issuance costs {fee}.", "特急発行の手数料は{fee}です。")


def apply(a: GuideAnswers, m: Member, d: Dates, today: dt.date) -> list[GuideStep]:
    state = (
        StepState.DONE
        if a.applied_on
        else (StepState.NOW if a.letter_arrived else StepState.UPCOMING)
    )
    notes = []
    if representation.represented_on(m.date_of_birth, d.applied_on):
        notes.append(REPRESENTED_NOTE)
    notes += [_CHANNEL_NOTE[c] for c in Channel]
    photo = representation.photo_on_card(m.date_of_birth, d.applied_on)
    notes += [PHOTO_NOTE if photo else NO_PHOTO_NOTE, FIRST_CARD_FREE]
    applying = step(
        m,
        "apply",
        StepKind.ACTION,
        state,
        ("Apply for the My Number Card", "マイナンバーカードを申請する"),
        ("There are four ways to apply.", "申請方法は4つあります。"),
        {
            "represented_age": representation.REPRESENTED_UNDER,
            "no_photo_age": representation.NO_PHOTO_UNDER,
            "formats": " / ".join(photo_rules.ACCEPTED_FORMATS),
            "min_px": photo_rules.MIN_SIDE_PX,
            "max_px": photo_rules.MAX_SIDE_PX,
            "max_mb": photo_rules.MAX_FILE_BYTES // 1_000_000,
        },
        on=d.applied_on,
        estimated=a.applied_on is None,
        notes=tuple(notes),
    )
    express = express_step(a, m, d, today)
    return [applying] + ([express] if express else [])


def express_reasons(a: GuideAnswers, m: Member, d: Dates) -> dict[ExpressReason, dt.date]:
    """The reasons this member may ask for express issuance, each with its last day."""
    reasons = {}
    if not a.moved_within_japan:
        reasons[ExpressReason.ARRIVAL_FROM_ABROAD] = deadlines.express_request_deadline(
            d.registered_on, ExpressReason.ARRIVAL_FROM_ABROAD
        )
    infant_until = deadlines.express_request_deadline(m.date_of_birth, ExpressReason.NEWBORN)
    if d.registered_on <= infant_until:
        reasons[ExpressReason.NEWBORN] = infant_until
    return reasons


def express_step(a: GuideAnswers, m: Member, d: Dates, today: dt.date) -> GuideStep | None:
    reasons = express_reasons(a, m, d)
    if a.applied_on is not None or not reasons or today > max(reasons.values()):
        return None
    reason, by = max(reasons.items(), key=lambda r: r[1])
    start = max(today, d.registered_on)
    ready = timelines.express_card_window(start)
    fee = fees.card_fee(ApplicationKind.NEW, express=True)
    if reason is ExpressReason.NEWBORN:
        text = (
            "For a child under 1, you may ask for express issuance at the ward office counter "
            "until {by}.",
            "1歳未満のお子さんは、{by}まで窓口で特急発行を申し込めます。",
        )
    else:
        text = (
            "Having arrived from abroad, you may ask for express issuance at the ward office "
            "counter within {days} days of the moving-in notification: until {by}.",
            "国外から転入した方は、転入届から{days}日以内（{by}まで）、窓口で特急発行を"
            "申し込めます。",
        )
    return step(
        m,
        "express",
        StepKind.ACTION,
        StepState.IF_NEEDED,
        ("Need the card fast? Ask for express issuance (特急発行)", "急ぐ場合は特急発行を申し込む"),
        text,
        {
            "days": deadlines.EXPRESS_REQUEST_DAYS,
            "by": by,
            "asked": start,
            "ready_from": ready[0],
            "ready_by": ready[1],
            "fee": fees.yen(fee.yen),
        },
        on=by,
        notes=(
            # domain.cards.delivery: an express card is mailed, its PINs chosen when applying.
            (
                "You choose the PINs when you apply. The card is made in about a week and "
                "mailed to you by registered post (本人限定受取郵便), with no pickup notice: "
                "asked on {asked}, it arrives between {ready_from} and {ready_by}; show a photo "
                "ID to the postal worker. If it cannot be delivered, collect it at the ward "
                "office with a photo ID.",
                "暗証番号は申請の際に設定します。カードは約1週間で作られ、本人限定受取郵便で届きます"
                "（交付通知書はありません。{asked}に申し込むと{ready_from}〜{ready_by}ごろ）。"
                "受け取りの際は顔写真付きの本人確認書類を提示してください。配達できなかった場合は、"
                "顔写真付きの本人確認書類を持って窓口で受け取ってください。",
            ),
            FIRST_CARD_FREE if fee.free else EXPRESS_FEE_NOTE,
        ),
    )


def notice(a: GuideAnswers, m: Member, d: Dates, today: dt.date) -> GuideStep:
    start, end = d.notice
    done = a.notice_arrived or a.card_collected_on is not None
    state = _window_state(done, d.notice, today) if a.applied_on else StepState.UPCOMING
    return step(
        m,
        "notice",
        StepKind.WAIT,
        state,
        ("The pickup notice arrives (交付通知書)", "交付通知書が届く"),
        (
            "About {low}–{high} months after applying, a postcard tells you the card is ready "
            "at the ward office: between {start} and {end}.",
            "申請から約{low}〜{high}か月後（{start}〜{end}ごろ）、カードの準備ができたことを"
            "知らせるはがきが届きます。",
        ),
        {
            "low": timelines.MANUFACTURE_EARLIEST_MONTHS,
            "high": timelines.MANUFACTURE_LATEST_MONTHS,
            "start": start,
            "end": end,
        },
        on=start,
        until=end,
        estimated=a.applied_on is None,
    )


SIGNATURE_PINS_NOTE = (
    "You set three 4-digit PINs (they may be the same) and a signature PIN of "
    "{sig_min}–{sig_max} uppercase letters and digits.",
    "数字4桁の暗証番号3つ（同じでも可）と、英大文字と数字{sig_min}〜{sig_max}文字の"
    "署名用暗証番号を設定します。",
)
CHILD_PINS_NOTE = (
    "Come together with your child: you, the legal representative, set three 4-digit PINs "
    "(they may be the same). There is no signature PIN: the signature certificate is not "
    "issued under {signature_age}.",
    "お子さんと一緒に来庁してください。法定代理人が数字4桁の暗証番号3つ（同じでも可）を"
    "設定します。署名用電子証明書は{signature_age}歳未満には発行されないため、署名用暗証番号は"
    "ありません。",
)
NO_SIGNATURE_NOTE = (
    "You set three 4-digit PINs (they may be the same). There is no signature PIN: the "
    "signature certificate is not issued under {signature_age}.",
    "数字4桁の暗証番号3つ（同じでも可）を設定します。署名用電子証明書は{signature_age}歳未満には"
    "発行されないため、署名用暗証番号はありません。",
)
LOCKOUT_NOTE = (
    "Choose PINs that are hard to guess (not a birthday) and keep them apart from the card: "
    "{four} wrong entries in a row lock a 4-digit PIN, {five} the signature PIN (see “A PIN "
    "is locked” below).",
    "誕生日など推測されやすい番号は避け、カードと別に管理してください。数字4桁の暗証番号は"
    "{four}回、署名用は{five}回続けて間違えるとロックされます（下の「暗証番号がロックされた」）。",
)

FOUR_DIGIT_LOCKOUT_NOTE = (
    "Choose PINs that are hard to guess (not a birthday) and keep them apart from the card: "
    "{four} wrong entries in a row lock a 4-digit PIN (see “A PIN is locked” below).",
    "誕生日など推測されやすい番号は避け、カードと別に管理してください。数字4桁の暗証番号は"
    "{four}回続けて間違えるとロックされます（下の「暗証番号がロックされた」）。",
)
"""The lockout note of a card without a signature PIN (a child's, under 15)."""


def collect(a: GuideAnswers, m: Member, d: Dates) -> GuideStep:
    when = d.card_issued_on if a.card_collected_on else d.notice[0]
    state = (
        StepState.DONE
        if a.card_collected_on
        else (StepState.NOW if a.notice_arrived else StepState.UPCOMING)
    )
    represented = representation.represented_on(m.date_of_birth, when)
    signs = validity.signature_certificate_allowed(date_of_birth=m.date_of_birth, on=when)
    ids_shown: tuple[tuple[str, str], ...]
    if represented:
        pins_note, ids_shown = CHILD_PINS_NOTE, (OWN_PHOTO_ID, CHILDS_ID)
    else:
        pins_note = SIGNATURE_PINS_NOTE if signs else NO_SIGNATURE_NOTE
        ids_shown = ids(a)
    return step(
        m,
        "collect",
        StepKind.ACTION,
        state,
        ("Collect the card and set the PINs", "カードを受け取り、暗証番号を設定する"),
        (
            "Go to the ward office by the date on the notice (about {within} months after it "
            "is sent).",
            "通知書に書かれた期限（発送から約{within}か月）までに窓口へ行ってください。",
        ),
        {
            "within": cards.COLLECT_WITHIN_MONTHS,
            "sig_min": pins.SIGNATURE_PIN_MIN,
            "sig_max": pins.SIGNATURE_PIN_MAX,
            "signature_age": validity.SIGNATURE_CERTIFICATE_MIN_AGE,
            "four": pins.FOUR_DIGIT_PIN_ATTEMPTS,
            "five": pins.SIGNATURE_PIN_ATTEMPTS,
        },
        on=when,
        estimated=a.card_collected_on is None,
        notes=(pins_note, LOCKOUT_NOTE if signs else FOUR_DIGIT_LOCKOUT_NOTE, FIRST_CARD_FREE),
        **bring(PICKUP_NOTICE, *ids_shown, LETTER),
    )
