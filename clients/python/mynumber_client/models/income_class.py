from enum import StrEnum


class IncomeClass(StrEnum):
    GENERAL = "general"
    HIGH = "high"
    MIDDLE = "middle"
    NO_INCOME = "no_income"
    TAX_EXEMPT = "tax_exempt"
    TOP = "top"

    def __str__(self) -> str:
        return str(self.value)
