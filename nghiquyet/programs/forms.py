"""Forms of the action program pages. They only collect input; the services check the clears and save.

Clear fields are optional here on purpose: a missing clear is refused by ``task_create`` /
``task_update`` with the message that names it (rõ người, rõ thời gian...).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.forms import IdChoiceField, IdMultipleChoiceField
from nghiquyet.programs.models import TaskStatus

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoiceField(IdChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} — {obj.position}" if obj.position else obj.full_name


class BodiesField(IdMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class TaskForm(forms.Form):
    number = forms.CharField(label=_("Số thứ tự"), max_length=10, required=False)
    title = forms.CharField(label=_("Nhiệm vụ"), max_length=500, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    directing = PersonChoiceField(label=_("Ủy viên Ban Thường vụ chỉ đạo"), queryset=None, required=False,
                                  empty_label=_("— Chọn —"))
    responsible = PersonChoiceField(label=_("Cấp ủy viên phụ trách"), queryset=None, required=False,
                                    empty_label=_("— Chọn —"))
    advisor = PersonChoiceField(label=_("Cán bộ, công chức tham mưu"), queryset=None, required=False,
                                empty_label=_("— Chọn —"))
    coordinating = BodiesField(label=_("Cơ quan phối hợp"), queryset=None, required=False,
                               widget=forms.SelectMultiple(attrs={"size": 4}))
    start_date = forms.DateField(label=_("Ngày bắt đầu"), required=False, widget=DATE_WIDGET)
    due_date = forms.DateField(label=_("Thời hạn hoàn thành"), required=False, widget=DATE_WIDGET)
    deliverable = forms.CharField(label=_("Sản phẩm"), max_length=300, required=False)
    authority = forms.CharField(label=_("Thẩm quyền phê duyệt"), max_length=200, required=False)

    def __init__(self, *args, people, bodies, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("directing", "responsible", "advisor"):
            self.fields[name].queryset = people
        self.fields["coordinating"].queryset = bodies
        if prefix_id:
            self.auto_id = f"id_{prefix_id}_%s"

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("number", "title", "deliverable", "authority"):
            data[name] = data.get(name) or ""
        data["coordinating"] = list(data.get("coordinating") or [])
        return data


class TaskEditForm(TaskForm):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=[
        (value, label) for value, label in TaskStatus.choices if value != TaskStatus.OVERDUE])


class ProgressForm(forms.Form):
    on = forms.DateField(label=_("Ngày báo cáo"), widget=DATE_WIDGET, initial=timezone.localdate)
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("Nội dung tiến độ"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    evidence = forms.FileField(label=_("Tệp minh chứng"), required=False)

    def __init__(self, *args, **kwargs):
        from nghiquyet.programs.services import EVIDENCE_TYPES, evidence_max_bytes

        super().__init__(*args, **kwargs)
        field = self.fields["evidence"]
        field.widget.attrs["accept"] = ",".join(f".{ext}" for ext in EVIDENCE_TYPES)
        field.help_text = _("Nhận tệp %(types)s, tối đa %(mb)d MB.") % {
            "types": ", ".join(EVIDENCE_TYPES), "mb": evidence_max_bytes() // (1024 * 1024)}


class ProgramForm(forms.Form):
    unit = IdChoiceField(label=_("Đơn vị ban hành"), queryset=None, empty_label=None)
    symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=40, required=False,
                             help_text=_("Ví dụ: 01-CTr/ĐU. Có thể để trống nếu chưa ban hành."))
    title = forms.CharField(label=_("Tên chương trình"), max_length=500, required=False)
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=DATE_WIDGET)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: u.name


class ProgramEditForm(ProgramForm):
    """Correcting a program: everything but the issuing unit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, units=None, **kwargs)
        del self.fields["unit"]
