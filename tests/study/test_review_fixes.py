"""Study: fixes after review — gaps of plans issued below, figures of a past day, concurrent duplicates, the
attendance audit keyed per member, a member re-submitting, make-ups at a point, members who left, frozen plan
fields once sessions exist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.db.models.query import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nghiquyet.accounts.models import Person
from nghiquyet.audit.models import AuditEvent
from nghiquyet.demo.plans import DEMO_TODAY
from nghiquyet.members.models import LeaveReason, Member
from nghiquyet.resolutions.models import Document
from nghiquyet.study import services
from nghiquyet.study.models import Attendance, AttendanceStatus, Audience, WriteUp, WriteUpKind
from nghiquyet.study.reminders import reminders_due
from nghiquyet.study.selectors import studied, study_gaps, unit_figures
from tests.study.helpers import absent_member, congress_plan, own_session, thematic_plan

pytestmark = pytest.mark.django_db


def _block(user, unit, resolution_id, on):
    return next(b for b in unit_figures(user=user, unit=unit, on=on).resolutions if b.resolution.pk == resolution_id)


# ------------------------------------------------------------------ 1. gaps of a plan issued below


def test_a_plan_issued_below_has_no_row_of_the_unit_above_in_the_gaps(demo, frozen):
    resolution = Document.objects.get(unit=demo.commune, is_congress_resolution=True)
    plan = services.plan_create(actor=demo.xa, unit=demo.commune, resolution=resolution, title="Kế hoạch của xã",
                                starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 2, 5),
                                deadline=dt.date(2026, 2, 5))
    gaps = [g for g in study_gaps(user=demo.tinh, unit=demo.province, on=DEMO_TODAY) if g.plan.pk == plan.pk]
    assert [g.unit.pk for g in gaps] == [demo.commune.pk]        # the commune's row, not the province's own
    own = [g for g in study_gaps(user=demo.xa, unit=demo.commune, on=DEMO_TODAY) if g.plan.pk == plan.pk]
    assert demo.commune.pk in {g.unit.pk for g in own}          # the commune itself still sees its own row


# ------------------------------------------------------------------ 2. figures of a past day


def test_figures_of_a_past_day_do_not_count_write_ups_owed_later(demo, frozen):
    plan = thematic_plan()
    member = absent_member(own_session(plan, demo.commune))
    later = services.session_create(actor=demo.xa, plan=plan, unit=demo.commune, held_on=dt.date(2026, 11, 20))
    day_before = dt.date(2026, 11, 19)
    before = _block(demo.xa, demo.commune, plan.resolution_id, day_before).total.writeups
    services.attendance_record(actor=demo.xa, session=later, entries={member.pk: AttendanceStatus.PRESENT})
    assert WriteUp.objects.filter(plan=plan, member=member, received_on__isnull=True).exists()
    after = _block(demo.xa, demo.commune, plan.resolution_id, day_before).total.writeups
    assert (after.expected, after.received, after.overdue) == (before.expected, before.received, before.overdue)
    on_the_day = _block(demo.xa, demo.commune, plan.resolution_id, later.held_on).total.writeups
    assert on_the_day.expected >= before.expected + 1


# ------------------------------------------------------------------ 3. concurrent duplicates


def test_a_write_up_created_meanwhile_is_refused_in_vietnamese_not_a_500(demo, frozen, monkeypatch):
    plan = thematic_plan()
    writeup = WriteUp.objects.filter(plan=plan, unit__path__under=demo.commune.path).select_related("member").first()
    exists = QuerySet.exists
    # the check passed in another transaction before this one's write-up was committed
    monkeypatch.setattr(QuerySet, "exists", lambda self: False if self.model is WriteUp else exists(self))
    with pytest.raises(ValidationError) as exc:
        services.writeup_create(actor=demo.xa, plan=plan, member=writeup.member, due_on=DEMO_TODAY)
    assert "đã có bài thu hoạch" in " ".join(exc.value.message_dict["member"])


def test_attendance_does_not_fail_on_a_write_up_created_meanwhile(demo, frozen, monkeypatch):
    plan = thematic_plan()
    session = own_session(plan, demo.commune)
    member = absent_member(session)
    makeup = services.session_create(actor=demo.xa, plan=plan, unit=demo.commune,
                                     held_on=session.held_on + dt.timedelta(days=2), makeup_of=session)
    WriteUp.objects.create(plan=plan, member=member, unit=member.unit, kind=WriteUpKind.ESSAY, due_on=DEMO_TODAY)
    values_list = QuerySet.values_list
    monkeypatch.setattr(QuerySet, "values_list", lambda self, *a, **k: values_list(
        self.none() if self.model is WriteUp else self, *a, **k))
    services.attendance_record(actor=demo.xa, session=makeup, entries={member.pk: AttendanceStatus.PRESENT})
    assert WriteUp.objects.filter(plan=plan, member=member).count() == 1


@pytest.mark.skipif(connection.vendor == "sqlite", reason="SQLite has no SELECT … FOR UPDATE")
def test_attendance_locks_the_session_first(demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    member = absent_member(session)
    with CaptureQueriesContext(connection) as queries:
        services.attendance_record(actor=demo.xa, session=session, entries={member.pk: AttendanceStatus.EXCUSED})
    first = next(q["sql"] for q in queries.captured_queries if "study_studysession" in q["sql"])
    assert "FOR UPDATE" in first


# ------------------------------------------------------------------ 4. the audit, per member


def test_the_attendance_audit_keeps_two_members_of_the_same_name_and_the_write_ups(demo, frozen):
    plan = thematic_plan()
    day = dt.date(2026, 11, 20)
    twins = [Member.objects.create(unit=demo.branch, full_name="Nguyễn Văn Trùng", joined_unit_on=dt.date(2020, 1, 1))
             for _ in range(2)]
    session = services.session_create(actor=demo.xa, plan=plan, unit=demo.commune, held_on=day)
    services.attendance_record(actor=demo.xa, session=session, entries={m.pk: AttendanceStatus.PRESENT for m in twins})
    event = AuditEvent.objects.filter(object_id=str(session.pk), changes__has_key="attendance").latest("pk")
    marks = event.changes["attendance"][1]
    assert len(marks) == 2 and all(f"#{m.pk}" in " ".join(marks) for m in twins)
    assert sorted(event.changes["writeups"][1]["created"]) == sorted(services._member_label(m) for m in twins)
    services.attendance_record(actor=demo.xa, session=session, entries={twins[0].pk: AttendanceStatus.ABSENT})
    event = AuditEvent.objects.filter(object_id=str(session.pk), changes__has_key="writeups").latest("pk")
    assert event.changes["writeups"][1] == {"deleted": [services._member_label(twins[0])]}
    services.session_delete(actor=demo.xa, session=session)
    event = AuditEvent.objects.get(object_id=str(session.pk), action="delete")
    assert event.changes["writeups"][0] == {"deleted": [services._member_label(twins[1])]}
    assert not WriteUp.objects.filter(member__in=twins).exists()


# ------------------------------------------------------------------ 5. a member re-submitting


def test_a_member_cannot_resubmit_a_received_write_up(demo, frozen):
    writeup = (WriteUp.objects.filter(unit__path__under=demo.commune.path, received_on__isnull=True,
                                      member__person__isnull=True).select_related("member").first())
    user = get_user_model().objects.create_user("dang-vien-nop-bai", password="x")
    person = Person.objects.create(full_name=writeup.member.full_name, unit=writeup.member.unit, user=user)
    Member.objects.filter(pk=writeup.member_id).update(person=person)
    done = services.writeup_receive(actor=user, writeup=writeup, received_on=DEMO_TODAY, text="Bài của tôi")
    assert done.received_on == DEMO_TODAY
    WriteUp.objects.filter(pk=writeup.pk).update(received_on=DEMO_TODAY - dt.timedelta(days=3))
    with pytest.raises(ValidationError) as exc:
        services.writeup_receive(actor=user, writeup=writeup, received_on=DEMO_TODAY, text="Bài khác")
    assert "đã được nhận ngày " + (DEMO_TODAY - dt.timedelta(days=3)).strftime("%d/%m/%Y") in " ".join(
        exc.value.message_dict["text"])
    writeup.refresh_from_db()
    assert (writeup.text, writeup.received_on) == ("Bài của tôi", DEMO_TODAY - dt.timedelta(days=3))
    # those keeping the records may still correct it
    services.writeup_receive(actor=demo.xa, writeup=writeup, received_on=DEMO_TODAY, text="Bài đã sửa")


# ------------------------------------------------------------------ 6. make-ups at a point


def test_a_point_holds_a_make_up_for_its_own_absentees(client, demo, frozen):
    """A province-wide conference (the province holds it for all members) followed from the commune: the
    commune's office may hold the make-up of its own absentees, as the session page offers."""
    resolution = congress_plan().resolution
    plan = services.plan_create(actor=demo.tinh, unit=demo.province, resolution=resolution, title="Hội nghị",
                                starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 11, 30),
                                deadline=dt.date(2026, 11, 30), audience=Audience.UNIT)
    conference = services.session_create(actor=demo.tinh, plan=plan, unit=demo.province,
                                         held_on=dt.date(2026, 11, 10), points=[demo.commune])
    member = Member.objects.filter(unit__path__under=demo.commune.path, left_unit_on__isnull=True,
                                   joined_unit_on__lte=conference.held_on).first()
    services.attendance_record(actor=demo.xa, session=conference, unit=demo.commune,
                               entries={member.pk: AttendanceStatus.ABSENT})
    assert services.makeup_may_hold(conference, demo.commune)
    assert not services.makeup_may_hold(conference, demo.commune2)       # neither its unit nor a point
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=demo.xa2, plan=plan, unit=demo.commune2, held_on=dt.date(2026, 11, 12),
                                makeup_of=conference)
    assert "unit" in exc.value.message_dict
    client.force_login(demo.xa)
    page = client.get(reverse("study_session", args=[conference.pk]))
    assert reverse("study_makeup", args=[conference.pk]) in page.content.decode()    # offered ...
    response = client.post(reverse("study_makeup", args=[conference.pk]), {
        "unit": demo.commune.pk, "held_on": (conference.held_on + dt.timedelta(days=3)).isoformat(),
        "place": "Hội trường xã", "speakers": ""})
    assert response.status_code == 302                                             # ... and accepted
    makeup = conference.makeups.get(unit=demo.commune)
    services.attendance_record(actor=demo.xa, session=makeup, entries={member.pk: "present"})
    assert Attendance.objects.get(session=makeup, member=member).status == AttendanceStatus.PRESENT


