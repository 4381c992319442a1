"""Pages of review campaigns (sơ kết, tổng kết) and review reports (issue 6). Thin: ``reviews.selectors`` read
(scoped), ``reviews.services`` write, ``reviews.documents`` builds the Party-format document the renderers of
``nghiquyet.documents`` write.

A unit's report page is addressed by (campaign, unit): it exists before the unit has saved anything (GET never
creates a report; the first save opens the draft through ``review_report_open``), so the progress table links
every unit the same way. ``/so-ket/bao-cao/<id>/`` is the same page by the report's id.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import can, roles_of, scope_of, unit_get_visible, unit_scope_q, units_changeable
from nghiquyet.audit.selectors import audit_events_visible
from nghiquyet.core.fields import path_ids
from nghiquyet.core.forms import apply_service_errors
from nghiquyet.core.ids import get_or_404
from nghiquyet.core.pagination import paginate
from nghiquyet.documents.letterhead import default_recipients
from nghiquyet.documents.render import CONTENT_TYPES
from nghiquyet.org.models import Unit, UnitKind
from nghiquyet.reporting.models import SubmissionStatus
from nghiquyet.resolutions.selectors import documents_visible
from nghiquyet.reviews import selectors, services
from nghiquyet.reviews.figures import Proposal, StatusRow, has_subordinates
from nghiquyet.reviews.forms import LEVELS, CampaignForm, DecisionForm, ReportForm, section_field_name
from nghiquyet.reviews.models import Campaign, ReviewKind, ReviewReport, ReviewSection, SectionKey
from nghiquyet.reviews.selectors import State

CAMPAIGN_STATES = {"dang-mo": False, "da-ket-thuc": True}
EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
PROPOSALS_PER_PAGE = 20
#: Rows per page of a campaign's progress table.
PROGRESS_PER_PAGE = 50
#: The state filter of a campaign's progress table: Vietnamese URL values (the English state names of earlier
#: links still work).
STATE_SLUGS = {
    State.MISSING: "chua-nop", State.RETURNED: "bi-tra-lai", State.LATE: "nop-muon", State.ON_TIME: "dung-han",
    State.DRAFT: "dang-soan", State.NOT_DUE: "chua-den-han", State.ACCEPTED: "da-duyet",
}
SLUG_STATES = {slug: state for state, slug in STATE_SLUGS.items()}
#: The progress table's order: what needs the superior's attention first, then by unit name.
PROGRESS_ORDER = {state: i for i, state in enumerate(
    (State.MISSING, State.RETURNED, State.LATE, State.ON_TIME, State.DRAFT, State.NOT_DUE, State.ACCEPTED))}
#: ``?soan-thay=1``: a superior with the right to submit for a unit below writes its report in its place.
ON_BEHALF_PARAM = "soan-thay"


def _today():
    return timezone.localdate()


def _posted_version(request) -> int:
    """The version the form was loaded with; a page loaded before the report existed saw version 1 (the version a
    new report starts with), so a second person's first save still detects the first's."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else 1


def _role_units(user) -> list[Unit]:
    units: list[Unit] = []
    for assignment in roles_of(user):
        if all(u.pk != assignment.unit_id for u in units):
            units.append(assignment.unit)
    return units


def _own_unit(role_units: list[Unit], campaign: Campaign) -> Unit | None:
    """The unit whose part of the campaign the user follows: their highest role unit inside the campaign's
    subtree, else the campaign's unit when one of their roles is above it."""
    inside = [u for u in role_units if u.path.startswith(campaign.unit.path)]
    if inside:
        return min(inside, key=lambda u: (u.depth, u.path))
    if any(campaign.unit.path.startswith(u.path) for u in role_units):
        return campaign.unit
    return None


def _report_url(campaign_id: int, unit_id: int) -> str:
    return reverse("review_unit_report", args=[campaign_id, unit_id])


# ---------------------------------------------------------------- campaigns


