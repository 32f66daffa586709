"""Health insurance in the plan, from day one: which insurance applies and joining it, what
to show at a clinic before the card (the 資格確認書), and registering the card as the
insurance card (マイナ保険証) once it comes."""

from __future__ import annotations

import datetime as dt

from mynumber.domain import insurance, insurance_rules, timelines
from mynumber.domain.guide.journey import Dates, bring, ids, step
from mynumber.domain.guide.model import GuideAnswers, GuideStep, Member, StepKind, StepState
from mynumber.domain.insurance import InsuranceUseChannel, InsurerKind


def health_insurance(a: GuideAnswers, m: Member, d: Dates, today: dt.date) -> list[GuideStep]:
    """Which insurance applies, joining it, and what to show at a clinic before the card."""
    kind = insurance.insurer_kind_for(
        date_of_birth=m.date_of_birth, on=a.arrived_on, employee=a.employee
    )
    return [_join(a, m, kind, today), _before_the_card(a, m, kind, d)]


def _join(a: GuideAnswers, m: Member, kind: InsurerKind, today: dt.date) -> GuideStep:
    days = insurance.NHI_NOTIFICATION_DAYS
    if kind is InsurerKind.EMPLOYER:
        notes = (
            []
            if not a.children_born
            else [
                (
                    "Your children are insured with you as your dependants (被扶養者).",
                    "お子さんは被扶養者として同じ健康保険に加入します。",
                )
            ]
        )
        return step(
            m,
            "insurance",
            StepKind.ACTION,
            StepState.NOW if a.registered_on is None else StepState.DONE,
            ("Health insurance: your employer's (健康保険)", "医療保険：勤務先の健康保険"),
            (
                "Your employer enrols you in its health insurance from your first day of work. "
                "Give HR your My Number once the letter comes: they must ask for it and check "
                "your ID. If no employer covers you, join National Health Insurance at the "
                "ward office within {days} days instead.",
                "勤務先が初日から健康保険に加入させます。通知書が届いたら、勤務先にマイナンバーを"
                "提出してください（本人確認があります）。勤務先の保険に入らない場合は、{days}日"
                "以内に窓口で国民健康保険に加入してください。",
            ),
            {"days": days},
            notes=tuple(notes),
        )
    due = insurance.nhi_notification_deadline(a.arrived_on)
    joined = a.registered_on is not None
    state = StepState.DONE if joined else (StepState.OVERDUE if today > due else StepState.NOW)
    if kind is InsurerKind.LATE_ELDERLY:
        title = ("Join the late-stage elderly medical system", "後期高齢者医療制度の手続きをする")
    else:
        title = ("Join National Health Insurance (国民健康保険)", "国民健康保険に加入する")
    notes = (
        []
        if not a.children_born
        else [
            (
                "Join for every member of the family at the same counter.",
                "家族全員分を同じ窓口で手続きしてください。",
            )
        ]
    )
    return step(
        m,
        "insurance",
        StepKind.DEADLINE,
        state,
        title,
        (
            "At the same visit as the 転入届, join at the ward office's insurance counter: "
            "within {days} days, by {due}. You are covered from the day you moved in "
            "({arrived}), even if you join later, and premiums run from that day too.",
            "転入届と同じ日に、窓口の保険担当で加入してください（{days}日以内、{due}まで）。"
            "加入日が遅れても、転入した日（{arrived}）から資格があり、保険料もその日から"
            "計算されます。",
        ),
        {"days": days, "due": due, "arrived": a.arrived_on},
        on=due,
        notes=tuple(notes),
        **bring(*ids(a)),
    )


def _before_the_card(a: GuideAnswers, m: Member, kind: InsurerKind, d: Dates) -> GuideStep:
    if kind is InsurerKind.EMPLOYER:
        where = ("Ask for it through your employer's HR.", "勤務先を通じて受け取れます。")
    else:
        where = (
            "You get it at the counter when you join.",
            "加入の手続きの際に窓口で受け取れます。",
        )
    return step(
        m,
        "clinic_before_card",
        StepKind.ACTION,
        StepState.DONE if a.card_collected_on else StepState.NOW,
        (
            "At a clinic before your card works: show the 資格確認書",
            "カードが使えるまでの受診：資格確認書を提示する",
        ),
        (
            "Paper insurance cards are no longer issued (the last were issued on {paper}). "
            "Until your My Number Card is registered as your insurance card, show the "
            "eligibility confirmation letter (資格確認書) at clinics and pharmacies. It is "
            "valid for up to {years} years (at most until {latest}), and you will need it while "
            "the card is being made (about {low}–{high} months).",
            "紙の保険証は{paper}を最後に発行されていません。マイナンバーカードを保険証として利用"
            "登録するまでは、医療機関・薬局で資格確認書を提示してください。有効期間は最長{years}年"
            "（最長で{latest}まで）で、カードができるまで（約{low}〜{high}か月）はこれを使います。",
        ),
        {
            "paper": insurance_rules.PAPER_CARD_LAST_ISSUE_DAY,
            "years": insurance_rules.ELIGIBILITY_LETTER_MAX_YEARS,
            "latest": insurance_rules.latest_eligibility_letter_expiry(d.registered_on),
            "low": timelines.MANUFACTURE_EARLIEST_MONTHS,
            "high": timelines.MANUFACTURE_LATEST_MONTHS,
        },
        on=d.registered_on,
        estimated=a.registered_on is None,
        notes=(where,),
    )


_INSURANCE_USE_NOTE = {
    InsuranceUseChannel.PORTAL: ("On マイナポータル.", "マイナポータルで。"),
    InsuranceUseChannel.COUNTER: ("At the ward office.", "市区町村の窓口で。"),
    InsuranceUseChannel.CLINIC: (
        "At a clinic's card reader, on your first visit.",
        "医療機関のカードリーダーで、初めて受診するときに。",
    ),
}


def insurance_use(a: GuideAnswers, m: Member, d: Dates) -> GuideStep:
    """Registering the card as the health insurance card, and the clinic after it."""
    when = d.card_issued_on if a.card_collected_on else d.notice[0]
    return step(
        m,
        "insurance_use",
        StepKind.ACTION,
        StepState.UPCOMING if a.card_collected_on is None else StepState.NOW,
        (
            "Register the card as your insurance card (マイナ保険証)",
            "カードを保険証として利用登録する（マイナ保険証）",
        ),
        (
            "Once you have the card, register it for health insurance, once, in one of three "
            "places.",
            "カードを受け取ったら、保険証としての利用登録を一度だけ行います。場所は3つです。",
        ),
        on=when,
        estimated=a.card_collected_on is None,
        notes=(
            *(_INSURANCE_USE_NOTE[c] for c in InsuranceUseChannel),
            (
                "From then on, put the card on the reader at every clinic and pharmacy and "
                "confirm with the 4-digit PIN or your face (matched with the card's photo), or "
                "let staff check it. Until the card is registered, keep using the 資格確認書.",
                "以後は医療機関・薬局のカードリーダーにカードを置き、数字4桁の暗証番号か顔認証"
                "（カードの写真と照合）、または職員の目視で確認します。登録するまでは資格確認書を"
                "使ってください。",
            ),
        ),
    )