# ------------------------------------------------------------------ 7. members who left


def test_write_ups_of_members_who_left_are_no_longer_owed_nor_reminded(demo, frozen, settings):
    from nghiquyet.members.services import member_leave

    settings.NGHIQUYET = {**settings.NGHIQUYET, "REMINDERS": {**settings.NGHIQUYET["REMINDERS"],
                                                               "BEFORE_DAYS": [3, 0], "AFTER_DAYS": [1, 7]}}
    plan = thematic_plan()
    writeup = (WriteUp.objects.filter(plan=plan, unit__path__under=demo.commune.path, received_on__isnull=True,
                                      member__person__isnull=True, member__left_unit_on__isnull=True)
               .select_related("member").first())
    WriteUp.objects.filter(pk=writeup.pk).update(due_on=DEMO_TODAY - dt.timedelta(days=2))
    before = _block(demo.xa, demo.commune, plan.resolution_id, DEMO_TODAY).total.writeups

    def reminded() -> int:
        groups = {r.key: int(r.subject.split()[0]) for r in reminders_due(DEMO_TODAY)
                  if r.key.startswith(f"writeups:{plan.pk}:") and r.due_on == DEMO_TODAY - dt.timedelta(days=2)}
        return sum(groups.values())      # write-ups reminded, each group once whoever receives it

    reminders_before = reminded()
    assert reminders_before >= 1
    member_leave(actor=demo.xa, member=writeup.member, on=DEMO_TODAY - dt.timedelta(days=1),
                 reason=LeaveReason.DECEASED)
    after = _block(demo.xa, demo.commune, plan.resolution_id, DEMO_TODAY).total.writeups
    assert (after.expected, after.overdue) == (before.expected - 1, before.overdue - 1)
    assert reminded() == reminders_before - 1
    # a day before they left it was still owed
    past = _block(demo.xa, demo.commune, plan.resolution_id, DEMO_TODAY - dt.timedelta(days=2)).total.writeups
    assert WriteUp.objects.filter(pk=writeup.pk).exists() and past.expected >= 1


