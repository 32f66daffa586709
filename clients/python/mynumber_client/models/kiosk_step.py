from enum import StrEnum


class KioskStep(StrEnum):
    PRE_APPLICATION = "pre_application"
    RESET_SIGNATURE = "reset_signature"
    RESET_USER_AUTHENTICATION = "reset_user_authentication"

    def __str__(self) -> str:
        return str(self.value)
