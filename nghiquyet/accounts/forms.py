from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Tên đăng nhập hoặc mật khẩu không đúng."),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Mật khẩu"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Tên gợi nhớ"), max_length=80, required=False)


class PersonForm(forms.Form):
    """Only shapes the input: the rules (trimming, lengths, duplicates) live in the services."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=200,
                                error_messages={"required": _("Nhập họ và tên.")})
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Điện thoại"), max_length=40, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))


class AccountForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150,
                               error_messages={"required": _("Nhập tên đăng nhập.")},
                               widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}))
    password1 = forms.CharField(label=_("Mật khẩu"), strip=False,
                                error_messages={"required": _("Nhập mật khẩu.")},
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Nhập lại mật khẩu"), strip=False,
                                error_messages={"required": _("Nhập lại mật khẩu.")},
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Hai mật khẩu không khớp."))
        return data


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class RoleAssignForm(forms.Form):
    unit = UnitChoiceField(label=_("Tại đơn vị"), queryset=None,
                           error_messages={"required": _("Chọn đơn vị."),
                                           "invalid_choice": _("Đơn vị không hợp lệ hoặc ngoài phạm vi của bạn.")})
    role = forms.ChoiceField(label=_("Vai trò"), choices=(),
                             error_messages={"required": _("Chọn vai trò."),
                                             "invalid_choice": _("Vai trò không hợp lệ.")})

    def __init__(self, *args, units, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["role"].choices = [("", "—")] + list(roles)
