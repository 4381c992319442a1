"""The organization tree and its history.

The current tree is a materialized path (``Unit.path``): subtree = one indexed prefix
range, ancestors = the ids in the path, portable to SQLite and PostgreSQL, and a move
rewrites only the moved subtree's paths. History is never deleted: each unit has a
validity interval, each (name, parent) period is a ``UnitVersion`` and merges and splits
leave ``UnitSuccession`` links, so the tree "as it was" on any date can be rebuilt.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.fields import TreePathField, path_ids


class UnitKind(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Đảng bộ tỉnh, thành phố")
    DISTRICT = "district", _("Đảng bộ huyện, quận, thị xã, thành phố thuộc tỉnh")
    SECTOR_BLOC = "sector_bloc", _("Đảng bộ khối")
    COMMUNE = "commune", _("Đảng bộ xã, phường, đặc khu")
    AGENCY = "agency", _("Đảng bộ cơ sở cơ quan")
    ENTERPRISE = "enterprise", _("Đảng bộ cơ sở doanh nghiệp")
    BRANCH = "branch", _("Chi bộ")
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    FATHERLAND_FRONT = "fatherland_front", _("Ủy ban Mặt trận Tổ quốc")
    MASS_ORGANIZATION = "mass_organization", _("Đoàn thể chính trị - xã hội")

    @classmethod
    def party_kinds(cls) -> set[str]:
        return {
            cls.CENTRAL, cls.PROVINCE, cls.DISTRICT, cls.SECTOR_BLOC,
            cls.COMMUNE, cls.AGENCY, cls.ENTERPRISE, cls.BRANCH,
        }

    @classmethod
    def implementing_kinds(cls) -> set[str]:
        return {cls.PEOPLES_COMMITTEE, cls.FATHERLAND_FRONT, cls.MASS_ORGANIZATION}


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: dt.date) -> UnitQuerySet:
        return self.filter(valid_from__lte=day).filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=day))

    def active(self) -> UnitQuerySet:
        return self.active_on(timezone.localdate())

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__under=unit.path)


class Unit(models.Model):
    kind = models.CharField(_("loại"), max_length=32, choices=UnitKind.choices)
    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    member_count = models.PositiveIntegerField(_("số đảng viên"), default=0)
    parent = models.ForeignKey(
        "self", verbose_name=_("trực thuộc"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = TreePathField(editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    search_text = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="unit_valid_interval",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to > today)

    @property
    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)[:-1]

    @property
    def is_party_organization(self) -> bool:
        return self.kind in UnitKind.party_kinds()

    def active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to > day)


class UnitVersion(models.Model):
    """One period of a unit's name and position in the tree."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="versions")
    parent = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=255)
    short_name = models.CharField(max_length=120, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    reorganization = models.ForeignKey(
        "Reorganization", null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )

    class Meta:
        ordering = ["unit_id", "valid_from"]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]
        constraints = [
            models.UniqueConstraint(fields=["unit"], condition=models.Q(valid_to__isnull=True),
                                    name="one_open_version_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from} – {self.valid_to or '…'})"


class ReorganizationKind(models.TextChoices):
    CREATE = "create", _("Thành lập")
    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia tách")
    MOVE = "move", _("Điều chuyển trực thuộc")
    RENAME = "rename", _("Đổi tên")
    CLOSE = "close", _("Giải thể, kết thúc hoạt động")


class Reorganization(models.Model):
    """A decided change of the tree: who decided it, by which decision, effective when."""

    kind = models.CharField(_("loại"), max_length=16, choices=ReorganizationKind.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    decision_ref = models.CharField(_("căn cứ quyết định"), max_length=200, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    summary = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    units = models.ManyToManyField(Unit, related_name="reorganizations")

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = _("sắp xếp tổ chức")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d/%m/%Y} {self.decision_ref}".strip()


class UnitSuccession(models.Model):
    """``predecessor`` lives on in ``successor`` from ``effective_date`` (merge or split)."""

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="successor_links")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="predecessor_links")
    effective_date = models.DateField()
    reorganization = models.ForeignKey(Reorganization, on_delete=models.PROTECT, related_name="successions")
    member_share = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_succession"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
