"""The later part of the plan: the card's and certificates' expiry and renewal, and what to
do when something goes wrong (a letter or notice that does not come, a locked PIN, a lost
card, a move, leaving Japan). Every number in the text comes from the rule modules."""

from __future__ import annotations

import datetime as dt

from mynumber.domain import cards, deadlines, fees, insurance_rules, pins, timelines, validity
from mynumber.domain.guide.model import GuideAnswers, GuideStep, StepKind, StepState, en, ja

ONE_DAY = dt.timedelta(days=1)


def validity_steps(
    a: GuideAnswers, issued_on: dt.date, residence: validity.StayPermit | None, *, estimated: bool
) -> list[GuideStep]:
    """Expiry of the card and certificates, their renewal, and the stay's validity change."""
    cap = validity.stay_cap(residence)
    if cap is not None and cap < issued_on:
        return [_stay_ends_first(cap)]
    card = validity.card_expiry(
        date_of_birth=a.date_of_birth, issued_on=issued_on, residence=residence
    )
    cert = validity.certificate_expiry(
        date_of_birth=a.date_of_birth,
        issued_on=issued_on,
        card_expires_on=card,
        residence=residence,
    )
    steps = [
        _card_expiry(
            a, issued_on, card, capped=cap is not None and card == cap, estimated=estimated
        ),
        _renewal(card, estimated=estimated),
        _certificate_expiry(a, issued_on, cert, card_expires_on=card, estimated=estimated),
    ]
    if cap is not None:
        steps.append(_validity_change(cap, estimated=estimated))
    return steps


def _stay_ends_first(cap: dt.date) -> GuideStep:
    return GuideStep(
        "stay_ends_first",
        StepKind.ACTION,
        StepState.NOW,
        "Renew your residence card first",
        "先に在留期間を更新する",
        f"Your period of stay ends on {en(cap)}, before the card would be ready. Renew your "
        "residence card at immigration; then the card can be issued for the new period.",
        f"在留期間は{ja(cap)}に満了し、カードの交付より前です。先に出入国在留管理局で"
        "在留期間を更新してください。更新後の期間でカードを交付できます。",
        on=cap,
    )


def _card_expiry(
    a: GuideAnswers, issued_on: dt.date, expiry: dt.date, *, capped: bool, estimated: bool
) -> GuideStep:
    adult = timelines.age_on(a.date_of_birth, issued_on) >= validity.adult_age_for_card(issued_on)
    n = validity.CARD_BIRTHDAYS_ADULT if adult else validity.CARD_BIRTHDAYS_MINOR
    why_en = (
        "the end of your period of stay"
        if capped
        else f"your {_ordinal(n)} birthday after the card is issued"
    )
    why_ja = "在留期間の満了日" if capped else f"発行日後{n}回目の誕生日"
    return GuideStep(
        "card_expiry",
        StepKind.EXPIRY,
        StepState.UPCOMING,
        "Your card expires",
        "カードの有効期限",
        f"The card works until {en(expiry)} ({why_en}).",
        f"カードは{ja(expiry)}（{why_ja}）まで有効です。",
        on=expiry,
        estimated=estimated,
    )


def _renewal(expiry: dt.date, *, estimated: bool) -> GuideStep:
    opens = validity.renewal_window_opens(expiry)
    notice = validity.renewal_notice_due(expiry)
    return GuideStep(
        "renewal",
        StepKind.ACTION,
        StepState.UPCOMING,
        "Renew the card",
        "カードを更新する",
        f"From {en(opens)} you can renew the card at the ward office; an expiry notice "
        f"(有効期限通知書) is mailed around {en(notice)}. After {en(expiry)} you apply for a "
        "new card instead.",
        f"{ja(opens)}から窓口で更新できます。{ja(notice)}ごろ有効期限通知書が届きます。"
        f"{ja(expiry)}を過ぎると新しいカードの申請になります。",
        on=opens,
        until=expiry,
        estimated=estimated,
    )


def _certificate_expiry(
    a: GuideAnswers,
    issued_on: dt.date,
    expiry: dt.date,
    *,
    card_expires_on: dt.date,
    estimated: bool,
) -> GuideStep:
    opens = validity.renewal_window_opens(expiry)
    grace_en = grace_ja = ""
    if expiry < card_expires_on:  # the card outlives them: the clinic check's grace applies
        grace = insurance_rules.expired_certificate_grace_ends(expiry)
        grace_en = (
            f" If you miss it, clinics can still confirm your insurance with the card "
            f"until {en(grace)} (eligibility only, no medication or check-up sharing), "
            "and tell you to renew; the portal and e-Tax stop at once."
        )
        grace_ja = (
            f"更新しなかった場合も、{ja(grace)}までは医療機関でカードによる資格確認のみ"
            "できます（薬剤情報・健診情報の提供はできません）。マイナポータルやe-Taxは"
            "有効期限の翌日から使えません。"
        )
    minor_en = minor_ja = ""
    if not validity.signature_certificate_allowed(date_of_birth=a.date_of_birth, on=issued_on):
        age = validity.SIGNATURE_CERTIFICATE_MIN_AGE
        minor_en = f" The signature certificate is in principle not issued under {age}."
        minor_ja = f"署名用電子証明書は原則として{age}歳未満には発行されません。"
    return GuideStep(
        "certificates_expiry",
        StepKind.EXPIRY,
        StepState.UPCOMING,
        "Your electronic certificates expire",
        "電子証明書の有効期限",
        f"The card's two certificates (for e-Tax signing and for logging in, health "
        f"insurance at clinics) work until {en(expiry)}, never past the card. Renew them at "
        f"the ward office from {en(opens)}.{grace_en}{minor_en}",
        f"署名用・利用者証明用の電子証明書は{ja(expiry)}まで有効です（カードの有効期限を超えません）。"
        f"{ja(opens)}から窓口で更新できます。{grace_ja}{minor_ja}",
        on=expiry,
        estimated=estimated,
    )


