from enum import StrEnum


class LetterReason(StrEnum):
    NEEDS_ASSISTANCE = "needs_assistance"
    NO_USABLE_CARD = "no_usable_card"
    ON_REQUEST = "on_request"

    def __str__(self) -> str:
        return str(self.value)
