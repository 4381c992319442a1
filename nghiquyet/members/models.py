"""Party members (đảng viên): the register a branch keeps, the people who study, attend and are assessed.

A member belongs to one party organization (usually a branch) at a time. ``joined_unit_on`` and
``left_unit_on`` bound the membership there, so "the members of a unit on a date" is a plain filter.
``Unit.member_count`` is kept equal to the number of current members by the member services.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nghiquyet.accounts.models import Person
from nghiquyet.org.models import Unit, UnitKind

#: Unit kinds that keep members: party organizations, not the government or mass organizations.
MEMBER_UNIT_KINDS = frozenset({UnitKind.BRANCH, UnitKind.COMMUNE, UnitKind.AGENCY, UnitKind.ENTERPRISE})


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class LeaveReason(models.TextChoices):
    TRANSFER = "transfer", _("Chuyển sinh hoạt")
    DECEASED = "deceased", _("Từ trần")
    REMOVED = "removed", _("Xóa tên, khai trừ")
    OTHER = "other", _("Lý do khác")


class Member(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("chi bộ, đảng bộ"), on_delete=models.PROTECT,
                             related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, blank=True)
    joined_party_on = models.DateField(_("ngày vào Đảng"), null=True, blank=True)
    joined_unit_on = models.DateField(_("sinh hoạt tại đơn vị từ"))
    left_unit_on = models.DateField(_("thôi sinh hoạt tại đơn vị từ"), null=True, blank=True)
    leave_reason = models.CharField(_("lý do"), max_length=16, choices=LeaveReason.choices, blank=True)
    person = models.OneToOneField(Person, verbose_name=_("cán bộ"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="member")
    email = models.EmailField(_("thư điện tử"), blank=True)
    search_text = models.CharField(max_length=300, editable=False, default="")
    # The person's first register row, on every later row a transfer or a reorganization opens (empty on the
    # first row itself): links the rows of one person even without a card number.
    origin = models.ForeignKey("self", verbose_name=_("dòng đầu tiên"), null=True, blank=True, editable=False,
                               on_delete=models.PROTECT, related_name="later_rows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["unit_id", "full_name", "id"]
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        indexes = [models.Index(fields=["unit", "left_unit_on"], name="member_unit_current")]
        constraints = [
            # A card number names one person; a transfer closes the old row and opens a new one.
            models.UniqueConstraint(fields=["card_number"],
                                    condition=~models.Q(card_number="") & models.Q(left_unit_on__isnull=True),
                                    name="unique_current_member_card_number"),
            models.CheckConstraint(
                condition=models.Q(left_unit_on__isnull=True) | models.Q(left_unit_on__gte=models.F("joined_unit_on")),
                name="member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_current(self) -> bool:
        return self.left_unit_on is None

    @property
    def origin_key(self) -> int:
        """The id of the person's first register row (this row's own id on a first row)."""
        return self.origin_id or self.pk
