from enum import StrEnum


class NumberChangeGround(StrEnum):
    EX_OFFICIO = "ex_officio"
    ON_REQUEST = "on_request"

    def __str__(self) -> str:
        return str(self.value)
