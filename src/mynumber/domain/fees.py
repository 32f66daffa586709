"""交付手数料 — the fees for a My Number Card (first issue, renewal, reissue).

Rule (RULES.md "fees"; municipal guidance: Mitake, Matsuyama, Kokubunji, Sanuki):

- the first card (新規) and a renewal at expiry (有効期限の到来による更新) are free, express
  issuance of a first card (an infant, an arrival from abroad) too;
- a reissue for the holder's own reasons (紛失・損傷: loss, damage) costs ¥1,000: the card
  ¥800 and the electronic certificates ¥200;
- an express reissue (特急発行による再交付) costs ¥2,000: the card ¥1,800 (the express
  surcharge of ¥1,000 is on the card) and the certificates ¥200;
- a reissue that is not the holder's fault (theft, disaster, an error of the office or
  J-LIS, a full 追記欄) is free (Matsuyama's table).
- When it is paid (Mitake): an express reissue at the application, any other reissue when
  the card is collected. Its receipt (領収書) is printed then.

``card_fee`` is the one place these amounts live: the counter's pages, the receipt, the
API and the guide all call it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mynumber.domain.cards import ApplicationKind

CARD_REISSUE_YEN = 800
CERTIFICATES_YEN = 200
EXPRESS_SURCHARGE_YEN = 1_000


class PaidWhen(StrEnum):
    """When the fee is taken at the counter (手数料の納付時期)."""

    AT_APPLICATION = "at_application"  # 特急発行: 申請時
    AT_COLLECTION = "at_collection"  # 通常: カード交付時


@dataclass(frozen=True, slots=True)
class FeeLine:
    """One line of a fee: what it is for, in English and Japanese, and the amount in yen."""

    en: str
    ja: str
    yen: int


@dataclass(frozen=True, slots=True)
class Fee:
    """What an application costs, line by line; free ones say why (``why_free_*``)."""

    lines: tuple[FeeLine, ...]
    paid: PaidWhen | None
    why_free_en: str = ""
    why_free_ja: str = ""

    @property
    def yen(self) -> int:
        """The total in yen."""
        return sum(line.yen for line in self.lines)

    @property
    def free(self) -> bool:
        return self.yen == 0


_FREE: dict[ApplicationKind, tuple[str, str]] = {
    ApplicationKind.NEW: ("the first card is free", "初回交付は無料です"),
    ApplicationKind.RENEWAL: (
        "a renewal at the card's expiry is free",
        "有効期限の到来による更新は無料です",
    ),
}


def card_fee(
    kind: ApplicationKind,
    *,
    express: bool,
    holders_own_reason: bool = True,
    endorsement_field_full: bool = False,
) -> Fee:
    """The fee for an application of ``kind`` (``express``: 特急発行).

    ``holders_own_reason``: whether a reissue is for the holder's own reasons (loss, damage:
    charged) rather than theft, disaster or an office's error (free).
    ``endorsement_field_full``: a reissue because the card's 追記欄 is full
    (``domain.endorsements``) is free, express or not."""
    if kind is not ApplicationKind.REISSUE:
        en, ja = _FREE[kind]
        return Fee((), None, en, ja)
    if endorsement_field_full:
        return Fee(
            (),
            None,
            "a reissue because the card's endorsement field is full is free",
            "追記欄に余白がなくなったことによる再交付は無料です",
        )
    if not holders_own_reason:
        return Fee(
            (),
            None,
            "a reissue that is not the holder's fault is free",
            "本人の責めによらない再交付は無料です",
        )
    card_yen = CARD_REISSUE_YEN + (EXPRESS_SURCHARGE_YEN if express else 0)
    card_line = (
        FeeLine("Card reissue, express", "カード再交付（特急発行）", card_yen)
        if express
        else FeeLine("Card reissue", "カード再交付", card_yen)
    )
    certificates = FeeLine("Electronic certificates", "電子証明書発行手数料", CERTIFICATES_YEN)
    paid = PaidWhen.AT_APPLICATION if express else PaidWhen.AT_COLLECTION
    return Fee((card_line, certificates), paid)


def yen(amount: int) -> str:
    """An amount as printed on the counter's pages and the receipt: ``¥1,000``."""
    return f"¥{amount:,}"
