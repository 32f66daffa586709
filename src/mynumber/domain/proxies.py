"""代理人による受取 — a proxy collects the card for a holder who cannot come.

Rule (RULES.md "proxies"; municipal guidance): someone who cannot come to the counter
because of **illness, disability, being 75 or older, pregnancy, study or a hospital stay**
may have a proxy (代理人) collect the card, with the **照会書兼回答書** (the inquiry-and-reply
form the ward office mails with the pickup notice, filled in and signed by the holder) and
**both persons' IDs** (the holder's and the proxy's). Any other reason (work, travel, being
busy) does not qualify: the holder comes in person.

What the rule takes from the facts, and our choices:

- "75 or older" is checked against the holder's date of birth on the day of collection:
  from the 75th birthday (1 March for a 29 February birth in a common year), as every age
  in the project (``timelines.age_on``, 年齢計算ニ関スル法律); the other reasons are
  declared on the holder's reply form.
- Both IDs are photo IDs (``registration.PHOTO_IDS``), as every identity check at the card
  counter; the proxy is someone other than the holder.
- *Policy* (RULES.md says nothing of the PINs): the proxy never chooses the holder's PINs.
  The holder writes them on the reply form's sealed PIN section (暗証番号設定依頼書, in a
  sealed envelope), and staff key them in from it; the same PIN rules apply
  (``domain.pins``). Without the reply form there are no PINs and no collection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mynumber.domain.cards import IdentityShown, same_person
from mynumber.domain.errors import invalid
from mynumber.domain.registration import PHOTO_IDS, IdDocument
from mynumber.domain.timelines import age_on

PROXY_AGE = 75


class ProxyReason(StrEnum):
    """Why the holder cannot come (RULES.md "proxies")."""

    ILLNESS = "illness"  # 病気
    DISABILITY = "disability"  # 身体の障害
    AGED_75_OR_OVER = "aged_75_or_over"  # 75歳以上
    PREGNANCY = "pregnancy"  # 妊娠
    STUDY = "study"  # 学業（遠隔地の学校に在学中など）
    HOSPITAL_STAY = "hospital_stay"  # 入院


@dataclass(frozen=True)
class ProxyShown:
    """The proxy at the counter: their ID as staff read it, the papers they bring."""

    identity: IdentityShown
    id_documents: tuple[IdDocument, ...]
    reason: str
    reply_form_shown: bool  # 照会書兼回答書, filled in by the holder (with the sealed PINs)


def proxy_reason(text: str) -> ProxyReason:
    """The reason given, if it is one RULES.md accepts; else ``InvalidInput`` saying which are."""
    try:
        return ProxyReason(text.strip())
    except ValueError:
        raise invalid(
            "proxy_reason",
            "A proxy may collect only for a holder who cannot come because of illness, a "
            "disability, being 75 or older, pregnancy, study or a hospital stay; otherwise "
            "the holder comes in person.",
            "代理人による受取は、病気・身体の障害・75歳以上・妊娠・学業・入院のため本人が来庁できない"
            "場合に限られます。それ以外の場合はご本人がお越しください。",
        ) from None


def check_proxy(
    proxy: ProxyShown,
    *,
    holder_name_latin: str,
    holder_born: dt.date,
    today: dt.date,
) -> ProxyReason:
    """Whether ``proxy`` may collect the holder's card today; the reason accepted, or
    ``InvalidInput`` naming what is missing (the holder's ID is checked as at every
    collection: ``records.check_holder``)."""
    if not proxy.reply_form_shown:
        raise invalid(
            "reply_form",
            "The proxy must bring the inquiry-and-reply form (照会書兼回答書) filled in by the "
            "holder, with the PINs the holder chose sealed in it.",
            "代理人は、ご本人が記入した照会書兼回答書（暗証番号を封入したもの）をお持ちください。",
        )
    reason = proxy_reason(proxy.reason)
    if reason is ProxyReason.AGED_75_OR_OVER and age_on(holder_born, today) < PROXY_AGE:
        raise invalid(
            "proxy_reason",
            "The holder is not yet 75: give the reason they cannot come (illness, disability, "
            "pregnancy, study or a hospital stay).",
            "ご本人は75歳未満です。来庁できない理由（病気・障害・妊娠・学業・入院）を選んでください。",
        )
    if not set(proxy.id_documents) & PHOTO_IDS:
        raise invalid(
            "proxy_id_documents",
            "The proxy shows their own photo ID (residence card, passport, driving licence or "
            "My Number Card).",
            "代理人ご本人の顔写真付き本人確認書類（在留カード・旅券・運転免許証・マイナンバーカード）を"
            "提示してください。",
        )
    if not proxy.identity.name_latin.strip() or same_person(
        proxy.identity,
        name_latin=holder_name_latin,
        date_of_birth=holder_born,
        residence_card_number=None,
    ):
        raise invalid(
            "proxy_name_latin",
            "Enter the proxy's own name and date of birth from their ID (a holder who came "
            "collects in person, not as a proxy).",
            "代理人ご本人の本人確認書類の氏名と生年月日を入力してください（ご本人が来庁された場合は"
            "代理人の欄は使いません）。",
        )
    return reason
