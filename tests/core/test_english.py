"""English is available through Django i18n: the compiled catalogue is shipped and used."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_login_page_in_english_when_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/dang-nhap/").content.decode()
    assert 'lang="en"' in body and "Username" in body and "Tên đăng nhập" not in body


def test_pages_in_english_for_a_signed_in_user(client, demo):
    client.force_login(demo.xa)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    home = client.get("/").content.decode()
    assert "My tasks" in home and "Home" in home and "Việc của tôi" not in home
    assert "Log out" in home or "Sign out" in home
    # Data stays as entered: unit names are Vietnamese in both languages.
    assert demo.commune.name in home


def test_vietnamese_by_default(client, demo):
    client.force_login(demo.xa)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in home and "Việc của tôi" in home
