from enum import StrEnum


class PaidWhen(StrEnum):
    AT_APPLICATION = "at_application"
    AT_COLLECTION = "at_collection"

    def __str__(self) -> str:
        return str(self.value)
