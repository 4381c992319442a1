"""Study services: bad input is refused in Vietnamese, naming the field (and the person for attendance)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from nghiquyet.audit.models import AuditEvent
from nghiquyet.demo.plans import DEMO_TODAY
from nghiquyet.members.models import Member
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.models import Document
from nghiquyet.study import services
from nghiquyet.study.models import Attendance, AttendanceStatus, Audience, WriteUp
from tests.study.helpers import absent_member, congress_plan, own_session, thematic_plan

pytestmark = pytest.mark.django_db


def _message(exc: ValidationError, field: str) -> str:
    return " ".join(exc.value.message_dict[field]) if hasattr(exc, "value") else " ".join(exc.message_dict[field])


def test_attendance_for_someone_not_a_member_is_refused_naming_them(demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    outsider = Member.objects.filter(unit__path__under=demo.commune2.path, left_unit_on__isnull=True).first()
    insider = absent_member(session)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=demo.xa, session=session, entries={
            insider.pk: AttendanceStatus.PRESENT, outsider.pk: AttendanceStatus.PRESENT})
    message = _message(exc, "members")
    assert outsider.full_name in message and "không phải là đảng viên" in message
    assert insider.full_name not in message
    # nothing written, not even the insider's mark
    assert Attendance.objects.get(session=session, member=insider).status != AttendanceStatus.PRESENT


def test_a_member_who_had_left_or_not_yet_joined_on_the_day_is_refused(demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    member = absent_member(session)
    member.left_unit_on = session.held_on - dt.timedelta(days=1)
    member.save(update_fields=["left_unit_on"])
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=demo.xa, session=session, entries={member.pk: AttendanceStatus.PRESENT})
    assert member.full_name in _message(exc, "members") and session.held_on.strftime("%d/%m/%Y") in _message(
        exc, "members")
    newcomer = Member.objects.create(unit=member.unit, full_name="Đảng viên Mới Chuyển Đến",
                                     joined_unit_on=session.held_on + dt.timedelta(days=2))
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=demo.xa, session=session, entries={newcomer.pk: "present"})
    assert "Đảng viên Mới Chuyển Đến" in _message(exc, "members")


def test_unknown_members_and_statuses(demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=demo.xa, session=session, entries={987654321: "present"})
    assert "987654321" in _message(exc, "members")
    member = absent_member(session)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=demo.xa, session=session, entries={member.pk: "late"})
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.attendance_record(actor=demo.xa, session=session, entries={"abc": "present"})


def test_another_commune_may_not_record_and_a_branch_only_its_own(demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    member = absent_member(session)
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=demo.xa2, session=session, entries={member.pk: "present"})
    with pytest.raises(PermissionDenied):   # demo-chibo holds a role at a branch, not at the commune
        services.attendance_record(actor=demo.chibo, session=session, entries={member.pk: "present"})


def test_present_creates_the_write_up_and_absent_again_removes_it(demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    member = absent_member(session)
    services.attendance_record(actor=demo.xa, session=session, entries={member.pk: AttendanceStatus.PRESENT})
    writeup = WriteUp.objects.get(plan=session.plan, member=member)
    assert writeup.due_on == session.held_on + dt.timedelta(days=session.plan.writeup_days)
    assert writeup.unit_id == member.unit_id and writeup.received_on is None
    assert AuditEvent.objects.filter(object_id=str(session.pk), changes__has_key="attendance").exists()
    services.attendance_record(actor=demo.xa, session=session, entries={member.pk: AttendanceStatus.ABSENT})
    assert not WriteUp.objects.filter(plan=session.plan, member=member).exists()


def test_points_record_their_own_members_only(demo, frozen):
    plan = congress_plan()
    conference = plan.sessions.get(unit=demo.province)
    mine = Member.objects.filter(unit__path__under=demo.commune.path, left_unit_on__isnull=True,
                                 joined_unit_on__lte=conference.held_on).exclude(
        study_attendance__session=conference).first()
    theirs = Member.objects.filter(unit__path__under=demo.commune2.path, left_unit_on__isnull=True,
                                   joined_unit_on__lte=conference.held_on).exclude(
        study_attendance__session=conference).first()
    services.attendance_record(actor=demo.xa, session=conference, unit=demo.commune, entries={mine.pk: "present"})
    assert Attendance.objects.get(session=conference, member=mine).unit == demo.commune
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=demo.xa, session=conference, unit=demo.commune,
                                   entries={theirs.pk: "present"})
    assert theirs.full_name in _message(exc, "members")
    # demo-xa cannot record at the province's own hall
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=demo.xa, session=conference, entries={mine.pk: "absent"})
    # a unit that is no point of the session
    branch = Unit.objects.filter(parent=demo.commune, kind=UnitKind.BRANCH).first()
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=demo.xa, session=conference, unit=branch, entries={mine.pk: "present"})
    assert "unit" in exc.value.message_dict


def test_make_up_only_for_those_absent_and_after_the_session(demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=demo.xa, plan=session.plan, unit=demo.commune, held_on=session.held_on,
                                makeup_of=session)
    assert "held_on" in exc.value.message_dict
    makeup = services.session_create(actor=demo.xa, plan=session.plan, unit=demo.commune,
                                     held_on=session.held_on + dt.timedelta(days=5), makeup_of=session)
    was_present = Attendance.objects.filter(session=session, status=AttendanceStatus.PRESENT).first().member
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(actor=demo.xa, session=makeup, entries={was_present.pk: "present"})
    assert was_present.full_name in _message(exc, "members") and "học bù" in _message(exc, "members")
    owed = absent_member(session)
    services.attendance_record(actor=demo.xa, session=makeup, entries={owed.pk: "present"})
    assert Attendance.objects.get(session=makeup, member=owed).status == AttendanceStatus.PRESENT
    with pytest.raises(ValidationError) as exc:    # no make-up of a make-up
        services.session_create(actor=demo.xa, plan=session.plan, unit=demo.commune,
                                held_on=session.held_on + dt.timedelta(days=6), makeup_of=makeup)
    assert "makeup_of" in exc.value.message_dict


def test_session_refusals(demo, frozen):
    plan = thematic_plan()
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=demo.xa, plan=plan, unit=demo.commune, held_on=DEMO_TODAY + dt.timedelta(1))
    assert "tương lai" in _message(exc, "held_on")
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=demo.xa, plan=plan, unit=demo.commune, held_on=dt.date(2020, 1, 1))
    assert "held_on" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:   # a point must be below the holding unit
        services.session_create(actor=demo.tinh, plan=plan, unit=demo.commune, held_on=DEMO_TODAY,
                                points=[demo.commune2])
    assert "points" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.session_create(actor=demo.xa2, plan=plan, unit=demo.commune, held_on=DEMO_TODAY)


def test_a_plan_held_only_by_its_unit(demo, frozen):
    resolution = Document.objects.get(unit=demo.commune, is_congress_resolution=True)
    plan = services.plan_create(actor=demo.xa, unit=demo.commune, resolution=resolution, title="Kế hoạch học tập",
                                starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 2, 5),
                                deadline=dt.date(2026, 2, 5), audience=Audience.UNIT)
    assert plan.holder_kinds == [] and plan.writeup_days is None
    with pytest.raises(ValidationError) as exc:
        services.session_create(actor=demo.xa, plan=plan, unit=demo.branch, held_on=dt.date(2026, 1, 10))
    assert "không thuộc đối tượng" in _message(exc, "unit")


def test_plan_refusals(demo, frozen):
    own = Document.objects.get(unit=demo.commune, is_congress_resolution=True)
    sibling = Document.objects.get(unit=demo.commune2, is_congress_resolution=True)
    good = {"title": "Kế hoạch", "starts_on": dt.date(2026, 1, 5), "ends_on": dt.date(2026, 2, 5),
            "deadline": dt.date(2026, 2, 5)}
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=demo.xa, unit=demo.commune, resolution=sibling, **good)
    assert "resolution" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=demo.xa, unit=demo.commune, resolution=own,
                             **good | {"deadline": dt.date(2026, 1, 1), "title": " "})
    assert {"deadline", "title"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=demo.xa, unit=demo.commune, resolution=own, **good | {
            "audience": Audience.SUBTREE, "holder_kinds": ["peoples_committee"]})
    assert "holder_kinds" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=demo.xa, unit=demo.commune, resolution=own,
                             **good | {"writeup_kind": "essay", "writeup_days": 0})
    assert "writeup_days" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=demo.xa2, unit=demo.commune, resolution=own, **good)
    plan = services.plan_create(actor=demo.xa, unit=demo.commune, resolution=own, **good | {
        "writeup_kind": "personal_plan"})
    assert plan.writeup_days == services.study_settings()["WRITEUP_DAYS"]
    plan = services.plan_update(actor=demo.xa, plan=plan, deadline=dt.date(2026, 2, 20))
    assert plan.deadline == dt.date(2026, 2, 20)


def test_writeup_receive(demo, frozen):
    writeup = WriteUp.objects.filter(unit__path__under=demo.commune.path, received_on__isnull=True).first()
    with pytest.raises(ValidationError) as exc:
        services.writeup_receive(actor=demo.xa, writeup=writeup, received_on=DEMO_TODAY, text="  ")
    assert "text" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.writeup_receive(actor=demo.xa, writeup=writeup, received_on=DEMO_TODAY + dt.timedelta(1), text="x")
    assert "received_on" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.writeup_receive(actor=demo.xa2, writeup=writeup, received_on=DEMO_TODAY, text="x")
    done = services.writeup_receive(actor=demo.xa, writeup=writeup, received_on=DEMO_TODAY, text="Bài thu hoạch")
    assert done.received_on == DEMO_TODAY


def test_delete_a_session_recorded_by_mistake(demo, frozen):
    session = own_session(thematic_plan(), demo.commune)
    makeup = services.session_create(actor=demo.xa, plan=session.plan, unit=demo.commune,
                                     held_on=session.held_on + dt.timedelta(days=3), makeup_of=session)
    with pytest.raises(ValidationError) as exc:
        services.session_delete(actor=demo.xa, session=session)
    assert "học bù" in _message(exc, "session")
    with pytest.raises(PermissionDenied):
        services.session_delete(actor=demo.xa2, session=makeup)
    services.session_delete(actor=demo.xa, session=makeup)
    studied = set(Attendance.objects.filter(session=session, status="present").values_list("member_id", flat=True))
    received = set(WriteUp.objects.filter(plan=session.plan, member_id__in=studied, received_on__isnull=False)
                   .values_list("member_id", flat=True))
    services.session_delete(actor=demo.xa, session=session)
    assert not Attendance.objects.filter(session_id=session.pk).exists()
    left = set(WriteUp.objects.filter(plan=session.plan, member_id__in=studied).values_list("member_id", flat=True))
    assert left == received            # the received write-ups stay, the owed ones go
    assert AuditEvent.objects.filter(action="delete", object_id=str(session.pk)).exists()


def test_what_a_member_studied_follows_them_to_another_branch(demo, frozen):
    """A transfer gives the member a new register row (same card): they stay 'studied' in the new branch."""
    from nghiquyet.members.services import member_transfer
    from nghiquyet.study.selectors import unit_figures

    plan = thematic_plan()
    session = own_session(plan, demo.commune)
    row = (Attendance.objects.filter(session=session, status=AttendanceStatus.PRESENT)
           .exclude(member__card_number="").exclude(member__unit=demo.branch).select_related("member").first())
    before = next(b for b in unit_figures(user=demo.xa, unit=demo.branch, on=DEMO_TODAY).resolutions
                  if b.resolution.pk == plan.resolution_id).total
    moved = member_transfer(actor=demo.xa, member=row.member, to_unit=demo.branch, on=DEMO_TODAY)
    assert moved.pk != row.member_id and moved.card_number == row.member.card_number
    after = next(b for b in unit_figures(user=demo.xa, unit=demo.branch, on=DEMO_TODAY).resolutions
                 if b.resolution.pk == plan.resolution_id).total
    assert (after.members, after.studied) == (before.members + 1, before.studied + 1)


def test_a_communes_own_plan_counts_only_its_members_above(demo, frozen):
    """Seen from the province, the commune's own resolution is measured on the commune's members only."""
    from nghiquyet.study.selectors import unit_figures

    resolution = Document.objects.get(unit=demo.commune, is_congress_resolution=True)
    services.plan_create(actor=demo.xa, unit=demo.commune, resolution=resolution, title="Kế hoạch học tập",
                         starts_on=dt.date(2026, 1, 5), ends_on=dt.date(2026, 2, 5), deadline=dt.date(2026, 2, 5))
    province = unit_figures(user=demo.tinh, unit=demo.province, on=DEMO_TODAY)
    commune = unit_figures(user=demo.tinh, unit=demo.commune, on=DEMO_TODAY)
    block = next(b for b in province.resolutions if b.resolution.pk == resolution.pk)
    own = next(b for b in commune.resolutions if b.resolution.pk == resolution.pk)
    assert [r.unit.pk for r in block.rows] == [demo.commune.pk]
    assert block.total.members == own.total.members == Member.objects.filter(
        unit__path__under=demo.commune.path, left_unit_on__isnull=True).count()
    assert block.total.sessions.expected == 1 and block.total.sessions.missing == 1   # not held by 05/02/2026


def test_session_update(demo, frozen):
    plan = thematic_plan()
    session = own_session(plan, demo.commune)
    with pytest.raises(ValidationError) as exc:     # attendance recorded: the day is fixed
        services.session_update(actor=demo.xa, session=session, held_on=session.held_on - dt.timedelta(days=1))
    assert "held_on" in exc.value.message_dict
    updated = services.session_update(actor=demo.xa, session=session, place="Nhà văn hóa xã",
                                      add_points=[demo.branch])
    assert updated.place == "Nhà văn hóa xã" and list(updated.points.values_list("unit_id", flat=True)) == [
        demo.branch.pk]
    with pytest.raises(ValidationError) as exc:
        services.session_update(actor=demo.xa, session=session, add_points=[demo.commune2])
    assert "points" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.session_update(actor=demo.xa2, session=session, place="x")
    fresh = services.session_create(actor=demo.xa, plan=plan, unit=demo.commune, held_on=dt.date(2026, 11, 20))
    moved = services.session_update(actor=demo.xa, session=fresh, held_on=dt.date(2026, 11, 21))
    assert moved.held_on == dt.date(2026, 11, 21)
    assert AuditEvent.objects.filter(object_id=str(fresh.pk), action="update").exists()
