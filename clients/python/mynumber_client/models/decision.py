from enum import StrEnum


class Decision(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"
    SUSPEND = "suspend"

    def __str__(self) -> str:
        return str(self.value)
