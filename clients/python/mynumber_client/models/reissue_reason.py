from enum import StrEnum


class ReissueReason(StrEnum):
    ENDORSEMENT_FIELD_FULL = "endorsement_field_full"

    def __str__(self) -> str:
        return str(self.value)
