from enum import StrEnum


class Channel(StrEnum):
    COUNTER = "counter"
    PC = "pc"
    PHOTO_BOOTH = "photo_booth"
    SMARTPHONE = "smartphone"

    def __str__(self) -> str:
        return str(self.value)
