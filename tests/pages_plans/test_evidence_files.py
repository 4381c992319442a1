"""Evidence files of progress reports: private to the task's readers, stored under random names, served as
attachments only (never rendered by the browser), limited to document and picture types and to a size."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from nghiquyet.programs.models import TaskEvidence, TaskUpdate, evidence_path
from nghiquyet.programs.services import evidence_name, evidence_problem, task_progress_add

from .conftest import TODAY

PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(name: str, content: bytes = PDF, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _report(client, task, upload, percent="40"):
    return client.post(f"/chuong-trinh/nhiem-vu/{task.pk}/tien-do/", {
        "on": TODAY.isoformat(), "percent": percent, "note": "Đã tổ chức hội nghị", "evidence": upload})


def _evidence(demo, task, name="Biên bản hội nghị.pdf", content=PDF) -> TaskEvidence:
    update = task_progress_add(actor=demo.xa, task=task, on=TODAY, note="Báo cáo", percent=30,
                               files=[_upload(name, content)])
    return update.evidence.get()


def test_upload_is_stored_under_a_random_name_and_the_page_links_to_the_download_view(client, demo, plans, media):
    client.force_login(demo.xa)
    response = _report(client, plans.task, _upload("<img src=x onerror=alert(1)>Biên bản.PDF"))
    assert response.status_code == 302
    evidence = TaskEvidence.objects.get(update__task=plans.task)
    assert evidence.name == "<img src=x onerror=alert(1)>Biên bản.PDF" and evidence.size == len(PDF)
    assert re.fullmatch(r"tasks/\d{4}/[0-9a-f]{32}\.pdf", evidence.file.name), evidence.file.name
    assert (media / evidence.file.name).read_bytes() == PDF
    html = client.get(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/").content.decode()
    assert f'href="/chuong-trinh/minh-chung/{evidence.pk}/"' in html
    assert evidence.file.name not in html and "/media/" not in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;Biên bản.PDF" in html


def test_download_is_an_attachment_with_the_original_name_and_nosniff(client, demo, plans, media):
    evidence = _evidence(demo, plans.task)
    client.force_login(demo.xa)
    response = client.get(f"/chuong-trinh/minh-chung/{evidence.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    encoded = "Bi%C3%AAn%20b%E1%BA%A3n%20h%E1%BB%99i%20ngh%E1%BB%8B.pdf"
    assert f"filename*=utf-8''{encoded}" in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_text_file_is_served_as_plain_text_even_if_it_holds_html(client, demo, plans, media):
    evidence = _evidence(demo, plans.task, name="ghi-chu.txt", content=b"<script>alert(1)</script>")
    client.force_login(demo.xa)
    response = client.get(f"/chuong-trinh/minh-chung/{evidence.pk}/")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_is_scoped(client, demo, plans, media):
    evidence = _evidence(demo, plans.task)
    url = f"/chuong-trinh/minh-chung/{evidence.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(demo.xa2)  # a sibling commune
    assert client.get(url).status_code == 404
    client.force_login(demo.chibo)  # the branch below reads nothing of the commune's tasks
    assert client.get(url).status_code == 404
    client.force_login(demo.tinh)  # the province above does
    assert client.get(url).status_code == 200
    client.force_login(demo.xa)
    assert client.get("/chuong-trinh/minh-chung/999999/").status_code == 404
    evidence.file.delete(save=False)  # the row is there, the file is gone: 404, not 500
    assert client.get(url).status_code == 404


def test_media_is_not_served_publicly():
    with pytest.raises(Resolver404):
        resolve("/media/tasks/2026/bien-ban.pdf")


@pytest.mark.parametrize("name, content, message", [
    ("trang.html", b"<html><script>alert(1)</script></html>", "chỉ nhận tệp"),
    ("anh.svg", b"<svg onload='alert(1)'/>", "chỉ nhận tệp"),
    ("ma.js", b"alert(1)", "chỉ nhận tệp"),
    ("nen.zip", b"PK\x03\x04", "chỉ nhận tệp"),
    ("khong-duoi", PDF, "chỉ nhận tệp"),
    ("gia-mao.pdf", b"<html><script>alert(1)</script></html>", "không đúng định dạng .pdf"),
    ("gia-mao.png", PDF, "không đúng định dạng .png"),
    ("rong.pdf", b"", "rỗng"),
])
def test_unsafe_or_mislabelled_files_are_refused_on_the_evidence_field(client, demo, plans, media, name, content,
                                                                       message):
    client.force_login(demo.xa)
    response = _report(client, plans.task, _upload(name, content, "text/html"))
    assert response.status_code == 200
    html = response.content.decode()
    field = re.search(r'<div class="field has-error">\s*<label for="id_evidence">.*?</div>', html, flags=re.S)
    assert field and message in field.group(0)
    assert not TaskUpdate.objects.filter(task=plans.task).exists()
    assert not TaskEvidence.objects.filter(update__task=plans.task).exists()
    assert not any(media.rglob("*.*"))


def test_size_limit_is_a_setting(client, demo, plans, media, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "EVIDENCE_MAX_MB": 1}
    client.force_login(demo.xa)
    big = PDF + b"0" * (1024 * 1024)
    response = _report(client, plans.task, _upload("lon.pdf", big))
    assert response.status_code == 200 and "quá lớn: tối đa 1 MB" in response.content.decode()
    assert not TaskUpdate.objects.filter(task=plans.task).exists()
    assert "tối đa 1 MB" in client.get(f"/chuong-trinh/nhiem-vu/{plans.task.pk}/").content.decode()
    with pytest.raises(ValidationError) as exc:
        task_progress_add(actor=demo.xa, task=plans.task, on=TODAY, note="x", percent=10,
                          files=[_upload("lon.pdf", big)])
    assert "evidence" in exc.value.message_dict
    assert _report(client, plans.task, _upload("vua.pdf", PDF + b"0" * 1000)).status_code == 302


def test_office_and_picture_types_are_accepted(demo, plans, media):
    for name, content in [("a.docx", b"PK\x03\x04rest"), ("b.xlsx", b"PK\x03\x04rest"),
                          ("c.doc", b"\xd0\xcf\x11\xe0r"), ("d.JPG", b"\xff\xd8\xff\xe0r"),
                          ("e.png", b"\x89PNG\r\n\x1a\nrest"), ("f.odt", b"PK\x03\x04"),
                          ("g.txt", "Biên bản".encode())]:
        assert evidence_problem(_upload(name, content)) == "", name


@hsettings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_stored_paths_never_carry_the_uploaded_name(name):
    path = evidence_path(None, name)
    assert re.fullmatch(r"tasks/\d{4}/[0-9a-f]{32}(\.[a-z0-9]{1,5})?", path), path
    shown = evidence_name(_upload("x.pdf"))
    assert shown == "x.pdf"
    cleaned = evidence_name(type("U", (), {"name": name})())
    assert "/" not in cleaned and "\\" not in cleaned and 0 < len(cleaned) <= 255
