"""Writes of study and dissemination: plans, sessions (with points and make-ups), attendance and write-ups.

Every write needs ``Perm.STUDY_CHANGE`` at the unit concerned: the plan's unit for a plan, the session's unit for a
session, the recording unit (the session's unit or one of its points) for attendance, the member's unit for a
write-up. Refusals are ``ValidationError({field: Vietnamese message})``; the audit trail is written for each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction, AuditEvent
from nghiquyet.audit.services import audit_create, audit_record, diff, snapshot
from nghiquyet.core.files import display_name, upload_problem
from nghiquyet.members.models import Member
from nghiquyet.members.selectors import current_on_q
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.models import Document
from nghiquyet.study.models import (
    Attendance,
    AttendanceStatus,
    Audience,
    SessionPoint,
    StudyForm,
    StudyPlan,
    StudySession,
    WriteUp,
    WriteUpKind,
)

PLAN_FIELDS = ["unit", "resolution", "symbol", "title", "form", "purpose", "content", "materials", "starts_on",
               "ends_on", "deadline", "place", "audience", "holder_kinds", "speakers", "writeup_kind",
               "writeup_days"]
SESSION_FIELDS = ["plan", "unit", "held_on", "place", "speakers", "note", "makeup_of"]
WRITEUP_FIELDS = ["plan", "member", "kind", "due_on", "received_on", "text", "file_name"]


def study_settings() -> dict:
    conf = settings.NGHIQUYET.get("STUDY", {})
    return {"HOLDER_KINDS": list(conf.get("HOLDER_KINDS", ["commune", "agency", "enterprise"])),
            "WRITEUP_DAYS": int(conf.get("WRITEUP_DAYS", 15))}


def _require(actor, unit: Unit) -> None:
    if actor is not None and not can(actor, Perm.STUDY_CHANGE, unit):
        raise PermissionDenied(_("Bạn không có quyền cập nhật việc học tập, quán triệt của “%(unit)s”.")
                               % {"unit": unit.name})


def _date(value, field: str, errors: dict, label: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    errors.setdefault(field, _("Nhập %(label)s.") % {"label": label})
    return None


def _text(value, field: str, errors: dict, model, *, required: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.setdefault(field, required)
    limit = model._meta.get_field(field).max_length
    if limit and len(text) > limit:
        errors.setdefault(field, _("Tối đa %(n)d ký tự.") % {"n": limit})
    return text


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# ------------------------------------------------------------------ plans


def _check_plan(unit: Unit, values: dict) -> dict:
    from nghiquyet.resolutions.services import is_from_above

    errors: dict[str, str] = {}
    resolution = values.get("resolution")
    if not isinstance(resolution, Document):
        errors["resolution"] = _("Chọn nghị quyết cần học tập, quán triệt.")
    elif resolution.unit_id != unit.pk and not is_from_above(unit, resolution.unit, resolution):
        errors["resolution"] = _("Chỉ học tập, quán triệt nghị quyết của đơn vị mình hoặc của cấp trên.")
    cleaned: dict = {"resolution": resolution}
    cleaned["title"] = _text(values.get("title"), "title", errors, StudyPlan, required=_("Nhập tên kế hoạch."))
    for name in ("symbol", "place"):
        cleaned[name] = _text(values.get(name), name, errors, StudyPlan)
    for name in ("purpose", "content", "materials", "speakers"):
        cleaned[name] = str(values.get(name) or "").strip()
    form = values.get("form") or StudyForm.QUAN_TRIET
    if form not in StudyForm.values:
        errors["form"] = _("Hình thức không hợp lệ.")
    cleaned["form"] = form
    audience = values.get("audience") or Audience.UNIT
    if audience not in Audience.values:
        errors["audience"] = _("Đối tượng không hợp lệ.")
    cleaned["audience"] = audience
    kinds = list(dict.fromkeys(values.get("holder_kinds") or []))
    if audience == Audience.SUBTREE:
        kinds = kinds or study_settings()["HOLDER_KINDS"]
        party = UnitKind.party_kinds() - {UnitKind.CENTRAL}
        if any(k not in party for k in kinds):
            errors["holder_kinds"] = _("Chỉ chọn các cấp tổ chức đảng.")
    else:
        kinds = []
    cleaned["holder_kinds"] = kinds
    starts = _date(values.get("starts_on"), "starts_on", errors, _("ngày bắt đầu"))
    ends = _date(values.get("ends_on"), "ends_on", errors, _("ngày kết thúc"))
    deadline = _date(values.get("deadline"), "deadline", errors, _("thời hạn hoàn thành"))
    if starts and ends and ends < starts:
        errors["ends_on"] = _("Ngày kết thúc không được trước ngày bắt đầu.")
    if starts and deadline and deadline < starts:
        errors["deadline"] = _("Thời hạn hoàn thành không được trước ngày bắt đầu.")
    if isinstance(resolution, Document) and starts and starts < resolution.issued_on:
        errors["starts_on"] = _("Không thể học tập nghị quyết trước ngày ban hành (%(d)s).") % {
            "d": _fmt(resolution.issued_on)}
    cleaned.update(starts_on=starts, ends_on=ends, deadline=deadline)
    kind = values.get("writeup_kind") or ""
    days = values.get("writeup_days")
    if kind and kind not in WriteUpKind.values:
        errors["writeup_kind"] = _("Loại sản phẩm không hợp lệ.")
    if kind:
        if days in (None, ""):
            days = study_settings()["WRITEUP_DAYS"]
        try:
            days = int(days)
            if isinstance(values.get("writeup_days"), bool) or not 1 <= days <= 365:
                raise ValueError
        except (TypeError, ValueError):
            errors["writeup_days"] = _("Hạn nộp là số ngày từ 1 đến 365 sau buổi học.")
            days = None
    else:
        days = None
    cleaned.update(writeup_kind=kind, writeup_days=days)
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def plan_create(*, actor, unit: Unit, **values) -> StudyPlan:
    """A study plan of ``unit`` for its own resolution or one from above."""
    _require(actor, unit)
    if unit.valid_to is not None:
        raise ValidationError({"unit": _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name}})
    unknown = set(values) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    plan = StudyPlan.objects.create(unit=unit, **_check_plan(unit, values))
    audit_create(actor=actor, obj=plan, fields=PLAN_FIELDS, unit=unit)
    return plan


@transaction.atomic
def plan_update(*, actor, plan: StudyPlan, **values) -> StudyPlan:
    plan = StudyPlan.objects.select_for_update(of=("self",)).select_related("unit", "resolution").get(pk=plan.pk)
    _require(actor, plan.unit)
    unknown = set(values) - (set(PLAN_FIELDS) - {"unit"})
    if unknown:
        raise TypeError(f"unknown plan fields: {sorted(unknown)}")
    before = snapshot(plan, PLAN_FIELDS)
    merged = {name: getattr(plan, name) for name in PLAN_FIELDS if name != "unit"} | values
    cleaned = _check_plan(plan.unit, merged)
    if plan.sessions.exists():
        # who attends and what each member owes were decided when the sessions were recorded
        frozen = {"audience": _("Đã có buổi học: không đổi được đối tượng, cách tổ chức của kế hoạch."),
                  "writeup_kind": _("Đã có buổi học: không đổi được sản phẩm sau học tập."),
                  "writeup_days": _("Đã có buổi học: không đổi được hạn nộp bài thu hoạch.")}
        errors = {name: message for name, message in frozen.items() if cleaned[name] != getattr(plan, name)}
        if errors:
            raise ValidationError(errors)
    for key, value in cleaned.items():
        setattr(plan, key, value)
    plan.save()
    changes = diff(before, snapshot(plan, PLAN_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=plan, unit=plan.unit, changes=changes)
    return plan


# ------------------------------------------------------------------ sessions


def session_may_hold(plan: StudyPlan, unit: Unit) -> bool:
    """A unit may hold a session of ``plan``: the plan's unit, or (when the plan leaves it to the units below)
    any unit of its subtree."""
    if unit.pk == plan.unit_id:
        return True
    return plan.audience == Audience.SUBTREE and unit.path.startswith(plan.unit.path)


def makeup_may_hold(session: StudySession, unit: Unit) -> bool:
    """A unit may hold a make-up (học bù) of ``session``: a unit recording its attendance (its own unit or one of
    its points, for its own absentees), or a unit below the session's unit that may hold sessions of the plan."""
    if session.makeup_of_id is not None:
        return False
    if unit.pk == session.unit_id or session.points.filter(unit=unit).exists():
        return True
    return unit.path.startswith(session.unit.path) and session_may_hold(session.plan, unit)


