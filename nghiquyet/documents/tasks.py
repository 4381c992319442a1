"""Rendering a document on the worker (django-tasks; ``nghiquyet worker`` runs the queue).

``render_job_run(job_id)`` asks the source kind's builder (``registry.BUILDERS``) for the document as the user
who asked for it, writes it with the renderer of the job's format, and keeps ``done_steps``/``total_steps`` up to
date for the page that polls it (one write per ~2%, or per 50 blocks when the total is unknown). The file is
stored on the job; failures end the job with a Vietnamese message (the cause goes to the log).
"""

from __future__ import annotations

import logging
import tempfile
import time

from django.core.files import File
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from nghiquyet.documents.models import RenderJob, RenderStatus
from nghiquyet.documents.registry import builder_for

logger = logging.getLogger(__name__)

#: Write progress when it moved by this share of the total (at most ~50 writes a job), or, when the total is not
#: known, every this many blocks.
PROGRESS_SHARE = 0.02
PROGRESS_BLOCKS = 50


class _Progress:
    def __init__(self, job_id: int):
        self.job_id = job_id
        self.written = -1

    def __call__(self, done: int, total: int) -> None:
        step = max(1, int(total * PROGRESS_SHARE)) if total else PROGRESS_BLOCKS
        if self.written >= 0 and done - self.written < step and (not total or done < total):
            return
        self.written = done
        RenderJob.objects.filter(pk=self.job_id).update(done_steps=done, total_steps=max(total, done) if total else 0)


def _fail(job: RenderJob, message: str) -> None:
    RenderJob.objects.filter(pk=job.pk).update(status=RenderStatus.FAILED, error=message,
                                               finished_at=timezone.now())


def render_job_execute(job_id: int) -> str:
    """Run the job now, in this process (the task body; also used by tests). Returns the final status."""
    from nghiquyet.documents.render import file_name, render_file

    job = RenderJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.status in (RenderStatus.DONE, RenderStatus.FAILED):
        return job.status if job else "missing"
    RenderJob.objects.filter(pk=job.pk).update(status=RenderStatus.RUNNING, done_steps=0, error="")
    started = time.perf_counter()
    try:
        built = builder_for(job.source_kind)(job.source_id, user=job.requested_by)
    except (Http404, LookupError) as exc:
        logger.info("Render job %s: source not found (%s)", job.pk, exc)
        _fail(job, _("Không tìm thấy văn bản cần tạo tệp (có thể đã bị xóa hoặc bạn không còn quyền xem)."))
        return RenderStatus.FAILED
    except Exception:
        logger.exception("Render job %s: the builder failed", job.pk)
        _fail(job, _("Không dựng được nội dung văn bản. Vui lòng thử lại sau hoặc báo quản trị viên."))
        return RenderStatus.FAILED
    if not built.permitted or built.document is None:
        _fail(job, _("Bạn không có quyền tạo tệp của văn bản này."))
        return RenderStatus.FAILED
    progress = _Progress(job.pk)
    try:
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
            render_file(built.document, built.tables, job.fmt, out, progress=progress)
            out.seek(0)
            name = file_name(built.document, job.fmt)
            job.refresh_from_db()
            job.file.save(name, File(out), save=False)
            job.file_name = name
            job.status = RenderStatus.DONE
            job.done_steps = job.total_steps = max(job.total_steps, job.done_steps, 1)
            job.finished_at = timezone.now()
            job.save(update_fields=["file", "file_name", "status", "done_steps", "total_steps", "finished_at"])
    except Exception:
        logger.exception("Render job %s: rendering .%s failed", job.pk, job.fmt)
        _fail(job, _("Không tạo được tệp .%(fmt)s. Vui lòng thử lại sau hoặc báo quản trị viên.") % {"fmt": job.fmt})
        return RenderStatus.FAILED
    logger.info("Render job %s: .%s in %.1f s", job.pk, job.fmt, time.perf_counter() - started)
    return RenderStatus.DONE


@task()
def render_job_run(job_id: int) -> str:
    from nghiquyet.documents.render import party_language

    with party_language():
        return str(render_job_execute(job_id))
