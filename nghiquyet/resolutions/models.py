"""Terms, congresses, resolutions (and related documents), their items and numbered targets.

A target's numbers are exact ``Decimal`` values; people type and read them in Vietnamese
format (``core.numbers``). Alignment links always point from a unit's object up to an object
of one of its ancestors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nghiquyet.org.models import Unit

AMOUNT = {"max_digits": 24, "decimal_places": 6}


class Term(models.Model):
    """A committee term (nhiệm kỳ), e.g. 2025-2030, of one unit."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="terms")
    start_year = models.PositiveSmallIntegerField(_("năm bắt đầu"))
    end_year = models.PositiveSmallIntegerField(_("năm kết thúc"))

    class Meta:
        ordering = ["unit__path", "-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "start_year"], name="unique_term_per_unit"),
            models.CheckConstraint(condition=models.Q(end_year__gt=models.F("start_year")), name="term_years"),
        ]
        verbose_name = _("nhiệm kỳ")

    def __str__(self) -> str:
        return f"{self.start_year}-{self.end_year}"

    @property
    def label(self) -> str:
        return f"{self.start_year} - {self.end_year}"

    @property
    def years(self) -> range:
        return range(self.start_year, self.end_year + 1)


class Congress(models.Model):
    """The congress (đại hội) that opened a term: "lần thứ XXII" or "lần thứ 35"."""

    term = models.OneToOneField(Term, on_delete=models.PROTECT, related_name="congress")
    ordinal = models.CharField(_("lần thứ"), max_length=20)
    held_from = models.DateField(_("từ ngày"))
    held_to = models.DateField(_("đến ngày"))

    class Meta:
        verbose_name = _("đại hội")
        constraints = [
            models.CheckConstraint(condition=models.Q(held_to__gte=models.F("held_from")), name="congress_dates"),
        ]

    def __str__(self) -> str:
        return _("Đại hội lần thứ %(ordinal)s (%(term)s)") % {"ordinal": self.ordinal, "term": self.term}


