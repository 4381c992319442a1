"""Roles and what each allows. Kept as data: a deployment overrides it in settings.

A role held at a unit reaches that unit's whole subtree. Reading needs any role;
every write names a permission from ``Perm``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SECRETARY = "secretary", _("Bí thư")
    DEPUTY_SECRETARY = "deputy_secretary", _("Phó Bí thư")
    STANDING_MEMBER = "standing_member", _("Ủy viên Ban Thường vụ")
    COMMITTEE_MEMBER = "committee_member", _("Cấp ủy viên")
    OFFICE_STAFF = "office_staff", _("Văn phòng cấp ủy")
    ADVISOR = "advisor", _("Chuyên viên tham mưu")
    INSPECTOR = "inspector", _("Cán bộ kiểm tra")
    VIEWER = "viewer", _("Chỉ xem")


class Perm:
    UNIT_CHANGE = "unit.change"            # edit a unit's details
    UNIT_REORGANIZE = "unit.reorganize"    # create, merge, split, move, rename, close
    PERSON_CHANGE = "person.change"        # people and role assignments
    AUDIT_READ = "audit.read"              # browse the audit trail of the subtree
    PLAN_CHANGE = "plan.change"            # terms, resolutions, targets, action programs, alignment
    TASK_CHANGE = "task.change"            # create and edit tasks of action programs
    TASK_PROGRESS = "task.progress"        # report progress on tasks (a task's own people always may)
    REPORT_SUBMIT = "report.submit"        # enter and submit a unit's reported values
    REPORT_APPROVE = "report.approve"      # accept, return or reopen the reports of units below
    SCHEDULE_CHANGE = "schedule.change"    # reporting schedules for the subtree
    STUDY_CHANGE = "study.change"          # study plans, sessions, attendance and write-ups of the subtree
    INSPECTION_CHANGE = "inspection.change"  # inspection programs, inspections, findings, recommendations
    ADJUSTMENT_DECIDE = "adjustment.decide"  # approve or reject proposed target adjustments (owner committee)

    ALL = (UNIT_CHANGE, UNIT_REORGANIZE, PERSON_CHANGE, AUDIT_READ, PLAN_CHANGE, TASK_CHANGE, TASK_PROGRESS,
           REPORT_SUBMIT, REPORT_APPROVE, SCHEDULE_CHANGE, STUDY_CHANGE, INSPECTION_CHANGE, ADJUSTMENT_DECIDE)


_LEADERS = {
    Perm.UNIT_CHANGE, Perm.UNIT_REORGANIZE, Perm.PERSON_CHANGE, Perm.AUDIT_READ,
    Perm.PLAN_CHANGE, Perm.TASK_CHANGE, Perm.TASK_PROGRESS, Perm.REPORT_SUBMIT, Perm.REPORT_APPROVE,
    Perm.SCHEDULE_CHANGE, Perm.STUDY_CHANGE, Perm.INSPECTION_CHANGE, Perm.ADJUSTMENT_DECIDE,
}

DEFAULT_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SECRETARY: frozenset(_LEADERS),
    Role.DEPUTY_SECRETARY: frozenset(_LEADERS),
    Role.STANDING_MEMBER: frozenset({Perm.UNIT_CHANGE, Perm.AUDIT_READ, Perm.PLAN_CHANGE, Perm.TASK_CHANGE,
                                     Perm.TASK_PROGRESS, Perm.REPORT_APPROVE, Perm.INSPECTION_CHANGE,
                                     Perm.ADJUSTMENT_DECIDE}),
    Role.COMMITTEE_MEMBER: frozenset({Perm.TASK_PROGRESS}),
    Role.OFFICE_STAFF: frozenset(_LEADERS),
    Role.ADVISOR: frozenset({Perm.TASK_PROGRESS}),
    Role.INSPECTOR: frozenset({Perm.AUDIT_READ, Perm.INSPECTION_CHANGE}),
    Role.VIEWER: frozenset(),
}


def role_permissions() -> dict[str, frozenset[str]]:
    override = getattr(settings, "NGHIQUYET_ROLE_PERMISSIONS", None)
    if override:
        return {role: frozenset(perms) for role, perms in override.items()}
    return DEFAULT_ROLE_PERMISSIONS
