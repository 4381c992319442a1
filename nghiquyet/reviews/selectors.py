"""Reads of review campaigns and review reports, always scoped by the acting user (``accounts/scope.py``).

Who owes a report in a campaign (``campaign_units``): the unit that opened it (its own report, due
``own_deadline``, is the consolidation) and every current unit of its subtree whose kind is a key of
``deadlines`` (due that day). A unit's report goes to its reviewer (``reviewer_unit``): the nearest ancestor that
owes a report in the campaign, else the opener. The opener's own report has no reviewer.

Visibility: a campaign is issued downward, so it reads like a resolution (opened in the user's subtree, or above
it, read only: ``issued_above_filter``). A report belongs to its unit: visible in that unit's scope (the unit's
own people and every level above it), never to a sibling (``scope_filter``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nghiquyet.accounts.roles import Perm
from nghiquyet.accounts.scope import issued_above_filter, scope_filter, scope_of, unit_scope_q
from nghiquyet.core.fields import path_ids
from nghiquyet.core.ids import get_or_404
from nghiquyet.notifications.reminders import date_vn
from nghiquyet.org.models import Unit
from nghiquyet.reporting.models import SubmissionStatus
from nghiquyet.reviews.models import Campaign, ReviewReport, ReviewSection, SectionKey

# ---------------------------------------------------------------- the campaign's rules (no user)


def deadline_dates(campaign: Campaign) -> dict[str, dt.date]:
    """``campaign.deadlines`` as dates ({unit kind: date}); malformed entries are skipped."""
    out: dict[str, dt.date] = {}
    for kind, value in (campaign.deadlines or {}).items():
        if isinstance(value, dt.date):
            out[kind] = value
            continue
        try:
            out[kind] = dt.date.fromisoformat(str(value))
        except ValueError:
            continue
    return out


def owing_units_q(campaign: Campaign, *, prefix: str = "") -> Q:
    """A Q over ``Unit`` (through ``prefix``): the units owing a report in the campaign."""
    kinds = sorted(deadline_dates(campaign))
    below = Q(**{f"{prefix}path__under": campaign.unit.path, f"{prefix}kind__in": kinds,
                 f"{prefix}valid_to__isnull": True}) & ~Q(**{f"{prefix}pk": campaign.unit_id})
    return Q(**{f"{prefix}pk": campaign.unit_id}) | below


def campaign_units_qs(campaign: Campaign, *, under: Unit | None = None) -> QuerySet[Unit]:
    units = Unit.objects.filter(owing_units_q(campaign))
    if under is not None:
        units = units.filter(path__under=under.path)
    return units.order_by("path")


def campaign_units(campaign: Campaign) -> list[Unit]:
    """The units owing a report, the opener first, then in tree (path) order."""
    return list(campaign_units_qs(campaign))


def owes_report(campaign: Campaign, unit: Unit) -> bool:
    if unit.pk == campaign.unit_id:
        return True
    return (unit.valid_to is None and unit.kind in deadline_dates(campaign)
            and unit.path.startswith(campaign.unit.path))


def deadline_for(campaign: Campaign, unit: Unit) -> dt.date:
    """The day ``unit``'s report is due: ``own_deadline`` for the opener, else its level's deadline."""
    if unit.pk == campaign.unit_id:
        return campaign.own_deadline
    dates = deadline_dates(campaign)
    return dates.get(unit.kind, campaign.own_deadline)


def reviewer_unit(campaign: Campaign, unit: Unit) -> Unit | None:
    """The unit that accepts or returns ``unit``'s report: its nearest ancestor owing a report in the campaign,
    else the opener; None for the opener itself (one query)."""
    if unit.pk == campaign.unit_id:
        return None
    opener = campaign.unit
    between = [pk for pk in path_ids(unit.path)[:-1] if pk not in path_ids(opener.path)]
    kinds = list(deadline_dates(campaign))
    if between and kinds:
        found = {u.pk: u for u in Unit.objects.filter(pk__in=between, kind__in=kinds, valid_to__isnull=True)}
        for pk in reversed(between):
            if pk in found:
                return found[pk]
    return opener


def reviewer_map(campaign: Campaign, paths: Iterable[tuple[int, str]]) -> dict[int, int | None]:
    """{unit id: reviewer unit id} for owing units given as (id, path), without queries: the nearest owing
    ancestor among the given units, else the opener."""
    pairs = list(paths)
    owing = {pk for pk, _path in pairs}
    out: dict[int, int | None] = {}
    for pk, path in pairs:
        if pk == campaign.unit_id:
            out[pk] = None
            continue
        ancestors = path_ids(path)[:-1]
        out[pk] = next((a for a in reversed(ancestors) if a in owing), campaign.unit_id)
    return out


def reviewee_ids(campaign: Campaign, unit: Unit) -> tuple[set[int], list[tuple[int, str]]]:
    """The ids of the units whose reports come to ``unit`` (owing units under it with no owing unit in between),
    and all owing units under it as (id, path); one query, read in chunks."""
    owing = list(Unit.objects.filter(owing_units_q(campaign), path__under=unit.path).exclude(pk=unit.pk)
                 .values_list("pk", "path").iterator(chunk_size=2000))
    ids = {pk for pk, _path in owing}
    mine = set()
    for pk, path in owing:
        ancestors = path_ids(path)
        between = ancestors[ancestors.index(unit.pk) + 1:-1] if unit.pk in ancestors else []
        if not any(a in ids for a in between):
            mine.add(pk)
    return mine, owing


def subordinate_count(report: ReviewReport) -> int:
    """How many units owe their report to ``report``'s unit in its campaign (whether they have written it or not):
    the size of the consolidation, which decides between rendering its documents now and on the worker
    (``NGHIQUYET["REVIEWS"]["RENDER_INLINE_MAX_UNITS"]``)."""
    return len(reviewee_ids(report.campaign, report.unit)[0])


def renders_inline(report: ReviewReport) -> bool:
    """Is the report small enough to render its documents during the request (else: a render job)?"""
    from django.conf import settings

    return subordinate_count(report) <= settings.NGHIQUYET["REVIEWS"]["RENDER_INLINE_MAX_UNITS"]


def default_subject(campaign: Campaign) -> str:
    """"Sơ kết giữa nhiệm kỳ thực hiện Nghị quyết số 01-NQ/ĐH ngày 16/10/2025 của Đại hội đại biểu …"."""
    from nghiquyet.resolutions.symbols import document_types

    resolution = campaign.resolution
    type_label = str(document_types().get(resolution.type_code, _("Nghị quyết")))
    rest = (resolution.title or "").strip()
    if rest.lower().startswith(type_label.lower()):
        rest = rest[len(type_label):].strip()
    if rest and not rest.lower().startswith(("của ", "về ")):
        rest = _("của %(rest)s") % {"rest": rest}
    subject = _("%(kind)s thực hiện %(type)s số %(symbol)s ngày %(date)s") % {
        "kind": campaign.get_kind_display(), "type": type_label, "symbol": resolution.symbol,
        "date": date_vn(resolution.issued_on)}
    return f"{subject} {rest}".strip()[:500]


# ---------------------------------------------------------------- campaigns


def campaigns_visible(user) -> QuerySet[Campaign]:
    """Campaigns opened in the user's subtree or above it (read only above)."""
    return issued_above_filter(Campaign.objects.select_related("unit", "resolution"), user)


