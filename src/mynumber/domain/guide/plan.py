"""The journey part of the plan: checking the answers, registration to collection."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mynumber.domain import cards, deadlines, photo_rules, pins, registration, timelines, validity
from mynumber.domain.errors import invalid
from mynumber.domain.guide.later import trouble_steps, validity_steps
from mynumber.domain.guide.model import (
    GuideAnswers,
    GuidePlan,
    GuideStep,
    StepKind,
    StepState,
    en,
    ja,
)

# --- Checking the answers ------------------------------------------------------------------


def check_answers(a: GuideAnswers, *, today: dt.date) -> GuideAnswers:
    """The answers if they make sense together, else ``InvalidInput`` naming the field."""
    if a.date_of_birth > today:
        raise invalid(
            "date_of_birth", "The date of birth is in the future.", "生年月日が未来の日付です。"
        )
    if a.arrived_on < a.date_of_birth:
        raise invalid(
            "arrived_on",
            "The arrival date is before the date of birth.",
            "転入日が生年月日より前です。",
        )
    if not a.municipality.strip() or len(a.municipality) > 100:
        raise invalid(
            "municipality",
            "Give the city, ward, town or village you live in.",
            "お住まいの市区町村を入力してください。",
        )
    _check_stay(a, today)
    _check_progress(a, today)
    return a


def _check_stay(a: GuideAnswers, today: dt.date) -> None:
    if a.status_of_residence.strip():
        registration.check_registrable_status(a.status_of_residence)
        registration.check_stay_length(a.period_of_stay_ends, arrived_on=a.arrived_on)
    limited = validity.period_of_stay_end_required(a.status_of_residence)
    if limited and a.period_of_stay_ends is None:
        raise invalid(
            "period_of_stay_ends",
            "Give the end of your period of stay (on the residence card).",
            "在留期間の満了日（在留カードに記載）を入力してください。",
        )
    if limited and a.period_of_stay_ends is not None and a.period_of_stay_ends < today:
        raise invalid(
            "period_of_stay_ends",
            "Your period of stay has already ended.",
            "在留期間が既に満了しています。",
        )


def _check_progress(a: GuideAnswers, today: dt.date) -> None:
    _not_after_today(a.registered_on, today, "registered_on")
    _not_after_today(a.applied_on, today, "applied_on")
    _not_after_today(a.card_collected_on, today, "card_collected_on")
    if a.registered_on is not None and a.registered_on < a.arrived_on:
        raise invalid(
            "registered_on",
            "You register on or after the day you moved in.",
            "転入届は転入した日以後に行います。",
        )
    if (a.letter_arrived or a.applied_on) and a.registered_on is None:
        raise invalid(
            "registered_on",
            "Give the date you registered at the ward office.",
            "転入届を提出した日を入力してください。",
        )
    if (a.notice_arrived or a.card_collected_on) and a.applied_on is None:
        raise invalid(
            "applied_on",
            "Give the date you applied for the card.",
            "カードを申請した日を入力してください。",
        )
    if a.applied_on and a.registered_on and a.applied_on < a.registered_on:
        raise invalid(
            "applied_on",
            "The card application comes after the registration.",
            "カードの申請は転入届の後です。",
        )
    if a.card_collected_on and a.applied_on and a.card_collected_on < a.applied_on:
        raise invalid(
            "card_collected_on",
            "The card is collected after applying for it.",
            "カードの受け取りは申請の後です。",
        )


def _not_after_today(day: dt.date | None, today: dt.date, name: str) -> None:
    if day is not None and day > today:
        raise invalid(
            name,
            "This date is in the future: give it once it has happened.",
            "未来の日付です。済んだ日付を入力してください。",
        )


# --- The plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Dates:
    """The key dates, known or estimated (registration today, apply when the letter comes)."""

    registered_on: dt.date
    letter: tuple[dt.date, dt.date]
    applied_on: dt.date
    notice: tuple[dt.date, dt.date]
    card_issued_on: dt.date


def _dates(a: GuideAnswers, today: dt.date) -> _Dates:
    registered = a.registered_on or max(today, a.arrived_on)
    letter = timelines.notification_letter_window(registered)
    applied = a.applied_on or (max(today, letter[0]) if not a.letter_arrived else today)
    notice = timelines.pickup_notice_window(applied)
    issued = a.card_collected_on or max(today, notice[1])
    return _Dates(registered, letter, applied, notice, issued)


def make_plan(answers: GuideAnswers, *, today: dt.date) -> GuidePlan:
    """The personal plan for ``answers`` on ``today`` (answers are checked first)."""
    a = check_answers(answers, today=today)
    d = _dates(a, today)
    steps = [
        _arrived(a, today),
        _register(a, today),
        _letter(a, d, today),
        *_apply(a, d, today),
        _notice(a, d, today),
        _collect(a, d),
        *_validity(a, d),
        *_trouble(a, d, today),
    ]
    return GuidePlan(answers=a, today=today, steps=tuple(steps))


def _arrived(a: GuideAnswers, today: dt.date) -> GuideStep:
    return GuideStep(
        "arrived",
        StepKind.EVENT,
        StepState.DONE if a.arrived_on <= today else StepState.UPCOMING,
        f"You start living in {a.municipality}",
        f"{a.municipality}に住み始める",
        "The day you start living at your address starts the count for registering it.",
        "住み始めた日から転入届の期限を数えます。",
        on=a.arrived_on,
    )


def _register(a: GuideAnswers, today: dt.date) -> GuideStep:
    due = deadlines.moving_in_deadline(a.arrived_on)
    if a.registered_on is not None:
        state = StepState.DONE
    else:
        state = StepState.OVERDUE if today > due else StepState.NOW
    late_en = late_ja = ""
    if state is StepState.OVERDUE or (a.registered_on and a.registered_on > due):
        late_en = (
            " Late registration is still accepted, but it is recorded as late and a "
            "fine (過料) may follow: go as soon as you can."
        )
        late_ja = (
            "期限後の届出も受理されますが、遅れた届出として記録され、過料の対象となる"
            "ことがあります。早めに届け出てください。"
        )
    return GuideStep(
        "register",
        StepKind.DEADLINE,
        state,
        "Register your address (転入届)",
        "転入届を出す",
        f"Go to the ward office of {a.municipality} within "
        f"{deadlines.NOTIFICATION_DAYS} days of moving in: by {en(due)}. Your My Number "
        f"is assigned the same day.{late_en}",
        f"転入した日から{deadlines.NOTIFICATION_DAYS}日以内（{ja(due)}まで）に"
        f"{a.municipality}の窓口で転入届を出してください。同じ日にマイナンバーが付番されます。"
        f"{late_ja}",
        on=due,
        bring_en=_ids_en(a),
        bring_ja=_ids_ja(a),
    )


def _ids_en(a: GuideAnswers) -> tuple[str, ...]:
    if a.status_of_residence.strip():
        return ("Residence card (在留カード)", "Passport")
    return ("Photo ID (driving licence, passport)",)


def _ids_ja(a: GuideAnswers) -> tuple[str, ...]:
    if a.status_of_residence.strip():
        return ("在留カード", "旅券（パスポート）")
    return ("顔写真付きの本人確認書類（運転免許証・旅券）",)


def _window_state(done: bool, window: tuple[dt.date, dt.date], today: dt.date) -> StepState:
    if done:
        return StepState.DONE
    if today > window[1]:
        return StepState.OVERDUE
    return StepState.NOW if today >= window[0] else StepState.UPCOMING


def _letter(a: GuideAnswers, d: _Dates, today: dt.date) -> GuideStep:
    start, end = d.letter
    return GuideStep(
        "letter",
        StepKind.WAIT,
        _window_state(a.letter_arrived, d.letter, today),
        "Your notification letter arrives (個人番号通知書)",
        "個人番号通知書が届く",
        f"The ward office mails your My Number in a white envelope between {en(start)} and "
        f"{en(end)}. Make sure your name is on the mailbox and someone can receive it. "
        "The letter carries the QR code and application ID for the card.",
        f"{ja(start)}から{ja(end)}ごろ、マイナンバーを記載した通知書が白い封筒で郵送されます。"
        "郵便受けに名前を表示してください。通知書にはカード申請用のQRコードと申請書IDがあります。",
        on=start,
        until=end,
        estimated=a.registered_on is None,
    )


def _apply(a: GuideAnswers, d: _Dates, today: dt.date) -> list[GuideStep]:
    state = (
        StepState.DONE
        if a.applied_on
        else (StepState.NOW if a.letter_arrived else StepState.UPCOMING)
    )
    steps = [
        GuideStep(
            "apply",
            StepKind.ACTION,
            state,
            "Apply for your My Number Card",
            "マイナンバーカードを申請する",
            "Scan the letter's QR code with a smartphone (easiest), apply on a PC, at a photo "
            "booth with the application ID, or at the ward office counter (staff take the "
            "photo). The photo: 4.5 cm × 3.5 cm, taken within 6 months, facing the front, no "
            f"hat, plain background; uploaded as {' or '.join(photo_rules.ACCEPTED_FORMATS)}, "
            f"{photo_rules.MIN_SIDE_PX}–{photo_rules.MAX_SIDE_PX} pixels on each side, at most "
            f"{photo_rules.MAX_FILE_BYTES // 1_000_000} MB.",
            "スマートフォンで通知書のQRコードを読み取る方法が簡単です。パソコン、証明写真機（申請書ID）、"
            "窓口（職員が撮影）でも申請できます。写真は縦4.5cm×横3.5cm、6か月以内に撮影、正面、"
            f"無帽、無背景。アップロードは{'・'.join(photo_rules.ACCEPTED_FORMATS)}、各辺"
            f"{photo_rules.MIN_SIDE_PX}〜{photo_rules.MAX_SIDE_PX}ピクセル、"
            f"{photo_rules.MAX_FILE_BYTES // 1_000_000}MB以下です。",
            on=d.applied_on,
            estimated=a.applied_on is None,
        )
    ]
    express_by = deadlines.express_request_deadline(
        d.registered_on, deadlines.ExpressReason.ARRIVAL_FROM_ABROAD
    )
    if a.applied_on is None and today <= express_by:
        lo, hi = timelines.EXPRESS_EARLIEST.days, timelines.EXPRESS_LATEST.days
        steps.append(
            GuideStep(
                "express",
                StepKind.ACTION,
                StepState.IF_NEEDED,
                "Need the card fast? Ask for express issuance (特急発行)",
                "急ぐ場合は特急発行を申し込む",
                f"Having just arrived from abroad, you may ask the ward office for express "
                f"issuance within {deadlines.EXPRESS_REQUEST_DAYS} days of your moving-in "
                f"notification (until {en(express_by)}): the card is made in about {lo}–{hi} "
                "days.",
                f"国外から転入した方は、転入届から{deadlines.EXPRESS_REQUEST_DAYS}日以内"
                f"（{ja(express_by)}まで）、窓口で特急発行を申し込めます。カードは約{lo}〜{hi}日で"
                "作られます。",
                on=express_by,
            )
        )
    return steps


def _notice(a: GuideAnswers, d: _Dates, today: dt.date) -> GuideStep:
    start, end = d.notice
    done = a.notice_arrived or a.card_collected_on is not None
    state = _window_state(done, d.notice, today) if a.applied_on else StepState.UPCOMING
    return GuideStep(
        "notice",
        StepKind.WAIT,
        state,
        "The pickup notice arrives (交付通知書)",
        "交付通知書が届く",
        f"About {timelines.MANUFACTURE_EARLIEST_MONTHS}–{timelines.MANUFACTURE_LATEST_MONTHS}"
        f" months after applying, a postcard tells you the card is ready: between {en(start)}"
        f" and {en(end)}.",
        f"申請から約{timelines.MANUFACTURE_EARLIEST_MONTHS}〜"
        f"{timelines.MANUFACTURE_LATEST_MONTHS}か月後（{ja(start)}〜{ja(end)}ごろ）、"
        "カードの準備ができたことを知らせるはがきが届きます。",
        on=start,
        until=end,
        estimated=a.applied_on is None,
    )


def _collect(a: GuideAnswers, d: _Dates) -> GuideStep:
    when = d.card_issued_on if a.card_collected_on else d.notice[0]
    state = (
        StepState.DONE
        if a.card_collected_on
        else (StepState.NOW if a.notice_arrived else StepState.UPCOMING)
    )
    sig = pins.SIGNATURE_PIN_MIN, pins.SIGNATURE_PIN_MAX
    return GuideStep(
        "collect",
        StepKind.ACTION,
        state,
        "Collect your card and set the PINs",
        "カードを受け取り、暗証番号を設定する",
        "Go to the ward office on or before the date on the notice (about "
        f"{cards.COLLECT_WITHIN_MONTHS} months after it is sent). You set three 4-digit PINs "
        f"(they may be the same) and a signature PIN of {sig[0]}–{sig[1]} uppercase letters "
        "and digits. Choose PINs that are hard to guess: not your birthday.",
        "通知書に書かれた期限（発送から約"
        f"{cards.COLLECT_WITHIN_MONTHS}か月）までに窓口へ。数字4桁の暗証番号3つ（同じでも可）と、"
        f"英大文字と数字{sig[0]}〜{sig[1]}文字の署名用暗証番号を設定します。"
        "誕生日など推測されやすい番号は避けてください。",
        on=when,
        estimated=a.card_collected_on is None,
        bring_en=(
            "Pickup notice (交付通知書)",
            *_ids_en(a),
            "Notification letter (個人番号通知書)",
        ),
        bring_ja=("交付通知書", *_ids_ja(a), "個人番号通知書"),
    )


def _residence(a: GuideAnswers) -> validity.StayPermit | None:
    if not a.status_of_residence.strip():
        return None
    return validity.StayPermit(a.status_of_residence, a.period_of_stay_ends)


def _validity(a: GuideAnswers, d: _Dates) -> list[GuideStep]:
    return validity_steps(a, d.card_issued_on, _residence(a), estimated=a.card_collected_on is None)


def _trouble(a: GuideAnswers, d: _Dates, today: dt.date) -> list[GuideStep]:
    letter_overdue = (
        a.registered_on is not None
        and not a.letter_arrived
        and timelines.letter_is_overdue(a.registered_on, today)
    )
    notice_overdue = (
        a.applied_on is not None
        and not a.notice_arrived
        and a.card_collected_on is None
        and timelines.pickup_notice_is_overdue(a.applied_on, today)
    )
    return trouble_steps(
        a,
        registered_on=d.registered_on,
        applied_on=d.applied_on,
        letter_overdue=letter_overdue,
        notice_overdue=notice_overdue,
    )