def _validity_change(cap: dt.date, *, estimated: bool) -> GuideStep:
    months = validity.PENDING_RENEWAL_EXTENSION_MONTHS
    return GuideStep(
        "validity_change",
        StepKind.ACTION,
        StepState.UPCOMING,
        "Renewed your residence card? Update the card's validity",
        "在留期間を更新したらカードの有効期間を変更する",
        f"Your card ends with your period of stay on {en(cap)}. After renewing your "
        "residence card, bring both cards to the ward office before that day for a validity "
        f"change (有効期間変更). If your renewal is still pending, the card can be extended "
        f"once by {months} months.",
        f"カードは在留期間の満了日（{ja(cap)}）までです。在留カードを更新したら、その日までに"
        f"両方のカードを持って窓口で有効期間の変更をしてください。更新申請中の場合は一度だけ"
        f"{months}か月延長できます。",
        on=cap,
        estimated=estimated,
    )


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


# --- Troubleshooting -----------------------------------------------------------------------


def trouble_steps(
    a: GuideAnswers,
    *,
    registered_on: dt.date,
    applied_on: dt.date,
    letter_overdue: bool,
    notice_overdue: bool,
) -> list[GuideStep]:
    """What to do when things go wrong; dated where a rule gives the day."""
    return [
        _letter_missing(registered_on, letter_overdue),
        _notice_missing(applied_on, notice_overdue),
        _pin_locked(),
        _lost_card(),
        _moving_within(a),
        _moving_away(a),
        _leaving_japan(a),
    ]


def _trouble(
    key: str,
    title: tuple[str, str],
    text: tuple[str, str],
    *,
    on: dt.date | None = None,
    now: bool = False,
) -> GuideStep:
    return GuideStep(
        key,
        StepKind.TROUBLE,
        StepState.NOW if now else StepState.IF_NEEDED,
        title[0],
        title[1],
        text[0],
        text[1],
        on=on,
    )


def _letter_missing(registered_on: dt.date, overdue: bool) -> GuideStep:
    ask_from = timelines.contact_ward_office_about_letter_from(registered_on)
    weeks = timelines.LETTER_LATEST.days // 7
    return _trouble(
        "letter_missing",
        ("The letter has not come", "通知書が届かない"),
        (
            f"If nothing has come {weeks} weeks after registering (from {en(ask_from)}), contact "
            "the ward office. A letter the post could not deliver (not home, wrong address, full "
            "mailbox) goes back there and is held for you: collect it in person with your "
            "residence card or passport. A lost letter can be reissued; the old application ID "
            "then stops working.",
            f"登録から{weeks}週間たっても届かない場合（{ja(ask_from)}以降）は窓口に連絡してください。"
            "配達できなかった通知書（不在・宛先不明・郵便受けが一杯）は窓口で保管されています。"
            "在留カードか旅券を持って受け取りに行ってください。紛失した場合は再発行でき、"
            "古い申請書IDは使えなくなります。",
        ),
        on=ask_from,
        now=overdue,
    )


def _notice_missing(applied_on: dt.date, overdue: bool) -> GuideStep:
    ask_from = timelines.pickup_notice_window(applied_on)[1] + ONE_DAY
    months = timelines.MANUFACTURE_LATEST_MONTHS
    return _trouble(
        "notice_missing",
        ("The pickup notice has not come", "交付通知書が届かない"),
        (
            f"If it has not come {months} months after applying (from {en(ask_from)}), contact "
            "the ward office's My Number section (マイナンバーカード係) with your application ID. "
            "A returned notice is held there too.",
            f"申請から{months}か月たっても届かない場合（{ja(ask_from)}以降）は、申請書IDを用意して"
            "マイナンバーカード係に連絡してください。返送された通知書も窓口で保管されています。",
        ),
        on=ask_from,
        now=overdue,
    )


