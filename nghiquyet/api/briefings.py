"""``/api/v1/briefings``: the briefing (giao ban) of a committee for a week, a month or a quarter — the same digest
as the page, the PDF and the weekly e-mail (``briefings.selectors.briefing_for``). Read only; a unit outside the
user's scope is a 404, an unknown window a 422 naming ``window``, a malformed day or one outside
``selectors.DAY_FIRST``..``DAY_LAST`` (the same bounds as the page) a 422 naming ``day``."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import Query, Router

from nghiquyet.api.briefings_schemas import BriefingOut, BriefingQuery
from nghiquyet.api.plans import _Errors
from nghiquyet.api.schemas import READ_ERRORS
from nghiquyet.briefings.selectors import Briefing, WindowKind, briefing_for, briefing_unit_get, window_parse

router = Router(tags=["briefings"])

WINDOWS = {"week": WindowKind.WEEK, "month": WindowKind.MONTH, "quarter": WindowKind.QUARTER}
SECTIONS = {"nhiem-vu": "tasks", "chi-tieu": "targets", "bao-cao": "reports", "kien-nghi": "recommendations",
            "hoc-tap": "study"}


def _person(person) -> dict | None:
    if person is None:
        return None
    return {"id": person.pk, "full_name": person.full_name, "position": person.position}


def _unit(unit) -> dict | None:
    return None if unit is None else {"id": unit.pk, "code": unit.code, "name": unit.name}


def _out(b: Briefing, *, window, url: str) -> dict:
    return {
        "unit": _unit(b.unit), "window": next(k for k, v in WINDOWS.items() if v == window.kind),
        "label": window.label, "start": b.start, "end": b.end, "on": b.on,
        "url": url, "pdf_url": url.replace("/?", "/pdf/?", 1),
        "counts": [{"section": SECTIONS[anchor], "label": str(label), "count": n} for anchor, label, n in b.counts],
        "tasks": {
            "overdue": b.tasks.overdue, "at_risk": b.tasks.at_risk, "at_risk_days": b.tasks.at_risk_days,
            "at_risk_percent": b.tasks.at_risk_percent,
            "lines": [{"id": line.task.pk, "title": line.task.title, "unit": _unit(line.task.unit),
                       "program_id": line.task.program_id, "due_date": line.task.due_date,
                       "percent": line.task.percent, "status": line.task.status, "overdue": line.overdue,
                       "days": line.days, "responsible": _person(line.task.responsible),
                       "directing": _person(line.task.directing)} for line in b.tasks.lines],
        },
        "targets": {
            "period": b.targets.period, "evaluated": b.targets.evaluated, "off_track": b.targets.off_track,
            "at_risk": b.targets.at_risk,
            "lines": [{"id": line.target.pk, "number": line.target.number, "name": line.target.name,
                       "measure": line.target.measure, "status": line.evaluation.status,
                       "status_label": str(line.evaluation.status_label), "actual": line.evaluation.actual,
                       "plan": line.evaluation.plan, "pct_of_milestone": line.evaluation.pct_of_milestone}
                      for line in b.targets.lines],
        },
        "reports": [{
            "period": block.period, "expected": block.completeness.expected, "missing": block.completeness.missing,
            "late": block.completeness.late,
            "lines": [{"unit": _unit(r.unit), "schedule_id": r.schedule.pk, "schedule": r.schedule.name,
                       "due": r.due, "state": r.state, "state_label": r.state_label,
                       "submission_id": r.submission.pk if r.submission else None} for r in block.rows],
        } for block in b.reports.blocks],
        "recommendations": {
            "available": b.recommendations.available, "open": b.recommendations.open,
            "overdue": b.recommendations.overdue,
            "lines": [{"id": r.pk, "text": r.text, "inspection_id": r.inspection_id, "inspection": r.inspection.title,
                       "owner_unit": _unit(r.owner_unit), "owner_person": _person(r.owner_person),
                       "due_on": r.due_on, "overdue": bool(getattr(r, "overdue", False))}
                      for r in b.recommendations.rows],
        },
        "study": {
            "available": b.study.available, "units": b.study.count,
            "gaps": [{"plan_id": g.plan.pk, "plan": g.plan.title, "resolution": str(g.plan.resolution),
                      "deadline": g.plan.deadline, "unit": _unit(g.unit), "members": g.members,
                      "studied": g.studied, "percent": g.percent, "writeups_overdue": g.writeups_overdue}
                     for g in b.study.gaps],
        },
    }


@router.get("/briefings", response={200: BriefingOut, **READ_ERRORS},
            summary="Giao ban của một cấp ủy trong một tuần, tháng hoặc quý",
            description="Nhiệm vụ quá hạn và có nguy cơ chậm (theo người phụ trách), chỉ tiêu chậm tiến độ, báo cáo "
                        "chưa nộp hoặc nộp muộn, kiến nghị chưa hoàn thành, học tập còn thiếu — của đơn vị và các "
                        "đơn vị trực thuộc. `window`: week, month, quarter; `day`: một ngày trong kỳ (mặc định hôm "
                        "nay). Đơn vị ngoài phạm vi: 404.")
def briefing_detail(request, query: Query[BriefingQuery]):
    user = request.auth
    unit = briefing_unit_get(user, query.unit)
    if query.window not in WINDOWS:
        errors = _Errors()
        errors.add("window", _("Kỳ giao ban không hợp lệ: week, month hoặc quarter."))
        errors.raise_if_any()
    window = window_parse(WINDOWS[query.window], query.day, today=timezone.localdate())  # 422 on `day` if out of range
    digest = briefing_for(user=user, unit=unit, start=window.start, end=window.end)
    url = reverse("briefing", args=[unit.pk]) + "?" + urlencode(window.query())
    return _out(digest, window=window, url=url)
