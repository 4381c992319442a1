"""The register pages (/van-ban/): scope, diacritics-insensitive search, filters, downloads, the upload form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nghiquyet.documents.models import IssuedDocument, NumberCounter, SourceKind
from nghiquyet.documents.services import document_issue
from nghiquyet.resolutions.models import Document

DAY = dt.date(2026, 4, 20)
PDF = b"%PDF-1.4\n% test\n"


def issue(actor, unit, type_code="BC", title="Báo cáo sơ kết giữa nhiệm kỳ", **extra):
    return document_issue(actor=actor, unit=unit, type_code=type_code, title=title, issued_on=DAY,
                          source_kind=SourceKind.UPLOAD, **extra)


@pytest.fixture
def register(demo):
    return {
        "commune": issue(demo.xa, demo.commune, content=PDF, file_name="bao-cao.pdf", signer_name="Trần Văn Bình"),
        "plan": issue(demo.tinh, demo.province, "KH", title="Kế hoạch sơ kết toàn tỉnh"),
        "province_report": issue(demo.tinh, demo.province, "BC", title="Báo cáo của Tỉnh ủy"),
        "commune2": issue(demo.xa2, demo.commune2, title="Báo cáo của xã An Lạc"),
        "branch": issue(demo.chibo, demo.branch, title="Báo cáo chi bộ"),
    }


def _symbols(response) -> set[str]:
    return {d.symbol + "@" + d.unit.name for d in response.context["page_obj"]}


def test_list_shows_the_subtree_and_what_is_issued_downward(client, demo, register):
    client.force_login(demo.xa)
    response = client.get(reverse("register_list"))
    assert response.status_code == 200
    ids = {d.pk for d in response.context["page_obj"]}
    assert register["commune"].pk in ids and register["branch"].pk in ids
    assert register["plan"].pk in ids                      # a plan of the province reaches the commune
    assert register["province_report"].pk not in ids       # the province's own report does not
    assert register["commune2"].pk not in ids              # a sibling commune's register is not ours
    above = {row["document"].pk for row in response.context["rows"] if row["above"]}
    assert above == {register["plan"].pk}
    assert "Cấp trên ban hành · chỉ xem" in response.content.decode()
    client.force_login(demo.tinh)
    ids = {d.pk for d in client.get(reverse("register_list")).context["page_obj"]}
    assert {d.pk for d in register.values()} <= ids


def test_search_ignores_diacritics(client, demo, register):
    client.force_login(demo.xa)
    for query in ("dong son", "Đông Sơn", "DONG SON", "tran van binh", "01-bc/du"):
        ids = {d.pk for d in client.get(reverse("register_list"), {"q": query}).context["page_obj"]}
        assert register["commune"].pk in ids, query
        assert register["plan"].pk not in ids or query == "", query
    assert not client.get(reverse("register_list"), {"q": "khong co gi"}).context["page_obj"].object_list


def test_filters_by_type_unit_and_year(client, demo, register):
    client.force_login(demo.tinh)
    by_type = client.get(reverse("register_list"), {"loai": "KH"}).context["page_obj"]
    assert {d.pk for d in by_type} == {register["plan"].pk}
    by_unit = client.get(reverse("register_list"), {"don-vi": demo.commune2.pk}).context["page_obj"]
    assert {d.pk for d in by_unit} == {register["commune2"].pk}
    assert client.get(reverse("register_list"), {"nam": 2026}).context["page_obj"].paginator.count >= 5
    assert not client.get(reverse("register_list"), {"nam": 2026, "loai": "NQ"}).context["page_obj"].object_list
    # junk filters are ignored, never an error
    response = client.get(reverse("register_list"), {"loai": "<x>", "don-vi": "abc", "nam": "99999999999999999999"})
    assert response.status_code == 200


def test_list_query_count_is_pinned(client, demo, register, django_assert_num_queries):
    for i in range(30):
        issue(demo.xa, demo.commune, title=f"Báo cáo số {i}")
    client.force_login(demo.xa)
    client.get(reverse("register_list"))
    # session, user, roles, merge history (2), filter units, filter years, count, can register, person, rows
    with django_assert_num_queries(11):
        response = client.get(reverse("register_list"), {"q": "bao cao"})
    assert len(response.context["page_obj"]) == 25


def test_detail_and_download_are_scoped(client, demo, register):
    document = register["commune"]
    client.force_login(demo.xa)
    page = client.get(reverse("register_detail", args=[document.pk]))
    assert page.status_code == 200
    assert "01-BC/ĐU" in page.content.decode() and "Trần Văn Bình" in page.content.decode()
    download = client.get(reverse("register_download", args=[document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"] and download["X-Content-Type-Options"] == "nosniff"
    assert "/media/" not in page.content.decode()
    client.force_login(demo.xa2)
    assert client.get(reverse("register_detail", args=[document.pk])).status_code == 404
    assert client.get(reverse("register_download", args=[document.pk])).status_code == 404
    client.force_login(demo.chibo)  # a branch does not read its commune's reports either
    assert client.get(reverse("register_detail", args=[document.pk])).status_code == 404
    assert client.get(reverse("register_detail", args=[99999999])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, register):
    response = client.get(reverse("register_list"))
    assert response.status_code == 302 and "dang-nhap" in response["Location"]


def _upload_data(unit, **overrides):
    data = {"unit": unit.pk, "type_code": "KH", "issued_on": "2026-04-21", "title": "Kế hoạch tổ chức hội nghị",
            "signer_name": "Trần Văn Bình", "signer_title": "Bí thư", "recipients": "- Các chi bộ,\n- Lưu VP.",
            "file": SimpleUploadedFile("ke-hoach.pdf", PDF, content_type="application/pdf")}
    data.update(overrides)
    return data


def test_register_a_document_shows_its_number(client, demo):
    client.force_login(demo.xa)
    form = client.get(reverse("register_create"))
    assert form.status_code == 200
    units = list(form.context["form"].fields["unit"].queryset)
    assert demo.commune in units and demo.commune2 not in units and demo.province not in units
    initial = form.context["form"].initial
    assert initial["recipients"].startswith("- Ban Thường vụ Tỉnh ủy Hà Thanh")  # prefilled, editable
    response = client.post(reverse("register_create"), _upload_data(demo.commune), follow=True)
    document = IssuedDocument.objects.get(unit=demo.commune, type_code="KH")
    # The demo's Đông Sơn recorded its plan 05-KH/ĐU (with its program) in this term: the register goes on at 06.
    assert document.symbol == "06-KH/ĐU" and document.file_name == "ke-hoach.pdf"
    assert document.source_kind == SourceKind.UPLOAD and document.issued_by == demo.xa
    assert "06-KH/ĐU" in response.content.decode()
    client.post(reverse("register_create"), _upload_data(demo.commune))
    assert IssuedDocument.objects.get(unit=demo.commune, type_code="KH", number=7).symbol == "07-KH/ĐU"


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"type_code": "XX"}, "type_code", "Select a valid choice"),
    ({"file": SimpleUploadedFile("ke-hoach.exe", b"MZ...", content_type="application/octet-stream")}, "file",
     "chỉ nhận tệp docx, pdf, doc, xlsx, odt"),
    ({"file": SimpleUploadedFile("ke-hoach.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")}, "file",
     "chỉ nhận tệp"),
    ({"file": SimpleUploadedFile("ke-hoach.pdf", b"<html>", content_type="application/pdf")}, "file",
     "không đúng định dạng .pdf"),
    ({"file": SimpleUploadedFile("ke-hoach.pdf", b"", content_type="application/pdf")}, "file", "rỗng"),
    ({"file": ""}, "file", "Chọn tệp văn bản."),
    ({"title": "   "}, "title", ""),
])
def test_bad_uploads_are_refused_in_vietnamese_and_write_nothing(client, demo, overrides, field, message):
    client.force_login(demo.xa)
    response = client.post(reverse("register_create"), _upload_data(demo.commune, **overrides))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message and message != "Select a valid choice":
        assert message in " ".join(errors[field])
    assert not IssuedDocument.objects.filter(unit=demo.commune).exists()
    assert not NumberCounter.objects.filter(unit=demo.commune, last_number__gt=0).exists()


def test_a_file_over_the_limit_is_refused(client, demo, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "DOCUMENTS": {**settings.NGHIQUYET["DOCUMENTS"], "MAX_UPLOAD_MB": 1}}
    client.force_login(demo.xa)
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    response = client.post(reverse("register_create"), _upload_data(demo.commune, file=big))
    assert "quá lớn: tối đa 1 MB" in " ".join(response.context["form"].errors["file"])
    assert not IssuedDocument.objects.filter(unit=demo.commune).exists()


def test_register_outside_scope(client, demo):
    client.force_login(demo.xa2)
    response = client.post(reverse("register_create"), _upload_data(demo.commune))
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not IssuedDocument.objects.filter(unit=demo.commune).exists()


def test_a_word_file_is_accepted(client, demo):
    client.force_login(demo.xa)
    word = SimpleUploadedFile("nghi-quyet.docx", b"PK\x03\x04" + b"0" * 100,
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    client.post(reverse("register_create"), _upload_data(demo.commune, file=word, type_code="NQ"))
    document = IssuedDocument.objects.get(unit=demo.commune, type_code="NQ")
    # The demo records the commune congress's resolution 01-NQ/ĐH: another issuer's series, so the committee's is 01.
    assert Document.objects.filter(unit=demo.commune, symbol="01-NQ/ĐH").exists()
    assert document.symbol == "01-NQ/ĐU" and document.file_name == "nghi-quyet.docx"
    assert document.file.name.endswith(".docx") and "nghi-quyet" not in document.file.name  # stored name is ours