@transaction.atomic
def session_create(*, actor, plan: StudyPlan, unit: Unit, held_on: dt.date, place: str = "", speakers: str = "",
                   note: str = "", points: Iterable[Unit] = (), makeup_of: StudySession | None = None
                   ) -> StudySession:
    """A session of ``plan`` held by ``unit`` on ``held_on``; ``points``: units below ``unit`` that follow it
    (điểm cầu); ``makeup_of``: the session this one makes up for (học bù)."""
    _require(actor, unit)
    plan = StudyPlan.objects.select_related("unit", "resolution").get(pk=plan.pk)
    errors: dict[str, str] = {}
    held_on = _date(held_on, "held_on", errors, _("ngày tổ chức"))
    if held_on is not None:
        if held_on > timezone.localdate():
            errors["held_on"] = _("Ngày tổ chức không được ở tương lai: ghi buổi học sau khi đã tổ chức.")
        elif held_on < plan.resolution.issued_on:
            errors["held_on"] = _("Ngày tổ chức không được trước ngày ban hành nghị quyết (%(d)s).") % {
                "d": _fmt(plan.resolution.issued_on)}
    place = _text(place, "place", errors, StudySession)
    speakers = _text(speakers, "speakers", errors, StudySession)
    points = list(dict.fromkeys(points))
    if makeup_of is not None:
        makeup_of = StudySession.objects.select_related("unit", "plan__unit").get(pk=makeup_of.pk)
    if unit.valid_to is not None:
        errors["unit"] = _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name}
    elif (makeup_of is not None and makeup_of.plan_id == plan.pk and makeup_of.makeup_of_id is None
          and not makeup_may_hold(makeup_of, unit)):
        errors["unit"] = _("Học bù do đơn vị tổ chức buổi học, một điểm cầu của buổi học hoặc đơn vị cấp dưới được "
                           "tổ chức học tập của kế hoạch tổ chức.")
    elif makeup_of is None and not session_may_hold(plan, unit):
        errors["unit"] = _("“%(unit)s” không thuộc đối tượng tổ chức học tập của kế hoạch này.") % {
            "unit": unit.name}
    if makeup_of is not None:
        if makeup_of.plan_id != plan.pk:
            errors["makeup_of"] = _("Buổi học bù phải thuộc cùng kế hoạch.")
        elif makeup_of.makeup_of_id is not None:
            errors["makeup_of"] = _("Chọn buổi học chính, không chọn một buổi học bù.")
        elif held_on is not None and held_on <= makeup_of.held_on:
            errors["held_on"] = _("Buổi học bù phải sau buổi học chính (%(d)s).") % {"d": _fmt(makeup_of.held_on)}
        if points:
            errors["points"] = _("Buổi học bù không có điểm cầu.")
    for point in points:
        if point.pk == unit.pk or not point.path.startswith(unit.path) or point.valid_to is not None:
            errors["points"] = _("Điểm cầu “%(p)s” phải là đơn vị đang hoạt động trực thuộc “%(u)s”.") % {
                "p": point.name, "u": unit.name}
            break
    if errors:
        raise ValidationError(errors)
    session = StudySession.objects.create(plan=plan, unit=unit, held_on=held_on, place=place, speakers=speakers,
                                          note=str(note or "").strip(), makeup_of=makeup_of)
    SessionPoint.objects.bulk_create([SessionPoint(session=session, unit=p) for p in points])
    event = audit_create(actor=actor, obj=session, fields=SESSION_FIELDS, unit=unit)
    if points:
        event.changes["points"] = [None, [p.name for p in points]]
        event.save(update_fields=["changes"])
    return session


