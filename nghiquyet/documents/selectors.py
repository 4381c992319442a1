"""Reads of the document register, always scoped by ``accounts.scope``.

Who sees an issued document: anyone with a role at its unit or above (the unit's subtree rule, ``unit_scope_q``),
and, read only, the units below the issuer for what a level issues downward (the types in ``READ_BELOW_TYPES``,
through ``unit_read_q`` as resolutions do). A unit's reports (BC) and letters (CV) stay with it and the levels
above. Anything else is a 404. A render job is seen only by the user who asked for it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import unit_read_q, unit_scope_q
from nghiquyet.core.ids import get_or_404
from nghiquyet.core.text import search_terms
from nghiquyet.documents.models import IssuedDocument, NumberCounter, RenderJob
from nghiquyet.org.models import Unit, UnitKind


def read_below_types() -> list[str]:
    return list(settings.NGHIQUYET["DOCUMENTS"].get("READ_BELOW_TYPES", []))


def register_q(user) -> Q:
    return unit_scope_q(user, prefix="unit__") | (unit_read_q(user) & Q(type_code__in=read_below_types()))


def issued_visible(user, *, query: str = "", unit: Unit | None = None, type_code: str = "",
                   year: int | None = None) -> QuerySet[IssuedDocument]:
    documents = IssuedDocument.objects.filter(register_q(user)).select_related("unit")
    if unit is not None:
        documents = documents.filter(unit=unit)
    if type_code:
        documents = documents.filter(type_code=type_code)
    if year:
        documents = documents.filter(issued_on__year=year)
    for term in search_terms(query):
        documents = documents.filter(search_text__contains=term)
    return documents.order_by("-issued_on", "-id")


def issued_get(user, pk) -> IssuedDocument:
    return get_or_404(issued_visible(user).select_related("issued_by__person", "voided_by__person"), pk,
                      _("Không tìm thấy văn bản."))


def number_preview(unit: Unit, type_code: str, on: dt.date) -> str:
    """The symbol the register would give now ("06-KH/ĐU") for ``type_code`` at ``unit`` on ``on``, read without
    taking it (no lock, nothing written): the counter's next number, raised above the numbers the unit already used
    by hand in the term, as ``services.number_take`` does. Only a preview: the number is taken at issue time and
    may have moved on by then."""
    from nghiquyet.documents.letterhead import issuer_code_of, symbol_of, term_of
    from nghiquyet.documents.services import recorded_highest

    term = term_of(unit, on)
    last = NumberCounter.objects.filter(unit=unit, type_code=type_code, term_start=term[0]).values_list(
        "last_number", flat=True).first() or 0
    number = max(last + 1, recorded_highest(unit=unit, type_code=type_code, term=term) + 1)
    return symbol_of(number, type_code, issuer_code_of(unit))


def issued_filter_choices(user) -> dict:
    """Units and years present in what the user may read (for the register's filters)."""
    base = IssuedDocument.objects.filter(register_q(user))
    units = list(Unit.objects.filter(pk__in=base.values("unit")).order_by("path").only("name", "path", "kind"))
    years = sorted({d.year for d in base.dates("issued_on", "year")}, reverse=True)
    return {"units": units, "years": years}


def issue_units(user) -> QuerySet[Unit]:
    """Open party organizations where the user may register documents (``REPORT_SUBMIT`` or ``PLAN_CHANGE``)."""
    allowed = unit_scope_q(user, perm=Perm.REPORT_SUBMIT) | unit_scope_q(user, perm=Perm.PLAN_CHANGE)
    return Unit.objects.filter(allowed, valid_to__isnull=True, kind__in=UnitKind.party_kinds()).order_by("path")


def can_register_somewhere(user) -> bool:
    return issue_units(user).exists()


def render_jobs_of(user) -> QuerySet[RenderJob]:
    if user is None or not getattr(user, "is_authenticated", False):
        return RenderJob.objects.none()
    return RenderJob.objects.filter(requested_by=user)


def render_job_get(user, pk) -> RenderJob:
    """A render job of ``user`` (``Http404`` for anyone else's)."""
    return get_or_404(render_jobs_of(user), pk, _("Không tìm thấy yêu cầu tạo tệp."))
