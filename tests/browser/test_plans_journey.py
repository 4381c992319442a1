"""Issue 3 journey: the commune office adds a task with all clears; the responsible person sees it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from nghiquyet.accounts.models import Person, RoleAssignment
from nghiquyet.demo.seed import seed_demo
from nghiquyet.programs.models import ActionProgram, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Rà soát, cập nhật danh sách hộ nghèo, hộ cận nghèo năm 2027 trên địa bàn xã"



def test_commune_office_adds_a_task_with_all_clears_and_the_owner_sees_it(live_server, page, log_in):
    seed_demo()
    commune = RoleAssignment.objects.get(user__username="demo-xa").unit
    program = ActionProgram.objects.filter(unit=commune).order_by("issued_on", "pk").first()
    assert program is not None, "the demo commune has an action program"
    owner = Person.objects.get(user__username="demo-chibo")
    people = Person.objects.filter(unit__path__startswith=commune.path).exclude(pk=owner.pk).order_by("pk")
    directing, advisor = people[0], people[1]

    log_in("demo-xa")
    page.get_by_role("navigation").get_by_role("link", name="Chương trình hành động").click()
    page.get_by_role("link", name=program.title[:40]).first.click()
    expect(page).to_have_url(re.compile(rf"/chuong-trinh/{program.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(program.title[:40])

    form = page.locator("#them-nhiem-vu")
    form.get_by_label("Nhiệm vụ", exact=True).fill(TITLE)
    form.get_by_label("Ủy viên Ban Thường vụ chỉ đạo").select_option(str(directing.pk))
    form.get_by_label("Cấp ủy viên phụ trách").select_option(str(owner.pk))
    form.get_by_label("Cán bộ, công chức tham mưu").select_option(str(advisor.pk))
    bodies = form.get_by_label("Cơ quan phối hợp")
    if bodies.locator("option").count():
        bodies.select_option(index=0)
    form.get_by_label("Ngày bắt đầu").fill("2027-01-05")
    form.get_by_label("Thời hạn hoàn thành").fill("2027-03-31")
    form.get_by_label("Sản phẩm").fill("Danh sách hộ nghèo, cận nghèo được Ủy ban nhân dân xã phê duyệt")
    form.get_by_label("Thẩm quyền phê duyệt").fill("Ban Thường vụ Đảng ủy xã")
    form.get_by_role("button", name="Thêm nhiệm vụ").click()

    expect(page.locator("table.tasks")).to_contain_text(TITLE)
    task = Task.objects.get(title=TITLE)
    assert (task.program_id, task.responsible_id, task.directing_id, task.advisor_id) == (
        program.pk, owner.pk, directing.pk, advisor.pk)

    # The responsible person signs in and finds it in "Việc của tôi".
    page.context.clear_cookies()
    log_in("demo-chibo")
    page.get_by_role("navigation").get_by_role("link", name="Việc của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text(TITLE)
