"""Main user journeys in a real browser, as the demo accounts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.demo.seed import seed_demo
from nghiquyet.org.models import Unit, UnitKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def test_commune_office_browses_to_a_branch_in_vietnamese(live_server, page, log_in):
    seed_demo()
    commune = RoleAssignment.objects.get(user__username="demo-xa").unit
    branch = Unit.objects.filter(parent=commune, kind=UnitKind.BRANCH, valid_to__isnull=True).order_by("name").first()

    log_in("demo-xa")
    assert page.locator("html").get_attribute("lang") == "vi"

    # Home -> the commune card -> the branch in its list of subordinate units.
    page.get_by_role("link", name=commune.name).first.click()
    expect(page).to_have_url(re.compile(rf"/don-vi/{commune.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(commune.name)
    page.get_by_role("link", name=branch.name, exact=True).first.click()

    expect(page).to_have_url(re.compile(rf"/don-vi/{branch.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(branch.name)
    expect(page.locator("main")).to_contain_text("Chi bộ")
    expect(page.locator("main")).to_contain_text("Đảng viên")
    # The breadcrumbs lead back to the commune.
    expect(page.locator(".breadcrumbs")).to_contain_text(commune.name)


def test_commune_office_cannot_open_another_communes_unit(live_server, page, log_in):
    seed_demo()
    other = RoleAssignment.objects.get(user__username="demo-xa2").unit
    log_in("demo-xa")
    response = page.goto(f"{live_server.url}/don-vi/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy")


def test_tree_search_ignores_diacritics(live_server, page, log_in):
    seed_demo()
    log_in("demo-tinh")
    page.goto(f"{live_server.url}/don-vi/")
    page.locator("input[name=q]").fill("dong son")
    page.locator("input[name=q]").press("Enter")
    expect(page.locator("main")).to_contain_text("Đông Sơn")
