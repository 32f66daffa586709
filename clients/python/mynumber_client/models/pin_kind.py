from enum import StrEnum


class PinKind(StrEnum):
    CARD_INFO_INPUT = "card_info_input"
    RESIDENT_REGISTRY = "resident_registry"
    SIGNATURE = "signature"
    USER_AUTHENTICATION = "user_authentication"

    def __str__(self) -> str:
        return str(self.value)
