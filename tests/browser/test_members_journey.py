"""A phone-sized journey through the member register: live search without diacritics, leave with the
browser's confirmation, transfer, history."""

from __future__ import annotations

import re

import pytest

from nghiquyet.members.models import Member
from tests.members.conftest import other_branch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_register_on_a_phone(demo, live_server, page, log_in):
    from playwright.sync_api import expect

    member = (Member.objects.filter(unit=demo.branch, left_unit_on__isnull=True).exclude(person__isnull=False)
              .order_by("-full_name").first())
    log_in("demo-xa")
    page.goto(f"{live_server.url}/dang-vien/don-vi/{demo.commune.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Danh sách đảng viên")
    page.get_by_label("Cả các đơn vị trực thuộc").check()
    # Typed without diacritics, no button pressed: htmx brings the results in.
    from nghiquyet.core.text import fold

    page.get_by_role("searchbox").fill(fold(member.full_name))
    expect(page.locator("#member-results")).to_contain_text(member.full_name)
    expect(page).to_have_url(re.compile(r"q="))
    page.get_by_role("link", name=member.full_name).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(member.full_name)

    page.get_by_role("link", name="Chuyển sinh hoạt").click()
    target = other_branch(demo)
    page.get_by_label("Chuyển đến đơn vị").select_option(str(target.pk))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Chuyển sinh hoạt").click()
    expect(page.locator(".messages")).to_contain_text("Đã chuyển sinh hoạt")
    expect(page.locator("#qua-trinh")).to_contain_text(demo.branch.name)

    page.get_by_role("link", name="Thôi sinh hoạt").click()
    page.get_by_label("Lý do").select_option("other")
    page.once("dialog", lambda dialog: dialog.dismiss())  # changing one's mind keeps the member
    page.get_by_role("button", name="Xác nhận thôi sinh hoạt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thôi sinh hoạt")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Xác nhận thôi sinh hoạt").click()
    expect(page.locator(".messages")).to_contain_text("thôi sinh hoạt")
    assert not Member.objects.filter(card_number=member.card_number, left_unit_on__isnull=True).exists()