@transaction.atomic
def session_update(*, actor, session: StudySession, held_on: dt.date | None = None, place: str | None = None,
                   speakers: str | None = None, note: str | None = None,
                   add_points: Iterable[Unit] = ()) -> StudySession:
    """Correct a session's place, speakers, note, or date (only while no attendance is recorded: who was a member
    depends on the day), and add points (điểm cầu) that followed it."""
    session = StudySession.objects.select_for_update(of=("self",)).select_related(
        "unit", "plan__resolution", "makeup_of").get(pk=session.pk)
    _require(actor, session.unit)
    before = snapshot(session, SESSION_FIELDS)
    errors: dict[str, str] = {}
    if held_on is not None and held_on != session.held_on:
        if session.attendance.exists():
            errors["held_on"] = _("Đã có điểm danh: không đổi được ngày (ai là đảng viên tùy theo ngày). Xóa buổi "
                                  "học ghi nhầm rồi ghi lại.")
        elif held_on > timezone.localdate():
            errors["held_on"] = _("Ngày tổ chức không được ở tương lai: ghi buổi học sau khi đã tổ chức.")
        elif held_on < session.plan.resolution.issued_on:
            errors["held_on"] = _("Ngày tổ chức không được trước ngày ban hành nghị quyết (%(d)s).") % {
                "d": _fmt(session.plan.resolution.issued_on)}
        elif session.makeup_of is not None and held_on <= session.makeup_of.held_on:
            errors["held_on"] = _("Buổi học bù phải sau buổi học chính (%(d)s).") % {
                "d": _fmt(session.makeup_of.held_on)}
        elif session.makeups.filter(held_on__lte=held_on).exists():
            errors["held_on"] = _("Buổi học chính phải trước các buổi học bù của nó.")
        else:
            session.held_on = held_on
    if place is not None:
        session.place = _text(place, "place", errors, StudySession)
    if speakers is not None:
        session.speakers = _text(speakers, "speakers", errors, StudySession)
    if note is not None:
        session.note = str(note).strip()
    have = set(session.points.values_list("unit_id", flat=True))
    new_points = [p for p in dict.fromkeys(add_points) if p.pk not in have]
    if new_points and session.makeup_of_id is not None:
        errors["points"] = _("Buổi học bù không có điểm cầu.")
    for point in new_points:
        if point.pk == session.unit_id or not point.path.startswith(session.unit.path) or point.valid_to is not None:
            errors["points"] = _("Điểm cầu “%(p)s” phải là đơn vị đang hoạt động trực thuộc “%(u)s”.") % {
                "p": point.name, "u": session.unit.name}
            break
    if errors:
        raise ValidationError(errors)
    session.save()
    SessionPoint.objects.bulk_create([SessionPoint(session=session, unit=p) for p in new_points])
    changes = diff(before, snapshot(session, SESSION_FIELDS))
    if new_points:
        changes["points"] = [None, [p.name for p in new_points]]
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=session, unit=session.unit, changes=changes)
    return session


