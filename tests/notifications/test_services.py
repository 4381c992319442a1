"""Recording reminders once, the e-mail state machine (claim, send, retry, permanent failure) and muting."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from nghiquyet.notifications import services
from nghiquyet.notifications.models import Delivery, EmailStatus, Notification
from nghiquyet.notifications.reminders import ReminderKind
from tests.notifications.conftest import reminder
from tests.notifications.scripted_backend import ScriptedBackend


@pytest.fixture
def mailed(demo):
    demo.xa.email = "xa@example.org"
    demo.xa.save(update_fields=["email"])
    return demo.xa


def test_a_reminder_is_recorded_once_however_often_it_is_scanned(demo, mailed):
    items = [reminder(mailed, "r1"), reminder(mailed, "r1"), reminder(mailed, "r2"), reminder(demo.xa2, "r1")]
    first = services.reminders_record(reminders=items)
    assert (first.due, first.created, first.to_email) == (3, 3, 2)
    again = services.reminders_record(reminders=items)
    assert (again.due, again.created) == (3, 0)
    assert Delivery.objects.filter(key__in=["r1", "r2"]).count() == 3
    assert Notification.objects.filter(delivery__key__in=["r1", "r2"]).count() == 3
    # Who gets an e-mail: an address is needed (demo-xa2 has none).
    statuses = dict(Delivery.objects.filter(key="r1").values_list("user_id", "email_status"))
    assert statuses == {mailed.pk: EmailStatus.PENDING, demo.xa2.pk: EmailStatus.NOT_NEEDED}
    assert Delivery.objects.get(key="r1", user=mailed).email == "xa@example.org"


def test_a_muted_kind_is_not_mailed_and_arrives_read(mailed):
    services.mute_set(actor=mailed, kind=ReminderKind.TASK_DUE, muted=True)
    services.reminders_record(reminders=[reminder(mailed, "m1"), reminder(mailed, "m2",
                                                                           kind=ReminderKind.REPORT_DUE)])
    muted = Delivery.objects.get(key="m1")
    assert muted.email_status == EmailStatus.NOT_NEEDED and muted.notification.read_at is not None
    other = Delivery.objects.get(key="m2")
    assert other.email_status == EmailStatus.PENDING and other.notification.read_at is None


def test_muting_cancels_the_mails_still_waiting_and_unmuting_restores_mail_for_new_ones(mailed):
    services.reminders_record(reminders=[reminder(mailed, "w1")])
    services.mute_set(actor=mailed, kind=ReminderKind.TASK_DUE, muted=True)
    assert Delivery.objects.get(key="w1").email_status == EmailStatus.NOT_NEEDED
    services.mute_set(actor=mailed, kind=ReminderKind.TASK_DUE, muted=False)
    services.reminders_record(reminders=[reminder(mailed, "w2")])
    assert Delivery.objects.get(key="w2").email_status == EmailStatus.PENDING
    with pytest.raises(ValidationError):
        services.mute_set(actor=mailed, kind="nonsense", muted=True)


def test_unknown_kinds_are_skipped(mailed):
    result = services.reminders_record(reminders=[reminder(mailed, "u1", kind="nonsense")])
    assert result.due == 0 and not Delivery.objects.filter(key="u1").exists()


def test_only_one_worker_claims_a_delivery_and_a_stale_claim_is_taken_over(mailed):
    services.reminders_record(reminders=[reminder(mailed, "c1")])
    delivery = Delivery.objects.get(key="c1")
    assert services.delivery_claim(delivery_id=delivery.pk, worker="one") is True
    assert services.delivery_claim(delivery_id=delivery.pk, worker="two") is False
    later = timezone.now() + dt.timedelta(seconds=301)  # CLAIM_TIMEOUT_SECONDS (300) later: worker one died
    assert services.delivery_claim(delivery_id=delivery.pk, worker="two", now=later) is True
    delivery.refresh_from_db()
    assert (delivery.claimed_by, delivery.attempts, delivery.email_status) == ("two", 2, EmailStatus.SENDING)


def test_sending_marks_sent_and_never_sends_twice(mailed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.reminders_record(reminders=[reminder(mailed, "s1", url="/chuong-trinh/nhiem-vu/1/")])
    counts = services.deliveries_send(worker="w")
    assert counts[EmailStatus.SENT] == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["xa@example.org"] and "Nhắc việc s1" in message.subject
    assert "/chuong-trinh/nhiem-vu/1/" in message.body
    delivery = Delivery.objects.get(key="s1")
    assert message.extra_headers["Message-ID"].startswith(f"<reminder-{delivery.pk}@")
    assert delivery.email_status == EmailStatus.SENT and delivery.sent_at is not None
    assert services.deliveries_send(worker="w")[EmailStatus.SENT] == 0
    assert services.delivery_send(delivery_id=delivery.pk, worker="w") == ""
    assert len(mail.outbox) == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_smtp_down_puts_the_mail_back_with_a_later_attempt(mailed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    services.reminders_record(reminders=[reminder(mailed, "d1"), reminder(mailed, "d2")])
    before = timezone.now()
    counts = services.deliveries_send(worker="w")
    assert counts[EmailStatus.PENDING] == 1 and counts[EmailStatus.SENT] == 0  # the batch stops at the first failure
    failed = Delivery.objects.get(attempts=1, key__in=["d1", "d2"])
    assert failed.email_status == EmailStatus.PENDING and failed.claimed_at is None
    assert "refused" in failed.last_error.lower()
    assert failed.next_attempt_at >= before + dt.timedelta(seconds=60)  # RETRY_SECONDS
    # Not due yet: the next round tries the other one, not this one again.
    services.deliveries_send(worker="w")
    assert sorted(Delivery.objects.filter(key__in=["d1", "d2"]).values_list("attempts", flat=True)) == [1, 1]
    # The back-off doubles up to RETRY_MAX_SECONDS.
    Delivery.objects.filter(key__in=["d1", "d2"]).update(next_attempt_at=before, attempts=7)
    services.deliveries_send(worker="w")
    doubled = Delivery.objects.filter(key__in=["d1", "d2"], attempts=8).get()
    assert doubled.next_attempt_at >= before + dt.timedelta(seconds=3600)
    assert doubled.next_attempt_at <= timezone.now() + dt.timedelta(seconds=3601)


class Refusing:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 Không có hộp thư này"


def test_a_permanent_refusal_is_marked_failed_not_retried(mailed, settings):
    port = _free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        services.reminders_record(reminders=[reminder(mailed, "f1")])
        assert services.deliveries_send(worker="w")[EmailStatus.FAILED] == 1
    finally:
        controller.stop()
    delivery = Delivery.objects.get(key="f1")
    assert delivery.email_status == EmailStatus.FAILED and "550" in delivery.last_error
    assert services.deliveries_due() == [] or delivery.pk not in services.deliveries_due()


def test_marking_read_is_for_the_owner_only(inbox, demo):
    item = inbox["t-a"]
    with pytest.raises(ValidationError):
        services.notification_mark_read(actor=demo.xa2, notification=item)
    services.notification_mark_read(actor=demo.xa, notification=item)
    item.refresh_from_db()
    assert item.read_at is not None
    services.notification_mark_unread(actor=demo.xa, notification=item)
    item.refresh_from_db()
    assert item.read_at is None
    assert services.notifications_mark_all_read(actor=demo.xa) >= 2
    assert not Notification.objects.filter(user=demo.xa, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=demo.xa2, read_at__isnull=True).exists()


def test_the_remind_command_scans_and_sends_once(demo, mailed, settings, monkeypatch):
    from io import StringIO

    from nghiquyet.demo.plans import DEMO_TODAY

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: DEMO_TODAY)

    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REMINDERS": {
        **settings.NGHIQUYET["REMINDERS"], "SEND_BATCH": 1,
        "SOURCES": ["nghiquyet.programs.reminders.reminders_due"]}}
    from nghiquyet.programs.models import Task, TaskStatus

    task = Task.objects.filter(advisor__user=demo.xa).exclude(status=TaskStatus.DONE).order_by("pk").first()
    Task.objects.filter(pk=task.pk).update(due_date=dt.date(2026, 12, 10))
    # 10/12/2026 is after today (DEMO_TODAY): refused without --force, and nothing is written
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="trong tương lai"):
        call_command("remind", "--date", "2026-12-10", stdout=StringIO())
    assert not Delivery.objects.filter(user=mailed, key__startswith=f"task:{task.pk}:").exists()
    # --dry-run lists what would be recorded, writes and sends nothing
    out = StringIO()
    call_command("remind", "--date", "2026-12-10", "--dry-run", stdout=out)
    line = f"+ mới     demo-xa  task_due  task:{task.pk}:2026-12-10:before-0  Nhiệm vụ đến hạn hôm nay"
    assert line in out.getvalue()
    assert "chạy thử, không ghi gì" in out.getvalue()
    assert not Delivery.objects.filter(user=mailed, key__startswith=f"task:{task.pk}:").exists()
    assert mail.outbox == []
    out = StringIO()
    call_command("remind", "--date", "2026-12-10", "--force", stdout=out)
    assert "đã gửi" in out.getvalue()
    sent = Delivery.objects.filter(user=mailed, key__startswith="task:", email_status=EmailStatus.SENT)
    assert sent.filter(key=f"task:{task.pk}:2026-12-10:before-0").exists()
    assert len(mail.outbox) == sent.count() >= 1  # every pending one, in batches of one
    call_command("remind", "--date", "2026-12-10", "--force", stdout=StringIO())
    assert len(mail.outbox) == sent.count()
    out = StringIO()
    call_command("remind", "--date", "2026-12-10", "--dry-run", stdout=out)
    assert f"  đã ghi  demo-xa  task_due  task:{task.pk}:2026-12-10:before-0" in out.getvalue()


# ------------------------------------------------------------------ what is permanent, what ends the batch


SESSION_ERRORS = {
    "wrong password (535)": smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"),
    "sender refused (550)": smtplib.SMTPSenderRefused(550, b"5.7.1 Sender not allowed", "no-reply@localhost"),
    "sender refused (553)": smtplib.SMTPSenderRefused(553, b"5.7.1 Sender address rejected", "no-reply@localhost"),
    "authentication required (530)": smtplib.SMTPSenderRefused(530, b"5.7.0 Authentication required", "x"),
    "authentication required at RCPT": smtplib.SMTPRecipientsRefused({"xa@example.org": (530, b"5.7.0 Auth")}),
    "temporary recipient refusal": smtplib.SMTPRecipientsRefused({"xa@example.org": (450, b"4.2.0 Greylisted")}),
    "server disconnected": smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
}


@pytest.mark.parametrize("error", SESSION_ERRORS.values(), ids=SESSION_ERRORS.keys())
def test_a_refused_login_or_sender_is_retried_later_and_ends_the_batch(mailed, settings, error):
    settings.EMAIL_BACKEND = "tests.notifications.scripted_backend.ScriptedBackend"
    ScriptedBackend.error = error
    services.reminders_record(reminders=[reminder(mailed, "a1"), reminder(mailed, "a2"), reminder(mailed, "a3")])
    before = timezone.now()
    counts = services.deliveries_send(worker="w")
    assert (counts[EmailStatus.PENDING], counts[EmailStatus.FAILED], counts[EmailStatus.SENT]) == (1, 0, 0)
    rows = {d.key: d for d in Delivery.objects.filter(key__in=["a1", "a2", "a3"])}
    assert {d.email_status for d in rows.values()} == {EmailStatus.PENDING}
    tried = [d for d in rows.values() if d.attempts == 1]
    assert len(tried) == 1 and tried[0].next_attempt_at >= before + dt.timedelta(seconds=60)
    assert type(error).__name__ in tried[0].last_error
    # Once the configuration is fixed, every one of them goes out.
    ScriptedBackend.error = None
    Delivery.objects.filter(key__in=rows).update(next_attempt_at=before)
    assert services.deliveries_send(worker="w")[EmailStatus.SENT] == 3


PERMANENT_ERRORS = {
    "no such mailbox (550 at RCPT)": smtplib.SMTPRecipientsRefused({"xa@example.org": (550, b"5.1.1 No mailbox")}),
    "message refused (554 after DATA)": smtplib.SMTPDataError(554, b"5.6.0 Message content rejected"),
    "message too big (552 after DATA)": smtplib.SMTPDataError(552, b"5.3.4 Message too big"),
}


@pytest.mark.parametrize("error", PERMANENT_ERRORS.values(), ids=PERMANENT_ERRORS.keys())
def test_a_refused_recipient_or_message_fails_for_good_and_the_batch_goes_on(mailed, settings, error):
    settings.EMAIL_BACKEND = "tests.notifications.scripted_backend.ScriptedBackend"
    ScriptedBackend.error = error
    services.reminders_record(reminders=[reminder(mailed, "p1"), reminder(mailed, "p2")])
    counts = services.deliveries_send(worker="w")
    assert (counts[EmailStatus.FAILED], counts[EmailStatus.PENDING]) == (2, 0)
    assert set(Delivery.objects.filter(key__in=["p1", "p2"]).values_list("email_status", flat=True)) == {
        EmailStatus.FAILED}


class RefusingSender:
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        return "530 5.7.0 Authentication required"


def test_a_server_that_requires_a_login_does_not_fail_the_reminders(mailed, settings):
    port = _free_port()
    controller = Controller(RefusingSender(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        services.reminders_record(reminders=[reminder(mailed, "l1"), reminder(mailed, "l2")])
        counts = services.deliveries_send(worker="w")
    finally:
        controller.stop()
    assert (counts[EmailStatus.PENDING], counts[EmailStatus.FAILED]) == (1, 0)
    statuses = list(Delivery.objects.filter(key__in=["l1", "l2"]).values_list("email_status", "last_error"))
    assert {status for status, _error in statuses} == {EmailStatus.PENDING}
    assert any("530" in error for _status, error in statuses)


class Sink:
    def __init__(self) -> None:
        self.received: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(list(envelope.rcpt_tos))
        return "250 OK"


def test_a_message_that_cannot_be_built_fails_alone_and_the_batch_goes_on(mailed, settings):
    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        services.reminders_record(reminders=[reminder(mailed, key) for key in ("b1", "b2", "b3", "b4")])
        Delivery.objects.filter(key="b1").update(email="a@b@c")                       # ValueError
        Delivery.objects.filter(key="b2").update(email="x@" + "a" * 70 + ".vn")      # UnicodeError (IDNA)
        Notification.objects.filter(delivery__key="b3").update(subject="Hai\ndòng")  # BadHeaderError
        counts = services.deliveries_send(worker="w")
    finally:
        controller.stop()
    assert (counts[EmailStatus.FAILED], counts[EmailStatus.SENT], counts[EmailStatus.PENDING]) == (3, 1, 0)
    rows = dict(Delivery.objects.filter(key__in=["b1", "b2", "b3", "b4"]).values_list("key", "email_status"))
    assert rows == {"b1": EmailStatus.FAILED, "b2": EmailStatus.FAILED, "b3": EmailStatus.FAILED,
                    "b4": EmailStatus.SENT}
    errors = dict(Delivery.objects.filter(key__in=["b1", "b2", "b3"]).values_list("key", "last_error"))
    assert "ValueError" in errors["b1"] and "UnicodeError" in errors["b2"] and "BadHeaderError" in errors["b3"]
    assert not Delivery.objects.filter(email_status=EmailStatus.SENDING).exists()
    assert sink.received == [["xa@example.org"]]


def test_max_attempts_gives_a_delivery_up(mailed, settings):
    settings.EMAIL_BACKEND = "tests.notifications.scripted_backend.ScriptedBackend"
    settings.NGHIQUYET = {**settings.NGHIQUYET, "REMINDERS": {**settings.NGHIQUYET["REMINDERS"], "MAX_ATTEMPTS": 3}}
    ScriptedBackend.error = ConnectionRefusedError(111, "Connection refused")
    services.reminders_record(reminders=[reminder(mailed, "x1")])
    delivery = Delivery.objects.get(key="x1")
    statuses = []
    for _round in range(3):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        statuses.append(services.delivery_send(delivery_id=delivery.pk, worker="w"))
    assert statuses == [EmailStatus.PENDING, EmailStatus.PENDING, EmailStatus.FAILED]
