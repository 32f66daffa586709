from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.record_view_content import RecordViewContent


T = TypeVar("T", bound="RecordView")


@_attrs_define
class RecordView:
    """A record as its owner or a consenting clinic sees it.

    Attributes:
        id (str): An opaque reference to a record
        kind (str):
        recorded_on (datetime.date):
        author (str):
        content (RecordViewContent):
    """

    id: str
    kind: str
    recorded_on: datetime.date
    author: str
    content: RecordViewContent
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        kind = self.kind

        recorded_on = self.recorded_on.isoformat()

        author = self.author

        content = self.content.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "recorded_on": recorded_on,
                "author": author,
                "content": content,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record_view_content import RecordViewContent  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        kind = d.pop("kind")

        recorded_on = datetime.date.fromisoformat(d.pop("recorded_on"))

        author = d.pop("author")

        content = RecordViewContent.from_dict(d.pop("content"))

        record_view = cls(
            id=id,
            kind=kind,
            recorded_on=recorded_on,
            author=author,
            content=content,
        )

        record_view.additional_properties = d
        return record_view

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