@login_required
def campaign_list(request):
    user = request.user
    state = request.GET.get("trang-thai", "")
    state = state if state in CAMPAIGN_STATES else ""
    campaigns = selectors.campaigns_visible(user).select_related("unit", "resolution")
    if state:
        campaigns = campaigns.filter(is_closed=CAMPAIGN_STATES[state])
    page = paginate(request, campaigns)
    role_units = _role_units(user)
    today = _today()
    for campaign in page:
        campaign.own_unit = _own_unit(role_units, campaign)
        campaign.owes = campaign.own_unit is not None and selectors.owes_report(campaign, campaign.own_unit)
        campaign.own_due = selectors.deadline_for(campaign, campaign.own_unit) if campaign.owes else None
    progress = _list_progress(user, [c for c in page if c.own_unit is not None], today)
    for campaign in page:
        found = progress.get(campaign.pk)
        campaign.progress = found if found is not None and found.expected else None
    return render(request, "reviews/campaign_list.html", {
        "page_obj": page, "state": state, "querystring": urlencode({"trang-thai": state}) if state else "",
        "can_open": _opening_units(user).exists(),
    })


@dataclass
class ListProgress:
    """The counts the campaign list shows for the part of a campaign under one unit."""

    unit: Unit
    expected: int = 0
    submitted: int = 0          # on time or late, accepted included
    accepted: int = 0
    late: int = 0               # submitted late, accepted included
    returned: int = 0
    missing: int = 0

    @property
    def percent_submitted(self) -> int | None:
        return round(100 * self.submitted / self.expected) if self.expected else None


def _list_progress(user, campaigns: list[Campaign], today) -> dict[int, ListProgress]:
    """{campaign id: counts of the reports owed under the campaign's ``own_unit``} for every campaign of a page, in
    two queries whatever the number of campaigns (the owing units of all of them, then their reports)."""
    if not campaigns:
        return {}
    units_q = Q(pk__in=[])
    reports_q = Q(pk__in=[])
    for campaign in campaigns:
        units_q |= selectors.owing_units_q(campaign) & Q(path__under=campaign.own_unit.path)
        reports_q |= Q(campaign_id=campaign.pk, unit__path__under=campaign.own_unit.path)
    units = list(Unit.objects.filter(units_q, unit_scope_q(user, with_history=False))
                 .values_list("pk", "path", "kind", "valid_to"))
    reports = {(c, u): (status, late) for c, u, status, late in ReviewReport.objects.filter(reports_q).values_list(
        "campaign_id", "unit_id", "status", "is_late")}
    out = {}
    for campaign in campaigns:
        counts = ListProgress(unit=campaign.own_unit)
        dates = selectors.deadline_dates(campaign)
        root, opener = campaign.own_unit.path, campaign.unit
        for pk, path, kind, valid_to in units:
            if not path.startswith(root):
                continue
            if pk == opener.pk:
                due = campaign.own_deadline
            elif kind in dates and valid_to is None and path.startswith(opener.path):
                due = dates[kind]
            else:
                continue
            status, is_late = reports.get((campaign.pk, pk), (None, False))
            state = selectors.report_state(status, is_late, due, today)
            counts.expected += 1
            if state in (State.ACCEPTED, State.ON_TIME, State.LATE):
                counts.submitted += 1
                counts.late += bool(is_late)
                counts.accepted += state == State.ACCEPTED
            counts.returned += state == State.RETURNED
            counts.missing += state == State.MISSING
        out[campaign.pk] = counts
    return out


def _opening_units(user):
    return (units_changeable(user, Perm.SCHEDULE_CHANGE).filter(kind__in=services.opening_kinds())
            .order_by("depth", "path"))


def _levels_below(unit: Unit) -> list[str]:
    """Unit kinds present (open) below ``unit``, in tree order: one deadline input each."""
    present = set(Unit.objects.filter(path__under=unit.path, valid_to__isnull=True, kind__in=LEVELS)
                  .exclude(pk=unit.pk).values_list("kind", flat=True).distinct())
    return [kind for kind in LEVELS if kind in present]


def _campaign_documents(user, unit: Unit):
    """Resolutions (directives, conclusions) a unit may review: its own, its ancestors' and the Central
    Committee's."""
    return documents_visible(user).filter(
        Q(unit=unit) | Q(unit_id__in=unit.ancestor_ids) | Q(unit__kind=UnitKind.CENTRAL),
        type_code__in=services.reviewable_types(),
    ).select_related("unit").order_by("-is_congress_resolution", "-issued_on", "-id")


