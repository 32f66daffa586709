from enum import StrEnum


class RecordKind(StrEnum):
    CHECKUP = "checkup"
    PRESCRIPTION = "prescription"

    def __str__(self) -> str:
        return str(self.value)
