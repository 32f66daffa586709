from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.challenge_out import ChallengeOut
    from ..models.consent import Consent


T = TypeVar("T", bound="AnswerOut")


@_attrs_define
class AnswerOut:
    """The real-time answer to the clinic's terminal: the insured, and this visit's verdict.

    Attributes:
        name (str):
        name_kana (str):
        date_of_birth (datetime.date):
        sex (str):
        insurer_number (str):
        insurer_name (str):
        symbol (str):
        number (str):
        branch (str):
        valid_from (datetime.date):
        valid_until (datetime.date | None):
        visit_id (str): An opaque reference to a visit
        eligible (bool):
        status (str):
        message (str):
        message_ja (str):
        method (str):
        copay_percent (int):
        limit_category (None | str):
        consent (Consent): What the patient agreed to share at this visit (each item separately).
        letter_valid_until (datetime.date | None | Unset):
        certificate_grace_until (datetime.date | None | Unset):
        next_nonce (ChallengeOut | None | Unset): PIN checks: the terminal's nonce for the next card
    """

    name: str
    name_kana: str
    date_of_birth: datetime.date
    sex: str
    insurer_number: str
    insurer_name: str
    symbol: str
    number: str
    branch: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    visit_id: str
    eligible: bool
    status: str
    message: str
    message_ja: str
    method: str
    copay_percent: int
    limit_category: None | str
    consent: Consent
    letter_valid_until: datetime.date | None | Unset = UNSET
    certificate_grace_until: datetime.date | None | Unset = UNSET
    next_nonce: ChallengeOut | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.challenge_out import ChallengeOut  # noqa: PLC0415

        name = self.name

        name_kana = self.name_kana

        date_of_birth = self.date_of_birth.isoformat()

        sex = self.sex

        insurer_number = self.insurer_number

        insurer_name = self.insurer_name

        symbol = self.symbol

        number = self.number

        branch = self.branch

        valid_from = self.valid_from.isoformat()

        valid_until: None | str
        if isinstance(self.valid_until, datetime.date):
            valid_until = self.valid_until.isoformat()
        else:
            valid_until = self.valid_until

        visit_id = self.visit_id

        eligible = self.eligible

        status = self.status

        message = self.message

        message_ja = self.message_ja

        method = self.method

        copay_percent = self.copay_percent

        limit_category: None | str
        limit_category = self.limit_category

        consent = self.consent.to_dict()

        letter_valid_until: None | str | Unset
        if isinstance(self.letter_valid_until, Unset):
            letter_valid_until = UNSET
        elif isinstance(self.letter_valid_until, datetime.date):
            letter_valid_until = self.letter_valid_until.isoformat()
        else:
            letter_valid_until = self.letter_valid_until

        certificate_grace_until: None | str | Unset
        if isinstance(self.certificate_grace_until, Unset):
            certificate_grace_until = UNSET
        elif isinstance(self.certificate_grace_until, datetime.date):
            certificate_grace_until = self.certificate_grace_until.isoformat()
        else:
            certificate_grace_until = self.certificate_grace_until

        next_nonce: dict[str, Any] | None | Unset
        if isinstance(self.next_nonce, Unset):
            next_nonce = UNSET
        elif isinstance(self.next_nonce, ChallengeOut):
            next_nonce = self.next_nonce.to_dict()
        else:
            next_nonce = self.next_nonce

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "name_kana": name_kana,
                "date_of_birth": date_of_birth,
                "sex": sex,
                "insurer_number": insurer_number,
                "insurer_name": insurer_name,
                "symbol": symbol,
                "number": number,
                "branch": branch,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "visit_id": visit_id,
                "eligible": eligible,
                "status": status,
                "message": message,
                "message_ja": message_ja,
                "method": method,
                "copay_percent": copay_percent,
                "limit_category": limit_category,
                "consent": consent,
            }
        )
        if letter_valid_until is not UNSET:
            field_dict["letter_valid_until"] = letter_valid_until
        if certificate_grace_until is not UNSET:
            field_dict["certificate_grace_until"] = certificate_grace_until
        if next_nonce is not UNSET:
            field_dict["next_nonce"] = next_nonce

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.challenge_out import ChallengeOut  # noqa: PLC0415
        from ..models.consent import Consent  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        name_kana = d.pop("name_kana")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        sex = d.pop("sex")

        insurer_number = d.pop("insurer_number")

        insurer_name = d.pop("insurer_name")

        symbol = d.pop("symbol")

        number = d.pop("number")

        branch = d.pop("branch")

        valid_from = datetime.date.fromisoformat(d.pop("valid_from"))

        def _parse_valid_until(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_until_type_0 = datetime.date.fromisoformat(data)

                return valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        valid_until = _parse_valid_until(d.pop("valid_until"))

        visit_id = d.pop("visit_id")

        eligible = d.pop("eligible")

        status = d.pop("status")

        message = d.pop("message")

        message_ja = d.pop("message_ja")

        method = d.pop("method")

        copay_percent = d.pop("copay_percent")

        def _parse_limit_category(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        limit_category = _parse_limit_category(d.pop("limit_category"))

        consent = Consent.from_dict(d.pop("consent"))

        def _parse_letter_valid_until(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                letter_valid_until_type_0 = datetime.date.fromisoformat(data)

                return letter_valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        letter_valid_until = _parse_letter_valid_until(d.pop("letter_valid_until", UNSET))

        def _parse_certificate_grace_until(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                certificate_grace_until_type_0 = datetime.date.fromisoformat(data)

                return certificate_grace_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        certificate_grace_until = _parse_certificate_grace_until(d.pop("certificate_grace_until", UNSET))

        def _parse_next_nonce(data: object) -> ChallengeOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_nonce_type_0 = ChallengeOut.from_dict(data)

                return next_nonce_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ChallengeOut | None | Unset, data)

        next_nonce = _parse_next_nonce(d.pop("next_nonce", UNSET))

        answer_out = cls(
            name=name,
            name_kana=name_kana,
            date_of_birth=date_of_birth,
            sex=sex,
            insurer_number=insurer_number,
            insurer_name=insurer_name,
            symbol=symbol,
            number=number,
            branch=branch,
            valid_from=valid_from,
            valid_until=valid_until,
            visit_id=visit_id,
            eligible=eligible,
            status=status,
            message=message,
            message_ja=message_ja,
            method=method,
            copay_percent=copay_percent,
            limit_category=limit_category,
            consent=consent,
            letter_valid_until=letter_valid_until,
            certificate_grace_until=certificate_grace_until,
            next_nonce=next_nonce,
        )

        answer_out.additional_properties = d
        return answer_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
