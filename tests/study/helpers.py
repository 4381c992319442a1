"""Helpers of the study tests: the demo's plans, sessions and members."""

from __future__ import annotations

from nghiquyet.demo.study import CONGRESS_PLAN, THEMATIC_PLAN
from nghiquyet.members.models import Member
from nghiquyet.org.models import Unit
from nghiquyet.study.models import Attendance, AttendanceStatus, StudyPlan, StudySession


def thematic_plan() -> StudyPlan:
    return StudyPlan.objects.select_related("unit", "resolution").get(symbol=THEMATIC_PLAN)


def congress_plan() -> StudyPlan:
    return StudyPlan.objects.select_related("unit", "resolution").get(symbol=CONGRESS_PLAN)


def own_session(plan: StudyPlan, unit: Unit) -> StudySession:
    return StudySession.objects.select_related("unit", "plan").get(plan=plan, unit=unit, makeup_of__isnull=True)


def absent_member(session: StudySession) -> Member:
    """A member recorded absent or excused at the session who has not studied the resolution elsewhere."""
    studied = Attendance.objects.filter(session__plan__resolution=session.plan.resolution,
                                        status=AttendanceStatus.PRESENT).values("member_id")
    row = (Attendance.objects.filter(session=session, status__in=[AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED])
           .exclude(member_id__in=studied).select_related("member__unit").order_by("member_id").first())
    return row.member
