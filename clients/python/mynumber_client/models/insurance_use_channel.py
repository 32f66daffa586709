from enum import StrEnum


class InsuranceUseChannel(StrEnum):
    CLINIC = "clinic"
    COUNTER = "counter"
    PORTAL = "portal"

    def __str__(self) -> str:
        return str(self.value)