def _pin_locked() -> GuideStep:
    four, sig = pins.FOUR_DIGIT_PIN_ATTEMPTS, pins.SIGNATURE_PIN_ATTEMPTS
    kiosk = pins.PinKind.USER_AUTHENTICATION
    return _trouble(
        "pin_locked",
        ("A PIN is locked", "暗証番号がロックされた"),
        (
            f"{four} wrong entries in a row lock a 4-digit PIN, {sig} lock the signature PIN. "
            "Any PIN is unlocked and reset at the ward office in person (bring the card and "
            f"photo ID). The {kiosk.name_en} can also be reset at a convenience-store kiosk "
            "after confirming it is you with the signature PIN and your face. There is no "
            "online reset.",
            f"数字4桁の暗証番号は{four}回、署名用暗証番号は{sig}回続けて間違えるとロックされます。"
            "どの暗証番号も窓口で本人が解除・再設定できます（カードと本人確認書類を持参）。"
            f"{kiosk.name_ja}はコンビニのキオスク端末でも、署名用暗証番号と顔照合で本人確認した"
            "うえで再設定できます。オンラインでの再設定はできません。",
        ),
    )


def _lost_card() -> GuideStep:
    days = deadlines.EXPRESS_REQUEST_DAYS
    usual = fees.yen(fees.card_fee(cards.ApplicationKind.REISSUE, express=False).yen)
    express = fees.yen(fees.card_fee(cards.ApplicationKind.REISSUE, express=True).yen)
    return _trouble(
        "lost_card",
        ("The card is lost or stolen", "カードをなくした・盗まれた"),
        (
            "Report it at once: the card is suspended and its certificates revoked so nobody "
            "can use them. Then apply for a new card at the ward office; asked within "
            f"{days} days of the loss, it can be issued express. A reissue costs {usual} "
            f"({express} express). If the card turns up before a new one is handed to you, "
            "bring it with your ID to the ward office: the suspension is lifted and new "
            "certificates are issued on it.",
            "すぐに届け出てください。カードは一時停止され、電子証明書は失効するため悪用されません。"
            f"その後、窓口で再交付を申請してください。紛失から{days}日以内なら特急発行を利用できます。"
            f"再交付の手数料は{usual}（特急発行は{express}）です。新しいカードを受け取る前にカードが"
            "見つかった場合は、本人確認書類と一緒に窓口へお持ちください。一時停止を解除し、"
            "電子証明書を新たに発行します。",
        ),
    )


def _moving_within(a: GuideAnswers) -> GuideStep:
    days = deadlines.NOTIFICATION_DAYS
    return _trouble(
        "moving_within",
        (f"You move within {a.municipality}", f"{a.municipality}内で引っ越す"),
        (
            f"File a moving-within notification (転居届) within {days} days of moving, with your "
            "card: its chip is updated with the new address (mandatory). The signature "
            "certificate carries the address, so it is revoked when the notification is filed "
            "and reissued when the chip is updated (until then, no e-Tax signing); the log-in "
            "certificate stays valid, so the card keeps working at clinics.",
            f"引っ越してから{days}日以内にカードを持って転居届を出してください。ICチップの住所が更新"
            "されます（必須です）。署名用電子証明書は住所を含むため届出の時点で失効し、住所の書き換え"
            "の際に再発行します（それまでe-Taxの署名はできません）。利用者証明用電子証明書はそのまま"
            "使えるため、医療機関ではカードを引き続き利用できます。",
        ),
    )


def _moving_away(a: GuideAnswers) -> GuideStep:
    d = deadlines
    return _trouble(
        "moving_away",
        ("You move to another city", "他の市区町村へ引っ越す"),
        (
            f"File a moving-out notification (転出届) at {a.municipality}, then a moving-in "
            f"notification at the new ward office with your card within "
            f"{d.CARD_MOVE_IN_DAYS} days of moving in and within "
            f"{d.CARD_AFTER_PLANNED_MOVE_OUT_DAYS} days of the planned moving-out date, or the "
            "card lapses. If you register without the card, have it updated within "
            f"{d.CARD_CONTINUATION_DAYS} days.",
            f"{a.municipality}で転出届を出し、転入した日から{d.CARD_MOVE_IN_DAYS}日以内かつ"
            f"転出予定日から{d.CARD_AFTER_PLANNED_MOVE_OUT_DAYS}日以内に、カードを持って新しい"
            "市区町村で転入届を出してください。過ぎるとカードは失効します。カードを持たずに転入届を"
            f"出した場合は{d.CARD_CONTINUATION_DAYS}日以内に継続利用の手続きをしてください。",
        ),
    )


def _leaving_japan(a: GuideAnswers) -> GuideStep:
    if not a.status_of_residence.strip():  # a Japanese national: cards.card_continues_abroad
        return _trouble(
            "leaving_japan",
            ("You leave Japan", "日本を出国する"),
            (
                "File a moving-out notification (転出届) before you leave, at the latest on the "
                "day you leave. Your card continues abroad (since 27 May 2024): the signature "
                "certificate lapses on departure, the log-in certificate does not. If you come "
                "back and register again, you keep the same number.",
                "出国する前（遅くとも出国の日）に転出届を出してください。カードは国外でも引き続き"
                "使えます（2024年5月27日から）。署名用電子証明書は出国で失効し、利用者証明用電子証明書"
                "は失効しません。再び日本に住んで登録すると、同じ番号が使われます。",
            ),
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
