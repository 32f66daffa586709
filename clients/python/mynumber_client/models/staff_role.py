from enum import StrEnum


class StaffRole(StrEnum):
    HR = "hr"
    MANAGER = "manager"
    PAYROLL = "payroll"

    def __str__(self) -> str:
        return str(self.value)