def campaign_get(user, pk) -> Campaign:
    return get_or_404(campaigns_visible(user), pk, _("Không tìm thấy đợt sơ kết, tổng kết."))


# ---------------------------------------------------------------- reports


def reports_visible(user) -> QuerySet[ReviewReport]:
    return scope_filter(ReviewReport.objects.select_related("campaign", "campaign__unit", "campaign__resolution",
                                                            "unit", "issued"), user)


def report_get(user, pk) -> ReviewReport:
    return get_or_404(reports_visible(user), pk, _("Không tìm thấy báo cáo sơ kết, tổng kết."))


def report_find(campaign: Campaign, unit: Unit) -> ReviewReport | None:
    return ReviewReport.objects.filter(campaign=campaign, unit=unit).select_related("issued").first()


def report_sections(report: ReviewReport) -> dict[str, str]:
    """{section key: text} for every section, in the report's order ("" when not written)."""
    stored = dict(ReviewSection.objects.filter(report=report).values_list("key", "text"))
    return {key: stored.get(key, "") for key in SectionKey.values}


def is_frozen(report: ReviewReport) -> bool:
    """Submitted and accepted reports show the figures frozen at submission; drafts and returned ones live data."""
    return report.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED) and bool(report.figures)


def report_figures(report: ReviewReport, *, user):
    """The report's drafted figures (``figures.ReportFigures``): live for drafts, frozen once submitted."""
    from nghiquyet.reviews.figures import report_figures as compute

    return compute(report, user=user)


