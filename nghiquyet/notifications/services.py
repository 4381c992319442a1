"""Writes of the notifications app: recording reminders (the scan), sending their e-mails, reading and muting.

Exactly once, under restarts and with several workers:

* ``reminders_record`` inserts one ``Delivery`` per ``(kind, key, user)`` with INSERT … ON CONFLICT DO NOTHING
  (``bulk_create(ignore_conflicts=True)``, SQLite and PostgreSQL alike) and one ``Notification`` per delivery the
  same way (``delivery`` is unique): two scans racing create each row once.
* ``delivery_claim`` takes a delivery for sending with one conditional UPDATE (``pending`` and due, or ``sending``
  with a claim older than ``CLAIM_TIMEOUT_SECONDS``, i.e. a worker killed mid-send): the database lets one worker
  win, the other updates zero rows and moves on.
* ``delivery_send`` sends with Django's mail backend (the ``EMAIL_*`` settings) and marks it sent; a temporary
  SMTP failure (connection refused, timeout, 4xx) puts it back to ``pending`` with ``attempts + 1`` and an
  exponential back-off (``RETRY_SECONDS`` doubling up to ``RETRY_MAX_SECONDS``), and so does a refusal of the login
  (535, 530) or of the sender (MAIL FROM 5xx): those are the configuration, the same for every delivery, and end
  the batch. A permanent refusal of the recipient or the message (5xx to RCPT or DATA) marks that delivery
  ``failed`` with the error, and so does a message that cannot be built (an invalid stored address, a header with
  a line break); the batch goes on. ``MAX_ATTEMPTS`` (0: never) gives up on a delivery after that many temporary
  failures. Nothing is deleted, so nothing is lost.

The one window left is a worker killed after the SMTP server accepted a message and before the ``sent`` mark:
the claim then expires and the message is sent again (at least once, never silently lost). The ``Message-ID`` is
stable per delivery (``<reminder-<id>@…>``) so mail clients fold such a repeat.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_record
from nghiquyet.notifications.models import Delivery, EmailStatus, Mute, Notification
from nghiquyet.notifications.reminders import Reminder, ReminderKind, reminder_settings

logger = logging.getLogger(__name__)

CHUNK = 500


@dataclass
class RecordResult:
    due: int = 0          # reminders the sources yielded (after removing repeats within the scan)
    created: int = 0      # deliveries created by this call (the others existed already)
    to_email: int = 0     # of which waiting for an e-mail


def _conf(name: str, default):
    return reminder_settings().get(name, default)


def email_address_of(user) -> str:
    """Where a user's reminders are mailed: the account's address, else their official record's (trimmed)."""
    address = (user.email or "").strip()
    if not address:
        person = getattr(user, "person", None) if hasattr(user, "person") else None
        address = (getattr(person, "email", "") or "").strip()
    return address


def reminders_record(*, reminders: Iterable[Reminder], email: bool = True, now: dt.datetime | None = None,
                     read_at: dt.datetime | None = None) -> RecordResult:
    """Record each reminder once: a ``Delivery`` and its inbox ``Notification``. Reminders already recorded are
    left alone (same ``(kind, key, user)``). ``email=False`` records them with the e-mail not needed (the demo).
    A muted kind lands in the inbox already read and is never e-mailed. ``read_at`` marks new items read (demo)."""
    now = now or timezone.now()
    unique: dict[tuple[str, str, int], Reminder] = {}
    for reminder in reminders:
        if reminder.kind not in ReminderKind.ALL:
            logger.warning("Unknown reminder kind %r (key %s), skipped", reminder.kind, reminder.key)
            continue
        unique.setdefault((reminder.kind, reminder.key, reminder.user_id), reminder)
    result = RecordResult(due=len(unique))
    if not unique:
        return result

    # What exists already (the common case on every scan after the first): read, don't write.
    existing: set[tuple[str, str, int]] = set()
    keys = sorted({k for _kind, k, _u in unique})
    for i in range(0, len(keys), CHUNK):
        existing.update(Delivery.objects.filter(key__in=keys[i:i + CHUNK]).values_list("kind", "key", "user_id"))
    new = {ident: r for ident, r in unique.items() if ident not in existing}
    if not new:
        return result

    users = get_user_model().objects.filter(pk__in={r.user_id for r in new.values()}, is_active=True) \
        .select_related("person").in_bulk()
    muted = set(Mute.objects.filter(user_id__in=users).values_list("user_id", "kind"))
    deliveries = []
    for (kind, key, user_id), _reminder in new.items():
        user = users.get(user_id)
        if user is None:
            continue
        address = email_address_of(user)
        wanted = email and bool(address) and (user_id, kind) not in muted
        deliveries.append(Delivery(
            kind=kind, key=key, user_id=user_id, email=address if wanted else "",
            email_status=EmailStatus.PENDING if wanted else EmailStatus.NOT_NEEDED,
            next_attempt_at=now if wanted else None,
        ))
    with transaction.atomic():
        Delivery.objects.bulk_create(deliveries, batch_size=CHUNK, ignore_conflicts=True)
        # The ids of the rows (ours or a racing scan's) that have no inbox item yet.
        wanted_keys = sorted({d.key for d in deliveries})
        rows = []
        for i in range(0, len(wanted_keys), CHUNK):
            rows.extend(Delivery.objects.filter(key__in=wanted_keys[i:i + CHUNK], notification__isnull=True)
                        .values_list("pk", "kind", "key", "user_id", "email_status"))
        notifications = []
        for pk, kind, key, user_id, status in rows:
            reminder = new.get((kind, key, user_id))
            if reminder is None:
                continue
            notifications.append(Notification(
                delivery_id=pk, user_id=user_id, kind=kind, body=reminder.body, url=reminder.url[:500],
                subject=Truncator(" ".join(reminder.subject.split())).chars(300),  # one line: it is a mail header
                due_on=reminder.due_on, unit_id=reminder.unit_id,
                read_at=read_at or (now if (user_id, kind) in muted else None),
            ))
            result.created += 1
            result.to_email += status == EmailStatus.PENDING
        Notification.objects.bulk_create(notifications, batch_size=CHUNK, ignore_conflicts=True)
    return result