# ------------------------------------------------------------------ 8. plan fields frozen once sessions exist


def test_plan_update_refuses_audience_and_write_up_rule_once_sessions_exist(demo, frozen):
    plan = thematic_plan()
    assert plan.sessions.exists()
    for field, value in (("audience", Audience.UNIT if plan.audience != Audience.UNIT else Audience.SUBTREE),
                         ("writeup_kind", "" if plan.writeup_kind else WriteUpKind.ESSAY),
                         ("writeup_days", (plan.writeup_days or 15) + 5)):
        with pytest.raises(ValidationError) as exc:
            services.plan_update(actor=demo.tinh, plan=plan, **{field: value})
        assert "Đã có buổi học" in " ".join(exc.value.message_dict[field])
    updated = services.plan_update(actor=demo.tinh, plan=plan, place="Hội trường tỉnh")   # the rest may change
    assert updated.place == "Hội trường tỉnh"
    resolution = Document.objects.get(unit=demo.commune, is_congress_resolution=True)
    fresh = services.plan_create(actor=demo.xa, unit=demo.commune, resolution=resolution, title="Kế hoạch",
                                 starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 2, 5),
                                 deadline=dt.date(2026, 2, 5))
    assert services.plan_update(actor=demo.xa, plan=fresh, writeup_kind=WriteUpKind.ESSAY,
                                writeup_days=20).writeup_days == 20