@transaction.atomic
def session_delete(*, actor, session: StudySession) -> None:
    """Delete a session recorded by mistake, with its points and attendance. A session with make-ups keeps them:
    delete the make-ups first. Write-ups not yet received go with the attendance that made them owed."""
    session = StudySession.objects.select_for_update(of=("self",)).select_related("unit", "plan").get(pk=session.pk)
    _require(actor, session.unit)
    if session.makeups.exists():
        raise ValidationError({"session": _("Buổi học này đã có buổi học bù: xóa các buổi học bù trước.")})
    members = list(session.attendance.filter(status=AttendanceStatus.PRESENT).values_list("member_id", flat=True))
    recorded = session.attendance.count()
    event = audit_record(actor=actor, action=AuditAction.DELETE, obj=session, unit=session.unit, changes={
        **{k: [v, None] for k, v in snapshot(session, SESSION_FIELDS).items()}, "attendance": [recorded, None]})
    session.attendance.all().delete()
    session.points.all().delete()
    session.delete()
    if members:
        dropped = _drop_writeups(session.plan, members)
        if dropped:
            event.changes["writeups"] = [dropped, None]
            event.save(update_fields=["changes"])


def recording_units(session: StudySession) -> list[Unit]:
    """The units that record attendance at ``session``: its own unit and its points."""
    return [session.unit, *(p.unit for p in session.points.select_related("unit"))]


# ------------------------------------------------------------------ attendance


def _member_label(member: Member) -> str:
    return f"{member.full_name} (#{member.pk})"


