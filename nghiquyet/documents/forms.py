from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nghiquyet.core.forms import IdChoiceField

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class RegisterForm(forms.Form):
    """Register a document issued outside the app (its file) and give it the next number."""

    unit = IdChoiceField(label=_("Cơ quan ban hành"), queryset=None, empty_label=None)
    type_code = forms.ChoiceField(label=_("Loại văn bản"), choices=())
    issued_on = forms.DateField(label=_("Ngày ban hành"), **DATE_WIDGET)
    title = forms.CharField(label=_("Trích yếu"), max_length=500,
                            widget=forms.TextInput(attrs={"placeholder": _("Báo cáo kết quả ...")}))
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False,
                                   initial="Bí thư")
    recipients = forms.CharField(label=_("Nơi nhận"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Tệp văn bản"), required=False,
                           help_text=_("Tệp .docx, .pdf, .doc, .xlsx hoặc .odt đã ký, tối đa theo cấu hình."))
    # The number shown on the form when it was sent (a preview; the register may have moved on meanwhile).
    expected = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    #: Fields whose change updates the number preview (htmx).
    PREVIEW_FIELDS = ("unit", "type_code", "issued_on")

    def __init__(self, *args, units, preview_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["type_code"].choices = [(code, f"{label} ({code})")
                                            for code, label in settings.NGHIQUYET["DOCUMENT_TYPES"].items()]
        self.fields["issued_on"].initial = timezone.localdate()
        extensions = settings.NGHIQUYET["DOCUMENTS"].get("UPLOAD_EXTENSIONS", [])
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in extensions)
        self.fields["file"].help_text = _("Tệp %(types)s, tối đa %(mb)s MB.") % {
            "types": ", ".join(f".{e}" for e in extensions), "mb": settings.NGHIQUYET["DOCUMENTS"]["MAX_UPLOAD_MB"]}
        if preview_url:
            for name in self.PREVIEW_FIELDS:
                self.fields[name].widget.attrs.update({
                    "hx-get": preview_url, "hx-trigger": "change", "hx-target": "#number-preview",
                    "hx-swap": "outerHTML", "hx-include": "[name=unit],[name=type_code],[name=issued_on]"})


class EditForm(forms.Form):
    """Correct an entry's details (never its number, type or unit)."""

    title = forms.CharField(label=_("Trích yếu"), max_length=500)
    issued_on = forms.DateField(label=_("Ngày ban hành"), help_text=_("Trong cùng nhiệm kỳ của số văn bản."),
                                **DATE_WIDGET)
    signer_name = forms.CharField(label=_("Người ký"), max_length=200, required=False)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=200, required=False)
    recipients = forms.CharField(label=_("Nơi nhận"), required=False, max_length=5000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Thay tệp văn bản"), required=False,
                           help_text=_("Để trống nếu giữ tệp hiện có."))

    def __init__(self, *args, replace_file: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not replace_file:
            del self.fields["file"]
        else:
            extensions = settings.NGHIQUYET["DOCUMENTS"].get("UPLOAD_EXTENSIONS", [])
            self.fields["file"].widget.attrs["accept"] = ",".join(f".{e}" for e in extensions)


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Lý do thu hồi"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Số văn bản vẫn giữ trong sổ, không cấp lại cho văn bản khác."))