def consolidation(report: ReviewReport, *, user, today: dt.date | None = None, figures=None):
    """The consolidation of a unit with subordinate reports (``figures.Consolidation``); ``figures``: the report's
    figures when the caller has them already."""
    from nghiquyet.reviews.figures import consolidation as compute

    return compute(report, user=user, today=today, figures=figures)


def may_edit(user, report: ReviewReport) -> bool:
    from nghiquyet.accounts.scope import can

    return (report.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED) and not report.campaign.is_closed
            and can(user, Perm.REPORT_SUBMIT, report.unit))


def may_decide(user, report: ReviewReport) -> bool:
    """May ``user`` accept or return ``report`` now (submitted, with a reviewer where the user approves)?"""
    from nghiquyet.accounts.scope import can

    if report.status != SubmissionStatus.SUBMITTED:
        return False
    reviewer = reviewer_unit(report.campaign, report.unit)
    return reviewer is not None and can(user, Perm.REPORT_APPROVE, reviewer)


# ---------------------------------------------------------------- progress


class State:
    ACCEPTED = "accepted"
    ON_TIME = "on_time"
    LATE = "late"
    RETURNED = "returned"
    DRAFT = "draft"
    MISSING = "missing"
    NOT_DUE = "not_due"

    LABELS = {
        ACCEPTED: gettext_lazy("Đã duyệt"),
        ON_TIME: gettext_lazy("Đã gửi đúng hạn"),
        LATE: gettext_lazy("Đã gửi muộn"),
        RETURNED: gettext_lazy("Bị trả lại"),
        DRAFT: gettext_lazy("Đang soạn"),
        MISSING: gettext_lazy("Chưa nộp (quá hạn)"),
        NOT_DUE: gettext_lazy("Chưa đến hạn"),
    }
    ORDER = (ACCEPTED, ON_TIME, LATE, RETURNED, DRAFT, MISSING, NOT_DUE)


def report_state(status: str | None, is_late: bool, due: dt.date, today: dt.date) -> str:
    """The state of one owed report: accepted; submitted on time or late; returned; draft or nothing yet before
    the deadline; missing once the deadline has passed without a submission."""
    if status == SubmissionStatus.ACCEPTED:
        return State.ACCEPTED
    if status == SubmissionStatus.SUBMITTED:
        return State.LATE if is_late else State.ON_TIME
    if status == SubmissionStatus.RETURNED:
        return State.RETURNED
    if today <= due:
        return State.DRAFT if status == SubmissionStatus.DRAFT else State.NOT_DUE
    return State.MISSING


@dataclass
class ProgressRow:
    unit: Unit
    report: ReviewReport | None
    due: dt.date
    state: str
    reviewer_id: int | None

    @property
    def state_label(self) -> str:
        return str(State.LABELS[self.state])

    @property
    def is_late(self) -> bool:
        return bool(self.report and self.report.is_late)