def auto_title(kind: str, resolution) -> str:
    """"Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội ..." from the kind and the resolution."""
    label = dict(ReviewKind.choices).get(kind, "")
    if resolution is None:
        return str(label)
    name = resolution.title if resolution.title.lower().startswith("nghị quyết") else \
        _("Nghị quyết số %(symbol)s") % {"symbol": resolution.symbol}
    return (_("%(kind)s thực hiện %(name)s") % {"kind": label, "name": name})[:300]


@login_required
def campaign_create(request):
    """Open a campaign for one of the user's units (``?don-vi=``, else the highest one)."""
    user = request.user
    units = _opening_units(user)
    chosen = request.POST.get("don-vi") or request.GET.get("don-vi")
    if chosen:
        unit = get_or_404(units, chosen, _("Không tìm thấy đơn vị."))
    else:
        unit = units.first()
        if unit is None:
            raise PermissionDenied(_("Bạn không có quyền mở đợt sơ kết, tổng kết."))
    documents = _campaign_documents(user, unit)
    first = documents.first()
    initial = {"kind": ReviewKind.MIDTERM, "resolution": first.pk if first else None,
               "title": auto_title(ReviewKind.MIDTERM, first)}
    form = CampaignForm(request.POST or None, documents=documents, levels=_levels_below(unit), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=user, unit=unit, resolution=data["resolution"], kind=data["kind"],
                title=data["title"].strip() or auto_title(data["kind"], data["resolution"]),
                period_start=data["period_start"], period_end=data["period_end"], deadlines=form.deadlines(),
                own_deadline=data["own_deadline"], conference_date=data["conference_date"],
                instructions=data["instructions"])
        except ValidationError as exc:
            _apply_campaign_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("Bạn không có quyền mở đợt sơ kết, tổng kết cho đơn vị này."))
        else:
            messages.success(request, _("Đã mở đợt “%(title)s”.") % {"title": campaign.title})
            return redirect("review_campaign", pk=campaign.pk)
    return render(request, "reviews/campaign_form.html", {
        "form": form, "unit": unit, "units": units if units.count() > 1 else None, "creating": True})


def _apply_campaign_errors(form: CampaignForm, exc: ValidationError) -> None:
    labels = dict(UnitKind.choices)
    if hasattr(exc, "error_dict") and "deadlines" in exc.error_dict:
        filled = [kind for kind in form.levels if form.cleaned_data.get(f"deadline_{kind}")]
        for error in exc.error_dict.pop("deadlines"):
            text = " ".join(error.messages)
            named = [k for k in filled if str(labels.get(k, k)).lower() in text.lower()]
            target = named[0] if named else (filled[0] if filled else None)
            form.add_error(f"deadline_{target}" if target else None, text)
        if not exc.error_dict:
            return
    apply_service_errors(form, exc)


@login_required
def campaign_edit(request, pk: int):
    user = request.user
    campaign = selectors.campaign_get(user, pk)
    if not can(user, Perm.SCHEDULE_CHANGE, campaign.unit):
        raise PermissionDenied(_("Bạn không có quyền sửa đợt sơ kết, tổng kết này."))
    levels = _levels_below(campaign.unit)
    levels += [k for k in LEVELS if k in (campaign.deadlines or {}) and k not in levels]
    levels = [k for k in LEVELS if k in levels]
    form = CampaignForm(request.POST or None, documents=documents_visible(user).none(), levels=levels,
                        editing=True, initial=CampaignForm.initial_for(campaign))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.campaign_update(
                actor=user, campaign=campaign, title=data["title"].strip() or campaign.title,
                period_start=data["period_start"], period_end=data["period_end"], deadlines=form.deadlines(),
                own_deadline=data["own_deadline"], conference_date=data["conference_date"],
                instructions=data["instructions"])
        except ValidationError as exc:
            _apply_campaign_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã cập nhật đợt sơ kết, tổng kết."))
            return redirect("review_campaign", pk=campaign.pk)
    return render(request, "reviews/campaign_form.html", {
        "form": form, "unit": campaign.unit, "campaign": campaign, "creating": False})


