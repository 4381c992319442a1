"""Forms of the inspection pages. They only collect input; the services check and save."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.forms import IdChoiceField, IdMultipleChoiceField
from nghiquyet.oversight.models import FindingKind, InspectionKind, InspectionMode

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
QUARTERS = [("", _("— Chưa xác định —")), (1, _("Quý I")), (2, _("Quý II")), (3, _("Quý III")), (4, _("Quý IV"))]


class UnitField(IdChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class PersonField(IdChoiceField):
    def label_from_instance(self, obj) -> str:
        label = f"{obj.full_name} — {obj.position}" if obj.position else obj.full_name
        return f"{label} ({obj.unit.short_name or obj.unit.name})"


class PeopleField(IdMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} — {obj.position}" if obj.position else obj.full_name


class ProgramForm(forms.Form):
    unit = UnitField(label=_("Cấp ủy, ủy ban kiểm tra"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Tên chương trình"), max_length=300, required=False)
    symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=40, required=False,
                             help_text=_("Ví dụ: 01-CTr/ĐU. Có thể để trống."))
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PlannedForm(forms.Form):
    number = forms.CharField(label=_("Số thứ tự"), max_length=10, required=False)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=InspectionKind.choices)
    mode = forms.ChoiceField(label=_("Loại"), choices=InspectionMode.choices, initial=InspectionMode.THEMATIC)
    subject = forms.CharField(label=_("Đối tượng"), max_length=300, required=False)
    content = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    quarter = forms.TypedChoiceField(label=_("Thời gian dự kiến"), choices=QUARTERS, coerce=int, empty_value=None,
                                     required=False)


class InspectionForm(forms.Form):
    planned = IdChoiceField(label=_("Theo chương trình"), queryset=None, required=False,
                            empty_label=_("— Ngoài chương trình (đột xuất) —"))
    kind = forms.ChoiceField(label=_("Hình thức"), choices=InspectionKind.choices)
    mode = forms.ChoiceField(label=_("Loại"), choices=InspectionMode.choices, initial=InspectionMode.THEMATIC)
    title = forms.CharField(label=_("Tên cuộc kiểm tra, giám sát"), max_length=300, required=False)
    decision_ref = forms.CharField(label=_("Quyết định, kế hoạch số"), max_length=60, required=False)
    subject_unit = UnitField(label=_("Tổ chức đảng được kiểm tra, giám sát"), queryset=None, required=False,
                             empty_label=_("— Chọn —"))
    subject_person = PersonField(label=_("hoặc đảng viên được kiểm tra, giám sát"), queryset=None, required=False,
                                 empty_label=_("— Chọn —"))
    content = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    resolution = IdChoiceField(label=_("Việc thực hiện nghị quyết"), queryset=None, required=False,
                               empty_label=_("— Không —"))
    leader = PersonField(label=_("Trưởng đoàn"), queryset=None, required=False, empty_label=_("— Chọn —"))
    team = PeopleField(label=_("Thành viên đoàn"), queryset=None, required=False,
                       widget=forms.SelectMultiple(attrs={"size": 5}))
    starts_on = forms.DateField(label=_("Ngày bắt đầu"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Ngày kết thúc"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, planned, subject_units, people, resolutions, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned"].queryset = planned
        self.fields["planned"].label_from_instance = lambda i: f"{i.program.year} · {i.number}. {i.subject}"
        self.fields["subject_unit"].queryset = subject_units
        self.fields["subject_person"].queryset = people
        self.fields["resolution"].queryset = resolutions
        self.fields["resolution"].label_from_instance = lambda d: f"{d.symbol} — {d.title}"[:160]
        self.fields["leader"].queryset = team
        self.fields["team"].queryset = team

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("title", "decision_ref", "content"):
            data[name] = data.get(name) or ""
        data["team"] = list(data.get("team") or [])
        return data


class InspectionEditForm(InspectionForm):
    targets = IdMultipleChoiceField(label=_("Chỉ tiêu"), queryset=None, required=False,
                                    widget=forms.SelectMultiple(attrs={"size": 6}))
    tasks = IdMultipleChoiceField(label=_("Nhiệm vụ"), queryset=None, required=False,
                                  widget=forms.SelectMultiple(attrs={"size": 6}))
    concluded_on = forms.DateField(label=_("Ngày kết luận"), required=False, widget=DATE_WIDGET)
    conclusion_ref = forms.CharField(label=_("Số văn bản kết luận"), max_length=60, required=False)
    conclusion = forms.CharField(label=_("Kết luận"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, targets, tasks, concluded: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = targets
        self.fields["targets"].label_from_instance = lambda t: f"{t.number}. {t.name}"
        self.fields["tasks"].queryset = tasks
        self.fields["tasks"].label_from_instance = lambda t: f"{t.unit.short_name or t.unit.name}: {t.title}"[:160]
        if not concluded:
            for name in ("concluded_on", "conclusion_ref", "conclusion"):
                del self.fields[name]

    def values(self) -> dict:
        data = super().values()
        data["targets"] = list(data.get("targets") or [])
        data["tasks"] = list(data.get("tasks") or [])
        for name in ("conclusion_ref", "conclusion"):
            if name in data:
                data[name] = data[name] or ""
        return data


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=FindingKind.choices)
    text = forms.CharField(label=_("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConclusionForm(forms.Form):
    concluded_on = forms.DateField(label=_("Ngày kết luận"), widget=DATE_WIDGET, initial=timezone.localdate)
    conclusion_ref = forms.CharField(label=_("Số văn bản kết luận"), max_length=60, required=False,
                                     help_text=_("Ví dụ: 12-KL/ĐU hoặc 05-TB/ĐU. Có thể để trống."))
    conclusion = forms.CharField(label=_("Nội dung kết luận"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}))


class RecommendationForm(forms.Form):
    text = forms.CharField(label=_("Nội dung kiến nghị"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner_unit = UnitField(label=_("Đơn vị thực hiện"), queryset=None, required=False, empty_label=_("— Chọn —"))
    owner_person = PersonField(label=_("Người thực hiện"), queryset=None, required=False, empty_label=_("— Chọn —"))
    due_on = forms.DateField(label=_("Thời hạn"), widget=DATE_WIDGET)

    def __init__(self, *args, units, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = units
        self.fields["owner_person"].queryset = people


class FollowUpForm(forms.Form):
    on = forms.DateField(label=_("Ngày"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label=_("Kết quả thực hiện"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    done = forms.BooleanField(label=_("Đã hoàn thành kiến nghị"), required=False)


class CloseForm(forms.Form):
    on = forms.DateField(label=_("Ngày kết thúc theo dõi"), widget=DATE_WIDGET, initial=timezone.localdate)
    note = forms.CharField(label=_("Ý kiến đánh giá"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(forms.Form):
    due_on = forms.DateField(label=_("Thời hạn mới"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Lý do gia hạn"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Lý do chưa chấp nhận"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
