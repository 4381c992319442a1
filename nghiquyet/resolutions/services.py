"""Writes for terms, congresses, resolutions, items, targets, milestones and alignment.

Every function validates, saves inside one transaction and writes the audit trail; errors are
``ValidationError`` dicts with Vietnamese messages keyed by field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can
from nghiquyet.audit.models import AuditAction
from nghiquyet.audit.services import audit_create, audit_record, diff, snapshot
from nghiquyet.core.text import fold
from nghiquyet.org.models import Unit
from nghiquyet.resolutions.models import (
    Aggregation,
    Alignment,
    Congress,
    Direction,
    Document,
    ItemKind,
    Milestone,
    ResolutionItem,
    Target,
    Term,
)
from nghiquyet.resolutions.symbols import SymbolError, parse_symbol

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


# ------------------------------------------------------------------ terms and congresses

@transaction.atomic
def term_create(*, actor, unit: Unit, start_year: int, end_year: int) -> Term:
    _require(actor, unit)
    _active(unit)
    if not (1930 <= start_year <= 2200) or end_year <= start_year or end_year - start_year > 6:
        raise ValidationError({"end_year": _("Nhiệm kỳ phải có năm kết thúc sau năm bắt đầu, tối đa 6 năm.")})
    overlapping = Term.objects.filter(unit=unit, start_year__lt=end_year, end_year__gt=start_year)
    if overlapping.exists():
        raise ValidationError({"start_year": _("Nhiệm kỳ %(t)s trùng thời gian với nhiệm kỳ đã có.")
                               % {"t": f"{start_year}-{end_year}"}})
    term = Term.objects.create(unit=unit, start_year=start_year, end_year=end_year)
    audit_create(actor=actor, obj=term, fields=["unit", "start_year", "end_year"], unit=unit)
    return term


@transaction.atomic
def congress_create(*, actor, term: Term, ordinal: str, held_from: dt.date, held_to: dt.date) -> Congress:
    _require(actor, term.unit)
    ordinal = (ordinal or "").strip()
    errors = {}
    if not ordinal or len(ordinal) > 20:
        errors["ordinal"] = _("Nhập lần thứ của đại hội, ví dụ XXII hoặc 35.")
    if held_to < held_from:
        errors["held_to"] = _("Ngày kết thúc đại hội không được trước ngày khai mạc.")
    elif not (term.start_year - 1 <= held_from.year <= term.start_year):
        errors["held_from"] = _("Đại hội phải họp vào đầu nhiệm kỳ %(t)s.") % {"t": term.label}
    if Congress.objects.filter(term=term).exists():
        errors["term"] = _("Nhiệm kỳ này đã có đại hội.")
    if errors:
        raise ValidationError(errors)
    congress = Congress.objects.create(term=term, ordinal=ordinal, held_from=held_from, held_to=held_to)
    audit_create(actor=actor, obj=congress, fields=["term", "ordinal", "held_from", "held_to"], unit=term.unit)
    return congress


# ------------------------------------------------------------------ documents and items

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
    errors: dict[str, str] = {}
    try:
        parsed = parse_symbol(symbol)
    except SymbolError as exc:
        raise ValidationError({"symbol": str(exc)}) from None
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Nhập trích yếu (tên) văn bản.")
    if term is not None and term.unit_id != unit.pk:
        errors["term"] = _("Nhiệm kỳ không thuộc đơn vị ban hành.")
    if is_congress_resolution and term is None:
        errors["term"] = _("Nghị quyết đại hội phải gắn với một nhiệm kỳ.")
    ancestor_ids = set(unit.ancestor_ids)
    for above in implements:
        if above.unit_id not in ancestor_ids:
            errors["implements"] = _("“%(doc)s” không phải văn bản của cấp trên.") % {"doc": above.symbol}
    if errors:
        raise ValidationError(errors)
    document = Document(
        unit=unit, term=term, number=parsed.number, type_code=parsed.type_code, issuer_code=parsed.issuer_code,
        symbol=str(parsed), issued_on=issued_on, title=title, full_text=full_text or "",
        is_congress_resolution=is_congress_resolution,
    )
    document.search_text = fold(f"{document.symbol} {title}")[:700]
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        raise ValidationError({"symbol": _("Văn bản %(s)s ngày %(d)s đã có.")
                               % {"s": document.symbol, "d": issued_on.strftime("%d/%m/%Y")}}) from None
    document.implements.set(implements)
    audit_create(actor=actor, obj=document, fields=["unit", "symbol", "issued_on", "title", "term"], unit=unit)
    return document


@transaction.atomic
def item_create(
    *, actor, document: Document, kind: str, number: str, title: str, description: str = ""
) -> ResolutionItem:
    _require(actor, document.unit)
    if kind not in ItemKind.values:
        raise ValidationError({"kind": _("Loại nội dung không hợp lệ.")})
    if not (title or "").strip():
        raise ValidationError({"title": _("Nhập nội dung.")})
    item = ResolutionItem.objects.create(document=document, kind=kind, number=(number or "").strip()[:10],
                                         title=title.strip(), description=(description or "").strip())
    audit_create(actor=actor, obj=item, fields=["document", "kind", "number", "title"], unit=document.unit)
    return item


# ------------------------------------------------------------------ targets and milestones

def _check_target(values: dict, document: Document, milestones: dict[int, Decimal] | None) -> None:
    errors: dict[str, str] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = _("Nhập tên chỉ tiêu.")
    if not (values.get("measure") or "").strip():
        errors["measure"] = _("Nhập đơn vị tính (%, tỷ đồng, tiêu chí...).")
    if not (values.get("number") or "").strip():
        errors["number"] = _("Nhập số thứ tự chỉ tiêu.")
    target_value, baseline = values.get("target_value"), values.get("baseline_value")
    direction = values.get("direction")
    if target_value is None:
        errors["target_value"] = _("Nhập mục tiêu cuối nhiệm kỳ.")
    elif baseline is not None:
        if direction == Direction.HIGHER and target_value < baseline:
            errors["target_value"] = _("Chỉ tiêu “càng cao càng tốt” nhưng mục tiêu thấp hơn giá trị năm gốc.")
        if direction == Direction.LOWER and target_value > baseline:
            errors["target_value"] = _("Chỉ tiêu “càng thấp càng tốt” nhưng mục tiêu cao hơn giá trị năm gốc.")
    aggregation = values.get("aggregation")
    if aggregation == Aggregation.WEIGHTED_MEAN and not (values.get("weight_name") or "").strip():
        errors["weight_name"] = _("Bình quân gia quyền cần tên trọng số (ví dụ: dân số).")
    if aggregation == Aggregation.RATIO and not (
        (values.get("numerator_name") or "").strip() and (values.get("denominator_name") or "").strip()
    ):
        errors["numerator_name"] = _("Tỷ số của các tổng cần tên tử số và mẫu số.")
    if aggregation == Aggregation.COUNT_MEETING and values.get("threshold") is None:
        errors["threshold"] = _("Đếm số đơn vị đạt ngưỡng cần giá trị ngưỡng.")
    criteria_total = values.get("criteria_total")
    if criteria_total is not None and target_value is not None and target_value > criteria_total:
        errors["target_value"] = _("Số tiêu chí phấn đấu đạt không được vượt tổng số tiêu chí (%(n)d).") % {
            "n": criteria_total}
    term = document.term
    if milestones:
        if term is None:
            errors["milestones"] = _("Văn bản chưa gắn nhiệm kỳ nên không đặt được mốc theo năm.")
        else:
            outside = sorted(y for y in milestones if y not in term.years)
            if outside:
                errors["milestones"] = _("Mốc năm %(years)s nằm ngoài nhiệm kỳ %(term)s.") % {
                    "years": ", ".join(map(str, outside)), "term": term.label}
            elif direction in (Direction.HIGHER, Direction.LOWER):
                ordered = [milestones[y] for y in sorted(milestones)]
                sign = 1 if direction == Direction.HIGHER else -1
                if any(sign * (b - a) < 0 for a, b in zip(ordered, ordered[1:], strict=False)):
                    errors["milestones"] = _("Các mốc năm đi ngược chiều đánh giá của chỉ tiêu.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def target_create(
    *, actor, document: Document, milestones: dict[int, Decimal] | None = None, copied_from: Target | None = None,
    **values,
) -> Target:
    """Add a numbered target to ``document``; ``values`` are the Target fields of ``TARGET_FIELDS``."""
    _require(actor, document.unit)
    values.setdefault("direction", Direction.HIGHER)
    values.setdefault("aggregation", Aggregation.NONE)
    unknown = set(values) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"unknown target fields: {sorted(unknown)}")
    _check_target(values, document, milestones)
    if Target.objects.filter(document=document, number=values["number"].strip()).exists():
        raise ValidationError({"number": _("Số thứ tự %(n)s đã có trong văn bản này.") % {"n": values["number"]}})
    target = Target(document=document, unit=document.unit, copied_from=copied_from, **values)
    target.number, target.name = target.number.strip(), target.name.strip()
    target.search_text = fold(target.name)[:400]
    target.save()
    for year, value in sorted((milestones or {}).items()):
        Milestone.objects.create(target=target, year=year, value=value)
    audit_create(actor=actor, obj=target, fields=TARGET_FIELDS, unit=document.unit)
    return target


@transaction.atomic
def target_update(*, actor, target: Target, milestones: dict[int, Decimal] | None = None, **values) -> Target:
    target = Target.objects.select_for_update().get(pk=target.pk)
    _require(actor, target.unit)
    unknown = set(values) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"unknown target fields: {sorted(unknown)}")
    before = snapshot(target, TARGET_FIELDS)
    before_milestones = {m.year: str(m.value) for m in target.milestones.all()}
    merged = {**{name: getattr(target, name) for name in TARGET_FIELDS}, **values}
    new_milestones = milestones if milestones is not None else {m.year: m.value for m in target.milestones.all()}
    _check_target(merged, target.document, new_milestones)
    if "number" in values and Target.objects.filter(document=target.document, number=values["number"].strip()) \
            .exclude(pk=target.pk).exists():
        raise ValidationError({"number": _("Số thứ tự %(n)s đã có trong văn bản này.") % {"n": values["number"]}})
    for key, value in values.items():
        setattr(target, key, value.strip() if isinstance(value, str) else value)
    target.search_text = fold(target.name)[:400]
    target.save()
    if milestones is not None:
        target.milestones.exclude(year__in=list(milestones)).delete()
        for year, value in milestones.items():
            Milestone.objects.update_or_create(target=target, year=year, defaults={"value": value})
    changes = diff(before, snapshot(target, TARGET_FIELDS))
    after_milestones = {m.year: str(m.value) for m in target.milestones.all()}
    if after_milestones != before_milestones:
        changes["milestones"] = [before_milestones, after_milestones]
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=target, unit=target.unit, changes=changes)
    return target


# ------------------------------------------------------------------ alignment

@transaction.atomic
def alignment_create(*, actor, source, destination) -> Alignment:
    """Link a target, item or task (``source``) up to a superior's target or item (``destination``).

    The destination must belong to a strict ancestor of the source's unit: links never point
    down or across.
    """
    from nghiquyet.programs.models import Task

    source_unit = source.unit if not isinstance(source, ResolutionItem) else source.document.unit
    destination_unit = destination.unit if isinstance(destination, Target) else destination.document.unit
    _require(actor, source_unit)
    if destination_unit.pk not in source_unit.ancestor_ids:
        raise ValidationError({"destination": _(
            "Chỉ liên kết được với chỉ tiêu, nội dung của cấp trên trực tiếp hoặc các cấp trên nữa."
        )})
    kwargs = {"from_unit": source_unit, "created_by": actor if actor is not None else None}
    if isinstance(source, Target):
        kwargs["from_target"] = source
    elif isinstance(source, ResolutionItem):
        kwargs["from_item"] = source
    elif isinstance(source, Task):
        kwargs["from_task"] = source
    else:
        raise TypeError("source must be a Target, ResolutionItem or Task")
    if isinstance(destination, Target):
        kwargs["to_target"] = destination
    elif isinstance(destination, ResolutionItem):
        kwargs["to_item"] = destination
    else:
        raise TypeError("destination must be a Target or ResolutionItem")
    existing = Alignment.objects.filter(**{k: v for k, v in kwargs.items() if k.startswith(("from_t", "from_i",
                                                                                           "to_"))}).first()
    if existing:
        return existing
    link = Alignment.objects.create(**kwargs)
    audit_create(actor=actor, obj=link, fields=["from_target", "from_item", "from_task", "to_target", "to_item"],
                 unit=source_unit)
    return link


@transaction.atomic
def targets_copy_down(*, actor, document: Document, sources: list[Target]) -> list[Target]:
    """Start ``document``'s target list from a superior's targets, linking each copy up to its source.

    Milestones outside the new document's term are dropped; numbers that already exist are skipped
    with an error naming them.
    """
    _require(actor, document.unit)
    ancestor_ids = set(document.unit.ancestor_ids)
    errors = [s.number for s in sources if s.unit_id not in ancestor_ids]
    if errors:
        raise ValidationError({"sources": _("Chỉ sao chép được chỉ tiêu của cấp trên (%(n)s).")
                               % {"n": ", ".join(errors)}})
    taken = set(document.targets.values_list("number", flat=True))
    clashes = [s.number for s in sources if s.number in taken]
    if clashes:
        raise ValidationError({"sources": _("Văn bản đã có chỉ tiêu số %(n)s.") % {"n": ", ".join(clashes)}})
    years = set(document.term.years) if document.term else set()
    copies = []
    for source in sources:
        values = {name: getattr(source, name) for name in TARGET_FIELDS}
        milestones = {m.year: m.value for m in source.milestones.all() if m.year in years}
        copy = target_create(actor=actor, document=document, milestones=milestones, copied_from=source, **values)
        alignment_create(actor=actor, source=copy, destination=source)
        copies.append(copy)
    return copies
