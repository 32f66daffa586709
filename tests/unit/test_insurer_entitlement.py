"""Who an insurer may enrol (資格取得): ``domain.insurance.may_enrol``."""

from __future__ import annotations

from mynumber.domain.insurance import InsurerKind, may_enrol

CHIYODA, SHIBUYA, SAPPORO = "131016", "131130", "011002"
NHI, EMPLOYER, LATE = (
    InsurerKind.NATIONAL_HEALTH_INSURANCE,
    InsurerKind.EMPLOYER,
    InsurerKind.LATE_ELDERLY,
)


def entitled(
    kind: InsurerKind,
    *,
    municipality: str | None = None,
    number: str = "01130012",
    insurer_id: int = 5,
    registered_in: tuple[str, ...] = (CHIYODA,),
    employers: tuple[int, ...] = (),
) -> bool:
    return may_enrol(
        kind,
        insurer_id=insurer_id,
        insurer_number=number,
        insurer_municipality=municipality,
        registered_in=frozenset(registered_in),
        employer_insurers=frozenset(employers),
    )


def test_national_health_insurance_enrols_the_people_registered_in_its_municipality() -> None:
    assert entitled(NHI, municipality=CHIYODA)
    assert not entitled(NHI, municipality=SHIBUYA)
    assert not entitled(NHI, municipality=CHIYODA, registered_in=())  # moved out, not yet in
    assert not entitled(NHI, municipality=None)
    # working for an employer is no tie to the municipality's insurance
    assert not entitled(NHI, municipality=SHIBUYA, employers=(5,))


def test_an_employers_insurer_enrols_the_employees_of_its_member_employers() -> None:
    assert entitled(EMPLOYER, employers=(5,))
    assert not entitled(EMPLOYER, employers=(6,))
    assert not entitled(EMPLOYER)  # living nearby is no tie
    assert not entitled(EMPLOYER, municipality=CHIYODA)


TOKYO_UNION, HOKKAIDO_UNION = "39131008", "39011002"


def test_the_late_stage_elderly_system_enrols_the_people_of_its_prefecture() -> None:
    # the union's prefecture is in its insurer number (39 13 …): it has no municipality
    assert entitled(LATE, number=TOKYO_UNION, registered_in=(SHIBUYA,))  # both Tokyo (13)
    assert entitled(LATE, number=TOKYO_UNION, registered_in=(CHIYODA,))
    assert not entitled(LATE, number=TOKYO_UNION, registered_in=(SAPPORO,))
    assert entitled(LATE, number=HOKKAIDO_UNION, registered_in=(SAPPORO,))
    assert not entitled(LATE, number=HOKKAIDO_UNION, registered_in=(CHIYODA,))
    assert not entitled(LATE, number=TOKYO_UNION, registered_in=())
