"""Writes of the document register: issuing a number, registering a document made outside the app, attaching the
rendered file, queueing a render on the worker.

Numbering (Quy định 399-QĐ/TW): numbers run from 01 per issuing unit, per document type and per committee term.
``document_issue`` takes the next number inside the caller's transaction: the counter row is created once (a race
between two first issues is settled by the unique constraint, inside a savepoint), then incremented with one
``UPDATE ... SET last_number = last_number + 1``, which locks the row until the caller commits. A second issue at
the same instant waits for that commit and gets the next number; a rolled-back issue gives its number back, so
the register has neither gaps nor duplicates (and its unique constraint would refuse a duplicate anyway).

Who may issue: whoever may submit the unit's reports (``Perm.REPORT_SUBMIT``: the secretary, deputies, the
committee office) or change its plans (``Perm.PLAN_CHANGE``: also standing committee members) at the unit; a
closed unit issues nothing. ``actor=None`` is the system (the demo seed).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_record
from nghiquyet.core.files import ALLOWED_TYPES, display_name, file_extension
from nghiquyet.core.text import fold
from nghiquyet.documents.letterhead import issuer_code_of, symbol_of, term_of
from nghiquyet.documents.models import IssuedDocument, NumberCounter, RenderJob, RenderStatus, SourceKind
from nghiquyet.documents.registry import BUILDERS, FORMATS
from nghiquyet.org.models import Unit, UnitKind

#: Permissions that allow issuing at a unit (either one).
ISSUE_PERMS = (Perm.REPORT_SUBMIT, Perm.PLAN_CHANGE)

ISSUED_FIELDS = ["unit", "type_code", "term_start", "term_end", "number", "symbol", "issued_on", "title",
                 "signer_name", "signer_title", "recipients", "file_name", "size", "source_kind", "source_id"]


def conf() -> dict:
    return settings.NGHIQUYET["DOCUMENTS"]


def document_types() -> dict:
    return settings.NGHIQUYET["DOCUMENT_TYPES"]


def can_issue(user, unit: Unit) -> bool:
    return any(can(user, perm, unit) for perm in ISSUE_PERMS)


def _require_issue(actor, unit: Unit) -> None:
    if actor is not None and not can_issue(actor, unit):
        raise PermissionDenied(_("Bạn không có quyền ban hành văn bản của “%(unit)s”.") % {"unit": unit.name})


def _ascii(text: str) -> str:
    folded = fold(text).replace(" ", "-")
    return "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch in "-_")) or "van-ban"


def _validate(*, unit: Unit, type_code: str, title: str, issued_on, signer_name: str, signer_title: str,
              recipients: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if unit.valid_to is not None:
        errors["unit"] = _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name}
    elif unit.kind not in UnitKind.party_kinds():
        errors["unit"] = _("Chỉ tổ chức đảng mới ban hành văn bản vào sổ.")
    if type_code not in document_types():
        errors["type_code"] = _("Loại văn bản không hợp lệ. Chọn một trong: %(codes)s.") % {
            "codes": ", ".join(document_types())}
    if not (title or "").strip():
        errors["title"] = _("Chưa nhập trích yếu.")
    elif len(title.strip()) > IssuedDocument._meta.get_field("title").max_length:
        errors["title"] = _("Trích yếu quá dài (tối đa %(n)d ký tự).") % {
            "n": IssuedDocument._meta.get_field("title").max_length}
    if not isinstance(issued_on, dt.date) or isinstance(issued_on, dt.datetime):
        errors["issued_on"] = _("Ngày ban hành không hợp lệ.")
    elif issued_on > timezone.localdate() + dt.timedelta(days=1):
        errors["issued_on"] = _("Ngày ban hành không được sau hôm nay.")
    elif issued_on < unit.valid_from:
        errors["issued_on"] = _("Ngày ban hành trước ngày thành lập đơn vị.")
    for name, value in (("signer_name", signer_name), ("signer_title", signer_title)):
        if len(value or "") > IssuedDocument._meta.get_field(name).max_length:
            errors[name] = _("Quá dài (tối đa %(n)d ký tự).") % {"n": IssuedDocument._meta.get_field(name).max_length}
    if len(recipients or "") > 5000:
        errors["recipients"] = _("Nơi nhận quá dài (tối đa 5.000 ký tự).")
    return errors


def _counter_id(unit: Unit, type_code: str, term: tuple[int, int]) -> int:
    """The counter row for (unit, type, term), created when missing. Two first issues racing: the loser's insert
    fails on the unique constraint inside its savepoint and it reads the winner's row."""
    lookup = {"unit": unit, "type_code": type_code, "term_start": term[0]}
    found = NumberCounter.objects.filter(**lookup).values_list("pk", flat=True).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return NumberCounter.objects.create(**lookup, term_end=term[1]).pk
    except IntegrityError:
        return NumberCounter.objects.filter(**lookup).values_list("pk", flat=True).get()


