"""Resolution, target, copy-down and coverage pages."""

from __future__ import annotations

import re

import pytest

from nghiquyet.audit.models import AuditEvent
from nghiquyet.resolutions.models import Alignment, Document, Milestone, ResolutionItem, Target
from nghiquyet.resolutions.services import target_create

from .conftest import target_values


def _html(response) -> str:
    return response.content.decode()


def _row(html: str, text: str) -> str:
    rows = [r for r in re.findall(r"<tr\b.*?</tr>", html, flags=re.S) if text in r]
    assert rows, f"no row with {text!r}"
    return rows[0]


def test_pages_render_for_the_commune(client, demo, plans):
    client.force_login(demo.xa)
    for url in [
        "/nghi-quyet/", "/nghi-quyet/them/", f"/nghi-quyet/{plans.commune_doc.pk}/",
        f"/nghi-quyet/{plans.commune_doc.pk}/them-chi-tieu/", f"/nghi-quyet/chi-tieu/{plans.commune_target.pk}/",
        f"/nghi-quyet/bao-phu/{demo.commune.pk}/", f"/nghi-quyet/{plans.province_doc.pk}/sao-chep-chi-tieu/",
    ]:
        assert client.get(url).status_code == 200, url


def test_document_list_marks_what_ancestors_issued_read_only(client, demo, plans):
    client.force_login(demo.xa)
    html = _html(client.get("/nghi-quyet/"))
    assert "95-NQ/ĐU" in html and "97-NQ/TU" in html
    assert "chỉ xem" in _row(html, "97-NQ/TU")
    assert "chỉ xem" not in _row(html, "95-NQ/ĐU")
    assert "Thêm văn bản" in html


def test_document_list_search_ignores_diacritics_and_filters(client, demo, plans):
    client.force_login(demo.xa)
    html = _html(client.get("/nghi-quyet/", {"q": "nghi quyet thu nghiem cua dang bo xa"}))
    assert "95-NQ/ĐU" in html and "97-NQ/TU" not in html
    html = _html(client.get("/nghi-quyet/", {"co-quan": demo.province.pk}))
    assert "97-NQ/TU" in html and "95-NQ/ĐU" not in html
    html = _html(client.get("/nghi-quyet/", {"loai": "KL"}))
    assert "97-NQ/TU" not in html and "95-NQ/ĐU" not in html
    html = _html(client.get("/nghi-quyet/", {"nhiem-ky": "2025", "loai": "NQ"}))
    assert "97-NQ/TU" in html


def test_sibling_commune_does_not_see_the_other_communes_documents(client, demo, plans):
    client.force_login(demo.xa2)
    html = _html(client.get("/nghi-quyet/"))
    assert "95-NQ/ĐU" not in html and "97-NQ/TU" in html
    assert client.get(f"/nghi-quyet/{plans.commune_doc.pk}/").status_code == 404
    assert client.get(f"/nghi-quyet/chi-tieu/{plans.commune_target.pk}/").status_code == 404
    assert client.get(f"/nghi-quyet/bao-phu/{demo.commune.pk}/").status_code == 404
    assert client.get(f"/nghi-quyet/{plans.commune_doc.pk}/them-chi-tieu/").status_code == 404
    assert client.get("/nghi-quyet/abc/").status_code == 404
    assert client.get("/nghi-quyet/chi-tieu/999999/").status_code == 404


def test_document_list_query_count_is_pinned(client, demo, plans, django_assert_num_queries):
    client.force_login(demo.xa)
    client.get("/nghi-quyet/")
    # session, user, roles, predecessors (2), filters (issuers, term years), count, page rows, person (nav)
    with django_assert_num_queries(10):
        assert client.get("/nghi-quyet/").status_code == 200
    for n in range(5):
        Document.objects.create(unit=demo.commune, number=60 + n, type_code="KL", issuer_code="ĐU",
                                symbol=f"{60 + n}-KL/ĐU", issued_on=plans.commune_doc.issued_on, title=f"Kết luận {n}")
    with django_assert_num_queries(10):
        assert client.get("/nghi-quyet/").status_code == 200


