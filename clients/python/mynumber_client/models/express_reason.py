from enum import StrEnum


class ExpressReason(StrEnum):
    ARRIVAL_FROM_ABROAD = "arrival_from_abroad"
    ENDORSEMENT_FIELD_FULL = "endorsement_field_full"
    LOST_CARD = "lost_card"
    NEWBORN = "newborn"

    def __str__(self) -> str:
        return str(self.value)
