"""Forms of the organization pages. They only parse input; every rule lives in ``org.services``."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import units_changeable
from nghiquyet.core.forms import IdChoiceField, IdMultipleChoiceField
from nghiquyet.org.models import Unit, UnitKind

REQUIRED = {"required": _("Trường này không được để trống.")}
DATE_ERRORS = {**REQUIRED, "invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/07/2025.")}
COUNT_ERRORS = {
    **REQUIRED,
    "invalid": _("Nhập một số nguyên."),
    "min_value": _("Số đảng viên phải là số nguyên không âm."),
    "max_value": _("Số đảng viên không được lớn hơn 2.147.483.647."),
}
MAX_MEMBERS = 2**31 - 1  # what an integer column holds everywhere
CHOICE_ERRORS = {**REQUIRED, "invalid_choice": _("Lựa chọn không hợp lệ."),
                 "invalid_pk_value": _("Lựa chọn không hợp lệ.")}
MAX_SPLIT_PARTS = 10


def count_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                           error_messages=DATE_ERRORS)


class UnitChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'· ' * obj.depth}{obj.name} ({obj.code})"


class UnitMultipleChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


def parent_choices(user, unit: Unit):
    """Units the user may reorganize that can hold subordinate units (the service refuses cycles)."""
    leaf = {UnitKind.BRANCH, *UnitKind.implementing_kinds()}
    return (units_changeable(user, Perm.UNIT_REORGANIZE).filter(valid_to__isnull=True)
            .exclude(kind__in=leaf).exclude(pk=unit.pk).order_by("path"))


class UnitEditForm(forms.Form):
    short_name = forms.CharField(label=_("Tên ngắn"), max_length=120, required=False)
    code = forms.CharField(label=_("Mã đơn vị"), max_length=40, error_messages={
        **REQUIRED, "max_length": _("Mã đơn vị tối đa 40 ký tự.")})
    member_count = forms.IntegerField(label=_("Số đảng viên"), min_value=0, max_value=MAX_MEMBERS,
                                      error_messages=COUNT_ERRORS, widget=count_widget())


class ReorganizeForm(forms.Form):
    """Fields every reorganization has. ``service_fields`` maps service error keys to form fields."""

    service_fields: dict[str, str] = {}

    effective_date = date_field(_("Ngày hiệu lực"))
    decision_ref = forms.CharField(
        label=_("Căn cứ quyết định"), max_length=200, error_messages=REQUIRED,
        widget=forms.TextInput(attrs={"placeholder": _("Quyết định 321-QĐ/TW")}),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, unit: Unit | None = None, **kwargs):
        self.user, self.unit = user, unit
        super().__init__(*args, **kwargs)
        self.order_fields([name for name in self.fields if name not in ("effective_date", "decision_ref", "note")]
                          + ["effective_date", "decision_ref", "note"])

    def field_for(self, key: str) -> str | None:
        """The form field that shows a service error reported under ``key`` (``None``: the whole form)."""
        name = self.service_fields.get(key, key)
        return name if name in self.fields else None

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(self.field_for(key), message)

    def base_args(self) -> dict:
        data = self.cleaned_data
        return {"effective_date": data["effective_date"], "decision_ref": data["decision_ref"],
                "note": data.get("note", "")}


class RenameForm(ReorganizeForm):
    name = forms.CharField(label=_("Tên mới"), max_length=255, error_messages=REQUIRED)
    short_name = forms.CharField(label=_("Tên ngắn mới"), max_length=120, required=False)


class MoveForm(ReorganizeForm):
    new_parent = UnitChoiceField(label=_("Chuyển về trực thuộc"), queryset=Unit.objects.none(),
                                 error_messages=CHOICE_ERRORS, empty_label=_("— Chọn đơn vị cấp trên —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parent_choices(self.user, self.unit)


_CODES_SPLIT = re.compile(r"[\s,;]+")


class MergeForm(ReorganizeForm):
    INTO_THIS = "into_this"
    INTO_NEW = "into_new"

    service_fields = {"target": "mode", "code": "new_code", "name": "new_name", "kind": "new_kind",
                      "parent": "new_parent", "unit": "sources", "member_count": "new_member_count"}

    mode = forms.ChoiceField(
        label=_("Cách hợp nhất"), widget=forms.RadioSelect, error_messages=CHOICE_ERRORS, initial=INTO_THIS,
        choices=[(INTO_THIS, _("Sáp nhập các đơn vị được chọn vào đơn vị này")),
                 (INTO_NEW, _("Hợp nhất đơn vị này với các đơn vị được chọn thành một đơn vị mới"))],
    )
    sources = UnitMultipleChoiceField(
        label=_("Đơn vị cùng cấp"), queryset=Unit.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, error_messages=CHOICE_ERRORS,
    )
    other_codes = forms.CharField(
        label=_("Đơn vị khác (mã đơn vị)"), required=False, max_length=2000,
        help_text=_("Mã các đơn vị khác cần hợp nhất, cách nhau bởi dấu phẩy."),
    )
    new_code = forms.CharField(label=_("Mã đơn vị mới"), max_length=40, required=False)
    new_name = forms.CharField(label=_("Tên đơn vị mới"), max_length=255, required=False)
    new_short_name = forms.CharField(label=_("Tên ngắn của đơn vị mới"), max_length=120, required=False)
    new_kind = forms.ChoiceField(label=_("Loại đơn vị mới"), choices=UnitKind.choices, required=False,
                                 error_messages=CHOICE_ERRORS)
    new_member_count = forms.IntegerField(
        label=_("Số đảng viên của đơn vị mới"), min_value=0, max_value=MAX_MEMBERS, required=False,
        error_messages=COUNT_ERRORS,
        help_text=_("Để trống: bằng tổng số đảng viên của các đơn vị hợp nhất."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )
    new_parent = UnitChoiceField(label=_("Đơn vị mới trực thuộc"), queryset=Unit.objects.none(), required=False,
                                 error_messages=CHOICE_ERRORS, empty_label=_("— Như đơn vị này —"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        changeable = units_changeable(self.user, Perm.UNIT_REORGANIZE).filter(valid_to__isnull=True)
        self._changeable = changeable
        self.fields["sources"].queryset = (changeable.filter(parent_id=self.unit.parent_id)
                                           .exclude(pk=self.unit.pk).order_by("kind", "name"))
        self.fields["new_parent"].queryset = parent_choices(self.user, self.unit)
        self.fields["new_kind"].initial = self.unit.kind

    def clean_other_codes(self) -> list[Unit]:
        codes = [c for c in _CODES_SPLIT.split(self.cleaned_data.get("other_codes", "")) if c]
        if not codes:
            return []
        found = {u.code: u for u in self._changeable.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("Không tìm thấy đơn vị đang hoạt động có mã %(codes)s trong phạm vi bạn được sắp xếp.")
                % {"codes": ", ".join(missing)}
            )
        return [found[c] for c in codes]

    def selected_sources(self) -> list[Unit]:
        picked = list(self.cleaned_data.get("sources") or []) + list(self.cleaned_data.get("other_codes") or [])
        return list({u.pk: u for u in picked}.values())


class SplitPartForm(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=40, error_messages=REQUIRED)
    name = forms.CharField(label=_("Tên"), max_length=255, error_messages=REQUIRED)
    short_name = forms.CharField(label=_("Tên ngắn"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Loại"), choices=UnitKind.choices, error_messages=CHOICE_ERRORS)
    member_count = forms.IntegerField(label=_("Số đảng viên"), min_value=0, max_value=MAX_MEMBERS,
                                      error_messages=COUNT_ERRORS, widget=count_widget())


SplitPartFormSet = forms.formset_factory(SplitPartForm, extra=0, max_num=MAX_SPLIT_PARTS, validate_max=True,
                                         absolute_max=MAX_SPLIT_PARTS)


class SplitForm(ReorganizeForm):
    """The split itself; the new units come in a ``SplitPartFormSet`` and each active child gets a
    ``child_<id>`` field naming the new unit (1..N) it goes to."""

    service_fields = {"parent": "new_parent", "unit": None}

    new_parent = UnitChoiceField(label=_("Các đơn vị mới trực thuộc"), queryset=Unit.objects.none(), required=False,
                                 error_messages=CHOICE_ERRORS, empty_label=_("— Như đơn vị bị chia tách —"))

    def __init__(self, *args, children=(), parts: int = 2, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parent_choices(self.user, self.unit)
        self.children = list(children)
        choices = [(str(i), _("Đơn vị mới %(n)d") % {"n": i}) for i in range(1, parts + 1)]
        for child in self.children:
            self.fields[f"child_{child.pk}"] = forms.TypedChoiceField(
                label=child.name, choices=choices, coerce=int, error_messages=CHOICE_ERRORS,
            )

    def child_fields(self):
        return [self[f"child_{child.pk}"] for child in self.children]

    def assignment(self) -> dict[int, list[Unit]]:
        """Part number (1..N) -> the children assigned to it."""
        out: dict[int, list[Unit]] = {}
        for child in self.children:
            out.setdefault(self.cleaned_data[f"child_{child.pk}"], []).append(child)
        return out


class CloseForm(ReorganizeForm):
    pass


OP_FORMS = {"rename": RenameForm, "move": MoveForm, "merge": MergeForm, "split": SplitForm, "close": CloseForm}
