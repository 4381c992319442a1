"""Writes for terms, congresses, resolutions, items, targets, milestones and alignment.

Every function validates, saves inside one transaction and writes the audit trail; errors are
``ValidationError`` dicts with Vietnamese messages keyed by field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_delete, audit_record, diff, snapshot
from nghiquyet.core.files import display_name, upload_problem
from nghiquyet.core.numbers import NumberFormatError, format_vn_decimal, parse_vn_decimal
from nghiquyet.core.text import fold
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.models import (
    AMOUNT,
    AdjustmentField,
    AdjustmentStatus,
    Aggregation,
    Alignment,
    Attachment,
    Congress,
    Direction,
    Document,
    Domain,
    ItemKind,
    Milestone,
    ResolutionItem,
    Target,
    TargetAdjustment,
    Term,
)
from nghiquyet.resolutions.symbols import symbol_clean

TARGET_FIELDS = [
    "number", "name", "domain", "measure", "baseline_year", "baseline_value", "target_value", "direction",
    "aggregation", "weight_name", "numerator_name", "denominator_name", "threshold", "criteria_total",
]


def _require(actor, unit: Unit, perm: str = Perm.PLAN_CHANGE) -> None:
    if actor is not None and not can(actor, perm, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi dữ liệu của “%(unit)s”.") % {"unit": unit.name})


def _active(unit: Unit) -> None:
    if unit.valid_to is not None:
        raise ValidationError({"unit": _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": unit.name}})


# ------------------------------------------------------------------ shared checks

def _created(obj, fields: list[str]) -> dict:
    """The audit changes of a creation (as ``audit_create`` records them), to extend before writing once."""
    return {k: [None, v] for k, v in snapshot(obj, fields).items()}


def _text(values: dict, model, name: str, errors: dict, *, required: str | None = None) -> str:
    """Strip a text value, refuse one too long for the column (and a blank one when ``required``)."""
    value = values.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    limit = model._meta.get_field(name).max_length
    if required and not value:
        errors[name] = required
    elif limit and len(value) > limit:
        errors[name] = _("Tối đa %(n)d ký tự.") % {"n": limit}
    return value


def _year(value, name: str, errors: dict) -> int | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        year = int(value)
    except (TypeError, ValueError):
        errors[name] = _("Năm phải là số, ví dụ 2025.")
        return None
    if not 1930 <= year <= 2200:
        errors[name] = _("Năm %(y)s không hợp lệ.") % {"y": year}
        return None
    return year


def _amount(value, name: str, errors: dict) -> Decimal | None:
    """A number as stored (``AMOUNT``): Decimal, int or Vietnamese-format text; None when blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, str):
            return parse_vn_decimal(value, max_digits=AMOUNT["max_digits"], decimal_places=AMOUNT["decimal_places"])
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise NumberFormatError(_("Giá trị phải là số."))
        number = value if isinstance(value, Decimal) else Decimal(str(value))
        # format then parse: refuses NaN/infinity and what the column cannot hold
        parse_vn_decimal(format_vn_decimal(number), max_digits=AMOUNT["max_digits"],
                         decimal_places=AMOUNT["decimal_places"])
        return number
    except NumberFormatError as exc:
        errors[name] = str(exc)
        return None


def _date(value, name: str, errors: dict, *, required: str | None = None) -> dt.date | None:
    if value is None or value == "":
        if required:
            errors[name] = required
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors[name] = _("Ngày không hợp lệ.")
    return None


def _unit_of(obj) -> Unit:
    if isinstance(obj, ResolutionItem):
        return obj.document.unit
    return obj.unit


def _document_of(obj) -> Document | None:
    if isinstance(obj, Target | ResolutionItem):
        return obj.document
    return None


def adopted_document_ids(unit: Unit) -> set[int]:
    """Thematic resolutions from outside the unit's line (e.g. issued at the centre) that the unit or one of
    its ancestors has declared it implements (``Document.implements``)."""
    chain = [unit.pk, *unit.ancestor_ids]
    return set(Document.implements.through.objects.filter(from_document__unit_id__in=chain)
               .values_list("to_document_id", flat=True))


def is_from_above(unit: Unit, obj_unit: Unit, document: Document | None = None) -> bool:
    """Is an object of ``obj_unit`` (in ``document``) something ``unit`` must implement: issued by a strict
    ancestor or by the Central Committee, or part of a thematic resolution adopted by the unit's line?
    Never the unit itself, never below, never across."""
    if obj_unit.pk == unit.pk or obj_unit.path.startswith(unit.path):
        return False
    if obj_unit.pk in unit.ancestor_ids or obj_unit.kind == UnitKind.CENTRAL:
        return True
    return document is not None and document.pk in adopted_document_ids(unit)


# ------------------------------------------------------------------ terms and congresses

def _check_term(unit: Unit, start_year, end_year, errors: dict) -> tuple[int | None, int | None]:
    """Clean a term's years into ``errors``; ``(start, end)`` when both are usable."""
    start_year = _year(start_year, "start_year", errors)
    end_year = _year(end_year, "end_year", errors)
    if start_year is None and "start_year" not in errors:
        errors["start_year"] = _("Nhập năm bắt đầu nhiệm kỳ.")
    if end_year is None and "end_year" not in errors:
        errors["end_year"] = _("Nhập năm kết thúc nhiệm kỳ.")
    if start_year is None or end_year is None:
        return start_year, end_year
    if end_year <= start_year or end_year - start_year > 6:
        errors["end_year"] = _("Nhiệm kỳ phải có năm kết thúc sau năm bắt đầu, tối đa 6 năm.")
        return start_year, None
    overlapping = Term.objects.filter(unit=unit, start_year__lt=end_year, end_year__gt=start_year)
    if overlapping.exists():
        errors["start_year"] = _("Nhiệm kỳ %(t)s trùng thời gian với nhiệm kỳ đã có.") % {
            "t": f"{start_year}-{end_year}"}
        return None, end_year
    return start_year, end_year


@transaction.atomic
def term_create(*, actor, unit: Unit, start_year: int, end_year: int) -> Term:
    """A term without its congress (see ``term_create_with_congress``)."""
    return term_create_with_congress(actor=actor, unit=unit, start_year=start_year, end_year=end_year)


