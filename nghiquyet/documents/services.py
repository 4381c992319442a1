"""Writes of the document register: issuing a number, registering a document made outside the app, attaching the
rendered file, queueing a render on the worker.

Numbering (Quy định 399-QĐ/TW): numbers run from 01 per issuing unit, per document type and per committee term.
``document_issue`` takes the next number inside the caller's transaction: the counter row is created once (a race
between two first issues is settled by the unique constraint, inside a savepoint), then incremented with one
``UPDATE ... SET last_number = last_number + 1``, which locks the row until the caller commits. A second issue at
the same instant waits for that commit and gets the next number; a rolled-back issue gives its number back, so
the register has neither gaps nor duplicates (and its unique constraint would refuse a duplicate anyway). Numbers
the unit already used by hand in the term (a plan "05-KH/ĐU" recorded with its program, a resolution recorded with
its symbol) are skipped: the next plan issued is 06 (``recorded_highest``, read while the counter row is locked).

Who may issue: whoever may submit the unit's reports (``Perm.REPORT_SUBMIT``: the secretary, deputies, the
committee office) or change its plans (``Perm.PLAN_CHANGE``: also standing committee members) at the unit; a
closed unit issues nothing. ``actor=None`` is the system (the demo seed).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_record, diff, snapshot
from nghiquyet.core.files import ALLOWED_TYPES, display_name, file_extension
from nghiquyet.core.text import fold
from nghiquyet.documents.letterhead import issuer_code_of, signature_for, symbol_of, term_of
from nghiquyet.documents.models import IssuedDocument, NumberCounter, RenderJob, RenderStatus, SourceKind
from nghiquyet.documents.registry import BUILDERS, FORMATS
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.symbols import document_types

logger = logging.getLogger(__name__)

#: Permissions that allow issuing at a unit (either one).
ISSUE_PERMS = (Perm.REPORT_SUBMIT, Perm.PLAN_CHANGE)

ISSUED_FIELDS = ["unit", "type_code", "term_start", "term_end", "number", "symbol", "issued_on", "title",
                 "signer_name", "signer_title", "recipients", "file_name", "size", "source_kind", "source_id"]


def conf() -> dict:
    return settings.NGHIQUYET["DOCUMENTS"]


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
    elif issued_on > timezone.localdate():
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


def recorded_highest(*, unit: Unit, type_code: str, term: tuple[int, int]) -> int:
    """The highest number of ``type_code`` the unit already used in ``term`` under its register's issuer code
    (``issuer_code_of``: "ĐU"; the congress's "01-NQ/ĐH" is another issuer's series) outside the counter, 0 when
    none:

    * documents recorded in the app with a hand-typed symbol (``resolutions.Document``: resolutions, decisions...)
      whose term is ``term`` or whose date falls in it (by ``term_of``);
    * action programs and plans with their symbol (``programs.ActionProgram``: "01-CTr/ĐU", "05-KH/ĐU") dated in it;
    * the register itself (``IssuedDocument`` of the term)."""
    from nghiquyet.programs.models import ActionProgram
    from nghiquyet.resolutions.models import Document
    from nghiquyet.resolutions.symbols import SymbolError, parse_symbol

    highest = IssuedDocument.objects.filter(unit=unit, type_code=type_code, term_start=term[0]).aggregate(
        n=Max("number"))["n"] or 0
    issuer_code = issuer_code_of(unit)
    in_years = {"issued_on__year__gte": term[0], "issued_on__year__lte": term[1]}
    candidates: list[tuple[int, dt.date, int | None]] = list(
        Document.objects.filter(unit=unit, type_code=type_code, issuer_code=issuer_code)
        .filter(Q(term__start_year=term[0]) | Q(**in_years))
        .values_list("number", "issued_on", "term__start_year"))
    for symbol, issued_on in (ActionProgram.objects.filter(unit=unit, symbol__contains=f"-{type_code}/", **in_years)
                              .values_list("symbol", "issued_on")):
        try:
            parsed = parse_symbol(symbol)
        except SymbolError:
            continue
        if parsed.type_code == type_code and parsed.issuer_code == issuer_code:
            candidates.append((parsed.number, issued_on, None))
    terms_by_year: dict[int, tuple[int, int]] = {}
    for number, issued_on, term_start in sorted(candidates, key=lambda c: c[0], reverse=True):
        if number <= highest:
            break
        if term_start != term[0]:
            if issued_on.year not in terms_by_year:
                terms_by_year[issued_on.year] = term_of(unit, issued_on)
            if terms_by_year[issued_on.year][0] != term[0]:
                continue
        highest = number
        break
    return int(highest)


def number_take(*, unit: Unit, type_code: str, term: tuple[int, int]) -> int:
    """The next number of the register (call inside the transaction that stores the document).

    The counter row is locked first (its ``UPDATE``), so a second issue waits here; then the number is raised above
    any number the unit already used for the type in the term outside the counter (``recorded_highest``: a plan
    "05-KH/ĐU" typed in by hand makes the next issued plan 06), and the counter keeps it. Those records are read
    while the counter row is locked, so two issues at the same instant still get different numbers."""
    counter_id = _counter_id(unit, type_code, term)
    NumberCounter.objects.filter(pk=counter_id).update(last_number=F("last_number") + 1)
    number = NumberCounter.objects.filter(pk=counter_id).values_list("last_number", flat=True).get()
    floor = recorded_highest(unit=unit, type_code=type_code, term=term) + 1
    if floor > number:
        NumberCounter.objects.filter(pk=counter_id).update(last_number=floor)
        number = floor
    return number


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
    """Give a document made in the app its number ("01-BC/ĐU") and store it (with its file when ``content``).

    Called without a signer (a review report issued on submission), the entry takes the signer of the document's
    own signature block (``letterhead.signature_for``: the unit's secretary, "Bí thư")."""
    if not (signer_name or "").strip() and not (signer_title or "").strip():
        signature = signature_for(unit)
        signer_name, signer_title = signature.name, signature_title(signature.title)
    file = ContentFile(content) if content is not None else None
    return _issue(actor=actor, unit=unit, type_code=type_code, title=title, issued_on=issued_on, file=file,
                  file_name=file_name or "van-ban", signer_name=signer_name, signer_title=signer_title,
                  recipients=recipients, source_kind=source_kind, source_id=source_id)


def signature_title(title: str) -> str:
    """"BÍ THƯ" of a signature block as the register writes it: "Bí thư"."""
    title = (title or "").strip()
    return title[:1].upper() + title[1:].lower() if title.isupper() else title


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


#: What ``issued_document_update`` may change; never the number, type, unit or term.
EDITABLE_FIELDS = ("title", "signer_name", "signer_title", "recipients", "issued_on")
UPDATE_AUDIT_FIELDS = [*EDITABLE_FIELDS, "file_name", "size"]


@transaction.atomic
def issued_document_update(*, actor, document: IssuedDocument, file=None, **fields) -> IssuedDocument:
    """Correct an entry's details: title, signer, signer title, recipients, the issue date (within the entry's
    term, so its number stays in the same series) and, for a registered upload, its file (``file``, checked like a
    new upload; the replaced file is deleted once committed). A document made in the app whose date changes loses
    its stored file, made again with the new date at the next download (``issued_file_ensure``). The number, type
    and unit never change; a voided entry is not edited. Audited with the diff. Permission as for issuing."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: _("Không sửa được trường này của văn bản đã vào sổ.") for name in sorted(unknown)})
    document = IssuedDocument.objects.select_for_update().select_related("unit").get(pk=document.pk)
    unit = document.unit
    _require_issue(actor, unit)
    if document.voided_at is not None:
        raise ValidationError({"__all__": _("Văn bản đã thu hồi, không sửa được.")})
    values = {name: getattr(document, name) for name in EDITABLE_FIELDS}
    for name, value in fields.items():
        values[name] = value.strip() if isinstance(value, str) else value
    errors = _validate(unit=unit, type_code=document.type_code, title=values["title"] or "",
                       issued_on=values["issued_on"], signer_name=values["signer_name"] or "",
                       signer_title=values["signer_title"] or "", recipients=values["recipients"] or "")
    if "issued_on" not in errors and isinstance(values["issued_on"], dt.date) and \
            term_of(unit, values["issued_on"])[0] != document.term_start:
        errors["issued_on"] = _("Ngày ban hành phải trong nhiệm kỳ %(start)d - %(end)d của số văn bản.") % {
            "start": document.term_start, "end": document.term_end}
    if file is not None:
        if document.source_kind != SourceKind.UPLOAD:
            errors["file"] = _("Tệp của văn bản lập trong phần mềm được tạo từ dữ liệu, không thay bằng tay.")
        else:
            problem = register_upload_problem(file)
            if problem:
                errors["file"] = problem
    if errors:
        raise ValidationError(errors)
    before = snapshot(document, UPDATE_AUDIT_FIELDS)
    date_changed = values["issued_on"] != document.issued_on
    for name, value in values.items():
        setattr(document, name, value)
    old_name, storage = document.file.name, document.file.storage
    if date_changed and has_builder(document) and document.file:
        # The file made in the app prints the date in its letterhead: it is made again at the next download.
        document.file, document.file_name, document.size = None, "", 0
    if file is not None:
        document.file_name = display_name(file)[:255]
        document.size = file.size or 0
        document.file.save(_stored_name(document, document.file_name), file, save=False)
    document.search_text = _search_text(document)
    document.save()
    changes = diff(before, snapshot(document, UPDATE_AUDIT_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=document, unit=unit, changes=changes)
    if old_name and old_name != document.file.name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return document


VOID_REASON_MAX = 2000


@transaction.atomic
def issued_document_void(*, actor, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Mark an entry as voided (thu hồi) with its reason. The entry stays in the register and its number stays
    used: no gap, never given again. Audited. Permission as for issuing."""
    document = IssuedDocument.objects.select_for_update().select_related("unit").get(pk=document.pk)
    _require_issue(actor, document.unit)
    reason = (reason or "").strip()
    if document.voided_at is not None:
        raise ValidationError({"__all__": _("Văn bản đã được thu hồi trước đó.")})
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do thu hồi.")})
    if len(reason) > VOID_REASON_MAX:
        raise ValidationError({"reason": _("Lý do quá dài (tối đa %(n)d ký tự).") % {"n": VOID_REASON_MAX}})
    document.voided_at = timezone.now()
    document.voided_by = actor if getattr(actor, "is_authenticated", False) else None
    document.void_reason = reason
    document.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=document, unit=document.unit,
                 changes={"voided_at": [None, document.voided_at.isoformat()], "void_reason": ["", reason]},
                 note=_("Thu hồi văn bản"))
    return document


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


