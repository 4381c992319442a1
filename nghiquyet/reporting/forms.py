"""Forms of the reporting pages. They only collect and parse input (Vietnamese numbers, files); the services
check what a target needs, the locks and the versions, and save."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.files import ALLOWED_TYPES, max_upload_bytes
from nghiquyet.core.forms import IdChoiceField, IdMultipleChoiceField, VNDecimalField
from nghiquyet.org.models import UnitKind
from nghiquyet.reporting.models import PeriodKind
from nghiquyet.reporting.services import MAX_FILES_PER_VALUE, Entry
from nghiquyet.resolutions.models import AMOUNT, Aggregation

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE_MAX = 2000

#: Unit kinds that may report (party organizations below the Central Committee), in tree order.
REPORTING_KINDS = [UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.SECTOR_BLOC, UnitKind.COMMUNE, UnitKind.AGENCY,
                   UnitKind.ENTERPRISE, UnitKind.BRANCH]


def aggregation_hint(target) -> str:
    """How the figure typed here is combined at the levels above (shown beside the target's name)."""
    if target.aggregation == Aggregation.SUM:
        return gettext("Cấp trên cộng số liệu của các đơn vị.")
    if target.aggregation == Aggregation.RATIO:
        return gettext("Nhập tử số và mẫu số; tỷ lệ được tính tự động, cấp trên tính tỷ lệ từ tổng tử số và "
                       "tổng mẫu số (không lấy bình quân các tỷ lệ).")
    if target.aggregation == Aggregation.WEIGHTED_MEAN:
        return gettext("Nhập giá trị và %(weight)s; cấp trên tính bình quân gia quyền.") % {
            "weight": (target.weight_name or gettext("trọng số")).lower()}
    if target.aggregation == Aggregation.COUNT_MEETING:
        return gettext("Cấp trên đếm số đơn vị đạt ngưỡng.")
    return gettext("Chỉ tiêu riêng của đơn vị, không cộng lên cấp trên.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ",".join(f".{ext}" for ext in sorted(ALLOWED_TYPES))}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _number(label: str) -> VNDecimalField:
    return VNDecimalField(label=label, required=False, max_digits=AMOUNT["max_digits"],
                          decimal_places=AMOUNT["decimal_places"])


@dataclass
class Block:
    """One target's part of the entry form, as the template shows it."""

    row: object                       # selectors.EntryRow
    numbers: list = field(default_factory=list)   # bound fields
    note: object = None
    files: object = None
    current: object = None            # the row as just saved by someone else (conflict), else None

    @property
    def target(self):
        return self.row.target

    @property
    def hint(self) -> str:
        return aggregation_hint(self.row.target)

    @property
    def has_errors(self) -> bool:
        return any(f.errors for f in [*self.numbers, self.note, self.files])


class EntryForm(forms.Form):
    """The values of one submission: per target the parts its aggregation needs, a note and evidence files.
    Field names are ``t<target id>_<part>``, the keys the service uses for its errors."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            t, value, prefix = row.target, row.value, f"t{row.target.pk}_"
            if t.aggregation == Aggregation.RATIO:
                self.fields[prefix + "numerator"] = _number(t.numerator_name or gettext("Tử số"))
                self.fields[prefix + "denominator"] = _number(t.denominator_name or gettext("Mẫu số"))
                parts = ("numerator", "denominator")
            elif t.aggregation == Aggregation.WEIGHTED_MEAN:
                self.fields[prefix + "value"] = _number(gettext("Giá trị (%(m)s)") % {"m": t.measure})
                self.fields[prefix + "weight"] = _number(t.weight_name or gettext("Trọng số"))
                parts = ("value", "weight")
            else:
                self.fields[prefix + "value"] = _number(gettext("Giá trị (%(m)s)") % {"m": t.measure})
                parts = ("value",)
            self.fields[prefix + "note"] = forms.CharField(
                label=gettext("Ghi chú"), required=False, max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[prefix + "files"] = MultipleFileField(
                label=gettext("Thêm tệp minh chứng"),
                help_text=gettext("Có thể chọn nhiều tệp (%(types)s), mỗi tệp tối đa %(mb)d MB, tối đa %(n)d tệp.")
                % {"types": ", ".join(sorted(ALLOWED_TYPES)), "mb": max_upload_bytes() // (1024 * 1024),
                   "n": MAX_FILES_PER_VALUE})
            if value is not None:
                for part in parts:
                    self.initial[prefix + part] = getattr(value, part)
                self.initial[prefix + "note"] = value.note

    def blocks(self, current_rows=None) -> list[Block]:
        current = {r.target.pk: r for r in current_rows or []}
        blocks = []
        for row in self.rows:
            prefix = f"t{row.target.pk}_"
            numbers = [self[name] for name in (prefix + p for p in ("value", "numerator", "denominator", "weight"))
                       if name in self.fields]
            blocks.append(Block(row=row, numbers=numbers, note=self[prefix + "note"], files=self[prefix + "files"],
                                current=current.get(row.target.pk)))
        return blocks

    def entries(self) -> dict[int, Entry]:
        data = self.cleaned_data
        entries = {}
        for row in self.rows:
            prefix = f"t{row.target.pk}_"
            entries[row.target.pk] = Entry(
                value=data.get(prefix + "value"), numerator=data.get(prefix + "numerator"),
                denominator=data.get(prefix + "denominator"), weight=data.get(prefix + "weight"),
                note=data.get(prefix + "note") or "", files=list(data.get(prefix + "files") or []))
        return entries


class ExplainForm(forms.Form):
    explanation = forms.CharField(label=_("Giải trình"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Ý kiến"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Bắt buộc khi trả lại hoặc mở lại báo cáo."))


class TargetsField(IdMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number}. {obj.name} ({obj.measure})"


class DocumentField(IdChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.symbol} — {obj.title}"


class ScheduleForm(forms.Form):
    name = forms.CharField(label=_("Tên lịch báo cáo"), max_length=200, required=False)
    targets = TargetsField(label=_("Chỉ tiêu phải báo cáo"), queryset=None, required=False,
                           widget=forms.CheckboxSelectMultiple)
    period_kind = forms.ChoiceField(label=_("Loại kỳ báo cáo"), choices=PeriodKind.choices,
                                    initial=PeriodKind.QUARTER)
    reporting_kinds = forms.MultipleChoiceField(
        label=_("Cấp báo cáo"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(k.value, k.label) for k in REPORTING_KINDS])
    starts_on = forms.DateField(label=_("Áp dụng từ ngày"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Áp dụng đến ngày"), widget=DATE_WIDGET)
    due_days = forms.IntegerField(label=_("Hạn nộp (số ngày sau khi hết kỳ)"), min_value=0, max_value=366,
                                  initial=10)
    grace_days = forms.IntegerField(label=_("Số ngày vẫn tính đúng hạn sau hạn nộp"), min_value=0, max_value=366,
                                    initial=0)
    lock_days = forms.IntegerField(label=_("Khóa số liệu sau khi hết kỳ (số ngày)"), min_value=0, max_value=366,
                                   initial=45)

    def __init__(self, *args, targets, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["targets"].queryset = targets
        if documents is not None:
            self.fields = {"document": DocumentField(label=_("Nghị quyết"), queryset=documents,
                                                     empty_label=None), **self.fields}
        for kind in REPORTING_KINDS:
            self.fields[f"due_{kind.value}"] = forms.IntegerField(
                label=gettext("Hạn nộp riêng cho %(kind)s (số ngày)") % {"kind": kind.label},
                min_value=0, max_value=366, required=False)

    @property
    def due_fields(self):
        return [self[f"due_{k.value}"] for k in REPORTING_KINDS]

    @staticmethod
    def initial_for(schedule) -> dict:
        initial = {name: getattr(schedule, name) for name in (
            "name", "period_kind", "reporting_kinds", "starts_on", "ends_on", "due_days", "grace_days", "lock_days")}
        initial["targets"] = [t.pk for t in schedule.targets.all()]
        for kind, days in (schedule.due_days_by_kind or {}).items():
            initial[f"due_{kind}"] = days
        return initial

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("name") or "", "targets": list(data.get("targets") or []),
            "period_kind": data["period_kind"], "reporting_kinds": list(data.get("reporting_kinds") or []),
            "starts_on": data["starts_on"], "ends_on": data["ends_on"], "due_days": data["due_days"],
            "grace_days": data["grace_days"], "lock_days": data["lock_days"],
            "due_days_by_kind": {k.value: data[f"due_{k.value}"] for k in REPORTING_KINDS
                                 if data.get(f"due_{k.value}") is not None},
        }