def test_create_document_with_a_malformed_symbol_is_reshown_and_saves_nothing(client, demo, plans):
    client.force_login(demo.xa)
    before = Document.objects.count()
    response = client.post("/nghi-quyet/them/", {
        "unit": demo.commune.pk, "symbol": "12/NQ-ĐU", "issued_on": "2025-12-01", "title": "Nghị quyết chuyên đề",
    })
    assert response.status_code == 200
    html = _html(response)
    assert "không đúng dạng số-loại/cơ quan ban hành" in html
    assert 'value="Nghị quyết chuyên đề"' in html
    assert Document.objects.count() == before
    response = client.post("/nghi-quyet/them/", {"unit": demo.commune.pk, "symbol": "", "issued_on": "",
                                                 "title": ""})
    assert "Trường này là bắt buộc" in _html(response)
    assert Document.objects.count() == before


def test_create_document(client, demo, plans):
    client.force_login(demo.xa)
    response = client.post("/nghi-quyet/them/", {
        "unit": demo.commune.pk, "symbol": "12-NQ/ĐU", "issued_on": "2025-12-01", "title": "Nghị quyết chuyên đề",
        "implements": [plans.province_doc.pk],
    })
    document = Document.objects.get(unit=demo.commune, symbol="12-NQ/ĐU")
    assert response.status_code == 302 and response["Location"] == f"/nghi-quyet/{document.pk}/"
    assert list(document.implements.all()) == [plans.province_doc]


def test_resolution_page_shows_targets_in_vietnamese_numbers_and_programs(client, demo, plans):
    client.force_login(demo.xa)
    html = _html(client.get(f"/nghi-quyet/{plans.province_doc.pk}/"))
    row = _row(html, "Thu nhập bình quân đầu người")
    assert "36,9" in row and "1.234,5" in row and "2026: 40,5" in row and "2027: 1.000" in row
    assert "Chương trình hành động của Tỉnh ủy" in html
    assert "95-NQ/ĐU" in html  # implemented by the commune's resolution
    html = _html(client.get(f"/nghi-quyet/{plans.commune_doc.pk}/"))
    assert "97-NQ/TU" in html  # implements-link up
    assert "Chương trình hành động thử nghiệm" in html
    assert "0,55" in _row(html, "Tỷ lệ hộ nghèo")


def test_ancestors_resolution_is_readable_but_not_editable(client, demo, plans):
    client.force_login(demo.xa)
    html = _html(client.get(f"/nghi-quyet/{plans.province_doc.pk}/"))
    assert "chỉ xem" in html
    assert "Thêm chỉ tiêu" not in html and "Thêm nội dung" not in html
    assert "Sao chép chỉ tiêu xuống cấp mình" in html
    assert client.get(f"/nghi-quyet/{plans.province_doc.pk}/them-chi-tieu/").status_code == 404
    response = client.post(f"/nghi-quyet/{plans.province_doc.pk}/them-noi-dung/",
                           {"kind": "objective", "number": "1", "title": "Không được thêm"})
    assert response.status_code == 403
    assert not ResolutionItem.objects.filter(title="Không được thêm").exists()
    html = _html(client.get(f"/nghi-quyet/chi-tieu/{plans.province_target.pk}/"))
    assert "chỉ xem" in html and "Sửa chỉ tiêu" not in html
    response = client.post(f"/nghi-quyet/chi-tieu/{plans.province_target.pk}/sua/",
                           {**target_values("T1", "Đổi tên"), "baseline_value": "36,9", "target_value": "50",
                            "aggregation": "none"})
    assert response.status_code == 403
    assert Target.objects.get(pk=plans.province_target.pk).name == "Thu nhập bình quân đầu người"


def test_add_item(client, demo, plans):
    client.force_login(demo.xa)
    response = client.post(f"/nghi-quyet/{plans.commune_doc.pk}/them-noi-dung/",
                           {"kind": "breakthrough", "number": "1", "title": "Chuyển đổi số"})
    assert response.status_code == 302
    assert "Chuyển đổi số" in _html(client.get(f"/nghi-quyet/{plans.commune_doc.pk}/"))
    response = client.post(f"/nghi-quyet/{plans.commune_doc.pk}/them-noi-dung/",
                           {"kind": "objective", "number": "2", "title": ""})
    assert response.status_code == 200 and "Nhập nội dung." in _html(response)