@login_required
def campaign_detail(request, pk: int):
    """Instructions, deadlines and the progress table of one unit's part of the campaign (``?don-vi=``)."""
    user = request.user
    campaign = selectors.campaign_get(user, pk)
    role_units = _role_units(user)
    own = _own_unit(role_units, campaign)
    unit = own
    chosen = request.GET.get("don-vi")
    if chosen:
        unit = unit_get_visible(user, chosen)
        if not unit.path.startswith(campaign.unit.path):
            raise Http404(_("Đơn vị này không thuộc phạm vi đợt sơ kết, tổng kết."))
    today = _today()
    progress = selectors.campaign_progress(user, campaign, unit=unit, today=today) if unit is not None else None
    own_row = subtree = None
    if progress is not None:
        # the followed unit's own report is shown apart; the table and its counts are the units whose reports come
        # to it (each leads to the units below it); the whole subtree is summed in one line
        own_row = next((r for r in progress.rows if r.unit.pk == unit.pk), None)
        below = [r for r in progress.rows if r.unit.pk != unit.pk]
        direct = [r for r in below if r.reviewer_id == unit.pk] if own_row is not None else below
        if len(direct) != len(below):
            subtree = selectors.CampaignProgress(campaign=campaign, unit=unit, today=today, rows=below)
        progress = selectors.CampaignProgress(campaign=campaign, unit=unit, today=today, rows=direct)
        if not progress.expected:
            progress = None         # no unit below reports (e.g. a commune when branches are not asked)
    raw_state = request.GET.get("trang-thai", "")
    state = SLUG_STATES.get(raw_state) or (raw_state if raw_state in STATE_SLUGS else "")
    rows = sorted(progress.rows, key=lambda r: (PROGRESS_ORDER.get(r.state, 99), r.unit.name.lower(), r.unit.path)) \
        if progress is not None else []
    states = _state_choices(rows)
    if state:
        rows = [r for r in rows if r.state == state]
    page = paginate(request, rows, per_page=PROGRESS_PER_PAGE)
    lowest = next((kind for kind in reversed(LEVELS) if kind in (campaign.deadlines or {})), None)
    for row in page:
        row.drill = unit is not None and row.unit.kind != lowest
    own_owes = own is not None and selectors.owes_report(campaign, own)
    labels = dict(UnitKind.choices)
    deadlines = [(labels.get(kind, kind), day) for kind, day in _deadline_rows(campaign)]
    slug = STATE_SLUGS.get(state, "")
    return render(request, "reviews/campaign_detail.html", {
        "campaign": campaign, "unit": unit, "own": own, "own_owes": own_owes, "progress": progress,
        "own_row": own_row, "subtree": subtree, "page_obj": page, "state": slug, "states": states,
        "deadlines": deadlines,
        "querystring": urlencode({k: v for k, v in (("don-vi", chosen or ""), ("trang-thai", slug)) if v}),
        "may_change": not campaign.is_closed and can(user, Perm.SCHEDULE_CHANGE, campaign.unit),
        "parent_link": unit is not None and unit.pk != campaign.unit_id and unit.parent_id is not None
        and scope_of(user).covers(unit.path.rsplit("/", 2)[0] + "/"),
    })


def _deadline_rows(campaign: Campaign):
    order = {kind: i for i, kind in enumerate(LEVELS)}
    return sorted(selectors.deadline_dates(campaign).items(), key=lambda kv: order.get(kv[0], 99))


def _state_choices(rows) -> list[tuple[str, str]]:
    """The states present in the table (URL value, label with count), in the order they first appear."""
    seen: dict[str, list] = {}
    for row in rows:
        entry = seen.setdefault(row.state, [row.state_label, 0])
        entry[1] += 1
    return [(STATE_SLUGS[state], f"{label} ({count})") for state, (label, count) in seen.items()]


@login_required
@require_POST
def campaign_close(request, pk: int):
    user = request.user
    campaign = selectors.campaign_get(user, pk)
    try:
        services.campaign_close(actor=user, campaign=campaign)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Bạn không có quyền kết thúc đợt này."))
    else:
        messages.success(request, _("Đã kết thúc đợt “%(title)s”.") % {"title": campaign.title})
    return redirect("review_campaign", pk=campaign.pk)


# ---------------------------------------------------------------- a unit's report


