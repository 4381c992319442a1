"""Reads of resolutions, targets and alignment; what a level issues is readable by its subtree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from nghiquyet.accounts.scope import issued_above_filter, units_visible
from nghiquyet.core.fields import path_ids
from nghiquyet.core.ids import get_or_404
from nghiquyet.core.text import search_terms
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.resolutions.models import Alignment, Attachment, Document, Milestone, ResolutionItem, Target, Term


def terms_visible(user, *, unit: Unit | None = None) -> QuerySet[Term]:
    terms = issued_above_filter(Term.objects.all(), user).select_related("unit", "congress")
    return terms.filter(unit=unit) if unit is not None else terms


def documents_visible(user, *, unit: Unit | None = None, query: str = "", type_code: str = "") -> QuerySet[Document]:
    documents = issued_above_filter(Document.objects.all(), user).select_related("unit", "term")
    if unit is not None:
        documents = documents.filter(unit=unit)
    if type_code:
        documents = documents.filter(type_code=type_code)
    for term in search_terms(query):
        documents = documents.filter(search_text__contains=term)
    return documents


def document_get(user, pk) -> Document:
    return get_or_404(documents_visible(user).prefetch_related("implements__unit"), pk, _("Không tìm thấy văn bản."))


def items_visible(user) -> QuerySet[ResolutionItem]:
    return issued_above_filter(ResolutionItem.objects.all(), user, unit_field="document__unit")


def targets_visible(user, *, document: Document | None = None, unit: Unit | None = None,
                    query: str = "", domain: str = "") -> QuerySet[Target]:
    targets = issued_above_filter(Target.objects.all(), user).select_related("unit", "document__term")
    if document is not None:
        targets = targets.filter(document=document)
    if unit is not None:
        targets = targets.filter(unit=unit)
    if domain:
        targets = targets.filter(domain=domain)
    for term in search_terms(query):
        targets = targets.filter(search_text__contains=term)
    return targets.prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("year")))


def target_get(user, pk) -> Target:
    return get_or_404(targets_visible(user), pk, _("Không tìm thấy chỉ tiêu."))


def readable_links_up(user, links: QuerySet[Alignment]) -> list[Alignment]:
    """Of these links up (in id order), those whose target or item the user may read: two queries at most."""
    links = list(links.select_related("to_target__unit", "to_item__document__unit").order_by("id"))
    target_ids = [a.to_target_id for a in links if a.to_target_id]
    item_ids = [a.to_item_id for a in links if a.to_item_id]
    readable_targets = set(targets_visible(user).prefetch_related(None).filter(pk__in=target_ids)
                           .values_list("pk", flat=True)) if target_ids else set()
    readable_items = set(items_visible(user).filter(pk__in=item_ids)
                         .values_list("pk", flat=True)) if item_ids else set()
    return [a for a in links if (a.to_target_id and a.to_target_id in readable_targets)
            or (a.to_item_id and a.to_item_id in readable_items)]


def target_links(user, target: Target) -> dict[str, list]:
    """Links up (to superiors' targets/items the user can read) and down (from units the user can see)."""
    up = readable_links_up(user, Alignment.objects.filter(from_target=target))
    visible = units_visible(user)
    down = (Alignment.objects.filter(to_target=target, from_unit__in=visible)
            .select_related("from_unit", "from_target", "from_item", "from_task"))
    return {"up": up, "down": list(down)}


@dataclass
class CoverageRow:
    target: Target
    covered: list[Unit] = field(default_factory=list)
    uncovered: list[Unit] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        total = len(self.covered) + len(self.uncovered)
        return len(self.covered) / total if total else 1.0


def coverage_subordinates(user, unit: Unit) -> list[Unit]:
    """The party organizations directly under ``unit`` that must make its targets concrete."""
    party = UnitKind.party_kinds() - {UnitKind.CENTRAL}
    return list(units_visible(user).filter(parent=unit, valid_to__isnull=True, kind__in=party).order_by("name"))


def coverage(user, unit: Unit, *, document: Document | None = None) -> tuple[list[Unit], list[CoverageRow]]:
    """For each target of ``unit``: which direct subordinates have a linked target or task anywhere
    in their subtree (covered) and which have none ("chưa cụ thể hóa"). Three queries."""
    subordinates = coverage_subordinates(user, unit)
    targets = list(targets_visible(user, unit=unit, document=document).order_by("document_id", "id"))
    by_id = {u.pk: u for u in subordinates}
    depth = len(path_ids(unit.path))
    covered: dict[int, set[int]] = {t.pk: set() for t in targets}
    links = Alignment.objects.filter(to_target__in=[t.pk for t in targets], from_unit__path__under=unit.path)
    for target_id, from_path in links.values_list("to_target_id", "from_unit__path"):
        ids = path_ids(from_path)
        if len(ids) > depth and ids[depth] in by_id:
            covered[target_id].add(ids[depth])
    rows = [
        CoverageRow(target=t, covered=[u for u in subordinates if u.pk in covered[t.pk]],
                    uncovered=[u for u in subordinates if u.pk not in covered[t.pk]])
        for t in targets
    ]
    return subordinates, rows


# ------------------------------------------------------------------ for the pages

def can_plan_somewhere(user) -> bool:
    """Does the user hold ``Perm.PLAN_CHANGE`` at any unit (so may register documents)?"""
    from nghiquyet.accounts.roles import Perm
    from nghiquyet.accounts.scope import scope_of

    scope = scope_of(user)
    return scope.is_superuser or bool(scope.paths(Perm.PLAN_CHANGE))


def is_issued_above(user, unit: Unit) -> bool:
    """True for what an ancestor of the user's units issued: readable, never editable here."""
    from nghiquyet.accounts.scope import scope_of

    scope = scope_of(user)
    if scope.covers(unit.path):
        return False
    return any(g.path.startswith(unit.path) for g in scope.grants) or unit.kind == UnitKind.CENTRAL


def documents_list(user, *, query: str = "", type_code: str = "", term_start: int | None = None,
                   issuer: Unit | None = None, base: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """The document list page: visible documents filtered by search, type, term (start year) and issuer.

    ``base`` (from ``documents_visible(user)``) lets the page share one scope computation with the filters.
    """
    documents = base if base is not None else documents_visible(user)
    if issuer is not None:
        documents = documents.filter(unit=issuer)
    if type_code:
        documents = documents.filter(type_code=type_code)
    if term_start:
        documents = documents.filter(term__start_year=term_start)
    for term in search_terms(query):
        documents = documents.filter(search_text__contains=term)
    return documents


def document_filter_choices(user, *, base: QuerySet[Document] | None = None) -> dict[str, list]:
    """Values for the list filters: issuers and term start years among the visible documents (two queries)."""
    visible = (base if base is not None else documents_visible(user)).order_by()
    issuer_ids = visible.values_list("unit_id", flat=True).distinct()
    issuers = list(Unit.objects.filter(pk__in=issuer_ids).order_by("path").only("id", "name", "path"))
    years = sorted(set(visible.filter(term__isnull=False).values_list("term__start_year", flat=True)),
                   reverse=True)
    return {"issuers": issuers, "term_years": years}


def plan_units_changeable(user, *, under: Unit | None = None) -> QuerySet[Unit]:
    """Active party organizations where the user may change plans (optionally inside ``under``'s subtree)."""
    from nghiquyet.accounts.roles import Perm
    from nghiquyet.accounts.scope import units_changeable

    units = units_changeable(user, Perm.PLAN_CHANGE).filter(valid_to__isnull=True,
                                                            kind__in=UnitKind.party_kinds())
    if under is not None:
        units = units.filter(path__under=under.path)
    return units.order_by("path")


def terms_changeable(user) -> QuerySet[Term]:
    return Term.objects.filter(unit__in=plan_units_changeable(user)).select_related("unit").order_by(
        "unit__path", "-start_year")


def documents_above(user, unit: Unit) -> QuerySet[Document]:
    """Documents issued by ``unit``'s ancestors or the Central Committee (what a new document of ``unit``
    may implement)."""
    from django.db.models import Q

    return documents_visible(user).filter(Q(unit_id__in=unit.ancestor_ids) | Q(unit__kind=UnitKind.CENTRAL)) \
        .exclude(unit=unit)


def plan_units_for_document(user, document: Document, *, include_own: bool = True) -> QuerySet[Unit]:
    """Active party organizations where the user may change plans and that must implement ``document``:
    its own unit (unless ``include_own`` is false) and every unit for which it is "from above" in the sense
    of ``resolutions.services.is_from_above`` — units below its issuer, any unit for a Central Committee
    document, units whose line adopted it as a thematic resolution (``Document.implements``).
    Never an ancestor of the issuer. Lazy: one query when evaluated."""
    from django.db.models import CharField, Exists, ExpressionWrapper, OuterRef, Q, Value
    from django.db.models.functions import Cast, Concat
    from django.db.models.lookups import Contains

    issuer = document.unit
    if issuer.kind == UnitKind.CENTRAL:
        reach = Q(pk__isnull=False)
    else:
        # Below a unit that declared it implements the document: the adopter's id is on the unit's path.
        marker = Concat(Value("/"), Cast("from_document__unit_id", CharField()), Value("/"))
        outer_path = ExpressionWrapper(OuterRef("path"), output_field=CharField())
        adopted = Document.implements.through.objects.filter(Contains(outer_path, marker), to_document=document)
        reach = Q(path__under=issuer.path) | Q(Exists(adopted))
    units = plan_units_changeable(user).filter(reach).exclude(pk__in=issuer.ancestor_ids)
    return units if include_own else units.exclude(pk=issuer.pk)


def copy_down_destinations(user, document: Document) -> QuerySet[Document]:
    """Documents of the units that must implement ``document`` (see ``plan_units_for_document``) where the
    user may change plans; never the document's own unit."""
    units = plan_units_for_document(user, document, include_own=False)
    return documents_visible(user).filter(unit__in=units)


def document_items(user, document: Document) -> QuerySet[ResolutionItem]:
    return items_visible(user).filter(document=document).order_by("kind", "id")


def documents_implementing(user, document: Document) -> QuerySet[Document]:
    """Visible documents (of subordinates, usually) that implement ``document``."""
    return documents_visible(user).filter(implements=document)


def alignment_destinations(user, unit: Unit) -> dict[str, QuerySet]:
    """Targets and items ``unit``'s objects may link up to: its ancestors', the Central Committee's and those
    of thematic resolutions its line has adopted (declared in ``Document.implements``)."""
    from django.db.models import Q

    chain = [unit.pk, *unit.ancestor_ids]
    adopted = Document.implements.through.objects.filter(from_document__unit_id__in=chain) \
        .values("to_document_id")
    above = Q(unit_id__in=unit.ancestor_ids) | Q(unit__kind=UnitKind.CENTRAL) | Q(document_id__in=adopted)
    item_above = (Q(document__unit_id__in=unit.ancestor_ids) | Q(document__unit__kind=UnitKind.CENTRAL)
                  | Q(document_id__in=adopted))
    return {
        "targets": targets_visible(user).filter(above).exclude(unit=unit)
        .order_by("unit__path", "document_id", "id"),
        "items": items_visible(user).filter(item_above).exclude(document__unit=unit)
        .select_related("document__unit").order_by("document__unit__path", "document_id", "kind", "id"),
    }


def target_history(user, target: Target):
    """Audit events of the target, if the user may read the audit trail of its unit."""
    from django.contrib.contenttypes.models import ContentType

    from nghiquyet.audit.selectors import audit_events_visible

    return audit_events_visible(user).filter(content_type=ContentType.objects.get_for_model(Target),
                                             object_id=str(target.pk))


def alignment_get(user, pk) -> Alignment:
    """A link whose source belongs to a unit in the user's scope (links are the linking unit's own data)."""
    from nghiquyet.accounts.scope import scope_filter

    links = scope_filter(Alignment.objects.select_related("from_unit"), user, unit_field="from_unit")
    return get_or_404(links, pk, _("Không tìm thấy liên kết."))


# ------------------------------------------------------------------ terms page, attachments

def terms_of_unit(user, unit: Unit) -> QuerySet[Term]:
    """The terms of ``unit`` (newest first) with their congress, as far as the user may read them."""
    return terms_visible(user, unit=unit).order_by("-start_year")


def term_get(user, pk) -> Term:
    return get_or_404(terms_visible(user), pk, _("Không tìm thấy nhiệm kỳ."))


def attachments_of(user, document: Document) -> QuerySet[Attachment]:
    return issued_above_filter(Attachment.objects.filter(document=document), user, unit_field="document__unit") \
        .order_by("uploaded_at", "id")


def attachment_get(user, pk) -> Attachment:
    """An attachment of a document the user may read (``Http404`` otherwise)."""
    attachments = issued_above_filter(Attachment.objects.all(), user, unit_field="document__unit")
    return get_or_404(attachments.select_related("document__unit"), pk, _("Không tìm thấy tệp đính kèm."))


# ------------------------------------------------------------------ target adjustments (điều chỉnh chỉ tiêu)

@dataclass(frozen=True)
class AppliedAdjustment:
    """An approved adjustment as plans read it (``approved_adjustments``)."""

    id: int
    target_id: int
    field: str
    year: int | None
    value: Decimal
    decision_number: str
    decision_type: str
    decision_date: dt.date
    effective_from: dt.date

    @property
    def key(self) -> tuple[str, int | None]:
        return self.field, self.year

    @property
    def label(self) -> str:
        """"điều chỉnh theo Quyết định số 215-QĐ/TU ngày 30/06/2026"."""
        return adjustment_label(self.decision_type, self.decision_number, self.decision_date)


def adjustment_label(decision_type: str, decision_number: str, decision_date: dt.date | None) -> str:
    from nghiquyet.resolutions.symbols import document_types

    kind = str(document_types().get(decision_type, _("Quyết định")))
    return _("điều chỉnh theo %(kind)s số %(number)s ngày %(date)s") % {
        "kind": kind, "number": decision_number, "date": decision_date.strftime("%d/%m/%Y") if decision_date else ""}


_APPLIED_FIELDS = ("id", "target_id", "field", "year", "new_value", "decision_number", "decision_type",
                   "decision_date", "effective_from")


def approved_adjustments(target_ids: Iterable[int], *, on: dt.date | None = None) -> dict[int, list[AppliedAdjustment]]:
    """{target id: its approved adjustments effective on or before ``on`` (all when ``None``)}, one query. For the
    plan engine (``reporting.evaluation``) and the services: the targets were already read through a scoped
    selector."""
    from nghiquyet.resolutions.models import AdjustmentStatus, TargetAdjustment

    rows = TargetAdjustment.objects.filter(target_id__in=list(target_ids), status=AdjustmentStatus.APPROVED)
    if on is not None:
        rows = rows.filter(effective_from__lte=on)
    out: dict[int, list[AppliedAdjustment]] = {}
    for values in rows.order_by("effective_from", "decision_date", "id").values_list(*_APPLIED_FIELDS):
        applied = AppliedAdjustment(*values)
        out.setdefault(applied.target_id, []).append(applied)
    return out


def adjustments_in_force(adjustments: Iterable[AppliedAdjustment],
                         on: dt.date | None) -> dict[tuple[str, int | None], AppliedAdjustment]:
    """THE rule of when an adjustment counts: of the approved adjustments of one target, those whose effective
    date is on or before ``on`` (the end of the evaluated period; ``None``: every one, "as decided so far"); per
    field and year the one effective last wins (then the later decision, then the later record)."""
    in_force: dict[tuple[str, int | None], AppliedAdjustment] = {}
    for a in sorted(adjustments, key=lambda a: (a.effective_from, a.decision_date, a.id)):
        if on is None or a.effective_from <= on:
            in_force[a.key] = a
    return in_force


def apply_adjustments(milestones: dict[int, Decimal], term_target: Decimal | None,
                      in_force: dict[tuple[str, int | None], AppliedAdjustment]
                      ) -> tuple[dict[int, Decimal], Decimal | None]:
    """The milestones and term target with the adjustments in force applied (the inputs are left untouched). A
    new term target also moves the last year's milestone when that one equals the original term target (the
    resolution rules make the term's last milestone the term target)."""
    from nghiquyet.resolutions.models import AdjustmentField

    if not in_force:
        return milestones, term_target
    adjusted = dict(milestones)
    term = in_force.get((AdjustmentField.TERM_TARGET, None))
    if term is not None:
        last = max(milestones) if milestones else None
        if last is not None and term_target is not None and milestones[last] == term_target:
            adjusted[last] = term.value
        term_target = term.value
    for (field_name, year), a in in_force.items():
        if field_name == AdjustmentField.MILESTONE and year in milestones:
            adjusted[year] = a.value
    return adjusted, term_target


@dataclass(frozen=True)
class PlanLine:
    """One line of a target's plan on the target page: original value, value in force, and the decision."""

    field: str
    year: int | None
    original: Decimal | None
    value: Decimal | None
    adjustment: AppliedAdjustment | None

    @property
    def adjusted(self) -> bool:
        return self.adjustment is not None and self.value != self.original


def target_plan(target: Target, *, on: dt.date | None = None,
                approved: list[AppliedAdjustment] | None = None) -> dict:
    """The target's term target and milestones as the resolution set them and as in force on ``on`` (default:
    every approved adjustment, effective or not yet): {"term": PlanLine, "milestones": [PlanLine]}. One query
    (none when ``approved`` is given; the milestones are read from ``target.milestones``, usually prefetched)."""
    from nghiquyet.resolutions.models import AdjustmentField

    if approved is None:
        approved = approved_adjustments([target.pk]).get(target.pk, [])
    original = {m.year: m.value for m in target.milestones.all()}
    in_force = adjustments_in_force(approved, on)
    milestones, term_target = apply_adjustments(original, target.target_value, in_force)
    term_change = in_force.get((AdjustmentField.TERM_TARGET, None))
    lines = []
    for year in sorted(original):
        change = in_force.get((AdjustmentField.MILESTONE, year))
        if change is None and milestones[year] != original[year]:
            change = term_change
        lines.append(PlanLine(AdjustmentField.MILESTONE, year, original[year], milestones[year], change))
    return {"term": PlanLine(AdjustmentField.TERM_TARGET, None, target.target_value, term_target, term_change),
            "milestones": lines}


def adjustments_visible(user, *, target: Target | None = None, unit: Unit | None = None,
                        status: str = "") -> QuerySet:
    """Adjustments of units in the user's scope (every state), and the approved ones of what the levels above
    issued (they change what the subtree must reach); pending proposals of other units stay with them."""
    from django.db.models import Q

    from nghiquyet.accounts.scope import unit_read_q, unit_scope_q
    from nghiquyet.resolutions.models import AdjustmentStatus, TargetAdjustment

    rows = TargetAdjustment.objects.filter(
        unit_scope_q(user, prefix="unit__") | (unit_read_q(user, prefix="unit__")
                                                & Q(status=AdjustmentStatus.APPROVED)))
    if target is not None:
        rows = rows.filter(target=target)
    if unit is not None:
        rows = rows.filter(unit=unit)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("target__document", "unit", "proposed_by", "decided_by")


def adjustment_get(user, pk):
    return get_or_404(adjustments_visible(user), pk, _("Không tìm thấy đề xuất điều chỉnh chỉ tiêu."))


def adjustments_to_decide(user) -> QuerySet:
    """Pending proposals the user may decide (``Perm.ADJUSTMENT_DECIDE`` reaching the target's unit), oldest
    first."""
    from nghiquyet.accounts.roles import Perm
    from nghiquyet.accounts.scope import scope_filter
    from nghiquyet.resolutions.models import AdjustmentStatus, TargetAdjustment

    rows = TargetAdjustment.objects.filter(status=AdjustmentStatus.PENDING, target__unit__valid_to__isnull=True)
    return scope_filter(rows, user, unit_field="target__unit", perm=Perm.ADJUSTMENT_DECIDE).select_related(
        "target__document", "unit", "proposed_by").order_by("proposed_on", "id")


def adjustment_may_decide(user, adjustment) -> bool:
    from nghiquyet.accounts.roles import Perm
    from nghiquyet.accounts.scope import can

    return adjustment.is_pending and can(user, Perm.ADJUSTMENT_DECIDE, adjustment.target.unit)


def adjustment_may_withdraw(user, adjustment) -> bool:
    from nghiquyet.accounts.roles import Perm
    from nghiquyet.accounts.scope import can

    return adjustment.is_pending and can(user, Perm.PLAN_CHANGE, adjustment.unit)