class Document(models.Model):
    """A resolution or related document (NQ, CT, KL, KH, CTr ...), numbered "58-NQ/TW"."""

    unit = models.ForeignKey(Unit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT,
                             related_name="documents")
    term = models.ForeignKey(Term, verbose_name=_("nhiệm kỳ"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="documents")
    number = models.PositiveIntegerField(_("số"))
    type_code = models.CharField(_("loại văn bản"), max_length=8)
    issuer_code = models.CharField(_("ký hiệu cơ quan"), max_length=20)
    symbol = models.CharField(_("số, ký hiệu"), max_length=40, db_index=True)
    issued_on = models.DateField(_("ngày ban hành"))
    title = models.CharField(_("trích yếu"), max_length=500)
    full_text = models.TextField(_("toàn văn"), blank=True)
    is_congress_resolution = models.BooleanField(_("nghị quyết đại hội"), default=False)
    implements = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="implemented_by",
                                        verbose_name=_("thực hiện văn bản cấp trên"))
    search_text = models.CharField(max_length=700, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "symbol", "issued_on"], name="unique_document_symbol"),
        ]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")

    def __str__(self) -> str:
        return f"{self.symbol} — {self.title}"


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random stored name (``core.files``): the uploader's name, kept in ``Attachment.name``, never reaches
    the disk."""
    from nghiquyet.core.files import random_stored_name

    return random_stored_name("documents", filename)


class Attachment(models.Model):
    """A file attached to a document (full text as signed, annexes). Served only through the scoped download
    view, as an attachment."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("tên tệp gốc"), max_length=255)
    title = models.CharField(_("mô tả"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.title or self.name


class ItemKind(models.TextChoices):
    OBJECTIVE = "objective", _("Mục tiêu")
    KEY_PROGRAM = "key_program", _("Chương trình trọng tâm")
    BREAKTHROUGH = "breakthrough", _("Khâu đột phá")


class ResolutionItem(models.Model):
    """An objective, key program (chương trình trọng tâm) or breakthrough (khâu đột phá)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("loại"), max_length=16, choices=ItemKind.choices)
    number = models.CharField(_("số thứ tự"), max_length=10)
    title = models.CharField(_("nội dung"), max_length=500)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        ordering = ["document_id", "kind", "number"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}: {self.title}"

    @property
    def unit(self) -> Unit:
        return self.document.unit


class Domain(models.TextChoices):
    ECONOMY = "economy", _("Kinh tế")
    SOCIETY = "society", _("Văn hóa - xã hội")
    ENVIRONMENT = "environment", _("Môi trường")
    DEFENCE = "defence", _("Quốc phòng - an ninh")
    PARTY = "party", _("Xây dựng Đảng và hệ thống chính trị")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Càng cao càng tốt")
    LOWER = "lower", _("Càng thấp càng tốt")
    EXACT = "exact", _("Đạt đúng giá trị")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Cộng dồn")
    WEIGHTED_MEAN = "weighted_mean", _("Bình quân gia quyền")
    RATIO = "ratio", _("Tỷ số của các tổng")
    COUNT_MEETING = "count_meeting", _("Đếm số đơn vị đạt ngưỡng")
    NONE = "none", _("Không tổng hợp")


class Target(models.Model):
    """A numbered target (chỉ tiêu) of a resolution."""

    document = models.ForeignKey(Document, verbose_name=_("nghị quyết"), on_delete=models.PROTECT,
                                 related_name="targets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="targets", editable=False)
    number = models.CharField(_("số thứ tự"), max_length=10)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    domain = models.CharField(_("lĩnh vực"), max_length=16, choices=Domain.choices)
    measure = models.CharField(_("đơn vị tính"), max_length=40)
    baseline_year = models.PositiveSmallIntegerField(_("năm gốc"), null=True, blank=True)
    baseline_value = models.DecimalField(_("giá trị năm gốc"), null=True, blank=True, **AMOUNT)
    target_value = models.DecimalField(_("mục tiêu cuối nhiệm kỳ"), **AMOUNT)
    direction = models.CharField(_("chiều đánh giá"), max_length=8, choices=Direction.choices,
                                 default=Direction.HIGHER)
    aggregation = models.CharField(_("cách tổng hợp"), max_length=16, choices=Aggregation.choices,
                                   default=Aggregation.NONE)
    weight_name = models.CharField(_("trọng số"), max_length=80, blank=True)
    numerator_name = models.CharField(_("tử số"), max_length=120, blank=True)
    denominator_name = models.CharField(_("mẫu số"), max_length=120, blank=True)
    threshold = models.DecimalField(_("ngưỡng đạt"), null=True, blank=True, **AMOUNT)
    criteria_total = models.PositiveSmallIntegerField(_("tổng số tiêu chí"), null=True, blank=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies")
    search_text = models.CharField(max_length=400, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["document_id", "id"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_target_number")]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def is_criteria_set(self) -> bool:
        return self.criteria_total is not None


class Milestone(models.Model):
    """The value a target should reach by the end of a year of the term."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("năm"))
    value = models.DecimalField(_("giá trị"), **AMOUNT)

    class Meta:
        ordering = ["target_id", "year"]
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="unique_milestone_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class Alignment(models.Model):
    """A link from a lower unit's target, item or task up to a superior's target or item."""

    from_target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE, related_name="links_up")
    from_item = models.ForeignKey(ResolutionItem, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="links_up")
    from_task = models.ForeignKey("programs.Task", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="links_up")
    to_target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE, related_name="links_down")
    to_item = models.ForeignKey(ResolutionItem, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="links_down")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(from_target__isnull=False, from_item__isnull=True, from_task__isnull=True)
                    | models.Q(from_target__isnull=True, from_item__isnull=False, from_task__isnull=True)
                    | models.Q(from_target__isnull=True, from_item__isnull=True, from_task__isnull=False)
                ),
                name="alignment_one_source",
            ),
            models.CheckConstraint(
                condition=(models.Q(to_target__isnull=False, to_item__isnull=True)
                           | models.Q(to_target__isnull=True, to_item__isnull=False)),
                name="alignment_one_destination",
            ),
        ]

    def __str__(self) -> str:
        source = self.from_target or self.from_item or self.from_task
        return f"{source} → {self.to_target or self.to_item}"


