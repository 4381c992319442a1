"""The weekly briefing e-mail as a reminder source (nghiquyet.notifications.reminders contract): to the
standing-committee roles of each committee that has any, once per recipient per ISO week, from the weekday of the
setting on; the body is a plain-text digest with the page's address."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.accounts.roles import Role
from nghiquyet.briefings.reminders import reminders_due
from nghiquyet.notifications.reminders import ReminderKind
from tests.briefings.conftest import TODAY

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _no_briefing_recorded_yet(db):
    """The demo seeds the inbox as of its day (briefings included): start from none recorded."""
    from nghiquyet.notifications.models import Delivery

    Delivery.objects.filter(kind=ReminderKind.BRIEFING).delete()


def _pairs(day: dt.date) -> set[tuple[str, int]]:
    items = list(reminders_due(day))
    pairs = [(r.key, r.user_id) for r in items]
    assert len(pairs) == len(set(pairs)), "one reminder per recipient and week in one scan"
    return set(pairs)


def _set_weekday(settings, weekday: int) -> None:
    settings.NGHIQUYET = {**settings.NGHIQUYET, "BRIEFINGS": {**settings.NGHIQUYET["BRIEFINGS"],
                                                              "WEEKDAY": weekday}}


def test_standing_committee_roles_get_this_weeks_briefing(world):
    demo = world.demo
    secretary = get_user_model().objects.create_user("bt-giaoban", password="x", email="bt@example.org")
    RoleAssignment.objects.create(user=secretary, unit=world.commune, role=Role.SECRETARY)
    RoleAssignment.objects.create(user=secretary, unit=world.commune, role=Role.STANDING_MEMBER)   # two roles
    viewer = get_user_model().objects.create_user("xem-giaoban", password="x")
    RoleAssignment.objects.create(user=viewer, unit=world.commune, role=Role.VIEWER)               # not a role
    gone = get_user_model().objects.create_user("nghi-giaoban", password="x", is_active=False)
    RoleAssignment.objects.create(user=gone, unit=world.commune, role=Role.DEPUTY_SECRETARY)       # inactive

    items = list(reminders_due(TODAY))
    by_user = {}
    for r in items:
        by_user.setdefault(r.user_id, []).append(r)
    assert set(by_user) == {demo.tinh.pk, demo.xa.pk, demo.xa2.pk, secretary.pk}   # demo-chibo: a branch
    [mine] = by_user[secretary.pk]
    assert mine.kind == ReminderKind.BRIEFING
    assert mine.key == f"briefing:{world.commune.pk}:2026-W48"
    assert mine.unit_id == world.commune.pk and mine.due_on == MONDAY
    assert mine.url == f"/giao-ban/{world.commune.pk}/?ky=tuan&ngay=2026-11-23"
    assert mine.subject == "Giao ban Tuần 48/2026 (23/11 – 29/11/2026) · Đảng bộ xã Giao Bàn"
    body = mine.body
    for text in ("Nhiệm vụ quá hạn: 5", "Nâng cấp đường trục xã — phụ trách: Phạm Đức Mạnh; chỉ đạo: Trần Văn Hùng",
                 "quá hạn 20 ngày", "GB1. Tỷ lệ hộ dùng nước sạch: Chậm tiến độ",
                 "Chi bộ thôn Đông Hạ — Báo cáo quý của các chi bộ (giao ban), hạn 10/10/2026: Chưa nộp (quá hạn)",
                 f"/giao-ban/{world.commune.pk}/?ky=tuan&ngay=2026-11-23"):
        assert text in body, text
    [tinh] = by_user[demo.tinh.pk]
    assert tinh.key == f"briefing:{demo.province.pk}:2026-W48"


def test_once_a_week_from_the_weekday_on(world, settings):
    _set_weekday(settings, 3)                    # Wednesday
    assert _pairs(MONDAY) == set()
    assert _pairs(MONDAY + dt.timedelta(days=1)) == set()
    wednesday = _pairs(MONDAY + dt.timedelta(days=2))
    assert wednesday
    # later in the same week (a worker catching up): the very same keys, so delivered once
    for later in range(3, 7):
        assert _pairs(MONDAY + dt.timedelta(days=later)) == wednesday
    # next week: new keys for the same people
    next_week = _pairs(MONDAY + dt.timedelta(days=9))
    assert {u for _k, u in next_week} == {u for _k, u in wednesday}
    assert not next_week & wednesday
    assert all(k.endswith(":2026-W49") for k, _u in next_week)


def test_week_keys_across_the_new_year():
    from nghiquyet.briefings.reminders import week_key

    assert week_key(dt.date(2027, 1, 1)) == "2026-W53"
    assert week_key(dt.date(2027, 1, 4)) == "2027-W01"


def test_recorded_once_per_recipient_and_week_by_the_notifications_app(world):
    """Through the worker's recording step: scanning every day of two weeks leaves one delivery per recipient and
    week, with the digest in the inbox item."""
    from nghiquyet.notifications.models import Delivery, Notification
    from nghiquyet.notifications.services import reminders_record

    for offset in range(14):
        reminders_record(reminders=reminders_due(MONDAY + dt.timedelta(days=offset)), email=False)
    rows = list(Delivery.objects.filter(kind=ReminderKind.BRIEFING).values_list("key", "user_id"))
    assert len(rows) == len(set(rows))
    demo = world.demo
    for user in (demo.tinh, demo.xa, demo.xa2):
        keys = sorted(k for k, u in rows if u == user.pk)
        assert len(keys) == 2 and keys[0].endswith("2026-W48") and keys[1].endswith("2026-W49")
    assert not any(u == demo.chibo.pk for _k, u in rows)
    inbox = Notification.objects.get(kind=ReminderKind.BRIEFING, user=demo.xa, delivery__key__endswith="W48")
    assert "Nhiệm vụ quá hạn" in inbox.body and inbox.url.startswith(f"/giao-ban/{demo.commune.pk}/")


def test_a_committee_whose_people_have_it_is_not_read_again(world, monkeypatch):
    """The worker scans every minute: once this week's briefings are recorded, the source reads no digest until
    someone new holds a role there (who then gets it, alone)."""
    from nghiquyet.briefings import reminders as source
    from nghiquyet.notifications.services import reminders_record

    reminders_record(reminders=reminders_due(TODAY), email=False)
    read = []
    original = source.briefing_for
    monkeypatch.setattr(source, "briefing_for", lambda **kw: read.append(kw["unit"]) or original(**kw))
    assert list(reminders_due(TODAY)) == [] and read == []
    newcomer = get_user_model().objects.create_user("pbt-giaoban", password="x")
    RoleAssignment.objects.create(user=newcomer, unit=world.demo.commune, role=Role.DEPUTY_SECRETARY)
    again = list(reminders_due(TODAY + dt.timedelta(days=1)))
    assert [(r.user_id, r.unit_id) for r in again] == [(newcomer.pk, world.demo.commune.pk)]
    assert read == [world.demo.commune]


def test_the_email_counts_the_study_gaps_left_out_not_the_units(settings):
    """Five gaps (two resolutions) of two units, EMAIL_ROWS = 2: three more gaps are left out of the e-mail."""
    from types import SimpleNamespace

    from nghiquyet.briefings.reminders import digest_text
    from nghiquyet.briefings.selectors import (
        Briefing,
        RecommendationsSection,
        ReportsSection,
        StudySection,
        TargetsSection,
        TasksSection,
    )

    settings.NGHIQUYET = {**settings.NGHIQUYET, "BRIEFINGS": {**settings.NGHIQUYET["BRIEFINGS"], "EMAIL_ROWS": 2}}
    units = [SimpleNamespace(pk=pk, name=f"Chi bộ {pk}") for pk in (1, 2)]
    gaps = [SimpleNamespace(plan=SimpleNamespace(resolution=f"{n}-NQ/TW"), unit=unit, studied=10, members=20)
            for n in (57, 66) for unit in units] + [SimpleNamespace(
                plan=SimpleNamespace(resolution="68-NQ/TW"), unit=units[0], studied=1, members=20)]
    briefing = Briefing(
        unit=SimpleNamespace(name="Đảng bộ xã"), start=TODAY, end=TODAY, on=TODAY,
        tasks=TasksSection(groups=[], at_risk_days=14, at_risk_percent=70),
        targets=TargetsSection(period=None, lines=[], evaluated=0), reports=ReportsSection(blocks=[]),
        recommendations=RecommendationsSection(available=False), study=StudySection(available=True, gaps=gaps))
    text = digest_text(briefing, label="Tuần 48/2026", url="/giao-ban/")
    section = text.split("5. ")[1]
    assert section.count("  - ") == 2
    assert "và 3 mục khác" in section
    assert "Đơn vị chưa học tập, quán triệt đủ: 2" in text   # the figure at the top counts units