_ORDINAL = re.compile(r"(?:[IVXLCDM]+|[0-9]{1,3})")
CONGRESS_FIELDS = ["term", "ordinal", "held_from", "held_to"]


def _check_congress(*, start_year: int | None, label: str, ordinal, held_from, held_to, errors: dict) -> dict:
    """Clean a congress's values into ``errors``: ``ordinal`` is a Roman ("XXII") or Arabic ("35") number,
    the congress meets at the start of the term (``start_year``; unchecked when ``None``)."""
    ordinal = str(ordinal or "").strip()
    ordinal = re.sub(r"^(?:lần\s+thứ\s+)", "", ordinal, flags=re.IGNORECASE).strip()
    if not ordinal or len(ordinal) > 20 or not _ORDINAL.fullmatch(ordinal.upper()) or ordinal.strip("0") == "":
        errors["ordinal"] = _("Nhập lần thứ của đại hội bằng số La Mã hoặc số, ví dụ XXII hoặc 35.")
    else:
        ordinal = ordinal.upper()
    held_from = _date(held_from, "held_from", errors, required=_("Nhập ngày khai mạc đại hội."))
    held_to = _date(held_to, "held_to", errors, required=_("Nhập ngày bế mạc đại hội."))
    if held_from and held_to:
        if held_to < held_from:
            errors["held_to"] = _("Ngày kết thúc đại hội không được trước ngày khai mạc.")
        elif (held_to - held_from).days > 10:
            errors["held_to"] = _("Đại hội kéo dài quá 10 ngày: kiểm tra lại ngày bế mạc.")
        elif start_year is not None and not (start_year - 1 <= held_from.year <= start_year):
            errors["held_from"] = _("Đại hội phải họp vào đầu nhiệm kỳ %(t)s.") % {"t": label}
    return {"ordinal": ordinal, "held_from": held_from, "held_to": held_to}


@transaction.atomic
def congress_create(*, actor, term: Term, ordinal: str, held_from: dt.date, held_to: dt.date) -> Congress:
    """The congress that opened ``term``; ``ordinal`` is a Roman ("XXII") or Arabic ("35") number."""
    _require(actor, term.unit)
    _active(term.unit)
    errors: dict[str, str] = {}
    cleaned = _check_congress(start_year=term.start_year, label=term.label, ordinal=ordinal, held_from=held_from,
                              held_to=held_to, errors=errors)
    if Congress.objects.filter(term=term).exists():
        errors["term"] = _("Nhiệm kỳ này đã có đại hội.")
    if errors:
        raise ValidationError(errors)
    congress = Congress.objects.create(term=term, **cleaned)
    audit_create(actor=actor, obj=congress, fields=CONGRESS_FIELDS, unit=term.unit)
    return congress


