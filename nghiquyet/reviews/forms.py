"""Forms of the review pages. They only collect input; the services (``reviews.services``) check and save."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.forms import IdChoiceField
from nghiquyet.org.models import UnitKind
from nghiquyet.reviews.models import ReviewKind, SectionKey
from nghiquyet.reviews.services import COMMENT_MAX_CHARS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: Levels that may be asked for a report, in tree order (the deadline inputs follow it).
LEVELS = [UnitKind.DISTRICT, UnitKind.SECTOR_BLOC, UnitKind.COMMUNE, UnitKind.AGENCY, UnitKind.ENTERPRISE,
          UnitKind.BRANCH]

#: What each narrative section is for (shown under its label).
SECTION_HINTS = {
    SectionKey.RESULTS: _("Kết quả nổi bật trên từng lĩnh vực (kinh tế, văn hóa - xã hội, quốc phòng - an ninh, "
                          "xây dựng Đảng và hệ thống chính trị), dẫn chứng bằng số liệu ở bảng trên."),
    SectionKey.LIMITATIONS: _("Những chỉ tiêu, nhiệm vụ chưa đạt hoặc chậm tiến độ; nêu thẳng thắn, cụ thể."),
    SectionKey.CAUSES_SUBJECTIVE: _("Nguyên nhân từ sự lãnh đạo, chỉ đạo, tổ chức thực hiện của cấp ủy, người "
                                    "đứng đầu, cán bộ, đảng viên."),
    SectionKey.CAUSES_OBJECTIVE: _("Nguyên nhân ngoài tầm của đơn vị: thiên tai, dịch bệnh, thị trường, cơ chế, "
                                   "chính sách."),
    SectionKey.LESSONS: _("Những bài học rút ra từ thực tiễn lãnh đạo thực hiện nghị quyết."),
    SectionKey.SOLUTIONS: _("Nhiệm vụ, giải pháp trọng tâm cho thời gian còn lại của nhiệm kỳ."),
    SectionKey.PROPOSALS: _("Đề xuất, kiến nghị với cấp trên; được tổng hợp vào phụ lục báo cáo của cấp trên, "
                            "ghi rõ đơn vị đề xuất."),
}


def section_field_name(key: str) -> str:
    return f"section_{key}"


class DocumentField(IdChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.symbol} — {obj.title}"


class CampaignForm(forms.Form):
    """A campaign of one opening unit: its deadline inputs are the levels present below that unit."""

    resolution = DocumentField(label=_("Nghị quyết"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Loại"), choices=ReviewKind.choices, initial=ReviewKind.MIDTERM)
    title = forms.CharField(label=_("Tên đợt"), max_length=300, required=False,
                            help_text=_("Để trống: ghép từ loại và nghị quyết."))
    period_start = forms.DateField(label=_("Số liệu từ ngày"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("Số liệu đến ngày"), widget=DATE_WIDGET)
    own_deadline = forms.DateField(label=_("Hạn hoàn thành báo cáo của cấp mình"), widget=DATE_WIDGET)
    conference_date = forms.DateField(label=_("Ngày hội nghị"), widget=DATE_WIDGET, required=False)
    instructions = forms.CharField(label=_("Hướng dẫn"), required=False, max_length=20_000,
                                   widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, documents, levels: list[str], editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = levels
        self.fields["resolution"].queryset = documents
        labels = dict(UnitKind.choices)
        for kind in levels:
            self.fields[f"deadline_{kind}"] = forms.DateField(
                label=_("Hạn nộp của %(level)s") % {"level": labels.get(kind, kind)}, widget=DATE_WIDGET,
                required=False, help_text=_("Để trống nếu cấp này không phải báo cáo."))
        if editing:
            del self.fields["resolution"]
            del self.fields["kind"]

    @property
    def deadline_fields(self):
        return [self[f"deadline_{kind}"] for kind in self.levels]

    def deadlines(self) -> dict:
        return {kind: self.cleaned_data[f"deadline_{kind}"] for kind in self.levels
                if self.cleaned_data.get(f"deadline_{kind}")}

    @classmethod
    def initial_for(cls, campaign) -> dict:
        import datetime as dt

        initial = {name: getattr(campaign, name) for name in (
            "title", "period_start", "period_end", "own_deadline", "conference_date", "instructions")}
        for kind, day in (campaign.deadlines or {}).items():
            try:
                initial[f"deadline_{kind}"] = dt.date.fromisoformat(str(day))
            except ValueError:
                continue
        return initial


class ReportForm(forms.Form):
    """The parts of a review report people write: the narrative sections, the subject line and the recipients."""

    subject = forms.CharField(label=_("Trích yếu"), max_length=500, required=False,
                              help_text=_("Dòng nội dung dưới chữ “BÁO CÁO”; để trống: theo tên đợt."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.NGHIQUYET["REVIEWS"]["NARRATIVE_MAX_CHARS"]
        for key, label in SectionKey.choices:
            self.fields[section_field_name(key)] = forms.CharField(
                label=label, required=False, max_length=limit, strip=False, help_text=SECTION_HINTS.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 6}))
        self.fields["recipients"] = forms.CharField(
            label=_("Nơi nhận"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Mỗi dòng một nơi nhận, ví dụ “- Ban Thường vụ Tỉnh ủy,”."))

    @property
    def section_fields(self):
        return [self[section_field_name(key)] for key in SectionKey.values]

    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(section_field_name(key)) or "" for key in SectionKey.values}

    @classmethod
    def initial_for(cls, report, sections: dict[str, str]) -> dict:
        initial = {section_field_name(key): text for key, text in sections.items()}
        if report is not None:
            initial["subject"] = report.subject
            initial["recipients"] = report.recipients
        return initial


class DecisionForm(forms.Form):
    """Accept or return: the comment is required to return (the browser checks it: the accept button has
    ``formnovalidate``; the service checks it again), at most the service's ``COMMENT_MAX_CHARS``."""

    comment = forms.CharField(label=_("Ý kiến"), required=False, max_length=COMMENT_MAX_CHARS,
                              widget=forms.Textarea(attrs={"rows": 3, "required": True}),
                              help_text=_("Bắt buộc khi trả lại báo cáo."))
