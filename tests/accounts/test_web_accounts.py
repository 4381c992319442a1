"""Login, logout, home page, API tokens page, throttling, CSP and CSRF."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from nghiquyet.accounts.models import ApiToken
from nghiquyet.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _login(client, username="demo-xa", password="nghiquyet-demo", **extra):
    return client.post("/dang-nhap/", {"username": username, "password": password, **extra})


def test_login_page_in_vietnamese(client):
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đăng nhập" in text and "Tên đăng nhập" in text and "Mật khẩu" in text
    assert response["Content-Language"] == "vi"


def test_login_and_logout(client, demo):
    response = _login(client)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and demo.commune.name in home.content.decode()
    # Logout is a POST (a link could be triggered by a third party).
    assert client.get("/dang-xuat/").status_code == 405
    response = client.post("/dang-xuat/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_login_respects_safe_next_only(client, demo):
    assert _login(client, next="/nhat-ky/")["Location"] == "/nhat-ky/"
    client.post("/dang-xuat/")
    assert _login(client, next="https://evil.example/")["Location"] == "/"


def test_wrong_password_shows_vietnamese_error_and_keeps_username(client, demo):
    response = _login(client, password="sai")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text
    assert 'value="demo-xa"' in text
    assert "_auth_user_id" not in client.session


def test_empty_login_form_shows_field_errors(client):
    response = client.post("/dang-nhap/", {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.content.decode().count('class="error"') >= 2


def test_web_login_is_throttled(client, demo, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, password="sai").status_code == 200
    locked = _login(client, password="sai")
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    # The right password does not get through while locked out.
    right = _login(client)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_inactive_user_cannot_log_in(client, demo):
    demo.xa.is_active = False
    demo.xa.save()
    assert _login(client).status_code == 200
    assert "_auth_user_id" not in client.session


def test_authenticated_user_visiting_login_is_redirected(client, demo):
    client.force_login(demo.xa)
    assert client.get("/dang-nhap/").status_code == 302


# ------------------------------------------------------------------ home


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("who,visible,hidden", [
    ("xa", "commune", "commune2"), ("xa2", "commune2", "commune"), ("chibo", "branch", "commune2"),
])
def test_home_per_user(client, demo, who, visible, hidden):
    client.force_login(getattr(demo, who))
    text = client.get("/").content.decode()
    assert getattr(demo, visible).name in text
    assert getattr(demo, hidden).name not in text


def test_home_of_province_staff(client, demo):
    client.force_login(demo.tinh)
    text = client.get("/").content.decode()
    assert demo.province.name in text and "Văn phòng cấp ủy" in text


def test_home_without_roles(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="moi", password=None))
    text = client.get("/").content.decode()
    assert "chưa được giao vai trò" in text


def test_home_query_count(client, demo, django_assert_max_num_queries):
    client.force_login(demo.tinh)
    client.get("/")
    with django_assert_max_num_queries(12):
        assert client.get("/").status_code == 200


# ------------------------------------------------------------------ tokens page


def test_tokens_page_creates_token_shown_once(client, demo):
    client.force_login(demo.xa)
    assert client.get("/tai-khoan/ma-truy-cap/").status_code == 200
    response = client.post("/tai-khoan/ma-truy-cap/", {"name": "Điện thoại"})
    assert response.status_code == 200
    raw = re.search(r"nq_[A-Za-z0-9_-]{20,}", response.content.decode()).group(0)
    token = ApiToken.objects.get(user=demo.xa, name="Điện thoại")
    assert token.digest == ApiToken.digest_of(raw) and raw.startswith(token.prefix)
    assert "chỉ hiển thị một lần" in response.content.decode()
    # Shown once: the list afterwards has only the prefix.
    again = client.get("/tai-khoan/ma-truy-cap/").content.decode()
    assert raw not in again and token.prefix in again
    # The new token works against the API.
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert AuditEvent.objects.filter(object_repr__startswith=token.prefix, action="create").exists()


def test_tokens_page_rejects_too_long_name(client, demo):
    client.force_login(demo.xa)
    response = client.post("/tai-khoan/ma-truy-cap/", {"name": "x" * 81})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not ApiToken.objects.filter(user=demo.xa).exists()


def test_revoke_token_with_confirmation(client, demo):
    client.force_login(demo.xa)
    client.post("/tai-khoan/ma-truy-cap/", {"name": "cũ"})
    token = ApiToken.objects.get(user=demo.xa, name="cũ")
    page = client.get("/tai-khoan/ma-truy-cap/").content.decode()
    assert f'action="/tai-khoan/ma-truy-cap/{token.pk}/thu-hoi/"' in page
    assert "data-confirm=" in page  # app.js asks before the form is sent
    url = f"/tai-khoan/ma-truy-cap/{token.pk}/thu-hoi/"
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and not token.is_usable
    assert "Đã thu hồi" in client.get("/tai-khoan/ma-truy-cap/").content.decode()


def test_cannot_revoke_someone_elses_token(client, demo):
    client.force_login(demo.xa2)
    client.post("/tai-khoan/ma-truy-cap/", {"name": "của xa2"})
    token = ApiToken.objects.get(user=demo.xa2)
    client.force_login(demo.xa)
    assert client.post(f"/tai-khoan/ma-truy-cap/{token.pk}/thu-hoi/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token.prefix not in client.get("/tai-khoan/ma-truy-cap/").content.decode()


def test_tokens_page_requires_login(client):
    assert client.get("/tai-khoan/ma-truy-cap/").status_code == 302


# ------------------------------------------------------------------ headers, CSRF


def test_csp_and_security_headers(client):
    response = client.get("/dang-nhap/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_inline_scripts_or_styles_in_pages(client, demo):
    client.force_login(demo.xa)
    for url in ("/", "/tai-khoan/ma-truy-cap/", "/nhat-ky/"):
        text = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), url
        assert " style=" not in text, url


def test_csrf_enforced_on_posts(demo):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/dang-nhap/", {"username": "demo-xa", "password": "nghiquyet-demo"}).status_code == 403
    client.force_login(demo.xa)
    assert client.post("/tai-khoan/ma-truy-cap/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(user=demo.xa).exists()
    assert client.post("/dang-xuat/").status_code == 403
    # With the token from the form, it goes through.
    page = client.get("/tai-khoan/ma-truy-cap/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post("/tai-khoan/ma-truy-cap/", {"name": "x", "csrfmiddlewaretoken": csrf}).status_code == 200
    assert ApiToken.objects.filter(user=demo.xa).exists()


def test_api_token_endpoint_needs_no_csrf(demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/auth/token", {"username": "demo-xa", "password": "nghiquyet-demo"},
                           content_type="application/json")
    assert response.status_code == 200
