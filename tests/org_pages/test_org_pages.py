"""Organization pages: tree browser, search, unit page, htmx children, reorganization with preview, edit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.accounts.roles import Role
from nghiquyet.audit.models import AuditEvent
from nghiquyet.org.models import Reorganization, Unit, UnitKind, UnitSuccession, UnitVersion
from nghiquyet.org.services import unit_create

pytestmark = pytest.mark.django_db

DECISION = "Quyết định 321-QĐ/TW"


def yesterday() -> str:
    return (timezone.localdate() - dt.timedelta(days=1)).isoformat()


def counts() -> tuple[int, int, int, int, int]:
    return (Unit.objects.count(), UnitVersion.objects.count(), Reorganization.objects.count(),
            UnitSuccession.objects.count(), AuditEvent.objects.count())


def active_branches(parent: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=parent, kind=UnitKind.BRANCH, valid_to__isnull=True).order_by("name"))


def former_communes(commune: Unit) -> list[Unit]:
    return list(Unit.objects.filter(successor_links__successor=commune, kind=UnitKind.COMMUNE).order_by("name"))


@pytest.fixture
def viewer(demo):
    user = get_user_model().objects.create_user("viewer-xa", password="x")
    RoleAssignment.objects.create(user=user, unit=demo.commune, role=Role.VIEWER)
    return user


def h1(response) -> str:
    match = re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S)
    return match.group(1).strip() if match else ""


def link_re(unit: Unit) -> re.Pattern:
    return re.compile(rf'<a href="/don-vi/{unit.pk}/">{re.escape(unit.name)}</a>')


# --------------------------------------------------------------------------- tree browser and search


def test_tree_browser_shows_the_users_roots_with_child_counts(client, demo):
    client.force_login(demo.xa)
    response = client.get(reverse("unit_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert link_re(demo.commune).search(html)
    assert demo.commune2.name not in html
    n = Unit.objects.filter(parent=demo.commune, valid_to__isnull=True).count()
    assert f"{n} đơn vị trực thuộc" in html
    # The expand link works with htmx and without it.
    url = reverse("unit_children", args=[demo.commune.pk])
    assert f'href="{url}"' in html and f'hx-get="{url}"' in html
    # The province above is shown as path text only, never as a link.
    assert demo.province.name in html
    assert f'href="/don-vi/{demo.province.pk}/"' not in html


def test_search_ignores_diacritics_and_shows_the_path(client, demo):
    client.force_login(demo.tinh)
    for query in ("dong son", "ĐÔNG SƠN", "Đông sơn", "xa dong son"):
        response = client.get(reverse("unit_list"), {"q": query})
        assert response.status_code == 200
        html = response.content.decode()
        assert link_re(demo.commune).search(html), query
    assert f"{demo.province.name} · " in html  # the result's path


def test_search_stays_in_scope(client, demo):
    client.force_login(demo.xa2)
    html = client.get(reverse("unit_list"), {"q": "dong son"}).content.decode()
    assert demo.commune.name not in html
    assert f'href="/don-vi/{demo.commune.pk}/"' not in html


def test_search_can_include_closed_units(client, demo):
    client.force_login(demo.xa)
    former = former_communes(demo.commune)[0]
    query = former.name.replace("Đảng bộ ", "")
    html = client.get(reverse("unit_list"), {"q": query}).content.decode()
    assert f'href="/don-vi/{former.pk}/"' not in html
    html = client.get(reverse("unit_list"), {"q": query, "closed": "1"}).content.decode()
    assert link_re(former).search(html)
    assert "Đã kết thúc từ" in html


def test_search_is_paginated_and_keeps_the_query(client, demo, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 5}
    client.force_login(demo.tinh)
    response = client.get(reverse("unit_list"), {"q": "chi bo"})
    html = response.content.decode()
    assert response.context["page_obj"].paginator.num_pages > 1
    assert "?q=chi+bo&amp;page=2" in html
    second = client.get(reverse("unit_list"), {"q": "chi bo", "page": "2"})
    assert second.context["page_obj"].number == 2
    assert client.get(reverse("unit_list"), {"q": "chi bo", "page": "x"}).status_code == 200


def test_search_with_no_match_says_so(client, demo):
    client.force_login(demo.xa)
    html = client.get(reverse("unit_list"), {"q": "khong co don vi nao nhu the"}).content.decode()
    assert "Không tìm thấy đơn vị nào" in html


# --------------------------------------------------------------------------- children partial


def test_children_partial_for_htmx_and_full_page_without_js(client, demo):
    client.force_login(demo.xa)
    url = reverse("unit_children", args=[demo.commune.pk])
    branch = active_branches(demo.commune)[0]
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert link_re(branch).search(partial.content.decode())
    full = client.get(url)
    assert "<html" in full.content.decode()
    assert demo.commune.name in h1(full)
    assert link_re(branch).search(full.content.decode())


def test_children_partial_is_paginated_with_a_more_link(client, demo, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 5}
    client.force_login(demo.xa)
    url = reverse("unit_children", args=[demo.commune.pk])
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Xem thêm" in html and f"{url}?page=2" in html


def test_children_out_of_scope_is_404(client, demo):
    client.force_login(demo.xa)
    assert client.get(reverse("unit_children", args=[demo.commune2.pk])).status_code == 404
    assert client.get(reverse("unit_children", args=[demo.commune2.pk]),
                      headers={"HX-Request": "true"}).status_code == 404


# --------------------------------------------------------------------------- unit page


def test_commune_page(client, demo):
    client.force_login(demo.xa)
    response = client.get(reverse("unit_detail", args=[demo.commune.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert h1(response) == demo.commune.name
    assert demo.commune.get_kind_display() in html and demo.commune.code in html
    # Breadcrumbs: the province is outside the scope: plain text, no link.
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert demo.province.name in crumbs and f"/don-vi/{demo.province.pk}/" not in crumbs
    # Subordinate units with their exact names as link text.
    for branch in active_branches(demo.commune)[:5]:
        assert link_re(branch).search(html)
    # History: the three former communes, with the decision.
    for former in former_communes(demo.commune):
        assert link_re(former).search(html)
    assert "Quyết định 1686-QĐ/TU" in html
    # People of the unit, the audit trail link and the action buttons.
    assert "Cán bộ" in html
    assert f"/nhat-ky/?unit={demo.commune.pk}" in html
    assert reverse("unit_edit", args=[demo.commune.pk]) in html
    # Reorganizing the commune itself is for the level above (the province office).
    assert reverse("unit_reorganize", args=[demo.commune.pk]) not in html
    client.force_login(demo.tinh)
    html = client.get(reverse("unit_detail", args=[demo.commune.pk])).content.decode()
    assert reverse("unit_reorganize", args=[demo.commune.pk]) in html


def test_branch_page_links_back_to_the_commune(client, demo):
    client.force_login(demo.xa)
    response = client.get(reverse("unit_detail", args=[demo.branch.pk]))
    html = response.content.decode()
    assert h1(response) == demo.branch.name
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert link_re(demo.commune).search(crumbs)
    assert "Chi bộ" in html and "Đảng viên" in html


def test_branch_secretary_sees_the_commune_as_text_only(client, demo):
    client.force_login(demo.chibo)
    html = client.get(reverse("unit_detail", args=[demo.branch.pk])).content.decode()
    crumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S).group(0)
    assert demo.commune.name in crumbs and f"/don-vi/{demo.commune.pk}/" not in crumbs
    assert client.get(reverse("unit_detail", args=[demo.commune.pk])).status_code == 404


def test_closed_unit_is_marked_with_its_successor(client, demo):
    client.force_login(demo.xa)
    former = former_communes(demo.commune)[0]
    response = client.get(reverse("unit_detail", args=[former.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã kết thúc hoạt động" in html
    assert link_re(demo.commune).search(html)
    # History is read only: no actions, and the forms refuse.
    assert reverse("unit_reorganize", args=[former.pk]) not in html
    assert reverse("unit_edit", args=[former.pk]) not in html
    assert client.get(reverse("unit_reorganize", args=[former.pk]), {"op": "rename"}).status_code == 403
    assert client.get(reverse("unit_edit", args=[former.pk])).status_code == 403


def test_tree_as_of_a_date(client, demo):
    client.force_login(demo.xa)
    former = former_communes(demo.commune)[0]
    html = client.get(reverse("unit_detail", args=[former.pk]), {"as_of": "2024-01-01"}).content.decode()
    assert "Cây tổ chức như ngày 01/01/2024" in html
    old_branches = UnitVersion.objects.filter(parent=former, valid_from__lte=dt.date(2024, 1, 1)).filter(
        valid_to__gt=dt.date(2024, 1, 1))
    assert old_branches.exists()
    for version in old_branches:
        assert version.name in html
    html = client.get(reverse("unit_detail", args=[demo.commune.pk]), {"as_of": "2024-01-01"}).content.decode()
    assert "chưa tồn tại vào ngày 01/01/2024" in html
    response = client.get(reverse("unit_detail", args=[demo.commune.pk]), {"as_of": "2024-13-45"})
    assert response.status_code == 200 and "Ngày không hợp lệ" in response.content.decode()


def test_as_of_tree_never_shows_units_outside_scope(client, demo):
    client.force_login(demo.chibo)
    html = client.get(reverse("unit_detail", args=[demo.branch.pk]), {"as_of": yesterday()}).content.decode()
    assert demo.commune2.name not in html


def test_viewer_sees_no_action_buttons_and_gets_403(client, demo, viewer):
    client.force_login(viewer)
    html = client.get(reverse("unit_detail", args=[demo.commune.pk])).content.decode()
    assert reverse("unit_edit", args=[demo.commune.pk]) not in html
    assert reverse("unit_reorganize", args=[demo.commune.pk]) not in html
    for url in (reverse("unit_reorganize", args=[demo.commune.pk]) + "?op=rename",
                reverse("unit_edit", args=[demo.commune.pk])):
        response = client.get(url)
        assert response.status_code == 403
        assert "Không có quyền" in response.content.decode()
    before = counts()
    response = client.post(reverse("unit_reorganize", args=[demo.commune.pk]), {
        "op": "rename", "name": "X", "effective_date": yesterday(), "decision_ref": DECISION, "confirm": "1"})
    assert response.status_code == 403
    assert counts() == before


@pytest.mark.parametrize("name", ["unit_detail", "unit_children", "unit_reorganize", "unit_edit"])
def test_out_of_scope_and_unknown_units_are_404(client, demo, name):
    client.force_login(demo.xa)
    assert client.get(reverse(name, args=[demo.commune2.pk])).status_code == 404
    assert client.get(reverse(name, args=[999_999_999])).status_code == 404
    assert client.post(reverse(name, args=[demo.commune2.pk]), {"op": "close"}).status_code == 404


def test_pages_need_login(client, demo):
    response = client.get(reverse("unit_detail", args=[demo.commune.pk]))
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


# --------------------------------------------------------------------------- query counts


def test_tree_browser_query_count(client, demo, django_assert_num_queries):
    client.force_login(demo.tinh)
    client.get(reverse("unit_list"))
    with django_assert_num_queries(6):
        client.get(reverse("unit_list"))
    with django_assert_num_queries(9):
        client.get(reverse("unit_list"), {"q": "chi bo"})


def test_unit_page_query_count(client, demo, django_assert_num_queries):
    client.force_login(demo.xa)
    url = reverse("unit_detail", args=[demo.commune.pk])
    client.get(url)
    with django_assert_num_queries(20):
        client.get(url)


# --------------------------------------------------------------------------- reorganization


def reorg(client, unit: Unit, data: dict, *, confirm: bool = False):
    payload = {"effective_date": yesterday(), "decision_ref": DECISION, "note": "", **data}
    if confirm:
        payload["confirm"] = "1"
    return client.post(reverse("unit_reorganize", args=[unit.pk]), payload)


def test_reorganize_menu_and_forms_render(client, demo):
    client.force_login(demo.xa)
    url = reverse("unit_reorganize", args=[demo.branch.pk])
    html = client.get(url).content.decode()
    for op in ("rename", "move", "merge", "split", "close"):
        assert f"?op={op}" in html
        response = client.get(url, {"op": op})
        assert response.status_code == 200
        assert 'name="decision_ref"' in response.content.decode()
    html = client.get(url, {"op": "split", "n": "3"}).content.decode()
    assert 'name="parts-2-code"' in html


def test_rename_preview_saves_nothing_then_confirm_does_it(client, demo):
    client.force_login(demo.xa)
    branch = active_branches(demo.commune)[0]
    old_name = branch.name
    before = counts()
    response = reorg(client, branch, {"op": "rename", "name": "Chi bộ thôn Mới", "short_name": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xem trước" in html and "Chi bộ thôn Mới" in html and old_name in html
    assert 'name="confirm" value="1"' in html
    assert counts() == before
    branch.refresh_from_db()
    assert branch.name == old_name

    response = reorg(client, branch, {"op": "rename", "name": "Chi bộ thôn Mới", "short_name": ""}, confirm=True)
    assert response.status_code == 302 and response["Location"] == reverse("unit_detail", args=[branch.pk])
    branch.refresh_from_db()
    assert branch.name == "Chi bộ thôn Mới"
    assert Reorganization.objects.filter(units=branch, decision_ref=DECISION).exists()


def test_bad_input_is_shown_per_field_in_vietnamese(client, demo):
    client.force_login(demo.xa)
    before = counts()
    response = reorg(client, demo.branch, {"op": "rename", "name": "", "effective_date": "hôm qua",
                                           "decision_ref": ""}, confirm=True)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"name", "effective_date", "decision_ref"}
    html = response.content.decode()
    assert "Nhập ngày theo dạng ngày/tháng/năm" in html and "không được để trống" in html
    # Service rules: a future date, a reference without number and type.
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = reorg(client, demo.branch, {"op": "rename", "name": "Tên khác", "effective_date": future},
                     confirm=True)
    assert "Ngày hiệu lực không được ở tương lai." in response.context["form"].errors["effective_date"]
    response = reorg(client, demo.branch, {"op": "rename", "name": "Tên khác", "decision_ref": "quyết định"},
                     confirm=True)
    assert "decision_ref" in response.context["form"].errors
    assert counts() == before


def test_unknown_op_shows_the_menu(client, demo):
    client.force_login(demo.xa)
    response = client.get(reverse("unit_reorganize", args=[demo.branch.pk]), {"op": "drop-table"})
    assert response.status_code == 200 and response.context["op"] is None


def test_move_preview_and_confirm(client, demo):
    client.force_login(demo.tinh)
    branch = active_branches(demo.commune)[0]
    before = counts()
    response = reorg(client, branch, {"op": "move", "new_parent": demo.commune2.pk})
    html = response.content.decode()
    assert response.context["preview"]["moved"][0]["to"]["name"] == demo.commune2.name
    assert demo.commune2.name in html
    assert counts() == before
    response = reorg(client, branch, {"op": "move", "new_parent": demo.commune2.pk}, confirm=True)
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.parent_id == demo.commune2.pk


def test_move_into_own_subtree_is_refused_with_the_reason(client, demo):
    # The province is a root: only a superuser reorganizes it.
    client.force_login(get_user_model().objects.create_superuser("quan-tri-thu", password="x" * 12))
    before = counts()
    response = reorg(client, demo.province, {"op": "move", "new_parent": demo.commune.pk}, confirm=True)
    assert response.status_code == 200
    assert "vòng lặp" in " ".join(response.context["form"].errors["new_parent"])
    assert counts() == before


def test_move_offers_only_units_the_user_may_reorganize(client, demo):
    client.force_login(demo.xa)
    form = client.get(reverse("unit_reorganize", args=[demo.branch.pk]), {"op": "move"}).context["form"]
    ids = set(form.fields["new_parent"].queryset.values_list("pk", flat=True))
    assert demo.commune.pk in ids and demo.commune2.pk not in ids and demo.province.pk not in ids
    response = reorg(client, demo.branch, {"op": "move", "new_parent": demo.commune2.pk}, confirm=True)
    assert "Lựa chọn không hợp lệ." in response.context["form"].errors["new_parent"]


def test_merge_into_this_unit(client, demo):
    client.force_login(demo.xa)
    target, source = active_branches(demo.commune)[:2]
    members = target.member_count + source.member_count
    before = counts()
    response = reorg(client, target, {"op": "merge", "mode": "into_this", "sources": [source.pk]})
    preview = response.context["preview"]
    assert preview["closed"] == [{"id": source.pk, "name": source.name}]
    assert preview["successions"][0]["members"] == source.member_count
    assert counts() == before
    response = reorg(client, target, {"op": "merge", "mode": "into_this", "sources": [source.pk]}, confirm=True)
    assert response.status_code == 302
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.valid_to is not None and target.member_count == members
    assert UnitSuccession.objects.filter(predecessor=source, successor=target).exists()


def test_merge_into_a_new_unit(client, demo):
    client.force_login(demo.xa)
    a, b = active_branches(demo.commune)[:2]
    data = {"op": "merge", "mode": "into_new", "sources": [b.pk], "new_code": "HT.X.DONGSON.MOI",
            "new_name": "Chi bộ thôn Hợp Nhất", "new_kind": UnitKind.BRANCH}
    before = counts()
    preview = reorg(client, a, data).context["preview"]
    assert preview["created"][0]["name"] == "Chi bộ thôn Hợp Nhất"
    assert {c["id"] for c in preview["closed"]} == {a.pk, b.pk}
    assert counts() == before
    response = reorg(client, a, data, confirm=True)
    new = Unit.objects.get(code="HT.X.DONGSON.MOI")
    assert response["Location"] == reverse("unit_detail", args=[new.pk])
    assert new.parent_id == demo.commune.pk and new.member_count == a.member_count + b.member_count


def test_merge_into_own_descendant_is_refused(client, demo):
    client.force_login(demo.tinh)
    branch = active_branches(demo.commune)[0]
    before = counts()
    response = reorg(client, branch, {"op": "merge", "mode": "into_this", "other_codes": demo.commune.code})
    errors = response.context["form"].errors
    assert "đơn vị trực thuộc của" in " ".join(errors["mode"])
    assert counts() == before


def test_merge_with_unknown_or_out_of_scope_codes(client, demo):
    client.force_login(demo.xa)
    branch = active_branches(demo.commune)[0]
    response = reorg(client, branch, {"op": "merge", "mode": "into_this",
                                      "other_codes": f"{demo.commune2.code}, KHONG.CO"})
    message = " ".join(response.context["form"].errors["other_codes"])
    assert demo.commune2.code in message and "KHONG.CO" in message
    response = reorg(client, branch, {"op": "merge", "mode": "into_this"})
    assert response.context["form"].errors["sources"]


def test_split_preview_and_confirm(client, demo):
    client.force_login(demo.xa)
    branch = active_branches(demo.commune)[0]
    half = branch.member_count // 2
    data = {
        "op": "split", "parts-TOTAL_FORMS": "2", "parts-INITIAL_FORMS": "0",
        "parts-0-code": "HT.TACH.1", "parts-0-name": "Chi bộ thôn Tách Một", "parts-0-kind": UnitKind.BRANCH,
        "parts-0-member_count": str(half),
        "parts-1-code": "HT.TACH.2", "parts-1-name": "Chi bộ thôn Tách Hai", "parts-1-kind": UnitKind.BRANCH,
        "parts-1-member_count": str(branch.member_count - half),
    }
    before = counts()
    response = reorg(client, branch, data)
    preview = response.context["preview"]
    assert [c["members"] for c in preview["created"]] == [half, branch.member_count - half]
    html = response.content.decode()
    assert 'name="parts-1-code" value="HT.TACH.2"' in html  # carried to the confirm form
    assert counts() == before

    bad = {**data, "parts-1-member_count": "0"}
    response = reorg(client, branch, bad, confirm=True)
    assert "Tổng số đảng viên" in " ".join(response.context["form"].non_field_errors())
    assert counts() == before

    response = reorg(client, branch, data, confirm=True)
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.valid_to is not None
    assert set(Unit.objects.filter(predecessor_links__predecessor=branch).values_list("code", flat=True)) == {
        "HT.TACH.1", "HT.TACH.2"}


def test_split_assigns_children(client, demo):
    client.force_login(demo.tinh)
    commune = demo.commune
    children = list(Unit.objects.filter(parent=commune, valid_to__isnull=True).order_by("path"))
    data = {
        "op": "split", "parts-TOTAL_FORMS": "2", "parts-INITIAL_FORMS": "0",
        "parts-0-code": "HT.X.A", "parts-0-name": "Đảng bộ xã A", "parts-0-kind": UnitKind.COMMUNE,
        "parts-0-member_count": str(commune.member_count),
        "parts-1-code": "HT.X.B", "parts-1-name": "Đảng bộ xã B", "parts-1-kind": UnitKind.COMMUNE,
        "parts-1-member_count": "0",
    }
    response = reorg(client, commune, data)
    assert set(response.context["form"].errors) >= {f"child_{c.pk}" for c in children}
    data.update({f"child_{c.pk}": "1" if i % 2 == 0 else "2" for i, c in enumerate(children)})
    before = counts()
    preview = reorg(client, commune, data).context["preview"]
    assert len(preview["moved"]) == len(children)
    assert counts() == before


def test_close_preview_and_confirm(client, demo):
    client.force_login(demo.xa)
    empty = unit_create(actor=None, parent=demo.commune, kind=UnitKind.BRANCH, code="HT.X.DONGSON.TRONG",
                        name="Chi bộ tạm", member_count=0, valid_from=dt.date(2025, 9, 1))
    before = counts()
    response = reorg(client, empty, {"op": "close"})
    assert response.context["preview"]["closed"] == [{"id": empty.pk, "name": "Chi bộ tạm"}]
    assert counts() == before
    assert reorg(client, empty, {"op": "close"}, confirm=True).status_code == 302
    empty.refresh_from_db()
    assert empty.valid_to is not None


def test_close_with_members_is_refused_with_the_reason(client, demo):
    client.force_login(demo.xa)
    before = counts()
    response = reorg(client, demo.branch, {"op": "close"}, confirm=True)
    assert response.status_code == 200
    assert "đảng viên" in " ".join(response.context["form"].non_field_errors())
    assert counts() == before


# --------------------------------------------------------------------------- edit


def test_edit_unit(client, demo):
    client.force_login(demo.xa)
    url = reverse("unit_edit", args=[demo.branch.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["form"].initial["code"] == demo.branch.code
    response = client.post(url, {"short_name": "CB Một", "code": demo.branch.code, "member_count": "41"})
    assert response.status_code == 302
    demo.branch.refresh_from_db()
    assert demo.branch.short_name == "CB Một" and demo.branch.member_count == 41
    assert AuditEvent.objects.filter(object_id=str(demo.branch.pk)).exists() or AuditEvent.objects.exists()


def test_edit_bad_input_saves_nothing(client, demo):
    client.force_login(demo.xa)
    url = reverse("unit_edit", args=[demo.branch.pk])
    other = active_branches(demo.commune)[-1]
    before = counts()
    response = client.post(url, {"short_name": "", "code": demo.branch.code, "member_count": "-3"})
    assert "Số đảng viên phải là số nguyên không âm." in response.context["form"].errors["member_count"]
    response = client.post(url, {"short_name": "", "code": other.code, "member_count": "3"})
    assert "đã được dùng" in " ".join(response.context["form"].errors["code"])
    response = client.post(url, {"short_name": "", "code": "mã có dấu", "member_count": "3"})
    assert response.context["form"].errors["code"]
    assert counts() == before
    demo.branch.refresh_from_db()
    assert demo.branch.member_count != 3


def test_list_query_count_does_not_grow_with_the_page(client, demo, settings, django_assert_num_queries):
    client.force_login(demo.tinh)
    for size in (5, 50):
        settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": size}
        with django_assert_num_queries(9):
            client.get(reverse("unit_list"), {"q": "chi bo"})


def test_as_of_rows_outside_scope_are_pruned_with_their_subtree():
    from nghiquyet.org.views import _prune

    rows = [{"unit_id": i, "depth": d} for i, d in [(1, 0), (2, 1), (3, 2), (4, 1), (5, 2), (6, 3), (7, 1)]]
    assert [r["unit_id"] for r in _prune(rows, {1, 2, 3, 5, 6, 7})] == [1, 2, 3, 7]
    assert [r["unit_id"] for r in _prune(rows, {1, 4, 5, 6})] == [1, 4, 5, 6]
    assert _prune(rows, set()) == []


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=40), st.data())
def test_pruning_keeps_exactly_the_rows_whose_whole_chain_is_visible(parents_raw, data):
    """Random trees and visible sets: a row is shown iff it and every ancestor above it are visible."""
    from nghiquyet.org.selectors import TreeNode
    from nghiquyet.org.views import _flatten, _prune

    parents = [None] + [raw % (i + 1) for i, raw in enumerate(parents_raw)]  # node i + 1 hangs under 0..i
    nodes = [TreeNode(unit_id=i, name=str(i), parent_id=p) for i, p in enumerate(parents)]
    for node in nodes[1:]:
        nodes[node.parent_id].children.append(node)
    visible = data.draw(st.sets(st.sampled_from(range(len(nodes)))))
    rows, cut = _flatten(nodes[0], limit=1000)
    assert not cut and len(rows) == len(nodes)

    def chain_visible(i):
        while i is not None:
            if i not in visible:
                return False
            i = parents[i]
        return True

    kept = [row["unit_id"] for row in _prune(rows, visible)]
    assert kept == [row["unit_id"] for row in rows if chain_visible(row["unit_id"])]
    assert len(_flatten(nodes[0], limit=3)[0]) == min(3, len(nodes))
