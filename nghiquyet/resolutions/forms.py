"""Forms of the resolution pages. They only collect input; the services validate and save."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.forms import IdChoiceField, IdMultipleChoiceField, VNDecimalField
from nghiquyet.core.ids import MAX_ID
from nghiquyet.resolutions.models import Aggregation, Direction, Domain, ItemKind, Target

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class UnitChoiceField(IdChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class DocumentForm(forms.Form):
    unit = UnitChoiceField(label=_("Cơ quan ban hành"), queryset=None, empty_label=None)
    symbol = forms.CharField(label=_("Số, ký hiệu"), max_length=40,
                             help_text=_("Ví dụ: 58-NQ/TW, 01-NQ/ĐU (không có dấu hai chấm)."))
    issued_on = forms.DateField(label=_("Ngày ban hành"), **DATE_WIDGET)
    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    term = IdChoiceField(label=_("Nhiệm kỳ"), queryset=None, required=False,
                                  empty_label=_("— Không gắn nhiệm kỳ —"))
    is_congress_resolution = forms.BooleanField(label=_("Nghị quyết đại hội"), required=False)
    implements = IdMultipleChoiceField(label=_("Thực hiện văn bản cấp trên"), queryset=None,
                                       required=False, widget=forms.CheckboxSelectMultiple)
    full_text = forms.CharField(label=_("Toàn văn"), required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, units, terms, above, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["term"].queryset = terms
        self.fields["term"].label_from_instance = lambda t: f"{t.label} — {t.unit.name}"
        self.fields["implements"].queryset = above
        self.fields["implements"].label_from_instance = lambda d: f"{d.symbol} — {d.title}"


class DocumentEditForm(DocumentForm):
    """Correcting a document: everything but the issuing unit."""

    def __init__(self, *args, document, **kwargs):
        kwargs.setdefault("initial", {
            "symbol": document.symbol, "issued_on": document.issued_on, "title": document.title,
            "term": document.term_id, "is_congress_resolution": document.is_congress_resolution,
            "implements": [d.pk for d in document.implements.all()], "full_text": document.full_text,
        })
        super().__init__(*args, **kwargs)
        del self.fields["unit"]


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại nội dung"), choices=ItemKind.choices)
    number = forms.CharField(label=_("Số thứ tự"), max_length=10, required=False)
    title = forms.CharField(label=_("Nội dung"), max_length=500, required=False)
    description = forms.CharField(label=_("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TargetForm(forms.Form):
    """A target with one milestone field per year of the document's term (``milestone_<year>``)."""

    number = forms.CharField(label=_("Số thứ tự"), max_length=10, required=False)
    name = forms.CharField(label=_("Tên chỉ tiêu"), max_length=300, required=False)
    domain = forms.ChoiceField(label=_("Lĩnh vực"), choices=Domain.choices)
    measure = forms.CharField(label=_("Đơn vị tính"), max_length=40, required=False)
    baseline_year = forms.IntegerField(label=_("Năm gốc"), required=False, min_value=1930, max_value=2200)
    baseline_value = VNDecimalField(label=_("Giá trị năm gốc"), required=False)
    target_value = VNDecimalField(label=_("Mục tiêu cuối nhiệm kỳ"), required=False)
    direction = forms.ChoiceField(label=_("Chiều đánh giá"), choices=Direction.choices)
    aggregation = forms.ChoiceField(label=_("Cách tổng hợp lên cấp trên"), choices=Aggregation.choices,
                                    initial=Aggregation.NONE)
    weight_name = forms.CharField(label=_("Trọng số"), max_length=80, required=False,
                                  help_text=_("Cho bình quân gia quyền, ví dụ: dân số."))
    numerator_name = forms.CharField(label=_("Tử số"), max_length=120, required=False)
    denominator_name = forms.CharField(label=_("Mẫu số"), max_length=120, required=False)
    threshold = VNDecimalField(label=_("Ngưỡng đạt"), required=False)
    criteria_total = forms.IntegerField(label=_("Tổng số tiêu chí"), required=False, min_value=1, max_value=1000,
                                        help_text=_("Cho chỉ tiêu dạng bộ tiêu chí, ví dụ 19 tiêu chí nông thôn mới."))

    FIELDS = ["number", "name", "domain", "measure", "baseline_year", "baseline_value", "target_value",
              "direction", "aggregation", "weight_name", "numerator_name", "denominator_name", "threshold",
              "criteria_total"]

    def __init__(self, *args, years=(), target: Target | None = None, **kwargs):
        if target is not None and "initial" not in kwargs:
            initial = {name: getattr(target, name) for name in self.FIELDS}
            initial.update({f"milestone_{m.year}": m.value for m in target.milestones.all()})
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.years = list(years)
        for year in self.years:
            self.fields[f"milestone_{year}"] = VNDecimalField(label=_("Mốc năm %(y)s") % {"y": year},
                                                              required=False)

    @property
    def milestone_fields(self):
        return [self[f"milestone_{year}"] for year in self.years]

    @property
    def main_fields(self):
        return [self[name] for name in self.FIELDS]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {name: data.get(name) for name in self.FIELDS}
        for name in ("number", "name", "measure", "weight_name", "numerator_name", "denominator_name"):
            values[name] = values[name] or ""
        return values

    def milestones(self) -> dict:
        return {year: self.cleaned_data[f"milestone_{year}"] for year in self.years
                if self.cleaned_data.get(f"milestone_{year}") is not None}