@transaction.atomic
def congress_update(*, actor, congress: Congress, **values) -> Congress:
    """Correct a congress: any of ``ordinal``, ``held_from``, ``held_to``."""
    congress = Congress.objects.select_for_update(of=("self",)).select_related("term__unit").get(pk=congress.pk)
    term = congress.term
    _require(actor, term.unit)
    _active(term.unit)
    allowed = {"ordinal", "held_from", "held_to"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"unknown congress fields: {sorted(unknown)}")
    merged = {name: getattr(congress, name) for name in allowed}
    merged.update(values)
    errors: dict[str, str] = {}
    cleaned = _check_congress(start_year=term.start_year, label=term.label, errors=errors, **merged)
    if errors:
        raise ValidationError(errors)
    before = snapshot(congress, CONGRESS_FIELDS)
    for key, value in cleaned.items():
        setattr(congress, key, value)
    congress.save()
    changes = diff(before, snapshot(congress, CONGRESS_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=congress, unit=term.unit, changes=changes)
    return congress


@transaction.atomic
def term_create_with_congress(
    *, actor, unit: Unit, start_year: int, end_year: int, congress: dict | None = None
) -> Term:
    """A term and (when ``congress`` holds ``ordinal``, ``held_from``, ``held_to``) the congress that opened it:
    both or nothing; the errors of both are reported together, keyed by field."""
    _require(actor, unit)
    _active(unit)
    errors: dict[str, str] = {}
    start, end = _check_term(unit, start_year, end_year, errors)
    cleaned = None
    if congress is not None:
        label = f"{start} - {end}" if start and end else ""
        cleaned = _check_congress(start_year=start, label=label, errors=errors, **congress)
    if errors:
        raise ValidationError(errors)
    term = Term.objects.create(unit=unit, start_year=start, end_year=end)
    audit_create(actor=actor, obj=term, fields=["unit", "start_year", "end_year"], unit=unit)
    if cleaned is not None:
        created = Congress.objects.create(term=term, **cleaned)
        audit_create(actor=actor, obj=created, fields=CONGRESS_FIELDS, unit=unit)
    return term


# ------------------------------------------------------------------ documents and items

def _check_document(*, unit: Unit, values: dict, implements, document: Document | None = None) -> dict:
    """Validate a document's values (all fields); returns the cleaned ones, raises ValidationError."""
    errors: dict[str, str] = {}
    parsed = None
    try:
        parsed = symbol_clean(values.get("symbol"))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    title = _text(values, Document, "title", errors, required=_("Nhập trích yếu (tên) văn bản."))
    issued_on = _date(values.get("issued_on"), "issued_on", errors, required=_("Nhập ngày ban hành."))
    if issued_on and issued_on > timezone.localdate():
        errors["issued_on"] = _("Ngày ban hành không được ở tương lai.")
    term = values.get("term")
    is_congress = bool(values.get("is_congress_resolution"))
    if term is not None:
        if term.unit_id != unit.pk:
            errors["term"] = _("Nhiệm kỳ không thuộc đơn vị ban hành.")
        elif issued_on and not (term.start_year - 1 <= issued_on.year <= term.end_year):
            errors["issued_on"] = _("Ngày ban hành nằm ngoài nhiệm kỳ %(t)s.") % {"t": term.label}
    if is_congress:
        if term is None:
            errors["term"] = _("Nghị quyết đại hội phải gắn với một nhiệm kỳ.")
        elif Document.objects.filter(term=term, is_congress_resolution=True).exclude(
                pk=document.pk if document else None).exists():
            errors["is_congress_resolution"] = _("Nhiệm kỳ %(t)s đã có nghị quyết đại hội.") % {"t": term.label}
        if parsed is not None and parsed.type_code != "NQ":
            errors["symbol"] = _("Nghị quyết đại hội phải có loại văn bản NQ (ví dụ 01-NQ/ĐU).")
    for above in implements:
        if document is not None and above.pk == document.pk:
            errors["implements"] = _("Văn bản không thể thực hiện chính nó.")
        elif not is_from_above(unit, above.unit, above):
            errors["implements"] = _("“%(doc)s” không phải văn bản của cấp trên.") % {"doc": above.symbol}
    if errors:
        raise ValidationError(errors)
    return {
        "number": parsed.number, "type_code": parsed.type_code, "issuer_code": parsed.issuer_code,
        "symbol": str(parsed), "issued_on": issued_on, "title": title, "term": term,
        "full_text": str(values.get("full_text") or ""), "is_congress_resolution": is_congress,
    }


DOCUMENT_FIELDS = ["unit", "symbol", "issued_on", "title", "term", "is_congress_resolution"]


def _save_document(document: Document) -> None:
    document.search_text = fold(f"{document.symbol} {document.title}")[:700]
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        raise ValidationError({"symbol": _("Văn bản %(s)s ngày %(d)s đã có.")
                               % {"s": document.symbol, "d": document.issued_on.strftime("%d/%m/%Y")}}) from None


@transaction.atomic
def document_create(
    *,
    actor,
    unit: Unit,
    symbol: str,
    issued_on: dt.date,
    title: str,
    term: Term | None = None,
    full_text: str = "",
    is_congress_resolution: bool = False,
    implements: list[Document] | tuple = (),
) -> Document:
    """Register a resolution or related document issued by ``unit``."""
    _require(actor, unit)
    _active(unit)
    implements = list(implements or ())
    cleaned = _check_document(unit=unit, implements=implements, values={
        "symbol": symbol, "issued_on": issued_on, "title": title, "term": term, "full_text": full_text,
        "is_congress_resolution": is_congress_resolution})
    document = Document(unit=unit, **cleaned)
    _save_document(document)
    document.implements.set(implements)
    changes = _created(document, DOCUMENT_FIELDS)
    if implements:
        changes["implements"] = [None, sorted(d.symbol for d in implements)]
    audit_record(actor=actor, action=AuditAction.CREATE, obj=document, unit=unit, changes=changes)
    return document


@transaction.atomic
def document_update(*, actor, document: Document, implements: list[Document] | None = None, **values) -> Document:
    """Correct a document: any of symbol, issued_on, title, term, full_text, is_congress_resolution;
    ``implements`` (when given) replaces the list of superior documents it implements."""
    document = Document.objects.select_for_update(of=("self",)).select_related("unit", "term").get(pk=document.pk)
    _require(actor, document.unit)
    allowed = {"symbol", "issued_on", "title", "term", "full_text", "is_congress_resolution"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"unknown document fields: {sorted(unknown)}")
    before = snapshot(document, DOCUMENT_FIELDS)
    before_implements = sorted(d.symbol for d in document.implements.all())
    before_full_text = document.full_text
    merged = {name: getattr(document, name) for name in allowed}
    merged.update(values)
    new_implements = list(implements) if implements is not None else list(document.implements.all())
    cleaned = _check_document(unit=document.unit, values=merged, implements=new_implements, document=document)
    term = cleaned["term"]
    if term is not None and term != document.term:
        outside = Milestone.objects.filter(target__document=document).exclude(
            year__gte=term.start_year, year__lte=term.end_year)
        if outside.exists():
            raise ValidationError({"term": _("Một số mốc năm của chỉ tiêu nằm ngoài nhiệm kỳ %(t)s.")
                                   % {"t": term.label}})
    for key, value in cleaned.items():
        setattr(document, key, value)
    _save_document(document)
    if implements is not None:
        document.implements.set(new_implements)
    changes = diff(before, snapshot(document, DOCUMENT_FIELDS))
    after_implements = sorted(d.symbol for d in new_implements)
    if after_implements != before_implements:
        changes["implements"] = [before_implements, after_implements]
    if "full_text" in values and cleaned["full_text"] != before_full_text:
        changes["full_text"] = [_("(toàn văn cũ)"), _("(toàn văn mới)")]
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=document, unit=document.unit, changes=changes)
    return document


ITEM_FIELDS = ["document", "kind", "number", "title"]


def _check_item(values: dict, document: Document, item: ResolutionItem | None = None) -> dict:
    errors: dict[str, str] = {}
    if values.get("kind") not in ItemKind.values:
        errors["kind"] = _("Loại nội dung không hợp lệ.")
    number = _text(values, ResolutionItem, "number", errors)
    title = _text(values, ResolutionItem, "title", errors, required=_("Nhập nội dung."))
    description = str(values.get("description") or "").strip()
    if number and "kind" not in errors:
        clash = ResolutionItem.objects.filter(document=document, kind=values["kind"], number=number)
        if item is not None:
            clash = clash.exclude(pk=item.pk)
        if clash.exists():
            errors["number"] = _("Số thứ tự %(n)s đã có trong văn bản này.") % {"n": number}
    if errors:
        raise ValidationError(errors)
    return {"kind": values["kind"], "number": number, "title": title, "description": description}


@transaction.atomic
def item_create(
    *, actor, document: Document, kind: str, number: str, title: str, description: str = ""
) -> ResolutionItem:
    """An objective, key program or breakthrough of ``document``."""
    _require(actor, document.unit)
    _active(document.unit)
    cleaned = _check_item({"kind": kind, "number": number, "title": title, "description": description}, document)
    item = ResolutionItem.objects.create(document=document, **cleaned)
    audit_create(actor=actor, obj=item, fields=ITEM_FIELDS, unit=document.unit)
    return item


@transaction.atomic
def item_update(*, actor, item: ResolutionItem, **values) -> ResolutionItem:
    """Change an item's kind, number, title or description."""
    item = ResolutionItem.objects.select_for_update(of=("self",)).select_related("document__unit").get(pk=item.pk)
    _require(actor, item.document.unit)
    unknown = set(values) - {"kind", "number", "title", "description"}
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    before = snapshot(item, ITEM_FIELDS + ["description"])
    merged = {name: getattr(item, name) for name in ("kind", "number", "title", "description")} | values
    for key, value in _check_item(merged, item.document, item).items():
        setattr(item, key, value)
    item.save()
    changes = diff(before, snapshot(item, ITEM_FIELDS + ["description"]))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=item, unit=item.document.unit, changes=changes)
    return item