# ------------------------------------------------------------------ files of register entries made in the app


def system_user():
    """The system as a reader (the ``documents_fill_files`` command): an unsaved superuser whose scope is set
    beforehand (it has no role rows to load), so builders read any source."""
    from django.contrib.auth import get_user_model

    from nghiquyet.accounts.scope import _CACHE_ATTR, Scope

    user = get_user_model()(username="system", is_superuser=True, is_active=True)
    setattr(user, _CACHE_ATTR, Scope(is_superuser=True, grants=()))
    return user


def has_builder(document: IssuedDocument) -> bool:
    """Whether the entry's file can be rendered from its source (a builder for its kind and a source id)."""
    return document.source_kind in BUILDERS and document.source_id is not None


def issued_file_render(*, document: IssuedDocument, user) -> tuple[bytes, str] | None:
    """The entry's DOCX rendered now through its source kind's builder as ``user``, with its file name; None when
    it has no builder, the source is gone or ``user`` may not have it. Always in Vietnamese (``party_language``)."""
    from nghiquyet.documents.render import party_language

    with party_language():
        return _issued_file_render(document=document, user=user)


def _issued_file_render(*, document: IssuedDocument, user) -> tuple[bytes, str] | None:
    """The entry's DOCX rendered now through its source kind's builder as ``user``, with its file name; None when
    it has no builder, the source is gone or ``user`` may not have it."""
    from django.http import Http404

    from nghiquyet.documents.registry import builder_for
    from nghiquyet.documents.render import file_name, render_file

    if not has_builder(document):
        return None
    try:
        built = builder_for(document.source_kind)(document.source_id, user=user)
    except (Http404, LookupError):
        return None
    if not built.permitted or built.document is None:
        return None
    out = io.BytesIO()
    render_file(built.document, built.tables, "docx", out)
    return out.getvalue(), file_name(built.document, "docx")