class AdjustmentField(models.TextChoices):
    """What an adjustment changes: the end-of-term value or one year's milestone."""

    TERM_TARGET = "term_target", _("Mục tiêu cuối nhiệm kỳ")
    MILESTONE = "milestone", _("Mốc năm")


class AdjustmentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    APPROVED = "approved", _("Đã phê duyệt")
    REJECTED = "rejected", _("Không phê duyệt")
    WITHDRAWN = "withdrawn", _("Đã rút đề xuất")


class TargetAdjustment(models.Model):
    """A proposed change (điều chỉnh chỉ tiêu) of a target's end-of-term value or of one year's milestone, and
    the owner committee's decision on it. Nothing is overwritten: ``Target`` and ``Milestone`` keep the values the
    resolution set; an approved adjustment applies from ``effective_from`` (``selectors.adjustments_in_force``)."""

    target = models.ForeignKey(Target, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT,
                               related_name="adjustments")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị đề xuất"), on_delete=models.PROTECT, related_name="+",
                             editable=False)
    field = models.CharField(_("nội dung điều chỉnh"), max_length=16, choices=AdjustmentField.choices)
    year = models.PositiveSmallIntegerField(_("năm của mốc"), null=True, blank=True)
    old_value = models.DecimalField(_("giá trị đang áp dụng"), **AMOUNT)
    new_value = models.DecimalField(_("giá trị đề xuất"), **AMOUNT)
    reason = models.TextField(_("lý do"))
    proposed_on = models.DateField(_("ngày đề xuất"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    status = models.CharField(_("tình trạng"), max_length=12, choices=AdjustmentStatus.choices,
                              default=AdjustmentStatus.PENDING)
    decision_number = models.CharField(_("số quyết định"), max_length=40, blank=True)
    decision_type = models.CharField(_("loại văn bản quyết định"), max_length=8, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    effective_from = models.DateField(_("có hiệu lực từ ngày"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến của cấp ủy"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-proposed_on", "-id"]
        indexes = [models.Index(fields=["target", "status"], name="adjustment_target_status")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(field=AdjustmentField.MILESTONE, year__isnull=False)
                           | models.Q(field=AdjustmentField.TERM_TARGET, year__isnull=True)),
                name="adjustment_year_iff_milestone"),
            models.CheckConstraint(
                condition=(~models.Q(status=AdjustmentStatus.APPROVED)
                           | models.Q(effective_from__isnull=False, decision_date__isnull=False)),
                name="adjustment_approved_has_dates"),
            models.UniqueConstraint(fields=["target", "year"], name="one_pending_milestone_adjustment",
                                    condition=models.Q(status=AdjustmentStatus.PENDING,
                                                       field=AdjustmentField.MILESTONE)),
            models.UniqueConstraint(fields=["target"], name="one_pending_term_adjustment",
                                    condition=models.Q(status=AdjustmentStatus.PENDING,
                                                       field=AdjustmentField.TERM_TARGET)),
        ]
        verbose_name = _("điều chỉnh chỉ tiêu")
        verbose_name_plural = _("điều chỉnh chỉ tiêu")

    def __str__(self) -> str:
        return str(_("Điều chỉnh %(what)s của chỉ tiêu %(target)s")) % {"what": self.what, "target": self.target.number}

    @property
    def what(self) -> str:
        """"mốc năm 2026" or "mục tiêu cuối nhiệm kỳ"."""
        if self.field == AdjustmentField.MILESTONE:
            return str(_("mốc năm %(y)s")) % {"y": self.year}
        return str(_("mục tiêu cuối nhiệm kỳ"))

    @property
    def is_pending(self) -> bool:
        return self.status == AdjustmentStatus.PENDING
