"""The demo province's study and dissemination (học tập, quán triệt), as of ``plans.DEMO_TODAY`` (25/11/2026).

``seed_study()`` adds two plans of the Provincial Committee, both left to the units below (communes, wards and the
bloc's grassroots committees hold their own sessions, the settings' ``HOLDER_KINDS``):

* ``05-KH/TU`` for the congress resolution 01-NQ/ĐH: 03/11/2025 – 31/12/2025. A provincial conference on
  10/11/2025 followed from every commune and grassroots point (điểm cầu), where each point records its branch
  secretaries; then each unit's own session for all its members between 17/11/2025 and 20/01/2026 (most on time,
  ``LATE`` after the deadline, ``NOT_HELD`` none at all); make-up sessions (học bù) 10–20 days later in about a
  third of the units for those absent or excused. Every member who studied owes a personal action plan (kế hoạch
  cá nhân) 30 days after: most received on time, a few late, a few never (overdue).
* ``18-KH/TU`` for 57-NQ/TW (thematic): 01/10/2026 – 15/12/2026, sessions so far in part of the units (the rest
  not yet due), write-ups (bài thu hoạch) due 15 days after: some received, some overdue on DEMO_TODAY, the most
  recent still waiting. Đông Sơn held its session on 18/11/2026; its ``Chi bộ thôn`` branches' attendance is
  recorded, a handful absent (the browser test records one of them present).

Attendance: about 90% present, 6% excused, 4% absent at a unit's own session. Written with ``bulk_create`` as the
units would have recorded it (no audit rows, like the member register); idempotent: nothing is written when the
congress plan exists.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from nghiquyet.core.fields import path_ids
from nghiquyet.demo import data
from nghiquyet.demo.plans import CONGRESS_SYMBOL, DEMO_TODAY, THEMATIC_SYMBOL
from nghiquyet.members.models import Member
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

CONGRESS_PLAN = "05-KH/TU"
THEMATIC_PLAN = "18-KH/TU"
HOLDER_KINDS = [UnitKind.COMMUNE, UnitKind.AGENCY, UnitKind.ENTERPRISE]
LATE = 4        # units holding the congress session after the deadline
NOT_HELD = 2    # units that never held it
DONG_SON = "HT.X.DONGSON"


@dataclass
class StudySummary:
    plans: int = 0
    sessions: int = 0
    attendance: int = 0
    writeups: int = 0
    overdue: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        def n(x: int) -> str:
            return f"{x:,}".replace(",", ".")

        return (f"Học tập, quán triệt: {self.plans} kế hoạch, {self.sessions} buổi học, {n(self.attendance)} lượt "
                f"điểm danh, {n(self.writeups)} bài thu hoạch (quá hạn tính đến {DEMO_TODAY.strftime('%d/%m/%Y')}: "
                f"{n(self.overdue)})"
                + (f"; tạo trong {self.seconds:.1f} giây".replace(".", ",") if self.seconds else ""))


def study_summary(province: Unit, seconds: float = 0.0) -> StudySummary:
    writeups = WriteUp.objects.filter(plan__unit__path__under=province.path)
    return StudySummary(
        plans=StudyPlan.objects.filter(unit__path__under=province.path).count(),
        sessions=StudySession.objects.filter(plan__unit__path__under=province.path).count(),
        attendance=Attendance.objects.filter(session__plan__unit__path__under=province.path).count(),
        writeups=writeups.count(),
        overdue=writeups.filter(received_on__isnull=True, due_on__lt=DEMO_TODAY).count(),
        seconds=seconds)


def _rng(code: str) -> random.Random:
    return random.Random(f"{data.SEED}/study/{code}")


def _status(rng: random.Random) -> str:
    x = rng.random()
    return AttendanceStatus.PRESENT if x < 0.90 else AttendanceStatus.EXCUSED if x < 0.96 else AttendanceStatus.ABSENT


class _Builder:
    def __init__(self, province: Unit):
        self.province = province
        self.sessions: list[StudySession] = []
        self.points: list[SessionPoint] = []
        self.attendance: list[tuple[StudySession, int, int, str]] = []   # session, member, recording unit, status
        self.writeups: list[tuple] = []
        self.holders = list(Unit.objects.filter(path__under=province.path, valid_to__isnull=True,
                                                kind__in=HOLDER_KINDS).order_by("code"))
        members = (Member.objects.filter(unit__path__under=province.path, left_unit_on__isnull=True)
                   .values_list("pk", "unit_id", "unit__path", "joined_unit_on", "person_id", "card_number")
                   .order_by("pk"))
        self.card_of: dict[int, str] = {}
        self.members_of: dict[int, list[tuple[int, int, dt.date, bool]]] = defaultdict(list)
        self.first_of_branch: dict[int, int] = {}
        holder_ids = {h.pk for h in self.holders}
        for pk, unit_id, path, joined, person_id, card in members:
            self.first_of_branch.setdefault(unit_id, pk)
            self.card_of[pk] = card
            holder_id = next((i for i in path_ids(path) if i in holder_ids), None)
            if holder_id is not None:
                self.members_of[holder_id].append((pk, unit_id, joined, person_id is not None))

    def session(self, plan, unit, day, *, place="", speakers="", makeup_of=None, note="") -> StudySession:
        session = StudySession(plan=plan, unit=unit, held_on=day, place=place, speakers=speakers,
                               makeup_of=makeup_of, note=note)
        self.sessions.append(session)
        return session

    def hold(self, plan: StudyPlan, holder: Unit, day: dt.date, rng: random.Random, *, makeup: bool,
             skip_branch=lambda unit_id: False) -> dict[int, dt.date]:
        """A unit's own session for all its members (and maybe a make-up); returns {member: day studied}."""
        session = self.session(plan, holder, day, place=f"Hội trường {holder.short_name or holder.name}",
                               speakers="Bí thư, Phó Bí thư Thường trực")
        studied: dict[int, dt.date] = {}
        owed: list[int] = []
        for pk, unit_id, joined, _official in self.members_of[holder.pk]:
            if joined > day or skip_branch(unit_id):
                continue
            status = _status(rng)
            self.attendance.append((session, pk, holder.pk, status))
            if status == AttendanceStatus.PRESENT:
                studied[pk] = day
            else:
                owed.append(pk)
        if makeup and owed:
            later = day + dt.timedelta(days=rng.randint(10, 20))
            if later <= DEMO_TODAY:
                extra = self.session(plan, holder, later, place=f"Văn phòng {holder.short_name or holder.name}",
                                     speakers="Phó Bí thư Thường trực", makeup_of=session,
                                     note="Học bù cho đảng viên vắng mặt.")
                for pk in owed:
                    came = rng.random() < 0.65
                    self.attendance.append((extra, pk, holder.pk,
                                            AttendanceStatus.PRESENT if came else AttendanceStatus.ABSENT))
                    if came:
                        studied[pk] = later
        return studied

    def owe(self, plan: StudyPlan, studied: dict[int, dt.date], rng: random.Random, *, received: float,
            late: float) -> None:
        unit_of = {pk: unit_id for members in self.members_of.values() for pk, unit_id, _j, _o in members}
        for pk, day in sorted(studied.items()):
            due = day + dt.timedelta(days=plan.writeup_days)
            x = rng.random()
            if x < received:
                got = due - dt.timedelta(days=rng.randint(0, plan.writeup_days - 2))
            elif x < received + late:
                got = due + dt.timedelta(days=rng.randint(1, 12))
            else:
                got = None
            if got is not None and got > DEMO_TODAY:
                got = None
            self.writeups.append((plan.pk, pk, unit_of[pk], plan.writeup_kind, due, got,
                                  WRITEUP_TEXT if got is not None else ""))

    def write(self) -> None:
        main = [s for s in self.sessions if s.makeup_of is None]
        StudySession.objects.bulk_create(main, batch_size=500)
        makeups = [s for s in self.sessions if s.makeup_of is not None]
        for session in makeups:
            session.makeup_of = session.makeup_of   # now saved: sets makeup_of_id
        StudySession.objects.bulk_create(makeups, batch_size=500)
        for point in self.points:
            point.session = point.session
        SessionPoint.objects.bulk_create(self.points, batch_size=1000)
        # The two large tables in plain multi-row inserts: the ORM's per-value preparation of bulk_create costs
        # seconds here and adds nothing (the values are ours).
        ops = connection.ops
        day = functools.lru_cache(maxsize=None)(ops.adapt_datefield_value)
        now = ops.adapt_datetimefield_value(timezone.now())
        _insert(Attendance, ["session_id", "member_id", "unit_id", "status", "card_number", "note", "recorded_at"],
                [(s.pk, m, u, st, self.card_of.get(m, ""), "", now) for s, m, u, st in self.attendance])
        _insert(WriteUp, ["plan_id", "member_id", "unit_id", "kind", "due_on", "received_on", "text", "file",
                          "file_name", "created_at"],
                [(p, m, u, k, day(due), day(got) if got else None, text, "", "", now)
                 for p, m, u, k, due, got, text in self.writeups])


