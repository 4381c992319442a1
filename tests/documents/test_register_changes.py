"""The register after the UX review: the number preview and confirmation before issuing, correcting an entry,
voiding it (the number stays used), the signer of entries made in the app, the source link, names in Vietnamese
order, the render-job page's context."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nghiquyet.audit.models import AuditEvent
from nghiquyet.documents import registry
from nghiquyet.documents.letterhead import signature_for
from nghiquyet.documents.models import IssuedDocument, NumberCounter, RenderJob, SourceKind
from nghiquyet.documents.selectors import number_preview
from nghiquyet.documents.services import (
    document_issue,
    issued_document_update,
    issued_document_void,
    render_job_start,
)

DAY = dt.date(2026, 4, 20)
PDF = b"%PDF-1.4\n% test\n"


def issue(actor, unit, type_code="BC", title="Báo cáo sơ kết giữa nhiệm kỳ", **extra):
    extra.setdefault("source_kind", SourceKind.UPLOAD)
    return document_issue(actor=actor, unit=unit, type_code=type_code, title=title, issued_on=DAY, **extra)


def _upload(name="ke-hoach.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _form_data(unit, **overrides):
    data = {"unit": unit.pk, "type_code": "KH", "issued_on": "2026-04-21", "title": "Kế hoạch tổ chức hội nghị",
            "signer_name": "Trần Văn Bình", "signer_title": "Bí thư", "recipients": "- Các chi bộ,\n- Lưu VP.",
            "file": _upload()}
    data.update(overrides)
    return data


# ------------------------------------------------------------------ 1a. preview and confirmation


def test_number_preview_reads_without_taking(demo):
    # Đông Sơn recorded its plan 05-KH/ĐU by hand in this term: the register would give 06.
    assert number_preview(demo.commune, "KH", DAY) == "06-KH/ĐU"
    assert number_preview(demo.commune, "KH", DAY) == "06-KH/ĐU"   # reading twice takes nothing
    assert not NumberCounter.objects.filter(unit=demo.commune, type_code="KH", last_number__gt=0).exists()
    assert number_preview(demo.commune, "BC", DAY) == "01-BC/ĐU"
    issued = issue(demo.xa, demo.commune, "KH", title="Kế hoạch")
    assert issued.symbol == "06-KH/ĐU"
    assert number_preview(demo.commune, "KH", DAY) == "07-KH/ĐU"


def test_form_shows_the_number_and_asks_before_issuing(client, demo):
    client.force_login(demo.xa)
    page = client.get(reverse("register_create")).content.decode()
    assert "Số sẽ cấp:" in page
    assert f'hx-get="{reverse("register_preview")}"' in page and 'hx-target="#number-preview"' in page
    assert "data-confirm=" in page and "<script>" not in page
    fragment = client.get(reverse("register_preview"),
                          {"unit": demo.commune.pk, "type_code": "KH", "issued_on": "2026-04-21"}).content.decode()
    assert "Số sẽ cấp: 06-KH/ĐU" in fragment and 'name="expected" value="06-KH/ĐU"' in fragment
    # junk or a future date: no number, a hint instead, never an error
    for params in ({"unit": "x", "type_code": "KH", "issued_on": "2026-04-21"},
                   {"unit": demo.commune.pk, "type_code": "<b>", "issued_on": "2026-04-21"},
                   {"unit": demo.commune.pk, "type_code": "KH", "issued_on": "2099-01-01"},
                   {"unit": demo.commune.pk, "type_code": "KH", "issued_on": "2026-02-31"},
                   {"unit": demo.commune2.pk, "type_code": "KH", "issued_on": "2026-04-21"}):  # not demo-xa's unit
        response = client.get(reverse("register_preview"), params)
        assert response.status_code == 200 and "Số sẽ cấp:" not in response.content.decode(), params


def test_a_number_taken_meanwhile_is_reported(client, demo):
    client.force_login(demo.xa)
    issue(demo.tinh, demo.commune, "KH", title="Kế hoạch vào sổ trước")     # takes 06 while the form is open
    response = client.post(reverse("register_create"), _form_data(demo.commune, expected="06-KH/ĐU"), follow=True)
    page = response.content.decode()
    assert IssuedDocument.objects.filter(unit=demo.commune, type_code="KH", number=7).exists()
    assert "Số đã cấp là 07-KH/ĐU, không phải 06-KH/ĐU" in page
    response = client.post(reverse("register_create"), _form_data(demo.commune, expected="08-KH/ĐU"), follow=True)
    assert "Đã vào sổ văn bản số 08-KH/ĐU" in response.content.decode()


# ------------------------------------------------------------------ 1b. correcting an entry


def test_update_changes_details_with_audit_never_the_number(demo):
    document = issue(demo.xa, demo.commune, content=PDF, file_name="bc.pdf", signer_name="Trần Văn Bình")
    updated = issued_document_update(actor=demo.xa, document=document, title="Báo cáo sơ kết (sửa)",
                                     signer_name="Lê Văn Thành", signer_title="Phó Bí thư",
                                     recipients="- Lưu VP.", issued_on=dt.date(2026, 4, 22))
    updated.refresh_from_db()
    assert (updated.symbol, updated.number, updated.type_code, updated.unit) == ("01-BC/ĐU", 1, "BC", demo.commune)
    assert updated.title == "Báo cáo sơ kết (sửa)" and updated.signer_name == "Lê Văn Thành"
    assert updated.issued_on == dt.date(2026, 4, 22)
    assert "le van thanh" in updated.search_text
    event = AuditEvent.objects.filter(object_id=str(document.pk), action="update").latest("at")
    assert event.changes["title"] == ["Báo cáo sơ kết giữa nhiệm kỳ", "Báo cáo sơ kết (sửa)"]
    assert event.changes["signer_name"] == ["Trần Văn Bình", "Lê Văn Thành"]
    assert "number" not in event.changes and "recipients" in event.changes


def test_a_new_date_remakes_the_file_of_a_document_made_in_the_app(demo, django_capture_on_commit_callbacks):
    document = issue(demo.xa, demo.commune, source_kind=SourceKind.REVIEW_REPORT, source_id=1, content=b"PK old",
                     file_name="bao-cao.docx")
    old_name, storage = document.file.name, document.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        issued_document_update(actor=demo.xa, document=document, title="Báo cáo (sửa trích yếu)")
    document.refresh_from_db()
    assert document.file.name == old_name          # the title alone keeps the file
    with django_capture_on_commit_callbacks(execute=True):
        issued_document_update(actor=demo.xa, document=document, issued_on=dt.date(2026, 4, 23))
    document.refresh_from_db()
    assert not document.file and document.size == 0 and not storage.exists(old_name)


def test_update_refuses_what_may_not_change(demo):
    document = issue(demo.xa, demo.commune, content=PDF, file_name="bc.pdf")
    with pytest.raises(ValidationError) as error:
        issued_document_update(actor=demo.xa, document=document, number=9, type_code="KH")
    assert set(error.value.message_dict) == {"number", "type_code"}
    with pytest.raises(ValidationError) as error:   # another term would mean another series
        issued_document_update(actor=demo.xa, document=document, issued_on=dt.date(2024, 6, 1))
    assert "issued_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        issued_document_update(actor=demo.xa, document=document, title="  ")
    assert "title" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        issued_document_update(actor=demo.xa2, document=document, title="Khác")
    made_in_app = issue(demo.xa, demo.commune, source_kind=SourceKind.REVIEW_REPORT, source_id=1)
    with pytest.raises(ValidationError) as error:
        issued_document_update(actor=demo.xa, document=made_in_app, file=_upload())
    assert "file" in error.value.message_dict
    document.refresh_from_db()
    assert document.title == "Báo cáo sơ kết giữa nhiệm kỳ"


def test_the_edit_page_replaces_an_uploads_file(client, demo, django_capture_on_commit_callbacks):
    client.force_login(demo.xa)
    client.post(reverse("register_create"), _form_data(demo.commune))
    document = IssuedDocument.objects.get(unit=demo.commune, type_code="KH")
    old_name, storage = document.file.name, document.file.storage
    page = client.get(reverse("register_edit", args=[document.pk]))
    assert page.status_code == 200 and "file" in page.context["form"].fields
    data = {"title": "Kế hoạch tổ chức hội nghị sơ kết", "issued_on": "2026-04-21", "signer_name": "Trần Văn Bình",
            "signer_title": "Bí thư", "recipients": "- Các chi bộ,", "file": _upload("ban-ky.pdf", PDF + b"signed")}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("register_edit", args=[document.pk]), data)
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Kế hoạch tổ chức hội nghị sơ kết" and document.file_name == "ban-ky.pdf"
    assert document.symbol == "06-KH/ĐU" and not storage.exists(old_name)
    bad = client.post(reverse("register_edit", args=[document.pk]), {**data, "issued_on": "2099-01-01",
                                                                       "file": ""})
    assert bad.status_code == 200 and "issued_on" in bad.context["form"].errors
    client.force_login(demo.xa2)
    assert client.get(reverse("register_edit", args=[document.pk])).status_code == 404


# ------------------------------------------------------------------ 1c. voiding


def test_void_keeps_the_number_used_and_shows_the_reason(client, demo):
    first = issue(demo.xa, demo.commune, content=PDF, file_name="bc.pdf")
    voided = issued_document_void(actor=demo.xa, document=first, reason="Ban hành nhầm, thay bằng văn bản khác")
    assert voided.voided_at is not None and voided.voided_by == demo.xa
    event = AuditEvent.objects.filter(object_id=str(first.pk), action="update").latest("at")
    assert event.changes["void_reason"] == ["", "Ban hành nhầm, thay bằng văn bản khác"]
    assert issue(demo.xa, demo.commune).symbol == "02-BC/ĐU"      # 01 is neither a gap nor given again
    assert IssuedDocument.objects.filter(unit=demo.commune, type_code="BC").count() == 2
    with pytest.raises(ValidationError):
        issued_document_void(actor=demo.xa, document=first, reason="lần nữa")
    with pytest.raises(ValidationError):
        issued_document_update(actor=demo.xa, document=first, title="Sửa sau khi thu hồi")
    client.force_login(demo.xa)
    listing = client.get(reverse("register_list")).content.decode()
    assert "Đã thu hồi" in listing
    detail = client.get(reverse("register_detail", args=[first.pk])).content.decode()
    assert "Ban hành nhầm, thay bằng văn bản khác" in detail and "Đã thu hồi" in detail
    assert reverse("register_void", args=[first.pk]) not in detail


def test_void_needs_a_reason_permission_and_a_confirmation(client, demo):
    document = issue(demo.xa, demo.commune)
    with pytest.raises(ValidationError) as error:
        issued_document_void(actor=demo.xa, document=document, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        issued_document_void(actor=demo.xa2, document=document, reason="Không phải của tôi")
    client.force_login(demo.xa)
    detail = client.get(reverse("register_detail", args=[document.pk])).content.decode()
    assert reverse("register_void", args=[document.pk]) in detail and reverse("register_edit", args=[document.pk]) \
        in detail
    form = client.get(reverse("register_void", args=[document.pk])).content.decode()
    assert "data-confirm=" in form
    empty = client.post(reverse("register_void", args=[document.pk]), {"reason": ""})
    assert empty.status_code == 200 and "reason" in empty.context["form"].errors
    done = client.post(reverse("register_void", args=[document.pk]), {"reason": "Sai trích yếu"})
    assert done.status_code == 302
    document.refresh_from_db()
    assert document.void_reason == "Sai trích yếu"
    client.force_login(demo.xa2)
    assert client.post(reverse("register_void", args=[document.pk]), {"reason": "x"}).status_code == 404


# ------------------------------------------------------------------ 2. signer, source link; 3. names


def test_an_entry_made_in_the_app_takes_the_signature_blocks_signer(demo):
    document = issue(demo.xa, demo.commune, source_kind=SourceKind.REVIEW_REPORT, source_id=5)
    signature = signature_for(demo.commune)
    assert document.signer_name == signature.name and document.signer_title == "Bí thư"
    given = issue(demo.xa, demo.commune, signer_name="Trần Văn Bình", signer_title="Phó Bí thư")
    assert given.signer_name == "Trần Văn Bình" and given.signer_title == "Phó Bí thư"


def test_detail_links_the_source_and_names_people_in_vietnamese_order(client, demo):
    from nghiquyet.reviews.models import ReviewReport

    report = ReviewReport.objects.filter(unit=demo.commune).first()
    assert report is not None, "the demo seeds a review report for Đông Sơn"
    document = issue(demo.xa, demo.commune, source_kind=SourceKind.REVIEW_REPORT, source_id=report.pk)
    client.force_login(demo.xa)
    page = client.get(reverse("register_detail", args=[document.pk])).content.decode()
    assert f'href="{reverse("review_report", args=[report.pk])}"' in page
    assert f"<dd>{demo.xa.person.full_name} · " in page          # "Người vào sổ", as in the page header
    upload = issue(demo.xa, demo.commune)
    page = client.get(reverse("register_detail", args=[upload.pk])).content.decode()
    assert "<dd>Văn bản đăng ký vào sổ</dd>" in page             # an upload has no source page
    assert registry.source_url(SourceKind.UPLOAD, None) is None


# ------------------------------------------------------------------ 4. the render-job page


def test_render_job_page_says_what_is_made_and_links_back(client, demo):
    from nghiquyet.reviews.models import ReviewReport

    report = ReviewReport.objects.filter(unit=demo.commune).select_related("unit").first()
    job = render_job_start(actor=demo.xa, source_kind="review_report", source_id=report.pk, fmt="xlsx")
    client.force_login(demo.xa)
    page = client.get(reverse("render_job_detail", args=[job.pk])).content.decode()
    assert "Tạo tệp XLSX" in page and report.unit.name in page
    assert registry.describe("review_report", report.pk, user=demo.xa).startswith("Báo cáo ")
    assert f'href="{reverse("review_report", args=[report.pk])}"' in page
    # a report outside the user's scope is not described
    assert registry.describe("review_report", report.pk, user=demo.xa2) == ""
    assert registry.describe("review_report", 99999999, user=demo.xa) == ""


def test_a_job_the_worker_never_picked_up_says_so(client, demo):
    from datetime import timedelta

    from django.utils import timezone

    job = render_job_start(actor=demo.xa, source_kind="review_report", source_id=11, fmt="pdf")
    RenderJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=2))
    client.force_login(demo.xa)
    page = client.get(reverse("render_job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "Máy chủ xử lý nền chưa nhận yêu cầu này" in page and "quản trị viên hệ thống" in page
    assert "every 1s" not in page
    RenderJob.objects.filter(pk=job.pk).update(status="running")
    page = client.get(reverse("render_job_detail", args=[job.pk]), headers={"HX-Request": "true"}).content.decode()
    assert "đã nhận yêu cầu nhưng" in page


def test_a_user_without_an_official_record_is_named_family_name_first(client, demo):
    from django.contrib.auth import get_user_model

    from nghiquyet.documents.letterhead import user_display_name

    user = get_user_model()(username="vt", first_name="Văn Thành Trung", last_name="Lê")
    assert user_display_name(user) == "Lê Văn Thành Trung"
    assert user_display_name(get_user_model()(username="nobody")) == "nobody"
    assert user_display_name(demo.xa) == demo.xa.person.full_name
