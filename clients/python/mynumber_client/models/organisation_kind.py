from enum import StrEnum


class OrganisationKind(StrEnum):
    CARD_CENTRE = "card_centre"
    CLINIC = "clinic"
    EMPLOYER = "employer"
    IMMIGRATION = "immigration"
    INSURER = "insurer"
    KIOSK = "kiosk"
    MUNICIPALITY = "municipality"
    TAX_OFFICE = "tax_office"

    def __str__(self) -> str:
        return str(self.value)
