from enum import StrEnum


class DeliveryFailure(StrEnum):
    MAILBOX_FULL = "mailbox_full"
    NOT_HOME = "not_home"
    RETURNED = "returned"
    WRONG_ADDRESS = "wrong_address"

    def __str__(self) -> str:
        return str(self.value)