# ------------------------------------------------------------------ targets and milestones

_TEXT_TARGET_FIELDS = ("number", "name", "measure", "weight_name", "numerator_name", "denominator_name")


def _clean_milestones(milestones, errors: dict) -> dict[int, Decimal] | None:
    if milestones is None:
        return None
    if not isinstance(milestones, dict):
        errors["milestones"] = _("Mốc năm không hợp lệ.")
        return None
    cleaned: dict[int, Decimal] = {}
    for key, value in milestones.items():
        problems: dict[str, str] = {}
        year = _year(key, "year", problems)
        amount = _amount(value, "value", problems)
        if year is None or amount is None:
            message = problems.get("year") or problems.get("value") or _("Nhập giá trị của mốc năm.")
            errors["milestones"] = _("Mốc năm %(y)s: %(m)s") % {"y": key, "m": message}
            continue
        if year in cleaned:
            errors["milestones"] = _("Mốc năm %(y)s bị nhập hai lần.") % {"y": year}
        cleaned[year] = amount
    return cleaned


def _check_target(values: dict, document: Document, milestones: dict[int, Decimal] | None) -> None:
    """Validate (and clean, in place) a target's values and milestones against its document's term.

    Refused: blank or overlong texts, unknown choices, numbers that are not numbers or do not fit,
    a term target that contradicts the direction (below the baseline when higher is better, above it
    when lower is better), milestones outside the term or against the direction, an end-of-term
    milestone different from the term target, an aggregation rule without what it needs, a criteria
    set whose met count is not a whole number between 0 and the total.
    """
    errors: dict[str, str] = {}
    required = {
        "number": _("Nhập số thứ tự chỉ tiêu."), "name": _("Nhập tên chỉ tiêu."),
        "measure": _("Nhập đơn vị tính (%, tỷ đồng, tiêu chí...)."),
    }
    for name in _TEXT_TARGET_FIELDS:
        values[name] = _text(values, Target, name, errors, required=required.get(name))
    if values.get("domain") not in Domain.values:
        errors["domain"] = _("Chọn lĩnh vực của chỉ tiêu.")
    direction = values.get("direction")
    if direction not in Direction.values:
        errors["direction"] = _("Chọn chiều đánh giá: càng cao càng tốt, càng thấp càng tốt hoặc đạt đúng giá trị.")
    aggregation = values.get("aggregation")
    if aggregation not in Aggregation.values:
        errors["aggregation"] = _("Chọn cách tổng hợp lên cấp trên.")
    for name in ("baseline_value", "target_value", "threshold"):
        values[name] = _amount(values.get(name), name, errors)
    values["baseline_year"] = _year(values.get("baseline_year"), "baseline_year", errors)
    criteria_total = values.get("criteria_total")
    if criteria_total is not None and criteria_total != "":
        try:
            if isinstance(criteria_total, bool):
                raise ValueError
            criteria_total = int(criteria_total)
            if not 1 <= criteria_total <= 1000:
                raise ValueError
        except (TypeError, ValueError):
            errors["criteria_total"] = _("Tổng số tiêu chí là số nguyên từ 1 đến 1000.")
            criteria_total = None
    else:
        criteria_total = None
    values["criteria_total"] = criteria_total
    cleaned_milestones = _clean_milestones(milestones, errors)
    if cleaned_milestones is not None and milestones is not None:
        milestones.clear()
        milestones.update(cleaned_milestones)

    target_value, baseline = values["target_value"], values["baseline_value"]
    baseline_year = values["baseline_year"]
    term = document.term
    if target_value is None and "target_value" not in errors:
        errors["target_value"] = _("Nhập mục tiêu cuối nhiệm kỳ.")
    if baseline is not None and baseline_year is None and "baseline_year" not in errors:
        errors["baseline_year"] = _("Nhập năm gốc của giá trị gốc.")
    if baseline_year is not None and baseline is None and "baseline_value" not in errors:
        errors["baseline_value"] = _("Nhập giá trị năm gốc.")
    if baseline_year is not None and term is not None and baseline_year > term.start_year:
        errors["baseline_year"] = _("Năm gốc không được sau năm đầu nhiệm kỳ (%(y)d).") % {"y": term.start_year}
    if target_value is not None and baseline is not None:
        if direction == Direction.HIGHER and target_value < baseline:
            errors["target_value"] = _("Chỉ tiêu “càng cao càng tốt” nhưng mục tiêu thấp hơn giá trị năm gốc.")
        if direction == Direction.LOWER and target_value > baseline:
            errors["target_value"] = _("Chỉ tiêu “càng thấp càng tốt” nhưng mục tiêu cao hơn giá trị năm gốc.")

    if aggregation == Aggregation.WEIGHTED_MEAN and not values["weight_name"]:
        errors["weight_name"] = _("Bình quân gia quyền cần tên trọng số (ví dụ: dân số).")
    if aggregation == Aggregation.RATIO:
        if not values["numerator_name"]:
            errors["numerator_name"] = _("Tỷ số của các tổng cần tên tử số và mẫu số.")
        if not values["denominator_name"]:
            errors["denominator_name"] = _("Tỷ số của các tổng cần tên tử số và mẫu số.")
    if aggregation == Aggregation.COUNT_MEETING and values["threshold"] is None and "threshold" not in errors:
        errors["threshold"] = _("Đếm số đơn vị đạt ngưỡng cần giá trị ngưỡng.")

    if criteria_total is not None:
        for name in ("target_value", "baseline_value"):
            value = values[name]
            if value is None or name in errors:
                continue
            if value < 0 or value != value.to_integral_value():
                errors[name] = _("Số tiêu chí đạt phải là số nguyên không âm.")
            elif value > criteria_total:
                errors[name] = _("Số tiêu chí đạt không được vượt tổng số tiêu chí (%(n)d).") % {"n": criteria_total}

    if cleaned_milestones:
        if term is None:
            errors["milestones"] = _("Văn bản chưa gắn nhiệm kỳ nên không đặt được mốc theo năm.")
        elif "milestones" not in errors:
            outside = sorted(y for y in cleaned_milestones if y not in term.years)
            end_value = cleaned_milestones.get(term.end_year)
            if outside:
                errors["milestones"] = _("Mốc năm %(years)s nằm ngoài nhiệm kỳ %(term)s.") % {
                    "years": ", ".join(map(str, outside)), "term": term.label}
            elif criteria_total is not None and any(v > criteria_total or v < 0 for v in cleaned_milestones.values()):
                errors["milestones"] = _("Mốc năm không được vượt tổng số tiêu chí (%(n)d).") % {"n": criteria_total}
            elif end_value is not None and target_value is not None and end_value != target_value:
                errors["milestones"] = _("Mốc năm cuối nhiệm kỳ (%(y)d) phải bằng mục tiêu cuối nhiệm kỳ.") % {
                    "y": term.end_year}
            elif direction in (Direction.HIGHER, Direction.LOWER):
                points = sorted(cleaned_milestones.items())
                if baseline is not None and baseline_year is not None and baseline_year < points[0][0]:
                    points.insert(0, (baseline_year, baseline))
                if target_value is not None and term.end_year not in cleaned_milestones:
                    points.append((term.end_year, target_value))
                ordered = [value for _year_, value in points]
                sign = 1 if direction == Direction.HIGHER else -1
                if any(sign * (b - a) < 0 for a, b in zip(ordered, ordered[1:], strict=False)):
                    errors["milestones"] = _(
                        "Các mốc năm đi ngược chiều đánh giá của chỉ tiêu (từ giá trị năm gốc đến mục tiêu "
                        "cuối nhiệm kỳ).")
    if errors:
        raise ValidationError(errors)