def _report_scope(user, campaign_pk, unit_pk) -> tuple[Campaign, Unit, ReviewReport | None]:
    campaign = selectors.campaign_get(user, campaign_pk)
    unit = unit_get_visible(user, unit_pk)
    report = selectors.reports_visible(user).filter(campaign=campaign, unit=unit).first()
    if report is None and not selectors.owes_report(campaign, unit):
        raise Http404(_("Đơn vị này không phải báo cáo trong đợt sơ kết, tổng kết này."))
    return campaign, unit, report


def _writes_for_own_unit(user, unit: Unit) -> bool:
    """Is ``unit`` one of the units the user holds a role at (not merely a unit below them)?"""
    return any(assignment.unit_id == unit.pk for assignment in roles_of(user))


def _report_page(request, *, campaign, unit, report, form=None, decision_form=None, conflict=None, status=200):
    user = request.user
    today = _today()
    due = selectors.deadline_for(campaign, unit)
    may_write = can(user, Perm.REPORT_SUBMIT, unit) and not campaign.is_closed
    own_unit = _writes_for_own_unit(user, unit)
    # a superior whose rights cover the unit reads its report; it writes in the unit's place only when it asks to
    on_behalf = may_write and not own_unit and (
        request.GET.get(ON_BEHALF_PARAM) == "1" or request.POST.get(ON_BEHALF_PARAM) == "1")
    open_status = report is None or report.status in EDITABLE
    editable = may_write and open_status and (own_unit or on_behalf)
    sections = selectors.report_sections(report) if report is not None else {}
    if form is None:
        initial = ReportForm.initial_for(report, sections)
        if not initial.get("subject"):
            initial["subject"] = selectors.default_subject(campaign)
        if not initial.get("recipients"):
            initial["recipients"] = "\n".join(default_recipients(unit))
        form = ReportForm(initial=initial)
    version = report.version if report is not None else ""
    if conflict is not None:
        version = conflict.version
    elif form.is_bound:
        version = request.POST.get("version", version)
    reviewer = selectors.reviewer_unit(campaign, unit)
    may_decide = report is not None and selectors.may_decide(user, report)
    conflict_sections = selectors.report_sections(conflict) if conflict is not None else {}
    section_rows = [{"key": key, "label": label, "field": form[section_field_name(key)],
                     "text": sections.get(key, ""), "current": conflict_sections.get(key)}
                    for key, label in SectionKey.choices]
    figures = _figures_context(request, campaign, unit, report)
    consolidated = figures.get("consolidation")
    subordinates = figures.pop("subordinates", 0)     # the units whose reports the consolidation gathers
    decision_form = decision_form or DecisionForm(auto_id="id_decision_%s")
    return render(request, "reviews/report.html", {
        "campaign": campaign, "unit": unit, "report": report, "due": due, "today": today,
        "late_if_now": today > due, "form": form, "sections": section_rows, "version": version,
        "editable": editable, "may_write": may_write, "may_decide": may_decide, "reviewer": reviewer,
        "on_behalf": on_behalf, "may_write_on_behalf": may_write and open_status and not own_unit and not on_behalf,
        "on_behalf_param": ON_BEHALF_PARAM,
        "decision_form": decision_form, "decision_failed": decision_form.is_bound and bool(decision_form.errors),
        "conflict": conflict, "previous_decision": _previous_decision(report),
        **figures,
        "inline_render": subordinates <= settings.NGHIQUYET["REVIEWS"]["RENDER_INLINE_MAX_UNITS"],
        "subordinates": subordinates,
        "subordinates_sent": sum(n for s, n in consolidated.counts.items()
                                 if s in (State.ACCEPTED, State.ON_TIME, State.LATE)) if consolidated else 0,
        "history": _history(user, report),
        "download_formats": [("docx", _("Tạo DOCX")), ("pdf", _("Tạo PDF")), ("xlsx", _("Tạo XLSX"))],
    }, status=status)


def _previous_decision(report: ReviewReport | None) -> bool:
    """Does the report's decision (time, comment) belong to an earlier round: returned, then sent again since?"""
    return bool(report is not None and report.decided_at and report.submitted_at
                and report.submitted_at > report.decided_at
                and report.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED))