# ------------------------------------------------------------------ sending


def _claimable(now: dt.datetime) -> Q:
    stale = now - dt.timedelta(seconds=_conf("CLAIM_TIMEOUT_SECONDS", 300))
    return (Q(email_status=EmailStatus.PENDING, next_attempt_at__lte=now)
            | Q(email_status=EmailStatus.SENDING, claimed_at__lt=stale))


def deliveries_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    """Ids of deliveries whose e-mail may be (re)sent now, oldest first."""
    now = now or timezone.now()
    return list(Delivery.objects.filter(_claimable(now)).order_by("next_attempt_at", "id")
                .values_list("pk", flat=True)[:limit])


def delivery_claim(*, delivery_id: int, worker: str, now: dt.datetime | None = None) -> bool:
    """Take the delivery for sending: one conditional UPDATE, so of two workers exactly one wins."""
    now = now or timezone.now()
    try:
        claimed = Delivery.objects.filter(_claimable(now), pk=delivery_id).update(
            email_status=EmailStatus.SENDING, claimed_at=now, claimed_by=worker[:64], attempts=F("attempts") + 1)
    except OperationalError as exc:  # SQLite busy past its timeout: leave it for the next round
        logger.warning("Could not claim delivery %s: %s", delivery_id, exc)
        return False
    return claimed == 1


# Replies about the session, not about this recipient or this message: authentication required (530), too weak
# (534), refused (535), encryption required (538). Every other delivery would get the same answer.
SESSION_CODES = frozenset({530, 534, 535, 538})