def number_take(*, unit: Unit, type_code: str, term: tuple[int, int]) -> int:
    """The next number of the register (call inside the transaction that stores the document)."""
    counter_id = _counter_id(unit, type_code, term)
    NumberCounter.objects.filter(pk=counter_id).update(last_number=F("last_number") + 1)
    return NumberCounter.objects.filter(pk=counter_id).values_list("last_number", flat=True).get()


def _stored_name(document: IssuedDocument, file_name: str) -> str:
    extension = file_extension(file_name)
    suffix = f".{extension}" if extension.isascii() and extension.isalnum() and len(extension) <= 5 else ""
    return f"{document.number:02d}-{_ascii(document.type_code)}-{uuid.uuid4().hex[:12]}{suffix}"


def _search_text(document: IssuedDocument) -> str:
    return fold(" ".join([document.symbol, document.title, document.unit.name, document.signer_name]))[:900]


@transaction.atomic
def _issue(*, actor, unit: Unit, type_code: str, title: str, issued_on: dt.date, file: File | None, file_name: str,
           signer_name: str, signer_title: str, recipients: str, source_kind: str, source_id) -> IssuedDocument:
    _require_issue(actor, unit)
    title, signer_name, signer_title = (title or "").strip(), (signer_name or "").strip(), (signer_title or "").strip()
    recipients = (recipients or "").strip()
    errors = _validate(unit=unit, type_code=type_code, title=title, issued_on=issued_on, signer_name=signer_name,
                       signer_title=signer_title, recipients=recipients)
    if source_kind not in SourceKind.values:
        errors["source_kind"] = _("Nguồn văn bản không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    term = term_of(unit, issued_on)
    issuer_code = issuer_code_of(unit)
    number = number_take(unit=unit, type_code=type_code, term=term)
    document = IssuedDocument(
        unit=unit, type_code=type_code, term_start=term[0], term_end=term[1], number=number, issuer_code=issuer_code,
        symbol=symbol_of(number, type_code, issuer_code), issued_on=issued_on, title=title, signer_name=signer_name,
        signer_title=signer_title, recipients=recipients, source_kind=source_kind, source_id=source_id,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.search_text = _search_text(document)
    if file is not None:
        document.file_name = file_name[:255]
        document.size = file.size or 0
        document.file.save(_stored_name(document, file_name), file, save=False)
    document.save()
    audit_create(actor=actor, obj=document, fields=ISSUED_FIELDS, unit=unit)
    return document


def document_issue(*, actor, unit: Unit, type_code: str, title: str, issued_on: dt.date, content: bytes | None = None,
                   file_name: str = "", signer_name: str = "", signer_title: str = "", recipients: str = "",
                   source_kind: str, source_id: int | None = None) -> IssuedDocument:
    """Give a document made in the app its number ("01-BC/ĐU") and store it (with its file when ``content``)."""
    file = ContentFile(content) if content is not None else None
    return _issue(actor=actor, unit=unit, type_code=type_code, title=title, issued_on=issued_on, file=file,
                  file_name=file_name or "van-ban", signer_name=signer_name, signer_title=signer_title,
                  recipients=recipients, source_kind=source_kind, source_id=source_id)


def upload_extensions() -> list[str]:
    return [e.lower() for e in conf().get("UPLOAD_EXTENSIONS", ["docx", "pdf", "doc", "xlsx", "odt"])]


def max_upload_bytes() -> int:
    return int(conf()["MAX_UPLOAD_MB"]) * 1024 * 1024


def register_upload_problem(upload) -> str:
    """Why a file cannot be registered (Vietnamese), or "": type from ``UPLOAD_EXTENSIONS``, size up to
    ``MAX_UPLOAD_MB``, content starting as its type says."""
    if upload is None:
        return _("Chọn tệp văn bản.")
    name = display_name(upload)
    extension = file_extension(getattr(upload, "name", "") or "")
    allowed = upload_extensions()
    if extension not in allowed or extension not in ALLOWED_TYPES:
        return _("Không nhận tệp “%(name)s”: chỉ nhận tệp %(types)s.") % {"name": name, "types": ", ".join(allowed)}
    size = getattr(upload, "size", None)
    if not size:
        return _("Tệp “%(name)s” rỗng.") % {"name": name}
    if size > max_upload_bytes():
        return _("Tệp “%(name)s” quá lớn: tối đa %(mb)d MB.") % {"name": name, "mb": int(conf()["MAX_UPLOAD_MB"])}
    try:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        return _("Không đọc được tệp “%(name)s”.") % {"name": name}
    magic = ALLOWED_TYPES[extension][1]
    if magic and not bytes(head).startswith(magic):
        return _("Nội dung tệp “%(name)s” không đúng định dạng .%(ext)s.") % {"name": name, "ext": extension}
    return ""


def document_register(*, actor, unit: Unit, type_code: str, title: str, issued_on: dt.date, file,
                      signer_name: str = "", signer_title: str = "", recipients: str = "") -> IssuedDocument:
    """An office registers a document made outside the app (its signed scan or its Word file) and gets its number.
    A refused file writes nothing (no number is taken)."""
    _require_issue(actor, unit)
    problem = register_upload_problem(file)
    errors = _validate(unit=unit, type_code=type_code, title=(title or "").strip(), issued_on=issued_on,
                       signer_name=signer_name or "", signer_title=signer_title or "", recipients=recipients or "")
    if problem:
        errors["file"] = problem
    if errors:
        raise ValidationError(errors)
    return _issue(actor=actor, unit=unit, type_code=type_code, title=title, issued_on=issued_on, file=file,
                  file_name=display_name(file), signer_name=signer_name, signer_title=signer_title,
                  recipients=recipients, source_kind=SourceKind.UPLOAD, source_id=None)


@transaction.atomic
def issued_file_attach(*, document: IssuedDocument, content: bytes, file_name: str, actor=None) -> IssuedDocument:
    """Store (or replace) the file of an issued document, e.g. the DOCX rendered with its number. The replaced
    file is deleted once the transaction has committed."""
    document = IssuedDocument.objects.select_for_update().select_related("unit").get(pk=document.pk)
    old_name, storage = document.file.name, document.file.storage
    before = {"file_name": document.file_name, "size": document.size}
    document.file_name = (file_name or "van-ban")[:255]
    document.size = len(content)
    document.file.save(_stored_name(document, document.file_name), ContentFile(content), save=False)
    document.save(update_fields=["file", "file_name", "size"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=document, unit=document.unit,
                 changes={k: [before[k], getattr(document, k)] for k in before if before[k] != getattr(document, k)})
    if old_name and old_name != document.file.name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return document


# ------------------------------------------------------------------ rendering on the worker


def render_job_start(*, actor, source_kind: str, source_id: int, fmt: str) -> RenderJob:
    """Queue the rendering of a document on the worker (``documents.tasks.render_job_run``, once committed).

    The caller has checked that ``actor`` may read the source; the worker checks again through the builder
    (``Built.permitted``). A job of the same user for the same file still waiting or running is reused."""
    errors: dict[str, str] = {}
    if fmt not in FORMATS:
        errors["fmt"] = _("Định dạng không hợp lệ: chọn docx, pdf hoặc xlsx.")
    if source_kind not in BUILDERS:
        errors["source_kind"] = _("Nguồn văn bản không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Hãy đăng nhập để tạo tệp."))
    now = timezone.now()
    with transaction.atomic():
        waiting = RenderJob.objects.filter(
            source_kind=source_kind, source_id=source_id, fmt=fmt, requested_by=actor,
            status__in=[RenderStatus.QUEUED, RenderStatus.RUNNING],
            created_at__gte=now - dt.timedelta(minutes=int(conf()["RENDER_STALE_MINUTES"]))).first()
        if waiting is not None:
            return waiting
        _render_jobs_purge(actor, before=now - dt.timedelta(days=int(conf()["RENDER_KEEP_DAYS"])))
        job = RenderJob.objects.create(source_kind=source_kind, source_id=source_id, fmt=fmt, requested_by=actor)
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def render_job_is_stale(job: RenderJob, *, now=None) -> bool:
    """A job still waiting after ``RENDER_STALE_MINUTES``: the worker is down or lost it."""
    now = now or timezone.now()
    return job.status in (RenderStatus.QUEUED, RenderStatus.RUNNING) and \
        job.created_at < now - dt.timedelta(minutes=int(conf()["RENDER_STALE_MINUTES"]))


def _render_jobs_purge(user, *, before) -> int:
    """Remove ``user``'s render jobs created before ``before`` and, once committed, their files."""
    old = list(RenderJob.objects.filter(requested_by=user, created_at__lt=before).only("pk", "file"))
    names = [(job.file.storage, job.file.name) for job in old if job.file]
    RenderJob.objects.filter(pk__in=[job.pk for job in old]).delete()

    def delete_files():
        for storage, name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete_files)
    return len(old)


def _enqueue(job_id: int) -> None:
    from nghiquyet.documents.tasks import render_job_run

    render_job_run.enqueue(job_id)
