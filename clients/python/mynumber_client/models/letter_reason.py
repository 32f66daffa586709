from enum import StrEnum


class LetterReason(StrEnum):
    AGED_85_PLUS = "aged_85_plus"
    NEEDS_ASSISTANCE = "needs_assistance"
    NO_USABLE_CARD = "no_usable_card"
    ON_REQUEST = "on_request"
    USE_CANCELLED = "use_cancelled"

    def __str__(self) -> str:
        return str(self.value)
