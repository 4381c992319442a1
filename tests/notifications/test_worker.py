"""Real worker processes (``nghiquyet worker``) against a real database and a local SMTP sink (aiosmtpd).

Each test migrates its own database (a SQLite file, or a new database on the PostgreSQL server of the test run), so
the subprocesses and this process share committed data; this process reads and writes it through an extra
connection alias. The reminders come from ``tests.notifications.worker_source`` (every ``wt-`` account).
"""

from __future__ import annotations

import asyncio
import email
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.db import connection, connections

from nghiquyet.notifications.models import Delivery, EmailStatus, Mute, Notification
from nghiquyet.notifications.reminders import ReminderKind

ROOT = Path(__file__).resolve().parents[2]
NGHIQUYET = str(Path(sys.executable).with_name("nghiquyet"))
ALIAS = "worker_test"


# ------------------------------------------------------------------ helpers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Collects the messages; a small delay per message keeps two workers sending at the same time."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.messages: list[tuple[str, tuple[str, ...]]] = []

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.messages.append((message["X-Nghiquyet-Reminder"], tuple(envelope.rcpt_tos)))
        return "250 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


def wait_for(predicate, timeout: float, what: str, logs: list[Path] = ()) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    tails = "\n".join(f"--- {p.name}\n" + p.read_text(errors="replace")[-3000:] for p in logs if p.exists())
    raise AssertionError(f"timed out waiting for {what}\n{tails}")


def _admin(sql: str) -> None:
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                         password=s.get("PASSWORD") or None, dbname="postgres", autocommit=True) as admin:
        admin.execute(sql)


def _url(name: str) -> str:
    base = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = base["USER"] + (f":{base['PASSWORD']}" if base.get("PASSWORD") else "")
        return f"postgres://{auth}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{name}"
    return f"sqlite:///{name}"