@transaction.atomic
def attendance_record(*, actor, session: StudySession, unit: Unit | None = None,
                      entries: dict[int, str], notes: dict[int, str] | None = None) -> list[Attendance]:
    """Record the attendance of members at ``session`` for the recording ``unit`` (the session's unit, the
    default, or one of its points): ``entries`` maps member ids to present / excused / absent.

    Each member must be a member of the recording unit (its subtree) on the session's date; at a make-up session
    only those absent or excused at the session it makes up for. Anyone else is refused, naming the person. A
    member recorded present owes a write-up when the plan asks for one (due ``writeup_days`` after the session);
    an unreceived write-up goes away again when the member no longer studied at any session of the plan."""
    # the session's row is locked first: two offices saving the same marks at once wait for each other
    session = StudySession.objects.select_for_update(of=("self",)).select_related(
        "plan", "unit", "makeup_of").get(pk=session.pk)
    units = recording_units(session)
    unit = unit or session.unit
    if unit.pk not in {u.pk for u in units}:
        raise ValidationError({"unit": _("“%(unit)s” không phải đơn vị tổ chức hay điểm cầu của buổi học này.")
                               % {"unit": unit.name}})
    unit = next(u for u in units if u.pk == unit.pk)
    _require(actor, unit)
    notes = notes or {}
    errors: dict[str, str] = {}
    statuses: dict[int, str] = {}
    for raw, status in entries.items():
        try:
            statuses[int(raw)] = status
        except (TypeError, ValueError):
            errors["members"] = _("Mã đảng viên không hợp lệ: %(v)s.") % {"v": str(raw)[:20]}
    ids = list(statuses)
    notes = {int(k): v for k, v in notes.items() if str(k).strip().isdigit()}
    bad_status = [k for k, v in statuses.items() if v not in AttendanceStatus.values]
    if bad_status:
        errors["status"] = _("Tình trạng tham dự không hợp lệ (có mặt, vắng có lý do, vắng không lý do).")
    if errors:
        raise ValidationError(errors)
    members = Member.objects.in_bulk(ids)
    day = session.held_on
    allowed = set(Member.objects.filter(current_on_q(day), pk__in=ids, unit__path__under=unit.path)
                  .values_list("pk", flat=True))
    unknown = [str(i) for i in ids if i not in members]
    if unknown:
        raise ValidationError({"members": _("Không tìm thấy đảng viên: %(ids)s.") % {"ids": ", ".join(unknown)}})
    outsiders = [members[i] for i in ids if i not in allowed]
    if outsiders:
        raise ValidationError({"members": _(
            "%(names)s không phải là đảng viên của “%(unit)s” vào ngày %(d)s, không ghi được tham dự.") % {
            "names": ", ".join(_member_label(m) for m in outsiders), "unit": unit.name, "d": _fmt(day)}})
    if session.makeup_of_id is not None:
        owed = set(Attendance.objects.filter(session_id=session.makeup_of_id, member_id__in=ids,
                                             status__in=[AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED])
                   .values_list("member_id", flat=True))
        strangers = [members[i] for i in ids if i not in owed]
        if strangers:
            raise ValidationError({"members": _(
                "%(names)s không vắng mặt ở buổi học ngày %(d)s nên không thuộc diện học bù.") % {
                "names": ", ".join(_member_label(m) for m in strangers), "d": _fmt(session.makeup_of.held_on)}})
    taken = {a.member_id: a for a in Attendance.objects.filter(session=session, member_id__in=ids)
             .select_related("unit")}
    elsewhere = [members[i] for i, a in taken.items() if a.unit_id != unit.pk]
    if elsewhere:
        raise ValidationError({"members": _("%(names)s đã được điểm cầu khác ghi nhận tham dự buổi học này.") % {
            "names": ", ".join(_member_label(m) for m in elsewhere)}})
    user = actor if getattr(actor, "is_authenticated", False) else None
    changes: dict[str, list] = {}
    saved: list[Attendance] = []
    for member_id in ids:
        status, note = statuses[member_id], str(notes.get(member_id, "") or "").strip()[:300]
        row = taken.get(member_id)
        if row is None:
            row = Attendance(session=session, member=members[member_id], unit=unit, status=status, note=note,
                             card_number=members[member_id].card_number, recorded_by=user)
            changes[_member_label(members[member_id])] = [None, status]
        elif row.status != status or row.note != note:
            changes[_member_label(members[member_id])] = [row.status, status]
            row.status, row.note, row.recorded_by = status, note, user
        else:
            saved.append(row)
            continue
        row.save()
        saved.append(row)
    writeups = _sync_writeups(session, ids, statuses, members)
    if changes or writeups:
        audited: dict[str, list] = {"attendance": [None, changes]} if changes else {}
        if writeups:
            audited["writeups"] = [None, writeups]
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=session, unit=unit, changes=audited)
    return saved