def _target_post(**overrides) -> dict:
    data = {"number": "X2", "name": "Giá trị sản xuất", "domain": "economy", "measure": "tỷ đồng",
            "baseline_year": "2025", "baseline_value": "1.000", "target_value": "1.500,5", "direction": "higher",
            "aggregation": "sum", "milestone_2026": "1.100", "milestone_2030": "1.500,5"}
    data.update(overrides)
    return data


def test_add_target_with_vietnamese_numbers(client, demo, plans):
    client.force_login(demo.xa)
    response = client.post(f"/nghi-quyet/{plans.commune_doc.pk}/them-chi-tieu/", _target_post())
    assert response.status_code == 302
    target = Target.objects.get(document=plans.commune_doc, number="X2")
    assert str(target.target_value.normalize()) == "1500.5"
    assert {m.year: str(m.value.normalize()) for m in target.milestones.all()} == {2026: "1.1E+3", 2030: "1500.5"}


@pytest.mark.parametrize(("overrides", "message"), [
    ({"target_value": "1,2,3"}, "không phải là số theo định dạng Việt Nam"),
    ({"target_value": "900"}, "càng cao càng tốt"),
    ({"milestone_2026": "1.400", "milestone_2027": "1.200"}, "đi ngược chiều đánh giá"),
    ({"name": ""}, "Nhập tên chỉ tiêu."),
    ({"aggregation": "weighted_mean"}, "cần tên trọng số"),
])
def test_bad_target_is_reshown_with_a_vietnamese_message_and_nothing_saved(client, demo, plans, overrides, message):
    client.force_login(demo.xa)
    before = (Target.objects.count(), Milestone.objects.count())
    response = client.post(f"/nghi-quyet/{plans.commune_doc.pk}/them-chi-tieu/", _target_post(**overrides))
    assert response.status_code == 200
    assert message in _html(response)
    assert (Target.objects.count(), Milestone.objects.count()) == before


def test_target_page_edit_and_history(client, demo, plans):
    client.force_login(demo.xa)
    url = f"/nghi-quyet/chi-tieu/{plans.commune_target.pk}/"
    html = _html(client.get(url))
    assert "Sửa chỉ tiêu" in html and "Lịch sử thay đổi" in html
    data = {"number": "X1", "name": "Tỷ lệ hộ nghèo (chuẩn mới)", "domain": "society", "measure": "%",
            "baseline_year": "2025", "baseline_value": "2,5", "target_value": "0,5", "direction": "lower",
            "aggregation": "none", "milestone_2027": "1,5"}
    response = client.post(f"{url}sua/", data)
    assert response.status_code == 302
    target = Target.objects.get(pk=plans.commune_target.pk)
    assert target.name == "Tỷ lệ hộ nghèo (chuẩn mới)" and target.domain == "society"
    html = _html(client.get(url))
    assert "2027" in html and "1,5" in html
    assert "Tỷ lệ hộ nghèo (chuẩn mới)" in html.split("Lịch sử thay đổi")[1]
    # A contradictory value is refused and the target stays as it was.
    response = client.post(f"{url}sua/", {**data, "target_value": "3"})
    assert response.status_code == 200 and "càng thấp càng tốt" in _html(response)
    assert Target.objects.get(pk=plans.commune_target.pk).target_value == target.target_value


def test_target_links_up_and_down(client, demo, plans):
    client.force_login(demo.xa)
    url = f"/nghi-quyet/chi-tieu/{plans.commune_target.pk}/"
    response = client.post(f"{url}lien-ket/", {"destination": f"t{plans.province_target.pk}"})
    assert response.status_code == 302
    assert Alignment.objects.filter(from_target=plans.commune_target, to_target=plans.province_target).exists()
    html = _html(client.get(url))
    assert "Thu nhập bình quân đầu người" in html.split("Liên kết lên cấp trên")[1]
    # The province sees the link down from the commune.
    client.force_login(demo.tinh)
    html = _html(client.get(f"/nghi-quyet/chi-tieu/{plans.province_target.pk}/"))
    assert "Tỷ lệ hộ nghèo" in html.split("Cấp dưới cụ thể hóa")[1]


