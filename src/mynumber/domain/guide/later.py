"""The later part of the plan: the card's and certificates' expiry and renewal, the validity
change after a stay renewal, and leaving Japan (dated, for a stay that ends). Every number in
the text comes from the rule modules."""

from __future__ import annotations

import datetime as dt

from mynumber.domain import (
    cards,
    deadlines,
    insurance_rules,
    special_residence,
    timelines,
    validity,
)
from mynumber.domain.guide.journey import step
from mynumber.domain.guide.model import GuideAnswers, GuideStep, Member, StepKind, StepState


def validity_steps(
    a: GuideAnswers, m: Member, issued_on: dt.date, *, estimated: bool
) -> list[GuideStep]:
    """Expiry of the card and certificates, and what renews them: the card's renewal when
    the birthday rule ends it, the validity change when the period of stay does."""
    residence = residence_of(m)
    cap = validity.stay_cap(residence)
    if cap is not None and cap < issued_on:
        return [_stay_ends_first(m, cap)]
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
        steps.append(_renewal(m, card, estimated=estimated))
    steps.append(_certificate_expiry(m, issued_on, cert, card_expires_on=card, estimated=estimated))
    if cap is not None and m.child == 0:
        steps.append(_validity_change(a, m, cap, estimated=estimated))
    return steps


def residence_of(m: Member) -> validity.StayPermit | None:
    if not m.status_of_residence.strip():
        return None
    return validity.StayPermit(m.status_of_residence, m.period_of_stay_ends)


def _stay_ends_first(m: Member, cap: dt.date) -> GuideStep:
    return step(
        m,
        "stay_ends_first",
        StepKind.ACTION,
        StepState.NOW,
        ("Renew your residence card first", "先に在留期間を更新する"),
        (
            "Your period of stay ends on {cap}, before the card would be ready. Renew your "
            "residence card at immigration; then the card can be issued for the new period.",
            "在留期間は{cap}に満了し、カードの交付より前です。先に出入国在留管理局で在留期間を"
            "更新してください。更新後の期間でカードを交付できます。",
        ),
        {"cap": cap},
        on=cap,
    )


def _card_expiry(
    m: Member, issued_on: dt.date, expiry: dt.date, *, capped: bool, estimated: bool
) -> GuideStep:
    adult = timelines.age_on(m.date_of_birth, issued_on) >= validity.adult_age_for_card(issued_on)
    n = validity.CARD_BIRTHDAYS_ADULT if adult else validity.CARD_BIRTHDAYS_MINOR
    if capped:
        text = (
            "The card works until {expiry} (the end of your period of stay).",
            "カードは{expiry}（在留期間の満了日）まで有効です。",
        )
    else:
        text = (
            "The card works until {expiry} (birthday number {n} after the card is issued).",
            "カードは{expiry}（発行日後{n}回目の誕生日）まで有効です。",
        )
    return step(
        m,
        "card_expiry",
        StepKind.EXPIRY,
        StepState.UPCOMING,
        ("The card expires", "カードの有効期限"),
        text,
        {"expiry": expiry, "n": n},
        on=expiry,
        estimated=estimated,
    )


