from enum import StrEnum


class ExpressReason(StrEnum):
    ARRIVAL_FROM_ABROAD = "arrival_from_abroad"
    LOST_CARD = "lost_card"
    NEWBORN = "newborn"

    def __str__(self) -> str:
        return str(self.value)
