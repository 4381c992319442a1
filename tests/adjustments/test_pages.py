"""Pages: the target page shows the original and the adjusted values with the decision and the history; the
dashboards show them beside the figures; proposing, deciding and withdrawing; scope (404 outside); query counts.

Uses the demo's adjustments: the province's 2026 milestone of target 2 (GRDP per capita) lowered from 88 to 80 by
Quyết định số 1250-QĐ/TU of 15/07/2026, in force from 01/07/2026; Đông Sơn's pending proposal to raise its term
target of budget revenue (target 3) to 75."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.accounts.roles import Role
from nghiquyet.resolutions.models import AdjustmentStatus, TargetAdjustment
from tests.adjustments.test_services import commune_target, propose, province_target

pytestmark = pytest.mark.django_db
D = Decimal
LABEL = "điều chỉnh theo Quyết định số 1250-QĐ/TU ngày 15/07/2026"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def pending_of_dong_son(demo) -> TargetAdjustment:
    return TargetAdjustment.objects.get(target=commune_target(demo, "3"), status=AdjustmentStatus.PENDING)


def test_target_page_shows_original_and_adjusted_values_and_the_history(client, demo, today):
    target = province_target(demo, "2")
    client.force_login(demo.tinh)
    page = text(client.get(reverse("target_detail", args=[target.pk])))
    assert LABEL in page and "áp dụng từ 01/07/2026" in page
    assert '<span class="diff-old">88</span>' in page and '<strong class="diff-new">80</strong>' in page
    assert "Đã phê duyệt" in page and reverse("adjustment_propose", args=[target.pk]) in page
    assert page.count(f"{LABEL}, áp dụng từ 01/07/2026") == 2   # the plan table, and the history of the target
    # a commune reads the province's adjusted target, read only (no proposal link), with the decision
    client.force_login(demo.xa)
    page = text(client.get(reverse("target_detail", args=[target.pk])))
    assert LABEL in page and reverse("adjustment_propose", args=[target.pk]) not in page


def test_reporting_dashboard_and_target_page_show_the_adjusted_milestone(client, demo, today):
    target = province_target(demo, "2")
    client.force_login(demo.tinh)
    q3 = text(client.get(reverse("report_dashboard", args=[demo.province.pk]) + "?ky=quarter-2026-3"))
    assert f'theo nghị quyết <span class="diff-old">88</span>, {LABEL}' in q3
    detail = client.get(reverse("report_target", args=[demo.province.pk, target.pk]) + "?ky=quarter-2026-3")
    e = detail.context["evaluation"]
    assert e.milestone == D(80) and e.milestone_original == D(88)
    assert LABEL in text(detail)
    milestones = [(str(r.period), r.milestone) for r in detail.context["series"]]
    assert ("Quý II/2026", D(88)) in milestones and ("Quý III/2026", D(80)) in milestones
    q2 = client.get(reverse("report_target", args=[demo.province.pk, target.pk]) + "?ky=quarter-2026-2")
    assert q2.context["evaluation"].milestone == D(88) and q2.context["evaluation"].milestone_adjustment is None


def test_dashboard_spends_one_more_query_only_with_an_adjustment_in_force(client, demo, today):
    client.force_login(demo.tinh)
    url = reverse("report_dashboard", args=[demo.province.pk]) + "?ky=quarter-2026-3"
    client.get(url)
    with CaptureQueriesContext(connection) as adjusted:
        client.get(url)
    TargetAdjustment.objects.filter(target=province_target(demo, "2")).delete()
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    assert len(adjusted) == len(plain) + 1


def test_proposing_for_a_target_of_another_unit_says_whose_it_is(client, demo, today):
    target = province_target(demo, "9")
    client.force_login(demo.xa)
    url = reverse("adjustment_propose", args=[target.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"unit": demo.commune.pk, "what": "milestone-2027", "new_value": "95",
                                 "reason": "Muốn giảm", "proposed_on": "2026-11-25"})
    assert response.status_code == 200
    assert demo.province.name in text(response) and "01-NQ/ĐH" in text(response)
    assert not TargetAdjustment.objects.filter(target=target, status=AdjustmentStatus.PENDING).exists()


def test_propose_then_decide_through_the_pages(client, demo, today):
    target = commune_target(demo, "9")
    client.force_login(demo.xa)
    response = client.post(reverse("adjustment_propose", args=[target.pk]), {
        "unit": demo.commune.pk, "what": "milestone-2027", "new_value": "94,5",
        "reason": "Dân số cơ học tăng nhanh do khu công nghiệp", "proposed_on": "2026-11-20"})
    adjustment = TargetAdjustment.objects.get(target=target, status=AdjustmentStatus.PENDING)
    assert response.status_code == 302 and response.url == reverse("adjustment_detail", args=[adjustment.pk])
    assert adjustment.new_value == D("94.5") and adjustment.year == 2027
    detail = text(client.get(response.url))
    assert "Quyết định của cấp ủy" in detail and "Rút đề xuất" in detail
    decide = reverse("adjustment_decide", args=[adjustment.pk])
    early = client.post(decide, {"outcome": "approve", "decision_number": "40-QĐ/ĐU", "decision_date": "2026-11-19",
                                 "effective_from": "2027-01-01"})
    assert early.status_code == 200 and "không được trước ngày đề xuất (20/11/2026)" in text(early)
    done = client.post(decide, {"outcome": "approve", "decision_number": "40-QĐ/ĐU", "decision_date": "2026-11-24",
                                "effective_from": "2027-01-01", "note": "Đồng ý"})
    assert done.status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.APPROVED and adjustment.effective_from == dt.date(2027, 1, 1)
    page = text(client.get(reverse("target_detail", args=[target.pk])))
    assert "điều chỉnh theo Quyết định số 40-QĐ/ĐU ngày 24/11/2026" in page


def test_withdraw_and_the_pending_list(client, demo, today):
    client.force_login(demo.xa)
    waiting = text(client.get(reverse("adjustment_list") + "?trang-thai=cho-quyet-dinh"))
    assert "Tổng thu ngân sách nhà nước trên địa bàn" in waiting and "Chờ tôi quyết định (1)" in waiting
    adjustment = pending_of_dong_son(demo)
    response = client.post(reverse("adjustment_withdraw", args=[adjustment.pk]))
    assert response.status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.WITHDRAWN
    assert "Chờ tôi quyết định (0)" in text(client.get(reverse("adjustment_list")))


def test_outside_scope_is_404_and_without_permission_403(client, demo, today):
    adjustment = pending_of_dong_son(demo)
    client.force_login(demo.xa2)   # another commune: Đông Sơn's pending proposal is not theirs to see
    assert client.get(reverse("adjustment_detail", args=[adjustment.pk])).status_code == 404
    assert client.post(reverse("adjustment_decide", args=[adjustment.pk]), {}).status_code == 404
    assert "Tổng thu ngân sách" not in text(client.get(reverse("adjustment_list")))
    approved = TargetAdjustment.objects.get(target=province_target(demo, "2"))
    assert client.get(reverse("adjustment_detail", args=[approved.pk])).status_code == 200  # from above: read
    client.force_login(demo.chibo)   # a branch below: reads the approved ones only
    assert client.get(reverse("adjustment_detail", args=[adjustment.pk])).status_code == 404
    assert client.get(reverse("adjustment_detail", args=[approved.pk])).status_code == 200
    viewer = get_user_model().objects.create_user("xem-dong-son", password="x")
    RoleAssignment.objects.create(user=viewer, unit=demo.commune, role=Role.VIEWER)
    client.force_login(viewer)       # in Đông Sơn's scope, but may not decide
    assert client.get(reverse("adjustment_detail", args=[adjustment.pk])).status_code == 200
    response = client.post(reverse("adjustment_decide", args=[adjustment.pk]), {
        "outcome": "reject", "decision_number": "1-QĐ/ĐU", "decision_date": "2026-11-25", "note": "Không"})
    assert response.status_code == 403
    assert client.get(reverse("adjustment_detail", args=[999999999])).status_code == 404


def test_list_query_count_does_not_grow_with_rows(client, demo, today, django_assert_num_queries):
    client.force_login(demo.tinh)
    url = reverse("adjustment_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in ("9", "10", "11", "14", "16"):
        propose(demo.xa, commune_target(demo, number), year=2027, new_value=D("50.5"))
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 7