def _renewal(m: Member, expiry: dt.date, *, estimated: bool) -> GuideStep:
    opens = validity.renewal_window_opens(expiry)
    return step(
        m,
        "renewal",
        StepKind.ACTION,
        StepState.UPCOMING,
        ("Renew the card", "カードを更新する"),
        (
            "From {opens} you can renew the card at the ward office; an expiry notice "
            "(有効期限通知書) is mailed around {notice}. After {expiry} you apply for a new card "
            "instead.",
            "{opens}から窓口で更新できます。{notice}ごろ有効期限通知書が届きます。{expiry}を"
            "過ぎると新しいカードの申請になります。",
        ),
        {"opens": opens, "notice": validity.renewal_notice_due(expiry), "expiry": expiry},
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
    notes = []
    if expiry == card_expires_on:
        notes.append(
            (
                "They end with the card and are renewed with it.",
                "カードと同時に期限を迎え、カードと一緒に更新されます。",
            )
        )
    else:  # the card outlives them: renewing them, and the clinic check's grace
        notes += [
            (
                "Renew them at the ward office from {opens}.",
                "{opens}から窓口で更新できます。",
            ),
            (
                "If you miss it, clinics can still confirm your insurance with the card until "
                "{grace} (eligibility only, no medication or check-up sharing), and tell you "
                "to renew; the portal and e-Tax stop at once.",
                "更新しなかった場合も、{grace}までは医療機関でカードによる資格確認のみできます"
                "（薬剤情報・健診情報の提供はできません）。マイナポータルやe-Taxは有効期限の翌日"
                "から使えません。",
            ),
        ]
    if not validity.signature_certificate_allowed(date_of_birth=m.date_of_birth, on=issued_on):
        notes.append(
            (
                "The signature certificate is in principle not issued under {signature_age}.",
                "署名用電子証明書は原則として{signature_age}歳未満には発行されません。",
            )
        )
    return step(
        m,
        "certificates_expiry",
        StepKind.EXPIRY,
        StepState.UPCOMING,
        ("The electronic certificates expire", "電子証明書の有効期限"),
        (
            "The card's certificates (for e-Tax signing and for logging in, health insurance "
            "at clinics) work until {expiry}, never past the card.",
            "電子証明書は{expiry}まで有効です（カードの有効期限を超えません）。",
        ),
        {
            "expiry": expiry,
            "opens": validity.renewal_window_opens(expiry),
            "grace": insurance_rules.expired_certificate_grace_ends(expiry),
            "signature_age": validity.SIGNATURE_CERTIFICATE_MIN_AGE,
        },
        on=expiry,
        estimated=estimated,
        notes=tuple(notes),
    )


SPECIAL_RESIDENCE_CARD_NOTE = (
    "Or, from {special_from}, ask the immigration bureau for the special residence card "
    "(特定在留カード) with your stay renewal: one card that is both your residence card and your "
    "My Number Card, renewed with your stay, so no validity change at the ward office is needed.",
    "{special_from}からは、在留期間の更新とあわせて出入国在留管理局で特定在留カード（在留カードと"
    "マイナンバーカードを1枚にしたもの）を申請することもできます。在留期間の更新とともに更新"
    "されるため、市区町村窓口での有効期間の変更は不要です。",
)
"""The option a foreign resident with a period of stay has at the stay renewal
(``domain.special_residence``): offered when the renewal falls on or after 2026-06-14."""


def _validity_change(a: GuideAnswers, m: Member, cap: dt.date, *, estimated: bool) -> GuideStep:
    notes = (
        []
        if not a.children_born
        else [("Bring the children's cards too.", "お子さんのカードも一緒にお持ちください。")]
    )
    if special_residence.available(cap):
        notes.append(SPECIAL_RESIDENCE_CARD_NOTE)
    return step(
        m,
        "validity_change",
        StepKind.ACTION,
        StepState.IF_NEEDED,
        (
            "Staying longer? After renewing your stay, change the card's validity",
            "在留期間を更新したらカードの有効期間を変更する",
        ),
        (
            "The card ends with your period of stay on {cap}: it is not renewed like other "
            "cards. If you extend your stay, bring the new residence card and the My Number "
            "Card to the ward office before that day for a validity change (有効期間変更); the "
            "certificates are reissued with it. If your stay renewal is still pending, the "
            "card can be extended once by {months} months.",
            "カードは在留期間の満了日（{cap}）までで、通常の更新はありません。在留期間を更新"
            "したら、その日までに新しい在留カードとマイナンバーカードを持って窓口で有効期間の"
            "変更をしてください（電子証明書も再発行されます）。更新申請中の場合は一度だけ"
            "{months}か月延長できます。",
        ),
        {
            "cap": cap,
            "months": validity.PENDING_RENEWAL_EXTENSION_MONTHS,
            "special_from": special_residence.SPECIAL_RESIDENCE_CARD_FROM,
        },
        on=cap,
        estimated=estimated,
        notes=tuple(notes),
    )


# --- Leaving Japan ---------------------------------------------------------------------------


def leaving_on(a: GuideAnswers) -> dt.date | None:
    """The day the plan expects the person to leave Japan: the day they gave, or for a
    period of stay the day it ends (unless they extend it: the validity change)."""
    return a.leaving_on or (a.period_of_stay_ends if a.status_of_residence.strip() else None)


def leave_japan(a: GuideAnswers, you: Member, today: dt.date) -> GuideStep | None:
    """The dated 転出届 before leaving Japan, with what happens to the card."""
    leave = leaving_on(a)
    if leave is None:
        return None
    due = deadlines.moving_out_deadline(leave, abroad=True)
    national = not a.status_of_residence.strip()
    keeps = national and cards.card_continues_abroad(nationality="JP", left_on=leave)
    if keeps:
        notes = [
            (
                "Your card continues abroad: the signature certificate lapses when you leave, "
                "the log-in certificate does not.",
                "カードは国外でも使えます。署名用電子証明書は出国で失効し、利用者証明用は失効"
                "しません。",
            )
        ]
    else:
        notes = [
            (
                "Return your My Number Card at the same counter: it is invalidated and your "
                "number becomes inactive. If you come back and register again, you get the "
                "same number.",
                "同じ窓口でマイナンバーカードを返納してください。カードは廃止され、番号は使われ"
                "なくなります。再び日本に住んで登録すると同じ番号になります。",
            )
        ]
        if a.children_born:
            notes.append(
                (
                    "File it for the whole family and return every card.",
                    "家族全員分を届け出て、全員のカードを返納してください。",
                )
            )
    notes.append(
        (
            "National Health Insurance ends with it: settle the premiums at the insurance counter.",
            "国民健康保険も同時に脱退となるので、保険料を精算してください。",
        )
    )
    if a.leaving_on is None:
        title = (
            "Leaving when your stay ends: file the 転出届",
            "在留期間の満了で出国する：転出届を出す",
        )
    else:
        title = ("Leaving Japan: file the 転出届", "出国する：転出届を出す")
    return step(
        you,
        "leave_japan",
        StepKind.DEADLINE,
        StepState.OVERDUE if today > due else StepState.UPCOMING,
        title,
        (
            "Before you leave Japan (on {leave}), file a moving-out notification (転出届) at "
            "the ward office: at the latest on {due}, the day you leave.",
            "出国（{leave}）の前に、遅くとも出国の日（{due}）までに窓口で転出届を出してください。",
        ),
        {"leave": leave, "due": due},
        on=due,
        notes=tuple(notes),
    )
