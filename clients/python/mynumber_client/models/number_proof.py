from enum import StrEnum


class NumberProof(StrEnum):
    MY_NUMBER_CARD = "my_number_card"
    NOTIFICATION_CARD = "notification_card"
    NOTIFICATION_LETTER = "notification_letter"
    RESIDENT_RECORD_WITH_NUMBER = "resident_record_with_number"

    def __str__(self) -> str:
        return str(self.value)
