"""Member register pages: list (unit or whole subtree, search without diacritics, pagination, pinned query
counts), detail with history, create and edit with Vietnamese errors, leave and transfer."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from nghiquyet.members.models import Member
from tests.members.conftest import current_count, days_ago, make_member, new_card, other_branch, today

pytestmark = pytest.mark.django_db


def rows(response) -> int:
    return len(re.findall(rb'href="/dang-vien/\d+/"', response.content))


def test_list_url_name_and_path(demo):
    assert reverse("member_list", args=[demo.branch.pk]) == f"/dang-vien/don-vi/{demo.branch.pk}/"


def test_branch_list_shows_the_register(demo, client, settings, django_assert_max_num_queries):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 10}
    member = Member.objects.filter(unit=demo.branch, left_unit_on__isnull=True).order_by("full_name", "pk").first()
    client.force_login(demo.chibo)
    url = reverse("member_list", args=[demo.branch.pk])
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert member.full_name in text and member.card_number in text
    assert member.joined_party_on.strftime("%d/%m/%Y") in text and str(member.birth_date.year) in text
    assert f"{current_count(demo.branch)} đảng viên đang sinh hoạt" in text
    assert rows(response) == min(10, current_count(demo.branch))
    assert reverse("member_create", args=[demo.branch.pk]) in text  # demo-chibo keeps their branch's register


def test_subtree_list_has_the_same_query_count_at_any_size(demo, client, settings, django_assert_num_queries):
    """The province's 10,485 members, paged: the same queries as a small branch (no query per row). 9 = session,
    user, roles, merge history (two steps for demo-tinh's province), unit, count, the top bar's person, the page."""
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 50}
    client.force_login(demo.tinh)
    with django_assert_num_queries(9):
        province = client.get(reverse("member_list", args=[demo.province.pk]), {"subtree": "1", "page": "3"})
    with django_assert_num_queries(9):
        branch = client.get(reverse("member_list", args=[demo.branch.pk]), {"subtree": "1"})
    assert province.status_code == branch.status_code == 200
    assert "10.485 đảng viên đang sinh hoạt" in province.content.decode()
    assert rows(province) == 50
    assert "Trang 3/210" in province.content.decode()


def test_a_committee_without_own_members_lists_its_subtree(demo, client):
    client.force_login(demo.tinh)
    text = client.get(reverse("member_list", args=[demo.province.pk])).content.decode()
    assert "10.485 đảng viên đang sinh hoạt" in text
    assert 'name="subtree" value="1" checked disabled' in text


def test_commune_list_and_subtree_toggle(demo, client):
    client.force_login(demo.xa)
    url = reverse("member_list", args=[demo.commune.pk])
    own = client.get(url)
    assert own.status_code == 200
    whole = client.get(url, {"subtree": "1"})
    text = whole.content.decode()
    assert "<th>Chi bộ, đảng bộ</th>" in text
    linked = {int(i) for i in re.findall(r'href="/dang-vien/don-vi/(\d+)/"', text)}
    assert linked and demo.commune.pk not in linked  # members of the branches link to their branch's list
    total = Member.objects.filter(unit__path__under=demo.commune.path, left_unit_on__isnull=True).count()
    assert f"{total:,} đảng viên đang sinh hoạt".replace(",", ".") in text


def test_search_ignores_diacritics_and_keeps_the_query_in_pages(demo, client, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "PAGE_SIZE": 5}
    make_member(demo.branch, actor=demo.chibo, full_name="Đặng Thị Ngọc Ánh")
    client.force_login(demo.xa)
    url = reverse("member_list", args=[demo.commune.pk])
    found = client.get(url, {"q": "dang thi ngoc anh", "subtree": "1"})
    assert "Đặng Thị Ngọc Ánh" in found.content.decode() and rows(found) == 1
    by_card = Member.objects.filter(unit=demo.branch).exclude(card_number="").first()
    assert by_card.full_name in client.get(url, {"q": by_card.card_number, "subtree": "1"}).content.decode()
    assert "Không tìm thấy đảng viên nào" in client.get(url, {"q": "zzzz khong co", "subtree": "1"}).content.decode()
    many = client.get(url, {"q": "nguyen", "subtree": "1"})
    assert rows(many) == 5 and "q=nguyen&amp;subtree=1&amp;page=2" in many.content.decode()


def test_live_search_answers_only_the_results(demo, client):
    """The search box asks with htmx as one types: the answer is the results block, not the whole page."""
    client.force_login(demo.xa)
    response = client.get(reverse("member_list", args=[demo.commune.pk]), {"q": "nguyen", "subtree": "1"},
                          HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and text.lstrip().startswith('<div id="member-results"')
    assert "<html" not in text and rows(response) > 0


def test_former_members_toggle(demo, client):
    member = make_member(demo.branch, actor=demo.chibo, full_name="Phan Văn Đã Chuyển")
    Member.objects.filter(pk=member.pk).update(left_unit_on=today(), leave_reason="other")
    client.force_login(demo.chibo)
    url = reverse("member_list", args=[demo.branch.pk])
    assert "Phan Văn Đã Chuyển" not in client.get(url).content.decode()
    assert "Phan Văn Đã Chuyển" in client.get(url, {"former": "1"}).content.decode()


def test_create_page_saves_and_shows_errors_in_vietnamese(demo, client):
    client.force_login(demo.chibo)
    url = reverse("member_create", args=[demo.branch.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'type="date"' in page.content.decode()
    bad = client.post(url, {"full_name": "", "joined_unit_on": "31/02/2026", "email": "x@"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "Nhập họ và tên." in text and "ngày/tháng/năm" in text
    card = Member.objects.filter(unit=demo.branch).exclude(card_number="").first().card_number
    taken = client.post(url, {"full_name": "Vũ Văn Trùng", "joined_unit_on": days_ago(3).isoformat(),
                              "card_number": card})
    assert taken.status_code == 400 and "đã có trong danh sách" in taken.content.decode()
    before = current_count(demo.branch)
    card = new_card()
    done = client.post(url, {"full_name": "Vũ Thị Mới", "gender": "female", "birth_date": "12/05/1990",
                             "joined_party_on": "2015-03-19", "joined_unit_on": days_ago(3).strftime("%d/%m/%Y"),
                             "card_number": card})
    member = Member.objects.get(card_number=card, left_unit_on__isnull=True)
    assert done.status_code == 302 and done["Location"] == reverse("member_detail", args=[member.pk])
    assert (member.unit, member.gender, member.birth_date.year) == (demo.branch, "female", 1990)
    assert current_count(demo.branch) == before + 1
    detail = client.get(done["Location"], follow=True).content.decode()
    assert "Đã thêm đảng viên “Vũ Thị Mới”." in detail and "12/05/1990" in detail


def test_create_page_for_a_unit_without_members(demo, client):
    client.force_login(demo.xa)
    response = client.get(reverse("member_create", args=[demo.province.pk]))
    assert response.status_code == 404  # demo-xa does not see the province itself
    government = demo.commune.children.exclude(kind__in=["branch", "commune", "agency", "enterprise"]).first()
    if government is not None:
        response = client.get(reverse("member_create", args=[government.pk]), follow=True)
        assert "không phải là tổ chức đảng" in response.content.decode()


def test_edit_page(demo, client):
    member = make_member(demo.branch, actor=demo.chibo, full_name="Ngô Văn Sửa")
    client.force_login(demo.chibo)
    url = reverse("member_edit", args=[member.pk])
    form = client.get(url).content.decode()
    assert 'value="Ngô Văn Sửa"' in form and f'value="{member.joined_unit_on.isoformat()}"' in form
    response = client.post(url, {"full_name": "Ngô Văn Đã Sửa", "joined_unit_on": member.joined_unit_on.isoformat(),
                                 "card_number": member.card_number, "gender": "male"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.gender) == ("Ngô Văn Đã Sửa", "male")


def test_leave_page_asks_then_records(demo, client):
    member = make_member(demo.branch, actor=demo.chibo, joined_unit_on=days_ago(20))
    client.force_login(demo.chibo)
    url = reverse("member_leave", args=[member.pk])
    page = client.get(url).content.decode()
    assert "data-confirm=" in page and 'method="post"' in page and "csrfmiddlewaretoken" in page
    bad = client.post(url, {"on": days_ago(30).isoformat(), "reason": "deceased"})
    assert bad.status_code == 400 and "Ngày thôi sinh hoạt phải từ ngày bắt đầu sinh hoạt" in bad.content.decode()
    assert "Chọn lý do." in client.post(url, {"on": today().isoformat(), "reason": ""}).content.decode()
    before = current_count(demo.branch)
    done = client.post(url, {"on": days_ago(1).isoformat(), "reason": "deceased"}, follow=True)
    text = done.content.decode()
    assert "Từ trần" in text and days_ago(1).strftime("%d/%m/%Y") in text
    member.refresh_from_db()
    assert member.left_unit_on == days_ago(1) and current_count(demo.branch) == before - 1
    again = client.get(url, follow=True)
    assert "đã thôi sinh hoạt" in again.content.decode()  # no second leave


def test_transfer_page_moves_and_shows_history(demo, client):
    to_unit = other_branch(demo)
    member = make_member(demo.branch, actor=demo.xa, joined_unit_on=days_ago(50))
    client.force_login(demo.xa)
    url = reverse("member_transfer", args=[member.pk])
    page = client.get(url).content.decode()
    assert f'value="{to_unit.pk}"' in page and f'value="{demo.branch.pk}"' not in page
    assert f'value="{demo.commune2.pk}"' not in page  # only units where demo-xa keeps the register
    refused = client.post(url, {"to_unit": demo.commune2.pk, "on": today().isoformat()})
    assert refused.status_code == 400 and "ngoài phạm vi" in refused.content.decode()
    done = client.post(url, {"to_unit": to_unit.pk, "on": days_ago(1).isoformat()}, follow=True)
    moved = Member.objects.get(card_number=member.card_number, left_unit_on__isnull=True)
    assert moved.unit == to_unit and done.redirect_chain[-1][0] == reverse("member_detail", args=[moved.pk])
    text = done.content.decode()
    assert "Quá trình sinh hoạt" in text and demo.branch.name in text and to_unit.name in text
    assert "Chuyển sinh hoạt" in text


def test_chibo_cannot_transfer_out_of_their_scope(demo, client):
    member = make_member(demo.branch, actor=demo.chibo)
    client.force_login(demo.chibo)
    page = client.get(reverse("member_transfer", args=[member.pk]))
    assert page.status_code == 200 and "Không có đơn vị nào khác" in page.content.decode()


def test_transfer_many_all_or_none(demo, client):
    to_unit = other_branch(demo)
    old = make_member(demo.branch, actor=demo.xa, full_name="An Văn Cũ", joined_unit_on=days_ago(100))
    new = make_member(demo.branch, actor=demo.xa, full_name="Bùi Văn Mới", joined_unit_on=days_ago(1))
    client.force_login(demo.xa)
    url = reverse("member_transfer_many", args=[demo.branch.pk])
    page = client.get(url).content.decode()
    assert f'value="{old.pk}"' in page and "checked" not in page.split("Đảng viên chuyển đi")[1].split("</ul>")[0]
    assert 'checked' in client.get(url, {"all": "1"}).content.decode()
    counts = (current_count(demo.branch), current_count(to_unit))
    refused = client.post(url, {"members": [old.pk, new.pk], "to_unit": to_unit.pk, "on": days_ago(5).isoformat()})
    assert refused.status_code == 400 and "Bùi Văn Mới: Ngày thôi sinh hoạt" in refused.content.decode()
    assert (current_count(demo.branch), current_count(to_unit)) == counts  # nobody moved
    assert "Chọn ít nhất một đảng viên." in client.post(url, {"to_unit": to_unit.pk,
                                                             "on": today().isoformat()}).content.decode()
    done = client.post(url, {"members": [old.pk, new.pk], "to_unit": to_unit.pk, "on": today().isoformat()},
                       follow=True)
    assert "Đã chuyển sinh hoạt 2 đảng viên" in done.content.decode()
    assert (current_count(demo.branch), current_count(to_unit)) == (counts[0] - 2, counts[1] + 2)
    demo.branch.refresh_from_db()
    to_unit.refresh_from_db()
    assert (demo.branch.member_count, to_unit.member_count) == (counts[0] - 2, counts[1] + 2)


def test_members_left_on_a_split_unit_are_shown_and_transferred(demo, client):
    from nghiquyet.org.models import Unit, UnitKind
    from nghiquyet.org.services import NewUnit, unit_split

    source = (Unit.objects.filter(parent=demo.commune, kind=UnitKind.BRANCH, valid_to__isnull=True)
              .exclude(pk=demo.branch.pk).order_by("-code").first())
    n = current_count(source)
    unit_split(actor=demo.xa, unit=source, effective_date=today(), decision_ref="Quyết định 5-QĐ/ĐU", parts=[
        NewUnit(code="DS.P1", name="Chi bộ Phần Một", kind=UnitKind.BRANCH, member_count=n - 2),
        NewUnit(code="DS.P2", name="Chi bộ Phần Hai", kind=UnitKind.BRANCH, member_count=2)])
    client.force_login(demo.xa)
    listing = client.get(reverse("member_list", args=[source.pk])).content.decode()
    assert f"Còn {n} đảng viên chưa chuyển sinh hoạt" in listing
    assert reverse("member_transfer_many", args=[source.pk]) in listing
    assert reverse("member_create", args=[source.pk]) not in listing  # a closed unit takes no one new
    part = Unit.objects.get(code="DS.P1")
    ids = list(Member.objects.filter(unit=source, left_unit_on__isnull=True).values_list("pk", flat=True))
    response = client.post(reverse("member_transfer_many", args=[source.pk]),
                           {"members": ids[:-2], "to_unit": part.pk, "on": today().isoformat()})
    assert response.status_code == 302 and response["Location"] == reverse("member_list", args=[part.pk])
    part.refresh_from_db()
    assert part.member_count == current_count(part) == n - 2 and current_count(source) == 2
