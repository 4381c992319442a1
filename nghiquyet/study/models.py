"""Study and dissemination of resolutions (học tập, quán triệt nghị quyết).

* ``StudyPlan``: a unit's plan (kế hoạch) to study one resolution: form, purpose, content, materials, time window,
  deadline, place, audience, speakers, and whether each member owes a write-up (bài thu hoạch) or a personal
  action plan (kế hoạch cá nhân) and within how many days.
* ``StudySession``: a session held by a unit for a plan. A session may be followed from points (``SessionPoint``,
  điểm cầu) in units below: one provincial session attended from many communes, each point recording its own
  members' attendance. A make-up session (học bù, ``makeup_of``) is for those absent or excused at a session.
* ``Attendance``: one member at one session: present, excused or absent.
* ``WriteUp``: a member's write-up or personal plan for a plan, due some days after they studied.

"Studied a resolution" is defined once, in ``selectors.studied``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.files import random_stored_name
from nghiquyet.members.models import Member
from nghiquyet.org.models import Unit
from nghiquyet.resolutions.models import Document


class StudyForm(models.TextChoices):
    QUAN_TRIET = "quan_triet", _("Học tập, quán triệt")
    PHO_BIEN = "pho_bien", _("Phổ biến")


class Audience(models.TextChoices):
    UNIT = "unit", _("Đơn vị ban hành tổ chức cho toàn bộ đảng viên")
    SUBTREE = "subtree", _("Các đơn vị trực thuộc tự tổ chức cho đảng viên của mình")


class WriteUpKind(models.TextChoices):
    ESSAY = "essay", _("Bài thu hoạch")
    PERSONAL_PLAN = "personal_plan", _("Kế hoạch cá nhân")


class StudyPlan(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT,
                             related_name="study_plans")
    resolution = models.ForeignKey(Document, verbose_name=_("nghị quyết"), on_delete=models.PROTECT,
                                   related_name="study_plans")
    symbol = models.CharField(_("số, ký hiệu"), max_length=40, blank=True)
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    form = models.CharField(_("hình thức"), max_length=16, choices=StudyForm.choices, default=StudyForm.QUAN_TRIET)
    purpose = models.TextField(_("mục đích, yêu cầu"), blank=True)
    content = models.TextField(_("nội dung"), blank=True)
    materials = models.TextField(_("tài liệu"), blank=True)
    starts_on = models.DateField(_("thời gian từ"))
    ends_on = models.DateField(_("đến"))
    deadline = models.DateField(_("thời hạn hoàn thành"))
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    audience = models.CharField(_("đối tượng, cách tổ chức"), max_length=16, choices=Audience.choices,
                                default=Audience.UNIT)
    holder_kinds = models.JSONField(_("cấp tổ chức học tập"), default=list, blank=True)
    speakers = models.TextField(_("báo cáo viên"), blank=True)
    writeup_kind = models.CharField(_("sản phẩm sau học tập"), max_length=16, choices=WriteUpKind.choices,
                                    blank=True)
    writeup_days = models.PositiveSmallIntegerField(_("hạn nộp (số ngày sau khi học)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("kế hoạch học tập, quán triệt")
        verbose_name_plural = _("kế hoạch học tập, quán triệt")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="study_plan_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} {self.title}".strip()


class StudySession(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.PROTECT, related_name="sessions")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị tổ chức"), on_delete=models.PROTECT,
                             related_name="study_sessions")
    held_on = models.DateField(_("ngày tổ chức"))
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    speakers = models.CharField(_("báo cáo viên"), max_length=500, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    makeup_of = models.ForeignKey("self", verbose_name=_("học bù cho buổi"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="makeups")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("buổi học tập, quán triệt")
        verbose_name_plural = _("buổi học tập, quán triệt")
        indexes = [models.Index(fields=["plan", "unit"], name="study_session_plan_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.held_on:%d/%m/%Y}"

    @property
    def is_makeup(self) -> bool:
        return self.makeup_of_id is not None


class SessionPoint(models.Model):
    """A point (điểm cầu) in a unit below the session's unit that follows the session and records its own
    members' attendance."""

    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="points")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị (điểm cầu)"), on_delete=models.PROTECT,
                             related_name="study_points")
    place = models.CharField(_("địa điểm điểm cầu"), max_length=300, blank=True)

    class Meta:
        ordering = ["session_id", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "unit"], name="unique_study_point")]

    def __str__(self) -> str:
        return str(self.unit)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Có mặt")
    EXCUSED = "excused", _("Vắng có lý do")
    ABSENT = "absent", _("Vắng không lý do")


class Attendance(models.Model):
    session = models.ForeignKey(StudySession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="study_attendance")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị ghi nhận"), on_delete=models.PROTECT,
                             related_name="study_attendance")
    status = models.CharField(_("tình trạng"), max_length=8, choices=AttendanceStatus.choices)
    # The member's card number when recorded: a transfer or a merge gives the member a new register row with the
    # same card, and what they studied goes with them (selectors.studied).
    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, blank=True, db_index=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["session_id", "member_id"]
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="unique_study_attendance")]
        indexes = [models.Index(fields=["member", "status"], name="study_attendance_member")]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()}"


def writeup_path(instance: WriteUp, filename: str) -> str:
    return random_stored_name("study", filename)


class WriteUp(models.Model):
    plan = models.ForeignKey(StudyPlan, on_delete=models.PROTECT, related_name="writeups")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="study_writeups")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="study_writeups", editable=False)
    kind = models.CharField(_("loại"), max_length=16, choices=WriteUpKind.choices, default=WriteUpKind.ESSAY)
    due_on = models.DateField(_("hạn nộp"))
    received_on = models.DateField(_("ngày nhận"), null=True, blank=True)
    text = models.TextField(_("nội dung"), blank=True)
    file = models.FileField(upload_to=writeup_path, max_length=200, blank=True)
    file_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("bài thu hoạch, kế hoạch cá nhân")
        verbose_name_plural = _("bài thu hoạch, kế hoạch cá nhân")
        constraints = [models.UniqueConstraint(fields=["plan", "member"], name="unique_study_writeup")]
        indexes = [models.Index(fields=["due_on", "received_on"], name="study_writeup_due")]

    def __str__(self) -> str:
        return f"{self.member} — {self.plan}"
