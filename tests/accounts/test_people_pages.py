"""People, login accounts and role assignments in the web app (issue 2 §3)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from nghiquyet.accounts.models import Person, RoleAssignment
from nghiquyet.accounts.roles import DEFAULT_ROLE_PERMISSIONS, Perm, Role
from nghiquyet.accounts.services import person_create, role_assign
from nghiquyet.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Hoa-sen-nở-2025!"


def _person(demo, **extra):
    values = {"full_name": "Đặng Thị Hoà", "position": "Chuyên viên", "unit": demo.branch}
    values.update(extra)
    return person_create(actor=None, **values)


def _viewer(demo):
    """A user who sees the commune but may not change people there."""
    user = get_user_model().objects.create_user(username="xem-xa", password=GOOD_PASSWORD)
    role_assign(actor=None, user=user, unit=demo.commune, role=Role.VIEWER)
    return user


# ------------------------------------------------------------------ list and search


def test_people_list_renders_with_positions_accounts_and_roles(client, demo):
    client.force_login(demo.xa)
    response = client.get(f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Cán bộ và vai trò" in text
    assert "demo-xa" in text and "demo-chibo" in text          # accounts of the subtree
    assert "Văn phòng cấp ủy" in text and "Bí thư" in text     # their roles
    assert f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/them/" in text


def test_unit_detail_links_to_people_page(client, demo):
    client.force_login(demo.xa)
    text = client.get(f"/don-vi/{demo.commune.pk}/").content.decode()
    assert f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/" in text


def test_search_ignores_diacritics_and_covers_the_subtree(client, demo):
    person = _person(demo)
    client.force_login(demo.xa)
    url = f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/"
    for query in ("dang thi hoa", "ĐẶNG hoà", "chuyen vien hoa"):
        text = client.get(url, {"q": query}).content.decode()
        assert f"/tai-khoan/can-bo/{person.pk}/" in text, query
    text = client.get(url, {"q": "dang thi hoa khong co"}).content.decode()
    assert "Không tìm thấy cán bộ nào." in text


def test_people_list_is_paginated_and_query_count_is_pinned(client, demo, django_assert_num_queries, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 5}
    for i in range(12):
        person = _person(demo, full_name=f"Cán bộ thử {i:02d}")
        if i % 3 == 0:
            user = get_user_model().objects.create_user(username=f"thu-{i}", password=None)
            person.user = user
            person.save(update_fields=["user"])
            role_assign(actor=None, user=user, unit=demo.branch, role=Role.ADVISOR)
    client.force_login(demo.xa)
    url = f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/"
    client.get(url)  # warm caches (content types, session)
    with django_assert_num_queries(10):
        response = client.get(url, {"q": "can bo thu", "page": 2})
    assert response.status_code == 200
    assert "Trang 2/3" in response.content.decode()
    with django_assert_num_queries(10):
        assert client.get(url, {"page": 1}).status_code == 200


# ------------------------------------------------------------------ scope: 404 outside, 403 without the right


def test_other_commune_is_not_found(client, demo):
    person = _person(demo)
    assignment = RoleAssignment.objects.get(user=demo.chibo, unit=demo.branch)
    client.force_login(demo.xa2)
    for url in (f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/", f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/them/",
                f"/tai-khoan/can-bo/{person.pk}/", f"/tai-khoan/can-bo/{person.pk}/sua/",
                f"/tai-khoan/can-bo/{person.pk}/tai-khoan/", f"/tai-khoan/vai-tro/{assignment.pk}/thu-hoi/"):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, {"full_name": "X", "role": Role.SECRETARY, "unit": demo.commune2.pk}).status_code == 404
    assert client.post(f"/tai-khoan/can-bo/{person.pk}/vai-tro/",
                       {"role": Role.SECRETARY, "unit": demo.commune2.pk}).status_code == 404
    person.refresh_from_db()
    assert person.full_name == "Đặng Thị Hoà"
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert client.get("/tai-khoan/can-bo/99999999999999999999/").status_code == 404


def test_demo_chibo_manages_its_branch_only(client, demo):
    client.force_login(demo.chibo)
    assert client.get(f"/tai-khoan/don-vi/{demo.branch.pk}/can-bo/").status_code == 200
    assert client.get(f"/tai-khoan/don-vi/{demo.branch.pk}/can-bo/them/").status_code == 200
    assert client.get(f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/").status_code == 404
    assert client.get(f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/them/").status_code == 404


def test_visible_but_not_allowed_is_forbidden(client, demo):
    person = _person(demo)
    user = get_user_model().objects.create_user(username="da-co-tk", password=None)
    with_account = _person(demo, full_name="Có Tài Khoản", user=user)
    assignment = role_assign(actor=None, user=user, unit=demo.branch, role=Role.VIEWER)
    client.force_login(_viewer(demo))
    list_page = client.get(f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/")
    assert list_page.status_code == 200
    assert "Thêm cán bộ" not in list_page.content.decode()
    detail = client.get(f"/tai-khoan/can-bo/{with_account.pk}/").content.decode()
    assert "Giao vai trò" not in detail and "Thu hồi" not in detail
    for url in (f"/tai-khoan/don-vi/{demo.commune.pk}/can-bo/them/", f"/tai-khoan/can-bo/{person.pk}/sua/",
                f"/tai-khoan/can-bo/{person.pk}/tai-khoan/", f"/tai-khoan/vai-tro/{assignment.pk}/thu-hoi/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"full_name": "Đổi", "username": "x", "password1": GOOD_PASSWORD,
                                 "password2": GOOD_PASSWORD}).status_code == 403, url
    assert client.post(f"/tai-khoan/can-bo/{with_account.pk}/vai-tro/",
                       {"role": Role.SECRETARY, "unit": demo.branch.pk}).status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert not RoleAssignment.objects.filter(user=user, role=Role.SECRETARY).exists()
    assert not Person.objects.filter(full_name="Đổi").exists()


# ------------------------------------------------------------------ add and edit


def test_add_person_with_bad_input_is_reshown_and_nothing_saved(client, demo):
    client.force_login(demo.xa)
    url = f"/tai-khoan/don-vi/{demo.branch.pk}/can-bo/them/"
    before = Person.objects.count()
    response = client.post(url, {"full_name": "   ", "position": "Bí thư", "email": "khong-hop-le"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nhập họ và tên." in text
    assert 'value="Bí thư"' in text
    response = client.post(url, {"full_name": "Trần Văn Nam", "email": "khong-hop-le"})
    assert "Địa chỉ thư điện tử không hợp lệ." in response.content.decode()
    _person(demo)
    before = Person.objects.count()
    response = client.post(url, {"full_name": "Đặng  Thị Hoà", "position": "Chuyên viên"})
    assert "đã có với chức vụ này ở đơn vị" in response.content.decode()
    assert Person.objects.count() == before


def test_add_and_edit_person_is_audited(client, demo):
    client.force_login(demo.xa)
    response = client.post(f"/tai-khoan/don-vi/{demo.branch.pk}/can-bo/them/",
                           {"full_name": " Trần  Văn Nam ", "position": "Phó Bí thư", "phone": "0912 345 678"})
    person = Person.objects.get(full_name="Trần Văn Nam")
    assert response.status_code == 302 and response["Location"] == f"/tai-khoan/can-bo/{person.pk}/"
    assert person.unit == demo.branch and person.position == "Phó Bí thư"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(person.pk)).exists()

    url = f"/tai-khoan/can-bo/{person.pk}/sua/"
    assert 'value="Trần Văn Nam"' in client.get(url).content.decode()
    response = client.post(url, {"full_name": "", "position": "Bí thư"})
    assert "Nhập họ và tên." in response.content.decode()
    person.refresh_from_db()
    assert person.position == "Phó Bí thư"
    response = client.post(url, {"full_name": "Trần Văn Nam", "position": "Bí thư", "email": "nam@example.vn"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.position == "Bí thư" and person.email == "nam@example.vn"
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(person.pk)).latest("pk")
    assert event.changes["position"] == ["Phó Bí thư", "Bí thư"]


# ------------------------------------------------------------------ login accounts


def test_create_account_validates_and_refuses_duplicates(client, demo):
    person = _person(demo)
    client.force_login(demo.xa)
    url = f"/tai-khoan/can-bo/{person.pk}/tai-khoan/"
    users = get_user_model().objects.count()
    text = client.post(url, {"username": "hoa.dt", "password1": GOOD_PASSWORD, "password2": "khac"}).content.decode()
    assert "Hai mật khẩu không khớp." in text and 'value="hoa.dt"' in text
    text = client.post(url, {"username": "hoa.dt", "password1": "1234", "password2": "1234"}).content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in text and "Mật khẩu không được chỉ gồm chữ số." in text
    assert "This password" not in text
    text = client.post(url, {"username": "DEMO-XA", "password1": GOOD_PASSWORD,
                             "password2": GOOD_PASSWORD}).content.decode()
    assert "đã có người dùng" in text
    text = client.post(url, {"username": "hoà", "password1": GOOD_PASSWORD,
                             "password2": GOOD_PASSWORD}).content.decode()
    assert "chữ không dấu" in text
    assert get_user_model().objects.count() == users
    person.refresh_from_db()
    assert person.user is None

    response = client.post(url, {"username": "hoa.dt", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user.username == "hoa.dt" and person.user.check_password(GOOD_PASSWORD)
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(person.pk)).exists()
    # A second account for the same person is refused.
    assert client.get(url).status_code == 302
    client.post(url, {"username": "hoa.dt2", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert not get_user_model().objects.filter(username="hoa.dt2").exists()


# ------------------------------------------------------------------ roles


def _person_with_account(client, demo):
    person = _person(demo)
    client.post(f"/tai-khoan/can-bo/{person.pk}/tai-khoan/",
                {"username": "hoa.dt", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    person.refresh_from_db()
    assert person.user is not None
    return person


def test_role_assignment_changes_what_the_person_sees_and_revoke_asks_first(client, demo):
    client.force_login(demo.xa)
    person = _person_with_account(client, demo)
    them = Client()
    assert them.post("/dang-nhap/", {"username": "hoa.dt", "password": GOOD_PASSWORD}).status_code == 302
    assert them.get(f"/don-vi/{demo.branch.pk}/").status_code == 404

    detail = client.get(f"/tai-khoan/can-bo/{person.pk}/").content.decode()
    assert "Giao vai trò" in detail
    response = client.post(f"/tai-khoan/can-bo/{person.pk}/vai-tro/", {"role": Role.VIEWER, "unit": demo.branch.pk})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=person.user, unit=demo.branch, role=Role.VIEWER)
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(assignment.pk)).exists()
    assert them.get(f"/don-vi/{demo.branch.pk}/").status_code == 200
    assert them.get(f"/don-vi/{demo.commune.pk}/").status_code == 404

    detail = client.get(f"/tai-khoan/can-bo/{person.pk}/").content.decode()
    assert f'action="/tai-khoan/vai-tro/{assignment.pk}/thu-hoi/"' in detail and "data-confirm=" in detail
    confirm = client.get(f"/tai-khoan/vai-tro/{assignment.pk}/thu-hoi/")
    assert confirm.status_code == 200 and "Thu hồi vai trò" in confirm.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()  # GET changes nothing
    response = client.post(f"/tai-khoan/vai-tro/{assignment.pk}/thu-hoi/")
    assert response.status_code == 302 and response["Location"] == f"/tai-khoan/can-bo/{person.pk}/"
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(assignment.pk)).exists()
    assert them.get(f"/don-vi/{demo.branch.pk}/").status_code == 404


def test_role_assignment_bad_input_and_units_outside_scope(client, demo):
    client.force_login(demo.xa)
    person = _person_with_account(client, demo)
    url = f"/tai-khoan/can-bo/{person.pk}/vai-tro/"
    for data, message in (({"role": "", "unit": demo.branch.pk}, "Chọn vai trò."),
                          ({"role": "emperor", "unit": demo.branch.pk}, "Vai trò không hợp lệ."),
                          ({"role": Role.VIEWER, "unit": demo.commune2.pk}, "ngoài phạm vi của bạn"),
                          ({"role": Role.VIEWER, "unit": demo.province.pk}, "ngoài phạm vi của bạn")):
        response = client.post(url, data)
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not RoleAssignment.objects.filter(user=person.user).exists()
    # Only units the actor may change are offered.
    detail = client.get(f"/tai-khoan/can-bo/{person.pk}/").content.decode()
    assert f'value="{demo.branch.pk}"' in detail and f'value="{demo.commune2.pk}"' not in detail
    assert f'value="{demo.province.pk}"' not in detail


def test_cannot_grant_a_role_above_ones_own(client, demo, settings):
    perms = {role: set(p) for role, p in DEFAULT_ROLE_PERMISSIONS.items()}
    perms[Role.OFFICE_STAFF] = {Perm.PERSON_CHANGE, Perm.TASK_PROGRESS}
    settings.NGHIQUYET_ROLE_PERMISSIONS = perms
    client.force_login(demo.xa)
    person = _person_with_account(client, demo)
    url = f"/tai-khoan/can-bo/{person.pk}/vai-tro/"
    response = client.post(url, {"role": Role.SECRETARY, "unit": demo.branch.pk})
    assert response.status_code == 400 and "nhiều quyền hơn" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=person.user).exists()
    assert client.post(url, {"role": Role.ADVISOR, "unit": demo.branch.pk}).status_code == 302
    assert RoleAssignment.objects.filter(user=person.user, role=Role.ADVISOR).exists()
