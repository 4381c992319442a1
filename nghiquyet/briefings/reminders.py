"""Reminder source of the weekly briefing (``ReminderKind.BRIEFING``), per the contract of
``nghiquyet.notifications.reminders``.

Every week, from the weekday of the BRIEFINGS setting (ISO: 1 = Monday) to the week's end, each open committee
(unit kinds of the setting) that has people in standing-committee roles (the ROLES setting: secretary, deputy
secretary, standing member, office staff) gets this week's digest, once per recipient: the key
``briefing:<unit id>:<ISO year>-W<week>`` is the same all week, so a worker scanning daily (or catching up on a
later day of the week) delivers it once; next week is a new key.

The digest is computed once per committee, as read by one of its own role holders (they all see the committee's
whole subtree), and rendered as plain text with the page's address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nghiquyet.accounts.models import RoleAssignment
from nghiquyet.briefings.selectors import Briefing, WindowKind, briefing_for, conf, window_of
from nghiquyet.core.numbers import format_vn_decimal
from nghiquyet.notifications.reminders import Reminder, ReminderKind, date_vn, reminder_settings


def week_key(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def recipients(today: dt.date) -> dict[int, list[int]]:
    """{committee unit id: [user ids]} of the active users holding a briefing role at an open committee (one
    query)."""
    settings = conf()
    out: dict[int, list[int]] = {}
    for unit_id, user_id in (RoleAssignment.objects.filter(
            role__in=settings["ROLES"], unit__kind__in=settings["KINDS"], unit__valid_to__isnull=True,
            user__is_active=True).order_by("unit__path", "user_id").values_list("unit_id", "user_id")):
        users = out.setdefault(unit_id, [])
        if user_id not in users:
            users.append(user_id)
    return out


def _lines(title: str, items: list[str], total: int, empty: str) -> list[str]:
    out = [title]
    if not items:
        return [*out, "  " + empty, ""]
    out += [f"  - {item}" for item in items]
    if total > len(items):
        out.append("  " + _("và %(n)s mục khác") % {"n": total - len(items)})
    return [*out, ""]


def digest_text(briefing: Briefing, *, label: str, url: str) -> str:
    """The briefing as plain text: the figures, then each section's first rows (EMAIL_ROWS), then the address."""
    rows = conf()["EMAIL_ROWS"]
    b = briefing
    out = [_("GIAO BAN %(label)s · %(unit)s") % {"label": label, "unit": b.unit.name},
           _("Số liệu tính đến ngày %(d)s.") % {"d": date_vn(b.on)}, ""]
    out += [f"{text}: {n}" for _anchor, text, n in b.counts] + [""]

    tasks = [
        (_("%(title)s — phụ trách: %(who)s; chỉ đạo: %(boss)s; hạn %(due)s (%(state)s, %(pct)s%%)") % {
            "title": line.task.title, "who": line.task.responsible.full_name if line.task.responsible else "—",
            "boss": line.task.directing.full_name if line.task.directing else "—",
            "due": date_vn(line.task.due_date), "pct": line.task.percent,
            "state": (ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", line.days) if line.overdue
                      else ngettext("còn %(n)s ngày", "còn %(n)s ngày", line.days)) % {"n": line.days}})
        for line in b.tasks.lines[:rows]]
    out += _lines("1. " + _("Nhiệm vụ quá hạn và có nguy cơ chậm"), tasks, len(b.tasks.lines),
                  _("Không có nhiệm vụ quá hạn hoặc có nguy cơ chậm."))

    period = f" ({b.targets.period})" if b.targets.period else ""
    targets = [f"{line.target.number}. {line.target.name}: {line.evaluation.status_label}"
               for line in b.targets.lines[:rows]]
    out += _lines("2. " + _("Chỉ tiêu chậm tiến độ") + period, targets, len(b.targets.lines),
                  _("Không có chỉ tiêu chậm tiến độ hoặc có nguy cơ.") if b.targets.period
                  else _("Chưa có số liệu chỉ tiêu được báo cáo."))

    reports = [f"{r.unit.name} — {r.schedule.name}, {_('hạn')} {date_vn(r.due)}: {r.state_label}"
               for r in b.reports.rows[:rows]]
    periods = ", ".join(str(block.period) for block in b.reports.blocks)
    out += _lines("3. " + _("Báo cáo chưa nộp, nộp muộn") + (f" ({periods})" if periods else ""), reports,
                  len(b.reports.rows), _("Không có báo cáo chưa nộp hoặc nộp muộn."))

    if b.recommendations.available:
        recs = [_("%(text)s — hạn %(due)s%(late)s") % {
            "text": r.text[:200], "due": date_vn(r.due_on) or "—",
            "late": " (" + _("quá hạn") + ")" if getattr(r, "overdue", False) else ""}
            for r in b.recommendations.rows[:rows]]
        out += _lines("4. " + _("Kiến nghị sau kiểm tra, giám sát chưa hoàn thành"), recs, b.recommendations.open,
                      _("Không có kiến nghị chưa hoàn thành."))
    else:
        out += ["4. " + _("Kiến nghị sau kiểm tra, giám sát chưa hoàn thành"),
                "  " + _("Chưa có dữ liệu kiểm tra, giám sát."), ""]

    if b.study.available:
        gaps = [_("%(res)s — %(unit)s: %(studied)s/%(members)s đảng viên đã học") % {
            "res": g.plan.resolution, "unit": g.unit.name, "studied": format_vn_decimal(g.studied),
            "members": format_vn_decimal(g.members)}
            for g in b.study.gaps[:rows]]
        out += _lines("5. " + _("Học tập, quán triệt nghị quyết còn thiếu"), gaps, len(b.study.gaps),
                      _("Không có nghị quyết nào còn thiếu học tập, quán triệt."))
    else:
        out += ["5. " + _("Học tập, quán triệt nghị quyết còn thiếu"), "  " + _("Chưa có dữ liệu học tập, quán triệt."),
                ""]
    out.append(_("Xem đầy đủ và tải bản PDF: %(url)s") % {"url": url})
    return "\n".join(out)


