from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MailView")


@_attrs_define
class MailView:
    """An item in the post as the ward office tracks it (the id a returned item is recorded
    under).

        Attributes:
            mail_id (str): An opaque reference to a mail item
            kind (str):
            status (str):
            failure (None | str):
            sent_at (datetime.datetime):
            due_at (datetime.datetime):
            settled_at (datetime.datetime | None):
    """

    mail_id: str
    kind: str
    status: str
    failure: None | str
    sent_at: datetime.datetime
    due_at: datetime.datetime
    settled_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        mail_id = self.mail_id

        kind = self.kind

        status = self.status

        failure: None | str
        failure = self.failure

        sent_at = self.sent_at.isoformat()

        due_at = self.due_at.isoformat()

        settled_at: None | str
        if isinstance(self.settled_at, datetime.datetime):
            settled_at = self.settled_at.isoformat()
        else:
            settled_at = self.settled_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "mail_id": mail_id,
                "kind": kind,
                "status": status,
                "failure": failure,
                "sent_at": sent_at,
                "due_at": due_at,
                "settled_at": settled_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        mail_id = d.pop("mail_id")

        kind = d.pop("kind")

        status = d.pop("status")

        def _parse_failure(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        failure = _parse_failure(d.pop("failure"))

        sent_at = datetime.datetime.fromisoformat(d.pop("sent_at"))

        due_at = datetime.datetime.fromisoformat(d.pop("due_at"))

        def _parse_settled_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                settled_at_type_0 = datetime.datetime.fromisoformat(data)

                return settled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        settled_at = _parse_settled_at(d.pop("settled_at"))

        mail_view = cls(
            mail_id=mail_id,
            kind=kind,
            status=status,
            failure=failure,
            sent_at=sent_at,
            due_at=due_at,
            settled_at=settled_at,
        )

        mail_view.additional_properties = d
        return mail_view

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
