"""The first months of the plan, for each member of the household: registration, health
insurance from day one, the letter, the card (channels, photo, express issuance, collection
with the PINs and any fee), and registering the card as the health insurance card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mynumber.domain import (
    cards,
    deadlines,
    fees,
    insurance,
    insurance_rules,
    photo_rules,
    pins,
    representation,
    timelines,
    validity,
)
from mynumber.domain.cards import ApplicationKind, Channel
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.guide.model import (
    GuideAnswers,
    GuideStep,
    Member,
    StepKind,
    StepState,
    en,
    ja,
)
from mynumber.domain.insurance import InsuranceUseChannel, InsurerKind


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


def _step(
    m: Member, key: str, kind: StepKind, state: StepState, *texts: str, **kw: object
) -> GuideStep:
    title_en, title_ja, text_en, text_ja = texts
    return GuideStep(
        m.key(key),
        kind,
        state,
        title_en,
        title_ja,
        text_en,
        text_ja,
        who_en=m.who_en,
        who_ja=m.who_ja,
        **kw,  # type: ignore[arg-type]
    )


def ids_en(a: GuideAnswers) -> tuple[str, ...]:
    if a.status_of_residence.strip():
        return ("Residence card (在留カード)", "Passport")
    return ("Photo ID (driving licence, passport)",)


def ids_ja(a: GuideAnswers) -> tuple[str, ...]:
    if a.status_of_residence.strip():
        return ("在留カード", "旅券（パスポート）")
    return ("顔写真付きの本人確認書類（運転免許証・旅券）",)


# --- Registration ----------------------------------------------------------------------------


def register(a: GuideAnswers, today: dt.date) -> GuideStep:
    due = deadlines.moving_in_deadline(a.arrived_on)
    if a.registered_on is not None:
        state = StepState.DONE
    else:
        state = StepState.OVERDUE if today > due else StepState.NOW
    late_en = late_ja = family_en = family_ja = ""
    if state is StepState.OVERDUE or (a.registered_on and a.registered_on > due):
        late_en = (
            " Late registration is still accepted, but it is recorded as late and a "
            "fine (過料) may follow: go as soon as you can."
        )
        late_ja = (
            "期限後の届出も受理されますが、遅れた届出として記録され、過料の対象となる"
            "ことがあります。早めに届け出てください。"
        )
    if a.children_born:
        family_en = " Register the whole family at the same visit: each of you gets a number."
        family_ja = "家族全員を同時に届け出てください。一人ひとりに番号が付番されます。"
    return GuideStep(
        "register",
        StepKind.DEADLINE,
        state,
        "Register your address (転入届)",
        "転入届を出す",
        f"Go to the ward office of {a.municipality} within "
        f"{deadlines.NOTIFICATION_DAYS} days of moving in: by {en(due)}. Your My Number "
        f"is assigned the same day.{family_en}{late_en}",
        f"転入した日から{deadlines.NOTIFICATION_DAYS}日以内（{ja(due)}まで）に"
        f"{a.municipality}の窓口で転入届を出してください。同じ日にマイナンバーが付番されます。"
        f"{family_ja}{late_ja}",
        on=due,
        bring_en=ids_en(a),
        bring_ja=ids_ja(a),
    )


# --- Health insurance from day one -----------------------------------------------------------


def health_insurance(a: GuideAnswers, m: Member, d: Dates, today: dt.date) -> list[GuideStep]:
    """Which insurance applies, joining it, and what to show at a clinic before the card."""
    kind = insurance.insurer_kind_for(
        date_of_birth=m.date_of_birth, on=a.arrived_on, employee=a.employee
    )
    return [_join(a, m, kind, today), _before_the_card(a, m, kind, d)]


def _join(a: GuideAnswers, m: Member, kind: InsurerKind, today: dt.date) -> GuideStep:
    if kind is InsurerKind.EMPLOYER:
        return _step(
            m,
            "insurance",
            StepKind.ACTION,
            StepState.NOW if a.registered_on is None else StepState.DONE,
            "Health insurance: your employer's (健康保険)",
            "医療保険：勤務先の健康保険",
            "Your employer enrols you in its health insurance from your first day of work"
            + (" and your children as your dependants (被扶養者)" if a.children_born else "")
            + ". Give HR your My Number once the letter comes: they must ask for it and check "
            "your ID. If you are not covered by an employer, join National Health Insurance "
            f"at the ward office within {insurance.NHI_NOTIFICATION_DAYS} days instead.",
            "勤務先が初日から健康保険に加入させます"
            + ("（お子さんは被扶養者として）" if a.children_born else "")
            + "。通知書が届いたら、勤務先にマイナンバーを提出してください（本人確認があります）。"
            f"勤務先の保険に入らない場合は、{insurance.NHI_NOTIFICATION_DAYS}日以内に窓口で"
            "国民健康保険に加入してください。",
        )
    due = insurance.nhi_notification_deadline(a.arrived_on)
    joined = a.registered_on is not None
    state = StepState.DONE if joined else (StepState.OVERDUE if today > due else StepState.NOW)
    if kind is InsurerKind.LATE_ELDERLY:
        title = ("Join the late-stage elderly medical system", "後期高齢者医療制度の手続きをする")
    else:
        title = ("Join National Health Insurance (国民健康保険)", "国民健康保険に加入する")
    return _step(
        m,
        "insurance",
        StepKind.DEADLINE,
        state,
        *title,
        f"At the same visit as the 転入届, join at the ward office's insurance counter: within "
        f"{insurance.NHI_NOTIFICATION_DAYS} days, by {en(due)}. You are covered from the day "
        f"you moved in ({en(a.arrived_on)}), even if you join later, and premiums run from "
        "that day too.",
        f"転入届と同じ日に、窓口の保険担当で加入してください（{insurance.NHI_NOTIFICATION_DAYS}"
        f"日以内、{ja(due)}まで）。加入日が遅れても、転入した日（{ja(a.arrived_on)}）から"
        "資格があり、保険料もその日から計算されます。",
        on=due,
        bring_en=ids_en(a),
        bring_ja=ids_ja(a),
    )


def _before_the_card(a: GuideAnswers, m: Member, kind: InsurerKind, d: Dates) -> GuideStep:
    until = insurance_rules.latest_eligibility_letter_expiry(d.registered_on)
    lo, hi = timelines.MANUFACTURE_EARLIEST_MONTHS, timelines.MANUFACTURE_LATEST_MONTHS
    where_en, where_ja = (
        ("through your employer's HR", "勤務先を通じて")
        if kind is InsurerKind.EMPLOYER
        else ("at the counter when you join", "加入の手続きの際に窓口で")
    )
    return _step(
        m,
        "clinic_before_card",
        StepKind.ACTION,
        StepState.DONE if a.card_collected_on else StepState.NOW,
        "At a clinic before your card works: show the 資格確認書",
        "カードが使えるまでの受診：資格確認書を提示する",
        "Paper insurance cards are no longer issued "
        f"(the last were issued on {en(insurance_rules.PAPER_CARD_LAST_ISSUE_DAY)}). "
        "Until your My Number Card is registered as your insurance card, show the "
        "eligibility confirmation letter (資格確認書) at clinics and pharmacies. "
        f"Ask for it {where_en}; it is valid for up to "
        f"{insurance_rules.ELIGIBILITY_LETTER_MAX_YEARS} years (at most until {en(until)}). "
        f"You will need it while the card is being made (about {lo}–{hi} months).",
        f"紙の保険証は{ja(insurance_rules.PAPER_CARD_LAST_ISSUE_DAY)}を最後に発行されていません。"
        "マイナンバーカードを保険証として利用登録するまでは、医療機関・薬局で資格確認書を提示して"
        f"ください。{where_ja}受け取れます。有効期間は最長"
        f"{insurance_rules.ELIGIBILITY_LETTER_MAX_YEARS}年（最長で{ja(until)}まで）です。"
        f"カードができるまで（約{lo}〜{hi}か月）はこれを使います。",
        on=d.registered_on,
        estimated=a.registered_on is None,
    )


# --- The letter and the card -----------------------------------------------------------------


def _window_state(done: bool, window: tuple[dt.date, dt.date], today: dt.date) -> StepState:
    if done:
        return StepState.DONE
    if today > window[1]:
        return StepState.OVERDUE
    return StepState.NOW if today >= window[0] else StepState.UPCOMING


def letter(a: GuideAnswers, d: Dates, today: dt.date) -> GuideStep:
    start, end = d.letter
    each_en = " Each member of the family gets a letter of their own." if a.children_born else ""
    each_ja = "家族一人ひとりに通知書が届きます。" if a.children_born else ""
    return GuideStep(
        "letter",
        StepKind.WAIT,
        _window_state(a.letter_arrived, d.letter, today),
        "Your notification letter arrives (個人番号通知書)",
        "個人番号通知書が届く",
        f"The ward office mails your My Number in a white envelope between {en(start)} and "
        f"{en(end)}. Make sure your name is on the mailbox and someone can receive it. "
        f"The letter carries the QR code and application ID for the card.{each_en}",
        f"{ja(start)}から{ja(end)}ごろ、マイナンバーを記載した通知書が白い封筒で郵送されます。"
        f"郵便受けに名前を表示してください。通知書にはカード申請用のQRコードと申請書IDがあります。"
        f"{each_ja}",
        on=start,
        until=end,
        estimated=a.registered_on is None,
    )


_CHANNEL_TEXT = {
    Channel.SMARTPHONE: (
        "scan the letter's QR code with a smartphone (easiest)",
        "スマートフォンで通知書のQRコードを読み取る（簡単）",
    ),
    Channel.PC: ("apply on a PC with the application ID", "パソコンで申請書IDを入力する"),
    Channel.PHOTO_BOOTH: ("at a photo booth with the application ID", "証明写真機で申請書IDを使う"),
    Channel.COUNTER: (
        "at the ward office counter (staff take the photo)",
        "窓口で申請する（職員が撮影）",
    ),
}


def _photo_text(m: Member, on: dt.date) -> tuple[str, str]:
    if not representation.photo_on_card(m.date_of_birth, on):
        return (
            "No photo: a child under 1 gets a card without one.",
            "写真は不要です（1歳未満のお子さんのカードには顔写真がありません）。",
        )
    formats = photo_rules.ACCEPTED_FORMATS
    mb = photo_rules.MAX_FILE_BYTES // 1_000_000
    side = f"{photo_rules.MIN_SIDE_PX}–{photo_rules.MAX_SIDE_PX}"
    return (
        "The photo: 4.5 cm × 3.5 cm, taken within 6 months, facing the front, no hat, plain "
        f"background; uploaded as {' or '.join(formats)}, {side} pixels on each side, at "
        f"most {mb} MB.",
        "写真は縦4.5cm×横3.5cm、6か月以内に撮影、正面、無帽、無背景。アップロードは"
        f"{'・'.join(formats)}、各辺{side.replace('–', '〜')}ピクセル、{mb}MB以下です。",
    )


def apply(a: GuideAnswers, m: Member, d: Dates, today: dt.date) -> list[GuideStep]:
    state = (
        StepState.DONE
        if a.applied_on
        else (StepState.NOW if a.letter_arrived else StepState.UPCOMING)
    )
    ways_en = "; ".join(_CHANNEL_TEXT[c][0] for c in Channel)
    ways_ja = "、".join(_CHANNEL_TEXT[c][1] for c in Channel)
    photo_en, photo_ja = _photo_text(m, d.applied_on)
    rep_en = rep_ja = ""
    if representation.represented_on(m.date_of_birth, d.applied_on):
        age = representation.REPRESENTED_UNDER
        rep_en = f"As the child is under {age}, you (the legal representative, 法定代理人) apply. "
        rep_ja = f"{age}歳未満のため、法定代理人（親権者）が申請します。"
    steps = [
        _step(
            m,
            "apply",
            StepKind.ACTION,
            state,
            "Apply for the My Number Card",
            "マイナンバーカードを申請する",
            f"{rep_en}Four ways: {ways_en}. {photo_en} The first card is free.",
            f"{rep_ja}申請方法は4つです：{ways_ja}。{photo_ja}初回の交付は無料です。",
            on=d.applied_on,
            estimated=a.applied_on is None,
        )
    ]
    express = express_step(a, m, d, today)
    return steps + ([express] if express else [])


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
        who_en, who_ja = "For a child under 1", "1歳未満のお子さんは"
    else:
        days = deadlines.EXPRESS_REQUEST_DAYS
        who_en = f"Having arrived from abroad, within {days} days of the moving-in notification"
        who_ja = f"国外から転入した方は、転入届から{days}日以内"
    return _step(
        m,
        "express",
        StepKind.ACTION,
        StepState.IF_NEEDED,
        "Need the card fast? Ask for express issuance (特急発行)",
        "急ぐ場合は特急発行を申し込む",
        f"{who_en} you may ask for express issuance at the ward office counter, until "
        f"{en(by)}. The card is made in about a week: asked on {en(start)}, it is ready "
        f"between {en(ready[0])} and {en(ready[1])}, and you collect it at the ward office "
        f"as below. {fee.why_free_en.capitalize()}.",
        f"{who_ja}、{ja(by)}まで窓口で特急発行を申し込めます。カードは約1週間で作られます"
        f"（{ja(start)}に申し込むと{ja(ready[0])}〜{ja(ready[1])}ごろ）。受け取りは下記のとおり"
        f"窓口です。{fee.why_free_ja}。",
        on=by,
    )


def notice(a: GuideAnswers, m: Member, d: Dates, today: dt.date) -> GuideStep:
    start, end = d.notice
    done = a.notice_arrived or a.card_collected_on is not None
    state = _window_state(done, d.notice, today) if a.applied_on else StepState.UPCOMING
    lo, hi = timelines.MANUFACTURE_EARLIEST_MONTHS, timelines.MANUFACTURE_LATEST_MONTHS
    return _step(
        m,
        "notice",
        StepKind.WAIT,
        state,
        "The pickup notice arrives (交付通知書)",
        "交付通知書が届く",
        f"About {lo}–{hi} months after applying, a postcard tells you the card is ready at the "
        f"ward office: between {en(start)} and {en(end)}.",
        f"申請から約{lo}〜{hi}か月後（{ja(start)}〜{ja(end)}ごろ）、カードの準備ができたことを"
        "知らせるはがきが届きます。",
        on=start,
        until=end,
        estimated=a.applied_on is None,
    )


def collect(a: GuideAnswers, m: Member, d: Dates) -> GuideStep:
    when = d.card_issued_on if a.card_collected_on else d.notice[0]
    state = (
        StepState.DONE
        if a.card_collected_on
        else (StepState.NOW if a.notice_arrived else StepState.UPCOMING)
    )
    sig = pins.SIGNATURE_PIN_MIN, pins.SIGNATURE_PIN_MAX
    four, five = pins.FOUR_DIGIT_PIN_ATTEMPTS, pins.SIGNATURE_PIN_ATTEMPTS
    within = cards.COLLECT_WITHIN_MONTHS
    represented = representation.represented_on(m.date_of_birth, when)
    signs = validity.signature_certificate_allowed(date_of_birth=m.date_of_birth, on=when)
    if signs:
        pins_en = (
            f"three 4-digit PINs (they may be the same) and a signature PIN of {sig[0]}–{sig[1]} "
            "uppercase letters and digits."
        )
        pins_ja = (
            f"数字4桁の暗証番号3つ（同じでも可）と、英大文字と数字{sig[0]}〜{sig[1]}文字の"
            "署名用暗証番号を設定します。"
        )
    else:
        no_sig = validity.SIGNATURE_CERTIFICATE_MIN_AGE
        pins_en = (
            "three 4-digit PINs (they may be the same). There is no signature PIN: the "
            f"signature certificate is not issued under {no_sig}."
        )
        pins_ja = (
            "数字4桁の暗証番号3つ（同じでも可）を設定します。署名用電子証明書は"
            f"{no_sig}歳未満には発行されないため、署名用暗証番号はありません。"
        )
    if represented:
        who_en = "Come together with your child: you, the legal representative, set the PINs. "
        who_ja = "お子さんと一緒に来庁してください。法定代理人が暗証番号を設定します。"
        bring_en: tuple[str, ...] = ("Your own photo ID", "The child's residence card or passport")
        bring_ja: tuple[str, ...] = ("法定代理人の本人確認書類", "お子さんの在留カードまたは旅券")
    else:
        who_en = who_ja = ""
        bring_en, bring_ja = ids_en(a), ids_ja(a)
    return _step(
        m,
        "collect",
        StepKind.ACTION,
        state,
        "Collect the card and set the PINs",
        "カードを受け取り、暗証番号を設定する",
        f"Go to the ward office by the date on the notice (about {within} months after it is "
        f"sent). {who_en}You set {pins_en} Choose PINs that are hard to guess (not a birthday) "
        f"and keep them apart from the card: {four} wrong entries in a row lock a 4-digit PIN, "
        f"{five} the signature PIN (see “A PIN is locked” below). The first card is free.",
        f"通知書に書かれた期限（発送から約{within}か月）までに窓口へ。{who_ja}{pins_ja}"
        "誕生日など推測されやすい番号は避け、カードと別に管理してください。数字4桁の暗証番号は"
        f"{four}回、署名用は{five}回続けて間違えるとロックされます（下の「暗証番号がロックされた」）。"
        "初回の交付は無料です。",
        on=when,
        estimated=a.card_collected_on is None,
        bring_en=("Pickup notice (交付通知書)", *bring_en, "Notification letter (個人番号通知書)"),
        bring_ja=("交付通知書", *bring_ja, "個人番号通知書"),
    )


def insurance_use(a: GuideAnswers, m: Member, d: Dates) -> GuideStep:
    """Registering the card as the health insurance card, and the clinic after it."""
    where = {
        InsuranceUseChannel.CLINIC: (
            "at a clinic's card reader on your first visit",
            "医療機関のカードリーダーで初めて受診するとき",
        ),
        InsuranceUseChannel.PORTAL: ("on マイナポータル", "マイナポータルで"),
        InsuranceUseChannel.COUNTER: ("at the ward office", "市区町村の窓口で"),
    }
    ways_en = ", ".join(where[c][0] for c in InsuranceUseChannel)
    ways_ja = "、".join(where[c][1] for c in InsuranceUseChannel)
    when = d.card_issued_on if a.card_collected_on else d.notice[0]
    return _step(
        m,
        "insurance_use",
        StepKind.ACTION,
        StepState.UPCOMING if a.card_collected_on is None else StepState.NOW,
        "Register the card as your insurance card (マイナ保険証)",
        "カードを保険証として利用登録する（マイナ保険証）",
        f"Once you have the card, register it for health insurance once: {ways_en}. From then "
        "on, put the card on the reader at every clinic and pharmacy and confirm with the "
        "4-digit PIN or your face (matched with the card's photo), or let staff check it. "
        "Until the card is registered, keep using the 資格確認書.",
        f"カードを受け取ったら、保険証としての利用登録を一度だけ行います：{ways_ja}。以後は"
        "医療機関・薬局のカードリーダーにカードを置き、数字4桁の暗証番号か顔認証（カードの写真と"
        "照合）、または職員の目視で確認します。登録するまでは資格確認書を使ってください。",
        on=when,
        estimated=a.card_collected_on is None,
    )
