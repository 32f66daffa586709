from enum import StrEnum


class InsurerKind(StrEnum):
    EMPLOYER = "employer"
    LATE_ELDERLY = "late_elderly"
    NHI = "nhi"

    def __str__(self) -> str:
        return str(self.value)
