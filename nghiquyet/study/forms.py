"""Forms of the study pages. They only collect input; the services check and save."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.forms import IdChoiceField, IdMultipleChoiceField
from nghiquyet.org.models import UnitKind
from nghiquyet.study.models import Audience, StudyForm, WriteUpKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UnitChoiceField(IdChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class UnitsField(IdMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


def holder_kind_choices():
    return [(k, label) for k, label in UnitKind.choices if k in UnitKind.party_kinds() and k != UnitKind.CENTRAL]


class PlanForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị ban hành"), queryset=None, empty_label=None)
    symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=40, required=False,
                             help_text=_("Ví dụ: 05-KH/TU."))
    title = forms.CharField(label=_("Tên kế hoạch"), max_length=500, required=False)
    form = forms.ChoiceField(label=_("Hình thức"), choices=StudyForm.choices)
    starts_on = forms.DateField(label=_("Thời gian từ"), widget=DATE_WIDGET, required=False)
    ends_on = forms.DateField(label=_("Đến"), widget=DATE_WIDGET, required=False)
    deadline = forms.DateField(label=_("Thời hạn hoàn thành"), widget=DATE_WIDGET, required=False)
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    audience = forms.ChoiceField(label=_("Cách tổ chức"), choices=Audience.choices)
    holder_kinds = forms.MultipleChoiceField(
        label=_("Cấp tự tổ chức học tập"), required=False, choices=holder_kind_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Khi các đơn vị trực thuộc tự tổ chức: những cấp nào phải tổ chức buổi học."))
    speakers = forms.CharField(label=_("Báo cáo viên"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.CharField(label=_("Mục đích, yêu cầu"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    content = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    materials = forms.CharField(label=_("Tài liệu"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    writeup_kind = forms.ChoiceField(label=_("Sản phẩm sau học tập"), required=False,
                                     choices=[("", _("Không yêu cầu")), *WriteUpKind.choices])
    writeup_days = forms.IntegerField(label=_("Hạn nộp (số ngày sau buổi học)"), required=False, min_value=1,
                                      max_value=365)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = units


class SessionForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị tổ chức"), queryset=None, empty_label=None)
    held_on = forms.DateField(label=_("Ngày tổ chức"), widget=DATE_WIDGET, initial=timezone.localdate)
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    speakers = forms.CharField(label=_("Báo cáo viên"), max_length=500, required=False)
    points = UnitsField(label=_("Điểm cầu"), queryset=None, required=False,
                        widget=forms.SelectMultiple(attrs={"size": 6}),
                        help_text=_("Các đơn vị cấp dưới theo dõi trực tuyến; mỗi điểm cầu tự điểm danh đảng viên "
                                    "của mình."))
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["points"].queryset = points


class MakeupForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị tổ chức học bù"), queryset=None, empty_label=None)
    held_on = forms.DateField(label=_("Ngày học bù"), widget=DATE_WIDGET, initial=timezone.localdate)
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    speakers = forms.CharField(label=_("Báo cáo viên"), max_length=500, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class WriteUpForm(forms.Form):
    received_on = forms.DateField(label=_("Ngày nhận"), widget=DATE_WIDGET, initial=timezone.localdate)
    text = forms.CharField(label=_("Nội dung (tóm tắt)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    file = forms.FileField(label=_("Tệp bài thu hoạch"), required=False)


class SessionEditForm(forms.Form):
    held_on = forms.DateField(label=_("Ngày tổ chức"), widget=DATE_WIDGET,
                              help_text=_("Chỉ đổi được khi chưa điểm danh."))
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    speakers = forms.CharField(label=_("Báo cáo viên"), max_length=500, required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    add_points = UnitsField(label=_("Thêm điểm cầu"), queryset=None, required=False,
                            widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add_points"].queryset = points
