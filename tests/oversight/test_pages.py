"""Pages: scope (404 outside), forms with Vietnamese errors, follow-up to closure, pinned query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nghiquyet.oversight.models import Inspection, InspectionProgram, Recommendation, RecommendationStatus

pytestmark = pytest.mark.django_db


def dong_son(demo) -> Inspection:
    return Inspection.objects.get(unit=demo.province, subject_unit=demo.commune)


def overdue_of(inspection) -> Recommendation:
    return inspection.recommendations.get(due_on__month=9)


def test_home_figures_and_list(client, demo, frozen):
    client.force_login(demo.tinh)
    response = client.get(reverse("oversight_home"))
    assert response.status_code == 200
    text = response.content.decode()
    assert dong_son(demo).title in text and "2/4" in text and "01-CTr/TU" in text
    response = client.get(reverse("oversight_home"), {"hinh-thuc": "supervision", "q": "an lac"})
    text = response.content.decode()
    assert "An Lạc" in text and dong_son(demo).title not in text


def test_demo_xa2_cannot_see_dong_sons_inspections(client, demo, frozen):
    inspection = dong_son(demo)
    recommendation = overdue_of(inspection)
    client.force_login(demo.xa2)
    assert client.get(reverse("oversight_inspection", args=[inspection.pk])).status_code == 404
    assert client.get(reverse("oversight_inspection_edit", args=[inspection.pk])).status_code == 404
    assert client.get(reverse("oversight_home"), {"don-vi": demo.commune.pk}).status_code == 404
    assert client.get(reverse("oversight_recommendations"), {"don-vi": demo.commune.pk}).status_code == 404
    assert client.post(reverse("oversight_follow_up", args=[recommendation.pk]),
                       {f"r{recommendation.pk}-on": "2026-11-20", f"r{recommendation.pk}-note": "x"}).status_code == 404
    text = client.get(reverse("oversight_home")).content.decode()
    assert inspection.title not in text
    text = client.get(reverse("oversight_recommendations"), {"trang-thai": "tat-ca"}).content.decode()
    assert recommendation.text[:40] not in text


def test_the_inspected_commune_reads_and_follows_up(client, demo, frozen):
    inspection = dong_son(demo)
    recommendation = overdue_of(inspection)
    client.force_login(demo.xa)
    response = client.get(reverse("oversight_inspection", args=[inspection.pk]))
    text = response.content.decode()
    assert response.status_code == 200 and "12-KL/TU" in text and "Quá hạn" in text
    assert reverse("oversight_inspection_edit", args=[inspection.pk]) not in text      # read only
    assert reverse("oversight_follow_up", args=[recommendation.pk]) in text             # but the owner reports
    assert client.post(reverse("oversight_finding_add", args=[inspection.pk]),
                       {"kind": "strength", "text": "Tốt"}).status_code == 403
    url = reverse("oversight_follow_up", args=[recommendation.pk])
    response = client.post(url, {f"r{recommendation.pk}-on": "2026-12-20", f"r{recommendation.pk}-note": "Xong"})
    assert response.status_code == 422 and "không được ở tương lai" in response.content.decode()
    response = client.post(url, {f"r{recommendation.pk}-on": "2026-11-20", f"r{recommendation.pk}-note": "Đã bổ sung",
                                 f"r{recommendation.pk}-done": "on"})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == RecommendationStatus.DONE
    client.force_login(demo.tinh)
    close = reverse("oversight_close", args=[recommendation.pk])
    assert client.post(close, {f"c{recommendation.pk}-on": "2026-11-24",
                               f"c{recommendation.pk}-note": "Đạt"}).status_code == 302
    response = client.post(close, {f"c{recommendation.pk}-on": "2026-11-24", f"c{recommendation.pk}-note": "Lại"})
    assert response.status_code == 404 or "đã kết thúc theo dõi" in response.content.decode()


def test_create_an_inspection_with_bad_input_then_good(client, demo, frozen):
    client.force_login(demo.xa)
    url = reverse("oversight_inspection_create")
    assert client.get(url).status_code == 200
    data = {"kind": "inspection", "mode": "thematic", "title": "Kiểm tra chi bộ", "subject_unit": demo.commune2.pk,
            "starts_on": "2026-11-02", "ends_on": "2026-10-01"}
    response = client.post(url, data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Lựa chọn không hợp lệ" in text        # An Lạc is not offered to Đông Sơn
    data["subject_unit"] = demo.branch.pk
    text = client.post(url, data).content.decode()
    assert "Ngày kết thúc không được trước ngày bắt đầu (02/11/2026)" in text
    data["ends_on"] = "2026-11-10"
    response = client.post(url, data)
    assert response.status_code == 302
    inspection = Inspection.objects.get(title="Kiểm tra chi bộ")
    assert inspection.unit == demo.commune and inspection.subject_unit == demo.branch
    page = reverse("oversight_inspection", args=[inspection.pk])
    text = client.post(reverse("oversight_conclude", args=[inspection.pk]),
                       {"concluded_on": "2026-10-01", "conclusion": "Tốt"}).content.decode()
    assert "Ngày kết luận không được trước ngày bắt đầu (02/11/2026)" in text
    text = client.post(reverse("oversight_recommendation_add", args=[inspection.pk]),
                       {"text": "Rà soát", "owner_unit": demo.branch.pk, "due_on": "2026-10-01"}).content.decode()
    assert "Thời hạn không được trước ngày bắt đầu" in text
    assert client.post(reverse("oversight_recommendation_add", args=[inspection.pk]),
                       {"text": "Rà soát", "owner_unit": demo.branch.pk, "due_on": "2026-12-31"}).status_code == 302
    assert client.get(page).status_code == 200
    # the branch secretary reads it (owns its recommendation); demo-xa2 does not
    client.force_login(demo.chibo)
    assert client.get(page).status_code == 200
    client.force_login(demo.xa2)
    assert client.get(page).status_code == 404


def test_program_pages(client, demo, frozen):
    program = InspectionProgram.objects.get(unit=demo.province, year=2026)
    client.force_login(demo.xa)   # issued from above: readable, not editable
    response = client.get(reverse("oversight_program", args=[program.pk]))
    assert response.status_code == 200 and "Đã thực hiện xong 2/4" in response.content.decode()
    assert client.post(reverse("oversight_program", args=[program.pk]),
                       {"kind": "inspection", "subject": "x", "content": "y"}).status_code == 403
    response = client.post(reverse("oversight_program_create"),
                           {"unit": demo.commune.pk, "year": 2027, "title": "Chương trình năm 2027",
                            "issued_on": "2026-11-20", "symbol": "09-CTr/ĐU"})
    assert response.status_code == 302
    created = InspectionProgram.objects.get(unit=demo.commune, year=2027)
    response = client.post(reverse("oversight_program", args=[created.pk]),
                           {"kind": "supervision", "mode": "regular", "subject": "", "content": "Sinh hoạt"})
    assert "Nhập đối tượng" in response.content.decode()
    client.force_login(demo.xa2)
    assert client.get(reverse("oversight_program", args=[created.pk])).status_code == 404


def test_query_counts_are_pinned(client, demo, frozen, django_assert_num_queries):
    inspection = dong_son(demo)
    client.force_login(demo.tinh)
    client.get(reverse("oversight_home"))   # warm caches (content types, translations)
    with django_assert_num_queries(15):
        assert client.get(reverse("oversight_home")).status_code == 200
    with django_assert_num_queries(16):
        assert client.get(reverse("oversight_inspection", args=[inspection.pk])).status_code == 200
    with django_assert_num_queries(9):
        assert client.get(reverse("oversight_recommendations"), {"trang-thai": "tat-ca"}).status_code == 200


def test_every_page_renders(client, demo, frozen):
    inspection = dong_son(demo)
    program = InspectionProgram.objects.get(unit=demo.province, year=2026)
    item = program.items.order_by("id").last()
    client.force_login(demo.tinh)
    for url in (reverse("oversight_programs"), reverse("oversight_program_create"),
                reverse("oversight_inspection_create") + f"?muc={item.pk}",
                reverse("oversight_inspection_create") + f"?don-vi={demo.commune.pk}",
                reverse("oversight_inspection_edit", args=[inspection.pk]),
                reverse("oversight_recommendations") + "?trang-thai=closed",
                reverse("oversight_home") + "?nam=2025&trang-thai=da-ket-luan"):
        response = client.get(url)
        assert response.status_code == 200, url
    text = client.get(reverse("oversight_inspection_create") + f"?muc={item.pk}").content.decode()
    assert item.content in text                      # the form starts from the planned item
    edit = client.get(reverse("oversight_inspection_edit", args=[inspection.pk])).content.decode()
    assert "12-KL/TU" in edit and 'name="targets"' in edit
    client.force_login(demo.chibo)
    assert client.get(reverse("oversight_home")).status_code == 200
    assert client.get(reverse("oversight_inspection", args=[inspection.pk])).status_code == 200
    assert client.get(reverse("oversight_inspection_edit", args=[inspection.pk])).status_code == 403


def test_home_drills_down_and_up_within_scope(client, demo, frozen):
    client.force_login(demo.tinh)
    text = client.get(reverse("oversight_home")).content.decode()
    assert f'<option value="{demo.commune.pk}">— {demo.commune.name}</option>' in text
    text = client.get(reverse("oversight_home"), {"don-vi": demo.commune.pk}).content.decode()
    assert f"?don-vi={demo.province.pk}&amp;nam=" in text            # up to the province
    client.force_login(demo.xa)
    text = client.get(reverse("oversight_home")).content.decode()
    assert f"?don-vi={demo.province.pk}&amp;nam=" not in text        # not above its own scope
    assert demo.branch.name in text


def test_extend_and_delete_pages(client, demo, frozen):
    inspection = dong_son(demo)
    recommendation = overdue_of(inspection)
    client.force_login(demo.tinh)
    url = reverse("oversight_extend", args=[recommendation.pk])
    response = client.post(url, {f"e{recommendation.pk}-due_on": "2026-12-31", f"e{recommendation.pk}-note": ""})
    assert response.status_code == 422 and "Nhập lý do gia hạn" in response.content.decode()
    assert client.post(url, {f"e{recommendation.pk}-due_on": "2026-12-31",
                             f"e{recommendation.pk}-note": "Chờ hướng dẫn"}).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.due_on.isoformat() == "2026-12-31"
    response = client.post(reverse("oversight_inspection_delete", args=[inspection.pk]), follow=True)
    assert "không xóa được" in response.content.decode()
    client.force_login(demo.xa)
    client.post(reverse("oversight_inspection_create"), {"kind": "inspection", "mode": "thematic", "title": "Nhầm",
                                                         "subject_unit": demo.branch.pk, "starts_on": "2026-11-20"})
    spare = Inspection.objects.get(title="Nhầm")
    page = client.get(reverse("oversight_inspection", args=[spare.pk])).content.decode()
    assert reverse("oversight_inspection_delete", args=[spare.pk]) in page
    assert client.post(reverse("oversight_inspection_delete", args=[spare.pk])).status_code == 302
    assert not Inspection.objects.filter(pk=spare.pk).exists()


def test_program_item_removal_and_page_query_count(client, demo, frozen, django_assert_num_queries):
    program = InspectionProgram.objects.get(unit=demo.province, year=2026)
    done, spare = program.items.order_by("id").first(), program.items.order_by("id").last()
    client.force_login(demo.xa)
    assert client.post(reverse("oversight_planned_remove", args=[spare.pk])).status_code == 403
    client.force_login(demo.tinh)
    page = reverse("oversight_program", args=[program.pk])
    client.get(page)
    with django_assert_num_queries(11):
        text = client.get(page).content.decode()
    assert reverse("oversight_planned_remove", args=[spare.pk]) in text
    assert reverse("oversight_planned_remove", args=[done.pk]) not in text
    response = client.post(reverse("oversight_planned_remove", args=[done.pk]), follow=True)
    assert "không xóa được" in response.content.decode()
    client.post(reverse("oversight_planned_remove", args=[spare.pk]))
    assert program.items.count() == 3


def test_the_inspection_form_offers_no_official_of_an_ancestor(client, demo, frozen):
    from nghiquyet.accounts.models import Person

    client.force_login(demo.xa)
    form = client.get(reverse("oversight_inspection_create")).context["form"]
    province = set(Person.objects.filter(unit=demo.province).values_list("pk", flat=True))
    for name in ("team", "leader", "subject_person"):
        offered = set(form.fields[name].queryset.values_list("pk", flat=True))
        assert offered and not offered & province, name
