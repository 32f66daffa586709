from enum import StrEnum


class LossReason(StrEnum):
    BECAME_DEPENDENT = "became_dependent"
    DIED = "died"
    LEFT_JAPAN = "left_japan"
    LEFT_JOB = "left_job"
    MOVED_AWAY = "moved_away"
    NEW_JOB = "new_job"
    ON_WELFARE = "on_welfare"
    OTHER = "other"
    TURNED_75 = "turned_75"

    def __str__(self) -> str:
        return str(self.value)