def issued_file_ensure(*, document: IssuedDocument, user) -> IssuedDocument:
    """The entry with its file: one made in the app whose file is missing (a report issued while no worker ran)
    is rendered now as ``user`` and stored (``issued_file_attach``), so the next download is served from storage.
    Returned unchanged (still without a file) for an upload or when the builder refuses ``user``. Two downloads at
    the same instant both render; the second finds the first's file under the row lock and keeps it."""
    if document.file or not has_builder(document):
        return document
    rendered = issued_file_render(document=document, user=user)
    if rendered is None:
        return document
    content, file_name = rendered
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.file:
            return locked
        return issued_file_attach(document=locked, content=content, file_name=file_name)


def missing_file_message(document: IssuedDocument) -> str:
    """Why a download has no file: an upload without its file, or a document whose file could not be made."""
    if has_builder(document):
        return _("Không tạo được tệp của văn bản này (nguồn đã bị xóa hoặc bạn không có quyền xem).")
    return _("Văn bản chưa có tệp.")


def issued_files_missing():
    """Register entries made in the app (a builder for their source kind) still without their file."""
    return (IssuedDocument.objects.filter(Q(file="") | Q(file__isnull=True), source_kind__in=list(BUILDERS),
                                          source_id__isnull=False).order_by("pk"))


@dataclass
class FillResult:
    missing: int = 0
    filled: int = 0
    failed: int = 0


def issued_files_fill(*, dry_run: bool = False) -> FillResult:
    """Render and attach, as the system, the missing files of every register entry made in the app (the
    ``documents_fill_files`` command). ``dry_run`` only counts them. One entry failing is logged and counted;
    the others go on."""
    result = FillResult()
    user = None if dry_run else system_user()
    for document in issued_files_missing().select_related("unit").iterator(chunk_size=100):
        result.missing += 1
        if dry_run:
            continue
        try:
            filled = issued_file_ensure(document=document, user=user)
        except Exception:
            logger.exception("Register entry %s: rendering its missing file failed", document.pk)
            filled = None
        if filled is not None and filled.file:
            result.filled += 1
        else:
            result.failed += 1
    return result


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