def test_a_downward_link_is_refused_with_the_services_message(client, demo, plans):
    client.force_login(demo.tinh)
    before = Alignment.objects.count()
    response = client.post(f"/nghi-quyet/chi-tieu/{plans.province_target.pk}/lien-ket/",
                           {"destination": f"t{plans.commune_target.pk}"})
    assert response.status_code == 200
    assert "Chỉ liên kết được với chỉ tiêu, nội dung của cấp trên" in _html(response)
    assert Alignment.objects.count() == before
    response = client.post(f"/nghi-quyet/chi-tieu/{plans.province_target.pk}/lien-ket/", {"destination": "x"})
    assert "Chọn chỉ tiêu hoặc nội dung cần liên kết." in _html(response)


def test_copy_targets_down_asks_for_confirmation_then_copies_with_links(client, demo, plans):
    client.force_login(demo.xa)
    url = f"/nghi-quyet/{plans.province_doc.pk}/sao-chep-chi-tieu/"
    html = _html(client.get(url))
    assert "Xác nhận sao chép" in html and "data-confirm" in html and "95-NQ/ĐU" in html
    response = client.post(url, {"destination": plans.commune_doc.pk, "sources": [plans.province_target.pk]})
    assert response.status_code == 302
    copy = Target.objects.get(document=plans.commune_doc, number="T1")
    assert copy.copied_from == plans.province_target
    assert Alignment.objects.filter(from_target=copy, to_target=plans.province_target).exists()
    # Copying the same again adds nothing; a number already taken is refused, naming it, nothing saved.
    assert client.post(url, {"destination": plans.commune_doc.pk, "sources": [plans.province_target.pk]}) \
        .status_code == 302
    assert Target.objects.filter(document=plans.commune_doc, number="T1").count() == 1
    target_create(actor=None, document=plans.commune_doc, **target_values("T2", "Chỉ tiêu riêng của xã"))
    clash = target_create(actor=None, document=plans.province_doc, **target_values("T2", "Chỉ tiêu T2 của tỉnh"))
    before = Target.objects.count()
    response = client.post(url, {"destination": plans.commune_doc.pk, "sources": [clash.pk]})
    assert response.status_code == 200 and "đã có chỉ tiêu số T2" in _html(response)
    assert Target.objects.count() == before
    # Another commune only ever copies into its own documents.
    client.force_login(demo.xa2)
    response = client.get(url)
    assert response.status_code == 404 or "95-NQ/ĐU" not in _html(response)
    response = client.post(url, {"destination": plans.commune_doc.pk, "sources": [plans.province_target.pk]})
    assert response.status_code == 404 or "Lựa chọn không hợp lệ" in _html(response) \
        or "Hãy chọn một lựa chọn hợp lệ" in _html(response)


def test_coverage_shows_an_uncovered_target_and_covering_it_removes_it(client, demo, plans):
    client.force_login(demo.tinh)
    url = f"/nghi-quyet/bao-phu/{demo.province.pk}/?van-ban={plans.province_doc.pk}"
    row = _row(_html(client.get(url)), "Thu nhập bình quân đầu người")
    uncovered = row.split("</td>")[2]
    assert demo.commune.name in uncovered and demo.commune2.name in uncovered
    # The commune links its target up (through the page).
    client.force_login(demo.xa)
    client.post(f"/nghi-quyet/chi-tieu/{plans.commune_target.pk}/lien-ket/",
                {"destination": f"t{plans.province_target.pk}"})
    client.force_login(demo.tinh)
    cells = _row(_html(client.get(url)), "Thu nhập bình quân đầu người").split("</td>")
    assert demo.commune.name in cells[1] and demo.commune.name not in cells[2]
    assert demo.commune2.name in cells[2]


def test_coverage_counts_a_linked_task(client, demo, plans):
    client.force_login(demo.xa)
    response = client.post(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/lien-ket/",
                           {"destination": f"t{plans.province_target.pk}"})
    assert response.status_code == 302
    client.force_login(demo.tinh)
    cells = _row(_html(client.get(f"/nghi-quyet/bao-phu/{demo.province.pk}/")),
                 "Thu nhập bình quân đầu người").split("</td>")
    assert demo.commune.name in cells[1]


def test_target_history_is_hidden_from_subordinates(client, demo, plans):
    client.force_login(demo.xa)
    assert AuditEvent.objects.filter(object_id=str(plans.province_target.pk)).exists()
    html = _html(client.get(f"/nghi-quyet/chi-tieu/{plans.province_target.pk}/"))
    assert "Lịch sử thay đổi" not in html


