from enum import StrEnum


class EmployerWithholdingSlipCopy(StrEnum):
    EMPLOYEE = "employee"
    TAX_OFFICE = "tax_office"

    def __str__(self) -> str:
        return str(self.value)
