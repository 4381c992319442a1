import datetime as dt

import pytest

from nghiquyet.notifications.reminders import Reminder, ReminderKind
from nghiquyet.notifications.services import reminders_record


def reminder(user, key: str = "k1", kind: str = ReminderKind.TASK_DUE, **extra) -> Reminder:
    values = {"subject": f"Nhắc việc {key}", "body": "Nội dung", "url": "/chuong-trinh/viec-cua-toi/",
              "due_on": dt.date(2026, 11, 30), "unit_id": None, **extra}
    return Reminder(kind=kind, key=key, user_id=user.pk, **values)


@pytest.fixture
def inbox(demo):
    """Three notifications for demo-xa (one read) and one for demo-xa2, e-mail not needed."""
    reminders_record(reminders=[reminder(demo.xa, "t-a"), reminder(demo.xa, "t-b"),
                                reminder(demo.xa, "t-c", kind=ReminderKind.REPORT_DUE, url="/bao-cao/"),
                                reminder(demo.xa2, "t-d")], email=False)
    from nghiquyet.notifications.models import Notification

    Notification.objects.filter(delivery__key="t-c").update(read_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
    return {n.delivery.key: n for n in Notification.objects.filter(delivery__key__startswith="t-")
            .select_related("delivery")}


@pytest.fixture(autouse=True)
def _scripted_backend_reset():
    from tests.notifications.scripted_backend import ScriptedBackend

    ScriptedBackend.error, ScriptedBackend.sent = None, []
    yield
    ScriptedBackend.error, ScriptedBackend.sent = None, []