@dataclass
class CampaignProgress:
    campaign: Campaign
    unit: Unit
    today: dt.date
    rows: list[ProgressRow]

    def count(self, *states: str) -> int:
        return sum(1 for r in self.rows if r.state in states)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        """Submitted (on time or late), accepted included."""
        return self.count(State.ACCEPTED, State.ON_TIME, State.LATE)

    @property
    def on_time(self) -> int:
        return sum(1 for r in self.rows if r.state in (State.ACCEPTED, State.ON_TIME, State.LATE) and not r.is_late)

    @property
    def late(self) -> int:
        return sum(1 for r in self.rows if r.state in (State.ACCEPTED, State.ON_TIME, State.LATE) and r.is_late)

    @property
    def accepted(self) -> int:
        return self.count(State.ACCEPTED)

    @property
    def returned(self) -> int:
        return self.count(State.RETURNED)

    @property
    def draft(self) -> int:
        return self.count(State.DRAFT)

    @property
    def missing(self) -> int:
        return self.count(State.MISSING)

    @property
    def not_due(self) -> int:
        return self.count(State.NOT_DUE)

    @property
    def percent_submitted(self) -> int | None:
        return round(100 * self.submitted / self.expected) if self.expected else None

    def by_state(self) -> Counter:
        return Counter(r.state for r in self.rows)

    def counts(self) -> dict[str, int]:
        return {"expected": self.expected, "submitted": self.submitted, "on_time": self.on_time, "late": self.late,
                "accepted": self.accepted, "returned": self.returned, "draft": self.draft, "missing": self.missing,
                "not_due": self.not_due}


def campaign_progress(user, campaign: Campaign, *, unit: Unit | None = None,
                      today: dt.date | None = None) -> CampaignProgress:
    """One row per unit owing a report under ``unit`` (default: the opener) that ``user`` can see, with its report,
    due date and state. Three queries (the user's grants are read once per request)."""
    today = today or timezone.localdate()
    root = unit or campaign.unit
    if not root.path.startswith(campaign.unit.path):
        root = campaign.unit
    units = list(Unit.objects.filter(owing_units_q(campaign), unit_scope_q(user, with_history=False),
                                     path__under=root.path).order_by("path"))
    reports = {r.unit_id: r for r in ReviewReport.objects.filter(
        campaign=campaign, unit__path__under=root.path).select_related("issued")}
    ancestors = {pk for u in units for pk in path_ids(u.path)}
    reviewers = reviewer_map(campaign, Unit.objects.filter(owing_units_q(campaign), pk__in=ancestors)
                             .values_list("pk", "path")) if units else {}
    rows = []
    for u in units:
        report = reports.get(u.pk)
        due = deadline_for(campaign, u)
        rows.append(ProgressRow(unit=u, report=report, due=due, reviewer_id=reviewers.get(u.pk),
                                state=report_state(report.status if report else None,
                                                   bool(report and report.is_late), due, today)))
    return CampaignProgress(campaign=campaign, unit=root, today=today, rows=rows)


# ---------------------------------------------------------------- to-dos (home page)


@dataclass
class ReviewTodo:
    campaign: Campaign
    unit: Unit
    report: ReviewReport | None
    due: dt.date
    days_left: int        # negative: days overdue

    @property
    def status(self) -> str:
        return self.report.status if self.report else ""

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else _("Chưa soạn")

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def review_todos(user, *, today: dt.date | None = None) -> list[ReviewTodo]:
    """Open campaigns where a unit the user holds a role at (with the permission to submit) owes a report not yet
    submitted: draft, returned, or not started. Soonest due first."""
    today = today or timezone.localdate()
    grants = [g for g in scope_of(user).grants if Perm.REPORT_SUBMIT in g.permissions]
    if not grants:
        return []
    own = {u.pk: u for u in Unit.objects.filter(pk__in={g.unit_id for g in grants}, valid_to__isnull=True)}
    if not own:
        return []
    ancestor_ids = {pk for u in own.values() for pk in path_ids(u.path)}
    campaigns = list(Campaign.objects.filter(unit_id__in=ancestor_ids, is_closed=False)
                     .select_related("unit", "resolution"))
    wanted = [(c, u) for c in campaigns for u in own.values() if owes_report(c, u)]
    if not wanted:
        return []
    reports = {(r.campaign_id, r.unit_id): r for r in ReviewReport.objects.filter(
        campaign__in={c.pk for c, _u in wanted}, unit__in={u.pk for _c, u in wanted})}
    todos = []
    for campaign, unit in wanted:
        report = reports.get((campaign.pk, unit.pk))
        if report is not None and report.status in (SubmissionStatus.SUBMITTED, SubmissionStatus.ACCEPTED):
            continue
        due = deadline_for(campaign, unit)
        todos.append(ReviewTodo(campaign=campaign, unit=unit, report=report, due=due, days_left=(due - today).days))
    return sorted(todos, key=lambda t: (t.due, t.unit.path, t.campaign.pk))