def _recorded(keys: list[str]) -> set[tuple[str, int]]:
    """(key, user id) of this week's briefings the worker has recorded already: the worker scans every minute,
    and a digest costs some thirty queries, so a committee whose people all have theirs is not read again."""
    try:
        from nghiquyet.notifications.models import Delivery
    except ImportError:  # pragma: no cover - the notifications app is part of the project
        return set()
    found: set[tuple[str, int]] = set()
    for i in range(0, len(keys), 500):
        found.update(Delivery.objects.filter(kind=ReminderKind.BRIEFING, key__in=keys[i:i + 500])
                     .values_list("key", "user_id"))
    return found


def reminders_due(today: dt.date) -> Iterator[Reminder]:
    """This week's briefing to every standing-committee role holder, from the weekday of the setting on (only to
    those who have not had it yet: the worker records each reminder once anyway)."""
    if today.isoweekday() < conf()["WEEKDAY"]:
        return
    window = window_of(WindowKind.WEEK, today)
    key_week = week_key(today)
    label = window.label
    site = reminder_settings().get("SITE_URL", "").rstrip("/")
    by_unit = recipients(today)
    if not by_unit:
        return
    from nghiquyet.org.models import Unit

    recorded = _recorded([f"briefing:{unit_id}:{key_week}" for unit_id in by_unit])
    by_unit = {unit_id: [u for u in user_ids if (f"briefing:{unit_id}:{key_week}", u) not in recorded]
               for unit_id, user_ids in by_unit.items()}
    by_unit = {unit_id: user_ids for unit_id, user_ids in by_unit.items() if user_ids}
    if not by_unit:
        return
    units = Unit.objects.in_bulk(list(by_unit))
    users = get_user_model().objects.in_bulk([u for ids in by_unit.values() for u in ids])
    for unit_id, user_ids in by_unit.items():
        unit = units[unit_id]
        reader = users[user_ids[0]]
        digest = briefing_for(user=reader, unit=unit, start=window.start, end=window.end, today=today)
        url = reverse("briefing", args=[unit.pk]) + "?" + urlencode(window.query())
        subject = _("Giao ban %(label)s · %(unit)s") % {"label": label, "unit": unit.name}
        body = digest_text(digest, label=label, url=site + url)
        for user_id in user_ids:
            yield Reminder(kind=ReminderKind.BRIEFING, key=f"briefing:{unit.pk}:{key_week}", user_id=user_id,
                           subject=subject[:300], body=body, url=url,
                           due_on=window.start + dt.timedelta(days=conf()["WEEKDAY"] - 1), unit_id=unit.pk)