# ------------------------------------------------------------------ 9. a person's rows, without a card number


def _studied_without_card(demo, plan):
    """A member of a branch of Đông Sơn (not demo.branch) present at the commune's session, with an open write-up,
    whose card number is cleared (the register does not always know it)."""
    session = own_session(plan, demo.commune)
    row = (Attendance.objects.filter(session=session, status=AttendanceStatus.PRESENT,
                                     member__left_unit_on__isnull=True, member__person__isnull=True,
                                     member__study_writeups__plan=plan,
                                     member__study_writeups__received_on__isnull=True)
           .exclude(member__unit=demo.branch).select_related("member__unit").first())
    Member.objects.filter(pk=row.member_id).update(card_number="")
    Attendance.objects.filter(member_id=row.member_id).update(card_number="")
    return Member.objects.select_related("unit").get(pk=row.member_id)


def test_a_transfer_keeps_studied_and_moves_the_open_write_up_without_a_card_number(demo, frozen):
    from nghiquyet.members.selectors import member_history
    from nghiquyet.members.services import member_transfer

    plan = thematic_plan()
    member = _studied_without_card(demo, plan)
    writeup = WriteUp.objects.get(plan=plan, member=member)
    before = _block(demo.xa, demo.branch, plan.resolution_id, DEMO_TODAY).total
    moved = member_transfer(actor=demo.xa, member=member, to_unit=demo.branch, on=DEMO_TODAY)
    assert moved.origin_id == member.pk and moved.card_number == ""
    after = _block(demo.xa, demo.branch, plan.resolution_id, DEMO_TODAY).total
    assert (after.members, after.studied) == (before.members + 1, before.studied + 1)
    writeup.refresh_from_db()
    assert (writeup.member_id, writeup.unit_id) == (moved.pk, demo.branch.pk)
    assert after.writeups.expected == before.writeups.expected + 1
    assert AuditEvent.objects.filter(object_id=str(writeup.pk), changes__has_key="member").exists()
    # a second transfer still points at the first row; the history links all three
    again = member_transfer(actor=demo.xa, member=moved, to_unit=member.unit, on=DEMO_TODAY)
    assert again.origin_id == member.pk
    assert {m.pk for m in member_history(user=demo.xa, member=again)} == {member.pk, moved.pk, again.pk}
    assert {m.pk for m in member_history(user=demo.xa, member=member)} == {member.pk, moved.pk, again.pk}
    assert Member.objects.filter(Q(pk=again.pk) & studied(plan.resolution_id, DEMO_TODAY)).exists()