WRITEUP_TEXT = ("Nhận thức được nội dung cốt lõi của nghị quyết; đăng ký thực hiện nhiệm vụ được giao ở chi bộ, "
                "gương mẫu tham gia phong trào thi đua ở khu dân cư.")


def _insert(model, columns: list[str], rows: list[tuple], batch: int = 500) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start:start + batch]
            # names from the model's meta, quoted; every value is a parameter
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(chunk))}",  # noqa: S608
                           [v for row in chunk for v in row])


def seed_study(province: Unit, say=lambda message: None) -> StudySummary:
    """Build the study data unless the congress plan exists. Call inside a transaction, after the reports."""
    started = time.perf_counter()
    if StudyPlan.objects.filter(unit=province, symbol=CONGRESS_PLAN).exists():
        return study_summary(province)
    congress = Document.objects.filter(unit=province, symbol=CONGRESS_SYMBOL, is_congress_resolution=True).first()
    thematic = Document.objects.filter(symbol=THEMATIC_SYMBOL).order_by("pk").first()
    if congress is None or thematic is None:
        return StudySummary()
    b = _Builder(province)

    plan = StudyPlan.objects.create(
        unit=province, resolution=congress, symbol=CONGRESS_PLAN, form=StudyForm.QUAN_TRIET,
        title="Kế hoạch học tập, quán triệt, tuyên truyền Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX, "
              "nhiệm kỳ 2025-2030",
        purpose="Cán bộ, đảng viên nắm vững quan điểm, mục tiêu, chỉ tiêu, nhiệm vụ, giải pháp và ba khâu đột phá "
                "của Nghị quyết; mỗi đảng viên xây dựng kế hoạch cá nhân thực hiện Nghị quyết.",
        content="Báo cáo chính trị, chương trình hành động và các chỉ tiêu chủ yếu của Nghị quyết Đại hội.",
        materials="Nghị quyết 01-NQ/ĐH; tài liệu hỏi - đáp của Ban Tuyên giáo và Dân vận Tỉnh ủy; "
                  "bài giảng điện tử cho điểm cầu.",
        starts_on=dt.date(2025, 11, 3), ends_on=dt.date(2025, 12, 31), deadline=dt.date(2025, 12, 31),
        place="Hội trường Tỉnh ủy và các điểm cầu trực tuyến", audience=Audience.SUBTREE, holder_kinds=HOLDER_KINDS,
        speakers="Đồng chí Bí thư Tỉnh ủy; Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy",
        writeup_kind=WriteUpKind.PERSONAL_PLAN, writeup_days=30)
    # the provincial conference, followed from every grassroots point by the branch secretaries
    conference = b.session(plan, province, dt.date(2025, 11, 10), place="Hội trường Tỉnh ủy",
                           speakers="Đồng chí Bí thư Tỉnh ủy",
                           note="Hội nghị trực tuyến cán bộ chủ chốt toàn tỉnh.")
    rng = _rng("conference")
    studied: dict[int, dt.date] = {}
    for holder in b.holders:
        b.points.append(SessionPoint(session=conference, unit=holder, place=f"Điểm cầu {holder.short_name or ''}"
                                     .strip()))
        for pk, unit_id, joined, _official in b.members_of[holder.pk]:
            if b.first_of_branch.get(unit_id) == pk and joined <= conference.held_on:
                status = AttendanceStatus.PRESENT if rng.random() < 0.95 else AttendanceStatus.EXCUSED
                b.attendance.append((conference, pk, holder.pk, status))
                if status == AttendanceStatus.PRESENT:
                    studied[pk] = conference.held_on
    order = _rng("order").sample(b.holders, len(b.holders))
    not_held = {u.pk for u in order[:NOT_HELD] if u.code != DONG_SON}
    late = {u.pk for u in order[NOT_HELD:NOT_HELD + LATE] if u.code != DONG_SON}
    for holder in b.holders:
        if holder.pk in not_held:
            continue
        r = _rng(f"congress/{holder.code}")
        day = (dt.date(2026, 1, 5) + dt.timedelta(days=r.randint(0, 15)) if holder.pk in late
               else dt.date(2025, 11, 17) + dt.timedelta(days=r.randint(0, 40)))
        for pk, when in b.hold(plan, holder, day, r, makeup=r.random() < 0.35).items():
            studied.setdefault(pk, when)
    b.owe(plan, studied, _rng("congress/writeups"), received=0.93, late=0.04)

    thematic_plan = StudyPlan.objects.create(
        unit=province, resolution=thematic, symbol=THEMATIC_PLAN, form=StudyForm.QUAN_TRIET,
        title="Kế hoạch học tập, quán triệt chuyên đề Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát "
              "triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia",
        purpose="Đảng viên hiểu rõ yêu cầu chuyển đổi số trong công tác đảng và ở cơ sở; viết bài thu hoạch.",
        content="Nội dung Nghị quyết 57-NQ/TW; Chương trình hành động 05-CTr/TU của Tỉnh ủy; kết quả sau một năm.",
        materials="Nghị quyết 57-NQ/TW; Chương trình 05-CTr/TU; tài liệu sinh hoạt chuyên đề.",
        starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 15), deadline=dt.date(2026, 12, 15),
        place="Tại các đảng bộ cơ sở", audience=Audience.SUBTREE, holder_kinds=HOLDER_KINDS,
        speakers="Báo cáo viên cấp tỉnh; Bí thư các đảng bộ cơ sở",
        writeup_kind=WriteUpKind.ESSAY, writeup_days=15)
    studied = {}
    for holder in b.holders:
        r = _rng(f"thematic/{holder.code}")
        if holder.code == DONG_SON:
            # Đông Sơn: its village branches studied on 18/11/2026; the others have not recorded yet
            branches = dict(Unit.objects.filter(parent=holder).values_list("pk", "name"))
            studied.update(b.hold(thematic_plan, holder, dt.date(2026, 11, 18), r, makeup=False,
                                  skip_branch=lambda unit_id, names=branches: not names.get(unit_id, "").startswith(
                                      "Chi bộ thôn")))
            continue
        if r.random() < 0.45:
            continue        # not yet: the deadline is 15/12/2026
        day = dt.date(2026, 10, 5) + dt.timedelta(days=r.randint(0, 45))
        studied.update(b.hold(thematic_plan, holder, day, r, makeup=r.random() < 0.3))
    b.owe(thematic_plan, studied, _rng("thematic/writeups"), received=0.75, late=0.1)
    b.write()

    return study_summary(province, time.perf_counter() - started)