def _check_copied_from(document: Document, copied_from: Target | None) -> None:
    if copied_from is not None and not is_from_above(document.unit, copied_from.unit, copied_from.document):
        raise ValidationError({"copied_from": _("Chỉ sao chép được chỉ tiêu của cấp trên.")})


@transaction.atomic
def target_create(
    *, actor, document: Document, milestones: dict[int, Decimal] | None = None, copied_from: Target | None = None,
    **values,
) -> Target:
    """Add a numbered target to ``document``; ``values`` are the Target fields of ``TARGET_FIELDS``."""
    _require(actor, document.unit)
    _active(document.unit)
    values.setdefault("direction", Direction.HIGHER)
    values.setdefault("aggregation", Aggregation.NONE)
    unknown = set(values) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"unknown target fields: {sorted(unknown)}")
    milestones = dict(milestones) if isinstance(milestones, dict) else milestones
    _check_target(values, document, milestones)
    _check_copied_from(document, copied_from)
    if Target.objects.filter(document=document, number=values["number"]).exists():
        raise ValidationError({"number": _("Số thứ tự %(n)s đã có trong văn bản này.") % {"n": values["number"]}})
    target = Target(document=document, unit=document.unit, copied_from=copied_from, **values)
    target.search_text = fold(target.name)[:400]
    target.save()
    Milestone.objects.bulk_create(
        [Milestone(target=target, year=year, value=value) for year, value in sorted((milestones or {}).items())])
    changes = _created(target, TARGET_FIELDS)
    if milestones:
        changes["milestones"] = [None, {str(y): str(v) for y, v in sorted(milestones.items())}]
    if copied_from is not None:
        changes["copied_from"] = [None, {"id": copied_from.pk, "repr": str(copied_from)}]
    audit_record(actor=actor, action=AuditAction.CREATE, obj=target, unit=document.unit, changes=changes)
    return target


@transaction.atomic
def target_update(*, actor, target: Target, milestones: dict[int, Decimal] | None = None, **values) -> Target:
    """Adjust a target (e.g. a copy from above); ``milestones`` (when given) replaces all of them."""
    target = Target.objects.select_for_update(of=("self",)).select_related("unit", "document__term").get(pk=target.pk)
    _require(actor, target.unit)
    unknown = set(values) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"unknown target fields: {sorted(unknown)}")
    before = snapshot(target, TARGET_FIELDS)
    before_milestones = {m.year: str(m.value) for m in target.milestones.all()}
    merged = {**{name: getattr(target, name) for name in TARGET_FIELDS}, **values}
    if milestones is None:
        new_milestones = {m.year: m.value for m in target.milestones.all()}
    else:
        new_milestones = dict(milestones) if isinstance(milestones, dict) else milestones
    _check_target(merged, target.document, new_milestones)
    if Target.objects.filter(document=target.document, number=merged["number"]).exclude(pk=target.pk).exists():
        raise ValidationError({"number": _("Số thứ tự %(n)s đã có trong văn bản này.") % {"n": merged["number"]}})
    for key in TARGET_FIELDS:
        setattr(target, key, merged[key])
    target.search_text = fold(target.name)[:400]
    target.save()
    if milestones is not None:
        target.milestones.exclude(year__in=list(new_milestones)).delete()
        for year, value in new_milestones.items():
            Milestone.objects.update_or_create(target=target, year=year, defaults={"value": value})
    changes = diff(before, snapshot(target, TARGET_FIELDS))
    after_milestones = {m.year: str(m.value) for m in target.milestones.all()}
    if after_milestones != before_milestones:
        changes["milestones"] = [before_milestones, after_milestones]
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=target, unit=target.unit, changes=changes)
    return target


# ------------------------------------------------------------------ alignment

ALIGNMENT_FIELDS = ["from_target", "from_item", "from_task", "to_target", "to_item"]


def _require_link(actor, source, source_unit: Unit) -> None:
    """Linking a target or item needs PLAN_CHANGE at its unit; linking a task, PLAN_CHANGE or TASK_CHANGE."""
    from nghiquyet.programs.models import Task

    if actor is None:
        return
    if can(actor, Perm.PLAN_CHANGE, source_unit):
        return
    if isinstance(source, Task) and can(actor, Perm.TASK_CHANGE, source_unit):
        return
    raise PermissionDenied(_("Bạn không có quyền thay đổi dữ liệu của “%(unit)s”.") % {"unit": source_unit.name})