def _permanent(exc: Exception) -> bool:
    """A refusal of this recipient or this message that retrying will not fix: every recipient refused with a 5xx
    (RCPT), or the message refused with a 5xx after DATA. A refusal of the connection, the login (535, 530) or the
    sender (MAIL FROM 550/553) is the server's configuration or ours, the same for every delivery: temporary."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 and code not in SESSION_CODES for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500 and exc.smtp_code not in SESSION_CODES
    return False


def _message(delivery: Delivery, notification: Notification | None) -> EmailMessage:
    site = _conf("SITE_URL", "").rstrip("/")
    subject = notification.subject if notification else delivery.key
    body = notification.body if notification else ""
    if notification and notification.url:
        body += "\n\n" + _("Xem chi tiết: %(url)s") % {"url": f"{site}{notification.url}"}
    body += "\n\n" + _("Thư nhắc việc tự động của hệ thống Nghị quyết. Đồng chí có thể tắt loại nhắc việc này "
                       "trong mục Thông báo › Cài đặt nhắc việc: %(url)s") % {"url": f"{site}/thong-bao/cai-dat/"}
    domain = (settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">").strip() or "nghiquyet")
    return EmailMessage(
        subject=f"[{_('Nghị quyết')}] {subject}", body=body, to=[delivery.email],
        headers={"Message-ID": f"<reminder-{delivery.pk}@{domain}>",
                 "X-Nghiquyet-Reminder": f"{delivery.kind}:{delivery.key}:{delivery.user_id}"},
    )


def delivery_send(*, delivery_id: int, worker: str, connection=None, now: dt.datetime | None = None) -> str:
    """Claim, send and record one delivery's e-mail. Returns the new status ("" when another worker had it)."""
    now = now or timezone.now()
    if not delivery_claim(delivery_id=delivery_id, worker=worker, now=now):
        return ""
    delivery = Delivery.objects.select_related("notification").get(pk=delivery_id)
    notification = getattr(delivery, "notification", None) if hasattr(delivery, "notification") else None
    mine = Delivery.objects.filter(pk=delivery_id, email_status=EmailStatus.SENDING, claimed_by=worker[:64])
    try:
        message = _message(delivery, notification)
        if connection is not None:
            connection.open()  # kept open for the batch (a no-op once open)
        message.connection = connection or get_connection(timeout=_conf("SMTP_TIMEOUT_SECONDS", 20))
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:  # OSError includes timeouts and refused connections
        error = f"{type(exc).__name__}: {exc}"[:500]
        max_attempts = _conf("MAX_ATTEMPTS", 0)
        if _permanent(exc) or (max_attempts and delivery.attempts >= max_attempts):
            mine.update(email_status=EmailStatus.FAILED, last_error=error, claimed_at=None)
            logger.error("Reminder e-mail %s refused for good (attempt %s): %s", delivery_id, delivery.attempts, error)
            return EmailStatus.FAILED
        base = _conf("RETRY_SECONDS", 60)
        delay = min(base * 2 ** max(delivery.attempts - 1, 0), _conf("RETRY_MAX_SECONDS", 3600))
        mine.update(email_status=EmailStatus.PENDING, last_error=error, claimed_at=None,
                    next_attempt_at=timezone.now() + dt.timedelta(seconds=delay))
        logger.warning("Reminder e-mail %s not sent (attempt %s), retry in %ss: %s", delivery_id,
                       delivery.attempts, delay, error)
        return EmailStatus.PENDING
    except Exception as exc:  # this message cannot be sent (an invalid stored address "a@b@c", a
        # header with a line break, an address the IDNA codec refuses): retrying will not help, the others may go.
        error = f"{type(exc).__name__}: {exc}"[:500]
        mine.update(email_status=EmailStatus.FAILED, last_error=error, claimed_at=None)
        logger.exception("Reminder e-mail %s cannot be sent: %s", delivery_id, error)
        return EmailStatus.FAILED
    mine.update(email_status=EmailStatus.SENT, sent_at=timezone.now(), last_error="", claimed_at=None)
    return EmailStatus.SENT


def deliveries_send(*, worker: str, limit: int | None = None) -> dict[str, int]:
    """Send every e-mail due now, one claimed delivery at a time. One SMTP connection for the batch; when the
    server is unreachable the first failure ends the batch (the rest keep their turn, unclaimed)."""
    limit = limit or _conf("SEND_BATCH", 200)
    counts = {EmailStatus.SENT: 0, EmailStatus.PENDING: 0, EmailStatus.FAILED: 0, "skipped": 0}
    ids = deliveries_due(limit=limit)
    if not ids:
        return counts
    connection = get_connection(timeout=_conf("SMTP_TIMEOUT_SECONDS", 20))
    try:
        for delivery_id in ids:
            status = delivery_send(delivery_id=delivery_id, worker=worker, connection=connection)
            counts[status or "skipped"] += 1
            if status == EmailStatus.PENDING:
                break  # the server is down or refusing for now: try again on the next round
    finally:
        try:
            connection.close()
        except Exception:  # closing a broken connection must not hide the result
            logger.debug("closing the mail connection failed", exc_info=True)
    return counts


# ------------------------------------------------------------------ the inbox


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of the actor's own notifications read (idempotent)."""
    if notification.user_id != actor.pk:
        raise ValidationError({"notification": _("Thông báo này không phải của đồng chí.")})
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notification_mark_unread(*, actor, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        raise ValidationError({"notification": _("Thông báo này không phải của đồng chí.")})
    notification.read_at = None
    Notification.objects.filter(pk=notification.pk).update(read_at=None)
    return notification


def notifications_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many."""
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())


def mute_set(*, actor, kind: str, muted: bool) -> bool:
    """Mute or unmute a kind of reminder for the actor. Muted: no e-mail, and the inbox item arrives read.
    E-mails of that kind still waiting are cancelled (not needed)."""
    if kind not in ReminderKind.ALL:
        raise ValidationError({"kind": _("Loại nhắc việc không hợp lệ.")})
    with transaction.atomic():
        if muted:
            mute, created = Mute.objects.get_or_create(user=actor, kind=kind)
            if created:
                Delivery.objects.filter(user=actor, kind=kind, email_status=EmailStatus.PENDING).update(
                    email_status=EmailStatus.NOT_NEEDED, next_attempt_at=None)
                audit_record(actor=actor, action=AuditAction.CREATE, obj=mute, note=f"mute {kind}")
        else:
            for mute in Mute.objects.filter(user=actor, kind=kind):
                audit_record(actor=actor, action=AuditAction.DELETE, obj=mute, note=f"unmute {kind}")
                mute.delete()
    return muted
