"""``/api/v1/notifications``: the signed-in person's inbox (reminders) and their muted kinds.

Each person reads and marks only their own notifications: another person's id is a 404.
"""

from django.db import transaction
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from nghiquyet.api.notifications_schemas import (
    MarkedOut,
    MuteIn,
    MuteOut,
    NotificationOut,
    ReminderKindIn,
    UnreadCountOut,
    mute_rows,
)
from nghiquyet.api.pagination import Page
from nghiquyet.api.schemas import READ_ERRORS, WRITE_ERRORS, Id
from nghiquyet.notifications import selectors, services

router = Router(tags=["notifications"])


class NotificationFilters(Schema):
    unread: bool = False
    kind: ReminderKindIn | None = None


@router.get("/notifications", response={200: list[NotificationOut], **READ_ERRORS},
            summary="Hộp thông báo của người dùng hiện tại (mới nhất trước)",
            description="`unread=true`: chỉ thông báo chưa đọc; `kind`: một loại nhắc việc.")
@paginate(Page)
def notifications_list(request, filters: Query[NotificationFilters]):
    return selectors.notifications_of(request.auth, unread=filters.unread, kind=filters.kind or "")


@router.get("/notifications/unread-count", response={200: UnreadCountOut, **READ_ERRORS},
            summary="Số thông báo chưa đọc")
def notifications_unread_count(request):
    return {"unread": selectors.unread_count(request.auth)}


@router.get("/notifications/mutes", response={200: list[MuteOut], **READ_ERRORS},
            summary="Các loại nhắc việc và loại nào đang tắt")
def mutes_list(request):
    return mute_rows(selectors.muted_kinds(request.auth))


@router.put("/notifications/mutes/{kind}", response={200: list[MuteOut], **WRITE_ERRORS},
            summary="Tắt hoặc bật lại một loại nhắc việc",
            description="Loại đã tắt: không gửi thư điện tử (kể cả thư đang chờ), thông báo vẫn vào hộp nhưng ở trạng "
                        "thái đã đọc.")
@transaction.atomic
def mute_update(request, kind: ReminderKindIn, payload: MuteIn):
    services.mute_set(actor=request.auth, kind=kind, muted=payload.muted)
    return mute_rows(selectors.muted_kinds(request.auth))


@router.post("/notifications/read-all", response={200: MarkedOut, **WRITE_ERRORS},
             summary="Đánh dấu mọi thông báo là đã đọc")
@transaction.atomic
def notifications_read_all(request):
    return {"marked": services.notifications_mark_all_read(actor=request.auth)}


@router.get("/notifications/{notification_id}", response={200: NotificationOut, **READ_ERRORS},
            summary="Một thông báo")
def notification_detail(request, notification_id: Id):
    return selectors.notification_get(request.auth, notification_id)


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **WRITE_ERRORS},
             summary="Đánh dấu đã đọc")
@transaction.atomic
def notification_read(request, notification_id: Id):
    notification = selectors.notification_get(request.auth, notification_id)
    return services.notification_mark_read(actor=request.auth, notification=notification)


@router.post("/notifications/{notification_id}/unread", response={200: NotificationOut, **WRITE_ERRORS},
             summary="Đánh dấu chưa đọc")
@transaction.atomic
def notification_unread(request, notification_id: Id):
    notification = selectors.notification_get(request.auth, notification_id)
    return services.notification_mark_unread(actor=request.auth, notification=notification)