@transaction.atomic
def alignment_create(*, actor, source, destination) -> Alignment:
    """Link a target, item or task (``source``) up to a superior's target or item (``destination``).

    The destination must belong to a strict ancestor of the source's unit, or to a thematic
    resolution the source's line has adopted: links never point down or across. Linking twice
    returns the existing link.
    """
    from nghiquyet.programs.models import Task

    if not isinstance(source, Target | ResolutionItem | Task):
        raise TypeError("source must be a Target, ResolutionItem or Task")
    if not isinstance(destination, Target | ResolutionItem):
        raise TypeError("destination must be a Target or ResolutionItem")
    source_unit = _unit_of(source)
    destination_unit = _unit_of(destination)
    _require_link(actor, source, source_unit)
    if source_unit.valid_to is not None:
        raise ValidationError({"source": _("“%(unit)s” đã kết thúc hoạt động.") % {"unit": source_unit.name}})
    if not is_from_above(source_unit, destination_unit, _document_of(destination)):
        raise ValidationError({"destination": _(
            "Chỉ liên kết được với chỉ tiêu, nội dung của cấp trên trực tiếp, các cấp trên nữa "
            "hoặc của nghị quyết chuyên đề cấp trên đã triển khai."
        )})
    kwargs = {"from_unit": source_unit, "created_by": actor if getattr(actor, "is_authenticated", False) else None}
    key = {"from_target": source if isinstance(source, Target) else None,
           "from_item": source if isinstance(source, ResolutionItem) else None,
           "from_task": source if isinstance(source, Task) else None,
           "to_target": destination if isinstance(destination, Target) else None,
           "to_item": destination if isinstance(destination, ResolutionItem) else None}
    existing = Alignment.objects.filter(**key).first()
    if existing:
        return existing
    link = Alignment.objects.create(**kwargs, **key)
    audit_create(actor=actor, obj=link, fields=ALIGNMENT_FIELDS, unit=source_unit)
    return link


@transaction.atomic
def alignment_delete(*, actor, alignment: Alignment) -> None:
    """Remove a link (by someone who may change the linking unit's plan)."""
    alignment = Alignment.objects.select_related("from_unit", "from_target", "from_item", "from_task",
                                                 "to_target", "to_item").get(pk=alignment.pk)
    source = alignment.from_target or alignment.from_item or alignment.from_task
    _require_link(actor, source, alignment.from_unit)
    audit_delete(actor=actor, obj=alignment, fields=ALIGNMENT_FIELDS, unit=alignment.from_unit)
    alignment.delete()


@transaction.atomic
def targets_copy_down(*, actor, document: Document, sources: list[Target]) -> list[Target]:
    """Start ``document``'s target list from a superior's targets, linking each copy up to its source.

    Each copy keeps ``copied_from`` and an Alignment to its source and can then be adjusted with
    ``target_update``. A source already copied into ``document`` is skipped (copying twice does not
    duplicate); the new copies are returned. Milestones outside the new document's term are dropped;
    a number already taken by another target is refused, naming it. All or nothing.
    """
    _require(actor, document.unit)
    _active(document.unit)
    order = list(dict.fromkeys(s.pk for s in sources))
    fetched = Target.objects.select_related("unit", "document").prefetch_related("milestones").in_bulk(order)
    unique = [fetched[pk] for pk in order if pk in fetched]
    outside = [s.number for s in unique if not is_from_above(document.unit, s.unit, s.document)]
    if outside:
        raise ValidationError({"sources": _("Chỉ sao chép được chỉ tiêu của cấp trên (%(n)s).")
                               % {"n": ", ".join(outside)}})
    already = set(document.targets.filter(copied_from__in=[s.pk for s in unique])
                  .values_list("copied_from_id", flat=True))
    todo = [s for s in unique if s.pk not in already]
    taken = set(document.targets.values_list("number", flat=True))
    clashes = [s.number for s in todo if s.number in taken]
    if clashes:
        raise ValidationError({"sources": _("Văn bản đã có chỉ tiêu số %(n)s.") % {"n": ", ".join(clashes)}})
    years = set(document.term.years) if document.term else set()
    copies = []
    for source in todo:
        values = {name: getattr(source, name) for name in TARGET_FIELDS}
        if values["baseline_year"] is not None and document.term is not None \
                and values["baseline_year"] > document.term.start_year:
            values["baseline_year"] = values["baseline_value"] = None
        milestones = {m.year: m.value for m in source.milestones.all() if m.year in years}
        try:
            copy = target_create(actor=actor, document=document, milestones=milestones, copied_from=source,
                                 **values)
        except ValidationError as exc:
            reasons = "; ".join(m for messages in exc.message_dict.values() for m in messages)
            raise ValidationError({"sources": _("Không sao chép được chỉ tiêu %(n)s: %(r)s")
                                   % {"n": source.number, "r": reasons}}) from None
        alignment_create(actor=actor, source=copy, destination=source)
        copies.append(copy)
    return copies


# ------------------------------------------------------------------ attachments

ATTACHMENT_FIELDS = ["document", "name", "title", "size"]