def test_a_merge_keeps_studied_and_moves_the_open_write_up_without_a_card_number(demo, frozen):
    from nghiquyet.org.services import unit_merge

    plan = thematic_plan()
    member = _studied_without_card(demo, plan)
    writeup = WriteUp.objects.get(plan=plan, member=member)
    unit_merge(actor=demo.xa, sources=[member.unit], target=demo.branch, effective_date=DEMO_TODAY,
               decision_ref="01-QĐ/ĐU")
    new = Member.objects.get(origin=member)
    assert new.unit_id == demo.branch.pk and new.is_current
    writeup.refresh_from_db()
    assert (writeup.member_id, writeup.unit_id) == (new.pk, demo.branch.pk)
    assert Member.objects.filter(Q(pk=new.pk) & studied(plan.resolution_id, DEMO_TODAY)).exists()


def test_through_the_api_a_member_cannot_resubmit_and_who_left_is_not_overdue(client, demo, frozen):
    import json

    from nghiquyet.accounts.services import api_token_create
    from nghiquyet.members.services import member_leave

    writeup = (WriteUp.objects.filter(unit__path__under=demo.commune.path, received_on__isnull=True,
                                      member__person__isnull=True, member__left_unit_on__isnull=True)
               .select_related("member").first())
    user = get_user_model().objects.create_user("dang-vien-api", password="x")
    person = Person.objects.create(full_name=writeup.member.full_name, unit=writeup.member.unit, user=user)
    Member.objects.filter(pk=writeup.member_id).update(person=person)
    _token, raw = api_token_create(actor=user, name="test")
    url = f"/api/v1/study/writeups/{writeup.pk}/receive"

    def send(text):
        return client.post(url, json.dumps({"received_on": DEMO_TODAY.isoformat(), "text": text}),
                           content_type="application/json", headers={"Authorization": f"Bearer {raw}"})

    assert send("Bài của tôi").status_code == 200
    again = send("Bài khác")
    assert again.status_code == 422
    assert "đã được nhận ngày" in {e["field"]: e["message"] for e in again.json()["errors"]}["text"]
    # a member who died is no longer listed overdue
    other = (WriteUp.objects.filter(unit__path__under=demo.commune.path, received_on__isnull=True,
                                    due_on__lt=DEMO_TODAY, member__left_unit_on__isnull=True)
             .select_related("member").first())
    _token, office = api_token_create(actor=demo.xa, name="test")

    def overdue() -> set[int]:
        ids, page = set(), 1
        while True:
            body = client.get("/api/v1/study/writeups", {"state": "overdue", "page": page},
                              headers={"Authorization": f"Bearer {office}"}).json()
            ids |= {w["id"] for w in body["items"]}
            if not body["items"] or len(ids) >= body["count"]:
                return ids
            page += 1

    assert other.pk in overdue()
    member_leave(actor=demo.xa, member=other.member, on=DEMO_TODAY, reason=LeaveReason.DECEASED)
    assert other.pk not in overdue()