def _figures_context(request, campaign: Campaign, unit: Unit, report: ReviewReport | None) -> dict:
    """The drafted figures and, for a unit that receives other reports, the consolidation: the statuses and the
    proposals annex, each paginated in the database (a page of rows is read, never all of them). A report not yet
    saved shows the live figures of an unsaved draft."""
    user = request.user
    subject = report if report is not None else ReviewReport(campaign=campaign, unit=unit)
    if not has_subordinates(subject):
        return {"figures": selectors.report_figures(subject, user=user), "consolidation": None}
    consolidated = selectors.consolidation(subject, user=user)
    mine = _reviewee_ids(campaign, unit)
    if consolidated.frozen_rows is not None:      # frozen at submission: the rows are in the report already
        status_page = paginate(request, consolidated.frozen_rows, param="trang-don-vi")
    else:
        units = Unit.objects.filter(pk__in=mine).order_by("path").values_list("pk", "name", "path", "kind")
        status_page = paginate(request, _Counted(units, len(mine)), param="trang-don-vi")
        status_page.object_list = _status_rows(campaign, list(status_page.object_list), consolidated.today)
    if consolidated.frozen_proposals is not None:     # frozen at submission with the report, as issued
        proposals_page = paginate(request, list(consolidated.proposals()), per_page=PROPOSALS_PER_PAGE,
                                  param="trang-de-xuat")
        return {"figures": consolidated.figures, "consolidation": consolidated, "status_page": status_page,
                "proposals_page": proposals_page, "subordinates": len(mine)}
    proposals = (ReviewSection.objects.filter(
        report__campaign=campaign, report__unit_id__in=mine, key=SectionKey.PROPOSALS,
        report__status__in=(SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED)).exclude(text="")
        .order_by("report__unit__path").values_list("report__unit_id", "report__unit__name", "text"))
    proposals_page = paginate(request, proposals, per_page=PROPOSALS_PER_PAGE, param="trang-de-xuat")
    proposals_page.object_list = [Proposal(unit_id=pk, unit_name=name, text=text)
                                  for pk, name, text in proposals_page.object_list]
    return {"figures": consolidated.figures, "consolidation": consolidated, "status_page": status_page,
            "proposals_page": proposals_page, "subordinates": len(mine)}


class _Counted:
    """A queryset whose length is known already (the paginator slices it without counting it again)."""

    def __init__(self, queryset, total: int):
        self.queryset, self.total = queryset, total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key):
        return self.queryset[key]


def _reviewee_ids(campaign: Campaign, unit: Unit) -> set[int]:
    """The ids of the units whose reports come to ``unit`` (ids only: the rows are read a page at a time)."""
    return selectors.reviewee_ids(campaign, unit)[0]


def _status_rows(campaign: Campaign, units: list[tuple], today) -> list[StatusRow]:
    """The status rows of one page of units (id, name, path, kind): one query for their reports."""
    dates = selectors.deadline_dates(campaign)
    reports = {row[0]: row[1:] for row in ReviewReport.objects.filter(
        campaign=campaign, unit_id__in=[u[0] for u in units]).values_list(
        "unit_id", "pk", "status", "is_late", "submitted_at", "decided_at", "issued__symbol")}
    rows = []
    for pk, name, path, kind in units:
        due = dates.get(kind, campaign.own_deadline)
        found = reports.get(pk)
        status, is_late = (found[1], found[2]) if found else (None, False)
        state = selectors.report_state(status, is_late, due, today or _today())
        rows.append(StatusRow(
            unit_id=pk, unit_name=name, path=path, due=due, state=state, state_label=str(State.LABELS[state]),
            report_id=found[0] if found else None, symbol=(found[5] or "") if found else "", is_late=bool(is_late),
            submitted_on=timezone.localdate(found[3]) if found and found[3] else None,
            decided_on=timezone.localdate(found[4]) if found and found[4] else None))
    return rows


SECTION_LABELS = dict(SectionKey.choices)


