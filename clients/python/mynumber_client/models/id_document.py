from enum import StrEnum


class IdDocument(StrEnum):
    DRIVING_LICENCE = "driving_licence"
    MOVING_OUT_CERTIFICATE = "moving_out_certificate"
    MY_NUMBER_CARD = "my_number_card"
    NOTIFICATION_CARD = "notification_card"
    NOTIFICATION_LETTER = "notification_letter"
    PASSPORT = "passport"
    RESIDENCE_CARD = "residence_card"
    SPECIAL_PERMANENT_RESIDENT_CERTIFICATE = "special_permanent_resident_certificate"

    def __str__(self) -> str:
        return str(self.value)
