"""Reads of study and dissemination, always through the user's scope (accounts/scope.py).

Plans read like what a level issues downward (the user's subtree plus what ancestors issue, read only); sessions
are read by the scope of their unit or of one of their points (điểm cầu); attendance and write-ups by the scope of
the member's unit.

Figures of a unit's subtree (``unit_figures``, ``study_gaps``), as of a day:

* studied: a current member was present at any session or make-up of any plan for the resolution held on or
  before the day (``studied``, the one definition);
* sessions: each unit expected to hold one (``expected_holders``) held its first session on time (on or before
  the plan's deadline), late, not at all past the deadline ("missing") or not yet (before the deadline);
* write-ups (``writeup_owed_q``): expected (one per member who studied on or before the day when the plan asks
  for one; not those of members who left other than by transfer without handing it in), received, overdue (not received
  and past due).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from nghiquyet.accounts.scope import issued_above_filter, scope_filter, unit_scope_q
from nghiquyet.core.fields import path_ids
from nghiquyet.core.ids import get_or_404
from nghiquyet.members.models import LeaveReason, Member
from nghiquyet.members.selectors import current_on_q
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.models import Document
from nghiquyet.study.models import (
    Attendance,
    AttendanceStatus,
    Audience,
    StudyPlan,
    StudySession,
    WriteUp,
)

# ------------------------------------------------------------------ the definition of "studied"


def studied(resolution_id: int, on: dt.date, *, prefix: str = "") -> Q:
    """THE rule, as a condition on ``Member`` (``prefix`` to reach it from another model): the member was present
    at a session or make-up of any plan for the resolution, held on or before ``on``, under this register row or
    under another row of the same person (``Member.origin``: a transfer, a merge of units, gives a new row) or
    with the same card number. Used by every figure, page and API answer."""
    present = Attendance.objects.filter(status=AttendanceStatus.PRESENT, session__plan__resolution_id=resolution_id,
                                        session__held_on__lte=on)
    # the person's rows: the first one (``origin``, or this row when it is the first) and every later one
    first = Coalesce(OuterRef(f"{prefix}origin_id"), OuterRef(f"{prefix}pk"))
    by_row = Exists(present.filter(member_id=OuterRef(f"{prefix}pk")))
    by_first = Exists(present.filter(member_id=OuterRef(f"{prefix}origin_id")))
    by_later = Exists(present.filter(member__origin_id=first))
    by_card = Exists(present.filter(card_number=OuterRef(f"{prefix}card_number")).exclude(card_number=""))
    return Q(by_row) | Q(by_first) | Q(by_later) | Q(by_card)


def writeup_dropped_q(on: dt.date, *, prefix: str = "") -> Q:
    """THE rule, as a condition on ``WriteUp``: a write-up no longer owed on ``on`` because the member left the
    Party's register by ``on`` for a reason other than a transfer (died, removed, other) without handing it in.
    Excluded from the figures (expected, overdue) and from the reminders."""
    return ((Q(**{f"{prefix}received_on__isnull": True}) | Q(**{f"{prefix}received_on__gt": on}))
            & Q(**{f"{prefix}member__left_unit_on__lte": on})
            & ~Q(**{f"{prefix}member__leave_reason": LeaveReason.TRANSFER}))


def writeup_owed_q(plans: list[StudyPlan], on: dt.date) -> Q:
    """Write-ups of ``plans`` owed on ``on``: owed from the day the member studied (the due date less the plan's
    write-up days: the day of the session that made it owed), and not dropped (``writeup_dropped_q``)."""
    from nghiquyet.study.services import study_settings

    default = study_settings()["WRITEUP_DAYS"]
    owed = Q(pk__in=[])
    for plan in plans:
        owed |= Q(plan_id=plan.pk, due_on__lte=on + dt.timedelta(days=plan.writeup_days or default))
    return owed & ~writeup_dropped_q(on)


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# ------------------------------------------------------------------ plans, sessions, attendance, write-ups


def plans_visible(user, *, unit: Unit | None = None, resolution: Document | None = None) -> QuerySet[StudyPlan]:
    plans = issued_above_filter(StudyPlan.objects.all(), user).select_related("unit", "resolution")
    if unit is not None:
        plans = plans.filter(unit=unit)
    if resolution is not None:
        plans = plans.filter(resolution=resolution)
    return plans


def plan_get(user, pk) -> StudyPlan:
    return get_or_404(plans_visible(user), pk, _("Không tìm thấy kế hoạch học tập."))


def plans_for_unit(user, unit: Unit) -> QuerySet[StudyPlan]:
    """Plans that concern ``unit``'s subtree: issued by the unit, by an ancestor or by a unit below it."""
    return plans_visible(user).filter(Q(unit_id__in=[*path_ids(unit.path)]) | Q(unit__path__under=unit.path))


