"""Action program page (the task table), task page, program creation and my tasks."""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile

from nghiquyet.accounts.models import Person
from nghiquyet.programs.models import ActionProgram, Task, TaskEvidence, TaskUpdate
from nghiquyet.programs.services import task_create

from .conftest import TODAY


def _html(response) -> str:
    return response.content.decode()


def _row(html: str, text: str) -> str:
    rows = [r for r in re.findall(r"<tr\b.*?</tr>", html, flags=re.S) if text in r]
    assert rows, f"no row with {text!r}"
    return rows[0]


def _task_post(plans, **overrides) -> dict:
    people = plans.people
    data = {
        "title": "Xây dựng mô hình dân vận khéo", "directing": people["directing"].pk,
        "responsible": people["responsible"].pk, "advisor": people["advisor"].pk,
        "start_date": "2026-01-05", "due_date": "2027-06-30", "deliverable": "Báo cáo mô hình",
        "authority": "Ban Thường vụ Đảng ủy",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_program_page_renders_the_task_table_and_the_add_form(client, demo, plans):
    client.force_login(demo.xa)
    html = _html(client.get(f"/chuong-trinh/{plans.program.pk}/"))
    row = _row(html, "Tổ chức học tập, quán triệt nghị quyết")
    assert plans.people["directing"].full_name in row and plans.people["responsible"].full_name in row
    assert "31/12/2030" in row and "Báo cáo kết quả" in row
    assert "Thêm nhiệm vụ" in html
    for label in ["Nhiệm vụ", "Ủy viên Ban Thường vụ chỉ đạo", "Cấp ủy viên phụ trách", "Cán bộ, công chức tham mưu",
                  "Cơ quan phối hợp", "Ngày bắt đầu", "Thời hạn hoàn thành", "Sản phẩm", "Thẩm quyền phê duyệt"]:
        assert re.search(rf'<label for="id_new_\w+">{re.escape(label)}</label>', html), label


def test_add_task_with_all_clears_and_the_responsible_person_sees_it(client, demo, plans):
    client.force_login(demo.xa)
    bodies = list(demo.commune.children.filter(kind="fatherland_front")[:1])
    response = client.post(f"/chuong-trinh/{plans.program.pk}/",
                           _task_post(plans, responsible=plans.people["advisor"].pk,
                                      coordinating=[b.pk for b in bodies]))
    assert response.status_code == 302
    task = Task.objects.get(program=plans.program, title="Xây dựng mô hình dân vận khéo")
    assert list(task.coordinating.all()) == bodies
    assert task.responsible.user == demo.xa
    html = _html(client.get("/chuong-trinh/viec-cua-toi/"))
    assert "Xây dựng mô hình dân vận khéo" in html and "Phụ trách" in _row(html, "Xây dựng mô hình dân vận khéo")


def test_a_task_missing_a_clear_is_refused_naming_it_and_nothing_is_saved(client, demo, plans):
    client.force_login(demo.xa)
    before = Task.objects.count()
    for missing, message in [("deliverable", "rõ sản phẩm"), ("responsible", "rõ người"),
                             ("due_date", "rõ thời gian"), ("authority", "rõ thẩm quyền"),
                             ("advisor", "rõ trách nhiệm")]:
        response = client.post(f"/chuong-trinh/{plans.program.pk}/", _task_post(plans, **{missing: None}))
        assert response.status_code == 200
        html = _html(response)
        assert message in html, missing
        assert 'value="Báo cáo mô hình"' in html or missing == "deliverable"  # the typed values are kept
    response = client.post(f"/chuong-trinh/{plans.program.pk}/", _task_post(plans, due_date="2025-12-31"))
    assert "Thời hạn hoàn thành không được trước ngày bắt đầu." in _html(response)
    response = client.post(f"/chuong-trinh/{plans.program.pk}/", _task_post(plans, due_date="31/02/2026"))
    assert "Nhập một ngày hợp lệ" in _html(response) or "ngày" in _html(response)
    assert Task.objects.count() == before


def test_people_outside_the_programs_unit_are_not_offered(client, demo, plans):
    client.force_login(demo.xa)
    stranger = Person.objects.filter(unit=demo.commune2).first()
    response = client.post(f"/chuong-trinh/{plans.program.pk}/", _task_post(plans, responsible=stranger.pk))
    assert response.status_code == 200 and "Lựa chọn không hợp lệ." in _html(response)
    assert stranger.full_name not in _html(client.get(f"/chuong-trinh/{plans.program.pk}/"))


def test_status_filter_and_overdue_highlight(client, demo, plans):
    client.force_login(demo.xa)
    task_create(actor=None, program=plans.program, title="Việc đã quá hạn", start_date=TODAY - dt.timedelta(60),
                due_date=TODAY - dt.timedelta(5), deliverable="Tờ trình", authority="Đảng ủy", **plans.people)
    html = _html(client.get(f"/chuong-trinh/{plans.program.pk}/"))
    assert "overdue" in _row(html, "Việc đã quá hạn") and "Quá hạn" in _row(html, "Việc đã quá hạn")
    assert "overdue" not in _row(html, "Tổ chức học tập")
    html = _html(client.get(f"/chuong-trinh/{plans.program.pk}/", {"trang-thai": "overdue"}))
    assert "Việc đã quá hạn" in html and "Tổ chức học tập" not in html
    html = _html(client.get(f"/chuong-trinh/{plans.program.pk}/", {"trang-thai": "not_started"}))
    assert "Việc đã quá hạn" not in html and "Tổ chức học tập" in html


def test_htmx_row_edit(client, demo, plans):
    client.force_login(demo.xa)
    url = f"/chuong-trinh/nhiem-vu/{plans.task.pk}/sua/"
    html = _html(client.get(url, HTTP_HX_REQUEST="true"))
    assert html.lstrip().startswith("<tr") and 'hx-post="' + url + '"' in html
    data = _task_post(plans, title="Học tập nghị quyết (đã sửa)", status="in_progress")
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert _html(response).lstrip().startswith("<tr") and "Học tập nghị quyết (đã sửa)" in _html(response)
    task = Task.objects.get(pk=plans.task.pk)
    assert task.title == "Học tập nghị quyết (đã sửa)" and task.status == "in_progress"
    # A missing clear keeps the row in edit mode with the message; nothing changes.
    response = client.post(url, {**data, "deliverable": "", "title": "Không lưu"}, HTTP_HX_REQUEST="true")
    assert "rõ sản phẩm" in _html(response) and "<form" in _html(response)
    assert Task.objects.get(pk=plans.task.pk).title == "Học tập nghị quyết (đã sửa)"
    # Cancel brings back the plain row.
    assert "Sửa" in _html(client.get(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/dong/", HTTP_HX_REQUEST="true"))
    # Without htmx the edit saves and goes back to the program.
    response = client.post(url, {**data, "title": "Sửa không cần htmx"})
    assert response.status_code == 302 and response["Location"] == f"/chuong-trinh/{plans.program.pk}/"


def test_progress_update_with_evidence(client, demo, plans, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(demo.xa)
    url = f"/chuong-trinh/nhiem-vu/{plans.task.pk}/"
    html = _html(client.get(url))
    assert "Cập nhật tiến độ" in html and 'enctype="multipart/form-data"' in html
    response = client.post(f"{url}tien-do/", {"on": "", "percent": "150", "note": ""})
    assert response.status_code == 200 and TaskUpdate.objects.filter(task=plans.task).count() == 0
    assert "100" in _html(response)
    evidence = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client.post(f"{url}tien-do/", {"on": TODAY.isoformat(), "percent": "40",
                                              "note": "Đã tổ chức hội nghị quán triệt", "evidence": evidence})
    assert response.status_code == 302
    update = TaskUpdate.objects.get(task=plans.task)
    assert update.percent == 40 and TaskEvidence.objects.filter(update=update).count() == 1
    task = Task.objects.get(pk=plans.task.pk)
    assert task.percent == 40 and task.status == "in_progress"
    html = _html(client.get(url))
    assert "Đã tổ chức hội nghị quán triệt" in html and "bien-ban" in html
    response = client.post(f"{url}tien-do/", {"on": TODAY.isoformat(), "percent": "50", "note": ""})
    assert "Nhập nội dung tiến độ." in _html(response)


def test_out_of_scope_programs_and_tasks_are_not_found(client, demo, plans):
    client.force_login(demo.xa2)
    for url in [f"/chuong-trinh/{plans.program.pk}/", f"/chuong-trinh/nhiem-vu/{plans.task.pk}/",
                f"/chuong-trinh/nhiem-vu/{plans.task.pk}/sua/", f"/chuong-trinh/nhiem-vu/{plans.task.pk}/dong/"]:
        assert client.get(url).status_code == 404, url
    task_url = f"/chuong-trinh/nhiem-vu/{plans.task.pk}/"
    for url in [f"/chuong-trinh/{plans.program.pk}/", f"{task_url}sua/", f"{task_url}tien-do/", f"{task_url}lien-ket/"]:
        assert client.post(url, _task_post(plans)).status_code == 404, url
    assert client.get("/chuong-trinh/99999/").status_code == 404
    # demo-xa reads the province's program, but never its tasks.
    client.force_login(demo.xa)
    html = _html(client.get(f"/chuong-trinh/{plans.province_program.pk}/"))
    assert "Nhiệm vụ của tỉnh" not in html and "Thêm nhiệm vụ" not in html and "chỉ xem" in html
    for url in [f"/chuong-trinh/nhiem-vu/{plans.province_task.pk}/",
                f"/chuong-trinh/nhiem-vu/{plans.province_task.pk}/sua/"]:
        assert client.get(url).status_code == 404, url
    before = Task.objects.count()
    assert client.post(f"/chuong-trinh/{plans.province_program.pk}/", _task_post(plans)).status_code in (403, 200)
    assert Task.objects.count() == before


def test_create_program_for_a_resolution(client, demo, plans):
    client.force_login(demo.xa)
    url = f"/chuong-trinh/tao/?nghi-quyet={plans.province_doc.pk}"
    html = _html(client.get(url))
    assert demo.commune.name in html
    before = ActionProgram.objects.count()
    response = client.post(url, {"nghi-quyet": plans.province_doc.pk, "unit": demo.commune.pk, "title": "",
                                 "symbol": "3/CTr", "issued_on": "2025-12-01"})
    assert response.status_code == 200
    html = _html(response)
    assert "Nhập tên chương trình." in html and "không đúng dạng" in html
    assert ActionProgram.objects.count() == before
    response = client.post(url, {"nghi-quyet": plans.province_doc.pk, "unit": demo.commune.pk,
                                 "title": "Chương trình thực hiện nghị quyết của tỉnh", "symbol": "03-CTr/ĐU",
                                 "issued_on": "2025-12-01"})
    program = ActionProgram.objects.get(title="Chương trình thực hiện nghị quyết của tỉnh")
    assert response.status_code == 302 and response["Location"] == f"/chuong-trinh/{program.pk}/"
    assert program.unit == demo.commune and program.resolution == plans.province_doc
    # A sibling commune cannot make a program for demo-xa's resolution.
    client.force_login(demo.xa2)
    assert client.get(f"/chuong-trinh/tao/?nghi-quyet={plans.commune_doc.pk}").status_code == 404


def test_my_tasks_lists_what_the_person_directs_owns_or_advises(client, demo, plans):
    client.force_login(demo.xa)  # demo-xa's Person advises plans.task
    html = _html(client.get("/chuong-trinh/viec-cua-toi/"))
    assert "Tham mưu" in _row(html, "Tổ chức học tập, quán triệt nghị quyết")
    assert "Nhiệm vụ của tỉnh" not in html
    html = _html(client.get("/chuong-trinh/viec-cua-toi/", {"trang-thai": "done"}))
    assert "Tổ chức học tập, quán triệt nghị quyết" not in html
    client.force_login(demo.xa2)
    assert "Tổ chức học tập, quán triệt nghị quyết" not in _html(client.get("/chuong-trinh/viec-cua-toi/"))


def _more_tasks(plans, n: int) -> None:
    for i in range(n):
        task_create(actor=None, program=plans.program, title=f"Nhiệm vụ thêm {i}", start_date=dt.date(2026, 1, 1),
                    due_date=dt.date(2026, 12, 31), deliverable="Báo cáo", authority="Đảng ủy", **plans.people)


def test_program_page_query_count_is_pinned(client, demo, plans, django_assert_num_queries):
    client.force_login(demo.xa)
    url = f"/chuong-trinh/{plans.program.pk}/"
    client.get(url)
    # session, user, roles, program, predecessors (2 for the program, 2 for the tasks), status counts, count, tasks,
    # coordinating, people x3 (one per select), bodies, nav person
    with django_assert_num_queries(15) as ctx:
        assert client.get(url).status_code == 200
    _more_tasks(plans, 6)
    with django_assert_num_queries(len(ctx)):
        assert client.get(url).status_code == 200


def test_my_tasks_query_count_is_pinned(client, demo, plans, django_assert_num_queries):
    client.force_login(demo.xa)
    client.get("/chuong-trinh/viec-cua-toi/")
    # session, user, count, page rows, nav person
    with django_assert_num_queries(5) as ctx:
        assert client.get("/chuong-trinh/viec-cua-toi/").status_code == 200
    _more_tasks(plans, 6)
    with django_assert_num_queries(len(ctx)):
        assert client.get("/chuong-trinh/viec-cua-toi/").status_code == 200


def test_other_program_pages_render(client, demo, plans):
    client.force_login(demo.xa)
    html = _html(client.get("/chuong-trinh/"))
    assert "Chương trình hành động thử nghiệm" in html and "Chương trình hành động của Tỉnh ủy" in html
    html = _html(client.get(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/sua/"))
    assert "Sửa nhiệm vụ" in html and 'value="Báo cáo kết quả"' in html
    html = _html(client.get(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/"))
    assert "Liên kết lên cấp trên" in html and "Thu nhập bình quân đầu người" in html  # offered as a destination
    client.force_login(demo.tinh)
    html = _html(client.get(f"/chuong-trinh/{plans.program.pk}/"))
    assert "Tổ chức học tập, quán triệt nghị quyết" in html  # the province sees its subtree's tasks
    assert client.get(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/").status_code == 200


def test_a_responsible_person_outside_the_office_reports_progress_but_cannot_edit(client, demo, plans):
    """demo-chibo (a branch secretary) owns a commune task: sees it in my tasks, reports progress, no edit."""
    from nghiquyet.programs.services import task_update

    chibo_person = Person.objects.get(user=demo.chibo)
    task_update(actor=None, task=plans.task, responsible=chibo_person)
    client.force_login(demo.chibo)
    assert "Tổ chức học tập, quán triệt nghị quyết" in _html(client.get("/chuong-trinh/viec-cua-toi/"))
    html = _html(client.get(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/"))
    assert "Cập nhật tiến độ" in html and "Sửa nhiệm vụ" not in html
    response = client.post(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/tien-do/",
                           {"on": TODAY.isoformat(), "percent": "20", "note": "Chi bộ đã họp quán triệt"})
    assert response.status_code == 302
    assert client.post(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/sua/", _task_post(plans)).status_code == 403


def test_edit_a_program(client, demo, plans):
    client.force_login(demo.xa)
    url = f"/chuong-trinh/{plans.program.pk}/sua/"
    assert "Sửa chương trình" in _html(client.get(f"/chuong-trinh/{plans.program.pk}/"))
    html = _html(client.get(url))
    assert 'value="Chương trình hành động thử nghiệm"' in html
    response = client.post(url, {"title": "", "issued_on": "2025-11-20", "symbol": "05-CTr/ĐU"})
    assert response.status_code == 200 and "Nhập tên chương trình." in _html(response)
    response = client.post(url, {"title": "Chương trình đã sửa", "issued_on": "2025-11-20", "symbol": "05-CTr/ĐU"})
    assert response.status_code == 302
    program = ActionProgram.objects.get(pk=plans.program.pk)
    assert program.title == "Chương trình đã sửa" and program.symbol == "05-CTr/ĐU"
    # Read-only for the commune: the province's program.
    assert client.get(f"/chuong-trinh/{plans.province_program.pk}/sua/").status_code == 403
    client.force_login(demo.xa2)
    assert client.get(url).status_code == 404


def _edit_post(task, **overrides) -> dict:
    data = {
        "number": task.number, "title": task.title, "directing": task.directing_id or "",
        "responsible": task.responsible_id or "", "advisor": task.advisor_id or "",
        "coordinating": [b.pk for b in task.coordinating.all()], "start_date": task.start_date.isoformat(),
        "due_date": task.due_date.isoformat(), "deliverable": task.deliverable, "authority": task.authority,
        "status": task.status,
    }
    data.update(overrides)
    return data


def test_a_branch_secretary_edits_a_branch_task_directed_from_the_commune(client, demo):
    """The demo's branch tasks are directed and advised by commune people: the edit form shows them selected
    (not "— Chọn —") and saving keeps them."""
    task = Task.objects.filter(unit=demo.branch, directing__unit=demo.commune).select_related("directing").first()
    assert task is not None and task.advisor.unit == demo.commune
    client.force_login(demo.chibo)
    html = _html(client.get(f"/chuong-trinh/nhiem-vu/{task.pk}/sua/"))
    select = re.search(r'<select name="directing".*?</select>', html, flags=re.S).group(0)
    assert re.search(rf'<option value="{task.directing_id}" selected>', select)
    select = re.search(r'<select name="advisor".*?</select>', html, flags=re.S).group(0)
    assert re.search(rf'<option value="{task.advisor_id}" selected>', select)
    response = client.post(f"/chuong-trinh/nhiem-vu/{task.pk}/sua/", _edit_post(task, title="Sửa bởi chi bộ"))
    assert response.status_code == 302, _html(response)
    task.refresh_from_db()
    assert task.title == "Sửa bởi chi bộ" and task.directing.unit == demo.commune
    # A person of a sibling commune is neither offered nor accepted.
    outsider = Person.objects.filter(unit=demo.commune2).first()
    assert f'<option value="{outsider.pk}"' not in html
    response = client.post(f"/chuong-trinh/nhiem-vu/{task.pk}/sua/", _edit_post(task, directing=outsider.pk))
    assert response.status_code == 200 and "Lựa chọn không hợp lệ." in _html(response)
    task.refresh_from_db()
    assert task.directing_id != outsider.pk


def test_links_up_the_user_cannot_read_are_not_shown(client, demo, plans):
    from nghiquyet.resolutions.models import Alignment, Target

    readable = plans.province_target
    hidden = Target.objects.filter(unit=demo.commune2).first()
    assert hidden is not None
    Alignment.objects.create(from_task=plans.task, to_target=readable, from_unit=plans.task.unit)
    # a link left pointing to a sibling's target (e.g. by a reorganization): never shown to demo-xa
    Alignment.objects.create(from_task=plans.task, to_target=hidden, from_unit=plans.task.unit)
    client.force_login(demo.xa)
    html = _html(client.get(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/"))
    section = html.split("Liên kết lên cấp trên")[1].split("</ul>")[0]
    assert readable.name in section and f"/nghi-quyet/chi-tieu/{hidden.pk}/" not in section
    assert hidden.name not in section or hidden.name == readable.name


def test_out_of_range_ids_on_the_task_forms_are_invalid_choices_not_errors(client, demo, plans):
    client.force_login(demo.xa)
    big = "9223372036854775808"
    for field, value in [("coordinating", big), ("directing", big), ("advisor", "١٢"), ("responsible", "-1"),
                         ("coordinating", "1e3")]:
        response = client.post(f"/chuong-trinh/{plans.program.pk}/", _task_post(plans, **{field: value}))
        assert response.status_code == 200, field
        assert "Lựa chọn không hợp lệ." in _html(response), field
        response = client.post(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/sua/",
                               _edit_post(plans.task, **{field: value}))
        assert response.status_code == 200 and "Lựa chọn không hợp lệ." in _html(response), field


def test_a_commune_creates_its_plan_for_a_central_committee_resolution(client, demo):
    from nghiquyet.demo.plans import THEMATIC_SYMBOL
    from nghiquyet.resolutions.models import Document

    thematic = Document.objects.select_related("unit").get(symbol=THEMATIC_SYMBOL)
    assert thematic.unit.kind == "central"
    client.force_login(demo.xa)
    url = f"/chuong-trinh/tao/?nghi-quyet={thematic.pk}"
    response = client.get(url)
    assert response.status_code == 200
    html = _html(response)
    assert f'<option value="{demo.commune.pk}"' in html
    assert f'<option value="{demo.province.pk}"' not in html and f'<option value="{demo.commune2.pk}"' not in html
    response = client.post(url, {"nghi-quyet": thematic.pk, "unit": demo.commune.pk,
                                 "title": "Kế hoạch bổ sung thực hiện Nghị quyết 57-NQ/TW", "symbol": "",
                                 "issued_on": "2025-12-01"})
    program = ActionProgram.objects.get(title="Kế hoạch bổ sung thực hiện Nghị quyết 57-NQ/TW")
    assert response.status_code == 302 and program.unit == demo.commune and program.resolution == thematic
    # a unit the user does not plan for is an invalid choice, not a program
    response = client.post(url, {"nghi-quyet": thematic.pk, "unit": demo.commune2.pk, "title": "Không được",
                                 "issued_on": "2025-12-01"})
    assert response.status_code == 200 and not ActionProgram.objects.filter(title="Không được").exists()
    response = client.post(url, {"nghi-quyet": thematic.pk, "unit": "9223372036854775808", "title": "Không được",
                                 "issued_on": "2025-12-01"})
    assert response.status_code == 200 and "Lựa chọn không hợp lệ" in _html(response)
