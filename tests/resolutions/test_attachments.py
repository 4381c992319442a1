"""Attachments of documents (services and the shared file checks of core.files): allowed types only, content
checked against the extension, size limited, stored under random names, audited, scoped like the document."""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from nghiquyet.audit.models import AuditEvent
from nghiquyet.core.files import ALLOWED_TYPES, display_name, random_stored_name, safe_content_type, upload_problem
from nghiquyet.programs import services as program_services
from nghiquyet.resolutions import selectors
from nghiquyet.resolutions.models import Attachment
from nghiquyet.resolutions.services import attachment_add, attachment_delete

PDF = b"%PDF-1.4\n% toan van\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _events(attachment):
    return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Attachment),
                                     object_id=str(attachment.pk))


def _upload(name: str, content: bytes = PDF):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_programs_use_the_shared_checks():
    assert program_services.EVIDENCE_TYPES is ALLOWED_TYPES
    assert program_services.evidence_problem is upload_problem
    assert program_services.evidence_name is display_name
    assert program_services.evidence_content_type is safe_content_type


def test_add_stores_under_a_random_name_and_audits(demo, plans, media):
    attachment = attachment_add(actor=demo.xa, document=plans.commune_doc, file=_upload("Toàn văn NQ.PDF"),
                                title=" Toàn văn đã ký ")
    assert attachment.name == "Toàn văn NQ.PDF" and attachment.title == "Toàn văn đã ký"
    assert attachment.size == len(PDF) and attachment.uploaded_by == demo.xa
    assert re.fullmatch(r"documents/\d{4}/[0-9a-f]{32}\.pdf", attachment.file.name), attachment.file.name
    assert (media / attachment.file.name).read_bytes() == PDF
    event = _events(attachment).get()
    assert event.action == "create" and event.unit_id == demo.commune.pk and event.actor == demo.xa
    assert event.changes["name"] == [None, "Toàn văn NQ.PDF"]


@pytest.mark.parametrize("name, content", [
    ("trang.html", b"<html><script>alert(1)</script>"),
    ("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ("gia.pdf", b"<html>not a pdf</html>"),
    ("chay.exe", b"MZ\x90\x00"),
    ("rong.pdf", b""),
    ("nhi-phan.txt", b"abc\x00def"),
])
def test_add_refuses_unsafe_or_malformed_files(demo, plans, media, name, content):
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=demo.xa, document=plans.commune_doc, file=_upload(name, content))
    assert "file" in exc.value.message_dict
    assert not Attachment.objects.exists()


def test_add_refuses_an_oversized_file(demo, plans, media, settings):
    settings.NGHIQUYET = {**settings.NGHIQUYET, "EVIDENCE_MAX_MB": 1}
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=demo.xa, document=plans.commune_doc, file=_upload("lon.pdf", big))
    assert "tối đa 1 MB" in exc.value.message_dict["file"][0]
    assert not Attachment.objects.exists()


def test_add_and_delete_need_plan_change_at_the_document_unit(demo, plans, media):
    for actor, document in [(demo.xa2, plans.commune_doc), (demo.chibo, plans.commune_doc),
                            (demo.xa, plans.province_doc)]:
        with pytest.raises(PermissionDenied):
            attachment_add(actor=actor, document=document, file=_upload("a.pdf"))
    attachment = attachment_add(actor=demo.xa, document=plans.commune_doc, file=_upload("a.pdf"))
    with pytest.raises(PermissionDenied):
        attachment_delete(actor=demo.xa2, attachment=attachment)
    assert Attachment.objects.filter(pk=attachment.pk).exists()


def test_delete_removes_the_row_and_the_file_and_audits(demo, plans, media, django_capture_on_commit_callbacks):
    attachment = attachment_add(actor=demo.xa, document=plans.commune_doc, file=_upload("a.pdf"))
    stored = media / attachment.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=demo.xa, attachment=attachment)
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not stored.exists()
    event = _events(attachment).get(action="delete")
    assert event.unit_id == demo.commune.pk and event.changes["name"] == ["a.pdf", None]


def test_scope_of_attachments(demo, plans, media):
    own = attachment_add(actor=demo.xa, document=plans.commune_doc, file=_upload("xa.pdf"))
    above = attachment_add(actor=demo.tinh, document=plans.province_doc, file=_upload("tinh.pdf"))
    assert selectors.attachment_get(demo.xa, own.pk) == own
    assert selectors.attachment_get(demo.chibo, own.pk) == own          # issued above the branch: readable
    assert selectors.attachment_get(demo.xa2, above.pk) == above        # from the province: readable
    with pytest.raises(Http404):
        selectors.attachment_get(demo.xa2, own.pk)                       # a sibling's: not found
    for bad in ("x", "-1", str(2**63), "²"):
        with pytest.raises(Http404):
            selectors.attachment_get(demo.xa, bad)


@given(name=st.text(min_size=1, max_size=40))
@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_stored_names_never_carry_the_uploaded_name(name):
    stored = random_stored_name("documents", name)
    assert re.fullmatch(r"documents/\d{4}/[0-9a-f]{32}(\.[a-z0-9]{1,5})?", stored), stored
    assert safe_content_type(name) in {t for t, _ in ALLOWED_TYPES.values()} | {"application/octet-stream"}