def test_link_a_breakthrough_up_to_the_provinces(client, demo, plans):
    from nghiquyet.resolutions.services import item_create

    above = item_create(actor=None, document=plans.province_doc, kind="breakthrough", number="2",
                        title="Chuyển đổi số toàn diện")
    own = item_create(actor=None, document=plans.commune_doc, kind="breakthrough", number="1",
                      title="Chuyển đổi số ở xã")
    client.force_login(demo.xa)
    url = f"/nghi-quyet/{plans.commune_doc.pk}/"
    html = _html(client.get(url))
    assert "Liên kết nội dung với cấp trên" in html and f'value="i{above.pk}"' in html
    response = client.post(f"{url}lien-ket-noi-dung/", {"item": own.pk, "destination": f"i{above.pk}"})
    assert response.status_code == 302
    assert Alignment.objects.filter(from_item=own, to_item=above).exists()
    assert "↑" in _html(client.get(url)).split("Chuyển đổi số ở xã")[1].split("</li>")[0]
    response = client.post(f"{url}lien-ket-noi-dung/", {"item": "", "destination": f"i{above.pk}"})
    assert response.status_code == 200 and "Trường này là bắt buộc" in _html(response)
    # The province's page offers no such form to the commune, and refuses the post.
    assert "Liên kết nội dung với cấp trên" not in _html(client.get(f"/nghi-quyet/{plans.province_doc.pk}/"))
    response = client.post(f"/nghi-quyet/{plans.province_doc.pk}/lien-ket-noi-dung/",
                           {"item": above.pk, "destination": f"t{plans.province_target.pk}"})
    assert response.status_code == 403


def test_remove_a_link_up_with_confirmation(client, demo, plans):
    from nghiquyet.resolutions.services import alignment_create

    link = alignment_create(actor=None, source=plans.commune_target, destination=plans.province_target)
    client.force_login(demo.xa2)
    assert client.post(f"/nghi-quyet/lien-ket/{link.pk}/bo/").status_code == 404
    client.force_login(demo.xa)
    html = _html(client.get(f"/nghi-quyet/chi-tieu/{plans.commune_target.pk}/"))
    assert "Bỏ liên kết" in html and 'data-confirm="Bỏ liên kết này?"' in html
    assert client.get(f"/nghi-quyet/lien-ket/{link.pk}/bo/").status_code == 405
    response = client.post(f"/nghi-quyet/lien-ket/{link.pk}/bo/")
    assert response.status_code == 302 and response["Location"] == f"/nghi-quyet/chi-tieu/{plans.commune_target.pk}/"
    assert not Alignment.objects.filter(pk=link.pk).exists()
    # Links down are shown on the superior's target without a remove button.
    link = alignment_create(actor=None, source=plans.commune_target, destination=plans.province_target)
    client.force_login(demo.tinh)
    assert "Bỏ liên kết" not in _html(client.get(f"/nghi-quyet/chi-tieu/{plans.province_target.pk}/"))


def test_edit_a_document(client, demo, plans):
    client.force_login(demo.xa)
    url = f"/nghi-quyet/{plans.commune_doc.pk}/sua/"
    assert "Sửa văn bản" in _html(client.get(f"/nghi-quyet/{plans.commune_doc.pk}/"))
    html = _html(client.get(url))
    assert 'value="95-NQ/ĐU"' in html
    data = {"symbol": "95/NQ", "issued_on": "2025-11-02", "title": "Nghị quyết đã sửa", "term": "",
            "implements": [plans.province_doc.pk]}
    response = client.post(url, data)
    assert response.status_code == 200 and "không đúng dạng" in _html(response)
    assert Document.objects.get(pk=plans.commune_doc.pk).title == "Nghị quyết thử nghiệm của Đảng bộ xã"
    response = client.post(url, {**data, "symbol": "96-NQ/ĐU"})
    assert response.status_code == 302
    document = Document.objects.get(pk=plans.commune_doc.pk)
    assert (document.symbol, document.title) == ("96-NQ/ĐU", "Nghị quyết đã sửa")
    assert client.get(f"/nghi-quyet/{plans.province_doc.pk}/sua/").status_code == 403
    client.force_login(demo.xa2)
    assert client.get(url).status_code == 404
