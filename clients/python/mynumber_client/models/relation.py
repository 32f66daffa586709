from enum import StrEnum


class Relation(StrEnum):
    GUARDIAN = "guardian"
    PARENT = "parent"

    def __str__(self) -> str:
        return str(self.value)