def sessions_visible(user) -> QuerySet[StudySession]:
    in_scope = unit_scope_q(user, prefix="unit__")
    pointed = StudySession.objects.filter(unit_scope_q(user, prefix="points__unit__")).values("pk")
    return StudySession.objects.filter(in_scope | Q(pk__in=pointed)).select_related(
        "plan__unit", "plan__resolution", "unit", "makeup_of")


def session_get(user, pk) -> StudySession:
    return get_or_404(sessions_visible(user), pk, _("Không tìm thấy buổi học tập."))


def plan_sessions(user, plan: StudyPlan) -> QuerySet[StudySession]:
    return sessions_visible(user).filter(plan=plan).annotate(
        present=Count("attendance", filter=Q(attendance__status=AttendanceStatus.PRESENT)),
        recorded=Count("attendance")).order_by("held_on", "id")


def session_units(user, session: StudySession) -> list[Unit]:
    """The recording units of ``session`` (its own unit, then its points) the user can see."""
    units = [session.unit, *(p.unit for p in session.points.select_related("unit").order_by("unit__path"))]
    visible = set(Unit.objects.filter(unit_scope_q(user), pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    return [u for u in units if u.pk in visible]


def session_members(user, session: StudySession, unit: Unit, *, branch: Unit | None = None) -> QuerySet[Member]:
    """Members the recording ``unit`` may record at ``session``: members of its subtree on the session's day
    (at a make-up, only those absent or excused at the session it makes up for), with their attendance."""
    members = scope_filter(Member.objects.filter(current_on_q(session.held_on), unit__path__under=unit.path), user)
    if branch is not None:
        members = members.filter(unit__path__under=branch.path)
    if session.makeup_of_id is not None:
        members = members.filter(study_attendance__session_id=session.makeup_of_id,
                                 study_attendance__status__in=[AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED])
    return members.select_related("unit").order_by("unit__path", "full_name", "pk")


def attendance_of(session: StudySession, member_ids) -> dict[int, Attendance]:
    return {a.member_id: a for a in Attendance.objects.filter(session=session, member_id__in=list(member_ids))}


def attendance_counts(user, session: StudySession) -> dict[str, int]:
    rows = scope_filter(Attendance.objects.filter(session=session), user, unit_field="member__unit")
    counts = dict(rows.values("status").annotate(n=Count("id")).values_list("status", "n"))
    return {s: counts.get(s, 0) for s in AttendanceStatus.values}


def writeups_visible(user) -> QuerySet[WriteUp]:
    return scope_filter(WriteUp.objects.all(), user).select_related("member__unit", "plan__resolution", "unit")


def my_writeups(user) -> QuerySet[WriteUp]:
    """The signed-in person's own write-ups (as a member), whatever their roles."""
    if not getattr(user, "is_authenticated", False):
        return WriteUp.objects.none()
    return WriteUp.objects.filter(member__person__user=user).select_related(
        "member__unit", "plan__resolution", "unit").order_by("received_on", "due_on", "pk")


def writeup_get(user, pk) -> WriteUp:
    """A write-up in the user's scope, or the user's own."""
    return get_or_404(writeups_visible(user) | my_writeups(user), pk, _("Không tìm thấy bài thu hoạch."))


def plan_writeups(user, plan: StudyPlan, *, unit: Unit | None = None, state: str = "",
                  on: dt.date | None = None) -> QuerySet[WriteUp]:
    writeups = writeups_visible(user).filter(plan=plan)
    if unit is not None:
        writeups = writeups.filter(unit__path__under=unit.path)
    if state == "received":
        writeups = writeups.filter(received_on__isnull=False)
    elif state == "overdue" and on is not None:
        writeups = writeups.filter(received_on__isnull=True, due_on__lt=on).exclude(writeup_dropped_q(on))
    elif state == "waiting":
        writeups = writeups.filter(received_on__isnull=True)
    return writeups.order_by("due_on", "unit__path", "member__full_name", "pk")


def study_units_changeable(user, plan: StudyPlan) -> QuerySet[Unit]:
    """Units where ``user`` may hold a session of ``plan`` (services.session_may_hold and STUDY_CHANGE)."""
    from nghiquyet.accounts.roles import Perm
    from nghiquyet.accounts.scope import units_changeable

    units = units_changeable(user, Perm.STUDY_CHANGE).filter(kind__in=UnitKind.party_kinds())
    if plan.audience == Audience.SUBTREE:
        return units.filter(path__under=plan.unit.path).order_by("path")
    return units.filter(pk=plan.unit_id)


# ------------------------------------------------------------------ figures


@dataclass
class SessionTally:
    expected: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0     # not held, past the deadline
    pending: int = 0     # not held, deadline not reached

    @property
    def held(self) -> int:
        return self.on_time + self.late

    def add(self, other: SessionTally) -> None:
        for name in ("expected", "on_time", "late", "missing", "pending"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class WriteUpTally:
    expected: int = 0
    received: int = 0
    overdue: int = 0

    @property
    def waiting(self) -> int:
        return self.expected - self.received - self.overdue

    def add(self, other: WriteUpTally) -> None:
        self.expected += other.expected
        self.received += other.received
        self.overdue += other.overdue


@dataclass
class FigureRow:
    unit: Unit
    is_self: bool
    members: int = 0
    studied: int = 0
    sessions: SessionTally = field(default_factory=SessionTally)
    writeups: WriteUpTally = field(default_factory=WriteUpTally)

    @property
    def percent(self) -> Decimal | None:
        return percent(self.studied, self.members)


@dataclass
class ResolutionFigures:
    resolution: Document
    plans: list[StudyPlan]
    total: FigureRow
    rows: list[FigureRow]


@dataclass
class UnitFigures:
    unit: Unit
    on: dt.date
    resolutions: list[ResolutionFigures]


class _Counts:
    """The raw counts of one subtree, grouped by the members' unit path, from which any unit's figures follow."""

    def __init__(self, user, unit: Unit, plans: list[StudyPlan], on: dt.date):
        self.unit, self.plans, self.on = unit, plans, on
        resolution_ids = sorted({p.resolution_id for p in plans})
        self.members: dict[str, int] = {}
        self.studied: dict[tuple[int, str], int] = {}
        if resolution_ids:
            members = scope_filter(Member.objects.filter(current_on_q(on), unit__path__under=unit.path), user)
            annotations = {f"r{rid}": Count("id", filter=studied(rid, on)) for rid in resolution_ids}
            for row in members.values("unit__path").annotate(total=Count("id"), **annotations).order_by():
                self.members[row["unit__path"]] = row["total"]
                for rid in resolution_ids:
                    self.studied[(rid, row["unit__path"])] = row[f"r{rid}"]
        plan_ids = [p.pk for p in plans]
        # write-ups by plan and the member's unit path
        self.writeups: dict[tuple[int, str], WriteUpTally] = {}
        if plan_ids:
            rows = (scope_filter(WriteUp.objects.filter(writeup_owed_q(plans, on), unit__path__under=unit.path),
                                 user)
                    .values("plan_id", "unit__path").order_by()
                    .annotate(expected=Count("id"), received=Count("id", filter=Q(received_on__lte=on)),
                              overdue=Count("id", filter=Q(due_on__lt=on) & (Q(received_on__isnull=True)
                                                                             | Q(received_on__gt=on)))))
            for row in rows:
                self.writeups[(row["plan_id"], row["unit__path"])] = WriteUpTally(
                    row["expected"], row["received"], row["overdue"])
        # units expected to hold sessions, and the first session each held
        self.holders: dict[int, list[Unit]] = {p.pk: [] for p in plans}
        self.first_held: dict[tuple[int, int], dt.date] = {}
        kinds = {k for p in plans if p.audience == Audience.SUBTREE for k in p.holder_kinds}
        candidates = list(Unit.objects.filter(path__under=unit.path, valid_to__isnull=True, kind__in=kinds)
                          .only("pk", "path", "name", "kind")) if kinds else []
        for plan in plans:
            found = {plan.unit.pk: plan.unit} if plan.unit.path.startswith(unit.path) else {}
            if plan.audience == Audience.SUBTREE:
                for u in candidates:
                    if u.kind in plan.holder_kinds and u.path.startswith(plan.unit.path):
                        found.setdefault(u.pk, u)
            self.holders[plan.pk] = list(found.values())
        if plan_ids:
            held = (StudySession.objects.filter(plan_id__in=plan_ids, makeup_of__isnull=True, held_on__lte=on,
                                                unit__path__under=unit.path)
                    .values("plan_id", "unit_id").order_by().annotate(first=Min("held_on")))
            self.first_held = {(r["plan_id"], r["unit_id"]): r["first"] for r in held}

    def members_under(self, path: str, audience: tuple[str, ...] = ("",)) -> int:
        return sum(n for p, n in self.members.items() if p.startswith(path) and p.startswith(audience))

    def studied_under(self, resolution_id: int, path: str, audience: tuple[str, ...] = ("",)) -> int:
        return sum(n for (rid, p), n in self.studied.items()
                   if rid == resolution_id and p.startswith(path) and p.startswith(audience))

    def writeups_under(self, plan: StudyPlan, path: str) -> WriteUpTally:
        tally = WriteUpTally()
        for (plan_id, p), t in self.writeups.items():
            if plan_id == plan.pk and p.startswith(path):
                tally.add(t)
        return tally

    def sessions_under(self, plan: StudyPlan, path: str) -> SessionTally:
        tally = SessionTally()
        for holder in self.holders[plan.pk]:
            if not holder.path.startswith(path):
                continue
            tally.expected += 1
            first = self.first_held.get((plan.pk, holder.pk))
            if first is not None:
                if first <= plan.deadline:
                    tally.on_time += 1
                else:
                    tally.late += 1
            elif self.on > plan.deadline:
                tally.missing += 1
            else:
                tally.pending += 1
        return tally


def _subordinates(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=unit, valid_to__isnull=True, kind__in=UnitKind.party_kinds())
                .order_by("kind", "name", "pk"))


def _audience(unit: Unit, plans: list[StudyPlan]) -> tuple[str, ...]:
    """The paths whose members a resolution's plans address within ``unit``'s subtree: all of it when one plan
    comes from the unit or above, else the subtrees of the units below that issued them."""
    paths = sorted({p.unit.path for p in plans})
    if any(unit.path.startswith(path) for path in paths):
        return (unit.path,)
    return tuple(p for p in paths if not any(p != q and p.startswith(q) for q in paths))


def _touches(path: str, audience: tuple[str, ...]) -> bool:
    return any(path.startswith(a) or a.startswith(path) for a in audience)


def _row(counts: _Counts, unit: Unit, *, is_self: bool, resolution_id: int, plans: list[StudyPlan],
         audience: tuple[str, ...], path: str | None = None) -> FigureRow:
    path = path or unit.path
    row = FigureRow(unit=unit, is_self=is_self, members=counts.members_under(path, audience),
                    studied=counts.studied_under(resolution_id, path, audience))
    for plan in plans:
        row.sessions.add(counts.sessions_under(plan, path))
        row.writeups.add(counts.writeups_under(plan, path))
    return row


def unit_figures(*, user, unit: Unit, on: dt.date) -> UnitFigures:
    """Per resolution with a plan that concerns ``unit``: the subtree's total and one row per direct subordinate
    (and a row for the unit's own members when it has any). Members count where the resolution's plans address
    them: the whole subtree when a plan comes from the unit or above, else the subtrees of the units below that
    issued plans (a commune's own resolution is not the province's shortfall). ``unit`` must be visible to
    ``user`` (the caller got it from ``unit_get_visible``). A fixed number of queries whatever the subtree's size."""
    plans = list(plans_for_unit(user, unit).order_by("resolution_id", "deadline", "pk"))
    counts = _Counts(user, unit, plans, on)
    children = _subordinates(unit)
    by_resolution: dict[int, list[StudyPlan]] = defaultdict(list)
    for plan in plans:
        by_resolution[plan.resolution_id].append(plan)
    out = []
    for resolution_plans in by_resolution.values():
        rid = resolution_plans[0].resolution_id
        audience = _audience(unit, resolution_plans)
        total = _row(counts, unit, is_self=False, resolution_id=rid, plans=resolution_plans, audience=audience)
        rows = [_row(counts, child, is_self=False, resolution_id=rid, plans=resolution_plans, audience=audience)
                for child in children if _touches(child.path, audience)]
        own = counts.members.get(unit.path, 0) if audience == (unit.path,) else 0
        own_holder = any(h.pk == unit.pk for p in resolution_plans for h in counts.holders[p.pk])
        if own or own_holder:
            self_row = FigureRow(unit=unit, is_self=True, members=own,
                                 studied=counts.studied.get((rid, unit.path), 0) if own else 0)
            for plan in resolution_plans:
                if any(h.pk == unit.pk for h in counts.holders[plan.pk]):
                    first = counts.first_held.get((plan.pk, unit.pk))
                    tally = SessionTally(expected=1)
                    if first is not None:
                        tally.on_time, tally.late = int(first <= plan.deadline), int(first > plan.deadline)
                    else:
                        tally.missing, tally.pending = int(on > plan.deadline), int(on <= plan.deadline)
                    self_row.sessions.add(tally)
                w = counts.writeups.get((plan.pk, unit.path))
                if w is not None:
                    self_row.writeups.add(w)
            rows.insert(0, self_row)
        out.append(ResolutionFigures(resolution=resolution_plans[0].resolution, plans=resolution_plans,
                                     total=total, rows=rows))
    out.sort(key=lambda f: (-f.resolution.issued_on.toordinal(), f.resolution.pk))
    return UnitFigures(unit=unit, on=on, resolutions=out)


def members_study_status(user, unit: Unit, resolution_ids: list[int], on: dt.date) -> QuerySet[Member]:
    """Current members of ``unit``'s subtree with ``studied_<id>`` booleans per resolution (the drill-down below
    the last level)."""
    members = scope_filter(Member.objects.filter(current_on_q(on), unit__path__under=unit.path), user)
    return members.annotate(**{f"studied_{rid}": ExpressionWrapper(studied(rid, on), output_field=BooleanField())
                               for rid in resolution_ids}).select_related("unit").order_by("unit__path", "full_name",
                                                                                             "pk")


# ------------------------------------------------------------------ gaps (for the briefings)


@dataclass(frozen=True)
class StudyGap:
    plan: StudyPlan
    unit: Unit
    members: int
    studied: int
    percent: Decimal | None
    writeups_overdue: int


def study_gaps(*, user, unit: Unit, on: dt.date) -> list[StudyGap]:
    """Plans that concern ``unit`` with, for ``unit`` itself and each direct subordinate, the members of the
    plan's audience there and how many studied the resolution. Only rows past the plan's deadline with less than
    100% studied, or with write-ups overdue; worst first (lowest percent, then most write-ups overdue)."""
    plans = list(plans_for_unit(user, unit).order_by("deadline", "pk"))
    if not plans:
        return []
    counts = _Counts(user, unit, plans, on)
    candidates = [unit, *_subordinates(unit)]
    gaps: list[StudyGap] = []
    for plan in plans:
        for row_unit in candidates:
            if row_unit.pk == unit.pk and not unit.path.startswith(plan.unit.path):
                continue                       # issued below: its own subordinate's row shows it, not ours
            if plan.unit.path.startswith(row_unit.path):
                path = plan.unit.path          # the plan was issued inside this row's subtree
            elif row_unit.path.startswith(plan.unit.path):
                path = row_unit.path
            else:
                continue
            members = counts.members_under(path)
            if not members:
                continue
            done = counts.studied_under(plan.resolution_id, path)
            share = percent(done, members)
            overdue = counts.writeups_under(plan, path).overdue
            if (on > plan.deadline and done < members) or overdue:
                gaps.append(StudyGap(plan=plan, unit=row_unit, members=members, studied=done, percent=share,
                                     writeups_overdue=overdue))
    gaps.sort(key=lambda g: (g.percent if g.percent is not None else Decimal(101), -g.writeups_overdue,
                             g.unit.path, g.plan.pk))
    return gaps