def _history(user, report: ReviewReport | None) -> list:
    """The report's audit trail (opened, saved, sent, accepted, returned with the comment), for readers of the
    unit's audit trail; a save reads "Lưu nháp: sửa phần Kết quả đạt được…, Hạn chế…"."""
    if report is None:
        return []
    content_type = ContentType.objects.get_for_model(ReviewReport)
    events = list(audit_events_visible(user).filter(content_type=content_type, object_id=str(report.pk))
                  .order_by("at", "id"))
    labels = dict(SubmissionStatus.choices)
    for event in events:
        changes = event.changes or {}
        change = changes.get("status")
        event.status_change = ""
        if isinstance(change, list) and len(change) == 2:
            event.status_change = " → ".join(str(labels.get(s, s or "—")) for s in change)
        comment = changes.get("comment")
        event.comment = comment[1] if isinstance(comment, list) and len(comment) == 2 else ""
        if change is None and any(key in SECTION_LABELS or key in ("subject", "recipients") for key in changes):
            event.note = _save_note(changes)
    return events


def _save_note(changes: dict) -> str:
    parts = [str(label) for key, label in SECTION_LABELS.items() if key in changes]
    if "subject" in changes:
        parts.append(_("trích yếu"))
    if "recipients" in changes:
        parts.append(_("nơi nhận"))
    return _("Lưu nháp: sửa phần %(parts)s") % {"parts": ", ".join(parts)}


def _section_aliases() -> dict[str, str]:
    return {key: section_field_name(key) for key in SectionKey.values}


@login_required
def unit_report(request, campaign_pk: int, unit_pk: int):
    """A unit's report: the drafted figures, the sections to write, save / submit; read only once submitted."""
    user = request.user
    campaign, unit, report = _report_scope(user, campaign_pk, unit_pk)
    page = {"campaign": campaign, "unit": unit, "report": report}
    if request.method != "POST":
        return _report_page(request, **page)
    form = ReportForm(request.POST)
    action = request.POST.get("action", "save")
    conflict = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if report is None:
                    report = services.review_report_open(actor=user, campaign=campaign, unit=unit)
                report = services.review_report_save(
                    actor=user, report=report, version=_posted_version(request), texts=form.texts(),
                    subject=data["subject"].strip() or selectors.default_subject(campaign),
                    recipients=data["recipients"])
                if action == "submit":
                    report = services.review_report_submit(actor=user, report=report, version=report.version)
        except ValidationError as exc:
            conflict = getattr(exc, "current", None)
            apply_service_errors(form, exc, aliases=_section_aliases())
            report = page["report"]
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("Bạn không có quyền soạn báo cáo của đơn vị này."))
            report = page["report"]
        else:
            if action == "submit":
                if report.is_late:
                    messages.warning(request, _("Đã gửi báo cáo lên cấp trên (nộp muộn so với hạn)."))
                else:
                    messages.success(request, _("Đã gửi báo cáo lên cấp trên."))
                return redirect(_report_url(campaign.pk, unit.pk))
            messages.success(request, _("Đã lưu nháp."))
            on_behalf = request.POST.get(ON_BEHALF_PARAM) == "1" and not _writes_for_own_unit(user, unit)
            return redirect(_report_url(campaign.pk, unit.pk) + (f"?{ON_BEHALF_PARAM}=1" if on_behalf else "")
                            + "#noi-dung")
    page["report"] = report
    return _report_page(request, form=form, conflict=conflict, **page)


@login_required
def report_by_id(request, pk: int):
    report = selectors.report_get(request.user, pk)
    return redirect(_report_url(report.campaign_id, report.unit_id))


DECISIONS = {"accept": "review_report_accept", "return": "review_report_return"}


@login_required
@require_POST
def report_decide(request, pk: int):
    """Accept or return (comment required) the submitted report of a unit below."""
    user = request.user
    report = selectors.report_get(user, pk)
    action = request.POST.get("action", "")
    form = DecisionForm(request.POST, auto_id="id_decision_%s")
    status = 200
    if action not in DECISIONS:
        form.add_error(None, _("Thao tác không hợp lệ."))
        status = 400
    elif form.is_valid():
        service = getattr(services, DECISIONS[action])
        try:
            service(actor=user, report=report, version=_posted_version(request),
                    comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
            if getattr(exc, "current", None) is not None:
                form.add_error(None, _("Báo cáo vừa thay đổi; hãy xem lại trước khi quyết định."))
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("Bạn không có quyền duyệt báo cáo này."))
            status = 403
        else:
            messages.success(request, _("Đã duyệt báo cáo.") if action == "accept"
                             else _("Đã trả lại báo cáo cho đơn vị."))
            return redirect(_report_url(report.campaign_id, report.unit_id))
    report = selectors.report_get(user, pk)
    return _report_page(request, campaign=report.campaign, unit=report.unit, report=report, decision_form=form,
                        status=status)


