from enum import StrEnum


class Scope(StrEnum):
    ADDRESS = "address"
    BIRTHDATE = "birthdate"
    GENDER = "gender"
    NAME = "name"
    OPENID = "openid"
    SIGN = "sign"

    def __str__(self) -> str:
        return str(self.value)
