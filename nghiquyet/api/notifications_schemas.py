"""Schemas of ``/api/v1/notifications``: the signed-in person's inbox and reminder mutes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from nghiquyet.api.schemas import UnitRefOut
from nghiquyet.notifications.models import KIND_LABELS

ReminderKindIn = Literal["report_due", "task_due", "writeup_due", "recommendation_due", "adjustment_pending",
                         "briefing"]


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    subject: str
    body: str
    url: str = Field(description="Đường dẫn trong ứng dụng tới đối tượng được nhắc (báo cáo, nhiệm vụ…).")
    due_on: dt.date | None
    unit: UnitRefOut | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    is_read: bool

    @staticmethod
    def resolve_is_read(obj) -> bool:
        return obj.read_at is not None


class UnreadCountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int = Field(description="Số thông báo vừa được đánh dấu đã đọc.")


class MuteOut(Schema):
    kind: str
    label: str
    muted: bool


class MuteIn(Schema):
    muted: bool = Field(description="true: tắt loại nhắc việc này (không gửi thư, thông báo đến ở trạng thái đã "
                                    "đọc); false: bật lại.")


def mute_rows(muted: set[str]) -> list[dict]:
    return [{"kind": kind, "label": str(label), "muted": kind in muted} for kind, label in KIND_LABELS.items()]