@transaction.atomic
def attachment_add(*, actor, document: Document, file, title: str = "") -> Attachment:
    """Attach a file to a document (the shared checks of ``core.files``: allowed types, content, size)."""
    _require(actor, document.unit)
    _active(document.unit)
    errors: dict[str, str] = {}
    title = _text({"title": title}, Attachment, "title", errors)
    if file is None:
        errors["file"] = _("Chọn tệp để đính kèm.")
    else:
        problem = upload_problem(file)
        if problem:
            errors["file"] = problem
    if errors:
        raise ValidationError(errors)
    attachment = Attachment.objects.create(
        document=document, file=file, name=display_name(file), title=title, size=file.size,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_create(actor=actor, obj=attachment, fields=ATTACHMENT_FIELDS, unit=document.unit)
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    """Remove an attachment and its stored file (the file goes once the transaction has committed)."""
    attachment = Attachment.objects.select_related("document__unit").get(pk=attachment.pk)
    unit = attachment.document.unit
    _require(actor, unit)
    audit_delete(actor=actor, obj=attachment, fields=ATTACHMENT_FIELDS, unit=unit)
    stored = attachment.file
    storage, stored_name = stored.storage, stored.name
    attachment.delete()
    if stored_name:
        transaction.on_commit(lambda: storage.delete(stored_name))


# ------------------------------------------------------------------ target adjustments (điều chỉnh chỉ tiêu)

ADJUSTMENT_FIELDS = ["target", "unit", "field", "year", "old_value", "new_value", "reason", "proposed_on", "status"]
DECISION_FIELDS = ["status", "decision_number", "decision_date", "effective_from", "decision_note"]


def _vn_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _value_in_force(target: Target, field: str, year: int | None) -> Decimal | None:
    """The value a new proposal changes: the resolution's, or the latest approved adjustment's (``target_plan``
    with every approved adjustment)."""
    from nghiquyet.resolutions.selectors import target_plan

    plan = target_plan(target)
    if field == AdjustmentField.TERM_TARGET:
        return plan["term"].value
    return next((line.value for line in plan["milestones"] if line.year == year), None)


def _check_adjusted_value(target: Target, value: Decimal | None, errors: dict) -> None:
    if value is None or "new_value" in errors:
        return
    if target.criteria_total is not None and (value < 0 or value > target.criteria_total
                                              or value != value.to_integral_value()):
        errors["new_value"] = _("Số tiêu chí đạt là số nguyên từ 0 đến %(n)d.") % {"n": target.criteria_total}


@transaction.atomic
def adjustment_propose(*, actor, target: Target, unit: Unit, field: str, new_value, reason: str,
                       year: int | None = None, proposed_on: dt.date | None = None,
                       today: dt.date | None = None) -> TargetAdjustment:
    """Propose to change ``target``'s end-of-term value (``field="term_target"``) or one year's milestone
    (``field="milestone"``, ``year``) to ``new_value``, for ``unit``, which must be the unit that owns the target;
    the proposer needs ``Perm.PLAN_CHANGE`` there. One pending proposal per target and field (and year).
    ``proposed_on`` (the date of the proposal, default and at most ``today``); ``today`` is the day of recording
    (default the real one; the demo, set on ``DEMO_TODAY``, passes it)."""
    _require(actor, unit)
    target = Target.objects.select_for_update(of=("self",)).select_related("unit", "document__term").get(pk=target.pk)
    if target.unit_id != unit.pk:
        raise ValidationError({"unit": _(
            "Chỉ tiêu “%(target)s” là chỉ tiêu của %(owner)s (%(symbol)s), không phải của %(unit)s: chỉ %(owner)s "
            "đề xuất điều chỉnh được. Hãy đề xuất điều chỉnh chỉ tiêu của đơn vị mình (chỉ tiêu cụ thể hóa) hoặc "
            "kiến nghị %(owner)s.") % {"target": str(target), "owner": target.unit.name,
                                       "symbol": target.document.symbol, "unit": unit.name}})
    _active(unit)
    errors: dict[str, str] = {}
    today = today or timezone.localdate()
    term = target.document.term
    if field not in AdjustmentField.values:
        errors["field"] = _("Chọn nội dung điều chỉnh: mục tiêu cuối nhiệm kỳ hoặc mốc của một năm.")
    elif field == AdjustmentField.MILESTONE:
        year = _year(year, "year", errors)
        if year is None and "year" not in errors:
            errors["year"] = _("Chọn năm của mốc cần điều chỉnh.")
        elif year is not None and not target.milestones.filter(year=year).exists():
            errors["year"] = _("Chỉ tiêu không có mốc năm %(y)d.") % {"y": year}
        elif year is not None and term is not None and year == term.end_year:
            errors["year"] = _("Mốc năm cuối nhiệm kỳ (%(y)d) là mục tiêu cuối nhiệm kỳ: hãy đề xuất điều chỉnh "
                               "mục tiêu cuối nhiệm kỳ.") % {"y": year}
    else:
        year = None
    value = _amount(new_value, "new_value", errors)
    if value is None and "new_value" not in errors:
        errors["new_value"] = _("Nhập giá trị đề xuất.")
    _check_adjusted_value(target, value, errors)
    reason = _text({"reason": reason}, TargetAdjustment, "reason", errors,
                   required=_("Nêu lý do điều chỉnh (nguyên nhân khách quan, chủ quan)."))
    proposed_on = _date(proposed_on, "proposed_on", errors) if proposed_on is not None else today
    if proposed_on is not None and "proposed_on" not in errors:
        if proposed_on > today:
            errors["proposed_on"] = _("Ngày đề xuất không được sau hôm nay.")
        elif proposed_on < target.document.issued_on:
            errors["proposed_on"] = _("Ngày đề xuất không được trước ngày ban hành nghị quyết (%(d)s).") % {
                "d": _vn_date(target.document.issued_on)}
        elif year is not None and year < proposed_on.year:
            errors["year"] = _("Năm %(y)d đã qua: không điều chỉnh mốc của năm đã kết thúc.") % {"y": year}
        elif term is not None and proposed_on.year > term.end_year:
            errors["proposed_on"] = _("Nhiệm kỳ %(term)s đã kết thúc.") % {"term": term.label}
    if errors:
        raise ValidationError(errors)
    old_value = _value_in_force(target, field, year)
    if old_value is None:
        raise ValidationError({"field": _("Chỉ tiêu chưa có giá trị này để điều chỉnh.")})
    if value == old_value:
        raise ValidationError({"new_value": _("Giá trị đề xuất trùng giá trị đang áp dụng (%(v)s).") % {
            "v": format_vn_decimal(old_value)}})
    waiting = TargetAdjustment.objects.filter(target=target, field=field, year=year,
                                              status=AdjustmentStatus.PENDING).first()
    if waiting is not None:
        raise ValidationError({"year" if year is not None else "field": _(
            "Đã có đề xuất điều chỉnh %(what)s của chỉ tiêu này đang chờ quyết định (đề xuất ngày %(d)s): chờ cấp "
            "ủy quyết định hoặc rút đề xuất đó trước.") % {"what": waiting.what, "d": _vn_date(waiting.proposed_on)}})
    adjustment = TargetAdjustment(target=target, unit=unit, field=field, year=year, old_value=old_value,
                                  new_value=value, reason=reason, proposed_on=proposed_on,
                                  proposed_by=actor if getattr(actor, "is_authenticated", False) else None)
    try:
        with transaction.atomic():
            adjustment.save()
    except IntegrityError:
        raise ValidationError({"field": _("Đã có đề xuất điều chỉnh nội dung này đang chờ quyết định.")}) from None
    audit_create(actor=actor, obj=adjustment, fields=ADJUSTMENT_FIELDS, unit=unit)
    return adjustment


def _pending_for_decision(actor, adjustment: TargetAdjustment) -> TargetAdjustment:
    adjustment = TargetAdjustment.objects.select_for_update(of=("self",)).select_related(
        "target__unit", "target__document__term", "unit").get(pk=adjustment.pk)
    owner = adjustment.target.unit
    if actor is not None and not can(actor, Perm.ADJUSTMENT_DECIDE, owner):
        raise PermissionDenied(_("Chỉ cấp ủy của %(owner)s (chủ chỉ tiêu) quyết định điều chỉnh chỉ tiêu này.") % {
            "owner": owner.name})
    if not adjustment.is_pending:
        raise ValidationError({"status": _("Đề xuất này không còn chờ quyết định (%(state)s), không quyết định lại "
                                           "được.") % {"state": adjustment.get_status_display().lower()}})
    return adjustment


def _check_decision(adjustment: TargetAdjustment, decision_number, decision_date, errors: dict,
                    today: dt.date | None) -> tuple[str, str, dt.date | None]:
    number, type_code = "", ""
    try:
        symbol = symbol_clean(decision_number or "", field="decision_number")
        number, type_code = str(symbol), symbol.type_code
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    day = _date(decision_date, "decision_date", errors, required=_("Nhập ngày của quyết định."))
    if day is not None:
        if day < adjustment.proposed_on:
            errors["decision_date"] = _("Ngày quyết định (%(d)s) không được trước ngày đề xuất (%(p)s).") % {
                "d": _vn_date(day), "p": _vn_date(adjustment.proposed_on)}
        elif day > (today or timezone.localdate()):
            errors["decision_date"] = _("Ngày quyết định không được sau hôm nay.")
    return number, type_code, day


def _decide(actor, adjustment: TargetAdjustment, changes: dict) -> TargetAdjustment:
    before = snapshot(adjustment, DECISION_FIELDS)
    for name, value in changes.items():
        setattr(adjustment, name, value)
    adjustment.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    adjustment.decided_at = timezone.now()
    adjustment.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=adjustment, unit=adjustment.unit,
                 changes=diff(before, snapshot(adjustment, DECISION_FIELDS)))
    # The target's own trail says its plan changed (the target page's history).
    if adjustment.status == AdjustmentStatus.APPROVED:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=adjustment.target, unit=adjustment.target.unit,
                     changes={adjustment.what: [str(adjustment.old_value), str(adjustment.new_value)]},
                     note=_("%(label)s, áp dụng từ %(d)s") % {
                         "label": _adjustment_label(adjustment), "d": _vn_date(adjustment.effective_from)})
    return adjustment


