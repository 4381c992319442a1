"""Forms of the member register pages. They only parse input; the rules live in ``members.services``."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.forms import IdChoiceField, IdMultipleChoiceField
from nghiquyet.members.models import Gender, LeaveReason
from nghiquyet.org.models import Unit

REQUIRED = {"required": _("Trường này không được để trống.")}
DATE_ERRORS = {**REQUIRED, "invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/07/2025.")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, *, required: bool = True, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput(),
                           input_formats=["%Y-%m-%d", "%d/%m/%Y"], error_messages=DATE_ERRORS, **kwargs)


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120,
                                error_messages={"required": _("Nhập họ và tên."),
                                                "max_length": _("Họ và tên tối đa 120 ký tự.")},
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    gender = forms.ChoiceField(label=_("Giới tính"), required=False,
                               choices=[("", "—"), *Gender.choices],
                               error_messages={"invalid_choice": _("Giới tính không hợp lệ.")})
    birth_date = date_field(_("Ngày sinh"), required=False)
    card_number = forms.CharField(label=_("Số thẻ đảng viên"), max_length=20, required=False,
                                  error_messages={"max_length": _("Số thẻ đảng viên tối đa 20 ký tự.")},
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    joined_party_on = date_field(_("Ngày vào Đảng"), required=False)
    joined_unit_on = date_field(_("Sinh hoạt tại đơn vị từ ngày"), initial=timezone.localdate)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))


class LeaveForm(forms.Form):
    on = date_field(_("Thôi sinh hoạt từ ngày"), initial=timezone.localdate)
    reason = forms.ChoiceField(label=_("Lý do"), choices=[("", "—"), *LeaveReason.choices],
                               error_messages={"required": _("Chọn lý do."),
                                               "invalid_choice": _("Lý do không hợp lệ.")})


class UnitChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{'· ' * obj.depth}{obj.name}"


class TransferForm(forms.Form):
    to_unit = UnitChoiceField(label=_("Chuyển đến đơn vị"), queryset=Unit.objects.none(),
                              error_messages={"required": _("Chọn đơn vị tiếp nhận."),
                                              "invalid_choice": _("Đơn vị không hợp lệ hoặc ngoài phạm vi của bạn.")})
    on = date_field(_("Sinh hoạt tại đơn vị mới từ ngày"), initial=timezone.localdate)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units


class MemberChoiceField(IdMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        year = f", {obj.birth_date.year}" if obj.birth_date else ""
        card = f" · {obj.card_number}" if obj.card_number else ""
        return f"{obj.full_name}{year}{card}"


class TransferManyForm(TransferForm):
    members = MemberChoiceField(label=_("Đảng viên chuyển đi"), queryset=None, widget=forms.CheckboxSelectMultiple,
                                error_messages={"required": _("Chọn ít nhất một đảng viên."),
                                                "invalid_choice": _("Đảng viên không hợp lệ hoặc đã chuyển đi.")})

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.order_fields(["members", "to_unit", "on"])