_DESTINATION = re.compile(r"([ti])([0-9]{1,18})", re.ASCII)


class AlignmentForm(forms.Form):
    """Link up to a superior's target ("t<id>") or item ("i<id>")."""

    destination = forms.CharField(label=_("Liên kết với (chỉ tiêu, nội dung của cấp trên)"),
                                  widget=forms.Select)

    def __init__(self, *args, targets=(), items=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— Chọn —"))]
        choices += [(f"t{t.pk}", f"{t.unit.name} · {t.document.symbol} · {_('Chỉ tiêu')} {t.number}: {t.name}")
                    for t in targets]
        choices += [(f"i{i.pk}", f"{i.document.unit.name} · {i.document.symbol} · {i.get_kind_display()} "
                                 f"{i.number}: {i.title}") for i in items]
        self.fields["destination"].widget.choices = choices

    def clean_destination(self):
        value = self.cleaned_data["destination"]
        match = _DESTINATION.fullmatch(value)
        number = int(match[2]) if match else 0
        if not 1 <= number <= MAX_ID:
            raise forms.ValidationError(_("Chọn chỉ tiêu hoặc nội dung cần liên kết."))
        return match[1], number


class CopyDownForm(forms.Form):
    destination = IdChoiceField(label=_("Sao chép vào văn bản"), queryset=None,
                                empty_label=_("— Chọn văn bản của đơn vị mình —"))
    sources = IdMultipleChoiceField(label=_("Các chỉ tiêu sao chép"), queryset=None,
                                    widget=forms.CheckboxSelectMultiple,
                                    error_messages={"required": _("Chọn ít nhất một chỉ tiêu.")})

    def __init__(self, *args, destinations, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = destinations
        self.fields["destination"].label_from_instance = lambda d: f"{d.symbol} — {d.unit.name}: {d.title}"
        self.fields["sources"].queryset = sources
        self.fields["sources"].label_from_instance = lambda t: f"{t.number}. {t.name}"


class ItemLinkForm(AlignmentForm):
    """Link one of a document's objectives, key programs or breakthroughs up to a superior's target or item."""

    item = IdChoiceField(label=_("Nội dung của văn bản này"), queryset=None, empty_label=_("— Chọn —"))

    field_order = ["item", "destination"]

    def __init__(self, *args, own_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = own_items
        self.fields["item"].label_from_instance = lambda i: f"{i.get_kind_display()} {i.number}: {i.title}"
        self.order_fields(self.field_order)


# ------------------------------------------------------------------ terms, congresses, attachments

DATE_ERRORS = {"invalid": _("Nhập ngày đúng dạng ngày/tháng/năm.")}


class CongressForm(forms.Form):
    """The congress that opened a term. Every field is optional on the form; the service says what is missing."""

    ordinal = forms.CharField(label=_("Đại hội lần thứ"), max_length=40, required=False,
                              help_text=_("Số La Mã hoặc số, ví dụ XXII hoặc 35."))
    held_from = forms.DateField(label=_("Khai mạc ngày"), required=False, error_messages=DATE_ERRORS, **DATE_WIDGET)
    held_to = forms.DateField(label=_("Bế mạc ngày"), required=False, error_messages=DATE_ERRORS, **DATE_WIDGET)

    def congress_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ("ordinal", "held_from", "held_to")}


class TermForm(CongressForm):
    """A new term, and optionally the congress that opened it (filled in when any congress field is)."""

    start_year = forms.CharField(label=_("Năm bắt đầu"), max_length=10, required=False)
    end_year = forms.CharField(label=_("Năm kết thúc"), max_length=10, required=False)

    field_order = ["start_year", "end_year", "ordinal", "held_from", "held_to"]

    def has_congress(self) -> bool:
        return any(self.data.get(name, "").strip() for name in ("ordinal", "held_from", "held_to"))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Tệp đính kèm"), required=False)
    title = forms.CharField(label=_("Mô tả (không bắt buộc)"), max_length=255, required=False,
                            help_text=_("Ví dụ: Toàn văn nghị quyết đã ký, Phụ lục chỉ tiêu."))

    def __init__(self, *args, **kwargs):
        from nghiquyet.core.files import ALLOWED_TYPES, max_upload_bytes

        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.widget.attrs["accept"] = ",".join(f".{ext}" for ext in ALLOWED_TYPES)
        field.help_text = _("Nhận tệp %(types)s, tối đa %(mb)d MB.") % {
            "types": ", ".join(ALLOWED_TYPES), "mb": max_upload_bytes() // (1024 * 1024)}


# ------------------------------------------------------------------ target adjustments


class AdjustmentProposeForm(forms.Form):
    """A proposal to change a target: which value (the term target or one year's milestone), to what, why."""

    unit = UnitChoiceField(label=_("Đơn vị đề xuất"), queryset=None, empty_label=None)
    what = forms.ChoiceField(label=_("Nội dung điều chỉnh"))
    new_value = VNDecimalField(label=_("Giá trị đề xuất"), max_digits=24, decimal_places=6)
    reason = forms.CharField(label=_("Lý do điều chỉnh"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("Nguyên nhân khách quan, chủ quan; căn cứ đề xuất."))
    proposed_on = forms.DateField(label=_("Ngày đề xuất (ngày tờ trình)"), **DATE_WIDGET)

    def __init__(self, *args, units, choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["what"].choices = choices

    def values(self) -> dict:
        """``field`` and ``year`` for ``adjustment_propose`` from the chosen "term_target" or "milestone-2026"."""
        what = self.cleaned_data["what"]
        field, _sep, year = what.partition("-")
        return {"unit": self.cleaned_data["unit"], "field": field, "year": int(year) if year else None,
                "new_value": self.cleaned_data["new_value"], "reason": self.cleaned_data["reason"],
                "proposed_on": self.cleaned_data["proposed_on"]}


class AdjustmentDecisionForm(forms.Form):
    OUTCOMES = (("approve", _("Phê duyệt điều chỉnh")), ("reject", _("Không phê duyệt")))

    outcome = forms.ChoiceField(label=_("Quyết định"), choices=OUTCOMES, widget=forms.RadioSelect)
    decision_number = forms.CharField(label=_("Số, ký hiệu quyết định"), max_length=80,
                                      help_text=_("Ví dụ: 215-QĐ/TU, 36-QĐ/ĐU."))
    decision_date = forms.DateField(label=_("Ngày quyết định"), **DATE_WIDGET)
    effective_from = forms.DateField(label=_("Áp dụng từ ngày"), required=False,
                                     help_text=_("Khi phê duyệt: số liệu các kỳ kết thúc từ ngày này được đánh giá "
                                                 "theo giá trị mới."), **DATE_WIDGET)
    note = forms.CharField(label=_("Ý kiến của cấp ủy"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Bắt buộc khi không phê duyệt."))
