"""The later part of the plan: the card's and certificates' expiry and renewal, the validity
change after a stay renewal, and leaving Japan (dated, for a stay that ends). Every number in
the text comes from the rule modules."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from mynumber.domain import cards, deadlines, insurance_rules, timelines, validity
from mynumber.domain.guide.model import (
    GuideAnswers,
    GuideStep,
    Member,
    StepKind,
    StepState,
    en,
    ja,
)

ONE_DAY = dt.timedelta(days=1)


def validity_steps(
    a: GuideAnswers, m: Member, issued_on: dt.date, *, estimated: bool
) -> list[GuideStep]:
    """Expiry of the card and certificates, and what renews them: the card's renewal when
    the birthday rule ends it, the validity change when the period of stay does."""
    residence = residence_of(m)
    cap = validity.stay_cap(residence)
    if cap is not None and cap < issued_on:
        return [_named(m, _stay_ends_first(cap))]
    card = validity.card_expiry(
        date_of_birth=m.date_of_birth, issued_on=issued_on, residence=residence
    )
    cert = validity.certificate_expiry(
        date_of_birth=m.date_of_birth,
        issued_on=issued_on,
        card_expires_on=card,
        residence=residence,
    )
    capped = cap is not None and card == cap
    steps = [_card_expiry(m, issued_on, card, capped=capped, estimated=estimated)]
    if not capped:  # a stay-capped card is not renewed: its validity is changed
        steps.append(_renewal(card, estimated=estimated))
    steps.append(_certificate_expiry(m, issued_on, cert, card_expires_on=card, estimated=estimated))
    if cap is not None and m.child == 0:
        steps.append(_validity_change(a, cap, estimated=estimated))
    return [_named(m, s) for s in steps]


def residence_of(m: Member) -> validity.StayPermit | None:
    if not m.status_of_residence.strip():
        return None
    return validity.StayPermit(m.status_of_residence, m.period_of_stay_ends)


def _named(m: Member, step: GuideStep) -> GuideStep:
    if not m.child:
        return step
    return replace(step, key=m.key(step.key), who_en=m.who_en, who_ja=m.who_ja)


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
    m: Member, issued_on: dt.date, expiry: dt.date, *, capped: bool, estimated: bool
) -> GuideStep:
    adult = timelines.age_on(m.date_of_birth, issued_on) >= validity.adult_age_for_card(issued_on)
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
    m: Member,
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
    if not validity.signature_certificate_allowed(date_of_birth=m.date_of_birth, on=issued_on):
        age = validity.SIGNATURE_CERTIFICATE_MIN_AGE
        minor_en = f" The signature certificate is in principle not issued under {age}."
        minor_ja = f"署名用電子証明書は原則として{age}歳未満には発行されません。"
    if expiry == card_expires_on:
        renew_en = " They end with the card and are renewed with it."
        renew_ja = "カードと同時に期限を迎え、カードと一緒に更新されます。"
    else:
        renew_en = f" Renew them at the ward office from {en(opens)}."
        renew_ja = f"{ja(opens)}から窓口で更新できます。"
    return GuideStep(
        "certificates_expiry",
        StepKind.EXPIRY,
        StepState.UPCOMING,
        "The electronic certificates expire",
        "電子証明書の有効期限",
        f"The card's certificates (for e-Tax signing and for logging in, health "
        f"insurance at clinics) work until {en(expiry)}, never past the card.{renew_en}"
        f"{grace_en}{minor_en}",
        f"電子証明書は{ja(expiry)}まで有効です（カードの有効期限を超えません）。{renew_ja}"
        f"{grace_ja}{minor_ja}",
        on=expiry,
        estimated=estimated,
    )


def _validity_change(a: GuideAnswers, cap: dt.date, *, estimated: bool) -> GuideStep:
    months = validity.PENDING_RENEWAL_EXTENSION_MONTHS
    family_en = " Bring the children's cards too." if a.children_born else ""
    family_ja = "お子さんのカードも一緒にお持ちください。" if a.children_born else ""
    return GuideStep(
        "validity_change",
        StepKind.ACTION,
        StepState.IF_NEEDED,
        "Staying longer? After renewing your stay, change the card's validity",
        "在留期間を更新したらカードの有効期間を変更する",
        f"The card ends with your period of stay on {en(cap)}: it is not renewed like other "
        "cards. If you extend your stay, bring the new residence card and the My Number Card "
        "to the ward office before that day for a validity change (有効期間変更); the "
        "certificates are reissued with it. If your stay renewal is still pending, the card "
        f"can be extended once by {months} months.{family_en}",
        f"カードは在留期間の満了日（{ja(cap)}）までで、通常の更新はありません。在留期間を更新"
        "したら、その日までに新しい在留カードとマイナンバーカードを持って窓口で有効期間の変更を"
        "してください（電子証明書も再発行されます）。更新申請中の場合は一度だけ"
        f"{months}か月延長できます。{family_ja}",
        on=cap,
        estimated=estimated,
    )


# --- Leaving Japan ---------------------------------------------------------------------------


def leaving_on(a: GuideAnswers) -> dt.date | None:
    """The day the plan expects the person to leave Japan: the day they gave, or for a
    period of stay the day it ends (unless they extend it: the validity change)."""
    return a.leaving_on or (a.period_of_stay_ends if a.status_of_residence.strip() else None)


def leave_japan(a: GuideAnswers, today: dt.date) -> GuideStep | None:
    """The dated 転出届 before leaving Japan, with what happens to the card."""
    leave = leaving_on(a)
    if leave is None:
        return None
    due = deadlines.moving_out_deadline(leave, abroad=True)
    keeps = cards.card_continues_abroad(
        nationality="JP" if not a.status_of_residence.strip() else "", left_on=leave
    )
    family_en = " File it for the whole family; return every card." if a.children_born else ""
    family_ja = "家族全員分を届け出て、全員のカードを返納してください。" if a.children_born else ""
    if keeps:
        card_en = (
            " Your card continues abroad: the signature certificate lapses when you leave, "
            "the log-in certificate does not."
        )
        card_ja = (
            "カードは国外でも使えます。署名用電子証明書は出国で失効し、利用者証明用は失効しません。"
        )
        family_en = family_ja = ""
    else:
        card_en = (
            " Return your My Number Card at the same counter: it is invalidated and your "
            "number becomes inactive. If you come back and register again, you get the same "
            "number."
        )
        card_ja = (
            "同じ窓口でマイナンバーカードを返納してください。カードは廃止され、番号は使われなく"
            "なります。再び日本に住んで登録すると同じ番号になります。"
        )
    if a.leaving_on is None:
        title = (
            "Leaving when your stay ends: file the 転出届",
            "在留期間の満了で出国する：転出届を出す",
        )
    else:
        title = ("Leaving Japan: file the 転出届", "出国する：転出届を出す")
    state = StepState.OVERDUE if today > due else StepState.UPCOMING
    return GuideStep(
        "leave_japan",
        StepKind.DEADLINE,
        state,
        *title,
        f"Before you leave Japan (on {en(leave)}), file a moving-out notification (転出届) at the "
        f"ward office: at the latest on {en(due)}, the day you leave.{card_en} National "
        "Health Insurance ends with it: settle the premiums at the insurance counter."
        f"{family_en}",
        f"出国（{ja(leave)}）の前に、遅くとも出国の日（{ja(due)}）までに窓口で転出届を出して"
        f"ください。{card_ja}国民健康保険も同時に脱退となるので、保険料を精算してください。"
        f"{family_ja}",
        on=due,
    )


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")
