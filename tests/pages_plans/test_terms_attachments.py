"""Pages for a unit's terms and congresses, and for the attachments of a document."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nghiquyet.resolutions.models import Attachment, Congress, Term
from nghiquyet.resolutions.services import attachment_add, congress_create, term_create

PDF = b"%PDF-1.4\n% phu luc\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _terms_url(unit) -> str:
    return f"/nghi-quyet/nhiem-ky/{unit.pk}/"


TERM_AND_CONGRESS = {"start_year": "2010", "end_year": "2015", "ordinal": "lần thứ XXII",
                     "held_from": "2010-10-10", "held_to": "2010-10-12"}


# ------------------------------------------------------------------ terms and congresses


def test_terms_page_lists_terms_and_creates_a_term_with_its_congress(client, demo):
    client.force_login(demo.xa)
    page = client.get(_terms_url(demo.commune))
    assert page.status_code == 200 and "Thêm nhiệm kỳ" in page.content.decode()
    response = client.post(_terms_url(demo.commune), TERM_AND_CONGRESS)
    assert response.status_code == 302 and response["Location"] == _terms_url(demo.commune)
    term = Term.objects.get(unit=demo.commune, start_year=2010)
    assert term.end_year == 2015 and term.congress.ordinal == "XXII"
    assert term.congress.held_from == dt.date(2010, 10, 10)
    html = client.get(_terms_url(demo.commune)).content.decode()
    assert "2010 - 2015" in html and "Đại hội lần thứ XXII" in html and "10/10/2010" in html


def test_a_term_without_congress(client, demo):
    client.force_login(demo.xa)
    response = client.post(_terms_url(demo.commune), {"start_year": "2010", "end_year": "2015"})
    assert response.status_code == 302
    term = Term.objects.get(unit=demo.commune, start_year=2010)
    assert not Congress.objects.filter(term=term).exists()


@pytest.mark.parametrize("changes, field, message", [
    ({"start_year": ""}, "start_year", "Nhập năm bắt đầu nhiệm kỳ."),
    ({"end_year": "hai nghìn"}, "end_year", "Năm phải là số"),
    ({"end_year": "2009"}, "end_year", "năm kết thúc sau năm bắt đầu"),
    ({"ordinal": "XXII bis"}, "ordinal", "số La Mã hoặc số"),
    ({"held_to": "2010-10-01"}, "held_to", "không được trước ngày khai mạc"),
    ({"held_from": "2013-10-10", "held_to": "2013-10-12"}, "held_from", "đầu nhiệm kỳ"),
    ({"held_from": "", "ordinal": "35"}, "held_from", "Nhập ngày khai mạc đại hội."),
    ({"held_to": "32/13/2010"}, "held_to", "Nhập ngày đúng dạng"),
])
def test_bad_input_is_shown_per_field_and_nothing_is_saved(client, demo, changes, field, message):
    client.force_login(demo.xa)
    terms, congresses = Term.objects.count(), Congress.objects.count()
    response = client.post(_terms_url(demo.commune), {**TERM_AND_CONGRESS, **changes})
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert message in response.content.decode()
    assert (Term.objects.count(), Congress.objects.count()) == (terms, congresses)  # all or nothing


def test_overlapping_term_is_refused(client, demo):
    term_create(actor=None, unit=demo.commune, start_year=2010, end_year=2015)
    client.force_login(demo.xa)
    response = client.post(_terms_url(demo.commune), {"start_year": "2012", "end_year": "2017"})
    assert "trùng thời gian" in " ".join(response.context["form"].errors["start_year"])
    assert Term.objects.filter(unit=demo.commune, start_year=2012).count() == 0


def test_terms_page_of_a_sibling_is_404_and_changes_nothing(client, demo):
    client.force_login(demo.xa2)
    assert client.get(_terms_url(demo.commune)).status_code == 404
    assert client.post(_terms_url(demo.commune), TERM_AND_CONGRESS).status_code == 404
    assert not Term.objects.filter(unit=demo.commune, start_year=2010).exists()
    assert client.get("/nghi-quyet/nhiem-ky/999999999/").status_code == 404


def test_subordinate_may_not_change_an_ancestors_terms(client, demo):
    """The commune's term is readable from the branch (issued above) but not changeable: 403 on its congress;
    the commune's terms page itself is, like every page keyed by a unit id, only for the unit's subtree."""
    term = term_create(actor=None, unit=demo.commune, start_year=2010, end_year=2015)
    client.force_login(demo.chibo)
    url = f"/nghi-quyet/nhiem-ky/dai-hoi/{term.pk}/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"ordinal": "XXII", "held_from": "2010-10-10", "held_to": "2010-10-12"})
    assert response.status_code == 403
    assert not Congress.objects.filter(term=term).exists()
    assert client.post(_terms_url(demo.commune), TERM_AND_CONGRESS).status_code in (403, 404)
    assert not Term.objects.filter(unit=demo.commune, start_year=2010, congress__isnull=False).exists()
    # a sibling does not even see the term
    client.force_login(demo.xa2)
    assert client.get(url).status_code == 404


def test_congress_is_added_then_corrected(client, demo):
    term = term_create(actor=None, unit=demo.commune, start_year=2010, end_year=2015)
    client.force_login(demo.xa)
    url = f"/nghi-quyet/nhiem-ky/dai-hoi/{term.pk}/"
    assert "Thêm đại hội" in client.get(url).content.decode()
    assert client.post(url, {"ordinal": "34", "held_from": "2010-10-10", "held_to": "2010-10-12"}).status_code == 302
    assert Congress.objects.get(term=term).ordinal == "34"
    page = client.get(url)
    assert page.context["form"].initial["ordinal"] == "34" and "Sửa đại hội" in page.content.decode()
    bad = client.post(url, {"ordinal": "35", "held_from": "2010-10-12", "held_to": "2010-10-10"})
    assert "held_to" in bad.context["form"].errors
    assert Congress.objects.get(term=term).ordinal == "34"
    assert client.post(url, {"ordinal": "35", "held_from": "2010-10-11", "held_to": "2010-10-13"}).status_code == 302
    congress = Congress.objects.get(term=term)
    assert (congress.ordinal, congress.held_from) == ("35", dt.date(2010, 10, 11))


def test_terms_are_reachable_from_the_document_pages(client, demo):
    client.force_login(demo.xa)
    assert 'href="/nghi-quyet/nhiem-ky/"' in client.get("/nghi-quyet/").content.decode()
    form_page = client.get("/nghi-quyet/them/").content.decode()
    assert "Không thấy nhiệm kỳ cần chọn?" in form_page and "/nghi-quyet/nhiem-ky/" in form_page
    index = client.get("/nghi-quyet/nhiem-ky/")
    assert index.status_code in (200, 302)
    if index.status_code == 302:
        assert index["Location"].startswith("/nghi-quyet/nhiem-ky/")
    else:
        assert _terms_url(demo.commune) in index.content.decode()
    # a term created on the terms page is then offered by the document form
    client.post(_terms_url(demo.commune), {"start_year": "2010", "end_year": "2015"})
    assert "2010 - 2015" in client.get(f"/nghi-quyet/them/?don-vi={demo.commune.pk}").content.decode()


def test_terms_page_query_count_does_not_grow_with_terms(client, demo, django_assert_max_num_queries):
    client.force_login(demo.xa)
    for start in (2000, 2005, 2010):
        term = term_create(actor=None, unit=demo.commune, start_year=start, end_year=start + 5)
        congress_create(actor=None, term=term, ordinal=str(start // 100), held_from=dt.date(start, 10, 1),
                        held_to=dt.date(start, 10, 3))
    client.get(_terms_url(demo.commune))
    with django_assert_max_num_queries(12):
        assert client.get(_terms_url(demo.commune)).status_code == 200


# ------------------------------------------------------------------ attachments


def _upload(name: str, content: bytes = PDF):
    return SimpleUploadedFile(name, content, content_type="text/html")


def _doc_url(document) -> str:
    return f"/nghi-quyet/{document.pk}/"


def test_upload_list_download_and_delete(client, demo, plans, media):
    client.force_login(demo.xa)
    page = client.get(_doc_url(plans.commune_doc)).content.decode()
    assert 'enctype="multipart/form-data"' in page and "Chưa có tệp đính kèm." in page
    response = client.post(f"/nghi-quyet/{plans.commune_doc.pk}/dinh-kem/",
                           {"file": _upload("<b>Phụ lục</b>.pdf"), "title": "Phụ lục chỉ tiêu"})
    assert response.status_code == 302
    attachment = Attachment.objects.get(document=plans.commune_doc)
    html = client.get(_doc_url(plans.commune_doc)).content.decode()
    assert f'href="/nghi-quyet/dinh-kem/{attachment.pk}/"' in html and "Phụ lục chỉ tiêu" in html
    assert "<b>Phụ lục</b>" not in html and attachment.file.name not in html

    download = client.get(f"/nghi-quyet/dinh-kem/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]

    confirm = client.get(f"/nghi-quyet/dinh-kem/{attachment.pk}/xoa/")
    assert confirm.status_code == 200 and "Xóa tệp" in confirm.content.decode()
    assert Attachment.objects.filter(pk=attachment.pk).exists()  # GET only asks
    assert client.post(f"/nghi-quyet/dinh-kem/{attachment.pk}/xoa/").status_code == 302
    assert not Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize("name, content, message", [
    ("trang.html", b"<html><script>alert(1)</script></html>", "chỉ nhận tệp"),
    ("hinh.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "chỉ nhận tệp"),
    ("gia-mao.pdf", b"<html><script>alert(1)</script></html>", "không đúng định dạng"),
])
def test_unsafe_files_are_refused_on_the_page(client, demo, plans, media, name, content, message):
    client.force_login(demo.xa)
    response = client.post(f"/nghi-quyet/{plans.commune_doc.pk}/dinh-kem/", {"file": _upload(name, content)})
    assert response.status_code == 200
    assert message in " ".join(response.context["attachment_form"].errors["file"])
    assert not Attachment.objects.exists()
    assert not any(media.rglob("*.*"))


def test_oversized_file_is_refused(client, demo, plans, media, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "EVIDENCE_MAX_MB": 1}
    client.force_login(demo.xa)
    response = client.post(f"/nghi-quyet/{plans.commune_doc.pk}/dinh-kem/",
                           {"file": _upload("lon.pdf", PDF + b"0" * (1024 * 1024))})
    assert "tối đa 1 MB" in " ".join(response.context["attachment_form"].errors["file"])
    assert not Attachment.objects.exists()


def test_attachment_scope(client, demo, plans, media):
    own = attachment_add(actor=demo.xa, document=plans.commune_doc, file=_upload("xa.pdf"))
    above = attachment_add(actor=demo.tinh, document=plans.province_doc, file=_upload("tinh.pdf"))

    client.force_login(demo.xa2)  # a sibling: not found, neither download nor delete
    for url in (f"/nghi-quyet/dinh-kem/{own.pk}/", f"/nghi-quyet/dinh-kem/{own.pk}/xoa/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/nghi-quyet/dinh-kem/{own.pk}/xoa/").status_code == 404
    assert client.post(f"/nghi-quyet/{plans.commune_doc.pk}/dinh-kem/", {"file": _upload("x.pdf")}).status_code == 404
    assert client.get(f"/nghi-quyet/dinh-kem/{above.pk}/").status_code == 200  # from the province: readable

    client.force_login(demo.chibo)  # a subordinate: reads what comes from above, changes nothing there
    assert client.get(f"/nghi-quyet/dinh-kem/{own.pk}/").status_code == 200
    page = client.get(_doc_url(plans.commune_doc)).content.decode()
    assert f"/nghi-quyet/dinh-kem/{own.pk}/" in page and 'enctype="multipart/form-data"' not in page
    assert f"/nghi-quyet/dinh-kem/{own.pk}/xoa/" not in page
    assert client.get(f"/nghi-quyet/dinh-kem/{own.pk}/xoa/").status_code == 403
    assert client.post(f"/nghi-quyet/dinh-kem/{own.pk}/xoa/").status_code == 403
    assert client.post(f"/nghi-quyet/{plans.commune_doc.pk}/dinh-kem/", {"file": _upload("x.pdf")}).status_code == 403
    assert Attachment.objects.count() == 2

    for bad in ("0", "99999999999", "9223372036854775808"):
        assert client.get(f"/nghi-quyet/dinh-kem/{bad}/").status_code == 404


def test_missing_stored_file_is_404(client, demo, plans, media):
    attachment = attachment_add(actor=demo.xa, document=plans.commune_doc, file=_upload("xa.pdf"))
    (media / attachment.file.name).unlink()
    client.force_login(demo.xa)
    assert client.get(f"/nghi-quyet/dinh-kem/{attachment.pk}/").status_code == 404
