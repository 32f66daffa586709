"""Demo data for `make serve`: real municipalities, a token per role, a few residents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import ApiToken, Municipality, Person
from mynumber.domain.access import Role
from mynumber.domain.registration import build_moving_in
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller, Services
from mynumber.services.flows import moving
from mynumber.services.registry import ward_office

MUNICIPALITIES = [
    ("131016", "Chiyoda City, Tokyo", "東京都千代田区"),
    ("131041", "Shinjuku City, Tokyo", "東京都新宿区"),
    ("131130", "Shibuya City, Tokyo", "東京都渋谷区"),
    ("141003", "Yokohama City, Kanagawa", "神奈川県横浜市"),
    ("231002", "Nagoya City, Aichi", "愛知県名古屋市"),
    ("261009", "Kyoto City, Kyoto", "京都府京都市"),
    ("271004", "Osaka City, Osaka", "大阪府大阪市"),
    ("011002", "Sapporo City, Hokkaido", "北海道札幌市"),
    ("401307", "Fukuoka City, Fukuoka", "福岡県福岡市"),
]

DEMO_ORGANISATIONS: list[tuple[str, Role, str | None]] = [
    ("Chiyoda City ward office", Role.WARD_OFFICE, "131016"),
    ("Shibuya City ward office", Role.WARD_OFFICE, "131130"),
    ("J-LIS card centre", Role.CARD_CENTRE, None),
    ("Kanda Clinic", Role.CLINIC, None),
    ("Chiyoda National Health Insurance", Role.INSURER, None),
    ("Kojimachi Tax Office", Role.TAX_OFFICE, None),
    ("Convenience-store kiosk #1", Role.KIOSK, None),
    ("Tokyo Regional Immigration Services Bureau", Role.IMMIGRATION, None),
]
IMMIGRATION_BUREAU = "Tokyo Regional Immigration Services Bureau"
"""The demo's 地方出入国在留管理局: its token is bound to the bureau (``scopes``)."""
TOKYO_BUREAU_AREA = ("08", "09", "10", "11", "12", "13", "14", "15", "19", "20")
"""The prefectures the Tokyo bureau serves (出入国在留管理庁: 東京出入国在留管理局の管轄)."""


@dataclass(frozen=True)
class DemoToken:
    organisation: str
    role: Role
    token: str


def seed_municipalities(session: Session) -> None:
    for code, en, ja in MUNICIPALITIES:
        if session.get(Municipality, code) is None:
            session.add(Municipality(code=code, name_en=en, name_ja=ja))
    session.flush()


def seed_demo_tokens(
    session: Session,
    svc: Services,
    *,
    scopes: dict[str, int] | None = None,
) -> list[DemoToken]:
    """One token per demo organisation, derived from the dev key (same on every start).

    ``scopes`` binds an organisation's token to its clinic, insurer, employer or immigration
    bureau id.
    """
    out = []
    for organisation, role, municipality in DEMO_ORGANISATIONS:
        token = tokens.demo_token(svc, organisation)
        exists = session.scalars(select(ApiToken).where(ApiToken.organisation == organisation))
        if exists.first() is None:
            tokens.issue_token(
                session,
                svc,
                organisation=organisation,
                role=role,
                municipality_code=municipality,
                token=token,
                scope_id=(scopes or {}).get(organisation),
            )
        out.append(DemoToken(organisation, role, token))
    return out


DEMO_RESIDENTS = [
    dict(
        name_latin="GARCIA MARIA",
        date_of_birth=dt.date(1994, 7, 3),
        sex="F",
        nationality="ES",
        address="2-3-1 Kudan-minami, Chiyoda-ku, Tokyo",
        residence_card_number="AB12345678CD",
        status_of_residence="Engineer/Specialist",
        period_of_stay_ends_years=3,
    ),
    dict(
        name_latin="NGUYEN VAN AN",
        date_of_birth=dt.date(2001, 2, 28),
        sex="M",
        nationality="VN",
        address="1-5-2 Iidabashi, Chiyoda-ku, Tokyo",
        residence_card_number="EF23456789GH",
        status_of_residence="Student",
        period_of_stay_ends_years=1,
    ),
    dict(
        name_latin="YAMADA HANAKO",
        name_kanji="山田花子",
        name_kana="ヤマダハナコ",
        date_of_birth=dt.date(1988, 11, 20),
        sex="F",
        nationality="JP",
        address="4-1 Kioicho, Chiyoda-ku, Tokyo",
    ),
]


def seed_demo_residents(session: Session, svc: Services) -> int:
    """Register the demo residents in Chiyoda once; returns how many were added."""
    caller = Caller(name="demo seed", role=Role.WARD_OFFICE, municipality_code="131016")
    today = svc.clock.today()
    added = 0
    for spec in DEMO_RESIDENTS:
        data = dict(spec)
        years = data.pop("period_of_stay_ends_years", None)
        stay_end = today.replace(year=today.year + years) if isinstance(years, int) else None
        foreign = data["nationality"] != "JP"
        form = build_moving_in(
            started_living_on=today - dt.timedelta(days=5),
            filed_on=today,
            id_documents=["residence_card", "passport"] if foreign else ["driving_licence"],
            period_of_stay_ends=stay_end,
            **data,  # type: ignore[arg-type]
        )
        key = ward_office.identity_key(svc, form)
        if session.scalars(select(Person).where(Person.identity_key == key)).first():
            continue
        moving.register_moving_in(
            session, svc, caller=caller, municipality_code="131016", form=form
        )
        added += 1
    return added
