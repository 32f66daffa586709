"""What to do when something goes wrong (a letter or notice that does not come, a locked PIN,
a lost card, a move, leaving Japan), dated where a rule gives the day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mynumber.domain import cards, deadlines, endorsements, fees, kiosk, pins, timelines
from mynumber.domain.cards import ApplicationKind
from mynumber.domain.guide.model import GuideAnswers, GuideStep, StepKind, StepState

ONE_DAY = dt.timedelta(days=1)


def trouble_steps(
    a: GuideAnswers,
    *,
    registered_on: dt.date,
    applied_on: dt.date,
    letter_overdue: bool,
    notice_overdue: bool,
    dated_leaving: bool = False,
) -> list[GuideStep]:
    """What to do when things go wrong; dated where a rule gives the day."""
    return [
        _letter_missing(registered_on, letter_overdue),
        _notice_missing(applied_on, notice_overdue),
        _pin_locked(),
        _lost_card(),
        _moving_within(a),
        _moving_away(a),
        *([_leaving_japan(a)] if not dated_leaving else []),
    ]


def _trouble(
    key: str,
    title: tuple[str, str],
    text: tuple[str, str],
    values: dict[str, Any] | None = None,
    *,
    on: dt.date | None = None,
    now: bool = False,
    notes: tuple[tuple[str, str], ...] = (),
) -> GuideStep:
    return GuideStep(
        key,
        StepKind.TROUBLE,
        StepState.NOW if now else StepState.IF_NEEDED,
        *title,
        *text,
        on=on,
        values=values or {},
        notes=notes,
    )


def _letter_missing(registered_on: dt.date, overdue: bool) -> GuideStep:
    ask_from = timelines.contact_ward_office_about_letter_from(registered_on)
    return _trouble(
        "letter_missing",
        ("The letter has not come", "通知書が届かない"),
        (
            "If nothing has come {weeks} weeks after registering (from {ask_from}), contact the "
            "ward office. A letter the post could not deliver (not home, wrong address, full "
            "mailbox) goes back there and is held for you: collect it in person with your "
            "residence card or passport. A lost letter can be reissued; the old application ID "
            "then stops working.",
            "登録から{weeks}週間たっても届かない場合（{ask_from}以降）は窓口に連絡してください。"
            "配達できなかった通知書（不在・宛先不明・郵便受けが一杯）は窓口で保管されています。"
            "在留カードか旅券を持って受け取りに行ってください。紛失した場合は再発行でき、"
            "古い申請書IDは使えなくなります。",
        ),
        {"weeks": timelines.LETTER_LATEST.days // 7, "ask_from": ask_from},
        on=ask_from,
        now=overdue,
    )


def _notice_missing(applied_on: dt.date, overdue: bool) -> GuideStep:
    ask_from = timelines.pickup_notice_window(applied_on)[1] + ONE_DAY
    return _trouble(
        "notice_missing",
        ("The pickup notice has not come", "交付通知書が届かない"),
        (
            "If it has not come {months} months after applying (from {ask_from}), contact the "
            "ward office's My Number section (マイナンバーカード係) with your application ID. "
            "A returned notice is held there too.",
            "申請から{months}か月たっても届かない場合（{ask_from}以降）は、申請書IDを用意して"
            "マイナンバーカード係に連絡してください。返送された通知書も窓口で保管されています。",
        ),
        {"months": timelines.MANUFACTURE_LATEST_MONTHS, "ask_from": ask_from},
        on=ask_from,
        now=overdue,
    )


def _pin_locked() -> GuideStep:
    # The text says what domain.kiosk decides (a test holds them together): the 4-digit PIN
    # is reset on the signature PIN and the face, the signature PIN after a pre-application.
    return _trouble(
        "pin_locked",
        ("A PIN is locked", "暗証番号がロックされた"),
        (
            "{four} wrong entries in a row lock a 4-digit PIN, {five} lock the signature PIN. "
            "Any PIN is unlocked and reset at the ward office in person (bring the card and "
            "photo ID). At a convenience-store kiosk you can also reset the 4-digit "
            "user-authentication PIN (prove the signature PIN and your face) and the signature "
            "PIN (within {hours} hours of a pre-application on a smartphone with the card, then "
            "the 4-digit PIN at the kiosk). There is no online reset without the card.",
            "数字4桁の暗証番号は{four}回、署名用暗証番号は{five}回続けて間違えるとロックされます。"
            "どの暗証番号も窓口で本人が解除・再設定できます（カードと本人確認書類を持参）。"
            "コンビニのキオスク端末でも、利用者証明用の暗証番号は署名用暗証番号と顔照合で、"
            "署名用暗証番号はスマートフォンでの事前申請から{hours}時間以内に数字4桁の暗証番号を"
            "入力して再設定できます。カードなしでのオンライン再設定はできません。",
        ),
        {
            "four": pins.FOUR_DIGIT_PIN_ATTEMPTS,
            "five": pins.SIGNATURE_PIN_ATTEMPTS,
            "hours": int(kiosk.PRE_APPLICATION_VALIDITY.total_seconds() // 3600),
        },
    )


def _lost_card() -> GuideStep:
    fee = fees.card_fee(ApplicationKind.REISSUE, express=False)
    express = fees.card_fee(ApplicationKind.REISSUE, express=True)
    return _trouble(
        "lost_card",
        ("The card is lost or stolen", "カードをなくした・盗まれた"),
        (
            "Report it at once: the card is suspended and its certificates revoked so nobody "
            "can use them. Then apply for a new card at the ward office; asked within {days} "
            "days of the report, it can be issued express. A reissue after a loss costs {fee} "
            "({express_fee} express); after a theft it is free.",
            "すぐに届け出てください。カードは一時停止され、電子証明書は失効するため悪用されません。"
            "その後、窓口で再交付を申請してください。届出から{days}日以内なら特急発行を利用"
            "できます。紛失による再交付の手数料は{fee}（特急は{express_fee}）、盗難の場合は"
            "無料です。",
        ),
        {
            "days": deadlines.EXPRESS_REQUEST_DAYS,
            "fee": fees.yen(fee.yen),
            "express_fee": fees.yen(express.yen),
        },
        notes=(
            (
                "If the card turns up before a new one is handed to you, bring it with your ID "
                "to the ward office: the suspension is lifted and new certificates are issued "
                "on it.",
                "新しいカードを受け取る前にカードが見つかった場合は、本人確認書類と一緒に窓口へ"
                "お持ちください。一時停止を解除し、電子証明書を新たに発行します。",
            ),
        ),
    )


def _moving_within(a: GuideAnswers) -> GuideStep:
    return _trouble(
        "moving_within",
        ("You move within {municipality}", "{municipality}内で引っ越す"),
        (
            "File a moving-within notification (転居届) within {days} days of moving, with your "
            "card: its chip is updated with the new address (mandatory). The signature "
            "certificate carries the address, so it is revoked when the notification is filed "
            "and reissued when the chip is updated (until then, no e-Tax signing); the log-in "
            "certificate stays valid, so the card keeps working at clinics.",
            "引っ越してから{days}日以内にカードを持って転居届を出してください。ICチップの住所が"
            "更新されます（必須です）。署名用電子証明書は住所を含むため届出の時点で失効し、住所の"
            "書き換えの際に再発行します（それまでe-Taxの署名はできません）。利用者証明用電子証明書"
            "はそのまま使えるため、医療機関ではカードを引き続き利用できます。",
        ),
        {
            "municipality": a.municipality,
            "days": deadlines.NOTIFICATION_DAYS,
            "lines": endorsements.ENDORSEMENT_LINES,
            "express_days": endorsements.EXPRESS_AFTER_FULL_DAYS,
        },
        notes=(
            (
                "Each change is also written on the card's face, in its endorsement field "
                "(追記欄), which has room for {lines}. When it is full, the new card is free; "
                "asked within {express_days} days, it can be issued express.",
                "変更はカード券面の追記欄にも記載します（{lines}回分まで）。追記欄がいっぱいに"
                "なったときの再交付は無料で、{express_days}日以内なら特急発行も利用できます。",
            ),
        ),
    )


def _moving_away(a: GuideAnswers) -> GuideStep:
    d = deadlines
    return _trouble(
        "moving_away",
        ("You move to another city", "他の市区町村へ引っ越す"),
        (
            "File a moving-out notification (転出届) at {municipality}, then a moving-in "
            "notification at the new ward office with your card within {move_in} days of "
            "moving in and within {after_out} days of the planned moving-out date, or the card "
            "lapses. If you register without the card, have it updated within {continuation} "
            "days.",
            "{municipality}で転出届を出し、転入した日から{move_in}日以内かつ転出予定日から"
            "{after_out}日以内に、カードを持って新しい市区町村で転入届を出してください。過ぎると"
            "カードは失効します。カードを持たずに転入届を出した場合は{continuation}日以内に"
            "継続利用の手続きをしてください。",
        ),
        {
            "municipality": a.municipality,
            "move_in": d.CARD_MOVE_IN_DAYS,
            "after_out": d.CARD_AFTER_PLANNED_MOVE_OUT_DAYS,
            "continuation": d.CARD_CONTINUATION_DAYS,
        },
    )


def _leaving_japan(a: GuideAnswers) -> GuideStep:
    if not a.status_of_residence.strip():  # a Japanese national: cards.card_continues_abroad
        return _trouble(
            "leaving_japan",
            ("You leave Japan", "日本を出国する"),
            (
                "File a moving-out notification (転出届) before you leave, at the latest on the "
                "day you leave. Your card continues abroad (since {since}): the signature "
                "certificate lapses on departure, the log-in certificate does not. If you come "
                "back and register again, you keep the same number.",
                "出国する前（遅くとも出国の日）に転出届を出してください。カードは国外でも引き続き"
                "使えます（{since}から）。署名用電子証明書は出国で失効し、利用者証明用電子証明書"
                "は失効しません。再び日本に住んで登録すると、同じ番号が使われます。",
            ),
            {"since": cards.CARD_CONTINUES_ABROAD_FROM},
        )
    return _trouble(
        "leaving_japan",
        ("You leave Japan", "日本を出国する"),
        (
            "File a moving-out notification (転出届) before you leave, at the latest on the day "
            "you leave. Return the card at the counter: it is invalidated and your number "
            "becomes inactive. If you come back and register again, you get the same number.",
            "出国する前（遅くとも出国の日）に転出届を出し、カードを窓口に返納してください。カードは"
            "廃止され、マイナンバーは使われなくなります。再び日本に住んで登録すると、同じ番号が"
            "使われます。",
        ),
    )