def _adjustment_label(adjustment: TargetAdjustment) -> str:
    from nghiquyet.resolutions.selectors import adjustment_label

    return adjustment_label(adjustment.decision_type, adjustment.decision_number, adjustment.decision_date)


@transaction.atomic
def adjustment_approve(*, actor, adjustment: TargetAdjustment, decision_number: str, decision_date: dt.date,
                       effective_from: dt.date, note: str = "", today: dt.date | None = None) -> TargetAdjustment:
    """Approve a pending proposal by a decision (number "215-QĐ/TU", date: not before the proposal, not in the
    future) of the committee that owns the target (``Perm.ADJUSTMENT_DECIDE``); the new value applies to periods
    ending on or after ``effective_from``. ``today``: as in ``adjustment_propose``."""
    adjustment = _pending_for_decision(actor, adjustment)
    errors: dict[str, str] = {}
    number, type_code, day = _check_decision(adjustment, decision_number, decision_date, errors, today)
    effective = _date(effective_from, "effective_from", errors, required=_("Nhập ngày áp dụng điều chỉnh."))
    term = adjustment.target.document.term
    if effective is not None:
        last_year = adjustment.year if adjustment.year is not None else (term.end_year if term else None)
        if last_year is not None and effective > dt.date(last_year, 12, 31):
            errors["effective_from"] = _("Ngày áp dụng phải trong hoặc trước năm %(y)d (%(what)s).") % {
                "y": last_year, "what": adjustment.what}
        elif term is not None and effective < dt.date(term.start_year, 1, 1):
            errors["effective_from"] = _("Ngày áp dụng phải trong nhiệm kỳ %(term)s.") % {"term": term.label}
    note = _text({"decision_note": note}, TargetAdjustment, "decision_note", errors)
    if errors:
        raise ValidationError(errors)
    return _decide(actor, adjustment, {"status": AdjustmentStatus.APPROVED, "decision_number": number,
                                       "decision_type": type_code, "decision_date": day,
                                       "effective_from": effective, "decision_note": note})


@transaction.atomic
def adjustment_reject(*, actor, adjustment: TargetAdjustment, decision_number: str, decision_date: dt.date,
                      note: str, today: dt.date | None = None) -> TargetAdjustment:
    """Reject a pending proposal by a decision (or a notice) of the owner committee, saying why."""
    adjustment = _pending_for_decision(actor, adjustment)
    errors: dict[str, str] = {}
    number, type_code, day = _check_decision(adjustment, decision_number, decision_date, errors, today)
    note = _text({"decision_note": note}, TargetAdjustment, "decision_note", errors,
                 required=_("Nêu lý do không phê duyệt."))
    if errors:
        raise ValidationError(errors)
    return _decide(actor, adjustment, {"status": AdjustmentStatus.REJECTED, "decision_number": number,
                                       "decision_type": type_code, "decision_date": day, "decision_note": note})


@transaction.atomic
def adjustment_withdraw(*, actor, adjustment: TargetAdjustment) -> TargetAdjustment:
    """The proposing unit takes back a proposal still waiting for a decision."""
    adjustment = TargetAdjustment.objects.select_for_update(of=("self",)).select_related("unit", "target").get(
        pk=adjustment.pk)
    _require(actor, adjustment.unit)
    if not adjustment.is_pending:
        raise ValidationError({"status": _("Chỉ rút được đề xuất đang chờ quyết định.")})
    before = snapshot(adjustment, DECISION_FIELDS)
    adjustment.status = AdjustmentStatus.WITHDRAWN
    adjustment.save(update_fields=["status"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=adjustment, unit=adjustment.unit,
                 changes=diff(before, snapshot(adjustment, DECISION_FIELDS)))
    return adjustment