# ---------------------------------------------------------------- documents


@login_required
def report_download(request, pk: int, fmt: str):
    """The report as DOCX, PDF or XLSX: rendered now for a small consolidation, on the worker (with a progress
    page) when it gathers more than ``RENDER_INLINE_MAX_UNITS`` subordinate reports."""
    user = request.user
    report = selectors.report_get(user, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404(_("Không có định dạng này."))
    if not selectors.renders_inline(report):
        if request.method != "POST":
            return redirect(_report_url(report.campaign_id, report.unit_id) + "#tai-ve")
        from nghiquyet.documents.services import render_job_start

        job = render_job_start(actor=user, source_kind="review_report", source_id=report.pk, fmt=fmt)
        return redirect("render_job_detail", pk=job.pk)
    from nghiquyet.documents.render import download_response, party_language, render_file
    from nghiquyet.reviews.documents import report_document, report_tables

    out = io.BytesIO()
    with party_language():
        figures = selectors.report_figures(report, user=user)      # computed once for the document and its tables
        document = report_document(report, user=user, figures=figures)
        tables = report_tables(report, user=user, figures=figures) if fmt == "xlsx" else []
        render_file(document, tables, fmt, out)
    return download_response(out.getvalue(), document, fmt)


# ---------------------------------------------------------------- to-dos beside the reporting to-dos


WAITING_SHOWN = 10


@login_required
def todos_fragment(request, unit_id: int):
    """What ``unit`` has to do in open campaigns (loaded by htmx into the unit's reporting page): the reports it
    owes, and, for a unit that reviews others, the reports sent to it and waiting for its decision."""
    user = request.user
    unit = unit_get_visible(user, unit_id)
    today = _today()
    todos = [t for t in selectors.review_todos(user, today=today) if t.unit.pk == unit.pk]
    for todo in todos:
        todo.overdue_days = -todo.days_left
    waiting = _waiting_for(user, unit) if can(user, Perm.REPORT_APPROVE, unit) else []
    compact = request.GET.get("trang-chu") == "1"
    return render(request, "reviews/_todos.html", {"unit": unit, "todos": todos, "waiting": waiting,
                                                   "compact": compact})


def _waiting_for(user, unit: Unit) -> list[dict]:
    """Per open campaign, the reports sent to ``unit`` for its decision (it is their reviewer: no unit owing a
    report lies between): three queries whatever the number of campaigns and reports."""
    campaigns = {c.pk: c for c in selectors.campaigns_visible(user).filter(is_closed=False,
                                                                           unit_id__in=path_ids(unit.path))}
    campaigns = {pk: c for pk, c in campaigns.items() if selectors.owes_report(c, unit)}
    if not campaigns:
        return []
    reports = list(ReviewReport.objects.filter(
        campaign_id__in=list(campaigns), status=SubmissionStatus.SUBMITTED, unit__path__under=unit.path)
        .exclude(unit=unit).select_related("unit").order_by("campaign_id", "unit__path"))
    depth = len(path_ids(unit.path))
    between = {pk for r in reports for pk in path_ids(r.unit.path)[depth:-1]}
    kinds = {pk: (kind, valid_to) for pk, kind, valid_to in
             Unit.objects.filter(pk__in=between).values_list("pk", "kind", "valid_to")} if between else {}
    groups: dict[int, list] = {}
    for report in reports:
        campaign = campaigns[report.campaign_id]
        dates = selectors.deadline_dates(campaign)
        if any(kinds.get(pk, ("", None))[0] in dates and kinds[pk][1] is None
               for pk in path_ids(report.unit.path)[depth:-1]):
            continue                # an owing unit in between reviews it
        groups.setdefault(campaign.pk, []).append(report)
    waiting = []
    for pk, campaign in campaigns.items():
        rows = groups.get(pk, [])
        if rows:
            waiting.append({"campaign": campaign, "rows": [{"unit": r.unit, "report": r} for r in rows[:WAITING_SHOWN]],
                            "more": max(0, len(rows) - WAITING_SHOWN), "count": len(rows)})
    return waiting
