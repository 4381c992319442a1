"""Render jobs: queued on commit, rendered by the worker task with progress, seen only by the requester."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from nghiquyet.documents import registry
from nghiquyet.documents.layout import Paragraph, Table
from nghiquyet.documents.models import RenderJob, RenderStatus
from nghiquyet.documents.services import render_job_start
from nghiquyet.documents.tasks import render_job_execute

from .conftest import sample_document

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
calls: list[tuple[int, object]] = []


def fake_build(source_id: int, *, user):
    """A builder as reviews has one: the document if the user may have it."""
    calls.append((source_id, user))
    if source_id == 404:
        raise Http404
    if source_id == 500:
        raise RuntimeError("boom")
    document = sample_document()
    count = 1000 if source_id == 1000 else 0
    if count:
        document.blocks = [Paragraph(f"Đoạn {i}") for i in range(count)]
        document.block_count = count
    tables = [b for b in document.blocks if isinstance(b, Table)] or [Table("Bảng", ["A"], [[1]])]
    return registry.Built(document=document, tables=tables, permitted=getattr(user, "username", "") != "demo-xa2")


@pytest.fixture(autouse=True)
def _builder(monkeypatch, settings):
    monkeypatch.setitem(registry.BUILDERS, "review_report", fake_build)
    settings.TASKS = IMMEDIATE
    calls.clear()


def test_a_job_runs_on_commit_and_keeps_the_file(demo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = render_job_start(actor=demo.xa, source_kind="review_report", source_id=7, fmt="docx")
        assert RenderJob.objects.get(pk=job.pk).status == RenderStatus.QUEUED
    job.refresh_from_db()
    assert job.status == RenderStatus.DONE and job.percent == 100
    assert calls == [(7, demo.xa)]
    assert job.file_name == "bao-cao-01-BC-DU.docx"
    with job.file.open("rb") as handle:
        word = docx.Document(io.BytesIO(handle.read()))
    assert word.tables[0].rows[0].cells[1].paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_other_formats(demo, fmt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = render_job_start(actor=demo.xa, source_kind="review_report", source_id=7, fmt=fmt)
    job.refresh_from_db()
    assert job.status == RenderStatus.DONE and job.file_name.endswith("." + fmt)


def test_progress_is_written_in_steps(demo, monkeypatch):
    job = RenderJob.objects.create(source_kind="review_report", source_id=1000, fmt="docx", requested_by=demo.xa)
    from django.db.models.query import QuerySet

    seen: list[tuple[int, int]] = []
    update = QuerySet.update

    def spy(self, **kwargs):
        if self.model is RenderJob and "done_steps" in kwargs and "status" not in kwargs:
            seen.append((kwargs["done_steps"], kwargs["total_steps"]))
        return update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", spy)
    assert render_job_execute(job.pk) == RenderStatus.DONE
    steps = [done for done, _total in seen]
    assert steps[0] == 1 and steps[-1] == 1000 and all(total == 1000 for _d, total in seen)
    assert len(seen) <= 52  # throttled: one write per 2%, not one per block
    assert all(b - a <= 20 for a, b in zip(steps, steps[1:], strict=False))


def test_failures_end_the_job_in_vietnamese(demo):
    missing = RenderJob.objects.create(source_kind="review_report", source_id=404, fmt="docx", requested_by=demo.xa)
    broken = RenderJob.objects.create(source_kind="review_report", source_id=500, fmt="pdf", requested_by=demo.xa)
    refused = RenderJob.objects.create(source_kind="review_report", source_id=7, fmt="pdf", requested_by=demo.xa2)
    for job, text in ((missing, "Không tìm thấy"), (broken, "Không dựng được"), (refused, "không có quyền")):
        assert render_job_execute(job.pk) == RenderStatus.FAILED
        job.refresh_from_db()
        assert job.status == RenderStatus.FAILED and text in job.error and not job.file


def test_bad_requests_are_refused(demo):
    with pytest.raises(ValidationError) as exc:
        render_job_start(actor=demo.xa, source_kind="review_report", source_id=1, fmt="exe")
    assert "fmt" in exc.value.message_dict
    with pytest.raises(ValidationError):
        render_job_start(actor=demo.xa, source_kind="nothing", source_id=1, fmt="pdf")


def test_a_waiting_job_is_reused(demo):
    first = render_job_start(actor=demo.xa, source_kind="review_report", source_id=9, fmt="pdf")
    assert render_job_start(actor=demo.xa, source_kind="review_report", source_id=9, fmt="pdf") == first
    assert render_job_start(actor=demo.tinh, source_kind="review_report", source_id=9, fmt="pdf") != first


def test_the_page_polls_until_done_then_offers_the_file(client, demo):
    job = RenderJob.objects.create(source_kind="review_report", source_id=7, fmt="docx", requested_by=demo.xa,
                                   status=RenderStatus.RUNNING, done_steps=30, total_steps=120)
    client.force_login(demo.xa)
    page = client.get(reverse("render_job_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="25"' in page and "25%" in page
    fragment = client.get(reverse("render_job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<div") and "<html" not in fragment
    assert client.get(reverse("render_job_download", args=[job.pk])).status_code == 404
    RenderJob.objects.filter(pk=job.pk).update(status=RenderStatus.QUEUED)
    render_job_execute(job.pk)
    done = client.get(reverse("render_job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "every 1s" not in done and reverse("render_job_download", args=[job.pk]) in done
    download = client.get(reverse("render_job_download", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"PK")


def test_only_the_requester_sees_the_job(client, demo):
    job = RenderJob.objects.create(source_kind="review_report", source_id=7, fmt="docx", requested_by=demo.xa)
    render_job_execute(job.pk)
    for other in (demo.tinh, demo.xa2):
        client.force_login(other)
        assert client.get(reverse("render_job_detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("render_job_download", args=[job.pk])).status_code == 404
        assert client.get(f"/api/v1/render-jobs/{job.pk}").status_code == 404


def test_failed_job_page_says_why(client, demo):
    job = RenderJob.objects.create(source_kind="review_report", source_id=500, fmt="docx", requested_by=demo.xa)
    render_job_execute(job.pk)
    client.force_login(demo.xa)
    page = client.get(reverse("render_job_detail", args=[job.pk])).content.decode()
    assert "Không dựng được nội dung văn bản" in page and "every 1s" not in page


def test_api_render_job(client, demo):
    job = RenderJob.objects.create(source_kind="review_report", source_id=7, fmt="xlsx", requested_by=demo.xa)
    client.force_login(demo.xa)
    body = client.get(f"/api/v1/render-jobs/{job.pk}").json()
    assert body["status"] == "queued" and body["percent"] == 0 and body["download_url"] is None
    render_job_execute(job.pk)
    body = client.get(f"/api/v1/render-jobs/{job.pk}").json()
    assert body["status"] == "done" and body["percent"] == 100
    download = client.get(body["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"PK")


def test_progress_without_a_known_total_is_written_every_50_blocks(demo, monkeypatch):
    from nghiquyet.documents.tasks import _Progress

    job = RenderJob.objects.create(source_kind="review_report", source_id=1, fmt="docx", requested_by=demo.xa)
    progress = _Progress(job.pk)
    writes = []
    monkeypatch.setattr(RenderJob.objects, "filter", lambda **kw: type("Q", (), {
        "update": staticmethod(lambda **values: writes.append(values))})())
    for done in range(1, 201):
        progress(done, 0)
    assert [w["done_steps"] for w in writes] == [1, 51, 101, 151]
    assert all(w["total_steps"] == 0 for w in writes)


def test_a_lost_job_stops_polling_and_can_be_asked_again(client, demo):
    from datetime import timedelta

    from django.utils import timezone

    job = render_job_start(actor=demo.xa, source_kind="review_report", source_id=11, fmt="pdf")
    RenderJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=2))
    client.force_login(demo.xa)
    page = client.get(reverse("render_job_detail", args=[job.pk])).content.decode()
    assert "every 1s" not in page and "Máy chủ xử lý nền chưa nhận yêu cầu này" in page
    assert "liên hệ quản trị viên hệ thống" in page
    again = render_job_start(actor=demo.xa, source_kind="review_report", source_id=11, fmt="pdf")
    assert again.pk != job.pk


def test_old_jobs_and_their_files_are_purged(demo, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    old = RenderJob.objects.create(source_kind="review_report", source_id=7, fmt="docx", requested_by=demo.xa)
    render_job_execute(old.pk)
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    RenderJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=30))
    other = RenderJob.objects.create(source_kind="review_report", source_id=7, fmt="docx", requested_by=demo.tinh)
    RenderJob.objects.filter(pk=other.pk).update(created_at=timezone.now() - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        render_job_start(actor=demo.xa, source_kind="review_report", source_id=8, fmt="pdf")
    assert not RenderJob.objects.filter(pk=old.pk).exists() and not storage.exists(name)
    assert RenderJob.objects.filter(pk=other.pk).exists()  # another user's jobs are theirs to purge