def _env(name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NGHIQUYET_TASKS_BACKEND"}
    env.update({
        "DATABASE_URL": _url(name), "PYTHONPATH": str(ROOT), "DEBUG": "true",
        "NGHIQUYET_REMINDER_SOURCES": "tests.notifications.worker_source.reminders_due",
        "NGHIQUYET_REMINDER_SCAN_SECONDS": "1", "NGHIQUYET_REMINDER_RETRY_SECONDS": "1",
        "NGHIQUYET_REMINDER_RETRY_MAX_SECONDS": "1", "NGHIQUYET_REMINDER_SEND_BATCH": "5",
        "NGHIQUYET_REMINDER_SMTP_TIMEOUT_SECONDS": "3",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
    })
    return env


@pytest.fixture(scope="module")
def migrated(tmp_path_factory, django_db_blocker):
    """One migrated database per module (a file, or a PostgreSQL database), copied for each test."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = f"nq_worker_tpl_{uuid.uuid4().hex[:10]}"
            _admin(f'CREATE DATABASE "{name}"')
        else:
            name = str(tmp_path_factory.mktemp("worker") / "template.sqlite3")
        subprocess.run([NGHIQUYET, "migrate", "--noinput", "--skip-checks", "-v0"], env=_env(name), cwd=ROOT,
                       check=True, timeout=120)
        yield name
        if connection.vendor == "postgresql":
            _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class WorkerDb:
    """A migrated database for the worker processes, reachable here as ``ALIAS``."""

    def __init__(self, tmp_path: Path, template: str):
        self.tmp_path = tmp_path
        base = dict(connection.settings_dict)
        self.vendor = connection.vendor
        if self.vendor == "postgresql":
            self.name = f"nq_worker_{uuid.uuid4().hex[:10]}"
            _admin(f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"')
        else:
            self.name = str(tmp_path / "worker.sqlite3")
            shutil.copyfile(template, self.name)
        self.env = _env(self.name)
        connections.settings[ALIAS] = {**base, "NAME": self.name, "TEST": {**base.get("TEST", {})}}
        self.workers: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def start_worker(self, smtp_port: int, name: str) -> subprocess.Popen:
        log = self.tmp_path / f"{name}.log"
        self.logs.append(log)
        env = {**self.env, "EMAIL_PORT": str(smtp_port)}
        with open(log, "ab") as out:
            process = subprocess.Popen(
                [NGHIQUYET, "worker", "--skip-checks", "--no-startup-delay", "--interval", "0.1", "--worker-id", name,
                 "-v", "1"],
                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        self.workers.append(process)
        return process

    @staticmethod
    def stop(process: subprocess.Popen) -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # graceful: the current task finishes, then the process exits
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def users(self, prefix: str, count: int) -> list:
        manager = get_user_model().objects.db_manager(ALIAS)
        return [manager.create_user(username=f"wt-{prefix}-{i}", email=f"{prefix}{i}@example.org",
                                    password=None) for i in range(count)]

    def deliveries(self):
        return Delivery.objects.using(ALIAS)

    def close(self) -> None:
        for process in self.workers:
            self.stop(process)
        if ALIAS in connections.settings:
            try:
                connections[ALIAS].close()
            finally:
                del connections[ALIAS]
                del connections.settings[ALIAS]
        if self.vendor == "postgresql":
            _admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def worker_db(tmp_path, migrated, django_db_blocker):
    with django_db_blocker.unblock():
        db = WorkerDb(tmp_path, migrated)
        try:
            yield db
        finally:
            db.close()


def expected_deliveries(users) -> int:
    return sum(2 if u.pk % 2 == 0 else 1 for u in users)


# ------------------------------------------------------------------ tests


def test_each_reminder_is_sent_once_with_two_workers_and_a_restart(worker_db):
    sink = Sink(delay=0.03)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        first = worker_db.users("a", 30)
        muted = first[0]
        Mute.objects.using(ALIAS).create(user=muted, kind=ReminderKind.TASK_DUE)
        emails_first = expected_deliveries(first) - 1  # the muted kind is not e-mailed

        one = worker_db.start_worker(port, "w1")
        wait_for(lambda: sink.count() >= 5, 30, "the first worker's first messages", worker_db.logs)
        worker_db.stop(one)  # restart in between: stopped half way through
        after_stop = sink.count()
        assert after_stop < emails_first, "the first worker was meant to stop before it sent everything"

        second = worker_db.users("b", 15)  # new reminders while no worker runs
        total_emails = emails_first + expected_deliveries(second)
        worker_db.start_worker(port, "w2")
        worker_db.start_worker(port, "w3")
        sent = worker_db.deliveries().filter(email_status=EmailStatus.SENT)
        wait_for(lambda: sent.count() == total_emails, 45, "every e-mail", worker_db.logs)
        time.sleep(2.5)  # two more scans with both workers: nothing new may go out

        assert sink.count() == total_emails
        keys = Counter(header for header, _rcpt in sink.messages)
        assert len(keys) == total_emails and set(keys.values()) == {1}, keys.most_common(3)
        deliveries = worker_db.deliveries()
        assert deliveries.count() == total_emails + 1
        assert Notification.objects.using(ALIAS).count() == total_emails + 1
        assert set(deliveries.values_list("email_status", flat=True)) == {EmailStatus.SENT, EmailStatus.NOT_NEEDED}
        quiet = deliveries.get(user=muted, kind=ReminderKind.TASK_DUE)
        assert quiet.email_status == EmailStatus.NOT_NEEDED
        assert Notification.objects.using(ALIAS).get(delivery=quiet).read_at is not None  # muted: arrives read
        assert f"{ReminderKind.TASK_DUE}:wt-task:{muted.pk}:{muted.pk}" not in keys
        # both restarted workers took part, and every message went to its own person's address
        senders = Counter(deliveries.filter(email_status=EmailStatus.SENT).values_list("claimed_by", flat=True))
        assert sum(senders.values()) == total_emails
        for header, rcpt in sink.messages:
            user_id = int(header.rsplit(":", 1)[1])
            assert rcpt == (get_user_model().objects.using(ALIAS).get(pk=user_id).email,)
        print(f"\nworker test: {sink.count()} messages, {after_stop} before the restart, senders {dict(senders)}")
    finally:
        controller.stop()


def test_smtp_down_keeps_the_reminders_queued_and_retries_them(worker_db):
    port = free_port()  # nothing listens there yet: connection refused
    users = worker_db.users("down", 2)
    expected = expected_deliveries(users)
    worker_db.start_worker(port, "w-down")
    deliveries = worker_db.deliveries()
    wait_for(lambda: deliveries.count() == expected and deliveries.filter(attempts__gte=2).exists()
             and not deliveries.filter(attempts=0).exists(), 30, "failed attempts", worker_db.logs)
    # Not lost, not given up: each one waits for a later attempt with the error kept.
    for delivery in deliveries.all():
        assert delivery.email_status in (EmailStatus.PENDING, EmailStatus.SENDING)
        assert delivery.sent_at is None
    waiting = deliveries.filter(email_status=EmailStatus.PENDING).exclude(last_error="")
    assert waiting.exists() and "refused" in waiting.first().last_error.lower()

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()  # the server comes back
    try:
        wait_for(lambda: deliveries.filter(email_status=EmailStatus.SENT).count() == expected, 30,
                 "the e-mails after the server came back", worker_db.logs)
        time.sleep(1.5)
        assert sink.count() == expected
        assert len({header for header, _rcpt in sink.messages}) == expected
        assert all(d.attempts >= 2 for d in deliveries.all())  # failed at least once, then sent
        print(f"\nSMTP-down test: {sink.count()} messages after "
              f"{sum(deliveries.values_list('attempts', flat=True))} attempts")
    finally:
        controller.stop()