def _sync_writeups(session: StudySession, ids: list[int], statuses: dict[int, str],
                   members: dict[int, Member]) -> dict[str, list[str]]:
    """Create the write-ups owed by those present, drop the unreceived ones of those no longer present at any
    session of the plan; returns ``{"created": [labels], "deleted": [labels]}`` for the audit trail. A write-up
    created meanwhile by someone else (two offices saving at once) is left as it is."""
    plan = session.plan
    out: dict[str, list[str]] = {}
    if not plan.writeup_kind or not plan.writeup_days:
        return out
    present = [i for i in ids if statuses[i] == AttendanceStatus.PRESENT]
    not_present = [i for i in ids if statuses[i] != AttendanceStatus.PRESENT]
    if present:
        have = set(WriteUp.objects.filter(plan=plan, member_id__in=present).values_list("member_id", flat=True))
        due = session.held_on + dt.timedelta(days=plan.writeup_days)
        new = [i for i in present if i not in have]
        WriteUp.objects.bulk_create([WriteUp(plan=plan, member_id=i, unit_id=members[i].unit_id,
                                             kind=plan.writeup_kind, due_on=due) for i in new],
                                    ignore_conflicts=True)
        if new:
            out["created"] = [_member_label(members[i]) for i in new]
    if not_present:
        out.update(_drop_writeups(plan, not_present))
    return out


def _drop_writeups(plan: StudyPlan, member_ids) -> dict[str, list[str]]:
    """Delete the unreceived, empty write-ups of ``plan`` of those of ``member_ids`` no longer present at any of its
    sessions; ``{"deleted": [labels]}`` when any went."""
    still = set(Attendance.objects.filter(session__plan=plan, member_id__in=member_ids,
                                          status=AttendanceStatus.PRESENT).values_list("member_id", flat=True))
    gone = WriteUp.objects.filter(plan=plan, member_id__in=set(member_ids) - still, received_on__isnull=True,
                                  text="", file="").select_related("member")
    labels = [_member_label(w.member) for w in gone.order_by("member__full_name", "member_id")]
    if not labels:
        return {}
    gone.delete()
    return {"deleted": labels}


# ------------------------------------------------------------------ write-ups


def writeup_is_own(user, writeup: WriteUp) -> bool:
    person = writeup.member.person
    return user is not None and person is not None and person.user_id is not None and person.user_id == user.pk


@transaction.atomic
def writeup_receive(*, actor, writeup: WriteUp, received_on: dt.date, text: str = "", upload=None) -> WriteUp:
    """Record a member's write-up (or personal plan) as received on ``received_on``, with its text or a file: by
    someone keeping the unit's study records, or by the member themselves (received today)."""
    writeup = WriteUp.objects.select_for_update(of=("self",)).select_related("unit", "member__person", "plan").get(
        pk=writeup.pk)
    own = writeup_is_own(actor, writeup)
    if not own:
        _require(actor, writeup.unit)
    errors: dict[str, str] = {}
    received_on = _date(received_on, "received_on", errors, _("ngày nhận"))
    if own and actor is not None and not can(actor, Perm.STUDY_CHANGE, writeup.unit):
        if writeup.received_on is not None:     # handed in: only those keeping the records may correct it
            raise ValidationError({"text": _("Bài thu hoạch đã được nhận ngày %(d)s, không nộp lại được.") % {
                "d": _fmt(writeup.received_on)}})
        received_on = timezone.localdate()      # a member hands in their own today, never on another day
    if received_on is not None:
        if received_on > timezone.localdate():
            errors["received_on"] = _("Ngày nhận không được ở tương lai.")
        elif received_on < writeup.plan.starts_on:
            errors["received_on"] = _("Ngày nhận không được trước khi bắt đầu học tập (%(d)s).") % {
                "d": _fmt(writeup.plan.starts_on)}
    text = str(text or "").strip()
    if upload is not None:
        problem = upload_problem(upload)
        if problem:
            errors["file"] = problem
    if not text and upload is None and not writeup.file:
        errors["text"] = _("Nhập nội dung hoặc đính kèm tệp bài thu hoạch, kế hoạch cá nhân.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(writeup, WRITEUP_FIELDS)
    writeup.received_on, writeup.text = received_on, text
    if upload is not None:
        writeup.file, writeup.file_name = upload, display_name(upload)
    writeup.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=writeup, unit=writeup.unit,
                 changes=diff(before, snapshot(writeup, WRITEUP_FIELDS)))
    return writeup


