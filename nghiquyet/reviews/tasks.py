"""The file of an issued review report: once a submission has committed, the worker renders the report (with its
number, as submitted: the figures are frozen) as DOCX and stores it on the register's row
(``documents.services.issued_file_attach``), so the document register holds every report with its file.

The task carries the report's version at the time it was queued: the worker renders only if the report is still
submitted or accepted at that version (a report returned, reopened or submitted again since is skipped, logged;
the later submission queued its own file; an acceptance queues it again if no file was stored). Rendered as the
user who submitted (the builder checks that they may read the report); a failure is logged and leaves the register
row without a file (the report can still be downloaded, rendered on request).
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django_tasks import task

logger = logging.getLogger(__name__)


def issued_file_store(report_id: int, user_id: int | None, version: int | None = None) -> bool:
    """Render and attach now (the task body; also used by tests). True when a file was stored; False (logged) when
    the report is not submitted or accepted at ``version`` any more."""
    from nghiquyet.documents.services import issued_file_attach, issued_file_render
    from nghiquyet.reporting.models import SubmissionStatus
    from nghiquyet.reviews.models import ReviewReport

    report = ReviewReport.objects.select_related("issued").filter(pk=report_id).first()
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if report is None or report.issued is None or user is None:
        return False
    if report.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED) or (
            version is not None and report.version != version):
        logger.info("Review report %s: issued file skipped (now %s at version %s, queued for version %s)",
                    report_id, report.status, report.version, version)
        return False
    try:
        rendered = issued_file_render(document=report.issued, user=user)
        if rendered is None:
            return False
        content, name = rendered
        issued_file_attach(document=report.issued, content=content, file_name=name, actor=user)
    except Exception:
        logger.exception("Review report %s: storing the issued file failed", report_id)
        return False
    return True


@task()
def issued_file_run(report_id: int, user_id: int | None, version: int | None = None) -> bool:
    return issued_file_store(report_id, user_id, version)


def issued_file_enqueue(report_id: int, user_id: int | None, version: int | None = None) -> None:
    try:
        issued_file_run.enqueue(report_id, user_id, version)
    except Exception:   # the queue is unavailable: the report is submitted all the same
        logger.exception("Review report %s: could not queue the issued file", report_id)