@transaction.atomic
def writeup_create(*, actor, plan: StudyPlan, member: Member, due_on: dt.date, kind: str = "") -> WriteUp:
    """A write-up expected from ``member`` (beside the ones attendance creates), e.g. for someone studying on
    their own with the committee's leave."""
    member = Member.objects.select_related("unit").get(pk=member.pk)
    _require(actor, member.unit)
    errors: dict[str, str] = {}
    if not member.unit.path.startswith(plan.unit.path):
        errors["member"] = _("%(name)s không thuộc đối tượng của kế hoạch.") % {"name": _member_label(member)}
    elif not member.is_current:
        errors["member"] = _("%(name)s đã thôi sinh hoạt tại đơn vị.") % {"name": _member_label(member)}
    elif WriteUp.objects.filter(plan=plan, member=member).exists():
        errors["member"] = _("%(name)s đã có bài thu hoạch của kế hoạch này.") % {"name": _member_label(member)}
    due_on = _date(due_on, "due_on", errors, _("hạn nộp"))
    kind = kind or plan.writeup_kind or WriteUpKind.ESSAY
    if kind not in WriteUpKind.values:
        errors["kind"] = _("Loại sản phẩm không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            writeup = WriteUp.objects.create(plan=plan, member=member, unit=member.unit, kind=kind, due_on=due_on)
    except IntegrityError:      # created meanwhile, by attendance or by someone else
        raise ValidationError({"member": _("%(name)s đã có bài thu hoạch của kế hoạch này.") % {
            "name": _member_label(member)}}) from None
    audit_create(actor=actor, obj=writeup, fields=WRITEUP_FIELDS, unit=member.unit)
    return writeup



def writeups_follow(*, actor, moves: dict[int, Member], reorganization=None) -> int:
    """A transfer or a reorganization gave members new register rows (``{old row id: new row}``): their write-ups
    not yet received move to the new row and its unit (in the caller's transaction), one audit row each, in bulk
    (a merge moves whole branches). Received write-ups stay with the row they were received under. Returns how
    many moved."""
    if not moves:
        return 0
    writeups = list(WriteUp.objects.select_for_update(of=("self",))
                    .filter(member_id__in=list(moves), received_on__isnull=True)
                    .select_related("member", "unit").order_by("pk"))
    if not writeups:
        return 0
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    content_type = ContentType.objects.get_for_model(WriteUp)
    note = _("Chuyển sinh hoạt: bài thu hoạch chưa nộp theo đảng viên sang dòng đăng ký mới")[:255]
    events = []
    for writeup in writeups:
        new = moves[writeup.member_id]
        events.append(AuditEvent(
            actor=user, actor_name=user.get_username() if user else "", action=AuditAction.UPDATE,
            content_type=content_type, object_id=str(writeup.pk), object_repr=str(writeup)[:255],
            unit_id=new.unit_id, reorganization=reorganization, note=note, changes={
                "member": [_member_label(writeup.member), _member_label(new)],
                "unit": [writeup.unit.name, new.unit.name]}))
        writeup.member_id, writeup.unit_id = new.pk, new.unit_id
    WriteUp.objects.bulk_update(writeups, ["member", "unit"], batch_size=1000)
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    return len(writeups)
